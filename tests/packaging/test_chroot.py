"""Install, upgrade and roll back as IT does, in a Debian 12 chroot, with two real builds.

The session's packages are version 1. Version 2 is built here from a copy of this source tree
with a newer version number and one more journal migration (a table it adds), by the same
packaging/build.py: the runtime is unchanged, so version 2 is a new app package alone. In a
fresh Debian 12 (debootstrap, minbase, from the Debian mirror; made once per run), with apt and
``--no-install-recommends``, against a sandbox wallet on this machine's loopback (run from
the source: it is not in the package):

install 1, enroll, sell → upgrade to 2 (the postinst backs the journal up and migrates it), sell
→ downgrade to 1: refused, 2 stays → restore the backup with 2, downgrade: installed, sell →
upgrade to 2 again, sell → forced downgrade: installed, doctor fails with the restore hint →
restore with 1's ``payterm restore``: doctor OK, sell.

Marked ``chroot`` (and slow): `make test` runs them (CI too); they need root, debootstrap and
the Debian mirror (`make sysdeps-test`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from terminal import __version__
from terminal.journal.schema import LATEST_VERSION
from tests.packaging import early
from tests.packaging.conftest import ROOT, build_packages
from tests.packaging.test_installed_run import WAIT, free_port

pytestmark = [pytest.mark.slow, pytest.mark.chroot, pytest.mark.timeout(1800)]
MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"  # Debian 12
V2 = f"{__version__}.1"  # sorts after __version__ for dpkg
STATE = "/var/lib/payterm"
PASSPHRASE = "correct horse battery staple, chroot test"
# What the second build's migration adds (the schema change of the upgrade), in place of the
# line that counts the migrations (what `migrate` and the preinst's version read).
LATEST_LINE = "LATEST_VERSION = len(MIGRATIONS)\n"
V2_MIGRATION = '''

def _v_next_chroot_test(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE chroot_test_v2 (id INTEGER PRIMARY KEY) STRICT")


MIGRATIONS = (*MIGRATIONS, _v_next_chroot_test)
''' + LATEST_LINE


@dataclass(frozen=True)
class Chroot:
    root: Path

    def run(self, *args: str, stdin: str | None = None, timeout: float = 900,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        base = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
                "DEBIAN_FRONTEND": "noninteractive", **(env or {})}
        return subprocess.run(["chroot", str(self.root), "env", "-i", *(f"{k}={v}" for k, v in base.items()),
                               *args], input=stdin, capture_output=True, text=True, timeout=timeout, check=False)

    def payterm(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        """`sudo -u payterm -H payterm ARGS` (runuser: no sudo on a bare register)."""
        return self.run("runuser", "-u", "payterm", "--", "env", f"HOME={STATE}", "QT_QPA_PLATFORM=offscreen",
                        "PAYTERM_SCANNER__CAMERA=none", f"PAYTERM_KEY_PASSPHRASE={PASSPHRASE}", "/usr/bin/payterm",
                        *args, stdin=stdin, env=env)

    def apt_install(self, *debs: Path, **env: str) -> subprocess.CompletedProcess[str]:
        inside = []
        for deb in debs:
            shutil.copy(deb, self.root / "tmp" / deb.name)
            inside.append(f"/tmp/{deb.name}")
        return self.run("apt-get", "install", "-y", "--no-install-recommends", "--allow-downgrades", *inside,
                        env=env)

    def installed_version(self, package: str) -> str:
        return self.run("dpkg-query", "-W", "-f=${Version}", package).stdout


def debootstrap(root: Path) -> Path:
    """A minimal Debian 12 at ``root`` (about a minute)."""
    made = subprocess.run(["debootstrap", "--variant=minbase", SUITE, str(root), MIRROR], capture_output=True,
                          text=True, timeout=1200, check=False)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return root


@pytest.fixture(scope="session")
def debian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroot]:
    """A minimal Debian 12, made once per run (started at collection when it can be, see
    tests/packaging/early.py), with /proc mounted."""
    root = early.result("debian", timeout=1800) or debootstrap(tmp_path_factory.mktemp("chroot") / "bookworm")
    subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
    try:
        chroot = Chroot(root)
        updated = chroot.run("apt-get", "update")
        assert updated.returncode == 0, updated.stdout + updated.stderr
        yield chroot
    finally:
        subprocess.run(["umount", "--lazy", str(root / "proc")], check=False)
        shutil.rmtree(root, ignore_errors=True)


def second_version(tmp: Path) -> Path:
    """A copy of the source tree as the next release: version V2, one more migration."""
    src = tmp / "src"
    for part in ("terminal", "packaging", "assets"):
        shutil.copytree(ROOT / part, src / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("docs/deploy.md", "docs/pos-integration.md", "config/terminal.example.toml"):
        (src / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / part, src / part)
    init = src / "terminal" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(f'"{__version__}"', f'"{V2}"'), encoding="utf-8")
    schema = src / "terminal" / "journal" / "schema.py"
    text = schema.read_text(encoding="utf-8")
    assert text.count(LATEST_LINE) == 1, "terminal/journal/schema.py no longer counts its migrations so"
    schema.write_text(text.replace(LATEST_LINE, V2_MIGRATION), encoding="utf-8")
    changelog = src / "packaging" / "deb" / "changelog"
    changelog.write_text(f"payterm ({V2}) stable; urgency=medium\n\n  * Test release: one more journal table.\n\n"
                         " -- PayTerm <it@payterm.invalid>  Thu, 03 Dec 2026 09:00:00 +0000\n\n"
                         + changelog.read_text(encoding="utf-8"), encoding="utf-8")
    return src


@pytest.fixture(scope="session")
def v2(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    early_builds = early.result("builds", timeout=2400)
    if early_builds is not None and early_builds[1] is not None:
        second: tuple[Path, Path] = early_builds[1]
        return second
    tmp = tmp_path_factory.mktemp("v2")
    return build_packages(second_version(tmp), tmp / "dist", tmp / "work")


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[str]:
    """The sandbox wallet from this checkout, on loopback (the chroot shares the network)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "terminal.cli", "sandbox", "serve", "--port", str(port), "--db",
                             str(tmp_path / "sandbox.sqlite3")], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert proc.poll() is None, "the sandbox exited"
            try:
                # No step-up: not on the first payment, nor for the many from one customer here.
                httpx.post(url + "/sandbox/risk", json={"step_up_first_payment": False, "velocity_count": 1000},
                           timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the sandbox did not come up"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def sell(debian: Chroot, url: str, amount: int) -> None:
    code = httpx.post(url + "/sandbox/customers/alice/payment-codes", timeout=10).json()["payment_code"]
    done = debian.payterm("charge", "--amount", str(amount), "--code-stdin", stdin=code + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


def journal_check(debian: Chroot) -> tuple[int, dict[str, str]]:
    doctor = debian.payterm("doctor", "--json")
    report = json.loads(doctor.stdout)
    return doctor.returncode, next(c for c in report["checks"] if c["check"] == "journal")


def test_two_real_versions_install_upgrade_refuse_downgrade_restore(
        debian: Chroot, built: tuple[Path, Path], v2: tuple[Path, Path], wallet: str) -> None:
    runtime, app1 = built
    runtime2, app2 = v2
    # Version 2 changed only PayTerm's code: the same runtime, a new app package.
    assert runtime2.name == runtime.name and runtime2.read_bytes() == runtime.read_bytes()
    assert app2.name == f"payterm_{V2}_all.deb" and app2.stat().st_size < 5e6

    installed = debian.apt_install(runtime, app1)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert debian.payterm("--version").stdout.strip() == f"payterm {__version__}"
    demo = debian.payterm("demo")
    assert demo.returncode == 2 and "not in the production package" in demo.stderr, demo.stderr
    code = httpx.post(wallet + "/sandbox/enrollment-codes", timeout=10).json()["enrollment_code"]
    enrolled = debian.payterm("enroll", "--wallet", wallet, "--code", code, "--trust-on-first-use")
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
    sell(debian, wallet, 300)

    # Upgrade: the app package alone; the postinst backs the journal up, then migrates it.
    upgraded = debian.apt_install(app2)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert "Unpacking payterm-runtime" not in upgraded.stdout
    assert (f"journal backed up to {STATE}/journal.v{LATEST_VERSION}.bak; migrated from schema version "
            f"{LATEST_VERSION} to {LATEST_VERSION + 1}") in upgraded.stdout, upgraded.stdout
    assert debian.payterm("--version").stdout.strip() == f"payterm {V2}"
    assert journal_check(debian)[1]["status"] == "ok"
    for made in (f"{STATE}/journal.sqlite3", f"{STATE}/journal.v{LATEST_VERSION}.bak"):  # by payterm, not root
        assert debian.run("stat", "-c", "%U %a", made).stdout.split() == ["payterm", "600"], made
    sell(debian, wallet, 400)

    # Downgrade onto the migrated journal: refused, version 2 stays and works.
    refused = debian.apt_install(app1)
    assert refused.returncode != 0
    assert (f"has schema\nversion {LATEST_VERSION + 1}, written by a newer PayTerm; this package reads version "
            f"{LATEST_VERSION}") in refused.stderr, refused.stderr
    assert debian.installed_version("payterm") == V2
    sell(debian, wallet, 450)

    # Roll back as docs/deploy.md says: restore the backup with version 2, then downgrade.
    restored = debian.payterm("restore", f"{STATE}/journal.v{LATEST_VERSION}.bak")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "2 sales in the replaced journal are not in the restored one" in restored.stdout, restored.stdout
    downgraded = debian.apt_install(app1)
    assert downgraded.returncode == 0, downgraded.stdout + downgraded.stderr
    assert debian.installed_version("payterm") == __version__
    assert journal_check(debian) == (0, journal_check(debian)[1]) and journal_check(debian)[1]["status"] == "ok"
    sell(debian, wallet, 500)

    # Once more up, then a forced downgrade: installed, but the register says what to do.
    again = debian.apt_install(app2)
    assert again.returncode == 0 and "migrated from schema version" in again.stdout, again.stdout + again.stderr
    sell(debian, wallet, 600)
    forced = debian.apt_install(app1, PAYTERM_FORCE_DOWNGRADE="1")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "installing anyway" in forced.stderr and "journal was not migrated" in forced.stderr
    rc, check = journal_check(debian)
    assert rc == 1 and check["status"] == "fail" and "payterm restore" in check["hint"], check
    restored = debian.payterm("restore", f"{STATE}/journal.v{LATEST_VERSION}.bak")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    rc, check = journal_check(debian)
    assert rc == 0 and check["status"] == "ok", check
    sell(debian, wallet, 700)
    # What the upgrades installed: two packages, and only their own Debian dependencies.
    listed = debian.run("dpkg-query", "-W", "-f=${Package}\n").stdout.split()
    assert {"payterm", "payterm-runtime"} <= set(listed)
    assert not {"imagemagick", "ghostscript", "cups", "libmagickcore-6.q16-6"} & set(listed)
    assert re.search(r"^libzbar0$", "\n".join(listed), re.MULTILINE)

"""Upgrade and rollback with the real package and its maintainer scripts, on the real
/var/lib/payterm, as IT would do them: enroll and sell as the user payterm, then

- reinstall onto a journal that a newer build migrated (played by raising its user_version, as
  that build's migration would): the preinst refuses, and the installed register is untouched;
- forced (PAYTERM_FORCE_DOWNGRADE=1): installed, `doctor` fails with the restore hint;
- `payterm restore` of the backup: the register sells again;
- install onto an older journal (one schema step back): the postinst backs it up to
  journal.v<N>.bak and migrates it, as the user payterm, before anything else opens it.

One PyInstaller build serves every case (the session's `package`): the "newer" and "older"
versions are the journal's, which is all the maintainer scripts look at. Needs a dpkg install
(root, as in CI): see the session's first line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, migrate, user_version
from tests.packaging.conftest import Installed
from tests.packaging.test_installed_run import WAIT, free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test also waits for the build
STATE = Path("/var/lib/payterm")
JOURNAL = STATE / "journal.sqlite3"


def clean_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PAYTERM_", "PYTHON", "VIRTUAL_ENV"))}
    return {**keep, "QT_QPA_PLATFORM": "offscreen", "PAYTERM_SCANNER__CAMERA": "none",
            # As a packaged register without systemd: the KEK is an operator's passphrase.
            "PAYTERM_KEY_PASSPHRASE": "correct horse battery staple, upgrade test", **extra}


def as_payterm(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`sudo -u payterm -H payterm ARGS` (runuser: no sudo on a bare register)."""
    return subprocess.run(["runuser", "-u", "payterm", "--", "env", f"HOME={STATE}", "/usr/bin/payterm", *args],
                          env=clean_env(), input=stdin, capture_output=True, text=True, timeout=180, cwd="/",
                          check=False)


def dpkg_install(deb: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["dpkg", "-i", str(deb)], env=clean_env(**env), capture_output=True, text=True,
                          timeout=600, check=False)


def header_version(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[60:64], "big")


@pytest.fixture
def installed(package: Installed) -> Installed:
    if not package.by_dpkg:
        pytest.skip("the package was unpacked, not installed (see the session's first line): no maintainer "
                    "script ran")
    return package


@pytest.fixture
def wallet(installed: Installed, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The installed build's sandbox wallet, on a free loopback port."""
    port, db = free_port(), tmp_path / "sandbox.sqlite3"
    proc = subprocess.Popen(["/usr/bin/payterm", "sandbox", "serve", "--port", str(port), "--db", str(db)],
                            env=clean_env(PAYTERM_HOME=str(tmp_path / "wallet-home")), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd="/")
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert proc.poll() is None, "the installed sandbox exited"
            try:
                httpx.post(url + "/sandbox/risk", json={"step_up_first_payment": False}, timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the installed sandbox did not come up"
                time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture
def register_state() -> Iterator[None]:
    """/var/lib/payterm as the package made it, given back empty afterwards (the session's
    fixture purges the package at the end)."""
    yield
    for child in STATE.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def sell(url: str, amount: int) -> None:
    code = httpx.post(url + "/sandbox/customers/alice/payment-codes", timeout=10).json()["payment_code"]
    done = as_payterm("charge", "--amount", str(amount), "--code-stdin", stdin=code + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


def test_rollback_refused_forced_then_restored(installed: Installed, wallet: tuple[str, Path],
                                                register_state: None) -> None:
    url, _ = wallet
    code = httpx.post(url + "/sandbox/enrollment-codes", timeout=10).json()["enrollment_code"]
    enrolled = as_payterm("enroll", "--wallet", url, "--code", code, "--trust-on-first-use")
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
    sell(url, 300)
    backup = as_payterm("backup", f"{STATE}/backups/")
    assert backup.returncode == 0, backup.stderr
    (copy,) = (STATE / "backups").iterdir()
    sell(url, 400)

    # A newer build migrated the journal (and its window has stopped: the file is checkpointed).
    with closing(sqlite3.connect(JOURNAL)) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = JOURNAL.read_bytes()

    refused = dpkg_install(installed.deb)
    assert refused.returncode != 0
    assert f"has schema\nversion {LATEST_VERSION + 1}, written by a newer PayTerm" in refused.stderr, refused.stderr
    assert "payterm restore" in refused.stderr and "PAYTERM_FORCE_DOWNGRADE=1" in refused.stderr
    assert JOURNAL.read_bytes() == before  # nothing touched
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "payterm"], capture_output=True, text=True,
                            check=False)
    assert status.stdout == "install ok installed"  # the installed version stays, working

    forced = dpkg_install(installed.deb, PAYTERM_FORCE_DOWNGRADE="1")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "installing anyway" in forced.stderr and "journal was not migrated" in forced.stderr
    doctor = as_payterm("doctor", "--json")
    assert doctor.returncode == 1
    assert '"check": "journal", "status": "fail"' in doctor.stdout and "payterm restore" in doctor.stdout

    restored = as_payterm("restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "1 sales in the replaced journal are not in the restored one" in restored.stdout
    assert header_version(JOURNAL) == LATEST_VERSION
    doctor = as_payterm("doctor", "--json")
    assert '"check": "journal", "status": "ok"' in doctor.stdout, doctor.stdout
    sell(url, 500)


def test_upgrade_backs_up_then_migrates_the_journal_as_payterm(installed: Installed,
                                                              register_state: None) -> None:
    older = LATEST_VERSION - 1
    with closing(open_write_connection(JOURNAL)) as conn:
        migrate(conn, older)
    shutil.chown(JOURNAL, "payterm", "payterm")
    JOURNAL.chmod(0o600)

    upgraded = dpkg_install(installed.deb)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert f"journal backed up to {STATE}/journal.v{older}.bak; migrated from schema version {older} to " \
           f"{LATEST_VERSION}" in upgraded.stdout
    with closing(sqlite3.connect(STATE / f"journal.v{older}.bak")) as conn:
        assert user_version(conn) == older
    assert header_version(JOURNAL) == LATEST_VERSION  # what the next preinst reads
    for path in (JOURNAL, STATE / f"journal.v{older}.bak"):  # made and changed by payterm, not root
        assert path.stat().st_uid == STATE.stat().st_uid and path.stat().st_mode & 0o777 == 0o600
    again = dpkg_install(installed.deb)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr


def enable_links() -> list[Path]:
    return [p for p in Path("/etc/systemd/system").glob("*.wants/*") if p.name.startswith("payterm")]


def test_units_verify_and_remove_disables_cleanly(installed: Installed) -> None:
    """Last in the module: removes the package and installs it again."""
    units = [Path("/lib/systemd/system") / u for u in ("payterm.service", "payterm-metrics.service",
                                                       "payterm-metrics.timer")]
    check = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True,
                           check=False)
    assert [ln for ln in check.stderr.splitlines() if "payterm" in ln] == [], check.stderr
    assert {p.name for p in enable_links()} == {"payterm.service", "payterm-metrics.timer"}
    removed = subprocess.run(["dpkg", "-r", "payterm"], capture_output=True, text=True, check=False)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert enable_links() == []  # nothing dangling
    assert STATE.is_dir()  # the register's records stay
    again = dpkg_install(installed.deb)
    assert again.returncode == 0, again.stdout + again.stderr

"""The packages, made once per test session: `packaging/build.py` (what `make package` runs)
makes payterm-runtime (from the cache in build/package-cache when its lock and recipe have not
changed) and payterm into a temporary directory; both are then installed with dpkg where this
machine allows it (root, payterm not already installed), or else unpacked with dpkg-deb -x.

The chroot tests (test_chroot.py) install them in a Debian 12 chroot instead, as IT would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.packaging import early

ROOT = Path(__file__).resolve().parents[2]
STATE = Path("/var/lib/payterm")
CACHE = ROOT / "build" / "package-cache"  # the clean build environment and the runtime .deb, per lock
# The tests build with --fast (zstd instead of xz: the same files, compressed in a fraction of the time).


@dataclass(frozen=True)
class Installed:
    deb: Path  # the app package (payterm)
    runtime_deb: Path  # payterm-runtime
    root: Path  # "/" after dpkg -i, or the unpack directory
    by_dpkg: bool

    @property
    def payterm(self) -> Path:
        """The installed command: /usr/bin/payterm, or, unpacked, the same wrapper pointed at
        the unpacked folders."""
        return Path("/usr/bin/payterm") if self.by_dpkg else self.root / "usr" / "bin" / "payterm-unpacked"

    @property
    def runtime(self) -> Path:
        """The runtime's folder (/opt/payterm-runtime)."""
        return self.root / "opt" / "payterm-runtime"


def _run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _dpkg_can_install() -> tuple[bool, str]:
    if shutil.which("dpkg") is None or os.geteuid() != 0:
        return False, "not root (or no dpkg): unpacking with dpkg-deb -x instead of installing"
    status = _run(["dpkg-query", "-W", "-f=${Status}", "payterm"])
    if "install ok installed" in status.stdout:
        return False, "a payterm package is already installed here: unpacking instead of replacing it"
    return True, "installing with dpkg -i"


def build_packages(root: Path, out: Path, work: Path) -> tuple[Path, Path]:
    """(runtime .deb, app .deb) built by ``root``'s packaging/build.py."""
    built = _run([sys.executable, str(root / "packaging" / "build.py"), "--out", str(out), "--work", str(work),
                  "--cache", str(CACHE), "--fast"], timeout=1800)
    assert built.returncode == 0, built.stdout + built.stderr
    (runtime,) = sorted(out.glob("payterm-runtime_*.deb"))
    (app,) = sorted(out.glob("payterm_*_all.deb"))
    shutil.rmtree(work)  # the staged trees
    return runtime, app


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("dpkg-deb") is None or shutil.which("dpkg-shlibdeps") is None:
        pytest.fail("dpkg-deb and dpkg-shlibdeps are needed to build the packages (Debian: dpkg-dev)")
    early_builds = early.result("builds", timeout=2400)  # started at collection (tests/packaging/early.py)
    if early_builds is not None:
        first: tuple[Path, Path] = early_builds[0]
        return first
    base = tmp_path_factory.mktemp("package")
    return build_packages(ROOT, base / "dist", base / "work")


@pytest.fixture(scope="session")
def package(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    runtime_deb, app_deb = built
    can_install, how = _dpkg_can_install()
    print(f"\npackaged build: {how}")
    if can_install:
        had_user = _run(["getent", "passwd", "payterm"]).returncode == 0
        had_state = STATE.exists()
        try:
            done = _run(["dpkg", "-i", str(runtime_deb), str(app_deb)])
            assert done.returncode == 0, done.stdout + done.stderr
            yield Installed(app_deb, runtime_deb, Path("/"), True)
        finally:
            _run(["dpkg", "--purge", "payterm", "payterm-runtime"])
            # The package keeps its user and state on purge (they hold the register's records);
            # this test machine gets back what it had.
            if not had_user:
                _run(["deluser", "--system", "payterm"])
            if not had_state:
                shutil.rmtree(STATE, ignore_errors=True)
    else:
        root = tmp_path_factory.mktemp("unpacked")
        for deb in (runtime_deb, app_deb):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)
        wrapper = (root / "usr/bin/payterm").read_text(encoding="utf-8").replace("=/opt/", f"={root}/opt/")
        (root / "usr/bin/payterm-unpacked").write_text(wrapper.replace("exec /opt/", f"exec {root}/opt/"),
                                                       encoding="utf-8")
        (root / "usr/bin/payterm-unpacked").chmod(0o755)
        yield Installed(app_deb, runtime_deb, root, False)

"""The packaged build, made once per test session: `packaging/build.py` (what `make package`
runs) into a temporary directory, then installed with dpkg where this machine allows it (root,
payterm not already installed), or else unpacked with dpkg-deb -x."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATE = Path("/var/lib/payterm")


@dataclass(frozen=True)
class Installed:
    deb: Path
    build: Path  # the one-folder PyInstaller build
    root: Path  # "/" after dpkg -i, or the unpack directory
    by_dpkg: bool

    @property
    def payterm(self) -> Path:
        """The installed command: /usr/bin/payterm, or the unpacked /opt build (the wrapper
        names /opt/payterm, which only exists after a real install)."""
        return Path("/usr/bin/payterm") if self.by_dpkg else self.root / "opt" / "payterm" / "payterm"


def _run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _dpkg_can_install() -> tuple[bool, str]:
    if shutil.which("dpkg") is None or os.geteuid() != 0:
        return False, "not root (or no dpkg): unpacking with dpkg-deb -x instead of installing"
    status = _run(["dpkg-query", "-W", "-f=${Status}", "payterm"])
    if "install ok installed" in status.stdout:
        return False, "a payterm package is already installed here: unpacking instead of replacing it"
    return True, "installing with dpkg -i"


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is needed to build the .deb (Debian: it is part of dpkg)")
    base = tmp_path_factory.mktemp("package")
    build = _run([sys.executable, str(ROOT / "packaging" / "build.py"), "--out", str(base / "dist"),
                  "--work", str(base / "work")], timeout=900)
    assert build.returncode == 0, build.stdout + build.stderr
    debs = sorted((base / "dist").glob("payterm_*.deb"))
    assert len(debs) == 1, debs
    shutil.rmtree(base / "work")  # the staged tree: hundreds of MB
    can_install, how = _dpkg_can_install()
    print(f"\npackaged build: {how}")
    if can_install:
        had_user = _run(["getent", "passwd", "payterm"]).returncode == 0
        had_state = STATE.exists()
        try:
            done = _run(["dpkg", "-i", str(debs[0])])
            assert done.returncode == 0, done.stdout + done.stderr
            yield Installed(debs[0], base / "dist" / "payterm", Path("/"), True)
        finally:
            _run(["dpkg", "--purge", "payterm"])
            # The package keeps its user and state on purge (they hold the register's records);
            # this test machine gets back what it had.
            if not had_user:
                _run(["deluser", "--system", "payterm"])
            if not had_state:
                shutil.rmtree(STATE, ignore_errors=True)
    else:
        root = base / "root"
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(root)], check=True, timeout=300)
        yield Installed(debs[0], base / "dist" / "payterm", root, False)

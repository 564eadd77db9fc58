"""The installed package's systemd units, with the real maintainer scripts on this machine (a
dpkg install: root, as in CI): they verify; the window and the metrics timer are enabled, the
headless POS API is not (IT's choice instead of the window) but is kept enabled across an
upgrade once IT enabled it; `dpkg -r` leaves no enable link behind.

Upgrade and rollback with two real versions: test_chroot.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import Installed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test also waits for the build
STATE = Path("/var/lib/payterm")
HELPER_STATE = Path("/var/lib/systemd/deb-systemd-helper-enabled")
UNITS = ("payterm.service", "payterm-serve.service", "payterm-metrics.service", "payterm-metrics.timer")


@pytest.fixture
def installed(package: Installed) -> Installed:
    if not package.by_dpkg:
        pytest.skip("the package was unpacked, not installed (see the session's first line): no maintainer "
                    "script ran")
    return package


def dpkg_install(deb: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True, timeout=600, check=False)


def enable_links() -> set[str]:
    return {p.name for p in Path("/etc/systemd/system").glob("*.wants/*") if p.name.startswith("payterm")}


def systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    """As IT would (offline here: no systemd runs in the test machine, the links are the state)."""
    return subprocess.run(["systemctl", *args], capture_output=True, text=True, check=False)


def test_units_verify_and_remove_disables_cleanly(installed: Installed) -> None:
    """Last in the module: removes the package and installs it again."""
    units = [Path("/lib/systemd/system") / u for u in UNITS]
    check = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True,
                           check=False)
    assert [ln for ln in check.stderr.splitlines() if "payterm" in ln] == [], check.stderr
    assert enable_links() == {"payterm.service", "payterm-metrics.timer"}  # not the POS API by default

    # IT runs the headless POS API instead of the window: an upgrade keeps that choice.
    assert systemctl("disable", "payterm.service").returncode == 0
    assert systemctl("enable", "payterm-serve.service").returncode == 0
    again = dpkg_install(installed.deb)
    assert again.returncode == 0, again.stdout + again.stderr
    assert enable_links() == {"payterm-serve.service", "payterm-metrics.timer"}

    removed = subprocess.run(["dpkg", "-r", "payterm"], capture_output=True, text=True, check=False)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert enable_links() == set()  # nothing dangling
    assert STATE.is_dir()  # the register's records stay
    purged = subprocess.run(["dpkg", "--purge", "payterm"], capture_output=True, text=True, check=False)
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert not (HELPER_STATE / "payterm-serve.service.dsh-also").exists()  # deb-systemd-helper's state: gone
    fresh = dpkg_install(installed.deb)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert enable_links() == {"payterm.service", "payterm-metrics.timer"}

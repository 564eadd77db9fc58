"""A real SoftHSM2 token per test, in tmp_path.

SoftHSM2 reads SOFTHSM2_CONF and scans its token directory only at C_Initialize, and
python-pkcs11 loads a module once per process. So after creating the token we point the
environment at it and re-initialise the loaded module; sessions from earlier tests die with it,
which is fine because their tokens are gone too.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CANDIDATES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/local/lib/softhsm/libsofthsm2.so"),
)


def find_module() -> Path | None:
    """The SoftHSM2 PKCS#11 module: the usual paths, else what dpkg says softhsm2 installed."""
    for path in CANDIDATES:
        if path.exists():
            return path
    if shutil.which("dpkg") is None:
        return None
    listing = subprocess.run(["dpkg", "-L", "softhsm2"], capture_output=True, text=True, check=False).stdout
    for line in listing.splitlines():
        if line.endswith("/libsofthsm2.so") and Path(line).exists():
            return Path(line)
    return None


@dataclass(frozen=True)
class SoftHsmToken:
    module: Path
    label: str
    pin: str
    so_pin: str
    conf: Path


def create_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str = "payterm-test") -> SoftHsmToken:
    module = find_module()
    util = shutil.which("softhsm2-util")
    if module is None or util is None:
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    tokendir = tmp_path / "softhsm-tokens"
    tokendir.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokendir}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    token = SoftHsmToken(module=module, label=label, pin="246810", so_pin="13579111", conf=conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", label, "--so-pin", token.so_pin, "--pin", token.pin],
        check=True,
        capture_output=True,
    )
    import pkcs11  # here, not at module level: collecting tests must not need the C extension

    pkcs11.lib(str(module)).reinitialize()
    return token


@pytest.fixture
def softhsm_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SoftHsmToken:
    return create_token(tmp_path, monkeypatch)

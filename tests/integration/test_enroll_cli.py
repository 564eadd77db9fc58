"""`payterm enroll` and `payterm rotate-key` against the sandbox, through the real command line
entry point (in-process), with the register's files under a temporary PAYTERM_HOME."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.crypto.keystore import fingerprint
from terminal.register.setup import enrollment_path, load_enrollment, open_keys
from tests.register_fixtures import make_register, pay
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "reg"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    monkeypatch.delenv("PAYTERM_KEY_PASSPHRASE", raising=False)
    return tmp_path / "reg"


def test_enroll_pins_the_wallet_and_keeps_files_private(
    home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    out = capsys.readouterr().out
    assert "wallet key pinned: SHA256:" in out and "device key: ed25519" in out
    loaded = load_settings()
    path = enrollment_path(loaded)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    enrollment = load_enrollment(loaded)
    assert enrollment.training is True and enrollment.wallet_keys
    assert stat.S_IMODE(loaded.settings.keys.file.stat().st_mode) == 0o600
    assert stat.S_IMODE(loaded.settings.keys.kek.stat().st_mode) == 0o600


def test_enroll_twice_needs_force(home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 2
    assert "already enrolled" in capsys.readouterr().err
    assert main(["enroll", "--trust-on-first-use", "--force", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0


def test_bad_code_is_refused_and_leaves_no_key(home: Path, sandbox_server: RunningSandbox,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", "NOPE-NOPE-NOPE"]) == 4
    assert "refused the enrollment" in capsys.readouterr().err
    loaded = load_settings()
    assert not enrollment_path(loaded).exists() and not open_keys(loaded.settings).exists()


def test_used_code_is_refused(home: Path, sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    code = sandbox_server.enrollment_code()
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", code]) == 0
    assert main(["enroll", "--trust-on-first-use", "--force", "--wallet", sandbox_server.url, "--code", code]) == 4


@pytest.mark.parametrize("url", ["http://10.1.2.3:8787", "http://wallet.example.com"])
def test_plain_http_refused_except_loopback(home: Path, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enroll", "--trust-on-first-use", "--wallet", url, "--code", "ABCD-EFGH"]) == 4
    assert "https" in capsys.readouterr().err


def test_expected_wallet_key_mismatch_is_refused(home: Path, sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.enrollment_code()
    wrong = "SHA256:" + "A" * 43
    assert main(["enroll", "--wallet", sandbox_server.url, "--code", code, "--wallet-key-fingerprint", wrong]) == 4
    assert not enrollment_path(load_settings()).exists()


def test_rotate_key_then_pay(home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    old = open_keys(load_settings().settings).load().public_key_bytes()
    assert main(["rotate-key"]) == 0
    assert "device key replaced" in capsys.readouterr().out
    assert open_keys(load_settings().settings).load().public_key_bytes() != old
    reg = make_register(home, sandbox_server)
    try:
        assert pay(reg, 300, sandbox_server.payment_code("alice")).state.value == "approved"
    finally:
        reg.close()


def test_wallet_key_required_in_etc_makes_enrolling_without_it_or_with_another_fail(
    home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str],
) -> None:
    etc = home / "etc" / "terminal.d"
    etc.mkdir(parents=True)
    other = "SHA256:" + "A" * 43
    (etc / "10-wallet.toml").write_text(f'[wallet]\nkey_fingerprint = "{other}"\n', encoding="utf-8")
    # Without --wallet-key-fingerprint: IT's key is required, and this wallet does not sign with it.
    assert main(["enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 4
    assert not enrollment_path(load_settings()).exists() and not open_keys(load_settings().settings).exists()
    # With another fingerprint than IT's: refused before anything is made or sent.
    real = "SHA256:" + "B" * 43
    assert main(["enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code(),
                 "--wallet-key-fingerprint", real]) == 2
    assert f"IT requires the wallet key {other}" in capsys.readouterr().err
    # IT's fingerprint of the wallet's real key: enrolled without the flag, and that key pinned.
    pinned = fingerprint(sandbox_server.sandbox.keys.sign_public)
    (etc / "10-wallet.toml").write_text(f'[wallet]\nkey_fingerprint = "{pinned}"\n', encoding="utf-8")
    assert main(["enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    assert f"wallet key pinned: {pinned}" in capsys.readouterr().out

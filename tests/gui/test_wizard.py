"""The first-run wizard: wallet URL and code, key store (file, or PKCS#11 on a real SoftHSM2
token), the first manager PIN; it enrolls with a real sandbox wallet as `payterm enroll` does and
leaves a register that opens and whose manager PIN works."""

from __future__ import annotations

import io
import sqlite3
import tomllib
from pathlib import Path

from PySide6.QtWidgets import QWizard

from terminal.config.loader import load_settings
from terminal.register.enrollment import Enrollment
from terminal.register.manager_pin import PinOutcome
from terminal.register.setup import enrollment_path, open_register
from terminal.ui.wizard import EnrollmentWizard
from tests.register_fixtures import reset_code
from tests.sandbox_fixtures import RunningSandbox
from tests.softhsm import SoftHsmToken, softhsm_token  # noqa: F401


def run_wizard(qtbot, home: Path, sandbox: RunningSandbox, *, code: str | None = None,  # type: ignore[no-untyped-def]
               token: SoftHsmToken | None = None) -> tuple[EnrollmentWizard, dict[str, str]]:
    env = {"PAYTERM_HOME": str(home), "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
    wizard = EnrollmentWizard(load_settings(env), env)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.wallet.url.setText(sandbox.url)
    wizard.wallet.code.setText(code or sandbox.enrollment_code())
    assert not wizard.wallet.isComplete(), "the wallet's key is confirmed, or trusted by choice"
    wizard.wallet.fingerprint.setText(sandbox.wallet_key_fingerprint)
    assert wizard.wallet.isComplete()
    wizard.next()
    if token is not None:
        wizard.keys.pkcs11.setChecked(True)
        assert not wizard.keys.isComplete()
        wizard.keys.module.setText(str(token.module))
        wizard.keys.token_label.setText(token.label)
        wizard.keys.token_pin.setText(token.pin)
    wizard.next()
    wizard.pin.pin.setText("1111")
    assert not wizard.pin.isComplete() and "one digit repeated" in wizard.pin.message.text()
    wizard.pin.pin.setText("8642")
    wizard.pin.again.setText("8643")
    assert not wizard.pin.isComplete()
    wizard.pin.again.setText("8642")
    assert wizard.pin.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.enroll and not wizard.enroll.isComplete()
    with qtbot.waitSignal(wizard.enroll.done, timeout=20_000):
        wizard.enroll.enroll_button.click()
    return wizard, env


def test_the_wizard_enrolls_with_a_key_file_and_sets_the_manager_pin(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                    sandbox_server: RunningSandbox) -> None:
    home = tmp_path / "register"
    # A wrong code first: nothing is left behind, and the manager may try again.
    wizard, env = run_wizard(qtbot, home, sandbox_server, code="000000000000")
    assert wizard.enroll.message.text().startswith("Not enrolled:")
    assert not wizard.enroll.isComplete() and wizard.enroll.enroll_button.isEnabled()
    assert not enrollment_path(load_settings(env)).exists()

    wizard.close()
    wizard, env = run_wizard(qtbot, home, sandbox_server)
    assert wizard.enroll.isComplete(), wizard.enroll.message.text()
    assert "Enrolled as" in wizard.enroll.message.text() and "Wallet key pinned: SHA256:" in wizard.enroll.message.text()
    assert tomllib.loads((home / "terminal.toml").read_text()) == {
        "wallet": {"url": sandbox_server.url}, "keys": {"store": "file"}}
    loaded = load_settings(env)
    register = open_register(loaded)
    try:
        assert isinstance(register.enrollment, Enrollment) and register.enrollment.wallet_url == sandbox_server.url
        pin = register.manager_pin()  # set at the wallet by the wizard
        assert pin.check("8642").ok and pin.check("1357").outcome is PinOutcome.WRONG
    finally:
        register.close()


def test_the_wizard_enrolls_a_key_made_inside_a_pkcs11_token(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            sandbox_server: RunningSandbox,
                                                            softhsm_token: SoftHsmToken) -> None:  # noqa: F811
    home = tmp_path / "register"
    wizard, env = run_wizard(qtbot, home, sandbox_server, token=softhsm_token)
    assert wizard.enroll.isComplete(), wizard.enroll.message.text()
    written = tomllib.loads((home / "terminal.toml").read_text())
    assert written["keys"] == {"store": "pkcs11",
                               "pkcs11": {"module": str(softhsm_token.module), "token_label": softhsm_token.label}}
    assert softhsm_token.pin not in (home / "terminal.toml").read_text()
    loaded = load_settings(env)
    assert not loaded.paths.key_file.exists(), "no key file: the key lives in the token"
    with sqlite3.connect(sandbox_server.db_path) as wallet:  # the wallet holds the PIN the wizard set
        assert wallet.execute("SELECT COUNT(*) FROM manager_credentials").fetchone()[0] == 1


def test_payterm_enroll_sets_the_first_manager_pin_from_stdin(tmp_path: Path, sandbox_server: RunningSandbox,
                                                              monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from terminal.cli import main

    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", "x", "--manager-pin-stdin"]) == 2
    assert "manager PIN: the manager PIN has 4 to 12 digits" in capsys.readouterr().err

    # Enrolled without a PIN (no terminal to ask on): manager mode stays closed until IT sets one
    # with the wallet's reset code; the enrollment's own setup token is not kept anywhere.
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    assert "no manager PIN set" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("8642\n"))
    assert main(["enroll", "--manager-pin-stdin"]) == 2
    assert "reset code" in capsys.readouterr().err
    register = open_register(load_settings())
    try:
        code = reset_code(sandbox_server, register)
    finally:
        register.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("8642\n"))
    assert main(["manager-pin", "reset", "--reset-code", code, "--by", "it", "--reason", "first PIN",
                 "--new-pin-stdin"]) == 0
    register = open_register(load_settings())
    try:
        assert register.manager_pin().check("8642").ok
    finally:
        register.close()

    # Enrolled again (a new device at the wallet): the PIN given is that device's first one.
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    assert main(["enroll", "--trust-on-first-use", "--force", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code(),
                 "--manager-pin-stdin"]) == 0
    assert "manager PIN set" in capsys.readouterr().out

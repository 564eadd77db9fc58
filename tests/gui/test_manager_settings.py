"""Settings in manager mode: the config model in a form, IT's values locked, each field checked
before anything is written, the local file written and the change audited."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from terminal.config.model import Language
from terminal.ui.i18n import Languages
from terminal.ui.manager.settings_form import SettingsForm
from tests.gui.manager_support import ManagerRig, make_rig, manager_window, sign_in
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def it_rig(sandbox_server: RunningSandbox, tmp_path: Path) -> Iterator[ManagerRig]:
    made = make_rig(tmp_path / "register", sandbox_server, system_toml='[register]\nkiosk = false\n')
    try:
        yield made
    finally:
        made.register.close()


def save(qtbot, form: SettingsForm) -> object:  # type: ignore[no-untyped-def]
    answers: list[object] = []
    form.saved.connect(answers.append)
    form.failed.connect(answers.append)
    try:
        form.save_button.click()
        qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    finally:
        with suppress(RuntimeError):  # a language switch rebuilds the form
            form.saved.disconnect(answers.append)
            form.failed.disconnect(answers.append)
    return answers[0]


def test_the_form_shows_locks_checks_fields_and_writes_the_local_file(qtbot, it_rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                                      languages: Languages) -> None:
    manager = sign_in(qtbot, manager_window(qtbot, it_rig, languages))
    form = manager.settings
    assert form is not None
    manager.tabs.setCurrentWidget(form)
    kiosk = form.fields["register.kiosk"]
    assert isinstance(kiosk, QCheckBox) and not kiosk.isEnabled()
    assert form.fields["register.name"].isEnabled()
    local = it_rig.home / "terminal.toml"

    fps, currency, kind = form.fields["scanner.fps"], form.fields["register.currency"], form.fields["printer.kind"]
    assert isinstance(fps, QLineEdit) and isinstance(currency, QLineEdit) and isinstance(kind, QComboBox)
    fps.setText("abc")
    form.save_button.click()
    assert form.errors["scanner.fps"].text() == "⚠ expected a number, got 'abc'"
    fps.setText("0")
    currency.setText("yen")
    kind.setCurrentIndex(kind.findData("network"))
    errors = save(qtbot, form)
    assert isinstance(errors, list)
    assert {e.key for e in errors} == {"scanner.fps", "register.currency", "printer"}
    assert form.errors["register.currency"].isVisible() and "ISO 4217" in form.errors["register.currency"].text()
    assert not local.exists(), "nothing is written while a field is wrong"

    fps.setText("15")
    currency.setText("JPY")
    errors = save(qtbot, form)
    assert isinstance(errors, list) and errors[0].key == "printer" and "printer.host" in form.message.text()
    form.fields["printer.host"].setText("192.0.2.7")  # type: ignore[union-attr]
    form.fields["register.name"].setText("Till 7")  # type: ignore[union-attr]
    loaded = save(qtbot, form)
    assert not isinstance(loaded, list)
    written = tomllib.loads(local.read_text(encoding="utf-8"))
    assert written == {"scanner": {"fps": 15}, "printer": {"kind": "network", "host": "192.0.2.7"},
                       "register": {"name": "Till 7"}}
    assert "kiosk" not in written["register"]
    (details,) = sqlite3.connect(it_rig.register.journal.path).execute(
        "SELECT details FROM audit WHERE action = 'manager.settings_changed'").fetchone()
    assert json.loads(details)["changed"]["printer.host"] == "192.0.2.7"
    assert form.message.text().startswith("Saved.")


def test_saving_another_language_switches_the_screen(qtbot, it_rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    languages.switch(Language.JA)
    window = manager_window(qtbot, it_rig, languages)
    manager = sign_in(qtbot, window)
    form = manager.settings
    assert form is not None
    manager.tabs.setCurrentWidget(form)
    language = form.fields["register.language"]
    assert isinstance(language, QComboBox)
    language.setCurrentIndex(language.findData("en"))
    save(qtbot, form)
    assert languages.current is Language.EN
    qtbot.waitUntil(lambda: manager.tabs.tabText(0) == "History")
    assert tomllib.loads((it_rig.home / "terminal.toml").read_text())["register"] == {"language": "en"}

"""Manager mode behind the manager PIN: wrong PINs counted, the lock-out and its countdown,
kiosk exit, idle sign-out, changing the PIN; every attempt in the audit log."""

from __future__ import annotations

import json
from contextlib import closing

from PySide6.QtCore import Qt

from terminal.config.model import Language
from terminal.journal.db import open_read_connection
from terminal.register.manager_pin import PinCheck, PinOutcome
from terminal.ui.i18n import Languages
from terminal.ui.manager import ManagerDialog, ManagerPinDialog
from tests.gui.helpers import press
from tests.gui.manager_support import PIN, ManagerRig, enter_pin, manager_window, rig, sign_in  # noqa: F401


def audit_actions(rig: ManagerRig) -> list[str]:
    with closing(open_read_connection(rig.register.journal.path)) as conn:
        return [row[0] for row in conn.execute("SELECT action FROM audit WHERE action LIKE 'manager.%' ORDER BY seq")]


def test_f10_asks_the_pin_and_a_wrong_one_says_how_many_tries_are_left(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                                          languages: Languages) -> None:
    window = manager_window(qtbot, rig, languages)
    press(window, Qt.Key.Key_F10)
    dialog = window.dialog
    assert isinstance(dialog, ManagerPinDialog)
    result = enter_pin(qtbot, dialog, "1357")
    assert isinstance(result, PinCheck) and result.outcome is PinOutcome.WRONG
    assert dialog.message.text() == "Wrong PIN. 4 more tries before manager mode locks."
    assert window.dialog is dialog and dialog.field.isEnabled()
    enter_pin(qtbot, dialog, PIN)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ManagerDialog))
    assert audit_actions(rig)[-2:] == ["manager.login_failed", "manager.login"]


def test_five_wrong_pins_lock_manager_mode_until_the_timer_runs_out(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                                      languages: Languages) -> None:
    """The wallet counts the wrong PINs and holds the lock (here 3 s long, to wait it out)."""
    rig.sandbox.set_risk(manager_lockout_seconds=3)
    window = manager_window(qtbot, rig, languages)
    press(window, Qt.Key.Key_F10)
    dialog = window.dialog
    assert isinstance(dialog, ManagerPinDialog)
    outcomes = [enter_pin(qtbot, dialog, "1357").outcome for _ in range(5)]  # type: ignore[attr-defined]
    assert outcomes[-1] is PinOutcome.LOCKED
    assert dialog.locked and not dialog.field.isEnabled()
    assert dialog.message.text().startswith("Too many wrong PINs: manager mode is locked for 0:0")
    assert "manager.locked_out" in audit_actions(rig)

    # A new PIN dialog (another F10) is locked too.
    dialog.reject()
    press(window, Qt.Key.Key_F10)
    again = window.dialog
    assert isinstance(again, ManagerPinDialog) and again is not dialog
    assert again.locked and "locked for 0:0" in again.message.text()

    qtbot.waitUntil(lambda: again.field.isEnabled(), timeout=6000)
    assert again.message.text() == "Manager mode is open again: enter the PIN."
    enter_pin(qtbot, again, PIN)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ManagerDialog))


def test_the_kiosk_is_left_only_through_manager_mode(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    window = manager_window(qtbot, rig, languages, kiosk=True)
    assert window.isFullScreen() and window.close() is False
    manager = sign_in(qtbot, window)
    assert isinstance(manager, ManagerDialog)
    with qtbot.waitSignal(window.finished):
        qtbot.mouseClick(manager.register.quit_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_the_language_is_switched_in_manager_mode(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    window = manager_window(qtbot, rig, languages)
    manager = sign_in(qtbot, window)
    assert isinstance(manager, ManagerDialog)
    box = manager.register.language
    box.setCurrentIndex(box.findData(Language.JA))
    assert languages.current is Language.JA
    qtbot.waitUntil(lambda: manager.tabs.tabText(0) == "取引履歴")
    assert manager.windowTitle() == "責任者モード"


def test_an_idle_manager_is_signed_out(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    rig.services.session_timeout = 0.3
    window = manager_window(qtbot, rig, languages)
    manager = sign_in(qtbot, window)
    assert isinstance(manager, ManagerDialog) and manager.isVisible()
    qtbot.waitUntil(lambda: not manager.isVisible(), timeout=5000)


def test_changing_the_pin_needs_the_current_one(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    window = manager_window(qtbot, rig, languages)
    manager = sign_in(qtbot, window)
    assert isinstance(manager, ManagerDialog)
    tab = manager.register

    def change(old: str, new: str, again: str) -> str:
        tab.old_pin.setText(old)
        tab.new_pin.setText(new)
        tab.repeat_pin.setText(again)
        if new != again:
            tab.change_button.click()
            return tab.pin_message.text()
        with qtbot.waitSignal(tab.pin_changed, timeout=10_000):
            tab.change_button.click()
        return tab.pin_message.text()

    assert change(PIN, "97531", "97530") == "The two new PINs differ."
    assert change("1111", "97531", "97531") == "The current PIN is wrong: the PIN was not changed."
    assert change(PIN, "12", "12").startswith("Not changed: This PIN is not allowed: use 4 to 12 digits")
    assert change(PIN, "97531", "97531") == "The manager PIN was changed."
    assert rig.services.pin.check("97531").ok
    assert not rig.services.pin.check(PIN).ok
    details = []
    with closing(open_read_connection(rig.register.journal.path)) as conn:
        details = [json.loads(d) for (d,) in conn.execute(
            "SELECT details FROM audit WHERE action = 'manager.pin_changed' ORDER BY seq")]
    assert [(d["first"], d["held_by"]) for d in details] == [(False, "wallet")]
    assert details[0]["pin_hash_sha256"] is None  # the register holds nothing of the PIN


def test_every_audit_action_has_a_label() -> None:
    from terminal.journal.states import AuditAction
    from terminal.ui.manager import labels

    assert all(labels.action(a.value) != a.value for a in AuditAction)
    assert labels.action("some.future_action") == "some.future_action"


def test_the_manager_pin_by_touch_alone(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    """A register with a touch screen and no keyboard can open manager mode."""
    window = manager_window(qtbot, rig, languages)
    window.open_manager()
    dialog = window.dialog
    assert isinstance(dialog, ManagerPinDialog) and dialog.keypad.isVisible()
    keys = {b.text(): b for b in dialog.keypad.findChildren(type(dialog.ok_button))}
    for digit in "1" + PIN:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["⌫"], Qt.MouseButton.LeftButton)  # the 1 stays, the last digit goes
    qtbot.mouseClick(keys["C"], Qt.MouseButton.LeftButton)
    for digit in PIN:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    assert dialog.field.text() == PIN
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ManagerDialog), timeout=10_000)

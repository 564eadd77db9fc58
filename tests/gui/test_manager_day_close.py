"""The Z close on the manager's end-of-day screen, on a real register and the sandbox: close,
the frozen figures shown, a second close refused in the manager's words with the latest Z, the
next sale left for the next close, and the reprint of the frozen Z as a PDF."""

from __future__ import annotations

from pathlib import Path

from terminal.journal.records import DayCloseRecord
from terminal.register.day_close import DayCloseRefused
from terminal.ui.i18n import Languages
from terminal.ui.manager.day_close_view import DayCloseView
from tests.gui.manager_support import ManagerRig, manager_window, rig, sign_in  # noqa: F401
from tests.register_fixtures import pay


def close(qtbot, view: DayCloseView) -> object:  # type: ignore[no-untyped-def]
    """Press twice, as the manager does: the first press only says what a close means."""
    view.close_button.click()
    assert view.armed is not None and view.close_button.text().startswith("Press again to close ")
    assert "cannot be undone" in view.status.text()
    with qtbot.waitSignal(view.closed, timeout=15_000) as blocker:
        view.close_button.click()
    assert view.armed is None and view.close_button.text() == "Close the day (Z)"
    return blocker.args[0]


def figures(view: DayCloseView) -> list[list[str]]:
    return [[view.figures.item(r, c).text() for c in range(3)] for r in range(view.figures.rowCount())]


def test_closing_the_day_on_the_end_of_day_screen(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                  languages: Languages) -> None:
    pay(rig.register, 1200, rig.sandbox.payment_code("alice"))
    pay(rig.register, 800, rig.sandbox.payment_code("alice"))
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    manager.tabs.setCurrentWidget(manager.end_of_day)
    view = manager.end_of_day.z
    qtbot.waitUntil(lambda: view.summary.text() != "", timeout=10_000)
    assert view.summary.text() == "No day has been closed on this register yet."
    view.close_button.click()  # one press closes nothing, and picking another day asks again
    manager.end_of_day.day.setDate(manager.end_of_day.day.date().addDays(-1))
    assert view.armed is None and rig.register.journal.reader.day_closes() == []
    manager.end_of_day.day.setDate(manager.end_of_day.day.date().addDays(1))

    z1 = close(qtbot, view)
    assert isinstance(z1, DayCloseRecord) and z1.z_number == 1 and z1.sale_count == 2
    assert view.status.text().startswith(f"✔ Business day {z1.business_day.isoformat()} closed: Z 1.")
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=10_000)
    assert ["JPY Approved sales", "2", "¥2,000"] in figures(view)
    assert ["JPY Net", "", "¥2,000"] in figures(view)
    assert "Z 1" in view.summary.text() and "2 sale(s)" in view.summary.text()

    refused = close(qtbot, view)
    assert isinstance(refused, DayCloseRefused)
    assert view.status.text().startswith("✖ This business day is already closed.")
    assert "Latest close: Z 1" in view.status.text()

    pay(rig.register, 500, rig.sandbox.payment_code("alice"))  # belongs to the next close
    assert rig.services.day_closer().get(1) == z1
    assert rig.register.journal.reader.day_closes() == [z1]

    with qtbot.waitSignal(view.reprinted, timeout=10_000) as blocker:
        view.reprint_button.click()
    pdf = Path(blocker.args[0])
    assert pdf.name == f"z-0001-{z1.business_day.isoformat()}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000

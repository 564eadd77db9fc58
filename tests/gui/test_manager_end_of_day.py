"""End of day in manager mode: the journal's totals beside the wallet's settlement, a deliberate
mismatch marked, the CSV export and the Z-report PDF; the audit view finding a tampered entry."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from terminal.domain.flow import SaleState
from terminal.journal.records import AuditEntry
from terminal.register.reconcile import DifferenceKind, Reconciliation
from terminal.ui.i18n import Languages
from terminal.ui.manager.audit_view import AuditReport
from terminal.ui.manager.end_of_day import EndOfDayTab
from tests.gui.manager_support import ManagerRig, manager_window, rig, sign_in  # noqa: F401
from tests.register_fixtures import pay


def reconcile(qtbot, tab: EndOfDayTab) -> Reconciliation:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.reconciled, timeout=15_000) as blocker:
        tab.run_button.click()
    result = blocker.args[0]
    assert isinstance(result, Reconciliation), result
    return result


def cells(tab: EndOfDayTab) -> list[list[str]]:
    return [[tab.table.item(r, c).text() for c in range(4)] for r in range(tab.table.rowCount())]


def export(qtbot, tab: EndOfDayTab, button) -> Path:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.exported, timeout=10_000) as blocker:
        button.click()
    return Path(blocker.args[0])


def test_end_of_day_agrees_then_shows_a_deliberate_mismatch(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                             languages: Languages) -> None:
    first = pay(rig.register, 1200, rig.sandbox.payment_code("alice"))
    second = pay(rig.register, 800, rig.sandbox.payment_code("alice"))
    assert first.state is second.state is SaleState.APPROVED
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    tab = manager.end_of_day
    manager.tabs.setCurrentWidget(tab)

    agreed = reconcile(qtbot, tab)
    assert agreed.agree
    assert tab.verdict.text() == "✔ Journal and wallet agree: 2 sale(s)."
    assert ["JPY Approved amount", "¥2,000", "¥2,000", "="] in cells(tab)

    # Someone voids a sale at the wallet without the register: the journal still says approved.
    rig.register.client.cancel_charge(second.charge_id or "")
    differing = reconcile(qtbot, tab)
    kinds = {d.kind for d in differing.differences}
    assert DifferenceKind.STATE in kinds and DifferenceKind.TOTALS in kinds
    assert tab.verdict.text().startswith("✖")
    rows = cells(tab)
    assert ["JPY Approved amount", "¥2,000", "¥1,200", "≠"] in rows
    marked = [r for r in range(tab.table.rowCount()) if tab.table.item(r, 3).text() == "≠"]
    assert marked and all(tab.table.item(r, 0).background().color().name() == "#fbe4e2" for r in marked)
    unmarked = [r for r in range(tab.table.rowCount()) if r not in marked]
    assert all(tab.table.item(r, 0).background().style().name == "NoBrush" for r in unmarked)
    texts = [tab.differences.item(i).text() for i in range(tab.differences.count())]
    assert any(second.reference in t and "journal approved, wallet cancelled" in t for t in texts)

    csv_path = export(qtbot, tab, tab.csv_button)
    table = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    amount = next(r for r in table if r["figure"] == "approved amount")
    assert (amount["journal"], amount["wallet"], amount["differs"]) == ("2000", "1200", "1")
    assert any(r["kind"] == "difference" and r["reference"] == second.reference for r in table)

    pdf = export(qtbot, tab, tab.pdf_button)
    assert pdf.name == f"comparison-{differing.day.isoformat()}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000

    actions = sqlite3.connect(rig.register.journal.path).execute(
        "SELECT details FROM audit WHERE action = 'manager.end_of_day' ORDER BY seq").fetchall()
    assert len(actions) == 4 and '"export":"csv"' in actions[2][0] and '"export":"pdf"' in actions[3][0]


def test_the_audit_view_verifies_the_chain_and_finds_an_edited_entry(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                                     languages: Languages) -> None:
    pay(rig.register, 1200, rig.sandbox.payment_code("alice"))
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    tab = manager.audit
    with qtbot.waitSignal(tab.verified, timeout=10_000) as blocker:
        tab.verify_button.click()
    report = blocker.args[0]
    assert isinstance(report, AuditReport) and report.verification.ok
    assert tab.result.text().startswith(f"✔ The audit log is intact: {report.verification.count} entries")
    assert tab.table.rowCount() == report.verification.count
    assert isinstance(report.entries[0], AuditEntry) and report.entries[0].action == "manager.login"

    with sqlite3.connect(rig.register.journal.path) as conn:  # someone edits the file by hand
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET details = replace(details, '1200', '120') WHERE seq = 2")
    with qtbot.waitSignal(tab.verified, timeout=10_000):
        tab.verify_button.click()
    assert tab.result.text().startswith("✖ The audit log was tampered with at entry 2 (edited)")

"""History in manager mode: search the journal, open a sale with its timeline, void it and
refund it (each confirmed with the manager PIN, each idempotent, never above what is left),
against a real register and sandbox wallet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from terminal.domain.flow import SaleState
from terminal.journal.states import OperationState
from terminal.register.operations import OperationResult
from terminal.ui.i18n import Languages
from terminal.ui.manager import ManagerDialog
from terminal.ui.manager.history import HistoryTab
from terminal.ui.manager.sale_detail import SaleDetailDialog
from terminal.wallet.messages import ChargeStatus
from tests.gui.manager_support import PIN, ManagerRig, enter_pin, manager_window, rig, sign_in  # noqa: F401
from tests.register_fixtures import pay


@pytest.fixture
def sales(rig: ManagerRig) -> list[str]:
    """Three sales: two approved (alice 1,200 and 800), one declined (bob, 5,000)."""
    done = [pay(rig.register, 1200, rig.sandbox.payment_code("alice")),
            pay(rig.register, 800, rig.sandbox.payment_code("alice")),
            pay(rig.register, 5000, rig.sandbox.payment_code("bob"))]
    assert [s.state for s in done] == [SaleState.APPROVED, SaleState.APPROVED, SaleState.DECLINED]
    return [s.reference or "" for s in done]


def search(qtbot, tab: HistoryTab, **filters: str) -> list[str]:  # type: ignore[no-untyped-def]
    tab.amount.setText(filters.get("amount", ""))
    tab.last4.setText(filters.get("last4", ""))
    tab.reference.setText(filters.get("reference", ""))
    tab.state.setCurrentIndex(max(0, tab.state.findData(filters.get("state"))))
    with qtbot.waitSignal(tab.searched, timeout=5000):
        tab.search_button.click()
    return [s.merchant_reference for s in tab.sales]


def open_detail(qtbot, manager: ManagerDialog, row: int) -> SaleDetailDialog:  # type: ignore[no-untyped-def]
    manager.history.table.selectRow(row)
    manager.history.open_button.click()
    detail = manager.detail
    assert detail is not None
    qtbot.waitUntil(lambda: detail.view is not None, timeout=5000)
    return detail


def confirm(qtbot, detail: SaleDetailDialog, start, pin: str = PIN) -> OperationResult | Exception:  # type: ignore[no-untyped-def]
    start()
    assert detail.pin_dialog is not None and detail.pin_dialog.isVisible()
    with qtbot.waitSignal(detail.operated, timeout=15_000) as blocker:
        enter_pin(qtbot, detail.pin_dialog, pin)
    qtbot.waitUntil(lambda: not detail._tasks.busy, timeout=5000)
    return blocker.args[0]  # type: ignore[no-any-return]


def test_search_by_amount_last_four_reference_state_and_day(qtbot, rig: ManagerRig, sales: list[str],  # type: ignore[no-untyped-def]
                                                             languages: Languages) -> None:
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    tab = manager.history
    assert search(qtbot, tab) == list(reversed(sales))
    assert search(qtbot, tab, amount="1,200") == [sales[0]]
    assert search(qtbot, tab, state=SaleState.DECLINED) == [sales[2]]
    assert search(qtbot, tab, reference=sales[1]) == [sales[1]]
    last4 = rig.register.journal.sale(tab.sales[0].idempotency_key).code_last4  # type: ignore[union-attr]
    assert sales[1] in search(qtbot, tab, last4=last4)
    assert search(qtbot, tab, last4="0000" if last4 != "0000" else "1111") == []
    tab.since.setDate(tab.since.date().addDays(-3))
    tab.until.setDate(tab.until.date().addDays(-2))
    assert search(qtbot, tab) == []
    tab.amount.setText("12x")
    tab.search_button.click()
    assert tab.message.text().startswith("Not an amount")
    assert isinstance(tab.since.date(), QDate)


def test_void_is_confirmed_with_the_pin_and_asking_twice_sends_nothing(qtbot, rig: ManagerRig,  # type: ignore[no-untyped-def]
                                                                        sales: list[str],
                                                                        languages: Languages) -> None:
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    search(qtbot, manager.history, reference=sales[0])
    detail = open_detail(qtbot, manager, 0)
    assert detail.shown_facts["State"] == "approved" and detail.shown_facts["Left to refund"] == "¥1,200"
    assert [detail.timeline.item(i).text().split("  ")[1] for i in range(detail.timeline.count())] == \
        ["sale started", "wallet answered"]

    # A wrong PIN does not void: the wallet refuses it, and the keypad stays open.
    detail.ask_void()
    wrong = detail.pin_dialog
    assert wrong is not None
    enter_pin(qtbot, wrong, "1357")
    assert wrong.isVisible() and wrong.message.text().startswith("Wrong PIN")
    wrong.reject()
    refused, = rig.register.journal.reader.operations_for_sale(detail.view.sale.idempotency_key)  # type: ignore[union-attr]
    assert refused.state is OperationState.FAILED and refused.error_code == "manager_pin_wrong"
    assert rig.register.client.get_charge(detail.view.sale.charge_id or "").status is ChargeStatus.APPROVED  # type: ignore[union-attr]

    result = confirm(qtbot, detail, detail.ask_void)
    assert isinstance(result, OperationResult) and result.state is OperationState.SUCCEEDED
    assert detail.message.text() == "Voided: ¥1,200."
    assert detail.shown_facts["voided"] == "¥1,200" and detail.shown_facts["Left to refund"] == "¥0"
    assert detail.shown_facts["State"] == "voided" and not detail.void_button.isEnabled()
    steps = [detail.timeline.item(i).text().split("  ")[1] for i in range(detail.timeline.count())]
    assert steps == ["sale started", "wallet answered", "void asked", "wallet answered the refund/void",
                     "void asked", "wallet answered the refund/void"]
    charge_id = detail.view.sale.charge_id  # type: ignore[union-attr]
    assert rig.register.client.get_charge(charge_id).status is ChargeStatus.CANCELLED  # type: ignore[arg-type]

    # Voided: the sale allows no second void (Operations.void would send nothing anyway, see
    # test_ops_cli), so the screen says so without asking for the PIN again.
    asked_before = detail.pin_dialog
    detail.ask_void()
    assert detail.message.text() == "Nothing is left to give back on this sale."
    assert detail.pin_dialog is asked_before
    assert len(rig.register.journal.reader.operations_for_sale(detail.view.sale.idempotency_key)) == 2  # type: ignore[union-attr]


def test_refunds_are_partial_or_full_and_never_above_what_is_left(qtbot, rig: ManagerRig, sales: list[str],  # type: ignore[no-untyped-def]
                                                                  languages: Languages) -> None:
    manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
    search(qtbot, manager.history, reference=sales[0])
    detail = open_detail(qtbot, manager, 0)

    detail.refund_amount.setText("500")
    result = confirm(qtbot, detail, detail.ask_refund)
    assert isinstance(result, OperationResult) and result.state is OperationState.SUCCEEDED
    assert detail.message.text() == "Refunded: ¥500."
    assert detail.shown_facts["Left to refund"] == "¥700" and detail.shown_facts["refunded"] == "¥500"
    assert detail.shown_facts["State"] == "partly refunded"
    # A void after a refund is disabled, with the reason in the manager's words.
    assert not detail.void_button.isEnabled() and detail.refund_button.isEnabled()
    assert detail.why_not.text().startswith("Not possible now: This sale has refunds")
    qtbot.waitUntil(lambda: manager.history.table.item(0, 4).text() == "partly refunded", timeout=5000)

    asked_before = detail.pin_dialog
    detail.refund_amount.setText("701")
    detail.ask_refund()
    assert detail.message.text() == "Only ¥700 is left to refund on this sale."
    assert detail.pin_dialog is asked_before, "an over-refund is refused before the PIN is asked"

    detail.refund_amount.clear()  # all that is left
    result = confirm(qtbot, detail, detail.ask_refund)
    assert isinstance(result, OperationResult) and result.operation.amount == 700
    assert detail.shown_facts["Left to refund"] == "¥0"

    # Nothing left: both actions are disabled, each with its reason, and asking anyway is refused
    # before the PIN (the sale's affordances, not the wallet, say so).
    assert not detail.refund_button.isEnabled() and not detail.void_button.isEnabled()
    assert detail.refund_button.toolTip() == "Nothing is left to give back on this sale."
    assert detail.void_button.toolTip().startswith("This sale has refunds, so it cannot be voided")
    asked_before = detail.pin_dialog
    detail.ask_refund()
    assert detail.message.text() == "Nothing is left to give back on this sale."
    detail.ask_void()
    assert detail.message.text().startswith("This sale has refunds")
    assert detail.pin_dialog is asked_before
    assert detail.shown_facts["State"] == "refunded"
    charge = rig.register.client.get_charge(detail.view.sale.charge_id)  # type: ignore[arg-type, union-attr]
    assert charge.refunded_amount == 1200

"""A refund made in manager mode prints its slip (here: no printer, so the copies are saved as
PDF), off the window's thread, on a real register and sandbox wallet."""

from __future__ import annotations

import time
from pathlib import Path

from terminal.config.model import Language, PrinterSettings
from terminal.journal.states import OperationState
from terminal.receipts.model import StoreInfo
from terminal.receipts.service import ReceiptService
from terminal.register.operations import OperationResult
from terminal.ui.i18n import Languages
from tests.gui.manager_support import ManagerRig, manager_window, rig, sign_in  # noqa: F401
from tests.gui.test_manager_history import confirm, open_detail, search
from tests.register_fixtures import pay


def test_a_refund_in_manager_mode_prints_its_slip(qtbot, rig: ManagerRig, languages: Languages,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "slips"
    service = ReceiptService(rig.register.journal, StoreInfo("PayTerm Demo Mart", "Shibuya Store", "register-1"),
                             PrinterSettings(), folder, language=Language.EN)
    rig.services.receipts = service
    try:
        sale = pay(rig.register, 1200, rig.sandbox.payment_code("alice"))
        manager = sign_in(qtbot, manager_window(qtbot, rig, languages))
        search(qtbot, manager.history, reference=sale.reference or "")
        detail = open_detail(qtbot, manager, 0)
        detail.refund_amount.setText("500")
        result = confirm(qtbot, detail, detail.ask_refund)
        assert isinstance(result, OperationResult) and result.state is OperationState.SUCCEEDED
        deadline = time.monotonic() + 30
        while len(list(folder.glob("*.pdf"))) < 2 and time.monotonic() < deadline:
            qtbot.wait(100)
        names = sorted(p.name for p in folder.glob("*.pdf"))
        assert len(names) == 2 and all(n.startswith(f"{sale.reference}-refund-") for n in names), names
        assert {n.rsplit("-", 1)[1] for n in names} == {"customer.pdf", "merchant.pdf"}
    finally:
        service.close()

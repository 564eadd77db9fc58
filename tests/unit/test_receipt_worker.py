"""Receipts drawn and printed in a worker process: the same bytes as drawn in the register's
process, a worker that dies is replaced, and the service reads real journal sales (SQLite in
tmp_path). The worker is a real spawned process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.journal import Journal
from tests.journal_helpers import answer, record_intent
from terminal.receipts import JapaneseMode, ReceiptCopy, SaleValues, StoreInfo, render_receipt, write_receipt
from terminal.receipts.service import ReceiptService
from terminal.receipts.worker import Job, ReceiptWorker, WorkerDied

STORE = StoreInfo("テスト商店", "渋谷店", "register-1", "Asia/Tokyo")
AT = datetime(2025, 1, 1, 3, 4, tzinfo=UTC)
SALE = SaleValues("R-0042", 1200, "JPY", SaleState.APPROVED, AT, "PayPay", "4321", "A1B2C3")
NO_PRINTER = PrinterSettings()


@pytest.fixture
def worker() -> ReceiptWorker:
    w = ReceiptWorker()
    yield w  # type: ignore[misc]
    w.close()


def wait_until(condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_the_worker_prints_the_same_bytes_as_the_register_would(tmp_path: Path, worker: ReceiptWorker) -> None:
    device = tmp_path / "printer.bin"
    printer = PrinterSettings(kind=PrinterKind.FILE, path=device, customer_copy=False)
    outcome = worker.run(Job(SALE, STORE, printer, tmp_path / "pdf"))
    assert outcome.problem is None and outcome.pid != os.getpid() and outcome.pid == worker.pid
    expected = Dummy()
    write_receipt(expected, render_receipt(SALE, ReceiptCopy.MERCHANT, STORE), 42, JapaneseMode.IMAGE)
    assert device.read_bytes() == expected.output


def test_without_a_printer_the_worker_saves_both_copies_as_pdf(tmp_path: Path, worker: ReceiptWorker) -> None:
    outcome = worker.run(Job(SALE, STORE, NO_PRINTER, tmp_path, Language.EN, reprint=True))
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert names == ["R-0042-customer-reprint.pdf", "R-0042-merchant-reprint.pdf"]
    assert outcome.problem is None and len(outcome.issued) == 2
    assert all(p.read_bytes().startswith(b"%PDF-") for p in tmp_path.glob("*.pdf"))


def test_a_failing_printer_gets_pdfs_and_a_word_for_the_cashier(tmp_path: Path, worker: ReceiptWorker) -> None:
    printer = PrinterSettings(kind=PrinterKind.FILE, path=tmp_path / "no-such-dir" / "lp0")
    outcome = worker.run(Job(SALE, STORE, printer, tmp_path / "pdf"))
    assert outcome.problem is not None and "saved as PDF" in outcome.problem
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == 2


def test_a_worker_killed_mid_receipt_is_reported_and_replaced(tmp_path: Path, worker: ReceiptWorker) -> None:
    """A printer that never answers (a FIFO nobody reads) holds the worker; it is killed there,
    as a crash in a font or printer driver would end it. That job fails with ``WorkerDied``, it
    is not repeated, and the next job runs in a fresh process."""
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    first = worker.run(Job(SALE, STORE, NO_PRINTER, tmp_path / "warm"))
    errors: list[BaseException] = []

    def hung() -> None:
        try:
            worker.run(Job(SALE, STORE, PrinterSettings(kind=PrinterKind.FILE, path=fifo), tmp_path / "pdf"))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    thread = threading.Thread(target=hung)
    thread.start()
    time.sleep(0.5)  # the worker is now blocked opening the FIFO
    assert thread.is_alive()
    os.kill(first.pid, signal.SIGKILL)
    thread.join(20)
    assert len(errors) == 1 and isinstance(errors[0], WorkerDied)
    assert "reprint" in str(errors[0])
    again = worker.run(Job(SALE, STORE, NO_PRINTER, tmp_path / "after"))
    assert again.pid not in (first.pid, os.getpid()) and len(list((tmp_path / "after").glob("*.pdf"))) == 2


def approved_sale(journal: Journal, reference: str) -> str:
    sale = record_intent(journal, amount=Money(1200, "JPY"), code=journal.fingerprint("9900000000001234"),
                         merchant_reference=reference, wallet="PayPay", created_at=AT)
    answer(journal, sale.idempotency_key, AT, SaleState.APPROVED, charge_id="ch-1", approval_code="OK1")
    return sale.idempotency_key


def test_the_service_issues_from_the_journal_on_its_own_thread_and_reports_a_dead_worker(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    problems: list[str] = []
    service = ReceiptService(journal, STORE, NO_PRINTER, tmp_path / "receipts", on_problem=problems.append)
    runs_on: list[str] = []
    run = service.worker.run

    def recorded(job: Job):  # type: ignore[no-untyped-def]
        runs_on.append(threading.current_thread().name)
        return run(job)

    service.worker.run = recorded  # type: ignore[method-assign]
    try:
        key = approved_sale(journal, "R-7")
        issued = service.issue(key).result(timeout=60)
        assert sorted(i.path.name for i in issued if i.path) == ["R-7-customer.pdf", "R-7-merchant.pdf"]
        assert runs_on and all(name.startswith("payterm-receipts") for name in runs_on)
        assert service.worker.pid not in (None, os.getpid())
        os.kill(service.worker.pid or 0, signal.SIGKILL)  # dies between jobs: the next one restarts it
        wait_until(lambda: service.worker.pid is None)
        again = service.reprint_last().result(timeout=60)
        assert sorted(i.path.name for i in again if i.path) == ["R-7-customer-reprint.pdf",
                                                                 "R-7-merchant-reprint.pdf"]
        assert service.issue("no-such-key").result(timeout=60) == []
        assert problems == ["no sale no-such-key in the journal"]
    finally:
        service.close()
        journal.close()
    assert service.worker.pid is None


def test_the_register_process_never_loads_the_drawing_or_printer_libraries(tmp_path: Path) -> None:
    """Issuing receipts through the service leaves PIL, qrcode and python-escpos to the worker."""
    code = f"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from terminal.config.model import PrinterSettings
from terminal.journal import Journal
from terminal.receipts.model import StoreInfo
from terminal.receipts.service import ReceiptService
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from tests.journal_helpers import answer, record_intent
tmp = Path({str(tmp_path)!r})
journal = Journal(tmp / "journal.sqlite3")
service = ReceiptService(journal, StoreInfo("m", "s", "r"), PrinterSettings(), tmp / "receipts")
at = datetime(2025, 1, 1, tzinfo=UTC)
sale = record_intent(journal, amount=Money(100, "JPY"), code=journal.fingerprint("9900000000001234"),
                     merchant_reference="R-9", wallet="PayPay", created_at=at)
answer(journal, sale.idempotency_key, at, SaleState.APPROVED, charge_id="c", approval_code="A")
issued = service.issue(sale.idempotency_key).result(timeout=60)
service.close(); journal.close()
print(len(issued), sorted(m for m in ("PIL", "qrcode", "escpos", "yaml") if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=120).stdout
    assert out.strip() == "2 []"


def test_the_worker_runs_at_a_lower_priority_than_the_register(tmp_path: Path, worker: ReceiptWorker) -> None:
    outcome = worker.run(Job(SALE, STORE, NO_PRINTER, tmp_path))
    assert os.getpriority(os.PRIO_PROCESS, outcome.pid) > os.getpriority(os.PRIO_PROCESS, 0)

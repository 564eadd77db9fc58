"""Receipts behind a cashier window, with a real register, the sandbox over HTTP and no printer
(copies saved as PDF): "No receipt" prints nothing and the audit log says so, "Next sale" prints
the waiting receipt, and a refund's slip is issued off the caller's thread."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.journal import verify_chain
from tests.register_fixtures import make_register, manager_refund, pay
from tests.sandbox_fixtures import RunningSandbox


def pdfs(folder: Path, count: int) -> list[str]:
    deadline = time.monotonic() + 20
    while len(list(folder.glob("*.pdf"))) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return sorted(p.name for p in folder.glob("*.pdf"))


def test_no_receipt_prints_nothing_and_is_in_the_audit_log(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    reg = make_register(tmp_path / "r", sandbox_server, receipts=True)
    folder = tmp_path / "r" / "data" / "receipts"
    try:
        assert reg.receipts is not None
        reg.hold_receipts()
        declined = pay(reg, 1200, sandbox_server.payment_code("alice"))
        assert declined.state is SaleState.APPROVED and reg.receipts.pending == declined.idempotency_key
        assert reg.decline_receipt() is True
        assert reg.decline_receipt() is False  # nothing waits any more
        assert reg.next_sale()
        kept = pay(reg, 800, sandbox_server.payment_code("alice"))
        assert reg.receipts.pending == kept.idempotency_key
        assert pdfs(folder, 0) == []  # the approved sale's receipt waits for the cashier
        assert reg.next_sale()  # "Next sale": printed now
        names = pdfs(folder, 2)
        assert names == [f"{kept.reference}-customer.pdf", f"{kept.reference}-merchant.pdf"]

        record = reg.journal.sale(kept.idempotency_key or "")
        assert record is not None
        refund = manager_refund(reg, sandbox_server, record, Money(300, "JPY"), reason="damaged")
        issued = reg.receipts.issue_slip(refund.operation.idempotency_key).result(timeout=20)
        assert [i.path.name.split("-refund-")[0] for i in issued if i.path] == [kept.reference, kept.reference]
        assert all(i.path is not None and i.path.read_bytes().startswith(b"%PDF") for i in issued)
        assert reg.journal.verify_chain().ok
    finally:
        reg.close()
    assert not any(declined.reference in n for n in pdfs(folder, 4))
    with sqlite3.connect(reg.journal.path) as raw:
        rows = raw.execute("SELECT actor, details FROM audit WHERE action = 'receipt.declined'").fetchall()
    assert [(actor, json.loads(d)) for actor, d in rows] == [
        ("cashier", {"key": declined.idempotency_key, "reference": declined.reference})]
    assert verify_chain(reg.journal.path).ok


def test_payterm_receipt_prints_slips_and_names_the_sale_it_reprints(
        sandbox_server: RunningSandbox, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from terminal.cli import main

    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")
    reg = make_register(home, sandbox_server)
    try:
        sale = pay(reg, 1200, sandbox_server.payment_code("alice"))
        record = reg.journal.sale(sale.idempotency_key or "")
        assert record is not None
        when = record.created_at.astimezone(ZoneInfo(reg.enrollment.timezone)).strftime("%Y-%m-%d %H:%M")
        assert main(["receipt", "--reference", sale.reference or "", "--slips"]) == 4  # nothing given back yet
        assert "no refund or void" in capsys.readouterr().err
        manager_refund(reg, sandbox_server, record, Money(200, "JPY"), reason="damaged")
    finally:
        reg.close()
    assert main(["receipt", "--reference", sale.reference or "", "--slips"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"refund slip of sale {sale.reference}: ¥200"
    assert sorted(line.split(": ")[0] for line in out[1:]) == ["saved customer copy", "saved merchant copy"]
    assert all(f"{sale.reference}-refund-" in line for line in out[1:])
    assert main(["receipt", "--reprint-last", "--pdf", str(tmp_path / "again.pdf")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"REPRINT of sale {sale.reference} ({when})"
    assert (tmp_path / "again.pdf").read_bytes().startswith(b"%PDF")

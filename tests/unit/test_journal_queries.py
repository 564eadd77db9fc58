"""History queries and end-of-day totals, and `payterm history`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.domain.money import Money
from terminal.journal import (
    HistoryQuery,
    Journal,
    OperationKind,
    OperationState,
    SaleState,
)
from terminal.domain.operation import OperationOutcome
from tests.journal_helpers import answer, operation_answer, operation_intent, record_intent

DAY = datetime(2025, 3, 1, tzinfo=UTC)


def sale(j: Journal, amount: int, currency: str, code: str, at: datetime, ref: str, state: SaleState) -> str:
    s = record_intent(j, amount=Money(amount, currency), code=j.fingerprint(code), merchant_reference=ref, wallet="sandbox", created_at=at)
    if state is SaleState.APPROVED:
        answer(j, s.idempotency_key, at, state, charge_id=f"ch-{ref}", approval_code="A1")
    elif state is SaleState.DECLINED:
        answer(j, s.idempotency_key, at, state, decline_code="insufficient_funds")
    elif state is SaleState.REVERSED:
        answer(j, s.idempotency_key, at, SaleState.REVERSING)
        answer(j, s.idempotency_key, at, state)
    return s.idempotency_key


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3")
    h = timedelta(hours=1)
    a = sale(j, 1000, "JPY", "28000000000000001111", DAY + 9 * h, "R1", SaleState.APPROVED)
    b = sale(j, 2500, "JPY", "28000000000000002222", DAY + 10 * h, "R2", SaleState.APPROVED)
    sale(j, 300, "JPY", "28000000000000003333", DAY + 11 * h, "R3", SaleState.DECLINED)
    sale(j, 999, "JPY", "28000000000000004444", DAY + 12 * h, "R4", SaleState.REVERSED)
    sale(j, 1250, "USD", "28000000000000005555", DAY + 13 * h, "R5", SaleState.APPROVED)
    sale(j, 4000, "JPY", "28000000000000006666", DAY + 25 * h, "R6", SaleState.APPROVED)  # next day
    refund = operation_intent(j, kind=OperationKind.REFUND, sale_key=b, at=DAY + 14 * h, actor="manager", amount=Money(500, "JPY"))
    operation_answer(j, refund.idempotency_key, OperationOutcome(OperationState.SUCCEEDED, wallet_ref="rf1"), DAY + 14 * h)
    void = operation_intent(j, kind=OperationKind.VOID, sale_key=a, at=DAY + 15 * h, actor="manager")
    operation_answer(j, void.idempotency_key, OperationOutcome(OperationState.SUCCEEDED), DAY + 15 * h)
    pending = operation_intent(j, kind=OperationKind.REFUND, sale_key=b, at=DAY + 16 * h, actor="m", amount=Money(100, "JPY"))
    assert pending.state is OperationState.REQUESTED  # not counted until it succeeds
    yield j
    j.close()


def refs(j: Journal, **filters: object) -> list[str]:
    return [s.merchant_reference for s in j.history(HistoryQuery(**filters))]  # type: ignore[arg-type]


def test_history_filters(filled: Journal) -> None:
    assert refs(filled) == ["R6", "R5", "R4", "R3", "R2", "R1"]  # newest first
    assert refs(filled, since=DAY, until=DAY + timedelta(days=1)) == ["R5", "R4", "R3", "R2", "R1"]
    assert refs(filled, amount=2500) == ["R2"]
    assert refs(filled, currency="USD") == ["R5"]
    assert refs(filled, last4="3333") == ["R3"]
    assert refs(filled, reference="R4") == ["R4"]
    assert refs(filled, state=SaleState.APPROVED, until=DAY + timedelta(days=1)) == ["R5", "R2", "R1"]
    assert refs(filled, limit=2) == ["R6", "R5"]


def test_day_totals_per_currency(filled: Journal) -> None:
    jpy, usd = filled.totals(DAY, DAY + timedelta(days=1))
    assert (jpy.currency, jpy.approved_count, jpy.approved_amount) == ("JPY", 2, 3500)
    assert (jpy.declined_count, jpy.reversed_count) == (1, 1)
    assert (jpy.refunded_count, jpy.refunded_amount, jpy.voided_count, jpy.voided_amount) == (1, 500, 1, 1000)
    assert jpy.net_amount == 2000
    assert (usd.currency, usd.approved_amount, usd.net_amount) == ("USD", 1250, 1250)
    [next_day] = filled.totals(DAY + timedelta(days=1), DAY + timedelta(days=2))
    assert (next_day.approved_count, next_day.net_amount) == (1, 4000)


@pytest.fixture
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`payterm history --date` means a local calendar day; pin local time to UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
@pytest.mark.usefixtures("utc_local_time")
def test_history_command(filled: Journal, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--journal", str(filled.path), "--date", "2025-03-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["reference"] for s in out["sales"]] == ["R5", "R4", "R3", "R2", "R1"]
    assert {t["currency"]: t["net_amount"] for t in out["totals"]} == {"JPY": 2000, "USD": 1250}
    assert (
        main(["history", "--journal", str(filled.path), "--date", "2025-03-01", "--state", "declined"]) == 0
    )
    text = capsys.readouterr().out
    assert "R3" in text and "R2" not in text and "…3333" in text and "net ¥2,000" in text


def test_history_command_without_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--journal", str(tmp_path / "missing.sqlite3")]) == 2
    assert "no journal" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()

"""The Z close on real SQLite journals: the rule, the frozen figures, the Z numbers, the rows
each close takes, and the migration from v7."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from terminal.crypto.keys import PrivateKeySigner, VerifyKey
from terminal.domain.affordance import Why
from terminal.domain.day_close import DayFigures, can_close
from terminal.domain.money import Money
from terminal.domain.operation import OperationKind, OperationState
from terminal.journal import Journal, SaleState, verify_chain
from terminal.journal.day_close import DayCloseRefused
from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, migrate
from tests.journal_helpers import answer, operation_answer, operation_intent, record_intent

T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
DAY = date(2026, 12, 3)
TZ = "Asia/Tokyo"


def sale(j: Journal, amount: int, state: SaleState, at: datetime, ref: str, currency: str = "JPY") -> str:
    record = record_intent(j, amount=Money(amount, currency), code=f"2888{ref:0>12}", merchant_reference=ref,
                           wallet="sandbox", created_at=at)
    if state is not SaleState.AUTHORIZING:
        answer(j, record.idempotency_key, at, state, charge_id=f"ch_{ref}",
               approval_code="A1" if state is SaleState.APPROVED else None,
               decline_code="insufficient_funds" if state is SaleState.DECLINED else None)
    return record.idempotency_key


def give_back(j: Journal, key: str, kind: OperationKind, at: datetime, amount: int | None = None) -> None:
    op = operation_intent(j, kind=kind, sale_key=key, at=at, actor="manager",
                          amount=None if amount is None else Money(amount, "JPY"))
    operation_answer(j, op.idempotency_key, OperationState.SUCCEEDED, at)


def close(j: Journal, day: date = DAY, at: datetime = T0 + timedelta(hours=10)):  # type: ignore[no-untyped-def]
    """Close ``day`` on that day (today is ``day``)."""
    return j.close_day(day, day, at, TZ)


def test_the_rule_in_the_domain() -> None:
    today = date(2026, 12, 3)
    assert can_close(today, today, None, 0, 0)
    assert can_close(today, today, today, 0, 0).why is Why.ALREADY_CLOSED
    assert can_close(today - timedelta(days=2), today, today - timedelta(days=1), 0, 0).why is Why.LATER_DAY_CLOSED
    assert can_close(today + timedelta(days=1), today, None, 0, 0).why is Why.FUTURE_DAY
    assert can_close(today, today, None, 1, 0).why is Why.PAYMENT_OPEN
    assert can_close(today, today, None, 0, 1).why is Why.PAYMENT_OPEN
    assert can_close(today - timedelta(days=1), today, None, 0, 0)  # yesterday, forgotten: still closable


def test_a_close_freezes_the_days_figures_and_takes_a_z_number(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a = sale(j, 1200, SaleState.APPROVED, T0, "R1")
        sale(j, 800, SaleState.APPROVED, T0 + timedelta(minutes=1), "R2")
        c = sale(j, 500, SaleState.APPROVED, T0 + timedelta(minutes=2), "R3")
        sale(j, 300, SaleState.DECLINED, T0 + timedelta(minutes=3), "R4")
        sale(j, 9, SaleState.APPROVED, T0 + timedelta(minutes=4), "R5", currency="USD")
        give_back(j, a, OperationKind.REFUND, T0 + timedelta(minutes=5), 200)
        give_back(j, c, OperationKind.VOID, T0 + timedelta(minutes=6))
        z = close(j)
    assert z.z_number == 1 and z.business_day == DAY and z.timezone == TZ
    assert (z.sale_count, z.operation_count) == (5, 2)
    assert z.first_sale == ("R1", T0) and z.last_sale == ("R5", T0 + timedelta(minutes=4))
    assert z.figures == (
        DayFigures("JPY", approved_count=3, approved_amount=2500, declined_count=1, refunded_count=1,
                   refunded_amount=200, voided_count=1, voided_amount=500),
        DayFigures("USD", approved_count=1, approved_amount=9),
    )
    assert z.figures[0].net_amount == 1800


def test_a_second_close_of_the_same_day_is_refused_and_the_next_sale_goes_to_the_next_z(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        first = sale(j, 1200, SaleState.APPROVED, T0, "R1")
        z1 = close(j)
        with pytest.raises(DayCloseRefused) as refused:
            close(j, at=T0 + timedelta(hours=11))
        assert refused.value.allowed.why is Why.ALREADY_CLOSED and refused.value.last == z1
        late = sale(j, 700, SaleState.APPROVED, T0 + timedelta(hours=12), "R2")  # after the close
        give_back(j, first, OperationKind.REFUND, T0 + timedelta(hours=25), 400)  # a closed day's sale
        z2 = j.close_day(DAY + timedelta(days=1), DAY + timedelta(days=1), T0 + timedelta(hours=34), TZ)
        assert late and z2.z_number == 2 and z2.sale_count == 1 and z2.first_sale is not None
        assert z2.first_sale[0] == "R2"
        assert z2.figures == (DayFigures("JPY", approved_count=1, approved_amount=700, refunded_count=1,
                                         refunded_amount=400),)  # the refund counts in the day it happens
        assert j.reader.day_close(1) == z1  # Z 1 exactly as frozen, the later refund left out
        assert z1.figures == (DayFigures("JPY", approved_count=1, approved_amount=1200),)
        assert [c.z_number for c in j.reader.day_closes()] == [2, 1]
        with pytest.raises(DayCloseRefused) as earlier:
            close(j, day=DAY - timedelta(days=1), at=T0 + timedelta(hours=35))
        assert earlier.value.allowed.why is Why.LATER_DAY_CLOSED


def test_a_sale_waiting_for_the_wallet_blocks_the_close_and_nothing_is_written(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        key = sale(j, 1200, SaleState.IN_DOUBT, T0, "R1")
        with pytest.raises(DayCloseRefused) as refused:
            close(j)
        assert refused.value.allowed.why is Why.PAYMENT_OPEN and refused.value.last is None
        assert j.reader.day_closes() == []
        answer(j, key, T0 + timedelta(minutes=1), SaleState.APPROVED, approval_code="A1")
        assert close(j).z_number == 1


def test_z_numbers_survive_a_restart_and_are_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        sale(j, 100, SaleState.APPROVED, T0, "R1")
        assert close(j).z_number == 1
    with Journal(path) as j:
        assert j.reader.day_closes()[0].z_number == 1
        assert j.close_day(DAY + timedelta(days=1), DAY + timedelta(days=1), T0 + timedelta(days=1), TZ).z_number == 2
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError, match="closed day never changes"):
        raw.execute("DELETE FROM day_closes WHERE z_number = 2")


@pytest.mark.parametrize("attack", [
    "UPDATE day_closes SET figures = replace(figures, '\"approved_amount\":1200', '\"approved_amount\":1000')",
    "UPDATE day_closes SET sale_count = 0",
    "DELETE FROM day_close_members WHERE kind = 'sale'",
    "DELETE FROM day_closes",
])
def test_editing_a_frozen_close_is_found(tmp_path: Path, attack: str) -> None:
    signer = PrivateKeySigner.generate()
    with Journal(tmp_path / "j.sqlite3", signer) as j:
        sale(j, 1200, SaleState.APPROVED, T0, "R1")
        close(j)
        assert verify_chain(j.path, VerifyKey.from_signer(signer)).ok
    with sqlite3.connect(tmp_path / "j.sqlite3") as raw:
        for table in ("day_closes", "day_close_members"):
            for verb in ("update", "delete"):
                raw.execute(f"DROP TRIGGER {table}_no_{verb}")
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(attack)
    result = verify_chain(tmp_path / "j.sqlite3", VerifyKey.from_signer(signer))
    assert result.broken is not None and result.broken.kind.value == "row_mismatch"
    assert "Z 1" in result.broken.message


def test_migrating_a_v7_journal_to_the_latest_keeps_its_sales_for_the_first_close(tmp_path: Path) -> None:
    path = tmp_path / "v7.sqlite3"
    conn = open_write_connection(path)
    assert migrate(conn, target=7)[-1] == 7
    conn.execute("INSERT INTO sales (idempotency_key, amount, currency, code_hash, code_last4, merchant_reference, "
                 "wallet, state, created_at, updated_at) VALUES ('k1', 700, 'JPY', 'h', '1234', 'OLD', 'sandbox', "
                 "'approved', '2026-12-02T01:00:00.000000Z', '2026-12-02T01:00:00.000000Z')")
    conn.close()
    with Journal(path) as j:
        assert j.migrated_to == list(range(8, LATEST_VERSION + 1))  # v8 the closes, v9 the authorizations
        assert j.reader.day_closes() == []
        z = close(j)
    assert z.z_number == 1 and z.first_sale is not None and z.first_sale[0] == "OLD"
    assert z.figures == (DayFigures("JPY", approved_count=1, approved_amount=700),)

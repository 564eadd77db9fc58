"""End of day: the journal's view of a store-local day beside the wallet's settlement, matched
charge by charge.

``reconcile`` is a pure comparison (the unit tests feed it records); ``gather`` reads the
journal and asks the wallet. A difference is listed, never "fixed": which side is right is for a
person to decide (a sale the register lost, a charge made by another client, an edited row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from terminal.journal.queries import Reader
from terminal.journal.records import CurrencyTotals, HistoryQuery, OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState, SaleState
from terminal.wallet import messages as m
from terminal.wallet.client import WalletClient

MAX_SALES_PER_DAY = 100_000


class DifferenceKind(StrEnum):
    MISSING_AT_WALLET = "missing_at_wallet"  # the journal has a charge the wallet does not list
    MISSING_IN_JOURNAL = "missing_in_journal"  # the wallet lists a charge the journal does not know
    AMOUNT = "amount"  # amount or currency differ
    STATE = "state"  # the wallet's status is not what the journal's state implies
    REFUNDED = "refunded"  # refunded amounts differ
    UNFINISHED = "unfinished"  # the journal still has the sale or a refund/void open
    TOTALS = "totals"  # a per-currency total differs


@dataclass(frozen=True)
class Difference:
    kind: DifferenceKind
    reference: str | None  # merchant reference (None for totals)
    charge_id: str | None
    message: str


@dataclass(frozen=True)
class JournalSale:
    """A journalled sale with every refund and void made on it (of any day)."""

    sale: SaleRecord
    operations: tuple[OperationRecord, ...] = ()

    @property
    def voided(self) -> bool:
        return any(op.kind is OperationKind.VOID and op.state is OperationState.SUCCEEDED for op in self.operations)

    @property
    def refunded(self) -> int:
        return sum(op.amount for op in self.operations
                   if op.kind is OperationKind.REFUND and op.state is OperationState.SUCCEEDED)


@dataclass(frozen=True)
class TotalsPair:
    """One currency's day, as the journal counts it and as the wallet does."""

    currency: str
    journal_approved_count: int  # approved and not voided
    journal_approved_amount: int
    journal_refunded_count: int
    journal_refunded_amount: int
    journal_net: int
    wallet_approved_count: int
    wallet_approved_amount: int
    wallet_refunded_count: int
    wallet_refunded_amount: int
    wallet_net: int


@dataclass(frozen=True)
class Reconciliation:
    day: date
    timezone: str
    totals: tuple[TotalsPair, ...]
    differences: tuple[Difference, ...]
    journal_sales: int
    wallet_charges: int

    @property
    def agree(self) -> bool:
        return not self.differences


def _expected_statuses(js: JournalSale) -> frozenset[m.ChargeStatus] | None:
    """What the wallet should say about a finished journalled sale; None: no charge expected."""
    sale = js.sale
    if sale.state is SaleState.APPROVED:
        return frozenset({m.ChargeStatus.CANCELLED if js.voided else m.ChargeStatus.APPROVED})
    if sale.state is SaleState.DECLINED:
        return frozenset({m.ChargeStatus.DECLINED}) if sale.charge_id else None
    # REVERSED: cancelled, or (approved on an earlier day) approved and refunded in full.
    return frozenset({m.ChargeStatus.CANCELLED, m.ChargeStatus.APPROVED}) if sale.charge_id else None


def _compare(js: JournalSale, charge: m.SettlementCharge) -> list[Difference]:
    sale = js.sale
    ref, cid = sale.merchant_reference, charge.id
    found: list[Difference] = []
    if (charge.amount, charge.currency) != (sale.amount, sale.currency):
        found.append(Difference(DifferenceKind.AMOUNT, ref, cid,
                                f"journal {sale.amount} {sale.currency}, wallet {charge.amount} {charge.currency}"))
    expected = _expected_statuses(js) or frozenset({m.ChargeStatus.CANCELLED, m.ChargeStatus.DECLINED})
    if charge.status not in expected:
        said = sale.state.value + (" (voided)" if js.voided else "")
        found.append(Difference(DifferenceKind.STATE, ref, cid, f"journal {said}, wallet {charge.status.value}"))
    elif sale.state is SaleState.REVERSED and charge.status is m.ChargeStatus.APPROVED \
            and charge.refunded_amount != charge.amount:
        found.append(Difference(DifferenceKind.STATE, ref, cid,
                                f"journal reversed, wallet approved with only {charge.refunded_amount} refunded"))
    if sale.state is SaleState.APPROVED and charge.refunded_amount != js.refunded:
        found.append(Difference(DifferenceKind.REFUNDED, ref, cid,
                                f"journal refunded {js.refunded}, wallet {charge.refunded_amount} {sale.currency}"))
    return found


def _match(sales: Sequence[JournalSale], charges: Sequence[m.SettlementCharge]) -> list[Difference]:
    by_id = {c.id: c for c in charges}
    unmatched = dict(by_id)
    found: list[Difference] = []
    for js in sales:
        sale = js.sale
        ref = sale.merchant_reference
        open_ops = [op for op in js.operations if not op.state.is_final]
        if not sale.state.is_final:
            found.append(Difference(DifferenceKind.UNFINISHED, ref, sale.charge_id,
                                    f"the sale is still {sale.state.value}: run `payterm recover`"))
        for op in open_ops:
            found.append(Difference(DifferenceKind.UNFINISHED, ref, sale.charge_id,
                                    f"a {op.kind.value} of {op.amount} {op.currency} is {op.state.value}: "
                                    "run `payterm recover`"))
        if sale.charge_id is not None:
            charge = by_id.get(sale.charge_id)
        else:
            same_ref = [c for c in unmatched.values() if c.merchant_reference == ref]
            charge = same_ref[0] if len(same_ref) == 1 else None
        if charge is not None:
            unmatched.pop(charge.id, None)
            if sale.state.is_final and not open_ops:
                found.extend(_compare(js, charge))
        elif sale.state.is_final and _expected_statuses(js) is not None:
            found.append(Difference(DifferenceKind.MISSING_AT_WALLET, ref, sale.charge_id,
                                    f"journal {sale.state.value} {sale.amount} {sale.currency}; "
                                    "the wallet lists no such charge that day"))
    for charge in unmatched.values():
        found.append(Difference(DifferenceKind.MISSING_IN_JOURNAL, charge.merchant_reference, charge.id,
                                f"wallet {charge.status.value} {charge.amount} {charge.currency}; "
                                "the journal has no such sale"))
    return found


def _totals(journal: Sequence[CurrencyTotals], wallet: Sequence[m.SettlementTotal]) -> list[TotalsPair]:
    ours = {t.currency: t for t in journal}
    theirs = {t.currency: t for t in wallet}
    pairs: list[TotalsPair] = []
    for currency in sorted(set(ours) | set(theirs)):
        j = ours.get(currency)
        w = theirs.get(currency)
        pairs.append(TotalsPair(
            currency=currency,
            journal_approved_count=(j.approved_count - j.voided_count) if j else 0,
            journal_approved_amount=(j.approved_amount - j.voided_amount) if j else 0,
            journal_refunded_count=j.refunded_count if j else 0,
            journal_refunded_amount=j.refunded_amount if j else 0,
            journal_net=j.net_amount if j else 0,
            wallet_approved_count=w.approved_count if w else 0,
            wallet_approved_amount=w.approved_amount if w else 0,
            wallet_refunded_count=w.refunded_count if w else 0,
            wallet_refunded_amount=w.refunded_amount if w else 0,
            wallet_net=w.net_amount if w else 0,
        ))
    return pairs


def _totals_differences(pairs: Sequence[TotalsPair]) -> list[Difference]:
    found: list[Difference] = []
    for p in pairs:
        for what, ours, theirs in (
            ("approved count", p.journal_approved_count, p.wallet_approved_count),
            ("approved amount", p.journal_approved_amount, p.wallet_approved_amount),
            ("refunded count", p.journal_refunded_count, p.wallet_refunded_count),
            ("refunded amount", p.journal_refunded_amount, p.wallet_refunded_amount),
            ("net amount", p.journal_net, p.wallet_net),
        ):
            if ours != theirs:
                found.append(Difference(DifferenceKind.TOTALS, None, None,
                                        f"{p.currency} {what}: journal {ours}, wallet {theirs}"))
    return found


def reconcile(
    day: date,
    timezone: str,
    sales: Sequence[JournalSale],
    totals: Sequence[CurrencyTotals],
    settlement: m.SettlementResponse,
) -> Reconciliation:
    pairs = _totals(totals, settlement.totals)
    return Reconciliation(
        day=day, timezone=timezone, totals=tuple(pairs),
        differences=tuple(_match(sales, settlement.charges) + _totals_differences(pairs)),
        journal_sales=len(sales), wallet_charges=len(settlement.charges),
    )


def store_day(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the store's zone (the wallet's business day)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(), zone)
    return start, datetime.combine(day + timedelta(days=1), time(), zone)


def gather(reader: Reader, client: WalletClient, day: date, timezone: str) -> Reconciliation:
    """Read the day from the journal and the wallet and compare. Raises ``WalletError`` when
    the wallet cannot be asked, ``JournalError`` when the journal cannot be read."""
    since, until = store_day(day, timezone)
    records = reader.history(HistoryQuery(since=since, until=until, limit=MAX_SALES_PER_DAY))
    sales = [JournalSale(r, tuple(reader.operations_for_sale(r.idempotency_key))) for r in reversed(records)]
    totals = reader.totals(since, until)
    settlement = client.settlement(day.isoformat())
    return reconcile(day, timezone, sales, totals, settlement)

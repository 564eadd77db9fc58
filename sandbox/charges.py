"""Charges: creation with the decision rules, lazy time-based transitions, and the views.

Order of the rules for a new charge (first match wins):
payment code (unknown_code / code_expired / code_used) -> test value -> account_locked ->
currency_not_supported -> limit_exceeded -> insufficient_funds -> risk policy (step-up) -> approve.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sandbox.clock import to_datetime
from sandbox.errors import Conflict, NotFound
from sandbox.idempotency import StoredResponse, remember, replay, request_hash
from sandbox.ledger import move_to_merchant
from sandbox.seed import TEST_VALUES_BY_AMOUNT, WALLET_NAME
from sandbox.settings import RiskPolicy
from terminal.wallet.messages import (
    ChargeRequest,
    ChargeResponse,
    ChargeStatus,
    Decline,
    DeclineCode,
    ProblemCode,
    StepUp,
    StepUpMethod,
)

DECLINE_MESSAGES: dict[DeclineCode, str] = {
    DeclineCode.INSUFFICIENT_FUNDS: "The customer's balance is too low for this amount.",
    DeclineCode.CODE_EXPIRED: "The payment code has expired. Ask the customer to refresh it.",
    DeclineCode.CODE_USED: "The payment code was already used. Ask the customer for a new one.",
    DeclineCode.UNKNOWN_CODE: "The wallet does not know this payment code.",
    DeclineCode.ACCOUNT_LOCKED: "The customer's account is locked. They must contact the wallet.",
    DeclineCode.LIMIT_EXCEEDED: "The amount is over the customer's single-payment limit.",
    DeclineCode.STEP_UP_FAILED: "Too many wrong PIN or code entries; the account is now locked.",
    DeclineCode.STEP_UP_EXPIRED: "The customer did not confirm in time.",
    DeclineCode.STEP_UP_REJECTED: "The customer rejected the payment in the wallet app.",
    DeclineCode.CURRENCY_NOT_SUPPORTED: "The customer's wallet cannot pay in this currency.",
    DeclineCode.CANCELLED: "The payment was cancelled.",
}


@dataclass(frozen=True)
class Device:
    id: str
    store_id: str
    merchant_id: str
    timezone: str
    currency: str


def load_device(conn: sqlite3.Connection, device_id: str) -> Device:
    row = conn.execute(
        "SELECT d.id, d.store_id, s.merchant_id, s.timezone, s.currency FROM devices d"
        " JOIN stores s ON s.id = d.store_id WHERE d.id = ?",
        (device_id,),
    ).fetchone()
    if row is None:
        raise NotFound(ProblemCode.NOT_FOUND, "device not found")
    return Device(row["id"], row["store_id"], row["merchant_id"], row["timezone"], row["currency"])


def business_date(ts: int, timezone: str) -> str:
    """The store-local calendar date of a moment (what "same day" and settlement use)."""
    return datetime.fromtimestamp(ts, ZoneInfo(timezone)).date().isoformat()


def charge_view(conn: sqlite3.Connection, row: sqlite3.Row, risk: RiskPolicy) -> ChargeResponse:
    status = ChargeStatus(row["status"])
    step_up = None
    if status is ChargeStatus.STEP_UP_REQUIRED:
        failed = conn.execute("SELECT failed_attempts FROM customers WHERE name = ?",
                              (row["customer"],)).fetchone()["failed_attempts"]
        step_up = StepUp(method=StepUpMethod(row["step_up_method"]),
                         expires_at=to_datetime(row["step_up_expires_at"]),
                         attempts_left=max(0, risk.max_attempts - failed))
    decline = None
    if row["decline_code"] is not None:
        code = DeclineCode(row["decline_code"])
        decline = Decline(code=code, message=DECLINE_MESSAGES[code])
    return ChargeResponse(
        id=row["id"], status=status, amount=row["amount"], currency=row["currency"],
        merchant_reference=row["merchant_reference"], approval_code=row["approval_code"],
        decline=decline, step_up=step_up, refunded_amount=row["refunded_amount"],
        created_at=to_datetime(row["created_at"]), wallet=WALLET_NAME, code_last4=row["code_last4"],
    )


def fetch(conn: sqlite3.Connection, charge_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM charges WHERE id = ?", (charge_id,)).fetchone()
    if row is None:
        raise NotFound(ProblemCode.CHARGE_NOT_FOUND, "Charge not found", f"no charge {charge_id!r} for this device")
    return row


def fetch_for_device(conn: sqlite3.Connection, device: Device, charge_id: str, now: int) -> sqlite3.Row:
    """The charge if it belongs to ``device`` (another device's charge is "not found"), refreshed."""
    row = conn.execute("SELECT * FROM charges WHERE id = ? AND device_id = ?", (charge_id, device.id)).fetchone()
    if row is None:
        raise NotFound(ProblemCode.CHARGE_NOT_FOUND, "Charge not found", f"no charge {charge_id!r} for this device")
    return refresh(conn, row, now)


def set_declined(conn: sqlite3.Connection, charge_id: str, code: DeclineCode, now: int) -> None:
    status = ChargeStatus.CANCELLED if code is DeclineCode.CANCELLED else ChargeStatus.DECLINED
    conn.execute(
        "UPDATE charges SET status = ?, decline_code = ?, otp = NULL, updated_at = ? WHERE id = ?",
        (status.value, code.value, now, charge_id),
    )


def try_approve(conn: sqlite3.Connection, charge_id: str, now: int) -> None:
    """Approve a charge whose checks passed earlier (after a step-up or a wait): re-check the
    account (it may have been locked or spent meanwhile), then move the money."""
    row = fetch(conn, charge_id)
    cust = conn.execute("SELECT balance, locked FROM customers WHERE name = ?", (row["customer"],)).fetchone()
    if cust["locked"]:
        set_declined(conn, charge_id, DeclineCode.ACCOUNT_LOCKED, now)
        return
    if cust["balance"] < row["amount"]:
        set_declined(conn, charge_id, DeclineCode.INSUFFICIENT_FUNDS, now)
        return
    move_to_merchant(conn, row["customer"], row["merchant_id"], row["amount"])
    conn.execute("INSERT OR IGNORE INTO customer_merchants(customer, merchant_id) VALUES (?, ?)",
                 (row["customer"], row["merchant_id"]))
    conn.execute(
        "UPDATE charges SET status = 'approved', approval_code = ?, debited = 1, otp = NULL, updated_at = ?"
        " WHERE id = ?",
        (_approval_code(), now, charge_id),
    )


def refresh(conn: sqlite3.Connection, row: sqlite3.Row, now: int) -> sqlite3.Row:
    """Apply what time has decided since the last look: step-up expiry, end of a slow wait."""
    status = ChargeStatus(row["status"])
    if status is ChargeStatus.STEP_UP_REQUIRED and now >= row["step_up_expires_at"]:
        set_declined(conn, row["id"], DeclineCode.STEP_UP_EXPIRED, now)
    elif status is ChargeStatus.PENDING and now >= row["pending_until"]:
        if row["pending_outcome"]:
            set_declined(conn, row["id"], DeclineCode(row["pending_outcome"]), now)
        else:
            try_approve(conn, row["id"], now)
    else:
        return row
    return fetch(conn, row["id"])


def _approval_code() -> str:
    return "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(6))


@dataclass(frozen=True)
class _Decision:
    customer: str | None
    status: ChargeStatus
    decline: DeclineCode | None = None
    step_up: StepUpMethod | None = None
    pending_outcome: DeclineCode | None = None


def _decide(conn: sqlite3.Connection, device: Device, req: ChargeRequest, risk: RiskPolicy,
            now: int) -> _Decision:
    code = conn.execute("SELECT * FROM payment_codes WHERE code = ?", (req.payment_code,)).fetchone()
    if code is None:
        return _Decision(None, ChargeStatus.DECLINED, DeclineCode.UNKNOWN_CODE)
    name = code["customer"]
    if code["used_at"] is not None:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.CODE_USED)
    if code["expires_at"] <= now:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.CODE_EXPIRED)
    conn.execute("UPDATE payment_codes SET used_at = ? WHERE code = ?", (now, req.payment_code))
    cust = conn.execute("SELECT * FROM customers WHERE name = ?", (name,)).fetchone()
    test = TEST_VALUES_BY_AMOUNT.get(req.amount)
    if test is not None and test.decline is not None:
        return _Decision(name, ChargeStatus.DECLINED, test.decline)
    if test is not None and test.slow:
        return _Decision(name, ChargeStatus.PENDING, pending_outcome=test.pending_then)
    if cust["locked"]:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.ACCOUNT_LOCKED)
    if req.currency != cust["currency"]:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.CURRENCY_NOT_SUPPORTED)
    if req.amount > cust["single_limit"]:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.LIMIT_EXCEEDED)
    if req.amount > cust["balance"]:
        return _Decision(name, ChargeStatus.DECLINED, DeclineCode.INSUFFICIENT_FUNDS)
    if test is not None and test.step_up is not None:
        return _Decision(name, ChargeStatus.STEP_UP_REQUIRED, step_up=test.step_up)
    if _risky(conn, cust, device, req, risk, now):
        return _Decision(name, ChargeStatus.STEP_UP_REQUIRED, step_up=StepUpMethod(cust["preferred_method"]))
    return _Decision(name, ChargeStatus.APPROVED)


def _risky(conn: sqlite3.Connection, cust: sqlite3.Row, device: Device, req: ChargeRequest,
           risk: RiskPolicy, now: int) -> bool:
    if cust["always_step_up"] or req.amount > risk.step_up_over_amount:
        return True
    if risk.step_up_first_payment and not conn.execute(
        "SELECT 1 FROM customer_merchants WHERE customer = ? AND merchant_id = ?",
        (cust["name"], device.merchant_id),
    ).fetchone():
        return True
    recent = conn.execute(
        "SELECT COUNT(*) FROM charges WHERE customer = ? AND status = 'approved' AND created_at > ?",
        (cust["name"], now - risk.velocity_window_s),
    ).fetchone()[0]
    return recent >= risk.velocity_count


def create_charge(conn: sqlite3.Connection, device: Device, key: str, req: ChargeRequest,
                  risk: RiskPolicy, now: int) -> StoredResponse:
    """Decide a new charge (201) or replay the stored answer for a repeated key (200)."""
    digest = request_hash(req)
    stored = replay(conn, device.id, "charge", key, digest)
    if stored is not None:
        return stored
    if conn.execute("SELECT 1 FROM key_tombstones WHERE device_id = ? AND idempotency_key = ?",
                    (device.id, key)).fetchone():
        raise Conflict(ProblemCode.KEY_CANCELLED, "The register cancelled this idempotency key before the "
                       "charge arrived", "nothing was charged; the register has already reversed this sale")
    decision = _decide(conn, device, req, risk, now)
    charge_id = "ch_" + secrets.token_hex(12)
    otp = "".join(secrets.choice("0123456789") for _ in range(6)) if decision.step_up is StepUpMethod.OTP else None
    conn.execute(
        "INSERT INTO charges(id, device_id, store_id, merchant_id, customer, idempotency_key, amount,"
        " currency, merchant_reference, items_summary, code_last4, status, decline_code,"
        " step_up_method, step_up_expires_at, otp, pending_until, pending_outcome, created_at,"
        " business_date, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (charge_id, device.id, device.store_id, device.merchant_id, decision.customer, key, req.amount,
         req.currency, req.merchant_reference, req.items_summary, req.payment_code[-4:],
         ChargeStatus.PENDING.value if decision.status is ChargeStatus.APPROVED else decision.status.value,
         decision.decline.value if decision.decline else None,
         decision.step_up.value if decision.step_up else None,
         now + risk.step_up_seconds if decision.step_up else None, otp,
         now + risk.pending_seconds if decision.status is ChargeStatus.PENDING else None,
         decision.pending_outcome.value if decision.pending_outcome else None,
         now, business_date(now, device.timezone), now),
    )
    if decision.status is ChargeStatus.APPROVED:
        try_approve(conn, charge_id, now)
    row = fetch(conn, charge_id)
    response = StoredResponse(201, charge_view(conn, row, risk).model_dump_json().encode())
    remember(conn, device.id, "charge", key, digest, response, now)
    return response


def find_by_key(conn: sqlite3.Connection, device: Device, key: str, now: int) -> list[sqlite3.Row]:
    rows = conn.execute("SELECT * FROM charges WHERE device_id = ? AND idempotency_key = ?",
                        (device.id, key)).fetchall()
    return [refresh(conn, r, now) for r in rows]

"""Cancel (void) and refunds: the two ways money goes back to the customer.

Cancel: a pending or step_up_required charge (nothing moved yet), or an approved one on the same
store-local day (what is left after refunds goes back). Cancelling a cancelled charge returns it
unchanged (idempotent); a declined charge cannot be cancelled (409).
Refund: only approved charges, full or partial, never more than what is left.
"""

from __future__ import annotations

import secrets
import sqlite3

from sandbox.charges import Device, business_date, fetch, fetch_for_device, set_declined
from sandbox.errors import Conflict, Unprocessable
from sandbox.idempotency import StoredResponse, remember, replay, request_hash
from sandbox.ledger import move_to_customer
from sandbox.clock import to_datetime
from terminal.wallet.messages import (
    ChargeStatus,
    DeclineCode,
    ProblemCode,
    RefundRequest,
    RefundResponse,
    RefundStatus,
)


def cancel(conn: sqlite3.Connection, device: Device, charge_id: str, now: int) -> sqlite3.Row:
    row = fetch_for_device(conn, device, charge_id, now)
    status = ChargeStatus(row["status"])
    if status is ChargeStatus.CANCELLED:
        return row
    if status is ChargeStatus.DECLINED:
        raise Conflict(ProblemCode.INVALID_STATE, "A declined charge cannot be cancelled",
                       f"charge {charge_id} was declined ({row['decline_code']}); no money moved")
    if status is ChargeStatus.APPROVED:
        if row["business_date"] != business_date(now, device.timezone):
            raise Conflict(ProblemCode.CANCEL_WINDOW_PASSED,
                           "An approved charge can only be cancelled on the same day; refund it instead")
        left = row["amount"] - row["refunded_amount"]
        if left:
            move_to_customer(conn, row["customer"], row["merchant_id"], left)
        conn.execute("UPDATE charges SET debited = 0 WHERE id = ?", (charge_id,))
    set_declined(conn, charge_id, DeclineCode.CANCELLED, now)
    return fetch(conn, charge_id)


def refund(conn: sqlite3.Connection, device: Device, charge_id: str, key: str, req: RefundRequest,
           now: int) -> StoredResponse:
    digest = request_hash(req)
    scope = f"refund:{charge_id}"
    stored = replay(conn, device.id, scope, key, digest)
    if stored is not None:
        return stored
    row = fetch_for_device(conn, device, charge_id, now)
    status = ChargeStatus(row["status"])
    if status is not ChargeStatus.APPROVED:
        raise Conflict(ProblemCode.INVALID_STATE, f"Only approved charges can be refunded; this one is {status.value}")
    if req.currency != row["currency"]:
        raise Unprocessable(ProblemCode.CURRENCY_MISMATCH,
                            f"Refund currency {req.currency} differs from the charge's {row['currency']}")
    left = row["amount"] - row["refunded_amount"]
    if req.amount > left:
        raise Unprocessable(ProblemCode.REFUND_EXCEEDS_CHARGE, "Refund exceeds what is left of the charge",
                            f"asked {req.amount}, refundable {left} {row['currency']} minor units")
    move_to_customer(conn, row["customer"], row["merchant_id"], req.amount)
    conn.execute("UPDATE charges SET refunded_amount = refunded_amount + ?, updated_at = ? WHERE id = ?",
                 (req.amount, now, charge_id))
    refund_id = "re_" + secrets.token_hex(12)
    conn.execute(
        "INSERT INTO refunds(id, charge_id, amount, currency, reason, created_at, business_date)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (refund_id, charge_id, req.amount, req.currency, req.reason, now, business_date(now, device.timezone)),
    )
    body = RefundResponse(
        id=refund_id, charge_id=charge_id, status=RefundStatus.SUCCEEDED, amount=req.amount,
        currency=req.currency, created_at=to_datetime(now),
        charge_refunded_amount=row["refunded_amount"] + req.amount,
    )
    response = StoredResponse(201, body.model_dump_json().encode())
    remember(conn, device.id, scope, key, digest, response, now)
    return response


def cancel_by_key(conn: sqlite3.Connection, device: Device, key: str, now: int) -> sqlite3.Row | None:
    """Cancel whatever was charged under ``key`` (as ``cancel``), or, when nothing was, keep a
    tombstone so that a charge request arriving later under that key is refused. Idempotent.
    Returns the cancelled charge, or None when there was none."""
    row = conn.execute("SELECT id FROM charges WHERE device_id = ? AND idempotency_key = ?",
                       (device.id, key)).fetchone()
    if row is None:
        conn.execute("INSERT OR IGNORE INTO key_tombstones(device_id, idempotency_key, created_at) VALUES (?,?,?)",
                     (device.id, key, now))
        return None
    return cancel(conn, device, str(row["id"]), now)

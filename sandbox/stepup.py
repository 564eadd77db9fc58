"""Step-up: the second factor for a charge (PIN sealed to the wallet, OTP, or app confirmation).

Wrong answers count against the customer, across charges: after ``RiskPolicy.max_attempts``
wrong tries in a row the account is locked and the charge declines ``step_up_failed``.
A right answer resets the count.
"""

from __future__ import annotations

import hmac
import sqlite3

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sandbox.charges import Device, fetch, fetch_for_device, refresh, set_declined, try_approve
from sandbox.errors import Conflict, NotFound, Unprocessable
from sandbox.seed import PIN_HASHER
from sandbox.settings import RiskPolicy
from terminal.crypto.errors import PinBlockError
from terminal.crypto.pin import open_pin
from terminal.wallet.messages import (
    ChargeStatus,
    DeclineCode,
    OtpStepUpRequest,
    PinStepUpRequest,
    ProblemCode,
    StepUpMethod,
)


def _awaiting(row: sqlite3.Row, method: StepUpMethod) -> None:
    status = ChargeStatus(row["status"])
    if status is not ChargeStatus.STEP_UP_REQUIRED:
        raise Conflict(ProblemCode.INVALID_STATE, f"Charge is {status.value}, not awaiting a step-up",
                       f"charge {row['id']} is {status.value}; read it with GET /v1/charges/{row['id']}")
    if row["step_up_method"] != method.value:
        raise Conflict(ProblemCode.STEP_UP_METHOD_MISMATCH,
                       f"Charge asks for {row['step_up_method']}, not {method.value}")


def _pin_ok(conn: sqlite3.Connection, customer: str, pin: str) -> bool:
    pin_hash = conn.execute("SELECT pin_hash FROM customers WHERE name = ?", (customer,)).fetchone()[0]
    try:
        return PIN_HASHER.verify(pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record_answer(conn: sqlite3.Connection, row: sqlite3.Row, correct: bool, risk: RiskPolicy,
                   now: int) -> None:
    customer = row["customer"]
    locked = conn.execute("SELECT locked FROM customers WHERE name = ?", (customer,)).fetchone()[0]
    if locked:
        set_declined(conn, row["id"], DeclineCode.ACCOUNT_LOCKED, now)
        return
    if correct:
        conn.execute("UPDATE customers SET failed_attempts = 0 WHERE name = ?", (customer,))
        try_approve(conn, row["id"], now)
        return
    conn.execute("UPDATE customers SET failed_attempts = failed_attempts + 1 WHERE name = ?", (customer,))
    failed = conn.execute("SELECT failed_attempts FROM customers WHERE name = ?", (customer,)).fetchone()[0]
    if failed >= risk.max_attempts:
        conn.execute("UPDATE customers SET locked = 1 WHERE name = ?", (customer,))
        set_declined(conn, row["id"], DeclineCode.STEP_UP_FAILED, now)


def submit(conn: sqlite3.Connection, device: Device, charge_id: str,
           req: PinStepUpRequest | OtpStepUpRequest, pin_key: X25519PrivateKey, risk: RiskPolicy,
           now: int) -> sqlite3.Row:
    """Check a PIN block or OTP for a charge in step_up_required; returns the charge after."""
    row = fetch_for_device(conn, device, charge_id, now)
    if isinstance(req, PinStepUpRequest):
        _awaiting(row, StepUpMethod.PIN)
        try:
            pin = open_pin(req.pin_block, row["id"], pin_key)
        except PinBlockError as exc:
            raise Unprocessable(ProblemCode.PIN_BLOCK_INVALID, "PIN block does not open for this charge",
                                str(exc)) from None
        correct = _pin_ok(conn, row["customer"], pin)
        del pin
    else:
        _awaiting(row, StepUpMethod.OTP)
        correct = hmac.compare_digest(req.otp.encode(), (row["otp"] or "").encode())
    _record_answer(conn, row, correct, risk, now)
    return fetch(conn, row["id"])


def decide_in_app(conn: sqlite3.Connection, customer: str, charge_id: str, approve: bool,
                  now: int) -> sqlite3.Row:
    """The customer's answer to an app_confirm step-up, from their wallet page."""
    row = conn.execute("SELECT * FROM charges WHERE id = ? AND customer = ?", (charge_id, customer)).fetchone()
    if row is None:
        raise NotFound(ProblemCode.CHARGE_NOT_FOUND, "Charge not found")
    row = refresh(conn, row, now)
    _awaiting(row, StepUpMethod.APP_CONFIRM)
    if approve:
        locked = conn.execute("SELECT locked FROM customers WHERE name = ?", (customer,)).fetchone()[0]
        if locked:
            set_declined(conn, charge_id, DeclineCode.ACCOUNT_LOCKED, now)
        else:
            try_approve(conn, charge_id, now)
    else:
        set_declined(conn, charge_id, DeclineCode.STEP_UP_REJECTED, now)
    return fetch(conn, charge_id)

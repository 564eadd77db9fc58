"""The manager's authorization, held and checked by the wallet (issue 10 item 1).

A register never holds its manager PIN, not even hashed: refunds, voids of approved charges,
opening manager mode and changing the PIN carry the PIN sealed to the wallet's PIN key, bound to
the device, the purpose and the request's fields (``terminal.crypto.pin.manager_binding``), with a
single-use nonce. The wallet opens it, checks it against this device's argon2id credential, and
counts wrong PINs: ``manager_max_attempts`` wrong ones lock the device's manager actions for
``manager_lockout_seconds`` (or until IT resets the PIN with a reset code).

Setting the PIN is authorized by exactly one of:
- the setup token returned by enrollment (the first PIN; one use, 15 minutes);
- a reset code issued by the wallet's admin side for this device (a forgotten PIN; one use, 24 h);
- the current PIN (a change).

Every attempt, lock-out, set, reset and code issued is a row of ``manager_events``: the wallet's
own audit, beside the register's.

The check must count a wrong PIN even though the request is then refused, while a refused request
otherwise changes nothing (one transaction per request, rolled back on error). So ``check``
returns the refusal instead of raising it: the caller commits, then raises.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from typing import Literal

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sandbox.clock import to_datetime
from sandbox.errors import ApiError, BadRequest, Conflict, Forbidden
from sandbox.seed import PIN_HASHER
from sandbox.settings import RiskPolicy
from terminal.crypto.errors import PinBlockError
from terminal.crypto.pin import (
    MANAGER_PIN_MAX_DIGITS,
    MANAGER_PIN_MIN_DIGITS,
    manager_binding,
    open_manager_pin,
)
from terminal.wallet.messages import (
    ManagerAuthorization,
    ManagerPinSetRequest,
    ManagerPinSetResponse,
    ProblemCode,
)

SETUP_TOKEN_SECONDS = 15 * 60
RESET_CODE_SECONDS = 24 * 3600


class ManagerRefused(Forbidden):
    """403 with the fields a register shows: tries left, or until when manager actions are locked."""

    def __init__(self, code: str, title: str, detail: str | None = None, *,
                 tries_left: int | None = None, locked_until: int | None = None) -> None:
        super().__init__(code, title, detail)
        self.tries_left = tries_left
        self.locked_until = locked_until


def _hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def event(conn: sqlite3.Connection, device_id: str, action: str, now: int, **detail: object) -> None:
    conn.execute("INSERT INTO manager_events(device_id, at, action, detail) VALUES (?, ?, ?, ?)",
                 (device_id, now, action, json.dumps(detail, sort_keys=True)))


def issue_token(conn: sqlite3.Connection, device_id: str, kind: Literal["setup", "reset"], now: int,
                issued_by: str) -> str:
    """A one-time setup token (enrollment) or reset code (the wallet's admin) for ``device_id``."""
    if conn.execute("SELECT 1 FROM devices WHERE id = ?", (device_id,)).fetchone() is None:
        raise BadRequest(ProblemCode.NOT_FOUND, f"no device {device_id}")
    if kind == "setup":
        token, ttl = secrets.token_urlsafe(24), SETUP_TOKEN_SECONDS
    else:
        # Read out over the phone by the help desk: 12 characters from an unambiguous alphabet.
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        token, ttl = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)), RESET_CODE_SECONDS
    conn.execute("INSERT INTO manager_tokens(token_hash, device_id, kind, issued_by, issued_at, expires_at)"
                 " VALUES (?, ?, ?, ?, ?, ?)", (_hash(token), device_id, kind, issued_by, now, now + ttl))
    event(conn, device_id, f"{kind}_code_issued", now, issued_by=issued_by, expires_at=now + ttl)
    return token


def _use_token(conn: sqlite3.Connection, device_id: str, kind: str, token: str, now: int) -> bool:
    row = conn.execute("SELECT * FROM manager_tokens WHERE token_hash = ? AND device_id = ? AND kind = ?",
                       (_hash(token), device_id, kind)).fetchone()
    if row is None or row["used_at"] is not None or row["expires_at"] <= now:
        return False
    conn.execute("UPDATE manager_tokens SET used_at = ? WHERE token_hash = ?", (now, row["token_hash"]))
    return True


def _fresh_nonce(conn: sqlite3.Connection, device_id: str, nonce: str, now: int) -> bool:
    cur = conn.execute("INSERT OR IGNORE INTO manager_nonces(device_id, nonce, used_at) VALUES (?, ?, ?)",
                       (device_id, nonce, now))
    return cur.rowcount == 1


def _open(block: str, binding: str, pin_key: X25519PrivateKey) -> str | None:
    try:
        return open_manager_pin(block, binding, pin_key)
    except PinBlockError:
        return None


def _matches(pin_hash: str, pin: str) -> bool:
    try:
        return PIN_HASHER.verify(pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check(conn: sqlite3.Connection, device_id: str, auth: ManagerAuthorization | None, purpose: str,
          fields: tuple[str | int, ...], pin_key: X25519PrivateKey, policy: RiskPolicy, now: int) -> ApiError | None:
    """One attempt at the manager's authorization of ``purpose``: None when it holds, else the
    refusal to raise once this transaction is committed (a wrong PIN must stay counted)."""
    if auth is None:
        event(conn, device_id, "refused", now, purpose=purpose, reason="no_authorization")
        return ManagerRefused(ProblemCode.MANAGER_AUTHORIZATION_REQUIRED,
                              "This needs the manager's authorization",
                              f"{purpose} is authorized by the manager PIN, sealed for this request")
    if not _fresh_nonce(conn, device_id, auth.nonce, now):
        event(conn, device_id, "refused", now, purpose=purpose, reason="nonce_reused")
        return ManagerRefused(ProblemCode.MANAGER_AUTHORIZATION_INVALID,
                              "This manager authorization was already used")
    cred = conn.execute("SELECT * FROM manager_credentials WHERE device_id = ?", (device_id,)).fetchone()
    if cred is None:
        event(conn, device_id, "refused", now, purpose=purpose, reason="not_set")
        return ManagerRefused(ProblemCode.MANAGER_PIN_NOT_SET, "This register has no manager PIN at the wallet",
                              "IT sets one with a reset code from the wallet's admin")
    if cred["locked_until"] is not None and cred["locked_until"] > now:
        event(conn, device_id, "refused", now, purpose=purpose, reason="locked")
        return ManagerRefused(ProblemCode.MANAGER_LOCKED, "Manager actions are locked after wrong PINs",
                              f"locked until {to_datetime(cred['locked_until']).isoformat()}",
                              locked_until=cred["locked_until"])
    pin = _open(auth.pin_block, manager_binding(device_id, purpose, *fields, auth.nonce), pin_key)
    if pin is None:
        # Not a wrong PIN: a block made for another request, or tampered with. Not counted.
        event(conn, device_id, "refused", now, purpose=purpose, reason="block_does_not_open")
        return ManagerRefused(ProblemCode.MANAGER_AUTHORIZATION_INVALID,
                              "The manager authorization was made for another request")
    if _matches(cred["pin_hash"], pin):
        conn.execute("UPDATE manager_credentials SET failures = 0, locked_until = NULL WHERE device_id = ?",
                     (device_id,))
        event(conn, device_id, "authorized", now, purpose=purpose)
        return None
    failures = cred["failures"] + 1
    if failures >= policy.manager_max_attempts:
        until = now + policy.manager_lockout_seconds
        conn.execute("UPDATE manager_credentials SET failures = 0, locked_until = ? WHERE device_id = ?",
                     (until, device_id))
        event(conn, device_id, "locked_out", now, purpose=purpose, failures=failures, locked_until=until)
        return ManagerRefused(ProblemCode.MANAGER_LOCKED, "Wrong manager PIN: manager actions are now locked",
                              f"locked until {to_datetime(until).isoformat()}", locked_until=until)
    conn.execute("UPDATE manager_credentials SET failures = ? WHERE device_id = ?", (failures, device_id))
    left = policy.manager_max_attempts - failures
    event(conn, device_id, "wrong_pin", now, purpose=purpose, tries_left=left)
    return ManagerRefused(ProblemCode.MANAGER_PIN_WRONG, "Wrong manager PIN", f"{left} tries left before the lock-out",
                          tries_left=left)


def _policy_ok(pin: str) -> bool:
    return MANAGER_PIN_MIN_DIGITS <= len(pin) <= MANAGER_PIN_MAX_DIGITS and len(set(pin)) > 1


def set_pin(conn: sqlite3.Connection, device_id: str, req: ManagerPinSetRequest, pin_key: X25519PrivateKey,
            policy: RiskPolicy, now: int) -> ManagerPinSetResponse | ApiError:
    """Set the device's manager PIN, authorized by one of setup token, reset code, current PIN."""
    given = [x for x in (req.setup_token, req.reset_code, req.current_pin_block) if x is not None]
    if len(given) != 1:
        return BadRequest(ProblemCode.VALIDATION_ERROR,
                          "Give exactly one of setup_token, reset_code, current_pin_block")
    new = _open(req.new_pin_block, manager_binding(device_id, "new", req.nonce), pin_key)
    if new is None:
        return ManagerRefused(ProblemCode.MANAGER_AUTHORIZATION_INVALID, "The new PIN block does not open")
    if not _policy_ok(new):
        return BadRequest(ProblemCode.MANAGER_PIN_POLICY,
                          f"A manager PIN has {MANAGER_PIN_MIN_DIGITS} to {MANAGER_PIN_MAX_DIGITS} digits, "
                          "not all the same")
    exists = conn.execute("SELECT 1 FROM manager_credentials WHERE device_id = ?", (device_id,)).fetchone()
    how: Literal["setup", "reset", "change"]
    if req.setup_token is not None:
        how = "setup"
        if exists:
            event(conn, device_id, "refused", now, purpose="set", reason="already_set")
            return Conflict(ProblemCode.MANAGER_PIN_ALREADY_SET, "This register already has a manager PIN",
                            "change it with the current PIN, or reset it with a reset code")
        if not _use_token(conn, device_id, "setup", req.setup_token, now):
            event(conn, device_id, "refused", now, purpose="set", reason="bad_setup_token")
            return ManagerRefused(ProblemCode.MANAGER_RESET_CODE_INVALID, "The setup token is unknown, used or expired")
    elif req.reset_code is not None:
        how = "reset"
        if not _use_token(conn, device_id, "reset", req.reset_code, now):
            event(conn, device_id, "refused", now, purpose="set", reason="bad_reset_code")
            return ManagerRefused(ProblemCode.MANAGER_RESET_CODE_INVALID, "The reset code is unknown, used or expired",
                                  "ask the wallet's help desk for a new one")
    else:
        how = "change"
        current = ManagerAuthorization(nonce=req.nonce, pin_block=req.current_pin_block or "")
        refused = check(conn, device_id, current, "change", (), pin_key, policy, now)
        if refused is not None:
            return refused
    conn.execute("INSERT INTO manager_credentials(device_id, pin_hash, failures, locked_until, updated_at)"
                 " VALUES (?, ?, 0, NULL, ?) ON CONFLICT (device_id) DO UPDATE SET pin_hash = excluded.pin_hash,"
                 " failures = 0, locked_until = NULL, updated_at = excluded.updated_at",
                 (device_id, PIN_HASHER.hash(new), now))
    event(conn, device_id, f"pin_{how}", now)
    return ManagerPinSetResponse(device_id=device_id, nonce=req.nonce, how=how, set_at=to_datetime(now))


def unattended_reversal_ok(row: sqlite3.Row, amount: int | None, policy: RiskPolicy, now: int) -> bool:
    """The register may give back an approved charge without a manager only as its own reversal
    of a sale it never finished: all that is left, soon after the approval."""
    if row["status"] != "approved":
        return True  # nothing has moved yet (pending, step-up) or nothing can (declined)
    left = row["amount"] - row["refunded_amount"]
    return (amount is None or amount == left) and now - row["updated_at"] < policy.unattended_reversal_seconds

"""Payment codes (issued by the wallet to customers) and enrollment codes (for registers).

Payment codes: 18 digits starting with the sandbox prefix "99" (no real scheme uses it), valid
60 s, once only. The wallet keeps them because it issued them; they are never logged.
Enrollment codes: 12 characters, one-time, valid 24 h; only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Final

from sandbox.errors import NotFound
from sandbox.seed import STORE_ID

PAYMENT_CODE_PREFIX: Final = "99"
PAYMENT_CODE_LENGTH: Final = 18
PAYMENT_CODE_TTL_S: Final = 60
ENROLLMENT_CODE_TTL_S: Final = 24 * 3600
_ENROLL_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class IssuedCode:
    value: str
    expires_at: int


def issue_payment_code(conn: sqlite3.Connection, customer: str, now: int) -> IssuedCode:
    if not conn.execute("SELECT 1 FROM customers WHERE name = ?", (customer,)).fetchone():
        raise NotFound("customer_not_found", f"no customer named {customer!r}")
    conn.execute("DELETE FROM payment_codes WHERE expires_at < ?", (now - 7 * 86400,))
    while True:
        body = "".join(secrets.choice("0123456789") for _ in range(PAYMENT_CODE_LENGTH - 2))
        code = PAYMENT_CODE_PREFIX + body
        cur = conn.execute(
            "INSERT OR IGNORE INTO payment_codes(code, customer, issued_at, expires_at) VALUES (?,?,?,?)",
            (code, customer, now, now + PAYMENT_CODE_TTL_S),
        )
        if cur.rowcount == 1:
            return IssuedCode(code, now + PAYMENT_CODE_TTL_S)


def current_payment_code(conn: sqlite3.Connection, customer: str, now: int, refresh_s: int) -> IssuedCode:
    """The code the wallet page shows: the newest unused one, renewed every ``refresh_s``."""
    row = conn.execute(
        "SELECT code, issued_at, expires_at FROM payment_codes WHERE customer = ? AND used_at IS NULL"
        " ORDER BY issued_at DESC LIMIT 1",
        (customer,),
    ).fetchone()
    if row is not None and now - row["issued_at"] < refresh_s and row["expires_at"] > now:
        return IssuedCode(row["code"], row["expires_at"])
    return issue_payment_code(conn, customer, now)


def normalise_enrollment_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def enrollment_code_hash(code: str) -> str:
    return hashlib.sha256(normalise_enrollment_code(code).encode()).hexdigest()


def issue_enrollment_code(conn: sqlite3.Connection, now: int, store_id: str = STORE_ID) -> IssuedCode:
    raw = "".join(secrets.choice(_ENROLL_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    conn.execute(
        "INSERT INTO enrollment_codes(code_hash, store_id, created_at, expires_at) VALUES (?,?,?,?)",
        (enrollment_code_hash(code), store_id, now, now + ENROLLMENT_CODE_TTL_S),
    )
    return IssuedCode(code, now + ENROLLMENT_CODE_TTL_S)

"""Pairing a POS with this register: a key identifier and a passphrase that PayTerm makes.

The passphrase has 192 random bits (the nexo key derivation is fast and its salt fixed, so the
passphrase alone must be strong; a human-chosen one is never accepted). It is shown once, to be
typed or pasted into the POS, and never stored: the register keeps only the derived keys, in its
own 0600 file (``store``), never in config and never in a log.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from terminal.pos.nexo_crypto import DerivedKeys, derive_keys
from terminal.pos.store import PosStore

PASSPHRASE_BYTES: Final = 24  # 192 bits, base64url: 32 characters
KEY_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
POS_NAME_PATTERN: Final = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")


class PairingError(Exception):
    """A pairing request that cannot be done as asked."""


@dataclass(frozen=True)
class NewPairing:
    key_identifier: str
    key_version: int
    passphrase: str
    pos_name: str

    def __repr__(self) -> str:
        return f"NewPairing({self.key_identifier!r}, v{self.key_version}, {self.pos_name!r}, <passphrase>)"


@dataclass(frozen=True)
class Pairing:
    key_identifier: str
    key_version: int
    pos_name: str
    created_at: float
    revoked_at: float | None


@dataclass(frozen=True)
class ActiveKey:
    key_identifier: str
    key_version: int
    pos_name: str
    keys: DerivedKeys


class Pairings:
    def __init__(self, store: PosStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def pair(self, pos_name: str, key_identifier: str | None = None) -> NewPairing:
        """A new POS key; a key identifier that was ever used (even revoked) is not reused."""
        if not POS_NAME_PATTERN.fullmatch(pos_name):
            raise PairingError("the POS name has 1 to 64 printable characters")
        key_id = key_identifier or f"payterm-pos-{secrets.token_hex(4)}"
        if not KEY_ID_PATTERN.fullmatch(key_id):
            raise PairingError("the key identifier has 1 to 64 letters, digits, '.', '_' or '-'")
        passphrase = secrets.token_urlsafe(PASSPHRASE_BYTES)
        keys = derive_keys(passphrase)

        def insert(conn: sqlite3.Connection) -> None:
            if conn.execute("SELECT 1 FROM pairings WHERE key_identifier = ?", (key_id,)).fetchone():
                raise PairingError(f"the key identifier {key_id!r} is already in use or was revoked")
            conn.execute(
                "INSERT INTO pairings (key_identifier, key_version, derived_keys, pos_name, created_at)"
                " VALUES (?, 1, ?, ?, ?)",
                (key_id, keys.to_bytes(), pos_name, self._clock()),
            )

        self._store.write(insert)
        return NewPairing(key_id, 1, passphrase, pos_name)

    def unpair(self, key_identifier: str) -> bool:
        """Revoke a key at once; False if there is no such active key."""

        def revoke(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE pairings SET revoked_at = ? WHERE key_identifier = ? AND revoked_at IS NULL",
                (self._clock(), key_identifier),
            )
            return cur.rowcount == 1

        return self._store.write(revoke)

    def list(self) -> list[Pairing]:
        rows = self._store.read(
            lambda conn: conn.execute(
                "SELECT key_identifier, key_version, pos_name, created_at, revoked_at FROM pairings"
                " ORDER BY created_at"
            ).fetchall()
        )
        return [
            Pairing(str(r[0]), int(r[1]), str(r[2]), float(r[3]), None if r[4] is None else float(r[4]))
            for r in rows
        ]

    def active_key(self, key_identifier: str, key_version: int) -> ActiveKey | None:
        """The keys of a paired, not revoked POS, or None (unknown, revoked or another version)."""
        row = self._store.read(
            lambda conn: conn.execute(
                "SELECT key_version, derived_keys, pos_name FROM pairings"
                " WHERE key_identifier = ? AND revoked_at IS NULL",
                (key_identifier,),
            ).fetchone()
        )
        if row is None or int(row[0]) != key_version:
            return None
        return ActiveKey(key_identifier, int(row[0]), str(row[2]), DerivedKeys.from_bytes(bytes(row[1])))

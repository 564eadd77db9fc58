"""The manager PIN: an argon2id hash kept in the journal's ``meta`` table, with the failure count
and the lock-out time beside it, so that neither a restart nor a new process resets them.

Every attempt (right, wrong, or refused while locked) and every change is an audit entry,
committed in the same transaction as the state it changes (``Journal.record_manager_action``).
Each entry that changes the PIN state records it after the change (``rowcheck.pin_snapshot``: a
SHA-256 of the stored hash, never the hash; the failure count; the lock-out time), so that
``payterm audit verify`` finds a swapped hash or a zeroed count.
The argon2 work runs outside that transaction: it is deliberately slow and the journal has one
writer. Call ``check`` off the UI thread.

Errors:

    ManagerPinError      base
    ├── PinPolicyError   the new PIN is not acceptable (length, digits, all the same digit)
    ├── PinAlreadySet    a first PIN was set again (change it with the old one instead)
    └── WeakHashParams   argon2 parameters below OWASP's minimum were asked for
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from terminal.config.model import ManagerSettings
from terminal.journal.audit import JsonValue
from terminal.journal.db import open_read_connection
from terminal.journal.records import AuditEntry
from terminal.journal.rowcheck import PIN_FAILURES_KEY, PIN_HASH_KEY, PIN_LOCKED_UNTIL_KEY, pin_snapshot
from terminal.journal.states import AuditAction
from terminal.journal.store import Journal

T = TypeVar("T")

HASH_KEY = PIN_HASH_KEY
FAILURES_KEY = PIN_FAILURES_KEY
LOCKED_UNTIL_KEY = PIN_LOCKED_UNTIL_KEY

# OWASP password storage cheat sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 12


class ManagerPinError(Exception):
    """Base of the manager PIN's refusals."""


class PinPolicyError(ManagerPinError):
    pass


class PinAlreadySet(ManagerPinError):
    pass


class WeakHashParams(ManagerPinError):
    pass


class PinOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # wrong PIN; ``tries_left`` before the lock
    LOCKED = "locked"  # manager mode is locked until ``locked_until`` (this attempt was not checked)
    NOT_SET = "not_set"  # no manager PIN on this register yet


@dataclass(frozen=True)
class PinCheck:
    outcome: PinOutcome
    tries_left: int = 0
    locked_until: float | None = None  # epoch seconds

    @property
    def ok(self) -> bool:
        return self.outcome is PinOutcome.OK


@dataclass(frozen=True)
class PinState:
    is_set: bool
    failures: int
    locked_until: float | None


def make_hasher(memory_kib: int = MIN_MEMORY_KIB, time_cost: int = MIN_TIME_COST) -> PasswordHasher:
    if memory_kib < MIN_MEMORY_KIB or time_cost < MIN_TIME_COST:
        raise WeakHashParams(f"argon2id needs m >= {MIN_MEMORY_KIB} KiB and t >= {MIN_TIME_COST}, "
                             f"got m = {memory_kib}, t = {time_cost}")
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID)


def check_policy(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit():
        raise PinPolicyError("the manager PIN is made of digits only")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise PinPolicyError(f"the manager PIN has {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits")
    if len(set(pin)) == 1:
        raise PinPolicyError("the manager PIN cannot be one digit repeated")


def _put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def _get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


class ManagerPin:
    """The manager PIN of the register whose journal this is. Thread-safe: every state change is
    one journal transaction that re-reads the state it changes; reads use their own connection."""

    def __init__(
        self,
        journal: Journal,
        policy: ManagerSettings | None = None,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._journal = journal
        self._policy = policy or ManagerSettings()
        self._hasher = hasher or make_hasher()
        self._clock = clock

    # -- reading --------------------------------------------------------------------------------

    def state(self) -> PinState:
        def read(conn: sqlite3.Connection) -> PinState:
            locked = _get(conn, LOCKED_UNTIL_KEY)
            until = float(locked) if locked else None
            return PinState(_get(conn, HASH_KEY) is not None, int(_get(conn, FAILURES_KEY) or 0),
                            until if until is not None and until > self._clock() else None)
        return self._read(read)

    def is_set(self) -> bool:
        return self.state().is_set

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with closing(open_read_connection(self._journal.path)) as conn:
            return fn(conn)

    # -- attempts -------------------------------------------------------------------------------

    def check(self, pin: str, *, actor: str = "manager") -> PinCheck:
        """One attempt at the PIN, recorded in the audit log whatever its outcome."""
        now = self._clock()
        before = self.state()
        if not before.is_set:
            self._record(AuditAction.MANAGER_LOGIN_FAILED, actor, now, {"reason": "not_set"})
            return PinCheck(PinOutcome.NOT_SET)
        if before.locked_until is not None:
            self._record(AuditAction.MANAGER_LOGIN_FAILED, actor, now,
                         {"reason": "locked", "locked_until": int(before.locked_until)})
            return PinCheck(PinOutcome.LOCKED, locked_until=before.locked_until)
        stored = self._read(lambda conn: _get(conn, HASH_KEY) or "")
        if self._verify(stored, pin):
            rehash = self._hasher.hash(pin) if self._hasher.check_needs_rehash(stored) else None

            def reset(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
                _put(conn, FAILURES_KEY, "0")
                if rehash is not None:
                    _put(conn, HASH_KEY, rehash)
                return pin_snapshot(conn)
            self._record(AuditAction.MANAGER_LOGIN, actor, now, {}, reset)
            return PinCheck(PinOutcome.OK)
        return self._wrong(actor, now)

    def _wrong(self, actor: str, now: float) -> PinCheck:
        limit = self._policy.max_pin_failures
        result: list[PinCheck] = []

        def count(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
            failures = int(_get(conn, FAILURES_KEY) or 0) + 1
            if failures >= limit:
                until = now + self._policy.lockout
                _put(conn, FAILURES_KEY, "0")
                _put(conn, LOCKED_UNTIL_KEY, repr(until))
                result.append(PinCheck(PinOutcome.LOCKED, locked_until=until))
            else:
                _put(conn, FAILURES_KEY, str(failures))
                result.append(PinCheck(PinOutcome.WRONG, tries_left=limit - failures))
            return pin_snapshot(conn)

        # The action is decided inside the transaction; the entry records the attempt either way.
        entry = self._journal.record_manager_action(
            AuditAction.MANAGER_LOGIN_FAILED, actor=actor, at=self._at(now),
            details={"reason": "wrong_pin"}, apply=count)
        outcome = result[0]
        if outcome.outcome is PinOutcome.LOCKED:
            self._record(AuditAction.MANAGER_LOCKED_OUT, actor, now,
                         {"after_seq": entry.seq, "locked_until": int(outcome.locked_until or now),
                          "failures": limit})
        return outcome

    def _verify(self, stored: str, pin: str) -> bool:
        try:
            return self._hasher.verify(stored, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    # -- setting --------------------------------------------------------------------------------

    def set_first(self, pin: str, *, actor: str = "enrollment") -> None:
        """The PIN chosen at enrollment; refused once a PIN exists."""
        check_policy(pin)
        digest = self._hasher.hash(pin)

        def store(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
            if _get(conn, HASH_KEY) is not None:
                raise PinAlreadySet("a manager PIN is already set: change it with the old PIN")
            _put(conn, HASH_KEY, digest)
            _put(conn, FAILURES_KEY, "0")
            return pin_snapshot(conn)
        self._record(AuditAction.MANAGER_PIN_CHANGED, actor, self._clock(), {"first": True}, store)

    def change(self, old: str, new: str, *, actor: str = "manager") -> PinCheck:
        """Replace the PIN; the old one is checked first (an attempt like any other). The new
        PIN is stored only when the returned check is OK."""
        check_policy(new)
        result = self.check(old, actor=actor)
        if not result.ok:
            return result
        digest = self._hasher.hash(new)
        def store(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
            _put(conn, HASH_KEY, digest)
            return pin_snapshot(conn)
        self._record(AuditAction.MANAGER_PIN_CHANGED, actor, self._clock(), {"first": False}, store)
        return result

    def reset(self, new: str, *, actor: str, reason: str) -> None:
        """IT's way back in when the PIN is forgotten: a new PIN without the old one, the failure
        count and lock cleared, recorded in the audit log with who and why. Only someone who can
        run commands as the register's user (and so write its journal) can do it."""
        check_policy(new)
        if not actor.strip() or not reason.strip():
            raise ManagerPinError("a reset needs who does it and why")
        digest = self._hasher.hash(new)

        def store(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
            _put(conn, HASH_KEY, digest)
            _put(conn, FAILURES_KEY, "0")
            _put(conn, LOCKED_UNTIL_KEY, "0")
            return pin_snapshot(conn)
        self._record(AuditAction.MANAGER_PIN_RESET, actor, self._clock(), {"reason": reason.strip()}, store)

    # -- other manager actions ------------------------------------------------------------------

    def record(self, action: AuditAction, details: Mapping[str, JsonValue], *, actor: str = "manager",
               apply: Callable[[sqlite3.Connection], Mapping[str, JsonValue] | None] | None = None) -> AuditEntry:
        """A manager action in the audit log (settings saved, end of day, exports)."""
        return self._record(action, actor, self._clock(), details, apply)

    def _record(self, action: AuditAction, actor: str, now: float, details: Mapping[str, JsonValue],
                apply: Callable[[sqlite3.Connection], Mapping[str, JsonValue] | None] | None = None,
                ) -> AuditEntry:
        return self._journal.record_manager_action(action, actor=actor, at=self._at(now), details=details,
                                                   apply=apply)

    @staticmethod
    def _at(now: float) -> datetime:
        return datetime.fromtimestamp(now, UTC)

"""The manager PIN, held and checked by the wallet (issue 10 item 1).

The register keeps no manager PIN, not even a hash, and no failure count: editing its journal or
config cannot let anyone past the manager. Each use of the PIN is sealed to the wallet's PIN key
(HPKE, ``terminal.crypto.pin.seal_manager_pin``), bound to this device, what it authorizes and
that request's fields, with a single-use nonce:

- opening manager mode and authorizing a POS pairing: ``check`` (purpose ``verify``);
- a refund or a void: ``authorization`` (purposes ``refund`` and ``void``, sent with the request,
  see ``terminal.register.operations``);
- setting the PIN: the first one with the setup token enrollment returned, a forgotten one with a
  one-time reset code from the wallet's admin side, a change with the current PIN.

The wallet counts wrong PINs and locks manager actions after five; it refuses an unauthorized
refund or void with a signed problem. Every attempt is also an entry of the register's own
(signed, anchored) audit log, and of the wallet's.

Errors:

    ManagerPinError      base
    ├── PinPolicyError   the new PIN is not acceptable (length, digits, all the same digit)
    ├── PinAlreadySet    a first PIN was set again (change it with the old one instead)
    └── PinNotChanged    the wallet refused to set it (bad reset code, setup token used …)
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from terminal.crypto.pin import (
    MANAGER_PIN_MAX_DIGITS, MANAGER_PIN_MIN_DIGITS, manager_binding, seal_manager_pin,
)
from terminal.journal.audit import JsonValue
from terminal.journal.db import open_read_connection
from terminal.journal.records import AuditEntry
from terminal.journal.rowcheck import PIN_FAILURES_KEY, PIN_HASH_KEY, PIN_LOCKED_UNTIL_KEY, pin_snapshot
from terminal.journal.states import AuditAction
from terminal.journal.store import Journal
from terminal.wallet import messages as m
from terminal.wallet.client import WalletClient
from terminal.wallet.errors import Conflict, WalletError, WalletRejected

MIN_PIN_LENGTH = MANAGER_PIN_MIN_DIGITS
MAX_PIN_LENGTH = MANAGER_PIN_MAX_DIGITS
# A hint kept in the journal's meta table: the wallet confirmed a manager PIN for this register
# (when, ISO 8601). It lets the kiosk refuse to start without one; it authorizes nothing.
AT_WALLET_KEY = "manager_pin_at_wallet"


class ManagerPinError(Exception):
    """Base of the manager PIN's refusals."""


class PinPolicyError(ManagerPinError):
    pass


class PinAlreadySet(ManagerPinError):
    pass


class PinNotChanged(ManagerPinError):
    pass


class PinOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # wrong PIN; ``tries_left`` before the lock
    LOCKED = "locked"  # manager actions are locked until ``locked_until`` (epoch seconds)
    NOT_SET = "not_set"  # the wallet has no manager PIN for this register
    REFUSED = "refused"  # the wallet refused the authorization itself (reused, made for another request)
    UNREACHABLE = "unreachable"  # the wallet could not be asked: nothing was checked


@dataclass(frozen=True)
class PinCheck:
    outcome: PinOutcome
    tries_left: int = 0
    locked_until: float | None = None  # epoch seconds
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is PinOutcome.OK

    @property
    def needs_it(self) -> bool:
        """Whether IT (not the manager retyping) must act: no PIN at the wallet, or no wallet."""
        return self.outcome in (PinOutcome.NOT_SET, PinOutcome.UNREACHABLE)

    def refusal(self) -> str:
        """Why nothing was done, for a command line, with what to do next ("" when ok)."""
        if self.outcome is PinOutcome.WRONG:
            return f"wrong manager PIN ({self.tries_left} tries left)"
        if self.outcome is PinOutcome.LOCKED:
            return "manager actions are locked after too many wrong PINs; try again later"
        if self.outcome is PinOutcome.NOT_SET:
            return "this register has no manager PIN at the wallet: IT sets one with `payterm manager-pin reset`"
        if self.outcome is PinOutcome.UNREACHABLE:
            return f"the wallet could not check the manager PIN: {self.message}; try again"
        if self.outcome is PinOutcome.REFUSED:
            return f"the wallet refused the manager PIN: {self.message}"
        return ""


@dataclass(frozen=True)
class PinState:
    is_set: bool
    locked_until: float | None  # as the wallet last said, this process


def check_policy(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit():
        raise PinPolicyError("the manager PIN is made of digits only")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise PinPolicyError(f"the manager PIN has {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits")
    if len(set(pin)) == 1:
        raise PinPolicyError("the manager PIN cannot be one digit repeated")


def check_from(exc: WalletError) -> PinCheck:
    """What a wallet's refusal (or silence) means for the person who typed the PIN."""
    if not isinstance(exc, WalletRejected):
        return PinCheck(PinOutcome.UNREACHABLE, message=str(exc))
    code = exc.code or ""
    if code == m.ProblemCode.MANAGER_PIN_WRONG:
        return PinCheck(PinOutcome.WRONG, tries_left=exc.tries_left or 0, message=exc.title)
    if code == m.ProblemCode.MANAGER_LOCKED:
        until = exc.locked_until.timestamp() if exc.locked_until is not None else None
        return PinCheck(PinOutcome.LOCKED, locked_until=until, message=exc.title)
    if code == m.ProblemCode.MANAGER_PIN_NOT_SET:
        return PinCheck(PinOutcome.NOT_SET, message=exc.title)
    return PinCheck(PinOutcome.REFUSED, message=exc.title)


class ManagerPin:
    """This register's manager PIN, as the wallet holds it. Thread-safe; every call that asks
    the wallet blocks (run it off the UI thread)."""

    def __init__(
        self,
        journal: Journal,
        client: WalletClient,
        pin_key: bytes,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._journal = journal
        self._client = client
        self._pin_key = pin_key
        self._clock = clock
        self._locked_until: float | None = None

    # -- reading --------------------------------------------------------------------------------

    def state(self) -> PinState:
        locked = self._locked_until if self._locked_until and self._locked_until > self._clock() else None
        return PinState(self.is_set(), locked)

    def is_set(self) -> bool:
        with closing(open_read_connection(self._journal.path)) as conn:
            return conn.execute("SELECT 1 FROM meta WHERE key = ?", (AT_WALLET_KEY,)).fetchone() is not None

    # -- authorizations -------------------------------------------------------------------------

    def authorization(self, pin: str, purpose: str, *fields: str | int) -> m.ManagerAuthorization:
        """The PIN sealed for one request: ``purpose`` and that request's ``fields`` (for a refund
        the charge id, the idempotency key, the amount and the currency; for a void the charge
        id). The PIN itself is not kept."""
        check_policy(pin)
        nonce = secrets.token_urlsafe(18)
        block = seal_manager_pin(pin, manager_binding(self._client.device_id, purpose, *fields, nonce),
                                 self._pin_key)
        return m.ManagerAuthorization(nonce=nonce, pin_block=block)

    def check(self, pin: str, *, actor: str = "manager") -> PinCheck:
        """One attempt at the PIN, checked by the wallet and recorded in the audit log whatever its
        outcome (a wrong PIN counts at the wallet towards the lock-out)."""
        try:
            self._client.verify_manager_pin(self.authorization(pin, "verify"))
            result = PinCheck(PinOutcome.OK)
        except PinPolicyError as exc:
            result = PinCheck(PinOutcome.REFUSED, message=str(exc))  # not a PIN: nothing sent
        except WalletError as exc:
            result = check_from(exc)
        self.note(result, actor=actor, purpose="verify")
        return result

    def note(self, result: PinCheck, *, actor: str, purpose: str) -> None:
        """Record one answer of the wallet about the manager's PIN (a check, or a refund or void
        it authorized or refused) in the audit log, and remember a lock-out for the screens."""
        now = self._clock()
        if result.outcome is PinOutcome.LOCKED:
            self._locked_until = result.locked_until
        elif result.ok:
            self._locked_until = None
        if result.outcome is PinOutcome.UNREACHABLE:
            return  # nothing was checked; the operation's own entry says what happened
        if result.ok:
            self._record(AuditAction.MANAGER_LOGIN, actor, now, {"purpose": purpose, "checked_by": "wallet"})
            return
        reason = "wrong_pin" if result.outcome is PinOutcome.WRONG else result.outcome.value
        details: dict[str, JsonValue] = {"purpose": purpose, "reason": reason, "checked_by": "wallet"}
        if result.outcome is PinOutcome.WRONG:
            details["tries_left"] = result.tries_left
        entry = self._record(AuditAction.MANAGER_LOGIN_FAILED, actor, now, details)
        if result.outcome is PinOutcome.LOCKED:
            self._record(AuditAction.MANAGER_LOCKED_OUT, actor, now,
                         {"after_seq": entry.seq, "locked_until": int(result.locked_until or now),
                          "checked_by": "wallet"})

    # -- setting --------------------------------------------------------------------------------

    def set_first(self, pin: str, *, setup_token: str | None, actor: str = "enrollment") -> None:
        """The PIN chosen at enrollment, authorized by the enrollment's one-time setup token."""
        check_policy(pin)
        if not setup_token:
            raise PinNotChanged("the first manager PIN is set during enrollment; later, IT resets it "
                                "with a reset code from the wallet (`payterm manager-pin reset`)")
        self._set(pin, actor, {"first": True}, AuditAction.MANAGER_PIN_CHANGED, setup_token=setup_token)

    def change(self, old: str, new: str, *, actor: str = "manager") -> PinCheck:
        """Replace the PIN; the wallet checks the old one first (an attempt like any other)."""
        check_policy(new)
        nonce = secrets.token_urlsafe(18)
        try:
            current = seal_manager_pin(old, manager_binding(self._client.device_id, "change", nonce), self._pin_key)
        except ValueError as exc:
            result = PinCheck(PinOutcome.REFUSED, message=str(exc))  # not a PIN: nothing sent
            self.note(result, actor=actor, purpose="change")
            return result
        try:
            self._send_set(new, nonce, current_pin_block=current)
        except WalletError as exc:
            result = check_from(exc)
            self.note(result, actor=actor, purpose="change")
            return result
        self._stored(actor, {"first": False}, AuditAction.MANAGER_PIN_CHANGED)
        return PinCheck(PinOutcome.OK)

    def reset(self, new: str, *, reset_code: str, actor: str, reason: str) -> None:
        """IT's way back in when the PIN is forgotten: a one-time reset code issued for this
        register by the wallet's admin side. Audited here (who, why) and at the wallet."""
        check_policy(new)
        if not actor.strip() or not reason.strip():
            raise ManagerPinError("a reset needs who does it and why")
        self._set(new, actor, {"reason": reason.strip()}, AuditAction.MANAGER_PIN_RESET, reset_code=reset_code.strip())

    def _set(self, pin: str, actor: str, details: dict[str, JsonValue], action: AuditAction, **how: str) -> None:
        nonce = secrets.token_urlsafe(18)
        try:
            self._send_set(pin, nonce, **how)
        except Conflict as exc:
            if exc.code == m.ProblemCode.MANAGER_PIN_ALREADY_SET:
                raise PinAlreadySet("a manager PIN is already set: change it with the old PIN") from None
            raise PinNotChanged(f"the wallet did not set the PIN: {exc.title}") from None
        except WalletRejected as exc:
            raise PinNotChanged(f"the wallet did not set the PIN: {exc.title}"
                                + (f" ({exc.detail})" if exc.detail and exc.detail != exc.title else "")) from None
        self._stored(actor, details, action)

    def _send_set(self, pin: str, nonce: str, **how: str) -> None:
        block = seal_manager_pin(pin, manager_binding(self._client.device_id, "new", nonce), self._pin_key)
        self._client.set_manager_pin(m.ManagerPinSetRequest(nonce=nonce, new_pin_block=block, **how))

    def _stored(self, actor: str, details: dict[str, JsonValue], action: AuditAction) -> None:
        """The wallet holds the new PIN: mark it, and drop what an older register kept locally
        (an argon2 hash and a failure count that would only mislead)."""
        at = datetime.fromtimestamp(self._clock(), UTC).isoformat()

        def store(conn: sqlite3.Connection) -> Mapping[str, JsonValue]:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "value = excluded.value", (AT_WALLET_KEY, at))
            conn.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", (PIN_HASH_KEY, PIN_FAILURES_KEY, PIN_LOCKED_UNTIL_KEY))
            return pin_snapshot(conn)
        self._locked_until = None
        self._record(action, actor, self._clock(), {**details, "held_by": "wallet"}, store)

    # -- other manager actions ------------------------------------------------------------------

    def record(self, action: AuditAction, details: Mapping[str, JsonValue], *, actor: str = "manager",
               apply: Callable[[sqlite3.Connection], Mapping[str, JsonValue] | None] | None = None) -> AuditEntry:
        """A manager action in the audit log (settings saved, end of day, exports)."""
        return self._record(action, actor, self._clock(), details, apply)

    def _record(self, action: AuditAction, actor: str, now: float, details: Mapping[str, JsonValue],
                apply: Callable[[sqlite3.Connection], Mapping[str, JsonValue] | None] | None = None,
                ) -> AuditEntry:
        return self._journal.record_manager_action(action, actor=actor, at=datetime.fromtimestamp(now, UTC),
                                                   details=details, apply=apply)

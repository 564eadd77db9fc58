"""`payterm pos conformance --pos-command CMD`: drives a POS implementation through the cases that
break POS integrations, against a conformance register, and reports case by case.

The POS under test is a command that takes one sale. In CMD, ``{pairing}`` becomes a pairing file
(``payterm pos pair --json``'s fields plus ``certificate_file``), ``{amount}`` an amount in minor
units and ``{abort_after}`` the seconds after which the POS's cashier cancels the sale (the POS
sends an AbortRequest for its running payment), ``0`` when the cashier never cancels. It must
exit 0 when it reports the sale paid and non-zero when not (examples/reference_pos.py is such a
command).

How the faults are made: the kit plays the terminal side itself. Each case runs a fresh register
on 127.0.0.1 (the real HTTPS server, envelope, replay guard, handlers and ledger) over a
conformance core that plays the wallet (approves at once unless the case says otherwise, and
counts the money actually taken), and puts the case's fault between the HTTP server and the
register: drop, delay, duplicate or hold back a message, restart the register. A TCP proxy
between POS and register could drop and delay bytes too, but it cannot see inside TLS and the
NexoBlob, nor know when the register has committed; here every fault lands at the exact point
of the exchange the case is about (after the commit, before the answer; the abort before the
payment), every run, with no timing race in the kit.

What every case checks: the money and the POS's report agree (paid exactly when charged once),
nothing is charged twice, and the case's own expectation (``Case.paid``). Test money only:
nothing reaches a wallet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shlex
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Final

from terminal.pos import core as c
from terminal.pos.gateway import Gateway, Reply
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.pairing import Pairings
from terminal.pos.replay import ReplayGuard
from terminal.pos.server import PosServer, Processor, tls_context
from terminal.pos.store import PosStore
from terminal.pos.tls import ensure_certificate

POI_ID: Final = "PayTerm-conformance"
AMOUNT: Final = 1200
ABORT_AFTER: Final = 1.0  # when the POS's cashier cancels, in the abort cases
ABORT_DEADLINE: Final = 10.0  # a payment held for an abort that never comes ends then (declined)
HOLD: Final = 3.0  # how long a held-back message waits before it is delivered anyway
STEP_UP_CANCEL: Final = 1.0  # the wallet's time to cancel a payment in step-up
DOWN: Final = 2.0  # how long the register is down in the restart case
SETTLE: Final = 15.0  # after the POS exits, the longest wait for messages still in the register


class Hold(StrEnum):
    """Where a payment waits for the POS's abort, and who wins the race when it comes."""

    CODE = "code"  # waiting for the customer's code: the abort cancels it, nothing charged
    STEP_UP = "step_up"  # in step-up: the abort cancels it at the wallet (takes a second)
    APPROVAL_WINS = "approval_wins"  # the approval lands first: the abort is refused
    ABORT_WINS = "abort_wins"  # the abort lands first: the approval is cancelled at the wallet


class KitCore:
    """The conformance register's payment core: the verdict after ``delay`` seconds (approved, or
    the case's decline), Busy, or held until the POS aborts (``hold``). It counts the money
    really taken (``charges``: approvals not cancelled). Conformance only: it charges nobody."""

    def __init__(self, *, delay: float = 0.0, decline: str | None = None, busy: bool = False,
                 hold: Hold | None = None) -> None:
        self.delay, self.decline, self.busy, self.hold = delay, decline, busy, hold
        self.charges = 0
        self.approvals = 0
        self._lock = threading.Lock()
        self._payments: dict[tuple[str, str, str], c.PaymentOutcome] = {}
        self._done: dict[tuple[str, str, str], float] = {}
        self._cancel_at: dict[tuple[str, str, str], float] = {}

    @staticmethod
    def _key(ref: c.SaleRef) -> tuple[str, str, str]:
        return (ref.pos.key_identifier, ref.sale_id, ref.sale_transaction_id)

    def _approve(self, key: tuple[str, str, str]) -> c.PaymentOutcome:
        self.charges += 1
        self.approvals += 1
        outcome = replace(self._payments[key], status=c.PaymentStatus.APPROVED,
                          charge_id=f"ch_kit_{self.approvals}", approval_code=f"K{self.approvals:05d}",
                          wallet="Conformance", code_last4="0000")
        self._payments[key] = outcome
        return outcome

    def _set(self, key: tuple[str, str, str], **changes: object) -> c.PaymentOutcome:
        outcome = replace(self._payments[key], **changes)  # type: ignore[arg-type]
        self._payments[key] = outcome
        return outcome

    def _now(self, ref: c.SaleRef) -> c.PaymentOutcome:
        key = self._key(ref)
        outcome = self._payments[key]
        now = time.monotonic()
        if outcome.final:
            return outcome
        if key in self._cancel_at:
            if now >= self._cancel_at[key]:
                return self._set(key, status=c.PaymentStatus.CANCELLED, aborted=True,
                                 message="aborted by the POS: cancelled at the wallet, nothing charged")
            return outcome
        if now < self._done[key]:
            return outcome
        if self.hold is not None:  # no abort came: the customer walked away
            return self._set(key, status=c.PaymentStatus.DECLINED, decline_code="step_up_expired",
                             message="no AbortRequest came; the payment timed out")
        if self.decline:
            return self._set(key, status=c.PaymentStatus.DECLINED, decline_code=self.decline)
        return self._approve(key)

    def start_payment(self, order: c.PaymentOrder, wait: float) -> c.PaymentOutcome:
        key = self._key(order.ref)
        with self._lock:
            if key not in self._payments:
                if self.busy:
                    raise c.Busy("another payment is running at this register")
                self._payments[key] = c.PaymentOutcome(c.PaymentStatus.IN_PROGRESS, order.amount,
                                                       dt.datetime.now(dt.UTC))
                self._done[key] = time.monotonic() + (ABORT_DEADLINE if self.hold else self.delay)
            else:
                return self._now(order.ref)  # a repeated SaleTransactionID: its outcome, at once
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                outcome = self._now(order.ref)
            if outcome.final or time.monotonic() >= deadline:
                return outcome
            time.sleep(0.05)

    def abort(self, ref: c.SaleRef) -> c.PaymentOutcome:
        key = self._key(ref)
        with self._lock:
            if key not in self._payments:
                raise c.NotFound("no such payment")
            outcome = self._now(ref)
            if outcome.final:
                raise c.NotAllowed("the payment has already finished: send a reversal to give it back")
            if self.hold is Hold.APPROVAL_WINS:
                self._approve(key)
                raise c.NotAllowed("the payment was approved before the abort arrived: send a reversal "
                                   "to give it back")
            if self.hold is Hold.STEP_UP:
                self._cancel_at[key] = time.monotonic() + STEP_UP_CANCEL
                return outcome
            if self.hold is Hold.ABORT_WINS:
                self._approve(key)
                self.charges -= 1  # the approval that lost the race is cancelled at the wallet
                return self._set(key, status=c.PaymentStatus.CANCELLED, aborted=True,
                                 message="aborted by the POS: the approval was cancelled at the wallet")
            return self._set(key, status=c.PaymentStatus.CANCELLED, aborted=True,
                             message="aborted by the POS")

    def finish(self, timeout: float) -> None:
        """Let every payment still running reach its verdict, as the wallet would after the POS
        went away (a held one ends without charge when its abort never comes)."""
        with self._lock:
            keys = [k for k, o in self._payments.items() if not o.final and self.hold is None]
            until = min(max((self._done[k] for k in keys), default=0.0), time.monotonic() + timeout)
        time.sleep(max(0.0, until - time.monotonic()))
        with self._lock:
            for key in keys:
                pos, sale_id, tx = key
                self._now(c.SaleRef(c.PosIdentity(pos, ""), sale_id, tx))

    def status(self, ref: c.SaleRef) -> c.PaymentOutcome:
        with self._lock:
            if self._key(ref) not in self._payments:
                raise c.NotFound("no such payment")
            return self._now(ref)

    def reverse(self, order: c.ReversalOrder, wait: float) -> c.ReversalOutcome:
        raise c.NotAllowed("the conformance register does not reverse")

    def reversal_status(self, pos: c.PosIdentity, sale_id: str, service_id: str) -> c.ReversalOutcome | None:
        raise c.NotFound("no such reversal")

    def totals(self, day: dt.date | None) -> c.Totals:
        the_day = day or dt.date.today()
        return c.Totals(the_day, (), the_day.strftime("%Y%m%d"))

    def diagnosis(self) -> c.Diagnosis:
        return c.Diagnosis(True, True, True, True, self.busy)


# -- faults: between the HTTP server and the register -----------------------------------------------


def _category(raw: bytes) -> str:
    """The MessageCategory of a request, from its clear MessageHeader ("" if unreadable)."""
    try:
        header = json.loads(raw)["SaleToPOIRequest"]["MessageHeader"]
        return str(header["MessageCategory"])
    except (ValueError, KeyError, TypeError):
        return ""


class Fault:
    """No fault: every message goes to the register and its answer back. Subclasses change what
    happens to the first PaymentRequest (``payment``) or to other messages (``other``). It keeps
    count of the messages still inside the register, so the kit can wait for them (``settle``)."""

    def __init__(self) -> None:
        self.gateway: Processor | None = None
        self.first_payment_seen = threading.Event()
        self.received: Counter[str] = Counter()  # messages the POS sent, by MessageCategory
        self._busy = 0
        self._idle = threading.Condition()
        self._threads: list[threading.Thread] = []

    def process(self, raw: bytes, *, peer_is_loopback: bool) -> Reply:
        category = _category(raw)
        with self._idle:
            self._busy += 1
            self.received[category] += 1
        try:
            if category == "Payment" and not self.first_payment_seen.is_set():
                self.first_payment_seen.set()
                return self.payment(raw, peer_is_loopback)
            return self.other(category, raw, peer_is_loopback)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def deliver(self, raw: bytes, peer_is_loopback: bool) -> Reply:
        assert self.gateway is not None
        return self.gateway.process(raw, peer_is_loopback=peer_is_loopback)

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        return self.deliver(raw, loopback)

    def other(self, category: str, raw: bytes, loopback: bool) -> Reply:
        return self.deliver(raw, loopback)

    def later(self, fn: Callable[[], object]) -> None:
        thread = threading.Thread(target=fn, name="conformance-later", daemon=True)
        self._threads.append(thread)
        thread.start()

    def settle(self, timeout: float) -> None:
        """Wait until no message is inside the register and no held message is pending."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, max(0.0, deadline - time.monotonic()))


class DropAnswer(Fault):
    """The payment is taken (and charged), then the connection drops without an answer, as when a
    network fails after the register committed."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = threading.Event()

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        self.deliver(raw, loopback)
        self.dropped.set()
        raise ConnectionAbortedError("conformance: the answer is lost")


class DropRequest(Fault):
    """The payment request is lost on the way: the register never sees it."""

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        raise ConnectionAbortedError("conformance: the request is lost")


class DelayAnswer(Fault):
    """The payment's answer arrives ``seconds`` late (the register answered at once)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        reply = self.deliver(raw, loopback)
        time.sleep(self.seconds)
        return reply


class Duplicate(Fault):
    """The payment request reaches the register twice; the answer to the first copy is lost, the
    POS gets the answer to the second (refused: a message already received)."""

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        self.deliver(raw, loopback)
        return self.deliver(raw, loopback)


class Overtaken(Fault):
    """The payment request is held back and its connection drops; a later message of the kind
    ``overtaker`` reaches the register first, and the held payment right after it (or after
    ``HOLD`` seconds if no such message comes)."""

    def __init__(self, overtaker: str) -> None:
        super().__init__()
        self.overtaker = overtaker
        self._held: tuple[bytes, bool] | None = None
        self._lock = threading.Lock()

    def _release(self) -> None:
        with self._lock:
            held, self._held = self._held, None
        if held is not None:
            self.deliver(*held)

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        with self._lock:
            self._held = (raw, loopback)

        def deliver_anyway() -> None:
            time.sleep(HOLD)
            self._release()

        self.later(deliver_anyway)
        raise ConnectionAbortedError("conformance: the request is held back")

    def other(self, category: str, raw: bytes, loopback: bool) -> Reply:
        reply = self.deliver(raw, loopback)
        if category == self.overtaker:
            self._release()
        return reply


class AbortFirst(Fault):
    """The POS's AbortRequest overtakes its PaymentRequest: the payment waits until the abort was
    answered (or ``ABORT_DEADLINE``), then runs; its connection stays open."""

    def __init__(self) -> None:
        super().__init__()
        self._abort_done = threading.Event()

    def payment(self, raw: bytes, loopback: bool) -> Reply:
        self._abort_done.wait(ABORT_DEADLINE)
        return self.deliver(raw, loopback)

    def other(self, category: str, raw: bytes, loopback: bool) -> Reply:
        reply = self.deliver(raw, loopback)
        if category == "Abort":
            self._abort_done.set()
        return reply


# -- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # what the register does, in words (the report and docs/pos-integration.md)
    core: Callable[[], KitCore]
    paid: bool | None  # what the POS must report; None: either, as long as it matches the money
    fault: Callable[[], Fault] = Fault
    payment_wait: float = 20.0
    abort: bool = False  # the POS's cashier cancels after ABORT_AFTER seconds
    restart: bool = False  # the register restarts after dropping the payment's answer


CASES: Final = (
    Case("approve", "approves at once", KitCore, paid=True),
    Case("decline", "declines (Refusal)", lambda: KitCore(decline="insufficient_funds"), paid=False),
    Case("busy", "answers Busy", lambda: KitCore(busy=True), paid=False),
    Case("lost_answer", "takes the payment, then drops the connection without an answer",
         KitCore, paid=True, fault=DropAnswer),
    Case("dropped_request", "never receives the payment request (the connection drops)",
         KitCore, paid=None, fault=DropRequest),
    Case("delayed_answer", "answers 4 s late", KitCore, paid=True, fault=lambda: DelayAnswer(4.0)),
    Case("duplicated_request", "receives the payment twice; the POS gets the answer to the copy "
         "(NotAllowed: already received)", KitCore, paid=True, fault=Duplicate),
    Case("reordered_status", "holds the payment back and drops its connection; the POS's "
         "TransactionStatus arrives first (NotFound), the payment right after",
         KitCore, paid=True, fault=lambda: Overtaken("TransactionStatus")),
    Case("in_progress", "answers InProgress; the verdict comes 3 s later",
         lambda: KitCore(delay=3.0), paid=True, payment_wait=1.0),
    Case("status_after_restart", "takes the payment, drops the answer and is down for 2 s "
         "(a restart)", KitCore, paid=True, fault=DropAnswer, restart=True),
    Case("abort_before_start", "receives the POS's abort before its payment (NotFound), then runs "
         "the payment and approves it", KitCore, paid=None, fault=AbortFirst, abort=True),
    Case("abort_awaiting_code", "waits for the customer's code until the abort",
         lambda: KitCore(hold=Hold.CODE), paid=False, abort=True),
    Case("abort_in_step_up", "is in step-up at the abort and cancels at the wallet (1 s)",
         lambda: KitCore(hold=Hold.STEP_UP), paid=False, abort=True),
    Case("abort_loses_race", "approves just before the abort arrives: the abort is refused "
         "(NotAllowed)", lambda: KitCore(hold=Hold.APPROVAL_WINS), paid=True, abort=True),
    Case("abort_wins_race", "takes the abort as the wallet approves, and cancels that approval",
         lambda: KitCore(hold=Hold.ABORT_WINS), paid=False, abort=True),
)


@dataclass
class CaseResult:
    name: str
    passed: bool
    detail: str
    output: str = field(default="", repr=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Register:
    """The conformance register on 127.0.0.1:``port``: the real API over ``core`` behind
    ``fault``; ``restart`` stops it, keeps it down, and starts it again on its files."""

    def __init__(self, data: Path, core: KitCore, fault: Fault, case: Case) -> None:
        self.data, self.core, self.fault, self.case = data, core, fault, case
        self.cert = ensure_certificate(data, "conformance", extra_hosts=("127.0.0.1",))
        self.port = _free_port()
        self._store = PosStore.in_data_dir(data)
        self.pairing = Pairings(self._store).pair("POS under test", "pos-under-test")
        self._server: PosServer | None = None

    def start(self) -> None:
        store = self._store
        wait = self.case.payment_wait
        handlers = Handlers(self.core, Ledger(store), HandlerSettings(POI_ID, "JPY", "", wait, wait))
        self.fault.gateway = Gateway(handlers, Pairings(store), ReplayGuard(time.monotonic), POI_ID)
        self._server = PosServer(self.fault, "127.0.0.1", self.port,
                                 tls_context(self.cert.cert_path, self.cert.key_path))
        self._server.start(poll_interval=0.1)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def restart(self, down: float) -> None:
        self.stop()
        self._store.close()
        time.sleep(down)
        self._store = PosStore.in_data_dir(self.data)  # what the register kept on disk, only
        self.start()

    def close(self) -> None:
        self.stop()
        self._store.close()

    def pairing_file(self) -> Path:
        path = self.data / "pairing.json"
        path.write_text(json.dumps({
            "endpoint": f"https://127.0.0.1:{self.port}/nexo", "poi_id": POI_ID,
            "key_identifier": self.pairing.key_identifier, "key_version": self.pairing.key_version,
            "passphrase": self.pairing.passphrase, "certificate_file": str(self.cert.cert_path),
            "certificate_sha256": self.cert.fingerprint,
        }), encoding="utf-8")
        return path


def run_case(case: Case, pos_command: str, timeout: float) -> CaseResult:
    if case.abort and "{abort_after}" not in pos_command:
        return CaseResult(case.name, False, "not run: the POS command has no {abort_after}, so the kit "
                                            "cannot make its cashier cancel")
    core, fault = case.core(), case.fault()
    with tempfile.TemporaryDirectory(prefix="payterm-conformance-") as tmp:
        register = _Register(Path(tmp), core, fault, case)
        restarter: threading.Thread | None = None
        finished = threading.Event()
        try:
            register.start()
            if case.restart and isinstance(fault, DropAnswer):
                dropped = fault.dropped

                def restart_after_drop() -> None:
                    while not finished.is_set():
                        if dropped.wait(0.1):
                            register.restart(DOWN)
                            return

                restarter = threading.Thread(target=restart_after_drop, name="conformance-restart",
                                             daemon=True)
                restarter.start()
            command = pos_command.format(pairing=shlex.quote(str(register.pairing_file())), amount=AMOUNT,
                                         abort_after=ABORT_AFTER if case.abort else 0)
            try:
                done = subprocess.run(command, shell=True, capture_output=True, text=True,  # the tester's
                                      timeout=timeout, check=False)  # own command line
            except subprocess.TimeoutExpired:
                return CaseResult(case.name, False, f"the POS did not finish within {timeout:.0f} s")
            fault.settle(SETTLE)  # a message the POS gave up on may still be taking money
            core.finish(SETTLE)
        finally:
            finished.set()
            if restarter is not None:
                restarter.join(DOWN + 10)
            register.close()
    paid = done.returncode == 0
    return CaseResult(case.name, *_judge(case, core, fault, paid, done.returncode), done.stdout + done.stderr)


def _judge(case: Case, core: KitCore, fault: Fault, paid: bool, exit_status: int) -> tuple[bool, str]:
    reported = f"the POS reported {'paid' if paid else 'not paid'} (exit {exit_status})"
    problems = []
    if case.abort and fault.received["Abort"] == 0:
        problems.append("no AbortRequest reached the register")
    if core.charges > 1:
        problems.append(f"the customer was charged {core.charges} times")
    if case.paid is not None and paid != case.paid:
        problems.append(f"{reported}, expected {'paid' if case.paid else 'not paid'}")
    elif paid and core.charges == 0:
        problems.append(f"{reported}, but nothing was charged")
    elif not paid and core.charges > 0:
        problems.append(f"{reported}, but the customer was charged")
    summary = f"{'paid' if paid else 'not paid'}, {core.charges} charge(s)"
    return (not problems, "; ".join(problems) + f" ({summary})" if problems else summary)


def run(
    pos_command: str, *, timeout: float = 60.0, only: tuple[str, ...] = (), jobs: int = 4
) -> list[CaseResult]:
    """The cases (``only`` these, if given), ``jobs`` at a time: each has its own register, port
    and POS process, and mostly waits. Results in the order of ``CASES``."""
    unknown = set(only) - {case.name for case in CASES}
    if unknown:
        raise ValueError(f"no such case: {', '.join(sorted(unknown))}")
    # The dropped answers are the point here, not news for the log.
    logging.getLogger("terminal.pos.server").setLevel(logging.WARNING)
    logging.getLogger("terminal.pos.gateway").setLevel(logging.ERROR)  # the duplicate's refusal
    chosen = [case for case in CASES if not only or case.name in only]
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="conformance") as pool:
        return list(pool.map(lambda case: run_case(case, pos_command, timeout), chosen))

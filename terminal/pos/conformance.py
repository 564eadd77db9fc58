"""`payterm pos conformance --pos-command CMD`: drives a POS implementation through the cases that
break POS integrations, against a conformance register, and reports case by case.

The POS under test is a command that takes one sale: ``{pairing}`` and ``{amount}`` in CMD are
replaced by a pairing file (``payterm pos pair --json``'s fields plus ``certificate_file``) and
an amount in minor units; it must exit 0 when the sale was paid and non-zero when not
(examples/reference_pos.py is such a command). Each case runs a fresh register on 127.0.0.1 with
a conformance core (every payment approved at once unless the case says otherwise; it counts
charges) and a fault:

- ``approve``: a plain payment.
- ``decline``: the wallet declines (Refusal): the POS must not report paid.
- ``busy``: the register is busy: the POS must not report paid, and nothing is charged.
- ``lost_answer``: the payment is taken, then the connection is dropped without an answer: the
  POS must ask TransactionStatus and report it paid, charged exactly once.
- ``in_progress``: the verdict comes after the register answered InProgress: the POS must keep
  asking TransactionStatus until the end, charged exactly once.

Test money only: nothing reaches a wallet.
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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from terminal.pos import core as c
from terminal.pos.gateway import Gateway
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.pairing import Pairings
from terminal.pos.replay import ReplayGuard
from terminal.pos.server import PosServer, tls_context
from terminal.pos.store import PosStore
from terminal.pos.tls import ensure_certificate

POI_ID = "PayTerm-conformance"
AMOUNT = 1200


class KitCore:
    """The conformance register's payment core: approvals after ``delay`` seconds, or the case's
    decline or Busy. Conformance only (it charges nobody)."""

    def __init__(self, *, delay: float = 0.0, decline: str | None = None, busy: bool = False) -> None:
        self.delay, self.decline, self.busy = delay, decline, busy
        self.charges = 0
        self._lock = threading.Lock()
        self._payments: dict[tuple[str, str, str], c.PaymentOutcome] = {}
        self._done: dict[tuple[str, str, str], float] = {}

    @staticmethod
    def _key(ref: c.SaleRef) -> tuple[str, str, str]:
        return (ref.pos.key_identifier, ref.sale_id, ref.sale_transaction_id)

    def _now(self, ref: c.SaleRef) -> c.PaymentOutcome:
        key = self._key(ref)
        outcome = self._payments[key]
        if not outcome.final and time.monotonic() >= self._done[key]:
            if self.decline:
                outcome = replace(outcome, status=c.PaymentStatus.DECLINED, decline_code=self.decline)
            else:
                self.charges += 1
                outcome = replace(outcome, status=c.PaymentStatus.APPROVED, charge_id=f"ch_kit_{self.charges}",
                                  approval_code=f"K{self.charges:05d}", wallet="Conformance", code_last4="0000")
            self._payments[key] = outcome
        return outcome

    def start_payment(self, order: c.PaymentOrder, wait: float) -> c.PaymentOutcome:
        key = self._key(order.ref)
        with self._lock:
            if key not in self._payments:
                if self.busy:
                    raise c.Busy("another payment is running at this register")
                self._payments[key] = c.PaymentOutcome(c.PaymentStatus.IN_PROGRESS, order.amount,
                                                       dt.datetime.now(dt.UTC))
                self._done[key] = time.monotonic() + self.delay
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                outcome = self._now(order.ref)
            if outcome.final or time.monotonic() >= deadline:
                return outcome
            time.sleep(0.05)

    def abort(self, ref: c.SaleRef) -> c.PaymentOutcome:
        raise c.NotAllowed("the conformance register does not abort")

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


class _DropFirstPayment:
    """Answers nothing to the first payment: it is processed (and charged), then the connection
    is dropped, as when a network fails after the register committed."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._dropped = False

    def process(self, raw: bytes, *, peer_is_loopback: bool) -> object:
        reply = self._gateway.process(raw, peer_is_loopback=peer_is_loopback)
        if not self._dropped and b'"Payment"' in raw:
            self._dropped = True
            raise ConnectionAbortedError("conformance: the answer is lost")
        return reply


@dataclass(frozen=True)
class Case:
    name: str
    core: Callable[[], KitCore]
    paid: bool  # what the POS must report
    charges: int
    drop_first: bool = False
    payment_wait: float = 20.0


CASES = (
    Case("approve", KitCore, paid=True, charges=1),
    Case("decline", lambda: KitCore(decline="insufficient_funds"), paid=False, charges=0),
    Case("busy", lambda: KitCore(busy=True), paid=False, charges=0),
    Case("lost_answer", KitCore, paid=True, charges=1, drop_first=True),
    Case("in_progress", lambda: KitCore(delay=3.0), paid=True, charges=1, payment_wait=1.0),
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


def run_case(case: Case, pos_command: str, timeout: float) -> CaseResult:
    with tempfile.TemporaryDirectory(prefix="payterm-conformance-") as tmp:
        data = Path(tmp)
        store = PosStore.in_data_dir(data)
        try:
            pairings = Pairings(store)
            pairing = pairings.pair("POS under test", "pos-under-test")
            core = case.core()
            handlers = Handlers(core, Ledger(store), HandlerSettings(POI_ID, "JPY", "", case.payment_wait,
                                                                     case.payment_wait))
            gateway: object = Gateway(handlers, pairings, ReplayGuard(time.monotonic), POI_ID)
            if case.drop_first:
                gateway = _DropFirstPayment(gateway)  # type: ignore[arg-type]
            cert = ensure_certificate(data, "conformance", extra_hosts=("127.0.0.1",))
            port = _free_port()
            server = PosServer(gateway, "127.0.0.1", port, tls_context(cert.cert_path, cert.key_path))  # type: ignore[arg-type]
            server.start(poll_interval=0.1)
            try:
                pairing_file = data / "pairing.json"
                pairing_file.write_text(json.dumps({
                    "endpoint": f"https://127.0.0.1:{port}/nexo", "poi_id": POI_ID,
                    "key_identifier": pairing.key_identifier, "key_version": pairing.key_version,
                    "passphrase": pairing.passphrase, "certificate_file": str(cert.cert_path),
                    "certificate_sha256": cert.fingerprint,
                }), encoding="utf-8")
                command = pos_command.format(pairing=shlex.quote(str(pairing_file)), amount=AMOUNT)
                try:
                    done = subprocess.run(command, shell=True, capture_output=True, text=True,  # the tester's
                                          timeout=timeout, check=False)  # own command line
                except subprocess.TimeoutExpired:
                    return CaseResult(case.name, False, f"the POS did not finish within {timeout:.0f} s")
            finally:
                server.stop()
        finally:
            store.close()
    paid = done.returncode == 0
    problems = []
    if paid != case.paid:
        problems.append(f"the POS reported {'paid' if paid else 'not paid'} (exit {done.returncode}), "
                        f"expected {'paid' if case.paid else 'not paid'}")
    if core.charges != case.charges:
        problems.append(f"{core.charges} charge(s), expected {case.charges}")
    detail = "; ".join(problems) or f"{'paid' if paid else 'not paid'}, {core.charges} charge(s)"
    return CaseResult(case.name, not problems, detail, done.stdout + done.stderr)


def run(pos_command: str, *, timeout: float = 60.0, only: tuple[str, ...] = ()) -> list[CaseResult]:
    # The dropped answers are the point here, not news for the log.
    logging.getLogger("terminal.pos.server").setLevel(logging.WARNING)
    return [run_case(case, pos_command, timeout) for case in CASES if not only or case.name in only]

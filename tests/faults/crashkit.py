"""Helpers for the crash tests: a "lane" is one sandbox wallet plus one register enrolled at it,
driven only through real `payterm` processes (enroll, charge, recover), killed with SIGKILL.

What the register did is read from its journal file read-only (sqlite ``mode=ro``), what the
wallet did from the sandbox database read-only and through the register's own signed client,
so the checks never change what they look at. Each lane has its own sandbox because the fault
knobs are per wallet: one lane's random faults must not leak into another lane's scenario.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sandbox.server import SandboxServer
from sandbox.settings import Faults, Knobs, RiskPolicy
from sandbox.state import open_sandbox
from terminal.config.loader import load_settings
from terminal.register.setup import load_enrollment, open_keys, wallet_client
from terminal.wallet import messages as m
from tests.cli_helpers import MANAGER_PIN

PAYTERM = Path(sys.executable).parent / "payterm"
FINAL = frozenset({"approved", "declined", "reversed"})
PIN = "1234"  # every seeded customer's PIN (README "Seeded demo data")

# Recovery in seconds, not minutes: the flow's waits come from config (docs/config.md).
QUICK_ENV: dict[str, str] = {
    "PAYTERM_KEYS__DEVELOPMENT_MODE": "true",  # the KEK file beside the key (docs/keys.md)
    "PAYTERM_WALLET__POLL_INTERVAL": "0.2",
    "PAYTERM_WALLET__POLL_MAX": "1.5",
    "PAYTERM_WALLET__STEP_UP_MAX": "3",
    "PAYTERM_WALLET__REVERSAL__INITIAL_DELAY": "0.3",
    "PAYTERM_WALLET__TIMEOUTS__CHARGE": "3",
}

# No velocity or first-payment step-ups (the scenarios choose step-ups by customer and test
# amount), and short step-up windows: an unanswered step-up is over in seconds.
CRASH_RISK = RiskPolicy(step_up_first_payment=False, velocity_count=100_000, pending_seconds=1,
                        step_up_seconds=8)


class LaneError(RuntimeError):
    """A lane could not be set up or driven (not an invariant violation: those are assertions)."""


@dataclass(frozen=True)
class JournalSale:
    key: str
    reference: str
    amount: int
    state: str
    charge_id: str | None
    approval_code: str | None
    decline_code: str | None


@dataclass(frozen=True)
class WalletCharge:
    id: str
    key: str
    reference: str
    customer: str | None
    amount: int
    status: str
    refunded: int
    approval_code: str | None


def _ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    conn.execute("PRAGMA query_only = 1")
    return conn


def _journal_rows(journal: Path, sql: str, args: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    if not journal.exists():
        return []
    try:
        with closing(_ro(journal)) as conn:
            return list(conn.execute(sql, args).fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # the register was killed before its first migration
            return []
        raise


def journal_sales(journal: Path) -> list[JournalSale]:
    rows = _journal_rows(
        journal, "SELECT idempotency_key, merchant_reference, amount, state, charge_id, approval_code, "
        "decline_code FROM sales ORDER BY created_at")
    return [JournalSale(*row) for row in rows]


@dataclass(frozen=True)
class JournalOperation:
    key: str
    kind: str
    sale_key: str
    amount: int
    state: str


OPERATIONS_FINAL = frozenset({"succeeded", "failed"})


def journal_operations(journal: Path) -> list[JournalOperation]:
    rows = _journal_rows(journal, "SELECT idempotency_key, kind, sale_key, amount, state FROM operations "
                                  "ORDER BY created_at")
    return [JournalOperation(*row) for row in rows]


def operation_state(journal: Path, reference: str, kind: str) -> str | None:
    rows = _journal_rows(
        journal, "SELECT o.state FROM operations o JOIN sales s ON s.idempotency_key = o.sale_key "
                 "WHERE s.merchant_reference = ? AND o.kind = ? ORDER BY o.created_at DESC", (reference, kind))
    return str(rows[0][0]) if rows else None


def wallet_refunds(db: Path) -> dict[str, list[int]]:
    """charge id -> the amounts of its refunds, as the wallet holds them."""
    with closing(_ro(db)) as conn:
        rows = conn.execute("SELECT charge_id, amount FROM refunds").fetchall()
    found: dict[str, list[int]] = {}
    for charge_id, amount in rows:
        found.setdefault(str(charge_id), []).append(int(amount))
    return found


def journal_state(journal: Path, reference: str) -> str | None:
    rows = _journal_rows(journal, "SELECT state FROM sales WHERE merchant_reference = ?", (reference,))
    return str(rows[0][0]) if rows else None


def wallet_charges(db: Path, device_id: str) -> list[WalletCharge]:
    with closing(_ro(db)) as conn:
        rows = conn.execute(
            "SELECT id, idempotency_key, merchant_reference, customer, amount, status, refunded_amount, "
            "approval_code FROM charges WHERE device_id = ?", (device_id,)).fetchall()
    return [WalletCharge(*row) for row in rows]


@dataclass
class Lane:
    """One sandbox wallet (in this process, real uvicorn on 127.0.0.1) and one register home."""

    name: str
    root: Path
    server: SandboxServer
    env: dict[str, str]
    skew: int = 0  # the wallet's clock minus ours, seconds (kept through every fault change)
    customers: dict[str, str] = field(default_factory=dict)  # reference -> customer
    device_id: str = ""
    start_total: int = 0
    start_balances: dict[str, int] = field(default_factory=dict)
    last_code: str = field(default="", repr=False)  # the payment code of the latest charge
    started: list[subprocess.Popen[bytes]] = field(default_factory=list, repr=False)

    @classmethod
    def open(cls, root: Path, name: str, *, skew: int = 0, extra_env: Mapping[str, str] | None = None) -> Lane:
        root.mkdir(parents=True, exist_ok=True)
        server = SandboxServer(open_sandbox(root / "wallet.sqlite3", Knobs(risk=CRASH_RISK)), "127.0.0.1", 0).start()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
        env.update(QUICK_ENV)
        env.update(extra_env or {})
        env["PAYTERM_HOME"] = str(root / "register")
        lane = cls(name, root, server, env, skew)
        lane.set_faults()
        try:
            lane._enroll()
        except BaseException:
            server.stop()
            raise
        return lane

    # -- the wallet side -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def wallet_db(self) -> Path:
        return self.root / "wallet.sqlite3"

    @property
    def journal(self) -> Path:
        return self.root / "register" / "data" / "journal.sqlite3"

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        r = httpx.request(method, self.url + path, timeout=10, **kwargs)
        r.raise_for_status()
        return r.json()

    def set_faults(self, **faults: Any) -> None:
        self.server.sandbox.knobs.set_faults(Faults(**{"clock_offset_s": self.skew, **faults}))

    def payment_code(self, customer: str) -> str:
        return str(self.admin("POST", f"/sandbox/customers/{customer}/payment-codes")["payment_code"])

    def ledger(self) -> dict[str, int]:
        return dict(self.admin("GET", "/sandbox/ledger"))

    def balances(self) -> dict[str, int]:
        with closing(_ro(self.wallet_db)) as conn:
            return {str(n): int(b) for n, b in conn.execute("SELECT name, balance FROM customers")}

    def charges(self) -> list[WalletCharge]:
        return wallet_charges(self.wallet_db, self.device_id)

    def approve_in_app(self, reference: str) -> bool:
        """The customer confirms a waiting in-app step-up on their wallet page, if there is one."""
        found = [c for c in self.charges() if c.reference == reference and c.status == "step_up_required"]
        if not found or found[0].customer is None:
            return False
        r = httpx.post(f"{self.url}/wallet/{found[0].customer}/step-ups/{found[0].id}",
                       json={"decision": "approve"}, timeout=10)
        return r.status_code < 300

    # -- the register side ------------------------------------------------------------------------

    def _enroll(self) -> None:
        code = str(self.admin("POST", "/sandbox/enrollment-codes")["enrollment_code"])
        done = subprocess.run([str(PAYTERM), "enroll", "--trust-on-first-use", "--wallet", self.url, "--code", code,
                               "--manager-pin-stdin"], env=self.env, input=MANAGER_PIN + "\n",
                              capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise LaneError(f"enrollment of {self.name} failed: {done.stderr}")
        self.device_id = str(load_enrollment(self.loaded()).device_id)
        self.start_total = self.ledger()["total"]
        self.start_balances = self.balances()

    def loaded(self) -> Any:
        return load_settings({k: v for k, v in self.env.items() if k.startswith("PAYTERM_")})

    def charge(self, amount: int, customer: str, reference: str, *, step_up: Iterable[str] = (),
               env: Mapping[str, str] | None = None, keep_stdin_open: bool = False) -> subprocess.Popen[bytes]:
        """Start `payterm charge --code-stdin --step-up-stdin --json` with a fresh payment code of
        ``customer`` (and step-up answers, one per line) on standard input."""
        code = self.last_code = self.payment_code(customer)
        self.customers[reference] = customer
        proc = subprocess.Popen(
            [str(PAYTERM), "charge", "--amount", str(amount), "--code-stdin", "--step-up-stdin", "--json",
             "--reference", reference],
            env={**self.env, **(env or {})}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
        )
        assert proc.stdin is not None
        proc.stdin.write("".join(f"{line}\n" for line in (code, *step_up)).encode())
        proc.stdin.flush()
        if not keep_stdin_open:
            proc.stdin.close()
            proc.stdin = None
        self.started = [p for p in self.started if p.poll() is None] + [proc]
        return proc

    def give_back(self, command: str, reference: str, *, amount: int | None = None) -> subprocess.Popen[bytes]:
        """Start `payterm refund` or `payterm cancel` (a void) for the sale ``reference``, the
        manager's PIN on its standard input (the wallet checks it)."""
        args = [str(PAYTERM), command, "--reference", reference, "--json", "--manager-pin-stdin"]
        if amount is not None:
            args += ["--amount", str(amount)]
        proc = subprocess.Popen(args, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        assert proc.stdin is not None
        proc.stdin.write(f"{MANAGER_PIN}\n".encode())
        proc.stdin.close()
        proc.stdin = None
        self.started = [p for p in self.started if p.poll() is None] + [proc]
        return proc

    def wait_operation(self, reference: str, kind: str, states: set[str], proc: subprocess.Popen[bytes] | None,
                       timeout: float = 20) -> str:
        """Poll the journal (read-only) until the sale's latest ``kind`` operation is in ``states``."""
        deadline = time.monotonic() + timeout
        while True:
            state = operation_state(self.journal, reference, kind)
            if state in states:
                return state
            if proc is not None and proc.poll() is not None and state not in states:
                raise LaneError(f"{reference}: payterm exited ({proc.returncode}) with its {kind} {state}, "
                                f"waiting for {sorted(states)}: {_stderr(proc)}")
            if time.monotonic() > deadline:
                raise LaneError(f"{reference}: {kind} still {state} after {timeout} s")
            time.sleep(0.005)

    def recover(self, env: Mapping[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PAYTERM), "recover", "--json"], env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout, check=False)

    def wait_state(self, reference: str, states: set[str], proc: subprocess.Popen[bytes] | None,
                   timeout: float = 20) -> str:
        """Poll the journal (read-only) until the sale is in one of ``states``."""
        deadline = time.monotonic() + timeout
        while True:
            state = journal_state(self.journal, reference)
            if state in states:
                return state
            if proc is not None and proc.poll() is not None:
                raise LaneError(f"{reference}: payterm exited ({proc.returncode}) in state {state}, "
                                f"waiting for {sorted(states)}: {_stderr(proc)}")
            if time.monotonic() > deadline:
                raise LaneError(f"{reference}: still {state} after {timeout} s, waiting for {sorted(states)}")
            time.sleep(0.005)

    def settle(self, rounds: int = 8) -> None:
        """Faults off, then `payterm recover` until the journal has no unfinished sale."""
        self.set_faults()
        for _ in range(rounds):
            done = self.recover(timeout=180)
            if done.returncode != 0:
                raise LaneError(f"{self.name}: payterm recover failed ({done.returncode}): {done.stderr}")
            if all(s.state in FINAL for s in journal_sales(self.journal)) and all(
                    op.state in OPERATIONS_FINAL for op in journal_operations(self.journal)):
                return
        raise LaneError(f"{self.name}: sales or operations still unfinished after {rounds} recoveries")

    def close(self) -> None:
        """Stop the sandbox, and any `payterm charge` of this lane still running (a failed test)."""
        for proc in self.started:
            kill(proc)
        self.server.stop()


def kill(proc: subprocess.Popen[Any]) -> bool:
    """SIGKILL the process; True if it was still running (a real kill, not a finished run)."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    return alive and proc.returncode == -signal.SIGKILL


def _stderr(proc: subprocess.Popen[bytes]) -> str:
    if proc.stderr is None or proc.stderr.closed:
        return ""
    return proc.stderr.read().decode(errors="replace")[-2000:]


# -- the invariants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LaneReport:
    sales: int
    outcomes: Counter[str]


def check_lane(lane: Lane, *, signed: bool = True) -> LaneReport:
    """Issue #3's invariants, after ``lane.settle()``. Raises AssertionError naming the sale."""
    sales = journal_sales(lane.journal)
    charges = lane.charges()
    problems: list[str] = []
    open_sales = [s.reference for s in sales if s.state not in FINAL]
    if open_sales:
        problems.append(f"sales not final: {open_sales}")
    by_key: dict[str, list[WalletCharge]] = {}
    for c in charges:
        by_key.setdefault(c.key, []).append(c)
    known = {s.key for s in sales}
    for c in charges:
        if c.key not in known:
            problems.append(f"wallet charge {c.id} ({c.reference}, {c.status}) has no sale in the journal")
        if c.status in {"pending", "step_up_required"}:
            problems.append(f"wallet charge {c.id} ({c.reference}) left open: {c.status}")
    operations = journal_operations(lane.journal)
    given_back: Counter[str] = Counter()  # sale key -> money given back (succeeded operations)
    for op in operations:
        if op.state == "succeeded":
            given_back[op.sale_key] += op.amount
    for s in sales:
        ops = [op for op in operations if op.sale_key == s.key]
        problems.extend(_sale_problems(s, by_key.get(s.key, []), bool(ops)))
    problems.extend(_operation_problems(lane, sales, operations, by_key))
    if signed:
        problems.extend(_signed_view_problems(lane, sales, by_key))
    problems.extend(_money_problems(lane, sales, given_back))
    if problems:
        raise AssertionError(f"{lane.name}: " + "\n  ".join(problems))
    return LaneReport(len(sales), Counter(s.state for s in sales))


def _operation_problems(lane: Lane, sales: list[JournalSale], operations: list[JournalOperation],
                        by_key: dict[str, list[WalletCharge]]) -> list[str]:
    """Every refund, void and reversal final; the wallet agrees with each; nothing given back twice."""
    problems = [f"operation {op.kind} {op.key} not final: {op.state}" for op in operations
                if op.state not in OPERATIONS_FINAL]
    refunds = wallet_refunds(lane.wallet_db)
    for s in sales:
        ops = [op for op in operations if op.sale_key == s.key]
        if not ops:
            continue
        charge = (by_key.get(s.key) or [None])[0]
        if charge is None:
            problems.append(f"{s.reference}: operations {[op.kind for op in ops]} but no wallet charge")
            continue
        refunded = sum(op.amount for op in ops if op.kind in {"refund", "reversal"} and op.state == "succeeded")
        at_wallet = refunds.get(charge.id, [])
        if sum(at_wallet) != refunded or charge.refunded != refunded:
            problems.append(f"{s.reference}: journal refunded {refunded}, wallet refunds {at_wallet} "
                            f"(charge refunded {charge.refunded})")
        if len(at_wallet) != len([op for op in ops if op.kind in {"refund", "reversal"} and op.state == "succeeded"]):
            problems.append(f"{s.reference}: {len(at_wallet)} refunds at the wallet for {len(ops)} operations")
        voided = any(op.kind == "void" and op.state == "succeeded" for op in ops)
        if voided != (charge.status == "cancelled" and s.state == "approved"):
            problems.append(f"{s.reference}: journal voided={voided}, wallet {charge.status}")
    return problems


def _sale_problems(s: JournalSale, found: list[WalletCharge], has_operations: bool = False) -> list[str]:
    if len(found) > 1:
        return [f"{s.reference}: {len(found)} wallet charges for one sale"]
    c = found[0] if found else None
    if c is not None and (c.amount, c.reference) != (s.amount, s.reference):
        return [f"{s.reference}: the wallet charge is for {c.amount} {c.reference}"]
    money_taken = c is not None and c.status == "approved" and c.refunded < c.amount
    if s.state == "approved" and has_operations:
        # Refunds and voids are checked against the wallet by _operation_problems.
        if c is None or (s.charge_id, s.approval_code) != (c.id, c.approval_code):
            return [f"{s.reference}: journal approval {s.charge_id}/{s.approval_code}, wallet {c}"]
        return []
    if s.state == "approved":
        if c is None or c.status != "approved" or c.refunded:
            return [f"{s.reference}: journal approved, wallet {None if c is None else (c.status, c.refunded)}"]
        if (s.charge_id, s.approval_code) != (c.id, c.approval_code):
            return [f"{s.reference}: journal approval {s.charge_id}/{s.approval_code}, wallet {c.id}/{c.approval_code}"]
        return []
    if s.state == "reversed" and has_operations:
        return []  # given back by a reversal refund: _operation_problems checks it against the wallet
    if s.state == "reversed" and c is not None and c.status != "cancelled":
        return [f"{s.reference}: journal reversed, wallet {c.status} (refunded {c.refunded})"]
    if s.state == "declined" and c is not None and c.status not in {"declined", "cancelled"}:
        return [f"{s.reference}: journal declined, wallet {c.status}"]
    if money_taken:
        return [f"{s.reference}: journal {s.state} but the wallet took the money"]
    return []


def _signed_view_problems(lane: Lane, sales: list[JournalSale], by_key: dict[str, list[WalletCharge]]) -> list[str]:
    """The same question asked the way the register asks it: signed GET
    /v1/charges?idempotency_key=K through its own client, answer verified."""
    loaded = lane.loaded()
    problems: list[str] = []
    with wallet_client(loaded.settings, load_enrollment(loaded), open_keys(loaded.settings)) as client:
        for s in sales:
            answer: m.ChargeResponse | None = client.find_charge(s.key)
            stored = by_key.get(s.key, [])
            want = stored[0].status if stored else None
            got = None if answer is None else answer.status.value
            if got != want:
                problems.append(f"{s.reference}: signed status {got}, wallet database {want}")
    return problems


def _money_problems(lane: Lane, sales: list[JournalSale], given_back: Counter[str] | None = None) -> list[str]:
    problems: list[str] = []
    back = given_back or Counter()
    ledger = lane.ledger()
    if ledger["total"] != lane.start_total:
        problems.append(f"money not conserved: total {ledger['total']}, was {lane.start_total}")
    approved = [s for s in sales if s.state == "approved"]
    kept = sum(s.amount - back[s.key] for s in approved)
    if ledger["merchant_takings"] != kept:
        problems.append(f"merchant takings {ledger['merchant_takings']} != approved sales less what went "
                        f"back {kept}")
    paid: Counter[str] = Counter()
    for s in approved:
        paid[lane.customers.get(s.reference, "?")] += s.amount - back[s.key]
    balances = lane.balances()
    for customer, start in lane.start_balances.items():
        if start - balances[customer] != paid[customer]:
            problems.append(f"{customer} paid {start - balances[customer]}, journal says {paid[customer]}")
    return problems


# -- random kills ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """What one random sale asks of the wallet: a customer, an amount, step-up answers."""

    name: str
    customers: tuple[str, ...]
    amounts: tuple[int, int] | int
    step_up: tuple[str, ...] = ()
    weight: int = 1


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("approve", ("alice", "grace"), (10, 300), weight=3),
    Scenario("pin", ("erin",), (10, 300), (PIN,), weight=2),  # erin always asks for the PIN
    Scenario("pin-test-value", ("grace",), 1201, (PIN,)),
    Scenario("app-confirm", ("dave",), (10, 300)),  # dave always asks to confirm in the app
    Scenario("pending", ("grace",), 1301),
    Scenario("declined", ("alice",), 1101),
    Scenario("no-funds", ("bob",), 900),
)


class KillBudget:
    """How many real kills are still wanted, shared by the lanes' threads."""

    def __init__(self, wanted: int) -> None:
        self._lock = threading.Lock()
        self.wanted = wanted
        self.done = 0

    def take(self) -> bool:
        with self._lock:
            return self.done < self.wanted

    def count(self) -> None:
        with self._lock:
            self.done += 1


@dataclass
class RandomRun:
    """The record of one lane's random kills: where each kill landed, how runs ended."""

    kills: Counter[str] = field(default_factory=Counter)  # journal state of the sale at the kill
    finished: Counter[str] = field(default_factory=Counter)  # runs that ended before the kill
    approved_in_app: int = 0


def random_kills(lane: Lane, rng: Any, budget: KillBudget, *, max_delay: float = 1.2) -> RandomRun:
    """Charge, SIGKILL at a random moment under random faults, repeat. The next `payterm charge`
    is the restart: it resolves the killed sale before it takes its own.

    The moment is drawn from the sale's life, not from the process start (on a busy machine
    start-up alone can take seconds): a random delay after the sale's intent is committed; or,
    when an earlier sale is being recovered, after the recovery's first journal write; or, for
    one run in ten, during start-up. After a kill during recovery the next restart is left to
    finish recovering: each restart polls an unknown outcome for ``poll_max`` again, so a crash
    every second would otherwise keep a sale in doubt for ever."""
    run = RandomRun()
    n = 0
    let_recover = False
    while budget.take():
        n += 1
        lane.set_faults(latency_ms=rng.randint(0, 800), drop_after_commit=rng.uniform(0, 0.5),
                        fail_rate=rng.uniform(0, 0.2))
        scenario = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
        amount = scenario.amounts if isinstance(scenario.amounts, int) else rng.randint(*scenario.amounts)
        reference = f"{lane.name}-{n:05d}"
        earlier = {s.reference for s in journal_sales(lane.journal) if s.state not in FINAL}
        mark = _wal_mark(lane)
        proc = lane.charge(amount, rng.choice(scenario.customers), reference, step_up=scenario.step_up)
        moment = rng.random()
        if moment < 0.1:
            delay = rng.uniform(0.0, 1.0)  # somewhere in start-up (or what follows, on a fast machine)
        elif earlier and not let_recover and moment < 0.4:
            _wait_journal_change(lane, mark, proc)  # recovery has begun
            delay = rng.uniform(0.0, max_delay)
        else:
            _wait_for_sale(lane, reference, proc)
            delay = rng.uniform(0.0, max_delay)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        if kill(proc):
            budget.count()
            landed = _landed(lane, reference)
            run.kills[landed] += 1
            let_recover = landed.startswith("recovering")
        else:
            run.finished[f"exit {proc.returncode}"] += 1
            let_recover = False
        if scenario.name == "app-confirm" and rng.random() < 0.5 and lane.approve_in_app(reference):
            run.approved_in_app += 1
    return run


def _wal_mark(lane: Lane) -> tuple[int, int]:
    """A cheap fingerprint of the journal's write-ahead log: it changes with every commit."""
    try:
        st = os.stat(f"{lane.journal}-wal")
    except FileNotFoundError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _wait_journal_change(lane: Lane, mark: tuple[int, int], proc: subprocess.Popen[bytes],
                         timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and _wal_mark(lane) == mark and time.monotonic() < deadline:
        time.sleep(0.01)


def _wait_for_sale(lane: Lane, reference: str, proc: subprocess.Popen[bytes], timeout: float = 150) -> None:
    """Until the sale's intent is in the journal (this includes any recovery before it)."""
    deadline = time.monotonic() + timeout
    mark = (-1, -1)
    while proc.poll() is None and time.monotonic() < deadline:
        now = _wal_mark(lane)
        if now != mark:
            if journal_state(lane.journal, reference) is not None:
                return
            mark = now
        time.sleep(0.01)


def _landed(lane: Lane, reference: str) -> str:
    """Where a kill landed: the new sale's journal state, or what the process was doing before
    its intent was committed (resolving an earlier sale, or starting up)."""
    sales = journal_sales(lane.journal)
    for s in sales:
        if s.reference == reference:
            return s.state
    unfinished = [s.state for s in sales if s.state not in FINAL]
    return f"recovering ({unfinished[0]})" if unfinished else "start-up"

"""Issue #3: `payterm charge` killed with SIGKILL at each journal state and at random moments,
then restarted: every sale ends final, and the wallet holds exactly one charge or none for each
sale, consistent with the journal; money is conserved.

Real processes only: each register is enrolled with `payterm enroll`, charges run as `payterm
charge --code-stdin --step-up-stdin --json`, restarts are `payterm recover` or the next `payterm
charge` (which resolves earlier sales first). What happened is read from the journal (read-only)
and from the wallet (its database read-only, and signed GETs through the register's own client);
see tests/faults/crashkit.py and docs/reliability.md.

PAYTERM_CRASH_KILLS (default 200) sets the number of random kills, PAYTERM_CRASH_SEED the seed,
PAYTERM_CRASH_LANES (default 16) how many registers (each with its own sandbox) run at once.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from tests.faults.crashkit import (
    FINAL,
    KillBudget,
    Lane,
    LaneReport,
    RandomRun,
    check_lane,
    OPERATIONS_FINAL,
    journal_operations,
    journal_sales,
    journal_state,
    kill,
    operation_state,
    random_kills,
)

pytestmark = pytest.mark.slow

# The wallet's clock runs this far ahead of the registers' (within the ±300 s the protocol allows,
# under the 60 s a signature lives). A charge that never reached the wallet can only be written
# off once its signed request has expired by the wallet's clock; the skew brings that from about
# 73 s after the intent down to about 18 s without touching the rule itself.
SKEW = 55
SLOW = 2500  # ms of wallet latency: long enough to find the register waiting for an answer


@pytest.fixture
def lanes(tmp_path: Path) -> Iterator[Callable[[str], Lane]]:
    opened: list[Lane] = []

    def make(name: str) -> Lane:
        lane = Lane.open(tmp_path / name, name, skew=SKEW)
        opened.append(lane)
        return lane

    yield make
    for lane in opened:
        lane.close()


def _restart(lane: Lane) -> None:
    done = lane.recover(timeout=120)
    assert done.returncode == 0, done.stderr
    assert all(s.state in FINAL for s in journal_sales(lane.journal)), journal_sales(lane.journal)
    assert all(op.state in OPERATIONS_FINAL for op in journal_operations(lane.journal)), \
        journal_operations(lane.journal)


def _killed_in(lane: Lane, proc: object, reference: str, state: str) -> None:
    assert kill(proc), f"{reference}: payterm had already exited"  # type: ignore[arg-type]
    assert journal_state(lane.journal, reference) == state


# -- at each journal state ---------------------------------------------------------------------


def kill_authorizing(lane: Lane) -> str:
    """The request is on the wire (the wallet is slow) when the register dies."""
    lane.set_faults(latency_ms=SLOW)
    proc = lane.charge(500, "alice", "auth-1")
    lane.wait_state("auth-1", {"authorizing"}, proc)
    time.sleep(0.3)
    _killed_in(lane, proc, "auth-1", "authorizing")
    lane.set_faults()
    _restart(lane)
    return "auth-1"


def kill_step_up_pin(lane: Lane) -> str:
    """The wallet asked for the PIN; the register dies at the PIN pad. Nobody enters it: when the
    step-up window closes the restarted register cancels at the wallet, or the wallet has
    already declined it (step_up_expired), whichever comes first."""
    proc = lane.charge(1201, "grace", "pin-1", keep_stdin_open=True)
    lane.wait_state("pin-1", {"step_up"}, proc)
    _killed_in(lane, proc, "pin-1", "step_up")
    _restart(lane)
    assert journal_state(lane.journal, "pin-1") in {"reversed", "declined"}
    return "pin-1"


def kill_step_up_app_confirmed_while_down(lane: Lane) -> str:
    """The register dies while the customer is asked to confirm in the app; the customer confirms
    while it is down: the restarted register must find the approval, not reverse or charge again."""
    proc = lane.charge(1203, "alice", "app-1")
    lane.wait_state("app-1", {"step_up"}, proc)
    _killed_in(lane, proc, "app-1", "step_up")
    assert lane.approve_in_app("app-1")
    _restart(lane)
    assert journal_state(lane.journal, "app-1") == "approved"
    return "app-1"


def kill_in_doubt(lane: Lane) -> str:
    """Every attempt's answer is lost after the wallet committed the charge (drop_next=3: the
    client retries a dropped charge twice with the same key), so the sale is in doubt."""
    lane.set_faults(drop_next=3)
    proc = lane.charge(600, "alice", "doubt-1", env={"PAYTERM_WALLET__POLL_INTERVAL": "30"})
    lane.wait_state("doubt-1", {"in_doubt"}, proc)
    _killed_in(lane, proc, "doubt-1", "in_doubt")
    _restart(lane)
    assert journal_state(lane.journal, "doubt-1") == "approved"
    return "doubt-1"


def kill_reversing(lane: Lane) -> str:
    """In doubt, the cashier cancels (SIGINT = Ctrl-C): the register is REVERSING with its cancel
    on the wire when it dies. The restarted register finishes the reversal."""
    lane.set_faults(drop_next=3)
    proc = lane.charge(700, "alice", "rev-1", env={"PAYTERM_WALLET__POLL_INTERVAL": "30"})
    lane.wait_state("rev-1", {"in_doubt"}, proc)
    lane.set_faults(latency_ms=SLOW)
    os.kill(proc.pid, signal.SIGINT)
    lane.wait_state("rev-1", {"reversing"}, proc)
    _killed_in(lane, proc, "rev-1", "reversing")
    lane.set_faults()
    _restart(lane)
    assert journal_state(lane.journal, "rev-1") == "reversed"
    return "rev-1"


def kill_reversal_refund_requested(lane: Lane) -> str:
    """In doubt, the cashier cancels, but the wallet's business day has turned: the charge can no
    longer be voided, so the register gives it back with a reversal refund (its own operation).
    The register dies with that refund on the wire; the restart resends it under the same key:
    the sale ends reversed and the money went back exactly once."""
    lane.set_faults(drop_next=3)
    proc = lane.charge(800, "alice", "rvr-1", env={"PAYTERM_WALLET__POLL_INTERVAL": "30"})
    lane.wait_state("rvr-1", {"in_doubt"}, proc)
    with closing(sqlite3.connect(lane.wallet_db)) as wallet_db, wallet_db:  # made yesterday, as far as the wallet knows
        wallet_db.execute("UPDATE charges SET business_date = '2000-01-01' WHERE merchant_reference = 'rvr-1'")
    lane.set_faults(latency_ms=SLOW)
    os.kill(proc.pid, signal.SIGINT)
    lane.wait_operation("rvr-1", "reversal", {"requested"}, proc, timeout=60)
    assert kill(proc), "payterm charge had already exited"
    lane.set_faults()
    _restart(lane)
    assert journal_state(lane.journal, "rvr-1") == "reversed"
    assert operation_state(lane.journal, "rvr-1", "reversal") == "succeeded"
    return "rvr-1"


def kill_after_final(lane: Lane) -> str:
    """Killed just after the approval was committed (before the process could exit)."""
    for attempt in range(8):
        reference = f"final-{attempt}"
        proc = lane.charge(300, "grace", reference)
        lane.wait_state(reference, {"approved"}, proc)
        if kill(proc):
            _restart(lane)
            assert journal_state(lane.journal, reference) == "approved"
            return reference
    pytest.fail("payterm always exited before it could be killed after its final state")


def lost_request_after_tombstone(lane: Lane) -> str:
    """The register dies with its charge request stuck on the network. The restart finds no
    charge and cancels by key (a tombstone); when the request reaches the wallet afterwards, it
    is refused: the sale is reversed and nothing is charged."""
    lane.set_faults(latency_ms=6000)
    sent = time.monotonic()
    proc = lane.charge(650, "alice", "late-1")
    lane.wait_state("late-1", {"authorizing"}, proc)
    _killed_in(lane, proc, "late-1", "authorizing")
    lane.set_faults()  # later requests are not delayed; the charge request still is
    _restart(lane)
    assert journal_state(lane.journal, "late-1") == "reversed"
    time.sleep(max(0.0, sent + 8 - time.monotonic()))  # every attempt of the charge has arrived by now
    assert [c for c in lane.charges() if c.reference == "late-1"] == []
    with closing(sqlite3.connect(f"file:{lane.wallet_db}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM key_tombstones").fetchone()[0] == 1
    return "late-1"


# -- refunds and voids at each of their journal states -------------------------------------------


def _approved_sale(lane: Lane, reference: str, amount: int = 1000) -> None:
    proc = lane.charge(amount, "alice", reference)
    lane.wait_state(reference, {"approved"}, proc)
    proc.wait(timeout=60)


def kill_refund_requested(lane: Lane) -> str:
    """The refund's intent is committed and its request is on the wire (the wallet is slow) when
    `payterm refund` dies. The restart sends it again under the same key: given back once."""
    _approved_sale(lane, "rf-1")
    lane.set_faults(latency_ms=SLOW)
    proc = lane.give_back("refund", "rf-1", amount=300)
    lane.wait_operation("rf-1", "refund", {"requested"}, proc)
    time.sleep(0.3)
    assert kill(proc), "payterm refund had already exited"
    assert operation_state(lane.journal, "rf-1", "refund") == "requested"
    lane.set_faults()
    _restart(lane)
    assert operation_state(lane.journal, "rf-1", "refund") == "succeeded"
    return "rf-1"


def kill_void_requested(lane: Lane) -> str:
    """The same for a void: killed with the cancel on the wire, finished by the restart."""
    _approved_sale(lane, "vd-1")
    lane.set_faults(latency_ms=SLOW)
    proc = lane.give_back("cancel", "vd-1")
    lane.wait_operation("vd-1", "void", {"requested"}, proc)
    time.sleep(0.3)
    assert kill(proc), "payterm cancel had already exited"
    assert operation_state(lane.journal, "vd-1", "void") == "requested"
    lane.set_faults()
    _restart(lane)
    assert operation_state(lane.journal, "vd-1", "void") == "succeeded"
    return "vd-1"


def refund_in_doubt(lane: Lane) -> str:
    """Every answer to the refund is lost after the wallet committed it: the operation is left
    IN_DOUBT (`payterm refund` says so and exits). The restart asks again with the same key and
    the wallet replays its first answer: one refund at the wallet, not two."""
    _approved_sale(lane, "rd-1")
    lane.set_faults(drop_after_commit=1.0)
    proc = lane.give_back("refund", "rd-1", amount=400)
    proc.wait(timeout=60)
    assert operation_state(lane.journal, "rd-1", "refund") == "in_doubt"
    lane.set_faults()
    _restart(lane)
    assert operation_state(lane.journal, "rd-1", "refund") == "succeeded"
    return "rd-1"


SCENARIOS: dict[str, Callable[[Lane], str]] = {
    "lost request after the tombstone": lost_request_after_tombstone,
    "reversal refund requested": kill_reversal_refund_requested,
    "refund requested": kill_refund_requested,
    "void requested": kill_void_requested,
    "refund in doubt": refund_in_doubt,
    "authorizing": kill_authorizing,
    "step_up (pin)": kill_step_up_pin,
    "step_up (app, confirmed while down)": kill_step_up_app_confirmed_while_down,
    "in_doubt": kill_in_doubt,
    "reversing": kill_reversing,
    "after final": kill_after_final,
}


def test_kill_at_each_journal_state(lanes: Callable[[str], Lane]) -> None:
    """One register per scenario, all at once; each is killed in its state, restarted, checked."""
    names = list(SCENARIOS)
    with ThreadPoolExecutor(len(names)) as pool:
        made = list(pool.map(lambda i: lanes(f"state{i}"), range(len(names))))
        results = list(pool.map(lambda pair: _scenario(*pair), zip(names, made)))
    for name, lane, (reference, report) in zip(names, made, results):
        print(f"{name}: {reference} -> {journal_state(lane.journal, reference)}; {dict(report.outcomes)}")


def _scenario(name: str, lane: Lane) -> tuple[str, LaneReport]:
    reference = SCENARIOS[name](lane)
    return reference, check_lane(lane)


# -- at random moments -------------------------------------------------------------------------


KILLS = int(os.environ.get("PAYTERM_CRASH_KILLS", "200"))


@pytest.mark.timeout(max(600, 3 * KILLS))
def test_random_kills(lanes: Callable[[str], Lane]) -> None:
    wanted = KILLS
    seed = int(os.environ.get("PAYTERM_CRASH_SEED", str(random.SystemRandom().randrange(1 << 32))))
    count = int(os.environ.get("PAYTERM_CRASH_LANES", "16"))
    print(f"\ncrash test: seed {seed} (PAYTERM_CRASH_SEED={seed} repeats the choices), "
          f"{wanted} kills over {count} registers", file=sys.stderr)
    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        made = list(pool.map(lambda i: lanes(f"lane{i:02d}"), range(count)))
        budget = KillBudget(wanted)

        def drive(i: int) -> RandomRun:
            run = random_kills(made[i], random.Random(f"{seed}-{i}"), budget)
            made[i].settle()
            return run

        runs = list(pool.map(drive, range(count)))
        reports = list(pool.map(check_lane, made))
    landed: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    for run in runs:
        landed.update(run.kills)
        finished.update(run.finished)
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report.outcomes)
    print(f"crash test: {budget.done} kills in {time.monotonic() - started:.0f} s, seed {seed}\n"
          f"  kills landed: {dict(landed.most_common())}\n"
          f"  runs that ended before their kill: {dict(finished)}; in-app approvals while down: "
          f"{sum(r.approved_in_app for r in runs)}\n"
          f"  {sum(r.sales for r in reports)} sales, all final: {dict(outcomes)}", file=sys.stderr)
    assert budget.done >= wanted
    assert sum(r.sales for r in reports) > 0

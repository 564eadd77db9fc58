"""`payterm pos conformance` passes the reference POS client and catches broken ones case by case:
giving up on a lost answer, retrying it as a new payment (charged twice), taking InProgress or a
refused duplicate for a failure, trusting its own abort over the payment's answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from terminal.pos import conformance

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (f"{sys.executable} {ROOT / 'examples' / 'reference_pos.py'} --pairing {{pairing}} "
             "--amount {amount} --code 991234567890123456 --abort-after {abort_after} --poll 0.5")
NAIVE = f"{sys.executable} {ROOT / 'tests' / 'pos' / 'naive_pos.py'} {{pairing}} {{amount}}"
RECOVERY = ("lost_answer", "duplicated_request", "reordered_status", "in_progress", "status_after_restart")


def test_the_reference_client_passes_every_case() -> None:
    results = conformance.run(REFERENCE, timeout=60)
    assert [(r.name, r.passed) for r in results] == [(c.name, True) for c in conformance.CASES], results
    details = {r.name: r.detail for r in results}
    # The abort races: the loser of each race gets the right answer, and the money matches it.
    assert details["abort_loses_race"] == "paid, 1 charge(s)"
    assert details["abort_wins_race"] == "not paid, 0 charge(s)"
    assert details["abort_before_start"] == "paid, 1 charge(s)"


def test_the_worked_example_of_the_docs_passes_the_recovery_cases() -> None:
    example = f"{sys.executable} {ROOT / 'tests' / 'pos' / 'docs_example_pos.py'} {{pairing}} {{amount}}"
    chosen = ("approve", "decline", "lost_answer", "dropped_request", "duplicated_request", "reordered_status",
              "status_after_restart")
    results = conformance.run(example, timeout=60, only=chosen, jobs=len(chosen))
    assert [(r.name, r.passed) for r in results] == [(name, True) for name in chosen], results


def test_a_pos_that_never_asks_transaction_status_fails_the_recovery_cases() -> None:
    results = {r.name: r for r in conformance.run(NAIVE, timeout=60)}
    failed = {name for name, r in results.items() if not r.passed}
    # Without {abort_after} the abort cases cannot run, and say so.
    aborts = {c.name for c in conformance.CASES if c.abort}
    assert failed == set(RECOVERY) | aborts, results
    not_run = "not run: the POS command has no {abort_after}"
    assert all(results[name].detail.startswith(not_run) for name in aborts)
    for name in ("lost_answer", "duplicated_request", "reordered_status", "status_after_restart"):
        assert results[name].detail == ("the POS reported not paid (exit 1), expected paid "
                                        "(not paid, 1 charge(s))"), results[name]


def test_a_pos_that_retries_with_a_new_sale_transaction_id_charges_twice() -> None:
    results = {r.name: r for r in conformance.run(NAIVE + " --retry --timeout 2", timeout=60,
                                                  only=("lost_answer", "delayed_answer", "reordered_status"))}
    for name in ("lost_answer", "delayed_answer", "reordered_status"):
        assert not results[name].passed
        assert results[name].detail.startswith("the customer was charged 2 times"), results[name]


def test_a_pos_that_trusts_its_own_abort_reports_not_paid_for_a_charged_customer() -> None:
    results = {r.name: r for r in conformance.run(NAIVE + " --abort-after {abort_after}", timeout=60,
                                                  only=tuple(c.name for c in conformance.CASES if c.abort))}
    assert results["abort_awaiting_code"].passed and results["abort_in_step_up"].passed
    assert results["abort_wins_race"].passed  # its abort did win: not paid is right
    assert results["abort_loses_race"].detail == ("the POS reported not paid (exit 1), expected paid "
                                                  "(not paid, 1 charge(s))")
    assert results["abort_before_start"].detail == ("the POS reported not paid (exit 1), but the customer "
                                                    "was charged (not paid, 1 charge(s))")


def test_a_pos_that_never_aborts_fails_the_abort_cases() -> None:
    # It is given {abort_after} but ignores it: the register waits for an abort that never comes.
    never = NAIVE + " --timeout 30 # {abort_after}"
    result = conformance.run(never, timeout=60, only=("abort_awaiting_code",))[0]
    assert not result.passed and result.detail.startswith("no AbortRequest reached the register"), result


def test_the_command_reports_case_by_case() -> None:
    done = subprocess.run([sys.executable, "-m", "terminal.cli", "pos", "conformance", "--pos-command", NAIVE,
                           "--case", "approve", "--case", "lost_answer"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 4
    lines = done.stdout.splitlines()
    assert lines[0].startswith("PASS  approve") and lines[1].startswith("FAIL  lost_answer")
    assert lines[-1] == "1 of 2 cases passed"


def test_an_unknown_case_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="no such case: nope"):
        conformance.run(NAIVE, only=("nope",))

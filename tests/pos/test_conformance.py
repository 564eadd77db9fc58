"""`payterm pos conformance` passes the reference POS client and catches a naive one case by case:
giving up on a lost answer, retrying it as a new payment (charged twice), taking InProgress for
a failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from terminal.pos import conformance

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = f"{sys.executable} {ROOT / 'examples' / 'reference_pos.py'} --pairing {{pairing}} --amount {{amount}} " \
            "--code 991234567890123456"
NAIVE = f"{sys.executable} {ROOT / 'tests' / 'pos' / 'naive_pos.py'} {{pairing}} {{amount}}"


def test_the_reference_client_passes_every_case() -> None:
    results = conformance.run(REFERENCE, timeout=60)
    assert [(r.name, r.passed) for r in results] == [(c.name, True) for c in conformance.CASES], results


def test_a_naive_pos_fails_the_recovery_cases() -> None:
    results = {r.name: r for r in conformance.run(NAIVE, timeout=60)}
    assert results["approve"].passed and results["decline"].passed and results["busy"].passed
    assert not results["lost_answer"].passed and "reported not paid" in results["lost_answer"].detail
    assert not results["in_progress"].passed
    retrying = conformance.run(NAIVE + " --retry", timeout=60, only=("lost_answer",))[0]
    assert not retrying.passed and "2 charge(s), expected 1" in retrying.detail


def test_the_command_reports_case_by_case() -> None:
    done = subprocess.run([sys.executable, "-m", "terminal.cli", "pos", "conformance", "--pos-command", NAIVE,
                           "--case", "approve", "--case", "lost_answer"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 4
    lines = done.stdout.splitlines()
    assert lines[0].startswith("PASS  approve") and lines[1].startswith("FAIL  lost_answer")
    assert lines[-1] == "1 of 2 cases passed"

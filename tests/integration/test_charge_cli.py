"""`payterm charge` as scripts and POS software use it: a real process, real sandbox, exit
statuses, one JSON object, a PIN asked at a real terminal (pty), Ctrl-C cancelling at the wallet."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox

PAYTERM = [sys.executable, "-m", "terminal.cli"]


@pytest.fixture
def env(sandbox_server: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()  # enrolled once, as `payterm enroll` would
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    return {**base, **FAST_ENV, "PAYTERM_HOME": str(home)}


def charge(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PAYTERM, "charge", *args], input=stdin, env=env, capture_output=True,
                          text=True, timeout=60)


def test_approved_json_and_exit_0(env: dict[str, str], sandbox_server: RunningSandbox) -> None:
    done = charge(env, "--amount", "1200", "--code-stdin", "--reference", "POS-1", "--json",
                  stdin=sandbox_server.payment_code("alice") + "\n")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "approved" and out["amount"] == 1200 and out["currency"] == "JPY"
    assert out["reference"] == "POS-1" and out["approval_code"] and len(out["last4"]) == 4


def test_declined_exit_10(env: dict[str, str], sandbox_server: RunningSandbox) -> None:
    done = charge(env, "--amount", "1101", "--code-stdin", "--json", stdin=sandbox_server.payment_code("alice"))
    assert done.returncode == 10
    assert json.loads(done.stdout)["decline"]["code"] == "insufficient_funds"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--amount", "0", "--code-stdin"], "991234567890123456", "above zero"),
    (["--amount", "100", "--currency", "XXX", "--code-stdin"], "991234567890123456", "currency"),
    (["--amount", "100", "--code-stdin"], "https://example.com", "not a payment code"),
    (["--amount", "100", "--code-stdin"], "", "no payment code"),
    # The register's maximum per sale (register.max_sale, default ¥1,000,000) holds on every path.
    (["--amount", "1000001", "--code-stdin"], "991234567890123456", "maximum per sale"),
])
def test_bad_input_exit_2_with_a_clear_message(env: dict[str, str], args: list[str], stdin: str, message: str) -> None:
    done = charge(env, *args, stdin=stdin)
    assert done.returncode == 2 and message in done.stderr.lower()


def test_not_enrolled_exit_3(tmp_path: Path) -> None:
    env = {**os.environ, "PAYTERM_HOME": str(tmp_path / "nobody")}
    done = subprocess.run([*PAYTERM, "charge", "--amount", "1", "--code", "991234567890123456"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and "payterm enroll" in done.stderr


def test_one_time_code_from_stdin(env: dict[str, str], sandbox_server: RunningSandbox) -> None:
    """POS software collects the code on its own pad and pipes it in after the payment code."""
    proc = subprocess.Popen([*PAYTERM, "charge", "--amount", "2000", "--code-stdin", "--step-up-stdin", "--json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None
    proc.stdin.write(sandbox_server.payment_code("frank") + "\n")
    proc.stdin.flush()
    otp = None
    deadline = time.monotonic() + 20
    while otp is None and time.monotonic() < deadline:
        pending = sandbox_server.admin("GET", "/wallet/frank/state")["step_ups"]
        otp = pending[0]["otp"] if pending else None
        time.sleep(0.1)
    assert otp
    out, err = proc.communicate(otp + "\n", timeout=30)
    assert proc.returncode == 0, err
    assert json.loads(out)["status"] == "approved"


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


def test_pin_is_asked_at_a_terminal_without_echo(env: dict[str, str], sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("erin")
    pid, fd = pty.fork()
    if pid == 0:  # the child: payterm on a terminal
        os.execvpe(PAYTERM[0], [*PAYTERM, "charge", "--amount", "2000", "--code", code], env)
    try:
        seen = _read_until(fd, b"PIN", 30)
        assert b"Customer PIN (5 tries left)" in seen
        os.write(fd, b"1234\r")
        rest = _read_until(fd, b"APPROVED", 30)
        assert b"APPROVED" in rest and b"1234" not in rest  # not echoed
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0


def test_ctrl_c_during_step_up_cancels_at_the_wallet(env: dict[str, str], sandbox_server: RunningSandbox) -> None:
    proc = subprocess.Popen([*PAYTERM, "charge", "--amount", "1203", "--code-stdin", "--json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None
    proc.stdin.write(sandbox_server.payment_code("alice") + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 20
    while not sandbox_server.admin("GET", "/wallet/alice/state")["step_ups"] and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 11, err
    sale = json.loads(out)
    assert sale["status"] == "reversed"
    payments = sandbox_server.admin("GET", "/wallet/alice/state")["payments"]
    assert any(p["status"] == "cancelled" for p in payments)


@pytest.mark.parametrize(("args", "stdin", "error", "status"), [
    (["--amount", "0", "--code-stdin"], "991234567890123456", "zero_amount", 2),
    (["--amount", "100", "--currency", "XXX", "--code-stdin"], "991234567890123456", "bad_amount", 2),
    (["--amount", "100", "--code-stdin"], "https://example.com", "not_a_payment_code", 2),
    (["--amount", "100", "--code-stdin"], "", "no_code", 2),
    (["--code-stdin"], "991234567890123456", "usage", 2),  # --amount missing: argparse's own error
])
def test_json_errors_are_one_object_with_a_stable_code(
    env: dict[str, str], args: list[str], stdin: str, error: str, status: int,
) -> None:
    done = charge(env, *args, "--json", stdin=stdin)
    assert done.returncode == status, done.stderr
    out = json.loads(done.stdout)  # exactly one JSON document: anything more fails to parse
    assert out["status"] == "error" and out["error"] == error and out["message"], out
    assert done.stderr.startswith("payterm charge: ")


def test_json_code_used_twice_and_not_enrolled(env: dict[str, str], sandbox_server: RunningSandbox,
                                               tmp_path: Path) -> None:
    code = sandbox_server.payment_code("alice")
    first = json.loads(charge(env, "--amount", "500", "--code-stdin", "--json", stdin=code).stdout)
    assert first["status"] == "approved" and first["error"] is None
    again = charge(env, "--amount", "500", "--code-stdin", "--json", stdin=code)
    assert again.returncode == 2 and json.loads(again.stdout)["error"] == "already_used"
    nobody = {**env, "PAYTERM_HOME": str(tmp_path / "nobody")}
    done = charge(nobody, "--amount", "1", "--code", "991234567890123456", "--json")
    assert done.returncode == 3
    assert json.loads(done.stdout) == {"status": "error", "error": "not_ready", "message": done.stderr.split(
        "payterm charge: ", 1)[1].strip()}

"""`payterm sandbox …` through the installed console script, and `serve` as a real process."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PAYTERM = Path(sys.executable).parent / "payterm"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PAYTERM), *args], capture_output=True, text=True, timeout=60, check=False)


def test_code_commands_print_one_value(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    enroll = _run("sandbox", "enrollment-code", "--db", db)
    assert enroll.returncode == 0 and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\n", enroll.stdout)
    pay = _run("sandbox", "payment-code", "--db", db, "--customer", "alice")
    assert pay.returncode == 0 and re.fullmatch(r"99\d{16}\n", pay.stdout)
    bad = _run("sandbox", "payment-code", "--db", db, "--customer", "mallory")
    assert bad.returncode == 1 and bad.stdout == "" and "alice" in bad.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_fault_flags(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([str(PAYTERM), "sandbox", "serve", "--db", str(tmp_path / "s.db"), "--port", str(port),
                             "--fail-rate", "1", "--clock-offset", "30", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                faults = httpx.get(url + "/sandbox/faults").json()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert faults["fail_rate"] == 1.0 and faults["clock_offset_s"] == 30
        r = httpx.post(url + "/v1/charges", json={})
        assert r.status_code == 503 and r.json()["code"] == "service_unavailable"
    finally:
        proc.terminate()
        proc.wait(timeout=15)

"""kill -9 of the register right after it answered a payment: after the restart, TransactionStatus
gives the same answer, from the POS API's own ledger (the new core knows nothing of it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from terminal.pos.pairing import Pairings
from terminal.pos.store import PosStore
from terminal.pos.tls import ensure_certificate
from tests.pos import nexo
from tests.pos.pos_client import NexoClient

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(data: Path, port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.pos.serve_fake", str(data), "127.0.0.1", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
    return proc


def test_status_after_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with PosStore.in_data_dir(data) as store:
        pairing = Pairings(store).pair("front", "pos-a")
    cert = ensure_certificate(data, "register-1", extra_hosts=("127.0.0.1",))
    port = free_port()
    url = f"https://127.0.0.1:{port}/nexo"
    proc = start(data, port)
    try:
        client = NexoClient(url, "pos-a", pairing.passphrase, cert.cert_path)
        paid = nexo.response_of(client.send(nexo.payment("1", "T1", 1200)), "Payment")
        assert paid["Response"]["Result"] == "Success"
        client.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    proc = start(data, port)
    try:
        client = NexoClient(url, "pos-a", pairing.passphrase, cert.cert_path)
        status = nexo.response_of(client.send(nexo.status("2", "1")), "TransactionStatus")
        repeated = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
        assert repeated["POIData"] == paid["POIData"] and repeated["Response"] == paid["Response"]
        # and the ServiceID stays used across the restart
        again = nexo.response_of(client.send(nexo.payment("1", "T9", 1200)), "Payment")
        assert again["Response"]["ErrorCondition"] == "NotAllowed"
        client.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)

"""`payterm serve` as a real process over the real core and the sandbox: killed with -9 while a
payment is in flight, restarted, and the POS's TransactionStatus gets the final answer, which the
restarted register resolved with the wallet (charged exactly once)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from terminal.config.loader import load_settings
from terminal.journal.queries import Reader
from terminal.journal.records import HistoryQuery
from terminal.pos import wiring
from terminal.pos.pairing import Pairings
from terminal.pos.store import PosStore
from tests.pos import nexo
from tests.pos.pos_client import NexoClient
from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox

ROOT = Path(__file__).resolve().parents[2]
PAYTERM = [sys.executable, "-m", "terminal.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([*PAYTERM, "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("POS API on https://"), line
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def test_kill_9_mid_payment_then_status_after_restart(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    # Polling an unknown outcome for 30 s, not FAST_ENV's 3: the wallet keeps 1301 pending for about
    # 3 s, and a restarted register keeps its sale's deadline, so on a busy machine a 3 s window could
    # close before the wallet's approval and reverse the payment instead (a different, also correct end).
    env = {**base, **FAST_ENV, "PAYTERM_WALLET__POLL_MAX": "30", "PAYTERM_HOME": str(home),
           "PAYTERM_POS__HOST": "127.0.0.1",
           "PAYTERM_SCANNER__CAMERA": "none", "PAYTERM_POS__POI_ID": nexo.POIID}
    loaded = load_settings(env)
    with PosStore.in_data_dir(loaded.paths.data_dir) as store:
        pairing = Pairings(store).pair("front", "pos-a")
    cert = wiring.certificate(loaded)
    port = free_port()
    url = f"https://127.0.0.1:{port}/nexo"
    before = sandbox_server.admin("GET", "/sandbox/customers/alice")["balance"]

    proc = serve(env, port)
    try:
        client = NexoClient(url, "pos-a", pairing.passphrase, cert.cert_path)
        code = sandbox_server.payment_code("alice")
        # 1301: the wallet answers `pending` and approves when polled after 3 s.
        answers: list[Any] = []
        request = nexo.payment("1", "T1", 1301, code=code)
        threading.Thread(target=lambda: answers.append(_quietly(client, request)), daemon=True).start()
        journal = Reader(loaded.settings.journal.path)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _sales(journal):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        sales = _sales(journal)
        assert len(sales) == 1 and not sales[0].state.is_final, (sales, answers)  # killed mid-payment
    finally:
        kill(proc)

    proc = serve(env, port)
    try:
        client = NexoClient(url, "pos-a", pairing.passphrase, cert.cert_path)
        deadline = time.monotonic() + 40
        n = 2
        while True:
            status = nexo.response_of(client.send(nexo.status(str(n), "1")), "TransactionStatus")
            n += 1
            if status["Response"]["Result"] == "Success" or time.monotonic() > deadline:
                break
            assert status["Response"]["ErrorCondition"] == "InProgress"
            time.sleep(0.5)
        payment = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
        assert payment["Response"]["Result"] == "Success", payment
        charge_id = payment["POIData"]["POITransactionID"]["TransactionID"]
        assert [s.charge_id for s in _sales(journal)] == [charge_id]
        assert sandbox_server.admin("GET", "/sandbox/customers/alice")["balance"] == before - 1301
        # The same SaleTransactionID again: the recorded answer, no second charge.
        again = nexo.response_of(client.send(nexo.payment("9", "T1", 1301, code=code)), "Payment")
        assert again["POIData"]["POITransactionID"]["TransactionID"] == charge_id
        assert sandbox_server.admin("GET", "/sandbox/customers/alice")["balance"] == before - 1301
        client.close()
    finally:
        kill(proc)


def _sales(journal: Reader) -> list[Any]:
    try:
        return journal.history(HistoryQuery())
    except Exception:  # noqa: BLE001 - the journal may not be made yet
        return []


def _quietly(client: NexoClient, request: dict[str, Any]) -> Any:
    try:
        return client.send(request)
    except Exception as exc:  # noqa: BLE001 - the server is killed under it
        return exc

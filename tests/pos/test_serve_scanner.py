"""`payterm serve` headless with its own scanner: the POS sends only the amount, the register's
camera (here an image folder showing the customer's QR code) reads the code, the sale is charged
at the sandbox wallet and the POS gets the verdict."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import cv2

from terminal.config.loader import load_settings
from terminal.pos import wiring
from terminal.pos.pairing import Pairings
from terminal.pos.store import PosStore
from tests.pos import nexo
from tests.pos.pos_client import NexoClient
from tests.pos.test_serve_kill import free_port, kill, serve
from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox
from tests.scan_helpers import qr_symbol


def test_serve_reads_the_code_with_its_own_scanner(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()
    camera = tmp_path / "camera"
    camera.mkdir()
    code = sandbox_server.payment_code("alice")
    cv2.imwrite(str(camera / "phone.png"), qr_symbol(code))
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    env = {**base, **FAST_ENV, "PAYTERM_HOME": str(home), "PAYTERM_POS__HOST": "127.0.0.1",
           "PAYTERM_SCANNER__CAMERA": str(camera), "PAYTERM_POS__POI_ID": nexo.POIID}
    loaded = load_settings(env)
    with PosStore.in_data_dir(loaded.paths.data_dir) as store:
        pairing = Pairings(store).pair("front", "pos-a")
    cert = wiring.certificate(loaded)
    port = free_port()
    before = sandbox_server.admin("GET", "/sandbox/customers/alice")["balance"]
    proc: subprocess.Popen[str] = serve(env, port)
    try:
        client = NexoClient(f"https://127.0.0.1:{port}/nexo", "pos-a", pairing.passphrase, cert.cert_path)
        paid = nexo.response_of(client.send(nexo.payment("1", "T1", 1300)), "Payment")  # no code: scan it
        assert paid["Response"]["Result"] == "Success", paid
        assert paid["PaymentResult"]["PaymentInstrumentData"]["CardData"]["MaskedPan"] == "****" + code[-4:]
        assert sandbox_server.admin("GET", "/sandbox/customers/alice")["balance"] == before - 1300
        client.close()
    finally:
        kill(proc)

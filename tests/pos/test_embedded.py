"""The POS API inside the cashier window (`pos.enabled`): it runs over the window's own register,
so the POS's amount becomes the window's sale and the register's scanner reads the code."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from terminal.config.loader import load_settings
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.domain.paymentcode import Symbology
from terminal.pos.embedded import start_in_window
from terminal.pos.pairing import Pairings
from terminal.pos.store import PosStore
from tests.pos import nexo
from tests.pos.pos_client import NexoClient
from tests.pos.test_serve_kill import free_port
from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox


def test_the_window_takes_the_pos_amount_and_its_scanner_reads_the_code(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    home = tmp_path / "reg"
    port = free_port()
    env = {"PAYTERM_HOME": str(home), **FAST_ENV, "PAYTERM_POS__ENABLED": "true",
           "PAYTERM_POS__HOST": "127.0.0.1", "PAYTERM_POS__PORT": str(port), "PAYTERM_POS__POI_ID": nexo.POIID}
    register = make_register(home, sandbox_server, **{k: v for k, v in env.items() if k != "PAYTERM_HOME"})
    loaded = load_settings(env)
    assert loaded.settings.pos.enabled
    with PosStore.in_data_dir(loaded.paths.data_dir) as store:
        pairing = Pairings(store).pair("front", "pos-a")
    api = start_in_window(loaded, register)
    try:
        client = NexoClient(f"https://127.0.0.1:{port}/nexo", "pos-a", pairing.passphrase, api.certificate.cert_path)
        answers: list[Any] = []
        paying = threading.Thread(target=lambda: answers.append(client.send(nexo.payment("1", "T1", 1400))))
        paying.start()
        # What the window shows: the POS's amount, waiting for the code (nobody typed it).
        sale = register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, 10)
        assert sale.amount == Money(1400, "JPY")
        assert register.code_read(sandbox_server.payment_code("alice"), Symbology.QR_CODE) is None  # the scanner
        paying.join(30)
        paid = nexo.response_of(answers[0], "Payment")
        assert paid["Response"]["Result"] == "Success"
        assert register.sale.state is SaleState.APPROVED and register.sale.charge_id == (
            paid["POIData"]["POITransactionID"]["TransactionID"])
        # No manager prompt in the window yet: a reversal is refused and nothing goes back.
        charge_id = paid["POIData"]["POITransactionID"]["TransactionID"]
        refused = nexo.response_of(client.send(nexo.reversal("2", charge_id, 100)), "Reversal")["Response"]
        assert refused["ErrorCondition"] == "NotAllowed" and "manager" in refused["AdditionalResponse"]
        client.close()
    finally:
        api.stop()
        register.close()

"""`payterm demo --pos`: a register enrolled with the demo's sandbox wallet, serving the local
Terminal API headless on loopback, with one POS paired and its pairing written to a file for the
reference POS client (examples/reference_pos.py). Test money only."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from terminal.config.loader import LoadedSettings, load_settings
from terminal.pos import wiring
from terminal.pos.manager import terminal_prompt
from terminal.pos.pairing import Pairings
from terminal.pos.register_core import RegisterPaymentCore
from terminal.pos.store import PosStore
from terminal.register import enrollment as enrollment_file
from terminal.register.setup import enrollment_path, open_keys, open_register

DEMO_MANAGER_PIN = "2468"
DEMO_POI_ID = "PayTerm-demo"
DEMO_POS = "demo-pos"


def demo_settings(home: Path, port: int) -> LoadedSettings:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAYTERM_")}
    env.update({
        "PAYTERM_HOME": str(home), "PAYTERM_REGISTER__NAME": "Register 1",
        "PAYTERM_KEYS__DEVELOPMENT_MODE": "true",  # the demo's KEK file beside its key (docs/keys.md)
        "PAYTERM_POS__HOST": "127.0.0.1", "PAYTERM_POS__PORT": str(port), "PAYTERM_POS__POI_ID": DEMO_POI_ID,
        "PAYTERM_SCANNER__CAMERA": "none",  # the POS passes the code its own scanner read
    })
    return load_settings(env)


def run(wallet_url: str, enrollment_code: Callable[[], str], home: Path, pairing_file: Path, port: int) -> int:
    loaded = demo_settings(home, port)
    store = open_keys(loaded.settings, create_kek=True)
    # Its own sandbox on loopback, started a moment ago: nobody can be in between.
    enrollment, _ = enrollment_file.enroll(wallet_url, enrollment_code(), store, trust_on_first_use=True)
    enrollment_file.save(enrollment, enrollment_path(loaded))
    register = open_register(loaded, receipts=False)
    register.manager_pin().set_first(
        DEMO_MANAGER_PIN, setup_token=enrollment.manager_setup_token, actor="demo")
    with PosStore.in_data_dir(loaded.paths.data_dir) as pos_store:
        pairing = Pairings(pos_store).pair("demo POS", DEMO_POS)
    core = RegisterPaymentCore(register, loaded, approve=terminal_prompt)
    api = wiring.build_api(loaded, core)
    host, real_port = api.server.address
    info = {
        "endpoint": f"https://{host}:{real_port}/nexo", "poi_id": DEMO_POI_ID,
        "key_identifier": pairing.key_identifier, "passphrase": pairing.passphrase,
        "certificate_file": str(api.certificate.cert_path), "certificate_sha256": api.certificate.fingerprint,
        "sandbox_wallet": wallet_url,  # demo only: where the reference client gets a customer's code
    }
    fd = os.open(pairing_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh, indent=2)
    print(f"PayTerm POS demo: sandbox wallet at {wallet_url} (test money only).\n"
          f"POS API on {info['endpoint']}, POIID {DEMO_POI_ID}, one POS paired ({DEMO_POS}).\n"
          f"Its pairing (passphrase included) is in {pairing_file}; take a payment with:\n"
          f"  .venv/bin/python examples/reference_pos.py --pairing {pairing_file} --amount 1200\n"
          f"A ReversalRequest asks for the manager PIN here ({DEMO_MANAGER_PIN}). Ctrl-C stops.", flush=True)
    # Ctrl-C (and a SIGTERM) stop it, even when started from a shell that ignores SIGINT in
    # background jobs (the ignored disposition is inherited, and Python then installs no handler).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        api.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
        core.close()
    return 0

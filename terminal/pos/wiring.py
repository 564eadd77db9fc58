"""Putting the local Terminal API together from the settings: the store, the pairings, the TLS
certificate, the handlers, the gateway and the HTTPS server, around a ``PaymentCore``."""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

from terminal.config.loader import LoadedSettings
from terminal.pos.core import PaymentCore
from terminal.pos.gateway import Gateway
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.pairing import Pairings
from terminal.pos.replay import ReplayGuard
from terminal.pos.server import PosServer, tls_context
from terminal.pos.store import PosStore
from terminal.pos.tls import RegisterCertificate, ensure_certificate


def poi_id(loaded: LoadedSettings) -> str:
    """The POIID: set in config, else the register's name in printable ASCII."""
    if loaded.settings.pos.poi_id:
        return loaded.settings.pos.poi_id
    ascii_name = re.sub(r"[^\x21-\x7e]+", "-", loaded.settings.register.name).strip("-")[:64]
    return ascii_name or "PayTerm-register"


def certificate(loaded: LoadedSettings) -> RegisterCertificate:
    host = loaded.settings.pos.host
    extra = () if host in ("0.0.0.0", "::", "") else (host,)
    return ensure_certificate(loaded.paths.data_dir, loaded.settings.register.name, extra_hosts=extra)


def endpoint(loaded: LoadedSettings) -> str:
    host = loaded.settings.pos.host
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    return f"https://{host}:{loaded.settings.pos.port}/nexo"


@dataclass
class PosApi:
    server: PosServer
    store: PosStore
    certificate: RegisterCertificate

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
        self.store.close()


def build_api(
    loaded: LoadedSettings, core: PaymentCore, *, host: str | None = None, port: int | None = None
) -> PosApi:
    """The API, listening but not yet serving (``start`` serves on a thread)."""
    pos = loaded.settings.pos
    store = PosStore.in_data_dir(loaded.paths.data_dir)
    cert = certificate(loaded)
    handlers = Handlers(
        core,
        Ledger(store),
        HandlerSettings(
            poi_id=poi_id(loaded),
            currency=loaded.settings.register.currency,
            payment_wait=pos.payment_wait,
            reversal_wait=pos.payment_wait,
        ),
    )
    gateway = Gateway(
        handlers,
        Pairings(store),
        ReplayGuard(time.monotonic, pos.replay_window),
        poi_id(loaded),
        allow_plain_on_loopback=pos.plain_json_on_loopback,
    )
    server = PosServer(
        gateway,
        pos.host if host is None else host,
        pos.port if port is None else port,
        tls_context(cert.cert_path, cert.key_path),
    )
    return PosApi(server, store, cert)

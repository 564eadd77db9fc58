"""Shared fixtures for anything that talks to the sandbox wallet.

`sandbox_server`: a real uvicorn sandbox on a free 127.0.0.1 port with a fresh SQLite file in
tmp_path. `SignedClient`: enrolls a real Ed25519 device key and sends RFC 9421-signed requests
exactly as a register would, and checks the wallet's response signatures.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.server import SandboxServer
from sandbox.settings import Faults, Knobs, RiskPolicy
from sandbox.state import Sandbox, open_sandbox
from terminal.crypto import (
    Alg,
    HttpRequest,
    HttpResponse,
    KeySigner,
    PrivateKeySigner,
    VerifiedSignature,
    VerifyKey,
    public_key_b64,
    public_key_from_b64,
    sign_request,
    verify_response,
)
from terminal.crypto.keystore import fingerprint
from terminal.crypto.pin import manager_binding, seal_manager_pin


@dataclass
class RunningSandbox:
    server: SandboxServer
    db_path: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call a loopback /sandbox/ admin endpoint; returns the decoded JSON."""
        r = httpx.request(method, self.url + path, timeout=10, **kwargs)
        r.raise_for_status()
        return r.json()

    @property
    def wallet_key_fingerprint(self) -> str:
        """What the wallet provider tells IT out of band: its signing key's fingerprint."""
        return fingerprint(self.sandbox.keys.signer.public_key_bytes())

    def payment_code(self, customer: str) -> str:
        return str(self.admin("POST", f"/sandbox/customers/{customer}/payment-codes")["payment_code"])

    def enrollment_code(self) -> str:
        return str(self.admin("POST", "/sandbox/enrollment-codes")["enrollment_code"])

    def set_faults(self, **faults: Any) -> None:
        self.admin("POST", "/sandbox/faults", json=Faults(**faults).model_dump())

    def set_risk(self, **risk: Any) -> None:
        self.admin("POST", "/sandbox/risk", json=RiskPolicy(**risk).model_dump())


@pytest.fixture
def sandbox_server(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A fresh sandbox wallet on 127.0.0.1 (real uvicorn, real SQLite file), stopped afterwards."""
    db_path = tmp_path / "sandbox.sqlite3"
    server = SandboxServer(open_sandbox(db_path, Knobs()), "127.0.0.1", 0).start()
    try:
        yield RunningSandbox(server, db_path)
    finally:
        server.stop()


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Sent:
    """One exchange: the signed request as sent and the response as received."""

    request: HttpRequest
    response: httpx.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()


MANAGER_PIN = "2468"  # every test register's manager PIN (held by the sandbox wallet)


@dataclass
class SignedClient:
    """A register's view of the wallet: its device key, the pinned wallet keys, signed calls."""

    http: httpx.Client
    base_url: str
    signer: KeySigner = field(default_factory=PrivateKeySigner.generate)
    device_id: str | None = None
    wallet_keys: dict[str, VerifyKey] = field(default_factory=dict)
    pin_public_key: bytes = b""
    clock: Callable[[], int] = lambda: int(time.time())

    def build(self, method: str, path: str, *, body: bytes | None = None, json_body: Any = None,
              headers: tuple[tuple[str, str], ...] = (), content_type: str | None = "application/json",
              ) -> HttpRequest:
        if json_body is not None:
            body = json.dumps(json_body).encode()
        hdrs = tuple(headers)
        if body is not None and content_type:
            hdrs = (("Content-Type", content_type),) + hdrs
        return HttpRequest(method, self.base_url + path, hdrs, body or b"")

    def sign(self, req: HttpRequest, *, keyid: str | None = None, now: int | None = None,
             signer: KeySigner | None = None, label: str = "sig1", **kw: Any) -> HttpRequest:
        return sign_request(req, signer or self.signer, keyid=keyid or self.device_id or "enroll",
                            now=self.clock() if now is None else now, label=label, **kw)

    def send_raw(self, req: HttpRequest) -> Sent:
        resp = self.http.request(req.method, req.url, content=req.body, headers=list(req.headers))
        return Sent(req, resp)

    def call(self, method: str, path: str, json_body: Any = None, *,
             idempotency_key: str | None = None, **sign_kw: Any) -> Sent:
        headers = (("Idempotency-Key", idempotency_key),) if idempotency_key else ()
        req = self.build(method, path, json_body=json_body, headers=headers,
                         body=b"" if json_body is None and method == "POST" else None)
        return self.send_raw(self.sign(req, **sign_kw))

    def verify(self, sent: Sent, *, now: int | None = None) -> VerifiedSignature:
        """Check the wallet's signature on the response and its binding to OUR request (including
        our sig1 signature, when the request carried one)."""
        r = sent.response
        resp = HttpResponse(r.status_code, tuple(r.headers.multi_items()), r.content)
        return verify_response(resp, sent.request, keys=self.wallet_keys,
                               now=self.clock() if now is None else now,
                               require_request_signature=sent.request.header("signature") is not None)

    def enroll(self, code: str) -> Sent:
        body = {"enrollment_code": code, "public_key": public_key_b64(self.signer.public_key_bytes()),
                "alg": Alg(self.signer.alg).value}
        sent = self.send_raw(self.sign(self.build("POST", "/v1/devices/enroll", json_body=body), keyid="enroll"))
        if sent.status == 201:
            data = sent.json()
            self.device_id = data["device_id"]
            self.wallet_keys = {k["keyid"]: VerifyKey(Alg(k["alg"]), public_key_from_b64(k["public_key"]))
                                for k in data["wallet_keys"]}
            self.pin_public_key = public_key_from_b64(data["pin_key"]["public_key"])
        return sent

    def charge(self, amount: int, code: str, *, currency: str = "JPY", key: str | None = None,
               reference: str = "R-1") -> Sent:
        body = {"amount": amount, "currency": currency, "payment_code": code, "merchant_reference": reference}
        return self.call("POST", "/v1/charges", body, idempotency_key=key or new_key())

    # -- the manager's authorization (held by the wallet) ----------------------------------------

    manager_pin: str = MANAGER_PIN
    _manager_set: bool = False

    def set_manager_pin(self) -> None:
        """Give this device a manager PIN at the wallet, as IT does: a reset code from the admin side."""
        issued = self.http.post(f"{self.base_url}/sandbox/devices/{self.device_id}/manager-reset-codes")
        issued.raise_for_status()
        nonce = secrets.token_urlsafe(18)
        new = seal_manager_pin(self.manager_pin, manager_binding(self.device_id or "", "new", nonce),
                               self.pin_public_key)
        sent = self.call("POST", "/v1/devices/manager-pin",
                         {"nonce": nonce, "new_pin_block": new, "reset_code": issued.json()["reset_code"]})
        if sent.status != 200:
            raise RuntimeError(f"setting the manager PIN failed: {sent.response.text}")
        self._manager_set = True

    def manager_auth(self, purpose: str, *fields: str | int, pin: str | None = None) -> dict[str, str]:
        if not self._manager_set:
            self.set_manager_pin()
        nonce = secrets.token_urlsafe(18)
        block = seal_manager_pin(pin or self.manager_pin,
                                 manager_binding(self.device_id or "", purpose, *fields, nonce), self.pin_public_key)
        return {"nonce": nonce, "pin_block": block}

    def refund(self, path: str, body: dict[str, Any], key: str) -> Sent:
        """POST a refund the manager authorized (path ``/v1/charges/{id}/refunds``)."""
        charge_id = path.split("/")[3]
        auth = self.manager_auth("refund", charge_id, key, body["amount"], body["currency"])
        return self.call("POST", path, {**body, "manager_authorization": auth}, idempotency_key=key)


@pytest.fixture
def enrolled(sandbox_server: RunningSandbox) -> Iterator[SignedClient]:
    """A device enrolled at a fresh sandbox, with an httpx client to it."""
    with httpx.Client(timeout=10) as http:
        client = SignedClient(http, sandbox_server.url)
        sent = client.enroll(sandbox_server.enrollment_code())
        if sent.status != 201:
            raise RuntimeError(f"enrollment failed: {sent.response.text}")
        yield client

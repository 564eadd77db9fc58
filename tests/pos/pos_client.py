"""A small Python POS client for the tests: NexoBlob-protected requests over pinned HTTPS."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from terminal.pos import nexo_crypto as nc


@dataclass
class Sent:
    status: int
    body: bytes
    secured: dict[str, Any] | None  # what was posted


class NexoClient:
    def __init__(
        self, url: str, key_identifier: str, passphrase: str, cafile: Path, key_version: int = 1
    ) -> None:
        self.url = url
        self.key_identifier = key_identifier
        self.key_version = key_version
        self.keys = nc.derive_keys(passphrase)
        context = ssl.create_default_context(cafile=str(cafile))
        self.http = httpx.Client(verify=context, timeout=30.0)

    def close(self) -> None:
        self.http.close()

    def seal(self, request: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(request).encode()
        blob, trailer = nc.seal(
            text, self.keys, key_identifier=self.key_identifier, key_version=self.key_version
        )
        return nc.secured_json(
            "SaleToPOIRequest", request["SaleToPOIRequest"]["MessageHeader"], blob, trailer
        )

    def post_raw(self, body: bytes) -> Sent:
        r = self.http.post(self.url, content=body, headers={"Content-Type": "application/json"})
        return Sent(r.status_code, r.content, None)

    def post(self, secured: dict[str, Any]) -> Sent:
        sent = self.post_raw(json.dumps(secured).encode())
        return Sent(sent.status, sent.body, secured)

    def open(self, body: bytes) -> dict[str, Any]:
        secured = nc.parse_secured(json.loads(body), "SaleToPOIResponse")
        out: dict[str, Any] = json.loads(nc.open_blob(secured.blob, secured.trailer, self.keys))
        return out

    def send(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """Seal, post, open: the answer, or None for an empty one (accepted abort)."""
        sent = self.post(self.seal(request))
        assert sent.status == 200, (sent.status, sent.body[:500])
        return self.open(sent.body) if sent.body else None

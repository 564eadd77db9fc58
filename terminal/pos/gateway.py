"""One HTTP body in, one HTTP answer out: the envelope around the handlers.

Order of checks, so that nothing unauthenticated reaches a handler or fills any memory:
JSON -> envelope shape -> paired, active key -> HMAC (constant time) -> inner header equals the
clear header -> not a replay -> handler. Failures before the key is known are answered in clear
(HTTP 400/401, a nexo Failure with ErrorCondition, nothing secret in it); after, they are
answered encrypted like any response (HTTP 200), since only the paired POS can read them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from terminal.pos import nexo_crypto as nc
from terminal.pos.core import PosIdentity
from terminal.pos.handlers import Handlers
from terminal.pos.messages import ErrorCondition, NexoFailure, dump_json, failure, parse_json
from terminal.pos.pairing import ActiveKey, Pairings
from terminal.pos.replay import Replayed, ReplayGuard

log = logging.getLogger(__name__)

PLAIN_POS = PosIdentity("plain-loopback", "development (plain JSON on loopback)")


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes  # empty: an accepted abort, as Adyen terminals answer it


class Gateway:
    def __init__(
        self,
        handlers: Handlers,
        pairings: Pairings,
        replay: ReplayGuard,
        poi_id: str,
        *,
        allow_plain_on_loopback: bool = False,
    ) -> None:
        self._handlers = handlers
        self._pairings = pairings
        self._replay = replay
        self._poi_id = poi_id
        self._allow_plain = allow_plain_on_loopback

    def process(self, raw: bytes, *, peer_is_loopback: bool) -> Reply:
        try:
            body = parse_json(raw)
        except NexoFailure as exc:
            return self._clear(400, None, exc.condition, exc.message)
        outer = body.get("SaleToPOIRequest") if isinstance(body, dict) else None
        if not isinstance(outer, dict):
            return self._clear(
                400, None, ErrorCondition.MESSAGE_FORMAT, 'expected {"SaleToPOIRequest": {...}}'
            )
        if "SecurityTrailer" not in outer and "NexoBlob" not in outer:
            if self._allow_plain and peer_is_loopback:
                return self._answer(self._handlers.handle(PLAIN_POS, outer), None)
            return self._clear(
                401,
                outer,
                ErrorCondition.NOT_ALLOWED,
                "messages must be protected (NexoBlob + SecurityTrailer): pair this POS with "
                "`payterm pos pair`",
            )
        try:
            secured = nc.parse_secured(body)
        except nc.MalformedSecuredMessage as exc:
            return self._clear(400, outer, ErrorCondition.MESSAGE_FORMAT, str(exc))
        trailer = secured.trailer
        key = self._pairings.active_key(trailer.key_identifier, trailer.key_version)
        if key is None:
            log.warning("POS request with an unknown or revoked key identifier")
            return self._clear(
                401,
                outer,
                ErrorCondition.NOT_ALLOWED,
                "unknown or revoked KeyIdentifier/KeyVersion: pair this POS with `payterm pos pair`",
            )
        try:
            plain = nc.open_blob(secured.blob, trailer, key.keys)
        except nc.UnsupportedCryptoVersion as exc:
            return self._clear(400, outer, ErrorCondition.MESSAGE_FORMAT, str(exc))
        except nc.BadMac:
            log.warning("POS request failed its HMAC check (key %s)", key.key_identifier)
            return self._clear(
                401,
                outer,
                ErrorCondition.NOT_ALLOWED,
                "the message could not be authenticated: check the passphrase for this key",
            )
        return self._authenticated(plain, secured, key)

    def _authenticated(self, plain: bytes, secured: nc.SecuredMessage, key: ActiveKey) -> Reply:
        try:
            inner_body = parse_json(plain)
        except NexoFailure as exc:
            return self._answer(failure(None, "", exc.condition, exc.message, ("", "", self._poi_id)), key)
        inner = inner_body.get("SaleToPOIRequest") if isinstance(inner_body, dict) else None
        if not isinstance(inner, dict) or inner.get("MessageHeader") != secured.header:
            return self._answer(
                failure(
                    None,
                    _category(secured.header),
                    ErrorCondition.MESSAGE_FORMAT,
                    "the MessageHeader in clear differs from the protected one",
                    ("", "", self._poi_id),
                ),
                key,
            )
        sale_id, service_id = secured.header.get("SaleID"), secured.header.get("ServiceID")
        if isinstance(sale_id, str) and isinstance(service_id, str):
            try:
                self._replay.check(key.key_identifier, secured.trailer.nonce, sale_id, service_id)
            except Replayed as exc:
                log.warning("replayed POS message refused (key %s)", key.key_identifier)
                return self._answer(
                    failure(
                        None,
                        _category(secured.header),
                        ErrorCondition.NOT_ALLOWED,
                        f"{exc}: each request needs a new ServiceID",
                        (sale_id[:64], service_id[:64], self._poi_id),
                    ),
                    key,
                )
        pos = PosIdentity(key.key_identifier, key.pos_name)
        return self._answer(self._handlers.handle(pos, inner), key)

    def _answer(self, response: dict[str, Any] | None, key: ActiveKey | None) -> Reply:
        if response is None:
            return Reply(200, b"")
        text = dump_json(response)
        if key is None:
            return Reply(200, text)
        blob, trailer = nc.seal(
            text, key.keys, key_identifier=key.key_identifier, key_version=key.key_version
        )
        header = response["SaleToPOIResponse"]["MessageHeader"]
        return Reply(200, dump_json(nc.secured_json("SaleToPOIResponse", header, blob, trailer)))

    def _clear(
        self, status: int, outer: dict[str, Any] | None, condition: ErrorCondition, message: str
    ) -> Reply:
        header = outer.get("MessageHeader") if outer else None
        ids = (_field(header, "SaleID"), _field(header, "ServiceID"), self._poi_id)
        return Reply(status, dump_json(failure(None, _category(header), condition, message, ids)))


def _field(header: object, name: str) -> str:
    value = header.get(name) if isinstance(header, dict) else None
    return value[:64] if isinstance(value, str) else ""


def _category(header: object) -> str:
    value = header.get("MessageCategory") if isinstance(header, dict) else None
    return value if isinstance(value, str) and value.isalpha() and len(value) <= 32 else ""

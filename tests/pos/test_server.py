"""The HTTPS endpoint and its envelope: every protocol and security error gets a clear nexo
Failure with an ErrorCondition, and nothing is charged."""

from __future__ import annotations

import json
import socket
import ssl
import stat
import time
from pathlib import Path

import httpx
import pytest

from terminal.pos.messages import parse_json
from tests.pos import nexo
from tests.pos.fake_core import FakeCore
from tests.pos.server_fixtures import RunningApi, start_api


def clear_failure(body: bytes, category: str) -> dict[str, str]:
    answer = json.loads(body)["SaleToPOIResponse"]
    response: dict[str, str] = answer[f"{category}Response"]["Response"]
    assert response["Result"] == "Failure"
    return response


def test_payment_over_https(api: RunningApi) -> None:
    client = api.client()
    answer = client.send(nexo.payment("1", "T1", 1200))
    assert nexo.response_of(answer, "Payment")["Response"]["Result"] == "Success"
    assert api.core.charges == 1


def test_malformed_json(api: RunningApi) -> None:
    sent = api.client().post_raw(b'{"SaleToPOIRequest": ')
    assert sent.status == 400
    assert clear_failure(sent.body, "Event")["ErrorCondition"] == "MessageFormat"
    assert api.core.charges == 0


def test_unknown_key_and_wrong_passphrase_and_revoked_key(api: RunningApi) -> None:
    for client in (api.client(key_identifier="pos-unknown"), api.client(passphrase="not-the-passphrase")):
        sent = client.post(client.seal(nexo.payment("1", "T1")))
        assert sent.status == 401
        response = clear_failure(sent.body, "Payment")
        assert response["ErrorCondition"] == "NotAllowed"
        assert "pair" in response["AdditionalResponse"] or "passphrase" in response["AdditionalResponse"]
    assert api.pairings.unpair("pos-a")
    client = api.client()
    sent = client.post(client.seal(nexo.payment("2", "T2")))
    assert sent.status == 401 and clear_failure(sent.body, "Payment")["ErrorCondition"] == "NotAllowed"
    assert api.core.charges == 0


def test_altered_blob_is_refused(api: RunningApi) -> None:
    client = api.client()
    secured = client.seal(nexo.payment("1", "T1"))
    blob = secured["SaleToPOIRequest"]["NexoBlob"]
    secured["SaleToPOIRequest"]["NexoBlob"] = ("B" if blob[0] != "B" else "C") + blob[1:]
    sent = client.post(secured)
    assert sent.status == 401 and clear_failure(sent.body, "Payment")["ErrorCondition"] == "NotAllowed"
    assert api.core.charges == 0


def test_replayed_blob_is_refused(api: RunningApi) -> None:
    client = api.client()
    secured = client.seal(nexo.payment("1", "T1"))
    first = client.post(secured)
    replay = client.post(secured)
    assert nexo.response_of(client.open(first.body), "Payment")["Response"]["Result"] == "Success"
    response = nexo.response_of(client.open(replay.body), "Payment")["Response"]
    assert (response["Result"], response["ErrorCondition"]) == ("Failure", "NotAllowed")
    # the same ServiceID under a new nonce is a replay as well
    again = client.send(nexo.payment("1", "T1"))
    assert nexo.response_of(again, "Payment")["Response"]["ErrorCondition"] == "NotAllowed"
    assert api.core.charges == 1


def test_clear_header_must_match_the_protected_one(api: RunningApi) -> None:
    client = api.client()
    secured = client.seal(nexo.payment("1", "T1", 1200))
    secured["SaleToPOIRequest"]["MessageHeader"]["ServiceID"] = "99"
    answer = client.open(client.post(secured).body)
    assert nexo.response_of(answer, "Payment")["Response"]["ErrorCondition"] == "MessageFormat"
    assert api.core.charges == 0


def test_unknown_category_is_unavailable_service(api: RunningApi) -> None:
    answer = api.client().send(nexo.simple("Display", "1"))
    assert nexo.response_of(answer, "Display")["Response"]["ErrorCondition"] == "UnavailableService"


def test_plain_json_is_refused_unless_allowed_on_loopback(api: RunningApi, tmp_path: Path) -> None:
    sent = api.client().post_raw(json.dumps(nexo.payment("1", "T1")).encode())
    assert sent.status == 401
    assert "NexoBlob" in clear_failure(sent.body, "Payment")["AdditionalResponse"]
    assert api.core.charges == 0
    dev, server = start_api(tmp_path / "dev", FakeCore(), plain=True)
    try:
        sent = dev.client().post_raw(json.dumps(nexo.payment("1", "T1")).encode())
        assert sent.status == 200
        assert (
            parse_json(sent.body)["SaleToPOIResponse"]["PaymentResponse"]["Response"]["Result"] == "Success"
        )
    finally:
        server.stop()
        dev.store.close()


def test_http_surface(api: RunningApi) -> None:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(api.cert.cert_path))) as http:
        assert http.get(api.url).status_code == 405
        assert http.post(api.url.replace("/nexo", "/other"), content=b"{}").status_code == 404
        assert http.post(api.url + "/", content=b"{}").status_code == 400  # Adyen's libraries add the slash
        assert http.post(api.url, content=b"x" * 70_000).status_code == 413
    with pytest.raises(httpx.HTTPError):
        httpx.post(api.url.replace("https", "http"), content=b"{}", timeout=5)


def test_files_are_private(api: RunningApi) -> None:
    for path in (api.data_dir / "pos.sqlite3", api.cert.cert_path, api.cert.key_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    raw = (api.data_dir / "pos.sqlite3").read_bytes()
    wal = api.data_dir / "pos.sqlite3-wal"
    if wal.exists():
        raw += wal.read_bytes()
    assert api.pairing.passphrase.encode() not in raw  # only derived keys are kept


def test_two_pos_systems_at_once_each_with_its_own_key(api: RunningApi) -> None:
    second = api.pairings.pair("back counter", "pos-b")
    a = api.client()
    b = api.client(passphrase=second.passphrase, key_identifier="pos-b")
    answer_a = a.send(nexo.payment("1", "T1", 100, sale_id="POS-A"))
    sent_b = b.post(b.seal(nexo.payment("1", "T1", 200, sale_id="POS-B")))
    answer_b = b.open(sent_b.body)
    assert nexo.response_of(answer_a, "Payment")["Response"]["Result"] == "Success"
    assert nexo.response_of(answer_b, "Payment")["Response"]["Result"] == "Success"
    assert api.core.charges == 2
    with pytest.raises(Exception, match="cannot be opened"):
        a.open(sent_b.body)  # one POS cannot read another's answers
    # nor ask about its payments
    status = a.send(nexo.status("2", "1", sale_id="POS-B"))
    assert nexo.response_of(status, "TransactionStatus")["Response"]["ErrorCondition"] == "NotFound"


def test_connections_are_capped_and_slots_come_back(tmp_path: Path) -> None:
    from terminal.pos.server import PosServer, tls_context

    dev, server = start_api(tmp_path, FakeCore())
    server.stop()
    small = PosServer(
        server._server.gateway,
        dev.host,
        8443,
        tls_context(dev.cert.cert_path, dev.cert.key_path),
        max_connections=2,
    )
    small.start(poll_interval=0.05)
    try:
        idle = [socket.create_connection((dev.host, 8443)) for _ in range(2)]  # silent: hold both slots
        client = dev.client()
        with pytest.raises(httpx.HTTPError):
            client.send(nexo.simple("Diagnosis", "1"))
        for s in idle:
            s.close()
        answer = None
        for attempt in range(50):  # the slots come back once those connections end
            try:
                answer = dev.client().send(nexo.simple("Diagnosis", f"d{attempt}"))
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert nexo.response_of(answer, "Diagnosis")["Response"]["Result"] == "Success"
    finally:
        small.stop()
        dev.store.close()

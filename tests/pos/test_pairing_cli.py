"""`payterm pos pair|unpair|list`: manager-authorized, secrets made by PayTerm, shown once, stored
only as derived keys in a 0600 file of the data directory."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from cryptography import x509

from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.pos.nexo_crypto import derive_keys
from terminal.pos.pairing import Pairings
from terminal.pos.store import PosStore
from terminal.pos.tls import fingerprint
from tests.cli_helpers import MANAGER_PIN as PIN
from tests.cli_helpers import payterm
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_server: RunningSandbox) -> Path:
    """An enrolled register whose manager PIN the wallet holds (pairing is checked there)."""
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path))
    monkeypatch.setenv("PAYTERM_REGISTER__NAME", "レジ 1 front")
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")
    assert payterm(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url,
                    "--code", sandbox_server.enrollment_code()]) == 0
    return tmp_path


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_pair_prints_what_the_pos_needs_and_keeps_no_passphrase(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        monkeypatch,
        capsys,
        PIN + "\n",
        "pos",
        "pair",
        "--name",
        "front counter",
        "--manager-pin-stdin",
        "--json",
    )
    assert status == 0, err
    info = json.loads(out)
    assert info["key_version"] == 1 and info["adyen_crypto_version"] == 1
    assert info["endpoint"].startswith("https://") and info["endpoint"].endswith(":8443/nexo")
    assert info["poi_id"] == "1-front"  # the register's name in printable ASCII
    assert len(info["passphrase"]) >= 32  # 192 random bits, base64url
    cert = x509.load_pem_x509_certificate(info["certificate_pem"].encode())
    assert fingerprint(cert) == info["certificate_sha256"]
    assert cert.subject.rfc4514_string().startswith("O=PayTerm register,CN=レジ 1 front")
    data = home / "data"
    for name in ("pos.sqlite3", "pos-tls-cert.pem", "pos-tls-key.pem"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    every_file = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert info["passphrase"].encode() not in every_file
    assert info["passphrase"] not in err
    with PosStore.in_data_dir(data) as store:
        key = Pairings(store).active_key(info["key_identifier"], 1)
        assert (
            key is not None
            and key.keys == derive_keys(info["passphrase"])
            and key.pos_name == "front counter"
        )
    # two pairings never share a passphrase or a key identifier
    status, out2, _ = run(
        monkeypatch, capsys, PIN + "\n", "pos", "pair", "--name", "back", "--manager-pin-stdin", "--json"
    )
    second = json.loads(out2)
    assert second["passphrase"] != info["passphrase"] and second["key_identifier"] != info["key_identifier"]


def test_wrong_pin_pairs_nothing_and_unpair_revokes(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(monkeypatch, capsys, "1357\n", "pos", "pair", "--name", "x", "--manager-pin-stdin")
    assert status == 2 and "wrong manager PIN" in err and out == ""
    status, out, _ = run(monkeypatch, capsys, "", "pos", "list")
    assert status == 0 and out == ""

    status, out, _ = run(
        monkeypatch,
        capsys,
        PIN + "\n",
        "pos",
        "pair",
        "--name",
        "till 2",
        "--key-id",
        "till-2",
        "--manager-pin-stdin",
    )
    assert status == 0 and "till-2" in out and "BEGIN CERTIFICATE" in out
    status, _, err = run(monkeypatch, capsys, "1357\n", "pos", "unpair", "till-2", "--manager-pin-stdin")
    assert status == 2
    status, out, _ = run(monkeypatch, capsys, PIN + "\n", "pos", "unpair", "till-2", "--manager-pin-stdin")
    assert status == 0 and "revoked till-2" in out
    status, out, _ = run(monkeypatch, capsys, "", "pos", "list")
    assert out.split("\t")[:3] == ["till-2", "v1", "revoked"]
    with PosStore.in_data_dir(home / "data") as store:
        assert Pairings(store).active_key("till-2", 1) is None
    status, _, err = run(monkeypatch, capsys, PIN + "\n", "pos", "unpair", "till-2", "--manager-pin-stdin")
    assert status == 2 and "no active POS key" in err
    status, _, err = run(
        monkeypatch,
        capsys,
        PIN + "\n",
        "pos",
        "pair",
        "--name",
        "again",
        "--key-id",
        "till-2",
        "--manager-pin-stdin",
    )
    assert status == 2 and "already in use or was revoked" in err


def test_the_api_built_from_the_settings_serves_a_paired_pos(home: Path) -> None:
    from terminal.pos import wiring
    from tests.pos import nexo
    from tests.pos.fake_core import FakeCore
    from tests.pos.pos_client import NexoClient

    loaded = load_settings({"PAYTERM_HOME": str(home), "PAYTERM_POS__POI_ID": nexo.POIID})
    api = wiring.build_api(loaded, FakeCore(), host="127.0.0.1", port=0)
    api.server.start(poll_interval=0.05)
    try:
        new = Pairings(api.store).pair("front", "pos-a")
        host, port = api.server.address
        client = NexoClient(f"https://{host}:{port}/nexo", "pos-a", new.passphrase, api.certificate.cert_path)
        answer = client.send(nexo.simple("Diagnosis", "1"))
        assert answer is not None
        assert answer["SaleToPOIResponse"]["DiagnosisResponse"]["POIStatus"]["GlobalStatus"] == "OK"
        client.close()
    finally:
        api.stop()

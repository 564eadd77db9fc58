"""Anyone on the network path, without any key, tries to freeze or exhaust the register: an
answer that drips one byte a second, or one of 300 MiB. The wallet call ends by its overall
deadline, having read at most the size cap, and the sale is in doubt, never approved.

A scripted wallet on 127.0.0.1 (tests/walletstub.py) plays the attacker: the genuine, signed
approval is sent, but byte by byte, or followed by hundreds of MiB.
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from terminal.crypto import Alg, PrivateKeySigner, VerifyKey
from terminal.domain.flow import AmountEntered, CodeRead, PaymentFlow, SaleState, SendCharge, Timings
from terminal.domain.money import Money
from terminal.register.wallet_effects import WalletEffects
from terminal.wallet import messages as m
from terminal.wallet.client import MAX_ANSWER_BYTES, Retry, Timeouts, WalletClient
from terminal.wallet.errors import TransportError, UnverifiedResponse, WalletError
from tests.walletstub import Reply, Seen, WalletStub, charge_json

CODE = "281234567890123456"
CHARGE = m.ChargeRequest(amount=1200, currency="JPY", payment_code=CODE, merchant_reference="R-0001")
BUDGET = 4.0  # the charge timeout here: with 3 attempts, each read may wait 1.3 s, more than a drip
MARGIN = 2.0  # generous: the machine is shared; the drip alone would last minutes
HUGE = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def device() -> PrivateKeySigner:
    return PrivateKeySigner.generate(Alg.ED25519)


@pytest.fixture
def stub(device: PrivateKeySigner) -> Iterator[WalletStub]:
    with WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}) as server:
        yield server


@pytest.fixture
def client(stub: WalletStub, device: PrivateKeySigner) -> Iterator[WalletClient]:
    with stub.client(device, timeouts=Timeouts(connect=1.0, charge=BUDGET, other=BUDGET),
                     retry=Retry(attempts=3, base_delay=0.01, max_delay=0.02)) as c:
        yield c


def approval(seen: Seen) -> dict[str, object]:
    return charge_json("ch_1", "approved")


def call_within(seconds: float, call: Callable[[], object]) -> BaseException | object:
    """Run ``call`` in a thread; fail the test if it is still running after ``seconds``."""
    result: list[BaseException | object] = []
    worker = threading.Thread(target=lambda: result.append(_outcome(call)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the wallet call still runs after {seconds} s"
    return result[0]


def _outcome(call: Callable[[], object]) -> BaseException | object:
    try:
        return call()
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        return exc


@pytest.mark.parametrize("drip", [1.0, 0.25], ids=["one byte a second", "four bytes a second"])
def test_a_dripping_answer_ends_at_the_charge_deadline_as_unknown(
    stub: WalletStub, client: WalletClient, drip: float,
) -> None:
    stub.script = lambda seen: Reply(body=approval(seen), drip=drip)
    outcome = call_within(BUDGET + MARGIN, lambda: client.create_charge("sale-0001-abcdef", CHARGE))
    assert isinstance(outcome, TransportError) and outcome.outcome_unknown, outcome
    assert "overall deadline" in str(outcome)
    assert stub.bytes_out < 200  # the answer was far from complete when the register stopped


def test_a_dripping_answer_leaves_the_sale_in_doubt_not_approved(stub: WalletStub, client: WalletClient) -> None:
    stub.script = lambda seen: Reply(body=approval(seen), drip=1.0)
    flow = PaymentFlow(Timings(poll_interval=2, poll_max=10, step_up_max=120, reversal_initial=5, reversal_max=5))
    effects = WalletEffects(client, pin_key=None)
    now = time.time()
    flow.handle(AmountEntered(Money(1200, "JPY"), now))
    (send,) = [e for e in flow.handle(CodeRead(CODE, "PayTerm Sandbox", "3456", "sale-0001-abcdef", "R-0001", now))
               if isinstance(e, SendCharge)]
    event = call_within(BUDGET + MARGIN, lambda: effects.run(send, flow.sale))
    flow.handle(event)  # type: ignore[arg-type]
    assert flow.state is SaleState.IN_DOUBT


@pytest.mark.parametrize("declared", [True, False], ids=["Content-Length 300 MiB", "chunked 300 MiB"])
def test_a_300_mib_answer_is_cut_at_the_cap(stub: WalletStub, client: WalletClient, declared: bool) -> None:
    stub.script = lambda seen: Reply(body=approval(seen), flood=HUGE, declare_length=declared)
    tracemalloc.start()
    try:
        outcome = call_within(BUDGET + MARGIN, lambda: client.get_charge("ch_1"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(outcome, UnverifiedResponse) and outcome.code == "answer_too_large", outcome
    assert isinstance(outcome, WalletError) and outcome.outcome_unknown
    assert peak < 4 * MAX_ANSWER_BYTES, f"reading the answer took {peak / 2**20:.0f} MiB"
    assert stub.bytes_out < HUGE // 10  # the register hung up early; the rest was never sent


def _self_signed(tmp: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context and the CA file a client needs, for a certificate of 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wallet.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp / "wallet.pem", tmp / "wallet.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return server, cert_file


def test_over_tls_an_answer_is_read_and_a_drip_still_ends_at_the_deadline(
    device: PrivateKeySigner, tmp_path: Path,
) -> None:
    server_tls, ca_file = _self_signed(tmp_path)
    with WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}, tls=server_tls) as tls_stub:
        assert tls_stub.url.startswith("https://")
        with tls_stub.client(device, cafile=str(ca_file),
                             timeouts=Timeouts(connect=1.0, charge=BUDGET, other=BUDGET)) as c:
            tls_stub.script = lambda seen: Reply(body=approval(seen))
            assert c.get_charge("ch_1").status == "approved"
            tls_stub.script = lambda seen: Reply(body=approval(seen), drip=1.0)
            outcome = call_within(BUDGET + MARGIN, lambda: c.get_charge("ch_1"))
    assert isinstance(outcome, TransportError) and outcome.outcome_unknown, outcome

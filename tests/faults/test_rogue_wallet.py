"""A rogue or broken wallet must never make the register show APPROVED.

End to end through the real client, WalletEffects and the PaymentFlow (and once through the
PaymentRunner's threads), against a scripted wallet on 127.0.0.1 (tests/walletstub.py). Each
rogue answer must leave the sale in doubt (IN_DOUBT, then REVERSING at the deadline); a later
honest, signed and bound answer then settles it properly.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from terminal.crypto import Alg, PrivateKeySigner, VerifyKey
from terminal.domain.flow import (
    AmountEntered, CancelCharge, CodeRead, Event, PaymentFlow, Persist, PollCharge, Sale, SaleState,
    SendCharge, SubmitStepUp, Tick, Timings,
)
from terminal.domain.money import Money
from terminal.register.runner import Hooks, PaymentRunner
from terminal.register.wallet_effects import WalletEffects
from terminal.wallet import messages as m
from terminal.wallet.client import WalletClient
from terminal.wallet.errors import UnverifiedResponse
from tests.walletstub import Binding, Clock, Ledger, Reply, Seen, WalletStub, charge_json

CODE = "281234567890123456"
KEY = "sale-0001-abcdef"
TIMINGS = Timings(poll_interval=2, poll_max=10, step_up_max=120, reversal_initial=5, reversal_max=5)
ROGUE = PrivateKeySigner.generate(Alg.ED25519)


@dataclass
class Register:
    """One sale driven synchronously: the flow's effects run in order, wallet effects through
    WalletEffects, and every event they return is fed back into the flow."""

    wallet: WalletEffects
    clock: Clock
    flow: PaymentFlow = field(default_factory=lambda: PaymentFlow(TIMINGS))
    persisted: list[Sale] = field(default_factory=list)

    def feed(self, event: Event) -> None:
        pending = [event]
        while pending:
            for effect in self.flow.handle(pending.pop(0)):
                if isinstance(effect, Persist):
                    self.persisted.append(effect.sale)
                elif isinstance(effect, SendCharge | PollCharge | SubmitStepUp | CancelCharge):
                    pending.append(self.wallet.run(effect, self.flow.sale))

    def sell(self, key: str = KEY, amount: int = 1200, reference: str = "R-0001") -> None:
        self.feed(AmountEntered(Money(amount, "JPY"), self.clock()))
        self.feed(CodeRead(CODE, "PayTerm Sandbox", CODE[-4:], key, reference, self.clock()))

    def tick(self) -> None:
        due = self.flow.sale.next_action_at
        assert due is not None, f"nothing scheduled in {self.flow.state}"
        self.clock.now = max(self.clock.now, due)
        self.feed(Tick(self.clock()))

    @property
    def ever_approved(self) -> bool:
        states = [s.state for s in self.persisted] + [self.flow.state]
        return SaleState.APPROVED in states


@pytest.fixture(scope="module")
def device() -> PrivateKeySigner:
    return PrivateKeySigner.generate(Alg.ED25519)


@pytest.fixture
def clock() -> Clock:
    return Clock(1_760_000_000.0)


@pytest.fixture
def stub(device: PrivateKeySigner, clock: Clock) -> Iterator[WalletStub]:
    with WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}, clock=clock) as server:
        yield server


@pytest.fixture
def client(stub: WalletStub, device: PrivateKeySigner, clock: Clock) -> Iterator[WalletClient]:
    with stub.client(device, clock=clock) as c:
        yield c


@pytest.fixture
def register(client: WalletClient, stub: WalletStub, clock: Clock) -> Register:
    return Register(WalletEffects(client, pin_key=stub.pin_public, clock=clock), clock)


def the_approval(seen: Seen, **changes: object) -> dict[str, object]:
    """The approval the wallet would give for the charge this request is about."""
    asked = seen.json() if seen.method == "POST" and seen.path == "/v1/charges" else {}
    body = charge_json("ch_1", "approved", amount=asked.get("amount", 1200),
                       reference=asked.get("merchant_reference", "R-0001"))
    return {**body, **changes}


def flip(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def tamper(body: bytes) -> bytes:
        assert old in body
        return body.replace(old, new)
    return tamper


def then(body: dict[str, object], extra: str) -> bytes:
    """``body`` as JSON with ``extra`` members written after its own: a key given twice, or a
    value no strict reader takes, in an answer the wallet's key signs as it stands."""
    return json.dumps(body).encode()[:-1] + b", " + extra.encode() + b"}"


ROGUE_ANSWERS: dict[str, Callable[[Seen], Reply]] = {
    "signed by another key under the pinned keyid": lambda s: Reply(body=the_approval(s), key=ROGUE),
    "signed by an unknown key": lambda s: Reply(body=the_approval(s), key=ROGUE, keyid="wallet-9"),
    "unsigned 200 approval": lambda s: Reply(body=the_approval(s), sign=False),
    "amount altered after signing": lambda s: Reply(body=the_approval(s),
                                                    tamper=flip(b'"amount": 1200', b'"amount": 120')),
    "decline turned into an approval after signing": lambda s: Reply(
        body=the_approval(s, status="declined", approval_code=None),
        tamper=flip(b'"status": "declined"', b'"status": "approved"')),
    "signed approval for another amount": lambda s: Reply(body=the_approval(s, amount=120)),
    "signed approval for another sale reference": lambda s: Reply(
        body=the_approval(s, merchant_reference="R-9")),
    "signed an hour in the past": lambda s: Reply(body=the_approval(s), skew=-3600),
    "signed an hour in the future": lambda s: Reply(body=the_approval(s), skew=3600),
    "signed but not bound to the request": lambda s: Reply(body=the_approval(s), binding=Binding.NONE),
    "bound to the URL but not to our signature": lambda s: Reply(body=the_approval(s),
                                                                 binding=Binding.NO_SIGNATURE),
    # Signed as they stand, but two JSON readers could read two different answers in them.
    "signed decline with a second status, approved": lambda s: Reply(body=then(
        the_approval(s, status="declined", approval_code=None),
        '"status": "approved", "approval_code": "X1"')),
    "signed approval with a second amount": lambda s: Reply(body=then(the_approval(s), '"amount": 120')),
    "signed approval with a NaN refunded amount": lambda s: Reply(body=then(
        {k: v for k, v in the_approval(s).items() if k != "refunded_amount"}, '"refunded_amount": NaN')),
    "signed approval with an amount beyond 2**53": lambda s: Reply(body=then(
        {k: v for k, v in the_approval(s).items() if k != "amount"}, '"amount": 9007199254740993')),
}


@pytest.mark.parametrize("rogue", list(ROGUE_ANSWERS), ids=list(ROGUE_ANSWERS))
def test_a_rogue_approval_leaves_the_sale_in_doubt_until_an_honest_answer(
    stub: WalletStub, register: Register, rogue: str,
) -> None:
    stub.script = ROGUE_ANSWERS[rogue]
    register.sell()
    assert register.flow.state is SaleState.IN_DOUBT
    assert register.flow.sale.charge_id is None and register.flow.sale.approval_code is None

    # The rogue answers every poll and the cancel the same way: still unknown, never approved.
    while register.flow.state is SaleState.IN_DOUBT:
        register.tick()
    assert register.flow.state is SaleState.REVERSING
    register.tick()
    assert register.flow.state is SaleState.REVERSING
    assert not register.ever_approved
    assert [s.method for s in stub.seen].count("POST") >= 1 and all(s.error is None for s in stub.seen)

    # The genuine wallet did take the money; its signed answer to the next cancel settles it.
    honest = Ledger()
    honest.charges[KEY] = charge_json("ch_1", "approved")
    stub.script = honest
    register.tick()
    assert register.flow.state is SaleState.REVERSED
    assert honest.charges[KEY]["status"] == "cancelled"
    assert not register.ever_approved


def test_a_later_honest_approval_is_believed(stub: WalletStub, register: Register) -> None:
    stub.script = lambda s: Reply(body=the_approval(s), sign=False)
    register.sell()
    assert register.flow.state is SaleState.IN_DOUBT
    honest = Ledger()
    honest.charges[KEY] = charge_json("ch_7", "approved")
    stub.script = honest
    register.tick()
    assert register.flow.state is SaleState.APPROVED
    assert (register.flow.sale.charge_id, register.flow.sale.approval_code) == ("ch_7", "A1B2C3")


def test_a_replayed_genuine_approval_does_not_approve_a_new_sale(
    stub: WalletStub, register: Register, client: WalletClient, clock: Clock,
) -> None:
    honest = Ledger()
    stub.script = honest
    register.sell(key=KEY)
    assert register.flow.state is SaleState.APPROVED
    captured = stub.sent[-1].response  # the wallet's real, signed approval of that request
    assert captured is not None and b'"approved"' in captured.body

    # The same customer, amount and reference, a new sale: the attacker replays that approval.
    stub.script = lambda s: Reply(raw=captured)
    with pytest.raises(UnverifiedResponse) as err:  # what the client says, before the flow sees it
        client.create_charge("probe-0000-ffff", m.ChargeRequest(
            amount=1200, currency="JPY", payment_code=CODE, merchant_reference="R-0001"))
    assert err.value.code == "bad_signature"

    second = Register(register.wallet, clock)
    second.sell(key="sale-0002-abcdef")
    assert second.flow.state is SaleState.IN_DOUBT and "not trusted" in (second.flow.sale.note or "")
    while second.flow.state is SaleState.IN_DOUBT:
        second.tick()
    assert second.flow.state is SaleState.REVERSING

    # The honest wallet never saw the second charge: once our signed request can no longer be
    # applied (expired by the wallet's clock), nothing was taken.
    stub.script = honest
    while second.flow.state is SaleState.REVERSING:
        second.tick()
    assert second.flow.state is SaleState.REVERSED and not second.ever_approved
    assert "sale-0002-abcdef" not in honest.charges


def test_a_signed_answer_about_another_charge_while_in_doubt(stub: WalletStub, register: Register) -> None:
    honest = Ledger(outcome="pending")
    stub.script = honest
    register.sell()
    assert register.flow.state is SaleState.IN_DOUBT and register.flow.sale.charge_id == "ch_1"
    stub.script = lambda s: Reply(body=charge_json("ch_2", "approved"))  # the wallet's, but not ours
    register.tick()
    assert register.flow.state is SaleState.IN_DOUBT and not register.ever_approved
    honest.charges[KEY].update(status="approved", approval_code="Z9")
    stub.script = honest
    register.tick()
    assert register.flow.state is SaleState.APPROVED and register.flow.sale.approval_code == "Z9"


def test_a_signed_approval_of_another_amount_found_by_our_key_is_not_ours(
    stub: WalletStub, register: Register,
) -> None:
    """The poll by idempotency key must check the answer is about this sale, as the charge
    request does: a correctly signed approval of another amount is no approval of ours."""
    stub.script = lambda s: Reply(drop=True)
    register.sell()
    assert register.flow.state is SaleState.IN_DOUBT
    stub.script = lambda s: Reply(body=charge_json("ch_1", "approved", amount=120))
    register.tick()
    assert register.flow.state is SaleState.IN_DOUBT and not register.ever_approved


class MemoryStore:
    """The journal's place in the runner: keeps every committed snapshot in order."""

    def __init__(self) -> None:
        self.saved: list[Sale] = []
        self._lock = threading.Lock()

    def save_sale(self, sale: Sale, at: datetime) -> None:
        with self._lock:
            self.saved.append(sale)


def test_through_the_runner_a_rogue_answer_is_reversed_not_approved(device: PrivateKeySigner) -> None:
    honest = Ledger()
    honest.charges[KEY] = charge_json("ch_1", "approved")
    with WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}) as stub:
        stub.script = lambda s: Reply(body=the_approval(s), key=ROGUE)

        def on_sale(sale: Sale) -> None:
            # The rogue answers the charge and every poll; the honest wallet is back once the
            # register has given up waiting and is reversing.
            if sale.state is SaleState.REVERSING:
                stub.script = honest

        store = MemoryStore()
        timings = Timings(poll_interval=0.05, poll_max=0.3, step_up_max=120, reversal_initial=0.05, reversal_max=0.05)
        with stub.client(device) as client:
            runner = PaymentRunner(WalletEffects(client, pin_key=None), store, timings=timings,
                                   hooks=Hooks(on_sale=on_sale))
            try:
                runner.submit(AmountEntered(Money(1200, "JPY"), time.time()))
                runner.submit(CodeRead(CODE, "PayTerm Sandbox", "3456", KEY, "R-0001", time.time()))
                sale = runner.wait_final(timeout=10)
            finally:
                runner.close()
    assert sale.state is SaleState.REVERSED
    states = [s.state for s in store.saved]
    assert SaleState.APPROVED not in states
    assert states[:1] == [SaleState.AUTHORIZING]
    assert SaleState.IN_DOUBT in states and SaleState.REVERSING in states
    assert honest.charges[KEY]["status"] == "cancelled"

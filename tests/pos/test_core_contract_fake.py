"""The PaymentCore contract run against the in-memory fake that the handler tests use, so that
the fake behaves as the contract says the real core does."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from terminal.domain.money import Money
from terminal.pos import core as c
from tests.pos.core_contract import PaymentCoreContract, new_ref
from tests.pos.fake_core import FakeCore


@dataclass
class FakeHarness:
    core: FakeCore = field(default_factory=FakeCore)

    def order(self, amount: Money, *, decline: str | None = None) -> c.PaymentOrder:
        if decline is not None:
            self.core.declines[amount.amount] = decline
        return c.PaymentOrder(new_ref(), amount)


class TestFakeCore(PaymentCoreContract):
    @pytest.fixture
    def harness(self) -> FakeHarness:  # type: ignore[override]
        return FakeHarness()

"""The PaymentCore contract run against the register's real core, with the sandbox wallet over
real HTTP on 127.0.0.1: the same suite the handler tests' fake passes."""

from __future__ import annotations

import pytest

from tests.pos.core_contract import PaymentCoreContract
from tests.pos.real_core import RealHarness


class TestRegisterCore(PaymentCoreContract):
    @pytest.fixture
    def harness(self, real: RealHarness) -> RealHarness:  # type: ignore[override]
        return real

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal.pos.core import PosIdentity
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.store import PosStore
from tests.pos.fake_core import FakeCore
from tests.pos.nexo import POIID

POS_A = PosIdentity("payterm-pos-a", "front counter")
POS_B = PosIdentity("payterm-pos-b", "back counter")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PosStore]:
    with PosStore.in_data_dir(tmp_path / "data") as s:
        yield s


@pytest.fixture
def core() -> FakeCore:
    return FakeCore()


def make_handlers(core: FakeCore, store: PosStore, *, wait: float = 5.0) -> Handlers:
    return Handlers(
        core,
        Ledger(store),
        HandlerSettings(
            poi_id=POIID, currency="JPY", merchant_id="M-1", payment_wait=wait, reversal_wait=wait
        ),
    )


@pytest.fixture
def handlers(core: FakeCore, store: PosStore) -> Handlers:
    return make_handlers(core, store)


from tests.pos.real_core import live, real  # noqa: E402, F401  (the real core over the sandbox)
from tests.pos.server_fixtures import api  # noqa: E402, F401  (the running API fixture)

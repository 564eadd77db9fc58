"""One running sandbox: its database, knobs, clock and keys, shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sandbox.clock import Clock
from sandbox.db import Database
from sandbox.keys import WalletKeys, load_wallet_keys
from sandbox.seed import seed_if_empty
from sandbox.settings import Knobs


@dataclass(frozen=True)
class Sandbox:
    db: Database
    knobs: Knobs
    clock: Clock
    keys: WalletKeys
    public_url: str | None = None


def open_sandbox(path: Path, knobs: Knobs | None = None, *, public_url: str | None = None) -> Sandbox:
    """Open (creating, migrating and seeding as needed) the sandbox database at ``path``."""
    db = Database(path)
    with db.tx() as conn:
        seed_if_empty(conn)
        keys = load_wallet_keys(conn)
    knobs = knobs or Knobs()
    return Sandbox(db, knobs, Clock(knobs), keys, public_url.rstrip("/") if public_url else None)

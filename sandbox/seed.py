"""Seeded demo data and the documented test values (docs/sandbox.md lists the same tables).

Like a payment provider's test cards: customers and amounts with a fixed behaviour, so that a
cashier, a developer or a test can produce every outcome on purpose.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from argon2 import PasswordHasher

from sandbox.keys import create_wallet_keys
from terminal.wallet.messages import DeclineCode, StepUpMethod

MERCHANT_ID: Final = "m_demo_mart"
MERCHANT_NAME: Final = "PayTerm Demo Mart"
STORE_ID: Final = "st_shibuya"
STORE_NAME: Final = "Shibuya Store"
TIMEZONE: Final = "Asia/Tokyo"
CURRENCY: Final = "JPY"
WALLET_NAME: Final = "PayTerm Sandbox"
DEMO_PIN: Final = "1234"

# Customer PINs: argon2id, m = 19 MiB, t = 2 (OWASP's minimum for argon2id).
PIN_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    display_name: str
    balance: int
    single_limit: int
    preferred: StepUpMethod
    always_step_up: bool = False
    locked: bool = False
    known_here: bool = True  # has paid at the demo merchant before (no first-payment step-up)
    note: str = ""


CUSTOMERS: Final[tuple[DemoCustomer, ...]] = (
    DemoCustomer("alice", "Alice Aoki", 50_000, 30_000, StepUpMethod.APP_CONFIRM,
                 note="everyday customer: approves small payments at once"),
    DemoCustomer("bob", "Bob Baba", 800, 30_000, StepUpMethod.PIN, note="low balance"),
    DemoCustomer("carol", "Carol Chiba", 10_000, 30_000, StepUpMethod.PIN, locked=True,
                 note="account locked: every charge declines account_locked"),
    DemoCustomer("dave", "Dave Doi", 20_000, 30_000, StepUpMethod.APP_CONFIRM, always_step_up=True,
                 note="always asks to confirm in the wallet app"),
    DemoCustomer("erin", "Erin Endo", 20_000, 30_000, StepUpMethod.PIN, always_step_up=True,
                 note="always asks for the PIN"),
    DemoCustomer("frank", "Frank Fujii", 20_000, 30_000, StepUpMethod.OTP, always_step_up=True,
                 note="always asks for the one-time code shown in the wallet app"),
    DemoCustomer("grace", "Grace Goto", 100_000, 30_000, StepUpMethod.OTP, known_here=False,
                 note="never paid here: the first payment asks for a step-up"),
)


@dataclass(frozen=True)
class TestValue:
    """A magic amount (minor units, any customer, any currency) with a fixed outcome."""

    amount: int
    description: str
    decline: DeclineCode | None = None
    step_up: StepUpMethod | None = None
    pending_then: DeclineCode | None = None  # for slow values: None -> approved after the wait
    slow: bool = False


TEST_VALUES: Final[tuple[TestValue, ...]] = (
    TestValue(1101, "declined: insufficient_funds", decline=DeclineCode.INSUFFICIENT_FUNDS),
    TestValue(1102, "declined: limit_exceeded", decline=DeclineCode.LIMIT_EXCEEDED),
    TestValue(1103, "declined: account_locked", decline=DeclineCode.ACCOUNT_LOCKED),
    TestValue(1201, "step-up: pin", step_up=StepUpMethod.PIN),
    TestValue(1202, "step-up: otp", step_up=StepUpMethod.OTP),
    TestValue(1203, "step-up: app_confirm", step_up=StepUpMethod.APP_CONFIRM),
    TestValue(1301, "slow: pending, then approved after the pending time", slow=True),
    TestValue(1302, "slow: pending, then declined insufficient_funds", slow=True,
              pending_then=DeclineCode.INSUFFICIENT_FUNDS),
)
TEST_VALUES_BY_AMOUNT: Final = {v.amount: v for v in TEST_VALUES}


@lru_cache(maxsize=8)
def hash_pin(pin: str) -> str:
    """argon2id hash of a demo PIN (cached: seeding many test databases stays fast)."""
    return PIN_HASHER.hash(pin)


def seed_if_empty(conn: sqlite3.Connection) -> bool:
    """Seed the demo merchant, store, customers and wallet keys once; True if it seeded now."""
    if conn.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
        return False
    create_wallet_keys(conn)
    conn.execute("INSERT INTO merchants(id, name, currency) VALUES (?, ?, ?)",
                 (MERCHANT_ID, MERCHANT_NAME, CURRENCY))
    conn.execute("INSERT INTO stores(id, merchant_id, name, timezone, currency) VALUES (?, ?, ?, ?, ?)",
                 (STORE_ID, MERCHANT_ID, STORE_NAME, TIMEZONE, CURRENCY))
    for c in CUSTOMERS:
        conn.execute(
            "INSERT INTO customers(name, display_name, currency, balance, single_limit, pin_hash,"
            " preferred_method, always_step_up, locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c.name, c.display_name, CURRENCY, c.balance, c.single_limit, hash_pin(DEMO_PIN),
             c.preferred.value, int(c.always_step_up), int(c.locked)),
        )
        if c.known_here:
            conn.execute("INSERT INTO customer_merchants(customer, merchant_id) VALUES (?, ?)",
                         (c.name, MERCHANT_ID))
    conn.execute("INSERT INTO meta(key, value) VALUES ('seeded', '1')")
    return True

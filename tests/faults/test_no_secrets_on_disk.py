"""Issue #3: "No full payment code, PIN or key material in any file: a test runs real charges and
searches every byte of the data directory for them."

Real `payterm` processes against a real sandbox: approved, declined, PIN step-up (through
`--step-up-stdin`), and one charge killed with SIGKILL while in doubt so that the journal's
write-ahead log and shared-memory files are left behind as a crash leaves them. Then every file
under PAYTERM_HOME (journal, -wal, -shm, key files, enrollment, anything else) is read as bytes.

The PIN: the seeded PIN 1234 is four digits that occur by chance in any binary file, so the
customer used here gets a distinctive 8-digit PIN (the sandbox's own hash, written into the
wallet's database: the wallet side of the test setup, not the register's). A match of that PIN
anywhere is a leak.
"""

from __future__ import annotations

import base64
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from sandbox.seed import hash_pin
from terminal.register.setup import open_keys
from tests.faults.crashkit import Lane, journal_sales, kill

PIN = "73910584"
CUSTOMER = "erin"  # always asks for the PIN


def _forms(secret: str) -> dict[str, bytes]:
    return {"ascii": secret.encode(), "utf-16-le": secret.encode("utf-16-le"),
            "utf-16-be": secret.encode("utf-16-be")}


def _key_forms(lane: Lane) -> dict[str, bytes]:
    """The device private key in every unencrypted form it could be written in."""
    key = open_keys(lane.loaded().settings).load().private_key  # type: ignore[attr-defined]
    forms = {
        "pkcs8 der": key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()),
    }
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    forms["pkcs8 pem body"] = b"".join(pem.splitlines()[1:-1])
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    else:
        raw = key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[attr-defined]
    forms.update({"raw": raw, "raw base64": base64.b64encode(raw), "raw base64url":
                  base64.urlsafe_b64encode(raw).rstrip(b"="), "raw hex": raw.hex().encode()})
    return forms


def _leaks(home: Path, needles: dict[str, bytes]) -> list[str]:
    found = []
    files = [p for p in sorted(home.rglob("*")) if p.is_file()]
    assert files, f"nothing under {home}"
    for path in files:
        data = path.read_bytes()
        found += [f"{path.relative_to(home)}: {what}" for what, needle in needles.items() if needle in data]
    return found


@pytest.mark.slow
def test_no_secrets_in_the_data_directory(tmp_path: Path) -> None:
    lane = Lane.open(tmp_path / "lane", "secrets")
    try:
        with closing(sqlite3.connect(lane.wallet_db)) as conn, conn:
            conn.execute("UPDATE customers SET pin_hash = ? WHERE name = ?", (hash_pin(PIN), CUSTOMER))
        codes: list[str] = []

        def charge(amount: int, customer: str, reference: str, step_up: tuple[str, ...] = ()) -> int:
            proc = lane.charge(amount, customer, reference, step_up=step_up)
            codes.append(lane.last_code)
            out, err = proc.communicate(timeout=60)
            for code in (codes[-1], PIN):
                assert code.encode() not in out + err, f"{reference}: printed a secret"
            return proc.returncode

        assert charge(500, "alice", "s-approved") == 0
        assert charge(1101, "alice", "s-declined") == 10
        assert charge(700, CUSTOMER, "s-pin", step_up=(PIN,)) == 0
        lane.set_faults(drop_next=3)  # every answer lost: the sale waits in doubt, then is killed
        proc = lane.charge(800, "grace", "s-killed", env={"PAYTERM_WALLET__POLL_INTERVAL": "30"})
        codes.append(lane.last_code)
        lane.wait_state("s-killed", {"in_doubt"}, proc)
        assert kill(proc)

        needles = {f"payment code {i} ({form})": value for i, code in enumerate(codes)
                   for form, value in _forms(code).items()}
        needles |= {f"PIN ({form})": value for form, value in _forms(PIN).items()}
        needles |= {f"private key ({form})": value for form, value in _key_forms(lane).items()}
        home = Path(lane.env["PAYTERM_HOME"])
        assert Path(f"{lane.journal}-wal").exists(), "the crash should leave the write-ahead log behind"
        assert _leaks(home, needles) == []

        assert lane.recover().returncode == 0
        states = {s.reference: s.state for s in journal_sales(lane.journal)}
        assert states == {"s-approved": "approved", "s-declined": "declined", "s-pin": "approved",
                          "s-killed": "approved"}
        assert _leaks(home, needles) == []
    finally:
        lane.close()

"""Enrollment is when the register learns which wallet key to believe for good. An attacker
between the register and the wallet at that moment (a rogue Wi-Fi, a proxy, a DNS answer)
presents its own key; and anyone with the register's shell edits `enrollment.json`. The
register pins a wallet key only after it is confirmed, and a broken enrollment file gets a
message naming the file and the fix, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal.crypto import public_key_b64
from terminal.crypto.keystore import fingerprint
from tests.register_fixtures import FAST_ENV
from tests.sandbox_fixtures import RunningSandbox
from tests.walletstub import Reply, Seen, WalletStub

PAYTERM = [sys.executable, "-m", "terminal.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    return {**base, **FAST_ENV, "PAYTERM_HOME": str(tmp_path / "reg")}


def payterm(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PAYTERM, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def impostor() -> Iterator[WalletStub]:
    """A wallet that answers enrollment like the real one, signed with its own key."""
    with WalletStub() as stub:
        def answer(seen: Seen) -> Reply:
            return Reply(status=201, body={
                "device_id": "dev-evil", "merchant_id": "m-1", "store_id": "s-1", "terminal_name": "Register 1",
                "wallet_keys": [{"keyid": stub.keyid, "alg": "ed25519",
                                 "public_key": public_key_b64(stub.key.public_key_bytes())}],
                "pin_key": {"keyid": "pin-1", "kem": "X25519", "kdf": "HKDF-SHA256", "aead": "AES-128-GCM",
                            "public_key": public_key_b64(stub.pin_public)},
                "config_hints": {"currency": "JPY", "timezone": "Asia/Tokyo", "merchant_name": "Shop",
                                 "store_name": "Shibuya", "step_up_max_seconds": 120},
            })
        stub.script = answer
        yield stub


def test_without_a_fingerprint_or_an_explicit_choice_nothing_is_pinned_or_even_sent(
    env: dict[str, str], impostor: WalletStub,
) -> None:
    done = payterm(env, "enroll", "--wallet", impostor.url, "--code", "ENROLL-1234")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--wallet-key-fingerprint" in done.stderr and "--trust-on-first-use" in done.stderr
    assert impostor.seen == []  # refused before anything was sent
    assert not (Path(env["PAYTERM_HOME"]) / "data" / "enrollment.json").exists()


def test_the_genuine_fingerprint_refuses_an_impostor_and_pins_the_real_wallet(
    env: dict[str, str], impostor: WalletStub, sandbox_server: RunningSandbox,
) -> None:
    genuine = sandbox_server.wallet_key_fingerprint
    done = payterm(env, "enroll", "--wallet", impostor.url, "--code", "ENROLL-1234",
                   "--wallet-key-fingerprint", genuine)
    assert done.returncode != 0 and len(impostor.seen) == 1
    assert not (Path(env["PAYTERM_HOME"]) / "data" / "enrollment.json").exists()

    done = payterm(env, "enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code(),
                   "--wallet-key-fingerprint", genuine)
    assert done.returncode == 0, done.stderr
    assert f"wallet key pinned: {genuine}" in done.stdout


def test_silent_enrollment_takes_the_fingerprint_from_the_config(
    env: dict[str, str], impostor: WalletStub, sandbox_server: RunningSandbox,
) -> None:
    etc = Path(env["PAYTERM_HOME"]) / "etc"
    etc.mkdir(parents=True)
    (etc / "terminal.toml").write_text(f'[wallet]\nkey_fingerprint = "{sandbox_server.wallet_key_fingerprint}"\n')
    assert payterm(env, "enroll", "--wallet", impostor.url, "--code", "ENROLL-1234").returncode != 0
    done = payterm(env, "enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code())
    assert done.returncode == 0, done.stderr


def test_trust_on_first_use_is_an_explicit_choice(env: dict[str, str], impostor: WalletStub) -> None:
    done = payterm(env, "enroll", "--trust-on-first-use", "--wallet", impostor.url, "--code", "ENROLL-1234")
    assert done.returncode == 0, done.stderr
    assert f"wallet key pinned: {fingerprint(impostor.key.public_key_bytes())}" in done.stdout


@pytest.fixture
def enrolled(env: dict[str, str], sandbox_server: RunningSandbox) -> Path:
    done = payterm(env, "enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code(),
                   "--wallet-key-fingerprint", sandbox_server.wallet_key_fingerprint)
    assert done.returncode == 0, done.stderr
    return Path(env["PAYTERM_HOME"]) / "data" / "enrollment.json"


def _edit(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))


BROKEN: list[tuple[str, object]] = [
    ("edited to plain http elsewhere", {"wallet_url": "http://wallet.example"}),
    ("edited to another scheme", {"wallet_url": "ftp://wallet.example"}),
    ("a pinned key that is not base64", {"wallet_keys": [{"keyid": "k", "alg": "ed25519", "public_key": "!!"}]}),
    ("truncated", b'{"format": 1, "wallet_url": '),
    ("a repeated key", b'{"format": 1, "format": 1}'),
]


@pytest.mark.parametrize(("case", "damage", "command"), [
    *((case, damage, ["charge", "--amount", "100", "--code-stdin"]) for case, damage in BROKEN),
    ("edited to plain http elsewhere, doctor", BROKEN[0][1], ["doctor"]),
], ids=[b[0] for b in BROKEN] + ["doctor"])
def test_a_broken_enrollment_file_gets_a_message_naming_it_and_the_fix(
    env: dict[str, str], enrolled: Path, case: str, damage: object, command: list[str],
) -> None:
    if isinstance(damage, bytes):
        enrolled.write_bytes(damage)
    else:
        _edit(enrolled, damage)  # type: ignore[arg-type]
    done = payterm(env, *command, stdin="991234567890123456")
    assert "Traceback" not in done.stderr, done.stderr
    text = done.stdout + done.stderr
    assert str(enrolled) in text and "payterm enroll --force" in text, text
    assert done.returncode != 0

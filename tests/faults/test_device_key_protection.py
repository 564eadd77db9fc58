"""Someone takes a copy of the register's data folder (a backup, a disk image, a stolen SSD) and
tries to sign as this register. Before, the KEK sat beside the encrypted key in that folder; now
the register refuses to keep it there outside development mode, takes it from a systemd
credential or an operator's passphrase, and `payterm doctor` says where key and KEK live."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from terminal.crypto.file_keystore import FileKeyStore
from terminal.crypto.keystore import KeyStoreError, SecretSource
from tests.register_fixtures import FAST_ENV
from tests.sandbox_fixtures import RunningSandbox

PAYTERM = [sys.executable, "-m", "terminal.cli"]
PRODUCTION = {k: v for k, v in FAST_ENV.items() if k != "PAYTERM_KEYS__DEVELOPMENT_MODE"}


def env_for(tmp: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_") and k != "CREDENTIALS_DIRECTORY"}
    return {**base, **PRODUCTION, "PAYTERM_HOME": str(tmp / "reg"), **extra}


def payterm(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PAYTERM, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)


def enroll(env: dict[str, str], sandbox: RunningSandbox) -> subprocess.CompletedProcess[str]:
    return payterm(env, "enroll", "--wallet", sandbox.url, "--code", sandbox.enrollment_code(),
                   "--wallet-key-fingerprint", sandbox.wallet_key_fingerprint)


def steal_and_try(data_dir: Path, loot: Path) -> list[str]:
    """The attacker's side: copy the data folder, then try every file in the copy as the KEK of
    the key file in it. Returns the files that unlocked the key."""
    shutil.copytree(data_dir, loot)
    key_file = loot / "keys" / "device-key.pem"
    assert key_file.exists()
    opened = []
    for candidate in sorted(p for p in loot.rglob("*") if p.is_file()):
        store = FileKeyStore(key_file, SecretSource("NO_SUCH_VARIABLE", candidate, {}))
        try:
            store.load()
        except (KeyStoreError, ValueError, OSError):
            continue
        opened.append(candidate.name)
    return opened


def doctor(env: dict[str, str]) -> tuple[int, dict[str, dict[str, str]]]:
    done = payterm(env, "doctor", "--json")
    return done.returncode, {c["check"]: c for c in json.loads(done.stdout)["checks"]}


def test_a_copy_of_the_data_folder_cannot_sign_when_the_kek_is_a_systemd_credential(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    creds = tmp_path / "run-credentials-payterm.service"  # what systemd mounts for the service
    creds.mkdir(mode=0o700)
    (creds / "payterm-kek").write_text("k" * 44 + "\n")
    env = env_for(tmp_path, CREDENTIALS_DIRECTORY=str(creds))
    done = enroll(env, sandbox_server)
    assert done.returncode == 0, done.stderr
    sold = payterm(env, "charge", "--amount", "500", "--code-stdin", stdin=sandbox_server.payment_code("alice"))
    assert sold.returncode == 0, sold.stderr

    assert steal_and_try(tmp_path / "reg" / "data", tmp_path / "loot") == []
    status, checks = doctor(env)
    assert checks["key_protection"]["status"] == "ok", checks["key_protection"]
    assert "systemd credential payterm-kek" in checks["key_protection"]["detail"]


def test_an_operators_passphrase_keeps_the_kek_out_of_the_folder(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    env = env_for(tmp_path, PAYTERM_KEY_PASSPHRASE="a long passphrase the operator types at start")
    assert enroll(env, sandbox_server).returncode == 0
    assert steal_and_try(tmp_path / "reg" / "data", tmp_path / "loot") == []
    _, checks = doctor(env)
    assert checks["key_protection"]["status"] == "ok" and "PAYTERM_KEY_PASSPHRASE" in checks["key_protection"]["detail"]


def test_a_kek_file_beside_the_key_is_refused_outside_development_mode(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    # Without a KEK from outside, enrollment stops before anything is made or sent ...
    env = env_for(tmp_path)
    done = enroll(env, sandbox_server)
    assert done.returncode != 0
    assert "PAYTERM_KEY_PASSPHRASE" in done.stderr and not (tmp_path / "reg" / "data" / "keys" / "kek.bin").exists()

    # ... a register made in development mode works there (and doctor warns) ...
    dev = {**env, "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
    assert enroll(dev, sandbox_server).returncode == 0
    status, checks = doctor(dev)
    assert checks["key_protection"]["status"] == "warn" and "development mode" in checks["key_protection"]["detail"]

    # ... and the same folder without development mode refuses to use its key and fails doctor.
    sold = payterm(env, "charge", "--amount", "500", "--code-stdin", stdin=sandbox_server.payment_code("alice"))
    assert sold.returncode != 0 and "beside the key" in sold.stderr, sold.stderr
    status, checks = doctor(env)
    assert status != 0 and checks["key_protection"]["status"] == "fail"
    assert "kek.bin" in checks["key_protection"]["detail"] and "systemd" in checks["key_protection"]["hint"]

"""Running the official Adyen Node API library (tests/pos/adyen_client, installed by
`make adyen-client`, which `make test` runs) as the POS in PayTerm's tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

CLIENT_DIR = Path(__file__).resolve().parent / "adyen_client"
SCRIPT = CLIENT_DIR / "client.js"


def node() -> str:
    found = shutil.which("node")
    if found is None or not (CLIENT_DIR / "node_modules" / "@adyen" / "api-library").is_dir():
        raise RuntimeError("the Adyen test client is not installed: run `make adyen-client`")
    return found


def run_adyen(job: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    done = subprocess.run(
        [node(), str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=CLIENT_DIR,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"adyen client failed ({done.returncode}): {done.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def adyen_key(key_identifier: str, passphrase: str, key_version: int = 1) -> dict[str, Any]:
    return {
        "KeyIdentifier": key_identifier,
        "Passphrase": passphrase,
        "KeyVersion": key_version,
        "AdyenCryptoVersion": 1,
    }

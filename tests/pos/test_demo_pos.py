"""The README's two commands: `payterm demo --pos` (sandbox + register serving the POS API) and
the reference POS client (examples/reference_pos.py) taking one sale through it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.pos.test_serve_kill import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_demo_with_the_api_and_the_reference_client(tmp_path: Path) -> None:
    pairing = tmp_path / "pos.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    demo = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "demo", "--pos", "--pos-port", str(free_port()),
         "--pairing-file", str(pairing)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert demo.stdout is not None
        guide = ""
        while "Ctrl-C stops" not in guide:
            line = demo.stdout.readline()
            assert line, guide
            guide += line
        assert oct(pairing.stat().st_mode & 0o777) == "0o600"  # it holds the demo POS's passphrase
        client = [sys.executable, str(ROOT / "examples" / "reference_pos.py"), "--pairing", str(pairing)]
        paid = subprocess.run([*client, "--amount", "1200"], capture_output=True, text=True, timeout=120)
        assert paid.returncode == 0, paid.stdout + paid.stderr
        assert paid.stdout.startswith("APPROVED 1200 JPY: charge ch_") and "お支払い / Payment" in paid.stdout
        refused = subprocess.run([*client, "--amount", "1101", "--customer", "alice"],
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1 and refused.stdout.startswith("NOT PAID: Refusal"), refused.stdout
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(30) == 0

"""`payterm charge` is run once per sale by POS software, so its start-up is on the customer's
time: a real approved charge against the sandbox, and what that process imported. (What, not how
long: `bench/startup.py` measures the time.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox

# Whole libraries a charge never needs: the window, the camera and decoders, receipt drawing and
# printing (a worker process's job, and only with --receipt), and the sandbox wallet's server.
NEVER = ("PySide6", "shiboken6", "numpy", "cv2", "zxingcpp", "pyzbar", "PIL", "qrcode", "escpos", "yaml",
         "fastapi", "starlette", "uvicorn", "sandbox")
# The register's own parts that belong to other surfaces.
NEVER_OURS = ("terminal.ui", "terminal.scan.sources", "terminal.scan.decoders", "terminal.scan.pipeline",
              "terminal.receipts.raster", "terminal.receipts.escpos_out", "terminal.receipts.fonts",
              "terminal.demo_cli")

REPORT = """
import atexit, json, sys
atexit.register(lambda: print("IMPORTED " + json.dumps(sorted(sys.modules)), file=sys.stderr))
from terminal.cli import main
sys.exit(main())
"""


def test_a_charge_imports_neither_qt_nor_decoders_nor_receipt_drawing_nor_the_sandbox(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}, **FAST_ENV,
           "PAYTERM_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", REPORT, "charge", "--amount", "100", "--code-stdin", "--json"],
                          input=sandbox_server.payment_code("alice"), env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "approved"
    line = next(x for x in done.stderr.splitlines() if x.startswith("IMPORTED "))
    modules = set(json.loads(line.removeprefix("IMPORTED ")))
    assert "terminal.commands.charge" in modules and "httpx" in modules  # the report is of a real charge
    assert sorted(m for m in modules if m.split(".")[0] in NEVER) == []
    assert sorted(m for m in modules if m.startswith(NEVER_OURS)) == []

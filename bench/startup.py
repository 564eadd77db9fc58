"""Start-up benchmark: cold start of the cashier window to ready-to-scan, and resident memory
while scanning. Prints a table (numbers, not pass/fail); docs/PERFORMANCE.md, "Start-up".

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup.py [--runs 5]

The parent starts a sandbox wallet and enrolls a register home once. Each run is a fresh Python
process: import, QApplication, open the register (journal, key, wallet client), build the window,
recover, start a sale; "ready" is the first camera frame captured after the sale started (a
video file stands in for the camera). It then scans for 3 s and reports its resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(spawned_at: float) -> None:
    from PySide6.QtCore import QTimer

    from terminal.config.loader import load_settings
    from terminal.domain.money import Money
    from terminal.register.setup import open_register
    from terminal.ui.app import application, build_window
    from terminal.ui.i18n import Languages

    app = application()
    loaded = load_settings()
    register = open_register(loaded)
    window = build_window(register, loaded.settings, Languages(app, loaded.settings.register.language), muted=True)
    window.show()
    result: dict[str, float] = {}

    def check() -> None:
        if "ready_s" not in result:
            if window.ready and register.sale.state.value == "idle":
                register.start_sale(Money(100, "JPY"))
            elif window.hub.latest_frame() is not None:
                result["ready_s"] = time.time() - spawned_at
                QTimer.singleShot(3000, finish)

    def finish() -> None:
        result["rss_mb"] = rss_mb()
        print(json.dumps(result), flush=True)
        window.quit_by_manager()
        app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(5)
    app.exec()
    register.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return

    from sandbox.codes import issue_enrollment_code
    from sandbox.server import SandboxServer
    from sandbox.state import open_sandbox
    from terminal.config.loader import load_settings
    from terminal.register import enrollment as enrollment_file
    from terminal.register.setup import enrollment_path, open_keys
    from tests.e2e.conftest import qr_video

    with tempfile.TemporaryDirectory(prefix="payterm-bench-") as tmp:
        base = Path(tmp)
        server = SandboxServer(open_sandbox(base / "sandbox.sqlite3")).start()
        video = qr_video(base / "code.avi", "not-a-payment-code", frames=300, fps=30.0)
        env = {**os.environ, "PAYTERM_HOME": str(base / "home"), "PAYTERM_SCANNER__CAMERA": str(video),
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        loaded = load_settings(env)
        with server.sandbox.db.tx() as conn:
            enrollment_code = issue_enrollment_code(conn, server.sandbox.clock.now()).value
        enrollment, _ = enrollment_file.enroll(server.url, enrollment_code, open_keys(loaded.settings, create_kek=True))
        enrollment_file.save(enrollment, enrollment_path(loaded))
        results = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--child", repr(time.time())], env=env,
                                 capture_output=True, text=True, check=True, timeout=60)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        server.stop()
    ready = [r["ready_s"] for r in results]
    rss = [r["rss_mb"] for r in results]
    print(f"runs: {len(results)}  (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print("| measure | median | min | max | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| cold start to ready-to-scan (s) | {statistics.median(ready):.2f} | {min(ready):.2f} | "
          f"{max(ready):.2f} | < 2 |")
    print(f"| resident memory while scanning (MB) | {statistics.median(rss):.0f} | {min(rss):.0f} | "
          f"{max(rss):.0f} | < 300 |")


if __name__ == "__main__":
    main()

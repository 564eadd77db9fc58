"""Start-up benchmark: how long people wait for the register to be usable, each figure with its
floor measured in the same run. Prints a Markdown table (numbers, not pass/fail);
docs/PERFORMANCE.md, "Start-up".

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup.py [--runs 5]

The parent starts a sandbox wallet (in a thread, stamping when each request arrives) and
enrolls a register home once. Every run is a fresh Python process:

- floor: a bare PySide6 window with the decoders (numpy, OpenCV, zxing-cpp) imported, "ready"
  at the first turn of its event loop after ``show()``;
- ``payterm gui``: the same imports and calls as ``terminal.commands.gui.run_gui`` (settings,
  register, window, recovery), a sale started as soon as the window is ready; "ready to scan" is
  the first camera frame captured after that (a video file stands in for the camera); it then
  scans for 3 s and reports its resident memory (the receipt worker process is not started
  before the first receipt, so it is not in this figure);
- ``payterm demo``: the same with the in-process sandbox and the customer phone window filmed
  by the virtual camera, as ``terminal.demo_cli.run_demo`` starts it;
- ``payterm charge``: the real command, from spawn to its POST /v1/charges arriving at the
  sandbox; its floor is ``python -c pass``.

Other sessions may load the machine: the load average is printed with the table.
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
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAYTERM = Path(sys.executable).parent / "payterm"
SCAN_SECONDS = 3000  # ms of scanning before the resident memory is read


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def floor_child(spawned_at: float) -> None:
    import cv2  # noqa: F401
    import numpy  # noqa: F401
    import zxingcpp  # noqa: F401
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv[:1])
    window = QLabel("PayTerm")
    window.resize(1024, 768)
    window.show()
    result: dict[str, float] = {}

    def ready() -> None:
        result["ready_s"] = time.time() - spawned_at
        QTimer.singleShot(SCAN_SECONDS, finish)

    def finish() -> None:
        result["rss_mb"] = rss_mb()
        print(json.dumps(result), flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()


def gui_child(spawned_at: float, demo: bool) -> None:
    # The same imports and calls, in the same order, as `payterm gui` (terminal.commands.gui) and
    # `payterm demo` (terminal.demo_cli, terminal.ui.demo).
    closing: list[Callable[[], None]] = []
    if demo:
        from terminal import demo_cli

        tmp = tempfile.TemporaryDirectory(prefix="payterm-bench-demo-")
        from terminal.ui import demo as demo_ui
        from terminal.ui.app import application

        app = application()
        backend = demo_cli.SandboxDemo(Path(tmp.name) / "sandbox.sqlite3", "127.0.0.1", 0)
        session = demo_ui.open_demo(backend, muted=True)
        session.show()
        window, register = session.window, session.register
        closing += [session.close, backend.close, tmp.cleanup]
    else:
        from terminal.commands.common import settings
        from terminal.commands.gui import open_in_background

        loaded = settings()
        opening = open_in_background(loaded)
        from terminal.ui.app import application, build_window
        from terminal.ui.i18n import Languages

        app = application()
        languages = Languages(app, loaded.settings.register.language)
        register = opening.result()
        window = build_window(register, loaded.settings, languages, muted=True)
        window.show()
        closing += [window.quit_by_manager, register.close]
    from PySide6.QtCore import QTimer

    from terminal.domain.money import Money

    result: dict[str, float] = {}

    def check() -> None:
        if "ready_s" not in result:
            if window.ready and register.sale.state.value == "idle":
                register.start_sale(Money(100, "JPY"))
            elif window.hub.latest_frame() is not None:
                result["ready_s"] = time.time() - spawned_at
                QTimer.singleShot(SCAN_SECONDS, finish)

    def finish() -> None:
        result["rss_mb"] = rss_mb()
        print(json.dumps(result), flush=True)
        app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(5)
    app.exec()
    for close in closing:
        close()


Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def stamped(app: Any, arrivals: list[tuple[float, str, str]]) -> Asgi:
    """The sandbox app, noting when each request arrives (its head parsed)."""

    async def wrapped(scope: Scope, receive: Callable[[], Awaitable[Any]],
                      send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] == "http":
            arrivals.append((time.time(), scope["method"], scope["path"]))
        await app(scope, receive, send)

    return wrapped


def run_child(mode: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, repr(time.time())], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def row(name: str, values: list[float], floor: list[float] | None, target: str, fmt: str = ".2f") -> str:
    def cell(v: list[float]) -> str:
        return f"{statistics.median(v):{fmt}} ({min(v):{fmt}}-{max(v):{fmt}})"

    ratio = f"{statistics.median(values) / statistics.median(floor):.1f} x" if floor else ""
    return f"| {name} | {cell(values)} | {cell(floor) if floor else ''} | {ratio} | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        mode, spawned_at = args.child[0], float(args.child[1])
        floor_child(spawned_at) if mode == "floor" else gui_child(spawned_at, demo=mode == "demo")
        return

    import threading

    import httpx
    import uvicorn

    from sandbox.codes import issue_enrollment_code, issue_payment_code
    from sandbox.server import uvicorn_config
    from sandbox.settings import RiskPolicy
    from sandbox.state import open_sandbox
    from terminal.config.loader import load_settings
    from terminal.register import enrollment as enrollment_file
    from terminal.register.setup import enrollment_path, open_keys
    from tests.e2e.conftest import qr_video

    with tempfile.TemporaryDirectory(prefix="payterm-bench-") as tmp:
        base = Path(tmp)
        sandbox = open_sandbox(base / "sandbox.sqlite3")
        arrivals: list[tuple[float, str, str]] = []
        config = uvicorn_config(sandbox, "127.0.0.1", 0)
        config.app = stamped(config.app, arrivals)
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        # Every charge approves at once, as in bench/charge.py: no step-up for a first payment or a
        # run of payments.
        httpx.post(url + "/sandbox/risk", json=RiskPolicy(step_up_first_payment=False, velocity_count=1_000_000)
                   .model_dump(), timeout=10).raise_for_status()
        video = qr_video(base / "code.avi", "not-a-payment-code", frames=300, fps=30.0)
        env = {**os.environ, "PAYTERM_HOME": str(base / "home"), "PAYTERM_SCANNER__CAMERA": str(video),
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
        loaded = load_settings(env)
        with sandbox.db.tx() as conn:
            enrollment_code = issue_enrollment_code(conn, sandbox.clock.now()).value
        enrollment, _ = enrollment_file.enroll(url, enrollment_code, open_keys(loaded.settings, create_kek=True),
                                               trust_on_first_use=True)
        enrollment_file.save(enrollment, enrollment_path(loaded))

        results: dict[str, list[dict[str, float]]] = {"floor": [], "gui": [], "demo": []}
        charge: list[float] = []
        bare: list[float] = []
        for _ in range(args.runs):  # interleaved, so that a burst of load hits every measure alike
            for mode, runs in results.items():
                runs.append(run_child(mode, env))
            start = time.time()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.time() - start)
            with sandbox.db.tx() as conn:
                code = issue_payment_code(conn, "alice", sandbox.clock.now()).value
            del arrivals[:]
            start = time.time()
            try:
                done = subprocess.run([str(PAYTERM), "charge", "--amount", "100", "--code-stdin", "--json"],
                                      env=env, input=code, capture_output=True, text=True, timeout=120, check=False)
            except subprocess.TimeoutExpired as exc:
                raise RuntimeError(f"payterm charge hung; its log: {exc.stderr!r}") from None
            if json.loads(done.stdout)["status"] != "approved":
                raise RuntimeError(f"payterm charge: {done.stdout} {done.stderr}")
            charge.append(next(at for at, method, path in arrivals
                               if method == "POST" and path == "/v1/charges") - start)
        server.should_exit = True
        load = os.getloadavg()

    def values(mode: str, key: str) -> list[float]:
        return [r[key] for r in results[mode]]

    print(f"runs: {args.runs} fresh processes each (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end)\n")
    print("| measure: median (min-max) | PayTerm | floor | ratio | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    floor_ready, floor_rss = values("floor", "ready_s"), values("floor", "rss_mb")
    print(row("`payterm gui` cold start to ready-to-scan (s)", values("gui", "ready_s"), floor_ready,
              "<= 2.5 x floor"))
    print(row("resident memory while scanning (MB)", values("gui", "rss_mb"), floor_rss, "<= 160 MB", ".0f"))
    print(row("`payterm demo` cold start to ready-to-scan (s)", values("demo", "ready_s"), floor_ready, "<= 2 s"))
    print(row("`payterm demo` resident memory while scanning (MB)", values("demo", "rss_mb"), floor_rss, "",
              ".0f"))
    print(row("`payterm charge`: spawn to its POST /v1/charges at the wallet (s)", charge, bare, "<= 0.3 s"))
    print("\nfloor: a bare PySide6 window with numpy, OpenCV and zxing-cpp imported, for the windows; "
          "`python -c pass` for `payterm charge`")


if __name__ == "__main__":
    main()

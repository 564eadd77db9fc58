"""Charge benchmark: end-to-end time of a sale against the sandbox wallet on loopback, and the
terminal's own share of it (signing requests, verifying answers, journal commits).

    .venv/bin/python bench/charge.py [--charges 500] [--warmup 20] [--receipts process|thread|off]

The sandbox runs as its own process (`payterm sandbox serve`, risk policy relaxed so that every
charge approves without step-up); the register runs in this process, built exactly as the
command line builds it (``open_register``), so that its functions can be timed: the signing
(`sign_request` as the wallet client's auth hook calls it, Content-Digest included), the answer
verification (`verify_response`) and every journal write (`save_sale`: the intent and each answer;
`code_seen_recently`) are wrapped with a timer. End to end is from handing the register the
scanned code to the committed final state. Prints Markdown tables (docs/PERFORMANCE.md, Charges).

Receipts are on, as in a shift: every approved sale's two copies are drawn (PDF, no printer set)
while the next sale runs. The floor is measured in the same process and run, half of its samples
before the charges and half after them (once every receipt is out, so that the floor does not
depend on how receipts are made): one Ed25519 sign and one verify (``cryptography``, a 300-byte
message) and two WAL commits (``synchronous=FULL``) through the journal's own ``Writer`` on a
scratch database beside the journal. Other sessions may load the machine: the load average is
printed with the table.

``--receipts thread`` draws the receipts on a thread of this process instead of the worker
process (how PayTerm did it before; for comparison), ``--receipts off`` issues none.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from terminal.config.loader import load_settings
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.domain.paymentcode import Symbology
from terminal.journal.db import Writer
from terminal.journal.store import Journal
from terminal.register import enrollment as enrollment_file
from terminal.register.setup import enrollment_path, open_keys, open_register
from terminal.wallet import client as client_module
from terminal.wallet import transport as transport_module

PAYTERM = Path(sys.executable).parent / "payterm"
PARTS = ("sign", "verify", "journal")


class Timings:
    """Seconds spent in each instrumented part, per charge (the parts run on several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: dict[str, float] = defaultdict(float)

    def add(self, part: str, seconds: float) -> None:
        with self._lock:
            self.current[part] += seconds

    def take(self) -> dict[str, float]:
        with self._lock:
            taken, self.current = dict(self.current), defaultdict(float)
        return taken


def timed(timings: Timings, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timings.add(part, time.perf_counter() - start)

    return wrapper


def instrument(timings: Timings) -> None:
    transport_module.sign_request = timed(timings, "sign", transport_module.sign_request)  # type: ignore[assignment]
    client_module.verify_response = timed(timings, "verify", client_module.verify_response)  # type: ignore[assignment]
    for name in ("save_sale", "code_seen_recently"):
        setattr(Journal, name, timed(timings, "journal", getattr(Journal, name)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sandbox(workdir: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(PAYTERM), "sandbox", "serve", "--db", str(workdir / "wallet.sqlite3"), "--port", str(port),
         "--no-step-up-first-payment", "--velocity-count", "1000000", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/sandbox/faults", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


class Floor:
    """What any terminal must spend per charge at the least: sign, verify, two commits."""

    MESSAGE = bytes(range(256)) + b"x" * 44  # about the size of an RFC 9421 signature base

    def __init__(self, workdir: Path) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._key = Ed25519PrivateKey.generate()
        self._public = self._key.public_key()
        self._writer = Writer(workdir / "floor.sqlite3")
        self._writer.call(lambda c: c.execute("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)"))

    def sample(self) -> float:
        """Seconds for one sign, one verify and two commits."""
        start = time.perf_counter()
        self._public.verify(self._key.sign(self.MESSAGE), self.MESSAGE)
        for _ in range(2):
            self._writer.transaction(lambda c: c.execute("INSERT INTO t (v) VALUES (?)", ("x" * 120,)))
        return time.perf_counter() - start

    def close(self) -> None:
        self._writer.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values_ms: list[float]) -> str:
    return (f"| {name} | {statistics.median(values_ms):.2f} | {pct(values_ms, 0.99):.2f} | "
            f"{statistics.mean(values_ms):.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--charges", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--floor", type=int, default=200, help="floor samples before and after the charges")
    ap.add_argument("--receipts", choices=("process", "thread", "off"), default="process")
    args = ap.parse_args()
    if args.receipts == "thread":
        from terminal.receipts import worker

        worker.ReceiptWorker.run = lambda self, job: worker.run_job(job)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="payterm-bench-") as tmp, sandbox(Path(tmp)) as url:
        env = {"PAYTERM_HOME": str(Path(tmp) / "register"), "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
        loaded = load_settings(env)
        store = open_keys(loaded.settings, create_kek=True)
        code = httpx.post(url + "/sandbox/enrollment-codes").json()["enrollment_code"]
        enrollment, _ = enrollment_file.enroll(url, code, store, trust_on_first_use=True)
        enrollment_file.save(enrollment, enrollment_path(loaded))
        timings = Timings()
        instrument(timings)
        register = open_register(loaded, receipts=args.receipts != "off")  # on, as the window opens it
        floor = Floor(Path(tmp))
        floors = [floor.sample() * 1000 for _ in range(args.floor)]
        ends: list[float] = []
        parts: dict[str, list[float]] = {p: [] for p in (*PARTS, "own")}
        try:
            with httpx.Client(base_url=url) as admin:
                for i in range(args.warmup + args.charges):
                    customer = ("alice", "grace")[i % 2]
                    payment_code = admin.post(f"/sandbox/customers/{customer}/payment-codes").json()["payment_code"]
                    register.start_sale(Money(20, "JPY"))
                    register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
                    timings.take()
                    start = time.perf_counter()
                    rejection = register.code_read(payment_code, Symbology.QR_CODE)
                    if rejection is not None:
                        raise RuntimeError(rejection.message)
                    sale = register.wait_final(timeout=30)
                    end = time.perf_counter() - start
                    spent = timings.take()
                    if sale.state is not SaleState.APPROVED:
                        raise RuntimeError(f"charge {i} ended {sale.state.value}: {sale.decline}")
                    if i < args.warmup:
                        continue
                    ends.append(end * 1000)
                    for p in PARTS:
                        parts[p].append(spent.get(p, 0.0) * 1000)
                    parts["own"].append(sum(spent.get(p, 0.0) for p in PARTS) * 1000)
            receipts = register.receipts
            issued = receipts.reprint_last().result(timeout=60) if receipts is not None else []  # all drawn
            floors += [floor.sample() * 1000 for _ in range(args.floor)]
        finally:
            register.close()
            floor.close()
        load = os.getloadavg()
    where = {"process": "in the receipt worker process", "thread": "on a thread of this process",
             "off": "off"}[args.receipts]
    print(f"\n{args.charges} approved charges (after {args.warmup} warm-up), sandbox on loopback, receipts {where} "
          f"({len(issued)} copies per sale, PDF), {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end\n")
    print("| per charge | p50 ms | p99 ms | mean ms |\n| --- | ---: | ---: | ---: |")
    print(row("end to end (code read -> final state committed)", ends))
    print(row("terminal's own share (sign + verify + journal)", parts["own"]))
    print(row("  signing requests (RFC 9421 + Content-Digest)", parts["sign"]))
    print(row("  verifying answers", parts["verify"]))
    print(row("  journal commits (code check, intent, answer)", parts["journal"]))
    print(row("floor: 1 Ed25519 sign + 1 verify + 2 WAL commits (journal's writer)", floors))
    own, low = statistics.median(parts["own"]), statistics.median(floors)
    share = own / statistics.median(ends) * 100
    print(f"\nown share at p50: {own:.2f} ms ({share:.0f} % of end to end) = {own / low:.1f} x the floor "
          f"({low:.2f} ms); target <= 3 x: {'met' if own <= 3 * low else 'NOT met'}")


if __name__ == "__main__":
    main()

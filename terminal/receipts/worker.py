"""Receipts are drawn and printed in a process of their own, never in the register's process.

Drawing a receipt (FreeType glyphs for Japanese text, the QR code, PNG/PDF encoding) is CPU work
that holds Python's GIL for milliseconds at a time. In the register's process it starved the
payment flow, the journal's writer and the cashier window's event loop of the GIL: measured, the
journal's three commits per sale took 16-22 ms instead of about 2 (docs/PERFORMANCE.md). So the
register's process only sends a small ``Job`` (the sale's values, the store, the printer
settings) down a pipe, and a worker process does the rest and answers with an ``Outcome``.

The worker is started (``spawn``: never ``fork`` a process that has Qt and other threads) on the
first job, so that it costs nothing at start-up. If it dies in the middle of a job (a crash in a
font or printer driver, or killed), that job is reported as failed (never repeated: it may have
printed half a slip) and the next job starts a fresh worker.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.receipts.errors import ReceiptError
from terminal.receipts.model import Issued, SaleValues, StoreInfo

STOP_WAIT = 5.0  # seconds a worker gets to finish its job when the register closes
WORKER_NICENESS = 10  # added to the worker's nice value (POSIX): the register's process comes first


class WorkerDied(ReceiptError):
    """The receipt process stopped in the middle of a job (crash or kill): nothing, or part of a
    slip, came out. The next job gets a fresh process; reprint to get the slip."""


@dataclass(frozen=True)
class Job:
    """Everything the worker needs to issue one sale's receipts (picklable, no secrets)."""

    sale: SaleValues
    store: StoreInfo
    printer: PrinterSettings
    pdf_dir: Path
    language: Language = Language.JA
    reprint: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the worker did: the copies issued (``deliver.Issued``), and a word for the cashier
    when something went wrong (printer out, saved as PDF instead)."""

    issued: list[Issued] = field(default_factory=list)
    problem: str | None = None
    pid: int = 0  # the process that drew them


def run_job(job: Job) -> Outcome:
    """Issue the receipts: print, and save PDFs where the printer fails or none is set. Runs in
    the worker process (``payterm receipt`` and tests may call it directly)."""
    from terminal.receipts.deliver import issue_receipts  # PIL, qrcode, python-escpos: worker only
    from terminal.receipts.escpos_out import JapaneseMode

    try:
        issued = issue_receipts(job.sale, job.store, job.printer, pdf_dir=job.pdf_dir, language=job.language,
                                reprint=job.reprint, mode=JapaneseMode(job.printer.japanese.value))
        return Outcome(list(issued), None, os.getpid())
    except ReceiptError as exc:
        if job.printer.kind is PrinterKind.NONE:
            return Outcome([], str(exc), os.getpid())
        saved = issue_receipts(job.sale, job.store, job.printer.model_copy(update={"kind": PrinterKind.NONE}),
                               pdf_dir=job.pdf_dir, language=job.language, reprint=job.reprint)
        return Outcome(list(saved), f"printer: {exc}; the receipt was saved as PDF in {job.pdf_dir}", os.getpid())


def serve(conn: Connection) -> None:
    """The worker process's loop: a job in, an outcome out, until ``None`` or the pipe closes
    (the register's process ended, even by SIGKILL). It runs at a lower CPU priority: on a
    busy two-core register a receipt may wait a moment, the sale and the window may not."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = run_job(job)
        except Exception as exc:  # noqa: BLE001 - one bad receipt must not end the worker
            outcome = Outcome([], f"the receipt could not be made ({type(exc).__name__}: {exc})", os.getpid())
        conn.send(outcome)


class ReceiptWorker:
    """The register's side of the worker process. ``run`` is called from one thread at a time
    (the receipt service's own thread) and waits for the outcome there."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The running worker's process id (None before the first job and after a crash)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=serve, args=(theirs,), name="payterm-receipts", daemon=True)
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        return ours

    def run(self, job: Job) -> Outcome:
        with self._lock:
            if self._closed:
                raise ReceiptError("the register is closing: no more receipts")
            if self._conn is None or self.pid is None:
                self._forget()  # a worker that died between jobs
                conn = self._start()
            else:
                conn = self._conn
            try:
                conn.send(job)
                outcome = conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = self._forget()
                raise WorkerDied(f"the receipt process stopped (exit status {code}): reprint the receipt") from None
            if not isinstance(outcome, Outcome):
                raise ReceiptError(f"the receipt process answered {type(outcome).__name__}")
            return outcome

    def _forget(self) -> int | None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        process.join(STOP_WAIT)
        return process.exitcode

    def close(self) -> None:
        """Stop the worker after its current job; one that hangs (a printer that never answers)
        is terminated after ``STOP_WAIT`` seconds, and the ``run`` waiting on it raises
        ``WorkerDied``. Not under the lock: that ``run`` holds it."""
        self._closed = True
        process, conn = self._process, self._conn
        if process is None or conn is None:
            return
        try:
            conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        process.join(STOP_WAIT)
        if process.is_alive():
            process.terminate()
            process.join(STOP_WAIT)

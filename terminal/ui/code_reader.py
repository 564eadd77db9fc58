"""Hands scanned or typed codes to the register off the UI thread: ``Register.code_read``
commits the sale's intent to the journal (an fsync) before it answers, and the UI thread must
never wait on a disk. One worker keeps the reads in order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from terminal.domain.paymentcode import Classification, Rejection, Symbology
from terminal.scan.types import Quad
from terminal.ui.ports import RegisterPort


@dataclass(frozen=True)
class ReadAnswer:
    rejection: Rejection | None  # None: accepted, the charge is on its way
    quad: Quad | None  # where the camera saw it, for the highlight


class CodeReader(QObject):
    answered = Signal(object)  # ReadAnswer
    failed = Signal(object)  # BaseException

    def __init__(self, register: RegisterPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payterm-code")

    def read(
        self, text: str, symbology: Symbology, quad: Quad | None = None, verdict: Classification | None = None,
    ) -> None:
        """``verdict``: the scanner's classification of the read, passed on (a code is classified once)."""
        self._worker.submit(self._read, text, symbology, quad, verdict)

    def _read(self, text: str, symbology: Symbology, quad: Quad | None, verdict: Classification | None) -> None:
        try:
            rejection = self._register.code_read(text, symbology, verdict=verdict)
        except Exception as exc:  # noqa: BLE001 - shown to the cashier, the window carries on
            self.failed.emit(exc)
            return
        self.answered.emit(ReadAnswer(rejection, quad))

    def close(self) -> None:
        self._worker.shutdown(wait=True)

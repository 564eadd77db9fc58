"""Payment-code checks for scanners: loads config/wallets.toml and classifies every read.

This is where the file is read (the domain classifier itself does no I/O). Without a path the copy
shipped inside the package (terminal/scan/wallets.toml, identical to config/wallets.toml) is
used, so an installed register finds it too.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from terminal.domain.paymentcode import (
    PaymentCode,
    PaymentCodeClassifier,
    Rejection,
    RejectReason,
    UsedCodes,
)
from terminal.domain.wallet_schemes import WalletSchemes
from terminal.scan.types import ScanResult


def default_wallets_text() -> str:
    return resources.files("terminal.scan").joinpath("wallets.toml").read_text(encoding="utf-8")


class CodeChecker:
    """Classifies scans; remembers codes sent to the wallet so a replay is refused locally."""

    def __init__(
        self,
        wallets_path: Path | None = None,
        accepted: Iterable[str] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        text = wallets_path.read_text(encoding="utf-8") if wallets_path else default_wallets_text()
        self.classifier = PaymentCodeClassifier(
            WalletSchemes.from_toml(text), None if accepted is None else frozenset(accepted)
        )
        self._used = UsedCodes()
        self._clock = clock

    def check(self, result: ScanResult) -> ScanResult | None:
        """The result with its verdict, or None when the payload fails the code checks."""
        verdict = self.classifier.classify(result.text, result.symbology, self._used, self._clock())
        if isinstance(verdict, Rejection) and verdict.reason is RejectReason.MALFORMED:
            return None
        return dataclasses.replace(result, verdict=verdict)

    def mark_used(self, code: PaymentCode) -> None:
        """Call when the code is sent to the wallet; a second scan of it is then refused."""
        self._used.mark(code.value, self._clock())

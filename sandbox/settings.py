"""Run-time knobs of the sandbox: the risk policy and the fault injectors.

Both are pydantic models so that the CLI, the loopback admin endpoint and tests set them the same
way. They are replaced as a whole (immutable models), never edited field by field, so a request
always sees one consistent policy.
"""

from __future__ import annotations

import threading

from pydantic import BaseModel, ConfigDict, Field


class RiskPolicy(BaseModel):
    """When the wallet asks for a second factor (any one rule triggers a step-up)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step_up_over_amount: int = Field(default=10_000, ge=0, description="minor units; step-up above this")
    step_up_first_payment: bool = Field(default=True, description="a customer's first payment here")
    velocity_count: int = Field(default=3, ge=0, description="step-up after more than N approved ...")
    velocity_window_s: int = Field(default=600, ge=1, description="... payments within this many seconds")
    step_up_seconds: int = Field(default=90, ge=5, le=120, description="time the customer has to confirm")
    max_attempts: int = Field(default=5, ge=1, le=10, description="wrong PIN/OTP tries before lockout")
    pending_seconds: int = Field(default=3, ge=0, le=60, description="how long 'slow' test values stay pending")
    manager_max_attempts: int = Field(default=5, ge=1, le=10, description="wrong manager PINs before lock-out")
    manager_lockout_seconds: int = Field(default=900, ge=1, le=86_400, description="manager lock-out length")
    unattended_reversal_seconds: int = Field(
        default=300, ge=0, le=86_400,
        description="a register may reverse an approved charge without a manager this long after approval")


class Faults(BaseModel):
    """Resilience knobs: what can go wrong between a register and a wallet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=60_000, description="added to every /v1 request")
    fail_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="share of /v1 requests -> 503")
    drop_after_commit: float = Field(
        default=0.0, ge=0.0, le=1.0, description="share of POST /v1/charges dropped after commit"
    )
    drop_next: int = Field(default=0, ge=0, le=1000, description="drop the next N charge requests")
    clock_offset_s: int = Field(default=0, ge=-86_400 * 365, le=86_400 * 365, description="server clock shift")


class Knobs:
    """The live RiskPolicy and Faults of one running sandbox, swapped atomically."""

    def __init__(self, risk: RiskPolicy | None = None, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._risk = risk or RiskPolicy()
        self._faults = faults or Faults()

    @property
    def risk(self) -> RiskPolicy:
        return self._risk

    @property
    def faults(self) -> Faults:
        return self._faults

    def set_risk(self, risk: RiskPolicy) -> None:
        with self._lock:
            self._risk = risk

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults

    def take_drop(self) -> bool:
        """Consume one of the "drop the next N" tokens, if any."""
        with self._lock:
            if self._faults.drop_next <= 0:
                return False
            self._faults = self._faults.model_copy(update={"drop_next": self._faults.drop_next - 1})
            return True

"""Sandbox-only endpoints under /sandbox/: test helpers and fault knobs. Loopback callers only,
not signed, not part of Wallet API v1 (and not in its OpenAPI)."""

from __future__ import annotations

import json
from datetime import datetime
from ipaddress import ip_address

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from sandbox import managers
from sandbox.clock import to_datetime
from sandbox.codes import issue_enrollment_code, issue_payment_code
from sandbox.errors import Forbidden, NotFound
from sandbox.ledger import total_money
from sandbox.settings import Faults, RiskPolicy
from sandbox.state import Sandbox
from terminal.wallet.messages import ProblemCode, StepUpMethod


def loopback_only(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        ok = ip_address(host).is_loopback
    except ValueError:
        ok = host in ("localhost", "testclient")
    if not ok:
        raise Forbidden(ProblemCode.FORBIDDEN, "Sandbox admin endpoints answer loopback callers only")


router = APIRouter(prefix="/sandbox", dependencies=[Depends(loopback_only)], include_in_schema=False)


class IssuedEnrollmentCode(BaseModel):
    enrollment_code: str
    expires_at: datetime


class IssuedPaymentCode(BaseModel):
    payment_code: str
    expires_at: datetime


class CustomerState(BaseModel):
    name: str
    display_name: str
    currency: str
    balance: int
    locked: bool
    failed_attempts: int
    preferred_method: StepUpMethod


class Ledger(BaseModel):
    customer_balances: int
    merchant_takings: int
    total: int


def _sb(request: Request) -> Sandbox:
    sb: Sandbox = request.app.state.sandbox
    return sb


class IssuedResetCode(BaseModel):
    reset_code: str
    device_id: str


class ManagerEvent(BaseModel):
    at: datetime
    action: str
    detail: dict[str, object]


@router.post("/devices/{device_id}/manager-reset-codes", status_code=201)
def new_manager_reset_code(request: Request, device_id: str, issued_by: str = "sandbox-admin") -> IssuedResetCode:
    """The wallet's admin side: a one-time code for IT to set this register's manager PIN."""
    sb = _sb(request)
    with sb.db.tx() as conn:
        code = managers.issue_token(conn, device_id, "reset", sb.clock.now(), issued_by=issued_by)
    return IssuedResetCode(reset_code=code, device_id=device_id)


@router.get("/devices/{device_id}/manager-events")
def manager_events(request: Request, device_id: str) -> list[ManagerEvent]:
    """The wallet's own audit of this register's manager PIN: attempts, lock-outs, sets, codes."""
    sb = _sb(request)
    with sb.db.tx() as conn:
        rows = conn.execute("SELECT at, action, detail FROM manager_events WHERE device_id = ? ORDER BY id",
                            (device_id,)).fetchall()
    return [ManagerEvent(at=to_datetime(r["at"]), action=r["action"], detail=json.loads(r["detail"])) for r in rows]


@router.post("/enrollment-codes", status_code=201)
def new_enrollment_code(request: Request) -> IssuedEnrollmentCode:
    sb = _sb(request)
    with sb.db.tx() as conn:
        issued = issue_enrollment_code(conn, sb.clock.now())
    return IssuedEnrollmentCode(enrollment_code=issued.value, expires_at=to_datetime(issued.expires_at))


@router.post("/customers/{name}/payment-codes", status_code=201)
def new_payment_code(request: Request, name: str) -> IssuedPaymentCode:
    sb = _sb(request)
    with sb.db.tx() as conn:
        issued = issue_payment_code(conn, name, sb.clock.now())
    return IssuedPaymentCode(payment_code=issued.value, expires_at=to_datetime(issued.expires_at))


def customer_state(sb: Sandbox, name: str) -> CustomerState:
    row = sb.db.connection().execute("SELECT * FROM customers WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound("customer_not_found", f"no customer named {name!r}")
    return CustomerState(name=row["name"], display_name=row["display_name"], currency=row["currency"],
                         balance=row["balance"], locked=bool(row["locked"]),
                         failed_attempts=row["failed_attempts"],
                         preferred_method=StepUpMethod(row["preferred_method"]))


@router.get("/customers/{name}")
def get_customer(request: Request, name: str) -> CustomerState:
    return customer_state(_sb(request), name)


@router.post("/customers/{name}/unlock")
def unlock_customer(request: Request, name: str) -> CustomerState:
    sb = _sb(request)
    with sb.db.tx() as conn:
        conn.execute("UPDATE customers SET locked = 0, failed_attempts = 0 WHERE name = ?", (name,))
    return customer_state(sb, name)


@router.get("/ledger")
def ledger(request: Request) -> Ledger:
    conn = _sb(request).db.connection()
    customers = conn.execute("SELECT COALESCE(SUM(balance), 0) FROM customers").fetchone()[0]
    return Ledger(customer_balances=customers, merchant_takings=total_money(conn) - customers,
                  total=total_money(conn))


@router.get("/faults")
def get_faults(request: Request) -> Faults:
    return _sb(request).knobs.faults


@router.post("/faults")
def set_faults(request: Request, faults: Faults) -> Faults:
    _sb(request).knobs.set_faults(faults)
    return faults


@router.get("/risk")
def get_risk(request: Request) -> RiskPolicy:
    return _sb(request).knobs.risk


@router.post("/risk")
def set_risk(request: Request, risk: RiskPolicy) -> RiskPolicy:
    _sb(request).knobs.set_risk(risk)
    return risk

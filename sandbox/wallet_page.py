"""The customer's wallet web page: rotating payment code (QR + digits), balance, recent payments,
and step-ups to answer (approve/reject for app_confirm, the OTP to read out for otp). Each step-up
names the payee (merchant and store) and the amount; while one is pending the payment code is
hidden, so the customer answers the question on screen instead of showing a code again.

Plain HTML + JS + CSS served from sandbox/static (no build step, no CDN); the page polls
/wallet/{customer}/state every two seconds.
"""

from __future__ import annotations

import re
from datetime import datetime
from importlib import resources
from typing import Literal

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from sandbox.charges import refresh
from sandbox.clock import to_datetime
from sandbox.codes import PAYMENT_CODE_TTL_S, current_payment_code
from sandbox.errors import NotFound
from sandbox.seed import MERCHANT_NAME
from sandbox.state import Sandbox
from sandbox.stepup import decide_in_app
from terminal.domain.money import Money
from terminal.wallet.messages import ChargeStatus, ProblemCode, StepUpMethod

CODE_REFRESH_S = PAYMENT_CODE_TTL_S // 2
STATIC = resources.files("sandbox") / "static"
_CONTENT_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}

router = APIRouter(include_in_schema=False)


class Payment(BaseModel):
    id: str
    merchant: str
    amount: str
    status: ChargeStatus
    decline_code: str | None
    refunded: str | None
    created_at: datetime


class PendingStepUp(BaseModel):
    charge_id: str
    merchant: str
    payee: str  # merchant and store, as the customer is asked to approve them (SCA dynamic linking)
    amount: str
    method: StepUpMethod
    expires_at: datetime
    otp: str | None


class WalletState(BaseModel):
    customer: str
    display_name: str
    balance: str
    locked: bool
    payment_code: str
    code_expires_at: datetime
    qr_svg: str
    payments: list[Payment]
    step_ups: list[PendingStepUp]
    server_time: datetime


class Decision(BaseModel):
    decision: Literal["approve", "reject"]


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg: str = image.to_string(encoding="unicode")
    return re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)


def wallet_state(sb: Sandbox, customer: str) -> WalletState:
    now = sb.clock.now()
    with sb.db.tx() as conn:
        cust = conn.execute("SELECT * FROM customers WHERE name = ?", (customer,)).fetchone()
        if cust is None:
            raise NotFound("customer_not_found", f"no customer named {customer!r}")
        code = current_payment_code(conn, customer, now, CODE_REFRESH_S)
        rows = conn.execute("SELECT * FROM charges WHERE customer = ? ORDER BY rowid DESC LIMIT 20",
                            (customer,)).fetchall()
        rows = [refresh(conn, r, now) for r in rows]
        payees = {row["id"]: f"{MERCHANT_NAME} {row['name']}"
                  for row in conn.execute("SELECT id, name FROM stores")}
    money = lambda amount, cur: Money(amount, cur).format()  # noqa: E731
    return WalletState(
        customer=customer, display_name=cust["display_name"], balance=money(cust["balance"], cust["currency"]),
        locked=bool(cust["locked"]), payment_code=code.value, code_expires_at=to_datetime(code.expires_at),
        qr_svg=qr_svg(code.value),
        payments=[
            Payment(id=r["id"], merchant=MERCHANT_NAME, amount=money(r["amount"], r["currency"]),
                    status=ChargeStatus(r["status"]), decline_code=r["decline_code"],
                    refunded=money(r["refunded_amount"], r["currency"]) if r["refunded_amount"] else None,
                    created_at=to_datetime(r["created_at"]))
            for r in rows if r["status"] != ChargeStatus.STEP_UP_REQUIRED.value
        ],
        step_ups=[
            PendingStepUp(charge_id=r["id"], merchant=MERCHANT_NAME,
                          payee=payees.get(r["store_id"], MERCHANT_NAME),
                          amount=money(r["amount"], r["currency"]),
                          method=StepUpMethod(r["step_up_method"]),
                          expires_at=to_datetime(r["step_up_expires_at"]), otp=r["otp"])
            for r in rows if r["status"] == ChargeStatus.STEP_UP_REQUIRED.value
        ],
        server_time=to_datetime(now),
    )


def _sb(request: Request) -> Sandbox:
    sb: Sandbox = request.app.state.sandbox
    return sb


@router.get("/wallet/{customer}", response_class=HTMLResponse)
def wallet_page(request: Request, customer: str) -> HTMLResponse:
    wallet_state(_sb(request), customer)  # 404 for an unknown customer
    return HTMLResponse((STATIC / "wallet.html").read_text(encoding="utf-8"))


@router.get("/wallet/{customer}/state")
def get_state(request: Request, customer: str) -> WalletState:
    return wallet_state(_sb(request), customer)


@router.post("/wallet/{customer}/step-ups/{charge_id}")
def answer_step_up(request: Request, customer: str, charge_id: str, body: Decision) -> WalletState:
    sb = _sb(request)
    with sb.db.tx() as conn:
        decide_in_app(conn, customer, charge_id, body.decision == "approve", sb.clock.now())
    return wallet_state(sb, customer)


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    ext = name.rsplit(".", 1)[-1]
    path = STATIC / name
    if "/" in name or ext not in _CONTENT_TYPES or not path.is_file():
        raise NotFound(ProblemCode.NOT_FOUND, "No such file")
    return Response(path.read_bytes(), media_type=_CONTENT_TYPES[ext])

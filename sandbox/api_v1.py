"""Wallet API v1 routes. The SignedApi middleware has verified the request before any of these
run (and put the verified keyid in request.state); each route is one SQLite transaction."""

from __future__ import annotations

import warnings
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import Response

from sandbox import anchors, charges, devices, managers, reversals, settlement, stepup
from sandbox.auth import Verifier, unauthorized
from sandbox.clock import to_datetime
from sandbox.errors import Unauthorized, Unprocessable
from sandbox.idempotency import StoredResponse, remember, replay, request_hash
from sandbox.problems import problem_body
from sandbox.state import Sandbox
from terminal.crypto import SignatureError, UnknownKey, VerifyKey, verify_request
from terminal.wallet.messages import (
    IDEMPOTENCY_KEY_PATTERN,
    PROBLEM_CONTENT_TYPE,
    AuditAnchorReceipt,
    AuditAnchorRequest,
    CancelRequest,
    ChargeList,
    ChargeRequest,
    ChargeResponse,
    EnrollRequest,
    EnrollResponse,
    KeyCancelRequest,
    KeyCancelResponse,
    ManagerPinSetRequest,
    ManagerPinSetResponse,
    ManagerPinVerifyRequest,
    ManagerPinVerifyResponse,
    Problem,
    ProblemCode,
    RefundRequest,
    RefundResponse,
    RotateKeyRequest,
    RotateKeyResponse,
    SettlementResponse,
    StepUpRequest,
)

router = APIRouter(prefix="/v1")

# FastAPI gives the header parameter its alias itself, which pydantic 2.12+ reports as a field
# attribute without effect: a known FastAPI/pydantic mismatch, harmless here.
warnings.filterwarnings("ignore", message="The 'alias' attribute with value 'idempotency-key'")

IdempotencyKey = Annotated[str, Header(pattern=IDEMPOTENCY_KEY_PATTERN,  # header idempotency-key
                                       description="8-128 characters A-Z a-z 0-9 _ -")]
ChargeId = Annotated[str, Path(min_length=1, max_length=64, description="charge id, e.g. ch_…")]


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": Problem, "content": {PROBLEM_CONTENT_TYPE: {}}, "description": "problem+json"}
            for s in (400, 401, 413, 415, 422, 503, *statuses)}


def _sandbox(request: Request) -> Sandbox:
    sb: Sandbox = request.app.state.sandbox
    return sb


def _device(request: Request, conn: Any) -> charges.Device:
    return charges.load_device(conn, request.state.keyid)


def _stored(response: StoredResponse) -> Response:
    kind = "application/json" if response.status < 400 else PROBLEM_CONTENT_TYPE
    return Response(response.body, status_code=response.status, media_type=kind)


@router.post("/devices/enroll", response_model=EnrollResponse, status_code=201, responses=_problems(),
             summary="Enroll a register with a one-time code (signed with keyid 'enroll')")
def enroll(request: Request, body: EnrollRequest) -> EnrollResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        answer = devices.enroll(conn, body, sb.keys, sb.clock.now())
        token = managers.issue_token(conn, answer.device_id, "setup", sb.clock.now(), issued_by="enrollment")
        return answer.model_copy(update={"manager_setup_token": token})


@router.post("/devices/manager-pin/verify", response_model=ManagerPinVerifyResponse, responses=_problems(403, 409),
             summary="Check the manager PIN (opening manager mode); wrong ones count towards the lock-out")
def verify_manager_pin(request: Request, body: ManagerPinVerifyRequest) -> ManagerPinVerifyResponse:
    sb = _sandbox(request)
    device_id: str = request.state.keyid
    with sb.db.tx() as conn:
        now = sb.clock.now()
        refused = managers.check(conn, device_id, body.authorization, "verify", (), sb.keys.pin_private,
                                 sb.knobs.risk, now)
    if refused is not None:
        raise refused
    return ManagerPinVerifyResponse(device_id=device_id, nonce=body.authorization.nonce,
                                    verified_at=to_datetime(now))


@router.post("/devices/manager-pin", response_model=ManagerPinSetResponse, responses=_problems(403, 409),
             summary="Set the manager PIN: first (setup token), forgotten (reset code) or change (current PIN)")
def set_manager_pin(request: Request, body: ManagerPinSetRequest) -> ManagerPinSetResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        answer = managers.set_pin(conn, request.state.keyid, body, sb.keys.pin_private, sb.knobs.risk,
                                  sb.clock.now())
    if not isinstance(answer, ManagerPinSetResponse):
        raise answer
    return answer


@router.post("/devices/rotate-key", response_model=RotateKeyResponse, responses=_problems(),
             summary="Replace the device key (sig1 by the old key, sig2 by the new one)")
def rotate_key(request: Request, body: RotateKeyRequest) -> RotateKeyResponse:
    sb = _sandbox(request)
    device_id: str = request.state.keyid
    now = sb.clock.now()
    try:
        new_key = devices.verify_key_from(body.public_key, body.alg.value)
    except ValueError as exc:
        raise Unprocessable(ProblemCode.KEY_INVALID, "public_key is not a valid key for alg", str(exc)) from None

    def resolve(keyid: str) -> VerifyKey:
        if keyid != device_id:
            raise UnknownKey("sig2 must use the device id as keyid")
        return new_key

    verifier = Verifier(sb.db)
    try:
        verify_request(request.state.http_request, resolve_key=resolve, now=now, label="sig2",
                       nonce_check=lambda k, n, e: verifier.nonce_first_seen(k, n, e, now))
    except SignatureError as exc:
        err = unauthorized(exc)
        raise Unauthorized(err.code, "sig2 (proof of the new key): " + err.title, err.detail) from None
    with sb.db.tx() as conn:
        return devices.rotate(conn, device_id, body, now)


@router.post("/devices/audit-anchor", response_model=AuditAnchorReceipt, responses=_problems(409, 422),
             summary="Anchor the register's signed audit head; the answer is the wallet's signed receipt")
def audit_anchor(request: Request, body: AuditAnchorRequest) -> AuditAnchorReceipt:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        return anchors.anchor(conn, request.state.keyid, body, sb.keys, sb.clock.now())


@router.get("/devices/audit-anchor", response_model=AuditAnchorReceipt, responses=_problems(404),
            summary="The wallet's receipt for this register's latest anchored audit head")
def latest_audit_anchor(request: Request) -> AuditAnchorReceipt:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        return anchors.latest(conn, request.state.keyid)


@router.post("/charges", response_model=ChargeResponse, status_code=201,
             responses={200: {"model": ChargeResponse, "description": "idempotent replay of the first answer"},
                        **_problems(409)},
             summary="Charge a customer's payment code")
def create_charge(request: Request, body: ChargeRequest, idempotency_key: IdempotencyKey) -> Response:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        device = _device(request, conn)
        return _stored(charges.create_charge(conn, device, idempotency_key, body, sb.knobs.risk, sb.clock.now()))


@router.get("/charges", response_model=ChargeList, responses=_problems(),
            summary="Find this device's charge by its idempotency key")
def find_charges(request: Request,
                 idempotency_key: Annotated[str, Query(pattern=IDEMPOTENCY_KEY_PATTERN)]) -> ChargeList:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        device = _device(request, conn)
        rows = charges.find_by_key(conn, device, idempotency_key, sb.clock.now())
        return ChargeList(charges=[charges.charge_view(conn, r, sb.knobs.risk) for r in rows])


@router.get("/charges/{charge_id}", response_model=ChargeResponse, responses=_problems(404),
            summary="Read a charge (its current status)")
def get_charge(request: Request, charge_id: ChargeId) -> ChargeResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        row = charges.fetch_for_device(conn, _device(request, conn), charge_id, sb.clock.now())
        return charges.charge_view(conn, row, sb.knobs.risk)


@router.post("/charges/{charge_id}/step-up", response_model=ChargeResponse, responses=_problems(404, 409),
             summary="Answer a PIN or OTP step-up")
def step_up(request: Request, charge_id: ChargeId, body: Annotated[StepUpRequest, Body()]) -> ChargeResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        row = stepup.submit(conn, _device(request, conn), charge_id, body, sb.keys.pin_private,
                            sb.knobs.risk, sb.clock.now())
        return charges.charge_view(conn, row, sb.knobs.risk)


@router.post("/charges/{charge_id}/cancel", response_model=ChargeResponse, responses=_problems(404, 409),
             summary="Void a pending, step-up or same-day approved charge (idempotent)")
def cancel(request: Request, charge_id: ChargeId,
           body: Annotated[CancelRequest | None, Body()] = None) -> ChargeResponse:
    sb = _sandbox(request)
    auth = body.manager_authorization if body is not None else None
    with sb.db.tx() as conn:
        device = _device(request, conn)
        now = sb.clock.now()
        row = charges.fetch_for_device(conn, device, charge_id, now)
        refused = None
        # Voiding an approved charge gives money back: the manager's, unless it is the register's
        # own reversal of a sale it never finished. A charge already cancelled is answered as is
        # (a resend of a void whose answer was lost), and one still in progress moved no money.
        # (An approved charge of an earlier day cannot be voided at all: that answer, 409
        # cancel_window_passed, comes first, so that the register refunds it instead.)
        voidable = row["business_date"] == charges.business_date(now, device.timezone)
        if row["status"] == "approved" and voidable and (
                auth is not None or not managers.unattended_reversal_ok(row, None, sb.knobs.risk, now)):
            refused = managers.check(conn, device.id, auth, "void", (charge_id,), sb.keys.pin_private,
                                     sb.knobs.risk, now)
    if refused is not None:
        raise refused
    with sb.db.tx() as conn:
        row = reversals.cancel(conn, _device(request, conn), charge_id, sb.clock.now())
        return charges.charge_view(conn, row, sb.knobs.risk)


@router.post("/charges/cancel-by-key", response_model=KeyCancelResponse, responses=_problems(409),
             summary="Cancel whatever is or will be charged under an idempotency key (idempotent)")
def cancel_by_key(request: Request, body: KeyCancelRequest) -> KeyCancelResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        device = _device(request, conn)
        now = sb.clock.now()
        found = conn.execute("SELECT * FROM charges WHERE device_id = ? AND idempotency_key = ?",
                             (device.id, body.idempotency_key)).fetchone()
        row = None if found is None else charges.fetch_for_device(conn, device, str(found["id"]), now)
        late = row is not None and row["business_date"] == charges.business_date(now, device.timezone) \
            and not managers.unattended_reversal_ok(row, None, sb.knobs.risk, now)
        if late:
            # Only the register's own reversal of a sale it never finished is unattended.
            managers.event(conn, device.id, "refused", now, purpose="cancel_by_key", reason="no_authorization")
    if late:
        raise managers.ManagerRefused(ProblemCode.MANAGER_AUTHORIZATION_REQUIRED,
                                      "Voiding this approved charge needs the manager's authorization",
                                      "it was approved too long ago to be reversed unattended; void it by its id")
    with sb.db.tx() as conn:
        row = reversals.cancel_by_key(conn, _device(request, conn), body.idempotency_key, sb.clock.now())
        view = None if row is None else charges.charge_view(conn, row, sb.knobs.risk)
        return KeyCancelResponse(idempotency_key=body.idempotency_key, charge=view)


@router.post("/charges/{charge_id}/refunds", response_model=RefundResponse, status_code=201,
             responses={200: {"model": RefundResponse, "description": "idempotent replay"},
                        **_problems(404, 409)},
             summary="Refund all or part of an approved charge")
def refund(request: Request, charge_id: ChargeId, body: RefundRequest,
           idempotency_key: IdempotencyKey) -> Response:
    sb = _sandbox(request)
    scope = f"refund:{charge_id}"
    with sb.db.tx() as conn:
        device = _device(request, conn)
        now = sb.clock.now()
        stored = replay(conn, device.id, scope, idempotency_key, request_hash(body))
        if stored is not None:
            return _stored(stored)
        row = charges.fetch_for_device(conn, device, charge_id, now)
        refused = None
        auth = body.manager_authorization
        if auth is not None or not (body.reversal and managers.unattended_reversal_ok(row, body.amount,
                                                                                       sb.knobs.risk, now)):
            refused = managers.check(conn, device.id, auth, "refund",
                                     (charge_id, idempotency_key, body.amount, body.currency),
                                     sb.keys.pin_private, sb.knobs.risk, now)
        if refused is not None:
            # The first answer under a key is final: a late copy of this request is refused too.
            remember(conn, device.id, scope, idempotency_key, request_hash(body), StoredResponse(
                refused.status, problem_body(refused.status, refused.code, refused.title, refused.detail,
                                             tries_left=getattr(refused, "tries_left", None),
                                             locked_until=getattr(refused, "locked_until", None))), now)
    if refused is not None:
        raise refused
    with sb.db.tx() as conn:
        device = _device(request, conn)
        return _stored(reversals.refund(conn, device, charge_id, idempotency_key, body, sb.clock.now()))


@router.get("/settlement", response_model=SettlementResponse, responses=_problems(),
            summary="The day's totals for this device (store-local date)")
def get_settlement(request: Request, date_: Annotated[date, Query(alias="date")]) -> SettlementResponse:
    sb = _sandbox(request)
    with sb.db.tx() as conn:
        return settlement.settlement(conn, _device(request, conn), date_, sb.clock.now())

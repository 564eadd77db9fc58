"""The register's wallet client: every request signed, every answer verified and bound to the
request that asked, one overall deadline per call (connect, every read, every retry), a size cap
on answers, bounded retries that keep the idempotency key.

Only answers that pass ``verify_response`` against the pinned wallet keys come out of here as
values; anything else is a ``WalletError`` (see ``terminal.wallet.errors`` for the hierarchy and
which errors leave the outcome unknown).
"""

from __future__ import annotations

import base64
import json
import random
import time
import uuid
from datetime import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from terminal.crypto import Alg, KeySigner, VerifyKey, public_key_b64, public_key_from_b64
from terminal.crypto.anchor import anchor_receipt_message
from terminal.crypto.keystore import fingerprint
from terminal.crypto.errors import SignatureError
from terminal.crypto.httpsig import verify_response
from terminal.domain import strict_json
from terminal.wallet import messages as m
from terminal.wallet.errors import (
    AuthenticationRejected, TransportError, UnverifiedResponse, WalletError, WalletUnavailable, rejection_for,
)
from terminal.wallet.transport import (
    SigningAuth, SigningKey, WalletTransport, call_deadline, check_wallet_url, tls_context, to_http_request,
    to_http_response,
)

M = TypeVar("M", bound=BaseModel)

ENROLL_KEYID = "enroll"
CLOCK_CODES = frozenset({"expired", "clock_skew"})  # wallet codes for a request signed at the wrong time
# Wallet answers are a few KiB; anything near this is an attack on the register's memory. The
# read stops at the cap, so a 300 MiB answer costs 1 MiB, not 300.
MAX_ANSWER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Timeouts:
    """Each call's overall deadline covers connecting, TLS, sending, every read of the answer and
    every retry: a call returns or fails by then, however slowly the other side answers."""

    connect: float = 3.0
    charge: float = 15.0  # a charge request, end to end
    other: float = 10.0  # status, cancel, refunds, settlement


@dataclass(frozen=True)
class Retry:
    attempts: int = 3  # first try included
    base_delay: float = 0.2
    max_delay: float = 1.0

    def delay(self, attempt: int) -> float:
        """Capped exponential back-off with full jitter."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** attempt))


_SENT_MAYBE = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class Expected:
    """What an answer about one of our charges must say: it is ours only if amount, currency and
    merchant reference are those we asked for. The client checks it, with the signature and the
    binding to the request, before any answer leaves it."""

    amount: int
    currency: str
    merchant_reference: str


class WalletClient:
    """Each method returns only an answer that is about the request it sent: signed by a pinned
    wallet key, bound to the request, and naming our charge (id, amount, currency, reference)
    or our refund. Everything else is an ``UnverifiedResponse`` (outcome unknown)."""

    def __init__(
        self,
        base_url: str,
        *,
        signer: KeySigner,
        device_id: str,
        wallet_keys: Mapping[str, VerifyKey],
        timeouts: Timeouts | None = None,
        retry: Retry | None = None,
        transport: httpx.BaseTransport | None = None,
        cafile: str | None = None,
        clock: Callable[[], float] = time.time,
        timer: Callable[[], float] = time.monotonic,
        extra_keys: tuple[SigningKey, ...] = (),
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.base_url = check_wallet_url(base_url)
        self.device_id = device_id
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or Retry()
        self._keys = dict(wallet_keys)
        self._clock = clock  # wall time: signatures, the wallet's clock
        self._timer = timer  # elapsed time: deadlines
        self.max_answer_bytes = max_answer_bytes
        # Requests are signed on the wallet's clock as far as we know it (learned from its signed
        # answers), so a register whose clock drifts keeps working; `payterm doctor` reports it.
        self._auth = SigningAuth((SigningKey(signer, device_id), *extra_keys), self.wallet_time)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport or WalletTransport(tls_context(cafile)),
            timeout=httpx.Timeout(self.timeouts.other, connect=self.timeouts.connect),
            headers={"Accept": "application/json", "Accept-Encoding": "identity",
                     "User-Agent": "payterm/1"},
            follow_redirects=False,
        )
        self.clock_offset: float | None = None  # wallet clock minus ours, from the last answer
        self.last_latency: float | None = None
        # When (our clock) an exchange last failed to reach the wallet, and last got a verified
        # answer: the window's wallet status follows these (terminal/ui/wallet_watch.py).
        self.last_failure: float | None = None
        self.last_success: float | None = None

    def wallet_time(self) -> float:
        """Our best estimate of the wallet's clock now."""
        return self._clock() + (self.clock_offset or 0.0)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WalletClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations -----------------------------------------------------------------------------

    def create_charge(self, idempotency_key: str, request: m.ChargeRequest) -> m.ChargeResponse:
        charge = self._call("POST", "/v1/charges", m.ChargeResponse, body=request,
                            idempotency_key=idempotency_key, timeout=self.timeouts.charge)
        return _ours(charge, None, Expected(request.amount, request.currency, request.merchant_reference))

    def get_charge(self, charge_id: str, expect: Expected | None = None) -> m.ChargeResponse:
        charge = self._call("GET", f"/v1/charges/{_seg(charge_id)}", m.ChargeResponse)
        return _ours(charge, charge_id, expect)

    def find_charge(self, idempotency_key: str, expect: Expected | None = None) -> m.ChargeResponse | None:
        """The charge made under this idempotency key, or None if the wallet has none."""
        found = self._call("GET", "/v1/charges", m.ChargeList, params={"idempotency_key": idempotency_key})
        if len(found.charges) > 1:
            raise UnverifiedResponse("the wallet lists several charges for one key", code="mismatched_answer")
        return _ours(found.charges[0], None, expect) if found.charges else None

    def submit_step_up(
        self, charge_id: str, body: m.PinStepUpRequest | m.OtpStepUpRequest, expect: Expected | None = None,
    ) -> m.ChargeResponse:
        # Not retried once it may have been sent: a second submission would spend an attempt.
        charge = self._call("POST", f"/v1/charges/{_seg(charge_id)}/step-up", m.ChargeResponse,
                            body=body, retry_when_maybe_sent=False)
        return _ours(charge, charge_id, expect)

    def cancel_charge(self, charge_id: str, expect: Expected | None = None,
                      authorization: m.ManagerAuthorization | None = None) -> m.ChargeResponse:
        """Cancel a charge. Voiding an approved one needs the manager's ``authorization``
        (sealed for purpose ``void`` and this charge id), except as the register's own reversal."""
        charge = self._call("POST", f"/v1/charges/{_seg(charge_id)}/cancel", m.ChargeResponse,
                            body=m.CancelRequest(manager_authorization=authorization))
        return _ours(charge, charge_id, expect)

    def cancel_by_key(self, idempotency_key: str, expect: Expected | None = None) -> m.KeyCancelResponse:
        """Cancel whatever is or will be charged under our idempotency key (a tombstone when
        nothing is yet). Idempotent, so retried like a read."""
        answer = self._call("POST", "/v1/charges/cancel-by-key", m.KeyCancelResponse,
                            body=m.KeyCancelRequest(idempotency_key=idempotency_key))
        if answer.idempotency_key != idempotency_key:
            raise UnverifiedResponse("the wallet answered about another key", code="mismatched_answer")
        if answer.charge is not None:
            _ours(answer.charge, None, expect)
        return answer

    def refund(self, charge_id: str, idempotency_key: str, request: m.RefundRequest) -> m.RefundResponse:
        refund = self._call("POST", f"/v1/charges/{_seg(charge_id)}/refunds", m.RefundResponse,
                            body=request, idempotency_key=idempotency_key)
        if (refund.charge_id, refund.amount, refund.currency) != (charge_id, request.amount, request.currency):
            raise UnverifiedResponse("the wallet answered about another refund", code="mismatched_answer")
        return refund

    def verify_manager_pin(self, authorization: m.ManagerAuthorization) -> m.ManagerPinVerifyResponse:
        """The wallet's check of the manager PIN (sealed for purpose ``verify``). A wrong PIN is a
        ``Forbidden`` with ``tries_left``; a lock-out one with ``locked_until``. Not retried once
        it may have been sent: a repeat would be refused as a reused authorization."""
        answer = self._call("POST", "/v1/devices/manager-pin/verify", m.ManagerPinVerifyResponse,
                            body=m.ManagerPinVerifyRequest(authorization=authorization), retry_when_maybe_sent=False)
        if (answer.device_id, answer.nonce) != (self.device_id, authorization.nonce):
            raise UnverifiedResponse("the wallet answered about another manager check", code="mismatched_answer")
        return answer

    def set_manager_pin(self, request: m.ManagerPinSetRequest) -> m.ManagerPinSetResponse:
        """Set this register's manager PIN at the wallet (first, reset or change)."""
        answer = self._call("POST", "/v1/devices/manager-pin", m.ManagerPinSetResponse, body=request,
                            retry_when_maybe_sent=False)
        if (answer.device_id, answer.nonce) != (self.device_id, request.nonce):
            raise UnverifiedResponse("the wallet answered about another PIN change", code="mismatched_answer")
        return answer

    def probe(self, timeout: float = 1.0) -> float:
        """One signed round trip within ``timeout`` seconds (a status query for a key no charge
        uses, as `payterm doctor` does): the latency in seconds, or the WalletError. A verified
        answer proves the wallet is there and is the one enrolled, not just that a port is open."""
        started = self._clock()
        self._call("GET", "/v1/charges", m.ChargeList,
                   params={"idempotency_key": "health-" + uuid.uuid4().hex}, timeout=timeout)
        return self._clock() - started

    def settlement(self, date: str) -> m.SettlementResponse:
        return self._call("GET", "/v1/settlement", m.SettlementResponse, params={"date": date})

    def rotate_key(self, new_signer: KeySigner) -> m.RotateKeyResponse:
        """Register ``new_signer``'s public key: the request is signed by the current key (sig1)
        and by the new one (sig2, proof of possession). The caller switches keys only after this
        returns, and keeps the old key until then."""
        body = m.RotateKeyRequest(public_key=public_key_b64(new_signer.public_key_bytes()),
                                  alg=m.KeyAlg(new_signer.alg.value))
        auth = SigningAuth((self._auth.keys[0], SigningKey(new_signer, self.device_id, "sig2")), self.wallet_time)
        answer = self._call("POST", "/v1/devices/rotate-key", m.RotateKeyResponse, body=body, auth=auth)
        if answer.public_key != body.public_key or answer.device_id != self.device_id:
            raise UnverifiedResponse("the wallet confirmed another key", code="mismatched_answer")
        return answer

    def latest_audit_anchor(self) -> m.AuditAnchorReceipt:
        """The wallet's receipt for this device's latest anchored head (WalletRejected 404: none),
        checked against the pinned wallet keys."""
        answer = self._call("GET", "/v1/devices/audit-anchor", m.AuditAnchorReceipt)
        self._check_receipt(answer)
        return answer

    def _check_receipt(self, answer: m.AuditAnchorReceipt) -> None:
        key = self._keys.get(answer.keyid)
        message = anchor_receipt_message(answer.device_id, answer.seq, answer.head_hash, answer.anchored_at)
        if answer.device_id != self.device_id or key is None or not key.verify(
                base64.b64decode(answer.signature), message):
            raise UnverifiedResponse("the wallet's anchor receipt is not signed by its pinned key",
                                     code="bad_receipt")

    def anchor_audit(self, seq: int, head_hash: str, signature: str) -> m.AuditAnchorReceipt:
        """Anchor the register's signed audit head at the wallet; the answer is the wallet's receipt,
        checked here against the pinned wallet keys (a receipt for another head is refused)."""
        body = m.AuditAnchorRequest(seq=seq, head_hash=head_hash, signature=signature)
        answer = self._call("POST", "/v1/devices/audit-anchor", m.AuditAnchorReceipt, body=body)
        if (answer.seq, answer.head_hash, answer.device_id) != (seq, head_hash, self.device_id):
            raise UnverifiedResponse("the wallet's anchor receipt names another head", code="mismatched_answer")
        self._check_receipt(answer)
        return answer

    @classmethod
    def for_enrollment(cls, base_url: str, signer: KeySigner, **kwargs: Any) -> WalletClient:
        """A client for the one enrollment call: it signs under keyid "enroll" (proof that we
        hold the key we present) and has no wallet key pinned yet."""
        return cls(base_url, signer=signer, device_id=ENROLL_KEYID, wallet_keys={}, **kwargs)

    def enroll(self, enrollment_code: str, *, expected_wallet_key: str | None = None) -> m.EnrollResponse:
        """Enroll this register. The answer must be signed by a key it names itself (trust on
        first use, then pinned by the caller); ``expected_wallet_key`` (a fingerprint from
        ``terminal.crypto.keystore.fingerprint``, given to IT out of band) closes that gap."""
        if self.device_id != ENROLL_KEYID or self._keys:
            raise WalletError("enroll() needs a client from WalletClient.for_enrollment()", outcome_unknown=False)
        signer = self._auth.keys[0].signer
        body = m.EnrollRequest(enrollment_code=enrollment_code,
                               public_key=public_key_b64(signer.public_key_bytes()), alg=m.KeyAlg(signer.alg.value))

        def trust(raw: bytes) -> Mapping[str, VerifyKey]:
            try:
                keys = m.EnrollResponse.model_validate(strict_json.loads(raw)).wallet_keys
            except (ValidationError, strict_json.JsonRefused):
                return {}  # an error answer: verified against no key, so it fails as unsigned
            found = {k.keyid: VerifyKey(Alg(k.alg.value), public_key_from_b64(k.public_key)) for k in keys}
            if expected_wallet_key is not None:
                # Only the expected key may vouch for the answer: an impostor naming the
                # genuine key next to its own must not get its own key pinned.
                return {kid: v for kid, v in found.items()
                        if fingerprint(v.public_key) == expected_wallet_key}
            return found

        answer = self._call("POST", "/v1/devices/enroll", m.EnrollResponse, body=body, trust=trust)
        return answer

    # -- plumbing -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        body: BaseModel | dict[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        timeout: float | None = None,
        retry_when_maybe_sent: bool = True,
        auth: SigningAuth | None = None,
        trust: Callable[[bytes], Mapping[str, VerifyKey]] | None = None,
    ) -> M:
        headers: dict[str, str] = {}
        content: bytes | None = None
        if body is not None:
            data = body.model_dump(mode="json", exclude_none=True) if isinstance(body, BaseModel) else body
            content = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        # GETs, keyed POSTs and the cancels are idempotent at the wallet: safe to repeat.
        idempotent = method == "GET" or idempotency_key is not None or path.endswith(("/cancel", "/cancel-by-key"))
        total = timeout or self.timeouts.other
        deadline = self._timer() + total
        with call_deadline(lambda: deadline - self._timer()):
            return self._attempts(method, path, model, content, headers, params, deadline,
                                  idempotent and retry_when_maybe_sent, auth, trust)

    def _attempts(
        self, method: str, path: str, model: type[M], content: bytes | None, headers: Mapping[str, str],
        params: Mapping[str, str] | None, deadline: float, repeatable: bool, auth: SigningAuth | None,
        trust: Callable[[bytes], Mapping[str, VerifyKey]] | None,
    ) -> M:
        attempt = 0
        maybe_sent = False  # did any attempt possibly reach the wallet?
        clock_corrected = False
        while True:
            # A call that may be repeated after a read timeout gives each attempt its share of
            # what is left; otherwise the first silent answer would use up the whole budget.
            shares = max(1, self.retry.attempts - attempt) if repeatable else 1
            remaining = max(0.5, (deadline - self._timer()) / shares)
            request = self._http.build_request(
                method, path, content=content, headers=headers, params=params,
                timeout=httpx.Timeout(remaining, connect=min(self.timeouts.connect, remaining)),
            )
            try:
                return self._exchange(request, model, auth or self._auth, trust)
            except AuthenticationRejected as exc:
                # Our signature was refused for its time only: the signed refusal told us the
                # wallet's clock, so sign again once on that clock.
                if exc.code not in CLOCK_CODES or clock_corrected:
                    raise
                clock_corrected = True
            except WalletError as exc:
                attempt += 1
                maybe_sent = maybe_sent or exc.outcome_unknown
                retryable = isinstance(exc, TransportError | WalletUnavailable) and (
                    not exc.outcome_unknown or repeatable
                )
                pause = self.retry.delay(attempt)
                if isinstance(exc, WalletUnavailable) and exc.retry_after is not None:
                    pause = min(exc.retry_after, self.retry.max_delay * 2)
                if not retryable or attempt >= self.retry.attempts or self._timer() + pause >= deadline:
                    if maybe_sent and not exc.outcome_unknown:
                        raise TransportError(f"{exc} (an earlier attempt may have reached the wallet)",
                                             outcome_unknown=True) from exc
                    raise
                time.sleep(pause)

    def _receive(self, request: httpx.Request, auth: SigningAuth) -> tuple[httpx.Response, bytes]:
        """Send and read the answer, at most ``max_answer_bytes`` of it (a 5xx body is not read)."""
        try:
            response = self._http.send(request, auth=auth, stream=True)
        except _NOT_SENT as exc:
            self.last_failure = self._clock()
            raise TransportError(f"cannot reach the wallet: {exc!r}", outcome_unknown=False) from exc
        except _SENT_MAYBE as exc:
            self.last_failure = self._clock()
            raise TransportError(f"no answer from the wallet: {exc!r}", outcome_unknown=True) from exc
        except httpx.HTTPError as exc:
            self.last_failure = self._clock()
            raise TransportError(f"wallet connection failed: {exc!r}", outcome_unknown=True) from exc
        try:
            if response.status_code >= 500 or response.status_code == 429:
                return response, b""
            cap = self.max_answer_bytes
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise UnverifiedResponse(f"the wallet's answer is too large ({declared} bytes, at most {cap})",
                                         code="answer_too_large")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise UnverifiedResponse(f"the wallet's answer is too large (more than {cap} bytes)",
                                             code="answer_too_large")
                chunks.append(chunk)
            return response, b"".join(chunks)
        except httpx.HTTPError as exc:
            raise TransportError(f"the wallet's answer did not arrive in time or whole: {exc!r}",
                                 outcome_unknown=True) from exc
        finally:
            response.close()

    def _exchange(
        self, request: httpx.Request, model: type[M], auth: SigningAuth,
        trust: Callable[[bytes], Mapping[str, VerifyKey]] | None,
    ) -> M:
        started = self._clock()
        response, body = self._receive(request, auth)
        finished = self._clock()
        self.last_latency = finished - started
        status = response.status_code
        if status >= 500 or status == 429:
            self.last_failure = finished
            retry_after = _retry_after(response.headers.get("retry-after"))
            raise WalletUnavailable(f"wallet unavailable ({status})", status=status, retry_after=retry_after)
        sent = response.request  # as signed by the auth hook: the request this answer must be bound to
        keys = trust(body) if trust is not None else self._keys
        if trust is not None and not keys and status >= 400:
            # Enrollment refused (bad or used code …): nothing is pinned yet, so the refusal cannot
            # be verified. Believing an unverified "no" only means we do not enroll.
            problem = _problem(body)
            raise rejection_for(status, str(problem.get("title") or "refused"),
                                code=_opt_str(problem.get("code")), detail=_opt_str(problem.get("detail")))
        try:
            verified = verify_response(to_http_response(response, body), to_http_request(sent),
                                       keys=keys, now=int(finished))
        except SignatureError as exc:
            raise UnverifiedResponse(f"wallet answer not trusted: {exc}", code=exc.code) from exc
        self.clock_offset = verified.created - (started + finished) / 2
        self.last_success = finished
        # A signed body is read by the strict parser only: if two JSON readers could see two
        # different messages in it (a repeated key, NaN, a number out of range), it says nothing.
        try:
            data = strict_json.loads(body) if body or status < 400 else {}
        except strict_json.JsonRefused as exc:
            raise UnverifiedResponse(f"wallet answer refused: {exc}", code="malformed_body") from exc
        if status >= 400:
            problem = data if isinstance(data, dict) else {}
            tries = problem.get("tries_left")
            raise rejection_for(status, str(problem.get("title") or "rejected"),
                                code=_opt_str(problem.get("code")), detail=_opt_str(problem.get("detail")),
                                tries_left=tries if isinstance(tries, int) and not isinstance(tries, bool) else None,
                                locked_until=_opt_time(problem.get("locked_until")))
        if status not in (200, 201):
            raise UnverifiedResponse(f"unexpected status {status}", code="unexpected_status")
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise UnverifiedResponse(f"wallet answer is not a {model.__name__}", code="malformed_body") from exc


def _seg(value: str) -> str:
    """A path segment that cannot escape its place in the URL."""
    if not value or any(c in value for c in "/?#%\\") or value in {".", ".."}:
        raise ValueError(f"not a valid id: {value!r}")
    return value


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _problem(body: bytes) -> dict[str, Any]:
    try:
        data = strict_json.loads(body)
    except strict_json.JsonRefused:
        return {}
    return data if isinstance(data, dict) else {}


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _opt_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _ours(charge: m.ChargeResponse, charge_id: str | None, expect: Expected | None) -> m.ChargeResponse:
    """The one check that an answer is about our charge: the id we named, and the amount,
    currency and reference we asked for. Anything else leaves the outcome unknown."""
    if charge_id is not None and charge.id != charge_id:
        raise UnverifiedResponse("the wallet answered about another charge", code="mismatched_answer")
    if expect is not None and (charge.amount, charge.currency, charge.merchant_reference) != (
        expect.amount, expect.currency, expect.merchant_reference,
    ):
        raise UnverifiedResponse("the wallet answered about another sale", code="mismatched_answer")
    return charge

"""The message handlers: one authenticated SaleToPOIRequest in, one SaleToPOIResponse out.

Exactly-once rules, all here:

- SaleID + ServiceID is unique for money-moving messages (the ledger refuses a second use).
- A PaymentRequest repeating a SaleTransactionID never charges twice: the core is idempotent on
  (POS, SaleID, SaleTransactionID) and answers the recorded result, or InProgress.
- A second payment while one runs is answered Busy (the core knows what runs).
- Every final answer is kept in the ledger before it is sent, so TransactionStatus gives the same
  answer later, also after a restart; a payment that was cut short is asked of the core.

The handlers decide no payment rule: they translate between nexo and ``PaymentCore``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from terminal.domain.money import Money
from terminal.pos import core as c
from terminal.pos.ledger import DuplicateService, Ledger, ServiceRow
from terminal.pos.messages import (
    Category,
    ErrorCondition,
    Header,
    NexoFailure,
    additional,
    failure,
    number,
    obj,
    parse_header,
    req_text,
    response_body,
    text,
    to_money,
)

log = logging.getLogger(__name__)

PAYMENT_WAIT: Final = 110.0  # below the 120 s a POS waits before it asks TransactionStatus
REVERSAL_WAIT: Final = 110.0
CODE_PATTERN: Final = re.compile(r"^[\x20-\x7e]{1,512}$")
REVERSAL_REASONS: Final = frozenset({"CustCancel", "MerchantCancel", "Malfunction", "Unable2Compl"})

# Wallet decline codes (docs/wallet-api.md) and the register's own refusals -> nexo ErrorCondition.
DECLINE_CONDITIONS: Final[dict[str, ErrorCondition]] = {
    "insufficient_funds": ErrorCondition.REFUSAL,
    "account_locked": ErrorCondition.REFUSAL,
    "limit_exceeded": ErrorCondition.PAYMENT_RESTRICTION,
    "code_expired": ErrorCondition.INVALID_CARD,
    "code_used": ErrorCondition.INVALID_CARD,
    "unknown_code": ErrorCondition.INVALID_CARD,
    "not_a_payment_code": ErrorCondition.INVALID_CARD,
    "wallet_not_accepted": ErrorCondition.PAYMENT_RESTRICTION,
    "step_up_failed": ErrorCondition.WRONG_PIN,
    "step_up_expired": ErrorCondition.CANCEL,
    "cancelled": ErrorCondition.CANCEL,
}


def decline_condition(code: str | None) -> ErrorCondition:
    return DECLINE_CONDITIONS.get(code or "", ErrorCondition.REFUSAL)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class HandlerSettings:
    poi_id: str
    currency: str  # the register's currency: a ReversedAmount is in it (nexo sends no currency)
    merchant_id: str = ""
    payment_wait: float = PAYMENT_WAIT
    reversal_wait: float = REVERSAL_WAIT


class Handlers:
    def __init__(
        self,
        core: c.PaymentCore,
        ledger: Ledger,
        settings: HandlerSettings,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._core = core
        self._ledger = ledger
        self._settings = settings
        self._clock = clock

    # -- entry ------------------------------------------------------------------------------------

    def handle(self, pos: c.PosIdentity, message: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to one request (None: an empty HTTP answer, for an accepted abort)."""
        header: Header | None = None
        category = ""
        try:
            raw_header = message.get("MessageHeader")
            if isinstance(raw_header, dict) and isinstance(raw_header.get("MessageCategory"), str):
                category = raw_header["MessageCategory"]
            header = parse_header(message, self._settings.poi_id)
            try:
                kind = Category(header.category)
            except ValueError:
                raise NexoFailure(
                    ErrorCondition.UNAVAILABLE_SERVICE,
                    f"{header.category} requests are not supported by PayTerm",
                ) from None
            body = obj(message, f"{kind.value}Request", required=kind is not Category.TRANSACTION_STATUS)
            return self._dispatch(kind, pos, header, body)
        except NexoFailure as exc:
            return failure(
                header, category, exc.condition, exc.message, _fallback_ids(message, self._settings)
            )
        except c.PaymentCoreError as exc:
            return failure(
                header,
                category,
                _core_condition(exc),
                str(exc) or type(exc).__name__,
                _fallback_ids(message, self._settings),
            )
        except Exception:
            log.exception("POS request failed")  # our bug: no detail goes to the POS
            return failure(
                header,
                category,
                ErrorCondition.UNAVAILABLE_SERVICE,
                "PayTerm could not process this request; ask TransactionStatus",
                _fallback_ids(message, self._settings),
            )

    def _dispatch(
        self, kind: Category, pos: c.PosIdentity, header: Header, body: dict[str, Any]
    ) -> dict[str, Any] | None:
        if kind is Category.PAYMENT:
            return self._payment(pos, header, body)
        if kind is Category.ABORT:
            return self._abort(pos, header, body)
        if kind is Category.TRANSACTION_STATUS:
            return self._transaction_status(pos, header, body)
        if kind is Category.REVERSAL:
            return self._reversal(pos, header, body)
        if kind is Category.DIAGNOSIS:
            return self._diagnosis(header)
        return self._totals(kind, header, body)

    # -- Payment ----------------------------------------------------------------------------------

    def _payment(self, pos: c.PosIdentity, header: Header, body: dict[str, Any]) -> dict[str, Any]:
        sale_data = obj(body, "SaleData")
        sale_tx = obj(sale_data, "SaleTransactionID")
        tx_id = req_text(sale_tx, "TransactionID")
        reference = text(sale_data, "SaleReferenceID", required=False)
        amounts = obj(obj(body, "PaymentTransaction"), "AmountsReq")
        amount = to_money(amounts.get("RequestedAmount"), amounts.get("Currency"))
        code = _given_code(body)
        order = c.PaymentOrder(c.SaleRef(pos, header.sale_id, tx_id), amount, reference, code)
        request = {
            "SaleTransactionID": sale_tx,
            "amount": amount.amount,
            "currency": amount.currency,
            "SaleReferenceID": reference,
        }
        self._claim(header, pos, tx_id, request)
        try:
            outcome = self._core.start_payment(order, self._settings.payment_wait)
        except c.PaymentCoreError as exc:
            # Refused before anything was charged (Busy, NotAllowed, ...): that is this request's
            # final answer, and TransactionStatus repeats it.
            refused = failure(header, header.category, _core_condition(exc), str(exc) or type(exc).__name__)
            self._ledger.answer(header.sale_id, header.service_id, refused, None)
            return refused
        response = self.payment_response(header, sale_tx, outcome)
        if outcome.final:
            self._ledger.answer(header.sale_id, header.service_id, response, outcome.charge_id)
        return response

    def _claim(self, header: Header, pos: c.PosIdentity, tx_id: str | None, request: dict[str, Any]) -> None:
        try:
            self._ledger.claim(
                header.sale_id, header.service_id, header.category, pos.key_identifier, tx_id, request
            )
        except DuplicateService:
            raise NexoFailure(
                ErrorCondition.NOT_ALLOWED,
                f"ServiceID {header.service_id} was already used by this SaleID: use a new "
                "ServiceID, or TransactionStatus to get the earlier answer",
            ) from None

    def payment_response(
        self, header: Header, sale_tx: dict[str, Any], outcome: c.PaymentOutcome
    ) -> dict[str, Any]:
        s = outcome.status
        poi_tx = {
            "TransactionID": outcome.charge_id or f"pending-{header.service_id}",
            "TimeStamp": _stamp(outcome.created_at),
        }
        details = additional(
            {
                "wallet": outcome.wallet,
                "codeLast4": outcome.code_last4,
                "approvalCode": outcome.approval_code,
                "declineCode": outcome.decline_code,
                "message": outcome.message,
            }
        )
        if s is c.PaymentStatus.APPROVED:
            response = response_body(True)
        elif s is c.PaymentStatus.IN_PROGRESS:
            response = response_body(False, ErrorCondition.IN_PROGRESS)
        elif s is c.PaymentStatus.DECLINED:
            response = response_body(False, decline_condition(outcome.decline_code))
        elif s is c.PaymentStatus.CANCELLED:
            response = response_body(
                False, ErrorCondition.ABORTED if outcome.aborted else ErrorCondition.CANCEL
            )
        else:  # REVERSED: the wallet's answer was lost and the payment reversed; nothing charged
            response = response_body(False, ErrorCondition.UNREACHABLE_HOST)
        if details:
            response["AdditionalResponse"] = details
        body: dict[str, Any] = {
            "Response": response,
            "SaleData": {"SaleTransactionID": sale_tx},
            "POIData": {"POITransactionID": poi_tx},
        }
        if s is c.PaymentStatus.APPROVED:
            instrument: dict[str, Any] = {"PaymentInstrumentType": "Mobile"}
            if outcome.wallet or outcome.code_last4:
                instrument["CardData"] = {
                    k: v
                    for k, v in (
                        ("PaymentBrand", outcome.wallet),
                        ("MaskedPan", f"****{outcome.code_last4}" if outcome.code_last4 else None),
                    )
                    if v
                }
            body["PaymentResult"] = {
                "PaymentType": "Normal",
                "OnlineFlag": True,
                "PaymentInstrumentData": instrument,
                "AmountsResp": {
                    "AuthorizedAmount": number(outcome.amount),
                    "Currency": outcome.amount.currency,
                },
                "PaymentAcquirerData": {
                    "AcquirerPOIID": self._settings.poi_id,
                    "MerchantID": self._settings.merchant_id,
                    "ApprovalCode": outcome.approval_code or "",
                    "AcquirerTransactionID": poi_tx,
                },
            }
        if outcome.receipt_lines:
            body["PaymentReceipt"] = [
                {
                    "DocumentQualifier": "CustomerReceipt",
                    "RequiredSignatureFlag": False,
                    "OutputContent": {
                        "OutputFormat": "Text",
                        "OutputText": [
                            {"Text": line, "EndOfLineFlag": True} for line in outcome.receipt_lines
                        ],
                    },
                }
            ]
        return {"SaleToPOIResponse": {"MessageHeader": header.response(), "PaymentResponse": body}}

    # -- Abort ------------------------------------------------------------------------------------

    def _abort(self, pos: c.PosIdentity, header: Header, body: dict[str, Any]) -> dict[str, Any] | None:
        ref = obj(body, "MessageReference")
        category = ref.get("MessageCategory", "Payment")
        if category != "Payment":
            raise NexoFailure(ErrorCondition.NOT_ALLOWED, "only a payment can be aborted")
        sale_id = text(ref, "SaleID", required=False) or header.sale_id
        service_id = req_text(ref, "ServiceID")
        row = self._ledger.find(sale_id, service_id, pos.key_identifier)
        if row is None or row.category != "Payment" or row.sale_transaction_id is None:
            raise NexoFailure(
                ErrorCondition.NOT_FOUND, f"no payment with ServiceID {service_id} from this POS"
            )
        if row.response is not None:
            raise NexoFailure(
                ErrorCondition.NOT_ALLOWED,
                "this payment has already finished: send a ReversalRequest to void it",
            )
        self._core.abort(c.SaleRef(pos, sale_id, row.sale_transaction_id))
        return None

    # -- TransactionStatus ------------------------------------------------------------------------

    def _transaction_status(self, pos: c.PosIdentity, header: Header, body: dict[str, Any]) -> dict[str, Any]:
        ref = obj(body, "MessageReference", required=False)
        if ref:
            sale_id = text(ref, "SaleID", required=False) or header.sale_id
            service_id = req_text(ref, "ServiceID")
            row = self._ledger.find(sale_id, service_id, pos.key_identifier)
        else:
            row = self._ledger.last_payment(header.sale_id, pos.key_identifier)
        if row is None:
            raise NexoFailure(ErrorCondition.NOT_FOUND, "no such transaction from this POS")
        response = row.response or self._resolve(pos, row)
        if response is None:
            return self._status_answer(
                header,
                response_body(False, ErrorCondition.IN_PROGRESS, "still running: ask again in a few seconds"),
            )
        inner = response["SaleToPOIResponse"]
        repeated = {
            "MessageHeader": inner["MessageHeader"],
            "RepeatedResponseMessageBody": {k: v for k, v in inner.items() if k != "MessageHeader"},
        }
        answer = self._status_answer(header, response_body(True))
        answer["SaleToPOIResponse"]["TransactionStatusResponse"].update(
            {
                "MessageReference": {
                    "MessageCategory": row.category,
                    "SaleID": row.sale_id,
                    "ServiceID": row.service_id,
                    "POIID": self._settings.poi_id,
                },
                "RepeatedMessageResponse": repeated,
            }
        )
        return answer

    def _status_answer(self, header: Header, response: dict[str, Any]) -> dict[str, Any]:
        return {
            "SaleToPOIResponse": {
                "MessageHeader": header.response(),
                "TransactionStatusResponse": {"Response": response},
            }
        }

    def _resolve(self, pos: c.PosIdentity, row: ServiceRow) -> dict[str, Any] | None:
        """The answer of a request whose reply was never recorded (cut short, or restarted)."""
        original = Header(
            row.category, row.sale_id, row.service_id, self._settings.poi_id, {"MessageClass": "Service"}
        )
        if row.category == "Payment" and row.sale_transaction_id is not None:
            outcome = self._core.status(c.SaleRef(pos, row.sale_id, row.sale_transaction_id))
            if not outcome.final:
                return None
            response = self.payment_response(original, row.request.get("SaleTransactionID", {}), outcome)
            self._ledger.answer(row.sale_id, row.service_id, response, outcome.charge_id)
            return response
        try:
            reversal = self._core.reversal_status(pos, row.sale_id, row.service_id)
        except c.NotAllowed as exc:
            response = failure(original, "Reversal", ErrorCondition.NOT_ALLOWED, str(exc))
            self._ledger.answer(row.sale_id, row.service_id, response, None)
            return response
        if reversal is None:
            return None
        response = self._reversal_response(
            original, row.poi_transaction_id or row.request.get("charge_id", ""), reversal
        )
        self._ledger.answer(row.sale_id, row.service_id, response, reversal.reversal_id)
        return response

    # -- Reversal ---------------------------------------------------------------------------------

    def _reversal(self, pos: c.PosIdentity, header: Header, body: dict[str, Any]) -> dict[str, Any]:
        original = obj(body, "OriginalPOITransaction")
        charge_id = req_text(obj(original, "POITransactionID"), "TransactionID")
        reason = body.get("ReversalReason")
        if reason not in REVERSAL_REASONS:
            raise NexoFailure(
                ErrorCondition.MESSAGE_FORMAT,
                f"ReversalReason must be one of {', '.join(sorted(REVERSAL_REASONS))}",
            )
        amount: Money | None = None
        if body.get("ReversedAmount") is not None:
            amount = to_money(body["ReversedAmount"], self._settings.currency, "ReversedAmount")
        self._claim(
            header,
            pos,
            None,
            {"charge_id": charge_id, "amount": None if amount is None else amount.amount, "reason": reason},
        )
        outcome = self._core.reverse(
            c.ReversalOrder(pos, header.sale_id, header.service_id, charge_id, amount, str(reason)),
            self._settings.reversal_wait,
        )
        response = self._reversal_response(header, charge_id, outcome)
        self._ledger.answer(header.sale_id, header.service_id, response, outcome.reversal_id)
        return response

    def _reversal_response(
        self, header: Header, charge_id: str, outcome: c.ReversalOutcome
    ) -> dict[str, Any]:
        return {
            "SaleToPOIResponse": {
                "MessageHeader": header.response(),
                "ReversalResponse": {
                    "Response": response_body(True),
                    "OriginalPOITransaction": {
                        "POITransactionID": {
                            "TransactionID": charge_id,
                            "TimeStamp": _stamp(outcome.created_at),
                        }
                    },
                    "POIData": {
                        "POITransactionID": {
                            "TransactionID": outcome.reversal_id,
                            "TimeStamp": _stamp(outcome.created_at),
                        }
                    },
                    "ReversedAmount": number(outcome.reversed_amount),
                },
            }
        }

    # -- Reconciliation, GetTotals, Diagnosis -----------------------------------------------------

    def _totals(self, kind: Category, header: Header, body: dict[str, Any]) -> dict[str, Any]:
        day: dt.date | None = None
        if kind is Category.RECONCILIATION:
            rtype = body.get("ReconciliationType")
            if rtype == "PreviousReconciliation":
                rid = req_text(body, "POIReconciliationID")
                try:
                    day = dt.datetime.strptime(rid, "%Y%m%d").date()
                except ValueError:
                    raise NexoFailure(
                        ErrorCondition.MESSAGE_FORMAT, "POIReconciliationID is a day, YYYYMMDD"
                    ) from None
            elif rtype not in ("SaleReconciliation", "AcquirerReconciliation", "AcquirerSynchronisation"):
                raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, "ReconciliationType is missing or unknown")
        totals = self._core.totals(day)
        by_currency: dict[str, list[c.TotalsLine]] = {}
        for line in totals.lines:
            by_currency.setdefault(line.currency, []).append(line)
        transaction_totals = [
            {
                "PaymentInstrumentType": "Mobile",
                "PaymentCurrency": cur,
                "PaymentTotals": [
                    {
                        "TransactionType": line.kind,
                        "TransactionCount": line.count,
                        "TransactionAmount": number(Money(line.amount, cur)),
                    }
                    for line in lines
                ],
            }
            for cur, lines in sorted(by_currency.items())
        ]
        out: dict[str, Any] = {
            "Response": response_body(True),
            "POIReconciliationID": totals.reconciliation_id,
            "TransactionTotals": transaction_totals,
        }
        if kind is Category.RECONCILIATION:
            out["ReconciliationType"] = body["ReconciliationType"]
        return {"SaleToPOIResponse": {"MessageHeader": header.response(), f"{kind.value}Response": out}}

    def _diagnosis(self, header: Header) -> dict[str, Any]:
        d = self._core.diagnosis()
        ok = d.wallet_reachable and d.clock_ok and d.key_ok
        status = (
            "Busy"
            if d.busy
            else ("OK" if ok else ("Unreachable" if not d.wallet_reachable else "Maintenance"))
        )
        checks = {"wallet": d.wallet_reachable, "clock": d.clock_ok, "key": d.key_ok, "scanner": d.scanner_ok}
        response = response_body(True)
        response["AdditionalResponse"] = additional(
            {k: ("ok" if v else "failed") for k, v in checks.items()} | dict(d.details)
        )
        body = {
            "Response": response,
            "POIStatus": {"GlobalStatus": status, "CommunicationOKFlag": d.wallet_reachable},
            "HostStatus": [{"AcquirerID": "wallet", "IsReachableFlag": d.wallet_reachable}],
        }
        return {"SaleToPOIResponse": {"MessageHeader": header.response(), "DiagnosisResponse": body}}


def _given_code(body: dict[str, Any]) -> str | None:
    """The code a POS's own scanner read, if it sends one: PaymentData.PaymentInstrumentData
    {PaymentInstrumentType "Mobile", CardData.PaymentToken.TokenValue}."""
    data = obj(obj(body, "PaymentData", required=False), "PaymentInstrumentData", required=False)
    if not data:
        return None
    if data.get("PaymentInstrumentType") != "Mobile":
        raise NexoFailure(ErrorCondition.PAYMENT_RESTRICTION, "PayTerm takes mobile-wallet payments only")
    token = obj(obj(data, "CardData", required=False), "PaymentToken", required=False)
    value = token.get("TokenValue") if token else None
    if value is None:
        return None
    if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
        raise NexoFailure(ErrorCondition.INVALID_CARD, "the scanned code is not printable text")
    return value


def _core_condition(exc: c.PaymentCoreError) -> ErrorCondition:
    if isinstance(exc, c.Busy):
        return ErrorCondition.BUSY
    if isinstance(exc, c.NotFound):
        return ErrorCondition.NOT_FOUND
    if isinstance(exc, c.NotAllowed):
        return ErrorCondition.NOT_ALLOWED
    return ErrorCondition.UNAVAILABLE_SERVICE


def _fallback_ids(message: object, settings: HandlerSettings) -> tuple[str, str, str]:
    header = message.get("MessageHeader") if isinstance(message, dict) else None
    if not isinstance(header, dict):
        return ("", "", settings.poi_id)

    def get(name: str) -> str:
        value = header.get(name)
        return value[:64] if isinstance(value, str) else ""

    return (get("SaleID"), get("ServiceID"), settings.poi_id)

"""nexo Retailer SaleToPOI JSON: reading requests, writing responses.

Amounts in nexo are decimal numbers in major units (``"RequestedAmount": 12.5``). They are read
as ``Decimal`` (never float) and turned into integer minor units with the currency's exponent;
an amount with more fraction digits than the currency has is a format error. Responses write
amounts back as exact decimal JSON numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final
from urllib.parse import quote

from terminal.domain.money import MAX_AMOUNT, Money, MoneyError, currency, format_minor

PROTOCOL_VERSION: Final = "3.0"
MAX_BODY: Final = 64 * 1024
ID_PATTERN: Final = re.compile(r"^[\x21-\x7e]{1,64}$")  # printable ASCII, no spaces
SERVICE_ID_PATTERN: Final = re.compile(r"^[\x21-\x7e]{1,10}$")  # nexo: at most 10 characters


class ErrorCondition(StrEnum):
    ABORTED = "Aborted"
    BUSY = "Busy"
    CANCEL = "Cancel"
    IN_PROGRESS = "InProgress"
    INVALID_CARD = "InvalidCard"
    MESSAGE_FORMAT = "MessageFormat"
    NOT_ALLOWED = "NotAllowed"
    NOT_FOUND = "NotFound"
    PAYMENT_RESTRICTION = "PaymentRestriction"
    REFUSAL = "Refusal"
    UNAVAILABLE_SERVICE = "UnavailableService"
    UNREACHABLE_HOST = "UnreachableHost"
    WRONG_PIN = "WrongPIN"


class Category(StrEnum):
    PAYMENT = "Payment"
    ABORT = "Abort"
    TRANSACTION_STATUS = "TransactionStatus"
    REVERSAL = "Reversal"
    RECONCILIATION = "Reconciliation"
    GET_TOTALS = "GetTotals"
    DIAGNOSIS = "Diagnosis"


class NexoFailure(Exception):
    """A request answered with Result Failure; ``message`` goes into AdditionalResponse."""

    def __init__(self, condition: ErrorCondition, message: str) -> None:
        super().__init__(message)
        self.condition = condition
        self.message = message


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """Strict JSON, floats as Decimal; ``NexoFailure(MessageFormat)`` for anything else."""
    if len(raw) > MAX_BODY:
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"the message is larger than {MAX_BODY} bytes")
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, "the message is not valid JSON") from None


_DECIMAL_MARK: Final = "\x00payterm-decimal:"
_DECIMAL_RE: Final = re.compile(r'"\\u0000payterm-decimal:(-?[0-9]+(?:\.[0-9]+)?)"')


def number(amount: Money) -> Decimal:
    """The amount in major units, exactly, with the currency's decimals ("12.50")."""
    return Decimal(format_minor(amount.amount, amount.exponent, grouping=False))


def _decimal_marker(value: object) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return _DECIMAL_MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON")


def dump_json(value: Any) -> bytes:
    """JSON with ``Decimal`` written as exact numbers (json would need floats for them)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_decimal_marker)
    return _DECIMAL_RE.sub(lambda m: m.group(1), text).encode("utf-8")


def to_money(value: object, currency_code: object, what: str = "RequestedAmount") -> Money:
    if not isinstance(currency_code, str):
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, "Currency is missing")
    try:
        cur = currency(currency_code)
    except MoneyError:
        raise NexoFailure(
            ErrorCondition.PAYMENT_RESTRICTION,
            f"the currency {currency_code!r} is not accepted at this register",
        ) from None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"{what} is missing or not a number")
    try:
        minor = Decimal(value).scaleb(cur.exponent)
        if minor != minor.to_integral_value() or minor <= 0 or minor > MAX_AMOUNT:
            raise NexoFailure(
                ErrorCondition.MESSAGE_FORMAT,
                f"{what} must be positive with at most {cur.exponent} decimals for {cur.code}",
            )
        return Money(int(minor), cur.code)
    except (InvalidOperation, MoneyError):
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"{what} is not a valid amount") from None


def obj(parent: object, name: str, *, required: bool = True) -> dict[str, Any]:
    value = parent.get(name) if isinstance(parent, dict) else None
    if isinstance(value, dict):
        return value
    if value is None and not required:
        return {}
    raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"{name} is missing or not an object")


def text(
    parent: dict[str, Any], name: str, *, required: bool = True, pattern: re.Pattern[str] = ID_PATTERN
) -> str | None:
    value = parent.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"{name} is missing or not a valid identifier")
    return value


def req_text(parent: dict[str, Any], name: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
    value = text(parent, name, pattern=pattern)
    if value is None:  # text() raised already; this keeps the type exact
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"{name} is missing")
    return value


@dataclass(frozen=True, slots=True)
class Header:
    category: str  # as sent; a Category when supported
    sale_id: str
    service_id: str
    poi_id: str
    raw: dict[str, Any]

    def response(self) -> dict[str, Any]:
        return {
            "ProtocolVersion": PROTOCOL_VERSION,
            "MessageClass": self.raw.get("MessageClass", "Service"),
            "MessageCategory": self.category,
            "MessageType": "Response",
            "ServiceID": self.service_id,
            "SaleID": self.sale_id,
            "POIID": self.poi_id,
        }


def parse_header(message: object, poi_id: str) -> Header:
    """The MessageHeader of a SaleToPOIRequest, every field checked."""
    header = obj(message, "MessageHeader")
    if header.get("ProtocolVersion") != PROTOCOL_VERSION:
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, f"ProtocolVersion must be {PROTOCOL_VERSION!r}")
    if header.get("MessageClass") != "Service":
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, "MessageClass must be 'Service'")
    if header.get("MessageType") != "Request":
        raise NexoFailure(ErrorCondition.MESSAGE_FORMAT, "MessageType must be 'Request'")
    category = req_text(header, "MessageCategory")
    parsed = Header(
        category,
        req_text(header, "SaleID"),
        req_text(header, "ServiceID", SERVICE_ID_PATTERN),
        req_text(header, "POIID"),
        header,
    )
    if parsed.poi_id != poi_id:
        raise NexoFailure(
            ErrorCondition.NOT_ALLOWED, f"this register is POIID {poi_id!r}, not {parsed.poi_id!r}"
        )
    return parsed


def response_body(
    result: bool, condition: ErrorCondition | None = None, message: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"Result": "Success" if result else "Failure"}
    if condition is not None:
        body["ErrorCondition"] = condition.value
    if message:
        body["AdditionalResponse"] = "message=" + _urlencode(message)
    return body


def _urlencode(value: str) -> str:
    return quote(value, safe="")


def additional(pairs: Mapping[str, str | None]) -> str:
    """Adyen's AdditionalResponse form: URL-encoded key=value pairs joined by '&'."""
    return "&".join(f"{k}={_urlencode(v)}" for k, v in pairs.items() if v is not None)


def failure(
    header: Header | None,
    category: str,
    condition: ErrorCondition,
    message: str,
    fallback_ids: tuple[str, str, str] = ("", "", ""),
) -> dict[str, Any]:
    """A whole SaleToPOIResponse saying Failure; ``fallback_ids`` (SaleID, ServiceID, POIID)
    when the request's own header could not be read."""
    if header is not None:
        msg_header = header.response()
    else:
        sale_id, service_id, poi_id = fallback_ids
        msg_header = {
            "ProtocolVersion": PROTOCOL_VERSION,
            "MessageClass": "Service",
            "MessageCategory": category or "Event",
            "MessageType": "Response",
            "ServiceID": service_id,
            "SaleID": sale_id,
            "POIID": poi_id,
        }
    return {
        "SaleToPOIResponse": {
            "MessageHeader": msg_header,
            f"{category or 'Event'}Response": {"Response": response_body(False, condition, message)},
        }
    }

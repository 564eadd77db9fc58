"""Money: integer minor units plus an ISO 4217 currency code, never a float.

The currency table gives each code its minor-unit exponent so that amounts can be validated,
compared and shown ("¥1,200", "$12.00") without any floating-point arithmetic.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_AMOUNT: Final[int] = 10**12
"""Upper bound for any single charge or refund, in minor units (guards against typos and overflow)."""


class MoneyError(ValueError):
    """An amount or currency that is not valid money."""


class UnknownCurrency(MoneyError):
    """A currency code that is not in the table of supported ISO 4217 currencies."""


class AmountRule(StrEnum):
    """The rules an amount typed or passed as text must follow; each refusal names one, so that a
    surface can say it in the user's language (``AmountTextError.rule``)."""

    EMPTY = "empty"  # no amount at all
    ASCII_DIGITS = "ascii_digits"  # digits other than 0-9: full-width, Arabic-Indic, superscripts …
    NO_SIGN = "no_sign"  # + or - (amounts are never negative; a refund is its own operation)
    NO_UNDERSCORE = "no_underscore"  # 1_200, as Python's int() would accept it
    NO_SPACE = "no_space"  # 1 200
    DIGITS_ONLY = "digits_only"  # any other character
    DECIMALS = "decimals"  # more fraction digits than the currency has, or a second point
    TOO_LARGE = "too_large"  # above MAX_AMOUNT


_RULE_TEXT: Final[dict[AmountRule, str]] = {
    AmountRule.EMPTY: "no amount given: type the amount in digits 0-9",
    AmountRule.ASCII_DIGITS: "only the digits 0-9 are accepted (not full-width or other scripts' digits)",
    AmountRule.NO_SIGN: "an amount has no sign: type digits 0-9 only, without + or -",
    AmountRule.NO_UNDERSCORE: "no underscores in an amount: type digits 0-9 only, e.g. 1200",
    AmountRule.NO_SPACE: "no spaces inside an amount: type digits 0-9 only, e.g. 1200",
    AmountRule.DIGITS_ONLY: "not an amount: type digits 0-9 only",
    AmountRule.DECIMALS: "too many decimal places for the currency",
    AmountRule.TOO_LARGE: f"the amount exceeds the maximum of {MAX_AMOUNT} minor units",
}


class AmountTextError(MoneyError):
    """Text that is not an amount; ``rule`` says which rule it breaks."""

    def __init__(self, rule: AmountRule, text: str, detail: str | None = None) -> None:
        shown = text if len(text) <= 24 else text[:24] + "…"
        super().__init__(f"{detail or _RULE_TEXT[rule]} (got {shown!r})")
        self.rule = rule


ASCII_DIGITS: Final = frozenset("0123456789")


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of the ASCII digits 0-9 and nothing else (str.isdigit()
    alone also takes "１２", "١٢" and "²")."""
    return bool(text) and all(ch in ASCII_DIGITS for ch in text)


def _refuse_characters(text: str, allowed: str = "") -> None:
    """Raise for the first character that is neither an ASCII digit nor in ``allowed``."""
    for ch in text:
        if ch in ASCII_DIGITS or ch in allowed:
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded in ("+", "-") or ch == "\u2212":
            raise AmountTextError(AmountRule.NO_SIGN, text)
        if ch == "_":
            raise AmountTextError(AmountRule.NO_UNDERSCORE, text)
        if ch.isspace():
            raise AmountTextError(AmountRule.NO_SPACE, text)
        if ch.isdigit() or ch.isnumeric():
            raise AmountTextError(AmountRule.ASCII_DIGITS, text)
        raise AmountTextError(AmountRule.DIGITS_ONLY, text)


_MAX_DIGITS: Final = len(str(MAX_AMOUNT))


def parse_minor(text: str) -> int:
    """An amount in minor units written as ASCII digits 0-9 only ("1200"), as the CLI and the
    POS take it: no sign, underscore, space, grouping, decimal point or other digits. Raises
    ``AmountTextError`` naming the rule broken."""
    if not text:
        raise AmountTextError(AmountRule.EMPTY, text)
    _refuse_characters(text)
    if len(text.lstrip("0")) > _MAX_DIGITS or int(text) > MAX_AMOUNT:
        raise AmountTextError(AmountRule.TOO_LARGE, text)
    return int(text)


@dataclass(frozen=True, slots=True)
class Currency:
    """One ISO 4217 currency: its code, minor-unit exponent and display symbol."""

    code: str
    exponent: int
    symbol: str
    name: str


_TABLE: Final[tuple[Currency, ...]] = (
    Currency("JPY", 0, "¥", "Japanese yen"),
    Currency("KRW", 0, "₩", "South Korean won"),
    Currency("VND", 0, "₫", "Vietnamese dong"),
    Currency("USD", 2, "$", "US dollar"),
    Currency("EUR", 2, "€", "Euro"),
    Currency("GBP", 2, "£", "Pound sterling"),
    Currency("CNY", 2, "CN¥", "Chinese yuan"),
    Currency("TWD", 2, "NT$", "New Taiwan dollar"),
    Currency("HKD", 2, "HK$", "Hong Kong dollar"),
    Currency("SGD", 2, "S$", "Singapore dollar"),
    Currency("THB", 2, "฿", "Thai baht"),
    Currency("MYR", 2, "RM", "Malaysian ringgit"),
    Currency("PHP", 2, "₱", "Philippine peso"),
    Currency("IDR", 2, "Rp", "Indonesian rupiah"),
    Currency("AUD", 2, "A$", "Australian dollar"),
    Currency("CAD", 2, "CA$", "Canadian dollar"),
    Currency("CHF", 2, "CHF", "Swiss franc"),
    Currency("INR", 2, "₹", "Indian rupee"),
    Currency("KWD", 3, "KD", "Kuwaiti dinar"),
    Currency("BHD", 3, "BD", "Bahraini dinar"),
    Currency("JOD", 3, "JD", "Jordanian dinar"),
    Currency("OMR", 3, "OMR", "Omani rial"),
)

CURRENCIES: Final[dict[str, Currency]] = {c.code: c for c in _TABLE}
"""ISO 4217 code -> Currency, for every currency PayTerm accepts."""


def currency(code: str) -> Currency:
    """The Currency for an ISO 4217 code (upper case, exactly three letters)."""
    found = CURRENCIES.get(code) if isinstance(code, str) else None
    if found is None:
        raise UnknownCurrency(f"unknown currency {code!r}: expected an ISO 4217 code such as 'JPY'")
    return found


def check_amount(amount: object, *, maximum: int = MAX_AMOUNT) -> int:
    """Return ``amount`` if it is an int in [0, maximum]; reject bools, floats and strings."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MoneyError(f"amount must be an integer number of minor units, got {type(amount).__name__}")
    if amount < 0:
        raise MoneyError(f"amount must not be negative, got {amount}")
    if amount > maximum:
        raise MoneyError(f"amount {amount} exceeds the maximum of {maximum}")
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of a known currency (0 <= amount <= MAX_AMOUNT)."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        check_amount(self.amount)
        currency(self.currency)

    @property
    def exponent(self) -> int:
        return CURRENCIES[self.currency].exponent

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"currency mismatch: {self.currency} vs {other.currency}")

    def format(self, *, symbol: bool = True) -> str:
        """Human display: "¥1,200", "$12.05", "KD1.250"; with symbol=False, "1,200 JPY"."""
        digits = format_minor(self.amount, self.exponent, grouping=True)
        if symbol:
            return f"{CURRENCIES[self.currency].symbol}{digits}"
        return f"{digits} {self.currency}"

    def __str__(self) -> str:
        return self.format()


def format_signed(amount: int, currency_code: str) -> str:
    """A figure that may be negative (a net, a refund shown as money out): "¥2,000", "-¥300"."""
    shown = Money(abs(amount), currency_code).format()
    return "-" + shown if amount < 0 else shown


def format_minor(amount: int, exponent: int, *, grouping: bool) -> str:
    """Integer minor units -> decimal string with ``exponent`` fraction digits, no floats involved."""
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exponent)
    whole_str = f"{whole:,}" if grouping else str(whole)
    if exponent == 0:
        return f"{sign}{whole_str}"
    return f"{sign}{whole_str}.{frac:0{exponent}d}"


def parse_major(text: str, currency_code: str) -> Money:
    """Parse a decimal string in major units ("12.5", "1,200") into Money, exactly.

    Used for amounts typed by people (spaces around are ignored, commas group thousands); only
    the ASCII digits 0-9 count, and more fraction digits than the currency has are refused. Raises
    ``AmountTextError`` naming the rule broken.
    """
    cur = currency(currency_code)
    stripped = text.strip()
    if not stripped:
        raise AmountTextError(AmountRule.EMPTY, text)
    _refuse_characters(stripped, allowed=",.")
    cleaned = stripped.replace(",", "")
    whole, _, frac = cleaned.partition(".")
    if "." in frac:
        raise AmountTextError(AmountRule.DECIMALS, text, "an amount has at most one decimal point")
    if not (whole or frac):
        raise AmountTextError(AmountRule.DIGITS_ONLY, text)
    if len(frac) > cur.exponent:
        raise AmountTextError(AmountRule.DECIMALS, text,
                              f"{cur.code} has {cur.exponent} decimal places" if cur.exponent
                              else f"{cur.code} has no decimal places")
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        raise AmountTextError(AmountRule.TOO_LARGE, text)
    minor = int(whole or "0") * 10**cur.exponent + int(frac.ljust(cur.exponent, "0") or "0")
    if minor > MAX_AMOUNT:
        raise AmountTextError(AmountRule.TOO_LARGE, text)
    return Money(minor, cur.code)

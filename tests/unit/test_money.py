"""Money: integer minor units only, known currencies, exact formatting and parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.domain.money import (
    CURRENCIES,
    MAX_AMOUNT,
    AmountRule,
    AmountTextError,
    Money,
    MoneyError,
    UnknownCurrency,
    currency,
    parse_major,
    parse_minor,
)


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("CNY", 2), ("GBP", 2), ("TWD", 2),
     ("HKD", 2), ("SGD", 2), ("THB", 2), ("KWD", 3)],
)
def test_exponents(code: str, exponent: int) -> None:
    assert currency(code).exponent == exponent
    assert Money(1, code).exponent == exponent


@pytest.mark.parametrize("bad", [1.0, True, False, "100", None, 10**12 + 1, -1])
def test_rejects_non_int_or_out_of_range(bad: object) -> None:
    with pytest.raises(MoneyError):
        Money(bad, "JPY")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["jpy", "XXX", "", "JPYY", None])
def test_rejects_unknown_currency(code: object) -> None:
    with pytest.raises(UnknownCurrency):
        Money(100, code)  # type: ignore[arg-type]


def test_bounds_accepted() -> None:
    assert Money(0, "JPY").amount == 0
    assert Money(MAX_AMOUNT, "JPY").amount == MAX_AMOUNT


def test_frozen() -> None:
    m = Money(5, "JPY")
    with pytest.raises(AttributeError):
        m.amount = 6  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amount", "code", "shown", "plain"),
    [(1200, "JPY", "¥1,200", "1,200 JPY"), (1205, "USD", "$12.05", "12.05 USD"),
     (5, "EUR", "€0.05", "0.05 EUR"), (1250, "KWD", "KD1.250", "1.250 KWD"),
     (123456789, "KRW", "₩123,456,789", "123,456,789 KRW"), (0, "GBP", "£0.00", "0.00 GBP")],
)
def test_format(amount: int, code: str, shown: str, plain: str) -> None:
    assert Money(amount, code).format() == shown
    assert Money(amount, code).format(symbol=False) == plain


def test_arithmetic_same_currency_only() -> None:
    assert Money(100, "JPY") + Money(50, "JPY") == Money(150, "JPY")
    assert Money(100, "JPY") - Money(50, "JPY") == Money(50, "JPY")
    assert Money(1, "JPY") < Money(2, "JPY")
    with pytest.raises(MoneyError):
        Money(100, "JPY") + Money(1, "USD")
    with pytest.raises(MoneyError):
        Money(1, "JPY") - Money(2, "JPY")


@pytest.mark.parametrize(
    ("text", "code", "minor"),
    [("12.5", "USD", 1250), ("1,200", "JPY", 1200), (".05", "EUR", 5), ("1.250", "KWD", 1250)],
)
def test_parse_major(text: str, code: str, minor: int) -> None:
    assert parse_major(text, code) == Money(minor, code)


@pytest.mark.parametrize(("text", "code"), [("1.5", "JPY"), ("1.234", "USD"), ("", "USD"), ("a", "USD"),
                                            ("1..2", "USD"), ("-1", "USD"), (".", "USD"), ("١٢", "JPY")])
def test_parse_major_rejects(text: str, code: str) -> None:
    with pytest.raises(MoneyError):
        parse_major(text, code)


@given(st.integers(0, MAX_AMOUNT), st.sampled_from(sorted(CURRENCIES)))
def test_format_parse_round_trip(amount: int, code: str) -> None:
    m = Money(amount, code)
    assert parse_major(m.format(symbol=False).split(" ")[0], code) == m


# --- amounts as text: ASCII digits only, each refusal names its rule --------------------------

@pytest.mark.parametrize(("text", "rule"), [
    ("", AmountRule.EMPTY),
    ("1_200", AmountRule.NO_UNDERSCORE),
    ("+1200", AmountRule.NO_SIGN),
    ("-5", AmountRule.NO_SIGN),
    ("\u22125", AmountRule.NO_SIGN),  # the minus sign
    ("＋1200", AmountRule.NO_SIGN),  # full-width plus
    ("１２００", AmountRule.ASCII_DIGITS),  # full-width
    ("١٢٠٠", AmountRule.ASCII_DIGITS),  # Arabic-Indic
    ("۱۲۰۰", AmountRule.ASCII_DIGITS),  # Extended Arabic-Indic (Persian)
    ("१२००", AmountRule.ASCII_DIGITS),  # Devanagari
    ("12²", AmountRule.ASCII_DIGITS),  # superscript
    ("1 200", AmountRule.NO_SPACE),
    (" 1200", AmountRule.NO_SPACE),
    ("1200\n", AmountRule.NO_SPACE),
    ("1,200", AmountRule.DIGITS_ONLY),
    ("12.00", AmountRule.DIGITS_ONLY),
    ("0x4b0", AmountRule.DIGITS_ONLY),
    ("1e3", AmountRule.DIGITS_ONLY),
    (str(MAX_AMOUNT + 1), AmountRule.TOO_LARGE),
    ("9" * 5000, AmountRule.TOO_LARGE),
])
def test_parse_minor_refuses_and_names_the_rule(text: str, rule: AmountRule) -> None:
    with pytest.raises(AmountTextError) as err:
        parse_minor(text)
    assert err.value.rule is rule and repr(text[:24]).strip("'") in str(err.value)


@pytest.mark.parametrize(("text", "minor"), [("0", 0), ("1200", 1200), ("007", 7), (str(MAX_AMOUNT), MAX_AMOUNT)])
def test_parse_minor_reads_ascii_digits(text: str, minor: int) -> None:
    assert parse_minor(text) == minor


@given(st.text(min_size=1, max_size=8))
def test_parse_minor_takes_exactly_the_ascii_digit_strings(text: str) -> None:
    if all(c in "0123456789" for c in text) and int(text) <= MAX_AMOUNT:
        assert parse_minor(text) == int(text)
    else:
        with pytest.raises(AmountTextError):
            parse_minor(text)


@pytest.mark.parametrize(("text", "rule"), [
    ("1_200", AmountRule.NO_UNDERSCORE), ("１２００", AmountRule.ASCII_DIGITS), ("-1", AmountRule.NO_SIGN),
    ("1.2.3", AmountRule.DECIMALS), ("1.5", AmountRule.DECIMALS), ("", AmountRule.EMPTY),
    ("1 200", AmountRule.NO_SPACE),
])
def test_parse_major_names_the_rule(text: str, rule: AmountRule) -> None:
    with pytest.raises(AmountTextError) as err:
        parse_major(text, "JPY")
    assert err.value.rule is rule

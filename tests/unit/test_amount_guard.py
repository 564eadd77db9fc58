"""The amount guard: refused over the maximum, confirmed above the threshold, digits bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.domain.amount_guard import AmountCheck, AmountLimits, check_amount, max_digits
from terminal.domain.money import Money

LIMITS = AmountLimits(maximum=500_000, confirm_above=50_000)


def yen(amount: int) -> Money:
    return Money(amount, "JPY")


@pytest.mark.parametrize(("amount", "check"), [
    (0, AmountCheck.EMPTY), (1, AmountCheck.OK), (50_000, AmountCheck.OK), (50_001, AmountCheck.CONFIRM),
    (500_000, AmountCheck.CONFIRM), (500_001, AmountCheck.TOO_LARGE), (999_999_999, AmountCheck.TOO_LARGE),
])
def test_each_band(amount: int, check: AmountCheck) -> None:
    assert check_amount(yen(amount), LIMITS).check is check


def test_the_verdict_names_the_limit() -> None:
    assert check_amount(yen(600_000), LIMITS).limit == yen(500_000)
    assert check_amount(yen(60_000), LIMITS).limit == yen(50_000)


def test_a_confirmed_amount_may_be_charged_but_never_one_over_the_maximum() -> None:
    assert check_amount(yen(60_000), LIMITS, confirmed=True).may_charge
    assert check_amount(yen(600_000), LIMITS, confirmed=True).check is AmountCheck.TOO_LARGE


def test_no_limits_allow_everything_but_nothing() -> None:
    assert check_amount(yen(999_999_999), AmountLimits()).may_charge
    assert not check_amount(yen(0), AmountLimits()).may_charge


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_limits_are_positive_whole_minor_units(bad: object) -> None:
    with pytest.raises(ValueError):
        AmountLimits(maximum=bad)  # type: ignore[arg-type]


def test_digits_follow_the_maximum() -> None:
    assert max_digits(AmountLimits()) == 9
    assert max_digits(LIMITS) == 6
    assert max_digits(AmountLimits(maximum=10**12)) == 9


@given(st.integers(0, 10**12), st.integers(1, 10**9), st.integers(1, 10**9), st.booleans())
def test_nothing_over_the_maximum_is_ever_chargeable(amount: int, maximum: int, threshold: int,
                                                     confirmed: bool) -> None:
    verdict = check_amount(yen(amount), AmountLimits(maximum, threshold), confirmed=confirmed)
    if verdict.may_charge:
        assert 0 < amount <= maximum and (amount <= threshold or confirmed)

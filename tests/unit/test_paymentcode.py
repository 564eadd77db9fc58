"""Payment-code classification from config/wallets.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.domain.paymentcode import (
    CodeKind,
    PaymentCode,
    PaymentCodeClassifier,
    Rejection,
    RejectReason,
    Symbology,
)
from terminal.domain.wallet_schemes import WalletSchemeError, WalletSchemes
from terminal.scan.codecheck import default_wallets_text

ROOT = Path(__file__).resolve().parents[2]
WALLETS = (ROOT / "config" / "wallets.toml").read_text(encoding="utf-8")
SANDBOX = "991234567890123456"


@pytest.fixture(scope="module")
def schemes() -> WalletSchemes:
    return WalletSchemes.from_toml(WALLETS)


def classify(
    schemes: WalletSchemes, text: str, accepted: set[str] | None = None, sym: Symbology = Symbology.QR_CODE
):
    return PaymentCodeClassifier(schemes, None if accepted is None else frozenset(accepted)).classify(
        text, sym
    )


def test_packaged_copy_is_the_config_file() -> None:
    assert default_wallets_text() == WALLETS


def test_sandbox_code_is_accepted_by_default(schemes: WalletSchemes) -> None:
    result = classify(schemes, SANDBOX)
    assert isinstance(result, PaymentCode)
    assert result.wallet_name == "PayTerm Sandbox"
    assert result.kind is CodeKind.NUMERIC
    assert result.last4 == "3456"
    assert SANDBOX not in repr(result)


@pytest.mark.parametrize(
    ("code", "wallet"),
    [
        ("2512345678901234", "Alipay"),  # 16 digits, prefix 25
        ("301234567890123456789012", "Alipay"),  # 24 digits, prefix 30
        ("134567890123456789", "WeChat Pay"),  # 18 digits, prefix 13
        ("900081818812345678901234", "PayPay"),
        ("9000011234567890", "楽天ペイ (Rakuten Pay)"),
        ("3158992112345678901", "au PAY"),
    ],
)
def test_known_wallets_not_accepted_say_so(schemes: WalletSchemes, code: str, wallet: str) -> None:
    result = classify(schemes, code)
    assert result == Rejection(
        RejectReason.NOT_ACCEPTED, f"{wallet} is not accepted at this register.", wallet
    )


def test_accepted_list_switches_wallets_on(schemes: WalletSchemes) -> None:
    result = classify(schemes, "134567890123456789", {"wechat-pay"})
    assert isinstance(result, PaymentCode) and result.scheme.id == "wechat-pay"
    assert isinstance(classify(schemes, SANDBOX, {"wechat-pay"}), Rejection)


def test_unknown_accepted_scheme_is_a_startup_error(schemes: WalletSchemes) -> None:
    with pytest.raises(ValueError, match=r"not in wallets\.toml"):
        PaymentCodeClassifier(schemes, frozenset({"no-such-wallet"}))


def test_japanese_observed_prefixes_are_marked_unverified(schemes: WalletSchemes) -> None:
    for scheme_id in ("paypay", "line-pay", "rakuten-pay", "d-barai", "merpay", "au-pay"):
        s = schemes.by_id(scheme_id)
        assert not s.verified and s.source
    assert schemes.by_id("payterm-sandbox").accepted_by_default
    assert schemes.default_accepted() == {"payterm-sandbox"}


@pytest.mark.parametrize(
    ("text", "symbology"),
    [
        ("hello world", Symbology.QR_CODE),
        ("https://example.com/pay?x=1", Symbology.QR_CODE),
        ("4901234567894", Symbology.EAN_13),
        (SANDBOX, Symbology.EAN_13),  # right digits, wrong symbology
        ("5512345678901234", Symbology.CODE_128),  # no wallet uses 55
        ("", Symbology.QR_CODE),
        ("１２３４５６７８９０１２３４５６７８", Symbology.QR_CODE),  # full-width digits
    ],
)
def test_not_a_payment_code(schemes: WalletSchemes, text: str, symbology: Symbology) -> None:
    result = classify(schemes, text, sym=symbology)
    assert isinstance(result, Rejection) and result.reason is RejectReason.NOT_A_PAYMENT_CODE
    assert result.message == "This is not a payment code."


@pytest.mark.parametrize("code", ["99123456789012345", "9912345678901234567", "2512345678901234567890123"])
def test_known_prefix_wrong_length_is_malformed(schemes: WalletSchemes, code: str) -> None:
    result = classify(schemes, code)
    assert isinstance(result, Rejection) and result.reason is RejectReason.MALFORMED


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("x = 1", "no \\[\\[scheme\\]\\]"),
        ('[[scheme]]\nid="a"\nname="A"\nkind="numeric"\nprefixes=["1x"]\nlengths=[16,18]', "prefixes"),
        ('[[scheme]]\nid="a"\nname="A"\nkind="numeric"\nprefixes=["1"]\nlengths=[18,16]', "lengths"),
        ('[[scheme]]\nid="a"\nname="A"\nkind="emv"\naids=["XYZ"]', "aids"),
        ('[[scheme]]\nid="a"\nname="A"\nkind="card"', "kind"),
    ],
)
def test_bad_wallet_files_are_explained(toml: str, message: str) -> None:
    with pytest.raises(WalletSchemeError, match=message):
        WalletSchemes.from_toml(toml)

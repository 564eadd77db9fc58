"""EMVCo consumer-presented QR: parsing into templates and routing by AID."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from terminal.domain.emv import CPM_PREFIX, EmvParseError, build_emv_cpm, parse_emv_cpm
from terminal.domain.paymentcode import (
    CodeKind,
    PaymentCode,
    PaymentCodeClassifier,
    Rejection,
    RejectReason,
    Symbology,
)
from terminal.domain.wallet_schemes import WalletSchemes

ROOT = Path(__file__).resolve().parents[2]
SCHEMES = WalletSchemes.from_toml((ROOT / "config" / "wallets.toml").read_text(encoding="utf-8"))
UNIONPAY = bytes.fromhex("A000000333010101")
VISA = bytes.fromhex("A0000000031010")
TRACK2 = bytes.fromhex("6212345678901234D2512201")


def cpm(*aids: bytes) -> str:
    return build_emv_cpm([(aid, [(0x50, b"TEST"), (0x57, TRACK2), (0x9F26, bytes(8))]) for aid in aids])


def test_builder_output_starts_with_the_cpm_prefix() -> None:
    assert cpm(UNIONPAY).startswith(CPM_PREFIX)


def test_parse_templates() -> None:
    payload = parse_emv_cpm(cpm(UNIONPAY, VISA))
    assert payload.format_indicator == "CPV01"
    assert [a.aid_hex for a in payload.applications] == ["A000000333010101", "A0000000031010"]
    assert payload.applications[0].label == "TEST"
    track2 = next(f for f in payload.applications[0].fields if f.tag == 0x57)
    assert track2.value == TRACK2
    assert TRACK2.hex() not in repr(payload)


def test_common_data_template() -> None:
    body = base64.b64decode(cpm(UNIONPAY)) + bytes([0x62, 0x04, 0x5F, 0x2D, 0x01, 0x6A])
    payload = parse_emv_cpm(base64.b64encode(body).decode())
    assert payload.common_data[0].tag == 0x5F2D


def test_routed_by_aid_to_an_accepted_wallet() -> None:
    result = PaymentCodeClassifier(SCHEMES, frozenset({"unionpay-emv"})).classify(
        cpm(UNIONPAY), Symbology.QR_CODE
    )
    assert isinstance(result, PaymentCode)
    assert result.kind is CodeKind.EMV_CPM and result.wallet_name == "UnionPay"
    assert result.emv is not None


def test_second_application_used_when_first_not_accepted() -> None:
    result = PaymentCodeClassifier(SCHEMES, frozenset({"visa-emv"})).classify(
        cpm(UNIONPAY, VISA), Symbology.QR_CODE
    )
    assert isinstance(result, PaymentCode) and result.scheme.id == "visa-emv"


def test_known_aid_not_accepted() -> None:
    result = PaymentCodeClassifier(SCHEMES).classify(cpm(UNIONPAY), Symbology.QR_CODE)
    assert result == Rejection(
        RejectReason.NOT_ACCEPTED, "UnionPay is not accepted at this register.", "UnionPay"
    )


def test_unknown_aid_is_not_a_payment_code() -> None:
    result = PaymentCodeClassifier(SCHEMES).classify(cpm(bytes.fromhex("F00000000001")), Symbology.QR_CODE)
    assert isinstance(result, Rejection) and result.reason is RejectReason.NOT_A_PAYMENT_CODE


def test_emv_text_in_code128_is_not_a_payment_code() -> None:
    result = PaymentCodeClassifier(SCHEMES, frozenset({"unionpay-emv"})).classify(
        cpm(UNIONPAY), Symbology.CODE_128
    )
    assert isinstance(result, Rejection) and result.reason is RejectReason.NOT_A_PAYMENT_CODE


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[:-3],  # truncated
        lambda b: b + b"\x00",  # trailing byte
        lambda b: b[:7] + bytes([0x7F]) + b[8:],  # template length corrupted
    ],
)
def test_damaged_payload_is_malformed(mangle) -> None:  # type: ignore[no-untyped-def]
    raw = mangle(base64.b64decode(cpm(UNIONPAY)))
    text = base64.b64encode(raw).decode()
    with pytest.raises(EmvParseError):
        parse_emv_cpm(text)
    result = PaymentCodeClassifier(SCHEMES, frozenset({"unionpay-emv"})).classify(text, Symbology.QR_CODE)
    assert isinstance(result, Rejection) and result.reason is RejectReason.MALFORMED


@pytest.mark.parametrize(
    "text",
    [CPM_PREFIX + "!!!", CPM_PREFIX, build_emv_cpm([]), "hQVDUFYwMg=="],
)
def test_invalid_payloads_raise_parse_error(text: str) -> None:
    with pytest.raises(EmvParseError):
        parse_emv_cpm(text)

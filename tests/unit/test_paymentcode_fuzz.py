"""Any text or bytes in: a classification or a clean rejection out, never an exception."""

from __future__ import annotations

import base64
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.domain.emv import CPM_PREFIX, EmvParseError, parse_ber_tlv, parse_emv_cpm
from terminal.domain.paymentcode import PaymentCode, PaymentCodeClassifier, Rejection, Symbology
from terminal.domain.wallet_schemes import WalletSchemeError, WalletSchemes

ROOT = Path(__file__).resolve().parents[2]
CLASSIFIER = PaymentCodeClassifier(
    WalletSchemes.from_toml((ROOT / "config" / "wallets.toml").read_text(encoding="utf-8")),
    frozenset({"payterm-sandbox", "unionpay-emv"}),
)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(list(Symbology)))
def test_classify_any_text(text: str, symbology: Symbology) -> None:
    result = CLASSIFIER.classify(text, symbology)
    assert isinstance(result, PaymentCode | Rejection)
    if isinstance(result, PaymentCode):
        assert result.value == text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_classify_any_emv_bytes(payload: bytes) -> None:
    text = CPM_PREFIX + base64.b64encode(payload).decode()
    assert isinstance(CLASSIFIER.classify(text, Symbology.QR_CODE), PaymentCode | Rejection)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_ber_tlv_any_bytes(data: bytes) -> None:
    try:
        items = parse_ber_tlv(data)
    except EmvParseError:
        return
    assert sum(len(i.value) for i in items) <= len(data)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_emv_any_text(text: str) -> None:
    try:
        parse_emv_cpm(CPM_PREFIX + text)
    except EmvParseError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_wallet_file_any_text(text: str) -> None:
    try:
        WalletSchemes.from_toml(text)
    except WalletSchemeError:
        pass

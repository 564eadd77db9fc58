"""EMVCo consumer-presented QR (CPM): base64 BER-TLV, parsed into its templates.

The payload is base64 of BER-TLV data: a Payload Format Indicator (tag 85, "CPV01") followed by one
or more Application Templates (tag 61, each with an AID in tag 4F) and an optional Common Data
Template (tag 62). The parser is strict on structure (every length must fit, no trailing bytes)
because a photo that decodes to almost-right bytes must be rejected, never guessed at. It never
raises anything but `EmvParseError` for any input.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

# base64 of 85 05 "CPV0" plus the top bits of "1". "hQVDUFYwMQ" (often quoted) is the indicator
# alone, padded; in a real payload the next byte is 61 (an application template), giving "hQVDUFYwMW".
CPM_PREFIX = "hQVDUFYwM"

TAG_PAYLOAD_FORMAT = 0x85
TAG_APPLICATION_TEMPLATE = 0x61
TAG_COMMON_DATA_TEMPLATE = 0x62
TAG_AID = 0x4F
TAG_APPLICATION_LABEL = 0x50
TAG_TRACK2 = 0x57
TAG_PAN = 0x5A

MAX_PAYLOAD_BYTES = 2048  # a QR holds at most 2953 bytes; real CPM payloads are a few hundred
MAX_DEPTH = 4


class EmvParseError(ValueError):
    """The text is not a well-formed EMVCo consumer-presented QR payload."""


@dataclass(frozen=True)
class Tlv:
    """One BER-TLV data object; `children` is filled for constructed tags."""

    tag: int
    value: bytes = field(repr=False)
    children: tuple[Tlv, ...] = ()

    @property
    def constructed(self) -> bool:
        return _is_constructed(self.tag)

    def find(self, tag: int) -> Tlv | None:
        return next((c for c in self.children if c.tag == tag), None)


@dataclass(frozen=True)
class ApplicationTemplate:
    """Tag 61: one payment application the phone offers; routed by `aid`."""

    aid: bytes
    label: str | None
    fields: tuple[Tlv, ...] = field(repr=False)

    @property
    def aid_hex(self) -> str:
        return self.aid.hex().upper()


@dataclass(frozen=True)
class EmvCpmPayload:
    format_indicator: str
    applications: tuple[ApplicationTemplate, ...]
    common_data: tuple[Tlv, ...] = field(repr=False, default=())


def _is_constructed(tag: int) -> bool:
    first = tag
    while first > 0xFF:
        first >>= 8
    return bool(first & 0x20)


def _read_tag(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise EmvParseError("truncated tag")
    first = data[pos]
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:
        for _ in range(3):
            if pos >= len(data):
                raise EmvParseError("truncated multi-byte tag")
            b = data[pos]
            tag = (tag << 8) | b
            pos += 1
            if not b & 0x80:
                return tag, pos
        raise EmvParseError("tag longer than 4 bytes")
    return tag, pos


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise EmvParseError("truncated length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 2:
        raise EmvParseError("unsupported length form")
    if pos + count > len(data):
        raise EmvParseError("truncated length")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def parse_ber_tlv(data: bytes, depth: int = 0) -> tuple[Tlv, ...]:
    """Parse a sequence of BER-TLV objects; constructed ones are parsed recursively."""
    if depth > MAX_DEPTH:
        raise EmvParseError("templates nested too deeply")
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        tag, pos = _read_tag(data, pos)
        length, pos = _read_length(data, pos)
        if pos + length > len(data):
            raise EmvParseError(f"value of tag {tag:X} runs past the end")
        value = data[pos : pos + length]
        pos += length
        children = parse_ber_tlv(value, depth + 1) if _is_constructed(tag) else ()
        items.append(Tlv(tag, value, children))
    return tuple(items)


def _decode_base64(text: str) -> bytes:
    if len(text) > MAX_PAYLOAD_BYTES * 2:
        raise EmvParseError("payload too long")
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EmvParseError("not valid base64") from exc
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise EmvParseError("payload too long")
    return raw


def _application(tlv: Tlv) -> ApplicationTemplate:
    aid = tlv.find(TAG_AID)
    if aid is None or not 5 <= len(aid.value) <= 16:
        raise EmvParseError("application template without a valid AID")
    label_tlv = tlv.find(TAG_APPLICATION_LABEL)
    label: str | None = None
    if label_tlv is not None:
        try:
            label = label_tlv.value.decode("ascii")
        except UnicodeDecodeError as exc:
            raise EmvParseError("application label is not ASCII") from exc
    return ApplicationTemplate(aid.value, label, tlv.children)


def parse_emv_cpm(text: str) -> EmvCpmPayload:
    """Parse the QR text of an EMVCo consumer-presented code, or raise `EmvParseError`."""
    if not text.startswith(CPM_PREFIX):
        raise EmvParseError("not an EMVCo consumer-presented QR")
    items = parse_ber_tlv(_decode_base64(text))
    if not items or items[0].tag != TAG_PAYLOAD_FORMAT or items[0].value != b"CPV01":
        raise EmvParseError("missing payload format indicator CPV01")
    applications: list[ApplicationTemplate] = []
    common: tuple[Tlv, ...] = ()
    for item in items[1:]:
        if item.tag == TAG_APPLICATION_TEMPLATE:
            applications.append(_application(item))
        elif item.tag == TAG_COMMON_DATA_TEMPLATE:
            if common:
                raise EmvParseError("more than one common data template")
            common = item.children
        else:
            raise EmvParseError(f"unexpected top-level tag {item.tag:X}")
    if not applications:
        raise EmvParseError("no application template")
    return EmvCpmPayload("CPV01", tuple(applications), common)


def build_emv_cpm(applications: list[tuple[bytes, list[tuple[int, bytes]]]]) -> str:
    """Encode a CPM payload (used by the sandbox and tests to make codes): AID plus extra fields."""
    body = _tlv(TAG_PAYLOAD_FORMAT, b"CPV01")
    for aid, extra in applications:
        inner = _tlv(TAG_AID, aid) + b"".join(_tlv(tag, value) for tag, value in extra)
        body += _tlv(TAG_APPLICATION_TEMPLATE, inner)
    return base64.b64encode(body).decode("ascii")


def _tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n <= 0xFF:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82]) + n.to_bytes(2, "big")
    return tag_bytes + length + value

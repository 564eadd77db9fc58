"""The three decoders behind one small interface, each returning only results it can vouch for.

zxing-cpp is the primary decoder: fastest, and it decodes text with the symbol's own character set
(ECI, Shift_JIS/Kanji mode) when asked for `TextMode.Plain`. pyzbar and OpenCV guess character
sets and returned mangled Japanese text on the reference photos (docs/scanning.md), so their
results are kept only when the payload is printable ASCII, which is what every payment code is.
pyzbar also mis-decodes Code 128 extended characters, so it is asked for QR codes only.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np
import zxingcpp

from terminal.domain.paymentcode import Symbology
from terminal.scan.types import Decoded, DecoderName, Point, Quad

_ZX_SYMBOLOGY = {
    zxingcpp.BarcodeFormat.QRCode: Symbology.QR_CODE,
    zxingcpp.BarcodeFormat.Code128: Symbology.CODE_128,
    zxingcpp.BarcodeFormat.EAN13: Symbology.EAN_13,
    zxingcpp.BarcodeFormat.EAN8: Symbology.EAN_8,
    zxingcpp.BarcodeFormat.UPCA: Symbology.UPC_A,
    zxingcpp.BarcodeFormat.UPCE: Symbology.UPC_E,
}

# Payment codes are QR or Code 128; retail symbols are read so they can be refused by name.
LIVE_FORMATS = (
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.Code128,
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
)


@dataclass(frozen=True)
class DecodeOutcome:
    decoded: tuple[Decoded, ...]
    located: tuple[Quad, ...] = ()  # symbols found but not decoded (checksum/format errors)


class Decoder(Protocol):
    name: DecoderName

    def decode(self, gray: np.ndarray) -> DecodeOutcome: ...


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def is_clean_ascii(text: str) -> bool:
    """Printable ASCII plus line breaks: safe to trust from a decoder that guesses charsets."""
    return bool(text) and all(32 <= ord(c) < 127 or c in "\r\n\t" for c in text)


def _quad(points: list[tuple[float, float]]) -> Quad | None:
    if len(points) != 4:
        return None
    p = [Point(float(x), float(y)) for x, y in points]
    return (p[0], p[1], p[2], p[3])


class ZxingDecoder:
    """zxing-cpp with the options chosen by bench/scan.py; `thorough` adds the slow passes."""

    name = DecoderName.ZXING

    def __init__(
        self,
        formats: tuple[Any, ...] = LIVE_FORMATS,
        *,
        try_rotate: bool = True,
        try_downscale: bool = True,
        binarizer: Any = zxingcpp.Binarizer.LocalAverage,
    ) -> None:
        self._formats = zxingcpp.BarcodeFormats(list(formats))  # empty: all formats
        self._try_rotate = try_rotate
        self._try_downscale = try_downscale
        self._binarizer = binarizer

    def decode(self, gray: np.ndarray) -> DecodeOutcome:
        barcodes = zxingcpp.read_barcodes(
            gray,
            formats=self._formats,
            try_rotate=self._try_rotate,
            try_downscale=self._try_downscale,
            try_invert=True,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=self._binarizer,
            return_errors=True,
        )
        decoded: list[Decoded] = []
        located: list[Quad] = []
        for b in barcodes:
            if b.error is not None and b.error.type != zxingcpp.ErrorType.NONE:
                quad = _zx_quad(b)
                if quad is not None:
                    located.append(quad)
                continue
            d = decoded_from(b)
            if d is not None:
                decoded.append(d)
        return DecodeOutcome(tuple(decoded), tuple(located))


def _zx_quad(b: Any) -> Quad | None:
    pos = b.position
    return _quad([(pt.x, pt.y) for pt in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)])


def decoded_from(b: Any) -> Decoded | None:
    """A zxing-cpp result as a `Decoded`; None for results with an error or unsure characters."""
    if b.error is not None and b.error.type != zxingcpp.ErrorType.NONE:
        return None
    if "\ufffd" in b.text:
        return None
    return Decoded(b.text, _ZX_SYMBOLOGY.get(b.format, Symbology.OTHER), _zx_quad(b), DecoderName.ZXING)


class PyzbarDecoder:
    """zbar through pyzbar, QR only and ASCII only; build with `PyzbarDecoder.load()`."""

    name = DecoderName.PYZBAR

    def __init__(self, module: Any, qr_symbol: Any) -> None:
        self._pyzbar = module
        self._symbols = [qr_symbol]

    @classmethod
    def load(cls) -> PyzbarDecoder | None:
        """None where libzbar is not installed (pyzbar raises ImportError at import then)."""
        try:
            module = importlib.import_module("pyzbar.pyzbar")
        except (ImportError, OSError):
            return None
        return cls(module, module.ZBarSymbol.QRCODE)

    def decode(self, gray: np.ndarray) -> DecodeOutcome:
        out: list[Decoded] = []
        for r in self._pyzbar.decode(np.ascontiguousarray(gray), symbols=self._symbols):
            try:
                text = r.data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if is_clean_ascii(text):
                out.append(
                    Decoded(text, Symbology.QR_CODE, _quad([(p.x, p.y) for p in r.polygon]), self.name)
                )
        return DecodeOutcome(tuple(out))


class OpenCvQrDecoder:
    """OpenCV's QR detector (the WeChat CNN detector is not in the headless wheel), ASCII only."""

    name = DecoderName.OPENCV

    def __init__(self) -> None:
        self._detector = cv2.QRCodeDetectorAruco()

    def decode(self, gray: np.ndarray) -> DecodeOutcome:
        try:
            ok, texts, points, _ = self._detector.detectAndDecodeMulti(gray)
        except (cv2.error, UnicodeDecodeError):
            return DecodeOutcome(())
        if not ok:
            return DecodeOutcome(())
        out = []
        for text, pts in zip(texts, points if points is not None else [], strict=False):
            if text and is_clean_ascii(text):
                out.append(Decoded(text, Symbology.QR_CODE, _quad([tuple(p) for p in pts]), self.name))
        return DecodeOutcome(tuple(out))

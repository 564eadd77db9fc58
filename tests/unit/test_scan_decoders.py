"""Decoders on synthetic camera frames and on the shared photo set."""

from __future__ import annotations

import importlib

import cv2
import numpy as np
import pytest

from terminal.domain.paymentcode import Symbology
from terminal.scan import decoders as decoders_module
from terminal.scan.decoders import OpenCvQrDecoder, PyzbarDecoder, ZxingDecoder
from terminal.scan.strategy import ChainDecoder
from terminal.scan.types import DecoderName
from tests.scan_helpers import DATASET, Scene, code128_symbol, ean13_symbol, phone_frame, qr_symbol

CODE = "991234567890123456"


def inside(quad, x0: float, y0: float, x1: float, y1: float) -> bool:  # type: ignore[no-untyped-def]
    return all(x0 <= p.x <= x1 and y0 <= p.y <= y1 for p in quad)


@pytest.mark.parametrize(
    "scene",
    [
        Scene(),
        Scene(rotate_deg=37, tilt=0.25),
        Scene(blur=1.5),
        Scene(noise=10),
        Scene(glare=0.6),
        Scene(moire=1.0),
        Scene(symbol_px=140, center=(0.2, 0.3)),
        Scene(rotate_deg=180, tilt=0.15, blur=1.0, noise=5, glare=0.3, moire=0.5, seed=3),
    ],
    ids=["plain", "tilt", "blur", "noise", "glare", "moire", "small", "everything"],
)
def test_live_chain_reads_phone_qr(scene: Scene) -> None:
    frame = phone_frame(qr_symbol(CODE), scene)
    found = ChainDecoder.standard().decode(frame)
    assert [(d.text, d.symbology) for d in found] == [(CODE, Symbology.QR_CODE)]
    cx, cy = scene.center[0] * scene.width, scene.center[1] * scene.height
    r = scene.symbol_px
    assert inside(found[0].quad, cx - r, cy - r, cx + r, cy + r)


def test_code128_and_bgr_frames() -> None:
    frame = phone_frame(code128_symbol(CODE), Scene(symbol_px=460, rotate_deg=2, blur=0.7, noise=3))
    bgr = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    found = ChainDecoder.standard().decode(bgr)
    assert [(d.text, d.symbology) for d in found] == [(CODE, Symbology.CODE_128)]


def test_ean13_is_read_with_its_format() -> None:
    frame = phone_frame(ean13_symbol("490123456789"), Scene(symbol_px=420))
    found = ChainDecoder.standard().decode(frame)
    assert [(d.text, d.symbology) for d in found] == [("4901234567894", Symbology.EAN_13)]


def test_empty_frame_reads_nothing() -> None:
    chain = ChainDecoder.standard()
    assert all(chain.decode(phone_frame(None, Scene(seed=s))) == () for s in range(10))


def gray(folder: str, name: str) -> np.ndarray:
    image = cv2.imread(str(DATASET / folder / name), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return image


def label(folder: str, name: str) -> str:
    return (DATASET / folder / name).with_suffix(".txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["31.png", "17.png", "30.png"])
def test_japanese_text_comes_out_as_the_right_unicode(name: str) -> None:
    """Shift_JIS / Kanji-mode content: zxing-cpp decodes it; the others' guesses are refused."""
    image = gray("qrcode-2", name)
    texts = [d.text.replace("\r\n", "\n") for d in ZxingDecoder().decode(image).decoded]
    assert texts == [label("qrcode-2", name)]
    zbar = PyzbarDecoder.load()
    if zbar is not None:
        assert zbar.decode(image).decoded == ()  # zbar returns mangled text here: dropped
    assert OpenCvQrDecoder().decode(image).decoded == ()


def test_control_characters_kept_verbatim() -> None:
    found = ZxingDecoder().decode(gray("qrcode-2", "33.png")).decoded
    assert [d.text for d in found] == [label("qrcode-2", "33.png")]


def test_pyzbar_is_skipped_cleanly_without_libzbar(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_zbar(name: str, *args: object):  # type: ignore[no-untyped-def]
        if name.startswith("pyzbar"):
            raise ImportError("Unable to find zbar shared library")
        return real(name, *args)

    monkeypatch.setattr(decoders_module.importlib, "import_module", no_zbar)
    assert PyzbarDecoder.load() is None
    chain = ChainDecoder.standard(still=True)
    assert "pyzbar" not in chain.decoders
    assert [d.text for d in chain.decode(phone_frame(qr_symbol(CODE)))] == [CODE]


def test_fallback_runs_on_located_region_not_every_frame() -> None:
    calls: list[tuple[int, int]] = []

    class Spy:
        name = DecoderName.PYZBAR

        def decode(self, image: np.ndarray) -> decoders_module.DecodeOutcome:
            calls.append(image.shape)
            return decoders_module.DecodeOutcome(())

    chain = ChainDecoder(ZxingDecoder(), [Spy()], sweep_every=4)
    empty = phone_frame(None)
    for _ in range(8):
        chain.decode(empty)
    assert len(calls) == 2  # one sweep in four empty frames
    assert all(max(shape) <= 1000 for shape in calls)


def test_chain_beats_every_single_decoder_on_photos_without_misreads() -> None:
    from tests.scan_helpers import dataset_items, same_text

    chain = ChainDecoder.standard(still=True)
    zx = ZxingDecoder(formats=(), try_downscale=True)  # all formats, like zxing-cpp's defaults
    good = bad = zx_good = 0
    for path, expected in dataset_items():
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        texts = [d.text for d in chain.decode(image)]
        if any(same_text(t, expected) for t in texts):
            good += 1
        elif texts:
            bad += 1
        zx_good += any(same_text(d.text, expected) for d in zx.decode(image).decoded)
    assert bad == 0
    assert good > zx_good

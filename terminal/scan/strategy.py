"""The decoder chain chosen by measurement (docs/scanning.md has the table that chose it).

zxing-cpp runs on every frame. The slow fallbacks never run on every empty frame:
- where zxing located a symbol it could not decode, the fallbacks run on that region only
  (a crop, upscaled), which is cheap because the crop is small;
- otherwise a whole-frame sweep runs on one empty frame in `sweep_every` (live video), or on
  every image (`sweep_every=1`, for still images: `payterm decode` and the photo benchmark).
The sweep starts with zxing itself on an enlarged, globally binarized copy (it read photos the
default pass missed without a single wrong text), then pyzbar where libzbar is installed.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import zxingcpp

from terminal.scan.decoders import (
    DecodeOutcome,
    Decoder,
    OpenCvQrDecoder,
    PyzbarDecoder,
    ZxingDecoder,
    to_gray,
)
from terminal.scan.types import Decoded, Point, Quad

SWEEP_MAX_SIDE = 1000  # whole-frame fallbacks run on at most this size: enough, and cheap
UPSCALE_BELOW = 600  # images smaller than this are enlarged 2x for the second zxing pass
CROP_MARGIN = 0.25


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1.0:
        return image
    interp = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interp)


def _move(d: Decoded, factor: float, dx: float, dy: float) -> Decoded:
    if d.quad is None:
        return d
    p = [Point(q.x / factor + dx, q.y / factor + dy) for q in d.quad]
    quad: Quad = (p[0], p[1], p[2], p[3])
    return Decoded(d.text, d.symbology, quad, d.decoder)


class ChainDecoder:
    """zxing-cpp first; fallbacks only where they can add a read (see module docstring)."""

    def __init__(
        self,
        primary: Decoder,
        fallbacks: Sequence[Decoder],
        *,
        sweep_every: int = 8,
    ) -> None:
        if sweep_every < 1:
            raise ValueError("sweep_every must be at least 1")
        self._primary = primary
        self._fallbacks = tuple(fallbacks)
        self._sweep_every = sweep_every
        self._empty_frames = 0

    @classmethod
    def standard(
        cls, *, still: bool = False, use_pyzbar: bool = True, use_opencv: bool = False
    ) -> ChainDecoder:
        """The measured chain; pyzbar is skipped cleanly where libzbar is missing. OpenCV is off:
        it added no read on the photo set and gave the one text that disagreed with a label."""
        fallbacks: list[Decoder] = [ZxingDecoder(binarizer=zxingcpp.Binarizer.GlobalHistogram)]
        zbar = PyzbarDecoder.load() if use_pyzbar else None
        if zbar is not None:
            fallbacks.append(zbar)
        if use_opencv:
            fallbacks.append(OpenCvQrDecoder())
        # Live frames skip zxing's downscaled passes: 1 ms less per 720p frame with no read lost
        # in bench/scan.py; a code too big or blurred for full size is caught by the sweep.
        primary = ZxingDecoder(try_downscale=still)
        return cls(primary, fallbacks, sweep_every=1 if still else 8)

    @property
    def decoders(self) -> tuple[str, ...]:
        return (self._primary.name.value, *(f.name.value for f in self._fallbacks))

    def decode(self, image: np.ndarray) -> tuple[Decoded, ...]:
        gray = to_gray(image)
        first = self._primary.decode(gray)
        if first.decoded:
            self._empty_frames = 0
            return first.decoded
        if first.located:
            found = self._in_regions(gray, first.located)
            if found:
                return found
        self._empty_frames += 1
        if self._fallbacks and self._empty_frames % self._sweep_every == 0:
            return self._sweep(gray)
        return ()

    def _first_read(self, gray: np.ndarray) -> tuple[Decoded, ...]:
        for fallback in self._fallbacks:
            outcome: DecodeOutcome = fallback.decode(gray)
            if outcome.decoded:
                return outcome.decoded
        return ()

    def _in_regions(self, gray: np.ndarray, quads: tuple[Quad, ...]) -> tuple[Decoded, ...]:
        h, w = gray.shape
        for quad in quads:
            xs = [p.x for p in quad]
            ys = [p.y for p in quad]
            mx = (max(xs) - min(xs)) * CROP_MARGIN + 8
            my = (max(ys) - min(ys)) * CROP_MARGIN + 8
            x0, x1 = int(max(0, min(xs) - mx)), int(min(w, max(xs) + mx))
            y0, y1 = int(max(0, min(ys) - my)), int(min(h, max(ys) + my))
            if x1 - x0 < 8 or y1 - y0 < 8:
                continue
            crop = gray[y0:y1, x0:x1]
            factor = 2.0 if max(crop.shape) < UPSCALE_BELOW else 1.0
            found = self._first_read(_scaled(crop, factor))
            if found:
                return tuple(_move(d, factor, x0, y0) for d in found)
        return ()

    def _sweep(self, gray: np.ndarray) -> tuple[Decoded, ...]:
        side = max(gray.shape)
        if side < UPSCALE_BELOW:
            factor = 2.0
        elif side > SWEEP_MAX_SIDE:
            factor = SWEEP_MAX_SIDE / side
        else:
            factor = 1.0
        found = self._first_read(_scaled(gray, factor))
        return tuple(_move(d, factor, 0, 0) for d in found)

"""The decoder chain chosen by measurement (docs/scanning.md has the tables that chose it).

Per frame, in order, until something is read:
1. the fast pass: zxing-cpp on the whole frame (payment and retail formats);
2. where zxing located a symbol it could not decode: the fallbacks on that region (a crop,
   enlarged), which is cheap because the crop is small;
3. escalation, only when the frame shows code-like structure (`regions.find_regions`): the
   harder passes of `passes.ESCALATION` (two on a smaller copy of the whole frame, the rest on
   the most structured region), each started only if its measured cost fits in what is left of
   the frame budget. On the next frames of the same scene
   (the region overlaps) the chain continues with the passes it has not tried yet, instead of
   repeating the ones that failed; a pass that read is tried first while the scene lasts. An
   empty frame has no region and never escalates: it costs the fast pass and the region test;
4. live video: a whole-frame sweep of the fallbacks on one empty frame in `sweep_every`; still
   images (`payterm decode`, the photo benchmark) escalate with no budget and sweep every image.
The sweep starts with zxing itself on an enlarged, globally binarized copy (it read photos the
default pass missed without a single wrong text), then pyzbar where libzbar is installed.

zxing-cpp's results must pass `trustworthy`: a numeric Code 128 drawn with less than 1.7 px per
module is refused, from the fast pass as from the harder ones, because that is where the wrong
numbers of the bench came from (zxing-cpp's defaults gave one too; a Code 128 check digit is
weak), and a wrong number of the right length is a payment code to the classifier.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import cv2
import numpy as np
import zxingcpp

from terminal.domain.paymentcode import Symbology
from terminal.scan.decoders import (
    DecodeOutcome,
    Decoder,
    OpenCvQrDecoder,
    PyzbarDecoder,
    ZxingDecoder,
    decoded_from,
    to_gray,
)
from terminal.scan.passes import ESCALATION, PAYMENT_FORMATS, Pass, is_dim
from terminal.scan.regions import Region, find_regions
from terminal.scan.types import Decoded, Point, Quad

SWEEP_MAX_SIDE = 1000  # whole-frame fallbacks run on at most this size: enough, and cheap
UPSCALE_BELOW = 600  # images smaller than this are enlarged 2x for the second zxing pass
CROP_MARGIN = 0.25
FRAME_BUDGET_MS = 18.0  # a harder pass starts only if it fits in this, fast pass included
MIN_ESCALATION_MS = 4.0  # ... or in this much after the fast pass, whichever is more
MIN_CODE128_PX_PER_MODULE = 1.7

Clock = Callable[[], float]  # seconds; the decode thread's own CPU time by default


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


def code128_modules(text: str) -> int:
    """Modules of a Code 128 for `text`: start, check and stop symbols plus 11 per symbol (digit
    pairs share one symbol in code set C)."""
    symbols = math.ceil(len(text) / 2) + 1 if text.isdigit() else len(text)
    return 35 + 11 * symbols


def trustworthy(d: Decoded) -> bool:
    """A result is kept unless it is a numeric Code 128 (what a payment code looks like) drawn
    too small to resolve. Other texts cannot become a payment code by a misread, and a clean
    Code 128 image of 1 px per module reads right (the photo set has one)."""
    if d.symbology is not Symbology.CODE_128 or d.quad is None or not d.text.isdigit():
        return True
    tl, tr, br, bl = d.quad
    length = max(math.dist((tl.x, tl.y), (tr.x, tr.y)), math.dist((bl.x, bl.y), (br.x, br.y)))
    return length / code128_modules(d.text) >= MIN_CODE128_PX_PER_MODULE


class Escalation:
    """The harder passes over one region, within a budget, rotating across frames of a scene."""

    def __init__(self, passes: Sequence[Pass] = ESCALATION) -> None:
        self.passes = tuple(passes)
        self._formats = zxingcpp.BarcodeFormats(list(PAYMENT_FORMATS))
        self._scene: Region | None = None
        self._order: list[int] = list(range(len(self.passes)))  # this scene's order of passes
        self._next = 0  # where in that order the next frame of this scene continues
        self._winner: int | None = None  # the pass that read this scene
        self.tried: list[str] = []  # the passes run on the last frame, for tests and the bench

    def reset(self) -> None:
        self._scene, self._next, self._winner = None, 0, None

    def run(
        self,
        gray: np.ndarray,
        region: Region,
        left_ms: Callable[[], float],
        frame_budget_ms: float = math.inf,
    ) -> tuple[Decoded, ...]:
        """Harder passes on `region` while they fit in `left_ms()`. On a later frame of the same
        scene the first pass in turn runs if it fits in `frame_budget_ms` at all, whatever is
        left: without that, a pass too big for what the fast pass leaves would be put off on
        every frame while the cheap ones repeat."""
        crop = gray[region.y0 : region.y1, region.x0 : region.x1]
        continuing = self._scene is not None and region.overlaps(self._scene)
        if not continuing:
            self._next, self._winner = 0, None
            self._order = self._order_for(crop)
        self._scene = region
        self.tried = []
        mpx = crop.size / 1e6
        order = self._order[self._next :] + self._order[: self._next]
        if self._winner is not None:
            order.remove(self._winner)
            order.insert(0, self._winner)
        postponed: int | None = None
        for index in order:
            p = self.passes[index]
            if p.max_side and max(crop.shape) > p.max_side:
                continue
            cost = p.ms_per_mpx * (gray.size / 1e6 if p.whole_frame else mpx)
            first_in_turn = continuing and not self.tried and postponed is None
            if cost > left_ms() and not (first_in_turn and cost <= frame_budget_ms):
                if postponed is None:
                    postponed = index  # the next frame of this scene starts here
                continue  # a cheaper pass may still fit
            self.tried.append(p.name)
            if p.whole_frame:
                found = [_move(d, p.factor, 0, 0) for d in self._read(p, gray)]
            else:
                found = [_move(d, p.factor, region.x0, region.y0) for d in self._read(p, crop)]
            found = [d for d in found if trustworthy(d)]  # judged at the frame's own scale
            if found:
                self._winner = index
                self._next = (self._order.index(index) + 1) % len(self._order)
                return tuple(found)
            if index == self._winner:
                self._winner = None  # it read this scene before, not now: back to the rotation
        self._next = 0 if postponed is None else self._order.index(postponed)
        return ()

    def _order_for(self, crop: np.ndarray) -> list[int]:
        indices = list(range(len(self.passes)))
        if not is_dim(crop):
            return indices
        return [i for i in indices if self.passes[i].dim_first] + [
            i for i in indices if not self.passes[i].dim_first
        ]

    def _read(self, p: Pass, crop: np.ndarray) -> list[Decoded]:
        barcodes = zxingcpp.read_barcodes(
            p.prepare(crop),
            formats=self._formats,
            try_rotate=True,
            try_downscale=p.try_downscale,
            try_invert=False,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=p.binarizer,
        )
        return [d for d in (decoded_from(b) for b in barcodes) if d is not None]


class ChainDecoder:
    """zxing-cpp first; fallbacks and harder passes only where they can add a read (module
    docstring)."""

    def __init__(
        self,
        primary: Decoder,
        fallbacks: Sequence[Decoder],
        *,
        sweep_every: int = 8,
        escalation: Escalation | None = None,
        budget_ms: float | None = FRAME_BUDGET_MS,
        clock: Clock = time.thread_time,
    ) -> None:
        if sweep_every < 1:
            raise ValueError("sweep_every must be at least 1")
        self._primary = primary
        self._fallbacks = tuple(fallbacks)
        self._sweep_every = sweep_every
        self._empty_frames = 0
        self.escalation = escalation
        self._budget_ms = budget_ms
        self._clock = clock
        self.escalated = False  # whether the last frame ran harder passes

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
        # Live frames skip zxing's downscaled tries in the fast pass: with them it gave the one
        # wrong text of the hard set (a Code 128 of 1.5 px per module), and they cost 1 ms on
        # every frame. They run as an early harder pass, whose results `trustworthy` checks.
        primary = ZxingDecoder(try_downscale=still)
        return cls(
            primary,
            fallbacks,
            sweep_every=1 if still else 8,
            escalation=Escalation(),
            budget_ms=None if still else FRAME_BUDGET_MS,
        )

    @property
    def decoders(self) -> tuple[str, ...]:
        return (self._primary.name.value, *(f.name.value for f in self._fallbacks))

    def decode(self, image: np.ndarray) -> tuple[Decoded, ...]:
        started = self._clock()
        self.escalated = False
        gray = to_gray(image)
        first = self._primary.decode(gray)
        if first.decoded:
            self._empty_frames = 0
            trusted = tuple(d for d in first.decoded if trustworthy(d))
            if trusted:
                return trusted
        if first.located:
            found = tuple(d for d in self._in_regions(gray, first.located) if trustworthy(d))
            if found:
                return found
        if self.escalation is not None:
            found = self._escalate(gray, started)
            if found:
                self._empty_frames = 0
                return found
        self._empty_frames += 1
        if self._fallbacks and self._empty_frames % self._sweep_every == 0:
            return tuple(d for d in self._sweep(gray) if trustworthy(d))
        return ()

    def _escalate(self, gray: np.ndarray, started: float) -> tuple[Decoded, ...]:
        assert self.escalation is not None
        regions = find_regions(gray)
        if not regions:
            self.escalation.reset()
            return ()
        budget = self._budget_ms
        escalating = self._clock()

        def left_ms() -> float:
            # what is left of the frame budget, but at least MIN_ESCALATION_MS for the harder
            # passes: a noisy frame can use most of the budget in the fast pass alone
            if budget is None:
                return math.inf
            now = self._clock()
            return max(budget - (now - started) * 1000, MIN_ESCALATION_MS - (now - escalating) * 1000)

        self.escalated = True
        return self.escalation.run(
            gray, regions[0], left_ms, math.inf if budget is None else budget
        )

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

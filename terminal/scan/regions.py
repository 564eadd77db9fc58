"""Where a frame shows code-like structure: the cheap test that decides whether to escalate.

The frame is shrunk 4x (which also averages some sensor noise away), its gradient magnitude summed in
cells of 32x32 frame pixels, and a cell counts as structured when its gradient energy is several
times the frame's median cell (the counter, the background, the noise). Connected structured cells
make a region: the bars, modules and finder patterns of a code, and the edges of the lit phone
screen around it. A frame of counter-top, however noisy, has no cell far above its median and
gives no region, so an empty frame costs the fast pass plus this test (under 1 ms at 720p).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SHRINK = 4  # the test runs on a 4x smaller copy
CELL = 8  # cells of 8x8 shrunk pixels (32x32 frame pixels)
STRUCTURE_RATIO = 3.0  # a structured cell has at least 3x the median cell's gradient energy
MIN_ENERGY = 40.0  # ... and at least this much (a flat, noiseless frame has a median near 0)
MIN_CELLS = 3  # fewer connected cells is a speck, not a code
MARGIN = 0.15  # each region grows by this share of its size on every side (quiet zone)


@dataclass(frozen=True)
class Region:
    """A rectangle of the frame, in frame pixels, and how much structure it holds."""

    x0: int
    y0: int
    x1: int
    y1: int
    energy: float

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def overlaps(self, other: Region, min_share: float = 0.3) -> bool:
        """True when the overlap is at least `min_share` of the smaller of the two: the same
        phone, held a little differently."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        if w <= 0 or h <= 0:
            return False
        smaller = min(self.width * self.height, other.width * other.height)
        return w * h >= min_share * smaller


def find_regions(gray: np.ndarray, limit: int = 2) -> tuple[Region, ...]:
    """The most structured regions of a grayscale frame, best first; () when there are none."""
    h, w = gray.shape
    if h < SHRINK * CELL * 2 or w < SHRINK * CELL * 2:
        return (Region(0, 0, w, h, 0.0),)  # a small image is one region: let the passes look
    # a 2x area average, then every other pixel: a third of the cost of a 4x area average
    # (0.17 against 0.55 ms), with the same regions on every frame of bench/scan.py
    half = cv2.resize(gray, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small = half[:: SHRINK // 2, :: SHRINK // 2].astype(np.float32)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    energy = np.abs(gx) + np.abs(gy)
    rows, cols = small.shape[0] // CELL, small.shape[1] // CELL
    cells = cv2.resize(energy[: rows * CELL, : cols * CELL], (cols, rows), interpolation=cv2.INTER_AREA)
    floor = max(MIN_ENERGY, STRUCTURE_RATIO * float(np.median(cells)))
    structured = (cells > floor).astype(np.uint8)
    if int(structured.sum()) < MIN_CELLS:
        return ()
    count, labels, stats, _ = cv2.connectedComponentsWithStats(structured, connectivity=8)
    found: list[Region] = []
    step = SHRINK * CELL
    for label in range(1, count):
        x, y, cw, ch, area = (int(v) for v in stats[label])
        if area < MIN_CELLS:
            continue
        mx, my = max(1, round(cw * MARGIN)), max(1, round(ch * MARGIN))
        found.append(
            Region(
                max(0, (x - mx) * step),
                max(0, (y - my) * step),
                min(w, (x + cw + mx) * step),
                min(h, (y + ch + my) * step),
                float(cells[labels == label].sum()),
            )
        )
    found.sort(key=lambda r: r.energy, reverse=True)
    return tuple(found[:limit])

"""The harder passes of the live chain: each prepares a region of the frame in one way, then
zxing-cpp reads the result. Each pass is there because it added reads in bench/scan.py that the
fast pass and the passes before it missed (docs/scanning.md, "Escalation", has the table).

A pass only looks for payment symbologies (QR, Code 128): a product barcode that the fast pass
could not read is not worth the budget, and its weak check digit is where a sharpened image
would most easily give a wrong number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

PAYMENT_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128)

Prepare = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Pass:
    """One way of preparing a region, what zxing is asked with, and what it costs.

    `ms_per_mpx` is the measured cost (preparation plus zxing) per megapixel of region, one core;
    the chain starts a pass only when it fits in what is left of the frame budget. `factor` is the
    scale the preparation applies, to map positions back to the frame."""

    name: str
    prepare: Prepare
    ms_per_mpx: float
    factor: float = 1.0
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage
    max_side: int = 0  # run only on regions at most this big (0: any); for the upscale
    try_downscale: bool = False
    dim_first: bool = False  # goes first on a dim region (see `is_dim`)
    whole_frame: bool = False  # looks at the whole frame, not the region


def _same(image: np.ndarray) -> np.ndarray:
    return image


def half(image: np.ndarray) -> np.ndarray:
    """De-moire by down-scaling: averaging 2x2 pixels removes the screen grid's beat."""
    return cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def third(image: np.ndarray) -> np.ndarray:
    """A third of the size: a big, blurred code becomes a small, sharp one."""
    return cv2.resize(image, None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)


def soften(image: np.ndarray) -> np.ndarray:
    """De-moire and de-noise by a small blur (sigma 1.5 px)."""
    return cv2.GaussianBlur(image, (0, 0), 1.5)


def normalise(image: np.ndarray) -> np.ndarray:
    """Contrast normalisation for dim screens: a light blur against sensor noise, then each pixel
    as its distance from the local mean in local standard deviations. Flicker bands and the
    dimness go; a 30-grey-level code on a dark screen becomes a full-contrast one."""
    f = cv2.GaussianBlur(image.astype(np.float32), (0, 0), 1.0)
    k = (25, 25)
    mean = cv2.blur(f, k)
    var = cv2.blur(f * f, k) - mean * mean
    out = 128 + 60 * (f - mean) / (np.sqrt(np.maximum(var, 0)) + 4)
    return np.clip(out, 0, 255).astype(np.uint8)


def clahe(image: np.ndarray) -> np.ndarray:
    """Contrast-limited adaptive histogram equalisation (the other contrast remedy)."""
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(image)


def sharpen(image: np.ndarray) -> np.ndarray:
    """Unsharp mask (sigma 2, amount 1.5) for slight defocus and motion."""
    f = image.astype(np.float32)
    out = f + 1.5 * (f - cv2.GaussianBlur(f, (0, 0), 2.0))
    return np.clip(out, 0, 255).astype(np.uint8)


def upscale(image: np.ndarray) -> np.ndarray:
    """Small codes: 2x bicubic, so that zxing's finder sees modules of 2 px and more."""
    return cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


def deblur(radius: float, snr_k: float = 0.03) -> Prepare:
    """Wiener deconvolution with a disk point-spread function of `radius` px: the blur of a lens
    focused farther than the phone. The chain tries one radius per frame and moves to the next
    on the next frame of the same scene (a webcam's defocus at 10 cm is 3-6 px at 720p)."""
    n = int(np.ceil(radius)) * 2 + 1
    fine = np.zeros((n * 4, n * 4), np.float32)
    cv2.circle(fine, (n * 2, n * 2), int(round(radius * 4)), 1.0, -1, lineType=cv2.LINE_AA)
    disk = cv2.resize(fine, (n, n), interpolation=cv2.INTER_AREA)
    psf = (disk / disk.sum()).astype(np.float32)

    def run(image: np.ndarray) -> np.ndarray:
        h, w = image.shape
        fh, fw = cv2.getOptimalDFTSize(h + n), cv2.getOptimalDFTSize(w + n)
        padded = cv2.copyMakeBorder(
            image.astype(np.float32) / 255, 0, fh - h, 0, fw - w, cv2.BORDER_REPLICATE
        )
        placed = np.zeros((fh, fw), np.float32)
        placed[:n, :n] = psf
        kernel = np.roll(placed, (-(n // 2), -(n // 2)), (0, 1))
        spectrum = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT)
        otf = cv2.dft(kernel, flags=cv2.DFT_COMPLEX_OUTPUT)
        re, im = otf[..., 0], otf[..., 1]
        power = re * re + im * im + snr_k
        wiener = np.dstack((re / power, -im / power))
        restored = cv2.idft(
            cv2.mulSpectrums(spectrum, wiener, 0), flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT
        )
        return np.clip(restored[:h, :w] * 255, 0, 255).astype(np.uint8)

    return run


# The order is the measured order of reads per millisecond (bench/scan.py's pass table), except
# that on a dim region the contrast passes marked `dim_first` go first: deconvolution, first
# otherwise, adds nothing there and would use up the budget. The chain runs them in this order on
# the first escalated frame of a scene, and on the next frames of the same scene continues where
# the budget stopped it, instead of repeating what failed.
DIM_RANGE = 120  # grey levels between the 5th and 95th percentile: below, a region is dim
ESCALATION: tuple[Pass, ...] = (
    # zxing-cpp's own downscaled tries, on a smaller copy of the whole frame: they read what its
    # defaults read on frames whose region test picked the wrong region (a dim, blurred phone
    # that fills the frame), for about 3 ms; first in either order
    Pass("whole frame, third size", third, 1.4, factor=1 / 3, try_downscale=True, whole_frame=True,
         dim_first=True),
    Pass("whole frame, half size", half, 3.0, factor=0.5, try_downscale=True, whole_frame=True,
         dim_first=True),
    Pass("deblur: disk 4.5 px", deblur(4.5), 36.0),
    Pass("downscaled tries", _same, 9.0, try_downscale=True),
    Pass("de-moire: half size", half, 2.0, factor=0.5),
    Pass("de-moire: blur", soften, 8.0, dim_first=True),
    Pass("contrast: normalise", normalise, 14.0, dim_first=True),
    Pass("binarizer: global histogram", _same, 7.0, binarizer=zxingcpp.Binarizer.GlobalHistogram),
    Pass("contrast: CLAHE", clahe, 13.0, dim_first=True),
    Pass("deblur: disk 3 px", deblur(3.0), 34.0),
    Pass("deblur: disk 6 px", deblur(6.0), 36.0),
    Pass("sharpen", sharpen, 11.0),
    Pass("small code: upscale 2x", upscale, 28.0, factor=2.0, max_side=400),
)


def is_dim(region: np.ndarray) -> bool:
    """A dim screen: the grey levels of the region's central third (the screen, not the phone's
    body or the counter around it, even when the phone is turned) span less than `DIM_RANGE`,
    sampled every 4th pixel; a lit screen with a sharp or blurred code spans 150 and more. Only
    the order of the passes depends on it."""
    h, w = region.shape
    sample = region[h // 3 : h - h // 3 : 4, w // 3 : w - w // 3 : 4]
    if sample.size == 0:
        return False
    low, high = np.percentile(sample, (5, 95))
    return float(high - low) < DIM_RANGE

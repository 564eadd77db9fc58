"""Synthetic camera frames for scanner tests and bench/scan.py: a phone screen showing a code,
placed in a 1280x720 scene and put through the things a register camera does to it (tilt, blur,
noise, glare, the moire of photographing a screen) and the hard cases of issue 15: a dimmed
screen with flicker bands, the screen's own pixel grid, defocus and motion blur. Seeded: the same
`Scene` always gives the same frame."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import qrcode
import zxingcpp

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "zxing-blackbox"
if not DATASET.is_dir():  # the checkout may live elsewhere; the shared folder sits beside it
    DATASET = Path("/work/shared/datasets/zxing-blackbox")


def qr_symbol(text: str, box: int = 8, border: int = 4) -> np.ndarray:
    """A clean QR as a grayscale array (black modules on white, with quiet zone)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").convert("L")
    return np.array(img, dtype=np.uint8)


def code128_symbol(text: str, scale: int = 3, height: int = 120) -> np.ndarray:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    img = np.array(barcode.to_image(scale=scale, add_quiet_zones=True), dtype=np.uint8)
    if img.ndim == 3:
        img = img[:, :, 0]
    return cv2.resize(img, (img.shape[1], height), interpolation=cv2.INTER_NEAREST)


def ean13_symbol(digits12: str, scale: int = 3) -> np.ndarray:
    barcode = zxingcpp.create_barcode(digits12, zxingcpp.BarcodeFormat.EAN13)
    img = np.array(barcode.to_image(scale=scale, add_quiet_zones=True), dtype=np.uint8)
    img = img if img.ndim == 2 else img[:, :, 0]
    return cv2.resize(img, (img.shape[1], 120), interpolation=cv2.INTER_NEAREST)


@dataclass(frozen=True)
class Scene:
    """How the code is shown to the camera; the defaults are a phone held still, face-on."""

    width: int = 1280
    height: int = 720
    symbol_px: int = 260  # the symbol's width on the frame
    center: tuple[float, float] = (0.5, 0.5)
    rotate_deg: float = 0.0
    tilt: float = 0.0  # 0..0.35: perspective foreshortening of the top edge
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # sensor noise sigma in grey levels
    glare: float = 0.0  # 0..1: strength of a bright elliptical reflection
    moire: float = 0.0  # 0..1: amplitude of screen-pixel interference fringes
    seed: int = 0
    # The hard cases of bench/scan.py (issue 15); all off by default.
    brightness: float = 1.0  # the screen's white level, 1 = full; a dim screen is 0.15..0.45
    banding: float = 0.0  # 0..1: depth of the flicker bands of a PWM-dimmed screen (rolling shutter)
    band_period: float = 48.0  # frame rows per flicker band
    pixel_pitch: float = 0.0  # camera px per screen pixel (< 1 aliases into moire); 0 = no grid
    defocus: float = 0.0  # radius in px of the disk blur of a phone held too close to the lens
    motion: float = 0.0  # length in px of the streak of a phone moving during the exposure
    motion_deg: float = 0.0


def background(width: int = 1280, height: int = 720, seed: int = 0) -> np.ndarray:
    """A counter-top: smooth gradient plus texture, no code in it."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = 90 + 60 * (x / width) + 30 * np.sin(y / 37.0)
    texture = cv2.GaussianBlur(rng.normal(0, 18, (height, width)), (0, 0), 3)
    return np.clip(base + texture, 0, 255).astype(np.uint8)


def phone_frame(symbol: np.ndarray | None, scene: Scene = Scene()) -> np.ndarray:
    """A grayscale frame: the symbol on a lit phone screen, placed and degraded per `scene`."""
    frame = background(scene.width, scene.height, scene.seed).astype(np.float32)
    if symbol is not None:
        layer, mask = _phone_layer(symbol, scene)
        frame = frame * (1 - mask) + layer
    frame = _degrade(frame, scene)
    return np.clip(frame, 0, 255).astype(np.uint8)


def _phone_layer(symbol: np.ndarray, scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """The phone on the frame (premultiplied by its coverage) and its coverage mask."""
    h, w = symbol.shape
    out_w = scene.symbol_px
    out_h = max(1, round(h * out_w / w))
    pad = int(out_w * 0.12)
    screen = np.ones((out_h + 2 * pad, out_w + 2 * pad), np.float32)
    screen[pad : pad + out_h, pad : pad + out_w] = (
        cv2.resize(symbol, (out_w, out_h), interpolation=cv2.INTER_AREA) / 255.0
    )
    body = np.full((screen.shape[0] + 2 * pad, screen.shape[1] + 2 * pad), 25, np.float32)
    lit = np.zeros_like(body)
    lit[pad:-pad, pad:-pad] = 1
    # A dimmed screen's black is not darker than the sensor's floor (15 grey levels).
    black = 15.0 if scene.brightness < 1 else 0.0
    body[pad:-pad, pad:-pad] = black + (235 * scene.brightness - black) * screen
    bh, bw = body.shape
    src = np.float32([[0, 0], [bw, 0], [bw, bh], [0, bh]])
    shrink = scene.tilt * bw / 2
    dst = np.float32(
        [[shrink, scene.tilt * bh * 0.3], [bw - shrink, scene.tilt * bh * 0.3], [bw, bh], [0, bh]]
    )
    cx, cy = scene.center[0] * scene.width, scene.center[1] * scene.height
    rot = cv2.getRotationMatrix2D((bw / 2, bh / 2), scene.rotate_deg, 1.0)
    dst = cv2.transform(dst[None], rot)[0]
    dst += np.float32([cx - bw / 2, cy - bh / 2])
    m = cv2.getPerspectiveTransform(src, dst)
    size = (scene.width, scene.height)
    if scene.pixel_pitch:
        warped, mask = _screen_grid(body, lit, m, scene)
    else:
        warped = cv2.warpPerspective(body, m, size, flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones_like(body), m, size)
    if scene.banding:
        rows = np.arange(scene.height, dtype=np.float32)[:, None]
        phase = (scene.seed * 1.7) % (2 * np.pi)
        bands = 1 - scene.banding * (0.5 + 0.5 * np.sin(2 * np.pi * rows / scene.band_period + phase))
        on_screen = cv2.warpPerspective(lit, m, size)
        warped = warped * (1 - on_screen + on_screen * bands)
    for kernel in _psfs(scene):
        warped = cv2.filter2D(warped, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        mask = cv2.filter2D(mask, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    return warped, mask


def _screen_grid(
    body: np.ndarray, lit: np.ndarray, m: np.ndarray, scene: Scene
) -> tuple[np.ndarray, np.ndarray]:
    """Render the phone through the screen's pixel grid (R, G, B stripes and the dark gaps between
    rows), sampled by the camera at twice its resolution and averaged: a pitch near or below one
    camera pixel aliases into moire, as photographing a screen does."""
    ss = 2
    up = np.diag([ss, ss, 1.0]).astype(np.float64) @ m
    size = (scene.width * ss, scene.height * ss)
    warped = cv2.warpPerspective(body, up, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(body), up, size)
    on_screen = cv2.warpPerspective(lit, up, size)
    inv = np.linalg.inv(up)
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    den = inv[2, 0] * xs + inv[2, 1] * ys + inv[2, 2]
    u = (inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]) / den / scene.pixel_pitch
    v = (inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]) / den / scene.pixel_pitch
    fu, fv = u - np.floor(u), v - np.floor(v)
    stripes = np.where(fu < 1 / 3, 0.8, np.where(fu < 2 / 3, 1.25, 0.55)).astype(np.float32)
    grid = stripes * np.where(fv < 0.8, 1.1, 0.45).astype(np.float32)
    warped = warped * (1 - on_screen + on_screen * grid)
    small = (scene.width, scene.height)
    return (
        cv2.resize(warped, small, interpolation=cv2.INTER_AREA),
        cv2.resize(mask, small, interpolation=cv2.INTER_AREA),
    )


def _psfs(scene: Scene) -> list[np.ndarray]:
    """Point-spread functions of the lens (defocus: a disk) and of movement (a line)."""
    kernels = []
    if scene.defocus:
        r = scene.defocus
        n = int(np.ceil(r)) * 2 + 1
        disk = np.zeros((n * 4, n * 4), np.float32)
        cv2.circle(disk, (n * 2, n * 2), int(round(r * 4)), 1.0, -1, lineType=cv2.LINE_AA)
        disk = cv2.resize(disk, (n, n), interpolation=cv2.INTER_AREA)
        kernels.append(disk / disk.sum())
    if scene.motion:
        n = int(np.ceil(scene.motion)) | 1
        line = np.zeros((n * 4, n * 4), np.float32)
        half = scene.motion * 2
        c = n * 2
        dx, dy = np.cos(np.radians(scene.motion_deg)) * half, np.sin(np.radians(scene.motion_deg)) * half
        cv2.line(line, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 4, cv2.LINE_AA)
        line = cv2.resize(line, (n, n), interpolation=cv2.INTER_AREA)
        kernels.append(line / line.sum())
    return kernels


def _degrade(frame: np.ndarray, scene: Scene) -> np.ndarray:
    h, w = frame.shape
    if scene.moire:
        y, x = np.mgrid[0:h, 0:w]
        fringes = np.sin((x * 0.9 + y * 0.35) * 0.55) * np.sin((x * 0.2 - y * 0.8) * 0.5)
        frame = frame * (1 - 0.25 * scene.moire) + frame * 0.25 * scene.moire * (fringes + 1) / 2
    if scene.glare:
        glare = np.zeros_like(frame)
        cx, cy = (
            int(w * scene.center[0] + scene.symbol_px * 0.2),
            int(h * scene.center[1] - scene.symbol_px * 0.2),
        )
        cv2.ellipse(glare, (cx, cy), (scene.symbol_px // 4, scene.symbol_px // 8), 30, 0, 360, 255, -1)
        glare = cv2.GaussianBlur(glare, (0, 0), scene.symbol_px / 10)
        frame = frame + scene.glare * glare
    if scene.blur:
        frame = cv2.GaussianBlur(frame, (0, 0), scene.blur)
    if scene.noise:
        frame = frame + np.random.default_rng(scene.seed).normal(0, scene.noise, frame.shape)
    return frame


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """An MJPG AVI (always available in OpenCV's own backend) from grayscale frames."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    for f in frames:
        writer.write(cv2.cvtColor(f, cv2.COLOR_GRAY2BGR) if f.ndim == 2 else f)
    writer.release()
    return path


def dataset_items() -> list[tuple[Path, str]]:
    """(image, expected text) for every labelled image of the shared ZXing photo set."""
    items: list[tuple[Path, str]] = []
    for folder in sorted(p for p in DATASET.iterdir() if p.is_dir()):
        for img in sorted(folder.iterdir()):
            if img.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif"):
                label = img.with_suffix(".txt")
                if label.is_file():
                    items.append((img, label.read_text(encoding="utf-8")))
    return items


def same_text(read: str, expected: str) -> bool:
    """The labels lost their CRs in the ZXing repository; codes carry CRLF. Compare modulo that."""
    return read.replace("\r\n", "\n") == expected.replace("\r\n", "\n")

"""Camera source: missing, busy, lost and recovered, through an injected capture factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from terminal.scan.sources import CameraSettings, CameraSource, ImageFolderSource, VideoFileSource
from terminal.scan.types import SourceStatus
from tests.scan_helpers import phone_frame, write_video


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeCapture:
    """Behaves like cv2.VideoCapture for a camera that may be unplugged mid-stream."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.props: dict[int, float] = {}
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802
        return self.world.plugged and not self.world.busy

    def read(self) -> tuple[bool, Any]:
        if not self.world.plugged or self.released:
            return False, None
        return True, np.full((720, 1280, 3), 128, np.uint8)

    def set(self, prop: int, value: float) -> bool:
        self.props[prop] = value
        return True

    def get(self, prop: int) -> float:
        return self.props.get(prop, 0.0)

    def release(self) -> None:
        self.released = True


class World:
    def __init__(self) -> None:
        self.plugged = False
        self.busy = False
        self.opened: list[FakeCapture] = []

    def factory(self, device: int | str) -> FakeCapture:
        cap = FakeCapture(self)
        self.opened.append(cap)
        return cap

    def exists(self, device: int | str) -> bool:
        return self.plugged


def camera(world: World, clock: Clock) -> CameraSource:
    settings = CameraSettings(
        device="/dev/video7", width=1280, height=720, fps=30, retry_s=2.0, max_failed_reads=3
    )
    return CameraSource(settings, factory=world.factory, clock=clock, device_exists=world.exists)


def test_missing_camera_then_plugged_in() -> None:
    world, clock = World(), Clock()
    cam = camera(world, clock)
    assert cam.read() is None
    assert cam.state.status is SourceStatus.MISSING
    assert "No camera found at /dev/video7" in cam.state.message
    world.plugged = True
    clock.now += 1.0
    assert cam.read() is None  # not retried before retry_s
    assert len(world.opened) == 1
    clock.now += 1.5
    frame = cam.read()
    assert frame is not None and frame.image.shape == (720, 1280, 3)
    assert cam.state.status is SourceStatus.RUNNING
    props = world.opened[-1].props
    assert props[cv2.CAP_PROP_FRAME_WIDTH] == 1280 and props[cv2.CAP_PROP_FPS] == 30
    assert props[cv2.CAP_PROP_AUTOFOCUS] == 1.0


def test_busy_camera_is_told_apart_from_missing() -> None:
    world, clock = World(), Clock()
    world.plugged = world.busy = True
    cam = camera(world, clock)
    assert cam.read() is None
    assert cam.state.status is SourceStatus.BUSY
    assert "in use by another program" in cam.state.message
    world.busy = False
    clock.now += 2.5
    assert cam.read() is not None


def test_unplugged_mid_stream_recovers() -> None:
    world, clock = World(), Clock()
    world.plugged = True
    cam = camera(world, clock)
    assert cam.read() is not None
    world.plugged = False
    for _ in range(3):
        assert cam.read() is None
    assert cam.state.status is SourceStatus.FAILED
    assert world.opened[0].released
    world.plugged = True
    clock.now += 2.5
    assert cam.read() is not None and cam.state.status is SourceStatus.RUNNING
    seqs = [cam.read().seq for _ in range(2)]  # type: ignore[union-attr]
    assert seqs[1] == seqs[0] + 1


def test_camera_factory_can_play_a_video_file(tmp_path: Path) -> None:
    """The real OpenCV capture path, with a file standing in for the device."""
    video = write_video(tmp_path / "v.avi", [phone_frame(None)] * 3)
    clock = Clock()
    cam = CameraSource(CameraSettings(device=str(video), max_failed_reads=2), clock=clock)
    frames = [cam.read() for _ in range(3)]
    assert all(f is not None for f in frames)
    assert cam.read() is None and cam.read() is None
    assert cam.state.status is SourceStatus.FAILED  # the "camera" stopped sending
    clock.now += 3
    assert cam.read() is not None  # reopened


def test_missing_files_have_plain_states(tmp_path: Path) -> None:
    assert VideoFileSource(tmp_path / "nope.avi").state.status is SourceStatus.MISSING
    assert ImageFolderSource(tmp_path / "nope").state.status is SourceStatus.MISSING


def test_looping_video(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.avi", [phone_frame(None)] * 2)
    source = VideoFileSource(video, loop=True, paced=False)
    seqs = [f.seq for f in (source.read() for _ in range(5)) if f is not None]
    assert seqs == [1, 2, 3, 4, 5]
    source.close()
    assert source.state.status is SourceStatus.STOPPED


@pytest.mark.parametrize("loop", [False, True])
def test_image_folder_order_and_loop(tmp_path: Path, loop: bool) -> None:
    for name in ("b.png", "a.png"):
        cv2.imwrite(str(tmp_path / name), np.full((10, 10), ord(name[0]), np.uint8))
    clock = Clock()
    source = ImageFolderSource(tmp_path, loop=loop, interval_s=0.1, clock=clock)
    values = []
    for _ in range(3):
        f = source.read()
        values.append(None if f is None else int(f.image[0, 0]))
        clock.now += 0.2
    assert values == ([97, 98, 97] if loop else [97, 98, None])
    assert source.state.status is (SourceStatus.RUNNING if loop else SourceStatus.ENDED)

"""The scan pipeline on a recorded video made here: reads once, newest frame only, checks codes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from terminal.domain.paymentcode import PaymentCode, Rejection, RejectReason, Symbology
from terminal.scan.codecheck import CodeChecker
from terminal.scan.pipeline import Mailbox, RepeatFilter, ScanPipeline
from terminal.scan.sources import ImageFolderSource, VideoFileSource
from terminal.scan.strategy import ChainDecoder
from terminal.scan.types import Decoded, DecoderName, Frame, ScanResult, SourceState, SourceStatus
from tests.scan_helpers import Scene, code128_symbol, ean13_symbol, phone_frame, qr_symbol, write_video

SANDBOX = "991234567890123456"
ALIPAY = "281234567890123456"
BAD_LENGTH = "99123456789012345"  # a sandbox prefix with one digit missing: a likely misread


def frame(seq: int) -> Frame:
    return Frame(np.zeros((2, 2), np.uint8), seq, float(seq), "t")


def test_mailbox_keeps_only_the_newest_frame() -> None:
    box = Mailbox()
    for i in range(1, 6):
        box.put(frame(i))
    taken = box.take(timeout=0.1)
    assert taken is not None and taken.seq == 5
    assert box.dropped == 4
    assert box.take(timeout=0.01) is None


def test_mailbox_wakes_a_waiting_taker() -> None:
    box = Mailbox()
    got: list[Frame | None] = []
    t = threading.Thread(target=lambda: got.append(box.take(timeout=5)))
    t.start()
    box.put(frame(7))
    t.join(2)
    assert got and got[0] is not None and got[0].seq == 7


def test_repeat_filter_reports_once_until_out_of_sight() -> None:
    f = RepeatFilter(forget_after_s=1.0)
    d = Decoded(SANDBOX, Symbology.QR_CODE, None, DecoderName.ZXING)
    assert [f.fresh(d, t) for t in (0.0, 0.1, 0.5, 1.4)] == [True, False, False, False]
    assert f.fresh(d, 3.0) is True  # gone for 1.6 s: a new presentation


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.6 s at 30 fps: empty, sandbox QR, empty, Alipay Code 128, a misread-looking QR, an EAN."""
    empty = phone_frame(None)
    qr = phone_frame(qr_symbol(SANDBOX), Scene(rotate_deg=10, blur=0.8, noise=3))
    bar = phone_frame(code128_symbol(ALIPAY), Scene(symbol_px=460, noise=3))
    bad = phone_frame(qr_symbol(BAD_LENGTH), Scene(noise=3))
    ean = phone_frame(ean13_symbol("490123456789"), Scene(symbol_px=420))
    frames = [empty] * 4 + [qr] * 10 + [empty] * 4 + [bar] * 10 + [bad] * 8 + [ean] * 8 + [empty] * 4
    return write_video(tmp_path_factory.mktemp("video") / "counter.avi", frames)


def run(pipeline: ScanPipeline) -> tuple[list[ScanResult], list[SourceState]]:
    results: list[ScanResult] = []
    states: list[SourceState] = []
    pipeline.subscribe(results.append)
    pipeline.subscribe_state(states.append)
    pipeline.start()
    assert pipeline.wait_until_ended(timeout=30)
    pipeline.stop()
    return results, states


def test_video_codes_are_read_once_each_and_checked(video: Path) -> None:
    pipeline = ScanPipeline(VideoFileSource(video), ChainDecoder.standard(), CodeChecker())
    results, states = run(pipeline)
    assert [(r.text, r.symbology) for r in results] == [
        (SANDBOX, Symbology.QR_CODE),
        (ALIPAY, Symbology.CODE_128),
        ("4901234567894", Symbology.EAN_13),
    ]
    first, second, third = results
    assert isinstance(first.verdict, PaymentCode) and first.verdict.wallet_name == "PayTerm Sandbox"
    assert first.verdict.last4 == "3456"
    assert (
        isinstance(second.verdict, Rejection)
        and second.verdict.message == "Alipay is not accepted at this register."
    )
    assert isinstance(third.verdict, Rejection) and third.verdict.reason is RejectReason.NOT_A_PAYMENT_CODE
    assert first.quad is not None and all(0 <= p.x <= 1280 and 0 <= p.y <= 720 for p in first.quad)
    assert first.frame_seq >= 5  # the code appears in frame 5
    assert first.source == "video:counter.avi" and first.elapsed_ms > 0
    assert SANDBOX not in repr(first)
    assert pipeline.latest_frame() is not None
    assert [s.status for s in states][-2:] == [SourceStatus.ENDED, SourceStatus.STOPPED]


def test_slow_decoder_drops_frames_instead_of_queueing(video: Path) -> None:
    class Slow:
        def __init__(self) -> None:
            self.seen: list[int] = []

        def decode(self, image: np.ndarray) -> tuple[Decoded, ...]:
            time.sleep(0.1)
            return ()

    slow = Slow()
    pipeline = ScanPipeline(VideoFileSource(video, paced=False), slow)
    run(pipeline)
    stats = pipeline.stats
    assert stats.captured == 48
    assert stats.dropped > 0 and stats.decoded + stats.dropped == stats.captured


def test_image_folder_source(tmp_path: Path) -> None:
    import cv2

    cv2.imwrite(str(tmp_path / "a.png"), phone_frame(qr_symbol(SANDBOX)))
    cv2.imwrite(str(tmp_path / "b.png"), phone_frame(None))
    (tmp_path / "notes.txt").write_text("not an image")
    source = ImageFolderSource(tmp_path, interval_s=0.01)
    pipeline = ScanPipeline(source, ChainDecoder.standard(), CodeChecker())
    results, _ = run(pipeline)
    assert [r.text for r in results] == [SANDBOX]


def test_code_is_read_on_the_frame_it_appears(video: Path) -> None:
    """Frame by frame, without the threads: the decoder reads each code where it first shows."""
    source = VideoFileSource(video, paced=False)
    chain = ChainDecoder.standard()
    first_read: dict[str, int] = {}
    while (f := source.read()) is not None:
        for d in chain.decode(f.image):
            first_read.setdefault(d.text, f.seq)
    assert first_read[SANDBOX] <= 5 + 2
    assert first_read[ALIPAY] <= 19 + 2

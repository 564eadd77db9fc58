"""Camera capture through OpenCV or through QtMultimedia: what each costs the register, to decide
whether the runtime package can leave one of them out (issue 14, "small updates";
docs/deploy.md, "Package sizes"). Prints a Markdown table (numbers, not pass/fail).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/camera_capture.py [--seconds 6]

There is no camera on a build or CI machine: a Motion-JPEG video (what a USB camera sends at
720p) made here with a moving QR code stands in for it, played at its own rate (30 frames/s), as
a camera delivers frames. Each way runs in a fresh process and hands the decoders what they need,
a grayscale numpy array per frame:

- floor: the same process with the same imports, idle for the same time;
- OpenCV: ``cv2.VideoCapture`` (its FFmpeg), paced at 30 frames/s as the camera paces it,
  ``cv2.cvtColor`` to gray (what terminal/scan/sources.py does);
- QtMultimedia: ``QMediaPlayer`` into a ``QVideoSink`` (Qt's FFmpeg plugin), each
  ``QVideoFrame`` turned into a Grayscale8 ``QImage`` and copied into a numpy array.

Columns: frames delivered per second, CPU (user+system) as a share of one core, resident memory at
the end, and the bytes each way adds to the runtime bundle (the files in this environment that
only that way needs). OpenCV is needed in every case for the scan passes (terminal/scan/passes.py,
regions.py, strategy.py), so the QtMultimedia way adds Qt's multimedia libraries and its own
FFmpeg on top of OpenCV's. The load average is printed with the table: other sessions may load
the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FPS = 30
SIZE = (1280, 720)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_video(path: Path, seconds: float) -> None:
    import cv2
    import numpy as np
    import qrcode

    qr = np.array(qrcode.make("bench-camera-capture-" + "7" * 20).convert("L").resize((300, 300)), dtype=np.uint8)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, SIZE)
    for i in range(int(seconds * FPS)):
        frame = np.full((SIZE[1], SIZE[0]), 90 + (i % 40), dtype=np.uint8)
        x, y = 200 + (i * 7) % 600, 150 + (i * 3) % 250
        frame[y:y + 300, x:x + 300] = qr
        writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    writer.release()


def child(way: str, video: str, seconds: float) -> dict[str, float]:
    import numpy as np

    frames = 0
    checksum = 0
    start_cpu, start = time.process_time(), time.monotonic()
    if way == "floor-opencv":
        import cv2  # noqa: F401

        time.sleep(seconds)
    elif way == "opencv":
        import cv2

        cap = cv2.VideoCapture(video)
        due = time.monotonic()
        while time.monotonic() - start < seconds:
            ok, frame = cap.read()
            if not ok:
                cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            checksum += int(gray[360, 640])
            frames += 1
            due += 1 / FPS  # the camera's pace: the next frame is not there before its time
            time.sleep(max(0.0, due - time.monotonic()))
        cap.release()
    else:
        from PySide6.QtCore import QTimer, QUrl
        from PySide6.QtGui import QGuiApplication, QImage
        from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink

        app = QGuiApplication(sys.argv[:1])
        if way == "qt":
            player = QMediaPlayer()
            sink = QVideoSink()
            player.setVideoSink(sink)
            player.setLoops(QMediaPlayer.Loops.Infinite)

            def on_frame(frame: QVideoFrame) -> None:
                nonlocal frames, checksum
                image = frame.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
                width, height, stride = image.width(), image.height(), image.bytesPerLine()
                if width == 0:
                    return
                gray = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
                gray = gray.reshape(height, stride)[:, :width].copy()
                checksum += int(gray[height // 2, width // 2])
                frames += 1

            sink.videoFrameChanged.connect(on_frame)
            player.setSource(QUrl.fromLocalFile(video))
            player.play()
        QTimer.singleShot(int(seconds * 1000), app.quit)
        start_cpu, start = time.process_time(), time.monotonic()  # after set-up, as for OpenCV
        app.exec()
    wall = time.monotonic() - start
    return {"fps": frames / wall, "cpu": 100 * (time.process_time() - start_cpu) / wall, "rss": rss_mb(),
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "frames": frames}


def bytes_of(patterns: list[str]) -> int:
    import site

    base = Path(site.getsitepackages()[0])
    return sum(p.stat().st_size for pattern in patterns for p in base.glob(pattern) if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--child", nargs=2, metavar=("WAY", "VIDEO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.seconds)))
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "camera.avi"
        make_video(video, 4.0)
        results = {}
        for way in ("floor-opencv", "opencv", "floor-qt", "qt"):
            done = subprocess.run([sys.executable, __file__, "--seconds", str(args.seconds), "--child", way,
                                   str(video)], env=env, capture_output=True, text=True, check=True)
            results[way] = json.loads(done.stdout.strip().splitlines()[-1])
    # What each way needs in the bundle beyond the other (sizes of the installed files here).
    opencv_bytes = bytes_of(["cv2/cv2*.so", "opencv_python_headless.libs/*"])
    opencv_ffmpeg = bytes_of([f"opencv_python_headless.libs/lib{n}-*" for n in
                              ("avcodec", "avformat", "avutil", "swscale", "swresample")])
    qt_adds = bytes_of(["PySide6/Qt/lib/libQt6Multimedia.so.6", "PySide6/QtMultimedia.abi3.so",
                        "PySide6/Qt/plugins/multimedia/*", "PySide6/Qt/lib/libQt6FFmpegStub*",
                        *[f"PySide6/Qt/lib/lib{n}.so.[0-9]*.*" for n in
                          ("avcodec", "avformat", "avutil", "swscale", "swresample")]])
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other sessions may load this machine)")
    print(f"camera stand-in: Motion-JPEG {SIZE[0]}x{SIZE[1]} at {FPS} frames/s, {args.seconds:.0f} s per way\n")
    print("| capture | frames/s | CPU % of a core | RSS MB (peak) | adds to the bundle |")
    print("|---|---|---|---|---|")
    rows = (("floor (OpenCV imported, idle)", "floor-opencv", "-"),
            ("OpenCV VideoCapture → gray", "opencv",
             f"0 MB (OpenCV is there for the scan passes; {opencv_ffmpeg / 1e6:.0f} MB of it is its FFmpeg,"
             f" {opencv_bytes / 1e6:.0f} MB in all)"),
            ("floor (PySide6 QGuiApplication, idle)", "floor-qt", "-"),
            ("QtMultimedia QMediaPlayer/QVideoSink → gray", "qt",
             f"{qt_adds / 1e6:.0f} MB (QtMultimedia, its FFmpeg plugin and Qt's FFmpeg)"))
    for label, way, adds in rows:
        r = results[way]
        print(f"| {label} | {r['fps']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} ({r['peak']:.0f}) | {adds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

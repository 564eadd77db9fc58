"""PayTerm's own build of OpenCV for the runtime package: only what the register uses.

    make opencv-wheel    # python packaging/opencv.py, then python packaging/lock.py (11 min, 2 cores)

The official ``opencv-python-headless`` wheel was 42 MB of the runtime package's 102 (xz): its
``cv2`` carries every module, FFmpeg with its AV1/VP9 codecs, OpenBLAS with libgfortran, and
codecs for a dozen image formats. The register uses four modules (docs/deploy.md, "Package
sizes"): ``core`` (the DFT of the deblur pass), ``imgproc`` (resizing, blurs, CLAHE, Sobel,
connected components, the perspective warp), ``imgcodecs`` (PNG and JPEG pictures) and
``videoio`` (the camera through V4L2, and Motion-JPEG AVI files through OpenCV's own reader).
Built this way the runtime package is 65 MB. (``features`` is built too, unused; see MODULES.)

This script builds exactly that from the official source distribution on PyPI, pinned below by
its sha256, with the recipe below (``CMAKE_OPTIONS``), in a new virtual environment of the build
tools pinned in ``packaging/opencv-build-requirements.lock``. The wheel goes to
``packaging/wheels/`` (kept in git: CI's clean clone cannot spend 10 minutes compiling it), and
``packaging/lock.py`` pins it, by its sha256, in the runtime's lock in place of PyPI's wheel.
The development environment keeps PyPI's wheel (the tests and benchmarks draw and time with it).

What it leaves out, and what that means on a register:
- FFmpeg and GStreamer: video files other than Motion-JPEG AVI do not play (cameras are V4L2);
- LAPACK/OpenBLAS, Eigen, OpenCL, TBB: nothing PayTerm calls uses them;
- Intel IPP: its download (from GitHub, at configure time) is not reachable from where PayTerm is
  built; ``bench/opencv_build.py`` measures what the scan passes lose without it;
- every other module (``objdetect`` with its QR detector, which is not in the scan chain,
  ``dnn``, ``calib``, ``video`` ...) and the image formats other than PNG and JPEG.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
WHEELS = HERE / "wheels"
BUILD_LOCK = HERE / "opencv-build-requirements.lock"
NAME = "opencv-python-headless"
VERSION = "5.1.0.95"
SDIST = f"opencv_python_headless-{VERSION}.tar.gz"
SDIST_SHA256 = "9002add14b121b9a0d64dcaff48e5cac69a7987efcf2847f7db075c2d3b9633b"
# ``features`` only because OpenCV 5.1's typing-stub generator needs its Feature2D class (the
# wheel's install step fails without the stubs); PayTerm does not call it.
MODULES = ("core", "imgproc", "imgcodecs", "videoio", "features", "python3")
OFF = ("FFMPEG", "GSTREAMER", "LAPACK", "IPP", "OPENCL", "EIGEN", "OPENEXR", "TIFF", "WEBP", "OPENJPEG",
       "JASPER", "AVIF", "PROTOBUF", "ADE", "ITT", "QUIRC", "1394", "VA", "VA_INTEL", "OBSENSOR",
       "FLATBUFFERS", "KLEIDICV", "CAROTENE", "GTK", "QT", "VTK", "OPENGL", "TBB", "OPENMP", "GDAL", "GDCM",
       "IMGCODEC_HDR", "IMGCODEC_SUNRASTER", "IMGCODEC_PXM", "IMGCODEC_PFM", "IMGCODEC_GIF")
CMAKE_OPTIONS = (
    f"-DBUILD_LIST={','.join(MODULES)}",
    *(f"-DBUILD_opencv_{module}=ON" for module in MODULES),  # also when the cache has them off
    *(f"-DWITH_{feature}=OFF" for feature in OFF),
    "-DBUILD_OPENEXR=OFF", "-DBUILD_PROTOBUF=OFF",
    # PNG, JPEG and zlib from OpenCV's own copies, linked in: no Debian -dev packages to build it
    "-DWITH_PNG=ON", "-DBUILD_PNG=ON", "-DWITH_JPEG=ON", "-DBUILD_JPEG=ON", "-DBUILD_ZLIB=ON",
    "-DWITH_V4L=ON",
    "-DENABLE_PRECOMPILED_HEADERS=OFF", "-DOPENCV_GENERATE_PKGCONFIG=OFF", "-DCMAKE_BUILD_TYPE=Release",
    # the official wheel's CPU baseline (SSE3) and run-time dispatch (SSE4 .. AVX-512) are kept
)


class BuildError(Exception):
    pass


def sdist(cache: Path) -> Path:
    """The source distribution, from PyPI (or the cache), checked against its pinned sha256."""
    path = cache / SDIST
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(f"https://pypi.org/pypi/{NAME}/{VERSION}/json", timeout=60) as answer:
            urls = [u["url"] for u in json.load(answer)["urls"] if u["filename"] == SDIST]
        if not urls:
            raise BuildError(f"PyPI lists no {SDIST}")
        partial = path.with_suffix(".part")
        with urllib.request.urlopen(urls[0], timeout=600) as answer, partial.open("wb") as out:
            shutil.copyfileobj(answer, out)
        partial.rename(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        path.unlink()
        raise BuildError(f"{SDIST} has sha256 {digest}, not the pinned {SDIST_SHA256}")
    return path


def build(cache: Path, jobs: int) -> Path:
    """The wheel, built in ``cache``: one folder per recipe (the sdist, the CMake options and the
    build tools), kept so that a failed run can go on where it stopped. A changed recipe starts
    from a clean tree (CMake's cache would keep the old module list)."""
    source = sdist(cache)
    recipe = hashlib.sha256("\n".join((SDIST_SHA256, *CMAKE_OPTIONS)).encode() + BUILD_LOCK.read_bytes())
    work = cache / f"build-{recipe.hexdigest()[:10]}"
    for old in cache.glob("build-*"):
        if old != work:
            shutil.rmtree(old, ignore_errors=True)
    tree = work / f"opencv_python_headless-{VERSION}"
    if not (work / ".unpacked").is_file():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        with tarfile.open(source) as tar:
            tar.extractall(work, filter="data")
        (work / ".unpacked").touch()
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not (venv / ".complete").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-input", "--require-hashes", "--no-deps",
                        "--only-binary", ":all:", "-r", str(BUILD_LOCK)], check=True)
        (venv / ".complete").touch()
    env = {**os.environ, "ENABLE_HEADLESS": "1", "CMAKE_ARGS": " ".join(CMAKE_OPTIONS),
           "CMAKE_BUILD_PARALLEL_LEVEL": str(jobs), "MAKEFLAGS": f"-j{jobs}"}
    with tempfile.TemporaryDirectory(prefix="payterm-opencv-") as out:
        subprocess.run([str(python), "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w", out,
                        str(tree)], check=True, env=env)
        [wheel] = Path(out).glob("*.whl")
        WHEELS.mkdir(exist_ok=True)
        for old in WHEELS.glob("opencv_python_headless-*.whl"):
            old.unlink()
        kept = WHEELS / wheel.name
        shutil.copyfile(wheel, kept)
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "opencv", help="where the sdist is kept")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    try:
        wheel = build(args.cache.resolve(), args.jobs)
    except (BuildError, subprocess.CalledProcessError, OSError) as exc:
        print(f"opencv build failed: {exc}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    print(f"wheel: {wheel.relative_to(ROOT)} ({wheel.stat().st_size / 1e6:.1f} MB, sha256 {digest})")
    print("now run: python packaging/lock.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())

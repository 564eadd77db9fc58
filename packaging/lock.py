"""Write the lock files the package is built from (run after changing pyproject's dependencies):

    python packaging/lock.py

- ``packaging/requirements.lock``: what the register runs on, and nothing else: pyproject's
  ``dependencies`` without the sandbox wallet's (FastAPI, uvicorn: the sandbox is not in the
  production package) plus the ``zbar`` extra; every distribution pinned with its sha256.
- ``packaging/build-requirements.lock``: PyInstaller and what it needs, to freeze the runtime
  (it does not go into the package).
- ``packaging/opencv-build-requirements.lock``: what ``packaging/opencv.py`` builds OpenCV with
  (scikit-build, and the runtime's own numpy to compile against).

A distribution with a wheel of our own build in ``packaging/wheels/`` (OpenCV, see
``packaging/opencv.py``) is pinned as that file and its sha256 instead of PyPI's wheel; its
version must be the one pip resolves from pyproject.

packaging/build.py installs both with ``pip install --require-hashes --no-deps`` into a new,
empty virtual environment. The first line of requirements.lock is the runtime's serial: this
script raises it whenever the pins change, so that a new runtime package sorts after the old
one (its version is ``<serial>+<hash>``, see build.py). Pins are for CPython 3.11 on this
architecture (one wheel per distribution: the one pip chose here).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "packaging" / "requirements.lock"
BUILD_LOCK = ROOT / "packaging" / "build-requirements.lock"
SANDBOX_ONLY = {"fastapi", "uvicorn"}  # `payterm sandbox` / `payterm demo`: from a checkout only
OPENCV_BUILD_LOCK = ROOT / "packaging" / "opencv-build-requirements.lock"
WHEELS = ROOT / "packaging" / "wheels"
BUILD_TOOLS = ["pyinstaller>=6.10"]
OPENCV_BUILD_TOOLS = ["scikit-build==0.19.1", "setuptools==65.5.0", "wheel"]
SERIAL = re.compile(r"^# runtime-serial: (\d+)$", re.MULTILINE)


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()


def runtime_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [d for d in project["dependencies"] if requirement_name(d) not in SANDBOX_ONLY]
    return wanted + list(project["optional-dependencies"]["zbar"])


def resolve(requirements: list[str]) -> list[str]:
    """``name==version --hash=sha256:…`` for everything pip would install for ``requirements``."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                        "--report", str(report), *requirements], check=True)
        installed = json.loads(report.read_text(encoding="utf-8"))["install"]
    lines = []
    for item in installed:
        name, ver = item["metadata"]["name"].lower(), item["metadata"]["version"]
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{name}=={ver} \\\n    --hash=sha256:{digest}")
    return sorted(lines)


def own_wheels(lines: list[str]) -> list[str]:
    """``lines`` with each distribution built by us (``packaging/wheels/``) pinned as that file."""
    for wheel in sorted(WHEELS.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        name = name.replace("_", "-").lower()
        found = [i for i, ln in enumerate(lines) if ln.startswith(f"{name}==")]
        if not found:
            raise SystemExit(f"{wheel.name}: pyproject does not ask for {name}")
        wanted = lines[found[0]].split("==")[1].split()[0]
        if wanted != version:
            raise SystemExit(f"{wheel.name} is {name} {version}, pyproject resolves {wanted}: rebuild it "
                             "(packaging/opencv.py) or pin pyproject to it")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines[found[0]] = f"./{wheel.relative_to(ROOT)} \\\n    --hash=sha256:{digest}"
    return lines


def pins(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln and not ln.startswith("#")]


def main() -> int:
    runtime = own_wheels(resolve(runtime_requirements()))
    old = RUNTIME_LOCK.read_text(encoding="utf-8") if RUNTIME_LOCK.exists() else ""
    found = SERIAL.search(old)
    serial = int(found.group(1)) if found else 0
    body = "\n".join(runtime) + "\n"
    if pins(old) != pins(body):
        serial += 1
    RUNTIME_LOCK.write_text(
        f"# runtime-serial: {serial}\n"
        "# The register's Python dependencies, pinned with hashes: written by packaging/lock.py from\n"
        "# pyproject.toml (without the sandbox wallet's), installed by packaging/build.py with\n"
        "# pip install --require-hashes --no-deps. Do not edit by hand.\n" + body, encoding="utf-8")
    BUILD_LOCK.write_text(
        "# PyInstaller, to freeze the runtime (not shipped): written by packaging/lock.py.\n"
        + "\n".join(resolve(BUILD_TOOLS)) + "\n", encoding="utf-8")
    numpy = [ln.split(" ")[0] for ln in runtime if ln.startswith("numpy==")]
    OPENCV_BUILD_LOCK.write_text(
        "# The tools packaging/opencv.py builds OpenCV with, and the runtime's numpy: written by\n"
        "# packaging/lock.py.\n" + "\n".join(resolve(OPENCV_BUILD_TOOLS + numpy)) + "\n", encoding="utf-8")
    print(f"{RUNTIME_LOCK.relative_to(ROOT)}: {len(runtime)} distributions, runtime serial {serial}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

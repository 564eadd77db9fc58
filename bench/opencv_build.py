"""PayTerm's own OpenCV build (packaging/opencv.py, in the runtime package) against the official
wheel (PyPI's, in the development environment): the scan chain's reads on the hard frames and
the cost of each harder pass, both builds in this run on the same machine.

    .venv/bin/python bench/opencv_build.py [--hard N]

Runs ``bench/scan.py --only-hard`` twice, pinned to one core: once as it is, once with the wheel
in packaging/wheels/ first on the import path (the same numpy, zxing-cpp and PayTerm code), and
prints both, then the pass costs side by side. Times are the decoding thread's CPU time; the
load average is printed, the machine being shared.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASS_ROW = re.compile(r"^\| (?P<name>[^|]+?) \| (?P<reads>\d+) \| (?P<only>\d+) \| (?P<ms>[\d.]+|-) \|$")


def run_scan(hard: int, path: str | None) -> str:
    env = {**os.environ}
    if path is not None:
        env["PYTHONPATH"] = path
    probe = "import cv2, sys; print(cv2.__file__)"
    where = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "scan.py"), "--only-hard", "--hard", str(hard)],
                          env=env, capture_output=True, text=True, check=True)
    return f"cv2 from {where.stdout.strip()}\n\n{done.stdout}"


def passes(output: str) -> dict[str, tuple[int, str]]:
    found = {}
    for line in output.splitlines():
        row = PASS_ROW.match(line)
        if row:
            found[row["name"]] = (int(row["reads"]), row["ms"])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hard", type=int, default=8, help="hard frames per effect and grade")
    args = parser.parse_args()
    wheels = sorted((ROOT / "packaging" / "wheels").glob("opencv_python_headless-*.whl"))
    if not wheels:
        print("no wheel in packaging/wheels: build it with packaging/opencv.py", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheels[-1]) as wheel:
            wheel.extractall(tmp)
        official = run_scan(args.hard, None)
        ours = run_scan(args.hard, tmp)
    print(f"## Official wheel (PyPI)\n\n{official}\n## PayTerm's build ({wheels[-1].name})\n\n{ours}")
    a, b = passes(official), passes(ours)
    print("| pass | reads, official | reads, ours | CPU ms/Mpx, official | CPU ms/Mpx, ours |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in a:
        ours_reads, ours_ms = b.get(name, (0, "-"))
        print(f"| {name} | {a[name][0]} | {ours_reads} | {a[name][1]} | {ours_ms} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

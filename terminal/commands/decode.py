"""`payterm decode FILE...`: decode images and print one JSON line per file, for diagnosis.

Prints the full text of every code found: this is a diagnostic the operator runs on purpose on
their own files. Exit status 1 if any file could not be read as an image.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from terminal.scan.types import Decoded


def register(sub: Any) -> None:
    parser = sub.add_parser("decode", help="decode barcodes in image files and print JSON lines")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--live",
        action="store_true",
        help="use the camera's per-frame chain (no whole-image fallback sweep)",
    )
    parser.add_argument("--no-pyzbar", action="store_true", help="do not use the pyzbar fallback")
    parser.set_defaults(func=run)


def _code(d: Decoded) -> dict[str, Any]:
    return {
        "format": d.symbology.value,
        "text": d.text,
        "position": [[round(p.x, 1), round(p.y, 1)] for p in d.quad] if d.quad else None,
        "decoder": d.decoder.value,
    }


def run(args: argparse.Namespace) -> int:
    import cv2

    from terminal.scan.strategy import ChainDecoder

    decoder = ChainDecoder.standard(still=not args.live, use_pyzbar=not args.no_pyzbar)
    status = 0
    for path in args.files:
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) if path.is_file() else None
        if image is None:
            error = "not a readable image" if path.is_file() else "no such file"
            print(json.dumps({"file": str(path), "error": error}, ensure_ascii=False))
            status = 1
            continue
        started = time.perf_counter()
        found = decoder.decode(image)
        ms = round((time.perf_counter() - started) * 1000, 2)
        codes = [dict(_code(d), ms=ms) for d in found]
        print(json.dumps({"file": str(path), "codes": codes, "ms": ms}, ensure_ascii=False))
        sys.stdout.flush()
    return status

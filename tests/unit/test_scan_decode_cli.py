"""`payterm decode FILE...` prints one JSON line per file."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from terminal.cli import main
from tests.scan_helpers import DATASET, Scene, phone_frame, qr_symbol


def test_decode_prints_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = tmp_path / "phone.png"
    cv2.imwrite(str(frame), phone_frame(qr_symbol("991234567890123456"), Scene(rotate_deg=15)))
    empty = tmp_path / "empty.png"
    cv2.imwrite(str(empty), phone_frame(None))
    japanese = DATASET / "qrcode-2" / "31.png"
    status = main(["decode", str(frame), str(empty), str(japanese), str(tmp_path / "missing.png")])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1  # one file could not be read
    assert [line["file"] for line in lines] == [
        str(frame),
        str(empty),
        str(japanese),
        str(tmp_path / "missing.png"),
    ]
    code = lines[0]["codes"][0]
    assert code["format"] == "QR Code" and code["text"] == "991234567890123456"
    assert len(code["position"]) == 4 and code["ms"] >= 0
    assert lines[1]["codes"] == []
    assert lines[2]["codes"][0]["text"] == japanese.with_suffix(".txt").read_text(encoding="utf-8")
    assert lines[3]["error"] == "no such file"

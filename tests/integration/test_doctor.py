"""`payterm doctor` on an enrolled register, against the real sandbox."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from terminal import __version__
from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.journal.schema import LATEST_VERSION
from terminal.journal.states import AuditAction
from terminal.register.setup import load_enrollment
from tests.cli_helpers import payterm
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enrolled, one sale made; an image folder as the camera and a loop:// serial scanner."""
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    images = tmp_path / "camera"
    images.mkdir()
    cv2.imwrite(str(images / "frame.png"), np.full((120, 160, 3), 200, np.uint8))
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    monkeypatch.setenv("PAYTERM_SCANNER__CAMERA", str(images))
    monkeypatch.setenv("PAYTERM_SCANNER__SERIAL_PORT", "loop://")
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert payterm(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url,
                    "--code", sandbox_server.enrollment_code()]) == 0  # with the manager PIN
    assert main(["charge", "--amount", "500", "--code", sandbox_server.payment_code("alice")]) == 0
    return tmp_path / "home"


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, str]]]:
    capsys.readouterr()
    status = main(["doctor", "--json"])
    data = json.loads(capsys.readouterr().out)
    return status, {c["check"]: c for c in data["checks"]}


def test_all_ok(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, checks = doctor(capsys)
    assert status == 0
    assert {name: c["status"] for name, c in checks.items()} == {
        "config": "ok", "enrollment": "ok", "device_key": "ok", "wallet": "ok", "clock": "ok",
        "journal": "ok", "manager_pin": "ok", "camera": "ok", "serial_scanner": "ok", "file_modes": "ok",
        "key_protection": "warn",  # development mode: the KEK file beside the key
    }
    assert "PAYTERM_SCANNER__CAMERA" in checks["config"]["detail"]
    assert "picture 160x120" in checks["camera"]["detail"]
    assert "audit log intact" in checks["journal"]["detail"]
    assert "held and checked by the wallet" in checks["manager_pin"]["detail"]
    assert main(["doctor"]) == 0
    assert "FAIL" not in capsys.readouterr().out


def test_json_carries_the_facts_for_a_fleet_dashboard(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    before = datetime.now(UTC)
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["version"] == __version__
    assert report["device_id"] == load_enrollment(load_settings()).device_id
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(report["timestamp"]) <= datetime.now(UTC)
    assert isinstance(report["wallet_latency_ms"], float) and report["wallet_latency_ms"] > 0
    assert isinstance(report["clock_skew_s"], float) and abs(report["clock_skew_s"]) < 5
    assert report["key_store"] == "file"
    assert report["journal_schema"] == report["program_schema"] == LATEST_VERSION
    last = datetime.fromisoformat(report["last_sale_at"])  # the fixture's sale, a moment ago
    assert timedelta(0) <= before - last < timedelta(minutes=5)
    assert report["unfinished_sales"] == 0


def test_wallet_down_fails_with_a_hint(home: Path, sandbox_server: RunningSandbox,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    sandbox_server.server.stop()
    status, checks = doctor(capsys)
    assert status == 1
    assert checks["wallet"]["status"] == "fail" and "cannot reach the wallet" in checks["wallet"]["detail"]
    assert checks["wallet"]["hint"]
    assert checks["clock"]["status"] == "skipped"
    assert checks["device_key"]["status"] == "ok" and checks["journal"]["status"] == "ok"
    assert main(["doctor"]) == 1
    assert "fix: check the network" in capsys.readouterr().out


def test_clock_skew_missing_devices_and_a_broken_journal(
        home: Path, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sandbox_server.set_faults(clock_offset_s=30)
    monkeypatch.setenv("PAYTERM_SCANNER__CAMERA", "/dev/video-none")
    monkeypatch.setenv("PAYTERM_SCANNER__SERIAL_PORT", "/dev/ttyNONE")
    with sqlite3.connect(home / "data" / "journal.sqlite3") as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 1")
    status, checks = doctor(capsys)
    assert status == 1
    assert checks["clock"]["status"] == "warn" and "signed +" in checks["clock"]["detail"]
    assert checks["camera"]["status"] == "fail" and checks["serial_scanner"]["status"] == "fail"
    assert checks["journal"]["status"] == "fail" and "audit log broken at entry 1" in checks["journal"]["detail"]
    sandbox_server.set_faults(clock_offset_s=200)
    _, checks = doctor(capsys)
    assert checks["clock"]["status"] == "fail"


def test_not_enrolled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "fresh"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    monkeypatch.setenv("PAYTERM_SCANNER__CAMERA", "none")
    status, checks = doctor(capsys)
    assert status == 1
    assert checks["enrollment"]["status"] == "fail" and "payterm enroll" in checks["enrollment"]["hint"]
    assert checks["wallet"]["status"] == "skipped"
    assert checks["camera"] == {"check": "camera", "status": "ok", "detail": "none configured", "hint": ""}
    assert "no journal yet" in checks["journal"]["detail"]


def test_a_register_without_a_manager_pin_is_told_how_to_get_one(tmp_path: Path) -> None:
    """Enrolled without one, or upgraded from a version that kept the PIN in its journal."""
    from terminal.journal.store import Journal
    from terminal.register.doctor import check_manager_pin

    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        journal.record_manager_action(AuditAction.MANAGER_SETTINGS_CHANGED, actor="manager",
                                      at=datetime.now(UTC), details={})
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO meta (key, value) VALUES ('manager_pin_hash', '$argon2id$…')")
    result = check_manager_pin(path)
    assert result.status.value == "warn" and "no longer used" in result.detail
    assert "payterm manager-pin reset --reset-code" in result.hint

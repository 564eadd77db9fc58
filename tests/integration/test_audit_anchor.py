"""The keyed audit log with a real register and the sandbox over HTTP on 127.0.0.1: the head is
anchored at start-up and the wallet keeps it, a head that goes back is refused, a key rotation
keeps the log verifiable, and an unreachable wallet never stops a sale."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.journal import verify_chain
from terminal.wallet.errors import WalletRejected
from tests.register_fixtures import make_register, pay
from tests.sandbox_fixtures import RunningSandbox


def verify_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_start_up_anchors_and_the_wallet_keeps_it(sandbox_server: RunningSandbox, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # the test register's KEK file beside its key
    reg = make_register(home, sandbox_server)
    try:
        pay(reg, 700, sandbox_server.payment_code("alice"))
        reg.recover()
        reg.wait_anchored(20)
        head = reg.journal.reader.audit_head()
        assert head is not None
        with sqlite3.connect(sandbox_server.db_path) as wallet:
            kept = wallet.execute("SELECT seq, head_hash FROM audit_anchors WHERE device_id = ?",
                                  (reg.enrollment.device_id,)).fetchall()
        assert kept == [head]
        # The wallet refuses a head that goes back (a log cut back and re-anchored).
        signed = reg.journal.signed_head()
        assert signed is not None
        with pytest.raises(WalletRejected):
            reg.client.anchor_audit(1, verify_first_hash(reg.journal.path), signed[2])
        # …and a head the device did not sign (here: another entry's signature).
        with pytest.raises(WalletRejected):
            reg.client.anchor_audit(head[0] + 1, "0" * 64, signed[2])
        pay(reg, 300, sandbox_server.payment_code("alice"))
    finally:
        reg.close()
    code, out = verify_json(capsys)
    assert code == 0, out
    assert out["anchor"]["seq"] == head[0]  # type: ignore[index]
    assert len(out["not_anchored"]) == 2  # type: ignore[arg-type]  # the second sale: intent, answer
    assert main(["audit", "anchor"]) == 0
    capsys.readouterr()
    code, out = verify_json(capsys)
    assert code == 0 and out["not_anchored"] == [], out


def verify_first_hash(path: Path) -> str:
    with sqlite3.connect(path) as raw:
        return str(raw.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()[0])


def test_an_unreachable_wallet_does_not_stop_start_up(sandbox_server: RunningSandbox, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # the test register's KEK file beside its key
    reg = make_register(home, sandbox_server)
    try:
        pay(reg, 700, sandbox_server.payment_code("alice"))
        sandbox_server.set_faults(fail_rate=1.0)
        reg.recover()  # the anchor fails: logged, nothing raised
        reg.wait_anchored(30)
        sandbox_server.set_faults()
    finally:
        reg.close()
    code, out = verify_json(capsys)
    assert code == 0 and out["anchor"] is None and out["not_anchored"], out


def test_a_rotated_device_key_keeps_the_log_verifiable(sandbox_server: RunningSandbox, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # the test register's KEK file beside its key
    reg = make_register(home, sandbox_server)
    try:
        pay(reg, 700, sandbox_server.payment_code("alice"))
    finally:
        reg.close()
    assert main(["rotate-key"]) == 0
    capsys.readouterr()
    reg = make_register(home, sandbox_server)
    try:
        pay(reg, 900, sandbox_server.payment_code("alice"))
        reg.recover()
        reg.wait_anchored(20)
    finally:
        reg.close()
    code, out = verify_json(capsys)
    assert code == 0 and out["signatures_checked"] is True and out["not_anchored"] == [], out
    path = load_settings({"PAYTERM_HOME": str(home), "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}).settings.journal.path
    assert verify_chain(path).ok  # without a key: only the chain (signatures_checked is False)
    assert not verify_chain(path).signatures_checked


def test_the_wallets_copy_finds_a_cut_back_log_whose_receipts_were_deleted(
        sandbox_server: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from terminal.journal import AuditAction

    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # the test register's KEK file beside its key
    reg = make_register(home, sandbox_server)
    try:
        pay(reg, 700, sandbox_server.payment_code("alice"))
        reg.manager_pin().record(
            AuditAction.MANAGER_SETTINGS_CHANGED, {"key": "register.language", "from": "ja", "to": "en"})
        reg.recover()
        reg.wait_anchored(20)
        head = reg.journal.reader.audit_head()
        assert head is not None
    finally:
        reg.close()
    path = load_settings({"PAYTERM_HOME": str(home), "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}).settings.journal.path
    with sqlite3.connect(path) as raw:  # the attacker: the last entry, the head row, the receipts
        raw.execute("DROP TRIGGER audit_no_delete")
        previous = raw.execute("SELECT seq, hash FROM audit WHERE seq = ?", (head[0] - 1,)).fetchone()
        raw.execute("DELETE FROM audit WHERE seq = ?", (head[0],))
        raw.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{previous[0]}:{previous[1]}",))
        raw.execute("DELETE FROM audit_anchors")
    code, out = verify_json(capsys)
    assert code == 0 and out["anchor"] is None, out  # locally nothing is left to tell
    assert main(["audit", "verify", "--wallet", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["broken"]["kind"] == "anchor" and str(head[0]) in out["broken"]["message"], out  # type: ignore[index]

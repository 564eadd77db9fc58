"""The Z close with a real register, the sandbox over HTTP on 127.0.0.1 and `payterm report`:
close, a second close of the day refused, the next sale in the next Z, a closed day's figures
unchanged by a later refund (which counts in the day it happens), Z numbers kept across a
restart, the audit head anchored at the close, and an edited close found by `payterm audit verify`."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from terminal.cli import main
from terminal.domain.money import Money
from tests.register_fixtures import make_register, manager_refund, pay, set_manager_pin
from tests.sandbox_fixtures import MANAGER_PIN, RunningSandbox


def report(capsys: pytest.CaptureFixture[str], *args: str, pin: str | None = MANAGER_PIN) -> tuple[int, object, str]:
    """`payterm report ARGS`; a close gets the manager's ``pin`` on stdin (None: none given)."""
    with pytest.MonkeyPatch.context() as mp:
        if "--close" in args and pin is not None:
            mp.setattr("sys.stdin", io.StringIO(pin + "\n"))
            args = (*args, "--manager-pin-stdin")
        code = main(["report", *args])
    out = capsys.readouterr()
    return code, json.loads(out.out) if "--json" in args and out.out.strip() else out.out, out.err


def test_closing_the_day_from_the_command_line(sandbox_server: RunningSandbox, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "register"
    monkeypatch.setenv("PAYTERM_HOME", str(home))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")
    reg = make_register(home, sandbox_server)
    today = datetime.now(ZoneInfo(reg.enrollment.timezone)).date()
    yesterday = (today - timedelta(days=1)).isoformat()
    try:
        set_manager_pin(reg, sandbox_server)
        first = pay(reg, 1200, sandbox_server.payment_code("alice"))
        pay(reg, 800, sandbox_server.payment_code("alice"))
    finally:
        reg.close()

    # Closing the day is the manager's: no PIN (and no terminal to ask at), or a wrong one, closes
    # nothing, and the wrong one counts at the wallet.
    code, _, err = report(capsys, "--close", "--date", yesterday, pin=None)
    assert code == 2 and "manager PIN is needed" in err
    code, _, err = report(capsys, "--close", "--date", yesterday, pin="13579")
    assert code == 2 and "wrong manager PIN (4 tries left)" in err and "the day was not closed" in err
    code, listed, _ = report(capsys, "--closes")
    assert code == 0 and listed == "no day has been closed yet\n"

    # Yesterday's business, closed this morning (a close the manager forgot last night).
    code, z1, _ = report(capsys, "--close", "--date", yesterday, "--json")
    assert code == 0, z1
    assert isinstance(z1, dict) and z1["z_number"] == 1 and z1["business_day"] == yesterday and z1["sales"] == 2
    assert z1["figures"] == [{"currency": "JPY", "approved_count": 2, "approved_amount": 2000, "declined_count": 0,
                              "reversed_count": 0, "refunded_count": 0, "refunded_amount": 0, "voided_count": 0,
                              "voided_amount": 0, "net_amount": 2000}]
    code, _, err = report(capsys, "--close", "--date", yesterday)
    assert code == 4 and "already closed" in err and "Z 1" in err

    reg = make_register(home, sandbox_server)  # a restart
    try:
        pay(reg, 500, sandbox_server.payment_code("alice"))  # after the close: the next Z's
        record = reg.journal.sale(first.idempotency_key or "")
        assert record is not None  # a closed day's sale, refunded today
        refunded = manager_refund(reg, sandbox_server, record, Money(300, "JPY"), reason="damaged")
        assert refunded.state.value == "succeeded"
    finally:
        reg.close()

    code, z2, _ = report(capsys, "--close", "--json")
    assert code == 0 and isinstance(z2, dict), z2
    assert (z2["z_number"], z2["business_day"], z2["sales"], z2["refunds_and_voids"]) == (2, today.isoformat(), 1, 1)
    [jpy] = z2["figures"]
    assert (jpy["approved_amount"], jpy["refunded_amount"], jpy["net_amount"]) == (500, 300, 200)
    code, again, _ = report(capsys, "--z", "1", "--json")
    assert code == 0 and again == z1  # exactly as frozen, the later refund left out
    code, text, _ = report(capsys, "--closes")
    assert code == 0 and isinstance(text, str) and text.splitlines()[0].split()[:2] == ["Z", "2"]
    code, printed, _ = report(capsys, "--z", "last")
    assert code == 0 and "Z 2: business day" in str(printed) and "JPY net" in str(printed)
    code, _, err = report(capsys, "--close")
    assert code == 4 and "already closed" in err

    # The close was anchored at the wallet, and the log verifies; then the frozen row is edited.
    assert main(["audit", "verify", "--json"]) == 0
    verified = json.loads(capsys.readouterr().out)
    # (only the manager's PIN check for the refused second close comes after the anchor)
    assert verified["anchor"] is not None and verified["not_anchored"] == [verified["anchor"]["seq"] + 1], verified
    with sqlite3.connect(next(home.rglob("journal.sqlite3"))) as raw:
        raw.execute("DROP TRIGGER day_closes_no_update")
        raw.execute("UPDATE day_closes SET figures = replace(figures, '2000', '1500') WHERE z_number = 1")
    assert main(["audit", "verify", "--json"]) == 1
    broken = json.loads(capsys.readouterr().out)["broken"]
    assert broken["kind"] == "row_mismatch" and "Z 1" in broken["message"]

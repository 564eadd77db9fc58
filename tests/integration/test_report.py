"""`payterm report`: the journal's day beside the sandbox wallet's settlement."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from terminal.config.loader import load_settings
from terminal.register.setup import load_enrollment, open_keys, wallet_client
from terminal.wallet import messages as m
from tests.cli_helpers import payterm as main
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    return tmp_path / "home"


def charge(sb: RunningSandbox, amount: int, reference: str, expect: int = 0) -> None:
    assert main(["charge", "--amount", str(amount), "--code", sb.payment_code("alice"),
                 "--reference", reference]) == expect


def report(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    status = main(["report", "--json"])
    return status, json.loads(capsys.readouterr().out)


def a_day(sb: RunningSandbox) -> None:
    charge(sb, 1000, "R-1")
    charge(sb, 700, "R-2")
    charge(sb, 500, "R-3")
    charge(sb, 1101, "R-4", expect=10)  # declined insufficient_funds
    assert main(["refund", "--reference", "R-2", "--amount", "200"]) == 0
    assert main(["cancel", "--reference", "R-3"]) == 0


def test_a_day_that_matches_exits_0(home: Path, sandbox_server: RunningSandbox,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    a_day(sandbox_server)
    status, data = report(capsys)
    assert status == 0 and data["agree"] is True and data["differences"] == []
    (jpy,) = data["totals"]  # type: ignore[misc]
    assert (jpy["journal_approved_amount"], jpy["journal_refunded_amount"], jpy["journal_net"]) == (1700, 200, 1500)
    assert jpy["wallet_net"] == 1500 and data["wallet_charges"] == 4 and data["journal_sales"] == 4
    assert main(["report"]) == 0
    assert "journal and wallet agree" in capsys.readouterr().out


def test_a_charge_the_journal_does_not_know_is_listed(home: Path, sandbox_server: RunningSandbox,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    a_day(sandbox_server)
    # Another client with this register's key charges the customer behind the journal's back.
    loaded = load_settings()
    enrollment = load_enrollment(loaded)
    with wallet_client(loaded.settings, enrollment, open_keys(loaded.settings)) as client:
        other = client.create_charge("other-client-0001", m.ChargeRequest(
            amount=800, currency="JPY", payment_code=sandbox_server.payment_code("alice"),
            merchant_reference="ELSEWHERE-1"))
    assert other.status is m.ChargeStatus.APPROVED
    status, data = report(capsys)
    assert status == 1 and data["agree"] is False
    kinds = {(d["kind"], d["charge_id"]) for d in data["differences"]}  # type: ignore[union-attr]
    assert ("missing_in_journal", other.id) in kinds
    assert any(d["kind"] == "totals" and "net amount" in d["message"] for d in data["differences"])  # type: ignore[union-attr]
    assert main(["report"]) == 1
    text = capsys.readouterr().out
    assert "ELSEWHERE-1" in text and "missing_in_journal" in text


def test_an_edited_journal_row_is_listed(home: Path, sandbox_server: RunningSandbox,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    a_day(sandbox_server)
    with sqlite3.connect(home / "data" / "journal.sqlite3") as conn:
        conn.execute("DROP TRIGGER sales_final")  # as anyone with the file can: only the audit chain holds
        conn.execute("UPDATE sales SET amount = 100 WHERE merchant_reference = 'R-1'")
    status, data = report(capsys)
    assert status == 1
    amount = [d for d in data["differences"] if d["kind"] == "amount"]  # type: ignore[union-attr]
    assert [d["reference"] for d in amount] == ["R-1"]
    assert "journal 100 JPY, wallet 1000 JPY" in amount[0]["message"]


def test_report_for_a_day_without_sales_agrees_and_wallet_down_fails(
        home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    charge(sandbox_server, 1000, "R-1")
    assert main(["report", "--date", "2020-01-01"]) == 0  # no journal file content that day, no charges
    sandbox_server.server.stop()
    assert main(["report"]) == 4
    assert "cannot reach the wallet" in capsys.readouterr().err

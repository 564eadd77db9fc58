"""`payterm cancel` / `payterm refund` against the real sandbox over 127.0.0.1, journals in tmp_path."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from terminal.config.loader import load_settings
from terminal.domain.money import Money
from terminal.journal.records import HistoryQuery
from terminal.journal.states import OperationState
from terminal.register.operations import Operations, SaleSelector, find_sale
from terminal.register.setup import open_register
from tests.cli_helpers import MANAGER_PIN
from tests.cli_helpers import payterm as main
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A register enrolled at the sandbox, its files under tmp_path (env set for in-process CLI runs)."""
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert main(["enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code()]) == 0
    return tmp_path / "home"


def charge(sb: RunningSandbox, amount: int, reference: str) -> None:
    assert main(["charge", "--amount", str(amount), "--code", sb.payment_code("alice"), "--reference", reference]) == 0


def balance(sb: RunningSandbox) -> int:
    return int(sb.admin("GET", "/sandbox/customers/alice")["balance"])


def wallet_requests(sb: RunningSandbox) -> int:
    """Signed requests the wallet has seen lately (each burns one nonce)."""
    with sqlite3.connect(sb.db_path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM nonces WHERE keyid != 'enroll'").fetchone()[0])


def wallet_refunds(sb: RunningSandbox) -> list[tuple[str, int]]:
    with sqlite3.connect(sb.db_path) as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT id, amount FROM refunds ORDER BY created_at")]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    status = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return status, json.loads(out[-1]) if out else {}


def test_void_then_void_again_sends_one_cancel(home: Path, sandbox_server: RunningSandbox,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = balance(sandbox_server)
    charge(sandbox_server, 1000, "R-void")
    assert balance(sandbox_server) == before - 1000

    status, first = run_json(capsys, "cancel", "--reference", "R-void")
    assert status == 0 and first["status"] == "succeeded" and first["repeated"] is False
    assert balance(sandbox_server) == before

    seen = wallet_requests(sandbox_server)
    status, again = run_json(capsys, "cancel", "--reference", "R-void")
    assert status == 0 and again["status"] == "succeeded" and again["repeated"] is True
    assert again["idempotency_key"] == first["idempotency_key"]
    assert wallet_requests(sandbox_server) == seen  # nothing sent the second time
    assert balance(sandbox_server) == before

    # A voided sale has nothing left to refund, and says so before asking the wallet.
    assert main(["refund", "--reference", "R-void"]) == 2
    assert "nothing is left" in capsys.readouterr().err


def test_partial_refunds_then_an_over_refund_refused_locally(home: Path, sandbox_server: RunningSandbox,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = balance(sandbox_server)
    charge(sandbox_server, 1000, "R-part")
    status, one = run_json(capsys, "refund", "--reference", "R-part", "--amount", "300", "--reason", "damaged")
    assert status == 0 and one["amount"] == 300 and one["left_to_refund"] == 700
    status, two = run_json(capsys, "refund", "--reference", "R-part", "--amount", "500")
    assert status == 0 and two["left_to_refund"] == 200 and two["wallet_ref"] != one["wallet_ref"]
    assert balance(sandbox_server) == before - 200

    seen = wallet_requests(sandbox_server)
    assert main(["refund", "--reference", "R-part", "--amount", "300"]) == 2
    err = capsys.readouterr().err
    assert "only ¥200" in err and "R-part" in err
    assert wallet_requests(sandbox_server) == seen  # refused here, not by the wallet
    # A sale with refunds cannot be voided any more.
    assert main(["cancel", "--reference", "R-part"]) == 2
    assert "refund what is left (¥200)" in capsys.readouterr().err
    assert sorted(a for _, a in wallet_refunds(sandbox_server)) == [300, 500]

    # The rest, by charge id, with no amount: all that is left.
    charge_id = str(one["sale"]["charge_id"])  # type: ignore[index]
    status, rest = run_json(capsys, "refund", "--charge-id", charge_id)
    assert status == 0 and rest["amount"] == 200 and rest["left_to_refund"] == 0
    assert balance(sandbox_server) == before


def test_unknown_sale_and_unapproved_sale_are_refused(home: Path, sandbox_server: RunningSandbox,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cancel", "--reference", "no-such-sale"]) == 2
    assert "no sale with reference" in capsys.readouterr().err
    assert main(["charge", "--amount", "1101", "--code", sandbox_server.payment_code("alice"),
                 "--reference", "R-declined"]) == 10
    assert main(["refund", "--reference", "R-declined"]) == 2
    assert "is declined" in capsys.readouterr().err


class DropRefundAnswers(httpx.BaseTransport):
    """The wallet commits each refund, then the answer is lost on the way back (every attempt)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/refunds"):
            response.read()
            response.close()
            self.dropped += 1
            raise httpx.ReadError("connection dropped after commit", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_refund_lost_after_commit_is_resolved_by_recovery_once(home: Path, sandbox_server: RunningSandbox,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    charge(sandbox_server, 1000, "R-drop")
    before = balance(sandbox_server)
    dropping = DropRefundAnswers()
    reg = open_register(load_settings(), transport=dropping)
    try:
        ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, manager=reg.manager_pin())
        sale = find_sale(reg.journal, reg.client, SaleSelector(reference="R-drop"))
        result = ops.refund(sale, Money(400, "JPY"), manager_pin=MANAGER_PIN)
        assert result.state is OperationState.IN_DOUBT and dropping.dropped >= 2  # retried, same key
        # In doubt counts as given back: a second refund cannot take the sale over its amount.
        assert ops.left_to_refund(sale) == Money(600, "JPY")
    finally:
        reg.close()
    assert len(wallet_refunds(sandbox_server)) == 1  # the retries were replays, not new refunds
    assert balance(sandbox_server) == before + 400

    assert main(["recover"]) == 0  # a fresh start: Register.recover resolves the refund
    reg = open_register(load_settings())
    try:
        ops_done = reg.journal.reader.operations_for_sale(
            reg.journal.history(HistoryQuery(reference="R-drop"))[0].idempotency_key)
    finally:
        reg.close()
    assert [o.state for o in ops_done] == [OperationState.SUCCEEDED]
    refunds = wallet_refunds(sandbox_server)
    assert refunds == [(ops_done[0].wallet_ref, 400)]
    assert balance(sandbox_server) == before + 400
    assert main(["refund", "--reference", "R-drop", "--amount", "601"]) == 2  # 600 left, not 1000


def test_history_shows_each_operation_and_what_is_left(home: Path, sandbox_server: RunningSandbox,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """After a partial refund and after a void, history no longer says "approved" alone: it
    names what the sale came to, each operation, and what is left to refund."""
    charge(sandbox_server, 1000, "R-part")
    charge(sandbox_server, 500, "R-gone")
    assert run_json(capsys, "refund", "--reference", "R-part", "--amount", "300")[0] == 0
    assert run_json(capsys, "cancel", "--reference", "R-gone")[0] == 0
    status, day = run_json(capsys, "history")
    assert status == 0
    sales = {s["reference"]: s for s in day["sales"]}  # type: ignore[attr-defined]
    part, gone = sales["R-part"], sales["R-gone"]
    assert (part["state"], part["standing"], part["left_to_refund"]) == ("approved", "partly_refunded", 700)
    assert [(op["kind"], op["state"], op["amount"]) for op in part["operations"]] == [("refund", "succeeded", 300)]
    assert (gone["standing"], gone["left_to_refund"]) == ("voided", 0)
    assert [(op["kind"], op["state"]) for op in gone["operations"]] == [("void", "succeeded")]
    capsys.readouterr()
    assert main(["history"]) == 0
    text = capsys.readouterr().out
    assert "partly_refunded" in text and "left to refund: ¥700" in text and "voided" in text
    # A void after a refund is refused before anything is sent, with the reason.
    assert main(["cancel", "--reference", "R-part"]) == 2
    assert "has refunds" in capsys.readouterr().err


def test_a_refund_from_the_command_line_issues_its_slip(home: Path, sandbox_server: RunningSandbox,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    charge(sandbox_server, 900, "R-slip")
    status, out = run_json(capsys, "refund", "--reference", "R-slip", "--amount", "400", "--slip")
    assert status == 0 and out["status"] == "succeeded"
    slips = [Path(p) for p in out["slips"]]  # type: ignore[union-attr]
    assert slips and all(p.exists() and "R-slip-refund-" in p.name for p in slips)

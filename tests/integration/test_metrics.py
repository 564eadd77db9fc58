"""`payterm metrics`: counters from a real register's journal after real sales through the
sandbox (approved, declined, in doubt), in the Prometheus text format that node_exporter's
textfile collector reads, checked with `promtool check metrics` (Debian package prometheus)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.domain.flow import SaleState
from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, migrate
from terminal.register.register import Register
from tests.register_fixtures import pay
from tests.sandbox_fixtures import RunningSandbox


def samples(text: str) -> dict[str, float]:
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}


def promtool(text: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: `make sysdeps-test` installs Debian's prometheus package"
    return subprocess.run([tool, "check", "metrics"], input=text, capture_output=True, text=True, check=False)


def test_counters_after_real_sales_pass_promtool(register: Register, sandbox_server: RunningSandbox,
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert pay(register, 300, sandbox_server.payment_code("alice")).state is SaleState.APPROVED
    assert pay(register, 1101, sandbox_server.payment_code("alice")).state is SaleState.DECLINED  # test value
    sandbox_server.set_faults(drop_next=10)  # every charge answer lost: in doubt, then found by polling
    assert pay(register, 700, sandbox_server.payment_code("alice")).state is SaleState.APPROVED
    journal = register.journal.path
    register.close()

    capsys.readouterr()
    before = time.time()
    assert main(["metrics", "--journal", str(journal)]) == 0
    text = capsys.readouterr().out
    found = samples(text)
    assert found['payterm_sales_total{outcome="approved"}'] == 2
    assert found['payterm_sales_total{outcome="declined"}'] == 1
    assert found['payterm_sales_total{outcome="reversed"}'] == 0
    assert found["payterm_sales_in_doubt_total"] == 1
    assert found["payterm_wallet_errors_total"] == 1
    assert found["payterm_reversals_total"] == 0
    assert found["payterm_scanner_reads_total"] == 3
    assert found["payterm_unfinished_sales"] == 0 and found["payterm_journal_readable"] == 1
    assert found["payterm_journal_schema_version"] == LATEST_VERSION
    assert before - 600 < found["payterm_last_sale_timestamp_seconds"] <= found["payterm_metrics_timestamp_seconds"]
    checked = promtool(text)
    assert checked.returncode == 0 and checked.stdout + checked.stderr == "", checked.stdout + checked.stderr

    # The textfile: replaced whole, readable by the collector's user, nothing left beside it.
    out = tmp_path / "node-exporter" / "payterm.prom"
    out.parent.mkdir()
    out.write_text("stale", encoding="utf-8")
    assert main(["metrics", "--journal", str(journal), "--textfile", str(out)]) == 0
    assert samples(out.read_text(encoding="utf-8"))['payterm_sales_total{outcome="approved"}'] == 2
    assert out.stat().st_mode & 0o777 == 0o644 and [p.name for p in out.parent.iterdir()] == ["payterm.prom"]


def test_a_journal_this_program_cannot_read_is_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "journal.sqlite3"
    assert main(["metrics", "--journal", str(journal)]) == 0  # a new register: all zero, readable
    fresh = samples(capsys.readouterr().out)
    assert fresh["payterm_journal_readable"] == 1 and fresh['payterm_sales_total{outcome="approved"}'] == 0
    with closing(open_write_connection(journal)) as conn:
        migrate(conn)
    with closing(sqlite3.connect(journal)) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    assert main(["metrics", "--journal", str(journal)]) == 0
    text = capsys.readouterr().out
    found = samples(text)
    assert found["payterm_journal_readable"] == 0 and found["payterm_journal_schema_version"] == LATEST_VERSION + 1
    assert not any(name.startswith("payterm_sales_total") for name in found)
    assert promtool(text).returncode == 0

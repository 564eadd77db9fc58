"""`payterm backup`, `payterm restore`, `payterm migrate`, and `payterm doctor` on a journal whose
schema is not this program's: a real enrolled register, real sales through the sandbox, real
SQLite files. A "newer build" is played by raising the journal's ``user_version`` past this
program's, as a newer build's migration would."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, migrate, user_version
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def home(tmp_path: Path, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAYTERM_SCANNER__CAMERA", "none")
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # the test register's KEK file beside its key
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert main(["enroll", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code(),
                 "--trust-on-first-use"]) == 0
    return tmp_path / "home"


def charge(sandbox: RunningSandbox, amount: int) -> None:
    assert main(["charge", "--amount", str(amount), "--code", sandbox.payment_code("alice")]) == 0


def references(capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    return sorted(sale["reference"] for sale in json.loads(capsys.readouterr().out)["sales"])


def doctor_journal(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    capsys.readouterr()
    status = main(["doctor", "--json"])
    checks = {c["check"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    return status, checks["journal"]


def set_version(journal: Path, version: int) -> None:
    with closing(sqlite3.connect(journal)) as conn:
        conn.execute(f"PRAGMA user_version = {version}")


def test_backup_then_a_newer_journal_then_restore(home: Path, sandbox_server: RunningSandbox, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    journal = home / "data" / "journal.sqlite3"
    charge(sandbox_server, 300)
    kept = references(capsys)
    # The register keeps running (a reader and the writer are open) while the copy is made.
    backups = tmp_path / "backups"
    assert main(["backup", f"{backups}/"]) == 0  # a folder, made 0700
    assert f"schema version {LATEST_VERSION}, 1 sales" in capsys.readouterr().out
    (copy,) = backups.iterdir()
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert copy.name.endswith(f".v{LATEST_VERSION}.sqlite3") and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert main(["backup", str(copy)]) == 2  # never overwritten
    assert "already exists" in capsys.readouterr().err

    charge(sandbox_server, 400)  # made after the backup
    later = references(capsys)
    set_version(journal, LATEST_VERSION + 1)  # a newer build migrated it

    status, check = doctor_journal(capsys)
    assert status == 1 and check["status"] == "fail"
    assert f"schema version {LATEST_VERSION + 1} is newer than this program" in check["detail"]
    assert "payterm restore" in check["hint"]
    assert main(["migrate"]) == 3
    assert "newer than this program" in capsys.readouterr().err
    assert main(["charge", "--amount", "500", "--code", sandbox_server.payment_code("alice")]) == 3

    assert main(["restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert f"journal restored from {copy}" in out and "1 sales in the replaced journal are not in the restored one" in out
    (replaced,) = (home / "data").glob(f"journal.before-restore-*.v{LATEST_VERSION + 1}.bak")
    with closing(sqlite3.connect(replaced)) as conn:
        assert user_version(conn) == LATEST_VERSION + 1  # nothing lost: the replaced journal is kept whole
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == len(later)
    assert references(capsys) == kept
    status, check = doctor_journal(capsys)
    assert status == 0 and check["status"] == "ok", check
    charge(sandbox_server, 600)  # the register takes sales again


def test_restore_refuses_a_copy_from_a_newer_program_and_a_damaged_file(
        home: Path, sandbox_server: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    charge(sandbox_server, 300)
    copy = tmp_path / "journal.copy"
    assert main(["backup", str(copy)]) == 0
    set_version(copy, LATEST_VERSION + 1)
    assert main(["restore", str(copy)]) == 3
    assert "restore it with the PayTerm version that made it" in capsys.readouterr().err
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(junk)]) == 4
    assert "is not a PayTerm journal" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.bak")]) == 2
    assert not list((home / "data").glob("journal.before-restore-*"))  # nothing was replaced


def test_migrate_backs_up_first_and_doctor_fails_until_then(
        home: Path, sandbox_server: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """An older journal (as an upgrade finds it): doctor fails naming `payterm migrate`, which
    keeps journal.v<old>.bak and brings the file to this program's schema."""
    journal = home / "data" / "journal.sqlite3"
    older = LATEST_VERSION - 1
    journal.parent.mkdir(parents=True, exist_ok=True)
    with closing(open_write_connection(journal)) as conn:
        migrate(conn, older)
    status, check = doctor_journal(capsys)
    assert status == 1 and check["status"] == "fail" and "payterm migrate" in check["hint"]
    assert main(["migrate"]) == 0
    assert f"migrated from schema version {older} to {LATEST_VERSION}" in capsys.readouterr().out
    with closing(sqlite3.connect(home / "data" / f"journal.v{older}.bak")) as conn:
        assert user_version(conn) == older
    # The header (what the package's preinst reads, without SQLite) says the new version.
    assert int.from_bytes(journal.read_bytes()[60:64], "big") == LATEST_VERSION
    assert main(["migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    status, check = doctor_journal(capsys)
    assert status == 0 and check["status"] == "ok"
    charge(sandbox_server, 300)

"""The kiosk's screen for a journal written by a newer PayTerm: what happened, what the cashier
does, what IT does, in the screen's language; and `payterm gui --kiosk` showing it and staying up
instead of exiting into a restart loop."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from terminal.config.model import Language
from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, migrate
from terminal.ui.i18n import Languages
from terminal.ui.journal_notice import JournalNotice

RESTORE = "sudo -u payterm -H payterm restore /var/lib/payterm/journal.v4.bak"


def test_notice_says_what_happened_and_what_to_do_in_both_languages(qtbot, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    notice = JournalNotice(LATEST_VERSION + 1, LATEST_VERSION, RESTORE)
    qtbot.addWidget(notice)
    notice.resize(1024, 768)
    notice.show()
    assert notice.title.text() == "This register cannot take payments"
    assert f"journal version {LATEST_VERSION + 1}; this version reads {LATEST_VERSION}" in notice.what.text()
    assert "call IT" in notice.cashier.text() and notice.it.text().endswith(RESTORE)
    languages.switch(Language.JA)
    qtbot.waitUntil(lambda: notice.title.text() != "This register cannot take payments")
    assert notice.title.text() == "このレジでは支払いを受け付けられません"
    for label in (notice.what, notice.cashier, notice.it):
        prose = label.text().replace(RESTORE, "").replace("PayTerm", "").replace("IT ", "")
        assert not any("a" <= c.lower() <= "z" for c in prose), label.text()  # no English on a Japanese screen
    assert notice.it.text().endswith(RESTORE)


def test_kiosk_on_a_newer_journal_shows_the_notice_and_stays_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    journal = home / "data" / "journal.sqlite3"
    journal.parent.mkdir(parents=True)
    with closing(open_write_connection(journal)) as conn:
        migrate(conn)
    with closing(sqlite3.connect(journal)) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")  # as a newer build's migration would
    # An enrolled register (the window would otherwise open the enrollment wizard); the notice
    # comes before the enrollment is read.
    (home / "data" / "enrollment.json").write_text("{}", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    env.update(PAYTERM_HOME=str(home), QT_QPA_PLATFORM="offscreen", PAYTERM_LOG_FORMAT="json",
               PAYTERM_SCANNER__CAMERA="none")
    # As systemd runs it (Type=notify, WatchdogSec=): READY=1, then WATCHDOG=1 pings.
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(60)
    env.update(NOTIFY_SOCKET=str(tmp_path / "notify"), WATCHDOG_USEC="200000")
    log = tmp_path / "stderr"
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "terminal.cli", "gui", "--kiosk"], env=env,
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
    try:
        assert notify.recv(4096).startswith(b"READY=1")
        assert [notify.recv(64) for _ in range(3)] == [b"WATCHDOG=1"] * 3
        deadline = time.monotonic() + 60
        while "newer than this program" not in log.read_text(encoding="utf-8"):
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "no notice"
            time.sleep(0.2)
        with pytest.raises(subprocess.TimeoutExpired):  # the notice stays up: no exit, no restart loop
            proc.wait(3)
    finally:
        proc.terminate()
        proc.wait(20)
        notify.close()
    text = log.read_text(encoding="utf-8")
    (line,) = [json.loads(ln) for ln in text.splitlines() if "newer than this program" in ln]
    assert line["level"] == "error" and line["priority"] == 3
    assert f"schema version {LATEST_VERSION + 1}, newer than this program" in line["event"]
    assert "Traceback" not in text

"""Another user of the register's machine (a second login, a service, a backup job) tries to read
what the register wrote: the journal with the manager-PIN hash, the device key and its KEK,
enrollment, receipt PDFs, the manager's config. On every install path, with the usual umask
022, the data directory is 0700 and every file in it 0600; `payterm doctor` names anything open.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from terminal.config.loader import load_settings
from terminal.config.writer import ConfigWriter
from tests.register_fixtures import FAST_ENV
from tests.sandbox_fixtures import RunningSandbox

PAYTERM = [sys.executable, "-m", "terminal.cli"]


def install_env(kind: str, tmp: Path) -> tuple[dict[str, str], Path]:
    """The environment of one install path, and its data directory."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PAYTERM_", "XDG_"))}
    base.update(FAST_ENV, HOME=str(tmp / "user"), XDG_DATA_HOME=str(tmp / "user" / "data"),
                XDG_CONFIG_HOME=str(tmp / "user" / "config"))
    if kind == "PAYTERM_HOME":
        return {**base, "PAYTERM_HOME": str(tmp / "home")}, tmp / "home" / "data"
    if kind == "package":  # the .deb's services: PAYTERM_DATA_DIR=/var/lib/payterm
        return {**base, "PAYTERM_DATA_DIR": str(tmp / "var-lib-payterm")}, tmp / "var-lib-payterm"
    return base, tmp / "user" / "data" / "payterm"  # a user install: platformdirs


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PAYTERM, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o022))  # the usual default


def open_to_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {mode:04o}")
    return found


@pytest.mark.parametrize("kind", ["PAYTERM_HOME", "package", "user install"])
def test_nothing_the_register_writes_is_readable_by_other_users(
    sandbox_server: RunningSandbox, tmp_path: Path, kind: str,
) -> None:
    env, data_dir = install_env(kind, tmp_path)
    enrolled = run(env, "enroll", "--trust-on-first-use", "--wallet", sandbox_server.url, "--code", sandbox_server.enrollment_code())
    assert enrolled.returncode == 0, enrolled.stderr
    sold = run(env, "charge", "--amount", "500", "--code-stdin", "--receipt", "--json",
               stdin=sandbox_server.payment_code("alice"))
    assert sold.returncode == 0, sold.stderr
    # A manager's settings change, written as the window writes it.
    loaded = load_settings(env)
    ConfigWriter(loaded, env).write({"register.name": "Till 2"})

    files = {p.name for p in data_dir.rglob("*") if p.is_file()}
    assert {"journal.sqlite3", "enrollment.json"} <= files and any(n.endswith(".pdf") for n in files), files
    assert open_to_others(data_dir) == []
    config = loaded.paths.local_config
    assert config.exists() and stat.S_IMODE(config.stat().st_mode) == 0o600


def test_doctor_names_a_file_left_open_and_the_register_closes_what_it_owns(
    sandbox_server: RunningSandbox, tmp_path: Path,
) -> None:
    env, data_dir = install_env("PAYTERM_HOME", tmp_path)
    assert run(env, "enroll", "--trust-on-first-use", "--wallet", sandbox_server.url,
               "--code", sandbox_server.enrollment_code()).returncode == 0
    assert run(env, "charge", "--amount", "500", "--code-stdin", stdin=sandbox_server.payment_code("alice")
               ).returncode == 0
    journal = data_dir / "journal.sqlite3"
    os.chmod(journal, 0o644)  # e.g. restored from a backup with another umask
    os.chmod(data_dir, 0o755)
    report = run(env, "doctor", "--json")
    checks = {c["check"]: c for c in json.loads(report.stdout)["checks"]}
    assert checks["file_modes"]["status"] == "fail"
    assert "journal.sqlite3" in checks["file_modes"]["detail"] and "0644" in checks["file_modes"]["detail"]
    assert "chmod" in checks["file_modes"]["hint"]
    assert report.returncode != 0

    sold = run(env, "charge", "--amount", "500", "--code-stdin", stdin=sandbox_server.payment_code("alice"))
    assert sold.returncode == 0, sold.stderr
    assert open_to_others(data_dir) == []
    report = run(env, "doctor", "--json")
    assert {c["check"]: c for c in json.loads(report.stdout)["checks"]}["file_modes"]["status"] == "ok"

"""Where the register keeps its files: config layers, data directory, journal, key files.

Platform defaults come from platformdirs. ``PAYTERM_HOME`` puts everything under one
directory (tests, demos, portable installs); ``PAYTERM_DATA_DIR`` moves the data and the local
config layer but keeps /etc for IT (installed registers); ``PAYTERM_CONFIG`` names the local
config file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "payterm"
CONFIG_FILE_NAME = "terminal.toml"
HOME_ENV = "PAYTERM_HOME"
CONFIG_ENV = "PAYTERM_CONFIG"
DATA_ENV = "PAYTERM_DATA_DIR"


@dataclass(frozen=True)
class Paths:
    system_config: Path  # IT's file (/etc/payterm/terminal.toml)
    local_config: Path  # this register's file (manager changes)
    data_dir: Path
    journal: Path
    key_file: Path
    kek_file: Path


def resolve_paths(env: Mapping[str, str] | None = None) -> Paths:
    environ = os.environ if env is None else env
    home = environ.get(HOME_ENV)
    if home:
        base = Path(home).expanduser()
        system_config = base / "etc" / CONFIG_FILE_NAME
        local_config = base / CONFIG_FILE_NAME
        data_dir = base / "data"
    else:
        if os.name == "nt":
            system_config = platformdirs.site_config_path(APP_NAME, appauthor=False) / CONFIG_FILE_NAME
        else:
            system_config = Path("/etc") / APP_NAME / CONFIG_FILE_NAME
        local_config = platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE_NAME
        data_dir = platformdirs.user_data_path(APP_NAME, appauthor=False)
        if environ.get(DATA_ENV):
            # An installed register (the .deb sets /var/lib/payterm): its state, including the
            # local config layer that managers change, lives in one directory; /etc stays IT's.
            data_dir = Path(environ[DATA_ENV]).expanduser()
            local_config = data_dir / CONFIG_FILE_NAME
    named = environ.get(CONFIG_ENV)
    if named:
        local_config = Path(named).expanduser()
    return Paths(
        system_config=system_config,
        local_config=local_config,
        data_dir=data_dir,
        journal=data_dir / "journal.sqlite3",
        key_file=data_dir / "keys" / "device-key.pem",
        kek_file=data_dir / "keys" / "kek.bin",
    )

"""Where the register keeps its files: config layers, data directory, journal, key files.

Platform defaults come from platformdirs. ``PAYTERM_HOME`` puts everything under one
directory (tests, demos, portable installs); ``PAYTERM_DATA_DIR`` moves the data and the local
config layer but keeps /etc for IT (installed registers); ``PAYTERM_CONFIG`` names the local
config file.

Everything the register writes is private to its user, on every install path: the data
directory (and each directory in it) is 0700, each file 0600 (the journal with its -wal/-shm, the
device key and KEK, enrollment, receipts, the local config). ``private_umask`` makes that the
default for the whole process (the CLI sets it first thing), ``make_private_dir`` and
``open_private`` make it explicit where files are made, ``tighten_tree`` repairs an older data
directory at start-up, and ``mode_problems`` is what `payterm doctor` reports.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


# --- private files -------------------------------------------------------------------------------

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_OPEN_TO_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def private_umask() -> int:
    """Make every file and directory this process creates private to its user (0600 / 0700):
    SQLite's journal and its -wal/-shm, PDFs, exports. Returns the previous umask."""
    return os.umask(0o077)


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; tighten it if it exists, is ours and is
    open to group or others."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR_MODE)
    return path


def open_private(path: Path) -> BinaryIO:
    """Open ``path`` for writing (truncated) as a 0600 file, in a 0700 directory."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE_MODE)
    if os.name != "nt":
        os.fchmod(fd, PRIVATE_FILE_MODE)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(fd, "wb")


def _tighten(path: Path, mode: int) -> bool:
    if os.name == "nt":
        return False  # NTFS ACLs, not mode bits: the user profile is already private
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid() or not st.st_mode & _OPEN_TO_OTHERS:
        return False
    os.chmod(path, mode)
    return True


def _tree(root: Path) -> Iterator[Path]:
    yield root
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            yield Path(dirpath) / name


def tighten_tree(root: Path) -> list[Path]:
    """Make ``root`` 0700 and everything in it 0700 (directories) or 0600 (files), where we own
    it; returns what was changed (a data directory from an older version, a copy restored)."""
    if not root.is_dir():
        return []
    return [p for p in _tree(root)
            if _tighten(p, PRIVATE_DIR_MODE if p.is_dir() and not p.is_symlink() else PRIVATE_FILE_MODE)]


@dataclass(frozen=True)
class ModeProblem:
    path: Path
    mode: int  # the permission bits found
    reason: str


def mode_problems(paths: Paths) -> list[ModeProblem]:
    """Everything of the register's that another user could read or change: the data directory,
    anything in it open to group or others or not owned by the register's user, and the local
    config file. Empty on Windows (ACLs there)."""
    if os.name == "nt":
        return []
    found: list[ModeProblem] = []
    uid = os.getuid()
    roots = [paths.data_dir] if paths.data_dir.is_dir() else []
    extra = [p for p in (paths.local_config,) if p.exists() and paths.data_dir not in p.parents]
    for path in [*(p for root in roots for p in _tree(root)), *extra]:
        st = path.lstat()
        bits = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            continue
        if st.st_uid != uid:
            found.append(ModeProblem(path, bits, f"owned by uid {st.st_uid}, not by the register's user ({uid})"))
        elif bits & _OPEN_TO_OTHERS:
            want = PRIVATE_DIR_MODE if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE_MODE
            found.append(ModeProblem(path, bits, f"mode {bits:04o}, should be {want:04o}"))
    return found

"""`payterm doctor`'s checks of what protects the register from its own users and from a copy
of its disk: who can read its files, and where its device key and key-encryption key live.

Kept apart from doctor.py's reachability checks; doctor calls ``security_checks`` once and shows
each ``Finding`` as one of its own results.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.config.loader import LoadedSettings
from terminal.config.paths import mode_problems


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: str  # "file_modes" | "key_protection" (doctor's Check values)
    level: Level
    detail: str
    hint: str = ""


def check_file_modes(loaded: LoadedSettings) -> Finding:
    problems = mode_problems(loaded.paths)
    if not problems:
        return Finding("file_modes", Level.OK, f"{loaded.paths.data_dir} and its files are the register user's alone "
                                               "(0700 / 0600)")
    shown = "; ".join(f"{p.path}: {p.reason}" for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return Finding("file_modes", Level.FAIL, f"{len(problems)} open to other users: {shown}{more}",
                   f"run: chmod -R go-rwx {loaded.paths.data_dir} (as the register's user; chown files "
                   "owned by someone else back to it), or start payterm once, which tightens what it owns")


def security_checks(loaded: LoadedSettings) -> list[Finding]:
    """Every check of this module, in the order a person would fix things."""
    return [check_file_modes(loaded)]

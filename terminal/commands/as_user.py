"""Commands that read or write the register's files must run as the user who owns them (the
package's `payterm`): as root they would make root-owned files that the window then cannot use,
or fail half-way with a traceback. So root is stopped at once, with the command to run instead."""

from __future__ import annotations

import os
import pwd
import shlex
from collections.abc import Mapping, Sequence

from terminal.config.paths import resolve_paths

# Commands that never touch the register's data directory.
ANY_USER = frozenset({"sandbox", "demo", "decode"})


def wrong_user(command: str | None, argv: Sequence[str], env: Mapping[str, str] = os.environ,
               euid: int | None = None) -> str | None:
    """The message for root running a register command on a data directory owned by another
    user, else None."""
    if command is None or command in ANY_USER or (os.geteuid() if euid is None else euid) != 0:
        return None
    data_dir = resolve_paths(env).data_dir
    try:
        owner = data_dir.stat().st_uid
    except OSError:
        return None
    if owner == 0:
        return None
    try:
        name = pwd.getpwuid(owner).pw_name
    except KeyError:
        name = str(owner)
    again = shlex.join(["sudo", "-u", name, "-H", "payterm", *argv])
    return (f"payterm {command}: run this as the {name} user, who owns {data_dir} "
            f"(as root it would leave files the register cannot use):\n    {again}")

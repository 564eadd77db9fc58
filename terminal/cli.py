"""`payterm`: the register's command line.

Each subcommand lives in its own module under ``terminal/commands/`` and exposes
``register(subparsers)``; the module adds its parser and sets ``func`` to a callable taking the
parsed arguments and returning the process exit status. Modules are imported lazily per command
name so that ``payterm --version`` or ``payterm charge`` never pays for Qt or OpenCV imports.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from terminal import __version__, logs
from terminal.commands.as_user import wrong_user
from terminal.config.paths import private_umask

# command name -> module under terminal.commands (or the demo launcher) that registers it
COMMANDS: dict[str, str] = {
    "audit": "terminal.commands.audit",
    "config": "terminal.commands.config_cmd",
    "history": "terminal.commands.history",
    "enroll": "terminal.commands.enroll",
    "rotate-key": "terminal.commands.enroll",
    "manager-pin": "terminal.commands.manager_pin_cmd",
    "charge": "terminal.commands.charge",
    "recover": "terminal.commands.charge",
    "sandbox": "terminal.demo_cli",
    "demo": "terminal.demo_cli",
    "decode": "terminal.commands.decode",
    "gui": "terminal.commands.gui",
    "cancel": "terminal.commands.ops",
    "refund": "terminal.commands.ops",
    "report": "terminal.commands.report",
    "doctor": "terminal.commands.doctor",
    "receipt": "terminal.commands.receipt",
    "pos": "terminal.pos.commands",
    "serve": "terminal.pos.commands",
    "backup": "terminal.commands.backup",
    "restore": "terminal.commands.backup",
    "migrate": "terminal.commands.backup",
    "metrics": "terminal.commands.metrics",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="payterm",
        description="PayTerm payment terminal: mobile-wallet payments at the register.",
    )
    parser.add_argument("--version", action="version", version=f"payterm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    done: set[str] = set()
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        if module_name in done:
            continue
        done.add(module_name)
        module = importlib.import_module(module_name)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Everything the register writes is its user's alone (terminal/config/paths.py); the old
    # umask comes back afterwards for a caller in the same process (tests, the demo launcher).
    previous = private_umask()
    try:
        return _main(argv)
    finally:
        os.umask(previous)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only=first if first in COMMANDS else None)
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    logs.configure()
    if (message := wrong_user(args.command, args_list)) is not None:
        print(message, file=sys.stderr)
        return 3
    if func is None:
        parser.print_help()
        return 2
    return int(func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`payterm manager-pin reset`: IT sets a new manager PIN when the old one is forgotten.

It needs no old PIN, so it is for whoever can run commands as the register's user (and so could
write its journal anyway); it clears the lock-out and is recorded in the audit log with who did it
and why. Managers change their PIN in manager mode (F10), with the old one.
"""

from __future__ import annotations

import argparse

from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.commands.enroll import read_manager_pin
from terminal.journal.errors import JournalError
from terminal.register.setup import open_journal
from terminal.register.manager_pin import ManagerPin, ManagerPinError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("manager-pin", help="IT: reset a forgotten manager PIN (audited)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    reset = actions.add_parser("reset", help="set a new manager PIN without the old one")
    reset.add_argument("--by", required=True, help="who resets it (recorded in the audit log)")
    reset.add_argument("--reason", required=True, help="why (recorded in the audit log)")
    reset.add_argument("--new-pin-stdin", action="store_true",
                       help="read the new PIN from stdin (otherwise it is asked twice on the terminal)")
    reset.set_defaults(func=run_reset)


def run_reset(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        pin = read_manager_pin(args.new_pin_stdin, prompt="new manager PIN (4-12 digits): ")
        if pin is None:
            raise CommandError("no PIN given: use a terminal or --new-pin-stdin", Exit.USAGE)
        with open_journal(loaded.settings) as journal:
            ManagerPin(journal, loaded.settings.manager).reset(pin, actor=f"it:{args.by}", reason=args.reason)
    except ManagerPinError as exc:
        return fail("manager-pin", CommandError(str(exc), Exit.USAGE))
    except (CommandError, JournalError) as exc:
        return fail("manager-pin", exc)
    print("manager PIN reset; the lock-out is cleared and the reset is in the audit log")
    return int(Exit.OK)

"""`payterm manager-pin reset`: IT sets a new manager PIN when the old one is forgotten.

The wallet holds the manager PIN, so a reset is authorized by the wallet too: a one-time reset
code that the wallet's help desk issues for this register (the sandbox: `payterm sandbox
manager-reset-code --device ID`). The new PIN is asked twice on a terminal or read with
``--new-pin-stdin``, never from the command line. The wallet clears its lock-out; the reset is in
the register's audit log (who, why) and in the wallet's. Managers change their PIN in manager
mode (F10), with the old one.
"""

from __future__ import annotations

import argparse

from terminal.commands.common import CommandError, Exit, fail, open_the_register, settings
from terminal.commands.enroll import read_manager_pin
from terminal.journal.errors import JournalError
from terminal.register.manager_pin import ManagerPinError
from terminal.wallet.errors import WalletError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("manager-pin", help="IT: reset a forgotten manager PIN with the wallet's reset code (audited)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    reset = actions.add_parser("reset", help="set a new manager PIN without the old one",
                               description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    reset.add_argument("--reset-code", required=True,
                       help="the one-time reset code the wallet's help desk issued for this register")
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
        reg = open_the_register(loaded)
        try:
            reg.manager_pin().reset(pin, reset_code=args.reset_code,
                                                           actor=f"it:{args.by}", reason=args.reason)
        finally:
            reg.close()
    except ManagerPinError as exc:
        return fail("manager-pin", CommandError(str(exc), Exit.USAGE))
    except (CommandError, JournalError, WalletError) as exc:
        return fail("manager-pin", exc)
    print("manager PIN reset at the wallet; its lock-out is cleared and the reset is in both audit logs")
    return int(Exit.OK)

"""What the register's commands share: loading settings and opening the register with errors a
person can act on, and the exit statuses scripts rely on."""

from __future__ import annotations

import sys
from enum import IntEnum

from terminal.config import ConfigError
from terminal.config.loader import LoadedSettings, load_settings
from terminal.crypto.keystore import KeyStoreError
from terminal.journal.errors import JournalError
from terminal.register.enrollment import NotEnrolled
from terminal.register.register import Register
from terminal.register.runner import Hooks
from terminal.register.setup import open_register
from terminal.wallet.errors import WalletError


class Exit(IntEnum):
    """Exit statuses of `payterm` commands (documented in docs/cli.md)."""

    OK = 0  # done; for `charge`: approved
    DECLINED = 10  # `charge`: the wallet declined (or refused) the payment
    REVERSED = 11  # `charge`: no payment; anything that may have been charged was reversed
    USAGE = 2  # bad arguments or input
    SETUP = 3  # not enrolled, config or key store problem
    FAILED = 4  # the operation failed (wallet unreachable, refused, journal error)
    INTERRUPTED = 130


class CommandError(Exception):
    def __init__(self, message: str, status: Exit = Exit.FAILED) -> None:
        super().__init__(message)
        self.status = status


def settings() -> LoadedSettings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise CommandError(str(exc), Exit.SETUP) from None


def open_the_register(loaded: LoadedSettings, hooks: Hooks | None = None, *, receipts: bool = False) -> Register:
    """The register for a command; receipts are issued only where the command asks (the window
    does; `payterm charge` with --receipt, since POS software usually prints its own)."""
    try:
        return open_register(loaded, hooks, receipts=receipts)
    except NotEnrolled as exc:
        raise CommandError(str(exc), Exit.SETUP) from None
    except KeyStoreError as exc:
        raise CommandError(f"cannot use the device key: {exc}", Exit.SETUP) from None
    except JournalError as exc:
        raise CommandError(f"cannot open the journal: {exc}", Exit.SETUP) from None


def fail(command: str, exc: CommandError | WalletError | JournalError) -> int:
    print(f"payterm {command}: {exc}", file=sys.stderr)
    return int(exc.status) if isinstance(exc, CommandError) else int(Exit.FAILED)

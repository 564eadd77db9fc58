"""`payterm gui [--kiosk]`: the cashier window on this register.

Kiosk mode (full screen, no window frame) can only be left through the manager PIN. Until the
manager PIN is stored by the register (issue #6), kiosk mode takes its argon2id hash from
``PAYTERM_MANAGER_PIN_HASH`` and refuses to start without it, rather than lock the screen for good.
"""

from __future__ import annotations

import argparse
import os

from terminal.commands.common import CommandError, Exit, fail, open_the_register, settings

PIN_HASH_ENV = "PAYTERM_MANAGER_PIN_HASH"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="open the cashier window")
    p.add_argument("--kiosk", action="store_true", default=None,
                   help="full screen, no window frame, no way out without the manager PIN")
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    # Qt is imported here, not at module level: `payterm --help` stays fast.
    from terminal.ui.app import application, build_window
    from terminal.ui.i18n import Languages
    from terminal.ui.manager import Argon2Gate

    try:
        loaded = settings()
        kiosk = loaded.settings.register.kiosk if args.kiosk is None else True
        pin_hash = os.environ.get(PIN_HASH_ENV)
        if kiosk and not pin_hash:
            raise CommandError(f"kiosk mode needs the manager PIN: set {PIN_HASH_ENV} to its argon2id hash",
                               Exit.SETUP)
        app = application()
        register_ = open_the_register(loaded)
    except CommandError as exc:
        return fail("gui", exc)
    try:
        languages = Languages(app, loaded.settings.register.language)
        window = build_window(register_, loaded.settings, languages, kiosk=kiosk,
                              gate=Argon2Gate(pin_hash) if pin_hash else None)
        window.finished.connect(app.quit)
        window.show_kiosk_or_normal()
        return int(app.exec())
    finally:
        register_.close()

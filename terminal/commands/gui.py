"""`payterm gui [--kiosk]`: the cashier window on this register.

A register that is not enrolled yet opens the first-run wizard first (wallet, key store, manager
PIN). Manager mode (F10) asks for the manager PIN kept in the journal; kiosk mode (full screen,
no window frame) can only be left through it, so kiosk mode refuses to start on a register that
has no manager PIN, rather than lock the screen for good.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from terminal.commands.backup import journal_version
from terminal.commands.common import CommandError, Exit, fail, open_the_register, settings
from terminal.config.loader import LoadedSettings
from terminal.config.writer import ConfigWriter
from terminal.journal.errors import JournalError
from terminal.journal.schema import LATEST_VERSION
from terminal.register.register import Register
from terminal.register.setup import enrollment_path

if TYPE_CHECKING:
    from terminal.pos.manager import PinPrompt
    from terminal.pos.wiring import PosApi
    from terminal.ui.main_window import CashierWindow
    from terminal.ui.manager.services import ManagerServices

log = logging.getLogger(__name__)
NO_PIN = ("kiosk mode needs a manager PIN, the only way out of it: IT sets one at the wallet with a reset "
          "code from the wallet's help desk (`payterm manager-pin reset --reset-code CODE`)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="open the cashier window (the first-run wizard on a new register)")
    p.add_argument("--kiosk", action="store_true", default=None,
                   help="full screen, no window frame, no way out without the manager PIN")
    p.set_defaults(func=run_gui)


def open_in_background(loaded: LoadedSettings) -> Future[Register]:
    """Open the register (unlocking the device key is a deliberate ~0.1 s of scrypt, which runs
    without the GIL; then the journal) on a thread, while the caller imports Qt and the window."""
    opening: Future[Register] = Future()

    def run() -> None:
        try:
            opening.set_result(open_the_register(loaded, receipts=True))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            opening.set_exception(exc)

    threading.Thread(target=run, name="payterm-open-register", daemon=True).start()
    return opening


def run_gui(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        opening = open_in_background(loaded) if enrollment_path(loaded).exists() else None
        # Qt is imported here, not at module level: `payterm --help` stays fast.
        from terminal.ui.app import application, build_window
        from terminal.ui.i18n import Languages
        from terminal.ui.manager import ManagerServices
        from terminal.ui.service import ServiceHeartbeat

        app = application()
        ServiceHeartbeat(app)  # READY=1 and the watchdog, under systemd (kept alive by its parent)
        languages = Languages(app, loaded.settings.register.language)
        if opening is None:
            from terminal.ui.wizard import EnrollmentWizard  # only on a register not yet enrolled

            wizard = EnrollmentWizard(loaded)
            wizard.show()
            if not wizard.exec() or wizard.enroll.result is None:
                raise CommandError("the register was not enrolled", Exit.SETUP)
            loaded = settings()  # the wizard wrote the wallet URL and key store choice
            opening = open_in_background(loaded)
        kiosk = loaded.settings.register.kiosk if args.kiosk is None else True
        if kiosk and _journal_is_newer(loaded):
            return _journal_notice(loaded)
        register_ = opening.result()
    except CommandError as exc:
        return fail("gui", exc)
    try:
        pin = register_.manager_pin()
        if kiosk and not pin.is_set():
            return fail("gui", CommandError(NO_PIN, Exit.SETUP))
        manager = ManagerServices.for_register(register_, pin, ConfigWriter(loaded), loaded.paths.data_dir / "reports",
                                               session_timeout=loaded.settings.manager.session_timeout)
        window = build_window(register_, loaded.settings, languages, kiosk=kiosk, manager=manager)
        pos_api = _start_pos_api(loaded, register_, _reversal_prompt(manager, window))
        window.finished.connect(app.quit)
        window.show_kiosk_or_normal()
        try:
            return int(app.exec())
        finally:
            if pos_api is not None:
                pos_api.stop()
    finally:
        register_.close()


def _journal_is_newer(loaded: LoadedSettings) -> bool:
    try:
        return journal_version(loaded.settings.journal.path) > LATEST_VERSION
    except JournalError:
        return False  # opening the register reports it


def _journal_notice(loaded: LoadedSettings) -> int:
    """A kiosk on a journal from a newer PayTerm: say so on the screen and stay up (no restart
    loop on a blank screen) until IT acts."""
    from terminal.ui.app import application
    from terminal.ui.journal_notice import JournalNotice

    path = loaded.settings.journal.path
    found = journal_version(path)
    restore = f"sudo -u payterm -H payterm restore {path.with_name(f'{path.stem}.v{LATEST_VERSION}.bak')}"
    log.error("journal %s has schema version %d, newer than this program (%d): no sale can be taken; "
              "install the newer PayTerm again, or restore the backup made before the upgrade (%s)",
              path, found, LATEST_VERSION, restore)
    notice = JournalNotice(found, LATEST_VERSION, restore)
    notice.showFullScreen()
    return int(application().exec())


def _reversal_prompt(manager: ManagerServices, window: CashierWindow) -> PinPrompt:
    """Where a POS's void or refund is authorized: the manager-PIN dialog on this window."""
    from terminal.ui.manager.reversal_prompt import WindowPinPrompt

    return WindowPinPrompt(manager, window)


def _start_pos_api(loaded: LoadedSettings, register_: Register, prompt: PinPrompt | None = None) -> PosApi | None:
    """The local Terminal API over the window's register when ``pos.enabled`` is on; reversals
    the POS asks for are authorized by the manager through ``prompt``."""
    if not loaded.settings.pos.enabled:
        return None
    from terminal.pos.embedded import start_in_window

    try:
        api = start_in_window(loaded, register_, prompt)
    except OSError as exc:
        print(f"payterm gui: the POS API cannot listen on port {loaded.settings.pos.port}: {exc}",
              file=sys.stderr)
        return None
    host, port = api.server.address
    print(f"POS API on https://{host}:{port}/nexo (certificate SHA-256 {api.certificate.fingerprint})",
          flush=True)
    return api

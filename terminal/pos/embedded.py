"""The local Terminal API inside the cashier window (`payterm gui` with ``pos.enabled``).

The API runs over the window's own register (one runner, one journal writer): the POS's amount
becomes the window's sale, the window shows it and the scanner reads the code, and the cashier
types nothing. The window's recovery at start-up holds payments off (its resumed sale answers
``accepts_amount`` with Busy). Reversals need the manager PIN at PayTerm; until the window offers
a prompt for it (``prompt``), POS reversals are refused with that reason.
"""

from __future__ import annotations

from terminal.config.loader import LoadedSettings
from terminal.pos import wiring
from terminal.pos.manager import PinPrompt
from terminal.pos.register_core import RegisterPaymentCore, refuse_without_manager
from terminal.register.register import Register


def start_in_window(
    loaded: LoadedSettings, register: Register, prompt: PinPrompt | None = None,
) -> wiring.PosApi:
    """Build and start the API on its own thread; the caller stops it (``PosApi.stop``) before it
    closes the register."""
    core = RegisterPaymentCore(register, loaded, approve=prompt or refuse_without_manager)
    api = wiring.build_api(loaded, core)
    api.start()
    return api

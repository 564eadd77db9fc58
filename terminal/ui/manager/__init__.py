"""Manager mode in the cashier window, behind the manager PIN: history with void and refund,
end of day against the wallet's settlement, settings, the audit log, the register.

The names are imported on first use: the cashier window starts without loading the manager's
screens, which are needed only once someone presses F10.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from terminal.ui.manager.dialog import ManagerDialog
    from terminal.ui.manager.pin_dialog import ManagerPinDialog
    from terminal.ui.manager.services import ManagerServices

_WHERE = {"ManagerDialog": "dialog", "ManagerPinDialog": "pin_dialog", "ManagerServices": "services"}

__all__ = ["ManagerDialog", "ManagerPinDialog", "ManagerServices"]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

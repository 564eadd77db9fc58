"""Manager mode in the cashier window, behind the manager PIN: history with void and refund,
end of day against the wallet's settlement, settings, the audit log, the register."""

from terminal.ui.manager.dialog import ManagerDialog
from terminal.ui.manager.pin_dialog import ManagerPinDialog
from terminal.ui.manager.services import ManagerServices

__all__ = ["ManagerDialog", "ManagerPinDialog", "ManagerServices"]

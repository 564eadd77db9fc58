"""systemd's service notification protocol (sd_notify(3)), without a library: one datagram to the
Unix socket named by ``NOTIFY_SOCKET``. The packaged window is ``Type=notify``: it says READY=1
once its first window is up, and WATCHDOG=1 from its UI thread every half ``WATCHDOG_USEC``, so a
hung window is restarted by systemd. Outside systemd (no ``NOTIFY_SOCKET``) nothing is sent.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

SOCKET_ENV = "NOTIFY_SOCKET"


def notify(message: str, env: Mapping[str, str] = os.environ) -> bool:
    """Send ``message`` (e.g. "READY=1\\nSTATUS=…"); False when not run by systemd or the socket
    is gone (never an error: the register must run without systemd)."""
    address = env.get(SOCKET_ENV, "")
    if not address or address[0] not in "/@":
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError:
        return False
    return True


def watchdog_interval(env: Mapping[str, str] = os.environ, pid: int | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of what systemd allows), or None without a
    watchdog for this process (sd_watchdog_enabled(3))."""
    usec = env.get("WATCHDOG_USEC", "")
    owner = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if owner and owner != str(os.getpid() if pid is None else pid):
        return None
    return int(usec) / 1e6 / 2

"""Logging for the register: one JSON object per line (for journald and log shippers) or plain
text on a terminal, to standard error (standard output carries command results such as
`payterm charge --json`).

    PAYTERM_LOG_FORMAT = json | text   (default: text on a terminal, json otherwise)
    PAYTERM_LOG_LEVEL  = DEBUG | INFO | WARNING | ERROR   (default: INFO)

Severity. Every JSON line carries its syslog priority as a field (`"priority": 3` for an error,
6 for info), and when standard error is the systemd journal (the service's default: systemd sets
`JOURNAL_STREAM` to that stream's device and inode) every line also starts with the kernel-style
prefix `<N>`, which journald strips and stores as the entry's PRIORITY, so `journalctl -p err`
finds the errors.

Payment codes, PINs and keys are never passed to a logger by PayTerm's code. As a second line
of defence, every message and field is scrubbed: a run of 12 or more digits (the shape of a
payment code) keeps only its last four, and an EMVCo consumer-presented QR payload keeps only its
fixed prefix. Merchant references are never scrubbed, so a sale can be found in the logs by its
reference: a field named `reference` is left as it is, its value is left as it is wherever it also
appears in the message, and so is any reference in the form PayTerm gives its own sales
(`<register>-<YYYYmmddHHMMSS>-<hex>`).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog

FORMAT_ENV = "PAYTERM_LOG_FORMAT"
LEVEL_ENV = "PAYTERM_LOG_LEVEL"
JOURNAL_ENV = "JOURNAL_STREAM"
_LONG_DIGITS = re.compile(r"\d{8,}(\d{4})")
# tag 85 "CPV01" in base64 (DESIGN: EMVCo consumer-presented QR), then the rest of the payload
_EMV_CPM = re.compile(r"(hQVDUFYwM)[A-Za-z0-9+/=_-]+")
# The references the register makes itself (register.Register._new_reference).
_OWN_REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,24}-\d{14}-[0-9a-f]{6}")
REFERENCE_FIELDS = frozenset({"reference", "merchant_reference"})

# syslog priorities (RFC 5424): what journald stores as PRIORITY
PRIORITY = {"critical": 2, "error": 3, "exception": 3, "warning": 4, "info": 6, "debug": 7}


def _scrub_plain(text: str) -> str:
    return _EMV_CPM.sub(lambda m: m.group(1) + "…", _LONG_DIGITS.sub(lambda m: "…" + m.group(1), text))


def scrub(text: str, keep: Iterable[str] = ()) -> str:
    """'991234567890123456' -> '…3456' wherever it appears, except inside a merchant reference
    (PayTerm's own form, or one of ``keep``), which stays whole."""
    kept = sorted({k for k in keep if k}, key=len, reverse=True)
    pattern = _OWN_REFERENCE.pattern + "".join("|" + re.escape(k) for k in kept)
    out, last = [], 0
    for m in re.finditer(pattern, text):
        out.append(_scrub_plain(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_scrub_plain(text[last:]))
    return "".join(out)


def _scrub_event(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    references = [str(event[k]) for k in REFERENCE_FIELDS if isinstance(event.get(k), str)]
    for key, value in list(event.items()):
        if key in REFERENCE_FIELDS:
            continue
        if isinstance(value, str):
            event[key] = scrub(value, references)
        elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 12:
            event[key] = scrub(str(value))
    return event


def _add_priority(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event["priority"] = PRIORITY.get(str(event.get("level", "info")), 6)
    return event


def is_journal(stream: TextIO, env: Mapping[str, str]) -> bool:
    """True when ``stream`` is the journal's stream socket (sd_journal_stream_fd's contract:
    JOURNAL_STREAM=<device>:<inode> of the connected socket)."""
    value = env.get(JOURNAL_ENV, "")
    try:
        device, inode = (int(part) for part in value.split(":"))
        st = os.fstat(stream.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (st.st_dev, st.st_ino) == (device, inode)


class _JournalPrefix(logging.Formatter):
    """Wraps the structlog formatter: `<N>` before each line, for journald's SyslogLevelPrefix."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{PRIORITY.get(record.levelname.lower(), 6)}>"
        return "\n".join(prefix + line for line in self.inner.format(record).splitlines())


def configure(env: Mapping[str, str] = os.environ, stream: TextIO | None = None) -> None:
    """Set up the root logger once, at the start of a `payterm` command."""
    stream = stream or sys.stderr
    journal = is_journal(stream, env)
    fmt = env.get(FORMAT_ENV) or ("text" if stream.isatty() and not journal else "json")
    level = getattr(logging, env.get(LEVEL_ENV, "INFO").upper(), logging.INFO)
    renderer: Any = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                     else structlog.dev.ConsoleRenderer(colors=False))
    formatter: logging.Formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _scrub_event,
            *([_add_priority] if fmt == "json" else []),
            renderer,
        ],
    )
    if journal:
        formatter = _JournalPrefix(formatter)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(_quiet_libraries)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


_NOISY = ("httpx", "httpcore", "uvicorn.access")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Every HTTP request line of the libraries would drown the register's own events: only their
    warnings pass (filtered here, at our handler, so their loggers are left as they are)."""
    return record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)

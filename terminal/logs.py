"""Logging for the register: one JSON object per line (for journald and log shippers) or plain
text on a terminal, to standard error (standard output carries command results such as
`payterm charge --json`).

    PAYTERM_LOG_FORMAT = json | text   (default: text on a terminal, json otherwise)
    PAYTERM_LOG_LEVEL  = DEBUG | INFO | WARNING | ERROR   (default: INFO)

Payment codes, PINs and keys are never passed to a logger by PayTerm's code. As a second line
of defence, every message and field is scrubbed: a run of 12 or more digits (the shape of a
payment code) keeps only its last four.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

FORMAT_ENV = "PAYTERM_LOG_FORMAT"
LEVEL_ENV = "PAYTERM_LOG_LEVEL"
_LONG_DIGITS = re.compile(r"\d{8,}(\d{4})")


def scrub(text: str) -> str:
    """'991234567890123456' -> '…3456' wherever it appears."""
    return _LONG_DIGITS.sub(lambda m: "…" + m.group(1), text)


def _scrub_event(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if isinstance(value, str):
            event[key] = scrub(value)
        elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 12:
            event[key] = scrub(str(value))
    return event


def configure(env: Mapping[str, str] = os.environ, stream: TextIO | None = None) -> None:
    """Set up the root logger once, at the start of a `payterm` command."""
    stream = stream or sys.stderr
    fmt = env.get(FORMAT_ENV) or ("text" if stream.isatty() else "json")
    level = getattr(logging, env.get(LEVEL_ENV, "INFO").upper(), logging.INFO)
    renderer: Any = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                     else structlog.dev.ConsoleRenderer(colors=False))
    formatter = structlog.stdlib.ProcessorFormatter(
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
            renderer,
        ],
    )
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

"""Core errors in the screen's language. The core's exceptions carry English for logs and IT;
a manager reads a short sentence in Japanese or English that says what happened and what to do.
The English detail is added only on an English screen (never English on a Japanese one); the
log keeps it whole."""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from terminal.config.errors import ConfigError
from terminal.config.model import Language
from terminal.domain.money import MoneyError
from terminal.journal.errors import JournalError
from terminal.register.manager_pin import ManagerPinError, PinAlreadySet, PinPolicyError
from terminal.register.operations import AmbiguousSale, NotAllowed, SaleNotFound
from terminal.ui.i18n import current_language
from terminal.wallet.errors import (
    AuthenticationRejected,
    TransportError,
    UnverifiedResponse,
    WalletError,
    WalletRejected,
    WalletUnavailable,
)

log = logging.getLogger(__name__)

# most specific first
_TEXTS: tuple[tuple[type[BaseException], str], ...] = (
    (TransportError, QT_TRANSLATE_NOOP(
        "Errors", "The wallet cannot be reached. Check the network, then try again.")),
    (WalletUnavailable, QT_TRANSLATE_NOOP("Errors", "The wallet is busy or down. Try again in a minute.")),
    (UnverifiedResponse, QT_TRANSLATE_NOOP(
        "Errors", "The wallet's answer could not be trusted. Try again; if it repeats, call IT.")),
    (AuthenticationRejected, QT_TRANSLATE_NOOP(
        "Errors", "The wallet refused this register's signature. Check the clock; if it repeats, call IT.")),
    (WalletRejected, QT_TRANSLATE_NOOP("Errors", "The wallet refused the request.")),
    (WalletError, QT_TRANSLATE_NOOP("Errors", "The wallet could not be asked. Try again.")),
    (MoneyError, QT_TRANSLATE_NOOP("Errors", "Type the amount in digits, for example 1200.")),
    (SaleNotFound, QT_TRANSLATE_NOOP("Errors", "No sale matches. Check the reference.")),
    (AmbiguousSale, QT_TRANSLATE_NOOP("Errors", "Several sales match. Choose the sale in the history.")),
    (NotAllowed, QT_TRANSLATE_NOOP("Errors", "This is not allowed for this sale.")),
    (PinPolicyError, QT_TRANSLATE_NOOP(
        "Errors", "This PIN is not allowed: use 4 to 12 digits, not all the same digit.")),
    (PinAlreadySet, QT_TRANSLATE_NOOP("Errors", "A manager PIN is already set.")),
    (ManagerPinError, QT_TRANSLATE_NOOP("Errors", "The manager PIN could not be changed.")),
    (ConfigError, QT_TRANSLATE_NOOP("Errors", "The settings could not be read. Call IT.")),
    (JournalError, QT_TRANSLATE_NOOP("Errors", "The journal could not be read or written. Call IT.")),
    (sqlite3.Error, QT_TRANSLATE_NOOP("Errors", "The journal could not be read or written. Call IT.")),
    (OSError, QT_TRANSLATE_NOOP(
        "Errors", "A file could not be read or written. Check the disk, or call IT.")),
)
_OTHER = QT_TRANSLATE_NOOP("Errors", "Something went wrong. Try again; if it repeats, call IT.")


def error_text(exc: BaseException) -> str:
    """A short sentence for ``exc`` in the screen's language (the English detail too on an
    English screen)."""
    log.info("shown to the manager: %s: %s", type(exc).__name__, exc)
    text = next((t for kind, t in _TEXTS if isinstance(exc, kind)), _OTHER)
    words = QCoreApplication.translate("Errors", text)
    detail = str(exc).strip()
    if current_language() is Language.EN and detail:
        return f"{words} ({detail})"
    return words

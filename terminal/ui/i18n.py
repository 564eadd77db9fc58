"""Japanese and English through Qt's translation system, and amounts and times formatted for
the language on screen.

Source strings are English; ``assets/translations/payterm_ja.ts`` holds the Japanese and is
compiled to the shipped ``payterm_ja.qm``. Switching installs (or removes) the translator; Qt
then sends every widget a ``LanguageChange`` event and each redraws its own text.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from terminal.config.model import Language
from terminal.domain.money import Money, format_minor
from terminal.ui.assets import translation_path

LOCALES = {Language.JA: QLocale(QLocale.Language.Japanese, QLocale.Country.Japan),
           Language.EN: QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)}


class TranslationMissing(RuntimeError):
    """A language's compiled .qm file is missing or unreadable (a broken install)."""


class Languages:
    """Owns the application's translator; one per QApplication."""

    def __init__(self, app: QCoreApplication, language: Language = Language.EN) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        self.current = Language.EN
        self.switch(language)

    def switch(self, language: Language) -> None:
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if language is not Language.EN:
            translator = QTranslator(self._app)
            path = translation_path(language.value)
            if not translator.load(str(path)):
                raise TranslationMissing(f"cannot load the {language.value} translation from {path}")
            self._app.installTranslator(translator)
            self._translator = translator
        QLocale.setDefault(LOCALES[language])
        self.current = language


def current_language() -> Language:
    return Language.JA if QLocale().language() == QLocale.Language.Japanese else Language.EN


def format_money(money: Money, language: Language | None = None) -> str:
    """"¥1,200" in English, "1,200円" in Japanese; other currencies as Money.format()."""
    lang = language or current_language()
    if lang is Language.JA and money.currency == "JPY":
        return f"{format_minor(money.amount, 0, grouping=True)}円"
    return money.format()


def format_time(at: datetime, language: Language | None = None) -> str:
    """Time of day for the strip of recent sales and the top bar: "14:05" / "2:05 PM", in the time
    zone ``at`` carries (the store's)."""
    lang = language or current_language()
    local = at if at.tzinfo is not None else at.astimezone()
    return "{:%H:%M}".format(local) if lang is Language.JA else local.strftime("%I:%M %p").lstrip("0")


def format_seconds(seconds: float) -> str:
    """A countdown: "1:05", "0:09" (never negative)."""
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"

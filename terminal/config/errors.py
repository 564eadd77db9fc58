"""Config errors: every problem names where it came from and which setting it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    source: str  # a file path, "environment PAYTERM_…", or "default"
    key: str | None  # dotted setting path, e.g. "wallet.timeouts.charge"
    message: str
    line: int | None = None  # for TOML syntax errors

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(Exception):
    """The settings could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

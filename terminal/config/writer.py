"""Writing the register's LOCAL config layer (the manager's changes, the first-run wizard's).

A change is refused for a setting IT fixed in the system file (/etc/payterm/terminal.toml):
those are shown as locked. Every change is validated, field by field, by loading the candidate
file through the very loader the register starts with, so a file this module writes always
loads. The file is replaced atomically (temporary file, fsync, rename): a power cut leaves the
old file or the new one, never half of one.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from terminal.config.errors import ConfigError
from terminal.config.loader import DEFAULT_SOURCE, ENV_PREFIX, LoadedSettings, drop_ins, load_settings

Value = str | int | float | bool | Path | None  # None: remove from the local file (back to defaults)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Lock(StrEnum):
    """Why a setting cannot be changed from the register."""

    SYSTEM = "system"  # set by IT in the system file
    ENVIRONMENT = "environment"  # a PAYTERM_* variable overrides every file


@dataclass(frozen=True)
class FieldError:
    key: str  # dotted setting, e.g. "printer.host"
    message: str


class ConfigWriteError(Exception):
    """The change was not written; ``errors`` says which fields and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.key}: {e.message}" for e in self.errors))


class ConfigWriter:
    """Reads, checks and writes the local file named by ``loaded.paths``."""

    def __init__(self, loaded: LoadedSettings, env: Mapping[str, str] | None = None) -> None:
        self._loaded = loaded
        self._env = dict(os.environ if env is None else env)

    @property
    def loaded(self) -> LoadedSettings:
        return self._loaded

    @property
    def path(self) -> Path:
        return self._loaded.paths.local_config

    def lock(self, key: str) -> Lock | None:
        source = self._loaded.sources.get(key, DEFAULT_SOURCE)
        system = self._loaded.paths.system_config
        if source in {str(system), *(str(p) for p in drop_ins(system))}:  # IT's file and drop-ins
            return Lock.SYSTEM
        if source.startswith("environment ") or self._env_name(key) in self._env:
            return Lock.ENVIRONMENT
        return None

    @staticmethod
    def _env_name(key: str) -> str:
        return ENV_PREFIX + key.upper().replace(".", "__")

    def effective(self, changes: Mapping[str, Value]) -> dict[str, Value]:
        """The changes without those that repeat a locked setting's value (nothing to change)."""
        flat = _flatten(self._loaded.settings.model_dump(mode="json"))
        return {k: v for k, v in changes.items()
                if self.lock(k) is None or not _same(flat.get(k), v)}

    def check(self, changes: Mapping[str, Value]) -> list[FieldError]:
        """Every problem the changes would cause, one per field (empty: they can be written)."""
        changes = self.effective(changes)
        errors = [FieldError(k, f"locked ({lock.value}): set by IT, not changeable here")
                  for k in changes if (lock := self.lock(k)) is not None]
        if errors:
            return errors
        candidate = self._candidate(changes)
        with tempfile.TemporaryDirectory(prefix="payterm-config-") as tmp:
            trial = Path(tmp) / "terminal.toml"
            trial.write_text(dumps(candidate), encoding="utf-8")
            try:
                load_settings(self._env, system_file=self._loaded.paths.system_config, local_file=trial)
            except ConfigError as exc:
                return [FieldError(p.key or "", p.message) for p in exc.problems]
        return []

    def write(self, changes: Mapping[str, Value]) -> LoadedSettings:
        """Apply ``changes`` to the local file and return the settings as now loaded. Raises
        ``ConfigWriteError`` (nothing written) when a field is locked or invalid."""
        errors = self.check(changes)
        if errors:
            raise ConfigWriteError(errors)
        write_atomically(self.path, dumps(self._candidate(self.effective(changes))))
        self._loaded = load_settings(self._env, system_file=self._loaded.paths.system_config,
                                     local_file=self.path)
        return self._loaded

    def _candidate(self, changes: Mapping[str, Value]) -> dict[str, Any]:
        values = read_toml(self.path)
        for key, value in changes.items():
            _set(values, key.split("."), value)
        return values


def _flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _same(current: object, value: Value) -> bool:
    if value is None or current is None:
        return value is current
    if isinstance(value, bool) or isinstance(current, bool):
        return value is current
    if isinstance(value, int | float) and isinstance(current, int | float):
        return value == current
    return str(current) == str(value)


def read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _set(values: dict[str, Any], parts: list[str], value: Value) -> None:
    node = values
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = str(value) if isinstance(value, Path) else value


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # the register's user alone (terminal/config/paths.py)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# -- a small TOML writer for the value types settings have -------------------------------------


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t").replace("\r", "\\r"))
    escaped = "".join(c if " " <= c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a config file")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"cannot write a {type(value).__name__} to a config file")


def dumps(values: Mapping[str, Any], prefix: str = "") -> str:
    """TOML text for nested tables of plain values (what ``tomllib.loads`` gives back)."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in values.items() if not isinstance(v, dict)]
    text = ""
    if prefix and (lines or not any(isinstance(v, dict) for v in values.values())):
        text += f"[{prefix}]\n"  # an empty table is kept: it was in the file
    text += "".join(line + "\n" for line in lines)
    for k, v in values.items():
        if isinstance(v, dict):
            child = f"{prefix}.{_key(k)}" if prefix else _key(k)
            body = dumps(v, child)
            if body:
                text += ("\n" if text else "") + body
    return text

"""Layered loading: built-in defaults < system file (IT) < IT's drop-ins (``terminal.d/*.toml``
beside the system file, in name order) < the register's local file (manager changes) <
``PAYTERM_<SECTION>__<KEY>`` environment variables.

Some settings belong to IT alone (``IT_ONLY``): a lower-trust layer (the local file, which the
manager screen writes and the register's own user can edit) may not set them.

Each value remembers the layer it came from, for ``payterm config show`` and for error
messages that name the right file or variable.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from terminal.config.errors import ConfigError, ConfigProblem
from terminal.config.model import Settings
from terminal.config.paths import CONFIG_ENV, Paths, resolve_paths

DEFAULT_SOURCE = "default"
ENV_PREFIX = "PAYTERM_"
# Relative paths in a file are taken relative to that file's directory.
PATH_KEYS = frozenset({"journal.path", "keys.file", "keys.kek", "keys.pkcs11.module", "printer.path"})
DROP_IN_DIR = "terminal.d"
# Settings only IT may set (/etc and its drop-ins, or the service's environment): they protect
# the register against whoever has it, so the register's own files must not weaken them.
IT_ONLY = frozenset({"wallet.key_fingerprint"})
_FRIENDLY = {
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_type": "expected text",
    "model_type": "expected a table of settings",
}


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    sources: Mapping[str, str]  # every dotted setting -> where its effective value came from
    files: tuple[Path, ...]  # config files that were read, lowest layer first
    paths: Paths


@dataclass
class _Layer:
    label: str
    values: dict[str, Any]


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    system_file: Path | None = None,
    local_file: Path | None = None,
) -> LoadedSettings:
    """Load and validate the effective settings; raise ``ConfigError`` listing every problem."""
    environ = os.environ if env is None else env
    paths = resolve_paths(environ)
    layers = [
        _Layer(
            DEFAULT_SOURCE,
            {
                "journal": {"path": str(paths.journal)},
                "keys": {"file": str(paths.key_file), "kek": str(paths.kek_file)},
            },
        )
    ]
    problems: list[ConfigProblem] = []
    files: list[Path] = []
    local_required = local_file is None and bool(environ.get(CONFIG_ENV))
    system = system_file or paths.system_config
    local = local_file or paths.local_config
    for path, required in (
        (system, False),
        *((drop_in, False) for drop_in in drop_ins(system)),
        (local, local_required),
    ):
        values = _read_file(path, required, problems)
        if values is not None:
            files.append(path)
            layers.append(_Layer(str(path), values))
            if path == local:
                problems.extend(_it_only(values, path))
    if problems:
        raise ConfigError(problems)
    layers.extend(_env_layers(environ))

    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for layer in layers:
        _merge(merged, layer.values, layer.label, origins, "")
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_problems(exc, origins, [layer.label for layer in layers])) from None
    sources = {key: origins.get(key, DEFAULT_SOURCE) for key in _leaves(settings.model_dump(mode="json"), "")}
    return LoadedSettings(settings, sources, tuple(files), paths)


def drop_ins(system_file: Path) -> list[Path]:
    """IT's drop-in files: ``terminal.d/*.toml`` beside the system file, read in name order
    (``10-site.toml`` before ``50-store.toml``), each over the ones before."""
    folder = system_file.parent / DROP_IN_DIR
    return sorted(p for p in folder.glob("*.toml") if p.is_file()) if folder.is_dir() else []


def _it_only(values: Mapping[str, Any], path: Path) -> list[ConfigProblem]:
    found = []
    for key in sorted(IT_ONLY):
        node: Any = values
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            found.append(ConfigProblem(str(path), key, "only IT can set this: in /etc/payterm/terminal.toml, "
                                       f"/etc/payterm/{DROP_IN_DIR}/*.toml or the service's environment"))
    return found


def required_wallet_key(loaded: LoadedSettings, given: str | None) -> str | None:
    """The wallet-key fingerprint an enrollment must pin: IT's ``wallet.key_fingerprint`` when
    set (a different one given by the installer is refused), else what the installer gave."""
    required = loaded.settings.wallet.key_fingerprint
    if required is None:
        return given or None
    if given and given.strip() != required:
        raise ConfigError([ConfigProblem(
            loaded.sources.get("wallet.key_fingerprint", DEFAULT_SOURCE), "wallet.key_fingerprint",
            f"IT requires the wallet key {required}, not {given.strip()}: check the fingerprint, "
            "or ask IT to change this setting")])
    return required


def _read_file(path: Path, required: bool, problems: list[ConfigProblem]) -> dict[str, Any] | None:
    if not path.is_file():
        if required:
            problems.append(
                ConfigProblem(str(path), None, f"{CONFIG_ENV} names this file, but it does not exist")
            )
        return None
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        problems.append(
            ConfigProblem(str(path), None, f"invalid TOML: {exc}", int(match.group(1)) if match else None)
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ConfigProblem(str(path), None, f"cannot read: {exc}"))
        return None
    for key in PATH_KEYS:
        _resolve_relative(values, key.split("."), path.parent)
    return values


def _resolve_relative(values: dict[str, Any], parts: list[str], base: Path) -> None:
    node: Any = values
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and isinstance(node.get(parts[-1]), str):
        value = Path(node[parts[-1]]).expanduser()
        node[parts[-1]] = str(value if value.is_absolute() else base / value)


def _env_layers(environ: Mapping[str, str]) -> list[_Layer]:
    """One layer per ``PAYTERM_A__B…`` variable (so each value knows its variable), in name order."""
    layers: list[_Layer] = []
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        nested: dict[str, Any] = {}
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = environ[name]
        layers.append(_Layer(f"environment {name}", nested))
    return layers


def _merge(
    target: dict[str, Any], values: Mapping[str, Any], label: str, origins: dict[str, str], prefix: str
) -> None:
    for key, value in values.items():
        dotted = prefix + key
        if isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                _forget(origins, dotted)
                target[key] = {}
            if not value:
                origins.setdefault(dotted, label)
            _merge(target[key], value, label, origins, dotted + ".")
        else:
            _forget(origins, dotted)
            target[key] = value
            origins[dotted] = label


def _forget(origins: dict[str, str], dotted: str) -> None:
    for key in [k for k in origins if k == dotted or k.startswith(dotted + ".")]:
        del origins[key]


def _leaves(values: Mapping[str, Any], prefix: str) -> list[str]:
    keys: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            keys.extend(_leaves(value, f"{prefix}{key}."))
        else:
            keys.append(prefix + key)
    return keys


def _setting_path(loc: tuple[str | int, ...], error_type: str) -> tuple[list[str], type[BaseModel] | None]:
    """The dotted setting an error is about (dropping pydantic's union-branch names), and the
    model that holds its last part."""
    model: type[BaseModel] | None = Settings
    parts: list[str] = []
    parent: type[BaseModel] | None = Settings
    for item in loc:
        name = str(item)
        if model is None or (name not in model.model_fields and error_type != "extra_forbidden"):
            break
        parts.append(name)
        parent = model
        field = model.model_fields.get(name)
        annotation = None if field is None else field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return parts, parent


def _message(error: Mapping[str, Any], name: str, parent: type[BaseModel] | None) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        what = "section" if parent is Settings else "setting"
        hint = difflib.get_close_matches(name, list(parent.model_fields) if parent else [], n=1, cutoff=0.6)
        return f"unknown {what} '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    text = _FRIENDLY.get(kind, str(error["msg"]).replace("Input should be", "expected"))
    return text if isinstance(value, dict) else f"{text}, got {value!r}"


def _problems(exc: ValidationError, origins: Mapping[str, str], order: list[str]) -> list[ConfigProblem]:
    problems: dict[str, ConfigProblem] = {}
    for error in exc.errors(include_url=False):
        parts, parent = _setting_path(tuple(error["loc"]), error["type"])
        key = ".".join(parts)
        if key in problems:  # one message per setting (unions report once per branch)
            continue
        problems[key] = ConfigProblem(
            _origin(key, origins, order), key or None, _message(error, parts[-1] if parts else "", parent)
        )
    return list(problems.values())


def _origin(key: str, origins: Mapping[str, str], order: list[str]) -> str:
    """The layer that set ``key``; for a whole-section error, the highest layer that set any of
    it; else the nearest enclosing value's layer."""
    if key in origins:
        return origins[key]
    inside = [label for k, label in origins.items() if k.startswith(key + ".")]
    if inside:
        return max(inside, key=order.index)
    parts = key.split(".")
    while parts:
        parts.pop()
        if ".".join(parts) in origins:
            return origins[".".join(parts)]
    return DEFAULT_SOURCE


def configured_journal_path(override: Path | None = None) -> Path:
    """The journal file a command should read: ``override`` (``--journal``) or the config's."""
    return override if override is not None else load_settings().settings.journal.path

"""`payterm config show`: the effective settings and where each value came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from terminal.config import ConfigError, LoadedSettings, load_settings


def register(sub: argparse._SubParsersAction) -> None:
    config = sub.add_parser("config", help="the register's settings")
    actions = config.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the effective settings and the source of each")
    show.add_argument("--json", action="store_true", help="print {setting: {value, source}} as JSON")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    try:
        loaded = load_settings()
    except ConfigError as exc:
        print("payterm config: the settings are not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(loaded), indent=2, ensure_ascii=False) if args.json else as_text(loaded))
    return 0


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def as_json(loaded: LoadedSettings) -> dict[str, dict[str, Any]]:
    values = _flat(loaded.settings.model_dump(mode="json"))
    return {key: {"value": value, "source": loaded.sources[key]} for key, value in values.items()}


def as_text(loaded: LoadedSettings) -> str:
    values = _flat(loaded.settings.model_dump(mode="json"))
    width = max(len(key) for key in values)
    lines = ["# files read: " + (", ".join(str(p) for p in loaded.files) or "none")]
    for key, value in values.items():
        shown = "(not set)" if value is None else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key:<{width}} = {shown:<40} # {loaded.sources[key]}")
    return "\n".join(lines)

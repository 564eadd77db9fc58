"""Settings: a typed model (``model``), layered loading (``loader``), file locations (``paths``).
See docs/config.md."""

from terminal.config.errors import ConfigError, ConfigProblem
from terminal.config.loader import LoadedSettings, configured_journal_path, load_settings
from terminal.config.model import Settings
from terminal.config.paths import Paths, resolve_paths

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "LoadedSettings",
    "configured_journal_path",
    "Paths",
    "Settings",
    "load_settings",
    "resolve_paths",
]

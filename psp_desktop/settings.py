"""Per-PC preferences, declared once with type, default and a label; stored as JSON in the user's config dir.

Office-wide settings that travel with the data (office name, seal) live in the database instead.
Old files are brought forward by numbered upgrade steps, so a preference can be renamed without losing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import QT_TRANSLATE_NOOP
from .paths import APP_NAME

CONFIG_VERSION = 1


@dataclass(frozen=True)
class Option:
    name: str
    type: type
    default: Any
    label: str  # English source text, translated in the Settings page


OPTIONS = {
    o.name: o
    for o in (
        Option("language", str, "zh_CN", QT_TRANSLATE_NOOP("Settings", "Language")),
        Option("window_geometry", str, "", QT_TRANSLATE_NOOP("Settings", "Window position and size")),
        Option("last_page", str, "Dashboard", QT_TRANSLATE_NOOP("Settings", "Page shown at start")),
        Option("operator_name", str, "", QT_TRANSLATE_NOOP("Settings", "Your name (recorded on decisions)")),
        Option("idle_lock_minutes", int, 15, QT_TRANSLATE_NOOP("Settings", "Lock the window after idle minutes")),
        Option("backups_keep", int, 10, QT_TRANSLATE_NOOP("Settings", "Automatic backups kept")),
        # Settings → Database; --db and PSP_DATABASE_URL win over it (dbfile.chosen_target)
        Option("database_url", str, "", QT_TRANSLATE_NOOP("Settings", "Shared database (PostgreSQL)")),
    )
}

LANGUAGES = ("zh_CN", "en")

# step n upgrades a file of version n-1 to version n
UPGRADES: dict[int, Callable[[dict[str, Any]], None]] = {}


def config_path() -> Path:
    override = os.environ.get("PSP_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_path()
        self._values: dict[str, Any] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        version = int(raw.get("version", CONFIG_VERSION))
        for step in range(version + 1, CONFIG_VERSION + 1):
            UPGRADES[step](raw)
        values = raw.get("values", {})
        for name, option in OPTIONS.items():
            value = values.get(name, option.default)
            self._values[name] = value if isinstance(value, option.type) else option.default
        if self._values["language"] not in LANGUAGES:
            self._values["language"] = OPTIONS["language"].default

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __setitem__(self, name: str, value: Any) -> None:
        option = OPTIONS[name]
        if not isinstance(value, option.type):
            raise TypeError(f"{name} must be {option.type.__name__}")
        self._values[name] = value

    def save(self) -> None:
        """Written to a temporary file then renamed, so a crash never leaves half a settings file."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": CONFIG_VERSION, "values": self._values}, ensure_ascii=False,
                                      indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # preferences are a convenience: an unwritable config folder must not stop the work

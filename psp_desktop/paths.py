"""Where bundled resources live: beside the package in a checkout, or inside a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "PSPDesktop"


def resource_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path() -> Path:
    return resource_dir() / "fonts" / "wqy-microhei.ttc"


def translations_dir() -> Path:
    return resource_dir() / "translations"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def demo_db_path() -> Path:
    return data_dir() / "demo.db"

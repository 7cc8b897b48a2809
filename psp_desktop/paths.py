"""Where bundled resources live: beside the package in a checkout, or inside a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path() -> Path:
    return resource_dir() / "fonts" / "wqy-microhei.ttc"


def translations_dir() -> Path:
    return resource_dir() / "translations"

"""Shared helpers for the benchmark scripts (which are run directly, not collected by pytest)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def isolated_env() -> dict[str, str]:
    """Offscreen Qt and throw-away config/data folders, so saved window state never skews a run."""
    scratch = Path(tempfile.mkdtemp(prefix="psp-bench-"))
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", PSP_CONFIG=str(scratch / "settings.json"),
               XDG_DATA_HOME=str(scratch / "data"), XDG_CONFIG_HOME=str(scratch / "config"))
    return env


def median(values: list[float]) -> float:
    return statistics.median(values)


def city_db(path: Path | None = None) -> Path:
    """The city-scale database (20,000 proposals, 300,000 scores), generated once and reused."""
    path = path or OUT / "city.db"
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from make_city_db import make_city_db

        path.parent.mkdir(parents=True, exist_ok=True)
        make_city_db(path)
    return path


def demo_db(path: Path | None = None) -> Path:
    path = path or OUT / "demo.db"
    if not path.exists():
        from psp_desktop.db import open_database
        from psp_desktop.services.demo import create_demo

        path.parent.mkdir(parents=True, exist_ok=True)
        db = open_database(path)
        create_demo(db)
        db.close()
    return path

"""Opening the database the GUI asked for, building the demo on first launch of `--demo`."""

from __future__ import annotations

import os

from ..db import Database, open_database
from ..paths import demo_db_path


def open_for_app(db_path: str | os.PathLike[str] | None, *, demo: bool) -> Database:
    """The database for a GUI or CLI session; with demo=True the demo file is created and filled if new."""
    if demo and not db_path:
        db_path = demo_db_path()
    database = open_database(db_path, full=True)  # the app's start: a full integrity check, not only quick_check
    if demo:
        from . import demo as demo_data
        from .overview import counts

        if counts(database)["competitions"] == 0:
            demo_data.create_demo(database)
    return database

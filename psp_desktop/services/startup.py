"""Opening the database the GUI asked for, building the demo on first launch of `--demo`."""

from __future__ import annotations

import os
from typing import Any

from ..db import Database, open_database
from ..dbfile import ENV_URL, default_db_path, saved_choice
from ..errors import ERROR_CONTEXT, QT_TRANSLATE_NOOP, DatabaseOpenError
from ..paths import demo_db_path


class ChosenServerFailed(DatabaseOpenError):
    """The server chosen in Settings cannot be opened: the reason, and how to work on this PC's own file."""

    def __init__(self, cause: DatabaseOpenError) -> None:
        super().__init__(QT_TRANSLATE_NOOP(
            "Errors", "{reason}\n\nThis database was chosen in Settings → Database. To work on this PC's own "
                      "database meanwhile, start PSP Desktop with: psp-desktop --db \"{path}\""),
            reason=str(cause), path=default_db_path())
        self.cause = cause

    def render(self, translate: Any = None) -> str:
        text = translate(ERROR_CONTEXT, self.message) if translate else self.message
        return text.format(reason=self.cause.render(translate), path=self.params["path"])


def open_for_app(db_path: str | os.PathLike[str] | None, *, demo: bool) -> Database:
    """The database for a GUI or CLI session; with demo=True the demo file is created and filled if new."""
    if demo and not db_path:
        db_path = demo_db_path()
    try:
        database = open_database(db_path, full=True)  # the app's start: a full integrity check, not only quick_check
    except DatabaseOpenError as exc:
        if db_path or os.environ.get(ENV_URL) or not saved_choice():
            raise
        raise ChosenServerFailed(exc) from exc
    if demo:
        from . import demo as demo_data
        from .overview import counts

        if counts(database)["competitions"] == 0:
            demo_data.create_demo(database)
    return database

"""Errors that reach people. Messages are English source strings translated by the UI and the CLI.

`QT_TRANSLATE_NOOP(context, text)` marks a string for lupdate without importing Qt: the services stay Qt-free.
"""

from __future__ import annotations

from typing import Any

ERROR_CONTEXT = "Errors"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text


class PspError(Exception):
    """An error with a message meant for a person: `message` is a source string, `params` fill its {names}."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def render(self, translate: Any = None) -> str:
        text = translate(ERROR_CONTEXT, self.message) if translate else self.message
        return text.format(**self.params) if self.params else text


class DatabaseOpenError(PspError):
    """The database cannot be opened; the file is left exactly as it was."""


class ValidationError(PspError):
    """Input that breaks a rule; nothing was written."""

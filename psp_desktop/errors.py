"""Errors that reach people. Messages are English source strings translated by the UI and the CLI.

`QT_TRANSLATE_NOOP(context, text)` marks a string for lupdate without importing Qt: the services stay Qt-free.
"""

from __future__ import annotations

import errno
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
        if not self.params:
            return text
        params = {key: value.render(translate) if isinstance(value, Term) else value
                  for key, value in self.params.items()}
        return text.format(**params)


class Term(str):
    """A message's value that is itself a source string (a field's name, a system error), translated with it."""

    context: str

    def __new__(cls, context: str, text: str) -> Term:
        term = super().__new__(cls, text)
        term.context = context
        return term

    def render(self, translate: Any = None) -> str:
        return translate(self.context, str(self)) if translate else str(self)


# what the system says when a file cannot be written or read, in words people read (errno → source string)
_OS_REASONS = {
    errno.ENOSPC: QT_TRANSLATE_NOOP("Errors", "the disk is full"),
    errno.EDQUOT: QT_TRANSLATE_NOOP("Errors", "the disk is full"),
    # on Windows a file open in another program (a PDF in a viewer) cannot be replaced: the same error
    errno.EACCES: QT_TRANSLATE_NOOP("Errors", "no permission to write there, or the file is open in another program"),
    errno.EPERM: QT_TRANSLATE_NOOP("Errors", "no permission to write there, or the file is open in another program"),
    errno.EROFS: QT_TRANSLATE_NOOP("Errors", "the disk is read-only"),
    errno.ENOENT: QT_TRANSLATE_NOOP("Errors", "the file or folder does not exist"),
    errno.EISDIR: QT_TRANSLATE_NOOP("Errors", "it is a folder, not a file"),
    errno.ENAMETOOLONG: QT_TRANSLATE_NOOP("Errors", "the name is too long"),
}


def os_reason(exc: BaseException) -> Term | str:
    """Why a file operation failed, translatable for the common cases; the system's own words otherwise."""
    code = getattr(exc, "errno", None)
    if code in _OS_REASONS:
        return Term(ERROR_CONTEXT, _OS_REASONS[code])
    return getattr(exc, "strerror", None) or str(exc)


class DatabaseOpenError(PspError):
    """The database cannot be opened; the file is left exactly as it was."""


class ValidationError(PspError):
    """Input that breaks a rule; nothing was written."""


def os_reason_text(exc: BaseException, translate: Any = None) -> str:
    """os_reason as text in the language of translate (the windows show it inside their own messages)."""
    reason = os_reason(exc)
    return reason.render(translate) if isinstance(reason, Term) else reason

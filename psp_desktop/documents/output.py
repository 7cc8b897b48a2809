"""Saving a PDF: all or nothing, so a reader never opens half a document."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason

CANNOT_WRITE_FOLDER = QT_TRANSLATE_NOOP("Errors", "Cannot write to the folder {folder}. Choose another location.")
CANNOT_WRITE_FILE = QT_TRANSLATE_NOOP("Errors", "Cannot write {path}: {reason}")


def write_pdf(data: bytes, path: Path) -> Path:
    """Writes data to a temporary file beside path, then renames it over path. Returns the absolute path."""
    target = Path(path).absolute()
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        # os.open with 0o666 lets the umask decide the permissions, as for any file the user saves
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise ValidationError(CANNOT_WRITE_FOLDER, folder=target.parent) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)  # fails on Windows while a reader holds the old file open
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise ValidationError(CANNOT_WRITE_FILE, path=target, reason=os_reason(exc)) from exc
    return target

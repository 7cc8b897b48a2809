"""`psp backup PATH` and `psp restore PATH [--yes]`: the same backup services as Settings, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import QT_TRANSLATE_NOOP, DatabaseOpenError


def cmd_backup(args: argparse.Namespace) -> int:
    from .cli import _open
    from .services import backups

    database = _open(args, create=False, sign_in=True)
    try:
        print(backups.backup_now(database, Path(args.path)))
    finally:
        database.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Checks the backup, asks (unless --yes), keeps the current file as before-restore, then replaces it."""
    from .cli import _translator
    from .dbfile import chosen_target
    from .errors import ValidationError
    from .services import backups

    target = chosen_target(args.db)
    if not isinstance(target, Path):
        raise ValidationError(backups.SERVER_DATABASE)
    checked = backups.check_backup(args.path)
    print(f"backup: {checked.path}")
    print(f"taken: {checked.taken_at:%Y-%m-%d %H:%M}")
    print(f"schema: {checked.revision}")
    if not args.yes and not _confirmed(_translator()("Cli", QT_TRANSLATE_NOOP(
            "Cli", "Replace {database} with this backup? The current file is kept in backups/ first. [y/N] "))
            .format(database=target)):
        print(_translator()("Cli", QT_TRANSLATE_NOOP(
            "Cli", "Nothing was restored (add --yes to restore without being asked).")), file=sys.stderr)
        return 1
    before = _restore(args, target, checked.path)
    if before is not None:
        print(f"before-restore: {before}")
    print(f"restored: {target}")
    return 0


def _restore(args: argparse.Namespace, target: Path, backup: Path) -> Path | None:
    """Signed in through the database being replaced; a missing or damaged one (exactly what backups are for)
    has nobody to sign in to, and is replaced as it is (its file kept as before-restore)."""
    from .cli import _open
    from .services import backups

    try:
        database = _open(args, create=False, sign_in=True)
    except DatabaseOpenError:
        return backups.restore(target, backup)
    try:
        return backups.restore_database(database, backup)
    finally:
        database.close()


def _confirmed(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in ("y", "yes", "是")
    except EOFError:
        return False


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser(
        "backup", help=QT_TRANSLATE_NOOP("Cli", "back up the database to a folder (e.g. a USB stick) or a file name"))
    backup.add_argument("path", metavar="PATH",
                        help=QT_TRANSLATE_NOOP("Cli", "a folder (the file is named for you) or a new file name"))
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore", help=QT_TRANSLATE_NOOP("Cli", "replace the database with a checked backup (the current file "
                                                 "is kept in backups/ first)"))
    restore.add_argument("path", metavar="PATH", help=QT_TRANSLATE_NOOP("Cli", "the backup file"))
    restore.add_argument("--yes", action="store_true",
                         help=QT_TRANSLATE_NOOP("Cli", "restore without asking"))
    restore.set_defaults(func=cmd_restore)

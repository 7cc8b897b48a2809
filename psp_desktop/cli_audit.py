"""`psp audit verify | head | list`: the change log checked and read from the command line.

verify exits 0 when the chain and the stored state are intact, 1 with the first broken link otherwise (2, as every
command, on a refusal: the database cannot be opened, or the user signed in with --user may not read the log).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from .errors import QT_TRANSLATE_NOOP

OK_LINE = QT_TRANSLATE_NOOP("Cli", "ok, {count} entries, head {head}")
BROKEN_LINE = QT_TRANSLATE_NOOP("Cli", "broken after {checked} good entries: {problem}")


def add_audit_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help=QT_TRANSLATE_NOOP("Cli", "check and read the change log (变更记录)"))
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify", help=QT_TRANSLATE_NOOP("Cli", "check the whole change log and the scores and results it sealed"))
    verify.add_argument(
        "--printed", action="append", default=[], metavar="N:HEAD",
        help=QT_TRANSLATE_NOOP("Cli", "a chain head printed on a document (e.g. 188:0123456789abcdef); repeatable"))
    verify.set_defaults(func=cmd_verify)
    head = actions.add_parser("head", help=QT_TRANSLATE_NOOP("Cli", "show the number of entries and the chain head"))
    head.set_defaults(func=cmd_head)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list entries, newest first"))
    listing.add_argument("--user", dest="entry_user", default="",  # not the global --user, who signs in
                         help=QT_TRANSLATE_NOOP("Cli", "only this user's entries"))
    listing.add_argument(
        "--action", default="",
        help=QT_TRANSLATE_NOOP("Cli", "only this action (sheet.submit), or a family ending in a dot (sheet.)"))
    listing.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                         help=QT_TRANSLATE_NOOP("Cli", "only entries on or after this date"))
    listing.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                         help=QT_TRANSLATE_NOOP("Cli", "only entries on or before this date"))
    listing.add_argument("--text", default="", help=QT_TRANSLATE_NOOP("Cli", "only entries containing this text"))
    listing.add_argument("--limit", type=int, default=50, metavar="N",
                         help=QT_TRANSLATE_NOOP("Cli", "at most N entries (default 50)"))
    listing.set_defaults(func=cmd_list)


def _database(args: argparse.Namespace) -> Any:
    from . import cli

    return cli._open(args, create=False, sign_in=True)  # reading the log takes the audit.read permission


def cmd_verify(args: argparse.Namespace) -> int:
    from . import cli
    from .services import audit

    printed = [audit.parse_printed(text) for text in args.printed]
    database = _database(args)
    try:
        report = audit.verify(database, printed)
    finally:
        database.close()
    translate = cli._translator()
    if report.ok:
        print(translate("Cli", OK_LINE).format(count=report.checked, head=report.head.hash))
        return 0
    assert report.problem is not None
    print(translate("Cli", BROKEN_LINE).format(checked=report.checked, problem=report.problem.render(translate)))
    return 1


def cmd_head(args: argparse.Namespace) -> int:
    from .services import audit

    database = _database(args)
    try:
        head = audit.head(database)
    finally:
        database.close()
    print(f"entries: {head.count}")
    print(f"head: {head.hash}")
    print(f"printed: {head.printed()}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from .errors import ValidationError
    from .services import audit

    if args.limit < 1:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The limit must be at least 1."))
    filters = audit.Filters(user=args.entry_user, action=args.action, since=args.since, until=args.until,
                            text=args.text)
    database = _database(args)
    try:
        rows = audit.entries(database, filters, args.limit)
    finally:
        database.close()
    for row in rows:
        entity = f"{row.entity}#{row.entity_id}" if row.entity_id is not None else row.entity
        print("\t".join((str(row.id), row.when, row.username, row.role, row.action, entity, row.change)))
    return 0

"""The `psp` command: the same services as the GUI, headless. Errors are one line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import PspError


def _translator() -> Callable[[str, str], str]:
    """Chinese (or English with PSP_LANG=en) messages from the same Qt translations as the GUI."""
    try:
        from .i18n import cli_translator

        return cli_translator()
    except Exception:  # translations unavailable: English source text is still a clear message
        return lambda _context, text: text


def _open(args: argparse.Namespace, *, create: bool = True):  # type: ignore[no-untyped-def]
    from .db import open_database

    return open_database(args.db, create=create)


def cmd_init(args: argparse.Namespace) -> int:
    database = _open(args)
    print(database.describe())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .services import demo

    database = _open(args)
    summary = demo.create_demo(database, replace=args.replace)
    print(database.describe())
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .services import overview

    database = _open(args, create=False)
    print(database.describe())
    for key, value in overview.counts(database).items():
        print(f"{key}: {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="psp", description="PSP Desktop command line")
    parser.add_argument("--version", action="version", version=f"psp {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="database file or URL (default: PSP_DATABASE_URL, "
                        "then psp.db in the user's data directory)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create an empty database (or upgrade an existing one)").set_defaults(func=cmd_init)
    demo = sub.add_parser("demo", help="create the demo database")
    demo.add_argument("--replace", action="store_true", help="replace an existing demo's data")
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("info", help="show what the database holds").set_defaults(func=cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PspError as exc:
        print(exc.render(_translator()), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

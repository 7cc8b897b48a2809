"""`psp event …`: the judge-laptop exchange from the command line (services.event_exchange).

On the office PC: `export` (an event package for a round, optionally registering a laptop) and `import` (signed
results files). On a laptop: `key` (its name and public key, to register it), `open` (check a package and build the
event database judge mode opens; `psp-desktop --event FILE` does the same and starts judge mode) and `results`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import QT_TRANSLATE_NOOP, os_reason


def _home(args: argparse.Namespace) -> Path | None:
    return Path(args.home) if args.home else None


def cmd_key(args: argparse.Namespace) -> int:
    from .services import laptop_keys

    home = _home(args)
    identity = laptop_keys.set_laptop_name(args.name, home) if args.name else laptop_keys.laptop_identity(home)
    print(f"laptop: {identity.name}")
    print(f"public key: {identity.public_hex}")
    print(f"fingerprint: {identity.fingerprint}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .cli import _open
    from .errors import ValidationError
    from .services import event_exchange, laptop_keys

    laptop = None
    if args.laptop or args.laptop_key:
        if not (args.laptop and args.laptop_key):
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give both the laptop's name and its public key."))
        laptop = (args.laptop, laptop_keys.parse_public_key(_key_text(args.laptop_key)))
    database = _open(args, create=False, sign_in=True)
    try:
        summary = event_exchange.export_package(database, args.round, Path(args.out), laptop=laptop,
                                                home=_home(args))
    finally:
        database.close()
    print(summary.path)
    print(f"sha256: {summary.sha256}")
    print(f"round: {summary.competition} / {summary.round}")
    print(f"judges: {summary.judges}")
    print(f"proposals: {summary.proposals}")
    print(f"assignments: {summary.assignments}")
    print(f"left out for conflicts of interest: {summary.excluded}")
    if summary.laptop:
        print(f"laptop registered: {summary.laptop}")
    for name in summary.without_pin:
        print(f"no PIN (cannot sign in): {name}")
    return 0


def _key_text(given: str) -> str:
    """--laptop-key: a file holding what `psp event key` printed (or a PEM public key), or the 64 digits themselves."""
    from .errors import ValidationError

    path = Path(given)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                                  reason=os_reason(exc)) from exc
    return given


def cmd_open(args: argparse.Namespace) -> int:
    from .services import event_exchange

    opened = event_exchange.open_package(Path(args.file), home=_home(args), trust_new_office=args.trust_new_office)
    opened.db.close()
    print(opened.path)
    print(f"round: {opened.competition} / {opened.round}")
    print(f"judges: {opened.judges}")
    print(f"assignments: {opened.assignments}")
    if opened.carried:
        print(f"sheets carried over from the previous package: {opened.carried}")
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from .services import event_exchange

    summary = event_exchange.export_results(Path(args.out), home=_home(args),
                                            event_db=Path(args.event_db) if args.event_db else None)
    print(summary.path)
    print(f"sha256: {summary.sha256}")
    print(f"laptop: {summary.laptop}")
    print(f"round: {summary.competition} / {summary.round}")
    print(f"number: {summary.sequence}")
    print(f"sheets: {summary.sheets}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """One block per file; exit status 2 when any file was rejected (the others are imported all the same)."""
    from .cli import _open, _translator
    from .services import event_exchange

    database = _open(args, create=False, sign_in=True)
    try:
        report = event_exchange.import_results(database, [Path(f) for f in args.files],
                                               register_laptops=args.register_laptop)
    finally:
        database.close()
    translate = _translator()
    for file in report.files:
        print(f"{file.file}: {file.status}")
        if file.laptop:
            print(f"  laptop: {file.laptop}  number: {file.sequence}  round: {file.round}")
        if file.reason is not None:
            print(f"  {file.reason.render(translate)}")
        if file.status == event_exchange.ACCEPTED:
            print(f"  sheets added: {file.added}  already counted: {file.unchanged}  "
                  f"conflicts: {len(file.conflicts)}  skipped: {len(file.skipped)}")
        for note in file.notes:
            print(f"  {'conflict' if note.conflict else 'skipped'}: {note.reason.render(translate)}")
    print(f"accepted: {report.count(event_exchange.ACCEPTED)}  already imported: "
          f"{report.count(event_exchange.DUPLICATE)}  rejected: {report.count(event_exchange.REJECTED)}")
    return 2 if report.count(event_exchange.REJECTED) else 0


def add_event_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    event = sub.add_parser("event", help=QT_TRANSLATE_NOOP(
        "Cli", "exchange files with judge laptops: event packages out, signed results in"))
    kinds = event.add_subparsers(dest="event_command", required=True)
    home_help = QT_TRANSLATE_NOOP("Cli", "folder of this PC's key and event databases (default: the user's data "
                                         "folder)")
    key = kinds.add_parser("key", help=QT_TRANSLATE_NOOP(
        "Cli", "show this PC's laptop name and public key, for the office to register"))
    key.add_argument("--name", help=QT_TRANSLATE_NOOP("Cli", "set this laptop's name first"))
    key.set_defaults(func=cmd_key)
    export = kinds.add_parser("export", help=QT_TRANSLATE_NOOP(
        "Cli", "save the event package of a round for the judges' laptops (.pspevent)"))
    export.add_argument("--round", type=int, required=True, metavar="ROUND_ID")
    export.add_argument("--out", required=True, metavar="FILE.pspevent")
    export.add_argument("--laptop", metavar="NAME", help=QT_TRANSLATE_NOOP(
        "Cli", "register this laptop for the package (with --laptop-key)"))
    export.add_argument("--laptop-key", metavar="FILE", help=QT_TRANSLATE_NOOP(
        "Cli", "the laptop's public key: a file with what `psp event key` printed, or the 64 hex digits"))
    export.set_defaults(func=cmd_export)
    open_ = kinds.add_parser("open", help=QT_TRANSLATE_NOOP(
        "Cli", "on a laptop: check an event package and prepare it for judge mode"))
    open_.add_argument("file", metavar="FILE.pspevent")
    open_.add_argument("--trust-new-office", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "accept a package signed by another office PC than the one trusted so far"))
    open_.set_defaults(func=cmd_open)
    results = kinds.add_parser("results", help=QT_TRANSLATE_NOOP(
        "Cli", "on a laptop: save the judges' submitted sheets as a signed results file (.pspresults)"))
    results.add_argument("--out", required=True, metavar="FILE.pspresults")
    results.add_argument("--event-db", metavar="PATH", help=QT_TRANSLATE_NOOP(
        "Cli", "the event database (default: that of the package opened last)"))
    results.set_defaults(func=cmd_results)
    imports = kinds.add_parser("import", help=QT_TRANSLATE_NOOP(
        "Cli", "import results files from judge laptops; each file is checked and taken whole or not at all"))
    imports.add_argument("files", nargs="+", metavar="FILE.pspresults")
    imports.add_argument("--register-laptop", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "register laptops not seen before with the key in their file (only for files you trust)"))
    imports.set_defaults(func=cmd_import)
    for parser in (key, export, open_, results, imports):
        parser.add_argument("--home", metavar="FOLDER", help=home_help)


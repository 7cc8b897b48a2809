"""`psp certificates COMPETITION --out DIR [--type award|letter|participation] [--combined] [--date D] [--reissue]`:
certificates and letters issued in one batch through the register (services.certificates.make_batch), all or nothing.

Each file's path is printed on stdout; progress goes to stderr. Ctrl-C cancels cleanly: nothing is issued and no
file is left (the batch rolls back), and the command ends with the service's message and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import QT_TRANSLATE_NOOP

TYPES = ("award", "letter", "participation")
ISSUED_LINE = QT_TRANSLATE_NOOP("Cli", "{count} issued: {first} … {last}")


def add_certificate_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("certificates", help=QT_TRANSLATE_NOOP(
        "Cli", "issue certificates (荣誉证书, 参与证书) or appointment letters (聘书) for a competition as PDF"))
    parser.add_argument("competition", metavar="COMPETITION",
                        help=QT_TRANSLATE_NOOP("Cli", "the competition's number or exact name"))
    parser.add_argument("--out", required=True, metavar="DIR",
                        help=QT_TRANSLATE_NOOP("Cli", "the folder the PDF files are written to"))
    parser.add_argument("--type", dest="doc_type", choices=TYPES, default="award", help=QT_TRANSLATE_NOOP(
        "Cli", "award certificates for funded awards, letters for the judges on the panels, or participation "
               "certificates for eligible proposals not funded (default: award)"))
    parser.add_argument("--combined", action="store_true",
                        help=QT_TRANSLATE_NOOP("Cli", "one PDF with every page, to print, instead of one file each"))
    parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help=QT_TRANSLATE_NOOP("Cli", "the date printed on the documents (default: today)"))
    parser.add_argument("--reissue", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "also issue again to those who already hold one from this competition; their old ones are voided"))
    parser.set_defaults(func=cmd_certificates)


def cmd_certificates(args: argparse.Namespace) -> int:
    from . import cli
    from .services import certificates, issuing, results_export

    database = cli._open(args, create=False, sign_in=True)
    try:
        competition = results_export.find_competition(database, args.competition)
        with _interrupt_flag() as interrupted:
            result = certificates.make_batch(
                database, competition, issuing.TYPE_NAMES[args.doc_type], Path(args.out), combined=args.combined,
                progress=_progress, cancelled=lambda: interrupted[0], issued_on=args.date, reissue=args.reissue)
    finally:
        database.close()
    _progress_done()
    for path in result.files:
        print(path)
    line = cli._translator()("Cli", ISSUED_LINE)
    print(line.format(count=result.count, first=result.serials[0], last=result.serials[-1]), file=sys.stderr)
    return 0


@contextmanager
def _interrupt_flag() -> Iterator[list[bool]]:
    """Ctrl-C sets the flag the batch checks between certificates (instead of stopping mid-write)."""
    flag = [False]

    def handler(_signum: int, _frame: Any) -> None:
        flag[0] = True

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (tests calling main() from a worker): no handler needed
        yield flag
        return
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)


def _progress_done() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)

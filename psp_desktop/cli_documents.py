"""`psp verify CODE_OR_FILE` and `psp documents list | void`: the register of issued documents from the command line.

verify prints the verdict in words with the facts the code signs and exits 0 only for a genuine document (1 for
voided, forged or not in this register; 2, as every command, when the input is neither a code nor a readable PDF).
"""

from __future__ import annotations

import argparse
from typing import Any

from .errors import QT_TRANSLATE_NOOP

VERDICT_LINES = {
    "genuine": QT_TRANSLATE_NOOP("Cli", "Genuine and valid"),
    "voided": QT_TRANSLATE_NOOP("Cli", "Voided"),
    "forged": QT_TRANSLATE_NOOP("Cli", "Forged or altered"),
    "unknown": QT_TRANSLATE_NOOP("Cli", "Not in this register"),
}
FACT_LABELS = (
    ("serial", QT_TRANSLATE_NOOP("Cli", "Serial")),
    ("doc_type", QT_TRANSLATE_NOOP("Cli", "Document")),
    ("subject", QT_TRANSLATE_NOOP("Cli", "Issued to")),
    ("title", QT_TRANSLATE_NOOP("Cli", "Project")),
    ("detail", QT_TRANSLATE_NOOP("Cli", "Award or role")),
    ("competition", QT_TRANSLATE_NOOP("Cli", "Competition")),
    ("issuer", QT_TRANSLATE_NOOP("Cli", "Issued by")),
    ("issued_on", QT_TRANSLATE_NOOP("Cli", "Issued on")),
    ("void_reason", QT_TRANSLATE_NOOP("Cli", "Reason for voiding")),
)
TYPE_WORDS = {
    "award_certificate": QT_TRANSLATE_NOOP("Cli", "award certificate"),
    "appointment_letter": QT_TRANSLATE_NOOP("Cli", "appointment letter"),
    "participation_certificate": QT_TRANSLATE_NOOP("Cli", "participation certificate"),
}
VOIDED_LINE = QT_TRANSLATE_NOOP("Cli", "voided: {serial}")
FACT_LINE = QT_TRANSLATE_NOOP("Cli", "{label}: {value}")
STATES = {False: QT_TRANSLATE_NOOP("Cli", "valid"), True: QT_TRANSLATE_NOOP("Cli", "voided")}
EXIT = {"genuine": 0, "forged": 1, "unknown": 1, "voided": 3}  # scripts tell a voided document from a forged one


def add_document_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    verify = sub.add_parser("verify", help=QT_TRANSLATE_NOOP(
        "Cli", "check an issued document (证书, 聘书) by the code of its QR or by its PDF file; exit status 0 "
               "genuine, 3 voided, 1 forged or not in this register"))
    verify.add_argument("code", metavar="CODE_OR_FILE",
                        help=QT_TRANSLATE_NOOP("Cli", "the code text (PSP1.…) or the path of the PDF"))
    verify.set_defaults(func=cmd_verify)
    documents = sub.add_parser("documents", help=QT_TRANSLATE_NOOP("Cli", "the register of issued documents"))
    actions = documents.add_subparsers(dest="documents_command", required=True)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list issued documents, newest first"))
    listing.add_argument("--type", dest="doc_type", choices=("award", "letter", "participation"),
                         help=QT_TRANSLATE_NOOP("Cli", "only documents of this type"))
    listing.add_argument("--search", default="",
                         help=QT_TRANSLATE_NOOP("Cli", "only documents whose serial, recipient or project has this"))
    listing.add_argument("--valid", action="store_true",
                         help=QT_TRANSLATE_NOOP("Cli", "leave out voided documents"))
    listing.set_defaults(func=cmd_list)
    void = actions.add_parser("void", help=QT_TRANSLATE_NOOP("Cli", "void an issued document, with the reason"))
    void.add_argument("serial", metavar="SERIAL")
    void.add_argument("--reason", required=True, help=QT_TRANSLATE_NOOP("Cli", "why it is voided (recorded)"))
    void.set_defaults(func=cmd_void)


def _database(args: argparse.Namespace) -> Any:
    from . import cli

    return cli._open(args, create=False, sign_in=True)


def cmd_verify(args: argparse.Namespace) -> int:
    from . import cli
    from .services import issuing

    database = _database(args)
    try:
        verdict = issuing.verify(database, args.code)
    finally:
        database.close()
    translate = cli._translator()
    print(translate("Cli", VERDICT_LINES[verdict.status]))
    print(verdict.render(translate))
    facts = {"serial": verdict.serial, **verdict.facts}
    for key, label in FACT_LABELS:
        value = facts.get(key)
        if value:
            shown = translate("Cli", TYPE_WORDS[value]) if key == "doc_type" and value in TYPE_WORDS else value
            print(translate("Cli", FACT_LINE).format(label=translate("Cli", label), value=shown))
    return EXIT[verdict.status]


def cmd_list(args: argparse.Namespace) -> int:
    from . import cli
    from .services import issuing

    doc_type = issuing.TYPE_NAMES[args.doc_type] if args.doc_type else None
    database = _database(args)
    try:
        rows = issuing.entries(database, doc_type, args.search, include_voided=not args.valid)
    finally:
        database.close()
    translate = cli._translator()
    for row in rows:
        print("\t".join((row.serial, translate("Cli", TYPE_WORDS[row.doc_type.value]), row.issued_on.isoformat(),
                         row.subject, row.title, row.sha_short, translate("Cli", STATES[row.voided]))))
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    from . import cli
    from .services import issuing

    database = _database(args)
    try:
        issuing.void(database, args.serial, args.reason)
    finally:
        database.close()
    print(cli._translator()("Cli", VOIDED_LINE).format(serial=args.serial.strip()))
    return 0

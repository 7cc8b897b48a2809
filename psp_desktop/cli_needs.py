"""`psp needs list | import | template | coverage | add-community`: the needs registry from the command line.

coverage prints, for a year (and a district), how many needs have a completed, funded or eligible project or none,
by community and by service domain, then the needs no project answers; --xlsx saves the report as a workbook.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import QT_TRANSLATE_NOOP, ValidationError

Translate = Callable[[str, str], str]

STATUS_WORDS = {
    "none": QT_TRANSLATE_NOOP("Cli", "No project"),
    "eligible": QT_TRANSLATE_NOOP("Cli", "Eligible project"),
    "funded": QT_TRANSLATE_NOOP("Cli", "Funded"),
    "completed": QT_TRANSLATE_NOOP("Cli", "Completed"),
}
NOT_A_CHOICE = QT_TRANSLATE_NOOP("Errors", "{value} is not one of: {choices}")
NO_SUCH_COMMUNITY = QT_TRANSLATE_NOOP("Errors", "no community called {name} is registered")


def add_needs_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    needs = sub.add_parser("needs", help=QT_TRANSLATE_NOOP(
        "Cli", "the community needs register (需求登记) and its coverage report (需求覆盖)"))
    actions = needs.add_subparsers(dest="needs_command", required=True)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list the needs, newest first"))
    listing.add_argument("--community", metavar="NAME", help=QT_TRANSLATE_NOOP("Cli", "only this community's needs"))
    listing.add_argument("--domain", metavar="DOMAIN", help=QT_TRANSLATE_NOOP(
        "Cli", "only this service domain (elderly, children… or its Chinese name)"))
    listing.add_argument("--year", type=int, help=QT_TRANSLATE_NOOP("Cli", "only needs collected in this year"))
    listing.add_argument("--source", metavar="SOURCE", help=QT_TRANSLATE_NOOP(
        "Cli", "only needs from this source (survey, meeting, hotline, grid, other or its Chinese name)"))
    listing.add_argument("--priority", type=int, choices=range(1, 6), metavar="1-5",
                         help=QT_TRANSLATE_NOOP("Cli", "only needs of this priority"))
    listing.add_argument("--search", default="", help=QT_TRANSLATE_NOOP(
        "Cli", "only needs whose title, description or community has this text"))
    listing.set_defaults(func=cmd_list)
    imports = actions.add_parser("import", help=QT_TRANSLATE_NOOP(
        "Cli", "import the needs of a filled-in workbook (社区需求): every row, or none"))
    imports.add_argument("file", metavar="FILE.xlsx")
    imports.add_argument("--errors", metavar="ERRORS.xlsx", help=QT_TRANSLATE_NOOP(
        "Cli", "where to write the error workbook (default: beside FILE)"))
    imports.set_defaults(func=cmd_import)
    template = actions.add_parser("template", help=QT_TRANSLATE_NOOP(
        "Cli", "save the empty needs workbook (.xlsx) to fill in Excel or WPS"))
    template.add_argument("file", metavar="FILE.xlsx")
    template.set_defaults(func=cmd_template)
    report = actions.add_parser("coverage", help=QT_TRANSLATE_NOOP(
        "Cli", "which needs of a year have an eligible, funded or completed project, and which have none"))
    report.add_argument("year", type=int, metavar="YEAR")
    report.add_argument("--district", metavar="DISTRICT", help=QT_TRANSLATE_NOOP(
        "Cli", "only the communities of this district"))
    report.add_argument("--xlsx", metavar="OUT.xlsx", help=QT_TRANSLATE_NOOP(
        "Cli", "save the report as a workbook instead of printing it"))
    report.set_defaults(func=cmd_coverage)
    community = actions.add_parser("add-community", help=QT_TRANSLATE_NOOP(
        "Cli", "register a community (社区) so needs can be recorded in it"))
    community.add_argument("--district", required=True, metavar="DISTRICT")
    community.add_argument("--street", required=True, metavar="STREET")
    community.add_argument("name", metavar="NAME")
    community.set_defaults(func=cmd_add_community)


def _database(args: argparse.Namespace, *, sign_in: bool = False) -> Any:
    from . import cli

    return cli._open(args, create=False, sign_in=sign_in)


def _choice(enum: type[StrEnum], text: str | None) -> Any:
    """An enum member from its stored value or its Chinese label, as the workbooks write it."""
    if not text:
        return None
    from .services.workbook_columns import LABELS

    for member in enum:
        if text.strip() in (member.value, LABELS[enum][member]):
            return member
    raise ValidationError(NOT_A_CHOICE, value=text, choices="、".join(LABELS[enum].values()))


def cmd_list(args: argparse.Namespace) -> int:
    from .enums import NeedSource, ServiceDomain
    from .services import needs
    from .services.workbook_columns import label

    database = _database(args)
    try:
        community_id = _community(database, args.community) if args.community else None
        rows = needs.list_needs(database, needs.NeedFilter(
            community_id, _choice(ServiceDomain, args.domain), args.year, _choice(NeedSource, args.source),
            args.priority, args.search))
    finally:
        database.close()
    for row in rows:
        print("\t".join((str(row.id), row.collected_on.isoformat(), row.street, row.community, label(row.domain),
                         row.title, str(row.people_affected), str(row.priority), label(row.source),
                         str(row.themes), str(row.proposals))))
    return 0


def _community(database: Any, name: str) -> int:
    from .services import needs

    found = [c for c in needs.communities(database) if name.strip() in (c.name, c.label, f"{c.street}{c.name}")]
    if not found:
        raise ValidationError(NO_SUCH_COMMUNITY, name=name)
    return int(found[0].id)


def cmd_import(args: argparse.Namespace) -> int:
    """All rows or none: on any problem, one line per problem on stderr, the error workbook, exit status 2."""
    from . import cli
    from .services import workbooks

    database = _database(args, sign_in=True)
    try:
        result = workbooks.import_workbook(database, "needs", Path(args.file),
                                           errors_path=Path(args.errors) if args.errors else None,
                                           translate=cli._translator())
    finally:
        database.close()
    print(f"needs: {result.needs}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from .services import workbooks

    workbooks.write_template("needs", Path(args.file))
    print(args.file)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from . import cli
    from .services import needs, needs_workbook

    database = _database(args)
    try:
        report = needs.coverage(database, args.year, args.district)
    finally:
        database.close()
    if args.xlsx:
        print(needs_workbook.export_coverage(report, Path(args.xlsx)))
        return 0
    _print_coverage(cli._translator(), report)
    return 0


def _print_coverage(t: Translate, report: Any) -> None:
    from .cli_funding import _print_table
    from .services.needs import REPORT_ORDER
    from .services.workbook_columns import label

    statuses = [t("Cli", STATUS_WORDS[s]) for s in REPORT_ORDER]
    total = t("Cli", QT_TRANSLATE_NOOP("Cli", "All needs"))
    right = range(1, len(REPORT_ORDER) + 2)
    for heading, summary, name in (
            (QT_TRANSLATE_NOOP("Cli", "Community"), report.by_community(), str),
            (QT_TRANSLATE_NOOP("Cli", "Service domain"), report.by_domain(), label)):
        rows = [[name(key), *(str(counts[s]) for s in REPORT_ORDER), str(sum(counts.values()))]
                for key, counts in summary.items()]
        totals = report.totals()
        rows.append([total, *(str(totals[s]) for s in REPORT_ORDER), str(len(report.rows))])
        _print_table([t("Cli", heading), *statuses, total], rows, right)
        print()
    uncovered = report.uncovered
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Needs with no project ({count}):")).format(count=len(uncovered)))
    for row in uncovered:
        print("\t".join((str(row.need_id), row.community, label(row.domain), row.title, str(row.priority),
                         str(row.people_affected))))


def cmd_add_community(args: argparse.Namespace) -> int:
    from .services import needs

    database = _database(args, sign_in=True)
    try:
        community_id = needs.add_community(database, args.district, args.street, args.name)
    finally:
        database.close()
    print(community_id)
    return 0

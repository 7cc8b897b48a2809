"""`psp modes compare [--year Y ...] [--xlsx FILE]`: the three ways of buying services side by side per year
(公益创投, 公益招投标, 服务委托) — projects, money committed and paid, money per direct beneficiary, final evaluation
grades, needs covered, organizations funded and first-time ones (services.mode_comparison)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .enums import CompetitionMode, EvaluationGrade
from .errors import QT_TRANSLATE_NOOP
from .money import format_yuan

MODES = {CompetitionMode.VENTURE: QT_TRANSLATE_NOOP("Cli", "venture philanthropy"),
         CompetitionMode.BIDDING: QT_TRANSLATE_NOOP("Cli", "project bidding"),
         CompetitionMode.COMMISSION: QT_TRANSLATE_NOOP("Cli", "project commission")}
HEADERS = (QT_TRANSLATE_NOOP("Cli", "Year"), QT_TRANSLATE_NOOP("Cli", "Mode"), QT_TRANSLATE_NOOP("Cli", "Projects"),
           QT_TRANSLATE_NOOP("Cli", "Committed (yuan)"), QT_TRANSLATE_NOOP("Cli", "Paid (yuan)"),
           QT_TRANSLATE_NOOP("Cli", "Per direct beneficiary (yuan)"),
           QT_TRANSLATE_NOOP("Cli", "Mid-term grades (excellent/good/pass/fail)"),
           QT_TRANSLATE_NOOP("Cli", "Final grades (excellent/good/pass/fail)"),
           QT_TRANSLATE_NOOP("Cli", "Needs covered"), QT_TRANSLATE_NOOP("Cli", "Organizations (first time)"))
WRITTEN = QT_TRANSLATE_NOOP("Cli", "{count} rows written to {path}")
GRADE_ORDER = (EvaluationGrade.EXCELLENT, EvaluationGrade.GOOD, EvaluationGrade.PASS, EvaluationGrade.FAIL)


def add_mode_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    modes = sub.add_parser("modes", help=QT_TRANSLATE_NOOP(
        "Cli", "the three ways of buying services compared (公益创投, 公益招投标, 服务委托)"))
    actions = modes.add_subparsers(dest="modes_command", required=True)
    compare = actions.add_parser("compare", help=QT_TRANSLATE_NOOP(
        "Cli", "per mode and year: projects, money, money per beneficiary, grades, needs covered, organizations"))
    compare.add_argument("--year", type=int, action="append", metavar="YEAR",
                         help=QT_TRANSLATE_NOOP("Cli", "only this year (repeatable; default: every year)"))
    compare.add_argument("--xlsx", metavar="FILE", help=QT_TRANSLATE_NOOP(
        "Cli", "save the comparison as a workbook instead of printing it"))
    compare.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from . import cli
    from .services import mode_comparison

    database = cli._open(args, create=False, sign_in=True)
    t = cli._translator()
    try:
        if args.xlsx:
            count = mode_comparison.export_xlsx(database, Path(args.xlsx), args.year)
            print(t("Cli", WRITTEN).format(count=count, path=args.xlsx))
            return 0
        result = mode_comparison.comparison(database, args.year)
    finally:
        database.close()
    print("\t".join(t("Cli", h) for h in HEADERS))
    for row in result.rows:
        share = row.needs_share_x10000
        print("\t".join((
            str(row.year), t("Cli", MODES[row.mode]), str(row.projects), format_yuan(row.committed_fen),
            format_yuan(row.paid_fen), format_yuan(row.per_beneficiary_fen) if row.per_beneficiary_fen is not None
            else "—", "/".join(str(row.midterm_grades.get(g, 0)) for g in GRADE_ORDER),
            "/".join(str(row.grades.get(g, 0)) for g in GRADE_ORDER),
            f"{row.needs_covered}/{row.needs_total}" + (f" ({share // 100}.{share % 100:02d}%)" if share else ""),
            f"{row.organizations} ({row.first_time_organizations})")))
    return 0

"""`psp monitoring …`: reports due and late, the late-report rule, report schedules, progress reports and site visits
from the command line, through services.monitoring (which checks the signed-in person's permission)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .enums import BudgetCategory
from .errors import QT_TRANSLATE_NOOP, ValidationError
from .money import format_yuan

STATE = {"upcoming": QT_TRANSLATE_NOOP("Cli", "upcoming"), "due": QT_TRANSLATE_NOOP("Cli", "due"),
         "overdue": QT_TRANSLATE_NOOP("Cli", "overdue"), "submitted": QT_TRANSLATE_NOOP("Cli", "submitted"),
         "submitted_late": QT_TRANSLATE_NOOP("Cli", "submitted late")}
CATEGORY_WORDS = {"人员费": BudgetCategory.PERSONNEL, "活动费": BudgetCategory.ACTIVITY,
                  "宣传费": BudgetCategory.PUBLICITY, "管理费": BudgetCategory.MANAGEMENT, "其他": BudgetCategory.OTHER}
OVER_BUDGET = QT_TRANSLATE_NOOP(
    "Cli", "Over budget (allowed, flagged): {category} spent {spent} yuan of a budget of {budget} yuan.")
BAD_SPEND = QT_TRANSLATE_NOOP(
    "Errors", "Spending “{text}”: write CATEGORY=AMOUNT, e.g. activity=12000 or 宣传费=3000; the categories are "
              "{categories}.")


def _today(args: argparse.Namespace) -> dt.date:
    from .cli_funding import _day

    return _day(args.today) or dt.date.today()


def _spending(texts: Sequence[str]) -> dict[BudgetCategory, int]:
    from .cli_funding import _yuan

    spending: dict[BudgetCategory, int] = {}
    names = "、".join([c.value for c in BudgetCategory] + list(CATEGORY_WORDS))
    for text in texts:
        key, sep, amount = text.partition("=")
        key = key.strip()
        category = CATEGORY_WORDS.get(key) or (BudgetCategory(key) if key in set(BudgetCategory) else None)
        if not sep or category is None:
            raise ValidationError(BAD_SPEND, text=text, categories=names)
        spending[category] = spending.get(category, 0) + _yuan(amount)  # a negative one is refused by the service
    return spending


def cmd_due(args: argparse.Namespace) -> int:
    from .cli_funding import _database, _print_table, _translator
    from .services import monitoring

    today = _today(args)
    database = _database(args)
    try:
        rows = (monitoring.late_reports(database, today) if args.late
                else monitoring.reports_due(database, today, args.within))
    finally:
        database.close()
    t = _translator()
    if not rows:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No reports late.") if args.late else
                QT_TRANSLATE_NOOP("Cli", "No reports due.")))
        return 0
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Award no."), QT_TRANSLATE_NOOP("Cli", "Intake no."),
        QT_TRANSLATE_NOOP("Cli", "Organization"), QT_TRANSLATE_NOOP("Cli", "Report"),
        QT_TRANSLATE_NOOP("Cli", "Due on"), QT_TRANSLATE_NOOP("Cli", "Grace until"),
        QT_TRANSLATE_NOOP("Cli", "Submitted on"), QT_TRANSLATE_NOOP("Cli", "State"),
        QT_TRANSLATE_NOOP("Cli", "Days late"), QT_TRANSLATE_NOOP("Cli", "Gate failed on"))]
    _print_table(headers, [[str(r.award_id), r.intake_number, r.organization, str(r.seq), r.due_on.isoformat(),
                            r.deadline.isoformat(), r.submitted_on.isoformat() if r.submitted_on else "",
                            t("Cli", STATE[r.state.value]), str(r.days_late) if r.days_late else "",
                            r.late_failed_on.isoformat() if r.late_failed_on else ""] for r in rows], (0, 3, 8))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .cli_funding import _database, _translator
    from .services import monitoring

    today = _today(args)
    database = _database(args)
    try:
        failed = monitoring.apply_late_rule(database, today)
    finally:
        database.close()
    t = _translator()
    if failed:
        print(t("Cli", QT_TRANSLATE_NOOP(
            "Cli", "Late reports: {count} tranches withheld (tranche numbers {ids}).")).format(
            count=len(failed), ids=", ".join(str(i) for i in failed)))
    else:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No late report to act on: nothing was changed.")))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from .cli_funding import _database, _translator
    from .services import monitoring

    database = _database(args)
    try:
        added = monitoring.make_schedule(database, args.award_id)
    finally:
        database.close()
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Award {award}: {count} reports added to the schedule."))
          .format(award=args.award_id, count=added))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .cli_funding import _database, _day, _translator
    from .services import monitoring

    submitted = _day(args.submitted)
    assert submitted is not None
    submission = monitoring.Submission(
        submitted_on=submitted, activities_held=args.activities, people_served=args.people,
        narrative=args.narrative, spending=_spending(args.spend), due_on=_day(args.due),
        files=tuple(Path(p) for p in args.file))
    today = _today(args)
    database = _database(args)
    try:
        result = monitoring.submit_report(database, args.award_id, submission, today=today)
    finally:
        database.close()
    t = _translator()
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Report {seq} (due {due}) of award {award} recorded.")).format(
        seq=result.seq, due=result.due_on.isoformat(), award=args.award_id))
    if result.late:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "It came in after the grace days: it counts as late.")))
    for over in result.overspent:
        print(t("Cli", OVER_BUDGET).format(
            category=monitoring.CATEGORY_NAMES[over.category], spent=format_yuan(over.spent_fen),
            budget=format_yuan(over.budget_fen)))
    return 0


def cmd_visit(args: argparse.Namespace) -> int:
    from .cli_funding import _database, _day, _translator
    from .services import monitoring

    visited = _day(args.date)
    assert visited is not None
    visit = monitoring.Visit(visited, args.visitor, args.findings, bool(args.rectify), args.rectify or "")
    today = _today(args)
    database = _database(args)
    try:
        visit_id = monitoring.add_visit(database, args.award_id, visit, today=today)
    finally:
        database.close()
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Site visit {id} to award {award} recorded.")).format(
        id=visit_id, award=args.award_id))
    return 0


def _with_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", metavar="YYYY-MM-DD",
                        help=QT_TRANSLATE_NOOP("Cli", "the day to count from (default: today)"))


def add_monitoring_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    monitoring = sub.add_parser("monitoring", help=QT_TRANSLATE_NOOP(
        "Cli", "progress reports, site visits and the late-report rule of funded projects (项目监测)"))
    actions = monitoring.add_subparsers(dest="monitoring_command", required=True)
    due = actions.add_parser("due", help=QT_TRANSLATE_NOOP("Cli", "progress reports due, or with --late the late ones"))
    due.add_argument("--late", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "only reports not submitted by their due date plus the grace days"))
    due.add_argument("--within", type=int, default=30, metavar="DAYS",
                     help=QT_TRANSLATE_NOOP("Cli", "also the reports due in the next DAYS days (default: 30)"))
    _with_today(due)
    due.set_defaults(func=cmd_due)
    check = actions.add_parser("check", help=QT_TRANSLATE_NOOP(
        "Cli", "apply the late-report rule: each late report withholds its project's next evaluation tranche"))
    _with_today(check)
    check.set_defaults(func=cmd_check)
    schedule = actions.add_parser("schedule", help=QT_TRANSLATE_NOOP(
        "Cli", "make an award's progress report schedule from the competition's rules"))
    schedule.add_argument("award_id", type=int, metavar="AWARD_ID")
    schedule.set_defaults(func=cmd_schedule)
    _add_report_parser(actions)
    _add_visit_parser(actions)


def _add_report_parser(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = actions.add_parser("report", help=QT_TRANSLATE_NOOP("Cli", "record a progress report (进度报告)"))
    report.add_argument("award_id", type=int, metavar="AWARD_ID")
    report.add_argument("--submitted", required=True, metavar="YYYY-MM-DD",
                        help=QT_TRANSLATE_NOOP("Cli", "the day it was handed in"))
    report.add_argument("--due", metavar="YYYY-MM-DD", help=QT_TRANSLATE_NOOP(
        "Cli", "the due date of the report (default: the earliest not yet submitted)"))
    report.add_argument("--activities", type=int, default=0, metavar="N",
                        help=QT_TRANSLATE_NOOP("Cli", "activities held"))
    report.add_argument("--people", type=int, default=0, metavar="N",
                        help=QT_TRANSLATE_NOOP("Cli", "people served"))
    report.add_argument("--narrative", default="", metavar="TEXT", help=QT_TRANSLATE_NOOP("Cli", "what was done"))
    report.add_argument("--spend", action="append", default=[], metavar="CATEGORY=AMOUNT", help=QT_TRANSLATE_NOOP(
        "Cli", "spending in a budget category, in yuan (repeat for each category)"))
    report.add_argument("--file", action="append", default=[], metavar="PATH",
                        help=QT_TRANSLATE_NOOP("Cli", "a photo or document to keep with it (repeatable)"))
    _with_today(report)
    report.set_defaults(func=cmd_report)


def _add_visit_parser(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    visit = actions.add_parser("visit", help=QT_TRANSLATE_NOOP("Cli", "record a site visit (实地走访)"))
    visit.add_argument("award_id", type=int, metavar="AWARD_ID")
    visit.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                       help=QT_TRANSLATE_NOOP("Cli", "the day of the visit"))
    visit.add_argument("--visitor", required=True, metavar="NAME", help=QT_TRANSLATE_NOOP("Cli", "who visited"))
    visit.add_argument("--findings", default="", metavar="TEXT", help=QT_TRANSLATE_NOOP("Cli", "what was found"))
    visit.add_argument("--rectify", metavar="TEXT", help=QT_TRANSLATE_NOOP(
        "Cli", "what must be rectified (a rectification is then required)"))
    _with_today(visit)
    visit.set_defaults(func=cmd_visit)

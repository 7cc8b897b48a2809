"""`psp organizations capacity ORG_ID [--years N] [--as-of DATE] [--json]`: an organization's capacity record
(机构能力档案) — a summary, then one line per competition it took part in with its proposals, awards, final evaluation
grades, late progress reports and clawbacks, then its bars. Reading needs results.read (services.capacity checks)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from .enums import EvaluationGrade, EvaluationKind, ProposalStatus
from .errors import QT_TRANSLATE_NOOP
from .money import format_yuan

Translate = Callable[[str, str], str]
KIND = {EvaluationKind.MIDTERM: QT_TRANSLATE_NOOP("Cli", "mid-term"),
        EvaluationKind.FINAL: QT_TRANSLATE_NOOP("Cli", "final")}
GRADE = {EvaluationGrade.EXCELLENT: QT_TRANSLATE_NOOP("Cli", "excellent"),
         EvaluationGrade.GOOD: QT_TRANSLATE_NOOP("Cli", "good"),
         EvaluationGrade.PASS: QT_TRANSLATE_NOOP("Cli", "pass"),
         EvaluationGrade.FAIL: QT_TRANSLATE_NOOP("Cli", "fail")}
PROPOSAL_LINE = QT_TRANSLATE_NOOP("Cli", "{number} {title} ({status})")
STATUS = {ProposalStatus.DRAFT: QT_TRANSLATE_NOOP("Labels", "Draft"),  # the GUI's labels (ui.labels)
          ProposalStatus.SUBMITTED: QT_TRANSLATE_NOOP("Labels", "Received"),
          ProposalStatus.ELIGIBLE: QT_TRANSLATE_NOOP("Labels", "Eligible"),
          ProposalStatus.INELIGIBLE: QT_TRANSLATE_NOOP("Labels", "Ineligible"),
          ProposalStatus.RETURNED: QT_TRANSLATE_NOOP("Labels", "Returned for changes"),
          ProposalStatus.IN_REVIEW: QT_TRANSLATE_NOOP("Labels", "Under review"),
          ProposalStatus.RANKED: QT_TRANSLATE_NOOP("Labels", "Ranked"),
          ProposalStatus.AWARDED: QT_TRANSLATE_NOOP("Labels", "Funded"),
          ProposalStatus.NOT_AWARDED: QT_TRANSLATE_NOOP("Labels", "Not funded"),
          ProposalStatus.RESERVE: QT_TRANSLATE_NOOP("Labels", "Reserve list"),
          ProposalStatus.IMPLEMENTING: QT_TRANSLATE_NOOP("Labels", "Implementing"),
          ProposalStatus.COMPLETED: QT_TRANSLATE_NOOP("Labels", "Completed"),
          ProposalStatus.TERMINATED: QT_TRANSLATE_NOOP("Labels", "Terminated"),
          ProposalStatus.WITHDRAWN: QT_TRANSLATE_NOOP("Labels", "Withdrawn")}


def add_capacity_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    organizations = sub.add_parser("organizations", help=QT_TRANSLATE_NOOP("Cli", "social organizations"))
    commands = organizations.add_subparsers(dest="organizations_command", required=True)
    parser = commands.add_parser("capacity", help=QT_TRANSLATE_NOOP(
        "Cli", "an organization's record across competitions: proposals, awards, evaluations, late reports, "
               "clawbacks and bars (机构能力档案)"))
    parser.add_argument("organization", type=int, metavar="ORG_ID",
                        help=QT_TRANSLATE_NOOP("Cli", "the organization's number"))
    parser.add_argument("--years", type=int, default=3, metavar="N", help=QT_TRANSLATE_NOOP(
        "Cli", "count failed evaluations in the last N years (default: 3)"))
    parser.add_argument("--as-of", metavar="DATE", help=QT_TRANSLATE_NOOP(
        "Cli", "the day the record is read for: bars in force, reports overdue (default: today)"))
    parser.add_argument("--json", action="store_true",
                        help=QT_TRANSLATE_NOOP("Cli", "print the record as JSON (amounts in fen)"))
    parser.set_defaults(func=cmd_capacity)


def cmd_capacity(args: argparse.Namespace) -> int:
    from . import cli
    from .cli_funding import _day
    from .services import capacity

    as_of = _day(args.as_of)
    database = cli._open(args, create=False, sign_in=True)
    try:
        record = capacity.record(database, args.organization, today=as_of, recent_years=args.years)
    finally:
        database.close()
    if args.json:
        print(json.dumps(dataclasses.asdict(record), ensure_ascii=False, indent=2, default=str))
    else:
        _print_record(cli._translator(), record)
    return 0


def _print_record(t: Translate, record: Any) -> None:
    from .cli_funding import LEVEL, _print_table
    from .cli_funding import STATUS as AWARD_STATUS

    s = record.summary
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "{name} (organization {id}), as of {date}")).format(
        name=record.organization, id=record.organization_id, date=record.as_of.isoformat()))
    if record.empty:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No earlier competitions on record.")))
        return
    print(t("Cli", QT_TRANSLATE_NOOP(
        "Cli", "Years {years}: {proposals} proposal(s), {funded} funded, {granted} yuan granted, {paid} yuan paid; "
               "{failed} failed evaluation(s) in the last {recent} year(s); {late} late report(s); "
               "{clawbacks} clawback(s) of {clawed} yuan")).format(
        years=", ".join(map(str, s.years_active)), proposals=s.proposals, funded=s.funded,
        granted=format_yuan(s.granted_fen), paid=format_yuan(s.paid_fen), failed=s.failed_evaluations,
        recent=s.recent_years, late=s.late_reports, clawbacks=s.clawbacks, clawed=format_yuan(s.clawed_back_fen)))
    if s.active_bar_until:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Barred from applying until {until}: {reason}")).format(
            until=s.active_bar_until.isoformat(), reason=s.active_bar_reason))
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Year"), QT_TRANSLATE_NOOP("Cli", "Competition"),
        QT_TRANSLATE_NOOP("Cli", "Proposals"), QT_TRANSLATE_NOOP("Cli", "Funding"),
        QT_TRANSLATE_NOOP("Cli", "Evaluations"), QT_TRANSLATE_NOOP("Cli", "Late reports"),
        QT_TRANSLATE_NOOP("Cli", "Clawbacks"))]
    rows = [[str(r.year), r.competition,
             "; ".join(t("Cli", PROPOSAL_LINE).format(number=p.intake_number, title=p.title,
                                                      status=t("Labels", STATUS[p.status])) for p in r.proposals),
             "; ".join(f"{t('Cli', LEVEL[a.level])} {format_yuan(a.amount_fen)} "
                       f"({t('Cli', AWARD_STATUS[a.status])})".strip() for a in r.awards),
             "; ".join(f"{t('Cli', KIND[e.kind])} {t('Cli', GRADE[e.grade]) if e.grade else '—'} "
                       f"{e.evaluated_on.isoformat()}" for e in r.evaluations),
             "; ".join(f"#{x.seq} {x.due_on.isoformat()} +{x.days_late}" for x in r.late_reports),
             "; ".join(f"{format_yuan(c.amount_fen)} {c.reason}" for c in r.clawbacks)] for r in record.rows]
    _print_table(headers, rows)
    if record.bars:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Bars on applications:")))
        for b in record.bars:
            state = t("Cli", QT_TRANSLATE_NOOP("Cli", "in force")) if b.active else ""
            print(f"  {b.from_date.isoformat()} – {b.until_date.isoformat()}  {b.reason}  {state}".rstrip())

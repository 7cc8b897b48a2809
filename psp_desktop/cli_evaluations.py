"""`psp evaluations …`: third-party evaluations (第三方评估) from the command line — list, new, score, publish,
object, finalize, report — plus the evaluators and indicator sets they use.

Every command goes through services.evaluations, which checks the signed-in person's permission and every rule; a
refusal is one line on stderr with exit status 2 and nothing written. Points are written as people write them
(21.5); dates are ISO. Finalizing decides the award's gated tranche, so `finalize --dry-run` shows what it would do.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from .enums import EvaluationKind, TrancheStatus
from .errors import QT_TRANSLATE_NOOP, ValidationError

Translate = Callable[[str, str], str]

BAD_SCORE = QT_TRANSLATE_NOOP(
    "Errors", "“{text}”: write an indicator's score as NAME=POINTS or NAME=POINTS:COMMENT, e.g. "
              "项目实施=21.5:按计划推进.")
NOTHING_TO_RECORD = QT_TRANSLATE_NOOP("Errors", "Give the objection (--text), its resolution (--resolution), or both.")
STATES = {"draft": QT_TRANSLATE_NOOP("Cli", "not scored"), "scored": QT_TRANSLATE_NOOP("Cli", "scored"),
          "published": QT_TRANSLATE_NOOP("Cli", "published"),
          "final": QT_TRANSLATE_NOOP("Cli", "made final")}


def _cli() -> Any:
    from . import cli

    return cli


def _database(args: argparse.Namespace) -> Any:
    return _cli()._open(args, create=False, sign_in=True)


def _t() -> Translate:
    return _cli()._translator()


def _day(text: str | None) -> dt.date | None:
    from .cli_funding import _day as day

    return day(text)


def _run(args: argparse.Namespace, work: Callable[[Any], Any]) -> Any:
    database = _database(args)
    try:
        return work(database)
    finally:
        database.close()


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> None:
    from .cli_funding import _print_table as table

    table(headers, rows, right)


def _grade(t: Translate, grade: Any) -> str:
    from .services.evaluation_rules import GRADE_LABELS

    return t("Evaluations", GRADE_LABELS[grade]) if grade is not None else ""


def _kind(t: Translate, kind: EvaluationKind) -> str:
    from .services.evaluation_rules import KIND_LABELS

    return t("Evaluations", KIND_LABELS[kind])


# --- commands ------------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from .cli_funding import _competition
    from .services import evaluations
    from .services.evaluation_rules import points_text

    def work(db: Any) -> list[Any]:
        competition = _competition(db, args.competition) if args.competition else None
        return evaluations.evaluations(db, competition)

    rows = _run(args, work)
    t = _t()
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "No."), QT_TRANSLATE_NOOP("Cli", "Award no."),
        QT_TRANSLATE_NOOP("Cli", "Organization"), QT_TRANSLATE_NOOP("Cli", "Kind"),
        QT_TRANSLATE_NOOP("Cli", "Evaluator"), QT_TRANSLATE_NOOP("Cli", "Total"),
        QT_TRANSLATE_NOOP("Cli", "Grade"), QT_TRANSLATE_NOOP("Cli", "Objections until"),
        QT_TRANSLATE_NOOP("Cli", "State"))]
    _print_table(headers, [
        [str(r.id), str(r.award_id), r.organization, _kind(t, r.kind), r.evaluator, points_text(r.total_x100),
         _grade(t, r.grade), r.objection_until.isoformat() if r.objection_until else "",
         t("Cli", STATES[r.state]) + (" *" if r.objection and not r.final else "")] for r in rows], right=(0, 1, 5))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .services import evaluations

    kind = EvaluationKind(args.kind)
    new_id = _run(args, lambda db: evaluations.create(db, args.award_id, kind, args.evaluator, args.set))
    print(_t()("Cli", QT_TRANSLATE_NOOP("Cli", "Evaluation {id} created ({kind}, award {award}).")).format(
        id=new_id, kind=_kind(_t(), kind), award=args.award_id))
    return 0


def parse_score(text: str) -> Any:
    """NAME=POINTS[:COMMENT] as a ScoreInput; the comment may hold colons of its own."""
    from .services.evaluation_rules import points_x100
    from .services.evaluations import ScoreInput

    name, equals, rest = text.partition("=")
    points, _colon, comment = rest.partition(":")
    value = points_x100(points) if points.strip() else None
    if not equals or not name.strip() or value is None:
        raise ValidationError(BAD_SCORE, text=text)
    return ScoreInput(name.strip(), value, comment.strip())


def cmd_score(args: argparse.Namespace) -> int:
    from .services import evaluations
    from .services.evaluation_rules import points_text

    scores = [parse_score(text) for text in args.score or ()]
    on = _day(args.date) or dt.date.today()

    def work(db: Any) -> Any:
        evaluations.score(db, args.evaluation_id, scores, args.narrative, on)
        return evaluations.detail(db, args.evaluation_id).row

    row = _run(args, work)
    t = _t()
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Evaluation {id}: {total} points, {grade}.")).format(
        id=row.id, total=points_text(row.total_x100), grade=_grade(t, row.grade)))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .services import evaluations

    until = _run(args, lambda db: evaluations.publish(db, args.evaluation_id, _day(args.date)))
    print(_t()("Cli", QT_TRANSLATE_NOOP("Cli", "Evaluation {id} published; objections until {date}.")).format(
        id=args.evaluation_id, date=until.isoformat()))
    return 0


def cmd_object(args: argparse.Namespace) -> int:
    from .services import evaluations

    if not (args.text or args.resolution):
        raise ValidationError(NOTHING_TO_RECORD)

    def work(db: Any) -> None:
        if args.text:
            evaluations.record_objection(db, args.evaluation_id, args.text, _day(args.date))
        if args.resolution:
            evaluations.resolve_objection(db, args.evaluation_id, args.resolution)

    _run(args, work)
    print(_t()("Cli", QT_TRANSLATE_NOOP("Cli", "Evaluation {id}: objection recorded.")).format(
        id=args.evaluation_id))
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    from .services import evaluations

    on = _day(args.date) or dt.date.today()
    make = evaluations.finalize_plan if args.dry_run else evaluations.finalize
    plan = _run(args, lambda db: make(db, args.evaluation_id, on))
    print_plan(_t(), plan, done=not args.dry_run)
    return 0


def print_plan(t: Translate, plan: Any, *, done: bool) -> None:
    from .cli_funding import TRANCHE_STATUS
    from .money import format_yuan
    from .services.evaluation_rules import points_text

    head = QT_TRANSLATE_NOOP("Cli", "Evaluation {id} is final: {total} points, {grade}.") if done else \
        QT_TRANSLATE_NOOP("Cli", "Evaluation {id} would become final: {total} points, {grade}.")
    print(t("Cli", head).format(id=plan.evaluation_id, total=points_text(plan.total_x100),
                                grade=_grade(t, plan.grade)))
    for effect in plan.tranches:
        line = QT_TRANSLATE_NOOP("Cli", "Tranche {n} ({amount} yuan): {before} → {after}") if effect.changed else \
            QT_TRANSLATE_NOOP("Cli", "Tranche {n} ({amount} yuan): stays {before}")
        print("  " + t("Cli", line).format(n=effect.seq, amount=format_yuan(effect.amount_fen),
                                           before=t("Cli", TRANCHE_STATUS[TrancheStatus(effect.before)]),
                                           after=t("Cli", TRANCHE_STATUS[TrancheStatus(effect.after)])))
    for claw in plan.clawbacks:
        print("  " + t("Cli", QT_TRANSLATE_NOOP("Cli", "Claw back {amount} yuan from tranche {n}")).format(
            amount=format_yuan(claw.amount_fen), n=claw.seq))
    if plan.bar_until is not None:
        print("  " + t("Cli", QT_TRANSLATE_NOOP("Cli", "{organization} barred from applying until {date}")).format(
            organization=plan.organization, date=plan.bar_until.isoformat()))


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .documents import write_pdf
    from .services import evaluations

    data = _run(args, lambda db: evaluations.report_pdf(db, args.evaluation_id, args.date))
    print(write_pdf(data, Path(args.out)))
    return 0


def cmd_evaluators(args: argparse.Namespace) -> int:
    from .services import evaluations

    def work(db: Any) -> list[Any]:
        if args.add:
            evaluations.add_evaluator(db, args.add, args.agency, args.phone, args.conflict or ())
        return evaluations.evaluators(db)

    rows = _run(args, work)
    t = _t()
    _print_table([t("Cli", h) for h in (QT_TRANSLATE_NOOP("Cli", "No."), QT_TRANSLATE_NOOP("Cli", "Name"),
                                        QT_TRANSLATE_NOOP("Cli", "Agency"), QT_TRANSLATE_NOOP("Cli", "Phone"),
                                        QT_TRANSLATE_NOOP("Cli", "Conflicts of interest"))],
                 [[str(r.id), r.name, r.agency, r.phone, "、".join(r.conflicts)] for r in rows], right=(0,))
    return 0


def cmd_sets(args: argparse.Namespace) -> int:
    from .services import evaluations
    from .services.evaluation_rules import ItemKind, points_text

    def work(db: Any) -> list[Any]:
        if args.add_shipped:
            evaluations.add_shipped_sets(db)
        return evaluations.indicator_sets(db)

    t = _t()
    marks = {ItemKind.REGULAR: "", ItemKind.BONUS: "+", ItemKind.PENALTY: "-"}
    for row in _run(args, work):
        print(f"{row.id}  {row.name}  ({_kind(t, row.kind)})")
        for item in row.indicators:
            print(f"    {item.name}  {marks[item.kind]}{points_text(item.max_x100)}")
    return 0


# --- the parsers ---------------------------------------------------------------------------------------------


def add_evaluation_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("evaluations", help=QT_TRANSLATE_NOOP(
        "Cli", "mid-term and final evaluations by third parties (第三方评估); their results decide the tranches"))
    actions = parser.add_subparsers(dest="evaluations_command", required=True)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list the evaluations"))
    listing.add_argument("competition", nargs="?", metavar="COMPETITION", help=QT_TRANSLATE_NOOP(
        "Cli", "the competition's number, name or part of its name (default: all)"))
    listing.set_defaults(func=cmd_list)
    new = actions.add_parser("new", help=QT_TRANSLATE_NOOP("Cli", "start the evaluation of a funded award"))
    new.add_argument("award_id", type=int, metavar="AWARD_ID")
    new.add_argument("--kind", required=True, choices=[k.value for k in EvaluationKind],
                     help=QT_TRANSLATE_NOOP("Cli", "mid-term or final"))
    new.add_argument("--evaluator", required=True, type=int, metavar="ID",
                     help=QT_TRANSLATE_NOOP("Cli", "the evaluator's number (see `psp evaluations evaluators`)"))
    new.add_argument("--set", type=int, metavar="ID", help=QT_TRANSLATE_NOOP(
        "Cli", "the indicator set's number (default: the shipped set of that kind)"))
    new.set_defaults(func=cmd_new)
    _add_score_parser(actions)
    publish = actions.add_parser("publish", help=QT_TRANSLATE_NOOP(
        "Cli", "publish the result; the objection window opens"))
    _id_and_date(publish, QT_TRANSLATE_NOOP("Cli", "the day it is published (default: today)"))
    publish.set_defaults(func=cmd_publish)
    obj = actions.add_parser("object", help=QT_TRANSLATE_NOOP(
        "Cli", "record an objection raised in the window, and how it was resolved"))
    _id_and_date(obj, QT_TRANSLATE_NOOP("Cli", "the day the objection was raised (default: today)"))
    obj.add_argument("--text", default="", metavar="TEXT", help=QT_TRANSLATE_NOOP("Cli", "the objection"))
    obj.add_argument("--resolution", default="", metavar="TEXT",
                     help=QT_TRANSLATE_NOOP("Cli", "how it was resolved"))
    obj.set_defaults(func=cmd_object)
    finalize = actions.add_parser("finalize", help=QT_TRANSLATE_NOOP(
        "Cli", "make the result final after the objection window; it decides the tranche"))
    _id_and_date(finalize, QT_TRANSLATE_NOOP("Cli", "the day it becomes final (default: today)"))
    finalize.add_argument("--dry-run", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "only show what it would do to the tranches and the organization"))
    finalize.set_defaults(func=cmd_finalize)
    report = actions.add_parser("report", help=QT_TRANSLATE_NOOP(
        "Cli", "save the evaluation report (评估报告) as PDF"))
    _cli()._document_arguments(report, "evaluation_id")
    report.set_defaults(func=cmd_report)
    _add_setup_parsers(actions)


def _id_and_date(parser: argparse.ArgumentParser, date_help: str) -> None:
    parser.add_argument("evaluation_id", type=int, metavar="EVALUATION_ID")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=date_help)


def _add_score_parser(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    score = actions.add_parser("score", help=QT_TRANSLATE_NOOP(
        "Cli", "record the points and comment of every indicator, and the narrative"))
    _id_and_date(score, QT_TRANSLATE_NOOP("Cli", "the day of the evaluation (default: today)"))
    score.add_argument("--score", action="append", metavar="NAME=POINTS[:COMMENT]", help=QT_TRANSLATE_NOOP(
        "Cli", "one indicator, repeatable, e.g. 项目实施=21.5:按计划推进; a penalty is negative (违规扣分=-2)"))
    score.add_argument("--narrative", default="", metavar="TEXT",
                       help=QT_TRANSLATE_NOOP("Cli", "the evaluator's overall assessment"))
    score.set_defaults(func=cmd_score)


def _add_setup_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    people = actions.add_parser("evaluators", help=QT_TRANSLATE_NOOP(
        "Cli", "list the evaluators; --add registers one"))
    people.add_argument("--add", metavar="NAME", help=QT_TRANSLATE_NOOP(
        "Cli", "register an evaluator: an agency, or a person with --agency"))
    people.add_argument("--agency", default="", metavar="NAME",
                        help=QT_TRANSLATE_NOOP("Cli", "the agency the person works for"))
    people.add_argument("--phone", default="", metavar="PHONE", help=QT_TRANSLATE_NOOP("Cli", "a phone number"))
    people.add_argument("--conflict", action="append", type=int, metavar="ORG_ID", help=QT_TRANSLATE_NOOP(
        "Cli", "an organization they declare a conflict of interest with (repeatable)"))
    people.set_defaults(func=cmd_evaluators)
    sets = actions.add_parser("sets", help=QT_TRANSLATE_NOOP("Cli", "list the indicator sets"))
    sets.add_argument("--add-shipped", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "add the shipped mid-term and final sets if they are missing"))
    sets.set_defaults(func=cmd_sets)

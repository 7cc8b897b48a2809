"""`psp tenders …`: project bidding (公益招投标) from the command line — list and add tenders, record bids, show the
evaluation, award a winner (or none), decide a single bid, publish the result notice (中标结果公示), record an
objection and its resolution, and save the 评标报告 or the notice as PDF.

Every command goes through services.bidding and services.tender_notice, which check the signed-in person's
permission and every rule; a refusal is one line on stderr with exit status 2 and nothing written. A tender is
named by its code (ZB2026-01) or number, a competition by its number or (part of) its name; amounts are yuan as
staff write them (300000, 30万); dates are ISO.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .enums import ServiceDomain
from .errors import QT_TRANSLATE_NOOP, ValidationError

Translate = Callable[[str, str], str]

NOT_POINTS = QT_TRANSLATE_NOOP("Errors", "{value} is not a number of price points (write it like 30 or 25.5).")
LIST_HEADERS = (QT_TRANSLATE_NOOP("Cli", "No."), QT_TRANSLATE_NOOP("Cli", "Tender code"),
                QT_TRANSLATE_NOOP("Cli", "Tender project"), QT_TRANSLATE_NOOP("Cli", "Ceiling (yuan)"),
                QT_TRANSLATE_NOOP("Cli", "Price points"), QT_TRANSLATE_NOOP("Cli", "Bids"),
                QT_TRANSLATE_NOOP("Cli", "State"), QT_TRANSLATE_NOOP("Cli", "Result notice"))
BID_HEADERS = (QT_TRANSLATE_NOOP("Cli", "Rank"), QT_TRANSLATE_NOOP("Cli", "Proposal"),
               QT_TRANSLATE_NOOP("Cli", "Intake no."), QT_TRANSLATE_NOOP("Cli", "Organization"),
               QT_TRANSLATE_NOOP("Cli", "Bid price (yuan)"), QT_TRANSLATE_NOOP("Cli", "Valid"),
               QT_TRANSLATE_NOOP("Cli", "Panel score"), QT_TRANSLATE_NOOP("Cli", "Panel part"),
               QT_TRANSLATE_NOOP("Cli", "Price score"), QT_TRANSLATE_NOOP("Cli", "Total"))
STATES = {"open": QT_TRANSLATE_NOOP("Cli", "taking bids"), "closed": QT_TRANSLATE_NOOP("Cli", "bids closed"),
          "won": QT_TRANSLATE_NOOP("Cli", "awarded"), "none": QT_TRANSLATE_NOOP("Cli", "no winner")}


def _cli() -> Any:
    from . import cli

    return cli


def _t() -> Translate:
    return _cli()._translator()


def _run(args: argparse.Namespace, work: Callable[[Any], Any]) -> Any:
    database = _cli()._open(args, create=False, sign_in=True)
    try:
        return work(database)
    finally:
        database.close()


def _tender(db: Any, text: str) -> int:
    from .services import tender_notice

    return tender_notice.find_tender(db, text)


def _day(text: str | None) -> dt.date | None:
    from .cli_funding import _day as day

    return day(text)


def _yuan(text: str) -> int:
    from .cli_funding import _yuan as yuan

    return yuan(text)


def _points_x100(text: str) -> int:
    from .services.evaluation_rules import points_x100

    value = points_x100(text)
    if value is None:
        raise ValidationError(NOT_POINTS, value=text)
    return value


def _score(x100: int | None) -> str:
    return "" if x100 is None else f"{x100 // 100}.{x100 % 100:02d}"


def _say(text: str, **values: Any) -> None:
    print(_t()("Cli", text).format(**values))


# --- commands ----------------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from .cli_funding import _competition, _print_table
    from .documents.points import points
    from .money import format_yuan
    from .services import bidding

    rows = _run(args, lambda db: bidding.tenders(db, _competition(db, args.competition)))
    t = _t()

    def state(row: Any) -> str:
        key = "won" if row.winner_id else "none" if row.no_winner_reason else "closed" if row.closed else "open"
        return t("Cli", STATES[key])

    def notice(row: Any) -> str:
        if row.notice_from is None:
            return ""
        mark = "" if not row.objection else " *" if not row.objection_resolution else " ✓"
        return f"{row.notice_from.isoformat()} – {row.notice_until.isoformat()}{mark}"

    _print_table([t("Cli", h) for h in LIST_HEADERS],
                 [[str(r.id), r.code, r.name, format_yuan(r.ceiling_fen), points(r.price_points_x100), str(r.bids),
                   state(r), notice(r)] for r in rows], right=(0, 3, 4, 5))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .cli_funding import _competition
    from .services import bidding

    data = bidding.TenderInput(
        code=args.code, name=args.name, domain=ServiceDomain(args.domain), description=args.description,
        ceiling_fen=_yuan(args.ceiling), service_from=_day(args.service_from), service_until=_day(args.until),
        qualifications=args.qualifications, price_points_x100=_points_x100(args.price_points),
        need_ids=list(args.need or ()))
    new_id = _run(args, lambda db: bidding.add_tender(db, _competition(db, args.competition), data))
    _say(QT_TRANSLATE_NOOP("Cli", "Tender {code} added (number {id})."), code=data.code.strip(), id=new_id)
    return 0


def cmd_bid(args: argparse.Namespace) -> int:
    from .money import format_yuan
    from .services import bidding

    price = _yuan(args.price)
    _run(args, lambda db: bidding.submit_bid(db, _tender(db, args.tender), args.proposal_id, price))
    _say(QT_TRANSLATE_NOOP("Cli", "Proposal {id} bids {price} yuan for tender {code}."), id=args.proposal_id,
         price=format_yuan(price), code=args.tender)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .services import bidding

    evaluation = _run(args, lambda db: bidding.evaluate(db, _tender(db, args.tender)))
    print_evaluation(_t(), evaluation)
    return 0


def print_evaluation(t: Translate, ev: Any) -> None:
    from .cli_funding import _print_table
    from .documents.points import points
    from .money import format_yuan
    from .services import bidding

    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Tender {code} {name}: ceiling {ceiling} yuan, {price_points} price "
                                            "points.")).format(code=ev.code, name=ev.name,
                                                              ceiling=format_yuan(ev.ceiling_fen),
                                                              price_points=points(ev.price_points_x100)))
    if ev.single_bidder:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "One valid bid: no price comparison; accept or reject it with "
                                                "`psp tenders single`.")))
    elif not ev.final:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Not final: round {round} is not frozen.") if ev.open_round else
                QT_TRANSLATE_NOOP("Cli", "Not final: the panel has not scored yet.")).format(round=ev.open_round))
    _print_table([t("Cli", h) for h in BID_HEADERS], [
        [str(ln.rank or ""), str(ln.proposal_id), ln.intake_number, ln.organization,
         format_yuan(ln.price_fen) if ln.price_fen is not None else "",
         t("Cli", QT_TRANSLATE_NOOP("Cli", "valid")) if ln.valid else t(bidding.CONTEXT, ln.invalid_reason),
         "" if ln.panel_score is None else str(ln.panel_score), _score(ln.panel_x100), _score(ln.price_x100),
         _score(ln.total_x100)] for ln in ev.lines], right=(0, 1, 4, 6, 7, 8, 9))
    winner = next((ln for ln in ev.lines if ln.proposal_id == ev.winner_id), None)
    if winner is not None:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Winner: {organization} ({intake}), {price} yuan.")).format(
            organization=winner.organization, intake=winner.intake_number, price=format_yuan(winner.price_fen or 0)))
    elif ev.no_winner_reason:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No winner: {reason}")).format(reason=ev.no_winner_reason))


def cmd_award(args: argparse.Namespace) -> int:
    from .services import bidding

    def work(db: Any) -> Any:
        tid = _tender(db, args.tender)
        bidding.award_tender(db, tid, None if args.none else args.proposal, args.reason)
        return bidding.evaluate(db, tid)

    print_evaluation(_t(), _run(args, work))
    return 0


def cmd_single(args: argparse.Namespace) -> int:
    from .services import bidding

    def work(db: Any) -> Any:
        tid = _tender(db, args.tender)
        bidding.decide_single_bid(db, tid, args.accept, args.reason)
        return bidding.evaluate(db, tid)

    print_evaluation(_t(), _run(args, work))
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from .services import tender_notice

    start, end = _day(args.notice_from), _day(args.until)
    assert start is not None and end is not None  # both required by the parser
    _run(args, lambda db: tender_notice.publish(db, _tender(db, args.tender), start, end))
    _say(QT_TRANSLATE_NOOP("Cli", "Result notice of tender {code} published: {start} to {end}."), code=args.tender,
         start=start.isoformat(), end=end.isoformat())
    return 0


def cmd_object(args: argparse.Namespace) -> int:
    from .services import tender_notice

    on = _day(args.on) or dt.date.today()
    _run(args, lambda db: tender_notice.object_to(db, _tender(db, args.tender), args.text, on))
    _say(QT_TRANSLATE_NOOP("Cli", "Objection to tender {code} recorded ({date}); the winner's agreement waits "
                                  "for its resolution."), code=args.tender, date=on.isoformat())
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from .services import tender_notice

    _run(args, lambda db: tender_notice.resolve(db, _tender(db, args.tender), args.text))
    _say(QT_TRANSLATE_NOOP("Cli", "Objection to tender {code} resolved."), code=args.tender)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .documents import write_pdf
    from .documents.tender_report import evaluation_report_pdf, notice_pdf

    def work(db: Any) -> bytes:
        tid = _tender(db, args.tender)
        return notice_pdf(db, tid) if args.notice else evaluation_report_pdf(db, tid, _day(args.date))

    print(write_pdf(_run(args, work), Path(args.out)))
    return 0


# --- the parsers -------------------------------------------------------------------------------------------------


def add_tender_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("tenders", help=QT_TRANSLATE_NOOP(
        "Cli", "project bidding (公益招投标): tenders, bids, the evaluation, the winner and its result notice"))
    actions = parser.add_subparsers(dest="tenders_command", required=True)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list a bidding competition's tenders"))
    _competition_argument(listing)
    listing.set_defaults(func=cmd_list)
    _add_add_parser(actions)
    bid = actions.add_parser("bid", help=QT_TRANSLATE_NOOP("Cli", "make a proposal a bid for a tender at a price"))
    _tender_argument(bid)
    bid.add_argument("proposal_id", type=int, metavar="PROPOSAL",
                     help=QT_TRANSLATE_NOOP("Cli", "the proposal's number"))
    bid.add_argument("--price", required=True, metavar="YUAN", help=QT_TRANSLATE_NOOP("Cli", "the bid price"))
    bid.set_defaults(func=cmd_bid)
    evaluate = actions.add_parser("evaluate", help=QT_TRANSLATE_NOOP(
        "Cli", "show every bid with its panel part, price score, total and rank"))
    _tender_argument(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)
    _add_decision_parsers(actions)
    _add_notice_parsers(actions)
    report = actions.add_parser("report", help=QT_TRANSLATE_NOOP(
        "Cli", "save the evaluation report (评标报告), or with --notice the result notice, as PDF"))
    _tender_argument(report)
    report.add_argument("--out", required=True, metavar="FILE.pdf",
                        help=QT_TRANSLATE_NOOP("Cli", "where to save the PDF"))
    report.add_argument("--notice", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "the result notice (中标结果公示) instead of the evaluation report"))
    report.add_argument("--date", metavar="YYYY-MM-DD", help=QT_TRANSLATE_NOOP(
        "Cli", "date printed on the evaluation report (default: today; the notice carries its first day)"))
    report.set_defaults(func=cmd_report)


def _competition_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("competition", metavar="COMPETITION", help=QT_TRANSLATE_NOOP(
        "Cli", "the competition's number, name or part of its name"))


def _tender_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tender", metavar="TENDER_CODE", help=QT_TRANSLATE_NOOP(
        "Cli", "the tender's code (e.g. ZB2026-01) or number"))


def _add_add_parser(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    add = actions.add_parser("add", help=QT_TRANSLATE_NOOP("Cli", "publish a tender project in a bidding competition"))
    _competition_argument(add)
    add.add_argument("--code", required=True, metavar="CODE", help=QT_TRANSLATE_NOOP("Cli", "the tender's code"))
    add.add_argument("--name", required=True, metavar="NAME", help=QT_TRANSLATE_NOOP("Cli", "the project's name"))
    add.add_argument("--ceiling", required=True, metavar="YUAN",
                     help=QT_TRANSLATE_NOOP("Cli", "the ceiling price (最高限价)"))
    add.add_argument("--price-points", required=True, metavar="N", help=QT_TRANSLATE_NOOP(
        "Cli", "the points of the price score, 0 to 100 (the panel has the rest)"))
    add.add_argument("--domain", default=ServiceDomain.OTHER.value, choices=[d.value for d in ServiceDomain],
                     help=QT_TRANSLATE_NOOP("Cli", "the service domain"))
    add.add_argument("--from", dest="service_from", metavar="YYYY-MM-DD",
                     help=QT_TRANSLATE_NOOP("Cli", "the first day of the service"))
    add.add_argument("--until", metavar="YYYY-MM-DD", help=QT_TRANSLATE_NOOP("Cli", "the last day of the service"))
    add.add_argument("--qualifications", default="", metavar="TEXT",
                     help=QT_TRANSLATE_NOOP("Cli", "what a bidder must hold"))
    add.add_argument("--description", default="", metavar="TEXT",
                     help=QT_TRANSLATE_NOOP("Cli", "what the service is"))
    add.add_argument("--need", type=int, nargs="+", metavar="ID",
                     help=QT_TRANSLATE_NOOP("Cli", "the community needs it answers"))
    add.set_defaults(func=cmd_add)


def _add_decision_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    award = actions.add_parser("award", help=QT_TRANSLATE_NOOP(
        "Cli", "award the tender to a bid (at its price), or close it with no winner"))
    _tender_argument(award)
    who = award.add_mutually_exclusive_group(required=True)
    who.add_argument("--proposal", type=int, metavar="ID", help=QT_TRANSLATE_NOOP("Cli", "the winning bid"))
    who.add_argument("--none", action="store_true", help=QT_TRANSLATE_NOOP("Cli", "no winner (流标)"))
    award.add_argument("--reason", default="", metavar="TEXT", help=QT_TRANSLATE_NOOP(
        "Cli", "why: required for no winner or a winner other than the first-ranked bid"))
    award.set_defaults(func=cmd_award)
    single = actions.add_parser("single", help=QT_TRANSLATE_NOOP(
        "Cli", "accept or reject the only valid bid (judged on necessity and feasibility)"))
    _tender_argument(single)
    choice = single.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", action="store_true", help=QT_TRANSLATE_NOOP("Cli", "accept the bid"))
    choice.add_argument("--reject", action="store_true", help=QT_TRANSLATE_NOOP("Cli", "reject the bid"))
    single.add_argument("--reason", required=True, metavar="TEXT",
                        help=QT_TRANSLATE_NOOP("Cli", "the panel's reason"))
    single.set_defaults(func=cmd_single)


def _add_notice_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notice = actions.add_parser("notice", help=QT_TRANSLATE_NOOP(
        "Cli", "publish the result notice (中标结果公示) with its period"))
    _tender_argument(notice)
    notice.add_argument("--from", dest="notice_from", required=True, metavar="YYYY-MM-DD",
                        help=QT_TRANSLATE_NOOP("Cli", "the notice's first day"))
    notice.add_argument("--until", required=True, metavar="YYYY-MM-DD",
                        help=QT_TRANSLATE_NOOP("Cli", "the notice's last day"))
    notice.set_defaults(func=cmd_notice)
    objection = actions.add_parser("object", help=QT_TRANSLATE_NOOP(
        "Cli", "record the objection raised during the notice"))
    _tender_argument(objection)
    objection.add_argument("--text", required=True, metavar="TEXT", help=QT_TRANSLATE_NOOP("Cli", "the objection"))
    objection.add_argument("--on", metavar="YYYY-MM-DD",
                           help=QT_TRANSLATE_NOOP("Cli", "the day it was raised (default: today)"))
    objection.set_defaults(func=cmd_object)
    resolve = actions.add_parser("resolve", help=QT_TRANSLATE_NOOP("Cli", "record how the objection was resolved"))
    _tender_argument(resolve)
    resolve.add_argument("--text", required=True, metavar="TEXT", help=QT_TRANSLATE_NOOP("Cli", "the resolution"))
    resolve.set_defaults(func=cmd_resolve)

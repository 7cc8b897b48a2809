"""`psp funding …`: awards, agreements, tranche schedules, payments and the finance reports from the command line.

Every command goes through the services (allocation, tranches, matching, finance, funding_printouts), which check
the signed-in person's permission: a staff member paying or a viewer allocating is refused with the service's
message (exit status 2). Amounts are yuan as staff write them ("50000", "5万", "1,234.50"); dates are ISO.
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .enums import AwardLevel, AwardStatus, GateKind, ServiceDomain, TrancheStatus
from .errors import QT_TRANSLATE_NOOP, ValidationError
from .money import MoneyError, format_yuan, parse_yuan

Translate = Callable[[str, str], str]

NOT_AMOUNT = QT_TRANSLATE_NOOP("Errors", "{value} is not an amount in yuan (write it like 50000, 5万 or 1,234.50).")
NOT_DATE = QT_TRANSLATE_NOOP("Errors", "{value} is not a date (write it like 2026-03-15).")
NOT_SCORE = QT_TRANSLATE_NOOP("Errors", "{value} is not a score (write it like 75 or 82.5).")
PERCENT_ONLY = QT_TRANSLATE_NOOP("Errors", "--percent and --threshold go with --method percent.")
SEVERAL_COMPETITIONS = QT_TRANSLATE_NOOP(
    "Errors", "“{text}” fits several competitions: {names}. Give more of the name, or the number.")
BAD_TRANCHE = QT_TRANSLATE_NOOP(
    "Errors", "Tranche “{text}”: write SHARE:CONDITION, e.g. 40:agreement_signed, ¥20000:midterm_passed or "
              "30:date:2026-11-01.")
BAD_GATE = QT_TRANSLATE_NOOP("Errors", "Tranche “{text}”: {gate} is not a condition; choose from {gates}.")
BAD_SHARE = QT_TRANSLATE_NOOP(
    "Errors", "Tranche “{text}”: {share} is neither a percentage (40 or 22.5%) nor an amount (¥20000 or 2万元).")
DATE_ONLY_ON_DATE_GATE = QT_TRANSLATE_NOOP("Errors", "Tranche “{text}”: only the date condition takes a date.")

# what a person reads in the tables; English source strings translated when printed
STATUS = {AwardStatus.COMMITTED: QT_TRANSLATE_NOOP("Cli", "funded"),
          AwardStatus.SIGNED: QT_TRANSLATE_NOOP("Cli", "signed"),
          AwardStatus.COMPLETED: QT_TRANSLATE_NOOP("Cli", "completed"),
          AwardStatus.RESERVE: QT_TRANSLATE_NOOP("Cli", "reserve"),
          AwardStatus.CANCELLED: QT_TRANSLATE_NOOP("Cli", "cancelled"),
          AwardStatus.PROPOSED: QT_TRANSLATE_NOOP("Cli", "proposed"),
          None: QT_TRANSLATE_NOOP("Cli", "not funded")}
LIMIT = {"request": QT_TRANSLATE_NOOP("Cli", "limited to the amount requested"),
         "cap": QT_TRANSLATE_NOOP("Cli", "limited by the cap per project"),
         "budget_share": QT_TRANSLATE_NOOP("Cli", "limited by the share of the total budget"),
         "pool": QT_TRANSLATE_NOOP("Cli", "the pool has run out"),
         "tie": QT_TRANSLATE_NOOP("Cli", "tied at the cut; the pool cannot fund the whole tie"),
         "threshold": QT_TRANSLATE_NOOP("Cli", "score below the threshold"),
         "levels_full": QT_TRANSLATE_NOOP("Cli", "no award place left"),
         "unranked": QT_TRANSLATE_NOOP("Cli", "not ranked")}
LEVEL = {AwardLevel.FIRST: QT_TRANSLATE_NOOP("Cli", "first prize"),
         AwardLevel.SECOND: QT_TRANSLATE_NOOP("Cli", "second prize"),
         AwardLevel.THIRD: QT_TRANSLATE_NOOP("Cli", "third prize"),
         AwardLevel.EXCELLENT: QT_TRANSLATE_NOOP("Cli", "excellence award"),
         AwardLevel.NONE: ""}
TRANCHE_STATUS = {TrancheStatus.PLANNED: QT_TRANSLATE_NOOP("Cli", "planned"),
                  TrancheStatus.DUE: QT_TRANSLATE_NOOP("Cli", "due"),
                  TrancheStatus.APPROVED: QT_TRANSLATE_NOOP("Cli", "approved"),
                  TrancheStatus.PAID: QT_TRANSLATE_NOOP("Cli", "paid"),
                  TrancheStatus.WITHHELD: QT_TRANSLATE_NOOP("Cli", "withheld"),
                  TrancheStatus.CANCELLED: QT_TRANSLATE_NOOP("Cli", "cancelled"),
                  TrancheStatus.CLAWED_BACK: QT_TRANSLATE_NOOP("Cli", "clawed back")}
GATE = {GateKind.NONE: QT_TRANSLATE_NOOP("Cli", "no condition"),
        GateKind.AGREEMENT_SIGNED: QT_TRANSLATE_NOOP("Cli", "on signing"),
        GateKind.MIDTERM_PASSED: QT_TRANSLATE_NOOP("Cli", "after a passed mid-term evaluation"),
        GateKind.FINAL_PASSED: QT_TRANSLATE_NOOP("Cli", "after a passed final evaluation"),
        GateKind.DATE: QT_TRANSLATE_NOOP("Cli", "from {date}"),
        GateKind.MANUAL: QT_TRANSLATE_NOOP("Cli", "after approval")}
DOMAIN = {ServiceDomain.ELDERLY: QT_TRANSLATE_NOOP("Labels", "Elderly care"),  # the GUI's labels (ui.labels)
          ServiceDomain.CHILDREN: QT_TRANSLATE_NOOP("Labels", "Children and youth"),
          ServiceDomain.DISABILITY: QT_TRANSLATE_NOOP("Labels", "Disability support"),
          ServiceDomain.POVERTY: QT_TRANSLATE_NOOP("Labels", "Families in hardship"),
          ServiceDomain.COMMUNITY: QT_TRANSLATE_NOOP("Labels", "Community governance"),
          ServiceDomain.CULTURE: QT_TRANSLATE_NOOP("Labels", "Culture and sports"),
          ServiceDomain.ENVIRONMENT: QT_TRANSLATE_NOOP("Labels", "Environment"),
          ServiceDomain.HEALTH: QT_TRANSLATE_NOOP("Labels", "Health"),
          ServiceDomain.VOLUNTEER: QT_TRANSLATE_NOOP("Labels", "Volunteering"),
          ServiceDomain.OTHER: QT_TRANSLATE_NOOP("Labels", "Other")}
BY_HEADER = {"competition": QT_TRANSLATE_NOOP("Cli", "Competition"),
             "organization": QT_TRANSLATE_NOOP("Cli", "Organization"),
             "domain": QT_TRANSLATE_NOOP("Cli", "Service domain"),
             "community": QT_TRANSLATE_NOOP("Cli", "Community")}


# --- shared helpers ----------------------------------------------------------------------------------------------


def _database(args: argparse.Namespace) -> Any:
    from . import cli

    return cli._open(args, create=False, sign_in=True)  # reading awards and tranches takes results.read too


def _translator() -> Translate:
    from . import cli

    return cli._translator()


def _yuan(text: str) -> int:
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        raise ValidationError(NOT_AMOUNT, value=text) from exc


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(NOT_DATE, value=text) from exc


def _competition(db: Any, text: str) -> int:
    """By number or exact name (results_export.find_competition), else by a fragment of the name that fits one."""
    from .services import lists, results_export

    try:
        return results_export.find_competition(db, text)
    except ValidationError:
        fragment = text.strip()
        found = [c for c in lists.competitions(db) if fragment and fragment in c.name]
        if fragment.isdigit() or not found:
            raise
        if len(found) > 1:
            raise ValidationError(SEVERAL_COMPETITIONS, text=fragment,
                                  names="、".join(f"{c.id} {c.name}" for c in found)) from None
        return found[0].id


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> None:
    """Columns aligned for a terminal (Chinese characters count double); numbers in `right` columns align right."""
    widths = [max(_width(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    for row in (headers, *rows):
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(str(cell)))
            cells.append(pad + str(cell) if i in right else str(cell) + pad)
        print("  ".join(cells).rstrip())


def _gate_text(t: Translate, gate: GateKind, on: dt.date | None) -> str:
    return t("Cli", GATE[gate]).format(date=on.isoformat() if on else "?")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# --- allocation and awards ---------------------------------------------------------------------------------------


def cmd_allocate(args: argparse.Namespace) -> int:
    """The allocation the rules give from the final ranking; with --commit it is written."""
    from .services import allocation, rankings

    method = allocation.Method(args.method)
    if method is not allocation.Method.PERCENT and (args.percent is not None or args.threshold is not None):
        raise ValidationError(PERCENT_ONLY)
    threshold = _score(args.threshold)
    database = _database(args)
    try:
        cid = _competition(database, args.competition)
        rules = allocation.rules_of(database, cid, method, percent=args.percent or 100, threshold=threshold)
        lines = allocation.propose(database, cid, rules)
        names = rankings.final_report(database, cid).names
        existing = allocation.awards(database, cid)
        if args.commit:
            allocation.commit(database, cid, lines)
            existing = allocation.awards(database, cid)
        pool = allocation.pool(database, cid)
    finally:
        database.close()
    t = _translator()
    _print_lines(t, lines, names, {a.proposal_id: a.award_id for a in existing} if args.commit else {})
    if args.commit:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Written: {funded} awards, {reserve} on the reserve list.")).format(
            funded=sum(ln.status is AwardStatus.COMMITTED for ln in lines),
            reserve=sum(ln.status is AwardStatus.RESERVE for ln in lines)))
        _print_pool(t, pool.pool_fen, pool.committed_fen, pool.remaining_fen)
    else:
        _print_dry_run(t, lines, pool, existing)
    return 0


def _print_dry_run(t: Translate, lines: Sequence[Any], pool: Any, existing: Sequence[Any]) -> None:
    """The pool as this allocation would leave it, and what --commit would meet."""
    proposed = sum(ln.amount_fen for ln in lines if ln.status is AwardStatus.COMMITTED)
    _print_pool(t, pool.pool_fen, proposed, pool.pool_fen - proposed)
    if any(a.status not in (AwardStatus.COMMITTED, AwardStatus.RESERVE, AwardStatus.PROPOSED) for a in existing):
        print(t("Errors", QT_TRANSLATE_NOOP(  # --commit would be refused: say so now
            "Errors", "Agreements have been signed in this competition: change single awards instead of allocating "
                      "again.")))
    elif pool.committed_fen:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Committed now: {amount} yuan (an allocation written earlier, "
                                                "replaced by --commit while no agreement is signed).")).format(
            amount=format_yuan(pool.committed_fen)))
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Nothing was written: add --commit to write this allocation.")))


def _score(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValidationError(NOT_SCORE, value=text) from exc
    if not value.is_finite():
        raise ValidationError(NOT_SCORE, value=text)
    return value


def _print_lines(t: Translate, lines: Sequence[Any], names: Any, awards: dict[int, int]) -> None:
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Rank"), QT_TRANSLATE_NOOP("Cli", "Intake no."),
        QT_TRANSLATE_NOOP("Cli", "Organization"), QT_TRANSLATE_NOOP("Cli", "Score"),
        QT_TRANSLATE_NOOP("Cli", "Level"), QT_TRANSLATE_NOOP("Cli", "Requested"),
        QT_TRANSLATE_NOOP("Cli", "Award"), QT_TRANSLATE_NOOP("Cli", "Status"), QT_TRANSLATE_NOOP("Cli", "Why"))]
    rows = []
    for ln in lines:
        name = names.get(ln.proposal_id)
        rows.append([str(ln.rank or ""), name.intake_number if name else "", name.organization if name else "",
                     "" if ln.score is None else str(ln.score), t("Cli", LEVEL[ln.level]) if LEVEL[ln.level] else "",
                     format_yuan(ln.requested_fen),
                     format_yuan(ln.amount_fen) if ln.status else "", t("Cli", STATUS[ln.status]),
                     t("Cli", LIMIT[str(ln.limit)]) if str(ln.limit) else ""])
    right = (0, 3, 5, 6)
    if awards:
        headers.insert(0, t("Cli", QT_TRANSLATE_NOOP("Cli", "Award no.")))
        rows = [[str(awards.get(ln.proposal_id, "")), *row] for ln, row in zip(lines, rows, strict=True)]
        right = (0, 1, 4, 6, 7)
    _print_table(headers, rows, right)


def _print_pool(t: Translate, pool: int, committed: int, remaining: int) -> None:
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Pool: {pool} yuan; committed: {committed} yuan; remaining: "
                                            "{remaining} yuan")).format(
        pool=format_yuan(pool), committed=format_yuan(committed), remaining=format_yuan(remaining)))


def cmd_adjust(args: argparse.Namespace) -> int:
    from .services import allocation

    amount = _yuan(args.amount)
    level = AwardLevel(args.level) if args.level else None
    database = _database(args)
    try:
        allocation.adjust(database, args.award_id, amount, args.reason, level=level)
    finally:
        database.close()
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Award {award}: now {amount} yuan.")).format(
        award=args.award_id, amount=format_yuan(amount)))
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    from .services import allocation

    database = _database(args)
    try:
        allocation.cancel(database, args.award_id, args.reason)
    finally:
        database.close()
    print(_translator()("Cli", QT_TRANSLATE_NOOP(
        "Cli", "Award {award}: cancelled; its unpaid tranches are cancelled too.")).format(award=args.award_id))
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from .services import tranches

    signed_on = _day(args.date)
    assert signed_on is not None
    database = _database(args)
    try:
        number = tranches.sign(database, args.award_id, signed_on, args.number)
    finally:
        database.close()
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Award {award}: agreement {number} signed on {date}."))
          .format(award=args.award_id, number=number, date=signed_on.isoformat()))
    return 0


# --- schedules ---------------------------------------------------------------------------------------------------


def cmd_schedule(args: argparse.Namespace) -> int:
    """Replace an award's tranche schedule with a template or with --tranche SHARE:CONDITION[:DATE] steps."""
    from .services import finance, tranches

    steps = list(tranches.TEMPLATES[args.template][1]) if args.template else [_step(text) for text in args.tranche]
    problem = tranches.schedule_problem(steps)  # checked before anyone is asked to sign in
    if problem:
        raise problem
    database = _database(args)
    try:
        tranches.set_schedule(database, args.award_id, steps)
        found = sorted((r for r in finance.rows(database) if r.award_id == args.award_id), key=lambda r: r.seq)
    finally:
        database.close()
    t = _translator()
    total = sum(r.amount_fen for r in found)
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Award {award}: {amount} yuan in {count} tranches.")).format(
        award=args.award_id, amount=format_yuan(total), count=len(found)))
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Tranche no."), QT_TRANSLATE_NOOP("Cli", "Tranche"),
        QT_TRANSLATE_NOOP("Cli", "Share"), QT_TRANSLATE_NOOP("Cli", "Amount"),
        QT_TRANSLATE_NOOP("Cli", "Condition"), QT_TRANSLATE_NOOP("Cli", "Expected"))]
    rows = [[str(r.tranche_id), f"{r.seq}/{r.count}", _share_text(t, step), format_yuan(r.amount_fen),
             _gate_text(t, r.gate, r.gate_date), _iso(r.due_on)] for r, step in zip(found, steps, strict=True)]
    _print_table(headers, rows, right=(0, 2, 3))
    return 0


def _share_text(t: Translate, step: Any) -> str:
    if step.percent_x100 is None:
        return t("Cli", QT_TRANSLATE_NOOP("Cli", "fixed"))
    return f"{step.percent_x100 // 100}%" if step.percent_x100 % 100 == 0 else f"{step.percent_x100 / 100:g}%"


def _step(text: str) -> Any:
    """`40:agreement_signed`, `¥20000:midterm_passed`, `30:date:2026-11-01` as a schedule step."""
    from .services.tranches import Step

    share, _, rest = text.partition(":")
    gate_text, _, date_text = rest.partition(":")
    if not share.strip() or not gate_text.strip():
        raise ValidationError(BAD_TRANCHE, text=text)
    try:
        gate = GateKind(gate_text.strip().lower())
    except ValueError:
        raise ValidationError(BAD_GATE, text=text, gate=gate_text.strip(),
                              gates=", ".join(g.value for g in GateKind)) from None
    if date_text and gate is not GateKind.DATE:
        raise ValidationError(DATE_ONLY_ON_DATE_GATE, text=text)
    percent_x100, amount_fen = _share(share.strip(), text)
    return Step(percent_x100=percent_x100, amount_fen=amount_fen, gate=gate, gate_date=_day(date_text or None))


def _share(share: str, text: str) -> tuple[int | None, int | None]:
    """(percent ×100, None) for `40` or `22.5%`; (None, fen) for `¥20000`, `2万` or `20000元`."""
    if share[0] in "¥￥" or share[-1] in "元万":
        try:
            return None, parse_yuan(share)
        except MoneyError:
            raise ValidationError(BAD_SHARE, text=text, share=share) from None
    try:
        x100 = Decimal(share.removesuffix("%").strip()) * 100
    except InvalidOperation:
        raise ValidationError(BAD_SHARE, text=text, share=share) from None
    if not x100.is_finite() or x100 != x100.to_integral_value():
        raise ValidationError(BAD_SHARE, text=text, share=share)
    return int(x100), None


# --- gates and money ---------------------------------------------------------------------------------------------


def _tranche_row(db: Any, tranche_id: int) -> Any:
    from .services import finance

    return next((r for r in finance.rows(db) if r.tranche_id == tranche_id), None)


def _after_tranche_change(args: argparse.Namespace, change: Callable[[Any], object]) -> object:
    """Runs the change, then prints where the tranche stands: `Tranche 12 (2/3, 某机构): 40,000.00 yuan, due`."""
    database = _database(args)
    try:
        result = change(database)
        row = _tranche_row(database, args.tranche_id)
    finally:
        database.close()
    if row is not None:
        t = _translator()
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Tranche {tranche} ({seq}/{count}, {organization}): {amount} yuan, "
                                                "{status}")).format(
            tranche=row.tranche_id, seq=row.seq, count=row.count, organization=row.organization,
            amount=format_yuan(row.amount_fen), status=t("Cli", TRANCHE_STATUS[row.status])))
    return result


def cmd_gate(args: argparse.Namespace) -> int:
    from .services import tranches

    on = _day(args.date)
    _after_tranche_change(args, lambda db: tranches.decide_gate(db, args.tranche_id, args.met, args.reason, on=on))
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from .services import tranches

    _after_tranche_change(args, lambda db: tranches.approve(db, args.tranche_id))
    return 0


def cmd_pay(args: argparse.Namespace) -> int:
    from .services import tranches

    paid_on = _day(args.date)
    payment = _after_tranche_change(
        args, lambda db: tranches.pay(db, args.tranche_id, paid_on, args.voucher, args.note))
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Payment {payment}: paid on {date}, voucher {voucher}."))
          .format(payment=payment, date=_iso(paid_on), voucher=args.voucher.strip()))
    return 0


def cmd_withhold(args: argparse.Namespace) -> int:
    from .services import tranches

    _after_tranche_change(args, lambda db: tranches.withhold(db, args.tranche_id, args.reason))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .services import tranches

    _after_tranche_change(args, lambda db: tranches.release(db, args.tranche_id, args.reason))
    return 0


def cmd_cancel_tranche(args: argparse.Namespace) -> int:
    from .services import tranches

    _after_tranche_change(args, lambda db: tranches.cancel(db, args.tranche_id, args.reason))
    return 0


def cmd_clawback(args: argparse.Namespace) -> int:
    from .services import tranches

    amount, decided_on = _yuan(args.amount), _day(args.date)
    clawback = _after_tranche_change(
        args, lambda db: tranches.claw_back(db, args.tranche_id, amount, args.reason, decided_on))
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "Clawback {clawback}: {amount} yuan to be returned.")).format(
        clawback=clawback, amount=format_yuan(amount)))
    return 0


def cmd_returned(args: argparse.Namespace) -> int:
    from .services import tranches

    returned_on = _day(args.date)
    assert returned_on is not None
    amount = _after_tranche_change(args, lambda db: tranches.recovered(db, args.tranche_id, returned_on))
    print(_translator()("Cli", QT_TRANSLATE_NOOP("Cli", "{amount} yuan recorded as returned.")).format(
        amount=format_yuan(int(amount))))  # type: ignore[call-overload]
    return 0


def cmd_matching(args: argparse.Namespace) -> int:
    from .services import matching

    amount, received_on = _yuan(args.amount), _day(args.date)
    assert received_on is not None
    database = _database(args)
    try:
        receipt = matching.receive(database, args.award_id, amount, received_on, args.source, args.note)
        row = next((r for r in matching.status(database) if r.award_id == args.award_id), None)
    finally:
        database.close()
    t = _translator()
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Receipt {receipt}: {amount} yuan of matching funds on {date}.")).format(
        receipt=receipt, amount=format_yuan(amount), date=received_on.isoformat()))
    if row is not None:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Award {award}: {received} of {committed} yuan of matching funds "
                                                "received.")).format(
            award=args.award_id, received=format_yuan(row.received_fen), committed=format_yuan(row.committed_fen)))
    return 0


# --- reports and papers ------------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """The tranche list of a view, or its totals by a dimension, or its month-by-month cash flow; --xlsx saves the
    payment list workbook instead."""
    from .services import finance

    database = _database(args)
    try:
        cid = _competition(database, args.competition) if args.competition else None
        found = finance.rows(database, competition_id=cid, view=finance.View(args.view))
    finally:
        database.close()
    t = _translator()
    if args.xlsx:
        count = finance.export_payment_list(found, Path(args.xlsx))
        print(args.xlsx)
        print(f"rows: {count}")
    elif not found:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No tranches.")))
    elif args.cash_flow:
        _print_cash_flow(t, finance.cash_flow_of(found))
    elif args.by:
        _print_totals(t, finance.totals_of(found, finance.Dimension(args.by)), args.by)
    else:
        _print_tranches(t, found, with_competition=cid is None)
    return 0


def _print_tranches(t: Translate, found: Sequence[Any], *, with_competition: bool) -> None:
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Tranche no."), QT_TRANSLATE_NOOP("Cli", "Award no."),
        QT_TRANSLATE_NOOP("Cli", "Agreement"), QT_TRANSLATE_NOOP("Cli", "Organization"),
        QT_TRANSLATE_NOOP("Cli", "Tranche"), QT_TRANSLATE_NOOP("Cli", "Condition"),
        QT_TRANSLATE_NOOP("Cli", "Amount"), QT_TRANSLATE_NOOP("Cli", "Status"),
        QT_TRANSLATE_NOOP("Cli", "Expected"), QT_TRANSLATE_NOOP("Cli", "Paid on"),
        QT_TRANSLATE_NOOP("Cli", "Voucher"), QT_TRANSLATE_NOOP("Cli", "Note"))]
    rows = [[str(r.tranche_id), str(r.award_id), r.agreement_number, r.organization, f"{r.seq}/{r.count}",
             _gate_text(t, r.gate, r.gate_date), format_yuan(r.amount_fen), t("Cli", TRANCHE_STATUS[r.status]),
             _iso(r.due_on), _iso(r.paid_on), r.voucher, r.reason or r.gate_note] for r in found]
    if with_competition:
        headers.insert(0, t("Cli", BY_HEADER["competition"]))
        rows = [[r.competition, *row] for r, row in zip(found, rows, strict=True)]
    _print_table(headers, rows, right=(1, 2, 7) if with_competition else (0, 1, 6))
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "{count} tranches, {amount} yuan")).format(
        count=len(found), amount=format_yuan(sum(r.amount_fen for r in found))))


def _print_totals(t: Translate, totals: Sequence[Any], by: str) -> None:
    headers = [t("Cli", h) for h in (
        BY_HEADER[by], QT_TRANSLATE_NOOP("Cli", "Awards"), QT_TRANSLATE_NOOP("Cli", "Committed"),
        QT_TRANSLATE_NOOP("Cli", "Paid"), QT_TRANSLATE_NOOP("Cli", "Owed"), QT_TRANSLATE_NOOP("Cli", "Withheld"),
        QT_TRANSLATE_NOOP("Cli", "Clawed back"), QT_TRANSLATE_NOOP("Cli", "Unpaid"))]
    rows = [[_key_text(t, x.key, by), str(x.awards), *(format_yuan(v) for v in (
        x.committed_fen, x.paid_fen, x.owed_fen, x.withheld_fen, x.clawed_back_fen, x.unpaid_fen))]
        for x in totals]
    _print_table(headers, rows, right=range(1, 8))


def _key_text(t: Translate, key: str, by: str) -> str:
    if by == "domain" and key in DOMAIN:
        return t("Labels", DOMAIN[ServiceDomain(key)])
    return key or t("Cli", QT_TRANSLATE_NOOP("Cli", "(none)"))


def _print_cash_flow(t: Translate, months: Sequence[Any]) -> None:
    headers = [t("Cli", h) for h in (
        QT_TRANSLATE_NOOP("Cli", "Month"), QT_TRANSLATE_NOOP("Cli", "Planned"), QT_TRANSLATE_NOOP("Cli", "Paid"),
        QT_TRANSLATE_NOOP("Cli", "Planned to date"), QT_TRANSLATE_NOOP("Cli", "Paid to date"))]
    rows, planned, paid = [], 0, 0
    for m in months:
        planned, paid = planned + m.planned_fen, paid + m.paid_fen
        rows.append([f"{m.month:%Y-%m}", format_yuan(m.planned_fen), format_yuan(m.paid_fen), format_yuan(planned),
                     format_yuan(paid)])
    _print_table(headers, rows, right=(1, 2, 3, 4))


def cmd_agreement(args: argparse.Namespace) -> int:
    """资助协议 of a funded award, as a PDF."""
    from .services import funding_printouts

    return _write_document(args, lambda db: funding_printouts.agreement_pdf(db, args.award_id, args.date))


def cmd_notice(args: argparse.Namespace) -> int:
    """拨款通知单 of a tranche whose condition is met (or that was paid), as a PDF."""
    from .services import funding_printouts

    return _write_document(args, lambda db: funding_printouts.disbursement_notice_pdf(db, args.tranche_id, args.date))


def _write_document(args: argparse.Namespace, make: Callable[[Any], bytes]) -> int:
    from .documents import write_pdf

    database = _database(args)
    try:
        data = make(database)
    finally:
        database.close()
    print(write_pdf(data, Path(args.out)))
    return 0


# --- the parsers -------------------------------------------------------------------------------------------------


def add_funding_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    funding = sub.add_parser("funding", help=QT_TRANSLATE_NOOP(
        "Cli", "awards, agreements, tranches, payments and finance reports (资金拨付)"))
    actions = funding.add_subparsers(dest="funding_command", required=True)
    _add_award_parsers(actions)
    _add_schedule_parser(actions)
    _add_money_parsers(actions)
    _add_report_parsers(actions)


def _reason(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, metavar="TEXT",
                        help=QT_TRANSLATE_NOOP("Cli", "why (it goes into the change log)"))


def _add_award_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    allocate = actions.add_parser("allocate", help=QT_TRANSLATE_NOOP(
        "Cli", "propose who gets how much from the final ranking; --commit writes it"))
    allocate.add_argument("competition", metavar="COMPETITION",
                          help=QT_TRANSLATE_NOOP("Cli", "the competition's number, name or part of its name"))
    allocate.add_argument("--method", choices=("requested", "levels", "percent"), default="requested",
                          help=QT_TRANSLATE_NOOP("Cli", "fund the request, a fixed amount per award level, or a "
                                                        "percentage of the request (default: requested)"))
    allocate.add_argument("--percent", type=int, metavar="N",
                          help=QT_TRANSLATE_NOOP("Cli", "with --method percent: the share of the request funded"))
    allocate.add_argument("--threshold", metavar="SCORE",
                          help=QT_TRANSLATE_NOOP("Cli", "with --method percent: the lowest final score funded"))
    allocate.add_argument("--commit", action="store_true", help=QT_TRANSLATE_NOOP(
        "Cli", "write the awards and the reserve list (replacing an allocation while nothing is signed)"))
    allocate.set_defaults(func=cmd_allocate)
    adjust = actions.add_parser("adjust", help=QT_TRANSLATE_NOOP(
        "Cli", "change an award's amount (a reserve award is funded this way)"))
    adjust.add_argument("award_id", type=int, metavar="AWARD_ID")
    adjust.add_argument("amount", metavar="AMOUNT", help=QT_TRANSLATE_NOOP("Cli", "the new amount in yuan"))
    _reason(adjust)
    adjust.add_argument("--level", choices=[level.value for level in AwardLevel],
                        help=QT_TRANSLATE_NOOP("Cli", "the award level"))
    adjust.set_defaults(func=cmd_adjust)
    cancel = actions.add_parser("cancel", help=QT_TRANSLATE_NOOP(
        "Cli", "cancel an award (its unpaid tranches are cancelled; paid money stays paid)"))
    cancel.add_argument("award_id", type=int, metavar="AWARD_ID")
    _reason(cancel)
    cancel.set_defaults(func=cmd_cancel)
    sign = actions.add_parser("sign", help=QT_TRANSLATE_NOOP("Cli", "record the signed grant agreement (资助协议)"))
    sign.add_argument("award_id", type=int, metavar="AWARD_ID")
    sign.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                      help=QT_TRANSLATE_NOOP("Cli", "the day it was signed"))
    sign.add_argument("--number", default="", metavar="N",
                      help=QT_TRANSLATE_NOOP("Cli", "the agreement number (default: the next free number)"))
    sign.set_defaults(func=cmd_sign)
    agreement = actions.add_parser("agreement", help=QT_TRANSLATE_NOOP(
        "Cli", "save an award's grant agreement (资助协议) as PDF"))
    _document_arguments(agreement, "award_id")
    agreement.set_defaults(func=cmd_agreement)


def _add_schedule_parser(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .services.tranches import TEMPLATES

    schedule = actions.add_parser("schedule", help=QT_TRANSLATE_NOOP(
        "Cli", "replace an award's tranche schedule and show the split"))
    schedule.add_argument("award_id", type=int, metavar="AWARD_ID")
    how = schedule.add_mutually_exclusive_group(required=True)
    how.add_argument("--template", choices=list(TEMPLATES), help=QT_TRANSLATE_NOOP(
        "Cli", "a usual split: 50/50, 50/30/20 and 40/40/20 on signing and after the evaluations, or 10 percent on "
               "signing then each quarter"))
    how.add_argument("--tranche", action="append", metavar="SHARE:CONDITION", help=QT_TRANSLATE_NOOP(
        "Cli", "one tranche, in order, repeatable: a percentage or ¥amount, then agreement_signed, midterm_passed, "
               "final_passed, manual, none or date:YYYY-MM-DD (e.g. 40:agreement_signed, 30:date:2026-11-01)"))
    schedule.set_defaults(func=cmd_schedule)


def _add_money_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    gate = actions.add_parser("gate", help=QT_TRANSLATE_NOOP(
        "Cli", "decide an evaluation or approval condition: met makes the tranche due, failed withholds it"))
    gate.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    decision = gate.add_mutually_exclusive_group(required=True)
    decision.add_argument("--met", dest="met", action="store_true", default=None,
                          help=QT_TRANSLATE_NOOP("Cli", "the condition is met"))
    decision.add_argument("--failed", dest="met", action="store_false",
                          help=QT_TRANSLATE_NOOP("Cli", "the condition failed"))
    _reason(gate)
    gate.add_argument("--date", metavar="YYYY-MM-DD",
                      help=QT_TRANSLATE_NOOP("Cli", "the day it was decided (default: today)"))
    gate.set_defaults(func=cmd_gate)
    approve = actions.add_parser("approve", help=QT_TRANSLATE_NOOP("Cli", "approve a due tranche for payment"))
    approve.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    approve.set_defaults(func=cmd_approve)
    pay = actions.add_parser("pay", help=QT_TRANSLATE_NOOP("Cli", "record the payment of an approved tranche"))
    pay.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    pay.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                     help=QT_TRANSLATE_NOOP("Cli", "the day it was paid"))
    pay.add_argument("--voucher", required=True, metavar="V",
                     help=QT_TRANSLATE_NOOP("Cli", "the voucher (凭证) number"))
    pay.add_argument("--note", default="", metavar="N", help=QT_TRANSLATE_NOOP("Cli", "a note"))
    pay.set_defaults(func=cmd_pay)
    for name, func, text in (
        ("withhold", cmd_withhold, QT_TRANSLATE_NOOP("Cli", "stop a tranche until it is released")),
        ("release", cmd_release, QT_TRANSLATE_NOOP("Cli", "lift a withholding")),
        ("cancel-tranche", cmd_cancel_tranche,
         QT_TRANSLATE_NOOP("Cli", "cancel a tranche that will not be paid (its money goes back to the pool)")),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
        _reason(action)
        action.set_defaults(func=func)
    clawback = actions.add_parser("clawback", help=QT_TRANSLATE_NOOP("Cli", "ask paid money back (追回)"))
    clawback.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    clawback.add_argument("amount", metavar="AMOUNT", help=QT_TRANSLATE_NOOP("Cli", "the amount in yuan"))
    _reason(clawback)
    clawback.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                          help=QT_TRANSLATE_NOOP("Cli", "the day it was decided"))
    clawback.set_defaults(func=cmd_clawback)
    returned = actions.add_parser("returned", help=QT_TRANSLATE_NOOP(
        "Cli", "record that clawed-back money of a tranche has come back"))
    returned.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    returned.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                          help=QT_TRANSLATE_NOOP("Cli", "the day it came back"))
    returned.set_defaults(func=cmd_returned)
    matching = actions.add_parser("matching", help=QT_TRANSLATE_NOOP(
        "Cli", "record matching funds (配套资金) the organization received"))
    matching.add_argument("award_id", type=int, metavar="AWARD_ID")
    matching.add_argument("amount", metavar="AMOUNT", help=QT_TRANSLATE_NOOP("Cli", "the amount in yuan"))
    matching.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                          help=QT_TRANSLATE_NOOP("Cli", "the day it was received"))
    matching.add_argument("--source", required=True, metavar="S",
                          help=QT_TRANSLATE_NOOP("Cli", "where the money came from"))
    matching.add_argument("--note", default="", metavar="N", help=QT_TRANSLATE_NOOP("Cli", "a note"))
    matching.set_defaults(func=cmd_matching)


def _add_report_parsers(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = actions.add_parser("report", help=QT_TRANSLATE_NOOP(
        "Cli", "list tranches, totals or the cash flow; --xlsx saves the payment list (拨付清单)"))
    report.add_argument("competition", nargs="?", metavar="COMPETITION",
                        help=QT_TRANSLATE_NOOP("Cli", "the competition's number, name or part of its name "
                                                      "(default: all)"))
    report.add_argument("--view", choices=("all", "due_month", "overdue", "withheld", "paid"), default="all",
                        help=QT_TRANSLATE_NOOP("Cli", "which tranches: all, owed by this month, overdue, withheld "
                                                      "or paid (default: all)"))
    shape = report.add_mutually_exclusive_group()
    shape.add_argument("--by", choices=("competition", "organization", "domain", "community"),
                       help=QT_TRANSLATE_NOOP("Cli", "totals by competition, organization, service domain or "
                                                     "community"))
    shape.add_argument("--cash-flow", action="store_true",
                       help=QT_TRANSLATE_NOOP("Cli", "month by month: planned against paid"))
    report.add_argument("--xlsx", metavar="FILE.xlsx",
                        help=QT_TRANSLATE_NOOP("Cli", "save the payment list workbook of these tranches"))
    report.set_defaults(func=cmd_report)
    notice = actions.add_parser("notice", help=QT_TRANSLATE_NOOP(
        "Cli", "save a tranche's disbursement notice (拨款通知单) as PDF"))
    _document_arguments(notice, "tranche_id")
    notice.set_defaults(func=cmd_notice)


def _document_arguments(parser: argparse.ArgumentParser, key: str) -> None:
    from .cli import _document_arguments as arguments  # ID, --out FILE.pdf, --date (the issue date)

    arguments(parser, key)

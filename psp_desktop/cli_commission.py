"""`psp commission add COMPETITION …` assigns a project directly to an organization (服务委托) and prints its intake
number, award and eligibility checks; `psp commission list COMPETITION` lists a programme's commissioned projects.

Both go through services.commission, which checks the signed-in person's permission (FUNDING_EDIT to add) and every
rule; a refusal (no justification, a sanction, the pool) is one line on stderr with exit status 2 and nothing
written. Amounts are in yuan (12万 or 120000), months YYYY-MM, dates ISO."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from .enums import ServiceDomain
from .errors import QT_TRANSLATE_NOOP, ValidationError
from .money import format_yuan

Translate = Callable[[str, str], str]

NOT_MONTH = QT_TRANSLATE_NOOP("Errors", "{value} is not a month (write it like 2026-06).")
NO_SUCH_CODE = QT_TRANSLATE_NOOP("Errors", "There is no organization with the credit code {code}.")
ORGANIZATION_ID = QT_TRANSLATE_NOOP("Errors", "{value} is neither an organization's number nor an 18-character "
                                              "unified social credit code.")
LIST_HEADERS = (QT_TRANSLATE_NOOP("Cli", "Intake no."), QT_TRANSLATE_NOOP("Cli", "Project"),
                QT_TRANSLATE_NOOP("Cli", "Organization"), QT_TRANSLATE_NOOP("Cli", "Service domain"),
                QT_TRANSLATE_NOOP("Cli", "Amount (yuan)"), QT_TRANSLATE_NOOP("Cli", "Approved by"),
                QT_TRANSLATE_NOOP("Cli", "Decided on"), QT_TRANSLATE_NOOP("Cli", "Status"))


def add_commission_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("commission", help=QT_TRANSLATE_NOOP(
        "Cli", "project commission (服务委托): assign a project directly, list a programme's projects"))
    actions = parser.add_subparsers(dest="commission_command", required=True)
    add = actions.add_parser("add", help=QT_TRANSLATE_NOOP(
        "Cli", "assign a project to an organization and fund it; prints its intake number, award and checks"))
    add.add_argument("competition", metavar="COMPETITION",
                     help=QT_TRANSLATE_NOOP("Cli", "the commission programme: its number or (part of) its name"))
    add.add_argument("--organization", required=True, metavar="ID_OR_USCC",
                     help=QT_TRANSLATE_NOOP("Cli", "the organization's number or unified social credit code"))
    add.add_argument("--title", required=True, help=QT_TRANSLATE_NOOP("Cli", "the project's name"))
    add.add_argument("--domain", required=True, metavar="DOMAIN", help=QT_TRANSLATE_NOOP(
        "Cli", "the service domain (elderly, children… or its Chinese name)"))
    add.add_argument("--amount", required=True, metavar="YUAN",
                     help=QT_TRANSLATE_NOOP("Cli", "the amount commissioned, in yuan (120000 or 12万)"))
    add.add_argument("--justification", required=True,
                     help=QT_TRANSLATE_NOOP("Cli", "why this organization is assigned the project"))
    add.add_argument("--approver", required=True, help=QT_TRANSLATE_NOOP("Cli", "who approved the commission"))
    add.add_argument("--from", dest="start", metavar="YYYY-MM", help=QT_TRANSLATE_NOOP(
        "Cli", "first month of service (default: the month of the decision)"))
    add.add_argument("--until", metavar="YYYY-MM", help=QT_TRANSLATE_NOOP(
        "Cli", "last month of service (default: eleven months after the first)"))
    add.add_argument("--on", metavar="YYYY-MM-DD", help=QT_TRANSLATE_NOOP(
        "Cli", "the day of the decision (default: today)"))
    add.add_argument("--beneficiaries", type=int, default=0, metavar="N",
                     help=QT_TRANSLATE_NOOP("Cli", "direct beneficiaries"))
    add.set_defaults(func=cmd_add)
    listing = actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "a programme's commissioned projects"))
    listing.add_argument("competition", metavar="COMPETITION",
                         help=QT_TRANSLATE_NOOP("Cli", "the commission programme: its number or (part of) its name"))
    listing.set_defaults(func=cmd_list)


# --- reading the arguments -----------------------------------------------------------------------------------


def _month(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip() + "-01")
    except ValueError as exc:
        raise ValidationError(NOT_MONTH, value=text) from exc


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _organization(db: Any, text: str) -> int:
    """By number, or by the 18-character credit code."""
    from .services import organizations

    code = text.strip()
    if len(code) == 18:
        with db.read() as s:
            found = organizations.find_by_uscc(s, code)
            if found is None:
                raise ValidationError(NO_SUCH_CODE, code=code.upper())
            return int(found.id)
    if code.isdigit():
        return int(code)
    raise ValidationError(ORGANIZATION_ID, value=text)


def check_line(t: Translate, check: Any) -> str:
    from .services.commission import BLOCKING
    from .services.screening import RULE_NAMES

    name = t("Screening", RULE_NAMES.get(check.code, check.code))
    if check.passed:
        verdict = t("Cli", QT_TRANSLATE_NOOP("Cli", "passed"))
    elif check.code in BLOCKING:
        verdict = t("Cli", QT_TRANSLATE_NOOP("Cli", "failed, cannot be commissioned"))
    else:
        verdict = t("Cli", QT_TRANSLATE_NOOP("Cli", "failed (left to the justification)"))
    return f"{'✔' if check.passed else '✘'} {name}: {verdict} — {check.render(t)}"


# --- commands ------------------------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    from . import cli
    from .cli_funding import _competition, _day, _yuan
    from .cli_needs import _choice
    from .services import commission

    database = cli._open(args, create=False, sign_in=True)
    t = cli._translator()
    try:
        on = _day(args.on) or dt.date.today()
        start = _month(args.start) or on.replace(day=1)
        data = commission.CommissionInput(
            competition_id=_competition(database, args.competition),
            organization_id=_organization(database, args.organization), title=args.title,
            domain=_choice(ServiceDomain, args.domain), amount_fen=_yuan(args.amount),
            justification=args.justification, approved_by=args.approver, start_month=start,
            end_month=_month(args.until) or _months_later(start, 11), direct_beneficiaries=args.beneficiaries, on=on)
        done = commission.assign(database, data)
    finally:
        database.close()
    done_text = QT_TRANSLATE_NOOP("Cli", "Commissioned: intake number {number}, award {award}, {amount} yuan.")
    print(t("Cli", done_text).format(number=done.intake_number, award=done.award_id,
                                     amount=format_yuan(data.amount_fen)))
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "Eligibility checks on {date}:")).format(date=on.isoformat()))
    for check in done.checks:
        print("  " + check_line(t, check))
    if not done.checks:
        print("  " + t("Cli", QT_TRANSLATE_NOOP(
            "Cli", "none: the programme's rules check nothing for this organization")))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from . import cli
    from .cli_funding import STATUS, _competition, _print_table
    from .services import commission
    from .services.workbook_columns import label

    database = cli._open(args, create=False, sign_in=True)
    t = cli._translator()
    try:
        rows = commission.projects(database, _competition(database, args.competition))
    finally:
        database.close()
    if not rows:
        print(t("Cli", QT_TRANSLATE_NOOP("Cli", "No project has been commissioned in this programme yet.")))
        return 0
    _print_table([t("Cli", h) for h in LIST_HEADERS], [
        [r.intake_number, r.title, r.organization, label(r.domain), format_yuan(r.amount_fen), r.approved_by,
         r.decided_on.isoformat() if r.decided_on else "", t("Cli", STATUS[r.status])] for r in rows], right=(4,))
    print(t("Cli", QT_TRANSLATE_NOOP("Cli", "{count} projects, {amount} yuan in all.")).format(
        count=len(rows), amount=format_yuan(sum(r.amount_fen for r in rows))))
    return 0

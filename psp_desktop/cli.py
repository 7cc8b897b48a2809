"""The `psp` command: the same services as the GUI, headless. Errors are one line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .errors import QT_TRANSLATE_NOOP, PspError

PASSWORD_ENV = "PSP_PASSWORD"  # the signing-in person's password, for scripts
NEW_PASSWORD_ENV = "PSP_NEW_PASSWORD"  # a password being set with `psp users add` or `reset-password`


def _translator() -> Callable[[str, str], str]:
    """Chinese (or English with PSP_LANG=en) messages from the same Qt translations as the GUI."""
    try:
        from .i18n import cli_translator

        return cli_translator()
    except Exception:  # translations unavailable: English source text is still a clear message
        return lambda _context, text: text


def _open(args: argparse.Namespace, *, create: bool = True, sign_in: bool = False):  # type: ignore[no-untyped-def]
    """The database; with sign_in (commands that change data) or --user, someone signs in first."""
    from .db import open_database

    database = open_database(args.db, create=create)
    if sign_in or getattr(args, "user", None):
        try:
            _sign_in(args, database)
        except BaseException:
            database.close()
            raise
    return database


# --- signing in ----------------------------------------------------------------------------------------------


def _sign_in(args: argparse.Namespace, database) -> None:  # type: ignore[no-untyped-def]
    """Signs in as --user (password from PSP_PASSWORD or asked); nothing to do when someone is signed in already
    and no --user was given (the test suite's administrator)."""
    from .services import users

    if not args.user and getattr(database, "actor", None) is not None:
        return
    if not users.has_users(database):
        raise PspError(QT_TRANSLATE_NOOP("Errors", "There are no user accounts yet: create the administrator "
                                                   "with `psp init --admin NAME`."))
    name = args.user or _ask(QT_TRANSLATE_NOOP("Cli", "User name: "))
    users.sign_in(database, name, os.environ.get(PASSWORD_ENV) or _ask_secret(QT_TRANSLATE_NOOP("Cli", "Password: ")))


def _ask(prompt: str) -> str:
    _need_terminal()
    return input(_translator()("Cli", prompt)).strip()


def _ask_secret(prompt: str) -> str:
    import getpass

    _need_terminal()
    return getpass.getpass(_translator()("Cli", prompt))


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        raise PspError(QT_TRANSLATE_NOOP("Errors", "Sign in with --user NAME and the password in PSP_PASSWORD."))


def _new_password(env: str) -> str:
    """A new password from the environment variable env, or typed twice."""
    given = os.environ.get(env)
    if given:
        return given
    first = _ask_secret(QT_TRANSLATE_NOOP("Cli", "New password: "))
    if _ask_secret(QT_TRANSLATE_NOOP("Cli", "Repeat the new password: ")) != first:
        raise PspError(QT_TRANSLATE_NOOP("Errors", "The two passwords differ."))
    return first


def _first_admin(args: argparse.Namespace, database) -> None:  # type: ignore[no-untyped-def]
    """A new database's administrator: --admin NAME with PSP_PASSWORD, or asked at the terminal."""
    from .services import users

    name = args.admin
    if name is None:
        if not sys.stdin.isatty():
            print(_translator()("Cli", "No user accounts yet: create the administrator with `psp init --admin "
                                       "NAME` (the password in PSP_PASSWORD)."), file=sys.stderr)
            return
        name = _ask(QT_TRANSLATE_NOOP("Cli", "Administrator's user name: "))
    display_name = args.display_name or (name if args.admin else _ask(QT_TRANSLATE_NOOP("Cli", "Full name: ")))
    users.create_first_admin(database, name, display_name or name, _new_password(PASSWORD_ENV))
    print(f"administrator: {users.normalise_name(name)}", file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    from .services import users

    database = _open(args)
    try:
        print(database.describe())
        if not users.has_users(database):
            _first_admin(args, database)
    finally:
        database.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .services import demo, users

    database = _open(args)
    if args.replace and users.has_users(database):
        _sign_in(args, database)  # replacing the demo replaces its accounts: an administrator's decision
    summary = demo.create_demo(database, replace=args.replace)
    print(database.describe())
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .services import overview

    database = _open(args, create=False)
    print(database.describe())
    for key, value in overview.counts(database).items():
        print(f"{key}: {value}")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    """受理回执 of one proposal, as a PDF."""
    from pathlib import Path

    from .documents import write_pdf
    from .services import printouts

    database = _open(args, create=False)
    print(write_pdf(printouts.intake_receipt_pdf(database, args.proposal_id, args.date), Path(args.out)))
    return 0


def cmd_screening_list(args: argparse.Namespace) -> int:
    """资格审查结果表 of one competition, as a PDF."""
    from pathlib import Path

    from .documents import write_pdf
    from .services import printouts

    database = _open(args, create=False)
    print(write_pdf(printouts.screening_list_pdf(database, args.competition_id, args.date), Path(args.out)))
    return 0


def cmd_application_template(args: argparse.Namespace) -> int:
    """The competition's 申报书 as a Word form for organizations to fill in."""
    from pathlib import Path

    from .services import application_forms

    database = _open(args, create=False)
    try:
        print(application_forms.make_template(database, args.competition, Path(args.file)))
    finally:
        database.close()  # a server connection left to the garbage collector is a ResourceWarning
    return 0


def cmd_application_import(args: argparse.Namespace) -> int:
    """Shows what a filled-in 申报书 says, field by field; with --commit saves it as a draft proposal."""
    from pathlib import Path

    from .services import application_forms

    database = _open(args, create=False, sign_in=args.commit)
    try:
        reading = application_forms.read_application(database, args.competition, Path(args.file))
        translate = _translator()
        for line in reading.readings:
            print(_reading_line(line, translate))
        if reading.existing_organization:
            print(
                "organization: registered already as {} {}; that record is used".format(*reading.existing_organization)
            )
        if not args.commit:
            if reading.problems:  # the reasons are above; one line on stderr says it cannot be saved as it is
                print(application_forms.ApplicationNotSaved(reading.problems).headline(translate), file=sys.stderr)
                return 2
            return 0
        organization_id, proposal_id = application_forms.commit_application(database, reading)
    finally:
        database.close()
    print(f"organization: {organization_id}")
    print(f"proposal: {proposal_id} (draft)")
    return 0


def _reading_line(line, translate: Callable[[str, str], str]) -> str:  # type: ignore[no-untyped-def]
    """`read     机构名称: …`, `missing  联系人`, `invalid  成立时间: 2026-02-30 is not a date …`."""
    if line.status != "read":
        return f"{line.status:<8} {line.render(translate)}"
    value = " ".join(line.value.split())
    return f"read     {line.label}: {value if len(value) <= 60 else value[:59] + '…'}"


def _document_arguments(parser: argparse.ArgumentParser, key: str) -> None:
    import datetime as dt

    parser.add_argument(key, type=int)
    parser.add_argument(
        "--out", required=True, metavar="FILE.pdf", help=QT_TRANSLATE_NOOP("Cli", "where to save the PDF")
    )
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        metavar="YYYY-MM-DD",
        help=QT_TRANSLATE_NOOP("Cli", "date printed as the issue date (default: today)"),
    )


# --- Excel/WPS workbooks: templates, imports, exports ------------------------------------------------------


def cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .services import workbooks

    workbooks.write_template(args.kind, Path(args.file))
    print(args.file)
    return 0


def cmd_score_template(args: argparse.Namespace) -> int:
    """A round's score sheets not yet counted, one row each, to key in from paper."""
    from pathlib import Path

    from .services import workbook_scores

    database = _open(args, create=False)
    try:
        count = workbook_scores.write_template(database, args.round, Path(args.out))
    finally:
        database.close()
    print(args.out)
    print(f"rows: {count}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """All rows or none: on any problem, one line per problem on stderr, the error workbook, exit status 2."""
    from pathlib import Path

    from .services import workbooks

    database = _open(args, sign_in=True)
    translators: list[Callable[[str, str], str]] = []  # Qt's translator is loaded only when there is a problem

    def translate(context: str, text: str) -> str:
        if not translators:
            translators.append(_translator())
        return translators[0](context, text)

    result = workbooks.import_workbook(
        database,
        args.kind,
        Path(args.file),
        competition_id=getattr(args, "competition", None),
        submit=getattr(args, "submit", False),
        errors_path=Path(args.errors) if args.errors else None,
        translate=translate,
        by=getattr(args, "by", None) or _login_name(),
    )
    if args.kind == "scores":
        print(f"sheets: {result.sheets}")
        return 0
    print(f"organizations: {result.organizations}")
    if args.kind == "proposals":
        print(f"proposals: {result.proposals}")
        print(f"budget lines: {result.budget_lines}")
        for number in result.intake_numbers:
            print(f"intake number: {number}")
    return 0


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        return "psp"


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .services import workbooks

    database = _open(args, create=False)
    count = workbooks.export_list(database, args.kind, Path(args.file))
    print(args.file)
    print(f"rows: {count}")
    return 0


def _add_workbook_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    template = sub.add_parser(
        "template", help=QT_TRANSLATE_NOOP("Cli", "save an empty import workbook (.xlsx) to fill in Excel or WPS")
    )
    template_kinds = template.add_subparsers(dest="kind", required=True)
    for kind, kind_help in (
        ("organizations", QT_TRANSLATE_NOOP("Cli", "the workbook for registering organizations (机构信息)")),
        ("proposals", QT_TRANSLATE_NOOP("Cli", "the workbook for importing proposals (申报项目, 预算明细)")),
    ):
        blank = template_kinds.add_parser(kind, help=kind_help)
        blank.add_argument("file", metavar="FILE.xlsx")
        blank.set_defaults(func=cmd_template)
    score_template = template_kinds.add_parser(
        "scores", help=QT_TRANSLATE_NOOP("Cli", "a round's score sheets not yet counted, one row each, to key in")
    )
    score_template.add_argument("--round", type=int, required=True, metavar="ROUND_ID")
    score_template.add_argument("--out", required=True, metavar="FILE.xlsx")
    score_template.set_defaults(func=cmd_score_template)
    imports = sub.add_parser(
        "import", help=QT_TRANSLATE_NOOP("Cli", "import a filled-in workbook (.xlsx): every row, or none")
    )
    kinds = imports.add_subparsers(dest="kind", required=True)
    organizations = kinds.add_parser(
        "organizations", help=QT_TRANSLATE_NOOP("Cli", "register the organizations on the sheet 机构信息")
    )
    proposals = kinds.add_parser(
        "proposals", help=QT_TRANSLATE_NOOP("Cli", "import proposals (申报项目, 预算明细, new applicants 机构信息)")
    )
    proposals.add_argument("--competition", type=int, required=True, metavar="ID")
    proposals.add_argument(
        "--submit",
        action="store_true",
        help=QT_TRANSLATE_NOOP("Cli", "submit them (full validation, intake numbers) instead of saving drafts"),
    )
    scores = kinds.add_parser(
        "scores", help=QT_TRANSLATE_NOOP("Cli", "count the score sheets keyed into a score workbook (评分录入)")
    )
    scores.add_argument(
        "--by",
        metavar="NAME",
        help=QT_TRANSLATE_NOOP("Cli", "who keyed the sheets, for the change log (default: the login name)"),
    )
    for parser in (organizations, proposals, scores):
        parser.add_argument("file", metavar="FILE.xlsx")
        parser.add_argument(
            "--errors",
            metavar="ERRORS.xlsx",
            help=QT_TRANSLATE_NOOP("Cli", "where to write the error workbook (default: beside FILE)"),
        )
        parser.set_defaults(func=cmd_import)
    _add_results_command(sub)
    export = sub.add_parser("export", help=QT_TRANSLATE_NOOP("Cli", "export a list to .xlsx"))
    export.add_argument("kind", choices=("organizations", "proposals", "needs", "competitions", "judges"))
    export.add_argument("file", metavar="FILE.xlsx")
    export.set_defaults(func=cmd_export)


# --- judging results ---------------------------------------------------------------------------------------


def cmd_results(args: argparse.Namespace) -> int:
    """A round's ranking or the final ranking with every component score: csv and json to standard output unless
    --out is given; xlsx needs --out."""
    from pathlib import Path

    from .documents import write_pdf
    from .services import results_export

    out = Path(args.out) if args.out else None
    database = _open(args, create=False)
    try:
        competition = results_export.find_competition(database, args.competition)
        if args.round is None:
            results = results_export.final_results(database, competition)
        else:
            round_id = results_export.find_round(database, competition, args.round)
            results = results_export.round_results(database, round_id)
    finally:
        database.close()
    if args.format == "xlsx":
        print(results_export.write_xlsx(results, out))
        return 0
    data = results_export.to_csv(results) if args.format == "csv" else results_export.to_json(results)
    if out is not None:
        print(write_pdf(data, out))  # any bytes: written whole or not at all
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def _add_results_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    results = sub.add_parser(
        "results", help=QT_TRANSLATE_NOOP("Cli", "export judging results: a round's ranking or the final ranking")
    )
    results.add_argument(
        "competition", metavar="COMPETITION", help=QT_TRANSLATE_NOOP("Cli", "the competition's number or exact name")
    )
    results.add_argument(
        "--round",
        metavar="N",
        help=QT_TRANSLATE_NOOP("Cli", "the round (1 = the first round, or its name); without it the final ranking"),
    )
    results.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    results.add_argument(
        "--out", metavar="FILE", help=QT_TRANSLATE_NOOP("Cli", "where to save it (default: standard output)")
    )
    results.set_defaults(func=cmd_results)


# --- user accounts -----------------------------------------------------------------------------------------


def cmd_users(args: argparse.Namespace) -> int:
    """Accounts, for administrators: list, add, set roles, reset a forgotten password."""
    from .services import users

    database = _open(args, create=False, sign_in=True)
    try:
        if args.action == "list":
            for row in users.list_users(database):
                state = "active" if row.active else "switched-off"
                print(f"{row.username}\t{row.display_name}\t{'+'.join(r.value for r in row.roles)}\t{state}")
        elif args.action == "add":
            users.create_user(database, args.name, args.display_name or args.name, _new_password(NEW_PASSWORD_ENV),
                              _roles(args.roles))
            print(f"added: {users.normalise_name(args.name)}")
        elif args.action == "set-roles":
            row = users.find_user(database, args.name)
            users.update_user(database, row.id, row.row_version, roles=_roles(args.roles))
            print(f"{row.username}: {args.roles}")
        else:
            row = users.find_user(database, args.name)
            users.reset_password(database, row.id, _new_password(NEW_PASSWORD_ENV))
            print(f"password reset: {row.username}")
    finally:
        database.close()
    return 0


def _roles(text: str) -> list[Any]:
    from .enums import Role

    known = {r.value: r for r in Role}
    roles = []
    for part in filter(None, (p.strip().lower() for p in text.replace("+", ",").split(","))):
        if part not in known:
            raise PspError(QT_TRANSLATE_NOOP("Errors", "{role} is not a role; choose from {roles}."), role=part,
                           roles=", ".join(known))
        roles.append(known[part])
    return roles


def _add_users_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    accounts = sub.add_parser("users", help=QT_TRANSLATE_NOOP("Cli", "user accounts and roles (administrators)"))
    actions = accounts.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help=QT_TRANSLATE_NOOP("Cli", "list the accounts with their roles"))
    add = actions.add_parser("add", help=QT_TRANSLATE_NOOP(
        "Cli", "add an account (its password from PSP_NEW_PASSWORD, or asked)"))
    add.add_argument("name", metavar="USER")
    add.add_argument("--display-name", metavar="NAME", help=QT_TRANSLATE_NOOP("Cli", "the person's full name"))
    add.add_argument("--roles", required=True, metavar="ROLES",
                     help=QT_TRANSLATE_NOOP("Cli", "comma-separated: admin, staff, finance, judge, viewer"))
    set_roles = actions.add_parser("set-roles", help=QT_TRANSLATE_NOOP("Cli", "replace an account's roles"))
    set_roles.add_argument("name", metavar="USER")
    set_roles.add_argument("roles", metavar="ROLES",
                           help=QT_TRANSLATE_NOOP("Cli", "comma-separated: admin, staff, finance, judge, viewer"))
    reset = actions.add_parser("reset-password", help=QT_TRANSLATE_NOOP(
        "Cli", "set a new password for an account (from PSP_NEW_PASSWORD, or asked)"))
    reset.add_argument("name", metavar="USER")
    accounts.set_defaults(func=cmd_users)


class _TranslatedHelp(argparse.HelpFormatter):
    """Help texts are English source strings (context "Cli"), translated only when help is printed."""

    def _format_text(self, text: str) -> str:
        return super()._format_text(_translator()("Cli", text) if text else text)

    def _expand_help(self, action: argparse.Action) -> str:
        if action.help and action.help is not argparse.SUPPRESS:
            action = copy.copy(action)
            action.help = _translator()("Cli", action.help)
        return super()._expand_help(action)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _TranslatedHelp)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="psp", description=QT_TRANSLATE_NOOP("Cli", "PSP Desktop command line"))
    parser.add_argument("--version", action="version", version=f"psp {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=QT_TRANSLATE_NOOP(
            "Cli", "database file or URL (default: PSP_DATABASE_URL, then psp.db in the user's data directory)"
        ),
    )
    parser.add_argument(
        "--user", metavar="NAME",
        help=QT_TRANSLATE_NOOP("Cli", "sign in as this user (the password from PSP_PASSWORD, or asked)"),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser(
        "init", help=QT_TRANSLATE_NOOP("Cli", "create an empty database (or upgrade an existing one)")
    )
    init.add_argument("--admin", metavar="NAME", help=QT_TRANSLATE_NOOP(
        "Cli", "a new database's administrator (the password from PSP_PASSWORD, or asked)"))
    init.add_argument("--display-name", metavar="NAME", help=QT_TRANSLATE_NOOP("Cli", "the administrator's full name"))
    init.set_defaults(func=cmd_init)
    demo = sub.add_parser("demo", help=QT_TRANSLATE_NOOP("Cli", "create the demo database"))
    demo.add_argument(
        "--replace", action="store_true", help=QT_TRANSLATE_NOOP("Cli", "replace an existing demo's data")
    )
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("info", help=QT_TRANSLATE_NOOP("Cli", "show what the database holds")).set_defaults(func=cmd_info)
    receipt = sub.add_parser(
        "receipt", help=QT_TRANSLATE_NOOP("Cli", "save the intake receipt (受理回执) of a proposal as PDF")
    )
    _document_arguments(receipt, "proposal_id")
    receipt.set_defaults(func=cmd_receipt)
    screening_list = sub.add_parser(
        "screening-list", help=QT_TRANSLATE_NOOP("Cli", "save the screening list (资格审查结果表) as PDF")
    )
    _document_arguments(screening_list, "competition_id")
    screening_list.set_defaults(func=cmd_screening_list)
    app_template = sub.add_parser(
        "application-template",
        help=QT_TRANSLATE_NOOP("Cli", "save a competition's application form (申报书) as a Word .docx to fill in"),
    )
    app_template.add_argument("--competition", type=int, required=True, metavar="ID")
    app_template.add_argument("file", metavar="FILE.docx")
    app_template.set_defaults(func=cmd_application_template)
    app_import = sub.add_parser(
        "application-import",
        help=QT_TRANSLATE_NOOP("Cli", "read a filled-in application form (.docx) and show each field's reading"),
    )
    app_import.add_argument("--competition", type=int, required=True, metavar="ID")
    app_import.add_argument("file", metavar="FILE.docx")
    app_import.add_argument(
        "--commit",
        action="store_true",
        help=QT_TRANSLATE_NOOP(
            "Cli", "save it as a draft proposal (with its organization, found by credit code or new)"
        ),
    )
    app_import.set_defaults(func=cmd_application_import)
    _add_workbook_commands(sub)
    from .cli_backup import add_commands as add_backup_commands  # backup, restore

    add_backup_commands(sub)
    from .cli_audit import add_audit_commands  # audit verify, head, list

    add_audit_commands(sub)
    from .cli_event import add_event_commands  # event key, export, open, results, import

    add_event_commands(sub)
    from .cli_funding import add_funding_commands  # funding allocate, sign, schedule, pay, report, ...

    add_funding_commands(sub)
    from .cli_monitoring import add_monitoring_commands  # monitoring due, check, schedule, report, visit

    add_monitoring_commands(sub)
    from .cli_evaluations import add_evaluation_commands  # evaluations list, new, score, publish, object, ...

    add_evaluation_commands(sub)
    from .cli_documents import add_document_commands  # verify, documents list, void

    add_document_commands(sub)
    from .cli_needs import add_needs_commands  # needs list, import, template, coverage, add-community

    add_needs_commands(sub)
    from .cli_certificates import add_certificate_commands  # certificates COMPETITION --out DIR

    add_certificate_commands(sub)
    from .cli_capacity import add_capacity_commands  # organizations capacity ORG_ID

    add_capacity_commands(sub)
    from .cli_modes import add_mode_commands  # modes compare

    add_mode_commands(sub)
    from .cli_commission import add_commission_commands  # commission add, list

    add_commission_commands(sub)
    from .cli_tenders import add_tender_commands  # tenders list, add, bid, evaluate, award, notice, report, ...

    add_tender_commands(sub)
    _add_users_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PspError as exc:
        print(exc.render(_translator()), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `psp … | head` closed the pipe: stop quietly, as other commands do
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

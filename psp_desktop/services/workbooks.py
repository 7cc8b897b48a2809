"""Excel/WPS exchange: import templates, all-or-nothing imports of organizations and proposals, error workbooks
and exports of the list pages.

An import is two steps, so the GUI can show what it found before anything is written:
- preview_organizations() / preview_proposals() read every row and cell and run the services' own validators
  (organizations.problems_of, proposals.draft_problems or submission_problems) without writing; the ImportPreview
  lists the rows and each problem with its sheet, real Excel row number and column header;
- commit() writes everything in one transaction (bulk inserts, no per-row queries), or nothing. The checks against
  the database (credit codes already registered, applicants that must exist) run again inside that transaction.
A failed import can be written back as an error workbook: the rows as read plus a 错误说明 column, ready to fix
and import again. Messages are "Errors" source strings with {named} parameters, translated where they are shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import ProposalStatus
from ..errors import ERROR_CONTEXT, QT_TRANSLATE_NOOP, PspError, ValidationError
from ..models import BudgetLine, Competition, Organization, Proposal
from . import access, audit
from .access import Permission
from .organizations import FIELDS as ORGANIZATION_FIELDS
from .organizations import OrganizationData, normalise, problems_of
from .proposals import (
    INTAKE_OPEN,
    SCALAR_FIELDS,
    BudgetLineData,
    ProposalData,
    draft_problems,
    format_intake_number,
    submission_problems,
)
from .validation import Problem, Problems
from .workbook_columns import BUDGET, ERRORS_HEADER, NEEDS, ORGANIZATIONS, PROPOSALS, SEQ, SheetSpec
from .workbook_export import ExportKind, export_list
from .workbook_read import MISSING, Flawed, Sheet, open_workbook, read_column, read_sheet
from .workbook_write import write_error_workbook as _write_error_sheets
from .workbook_write import write_template as _write_template_sheets

__all__ = [
    "CellProblem", "ExportKind", "ImportPreview", "ImportResult", "PreviewRow", "TemplateKind", "WorkbookRejected",
    "commit", "export_list", "import_workbook", "preview_organizations", "preview_proposals", "write_error_workbook",
    "write_template",
]

Translate = Callable[[str, str], str]

LOCATED_CELL = QT_TRANSLATE_NOOP("Errors", "{sheet} row {row}, {column}: {problem}")
LOCATED_ROW = QT_TRANSLATE_NOOP("Errors", "{sheet} row {row}: {problem}")
NO_ROWS = QT_TRANSLATE_NOOP("Errors", "The sheet {sheet} has no rows to import.")
ALREADY_REGISTERED = QT_TRANSLATE_NOOP("Errors", "{code} is already registered as {name}")
REPEATED = QT_TRANSLATE_NOOP("Errors", "{value} is repeated: row {row} has it too")
UNKNOWN_ORGANIZATION = QT_TRANSLATE_NOOP(
    "Errors", "no organization with the code {code} is registered or listed on the sheet {sheet}")
UNKNOWN_PROJECT = QT_TRANSLATE_NOOP("Errors", "no project on the sheet {sheet} has the number {value}")
OTHER_TITLE = QT_TRANSLATE_NOOP("Errors", "project {value} on the sheet {sheet} is called {title}")
ERRORS_SAVED = QT_TRANSLATE_NOOP("Errors", "The rows and their problems are in {path}")
NO_COMPETITION = QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}.")
CLOSED_COMPETITION = QT_TRANSLATE_NOOP("Errors", "{competition} no longer accepts applications.")
BAD_PATTERN = QT_TRANSLATE_NOOP(
    "Errors", "The intake number pattern {pattern} is not valid; use {{year}} and {{seq:03d}}.")

_LINE_FIELD = re.compile(r"budget_lines\[(\d+)\](?:\.(\w+))?")  # budget_lines[3] or budget_lines[3].item


class TemplateKind(StrEnum):
    ORGANIZATIONS = "organizations"
    PROPOSALS = "proposals"
    SCORES = "scores"  # a round's score sheets: workbook_scores
    NEEDS = "needs"  # community needs: needs_workbook


NEW_ORGANIZATIONS_NOTE = ("可选。只填写尚未在系统中登记的申报机构（已登记的不要重复填写），"
                          "它们与申报项目一起导入；不需要时留空。")
TEMPLATE_SHEETS: dict[TemplateKind, list[tuple[SheetSpec, str]]] = {
    TemplateKind.ORGANIZATIONS: [(ORGANIZATIONS, ORGANIZATIONS.note)],
    TemplateKind.PROPOSALS: [(PROPOSALS, PROPOSALS.note), (BUDGET, BUDGET.note),
                             (ORGANIZATIONS, NEW_ORGANIZATIONS_NOTE)],
    TemplateKind.NEEDS: [(NEEDS, NEEDS.note)],
}


def write_template(kind: TemplateKind | str, path: Path) -> None:
    """An empty import workbook: Chinese headers, text-formatted code columns, drop-down lists, 填写说明."""
    _write_template_sheets(path, TEMPLATE_SHEETS[TemplateKind(kind)])


# --- what an import reports ------------------------------------------------------------------------------


def _tr(translate: Translate | None, text: str) -> str:
    return translate(ERROR_CONTEXT, text) if translate else text


@dataclass(frozen=True)
class CellProblem:
    """A problem with the file (row None) or with one row; column is the header, or "" for the whole row."""

    sheet: str
    row: int | None
    column: str
    problem: Problem

    @property
    def names_column(self) -> bool:
        """The message says which column itself ("{field} is required")."""
        return "{field}" in self.problem.message

    def detail(self, translate: Translate | None = None) -> str:
        return self.problem.render(translate)

    def render(self, translate: Translate | None = None) -> str:
        if self.row is None:
            return self.detail(translate)
        template = _tr(translate, LOCATED_CELL if self.column and not self.names_column else LOCATED_ROW)
        return template.format(sheet=self.sheet, row=self.row, column=self.column, problem=self.detail(translate))


class WorkbookRejected(ValidationError):
    """The workbook was not imported (nothing was written); every problem, and where the error workbook is."""

    def __init__(self, problems: list[CellProblem], error_workbook: Path | None = None) -> None:
        first = problems[0].problem
        super().__init__(first.message, **first.params)
        self.problems = problems
        self.error_workbook = error_workbook

    def render(self, translate: Translate | None = None) -> str:
        lines = [p.render(translate) for p in self.problems]
        if self.error_workbook is not None:
            lines.append(_tr(translate, ERRORS_SAVED).format(path=self.error_workbook))
        return "\n".join(lines)


@dataclass(eq=False, slots=True)
class _Row:
    """One data row: its parsed cells, its own problems, and those found against the database (checked again
    when committing). Problems objects are made for the rows that have any (imports run to tens of thousands
    of rows, nearly all of them sound)."""

    sheet: Sheet
    number: int
    values: dict[str, object]
    own: Problems | None = None
    linked: Problems | None = None

    @property
    def problems(self) -> Problems:
        if self.own is None:
            self.own = Problems()
        return self.own

    @property
    def failed(self) -> bool:
        return bool(self.own and self.own.items) or bool(self.linked and self.linked.items)

    def link_problem(self, field_name: str, message: str, /, **params: object) -> None:
        self.linked = self.linked or Problems()
        self.linked.add(field_name, message, **params)

    def require(self, name: str) -> None:
        """A blank cell the row cannot do without (a cell that could not be read is reported already)."""
        if name not in self.values and not any(p.field == name for p in (self.own.items if self.own else ())):
            self.problems.required(name, None)

    def cell_problems(self) -> list[CellProblem]:
        found = [*(self.own.items if self.own else ()), *(self.linked.items if self.linked else ())]
        located = [self._located(p) for p in found]
        return list({_key(c.problem): c for c in located}.values())  # two checks, one message

    def _located(self, problem: Problem) -> CellProblem:
        header = self.sheet.spec.header_of(problem.field)
        if header and "field" in problem.params:  # name the column as the workbook does
            problem = Problem(problem.field, problem.message, {**problem.params, "field": header})
        return CellProblem(self.sheet.name, self.number, header, problem)


def _key(problem: Problem) -> tuple[str, str, str]:
    return problem.field, problem.message, repr(sorted(problem.params.items()))


@dataclass(frozen=True)
class PreviewRow:
    sheet: str
    row: int
    label: str  # the organization's name, the project's title or the budget item
    problems: tuple[CellProblem, ...]


@dataclass(eq=False, slots=True)
class _Organization:
    row: _Row
    data: OrganizationData


@dataclass(eq=False, slots=True)
class _Proposal:
    row: _Row
    seq: str
    code: str  # the applicant's credit code (or older registration number)
    data: ProposalData
    lines: list[_Row] = field(default_factory=list)  # aligned with data.budget_lines


@dataclass(eq=False)
class ImportPreview:
    """What an import would write, and every problem that stops it (ok is False when there is any)."""

    kind: TemplateKind
    path: Path
    competition_id: int | None = None
    submit: bool = False
    file_problems: list[CellProblem] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    organizations: list[_Organization] = field(default_factory=list)
    proposals: list[_Proposal] = field(default_factory=list)
    budget_rows: list[_Row] = field(default_factory=list)
    round_id: int | None = None  # scores: the round the workbook's rows belong to
    scores: list[Any] = field(default_factory=list)  # workbook_scores._ScoreRow
    by: str = ""  # scores: who imports them, for the change log
    needs: list[Any] = field(default_factory=list)  # needs_workbook._NeedRow

    def _rows(self) -> Iterator[_Row]:
        """Every data row, in the order of the sheets."""
        yield from (p.row for p in self.proposals)
        yield from self.budget_rows
        yield from (o.row for o in self.organizations)
        yield from (s.row for s in self.scores)
        yield from (n.row for n in self.needs)

    @property
    def rows(self) -> list[PreviewRow]:
        labels = [*(p.data.title for p in self.proposals), *(str(r.values.get("item", "")) for r in self.budget_rows),
                  *(o.data.name for o in self.organizations), *(s.label for s in self.scores),
                  *(n.data.title for n in self.needs)]
        return [PreviewRow(row.sheet.name, row.number, label, tuple(row.cell_problems()))
                for row, label in zip(self._rows(), labels, strict=True)]

    @property
    def problems(self) -> list[CellProblem]:
        return [*self.file_problems, *(p for row in self._rows() for p in row.cell_problems())]

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.failed for row in self._rows())

    def render(self, translate: Translate | None = None) -> list[str]:
        return [p.render(translate) for p in self.problems]


@dataclass(frozen=True)
class ImportResult:
    organizations: int
    proposals: int
    budget_lines: int
    intake_numbers: tuple[str, ...] = ()
    sheets: int = 0  # score sheets counted
    needs: int = 0  # community needs registered


# --- reading rows ----------------------------------------------------------------------------------------


def _read_rows(sheet: Sheet) -> list[_Row]:
    """Every row below the header with something in a known column; cells that cannot be read become the row's
    problems (with the column's field name, so they point at the column)."""
    known = [c for c in sheet.spec.columns if c.field in sheet.positions]
    names = [c.field for c in known]
    data = sheet.grid[sheet.header_index + 1:]
    columns = [read_column(c, map(itemgetter(sheet.positions[c.field]), data)) for c in known]
    any_flawed = any(Flawed in map(type, column) for column in columns)
    rows = []
    for offset, cells in enumerate(zip(*columns, strict=True)):
        if MISSING in cells:
            values = {name: value for name, value in zip(names, cells, strict=True) if value is not MISSING}
            if not values:
                continue
        else:
            values = dict(zip(names, cells, strict=True))
        row = _Row(sheet, sheet.header_index + 2 + offset, values)
        if any_flawed and Flawed in map(type, cells):
            for name, cell in [(n, v) for n, v in values.items() if type(v) is Flawed]:
                row.problems.items.append(cell.problem)  # type: ignore[attr-defined]
                values[name] = cell.value  # type: ignore[attr-defined]
                if values[name] is MISSING:
                    del values[name]
        rows.append(row)
    return rows


def _flag_repeats(keyed: list[tuple[str, _Row]], name: str) -> None:
    first: dict[str, int] = {}
    for key, row in keyed:
        if key in first:
            row.problems.add(name, REPEATED, value=key, row=first[key])
        else:
            first[key] = row.number


def _organizations(sheet: Sheet) -> list[_Organization]:
    found = []
    for row in _read_rows(sheet):
        data = normalise(OrganizationData(**row.values))  # type: ignore[arg-type]
        problems = problems_of(data).items
        if problems:
            row.problems.items.extend(problems)
        found.append(_Organization(row, data))
    _flag_repeats([(o.data.uscc, o.row) for o in found if o.data.uscc], "uscc")
    return found


def _proposals(sheet: Sheet, competition_id: int) -> list[_Proposal]:
    found = []
    for row in _read_rows(sheet):
        row.require(SEQ)
        row.require("uscc")
        values = dict(row.values)
        seq = str(values.pop(SEQ, ""))
        code = str(values.pop("uscc", "")).upper().replace(" ", "")
        data = ProposalData(competition_id=competition_id, organization_id=0, **values)  # type: ignore[arg-type]
        found.append(_Proposal(row, seq, code, data))
    _flag_repeats([(p.seq, p.row) for p in found if p.seq], SEQ)
    return found


def _budget_lines(sheet: Sheet, proposals: list[_Proposal]) -> list[_Row]:
    """Reads the 预算明细 rows and hangs each line on the proposal its 项目序号 names."""
    by_seq: dict[str, _Proposal] = {}
    for proposal in proposals:
        by_seq.setdefault(proposal.seq, proposal)
    rows = _read_rows(sheet)
    for row in rows:
        values: dict[str, Any] = row.values
        owner = by_seq.get(values.get(SEQ, ""))
        if SEQ not in values:
            row.require(SEQ)
        elif owner is None:
            row.problems.add(SEQ, UNKNOWN_PROJECT, sheet=PROPOSALS.name, value=values[SEQ])
        if "category" not in values:
            row.require("category")
        elif owner is not None:
            if "title" in values and values["title"] != owner.data.title:
                row.problems.add("title", OTHER_TITLE, value=owner.seq, sheet=PROPOSALS.name, title=owner.data.title)
            unit, quantity = values.get("unit_price_fen", 0), values.get("quantity", 1)
            owner.data.budget_lines.append(BudgetLineData(
                values["category"], values.get("item", ""), unit, quantity, values.get("amount_fen", unit * quantity),
                values.get("note", "")))
            owner.lines.append(row)
    return rows


def _validate_proposals(proposals: list[_Proposal], submit: bool) -> None:
    """The services' own validators; a budget line's problem goes to that line's row on 预算明细."""
    check = submission_problems if submit else draft_problems
    for proposal in proposals:
        for problem in check(proposal.data).items:
            line = _LINE_FIELD.fullmatch(problem.field)
            if line is None:
                proposal.row.problems.items.append(problem)
                continue
            cell = line.group(2)  # a cell of the line's row, or the whole row
            proposal.lines[int(line.group(1)) - 1].problems.items.append(
                Problem(cell, problem.message, problem.params) if cell else problem)


# --- the database side -----------------------------------------------------------------------------------


@dataclass
class _Registry:
    """Registered organizations by credit code (and by older registration number), read in one query."""

    by_uscc: dict[str, tuple[int, str]]
    by_code: dict[str, int]

    @classmethod
    def load(cls, s: Session) -> _Registry:
        by_uscc: dict[str, tuple[int, str]] = {}
        by_code: dict[str, int] = {}
        for id_, name, uscc, registration in s.execute(select(
                Organization.id, Organization.name, Organization.uscc, Organization.registration_number)):
            if registration:
                by_code.setdefault(registration.strip().upper(), id_)
            if uscc:
                by_uscc[uscc] = (id_, name)
        for uscc, (id_, _name) in by_uscc.items():
            by_code[uscc] = id_
        return cls(by_uscc, by_code)


def _new_codes(organizations: list[_Organization]) -> dict[str, _Organization]:
    """Organizations of this workbook by every code a proposal may name them with."""
    codes: dict[str, _Organization] = {}
    for organization in organizations:
        for code in (organization.data.registration_number or "", organization.data.uscc or ""):
            if code:
                codes[code.upper()] = organization
    return codes


def _link(preview: ImportPreview, registry: _Registry) -> bool:
    """The checks against the database: credit codes not yet registered, applicants registered or listed.
    True when they all pass."""
    for organization in preview.organizations:
        organization.row.linked = None
        known = registry.by_uscc.get(organization.data.uscc or "")
        if known:
            organization.row.link_problem("uscc", ALREADY_REGISTERED, code=organization.data.uscc, name=known[1])
    listed = _new_codes(preview.organizations)
    for proposal in preview.proposals:
        proposal.row.linked = None
        if proposal.code and proposal.code not in registry.by_code and proposal.code not in listed:
            proposal.row.link_problem("uscc", UNKNOWN_ORGANIZATION, code=proposal.code, sheet=ORGANIZATIONS.name)
    return not any(row.linked for row in (*(o.row for o in preview.organizations), *(p.row for p in preview.proposals)))


def _competition(s: Session, competition_id: int, submit: bool) -> Competition:
    competition = s.get(Competition, competition_id)
    if competition is None:
        raise ValidationError(NO_COMPETITION, id=competition_id)
    if submit and competition.status not in INTAKE_OPEN:
        raise ValidationError(CLOSED_COMPETITION, competition=competition.name)
    return competition


# --- preview ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Tens of thousands of new objects that all live until the import ends: the cyclic garbage collector would
    rescan them over and over (a quarter of the import's time); reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_book(path: Path, specs: list[tuple[SheetSpec, bool]]) -> list[Sheet | None]:
    """The sheets (spec, optional) of the workbook at path; a ValidationError when the file cannot be used."""
    book = open_workbook(path)
    try:
        return [read_sheet(book, spec, path.name, optional=optional) for spec, optional in specs]
    finally:
        book.close()


def _file_problem(exc: PspError) -> CellProblem:
    return CellProblem("", None, "", Problem("", exc.message, dict(exc.params)))


def _no_rows(preview: ImportPreview, sheet: Sheet) -> None:
    preview.file_problems.append(CellProblem(sheet.name, None, "", Problem("", NO_ROWS, {"sheet": sheet.name})))


def preview_organizations(db: Database, path: Path) -> ImportPreview:
    """Reads and checks an organizations workbook (机构信息); writes nothing."""
    with _bulk():
        return _preview_organizations(db, ImportPreview(TemplateKind.ORGANIZATIONS, Path(path)))


def _preview_organizations(db: Database, preview: ImportPreview) -> ImportPreview:
    try:
        (sheet,) = _read_book(preview.path, [(ORGANIZATIONS, False)])
    except PspError as exc:
        preview.file_problems.append(_file_problem(exc))
        return preview
    assert sheet is not None
    preview.sheets = [sheet]
    preview.organizations = _organizations(sheet)
    if not preview.organizations:
        _no_rows(preview, sheet)
    with db.read() as s:
        _link(preview, _Registry.load(s))
    return preview


def preview_proposals(db: Database, path: Path, competition_id: int, *, submit: bool = False) -> ImportPreview:
    """Reads and checks a proposals workbook (申报项目, 预算明细 and optionally 机构信息 for new applicants).
    Drafts need only what a draft needs; with submit, every proposal must pass the full submission check."""
    with db.read() as s:
        _competition(s, competition_id, submit)
    with _bulk():
        return _preview_proposals(db, ImportPreview(TemplateKind.PROPOSALS, Path(path), competition_id, submit))


def _preview_proposals(db: Database, preview: ImportPreview) -> ImportPreview:
    competition_id, submit = preview.competition_id, preview.submit
    assert competition_id is not None
    try:
        proposals, budget, organizations = _read_book(
            preview.path, [(PROPOSALS, False), (BUDGET, True), (ORGANIZATIONS, True)])
    except PspError as exc:
        preview.file_problems.append(_file_problem(exc))
        return preview
    assert proposals is not None
    preview.sheets = [s for s in (proposals, budget, organizations) if s is not None]
    preview.proposals = _proposals(proposals, competition_id)
    if not preview.proposals:
        _no_rows(preview, proposals)
    if budget is not None:
        preview.budget_rows = _budget_lines(budget, preview.proposals)
    if organizations is not None:
        preview.organizations = _organizations(organizations)
    _validate_proposals(preview.proposals, submit)
    with db.read() as s:
        _link(preview, _Registry.load(s))
    return preview


# --- commit ----------------------------------------------------------------------------------------------


# what importing each kind needs; new organizations in a proposals workbook need REGISTRY_EDIT as well
IMPORT_PERMISSION = {TemplateKind.ORGANIZATIONS: Permission.REGISTRY_EDIT,
                     TemplateKind.PROPOSALS: Permission.INTAKE_EDIT, TemplateKind.SCORES: Permission.SCORES_KEY,
                     TemplateKind.NEEDS: Permission.REGISTRY_EDIT}


def commit(db: Database, preview: ImportPreview) -> ImportResult:
    """Writes the whole preview in one transaction, or nothing (WorkbookRejected, ValidationError)."""
    if preview.kind is TemplateKind.SCORES:
        from .workbook_scores import commit_scores  # it builds on this module

        return commit_scores(db, preview)
    if preview.kind is TemplateKind.NEEDS:
        from .needs_workbook import commit_needs  # it builds on this module

        return commit_needs(db, preview)
    actor = access.require(db, IMPORT_PERMISSION[preview.kind])
    if preview.organizations:
        access.require(db, Permission.REGISTRY_EDIT)
    with _bulk():
        if not preview.ok:
            raise WorkbookRejected(preview.problems)
        with db.write() as s:
            if not _link(preview, _Registry.load(s)):  # someone may have registered a code since the preview
                raise WorkbookRejected(preview.problems)
            organizations = _insert_organizations(s, preview.organizations)
            if preview.kind is not TemplateKind.PROPOSALS:
                _log_import(s, actor, preview, organizations=organizations)
                return ImportResult(organizations, 0, 0)
            assert preview.competition_id is not None
            competition = _competition(s, preview.competition_id, preview.submit)
            numbers = _intake_numbers(s, competition, len(preview.proposals)) if preview.submit else []
            lines = _insert_proposals(s, preview, numbers)
            _log_import(s, actor, preview, organizations=organizations, proposals=len(preview.proposals),
                        budget_lines=lines, submitted=preview.submit)
            return ImportResult(organizations, len(preview.proposals), lines, tuple(numbers))


def _log_import(s: Session, actor: access.Actor, preview: ImportPreview, **counts: object) -> None:
    """One entry for the whole workbook: what came in and from which file, not every row."""
    audit.log(s, actor, f"{preview.kind.value}.import", "competition" if preview.competition_id else "registry",
              preview.competition_id, after={"file": preview.path.name, **counts})


Columns = dict[str, list[Any]]  # what to insert, a list of values per column


def _columns(items: list[Any], names: Iterable[str]) -> Columns:
    return {name: list(map(attrgetter(name), items)) for name in names}


def _insert_many(s: Session, table: Table, columns: Columns, count: int) -> None:
    """One executemany through the driver. Values take the database's types a column at a time, through the
    columns' own bind processors (enum → text; dates → text on SQLite); Core does the same per row and per
    parameter, which costs more than all of the import's checks. Columns left out get their Python-side
    defaults, which the tables' DDL does not carry."""
    if not count:
        return
    connection = s.connection()
    dialect = connection.dialect
    defaults = {c.name: [c.default.arg] * count for c in table.c  # type: ignore[attr-defined]
                if c.name not in columns and c.default is not None and c.default.is_scalar}
    names, values = list({**columns, **defaults}), [*columns.values(), *defaults.values()]
    for index, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            values[index] = list(map(process, values[index]))
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
                               f"VALUES ({', '.join([marker] * len(names))})", list(zip(*values, strict=True)))


def _new_ids(s: Session, table: Table, columns: Columns, count: int) -> list[int]:
    """Inserts the rows and returns their ids in order, without a round trip per row.

    PostgreSQL returns them in order from batched INSERT … RETURNING. SQLite would send one statement per row
    for ordered RETURNING; instead, it numbers new rows max(id) + 1 in insertion order, and once this
    transaction has written no other writer can insert until it ends: the last `count` ids are these rows."""
    if not count:
        return []
    if s.get_bind().dialect.name != "sqlite":
        rows = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        return list(s.scalars(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows))
    _insert_many(s, table, columns, count)
    newest = s.scalars(select(table.c.id).order_by(table.c.id.desc()).limit(count)).all()
    return newest[::-1]


def _insert_organizations(s: Session, organizations: list[_Organization]) -> int:
    count = len(organizations)
    columns = _columns([o.data for o in organizations], ORGANIZATION_FIELDS)
    _insert_many(s, Organization.__table__, {**columns, "row_version": [1] * count}, count)
    return count


def _insert_proposals(s: Session, preview: ImportPreview, numbers: list[str]) -> int:
    """Proposals (drafts, or submitted with their intake numbers) and their budget lines; returns the line count.
    Applicants are looked up after the workbook's new organizations went in, so both kinds resolve alike."""
    owners = _Registry.load(s).by_code
    proposals = [p.data for p in preview.proposals]
    count = len(proposals)
    submitted = preview.submit
    ids = _new_ids(s, Proposal.__table__, {
        **_columns(proposals, SCALAR_FIELDS), "organization_id": [owners[p.code] for p in preview.proposals],
        "total_budget_fen": [p.total_budget_fen for p in proposals], "row_version": [1] * count,
        "status": [ProposalStatus.SUBMITTED if submitted else ProposalStatus.DRAFT] * count,
        "intake_number": numbers or [None] * count, "submitted_on": [dt.date.today() if submitted else None] * count,
    }, count)
    owned = [(id_, seq, line) for id_, p in zip(ids, proposals, strict=True)
             for seq, line in enumerate(p.budget_lines, start=1)]
    lines = [line for _id, _seq, line in owned]
    _insert_many(s, BudgetLine.__table__, {
        "proposal_id": [id_ for id_, _seq, _line in owned], "seq": [seq for _id, seq, _line in owned],
        **_columns(lines, ("category", "item", "unit_price_fen", "quantity", "note")),
        "amount_fen": [line.amount for line in lines]}, len(lines))
    return len(lines)


def _intake_numbers(s: Session, competition: Competition, count: int) -> list[str]:
    """The next `count` free intake numbers by proposals.next_intake_number's rule, with one query instead of
    one per proposal."""
    used = set(s.scalars(select(Proposal.intake_number).where(
        Proposal.competition_id == competition.id, Proposal.intake_number.is_not(None))))
    numbers: list[str] = []
    seq = len(used)
    limit = seq + count + 10_000  # a pattern without {seq} never yields a free number
    while len(numbers) < count:
        seq += 1
        if seq > limit:
            raise ValidationError(BAD_PATTERN, pattern=competition.intake_pattern)
        number = format_intake_number(competition.intake_pattern, competition.year, seq)
        if number not in used:
            used.add(number)
            numbers.append(number)
    return numbers


# --- the error workbook and the one-call import ----------------------------------------------------------


def write_error_workbook(preview: ImportPreview, path: Path | None = None,
                         translate: Translate | None = None) -> Path | None:
    """The sheets as read with a 错误说明 column (beside the file unless path is given); None when the problem is
    the file itself (no rows to point at)."""
    if preview.file_problems or not preview.sheets:
        return None
    target = Path(path) if path else preview.path.with_name(f"{preview.path.stem}-{ERRORS_HEADER}.xlsx")
    messages: dict[str, dict[int, list[str]]] = {}
    for row in preview._rows():
        for problem in row.cell_problems():
            text = problem.detail(translate)
            messages.setdefault(row.sheet.name, {}).setdefault(row.number, []).append(
                f"{problem.column}: {text}" if problem.column and not problem.names_column else text)
    _write_error_sheets(target, [(sheet, messages.get(sheet.name, {})) for sheet in preview.sheets])
    return target


def import_workbook(db: Database, kind: TemplateKind | str, path: Path, *, competition_id: int | None = None,
                    submit: bool = False, errors_path: Path | None = None,
                    translate: Translate | None = None, by: str = "") -> ImportResult:
    """Preview and commit in one call (the CLI's way). On any problem nothing is written: WorkbookRejected lists
    every problem and names the error workbook, written beside the file (or in the temporary folder)."""
    access.require(db, IMPORT_PERMISSION[TemplateKind(kind)])  # refused before the file is even read
    path = Path(path)
    if TemplateKind(kind) is TemplateKind.PROPOSALS:
        if competition_id is None:
            raise ValueError("importing proposals needs the competition's id")
        preview = preview_proposals(db, path, competition_id, submit=submit)
    elif TemplateKind(kind) is TemplateKind.SCORES:
        from .workbook_scores import preview_scores  # it builds on this module

        preview = preview_scores(db, path, by=by)
    elif TemplateKind(kind) is TemplateKind.NEEDS:
        from .needs_workbook import preview_needs  # it builds on this module

        preview = preview_needs(db, path)
    else:
        preview = preview_organizations(db, path)
    if not preview.ok:
        raise WorkbookRejected(preview.problems, _save_errors(preview, errors_path, translate))
    return commit(db, preview)


def _save_errors(preview: ImportPreview, path: Path | None, translate: Translate | None) -> Path | None:
    try:
        return write_error_workbook(preview, path, translate)
    except ValidationError:  # the file's folder is read-only: the temporary folder will do
        fallback = Path(tempfile.gettempdir()) / f"{preview.path.stem}-{ERRORS_HEADER}.xlsx"
        return write_error_workbook(preview, fallback, translate)

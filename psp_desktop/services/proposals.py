"""Proposal intake (申报): drafts saved incomplete, submission validated in full and numbered, budgets kept
consistent (lines → total = requested + matching), linked needs, attachments kept by SHA-256."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import BudgetCategory, CompetitionStatus, ProposalStatus, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..models import Attachment, BudgetLine, CommunityNeed, Competition, Organization, Proposal
from ..money import MAX_FEN
from ..paths import data_dir
from . import access, audit
from .access import Permission
from .organizations import ChangedElsewhere, changed, plain
from .validation import Problems

INTAKE_OPEN = (CompetitionStatus.PLANNING, CompetitionStatus.OPEN, CompetitionStatus.SCREENING)
EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.RETURNED)
TEXT_FIELDS = ("title", "target_group", "location", "summary", "need_analysis", "objectives", "activity_plan")


@dataclass
class BudgetLineData:
    category: BudgetCategory
    item: str
    unit_price_fen: int = 0
    quantity: int = 1
    amount_fen: int | None = None  # None: unit price × quantity
    note: str = ""

    @property
    def amount(self) -> int:
        return self.unit_price_fen * self.quantity if self.amount_fen is None else self.amount_fen


@dataclass
class ProposalData:
    """The project part of a 申报书."""

    competition_id: int
    organization_id: int
    title: str = ""
    domain: ServiceDomain = ServiceDomain.OTHER
    theme_id: int | None = None
    tender_id: int | None = None
    community_id: int | None = None
    target_group: str = ""
    location: str = ""
    direct_beneficiaries: int = 0
    indirect_beneficiaries: int = 0
    start_month: dt.date | None = None
    end_month: dt.date | None = None
    summary: str = ""
    need_analysis: str = ""
    objectives: str = ""
    activity_plan: str = ""
    requested_fen: int = 0
    matching_fen: int = 0
    bid_price_fen: int | None = None
    budget_lines: list[BudgetLineData] = field(default_factory=list)
    need_ids: list[int] = field(default_factory=list)

    @property
    def total_budget_fen(self) -> int:
        return sum(line.amount for line in self.budget_lines)


ITEM_LIMIT = BudgetLine.__table__.c.item.type.length
NOTE_LIMIT = BudgetLine.__table__.c.note.type.length
SCALAR_FIELDS = tuple(f.name for f in dataclasses.fields(ProposalData) if f.name not in ("budget_lines", "need_ids"))


def budget_totals(lines: list[BudgetLineData]) -> dict[BudgetCategory, int]:
    """Sum per category, every category present (for live totals and the 管理费 share)."""
    totals = dict.fromkeys(BudgetCategory, 0)
    for line in lines:
        totals[line.category] += line.amount
    return totals


def draft_problems(data: ProposalData) -> Problems:
    """What even a draft may not hold: negative or absurd numbers, impossible periods, unreadable lines."""
    problems = Problems()
    problems.money("requested_fen", data.requested_fen)
    problems.money("matching_fen", data.matching_fen)
    problems.money("bid_price_fen", data.bid_price_fen)
    problems.count("direct_beneficiaries", data.direct_beneficiaries)
    problems.count("indirect_beneficiaries", data.indirect_beneficiaries)
    if data.start_month and data.end_month and data.end_month < data.start_month:
        problems.add("end_month", QT_TRANSLATE_NOOP("Errors", "the project ends before it starts"))
    for index, line in enumerate(data.budget_lines, start=1):
        _line_problems(problems, index, line)
    problems.lengths(Proposal.__table__, data, ("title", "target_group", "location"))
    return problems


def _line_problems(problems: Problems, index: int, line: BudgetLineData) -> None:
    """Checked for every line of every imported proposal: the common, clean case costs a few comparisons."""
    amount = line.amount
    clean = (line.quantity >= 0 and line.unit_price_fen >= 0 and amount >= 0
             and line.unit_price_fen <= MAX_FEN and amount <= MAX_FEN
             and len(line.item) <= ITEM_LIMIT and len(line.note) <= NOTE_LIMIT)
    if clean:
        return
    where = f"budget_lines[{index}]"
    if line.quantity < 0:
        problems.add(where, QT_TRANSLATE_NOOP("Errors", "budget line {n}: quantity cannot be negative"), n=index)
    if line.unit_price_fen < 0 or (line.amount_fen or 0) < 0:
        problems.add(where, QT_TRANSLATE_NOOP("Errors", "budget line {n}: amounts cannot be negative"), n=index)
    elif max(line.unit_price_fen, amount) > MAX_FEN:
        problems.add(where, QT_TRANSLATE_NOOP("Errors", "budget line {n}: the amount is too large"), n=index)
    problems.lengths(BudgetLine.__table__, line, ("item", "note"), prefix=f"{where}.")


def submission_problems(data: ProposalData) -> Problems:
    """Everything a submitted 申报书 must have, and a budget that adds up."""
    problems = draft_problems(data)
    for name in TEXT_FIELDS:
        problems.required(name, getattr(data, name))
    if data.direct_beneficiaries <= 0:
        problems.add("direct_beneficiaries", QT_TRANSLATE_NOOP("Errors", "enter the number of direct beneficiaries"))
    problems.required("start_month", data.start_month)
    problems.required("end_month", data.end_month)
    if not data.budget_lines:
        problems.add("budget_lines", QT_TRANSLATE_NOOP("Errors", "the budget has no lines"))
    for index, line in enumerate(data.budget_lines, start=1):
        if not line.item.strip():
            problems.add(f"budget_lines[{index}]", QT_TRANSLATE_NOOP("Errors", "budget line {n} has no item"), n=index)
    if data.requested_fen <= 0:
        problems.add("requested_fen", QT_TRANSLATE_NOOP("Errors", "enter the amount requested"))
    total = data.total_budget_fen
    if data.budget_lines and data.requested_fen + data.matching_fen != total:
        problems.add("requested_fen", QT_TRANSLATE_NOOP(
            "Errors", "the budget does not add up: requested {requested} + matching {matching} yuan should equal "
                      "the budget lines' total {total} yuan"),
            requested=_yuan(data.requested_fen), matching=_yuan(data.matching_fen), total=_yuan(total))
    return problems


def _yuan(fen: int) -> str:
    from ..money import format_yuan

    return format_yuan(fen)


# --- writing ---------------------------------------------------------------------------------------------


def save_draft(db: Database, data: ProposalData, proposal_id: int | None = None,
               row_version: int | None = None) -> int:
    """Creates or updates a proposal without requiring completeness. Returns its id."""
    actor = access.require(db, Permission.INTAKE_EDIT)
    draft_problems(data).raise_if_any()
    try:
        with db.write() as s:
            proposal = _editable(s, proposal_id, row_version) if proposal_id else None
            old = _facts(proposal) if proposal is not None else None
            if proposal is None:
                _check_parties(s, data)
                proposal = Proposal(status=ProposalStatus.DRAFT)
                s.add(proposal)
            elif proposal.status == ProposalStatus.SUBMITTED:
                submission_problems(data).raise_if_any()  # a received application stays complete
            _apply(s, proposal, data)
            if proposal.id is not None:
                flag_modified(proposal, "title")  # a budget-only edit must bump the row version too
            s.flush()
            if old is None:
                audit.log(s, actor, "proposal.create", "proposal", proposal.id, after=_facts(proposal))
            else:
                before, after = changed(old, _facts(proposal))
                audit.log(s, actor, "proposal.update", "proposal", proposal.id, before=before, after=after)
            return proposal.id
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def submit(db: Database, proposal_id: int, *, on: dt.date | None = None) -> str:
    """Validates the whole 申报书 and gives it an intake number (kept when a returned proposal comes back)."""
    actor = access.require(db, Permission.INTAKE_EDIT)
    on = on or dt.date.today()
    data, row_version = load(db, proposal_id)
    submission_problems(data).raise_if_any()
    try:
        with db.write() as s:
            proposal = _editable(s, proposal_id, row_version)
            competition = s.get(Competition, proposal.competition_id)
            assert competition is not None
            if competition.status not in INTAKE_OPEN:
                raise ValidationError(QT_TRANSLATE_NOOP(
                    "Errors", "{competition} no longer accepts applications."), competition=competition.name)
            if proposal.status == ProposalStatus.SUBMITTED:
                return proposal.intake_number or ""  # received already: keep its number and date
            if proposal.intake_number is None:
                if competition.apply_until and on > competition.apply_until:
                    raise ValidationError(QT_TRANSLATE_NOOP(
                        "Errors", "Applications to {competition} closed on {date}."),
                        competition=competition.name, date=competition.apply_until.isoformat())
                proposal.intake_number = next_intake_number(s, competition)
            before = proposal.status
            proposal.status = ProposalStatus.SUBMITTED  # new, or a returned one coming back with its number
            proposal.submitted_on = on
            audit.log(s, actor, "proposal.submit", "proposal", proposal_id, before={"status": plain(before)},
                      after={"status": plain(proposal.status), "intake_number": proposal.intake_number,
                             "submitted_on": on.isoformat()})
            return proposal.intake_number
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def _editable(s: Session, proposal_id: int | None, row_version: int | None) -> Proposal:
    proposal = s.get(Proposal, proposal_id, options=[selectinload(Proposal.budget_lines),
                                                    selectinload(Proposal.needs)])
    if proposal is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."), id=proposal_id)
    if row_version is not None and proposal.row_version != row_version:
        raise ChangedElsewhere()
    if proposal.status not in EDITABLE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This proposal has been screened and can no longer be changed."))
    return proposal


def _facts(proposal: Proposal) -> dict[str, object]:
    """What the change log keeps of a proposal: the figures and links, not the texts."""
    return {"title": proposal.title, "status": plain(proposal.status), "competition_id": proposal.competition_id,
            "organization_id": proposal.organization_id, "domain": plain(proposal.domain),
            "requested_fen": proposal.requested_fen, "matching_fen": proposal.matching_fen,
            "total_budget_fen": proposal.total_budget_fen, "budget_lines": len(proposal.budget_lines),
            "needs": sorted(n.id for n in proposal.needs)}


def _check_parties(s: Session, data: ProposalData) -> None:
    if s.get(Competition, data.competition_id) is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=data.competition_id)
    if s.get(Organization, data.organization_id) is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                              id=data.organization_id)


def _apply(s: Session, proposal: Proposal, data: ProposalData) -> None:
    with s.no_autoflush:  # one UPDATE (one row-version step) for the whole edit
        _assign(s, proposal, data)


def _assign(s: Session, proposal: Proposal, data: ProposalData) -> None:
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        setattr(proposal, name, value.strip() if isinstance(value, str) else value)
    proposal.total_budget_fen = data.total_budget_fen
    proposal.budget_lines = [
        BudgetLine(seq=i, category=line.category, item=line.item.strip(), unit_price_fen=line.unit_price_fen,
                   quantity=line.quantity, amount_fen=line.amount, note=line.note.strip())
        for i, line in enumerate(data.budget_lines, start=1)]
    needs = s.scalars(select(CommunityNeed).where(CommunityNeed.id.in_(data.need_ids))).all() if data.need_ids else []
    if len(needs) != len(set(data.need_ids)):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "A linked community need does not exist."))
    proposal.needs = list(needs)


def next_intake_number(s: Session, competition: Competition) -> str:
    """The competition's pattern ({year}, {seq:03d}) filled with the next free sequence number."""
    check_intake_pattern(competition.intake_pattern)
    used = set(s.scalars(select(Proposal.intake_number).where(
        Proposal.competition_id == competition.id, Proposal.intake_number.is_not(None))))
    seq = len(used) + 1
    while (number := format_intake_number(competition.intake_pattern, competition.year, seq)) in used:
        seq += 1
    return number


def _bad_pattern(pattern: str) -> ValidationError:
    return ValidationError(QT_TRANSLATE_NOOP(
        "Errors", "The intake number pattern {pattern} is not valid; use {{year}} and {{seq:03d}}."), pattern=pattern)


def format_intake_number(pattern: str, year: int, seq: int) -> str:
    try:
        return pattern.format(year=year, seq=seq)
    except Exception as exc:  # any mistake in a user-written pattern (KeyError, TypeError, AttributeError…)
        raise _bad_pattern(pattern) from exc


def check_intake_pattern(pattern: str) -> None:
    """A pattern must give different numbers to different sequence numbers (so it must use {seq})."""
    if format_intake_number(pattern, 2026, 1) == format_intake_number(pattern, 2026, 2):
        raise _bad_pattern(pattern)


def intake_order(number_column: Any) -> tuple[Any, ...]:
    """Order of intake numbers as people count them: 2026-9 before 2026-10 (shorter first, then text)."""
    return func.length(number_column), number_column


def intake_before(number_column: Any, number: str) -> Any:
    """number_column comes before number in intake_order."""
    length = func.length(number_column)
    return or_(length < len(number), and_(length == len(number), number_column < number))


# --- reading ---------------------------------------------------------------------------------------------


def load(db: Database, proposal_id: int) -> tuple[ProposalData, int]:
    with db.read() as s:
        proposal = s.get(Proposal, proposal_id, options=[selectinload(Proposal.budget_lines),
                                                        selectinload(Proposal.needs)])
        if proposal is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."),
                                  id=proposal_id)
        data = ProposalData(**{name: getattr(proposal, name) for name in SCALAR_FIELDS})
        data.budget_lines = [BudgetLineData(b.category, b.item, b.unit_price_fen, b.quantity, b.amount_fen, b.note)
                             for b in proposal.budget_lines]
        data.need_ids = [n.id for n in proposal.needs]
        return data, proposal.row_version


@dataclass(frozen=True, slots=True)
class ProposalHeader:
    id: int
    intake_number: str | None
    status: ProposalStatus
    submitted_on: dt.date | None
    title: str
    organization: str
    uscc: str
    competition: str
    organizer: str
    requested_fen: int
    matching_fen: int
    total_budget_fen: int
    attachments: int


def header(db: Database, proposal_id: int) -> ProposalHeader:
    """What a receipt or a list row says about a proposal."""
    with db.read() as s:
        row = s.execute(
            select(Proposal.id, Proposal.intake_number, Proposal.status, Proposal.submitted_on, Proposal.title,
                   Organization.name, func.coalesce(Organization.uscc, Organization.registration_number, ""),
                   Competition.name, Competition.organizer, Proposal.requested_fen, Proposal.matching_fen,
                   Proposal.total_budget_fen,
                   select(func.count(Attachment.id)).where(Attachment.proposal_id == Proposal.id).scalar_subquery())
            .join(Organization, Organization.id == Proposal.organization_id)
            .join(Competition, Competition.id == Proposal.competition_id)
            .where(Proposal.id == proposal_id)).first()
    if row is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."), id=proposal_id)
    return ProposalHeader(*row)


# --- attachments -----------------------------------------------------------------------------------------


def attachment_store(db: Database) -> Path:
    """Files live beside an SQLite database (so a backup of the folder holds both), else in the data folder."""
    return (db.path.parent if db.path else data_dir()) / "attachments"


def stored_path(db: Database, sha256: str) -> Path:
    return attachment_store(db) / sha256[:2] / sha256


def store_content(db: Database, content: bytes) -> str:
    """Keeps content in the store under its SHA-256 (identical files are kept once); returns the digest."""
    digest = hashlib.sha256(content).hexdigest()
    target = stored_path(db, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(target)  # a crash never leaves half a file under the final name
    return digest


def add_attachment(db: Database, proposal_id: int, source: Path) -> int:
    """Copies the file into the store under its SHA-256 (identical files are kept once) and records it."""
    actor = access.require(db, Permission.INTAKE_EDIT)
    with db.read() as s:
        proposal = s.get(Proposal, proposal_id)
        if proposal is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."),
                                  id=proposal_id)
        if proposal.status not in EDITABLE:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "This proposal has been screened and can no longer be changed."))
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=source,
                              reason=os_reason(exc)) from exc
    digest = store_content(db, content)
    with db.write() as s:
        attachment = Attachment(proposal_id=proposal_id, filename=source.name, sha256=digest, size_bytes=len(content))
        s.add(attachment)
        s.flush()
        audit.log(s, actor, "attachment.add", "proposal", proposal_id,
                  after={"attachment": attachment.id, "filename": source.name, "sha256": digest,
                         "size_bytes": len(content)})
        return attachment.id


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: int
    filename: str
    sha256: str
    size_bytes: int
    added_at: dt.datetime


def attachments(db: Database, proposal_id: int) -> list[AttachmentRow]:
    with db.read() as s:
        return [AttachmentRow(*r) for r in s.execute(
            select(Attachment.id, Attachment.filename, Attachment.sha256, Attachment.size_bytes, Attachment.added_at)
            .where(Attachment.proposal_id == proposal_id).order_by(Attachment.id))]


def export_attachment(db: Database, attachment_id: int, folder: Path) -> Path:
    """A copy under its original name, for opening with the system's program; checked against its SHA-256."""
    with db.read() as s:
        attachment = s.get(Attachment, attachment_id)
        if attachment is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no attachment with number {id}."),
                                  id=attachment_id)
        filename, digest = attachment.filename, attachment.sha256
    source = stored_path(db, digest)
    if not source.exists() or hashlib.sha256(source.read_bytes()).hexdigest() != digest:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The stored copy of {name} is missing or damaged."), name=filename)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    shutil.copyfile(source, target)
    return target

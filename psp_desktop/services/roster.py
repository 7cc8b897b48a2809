"""The judges' roster, their PINs and conflicts of interest, and the panels that serve each round.

Conflicts are declared and detected in `judging` (declare_conflict, detect_conflicts); assignments are made there
too (auto_assign, assign, unassign). This module keeps the people and the panels right: a judge sits on one panel
per round, in one of the round's judge groups when it has any, and a judge's submitted sheets are never lost by
editing a panel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import ConflictSource, SheetStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Assignment,
    Competition,
    ConflictDeclaration,
    Judge,
    Organization,
    Panel,
    PanelMember,
    Proposal,
    Round,
    ScoreSheet,
)
from . import access, audit, judging, pins
from .access import Permission
from .organizations import ChangedElsewhere as ChangedElsewhere  # save_judge raises it; callers catch it here
from .validation import Problems, normalise_phone

# --- the roster --------------------------------------------------------------------------------------------------


@dataclass
class JudgeData:
    """What staff enter for a judge (评审专家 or 大众评审)."""

    name: str = ""
    affiliation: str = ""
    affiliation_org_id: int | None = None  # the affiliation when it is a registered organization
    title: str = ""  # 职称 / 身份
    expertise: str = ""
    phone: str = ""
    email: str = ""
    is_public_juror: bool = False


TEXT_FIELDS = ("name", "affiliation", "title", "expertise", "phone", "email")
# judge fields read differently from the organization and proposal fields of the same name ("title")
FIELD_LABELS = {
    "name": QT_TRANSLATE_NOOP("Fields", "Judge's name"),
    "affiliation": QT_TRANSLATE_NOOP("Fields", "Affiliation"),
    "title": QT_TRANSLATE_NOOP("Fields", "Professional title"),
    "expertise": QT_TRANSLATE_NOOP("Fields", "Expertise"),
    "phone": QT_TRANSLATE_NOOP("Fields", "Phone"),
    "email": QT_TRANSLATE_NOOP("Fields", "E-mail"),
}


def normalise_judge(data: JudgeData) -> JudgeData:
    clean = dataclasses.replace(data, **{name: getattr(data, name).strip() for name in TEXT_FIELDS})
    clean.phone = normalise_phone(clean.phone)
    return clean


def judge_problems(data: JudgeData) -> Problems:
    problems = Problems()
    if not data.name:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "{field} is required"), field=FIELD_LABELS["name"])
    limits = {c.name: c.type.length for c in Judge.__table__.c if getattr(c.type, "length", None)}
    for name in TEXT_FIELDS:
        if len(getattr(data, name)) > limits[name]:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"),
                         field=FIELD_LABELS[name], limit=limits[name])
    problems.phone("phone", data.phone)
    if data.email and "@" not in data.email:
        problems.add("email", QT_TRANSLATE_NOOP("Errors", "{email} is not an e-mail address"), email=data.email)
    return problems


def load_judge(db: Database, judge_id: int) -> tuple[JudgeData, int, bool]:
    """The judge as editable data, the row version to save against, and whether a PIN is set."""
    with db.read() as s:
        judge = _judge(s, judge_id)
        data = JudgeData(judge.name, judge.affiliation, judge.affiliation_org_id, judge.title, judge.expertise,
                         judge.phone, judge.email, judge.is_public_juror)
        return data, judge.row_version, bool(judge.pin_hash)


def save_judge(db: Database, judge_id: int | None, data: JudgeData, row_version: int | None) -> int:
    """Adds a judge (judge_id None) or saves an edit unless the record changed since it was loaded."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    data = normalise_judge(data)
    judge_problems(data).raise_if_any()
    try:
        with db.write() as s:
            if data.affiliation_org_id is not None:
                org = s.get(Organization, data.affiliation_org_id)
                if org is None:
                    raise ValidationError(QT_TRANSLATE_NOOP(
                        "Errors", "The organization chosen as the affiliation no longer exists."))
                data.affiliation = data.affiliation or org.name
            if judge_id is None:
                judge = Judge()
                s.add(judge)
                before = None
            else:
                judge = _judge(s, judge_id)
                if judge.row_version != row_version:
                    raise ChangedElsewhere()
                before = _judge_facts(judge)
            for name, value in dataclasses.asdict(data).items():
                setattr(judge, name, value)
            s.flush()
            audit.log(s, actor, "judge.add" if judge_id is None else "judge.update", "judge", judge.id,
                      before=before, after=_judge_facts(judge))
            return judge.id
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def _judge_facts(judge: Judge) -> dict[str, object]:
    return {"name": judge.name, "affiliation": judge.affiliation, "affiliation_org_id": judge.affiliation_org_id,
            "title": judge.title, "expertise": judge.expertise, "phone": judge.phone, "email": judge.email,
            "is_public_juror": judge.is_public_juror}


def _judge(s: Session, judge_id: int) -> Judge:
    judge = s.get(Judge, judge_id)
    if judge is None or not judge.active:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no such judge on the roster."))
    return judge


def deactivate_judge(db: Database, judge_id: int) -> None:
    """Takes a judge off the roster. Refused while the judge has proposals in a round whose results are not frozen;
    the judge leaves the panels of such rounds, and frozen rounds keep their record."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        judge = _judge(s, judge_id)
        busy = s.execute(select(Round.name).join(Assignment).where(Assignment.judge_id == judge_id,
                                                                   Round.frozen.is_(False)).limit(1)).first()
        if busy:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "{judge} has proposals assigned in round “{round}”; remove them (or freeze the round) "
                          "before taking the judge off the roster."), judge=judge.name, round=busy[0])
        open_panels = select(Panel.id).join(Round).where(Round.frozen.is_(False))
        s.execute(delete(PanelMember).where(PanelMember.judge_id == judge_id, PanelMember.panel_id.in_(open_panels)))
        judge.active = False
        audit.log(s, actor, "judge.deactivate", "judge", judge_id, before={"name": judge.name, "active": True},
                  after={"active": False})


def set_pin(db: Database, judge_id: int, pin: str) -> None:
    """Sets the judge's 6-digit PIN for judge mode; weak PINs are refused with the reason."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    hashed = pins.hash_pin(pin)  # refuses a weak PIN; scrypt runs before the write transaction opens
    with db.write() as s:
        judge = _judge(s, judge_id)
        # a PIN is not part of the roster form: setting one must not make an open edit of the judge stale,
        # so the row version is left alone
        s.execute(update(Judge).where(Judge.id == judge_id).values(pin_hash=hashed)
                  .execution_options(synchronize_session=False))
        audit.log(s, actor, "judge.pin", "judge", judge_id, after={"name": judge.name, "pin": "set"})


# --- conflicts of interest ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConflictRow:
    id: int
    judge_id: int
    judge: str
    organization_id: int
    organization: str
    source: ConflictSource
    reason: str
    declared_at: dt.datetime


def conflicts(db: Database, judge_id: int | None = None) -> list[ConflictRow]:
    """Declared and automatic conflicts, of one judge or of all, newest first."""
    query = (select(ConflictDeclaration.id, Judge.id, Judge.name, Organization.id, Organization.name,
                    ConflictDeclaration.source, ConflictDeclaration.reason, ConflictDeclaration.declared_at)
             .join(Judge, Judge.id == ConflictDeclaration.judge_id)
             .join(Organization, Organization.id == ConflictDeclaration.organization_id)
             .order_by(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id.desc()))
    if judge_id is not None:
        query = query.where(ConflictDeclaration.judge_id == judge_id)
    with db.read() as s:
        return [ConflictRow(*r) for r in s.execute(query)]


def remove_conflict(db: Database, conflict_id: int) -> None:
    """Withdraws a conflict (declared in error). One that follows from the judge's affiliation stays until the
    affiliation changes: detection would only find it again."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        conflict = s.get(ConflictDeclaration, conflict_id)
        if conflict is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no such conflict; it may have been removed."))
        judge, org = s.get(Judge, conflict.judge_id), s.get(Organization, conflict.organization_id)
        assert judge is not None and org is not None
        if judge.affiliation_org_id == org.id or judge.affiliation.strip() == org.name:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "{judge} works for {organization}: this conflict stays while that is the judge's "
                          "affiliation."), judge=judge.name, organization=org.name)
        audit.log(s, actor, "conflict.remove", "judge", judge.id,
                  before={"organization": org.name, "source": conflict.source.value, "reason": conflict.reason})
        s.delete(conflict)


# --- rounds and panels -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupInfo:
    id: int
    name: str
    weight_percent: int


@dataclass(frozen=True, slots=True)
class RoundInfo:
    id: int
    competition_id: int
    competition: str
    name: str
    judges_per_proposal: int
    blind: bool
    frozen: bool
    groups: tuple[GroupInfo, ...]


def round_info(db: Database, round_id: int) -> RoundInfo:
    with db.read() as s:
        round_ = judging._round(s, round_id)
        competition = s.get(Competition, round_.competition_id)
        return RoundInfo(round_.id, round_.competition_id, competition.name if competition else "", round_.name,
                         round_.judges_per_proposal, round_.blind, round_.frozen,
                         tuple(GroupInfo(g.id, g.name, g.weight_percent) for g in round_.groups))


@dataclass(frozen=True, slots=True)
class JudgeChoice:
    id: int
    name: str
    detail: str  # title and affiliation, to tell namesakes apart
    is_public_juror: bool


def judge_choices(db: Database) -> list[JudgeChoice]:
    """Judges on the roster, in roster order."""
    with db.read() as s:
        return [JudgeChoice(r[0], r[1], " ".join(p for p in (r[2], r[3]) if p), r[4]) for r in s.execute(
            select(Judge.id, Judge.name, Judge.title, Judge.affiliation, Judge.is_public_juror)
            .where(Judge.active).order_by(Judge.id))]


@dataclass(frozen=True, slots=True)
class MemberRow:
    judge_id: int
    name: str
    group_id: int | None
    group: str
    is_chair: bool


@dataclass(frozen=True, slots=True)
class PanelRow:
    id: int
    name: str
    venue: str
    members: tuple[MemberRow, ...]

    @property
    def chair(self) -> str:
        return next((m.name for m in self.members if m.is_chair), "")

    @property
    def size(self) -> int:
        return len(self.members)


def panels_of(db: Database, round_id: int) -> list[PanelRow]:
    with db.read() as s:
        round_ = judging._round(s, round_id)
        groups = {g.id: g.name for g in round_.groups}
        panels = s.scalars(select(Panel).where(Panel.round_id == round_id).order_by(Panel.id)).all()
        members: dict[int, list[MemberRow]] = {p.id: [] for p in panels}
        for member, name in s.execute(select(PanelMember, Judge.name).join(Judge).join(Panel)
                                      .where(Panel.round_id == round_id, Judge.active).order_by(PanelMember.id)):
            members[member.panel_id].append(MemberRow(member.judge_id, name, member.group_id,
                                                      groups.get(member.group_id, "") if member.group_id else "",
                                                      member.is_chair))
        return [PanelRow(p.id, p.name, p.venue, tuple(members[p.id])) for p in panels]


Member = tuple[int, int | None, bool]  # (judge id, judge group id or None, is chair)


def save_panel(db: Database, round_id: int, panel_id: int | None, name: str, venue: str,
               members: Sequence[Member]) -> int:
    """Creates or edits a panel of a round whose results are not frozen. A judge sits on one panel per round; when
    the round has judge groups every member is in one of them; at most one chair. A judge taken off the panel loses
    the proposals not yet scored in this round; one with submitted sheets cannot be taken off or change group."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    name, venue = name.strip(), venue.strip()
    _panel_problems(name, venue).raise_if_any()
    with db.write() as s:
        round_ = _open_round(s, round_id)
        panel = _panel(s, panel_id, round_id) if panel_id is not None else Panel(round_id=round_id)
        _refuse_same_name(s, round_id, panel_id, name)
        wanted = _check_members(s, round_, panel_id, members)
        current = {m.judge_id: m for m in panel.members}
        leaving = [j for j in current if j not in wanted]
        regrouped = [j for j, m in current.items() if j in wanted and wanted[j][0] != m.group_id]
        _refuse_if_scored(s, round_id, [*leaving, *regrouped])
        _withdraw_open(s, round_id, leaving)
        before = _panel_facts(s, panel) if panel_id is not None else None
        panel.name, panel.venue = name, venue
        for judge_id in leaving:
            panel.members.remove(current[judge_id])
        for judge_id, (group_id, is_chair) in wanted.items():
            member = current.get(judge_id) or PanelMember(judge_id=judge_id)
            member.group_id, member.is_chair = group_id, is_chair
            if judge_id not in current:
                panel.members.append(member)
        s.add(panel)
        try:
            s.flush()
        except IntegrityError as exc:  # another PC saved a panel of that name meanwhile
            raise _same_name(name) from exc
        audit.log(s, actor, "panel.add" if panel_id is None else "panel.update", "panel", panel.id,
                  before=before, after=_panel_facts(s, panel))
        return panel.id


def _panel_problems(name: str, venue: str) -> Problems:
    problems = Problems()
    label = QT_TRANSLATE_NOOP("Fields", "Panel name")
    if not name:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "{field} is required"), field=label)
    for field_name, value, limit, caption in (("name", name, 40, label),
                                              ("venue", venue, 100, QT_TRANSLATE_NOOP("Fields", "Venue"))):
        if len(value) > limit:
            problems.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"),
                         field=caption, limit=limit)
    return problems


def _same_name(name: str) -> ValidationError:
    return ValidationError(QT_TRANSLATE_NOOP("Errors", "This round already has a panel called “{name}”."), name=name)


def _refuse_same_name(s: Session, round_id: int, panel_id: int | None, name: str) -> None:
    other = s.scalar(select(Panel.id).where(Panel.round_id == round_id, Panel.name == name))
    if other is not None and other != panel_id:
        raise _same_name(name)


def _check_members(s: Session, round_: Round, panel_id: int | None,
                   members: Sequence[Member]) -> dict[int, tuple[int | None, bool]]:
    """The members as judge → (group, chair), once every rule holds."""
    names = dict(s.execute(select(Judge.id, Judge.name).where(Judge.active)).all())
    groups = {g.id: g.name for g in round_.groups}
    elsewhere = {j: p for j, p in s.execute(select(PanelMember.judge_id, Panel.name).join(Panel)
                                            .where(Panel.round_id == round_.id, Panel.id != (panel_id or 0)))}
    wanted: dict[int, tuple[int | None, bool]] = {}
    for judge_id, group_id, is_chair in members:
        if judge_id not in names:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no such judge on the roster."))
        judge = names[judge_id]
        if judge_id in wanted:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{judge} is listed twice on this panel."), judge=judge)
        if judge_id in elsewhere:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "{judge} already sits on panel “{panel}” of this round; a judge sits on one panel per "
                          "round."), judge=judge, panel=elsewhere[judge_id])
        if groups and group_id is None:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Choose the judge group of {judge}: round “{round}” weighs its groups separately."),
                judge=judge, round=round_.name)
        if group_id is not None and group_id not in groups:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The judge group of {judge} is not a group of round "
                                                              "“{round}”."), judge=judge, round=round_.name)
        wanted[judge_id] = (group_id, bool(is_chair))
    if sum(chair for _g, chair in wanted.values()) > 1:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "A panel has at most one chair."))
    return wanted


def _scored(s: Session, round_id: int, judge_ids: Iterable[int]) -> list[str]:
    """Names of those judges with submitted sheets in the round."""
    ids = list(judge_ids)
    if not ids:
        return []
    return list(s.scalars(select(Judge.name).join(Assignment, Assignment.judge_id == Judge.id).join(ScoreSheet)
                          .where(Assignment.round_id == round_id, Assignment.judge_id.in_(ids),
                                 ScoreSheet.status == SheetStatus.SUBMITTED).distinct().order_by(Judge.name)))


def _refuse_if_scored(s: Session, round_id: int, judge_ids: Iterable[int]) -> None:
    scored = _scored(s, round_id, judge_ids)
    if scored:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{judges} already submitted score sheets in this round; their place on the panel and their "
                      "group cannot change (reopen the sheets first)."), judges="、".join(scored))


def _withdraw_open(s: Session, round_id: int, judge_ids: Sequence[int]) -> None:
    """A judge off the round's panels keeps no proposals in it (sheets not submitted go with them)."""
    if judge_ids:
        s.execute(delete(Assignment).where(Assignment.round_id == round_id, Assignment.judge_id.in_(judge_ids)))


def _panel_facts(s: Session, panel: Panel) -> dict[str, object]:
    names = dict(s.execute(select(Judge.id, Judge.name)
                           .where(Judge.id.in_([m.judge_id for m in panel.members]))).all())
    return {"name": panel.name, "venue": panel.venue,
            "members": [[names.get(m.judge_id, ""), m.group_id, m.is_chair] for m in panel.members]}


def delete_panel(db: Database, panel_id: int) -> None:
    """Removes a panel, refused when any of its judges has submitted sheets in the round; their proposals not yet
    scored are withdrawn with it."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        panel = s.get(Panel, panel_id)
        if panel is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no such panel; it may have been removed."))
        _open_round(s, panel.round_id)
        judge_ids = [m.judge_id for m in panel.members]
        scored = _scored(s, panel.round_id, judge_ids)
        if scored:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Panel “{panel}” cannot be deleted: {judges} already submitted score sheets in this round."),
                panel=panel.name, judges="、".join(scored))
        before = _panel_facts(s, panel)
        _withdraw_open(s, panel.round_id, judge_ids)
        s.execute(update(Assignment).where(Assignment.panel_id == panel_id).values(panel_id=None))
        audit.log(s, actor, "panel.delete", "panel", panel_id, before=before)
        s.delete(panel)


def _open_round(s: Session, round_id: int) -> Round:
    round_ = judging._round(s, round_id)
    if round_.frozen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The results of round “{round}” are frozen; its panels cannot change."), round=round_.name)
    return round_


def _panel(s: Session, panel_id: int, round_id: int) -> Panel:
    panel = s.get(Panel, panel_id)
    if panel is None or panel.round_id != round_id:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no such panel; it may have been removed."))
    return panel


# --- assignments, for the assignment screen ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: int
    judge_id: int
    judge: str
    proposal_id: int
    intake_number: str
    title: str
    manual: bool
    status: SheetStatus | None

    @property
    def submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


def assignments_of(db: Database, round_id: int, *, proposal_id: int | None = None,
                   judge_id: int | None = None) -> list[AssignmentRow]:
    """The round's assignments (of one proposal or one judge), with their sheet's state."""
    query = (select(Assignment.id, Judge.id, Judge.name, Proposal.id, Proposal.intake_number, Proposal.title,
                    Assignment.manual, ScoreSheet.status)
             .join(Judge, Judge.id == Assignment.judge_id).join(Proposal, Proposal.id == Assignment.proposal_id)
             .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
             .where(Assignment.round_id == round_id).order_by(Proposal.id, Judge.id))
    if proposal_id is not None:
        query = query.where(Assignment.proposal_id == proposal_id)
    if judge_id is not None:
        query = query.where(Assignment.judge_id == judge_id)
    with db.read() as s:
        return [AssignmentRow(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7]) for r in s.execute(query)]

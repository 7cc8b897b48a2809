"""中标结果公示: the result notice of a decided tender, its objection window, and what it means for signing.

A tender is decided when it has its winner (bidding.award_tender or decide_single_bid) or was closed without one.
Its result is then published for a period of at least the competition's `rules["tender_notice_days"]` calendar
days (5 by default, both ends counted). Anyone may object during the period; this office records one objection
per notice and must record how it was resolved. The winner's grant agreement may be signed only on a day after the
notice has ended and while no objection stands unresolved (`signing_problem`, called by tranches.sign_in).

This module imports only the models and access/audit, never bidding or allocation: tranches imports it, and
allocation imports tranches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardStatus, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Proposal, TenderProject
from . import access, audit
from .access import Actor, Permission

DEFAULT_NOTICE_DAYS = 5
RULE = "tender_notice_days"
LIVE_AWARD = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)  # = allocation.FUNDED (no import)

NOT_PUBLISHED = QT_TRANSLATE_NOOP(
    "Errors", "The result notice of tender {code} has not been published: the winner's agreement can be signed "
              "only after the notice period ends.")
STILL_RUNNING = QT_TRANSLATE_NOOP(
    "Errors", "The result notice of tender {code} runs until {until}: the winner's agreement can be signed from "
              "{after} on.")
OBJECTION_OPEN = QT_TRANSLATE_NOOP(
    "Errors", "An objection to the result of tender {code} has not been resolved: record its resolution before "
              "the agreement is signed.")


@dataclass(frozen=True)
class NoticeState:
    """A tender's result notice as it stands (dates None until published)."""

    tender_id: int
    code: str
    decided: bool  # a winner awarded, or closed without one
    winner_id: int | None  # the proposal with the tender's live award
    notice_from: dt.date | None
    notice_until: dt.date | None
    objection: str
    objection_resolution: str

    @property
    def published(self) -> bool:
        return self.notice_from is not None and self.notice_until is not None

    @property
    def objection_open(self) -> bool:
        return bool(self.objection) and not self.objection_resolution

    def running(self, today: dt.date) -> bool:
        return self.published and self.notice_from <= today <= self.notice_until  # type: ignore[operator]

    def ended(self, today: dt.date) -> bool:
        return self.published and today > self.notice_until  # type: ignore[operator]

    def blocking(self, today: dt.date) -> ValidationError | None:
        """Why the winner's agreement cannot be signed on `today`, or None when it can."""
        if not self.published:
            return ValidationError(NOT_PUBLISHED, code=self.code)
        if not self.ended(today):
            assert self.notice_until is not None
            return ValidationError(STILL_RUNNING, code=self.code, until=self.notice_until.isoformat(),
                                   after=(self.notice_until + dt.timedelta(days=1)).isoformat())
        if self.objection_open:
            return ValidationError(OBJECTION_OPEN, code=self.code)
        return None

    def blocking_reason(self, today: dt.date, translate: Any = None) -> str | None:
        """blocking() as text (English source, or through translate(context, text) as PspError.render does)."""
        problem = self.blocking(today)
        return None if problem is None else problem.render(translate)

    def signable(self, today: dt.date) -> bool:
        return self.winner_id is not None and self.blocking(today) is None


# --- reading -----------------------------------------------------------------------------------------------------


def state(db: Database, tender_id: int) -> NoticeState:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return state_in(s, _tender(s, tender_id))


def state_in(s: Session, tender: TenderProject) -> NoticeState:
    winner = _winner(s, tender.id)
    return NoticeState(tender.id, tender.code, winner is not None or bool(tender.no_winner_reason), winner,
                       tender.notice_from, tender.notice_until, tender.objection or "",
                       tender.objection_resolution or "")


@dataclass(frozen=True)
class TenderFacts:
    """What the 评标报告 and the 中标结果公示 print beside the evaluation (bidding.evaluate)."""

    tender_id: int
    code: str
    name: str
    domain: ServiceDomain
    description: str
    ceiling_fen: int
    service_from: dt.date | None
    service_until: dt.date | None
    qualifications: str
    price_points_x100: int
    competition: str
    organizer: str
    contact: str  # where objections go (the competition's rules["notice_contact"]); empty: the organizer
    no_winner_reason: str
    award_fen: int | None  # the winner's award (its bid price)
    notice: NoticeState


def facts(db: Database, tender_id: int) -> TenderFacts:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        tender = _tender(s, tender_id)
        competition = s.get(Competition, tender.competition_id)
        assert competition is not None
        notice = state_in(s, tender)
        amount = s.scalar(select(Award.amount_fen).where(Award.proposal_id == notice.winner_id,
                                                          Award.status.in_(LIVE_AWARD))) if notice.winner_id else None
        return TenderFacts(
            tender.id, tender.code, tender.name, tender.domain, tender.description or "", tender.ceiling_fen,
            tender.service_from, tender.service_until, tender.qualifications or "", tender.price_points_x100,
            competition.name, competition.organizer, str((competition.rules or {}).get("notice_contact") or "").strip(),
            tender.no_winner_reason or "", amount, notice)


def minimum_days(s: Session, tender: TenderProject) -> int:
    """The competition's shortest notice in calendar days (rules["tender_notice_days"], 5 when unset)."""
    competition = s.get(Competition, tender.competition_id)
    value = (competition.rules or {}).get(RULE) if competition is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_NOTICE_DAYS


def find_tender(db: Database, text: str) -> int:
    """A tender by its code (exact, any case), else by its number."""
    access.require(db, Permission.RESULTS_READ)
    given = text.strip()
    with db.read() as s:
        found = s.scalar(select(TenderProject.id).where(func.upper(TenderProject.code) == given.upper()))
        if found is None and given.isdigit():
            found = s.scalar(select(TenderProject.id).where(TenderProject.id == int(given)))
    if found is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no tender project with code {code}."),
                              code=given)
    return found


# --- publishing --------------------------------------------------------------------------------------------------


def publish(db: Database, tender_id: int, notice_from: dt.date, notice_until: dt.date) -> None:
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        publish_in(s, _tender(s, tender_id), notice_from, notice_until, actor)


def publish_in(s: Session, tender: TenderProject, notice_from: dt.date, notice_until: dt.date, who: Actor) -> None:
    current = state_in(s, tender)
    if not current.decided:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tender {code} has no result yet: award it, or close it without a winner, before publishing "
                      "the result notice."), code=tender.code)
    if current.published:
        assert current.notice_from is not None and current.notice_until is not None
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The result notice of tender {code} was already published, from {start} to {end}."),
            code=tender.code, start=current.notice_from.isoformat(), end=current.notice_until.isoformat())
    if notice_until < notice_from:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The notice period ends ({end}) before it starts ({start})."),
                              start=notice_from.isoformat(), end=notice_until.isoformat())
    days, least = (notice_until - notice_from).days + 1, minimum_days(s, tender)
    if days < least:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The notice period of {days} days is too short: the result must be published for at least "
                      "{least} calendar days."), days=days, least=least)
    tender.notice_from, tender.notice_until = notice_from, notice_until
    audit.log(s, who, "tender.notice", "tender", tender.id, {"notice_from": None, "notice_until": None},
              {"notice_from": notice_from.isoformat(), "notice_until": notice_until.isoformat(),
               "winner": current.winner_id})


# --- the objection -----------------------------------------------------------------------------------------------


def object_to(db: Database, tender_id: int, text: str, raised_on: dt.date) -> None:
    """Record the objection raised on `raised_on` (within the notice period, both ends counted). One per notice."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        object_to_in(s, _tender(s, tender_id), text, raised_on, actor)


def object_to_in(s: Session, tender: TenderProject, text: str, raised_on: dt.date, who: Actor) -> None:
    text = text.strip()
    if not text:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Write down the objection."))
    current = state_in(s, tender)
    if not current.published:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The result of tender {code} has not been published: there is no notice to object to."),
            code=tender.code)
    if not current.running(raised_on):
        assert current.notice_from is not None and current.notice_until is not None
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{date} is outside the notice period ({start} to {end}): objections are taken only during "
                      "it."), date=raised_on.isoformat(), start=current.notice_from.isoformat(),
            end=current.notice_until.isoformat())
    if current.objection:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "An objection to the result of tender {code} is already recorded: one objection per notice."),
            code=tender.code)
    tender.objection = text
    audit.log(s, who, "tender.objection", "tender", tender.id, {"objection": ""},
              {"objection": text, "raised_on": raised_on.isoformat()})


def resolve(db: Database, tender_id: int, resolution: str) -> None:
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        resolve_in(s, _tender(s, tender_id), resolution, actor)


def resolve_in(s: Session, tender: TenderProject, resolution: str, who: Actor) -> None:
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Write down how the objection was resolved."))
    if not tender.objection:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "No objection to the result of tender {code} has been recorded: there is nothing to resolve."),
            code=tender.code)
    if tender.objection_resolution:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The objection to the result of tender {code} was already resolved: {resolution}"),
            code=tender.code, resolution=tender.objection_resolution)
    tender.objection_resolution = resolution
    audit.log(s, who, "tender.objection_resolved", "tender", tender.id, {"objection_resolution": ""},
              {"objection_resolution": resolution})


# --- signing -----------------------------------------------------------------------------------------------------


def signing_problem(s: Session, award: Award, today: dt.date) -> None:
    """Refuse to sign a winning bid's agreement on `today` (the signing day) before its tender's notice has ended
    or while an objection stands; awards not won in a tender are left alone."""
    proposal = s.get(Proposal, award.proposal_id)
    if proposal is None or proposal.tender_id is None:
        return
    problem = state_in(s, _tender(s, proposal.tender_id)).blocking(today)
    if problem is not None:
        raise problem


# --- helpers -----------------------------------------------------------------------------------------------------


def _tender(s: Session, tender_id: int) -> TenderProject:
    tender = s.get(TenderProject, tender_id)
    if tender is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no tender project with number {id}."),
                              id=tender_id)
    return tender


def _winner(s: Session, tender_id: int) -> int | None:
    return s.scalar(select(Award.proposal_id).join(Proposal, Proposal.id == Award.proposal_id)
                    .where(Proposal.tender_id == tender_id, Award.status.in_(LIVE_AWARD)).limit(1))

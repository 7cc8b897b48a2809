"""The printed papers of the funding stage, made from the database: the grant agreement (资助协议) of an award and
the disbursement notice (拨款通知单) of a tranche. Reads only; the GUI and the CLI call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..enums import AwardLevel, AwardStatus, CompetitionMode, GateKind, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Organization, Proposal, Tranche
from . import access, audit, tranches
from .access import Permission

UNFUNDED = (AwardStatus.PROPOSED, AwardStatus.RESERVE, AwardStatus.CANCELLED)

NO_AGREEMENT = QT_TRANSLATE_NOOP(
    "Errors", "Award {id} is not funded (proposed, on the reserve list or cancelled), so it has no grant agreement.")
NOTICE_STOPPED = QT_TRANSLATE_NOOP(
    "Errors", "Tranche {n} is withheld or cancelled and was not paid, so it gets no disbursement notice.")
NOTICE_UNSIGNED = QT_TRANSLATE_NOOP(
    "Errors", "The grant agreement of this award is not signed (or the award is not funded), so tranche {n} gets "
              "no disbursement notice yet.")
NOTICE_GATE_OPEN = QT_TRANSLATE_NOOP(
    "Errors", "Tranche {n} cannot get a disbursement notice: its payment condition is not met and it has not been "
              "paid.")


@dataclass(frozen=True)
class Grantee:
    """乙方: the organization as the agreement names it, with the account the money goes to."""

    name: str
    uscc: str
    legal_representative: str
    address: str
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str


@dataclass(frozen=True)
class TrancheLine:
    id: int
    seq: int
    percent_x100: int | None  # None: a fixed amount
    amount_fen: int
    gate: GateKind
    gate_date: dt.date | None
    gate_note: str
    due_on: dt.date | None
    status: TrancheStatus  # as of the day asked (planned and due follow the gate)
    approved_by: str


@dataclass(frozen=True)
class PaymentLine:
    paid_on: dt.date
    voucher_number: str
    amount_fen: int


@dataclass(frozen=True)
class AgreementFacts:
    award_id: int
    competition: str
    organizer: str
    agreement_number: str | None
    signed_on: dt.date | None
    level: AwardLevel
    amount_fen: int
    matching_committed_fen: int
    total_budget_fen: int
    title: str
    intake_number: str
    start_month: dt.date | None
    end_month: dt.date | None
    grantee: Grantee
    tranches: tuple[TrancheLine, ...]
    mode: CompetitionMode = CompetitionMode.VENTURE  # a tender's or a commission's agreement is worded as such


@dataclass(frozen=True)
class NoticeFacts:
    agreement: AgreementFacts
    tranche: TrancheLine
    payments: tuple[PaymentLine, ...]  # empty until paid


# --- facts -------------------------------------------------------------------------------------------------------


def agreement_facts(db: Database, award_id: int, today: dt.date | None = None) -> AgreementFacts:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        award = _award(s, award_id)
        if award.status in UNFUNDED:
            raise ValidationError(NO_AGREEMENT, id=award_id)
        return _agreement(s, award, today or dt.date.today())


def notice_facts(db: Database, tranche_id: int, today: dt.date | None = None) -> NoticeFacts:
    """Refused for a tranche that has not been paid unless its agreement is signed and its gate met."""
    access.require(db, Permission.RESULTS_READ)
    day = today or dt.date.today()
    with db.read() as s:
        tranche = s.get(Tranche, tranche_id, options=[selectinload(Tranche.payments)])
        if tranche is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no tranche with number {id}."),
                                  id=tranche_id)
        award = _award(s, tranche.award_id)
        if not tranche.payments:
            _refuse_unpaid(tranche, award, day)
        facts = _agreement(s, award, day)
        line = next(t for t in facts.tranches if t.id == tranche.id)
        payments = tuple(PaymentLine(p.paid_on, p.voucher_number, p.amount_fen) for p in tranche.payments)
        return NoticeFacts(facts, line, payments)


def _refuse_unpaid(tranche: Tranche, award: Award, today: dt.date) -> None:
    if tranche.status in (TrancheStatus.WITHHELD, TrancheStatus.CANCELLED):
        raise ValidationError(NOTICE_STOPPED, n=tranche.seq)
    if award.status in UNFUNDED or award.signed_on is None:
        raise ValidationError(NOTICE_UNSIGNED, n=tranche.seq)
    if tranches.gate_met(tranche, award, today) is not True:
        raise ValidationError(NOTICE_GATE_OPEN, n=tranche.seq)


def _award(s: Session, award_id: int) -> Award:
    award = s.get(Award, award_id, options=[selectinload(Award.tranches)])
    if award is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no award with number {id}."), id=award_id)
    return award


def _agreement(s: Session, award: Award, today: dt.date) -> AgreementFacts:
    proposal = s.get(Proposal, award.proposal_id)
    competition = s.get(Competition, award.competition_id)
    assert proposal is not None and competition is not None
    org = s.get(Organization, proposal.organization_id)
    assert org is not None
    grantee = Grantee(org.name, org.uscc or org.registration_number or "", org.legal_representative, org.address,
                      org.contact_name, org.contact_phone, org.bank_name, org.bank_account)
    lines = tuple(
        TrancheLine(t.id, t.seq, t.percent_x100, t.amount_fen, t.gate, t.gate_date, t.gate_note, t.due_on,
                    tranches.effective_status(t, award, today), t.approved_by)
        for t in award.tranches)
    return AgreementFacts(
        award.id, competition.name, competition.organizer, award.agreement_number, award.signed_on, award.level,
        award.amount_fen, award.matching_committed_fen, proposal.total_budget_fen, proposal.title,
        proposal.intake_number or "", proposal.start_month, proposal.end_month, grantee, lines, competition.mode)


# --- documents ---------------------------------------------------------------------------------------------------


def agreement_pdf(db: Database, award_id: int, issued_on: dt.date | None = None) -> bytes:
    """资助协议 of one funded award: before signing (number and dates left blank to write in) or as signed."""
    from ..documents.funding import render_agreement

    return render_agreement(agreement_facts(db, award_id, issued_on))


def disbursement_notice_pdf(db: Database, tranche_id: int, issued_on: dt.date | None = None) -> bytes:
    """拨款通知单 of one tranche whose condition is met (or that was paid), with the change log's chain head."""
    from ..documents.funding import render_disbursement_notice

    day = issued_on or dt.date.today()
    return render_disbursement_notice(notice_facts(db, tranche_id, day), day, chain=audit.head(db))

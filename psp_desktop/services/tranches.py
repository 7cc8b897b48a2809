"""Money paid in tranches (分期拨付), each released only when its gate is met.

A tranche moves planned → due (its gate met) → approved (by finance) → paid (date, voucher), or is withheld (gate
failed, report late), cancelled, or clawed back. Planned and due are read from the gate, so a date gate turns due on
its day without anyone writing; every other move is a service call, checked here and written to the change log.

Evaluation gates (mid-term, final) and manual approvals are decided through `record_gate`: today by finance or an
administrator with a reason, later by the evaluations themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardStatus, CompetitionStatus, GateKind, ProposalStatus, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Clawback, Competition, Payment, Proposal, Tranche
from ..money import MAX_FEN, format_yuan, split_by_weights
from . import access, audit, tender_notice
from .access import Actor, Permission

FIRST_PAYMENT_DAYS = 15  # the first tranche is paid within 15 days of signing
DECIDED_GATES = (GateKind.MIDTERM_PASSED, GateKind.FINAL_PASSED, GateKind.MANUAL)
OPEN = (TrancheStatus.PLANNED, TrancheStatus.DUE)
SPENT = (TrancheStatus.PAID, TrancheStatus.CLAWED_BACK)


@dataclass(frozen=True)
class Step:
    """One tranche of a schedule: a share of the award (hundredths of a percent) or a fixed amount, and its gate."""

    percent_x100: int | None = None
    amount_fen: int | None = None
    gate: GateKind = GateKind.AGREEMENT_SIGNED
    gate_date: dt.date | None = None
    months_after_start: int | None = None  # a date gate counted from the project's first month

    def as_rule(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"gate": str(self.gate)}
        if self.percent_x100 is not None:
            rule["percent"] = self.percent_x100 / 100 if self.percent_x100 % 100 else self.percent_x100 // 100
        if self.amount_fen is not None:
            rule["amount_fen"] = self.amount_fen
        if self.gate_date is not None:
            rule["date"] = self.gate_date.isoformat()
        if self.months_after_start is not None:
            rule["months_after_start"] = self.months_after_start
        return rule


def _pct(percent: int, gate: GateKind, months: int | None = None) -> Step:
    return Step(percent_x100=percent, gate=gate, months_after_start=months)


SIGNED, MID, FINAL, DATE = GateKind.AGREEMENT_SIGNED, GateKind.MIDTERM_PASSED, GateKind.FINAL_PASSED, GateKind.DATE
TEMPLATES: dict[str, tuple[str, tuple[Step, ...]]] = {
    "50/50": (QT_TRANSLATE_NOOP("Funding", "50 / 50: on signing, after the final evaluation"),
              (_pct(5000, SIGNED), _pct(5000, FINAL))),
    "50/30/20": (QT_TRANSLATE_NOOP("Funding", "50 / 30 / 20: on signing, after mid-term, after final evaluation"),
                 (_pct(5000, SIGNED), _pct(3000, MID), _pct(2000, FINAL))),
    "40/40/20": (QT_TRANSLATE_NOOP("Funding", "40 / 40 / 20: on signing, after mid-term, after final evaluation"),
                 (_pct(4000, SIGNED), _pct(4000, MID), _pct(2000, FINAL))),
    "10+quarterly": (QT_TRANSLATE_NOOP("Funding", "10% start-up on signing, then 22.5% each quarter"),
                     (_pct(1000, SIGNED), *(_pct(2250, DATE, 3 * q) for q in range(1, 5)))),
}


# --- schedules: pure ---------------------------------------------------------------------------------------------


def steps_from_rules(rules: Sequence[dict[str, Any]]) -> list[Step]:
    """A competition's `tranche_template` ({"percent": 50, "gate": "agreement_signed"}, ...) as steps."""
    steps = []
    for rule in rules:
        percent = rule.get("percent")
        steps.append(Step(
            percent_x100=None if percent is None else round(float(percent) * 100),
            amount_fen=rule.get("amount_fen"), gate=GateKind(rule.get("gate", "agreement_signed")),
            gate_date=dt.date.fromisoformat(rule["date"]) if rule.get("date") else None,
            months_after_start=rule.get("months_after_start")))
    return steps


def competition_template(competition: Competition | None) -> list[Step]:
    rules = (competition.rules or {}).get("tranche_template") if competition else None
    return steps_from_rules(rules) if rules else list(TEMPLATES["50/50"][1])


def schedule_problem(steps: Sequence[Step]) -> ValidationError | None:
    """What is wrong with a schedule, whatever the award: shares and amounts, gates and their dates."""
    if not steps:
        return ValidationError(QT_TRANSLATE_NOOP("Errors", "A schedule needs at least one tranche."))
    for n, step in enumerate(steps, 1):
        if (step.percent_x100 is None) == (step.amount_fen is None):
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tranche {n}: give either a percentage or a fixed amount."), n=n)
        if step.percent_x100 is not None and not 0 < step.percent_x100 <= 10000:
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tranche {n}: the percentage must be more than 0 and at most 100."), n=n)
        if step.amount_fen is not None and not 0 < step.amount_fen <= MAX_FEN:
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tranche {n}: the amount must be more than zero and not absurdly large."), n=n)
        if step.gate is GateKind.DATE and step.gate_date is None and step.months_after_start is None:
            return ValidationError(QT_TRANSLATE_NOOP("Errors", "Tranche {n}: a date gate needs its date."), n=n)
    percents = [s.percent_x100 for s in steps if s.percent_x100 is not None]
    if percents and sum(percents) != 10000:
        return ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The percentages add up to {total}%, not 100%."), total=_percent_text(sum(percents)))
    return None


def split(total_fen: int, steps: Sequence[Step]) -> list[int]:
    """Each tranche's amount: fixed amounts first, the rest shared by percentage with the largest remainder, so the
    parts always sum to the award exactly, to the fen."""
    problem = schedule_problem(steps)
    if problem:
        raise problem
    fixed = sum(s.amount_fen or 0 for s in steps)
    shared = [s.percent_x100 for s in steps if s.percent_x100 is not None]
    if fixed > total_fen or (not shared and fixed != total_fen):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The fixed tranches add up to {fixed} yuan but the award is {total} yuan."),
            fixed=format_yuan(fixed), total=format_yuan(total_fen))
    parts = iter(split_by_weights(total_fen - fixed, shared) if shared else [])
    return [s.amount_fen if s.amount_fen is not None else next(parts) for s in steps]


def _percent_text(x100: int) -> str:
    return f"{x100 // 100}" if x100 % 100 == 0 else f"{x100 / 100:g}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# --- gates: read -------------------------------------------------------------------------------------------------


def gate_met(tranche: Tranche, award: Award, today: dt.date) -> bool | None:
    """True when the gate is met, False when it failed, None while it is open."""
    if tranche.gate is GateKind.NONE:
        return True
    if tranche.gate is GateKind.AGREEMENT_SIGNED:
        return True if award.signed_on is not None else None
    if tranche.gate is GateKind.DATE:
        return True if tranche.gate_date is not None and today >= tranche.gate_date else None
    return tranche.gate_met


def effective_status(tranche: Tranche, award: Award, today: dt.date) -> TrancheStatus:
    """Planned and due follow the gate; the other states are as stored."""
    if tranche.status not in OPEN:
        return tranche.status
    return TrancheStatus.DUE if gate_met(tranche, award, today) else TrancheStatus.PLANNED


def paid_fen(tranche: Tranche) -> int:
    return sum(p.amount_fen for p in tranche.payments)


# --- schedules: write --------------------------------------------------------------------------------------------


def apply_template(s: Session, award: Award, steps: Sequence[Step]) -> None:
    """Replace the award's tranches with the schedule (nothing may have been approved or paid)."""
    if any(t.status in (TrancheStatus.APPROVED, *SPENT) for t in award.tranches):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Money on this award has been approved or paid: its schedule can no longer be replaced."))
    amounts = split(award.amount_fen, steps)
    proposal = s.get(Proposal, award.proposal_id)
    award.tranches.clear()
    s.flush()
    for seq, (step, amount) in enumerate(zip(steps, amounts, strict=True), 1):
        gate_date = step.gate_date
        if step.gate is GateKind.DATE and gate_date is None:
            gate_date = add_months(_start(proposal, award), step.months_after_start or 0)
        tranche = Tranche(seq=seq, percent_x100=step.percent_x100, amount_fen=amount, gate=step.gate,
                          gate_date=gate_date, status=TrancheStatus.PLANNED)
        award.tranches.append(tranche)
        tranche.due_on = planned_due(tranche, award, proposal)
    s.flush()


def _start(proposal: Proposal | None, award: Award) -> dt.date:
    if proposal is not None and proposal.start_month is not None:
        return proposal.start_month
    return award.signed_on or dt.date.today()


def planned_due(tranche: Tranche, award: Award, proposal: Proposal | None) -> dt.date | None:
    """When the money is expected: after signing, mid-way through the project, after it ends, or on its date."""
    start = _start(proposal, award)
    end = proposal.end_month if proposal is not None and proposal.end_month else add_months(start, 11)
    if tranche.gate in (GateKind.AGREEMENT_SIGNED, GateKind.NONE):
        return (award.signed_on or start) + dt.timedelta(days=FIRST_PAYMENT_DAYS)
    if tranche.gate is GateKind.MIDTERM_PASSED:
        return start + (end - start) / 2
    if tranche.gate is GateKind.FINAL_PASSED:
        return add_months(end, 1)
    if tranche.gate is GateKind.DATE:
        return tranche.gate_date
    return None


def rescale(s: Session, award: Award) -> None:
    """After the award changed: tranches paid or approved keep their amounts; the open ones share the rest in
    their old proportions."""
    fixed = [t for t in award.tranches if t.status in (TrancheStatus.APPROVED, *SPENT)]
    movable = [t for t in award.tranches if t not in fixed and t.status is not TrancheStatus.CANCELLED]
    rest = award.amount_fen - sum(t.amount_fen for t in fixed) - sum(
        t.amount_fen for t in award.tranches if t.status is TrancheStatus.CANCELLED)
    if rest < 0 or (rest > 0 and not movable):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The tranches already approved or paid do not fit the new amount of {amount} yuan."),
            amount=format_yuan(award.amount_fen))
    if movable:
        weights = [t.percent_x100 or t.amount_fen or 1 for t in movable]
        for tranche, amount in zip(movable, split_by_weights(rest, weights), strict=True):
            tranche.amount_fen = amount
    s.flush()


def schedule_of(db: Database, award_id: int) -> list[Step]:
    """The award's tranches as schedule steps (what the schedule editor starts from)."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return [Step(percent_x100=t.percent_x100, amount_fen=None if t.percent_x100 is not None else t.amount_fen,
                     gate=t.gate, gate_date=t.gate_date if t.gate is GateKind.DATE else None)
                for t in award_of(s, award_id).tranches]


def set_schedule(db: Database, award_id: int, steps: Sequence[Step]) -> None:
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        award = award_of(s, award_id)
        if award.status in (AwardStatus.CANCELLED, AwardStatus.RESERVE, AwardStatus.COMPLETED):
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "This award is on the reserve list, cancelled or completed: it has no schedule to change."))
        before = _schedule_facts(award)
        apply_template(s, award, steps)
        if award.signed_on is not None:
            for tranche in award.tranches:
                tranche.due_on = planned_due(tranche, award, s.get(Proposal, award.proposal_id))
        audit.log(s, actor, "award.schedule", "award", award.id, before, _schedule_facts(award))


def _schedule_facts(award: Award) -> dict[str, Any]:
    return {"tranches": [{"seq": t.seq, "amount_fen": t.amount_fen, "gate": str(t.gate),
                          "date": t.gate_date.isoformat() if t.gate_date else None} for t in award.tranches]}


# --- agreement ---------------------------------------------------------------------------------------------------


def sign(db: Database, award_id: int, signed_on: dt.date, number: str = "", *, today: dt.date | None = None) -> str:
    """Record the signed grant agreement (资助协议): its number (made when not given) and date."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        return sign_in(s, award_of(s, award_id), signed_on, number, actor, today or dt.date.today())


def sign_in(s: Session, award: Award, signed_on: dt.date, number: str, who: Actor, today: dt.date) -> str:
    if signed_on > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The signing date {date} is in the future."),
                              date=signed_on.isoformat())
    number = number.strip()
    if len(number) > 40:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The agreement number is longer than 40 characters."))
    if award.status is not AwardStatus.COMMITTED:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Only a funded award not yet signed can be signed."))
    tender_notice.signing_problem(s, award, signed_on)  # a winning bid: only after its result notice
    number = number or next_agreement_number(s, award)
    if s.scalar(select(Award.id).where(Award.agreement_number == number, Award.id != award.id)):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Agreement number {number} is already used."),
                              number=number)
    award.agreement_number, award.signed_on, award.status = number, signed_on, AwardStatus.SIGNED
    proposal = s.get(Proposal, award.proposal_id)
    assert proposal is not None
    proposal.status = ProposalStatus.IMPLEMENTING
    competition = s.get(Competition, award.competition_id)
    if competition is not None and competition.status is CompetitionStatus.SIGNING:
        competition.status = CompetitionStatus.IMPLEMENTING
    for tranche in award.tranches:
        if tranche.gate in (GateKind.AGREEMENT_SIGNED, GateKind.NONE):
            tranche.due_on = planned_due(tranche, award, proposal)
    audit.log(s, who, "award.sign", "award", award.id, None,
              {"agreement_number": number, "signed_on": signed_on.isoformat(), "amount_fen": award.amount_fen})
    return number


def next_agreement_number(s: Session, award: Award) -> str:
    competition = s.get(Competition, award.competition_id)
    assert competition is not None
    prefix = f"XY{competition.year}-{competition.id:02d}-"
    used = s.scalars(select(Award.agreement_number).where(Award.agreement_number.like(prefix + "%"))).all()
    n = max((int(u[len(prefix):]) for u in used if u and u[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{n:03d}"


# --- gates and money ---------------------------------------------------------------------------------------------
# Each change has a session-level core taking the actor (`*_in`, used by the demo and later by evaluations) and a
# public function that checks the permission and runs the core in its own transaction.


def record_gate(s: Session, tranche: Tranche, met: bool, reason: str, who: Actor, on: dt.date) -> None:
    """The one way a decided gate (evaluation, manual approval) is set: met makes it due, failed withholds it."""
    reason = required_reason(reason)
    _require_live(tranche.award)
    if tranche.gate not in DECIDED_GATES:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tranche {n} opens by itself (signing or a date): there is nothing to decide."), n=tranche.seq)
    if tranche.status not in (*OPEN, TrancheStatus.WITHHELD):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tranche {n} has been approved, paid or cancelled: its gate can no longer change."),
            n=tranche.seq)
    before = _tranche_facts(tranche)
    tranche.gate_met, tranche.gate_note = met, reason
    if met:
        tranche.status, tranche.status_reason = TrancheStatus.DUE, ""
        tranche.due_on = on + dt.timedelta(days=FIRST_PAYMENT_DAYS)
    else:
        tranche.status, tranche.status_reason = TrancheStatus.WITHHELD, reason
    audit.log(s, who, "tranche.gate", "tranche", tranche.id, before, {**_tranche_facts(tranche), "on": on.isoformat()})


def decide_gate(db: Database, tranche_id: int, met: bool, reason: str, *, on: dt.date | None = None) -> None:
    """Finance or an administrator marks an evaluation or manual gate met or failed, with a reason."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    with db.write() as s:
        record_gate(s, _tranche(s, tranche_id), met, reason, actor, on or dt.date.today())


def approve(db: Database, tranche_id: int, *, today: dt.date | None = None) -> None:
    """Finance approves a due tranche for payment."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    with db.write() as s:
        approve_in(s, _tranche(s, tranche_id), actor, today or dt.date.today())


def approve_in(s: Session, tranche: Tranche, who: Actor, today: dt.date) -> None:
    award = tranche.award
    _require_live(award)
    if award.signed_on is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The agreement is not signed: nothing can be paid yet."))
    status = effective_status(tranche, award, today)
    if status is not TrancheStatus.DUE:
        raise ValidationError(_not_due_message(status), n=tranche.seq)
    before = _tranche_facts(tranche)
    tranche.status, tranche.approved_by = TrancheStatus.APPROVED, who.name
    audit.log(s, who, "tranche.approve", "tranche", tranche.id, before, _tranche_facts(tranche))


def _not_due_message(status: TrancheStatus) -> str:
    if status is TrancheStatus.PLANNED:
        return QT_TRANSLATE_NOOP("Errors", "Tranche {n} cannot be paid: its gate is not met.")
    if status is TrancheStatus.APPROVED:
        return QT_TRANSLATE_NOOP("Errors", "Tranche {n} is already approved.")
    if status in SPENT:
        return QT_TRANSLATE_NOOP("Errors", "Tranche {n} has already been paid.")
    return QT_TRANSLATE_NOOP("Errors", "Tranche {n} is withheld or cancelled and cannot be paid.")


def pay(db: Database, tranche_id: int, paid_on: dt.date, voucher: str, note: str = "", *,
        today: dt.date | None = None) -> int:
    """Record the payment of an approved tranche, in full, with its voucher (凭证) number."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    with db.write() as s:
        return pay_in(s, _tranche(s, tranche_id), paid_on, voucher, note, actor, today or dt.date.today())


def pay_in(s: Session, tranche: Tranche, paid_on: dt.date, voucher: str, note: str, who: Actor,
           today: dt.date) -> int:
    voucher = voucher.strip()
    if not voucher or len(voucher) > 40:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the voucher number (at most 40 characters)."))
    if paid_on > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The payment date {date} is in the future."),
                              date=paid_on.isoformat())
    award = tranche.award
    _require_live(award)
    status = effective_status(tranche, award, today)
    if status is TrancheStatus.DUE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tranche {n} must be approved by finance before it is paid."), n=tranche.seq)
    if status is not TrancheStatus.APPROVED or gate_met(tranche, award, today) is not True:
        raise ValidationError(_not_due_message(TrancheStatus.PLANNED if status is TrancheStatus.APPROVED
                                               else status), n=tranche.seq)
    _check_payment(s, award, tranche, paid_on, voucher)
    payment = Payment(tranche_id=tranche.id, amount_fen=tranche.amount_fen, paid_on=paid_on,
                      voucher_number=voucher, paid_by=who.name, note=note.strip())
    s.add(payment)
    tranche.status = TrancheStatus.PAID
    if all(t.status in (*SPENT, TrancheStatus.CANCELLED) for t in award.tranches):
        award.status = AwardStatus.COMPLETED
        s.get(Proposal, award.proposal_id).status = ProposalStatus.COMPLETED  # type: ignore[union-attr]
    s.flush()
    audit.log(s, who, "tranche.pay", "tranche", tranche.id, None,
              {"award": award.id, "seq": tranche.seq, "amount_fen": payment.amount_fen,
               "paid_on": paid_on.isoformat(), "voucher": voucher})
    return payment.id


def _check_payment(s: Session, award: Award, tranche: Tranche, paid_on: dt.date, voucher: str) -> None:
    assert award.signed_on is not None
    if paid_on < award.signed_on:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The payment date {date} is before the agreement was signed on {signed}."),
            date=paid_on.isoformat(), signed=award.signed_on.isoformat())
    if s.scalar(select(Payment.id).where(Payment.voucher_number == voucher)):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Voucher {voucher} has already been recorded."),
                              voucher=voucher)
    paid = s.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0)).join(Payment.tranche)
                    .where(Tranche.award_id == award.id)) or 0
    if paid + tranche.amount_fen > award.amount_fen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Paying {amount} yuan would bring the total paid to {total} yuan, more than the award of "
                      "{award} yuan."), amount=format_yuan(tranche.amount_fen),
            total=format_yuan(paid + tranche.amount_fen), award=format_yuan(award.amount_fen))


def withhold(db: Database, tranche_id: int, reason: str) -> None:
    """Stop a tranche (a late report, a problem found on a visit); it stays withheld until released."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        withhold_in(s, _tranche(s, tranche_id), reason, actor)


def withhold_in(s: Session, tranche: Tranche, reason: str, who: Actor) -> None:
    reason = required_reason(reason)
    _require_live(tranche.award)
    if tranche.status not in (*OPEN, TrancheStatus.APPROVED):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tranche {n} has been paid or cancelled, or is already withheld."), n=tranche.seq)
    before = _tranche_facts(tranche)
    tranche.status, tranche.status_reason = TrancheStatus.WITHHELD, reason
    audit.log(s, who, "tranche.withhold", "tranche", tranche.id, before, _tranche_facts(tranche))


def release(db: Database, tranche_id: int, reason: str) -> None:
    """Lift a withholding; the tranche is planned or due again according to its gate."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    reason = required_reason(reason)
    with db.write() as s:
        tranche = _tranche(s, tranche_id)
        _require_live(tranche.award)
        if tranche.status is not TrancheStatus.WITHHELD:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Tranche {n} is not withheld."), n=tranche.seq)
        before = _tranche_facts(tranche)
        tranche.status, tranche.status_reason = TrancheStatus.PLANNED, reason
        if tranche.gate_met is False:
            tranche.gate_met = None  # the failed decision is lifted with the withholding; decide the gate again
        audit.log(s, actor, "tranche.release", "tranche", tranche.id, before, _tranche_facts(tranche))


def cancel(db: Database, tranche_id: int, reason: str) -> None:
    """A tranche that will not be paid; its money goes back to the pool."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    reason = required_reason(reason)
    with db.write() as s:
        tranche = _tranche(s, tranche_id)
        if tranche.status in (*SPENT, TrancheStatus.CANCELLED):
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tranche {n} has been paid or is already cancelled."), n=tranche.seq)
        before = _tranche_facts(tranche)
        tranche.status, tranche.status_reason = TrancheStatus.CANCELLED, reason
        audit.log(s, actor, "tranche.cancel", "tranche", tranche.id, before, _tranche_facts(tranche))


def claw_back(db: Database, tranche_id: int, amount_fen: int, reason: str, decided_on: dt.date, *,
              today: dt.date | None = None) -> int:
    """Ask paid money back (追回) from a tranche, e.g. after a failed evaluation."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    with db.write() as s:
        return claw_back_in(s, _tranche(s, tranche_id), amount_fen, reason, decided_on, actor,
                            today or dt.date.today())


def claw_back_in(s: Session, tranche: Tranche, amount_fen: int, reason: str, decided_on: dt.date, who: Actor,
                 today: dt.date) -> int:
    reason = required_reason(reason)
    if decided_on > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The date {date} is in the future."),
                              date=decided_on.isoformat())
    open_fen = paid_fen(tranche) - tranche.clawed_back_fen
    if tranche.status not in SPENT or open_fen <= 0:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Tranche {n} has no paid money to claw back."),
                              n=tranche.seq)
    if not 0 < amount_fen <= open_fen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The amount to claw back must be more than zero and at most the {paid} yuan paid."),
            paid=format_yuan(open_fen))
    before = _tranche_facts(tranche)
    clawback = Clawback(award_id=tranche.award_id, tranche_id=tranche.id, amount_fen=amount_fen, reason=reason,
                        decided_on=decided_on)
    s.add(clawback)
    tranche.clawed_back_fen += amount_fen
    tranche.status, tranche.status_reason = TrancheStatus.CLAWED_BACK, reason
    s.flush()
    audit.log(s, who, "tranche.clawback", "tranche", tranche.id, before,
              {**_tranche_facts(tranche), "amount_fen": amount_fen, "decided_on": decided_on.isoformat()})
    return clawback.id


def recovered(db: Database, tranche_id: int, recovered_on: dt.date, *, today: dt.date | None = None) -> int:
    """The money clawed back from a tranche has come back; returns the amount recorded as returned."""
    actor = access.require(db, Permission.PAYMENT_APPROVE)
    if recovered_on > (today or dt.date.today()):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The date {date} is in the future."),
                              date=recovered_on.isoformat())
    with db.write() as s:
        tranche = _tranche(s, tranche_id)
        waiting = s.scalars(select(Clawback).where(Clawback.tranche_id == tranche.id,
                                                   Clawback.recovered_on.is_(None)).order_by(Clawback.id)).all()
        if not waiting:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tranche {n} has no clawed-back money still to come back."), n=tranche.seq)
        if any(recovered_on < c.decided_on for c in waiting):
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The money cannot come back before it was asked for."))
        for clawback in waiting:
            clawback.recovered_on = recovered_on
        amount = sum(c.amount_fen for c in waiting)
        audit.log(s, actor, "clawback.recovered", "tranche", tranche.id, None,
                  {"amount_fen": amount, "recovered_on": recovered_on.isoformat()})
        return amount


# --- helpers -----------------------------------------------------------------------------------------------------


def _require_live(award: Award) -> None:
    if award.status in (AwardStatus.CANCELLED, AwardStatus.RESERVE, AwardStatus.PROPOSED):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This award is not funded (reserve list or cancelled): no money moves on it."))


def required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give a reason: it goes into the change log."))
    return reason


def award_of(s: Session, award_id: int) -> Award:
    award = s.get(Award, award_id)
    if award is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no award with number {id}."), id=award_id)
    return award


def _tranche(s: Session, tranche_id: int) -> Tranche:
    tranche = s.get(Tranche, tranche_id)
    if tranche is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no tranche with number {id}."), id=tranche_id)
    return tranche


def _tranche_facts(tranche: Tranche) -> dict[str, Any]:
    return {"award": tranche.award_id, "seq": tranche.seq, "amount_fen": tranche.amount_fen,
            "status": str(tranche.status), "gate_met": tranche.gate_met, "reason": tranche.status_reason}

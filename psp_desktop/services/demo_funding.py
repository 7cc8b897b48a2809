"""The demo's 2024 competition two years on: judged, funded, and paid in tranches up to mid-November 2026.

Everything after the proposals is played through the services, on the story's clock, by the demo accounts (刘晓燕,
staff, allocates and signs; 王会计, finance, decides gates, approves and pays), each call given the story's date as
today, so every build gives the same rows and the same change log:
- both review rounds scored and frozen; awards proposed from the final ranking (what was asked, within the pool, the
  cap and 80% of the budget) and committed: the pool runs out before the last finalists (reserve list); one award
  lowered before signing, with its reason;
- agreements signed 20–27 December 2024, the first tranche (40%) paid in January 2025; matching funds received from
  companies, foundations and the organizations themselves, two organizations behind;
- one award cancelled in 2025 (its open tranches with it); part of another's first tranche clawed back after a site
  visit; mid-term evaluations in December 2025, passed (paid January 2026) but one failed (withheld);
- the 20% tranche dated 2026-11-01 paid for some, approved for others, only due for the rest; final tranches planned.

Its rows come after the 2025 competition's (same ids as before), but both stories are played in time order, so the
change log never runs backwards (build_history).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import heapq
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..enums import AwardStatus, BudgetCategory, CompetitionStatus, DocumentType
from ..models import Award, Competition, Judge, Proposal, Tranche
from . import (
    allocation,
    audit,
    certificates,
    demo_evaluation,
    demo_judging,
    demo_monitoring,
    demo_purchasing,
    demo_users,
    issuing,
    matching,
    rankings,
    tranches,
)
from .demo_judging import Intake, _Clock

if TYPE_CHECKING:
    from .demo import _DemoBuilder

YEAR = 2024
SEED = 2028  # its draws fund 13 of the 15 finalists: the pool runs out before the last two (reserve)
POOL_FEN = 120_000_000  # 120万 yuan
CAP_FEN = 10_000_000  # 10万: two-year projects; at the yearly competitions' 8万 a 120万 pool would fund every finalist
FINALISTS = 15
WRITTEN_ON, ROADSHOW_ON = dt.date(YEAR, 11, 8), dt.date(YEAR, 11, 20)
INTAKE = Intake(YEAR, 18, dt.date(YEAR, 9, 2), days=28, project={
    "start": dt.date(2025, 1, 1), "months": 24, "request_yuan": (120_000, 200_000), "cap_fen": CAP_FEN})
DATE_GATE = dt.date(2026, 11, 1)
TRANCHE_TEMPLATE = [
    {"percent": 40, "gate": "agreement_signed"},
    {"percent": 30, "gate": "midterm_passed"},
    {"percent": 20, "gate": "date", "date": DATE_GATE.isoformat()},
    {"percent": 10, "gate": "final_passed"},
]
STAFF, FINANCE = demo_users.actor("liuxiaoyan"), demo_users.actor("wangkuaiji")
FIRST_HALF = dt.datetime(2025, 5, 1)  # the 2024 story up to here, then the 2025 competition's judging, then the rest

TRIM_REASON = "预算中宣传费偏高，核减"
CANCEL_REASON = "项目负责人及两名专职社工离职，机构书面申请终止项目，经街道审核同意解除资助协议"
CLAWBACK_REASON = "实地走访发现部分资金用于非项目支出"
FAILED_REASON = "中期评估不合格：活动开展不足计划的一半"
CEREMONY = dt.datetime(YEAR, 12, 30, 10, 0)  # certificates for the funded projects and letters for the judges
VOID_REASON = "项目已终止，资助协议解除，证书收回作废"
SOURCES = ("企业捐赠", "基金会资助", "机构自筹", "社区募捐")
ON_TRACK = ((50, (dt.date(2025, 2, 10), dt.date(2025, 3, 28))), (30, (dt.date(2025, 12, 15), dt.date(2026, 2, 27))),
            (20, (dt.date(2026, 9, 1), dt.date(2026, 10, 30))))  # share of the committed matching funds, when
BEHIND = ((25, (dt.date(2025, 3, 3), dt.date(2025, 3, 31))), (10, (dt.date(2026, 4, 1), dt.date(2026, 4, 30))))
PAID_IN_NOVEMBER, APPROVED_IN_NOVEMBER = 5, 3


def build_history(builder: _DemoBuilder, experts: Sequence[Judge], public: Sequence[Judge]) -> list[bytes]:
    """The 2025 competition, then the 2024 one (their ids in that order); the stories are played in time order.
    Returns the PDFs of the documents issued on the way."""
    with _stamped(builder.s):
        last_year = demo_judging.prepare_last_year(builder, experts, public)
        story = _Story(builder, experts, public)
        demo_purchasing.plan(builder, story, experts)  # the 2025 tender and commission, on the same clock
        story.play(until=FIRST_HALF)
        demo_judging.judge_last_year(builder, last_year, experts, public)
        story.play()
    return story.pdfs


def demo_key() -> Ed25519PrivateKey:
    """The demo office's signing key: fixed, so two builds sign alike; it signs nothing outside the demo."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"PSP demo office document key").digest())


@contextlib.contextmanager
def _stamped(s: Session) -> Iterator[None]:
    """Rows the services add (assignments, awards, payments, clawbacks) take their created_at from the story's clock
    instead of the database server's, so two builds are identical."""
    def stamp(session: Session, _context: Any, _instances: Any) -> None:
        for row in session.new:
            if hasattr(row, "created_at") and row.created_at is None:
                row.created_at = audit.now()

    event.listen(s, "before_flush", stamp)
    try:
        yield
    finally:
        event.remove(s, "before_flush", stamp)


def _competition(builder: _DemoBuilder) -> Competition:
    from .demo import OFFICE, RULES, _at

    rules = {**copy.deepcopy(RULES), "tranche_template": TRANCHE_TEMPLATE}
    return demo_judging.past_competition(
        builder, YEAR, FINALISTS, WRITTEN_ON, ROADSHOW_ON, status=CompetitionStatus.REVIEW, pool_fen=POOL_FEN,
        project_cap_fen=CAP_FEN, budget_share_cap_percent=80, min_matching_percent=20,
        apply_from=dt.date(YEAR, 9, 2), apply_until=dt.date(YEAR, 9, 30), screening_until=dt.date(YEAR, 10, 18),
        notice_from=dt.date(YEAR, 11, 25), notice_until=dt.date(YEAR, 12, 4), signing_on=dt.date(YEAR, 12, 20),
        rules=rules, created_at=_at(dt.date(YEAR, 8, 19), 10, 0),
        description=(f"{OFFICE}设立社区公益创投资金120万元，资助2025年1月至2026年12月实施的两年期社区公益项目，"
                     "单个项目资助上限10万元，申报机构配套资金不低于项目总预算的20%。书面评审前15名进入路演答辩，"
                     "最终得分按书面评审40%、路演答辩60%计算。资助资金分四期拨付：签约后40%，中期评估合格后30%，"
                     "2026年11月20%，终期评估合格后10%。"),
    )


Event = tuple[dt.datetime, int, Callable[[], None]]


class _Story:
    """The 2024 competition's events, each at its moment on the clock; play() runs them in time order."""

    def __init__(self, builder: _DemoBuilder, experts: Sequence[Judge], public: Sequence[Judge]) -> None:
        self.s = builder.s
        self.rng = random.Random(SEED)  # its own draws, so the 2025 story's stay what they were
        self.competition = _competition(builder)
        self.s.add(self.competition)
        self.s.flush()
        shadow = copy.copy(builder)
        shadow.rng = self.rng
        self.contest = demo_judging.prepare_contest(shadow, self.competition, INTAKE, experts, public)
        self.clock = _Clock(dt.datetime.combine(WRITTEN_ON, dt.time(9, 0)))
        self.events: list[Event] = []
        self.order = itertools.count()  # events at the same moment run in the order they were planned
        self.certificates: dict[int, str] = {}  # award id → serial of its certificate
        self.pdfs: list[bytes] = []  # the issued PDFs, kept in the file store after the build
        self.vouchers = {2025: 9, 2026: 2}  # the finance office's voucher numbers run on between our payments
        written, roadshow = self.competition.rounds
        self.at(self.clock.at, lambda: self._score(written, (4, 12)))
        self.at(dt.datetime(YEAR, 11, 11, 10, 30), lambda: self._freeze(written))
        self.at(dt.datetime(YEAR, 11, 20, 8, 40), lambda: self._score(roadshow, (1, 2)))
        self.at(dt.datetime(YEAR, 11, 21, 9, 30), lambda: self._freeze(roadshow))
        self.at(dt.datetime(YEAR, 11, 22, 10, 0), self._allocate)

    # --- the clock ----------------------------------------------------------------------------------------------

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.events, (when, next(self.order), action))

    def play(self, until: dt.datetime | None = None) -> None:
        with audit.clock(self.clock):
            while self.events and (until is None or self.events[0][0] < until):
                when, _seq, action = heapq.heappop(self.events)
                assert when >= self.clock.at, (when, self.clock.at)  # a plan that overlaps itself
                self.clock.at = when
                action()

    @property
    def today(self) -> dt.date:
        return self.clock.at.date()

    def _moment(self, first: dt.date, last: dt.date, hours: tuple[int, int] = (9, 16)) -> dt.datetime:
        """A working day between first and last, at a time in office hours."""
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        day = self.rng.choice([d for d in days if d.weekday() < 5])
        return dt.datetime.combine(day, dt.time(self.rng.randint(*hours), self.rng.randrange(60)))

    def _after(self, moment: dt.datetime, last: dt.date, hours: tuple[int, int] = (14, 16)) -> dt.datetime:
        """One to three days later (a working day, not after last): a payment after its approval."""
        first = moment.date() + dt.timedelta(days=1)
        return self._moment(first, min(first + dt.timedelta(days=2), last), hours)

    # --- judging and allocation ---------------------------------------------------------------------------------

    def _score(self, round_: Any, minutes: tuple[int, int]) -> None:
        demo_judging.score_round(self.s, self.rng, round_, self.contest, self.clock, minutes)

    def _freeze(self, round_: Any) -> None:
        rankings.freeze(self.s, round_, STAFF.name, who=STAFF)

    def _allocate(self) -> None:
        """Fund what was asked for in rank order while the pool lasts; the finalists after that are the reserve."""
        c = self.competition
        rules = allocation.Rules(c.pool_fen, c.project_cap_fen, c.budget_share_cap_percent,
                                 allocation.Method.REQUESTED)
        allocation.commit_in(self.s, c.id, allocation.propose_in(self.s, c.id, rules), STAFF)
        awards = self.s.scalars(select(Award).where(Award.competition_id == c.id).order_by(Award.rank, Award.id))
        self._plan([a.id for a in awards if a.status is AwardStatus.COMMITTED])

    def _plan(self, funded: list[int]) -> None:
        """Everything after the allocation, each award's part drawn now and played when its day comes."""
        trimmed = max(funded[2:], key=self._publicity_share)
        cancelled, failed, clawed, *behind = self.rng.sample([a for a in funded[2:] if a != trimmed], 5)
        self.at(dt.datetime(YEAR, 12, 6, 15, 20), partial(self._trim, trimmed))
        self._signings(funded)
        for award_id in funded:
            approve = self._moment(dt.date(2025, 1, 6), dt.date(2025, 1, 13), (9, 11))
            self.at(approve, partial(self._approve, award_id, 1))
            self.at(self._after(approve, dt.date(2025, 1, 15)), partial(self._pay, award_id, 1))
            steps = BEHIND if award_id in behind else ON_TRACK[:1] if award_id == cancelled else ON_TRACK
            self._matching(award_id, steps, whole=steps is ON_TRACK)
        self.at(CEREMONY, self._ceremony)
        self.at(dt.datetime(2025, 8, 12, 10, 0), partial(self._cancel, cancelled))
        self.at(dt.datetime(2025, 8, 12, 10, 40), partial(self._void_certificate, cancelled))
        self.at(dt.datetime(2025, 9, 19, 15, 10), partial(self._claw_back, clawed))
        live = [a for a in funded if a != cancelled]
        for award_id in live:
            self.at(self._moment(dt.date(2025, 12, 8), dt.date(2025, 12, 19)),
                    partial(self._midterm, award_id, award_id != failed, award_id == clawed))
            if award_id != failed:
                approve = self._moment(dt.date(2026, 1, 5), dt.date(2026, 1, 9), (9, 11))
                self.at(approve, partial(self._approve, award_id, 2))
                self.at(self._after(approve, dt.date(2026, 1, 16)), partial(self._pay, award_id, 2))
        self._november([a for a in live if a != failed])
        demo_monitoring.plan(self, funded, cancelled=cancelled, failed=failed, clawed=clawed)

    def _publicity_share(self, award_id: int) -> float:
        proposal = self._proposal(award_id)
        return self._publicity(proposal) / proposal.total_budget_fen

    def _signings(self, funded: list[int]) -> None:
        """Most sign at the ceremony on signing day, the rest in the following week."""
        at_ceremony = self.rng.randint(7, 9)
        for n, award_id in enumerate(funded):
            when = (dt.datetime(YEAR, 12, 20, 14, 30) + dt.timedelta(minutes=6 * n) if n < at_ceremony
                    else self._moment(dt.date(YEAR, 12, 23), dt.date(YEAR, 12, 27)))
            self.at(when, partial(self._sign, award_id))

    def _november(self, awards: list[int]) -> None:
        """The 2026-11-01 tranche: paid for some, approved and waiting for others, only due for the rest."""
        order = self.rng.sample(awards, len(awards))
        for award_id in order[:PAID_IN_NOVEMBER]:
            approve = self._moment(dt.date(2026, 11, 9), dt.date(2026, 11, 13), (9, 11))
            self.at(approve, partial(self._approve, award_id, 3))
            self.at(self._after(approve, dt.date(2026, 11, 18)), partial(self._pay, award_id, 3))
        for award_id in order[PAID_IN_NOVEMBER:PAID_IN_NOVEMBER + APPROVED_IN_NOVEMBER]:
            self.at(self._moment(dt.date(2026, 11, 12), dt.date(2026, 11, 17)), partial(self._approve, award_id, 3))

    def _matching(self, award_id: int, steps: tuple[tuple[int, tuple[dt.date, dt.date]], ...], *,
                  whole: bool) -> None:
        """Receipts of matching funds, each a share of what was committed; on track, they add up to all of it."""
        committed = self._award(award_id).matching_committed_fen
        left = committed
        for n, (percent, (first, last)) in enumerate(steps, 1):
            amount = left if whole and n == len(steps) else committed * percent // 100 // 10_000 * 10_000
            left -= amount
            self.at(self._moment(first, last), partial(self._receive, award_id, amount, self.rng.choice(SOURCES)))

    # --- the services, played on the clock -----------------------------------------------------------------------

    def _award(self, award_id: int) -> Award:
        award = self.s.get(Award, award_id)
        assert award is not None
        return award

    def _proposal(self, award_id: int) -> Proposal:
        proposal = self.s.get(Proposal, self._award(award_id).proposal_id)
        assert proposal is not None
        return proposal

    @staticmethod
    def _publicity(proposal: Proposal) -> int:
        return sum(b.amount_fen for b in proposal.budget_lines if b.category is BudgetCategory.PUBLICITY)

    def _tranche(self, award_id: int, seq: int) -> Tranche:
        return next(t for t in self._award(award_id).tranches if t.seq == seq)

    def _trim(self, award_id: int) -> None:
        award = self._award(award_id)
        cut = max(200_000, self._publicity(self._proposal(award_id)) // 2 // 10_000 * 10_000)
        allocation.adjust_in(self.s, award, award.amount_fen - cut, TRIM_REASON, STAFF)

    def _sign(self, award_id: int) -> None:
        tranches.sign_in(self.s, self._award(award_id), self.today, "", STAFF, self.today)

    def _approve(self, award_id: int, seq: int) -> None:
        tranches.approve_in(self.s, self._tranche(award_id, seq), FINANCE, self.today)

    def _pay(self, award_id: int, seq: int) -> None:
        year = self.today.year
        self.vouchers[year] += self.rng.randint(1, 3)
        voucher = f"{year}-PZ-{self.vouchers[year]:04d}"
        note = f"{self.competition.name}第{seq}期资助资金"
        tranches.pay_in(self.s, self._tranche(award_id, seq), self.today, voucher, note, FINANCE, self.today)

    def _receive(self, award_id: int, amount_fen: int, source: str) -> None:
        matching.receive_in(self.s, self._award(award_id), amount_fen, self.today, source, "", FINANCE, self.today)

    def _cancel(self, award_id: int) -> None:
        allocation.cancel_in(self.s, self._award(award_id), CANCEL_REASON, STAFF)

    def _ceremony(self) -> None:
        """The award ceremony: certificates for every funded project and letters for the judges, signed with the demo
        office's key; the PDFs go to the file store when the build is done."""
        for doc_type in (DocumentType.AWARD_CERTIFICATE, DocumentType.APPOINTMENT_LETTER):
            issued = certificates.issue_in(self.s, self.competition.id, doc_type, STAFF, self.today, key=demo_key())
            if doc_type is DocumentType.AWARD_CERTIFICATE:
                self.certificates = {award_id: one.serial for award_id, one in issued.items()}
            self.pdfs.extend(one.pdf for one in issued.values())

    def _void_certificate(self, award_id: int) -> None:
        issuing.void_in(self.s, self.certificates[award_id], VOID_REASON, STAFF)

    def _claw_back(self, award_id: int) -> None:
        tranche = self._tranche(award_id, 1)
        amount = self.rng.randrange(30, 80) * 10_000  # 3,000 to 7,900 yuan of the first tranche
        tranches.claw_back_in(self.s, tranche, amount, CLAWBACK_REASON, self.today, FINANCE, self.today)

    def _midterm(self, award_id: int, met: bool, rectified: bool) -> None:
        score = self.rng.randint(72, 93) if met else None  # drawn here: the story's later draws stay as they were
        demo_evaluation.midterm(self, award_id, score, rectified)

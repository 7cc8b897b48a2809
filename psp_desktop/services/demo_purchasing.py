"""The demo's other two ways of buying services in 2025, played on the 2024 story's clock (demo_funding._Story) so
the change log stays in time order:

- **Bidding** (公益招投标): the office publishes one tender project in March 2025, 高龄老人助餐配送 with a ceiling of
  20万 yuan and 30 price points. Three organizations bid; one bid is over the ceiling and fails screening. The
  evaluation committee of five experts scores the two valid bids in April; the first-ranked wins at its price, the
  result is on public notice for seven days, then the agreement is signed and the first tranche paid.
- **Commission** (服务委托): in June 2025 the office commissions a project for young people with intellectual
  disabilities directly from the one organization in the street that runs such a service, with the reason and the
  person who approved it recorded.

Both projects then live as the 2024 ones do: report schedule and milestones, quarterly reports, a site visit, a
mid-term evaluation in December 2025 that releases the second tranche, paid in January 2026.

Draws come from this module's own random.Random, never from the story's or the builder's, so the other stories'
rows stay what they were.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..enums import (
    AdvanceRule,
    Aggregation,
    BudgetCategory,
    CompetitionMode,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
)
from ..models import (
    Award,
    BudgetLine,
    Competition,
    CompetitionTheme,
    Criterion,
    Judge,
    Panel,
    PanelMember,
    Proposal,
    Round,
    Tranche,
)
from . import bidding, commission, demo_evaluation, demo_monitoring, rankings, tender_notice, tranches
from . import demo_content as content
from .bidding import TenderInput
from .commission import CommissionInput
from .demo_judging import Contest
from .proposals import BudgetLineData

if TYPE_CHECKING:
    from .demo import _DemoBuilder, _OrgPlan
    from .demo_funding import _Story

SEED = 2511
YEAR = 2025
W = 1_000_000  # 1万 yuan in fen
TEMPLATE = [{"percent": 50, "gate": "agreement_signed"}, {"percent": 30, "gate": "midterm_passed"},
            {"percent": 20, "gate": "final_passed"}]
SERVICE_FROM, SERVICE_UNTIL = dt.date(YEAR, 7, 1), dt.date(2026, 12, 31)

TENDER_CODE = "ZB2025-01"
CEILING_FEN = 20 * W
PRICE_POINTS_X100 = 3000
BIDS = ((150_000, 160_000), (170_000, 185_000), (206_000, 215_000))  # asked, in yuan: the third is over the ceiling
TENDER_RUBRIC = (  # the committee's part: 70 of the 100 points after the price, scaled from these 100
    ("必要性与需求理解", 1500, "对服务对象和助餐需求的理解准确，服务必要性论证充分"),
    ("服务方案", 3000, "配餐、送餐和安全管理方案完整，服务流程清晰、标准明确"),
    ("可行性", 2000, "场地、车辆、人员和进度安排落实，风险有预案"),
    ("团队与经验", 2000, "机构有同类助餐或为老服务经验，团队资质与服务匹配"),
    ("预算合理性", 1500, "报价构成清楚，成本测算有依据"),
)
COMMITTEE = 5
NOTICE_CONTACT = "街道社区发展科，电话 028-86120100，地址：街道办事处二楼203室"

COMMISSION_TITLE = "“星光工坊”心智障碍青年日间照料与辅助就业服务"
COMMISSION_AMOUNT_FEN = 18 * W
JUSTIFICATION = ("本项目服务对象为辖区心智障碍青年，需由具备特殊教育和职业康复专业资质、有日间照料场地的机构承接。"
                 "经排查，辖区内仅该机构具备上述条件并已持续服务现有学员，为保证服务连续性，"
                 "经2025年6月9日街道党工委会议研究，决定采取服务委托方式直接委托实施。")
APPROVER = "张建国（街道办事处主任）"


MEAL_LINES = (  # category, item, unit, share of the price in per mille; the meal subsidy takes the rest
    (BudgetCategory.PERSONNEL, "送餐员劳务费（2人×18个月）", 36, 300),
    (BudgetCategory.PERSONNEL, "营养配餐指导（社工、营养师）", 18, 80),
    (BudgetCategory.ACTIVITY, "配送车辆运行费（油费、保险）", 18, 90),
    (BudgetCategory.ACTIVITY, "保温餐箱及配送耗材", 1, 35),
    (BudgetCategory.ACTIVITY, "食品安全检测与留样", 6, 20),
    (BudgetCategory.PUBLICITY, "助餐服务宣传与满意度调查", 1, 15),
    (BudgetCategory.MANAGEMENT, "项目管理费", 1, 45),
)
MEAL_SUBSIDY = (BudgetCategory.ACTIVITY, "高龄老人午餐补贴（每餐补贴）")


def meal_budget(price_fen: int) -> list[dict[str, object]]:
    """A 助餐 service's budget adding up exactly to its bid price: whole-yuan units, the meal subsidy the rest."""
    lines: list[dict[str, object]] = []
    for category, item, quantity, per_mille in MEAL_LINES:
        unit = price_fen * per_mille // 1000 // quantity // 100 * 100
        lines.append({"category": category, "item": item, "unit_price_fen": unit, "quantity": quantity,
                      "amount_fen": unit * quantity})
    rest = price_fen - sum(int(line["amount_fen"]) for line in lines)  # type: ignore[call-overload]
    meals = rest // 600  # 6 yuan a meal
    lines.insert(0, {"category": MEAL_SUBSIDY[0], "item": MEAL_SUBSIDY[1], "unit_price_fen": 600, "quantity": meals,
                     "amount_fen": 600 * meals})
    lines[-1]["amount_fen"] = int(lines[-1]["amount_fen"]) + rest - 600 * meals  # type: ignore[call-overload]
    lines[-1]["unit_price_fen"] = lines[-1]["amount_fen"]
    return lines


def plan(builder: _DemoBuilder, story: _Story, experts: Sequence[Judge]) -> None:
    """Schedules both programmes' events on the story's clock (nothing is written until they are played)."""
    _Purchasing(builder, story, list(experts)).plan()


class _Purchasing:
    def __init__(self, builder: _DemoBuilder, story: _Story, experts: list[Judge]) -> None:
        from .demo_funding import FINANCE, STAFF

        self.builder, self.story, self.s = builder, story, story.s
        self.rng = random.Random(SEED)
        self.shadow = copy.copy(builder)  # the builder's proposal and screening helpers, with our draws
        self.shadow.rng = self.rng
        self.staff, self.finance = STAFF, FINANCE
        self.experts = experts
        self.monitor = demo_monitoring.Monitor(story, random.Random(SEED + 1))
        self.bidders: list[_OrgPlan] = []  # chosen when the first bid comes in, among the organizations then
        self.bids: list[Proposal] = []
        self.tender_id = 0
        self.awards: dict[str, int] = {}

    def _owners(self, domain: ServiceDomain) -> list[_OrgPlan]:
        """Clean service agencies working in the domain, registered long enough for the qualifications, and new to
        the office's money (none holds an award yet), so the comparison counts them as first-time organizations."""
        funded = set(self.s.scalars(select(Proposal.organization_id).join(Award)))
        return [o for o in self.builder.orgs if o.flaw is None and domain in o.kind.domains
                and o.org.org_type is OrgType.SERVICE_AGENCY and o.org.id not in funded
                and o.org.registered_on is not None and o.org.registered_on.year < YEAR - 1]

    def at(self, day: dt.date, hour: int, minute: int, action: partial[None] | object) -> None:
        self.story.at(dt.datetime.combine(day, dt.time(hour, minute)), action)  # type: ignore[arg-type]

    @property
    def today(self) -> dt.date:
        return self.story.today

    def plan(self) -> None:
        self.at(dt.date(YEAR, 3, 3), 9, 30, self._publish_tender)
        for n, day in enumerate((dt.date(YEAR, 3, 18), dt.date(YEAR, 3, 25), dt.date(YEAR, 3, 28))):
            self.at(day, 10 + n, 15, partial(self._bid, n))
        self.at(dt.date(YEAR, 3, 31), 17, 30, self._close)
        self.at(dt.date(YEAR, 4, 2), 15, 0, self._screen)
        self.at(dt.date(YEAR, 4, 8), 9, 0, self._score)
        self.at(dt.date(YEAR, 4, 8), 14, 30, self._freeze)
        self.at(dt.date(YEAR, 4, 9), 10, 0, self._award)
        self.at(dt.date(YEAR, 4, 10), 9, 0, self._notice)
        self.at(dt.date(YEAR, 4, 22), 10, 0, partial(self._sign, "tender"))
        self.at(dt.date(YEAR, 4, 24), 9, 40, partial(self._approve, "tender", 1))
        self.at(dt.date(YEAR, 4, 28), 15, 20, partial(self._pay, "tender", 1))
        self.at(dt.date(YEAR, 6, 3), 10, 0, self._commission_programme)
        self.at(dt.date(YEAR, 6, 10), 10, 30, self._commission)
        self.at(dt.date(YEAR, 6, 20), 10, 0, partial(self._sign, "commission"))
        self.at(dt.date(YEAR, 6, 24), 9, 50, partial(self._approve, "commission", 1))
        self.at(dt.date(YEAR, 6, 26), 15, 10, partial(self._pay, "commission", 1))
        self.at(dt.date(YEAR, 6, 30), 16, 0, self._follow_up)

    # --- the tender ----------------------------------------------------------------------------------------------

    def _competition(self, name: str, mode: CompetitionMode, description: str, **fields: object) -> Competition:
        from .demo import DISTRICT, OFFICE, STREET

        competition = Competition(
            name=name.format(street=STREET.name), year=YEAR, mode=mode, organizer=OFFICE, district=DISTRICT.name,
            status=CompetitionStatus.OPEN, rules={"tranche_template": TEMPLATE, "notice_contact": NOTICE_CONTACT},
            description=description,
            created_at=self.story.clock.at, **fields)
        self.s.add(competition)
        self.s.flush()
        return competition

    def _publish_tender(self) -> None:
        from .demo import STREET

        competition = self._competition(
            "2025年{street}公益服务项目招投标", CompetitionMode.BIDDING,
            "街道面向社会组织公开招标购买公益服务项目，采用综合评分法：服务方案等由评标委员会评分（70分），"
            "价格分30分，以有效投标的最低报价为评标基准价。超过最高限价的投标无效。",
            intake_pattern=f"{YEAR}-ZB-{{seq:03d}}", apply_from=dt.date(YEAR, 3, 3),
            apply_until=dt.date(YEAR, 3, 31), review_on=dt.date(YEAR, 4, 8), pool_fen=CEILING_FEN)
        theme = CompetitionTheme(seq=1, name="为老服务", domain=ServiceDomain.ELDERLY,
                                 description="高龄、独居老人助餐配送")
        competition.themes.append(theme)
        self.s.flush()
        self.tender_id = bidding.add_tender_in(self.s, competition.id, TenderInput(
            code=TENDER_CODE, name=f"{STREET.name}高龄老人助餐配送服务项目", domain=ServiceDomain.ELDERLY,
            description=("为辖区80周岁以上高龄、独居及失能老人提供午餐配送和集中助餐服务，每周不少于5天，"
                         "建立助餐服务对象档案，开展餐食安全和营养宣传。"),
            ceiling_fen=CEILING_FEN, service_from=SERVICE_FROM, service_until=SERVICE_UNTIL,
            qualifications="在民政部门登记满两年；上一年度年检合格；未被列入经营异常名录和严重违法失信名单；具有为老服务经验。",
            price_points_x100=PRICE_POINTS_X100), self.staff)
        self._committee(competition)

    def _committee(self, competition: Competition) -> None:
        round_ = Round(competition_id=competition.id, tender_id=self.tender_id, seq=1, name="评标",
                       kind=RoundKind.WRITTEN, aggregation=Aggregation.TRIMMED_MEAN, weight_percent=100,
                       advance_rule=AdvanceRule.ALL, blind=False, judges_per_proposal=COMMITTEE,
                       scheduled_on=dt.date(YEAR, 4, 8))
        round_.criteria = [Criterion(seq=n, name=name, max_points_x100=points, description=text)
                           for n, (name, points, text) in enumerate(TENDER_RUBRIC, 1)]
        self.s.add(round_)
        self.s.flush()
        members = self.rng.sample(self.experts, COMMITTEE)
        self.s.add(Panel(round_id=round_.id, name="评标委员会", venue="街道办事处三楼会议室",
                         members=[PanelMember(judge=j, is_chair=i == 0) for i, j in enumerate(members)]))

    def _tender_competition(self) -> Competition:
        tender = self.s.get(bidding.TenderProject, self.tender_id)
        assert tender is not None
        competition = self.s.get(Competition, tender.competition_id)
        assert competition is not None
        return competition

    def _bid(self, n: int) -> None:
        """An application written on the 助餐 topic, numbered, and bid at what it asks for."""
        from .demo import STREET

        competition = self._tender_competition()
        if not self.bidders:
            self.bidders = self.rng.sample(self._owners(ServiceDomain.ELDERLY), len(BIDS))
        topic = next(t for t in content.topics_for(ServiceDomain.ELDERLY) if t.core == "老年助餐服务")
        plan = self.shadow._proposal(competition, self.bidders[n], topic, set(), year=YEAR, start=SERVICE_FROM,
                                     months=18)
        proposal = plan.proposal
        price = self.rng.randrange(BIDS[n][0], BIDS[n][1] + 1, 100) * 100
        proposal.budget_lines = [BudgetLine(seq=i, **line) for i, line in enumerate(meal_budget(price), 1)]
        proposal.requested_fen = proposal.total_budget_fen = price  # the price is the whole cost: no own funds
        proposal.matching_fen = 0
        proposal.intake_number = f"{YEAR}-ZB-{n + 1:03d}"
        proposal.submitted_on, proposal.status = self.today, ProposalStatus.SUBMITTED
        proposal.created_at = self.story.clock.at - dt.timedelta(days=2)
        proposal.location = f"{STREET.name}各社区"
        self.s.add(proposal)
        self.s.flush()
        assert (price > CEILING_FEN) == (n == 2), (n, price)  # only the third is over the ceiling
        bidding.submit_bid_in(self.s, self.s.get(bidding.TenderProject, self.tender_id), proposal, price, self.staff)
        self.bids.append(proposal)
        self.plans = [*getattr(self, "plans", []), plan]

    def _close(self) -> None:
        tender = self.s.get(bidding.TenderProject, self.tender_id)
        assert tender is not None
        bidding.close_tender_in(self.s, tender, self.staff)

    def _screen(self) -> None:
        """The screening engine's checks and the reviewer's checklist, as for the competitions' applications."""
        for plan in self.plans:
            plan.status = ProposalStatus.INELIGIBLE if plan.proposal.bid_price_fen > CEILING_FEN \
                else ProposalStatus.ELIGIBLE
            self.shadow._screen(plan)
            plan.proposal.status = plan.status

    def _score(self) -> None:
        from .demo_judging import score_round

        round_ = self._round()
        quality = {p.id: self.rng.uniform(0.68, 0.9) for p in self.bids}
        lean = {j.id: self.rng.uniform(-0.04, 0.04) for j in self.experts}
        score_round(self.s, self.rng, round_, Contest(self._tender_competition(), quality, lean), self.story.clock,
                    (6, 14))

    def _round(self) -> Round:
        return self.s.scalars(select(Round).where(Round.tender_id == self.tender_id)).one()

    def _freeze(self) -> None:
        rankings.freeze(self.s, self._round(), self.staff.name, who=self.staff)

    def _award(self) -> None:
        tender = self.s.get(bidding.TenderProject, self.tender_id)
        assert tender is not None
        first = bidding.evaluate_in(self.s, tender).lines[0]
        award_id = bidding.award_tender_in(self.s, tender, first.proposal_id, "", self.staff)
        assert award_id is not None
        self.awards["tender"] = award_id

    def _notice(self) -> None:
        tender = self.s.get(bidding.TenderProject, self.tender_id)
        assert tender is not None
        tender_notice.publish_in(self.s, tender, self.today, self.today + dt.timedelta(days=6), self.staff)

    # --- the commission ------------------------------------------------------------------------------------------

    def _commission_programme(self) -> None:
        self.commission_competition = self._competition(
            "2025年{street}服务委托项目", CompetitionMode.COMMISSION,
            "专业性强、承接主体唯一或需保持服务连续性的公共服务项目，经街道党工委会议研究后直接委托具备资质的社会组织实施。",
            intake_pattern=f"{YEAR}-WT-{{seq:03d}}", pool_fen=50 * W)

    def _commission(self) -> None:
        topic = next(t for t in content.topics_for(ServiceDomain.DISABILITY) if t.core == "心智障碍青年融合就业支持")
        specialists = [o for o in self._owners(ServiceDomain.DISABILITY)
                       if o.kind.domains[0] is ServiceDomain.DISABILITY]
        org = self.rng.choice(specialists).org  # a 助残 or 康复 agency
        budget = content.make_budget(self.rng, topic, lines=6, requested_target_fen=COMMISSION_AMOUNT_FEN,
                                     cap_fen=COMMISSION_AMOUNT_FEN, matching_percent=15, management_percent=5)
        community = self.rng.choice(sorted(self.builder.communities.values(), key=lambda c: c.name))
        done = commission.assign_in(self.s, CommissionInput(
            competition_id=self.commission_competition.id, organization_id=org.id, title=COMMISSION_TITLE,
            domain=ServiceDomain.DISABILITY, amount_fen=budget.requested_fen, justification=JUSTIFICATION,
            approved_by=APPROVER, start_month=dt.date(YEAR, 8, 1), end_month=SERVICE_UNTIL.replace(day=1),
            community_id=community.id, target_group=topic.target, location=f"{community.name}残疾人之家",
            summary=(f"委托{org.name}为辖区{topic.target}提供日间照料、生活自理和职业技能训练，"
                     "链接爱心企业提供辅助性就业岗位。"),
            direct_beneficiaries=24, indirect_beneficiaries=80,
            budget_lines=[BudgetLineData(line["category"], line["item"], line.get("unit_price_fen", 0),
                                         line.get("quantity", 1), line["amount_fen"], line.get("note", ""))
                          for line in budget.lines],
            on=self.today), self.staff)
        proposal = self.s.get(Proposal, done.proposal_id)
        assert proposal is not None
        proposal.activity_plan = content.proposal_fields(
            self.rng, topic, title=COMMISSION_TITLE, org_name=org.name, location=community.name, need_texts=[],
            start=dt.date(YEAR, 8, 1), months=17)["activity_plan"]
        self.awards["commission"] = done.award_id

    # --- both projects after signing -----------------------------------------------------------------------------

    def _tranche(self, which: str, seq: int) -> Tranche:
        return next(t for t in self.story._award(self.awards[which]).tranches if t.seq == seq)

    def _sign(self, which: str) -> None:
        tranches.sign_in(self.s, self.story._award(self.awards[which]), self.today, "", self.staff, self.today)

    def _approve(self, which: str, seq: int) -> None:
        tranches.approve_in(self.s, self._tranche(which, seq), self.finance, self.today)

    def _pay(self, which: str, seq: int) -> None:
        year = self.today.year
        self.story.vouchers[year] = self.story.vouchers.get(year, 0) + self.rng.randint(1, 3)
        voucher = f"{year}-PZ-{self.story.vouchers[year]:04d}"
        competition = self.s.get(Competition, self.story._award(self.awards[which]).competition_id)
        assert competition is not None
        name = competition.name
        tranches.pay_in(self.s, self._tranche(which, seq), self.today, voucher, f"{name}第{seq}期资金", self.finance,
                        self.today)

    def _follow_up(self) -> None:
        """Monitoring from the start of service, a visit, the mid-term evaluation, and the second tranche."""
        for which, start in (("tender", SERVICE_FROM), ("commission", dt.date(YEAR, 8, 1))):
            award_id = self.awards[which]
            self.monitor.project(award_id, demo_monitoring.LAST_DAY, late=False, weak=False, overspent=False,
                                 setup=(start, start + dt.timedelta(days=6)))
            self.monitor.plain_visit(award_id, self.monitor.moment(dt.date(YEAR, 10, 13), dt.date(YEAR, 11, 21)))
            score = self.rng.randint(82, 91)
            when = self.monitor.moment(dt.date(YEAR, 12, 8), dt.date(YEAR, 12, 19))
            self.story.at(when, partial(demo_evaluation.midterm, self.story, award_id, score, False))
            approve = self.monitor.moment(dt.date(2026, 1, 5), dt.date(2026, 1, 9), (9, 11))
            self.story.at(approve, partial(self._approve, which, 2))
            self.story.at(approve + dt.timedelta(days=2, hours=4), partial(self._pay, which, 2))
        self.monitor.late_checks()

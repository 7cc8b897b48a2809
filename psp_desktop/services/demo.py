"""The demo database: 临江区望江街道's 2026 community venture-philanthropy competition, caught in screening.

Deterministic: one seeded Random and fixed dates, so two runs give identical tables (created_at columns are set
explicitly instead of taking the server's clock). The competition is in screening: most proposals are screened
(eligible, a few ineligible or returned with reasons), the latest arrivals still wait, rounds, rubrics, judges and
panels are ready. Two earlier competitions follow (demo_funding): 2025's on roadshow day, 2024's funded and paid
in tranches up to November 2026.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Assignment,
    Attachment,
    Award,
    Base,
    BudgetLine,
    Community,
    CommunityNeed,
    Competition,
    CompetitionTheme,
    ConflictDeclaration,
    Criterion,
    EligibilityCheck,
    IssuedDocument,
    Judge,
    JudgeGroup,
    Organization,
    OrganizationStaff,
    Panel,
    PanelMember,
    Payment,
    Proposal,
    Round,
    RoundSnapshot,
    ScoreSheet,
    ScreeningDecision,
    Tranche,
)
from ..models.competition import theme_need
from ..models.enums import (
    AdvanceRule,
    Aggregation,
    CompetitionMode,
    CompetitionStatus,
    ConflictSource,
    InspectionResult,
    NeedSource,
    OrgType,
    ProposalStatus,
    Rating,
    RoundKind,
    ScreeningOutcome,
)
from ..models.proposal import proposal_need
from . import demo_content as content
from . import demo_files, demo_funding, demo_needs, demo_users, proposals, screening
from . import demo_names as names

SEED = 2026
DISTRICT = names.DISTRICTS[0]
STREET = names.STREETS[0]
OFFICE = f"{DISTRICT.name}{STREET.name}办事处"
COMMUNITIES = ("望江社区", "滨河社区", "锦苑社区", "桂花巷社区", "双楠社区", "新民社区", "柳荫社区", "东湖社区")
SCREENERS = ("刘晓燕", "陈志刚")
ROADSHOW_EXPERTS = (0, 1, 2, 4, 6)  # professors, the finance officer and the physician

CAP_FEN = 8_000_000  # 8万 yuan
POOL_FEN = 200_000_000  # 200万 yuan
MIN_MATCHING, MANAGEMENT_CAP = 20, 10  # percent of the total budget
APPLY_FROM, APPLY_UNTIL = dt.date(2026, 3, 2), dt.date(2026, 4, 10)
RESUBMIT_BY = dt.date(2026, 4, 17)
N_NEEDS, N_PROPOSALS = 50, 58
N_DRAFTS, N_RETURNED, N_WAITING = 3, 3, 16  # waiting: clean proposals not screened yet

RULES = {
    "min_registration_years": 1,
    "require_inspection_passed": True,
    "exclude_abnormal_list": True,
    "exclude_violation_list": True,
    "require_bank_account": True,
    "max_proposals_per_org": 2,
    "management_fee_cap_percent": MANAGEMENT_CAP,
    "tranche_template": [
        {"percent": 50, "gate": "agreement_signed"},
        {"percent": 30, "gate": "midterm_passed"},
        {"percent": 20, "gate": "final_passed"},
    ],
    "award_levels": {
        "first": {"count": 3, "amount_fen": 8_000_000},
        "second": {"count": 8, "amount_fen": 6_000_000},
        "third": {"count": 12, "amount_fen": 4_000_000},
        "excellent": {"count": 10, "amount_fen": 2_000_000},
    },
    "roadshow": {"pitch_minutes": 8, "qa_minutes": 7},
}

# rule codes a flawed applicant fails; "inspection_failed_waiting" is screened by the user in the demo
FLAWS = ("registration_years", "annual_inspection", "credit_lists", "bank_account", "inspection_failed_waiting")
TOO_MANY = "proposals_per_org"


def create_demo(database: Database, *, replace: bool = False) -> dict[str, int]:
    """Fill the database with the demo competition; with replace, empty every table first (one transaction)."""
    with database.write() as session:
        if _holds_data(session) and not replace:
            raise ValidationError(
                QT_TRANSLATE_NOOP("Errors", "The database already holds data; use --replace to rebuild the demo.")
            )
        if replace:
            demo_users.check_replace(database, session)
            _clear(session)
        builder = _DemoBuilder(session, random.Random(SEED))
        builder.build()
        demo_users.add_accounts(session)
        builder.attach_certificates(lambda content: proposals.store_content(database, content))
        for pdf in builder.issued_pdfs:
            proposals.store_content(database, pdf)
        session.flush()
        return _summary(session)


def _holds_data(session: Session) -> bool:
    return any(session.scalar(select(model.id).limit(1)) is not None
               for model in (Competition, Organization, Community, Judge))


def _clear(session: Session) -> None:
    """Children before parents; alembic_version is not in the metadata, so the schema stamp stays."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())


SUMMARY_MODELS = {
    "communities": Community, "needs": CommunityNeed, "organizations": Organization, "staff": OrganizationStaff,
    "competitions": Competition, "themes": CompetitionTheme, "rounds": Round, "criteria": Criterion,
    "judge_groups": JudgeGroup, "judges": Judge, "panels": Panel, "panel_members": PanelMember,
    "conflicts": ConflictDeclaration, "proposals": Proposal, "budget_lines": BudgetLine,
    "eligibility_checks": EligibilityCheck, "screening_decisions": ScreeningDecision, "assignments": Assignment,
    "score_sheets": ScoreSheet, "round_snapshots": RoundSnapshot, "awards": Award, "tranches": Tranche,
    "payments": Payment, "issued_documents": IssuedDocument,
}


def _summary(session: Session) -> dict[str, int]:
    return {key: session.scalar(select(func.count()).select_from(model)) or 0
            for key, model in SUMMARY_MODELS.items()}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class _OrgPlan:
    org: Organization
    kind: names.OrgKind
    flaw: str | None = None
    slots: int = 0


@dataclass
class _ProposalPlan:
    proposal: Proposal
    owner: _OrgPlan
    needs: list[CommunityNeed]
    status: ProposalStatus = ProposalStatus.ELIGIBLE
    returned_reason: str = ""


class _DemoBuilder:
    def __init__(self, session: Session, rng: random.Random) -> None:
        self.s = session
        self.rng = rng
        self.uscc = names.UsccFactory(rng)
        self.person = names.UniqueNames(rng, reserved=SCREENERS)
        self.communities: dict[str, Community] = {}
        self.needs_by_topic: dict[content.Topic, list[CommunityNeed]] = {}
        self.orgs: list[_OrgPlan] = []
        self.plans: list[_ProposalPlan] = []
        self.titles: set[str] = set()
        self.issued_pdfs: list[bytes] = []  # the office's copies of the certificates issued in the story

    def build(self) -> None:
        self._communities()
        self._needs()
        self._organizations()
        competition = self._competition()
        self.s.add(competition)
        self.s.flush()  # ids of communities and themes for the proposals
        self._proposals(competition)
        self.s.flush()  # ids for links, screening rows, panels and conflicts
        self._links(competition)
        self._screening()
        experts, public = self._judging(competition)
        self.issued_pdfs = demo_funding.build_history(self, experts, public)
        demo_needs.add(self)  # the needs the 2024 and 2025 projects answer, for the coverage report

    # --- registry -------------------------------------------------------------------------------------------

    def _communities(self) -> None:
        for name in COMMUNITIES:
            self.communities[name] = Community(district=DISTRICT.name, street=STREET.name, name=name)
        self.s.add_all(self.communities.values())

    def _needs(self) -> None:
        """Every topic gets a need, theme topics one or two more in other communities: 50 needs in all."""
        theme_topics = [t for t in content.TOPICS if t.domain in content.THEME_DOMAINS]
        extra = theme_topics + self.rng.sample(theme_topics, len(theme_topics))
        order = list(content.TOPICS) + extra[:N_NEEDS - len(content.TOPICS)]
        for index, topic in enumerate(order):
            taken = [n.community.name for n in self.needs_by_topic.get(topic, [])]
            community = self.communities[self.rng.choice([c for c in COMMUNITIES if c not in taken])]
            collected = names.random_date(self.rng, dt.date(2025, 9, 1), dt.date(2026, 1, 20))
            need = CommunityNeed(
                community=community, **content.need_fields(self.rng, topic, community.name),
                source=self.rng.choice(list(NeedSource)[:4]), priority=self.rng.choices((1, 2, 3, 4), (2, 4, 3, 1))[0],
                collected_on=collected, created_at=_at(collected, 9 + index % 8, index % 60),
            )
            self.needs_by_topic.setdefault(topic, []).append(need)
        self.s.add_all(n for needs in self.needs_by_topic.values() for n in needs)

    def _organizations(self) -> None:
        """Six associations, two foundations, eight community organizations and 28 service agencies."""
        rng = self.rng
        groups = [*names.GROUP_KINDS[:4], *names.STREET_GROUP_KINDS[:2]]
        themed = [k for k in names.AGENCY_KINDS if set(k.domains) & set(content.THEME_DOMAINS)]
        agencies = [themed[i % len(themed)] for i in range(28)]
        rng.shuffle(agencies)
        community_kinds = [k for k in names.COMMUNITY_KINDS if set(k.domains) & set(content.THEME_DOMAINS)]
        words = rng.sample(names.ORG_WORDS, 30)
        specs: list[tuple[names.OrgKind, str, str]] = [(k, "", "") for k in groups]
        specs += [(names.FOUNDATION_KIND, words.pop(), "") for _ in range(2)]
        specs += [(rng.choice(community_kinds), "", c) for c in COMMUNITIES]
        specs += [(k, words.pop(), "") for k in agencies]
        for index, (spec, role) in enumerate(zip(specs, _roles(specs), strict=True)):
            self.orgs.append(self._organization(index, *spec, role))
        extra = N_PROPOSALS - sum(p.slots for p in self.orgs)
        for plan in rng.sample([p for p in self.orgs if p.slots == 1 and p.flaw is None], extra):
            plan.slots = 2
        self.s.add_all(p.org for p in self.orgs)

    def _organization(self, index: int, kind: names.OrgKind, word: str, community: str,
                      role: str | None) -> _OrgPlan:
        rng = self.rng
        earliest = dt.date(2016, 1, 1) if kind.org_type == OrgType.COMMUNITY_ORG else dt.date(2012, 1, 1)
        registered = REGISTERED.get(role or "") or names.random_date(rng, earliest, dt.date(2024, 6, 30))
        region = names.PROVINCE if kind.scope == "province" else DISTRICT
        staff = rng.randint(3, 6) if kind.scope in ("district", "province") else rng.randint(2, 3)
        social_workers = min(staff - 1, rng.randint(0, 3))
        name = kind.name(word=word, district=DISTRICT.name, street=STREET.name, community=community)
        uscc = self.uscc(kind.org_type, region.region_code, registered.year)
        fields = names.org_fields(rng, kind=kind, name=name, district=DISTRICT, street=STREET.name,
                                  registered_on=registered, uscc=uscc, staff=staff, social_workers=social_workers,
                                  person=self.person)
        if registered.year < 2025:
            fields["inspection_result"] = InspectionResult.PASSED  # failures are injected on purpose only
        org = Organization(
            **fields, past_projects=content.past_projects(rng, kind.domains, DISTRICT.name, registered),
            created_at=_at(dt.date(2026, 2, 20), 9 + index // 10, index % 60),
            staff=[OrganizationStaff(**row) for row in names.staff_rows(rng, staff, social_workers, self.person)],
        )
        _apply_flaw(org, role)
        slots = {None: 1, TOO_MANY: 3, SITTING_OUT: 0, NEWCOMER: 0}.get(role, 1)
        return _OrgPlan(org, kind, role if role in (*FLAWS, TOO_MANY) else None, slots)

    # --- competition ----------------------------------------------------------------------------------------

    def _competition(self) -> Competition:
        competition = Competition(
            name=f"2026年{STREET.name}社区公益创投大赛", year=2026, mode=CompetitionMode.VENTURE,
            status=CompetitionStatus.SCREENING, organizer=OFFICE, district=DISTRICT.name,
            pool_fen=POOL_FEN, project_cap_fen=CAP_FEN,
            budget_share_cap_percent=100 - MIN_MATCHING, min_matching_percent=MIN_MATCHING,
            intake_pattern=f"2026-{STREET.abbr}-{{seq:03d}}",
            apply_from=APPLY_FROM, apply_until=APPLY_UNTIL, screening_until=dt.date(2026, 4, 24),
            review_on=dt.date(2026, 5, 15), notice_from=dt.date(2026, 5, 25), notice_until=dt.date(2026, 6, 3),
            signing_on=dt.date(2026, 6, 15), rules=copy.deepcopy(RULES), created_at=_at(dt.date(2026, 2, 16), 9, 30),
            description=(
                f"为回应{STREET.name}居民的多元服务需求，{OFFICE}设立社区公益创投资金200万元，面向登记满一年、"
                "年检合格的社会组织征集为老服务、儿童青少年、助残服务、社区治理、文化体育和健康服务六类公益项目。"
                "单个项目资助上限8万元，申报机构配套资金不低于项目总预算的20%。大赛经资格审查、书面评审和路演答辩"
                "产生资助项目，结果公示10天后签订资助协议，资金按50%、30%、20%分三期拨付。"
            ),
        )
        for seq, (name, domain, description) in enumerate(content.THEMES, 1):
            competition.themes.append(CompetitionTheme(seq=seq, name=name, domain=domain, description=description))
        competition.rounds.extend(self._rounds())
        return competition

    @staticmethod
    def _rounds() -> list[Round]:
        written = Round(seq=1, name="书面评审", kind=RoundKind.WRITTEN, aggregation=Aggregation.MEAN,
                        weight_percent=40, advance_rule=AdvanceRule.TOP_N, advance_value=30, blind=True,
                        judges_per_proposal=3, scheduled_on=dt.date(2026, 5, 8))
        roadshow = Round(seq=2, name="路演答辩", kind=RoundKind.ROADSHOW, aggregation=Aggregation.TRIMMED_MEAN,
                         weight_percent=60, advance_rule=AdvanceRule.ALL, blind=False, judges_per_proposal=10,
                         scheduled_on=dt.date(2026, 5, 15))
        for round_ in (written, roadshow):
            round_.criteria = [Criterion(seq=seq, name=name, max_points_x100=points, description=text)
                               for seq, (name, points, text) in enumerate(content.RUBRIC, 1)]
        name, points, text = content.MATCHING_BONUS
        roadshow.criteria.append(Criterion(seq=len(content.RUBRIC) + 1, name=name, max_points_x100=points,
                                           description=text, is_bonus=True))
        roadshow.groups = [JudgeGroup(name="专家评审", weight_percent=70),
                           JudgeGroup(name="大众评审", weight_percent=30)]
        return [written, roadshow]

    # --- proposals ------------------------------------------------------------------------------------------

    def _proposals(self, competition: Competition) -> None:
        brands: set[str] = set()
        for owner in self.orgs:
            domains = [d for d in owner.kind.domains if d in content.THEME_DOMAINS]
            topics = [t for t in content.TOPICS if t.domain in domains]
            for topic in self.rng.sample(topics, min(owner.slots, len(topics))):
                self.plans.append(self._proposal(competition, owner, topic, brands))
        self._plan_statuses()
        self._schedule()
        self.s.add_all(p.proposal for p in self.plans)

    def _proposal(self, competition: Competition, owner: _OrgPlan, topic: content.Topic,
                  brands: set[str], year: int = 2026, *, start: dt.date | None = None, months: int = 0,
                  request_yuan: tuple[int, int] = (35_000, 80_000), cap_fen: int = CAP_FEN) -> _ProposalPlan:
        rng = self.rng
        needs = self.needs_by_topic[topic]
        primary = rng.choice(needs)
        linked = [primary] + ([rng.choice([n for n in needs if n is not primary])]
                              if len(needs) > 1 and rng.random() < 0.4 else [])
        fresh = [b for b in topic.brands if b not in brands] or list(topic.brands)  # vary titles within a topic
        brand = rng.choice(fresh)
        brands.add(brand)
        title = content.project_title(rng, topic, primary.community.name, brand)
        while title in self.titles:
            title = content.project_title(rng, topic, primary.community.name, rng.choice(topic.brands))
        self.titles.add(title)
        fields = content.proposal_fields(
            rng, topic, title=title, org_name=owner.org.name,
            location=STREET.name + "、".join(n.community.name for n in linked),
            need_texts=[n.description for n in linked],
            start=start or rng.choice((dt.date(year, 7, 1), dt.date(year, 8, 1))), months=months or rng.randint(10, 12),
        )
        low, high = request_yuan
        budget = content.make_budget(rng, topic, lines=rng.randint(3, 8),
                                     requested_target_fen=rng.randrange(low, high + 1, 500) * 100,
                                     cap_fen=cap_fen, matching_percent=rng.randint(20, 40),
                                     management_percent=rng.randint(3, 8))
        theme = next(t for t in competition.themes if t.domain == topic.domain)
        proposal = Proposal(
            competition=competition, organization=owner.org, theme_id=theme.id, community_id=primary.community.id,
            **fields, requested_fen=budget.requested_fen, matching_fen=budget.matching_fen,
            total_budget_fen=budget.total_fen,
            budget_lines=[BudgetLine(seq=i, **line) for i, line in enumerate(budget.lines, 1)],
        )
        return _ProposalPlan(proposal, owner, linked)

    def _plan_statuses(self) -> None:
        """Flawed owners fail screening; a few clean proposals are drafts, returned, or not yet screened."""
        rng = self.rng
        for plan in self.plans:
            if plan.owner.flaw in FLAWS[:4]:
                plan.status = ProposalStatus.INELIGIBLE
            elif plan.owner.flaw == "inspection_failed_waiting":
                plan.status = ProposalStatus.SUBMITTED
        too_many = [p for p in self.plans if p.owner.flaw == TOO_MANY]
        too_many[-1].status = ProposalStatus.INELIGIBLE
        clean = [p for p in self.plans if p.owner.flaw is None]
        picked = rng.sample(clean, N_DRAFTS + N_RETURNED + N_WAITING)
        for plan in picked[:N_DRAFTS]:
            plan.status = ProposalStatus.DRAFT
        for plan, reason in zip(picked[N_DRAFTS:N_DRAFTS + N_RETURNED], RETURN_REASONS, strict=True):
            plan.status, plan.returned_reason = ProposalStatus.RETURNED, reason
        for plan in picked[N_DRAFTS + N_RETURNED:]:
            plan.status = ProposalStatus.SUBMITTED
        self._inflate_management(picked[N_DRAFTS])

    def _inflate_management(self, plan: _ProposalPlan) -> None:
        """The first returned proposal asks 15% management fee: a fixable budget error, so it is sent back."""
        proposal = plan.proposal
        line = next(b for b in proposal.budget_lines if b.category.value == "management")
        others = proposal.total_budget_fen - line.amount_fen
        line.unit_price_fen = line.amount_fen = others * 15 // 85 // 1000 * 1000
        proposal.total_budget_fen = others + line.amount_fen
        proposal.matching_fen = proposal.total_budget_fen - proposal.requested_fen

    def _schedule(self) -> None:
        """Screened proposals arrived in March, the ones still waiting in April; intake numbers follow arrival."""
        rng = self.rng
        for plan in self.plans:
            if plan.status == ProposalStatus.DRAFT:
                started = dt.date(2026, 4, rng.randint(1, 9))
                plan.proposal.created_at = _at(started, rng.randint(9, 17), rng.randrange(60))
                continue
            late = plan.status == ProposalStatus.SUBMITTED
            window = (dt.date(2026, 4, 1), APPLY_UNTIL) if late else (dt.date(2026, 3, 9), dt.date(2026, 3, 31))
            plan.proposal.submitted_on = names.random_date(rng, *window)
            plan.proposal.created_at = _at(plan.proposal.submitted_on - dt.timedelta(days=rng.randint(1, 6)),
                                           rng.randint(9, 17), rng.randrange(60))
        third = [p for p in self.plans if p.owner.flaw == TOO_MANY]
        dates = sorted(p.proposal.submitted_on for p in third if p.proposal.submitted_on)
        for plan, day in zip(sorted(third, key=lambda p: p.status == ProposalStatus.INELIGIBLE), dates, strict=True):
            plan.proposal.submitted_on = day  # the refused one is the latest of the three
        arrived = sorted((p for p in self.plans if p.proposal.submitted_on),
                         key=lambda p: (p.proposal.submitted_on, self.plans.index(p)))
        for seq, plan in enumerate(arrived, 1):
            plan.proposal.intake_number = f"2026-{STREET.abbr}-{seq:03d}"
        for plan in self.plans:
            plan.proposal.status = plan.status

    def _links(self, competition: Competition) -> None:
        """Link rows in sorted order: through the relationships they would follow set order, which varies."""
        themes = {t.domain: t.id for t in competition.themes}
        theme_rows = sorted((themes[n.domain], n.id) for ns in self.needs_by_topic.values() for n in ns
                            if n.domain in themes)
        self.s.execute(insert(theme_need), [{"theme_id": t, "need_id": n} for t, n in theme_rows])
        proposal_rows = sorted((p.proposal.id, n.id) for p in self.plans for n in p.needs)
        self.s.execute(insert(proposal_need), [{"proposal_id": p, "need_id": n} for p, n in proposal_rows])

    # --- screening ------------------------------------------------------------------------------------------

    def _screening(self) -> None:
        screened = (ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE, ProposalStatus.RETURNED)
        for plan in sorted(self.plans, key=lambda p: p.proposal.intake_number or "~"):
            if plan.status in screened:
                self._screen(plan)

    def attach_certificates(self, store: Callable[[bytes], str]) -> None:
        """Screened applicants handed in a copy of their registration certificate (one file per organization)."""
        screened = (ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE, ProposalStatus.RETURNED)
        files: dict[int, tuple[str, int]] = {}
        for plan in self.plans:
            if plan.status not in screened:
                continue
            org = plan.owner.org
            if org.id not in files:
                content = demo_files.registration_certificate(org)
                files[org.id] = (store(content), len(content))
            digest, size = files[org.id]
            assert plan.proposal.submitted_on is not None
            self.s.add(Attachment(proposal_id=plan.proposal.id, filename=demo_files.CERTIFICATE_NAME, sha256=digest,
                                  size_bytes=size, added_at=_at(plan.proposal.submitted_on, 9, 0)))

    def _screen(self, plan: _ProposalPlan) -> None:
        """The screening engine's own checks, the reviewer's manual checklist, and a decision in Chinese."""
        proposal = plan.proposal
        assert proposal.submitted_on is not None
        decided = _at(proposal.submitted_on + dt.timedelta(days=self.rng.randint(2, 6)),
                      self.rng.randint(9, 16), self.rng.randrange(60))
        reviewer = self.rng.choice(SCREENERS)
        automatic = screening.evaluate(self.s, proposal)
        charter = screening.CheckResult("charter_scope", True, True, "项目内容属于机构章程规定的业务范围",
                                        reviewer=reviewer)
        materials = screening.CheckResult("materials_complete", True, not plan.returned_reason,
                                          plan.returned_reason or "申报书、预算明细表、登记证书副本及年检材料齐全",
                                          reviewer=reviewer)
        manual = [charter, materials]
        results = automatic + manual
        outcome = screening.suggest(results)
        assert outcome.value == plan.status.value, (proposal.title, outcome, results)
        for minute, r in enumerate(results):
            self.s.add(EligibilityCheck(
                proposal_id=proposal.id, rule_code=r.code, manual=r.manual, passed=r.passed, reason=r.message,
                params=None if r.manual else r.params, reviewer=r.reviewer,
                checked_at=decided - dt.timedelta(minutes=30 - minute)))
        failed = [DECISION_PHRASES.get(r.code, r.message) for r in results if r.passed is False]
        self.s.add(ScreeningDecision(proposal_id=proposal.id, outcome=outcome, reasons=_decision_text(outcome, failed),
                                     decided_by=reviewer, decided_at=decided))

    # --- judging --------------------------------------------------------------------------------------------

    def _judging(self, competition: Competition) -> tuple[list[Judge], list[Judge]]:
        experts = self._judges()
        public = self._public_jurors()
        written, roadshow = competition.rounds
        for index in range(3):
            members = experts[index * 3:index * 3 + 3]
            self.s.add(Panel(round_id=written.id, name=f"第{'一二三'[index]}评审组", venue="线上书面评审",
                             members=[PanelMember(judge=j, is_chair=i == 0) for i, j in enumerate(members)]))
        expert_group, public_group = roadshow.groups
        on_stage = [experts[i] for i in ROADSHOW_EXPERTS]
        stage = [PanelMember(judge=j, group_id=expert_group.id, is_chair=i == 0) for i, j in enumerate(on_stage)]
        stage += [PanelMember(judge=j, group_id=public_group.id) for j in public]
        self.s.add(Panel(round_id=roadshow.id, name="路演评审组", venue=f"{STREET.name}党群服务中心三楼多功能厅",
                         members=stage))
        self._conflicts(experts)
        return experts, public

    def _judges(self) -> list[Judge]:
        association = next(p.org for p in self.orgs if p.org.name.endswith("社会工作协会"))
        judges = []
        for affiliation, title, expertise in names.JUDGE_PROFILES[:9]:
            affiliation = affiliation.format(district=DISTRICT.name)
            judges.append(Judge(
                name=self.person(), affiliation=affiliation, title=title, expertise=expertise,
                phone=names.mobile(self.rng),
                affiliation_org_id=association.id if affiliation == association.name else None))
        self.s.add_all(judges)
        self.s.flush()
        return judges

    def _public_jurors(self) -> list[Judge]:
        jurors = []
        for index, (affiliation, title, expertise) in enumerate(names.PUBLIC_JUROR_PROFILES):
            where = affiliation.format(district=DISTRICT.name, community=COMMUNITIES[index])
            jurors.append(Judge(name=self.person(), affiliation=where, title=title,
                                expertise=expertise, phone=names.mobile(self.rng), is_public_juror=True))
        self.s.add_all(jurors)
        return jurors

    def _conflicts(self, experts: list[Judge]) -> None:
        linked = next(j for j in experts if j.affiliation_org_id is not None)
        self.s.add(ConflictDeclaration(
            judge_id=linked.id, organization_id=linked.affiliation_org_id, source=ConflictSource.AUTOMATIC,
            reason=f"评审专家任职单位“{linked.affiliation}”为本届申报机构，系统自动识别，须回避",
            declared_at=_at(dt.date(2026, 4, 27), 10, 5)))
        applicant = next(p.owner.org for p in self.plans
                         if p.status == ProposalStatus.ELIGIBLE and p.owner.kind.org_type == OrgType.SERVICE_AGENCY)
        self.s.add(ConflictDeclaration(
            judge_id=experts[2].id, organization_id=applicant.id, source=ConflictSource.DECLARED,
            reason=f"本人自2024年起担任{applicant.name}理事，申请回避该机构的申报项目",
            declared_at=_at(dt.date(2026, 4, 28), 15, 40)))


# --- who is flawed -----------------------------------------------------------------------------------------------

SITTING_OUT, NEWCOMER = "sitting_out", "newcomer"
REGISTERED = {"registration_years": dt.date(2025, 6, 18), NEWCOMER: dt.date(2025, 11, 6)}


def _roles(specs: list[tuple[names.OrgKind, str, str]]) -> list[str | None]:
    """Foundations and the newest community organization sit out; six applicants carry one flaw each."""
    roles: list[str | None] = [None] * len(specs)
    community = [i for i, (k, _w, _c) in enumerate(specs) if k.scope == "community"]
    agencies = [i for i, (k, _w, _c) in enumerate(specs) if k.org_type == OrgType.SERVICE_AGENCY]
    for i, (kind, _w, _c) in enumerate(specs):
        if kind.scope == "province":
            roles[i] = SITTING_OUT
    roles[community[-1]] = NEWCOMER
    for i, flaw in zip([*agencies[:3], *community[:2]], FLAWS, strict=True):
        roles[i] = flaw
    roles[agencies[3]] = TOO_MANY
    return roles


def _apply_flaw(org: Organization, role: str | None) -> None:
    if role == "annual_inspection":
        org.inspection_result, org.rating = InspectionResult.BASIC, Rating.NONE
    elif role == "inspection_failed_waiting":
        org.inspection_result, org.rating = InspectionResult.FAILED, Rating.NONE
    elif role == "credit_lists":
        org.abnormal_list_until = dt.date(2026, 9, 30)
    elif role == "bank_account":
        org.has_bank_account, org.bank_name, org.bank_account = False, "", ""


# --- screening rules as the demo applies them ----------------------------------------------------------------

RETURN_REASONS = (
    "",  # replaced by the management-fee check (see _inflate_management)
    "预算明细中活动物料未列明测算依据，且缺少配套资金来源承诺函",
    "申报书未加盖机构公章，机构章程复印件缺页",
)


# how a reviewer words each failed rule in the decision
DECISION_PHRASES = {
    "registration_years": "机构登记成立未满1年",
    "annual_inspection": "上年度年检结论不是“合格”",
    "credit_lists": "机构被列入活动异常名录",
    "bank_account": "机构未开设独立银行账户，无法接收资助资金",
    "request_cap": "申请金额超过单个项目资助上限",
    "bid_over_ceiling": "投标报价超过最高限价，为无效投标",
    "matching_ratio": "配套资金比例低于大赛要求",
    "management_fee": "管理费超过总预算10%的上限，须调整预算",
    "proposals_per_org": "超过每家机构最多申报2个项目的限制",
    "service_domain": "项目服务领域不在本届大赛主题范围内",
}


def _decision_text(outcome: ScreeningOutcome, failed: list[str]) -> str:
    if outcome == ScreeningOutcome.ELIGIBLE:
        return "经审查，机构资质和申报材料符合大赛申报条件，进入评审环节。"
    if outcome == ScreeningOutcome.RETURNED:
        return "；".join(failed) + f"。请修改完善后于{_day(RESUBMIT_BY)}前重新提交。"
    return "经审查，不符合申报条件：" + "；".join(failed) + "。"


"""The demo's implementation monitoring of the 2024 projects: milestones, progress reports and site visits, planned
into the story (demo_funding._Story) so the change log stays in time order.

Every project gets its report schedule (quarterly, the last on 2026-12-31) and milestones drafted from its activity
plan in the first week of January 2025; reports come in around their due dates with activities, people served and
spending by budget category, the latest with a scanned sign-in sheet. One project hands in its 2026 reports late and
the third not at all: the late-report rule (run the day after each deadline, as when staff open the Monitoring page)
withholds its final tranche. One project's last report takes a category over its budget (allowed, flagged). Every
project is visited; the visit of 2025-09-19 before the clawback asked for a rectification, done in November.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..enums import BudgetCategory
from ..models import Milestone, SiteVisit
from . import demo_users, monitoring

if TYPE_CHECKING:
    from .demo_funding import _Story

SEED = 2031  # its own draws: the story's stay what they were
STAFF = demo_users.actor("liuxiaoyan")
VISITORS = ("刘晓燕", "陈志刚")
LAST_DAY = dt.date(2026, 11, 18)  # the story ends here: nothing is dated later
LATE_FROM, LATE_UNTIL = dt.date(2026, 3, 1), dt.date(2026, 9, 1)  # late in spring and summer, then missing
CLAWBACK_VISIT = dt.datetime(2025, 9, 19, 9, 40)  # the clawback follows at 15:10 the same day
CLAWBACK_FINDINGS = "抽查项目账目发现，部分资金用于机构日常办公用品采购等非项目支出，报销凭证与活动台账对应不上。"
CLAWBACK_RECTIFICATION = "退回违规使用的资金；完善项目资金报销审批流程，报销凭证逐笔对应活动台账。"
OPEN_FINDINGS = "活动台账记录不完整，部分活动缺少签到表和照片；2026年以来进度报告未按时提交。"
OPEN_RECTIFICATION = "一个月内补齐活动台账，此后按时提交进度报告。"
GOOD_FINDINGS = ("活动按计划开展，服务对象档案和活动台账齐全，现场走访的服务对象反馈良好。",
                 "项目团队稳定，志愿者排班规范，资金支出与预算基本一致。",
                 "现场观摩了一次集体活动，组织有序，居民参与积极；建议加强活动宣传。",
                 "服务记录完整，财务凭证规范；个别活动签到表信息不全，已当场提醒补充。")
REMARKS = ("志愿者队伍保持稳定，服务对象反馈良好。", "联合社区居委会开展主题活动，居民参与积极。",
           "开展志愿者培训一次，服务规范进一步统一。", "按计划完成入户走访，更新了服务对象档案。",
           "链接辖区单位资源，丰富了活动内容。")
SIGN_IN_SHEET = "活动签到表（{quarter}）.pdf"


def plan(story: _Story, funded: list[int], *, cancelled: int, failed: int, clawed: int) -> None:
    """Schedules each funded award's monitoring events with story.at(when, action)."""
    rng = random.Random(SEED)
    live = [a for a in funded if a != cancelled]
    late = rng.choice([a for a in live if a not in (failed, clawed)])
    overspent = rng.choice([a for a in live if a not in (failed, clawed, late)])
    monitor = Monitor(story, rng)
    for award_id in funded:
        until = dt.date(2025, 8, 11) if award_id == cancelled else LAST_DAY
        monitor.project(award_id, until, late=award_id == late, weak=award_id == failed,
                        overspent=award_id == overspent)
    monitor.visits(live, clawed=clawed, late=late)
    monitor.late_checks()


class Monitor:
    def __init__(self, story: _Story, rng: random.Random) -> None:
        self.story = story
        self.rng = rng
        self.due_dates: list[dt.date] = []

    # --- the clock, with our own draws ---------------------------------------------------------------------------

    def moment(self, first: dt.date, last: dt.date, hours: tuple[int, int] = (9, 16)) -> dt.datetime:
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        day = self.rng.choice([d for d in days if d.weekday() < 5] or days)
        return dt.datetime.combine(day, dt.time(self.rng.randint(*hours), self.rng.randrange(60)))

    @staticmethod
    def working_day(day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        self.story.at(when, action)

    def late_checks(self) -> None:
        """The late-report rule the day after each deadline's grace days, as when staff open the Monitoring page."""
        for due in self.due_dates:
            if due <= LAST_DAY:
                check = self.working_day(due + dt.timedelta(days=monitoring.Rules().grace_days + 1))
                self.at(dt.datetime.combine(check, dt.time(8, 45)), self.late_rule)

    # --- one project ---------------------------------------------------------------------------------------------

    def project(self, award_id: int, until: dt.date, *, late: bool, weak: bool, overspent: bool,
                setup: tuple[dt.date, dt.date] = (dt.date(2025, 1, 6), dt.date(2025, 1, 10))) -> None:
        """setup: the days in which the schedule and milestones are drafted (the first week of the project)."""
        award, proposal = self.story._award(award_id), self.story._proposal(award_id)
        start, end = monitoring.project_period(proposal, award)
        setup_at = self.moment(*setup, (9, 11))
        self.at(setup_at, partial(self._setup, award_id))
        drafts = monitoring.draft_milestones(proposal.activity_plan, start, end)
        for seq, (_title, planned) in enumerate(drafts, 1):
            if weak and seq % 2 == 0 and planned >= dt.date(2025, 4, 1):
                continue  # fewer than half of its activities held: its mid-term evaluation fails
            first = max(planned + dt.timedelta(days=self.rng.randint(5, 20 if not late else 45)),
                        setup_at.date() + dt.timedelta(days=1))
            if first <= until:
                self.at(self.moment(first, min(first + dt.timedelta(days=8), until), (15, 17)),
                        partial(self._done, proposal.id, seq))
        budget: dict[BudgetCategory, int] = {}
        for line in proposal.budget_lines:
            budget[line.category] = budget.get(line.category, 0) + line.amount_fen
        dates = monitoring.due_dates(start, end, monitoring.rules_from(self.story.competition.rules).every_months)
        self.due_dates = sorted(set(self.due_dates) | set(dates))
        spent: dict[BudgetCategory, int] = dict.fromkeys(budget, 0)
        submitted = [d for d in dates if d - dt.timedelta(days=6) <= until and not (late and d > LATE_UNTIL)]
        for n, due in enumerate(submitted):
            last = n == len(submitted) - 1
            when = (self.moment(due + dt.timedelta(days=19), due + dt.timedelta(days=23)) if late and due > LATE_FROM
                    else self.moment(due - dt.timedelta(days=6), min(due + dt.timedelta(days=5), until)))
            spending = self._spending(budget, spent, len(dates), over=overspent and last)
            self.at(when, partial(self._report, award_id, due, spending, weak, last and until == LAST_DAY))

    def _spending(self, budget: dict[BudgetCategory, int], spent: dict[BudgetCategory, int], reports: int, *,
                  over: bool) -> dict[BudgetCategory, int]:
        """A quarter's share of each category, give or take; never over the budget unless asked to go over."""
        spending = {}
        for category, amount in budget.items():
            part = round(amount / reports * self.rng.uniform(0.7, 1.1) / 1000) * 1000  # whole tens of yuan
            spending[category] = part
        if over:
            category = BudgetCategory.PUBLICITY if budget.get(BudgetCategory.PUBLICITY) else BudgetCategory.ACTIVITY
            extra = round(budget[category] * self.rng.uniform(0.08, 0.2) / 1000) * 1000
            spending[category] = budget[category] - spent[category] + extra
        for category, amount in spending.items():
            spent[category] += amount
        return spending

    def visits(self, live: list[int], *, clawed: int, late: int) -> None:
        for award_id in live:
            if award_id == clawed:
                self.at(CLAWBACK_VISIT, partial(self._visit, award_id, monitoring.Visit(
                    CLAWBACK_VISIT.date(), "刘晓燕", CLAWBACK_FINDINGS, True, CLAWBACK_RECTIFICATION)))
                self.at(self.moment(dt.date(2025, 11, 10), dt.date(2025, 11, 21), (14, 16)),
                        partial(self._rectified, award_id))
            else:
                self.plain_visit(award_id, self.moment(dt.date(2025, 5, 12), dt.date(2025, 11, 28)))
            if award_id == late:
                when = self.moment(dt.date(2026, 8, 17), dt.date(2026, 8, 28))
                self.at(when, partial(self._visit, award_id, monitoring.Visit(
                    when.date(), "陈志刚", OPEN_FINDINGS, True, OPEN_RECTIFICATION)))
            elif self.rng.random() < 0.5:
                self.plain_visit(award_id, self.moment(dt.date(2026, 3, 2), dt.date(2026, 10, 30)))

    def plain_visit(self, award_id: int, when: dt.datetime) -> None:
        visit = monitoring.Visit(when.date(), self.rng.choice(VISITORS), self.rng.choice(GOOD_FINDINGS))
        self.at(when, partial(self._visit, award_id, visit))

    # --- the services, played on the clock -----------------------------------------------------------------------

    def _setup(self, award_id: int) -> None:
        award = self.story._award(award_id)
        monitoring.schedule_in(self.story.s, award, STAFF)
        monitoring.prefill_in(self.story.s, award, STAFF)

    def _done(self, proposal_id: int, seq: int) -> None:
        milestone = self.story.s.scalars(select(Milestone).where(Milestone.proposal_id == proposal_id,
                                                                 Milestone.seq == seq)).one()
        monitoring.mark_done_in(self.story.s, milestone, self.story.today, STAFF, self.story.today)

    def _report(self, award_id: int, due: dt.date, spending: dict[BudgetCategory, int], weak: bool,
                sheet: bool) -> None:
        story = self.story
        proposal = story._proposal(award_id)
        activities = self.rng.randint(1, 4) if weak else self.rng.randint(5, 12)
        people = max(10, round(proposal.direct_beneficiaries * self.rng.uniform(0.6, 1.8) * (0.4 if weak else 1)))
        done = story.s.scalars(select(Milestone.title).where(
            Milestone.proposal_id == proposal.id, Milestone.done_on.is_not(None),
            Milestone.done_on > due - dt.timedelta(days=92), Milestone.done_on <= story.today)).all()
        narrative = f"本期共开展活动{activities}场，服务{people}人次。"
        narrative += "".join(f"完成：{title}。" for title in done[:2]) + self.rng.choice(REMARKS)
        files = []
        if sheet:
            covered = due - dt.timedelta(days=1)  # the quarter the report covers
            quarter = f"{covered.year}年第{(covered.month - 1) // 3 + 1}季度"
            content = sign_in_sheet(proposal.title, quarter, activities, people, self.rng)
            story.pdfs.append(content)  # kept in the file store with the certificates after the build
            files.append(monitoring.StoredFile(SIGN_IN_SHEET.format(quarter=quarter),
                                               hashlib.sha256(content).hexdigest(), len(content)))
        submission = monitoring.Submission(story.today, activities, people, narrative, spending, due_on=due)
        monitoring.submit_in(story.s, story._award(award_id), submission, files, STAFF, story.today)

    def _visit(self, award_id: int, visit: monitoring.Visit) -> None:
        monitoring.add_visit_in(self.story.s, self.story._award(award_id), visit, STAFF, self.story.today)

    def _rectified(self, award_id: int) -> None:
        row = self.story.s.scalars(select(SiteVisit).where(SiteVisit.award_id == award_id,
                                                           SiteVisit.rectification_required)).one()
        monitoring.mark_rectified_in(self.story.s, row, self.story.today, STAFF, self.story.today)

    def late_rule(self) -> None:
        monitoring.apply_late_rule_in(self.story.s, self.story.today, STAFF)


def sign_in_sheet(title: str, quarter: str, activities: int, people: int, rng: random.Random) -> bytes:
    """A one-page scanned-looking sign-in summary handed in with a report."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from ..documents import fonts

    font = fonts.setup()
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, initialFontName=font, invariant=1)
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, height - 80, "活动签到汇总表")
    canvas.setFont(font, 11)
    canvas.drawString(60, height - 115, f"项目名称：{title}")
    canvas.drawString(60, height - 135, f"报告期：{quarter}    活动场次：{activities}    服务人次：{people}")
    top, row = height - 170, 24
    for n, header in enumerate(("序号", "活动名称", "参加人数", "签到情况")):
        canvas.drawString(60 + n * 120, top, header)
    shown = min(activities, 12)
    for i in range(shown):
        y = top - (i + 1) * row
        canvas.drawString(60, y, str(i + 1))
        canvas.drawString(180, y, f"第{i + 1}场集体活动")
        canvas.drawString(300, y, str(max(5, people // max(shown, 1) + rng.randint(-4, 4))))
        canvas.drawString(420, y, "签到表原件存档")
    canvas.rect(50, top - (shown + 1) * row + 14, width - 100, (shown + 1) * row + 4)
    canvas.drawRightString(width - 60, 60, "（扫描件，原件由项目执行机构存档备查）")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

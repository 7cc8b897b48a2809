"""The judges' roster, PINs, conflicts and panels (psp_desktop.services.roster), and automatic assignment on the
demo: validation with nothing written, optimistic locking, PIN rules, one panel per judge and round, groups and
chairs, submitted sheets never lost, conflicts removed only when they were declared, and balanced loads."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    CompetitionStatus,
    ConflictSource,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    Criterion,
    Judge,
    JudgeGroup,
    Organization,
    Proposal,
    Round,
)
from psp_desktop.services import demo, judging, lists, pins, roster
from psp_desktop.services.roster import ChangedElsewhere, JudgeData

_n = itertools.count(1)


def count(database: Database, model: type) -> int:
    with database.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def setup(database: Database) -> dict[str, int]:
    """A competition with six eligible proposals of three organizations, a written round (K=2, no groups) and a
    roadshow round with two judge groups, and six judges."""
    with database.write() as s:
        comp = Competition(name="2026年测试街道公益创投大赛", year=2026, status=CompetitionStatus.REVIEW)
        written = Round(seq=1, name="书面评审", kind=RoundKind.WRITTEN, judges_per_proposal=2,
                        criteria=[Criterion(seq=1, name="项目设计", max_points_x100=10000)])
        roadshow = Round(seq=2, name="路演答辩", kind=RoundKind.ROADSHOW, judges_per_proposal=3,
                         criteria=[Criterion(seq=1, name="现场答辩", max_points_x100=10000)],
                         groups=[JudgeGroup(name="专家评审", weight_percent=70),
                                 JudgeGroup(name="大众评审", weight_percent=30)])
        comp.rounds = [written, roadshow]
        orgs = [Organization(name=f"测试社会工作服务中心{i}", registration_number=f"民证字第{i:04d}号",
                             org_type=OrgType.SERVICE_AGENCY) for i in range(3)]
        for i in range(6):
            s.add(Proposal(competition=comp, organization=orgs[i % 3], title=f"测试项目{i}",
                           domain=ServiceDomain.ELDERLY, status=ProposalStatus.ELIGIBLE,
                           intake_number=f"2026-{i + 1:03d}"))
        judges = [Judge(name=f"评委{i}") for i in range(6)]
        s.add_all([comp, *orgs, *judges])
        s.flush()
        ids = {"competition": comp.id, "written": written.id, "roadshow": roadshow.id,
               "expert": roadshow.groups[0].id, "public": roadshow.groups[1].id}
        ids.update({f"org{i}": o.id for i, o in enumerate(orgs)})
        ids.update({f"judge{i}": j.id for i, j in enumerate(judges)})
        return ids


def judge_data(**changes: object) -> JudgeData:
    values: dict[str, object] = dict(name=f"王建{next(_n)}", affiliation="四川大学公共管理学院", title="教授",
                                     expertise="社会政策", phone="13912345678", email="wang@example.cn")
    values.update(changes)
    return JudgeData(**values)  # type: ignore[arg-type]


# --- the roster ------------------------------------------------------------------------------------------------


def test_a_judge_is_saved_normalised_and_audited(database: Database) -> None:
    judge_id = roster.save_judge(database, None, judge_data(name="  张丽华 ", phone="+86 139 1234 5678"), None)
    data, version, has_pin = roster.load_judge(database, judge_id)
    assert data.name == "张丽华" and data.phone == "13912345678" and not has_pin and version == 1
    assert [j.name for j in lists.judges(database)] == ["张丽华"]
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "judge.add" and entry.username == database.actor.username


def test_mistakes_are_all_named_and_nothing_is_written(database: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        roster.save_judge(database, None, judge_data(name=" ", phone="12345", email="wang.example.cn",
                                                     expertise="很长" * 101), None)
    text = caught.value.render()
    assert "Judge's name is required" in text
    assert "12345 is not a phone number" in text
    assert "wang.example.cn is not an e-mail address" in text
    assert "Expertise is longer than 200 characters" in text
    assert {p.field for p in caught.value.problems} == {"name", "phone", "email", "expertise"}  # type: ignore[attr-defined]
    assert count(database, Judge) == 0 and count(database, AuditEntry) == 0


def test_an_organization_as_affiliation_fills_the_affiliation_text(database: Database, setup: dict[str, int]) -> None:
    judge_id = roster.save_judge(database, None, judge_data(affiliation="", affiliation_org_id=setup["org1"]), None)
    assert roster.load_judge(database, judge_id)[0].affiliation == "测试社会工作服务中心1"
    with pytest.raises(ValidationError, match="no longer exists"):
        roster.save_judge(database, None, judge_data(affiliation_org_id=9999), None)


def test_a_stale_edit_is_refused(database: Database) -> None:
    judge_id = roster.save_judge(database, None, judge_data(), None)
    data, version, _ = roster.load_judge(database, judge_id)
    roster.save_judge(database, judge_id, dataclasses.replace(data, title="副教授"), version)
    with pytest.raises(ChangedElsewhere):
        roster.save_judge(database, judge_id, dataclasses.replace(data, phone="028-85123456"), version)
    assert roster.load_judge(database, judge_id)[0].title == "副教授"
    assert roster.load_judge(database, judge_id)[0].phone == "13912345678"


def test_setting_a_pin_keeps_an_open_edit_valid(database: Database) -> None:
    judge_id = roster.save_judge(database, None, judge_data(), None)
    data, version, _ = roster.load_judge(database, judge_id)
    roster.set_pin(database, judge_id, "602817")
    assert roster.load_judge(database, judge_id)[2] is True
    roster.save_judge(database, judge_id, dataclasses.replace(data, title="研究员"), version)
    assert judging.sign_in(database, judge_id, "602817").judge_id == judge_id


@pytest.mark.parametrize(("pin", "reason"), [
    ("12345", "exactly 6 digits"), ("12a456", "exactly 6 digits"), ("111111", "too easy"), ("123456", "too easy"),
    ("876543", "too easy"), ("121212", "too easy"), ("202405", "year and month"),
])
def test_weak_pins_are_refused_with_the_reason(database: Database, pin: str, reason: str) -> None:
    judge_id = roster.save_judge(database, None, judge_data(), None)
    with pytest.raises(ValidationError, match=reason):
        roster.set_pin(database, judge_id, pin)
    assert roster.load_judge(database, judge_id)[2] is False
    assert pins.weak_reason(pin) is not None


def test_deactivating_a_judge_with_proposals_is_refused(database: Database, setup: dict[str, int]) -> None:
    written = setup["written"]
    roster.save_panel(database, written, None, "第一组", "", [(setup[f"judge{i}"], None, i == 0) for i in range(3)])
    judging.auto_assign(database, written)
    with pytest.raises(ValidationError, match="评委0 has proposals assigned in round “书面评审”"):
        roster.deactivate_judge(database, setup["judge0"])
    for row in roster.assignments_of(database, written, judge_id=setup["judge0"]):
        judging.unassign(database, row.id)
    roster.deactivate_judge(database, setup["judge0"])
    assert [m.name for m in roster.panels_of(database, written)[0].members] == ["评委1", "评委2"]
    assert "评委0" not in {j.name for j in lists.judges(database)}
    with pytest.raises(ValidationError, match="no such judge"):
        roster.load_judge(database, setup["judge0"])


# --- conflicts ---------------------------------------------------------------------------------------------------


def test_a_declared_conflict_is_listed_and_removed(database: Database, setup: dict[str, int]) -> None:
    judge = setup["judge1"]
    judging.declare_conflict(database, judge, setup["org2"], "曾任该机构理事")
    rows = roster.conflicts(database, judge)
    assert [(r.judge, r.organization, r.source, r.reason) for r in rows] == [
        ("评委1", "测试社会工作服务中心2", ConflictSource.DECLARED, "曾任该机构理事")]
    assert roster.conflicts(database, setup["judge2"]) == []
    roster.remove_conflict(database, rows[0].id)
    assert roster.conflicts(database) == []
    with pytest.raises(ValidationError, match="no such conflict"):
        roster.remove_conflict(database, rows[0].id)


def test_a_conflict_from_the_affiliation_stays_while_the_affiliation_does(database: Database,
                                                                         setup: dict[str, int]) -> None:
    judge_id = roster.save_judge(database, None, judge_data(affiliation="测试社会工作服务中心0"), None)
    assert judging.detect_conflicts(database, setup["competition"]) == 1
    (row,) = roster.conflicts(database, judge_id)
    assert row.source == ConflictSource.AUTOMATIC
    with pytest.raises(ValidationError, match="works for 测试社会工作服务中心0"):
        roster.remove_conflict(database, row.id)
    data, version, _ = roster.load_judge(database, judge_id)
    roster.save_judge(database, judge_id, dataclasses.replace(data, affiliation="四川大学"), version)
    roster.remove_conflict(database, row.id)
    assert roster.conflicts(database, judge_id) == []


# --- panels ------------------------------------------------------------------------------------------------------


def test_a_panel_is_saved_and_listed(database: Database, setup: dict[str, int]) -> None:
    rs = setup["roadshow"]
    panel_id = roster.save_panel(database, rs, None, " 路演评审组 ", "党群服务中心", [
        (setup["judge0"], setup["expert"], True), (setup["judge1"], setup["expert"], False),
        (setup["judge2"], setup["public"], False)])
    (panel,) = roster.panels_of(database, rs)
    assert (panel.id, panel.name, panel.venue, panel.chair, panel.size) == (panel_id, "路演评审组", "党群服务中心",
                                                                          "评委0", 3)
    assert [(m.name, m.group) for m in panel.members] == [("评委0", "专家评审"), ("评委1", "专家评审"),
                                                          ("评委2", "大众评审")]
    roster.save_panel(database, rs, panel_id, "路演评审组", "三楼多功能厅", [
        (setup["judge0"], setup["expert"], False), (setup["judge2"], setup["expert"], True)])
    (panel,) = roster.panels_of(database, rs)
    assert panel.chair == "评委2" and [m.group for m in panel.members] == ["专家评审", "专家评审"]


def test_a_judge_sits_on_one_panel_per_round(database: Database, setup: dict[str, int]) -> None:
    written, rs = setup["written"], setup["roadshow"]
    roster.save_panel(database, written, None, "第一组", "", [(setup["judge0"], None, True)])
    with pytest.raises(ValidationError, match="评委0 already sits on panel “第一组” of this round"):
        roster.save_panel(database, written, None, "第二组", "", [(setup["judge1"], None, True),
                                                                 (setup["judge0"], None, False)])
    with pytest.raises(ValidationError, match="评委1 is listed twice"):
        roster.save_panel(database, written, None, "第二组", "", [(setup["judge1"], None, False)] * 2)
    with pytest.raises(ValidationError, match="already has a panel called “第一组”"):
        roster.save_panel(database, written, None, "第一组", "", [(setup["judge1"], None, False)])
    roster.save_panel(database, rs, None, "路演组", "", [(setup["judge0"], setup["expert"], True)])  # another round
    assert [p.name for p in roster.panels_of(database, written)] == ["第一组"]


def test_groups_and_chairs(database: Database, setup: dict[str, int]) -> None:
    written, rs = setup["written"], setup["roadshow"]
    with pytest.raises(ValidationError, match="Choose the judge group of 评委1"):
        roster.save_panel(database, rs, None, "路演组", "", [(setup["judge0"], setup["expert"], True),
                                                             (setup["judge1"], None, False)])
    with pytest.raises(ValidationError, match="not a group of round “书面评审”"):
        roster.save_panel(database, written, None, "第一组", "", [(setup["judge0"], setup["expert"], False)])
    with pytest.raises(ValidationError, match="at most one chair"):
        roster.save_panel(database, written, None, "第一组", "", [(setup["judge0"], None, True),
                                                                 (setup["judge1"], None, True)])
    with pytest.raises(ValidationError, match="Panel name is required"):
        roster.save_panel(database, written, None, "  ", "", [])
    assert roster.panels_of(database, written) == [] and roster.panels_of(database, rs) == []


def _score_all(database: Database, round_id: int, judge_id: int) -> None:
    points = dict.fromkeys(judging.criterion_ids(database, round_id), 8000)
    for row in roster.assignments_of(database, round_id, judge_id=judge_id):
        judging.record_sheet(database, row.id, points, source="paper", by="刘晓燕")


def test_submitted_sheets_keep_their_judge_on_the_panel(database: Database, setup: dict[str, int]) -> None:
    written = setup["written"]
    members = [(setup[f"judge{i}"], None, i == 0) for i in range(3)]
    panel_id = roster.save_panel(database, written, None, "第一组", "", members)
    judging.auto_assign(database, written)
    _score_all(database, written, setup["judge0"])
    with pytest.raises(ValidationError, match="评委0 already submitted score sheets"):
        roster.save_panel(database, written, panel_id, "第一组", "", members[1:])
    with pytest.raises(ValidationError, match="Panel “第一组” cannot be deleted: 评委0"):
        roster.delete_panel(database, panel_id)
    # a judge without submitted sheets leaves, with the proposals not yet scored
    before = len(roster.assignments_of(database, written))
    taken = len(roster.assignments_of(database, written, judge_id=setup["judge2"]))
    roster.save_panel(database, written, panel_id, "第一组", "", members[:2])
    assert len(roster.assignments_of(database, written)) == before - taken
    assert roster.assignments_of(database, written, judge_id=setup["judge2"]) == []


def test_deleting_a_panel_withdraws_its_open_assignments(database: Database, setup: dict[str, int]) -> None:
    written = setup["written"]
    first = roster.save_panel(database, written, None, "第一组", "", [(setup[f"judge{i}"], None, False)
                                                                     for i in range(2)])
    roster.save_panel(database, written, None, "第二组", "", [(setup[f"judge{i}"], None, False) for i in (2, 3)])
    judging.auto_assign(database, written)
    roster.delete_panel(database, first)
    assert {r.judge for r in roster.assignments_of(database, written)} == {"评委2", "评委3"}
    assert [p.name for p in roster.panels_of(database, written)] == ["第二组"]


def test_a_frozen_round_keeps_its_panels(database: Database, setup: dict[str, int]) -> None:
    written = setup["written"]
    panel_id = roster.save_panel(database, written, None, "第一组", "", [(setup["judge0"], None, True)])
    with database.write() as s:
        round_ = s.get(Round, written)
        assert round_ is not None
        round_.frozen = True
    with pytest.raises(ValidationError, match="frozen"):
        roster.save_panel(database, written, panel_id, "第一组", "", [])
    with pytest.raises(ValidationError, match="frozen"):
        roster.delete_panel(database, panel_id)
    assert roster.round_info(database, written).frozen


# --- assignment on the demo --------------------------------------------------------------------------------------


@pytest.fixture
def demo_db(database: Database) -> Database:
    demo.create_demo(database)
    return database


def _open_written_round(database: Database) -> lists.RoundRow:
    """The demo's current written review (the demo may also hold an earlier competition, frozen)."""
    return next(r for r in lists.rounds(database) if r.seq == 1 and not r.frozen)


def test_auto_assign_on_the_demo_avoids_conflicts_and_balances_loads(demo_db: Database) -> None:
    written = _open_written_round(demo_db)
    judging.detect_conflicts(demo_db, written.competition_id)
    conflicted = {(c.judge_id, c.organization_id) for c in roster.conflicts(demo_db)}
    assert conflicted  # the demo has a declared and an automatic conflict
    report = judging.auto_assign(demo_db, written.id)
    assert report.short == ()
    with demo_db.read() as s:
        pairs = s.execute(select(Assignment.judge_id, Proposal.organization_id).join(Proposal)
                          .where(Assignment.round_id == written.id)).all()
        own = dict(s.execute(select(Judge.id, Judge.affiliation_org_id)).all())
    assert pairs and not [p for p in pairs if tuple(p) in conflicted or own.get(p[0]) == p[1]]
    loads = Counter(judge for judge, _org in pairs)
    members = {m.judge_id for p in roster.panels_of(demo_db, written.id) for m in p.members}
    assert set(loads) == members
    assert max(loads.values()) - min(loads.values()) <= 1
    overview = judging.overview(demo_db, written.id)
    assert all(len(c.judges) == written.judges_per_proposal == c.wanted for c in overview.coverage)
    row = next(r for r in lists.rounds(demo_db) if r.id == written.id)
    assert (row.assigned, row.submitted, row.frozen) == (len(pairs), 0, False)


def test_a_conflicted_manual_assignment_is_refused(demo_db: Database) -> None:
    written = _open_written_round(demo_db)
    overview = judging.overview(demo_db, written.id)
    members = {load.judge_id for load in overview.loads}
    conflict, proposal = next((c, p) for c in roster.conflicts(demo_db) for p in overview.coverage
                              if c.judge_id in members and c.organization == p.organization)
    with pytest.raises(ValidationError, match="conflict of interest"):
        judging.assign(demo_db, written.id, conflict.judge_id, proposal.proposal_id)
    assert not roster.assignments_of(demo_db, written.id, judge_id=conflict.judge_id,
                                     proposal_id=proposal.proposal_id)

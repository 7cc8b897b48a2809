"""The needs registry and the coverage report.

Coverage is checked against figures worked out by hand on a small district built here: two communities of 临江区
(东风社区, 西湖社区) and one of 滨海区, three service domains, and needs in every status — a need answered by a
funded project, one by a project whose final evaluation passed, one whose award is fully paid (completed the year
before the report, so closed), one whose only projects were not screened or were ineligible, one answered by a
project of a later competition, one collected after the report's year. Then the register's rules: the form's checks,
audit entries, deleting refused while linked, permissions, and the workbook import all or nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    EvaluationKind,
    NeedSource,
    OrgType,
    ProposalStatus,
    Role,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    Community,
    CommunityNeed,
    Competition,
    CompetitionTheme,
    Evaluation,
    Organization,
    Proposal,
)
from psp_desktop.models.competition import theme_need
from psp_desktop.models.proposal import proposal_need
from psp_desktop.services import needs, needs_workbook, workbooks
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.needs import COMPLETED, ELIGIBLE, FUNDED, NONE, NeedData
from psp_desktop.services.organizations import ChangedElsewhere

E, C, H = ServiceDomain.ELDERLY, ServiceDomain.CHILDREN, ServiceDomain.HEALTH
A, B, SOUTH = "东风社区", "西湖社区", "南山社区"


def counts(none: int = 0, eligible: int = 0, funded: int = 0, completed: int = 0) -> dict[str, int]:
    return {NONE: none, ELIGIBLE: eligible, FUNDED: funded, COMPLETED: completed}


class District:
    """The small district: ids of its communities, needs and proposals by the names the docstring uses."""

    def __init__(self, db: Database) -> None:
        self.need: dict[str, int] = {}
        self.proposal: dict[str, int] = {}
        self.theme: dict[str, int] = {}
        with db.write() as s:
            places = {A: Community(district="临江区", street="望江街道", name=A),
                      B: Community(district="临江区", street="望江街道", name=B),
                      SOUTH: Community(district="滨海区", street="海滨街道", name=SOUTH)}
            org = Organization(name="临江区阳光社会工作服务中心", org_type=OrgType.SERVICE_AGENCY)
            comps = {y: Competition(name=f"{y}年社区公益创投大赛", year=y) for y in (2024, 2025, 2026, 2027)}
            s.add_all([*places.values(), org, *comps.values()])
            s.flush()
            theme = CompetitionTheme(competition_id=comps[2026].id, seq=1, name="儿童青少年", domain=C)
            s.add(theme)
            specs = {  # name: community, domain, collected on
                "n1": (A, E, dt.date(2025, 3, 1)), "n2": (A, C, dt.date(2026, 1, 10)),
                "n3": (A, H, dt.date(2026, 2, 1)), "n4": (B, E, dt.date(2025, 4, 1)),
                "n5": (B, C, dt.date(2026, 1, 5)), "n6": (B, H, dt.date(2026, 3, 1)),
                "n7": (B, E, dt.date(2024, 5, 1)), "n8": (A, H, dt.date(2027, 1, 5)),
                "n9": (SOUTH, E, dt.date(2026, 1, 1)), "n10": (A, C, dt.date(2026, 5, 1)),
            }
            rows = {name: CommunityNeed(community_id=places[c].id, domain=d, title=f"需求{name}",
                                        source=NeedSource.SURVEY, people_affected=10, priority=3, collected_on=on)
                    for name, (c, d, on) in specs.items()}
            projects = {  # name: competition year, status, award status, linked needs
                "P1": (2025, ProposalStatus.IMPLEMENTING, AwardStatus.SIGNED, ["n1"]),
                "P2": (2026, ProposalStatus.ELIGIBLE, None, ["n2"]),
                "P3": (2025, ProposalStatus.IMPLEMENTING, AwardStatus.COMMITTED, ["n4"]),
                "P4": (2026, ProposalStatus.SUBMITTED, None, ["n5"]),
                "P5": (2026, ProposalStatus.INELIGIBLE, None, ["n6"]),
                "P6": (2026, ProposalStatus.RESERVE, None, ["n6"]),
                "P7": (2024, ProposalStatus.COMPLETED, AwardStatus.COMPLETED, ["n7"]),
                "P8": (2027, ProposalStatus.ELIGIBLE, None, ["n10"]),
            }
            proposals = {name: Proposal(competition_id=comps[year].id, organization_id=org.id, title=f"项目{name}",
                                        domain=E, status=status,
                                        end_month=dt.date(2025, 6, 1) if name == "P7" else None)
                         for name, (year, status, _award, _needs) in projects.items()}
            s.add_all([*rows.values(), *proposals.values()])
            s.flush()
            for name, (year, _status, award_status, linked) in projects.items():
                if award_status is not None:
                    award = Award(proposal_id=proposals[name].id, competition_id=comps[year].id,
                                  amount_fen=5_000_000, status=award_status)
                    s.add(award)
                    s.flush()
                    if name == "P3":  # the final evaluation passed and is final: completed in 2026
                        s.add(Evaluation(award_id=award.id, kind=EvaluationKind.FINAL, passed=True, final=True,
                                         evaluated_on=dt.date(2026, 6, 30)))
                for need in linked:
                    s.execute(proposal_need.insert().values(proposal_id=proposals[name].id, need_id=rows[need].id))
            s.execute(theme_need.insert().values(theme_id=theme.id, need_id=rows["n5"].id))
            self.need = {name: row.id for name, row in rows.items()}
            self.proposal = {name: p.id for name, p in proposals.items()}
            self.theme = {"children": theme.id}
            self.community = {name: c.id for name, c in places.items()}


@pytest.fixture
def district(database: Database) -> District:
    return District(database)


def statuses(report: needs.Coverage) -> dict[int, str]:
    return {row.need_id: row.status for row in report.rows}


# --- coverage by hand --------------------------------------------------------------------------------------------


def test_coverage_of_the_district_in_2026_by_hand(database: Database, district: District) -> None:
    report = needs.coverage(database, 2026, "临江区")
    n = district.need
    assert statuses(report) == {n["n1"]: FUNDED, n["n2"]: ELIGIBLE, n["n3"]: NONE, n["n10"]: NONE,
                                n["n4"]: COMPLETED, n["n5"]: NONE, n["n6"]: ELIGIBLE}
    # n7 was completed in 2025 (closed), n8 collected in 2027, n9 is in 滨海区; P8 is of the 2027 competition
    assert report.by_community() == {A: counts(none=2, eligible=1, funded=1),
                                     B: counts(none=1, eligible=1, completed=1)}
    assert report.by_domain() == {E: counts(funded=1, completed=1), C: counts(none=2, eligible=1),
                                  H: counts(none=1, eligible=1)}
    assert report.totals() == counts(none=3, eligible=2, funded=1, completed=1)
    assert list(report.by_domain()) == [E, C, H] and list(report.by_domain()) == ["elderly", "children", "health"]
    six = next(r for r in report.rows if r.need_id == n["n6"])
    assert six.projects == ("项目P6",)  # the ineligible P5 does not count
    five = next(r for r in report.rows if r.need_id == n["n5"])
    assert five.status == NONE and five.targeted and five.themes == ("2026 儿童青少年",) and five.projects == ()
    assert {r.need_id for r in report.uncovered} == {n["n3"], n["n5"], n["n10"]}


def test_coverage_without_a_district_takes_every_community(database: Database, district: District) -> None:
    report = needs.coverage(database, 2026)
    assert report.by_community()[SOUTH] == counts(none=1)
    assert report.by_domain()[E] == counts(none=1, funded=1, completed=1)
    assert len(report.rows) == 8


def test_earlier_years_count_earlier_needs_and_competitions(database: Database, district: District) -> None:
    n = district.need
    assert statuses(needs.coverage(database, 2025)) == {n["n1"]: FUNDED, n["n4"]: COMPLETED, n["n7"]: COMPLETED}
    assert statuses(needs.coverage(database, 2024)) == {n["n7"]: COMPLETED}  # completed in 2025: still in
    assert needs.coverage(database, 2023).rows == ()
    later = needs.coverage(database, 2027, "临江区")  # P8 now counts; n7 stays closed, n4 was completed in 2026
    assert statuses(later)[n["n10"]] == ELIGIBLE and n["n4"] not in statuses(later) and n["n8"] in statuses(later)


@pytest.mark.parametrize(("proposal", "award", "final_passed", "expected"), [
    (ProposalStatus.SUBMITTED, None, False, NONE),
    (ProposalStatus.RETURNED, None, False, NONE),
    (ProposalStatus.INELIGIBLE, None, False, NONE),
    (ProposalStatus.IN_REVIEW, None, False, ELIGIBLE),
    (ProposalStatus.NOT_AWARDED, None, False, ELIGIBLE),
    (ProposalStatus.RESERVE, AwardStatus.RESERVE, False, ELIGIBLE),
    (ProposalStatus.AWARDED, AwardStatus.PROPOSED, False, ELIGIBLE),
    (ProposalStatus.NOT_AWARDED, AwardStatus.CANCELLED, False, ELIGIBLE),
    (ProposalStatus.AWARDED, AwardStatus.COMMITTED, False, FUNDED),
    (ProposalStatus.IMPLEMENTING, AwardStatus.SIGNED, False, FUNDED),
    (ProposalStatus.IMPLEMENTING, AwardStatus.SIGNED, True, COMPLETED),
    (ProposalStatus.COMPLETED, AwardStatus.COMPLETED, False, COMPLETED),
])
def test_how_far_one_project_got(proposal: ProposalStatus, award: AwardStatus | None, final_passed: bool,
                                 expected: str) -> None:
    assert needs.project_status(proposal, award, final_passed) == expected


def test_the_coverage_workbook(database: Database, district: District, tmp_path: Path) -> None:
    path = needs_workbook.export_coverage(needs.coverage(database, 2026, "临江区"), tmp_path / "覆盖.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["按社区", "按服务领域", "需求明细", "说明"]
    rows = list(book["按社区"].iter_rows(values_only=True))
    assert rows[0] == ("社区", "已完成", "已资助", "有合格项目", "无项目", "合计")
    assert rows[1:] == [(A, 0, 1, 1, 2, 4), (B, 1, 0, 1, 1, 3), ("合计", 1, 1, 2, 3, 7)]
    detail = list(book["需求明细"].iter_rows(values_only=True))
    assert len(detail) == 8 and detail[1][7] == "无项目"  # the unmet needs first
    assert not list(tmp_path.glob(".*"))  # the temporary file is gone


# --- the register ------------------------------------------------------------------------------------------------


def data(community_id: int, **changes: object) -> NeedData:
    values: dict[str, object] = {"community_id": community_id, "domain": E, "title": "独居老人缺少日常关照",
                                 "description": "约60人", "source": NeedSource.GRID, "people_affected": 60,
                                 "priority": 2, "collected_on": dt.date(2026, 3, 1)}
    return NeedData(**{**values, **changes})  # type: ignore[arg-type]


def actions(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_add_edit_delete_with_links_in_the_change_log(database: Database, district: District) -> None:
    need_id = needs.add(database, data(district.community[A]), theme_ids=[district.theme["children"]])
    record = needs.load(database, need_id)
    assert record.data.title == "独居老人缺少日常关照" and record.theme_ids == (district.theme["children"],)
    needs.edit(database, need_id, data(district.community[A], title="独居老人日常关照不足", priority=1),
               record.row_version, theme_ids=[], proposal_ids=[district.proposal["P6"]])
    record = needs.load(database, need_id)
    assert (record.data.title, record.data.priority) == ("独居老人日常关照不足", 1)
    assert record.theme_ids == () and record.proposal_ids == (district.proposal["P6"],)
    with pytest.raises(ChangedElsewhere):
        needs.edit(database, need_id, data(district.community[A]), record.row_version - 1)
    needs.unlink_proposal(database, need_id, district.proposal["P6"])
    needs.delete(database, need_id)
    assert actions(database) == ["need.add", "need.link", "need.edit", "need.link", "need.link", "need.delete"]
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "need.edit")).one()
        assert entry.before == {"title": "独居老人缺少日常关照", "priority": 2}
        assert s.get(CommunityNeed, need_id) is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": "  "}, "title", "is required"),
    ({"community_id": None}, "community_id", "is required"),
    ({"domain": None}, "domain", "is required"),
    ({"priority": 0}, "priority", "from 1 (highest) to 5 (lowest)"),
    ({"priority": 6}, "priority", "from 1 (highest) to 5 (lowest)"),
    ({"people_affected": -1}, "people_affected", "cannot be negative"),
    ({"collected_on": None}, "collected_on", "is required"),
    ({"collected_on": dt.date.today() + dt.timedelta(days=1)}, "collected_on", "is in the future"),
    ({"title": "长" * 101}, "title", "longer than 100"),
])
def test_bad_values_are_refused_naming_the_field(database: Database, district: District, changes: dict[str, object],
                                                 field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        needs.add(database, data(**{"community_id": district.community[A], **changes}))  # type: ignore[arg-type]
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert [p.field for p in problems] == [field] and message in problems[0].render()
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(CommunityNeed)) == 10  # nothing written


def test_an_unknown_community_or_theme_is_refused(database: Database, district: District) -> None:
    with pytest.raises(ValidationError, match="no community with number 999"):
        needs.add(database, data(999))
    with pytest.raises(ValidationError, match="no competition theme with number 999"):
        needs.add(database, data(district.community[A]), theme_ids=[999])
    with pytest.raises(ValidationError, match="no proposal with number 999"):
        needs.link_proposal(database, district.need["n3"], 999)
    assert actions(database) == []


def test_deleting_a_linked_need_is_refused_naming_the_links(database: Database, district: District) -> None:
    n6 = district.need["n6"]
    with pytest.raises(ValidationError, match="“需求n6” cannot be deleted: the proposals “项目P5”、“项目P6” answer it"):
        needs.delete(database, n6)
    n5 = district.need["n5"]
    needs.unlink_proposal(database, n5, district.proposal["P4"])
    with pytest.raises(ValidationError, match="the competition themes “2026 儿童青少年” target it"):
        needs.delete(database, n5)
    needs.unlink_theme(database, n5, district.theme["children"])
    needs.delete(database, n5)
    with database.read() as s:
        assert s.get(CommunityNeed, n6) is not None and s.get(CommunityNeed, n5) is None


def test_linking_one_at_a_time_works_on_screened_proposals(database: Database, district: District) -> None:
    n3, p1 = district.need["n3"], district.proposal["P1"]  # P1 is funded: its form no longer changes
    needs.link_proposal(database, n3, p1)
    needs.link_proposal(database, n3, p1)  # already linked: nothing changes, nothing logged
    assert needs.load(database, n3).proposal_ids == (p1,)
    assert statuses(needs.coverage(database, 2026))[n3] == FUNDED
    assert actions(database) == ["need.link"]


def test_who_may_do_what(database: Database, district: District) -> None:
    viewer = Actor("viewer", frozenset({Role.VIEWER}))
    finance = Actor("wang", frozenset({Role.FINANCE}))
    staff = Actor("liu", frozenset({Role.STAFF}))
    n3, theme = district.need["n3"], district.theme["children"]
    for actor in (viewer, finance):
        database.actor = actor
        with pytest.raises(NotAllowed, match=r"registry\.edit"):
            needs.add(database, data(district.community[A]))
        with pytest.raises(NotAllowed, match=r"registry\.edit"):
            needs.delete(database, n3)
        with pytest.raises(NotAllowed, match=r"competition\.setup"):
            needs.link_theme(database, n3, theme)
        with pytest.raises(NotAllowed, match=r"intake\.edit"):
            needs.link_proposal(database, n3, district.proposal["P2"])
        with pytest.raises(NotAllowed, match=r"registry\.edit"):
            needs.add_community(database, "临江区", "望江街道", "新社区")
        assert needs.coverage(database, 2026).rows  # reading needs no right
    database.actor = None
    with pytest.raises(NotAllowed, match="Sign in first"):
        needs.add(database, data(district.community[A]))
    database.actor = staff
    needs.link_theme(database, n3, theme)
    assert needs.add_community(database, "临江区", "望江街道", "新社区")
    with pytest.raises(ValidationError, match="registered already"):
        needs.add_community(database, "临江区", "望江街道", "新社区")
    with database.read() as s:
        assert [e.username for e in s.scalars(select(AuditEntry))] == ["liu", "liu"]


def test_the_register_filters(database: Database, district: District) -> None:
    def ids(**f: object) -> set[int]:
        return {r.id for r in needs.list_needs(database, needs.NeedFilter(**f))}  # type: ignore[arg-type]

    n = district.need
    assert len(ids()) == 10
    assert ids(community_id=district.community[B]) == {n["n4"], n["n5"], n["n6"], n["n7"]}
    assert ids(domain=H) == {n["n3"], n["n6"], n["n8"]}
    assert ids(year=2025) == {n["n1"], n["n4"]}
    assert ids(priority=1) == set() and ids(source=NeedSource.SURVEY) == ids()
    assert ids(search="需求n1") == {n["n1"], n["n10"]}
    assert ids(search="西湖", domain=E) == {n["n4"], n["n7"]}
    assert ids(district="滨海区") == {n["n9"]}
    row = next(r for r in needs.list_needs(database) if r.id == n["n6"])
    assert (row.themes, row.proposals) == (0, 2)


# --- importing a workbook ----------------------------------------------------------------------------------------


def workbook(path: Path, rows: list[list[object]]) -> Path:
    workbooks.write_template("needs", path)
    book = openpyxl.load_workbook(path)
    sheet = book["社区需求"]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = [[A, "为老服务", "高龄老人助浴难", "约40人洗澡困难", "网格员走访", 40, 1, "2026-03-02"],
        [B, "健康服务", "慢病老人缺少随访", "", "", "", "", "2026年3月5日"]]


def count_needs(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(CommunityNeed)) or 0


def test_a_sound_workbook_imports_every_row_once(database: Database, district: District, tmp_path: Path) -> None:
    path = workbook(tmp_path / "needs.xlsx", GOOD)
    result = workbooks.import_workbook(database, "needs", path)
    assert result.needs == 2 and count_needs(database) == 12
    added = {r.title: r for r in needs.list_needs(database, needs.NeedFilter(year=2026, search="老"))}
    assert added["慢病老人缺少随访"].source is NeedSource.OTHER and added["慢病老人缺少随访"].priority == 3
    assert added["高龄老人助浴难"].collected_on == dt.date(2026, 3, 2)
    assert actions(database) == ["needs.import"]
    with pytest.raises(workbooks.WorkbookRejected) as again:  # the same file twice: refused
        workbooks.import_workbook(database, "needs", path, errors_path=tmp_path / "errors.xlsx")
    assert "registered already" in again.value.render() and count_needs(database) == 12


def test_sources_are_read_as_the_app_shows_them(database: Database, district: District, tmp_path: Path) -> None:
    rows = [[A, "为老服务", "独居老人夜间求助难", "", "热线反映", 12, 2, "2026-03-09"]]  # the register's own word
    assert workbooks.import_workbook(database, "needs", workbook(tmp_path / "n.xlsx", rows)).needs == 1
    added = next(r for r in needs.list_needs(database) if r.title == "独居老人夜间求助难")
    assert added.source is NeedSource.HOTLINE


def test_unknown_communities_and_domains_import_nothing(database: Database, district: District,
                                                        tmp_path: Path) -> None:
    path = workbook(tmp_path / "needs.xlsx", [
        *GOOD,
        ["北山社区", "为老服务", "老人助餐", "", "", "", "", "2026-03-01"],
        [A, "养老服务", "老人助餐", "", "电话", -5, 7, "2099-01-01"],
        ["", "", "", "只有描述"],
    ])
    with pytest.raises(workbooks.WorkbookRejected) as caught:
        workbooks.import_workbook(database, "needs", path, errors_path=tmp_path / "errors.xlsx")
    lines = caught.value.render().splitlines()
    assert "社区需求 row 4, 社区: no community called 北山社区 is registered" in lines
    assert any(line.startswith("社区需求 row 5, 服务领域: 养老服务 is not one of: 为老服务") for line in lines)
    assert any(line.startswith("社区需求 row 5, 来源: 电话 is not one of") for line in lines)
    assert "社区需求 row 5: 受益人数 cannot be negative" in lines
    assert "社区需求 row 5: 优先级 must be a whole number from 1 (highest) to 5 (lowest)" in lines
    assert "社区需求 row 5: 收集日期: 2099-01-01 is in the future" in lines
    assert {"社区需求 row 6: 社区 is required", "社区需求 row 6: 需求标题 is required"} <= set(lines)
    assert count_needs(database) == 10 and actions(database) == []  # the two good rows were not written either
    errors = openpyxl.load_workbook(tmp_path / "errors.xlsx")["社区需求"]
    assert errors.cell(1, 10).value == "错误说明" and "北山社区" in errors.cell(4, 10).value


def test_a_community_name_in_two_streets_needs_the_street(database: Database, district: District,
                                                         tmp_path: Path) -> None:
    with database.write() as s:
        s.add(Community(district="临江区", street="江北街道", name=A))
    ambiguous = workbook(tmp_path / "a.xlsx", [GOOD[0]])
    preview = needs_workbook.preview_needs(database, ambiguous)
    assert not preview.ok
    assert "communities called 东风社区 are registered in 望江街道、江北街道: fill in the column 街道" in \
        preview.render()[0]
    named = workbook(tmp_path / "b.xlsx", [[*GOOD[0], "江北街道"]])
    assert workbooks.import_workbook(database, "needs", named).needs == 1
    with database.read() as s:
        street = s.scalar(select(Community.street).join(CommunityNeed).where(CommunityNeed.title == "高龄老人助浴难"))
    assert street == "江北街道"


def test_importing_needs_the_registry_right(database: Database, district: District, tmp_path: Path) -> None:
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(NotAllowed):
        workbooks.import_workbook(database, "needs", workbook(tmp_path / "n.xlsx", GOOD))
    assert count_needs(database) == 10


def test_the_export_imports_again(database: Database, district: District, tmp_path: Path) -> None:
    with database.write() as s:  # n8's date is after today: an import refuses it
        s.delete(s.get(CommunityNeed, district.need["n8"]))
    exported = tmp_path / "export.xlsx"
    assert workbooks.export_list(database, "needs", exported) == 9
    with database.write() as s:
        s.execute(proposal_need.delete())
        s.execute(theme_need.delete())
        s.execute(CommunityNeed.__table__.delete())
    assert workbooks.import_workbook(database, "needs", exported).needs == 9


# --- the command line --------------------------------------------------------------------------------------------


def test_the_cli_lists_imports_and_reports(district: District, database: Database, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # in this process the CLI must not create a QCoreApplication (a later GUI test needs a QApplication)
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))
    path = database.path
    if path is None:
        pytest.skip("the command line test runs on an SQLite file")
    assert cli.main(["--db", str(path), "needs", "list", "--community", B, "--domain", "为老服务"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and all("\t西湖社区\t为老服务\t" in line for line in listed)
    assert cli.main(["--db", str(path), "needs", "coverage", "2026", "--district", "临江区"]) == 0
    out = capsys.readouterr().out
    assert "Needs with no project (3):" in out and "东风社区" in out
    total = next(line for line in out.splitlines() if line.startswith("All needs"))
    assert total.split() == ["All", "needs", "1", "1", "2", "3", "7"]
    assert cli.main(["--db", str(path), "needs", "coverage", "2026", "--xlsx", str(tmp_path / "c.xlsx")]) == 0
    assert (tmp_path / "c.xlsx").exists()
    assert cli.main(["--db", str(path), "needs", "template", str(tmp_path / "t.xlsx")]) == 0
    good = workbook(tmp_path / "n.xlsx", GOOD)
    assert cli.main(["--db", str(path), "needs", "import", str(good)]) == 0
    assert capsys.readouterr().out.strip().endswith("needs: 2")
    assert cli.main(["--db", str(path), "needs", "import", str(good)]) == 2
    assert "registered already" in capsys.readouterr().err
    assert cli.main(["--db", str(path), "needs", "list", "--domain", "养老"]) == 2

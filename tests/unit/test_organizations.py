"""The organization registry (psp_desktop.services.organizations) on SQLite and PostgreSQL: validation that names
every bad field, normalised codes, one record per credit code, optimistic locking, staff, history and search."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionStatus,
    EvaluationGrade,
    EvaluationKind,
    InspectionResult,
    OrgType,
    ProposalStatus,
    Rating,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import Award, Competition, Evaluation, Organization, OrganizationStaff, Proposal
from psp_desktop.services import organizations
from psp_desktop.services.organizations import (
    ChangedElsewhere,
    DuplicateOrganization,
    OrganizationData,
    StaffData,
)
from psp_desktop.services.validation import InvalidInput

VALID_USCC = "91110000600037341L"  # DOMAIN.md test vectors
OTHER_USCC = "52420106MJ1234567Y"
THIRD_USCC = "91512081MA62K0260E"


def make_uscc(n: int) -> str:
    """A valid 民政 code (5 = civil affairs, 2 = 民办非企业单位) for a running number."""
    first17 = f"52310101{n:09d}"
    return first17 + uscc_check_char(first17)


def sample(**changes: object) -> OrganizationData:
    data = OrganizationData(
        name="望江街道阳光社会工作服务中心",
        uscc=VALID_USCC,
        registration_authority="临江区民政局",
        org_type=OrgType.SERVICE_AGENCY,
        registered_on=dt.date(2019, 5, 20),
        legal_representative="王建国",
        contact_name="李梅",
        contact_phone="13800138000",
        email="yangguang@example.cn",
        address="临江区望江街道滨河路18号",
        inspection_result=InspectionResult.PASSED,
        inspection_year=2025,
        rating=Rating.A3,
        has_bank_account=True,
        bank_name="中国工商银行临江支行",
        bank_account="6222020200112233445",
        intro="专注社区为老服务与困境儿童关爱。",
        past_projects="2025年“银龄互助”项目",
        staff=[StaffData("李梅", "项目主管", "中级社工师", True), StaffData("赵强", "财务", "会计")],
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def count(database: Database, model: type) -> int:
    with database.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def problem_fields(exc: InvalidInput) -> list[str]:
    return [p.field for p in exc.problems]


# --- create, validation and normalisation ------------------------------------------------------------------


def test_create_then_load_gives_the_same_record_normalised(database: Database) -> None:
    data = sample()
    org_id = organizations.create(database, data)
    loaded, version = organizations.load(database, org_id)
    assert loaded == data
    assert version == 1
    with database.read() as s:
        row = s.get(Organization, org_id)
        assert row is not None and row.uscc == VALID_USCC and row.rating == Rating.A3

    messy = organizations.create(database, sample(
        name="  阳光社工中心 ", uscc=" 5242 0106 MJ12 3456 7y ", contact_phone=" 138 0013 8000 ",
        address="\t滨河路18号\n", registration_number="   ",
        staff=[StaffData("  李梅 "), StaffData("   "), StaffData("")]))
    loaded, _ = organizations.load(database, messy)
    assert loaded.name == "阳光社工中心"
    assert loaded.uscc == OTHER_USCC
    assert loaded.registration_number is None  # a blank code is no code
    assert loaded.contact_phone == "138 0013 8000"
    assert loaded.address == "滨河路18号"
    assert [m.name for m in loaded.staff] == ["李梅"]  # blank team members are dropped
    with database.read() as s:
        found = organizations.find_by_uscc(s, " 52420106mj1234567y ")
        assert found is not None and found.id == messy
    with pytest.raises(ValidationError, match="no organization with number 99"):
        organizations.load(database, 99)


BAD_FIELDS = [
    pytest.param({"uscc": "91110000600037341M"}, "uscc", "check", id="uscc-check-char"),
    pytest.param({"uscc": "9111000060003734"}, "uscc", "18 characters", id="uscc-short"),
    pytest.param({"uscc": "9111000060003734IO"}, "uscc", "not allowed", id="uscc-letters-I-O"),
    pytest.param({"uscc": "91AB0000600037341L"}, "uscc", "digits", id="uscc-region"),
    pytest.param({"contact_phone": "1380013800"}, "contact_phone", "not a phone number", id="phone-10-digits"),
    pytest.param({"contact_phone": "12800138000"}, "contact_phone", "not a phone number", id="phone-12x-prefix"),
    pytest.param({"contact_phone": "电话待定"}, "contact_phone", "not a phone number", id="phone-words"),
    pytest.param({"registered_on": dt.date.today() + dt.timedelta(days=1)}, "registered_on", "in the future",
                 id="registered-tomorrow"),
    pytest.param({"intro": "社" * 501}, "intro", "longer than 500", id="intro-501"),
    pytest.param({"name": "   "}, "name", "is required", id="name-blank"),
    pytest.param({"name": "社" * 101}, "name", "longer than 100", id="name-101"),
    pytest.param({"uscc": None, "registration_number": None}, "uscc", "registration number", id="no-code-at-all"),
    pytest.param({"uscc": "  ", "registration_number": " "}, "uscc", "registration number", id="blank-codes"),
    pytest.param({"inspection_year": 1989}, "inspection_year", "not plausible", id="inspection-1989"),
    pytest.param({"inspection_year": dt.date.today().year + 1}, "inspection_year", "not plausible",
                 id="inspection-next-year"),
    pytest.param({"email": "yangguang.example.cn"}, "email", "e-mail", id="email-without-at"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_FIELDS)
def test_each_bad_field_is_reported_by_name(changes: dict[str, object], field: str, fragment: str) -> None:
    problems = organizations.problems_of(organizations.normalise(sample(**changes)))
    assert [p.field for p in problems.items] == [field]
    with pytest.raises(InvalidInput) as caught:
        problems.raise_if_any()
    assert fragment in caught.value.render()


def test_create_refuses_each_bad_field_and_writes_nothing(database: Database) -> None:
    for case in BAD_FIELDS:
        changes, field, _fragment = case.values
        with pytest.raises(InvalidInput) as caught:
            organizations.create(database, sample(**changes))  # type: ignore[arg-type]
        assert problem_fields(caught.value) == [field], case.id
    with pytest.raises(InvalidInput) as caught:
        organizations.create(database, sample(uscc="91110000600037341m"))
    assert "91110000600037341M" in caught.value.render()  # the message quotes the code as it was read
    with pytest.raises(InvalidInput) as caught:  # every problem at once, one line each
        organizations.create(database, sample(
            name="", uscc="91110000600037341M", contact_phone="123", intro="字" * 600,
            registered_on=dt.date.today() + dt.timedelta(days=30)))
    assert set(problem_fields(caught.value)) == {"name", "uscc", "contact_phone", "intro", "registered_on"}
    assert len(caught.value.render().splitlines()) == 5
    assert "123 is not a phone number" in caught.value.render()
    assert count(database, Organization) == 0
    assert count(database, OrganizationStaff) == 0


@pytest.mark.parametrize("changes", [
    pytest.param({"intro": "社" * 500}, id="intro-500"),
    pytest.param({"registered_on": dt.date.today()}, id="registered-today"),
    pytest.param({"contact_phone": "010-12345678"}, id="landline-dash"),
    pytest.param({"contact_phone": "075512345678"}, id="landline-compact"),
    pytest.param({"contact_phone": "0755-1234567-801"}, id="landline-extension"),
    pytest.param({"contact_phone": "138 0013 8000"}, id="mobile-with-spaces"),
    pytest.param({"contact_phone": ""}, id="no-phone"),
    pytest.param({"uscc": None, "registration_number": "民证字第010203号"}, id="old-certificate-only"),
    pytest.param({"uscc": OTHER_USCC}, id="uscc-letters-in-org-code"),
    pytest.param({"uscc": THIRD_USCC}, id="uscc-sichuan"),
    pytest.param({"email": ""}, id="no-email"),
    pytest.param({"inspection_year": None}, id="never-inspected"),
])
def test_borderline_values_are_accepted(changes: dict[str, object]) -> None:
    assert not organizations.problems_of(organizations.normalise(sample(**changes)))


def test_overlong_address_is_a_field_problem(database: Database) -> None:
    with pytest.raises(InvalidInput) as caught:
        organizations.create(database, sample(address="滨河路" * 67 + "号"))  # 202 characters
    assert problem_fields(caught.value) == ["address"]


# --- one organization per credit code ----------------------------------------------------------------------


def test_one_organization_per_credit_code(database: Database) -> None:
    first = organizations.create(database, sample())
    with pytest.raises(DuplicateOrganization) as caught:  # the same code typed differently
        organizations.create(database, sample(name="另一家机构", uscc=" 91110000600037341l", staff=[]))
    assert caught.value.existing_id == first
    assert "望江街道阳光社会工作服务中心" in caught.value.render()
    assert VALID_USCC in caught.value.render()
    assert count(database, Organization) == 1

    second = organizations.create(database, sample(name="滨河社区志愿者协会", uscc=OTHER_USCC, staff=[]))
    data, version = organizations.load(database, second)
    with pytest.raises(DuplicateOrganization) as caught:  # editing a record onto another's code
        organizations.update(database, second, dataclasses.replace(data, uscc=VALID_USCC.lower()), version)
    assert caught.value.existing_id == first
    assert organizations.load(database, second) == (data, version)

    organizations.update(database, second, dataclasses.replace(data, name="滨河志愿者协会"), version)
    after, after_version = organizations.load(database, second)  # keeping its own code is no duplicate
    assert after.name == "滨河志愿者协会" and after.uscc == OTHER_USCC and after_version == version + 1

    old = [organizations.create(database, sample(name=f"老机构{n}", uscc=None, registration_number=f"民证字第{n}号",
                                                 staff=[])) for n in range(2)]
    assert len(set(old)) == 2 and count(database, Organization) == 4  # no credit code: no uniqueness to keep


# --- optimistic locking and staff --------------------------------------------------------------------------


def test_a_stale_or_invalid_update_changes_nothing(database: Database) -> None:
    org_id = organizations.create(database, sample())
    mine, version = organizations.load(database, org_id)
    with pytest.raises(InvalidInput) as caught:  # validated like create
        organizations.update(database, org_id, dataclasses.replace(mine, contact_phone="5555", name=""), version)
    assert set(problem_fields(caught.value)) == {"contact_phone", "name"}
    assert organizations.load(database, org_id) == (mine, version)

    theirs = dataclasses.replace(mine, contact_phone="13900139000")
    organizations.update(database, org_id, theirs, version)  # someone else saves first
    stale = dataclasses.replace(mine, name="我的改名", staff=[StaffData("新人")])
    with pytest.raises(ChangedElsewhere) as changed:
        organizations.update(database, org_id, stale, version)
    assert "Reload" in changed.value.render()
    assert organizations.load(database, org_id) == (theirs, version + 1)
    assert count(database, OrganizationStaff) == 2

    with pytest.raises(ChangedElsewhere):
        organizations.update(database, 404, sample(uscc=None, registration_number="x"), 1)
    assert count(database, Organization) == 1


def test_staff_are_saved_and_replaced(database: Database) -> None:
    org_id = organizations.create(database, sample())
    data, version = organizations.load(database, org_id)
    assert data.staff == [StaffData("李梅", "项目主管", "中级社工师", True), StaffData("赵强", "财务", "会计", False)]
    new_team = [StaffData("周敏", "督导", "高级社工师", True)]
    organizations.update(database, org_id, dataclasses.replace(data, name="阳光社工", staff=new_team), version)
    after, _ = organizations.load(database, org_id)
    assert after.staff == new_team
    assert count(database, OrganizationStaff) == 1  # the replaced members are gone, not orphaned
    data, version = organizations.load(database, org_id)
    organizations.update(database, org_id, dataclasses.replace(data, name="阳光社工中心", staff=[]), version)
    assert organizations.load(database, org_id)[0].staff == []
    assert count(database, OrganizationStaff) == 0


def test_a_staff_only_edit_also_makes_older_copies_stale(database: Database) -> None:
    org_id = organizations.create(database, sample())
    data, version = organizations.load(database, org_id)
    organizations.update(database, org_id, dataclasses.replace(data, staff=[StaffData("甲")]), version)
    with pytest.raises(ChangedElsewhere):
        organizations.update(database, org_id, dataclasses.replace(data, staff=[StaffData("乙")]), version)


# --- history ------------------------------------------------------------------------------------------------


def _competition(s, name: str, year: int) -> Competition:  # type: ignore[no-untyped-def]
    competition = Competition(name=name, year=year, status=CompetitionStatus.IMPLEMENTING, rules={})
    s.add(competition)
    s.flush()
    return competition


def _proposal(s, competition: Competition, org_id: int, title: str, status: ProposalStatus,  # type: ignore[no-untyped-def]
              number: str | None, requested: int) -> Proposal:
    proposal = Proposal(competition_id=competition.id, organization_id=org_id, title=title,
                        domain=ServiceDomain.ELDERLY, status=status, intake_number=number, requested_fen=requested,
                        matching_fen=0, total_budget_fen=requested)
    s.add(proposal)
    s.flush()
    return proposal


def test_history_lists_proposals_across_competitions_with_awards_and_grades(database: Database) -> None:
    org_id = organizations.create(database, sample())
    other_id = organizations.create(database, sample(name="别家机构", uscc=OTHER_USCC, staff=[]))
    with database.write() as s:
        c2025 = _competition(s, "2025年望江街道公益创投大赛", 2025)
        c2026 = _competition(s, "2026年望江街道公益创投大赛", 2026)
        funded = _proposal(s, c2025, org_id, "银龄互助", ProposalStatus.COMPLETED, "2025-007", 6_000_000)
        refused = _proposal(s, c2025, org_id, "四点半课堂", ProposalStatus.NOT_AWARDED, "2025-012", 5_000_000)
        current = _proposal(s, c2026, org_id, "智慧助老", ProposalStatus.SUBMITTED, "2026-003", 7_500_000)
        draft = _proposal(s, c2026, org_id, "未提交的草稿", ProposalStatus.DRAFT, None, 0)
        _proposal(s, c2026, other_id, "别家的项目", ProposalStatus.SUBMITTED, "2026-001", 1_000_000)
        award = Award(proposal_id=funded.id, competition_id=c2025.id, amount_fen=5_500_000,
                      status=AwardStatus.COMPLETED)
        s.add(award)
        s.flush()
        s.add_all([Evaluation(award_id=award.id, kind=EvaluationKind.MIDTERM, grade=EvaluationGrade.GOOD),
                   Evaluation(award_id=award.id, kind=EvaluationKind.FINAL, grade=EvaluationGrade.EXCELLENT)])
        ids = (funded.id, refused.id, current.id, draft.id)
        ongoing = _proposal(s, c2026, other_id, "别家的另一个项目", ProposalStatus.IMPLEMENTING, "2026-002", 3_000_000)
        other_award = Award(proposal_id=ongoing.id, competition_id=c2026.id, amount_fen=3_000_000)
        s.add(other_award)
        s.flush()
        s.add_all([Evaluation(award_id=other_award.id, kind=EvaluationKind.MIDTERM, grade=EvaluationGrade.PASS),
                   Evaluation(award_id=other_award.id, kind=EvaluationKind.FINAL, grade=None)])
    lines = organizations.history(database, org_id)
    assert [line.proposal_id for line in lines] == [ids[3], ids[2], ids[1], ids[0]]  # newest year first
    by_title = {line.title: line for line in lines}
    assert set(by_title) == {"银龄互助", "四点半课堂", "智慧助老", "未提交的草稿"}
    assert by_title["银龄互助"].year == 2025
    assert by_title["银龄互助"].competition == "2025年望江街道公益创投大赛"
    assert by_title["银龄互助"].intake_number == "2025-007"
    assert by_title["银龄互助"].status == ProposalStatus.COMPLETED
    assert by_title["银龄互助"].requested_fen == 6_000_000
    assert by_title["银龄互助"].awarded_fen == 5_500_000
    assert by_title["银龄互助"].evaluation_grades == "midterm:good final:excellent"
    assert by_title["四点半课堂"].awarded_fen is None and by_title["四点半课堂"].evaluation_grades == ""
    assert by_title["智慧助老"].status == ProposalStatus.SUBMITTED
    assert by_title["未提交的草稿"].intake_number == ""
    others = {line.title: line for line in organizations.history(database, other_id)}
    assert set(others) == {"别家的项目", "别家的另一个项目"}
    assert others["别家的另一个项目"].awarded_fen == 3_000_000
    assert others["别家的另一个项目"].evaluation_grades == "midterm:pass"  # the ungraded final is left out
    newcomer = organizations.create(database, sample(name="新成立的机构", uscc=THIRD_USCC, staff=[]))
    assert organizations.history(database, newcomer) == []


# --- search -------------------------------------------------------------------------------------------------


def test_search_by_name_and_by_code(database: Database) -> None:
    a = organizations.create(database, sample(name="望江阳光社工中心", uscc=VALID_USCC, staff=[]))
    b = organizations.create(database, sample(name="滨河社区志愿者协会", uscc=OTHER_USCC, staff=[]))
    c = organizations.create(database, sample(name="锦苑阳光助残服务社", uscc=None, registration_number="民证1",
                                              staff=[]))
    assert set(organizations.search(database, "阳光")) == {(a, "望江阳光社工中心", VALID_USCC),
                                                         (c, "锦苑阳光助残服务社", "")}
    assert organizations.search(database, " 志愿者 ") == [(b, "滨河社区志愿者协会", OTHER_USCC)]
    assert organizations.search(database, "mj1234") == [(b, "滨河社区志愿者协会", OTHER_USCC)]  # code, lower case
    assert organizations.search(database, VALID_USCC) == [(a, "望江阳光社工中心", VALID_USCC)]
    assert organizations.search(database, "不存在") == []
    assert len(organizations.search(database, "", limit=2)) == 2
    for n in range(4):
        organizations.create(database, sample(name=f"社区服务社{3 - n}", uscc=make_uscc(n), staff=[]))
    assert [r[1] for r in organizations.search(database, "社区服务社", limit=3)] == [
        "社区服务社0", "社区服务社1", "社区服务社2"]  # by name, cut at the limit


def test_name_search_ignores_the_case_of_latin_letters(database: Database) -> None:
    org_id = organizations.create(database, sample(name="ABC阳光社工", staff=[]))
    assert organizations.search(database, "abc") == [(org_id, "ABC阳光社工", VALID_USCC)]

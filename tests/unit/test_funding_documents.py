"""The printed papers of the funding stage: the grant agreement (资助协议) of an award and the disbursement notice
(拨款通知单) of a tranche. Checked on the text pdftotext extracts (parties, amounts in figures and in 大写, the
tranche schedule, gates, payments, the chain head) and on the fonts (every one embedded)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from psp_desktop.db import Database
from psp_desktop.documents.funding import AGREEMENT, NOTICE, render_agreement
from psp_desktop.documents.template import load_template, template_dir
from psp_desktop.enums import (
    AwardLevel,
    AwardStatus,
    CompetitionMode,
    GateKind,
    OrgType,
    ProposalStatus,
    Role,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import Award, Competition, Organization, Proposal
from psp_desktop.money import format_yuan, to_chinese_upper
from psp_desktop.services import audit, funding_printouts, tranches
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.tranches import Step

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) missing")

TODAY = dt.date(2026, 12, 1)
SIGNED = dt.date(2026, 11, 27)
ORGANIZER = "临江区望江街道办事处"
COMPETITION = "2026年望江街道社区公益创投大赛"
ORGANIZATION = "临江区晨曦养老服务中心"
TITLE = "“邻里守望”独居老人关爱服务项目"
USCC = "52510191MJ8521416C"
ACCOUNT = "6222021234567890123"

# DOMAIN.md's 人民币大写 vectors in this project's one form (psp_desktop/money.py)
VECTORS = [
    (140_950, "壹仟肆佰零玖元伍角"),
    (600_714, "陆仟零柒元壹角肆分"),
    (32_504, "叁佰贰拾伍元零肆分"),
    (168_032, "壹仟陆佰捌拾元零叁角贰分"),
    (10_700_053, "壹拾万柒仟元零伍角叁分"),
    (5_000_000, "伍万元整"),
]
FORTY_FORTY_TWENTY = tranches.TEMPLATES["40/40/20"][1]


# --- a small funded competition -------------------------------------------------------------------------------


def add_award(db: Database, amount_fen: int, steps: tuple[Step, ...] | list[Step] = FORTY_FORTY_TWENTY, *,
              level: AwardLevel = AwardLevel.NONE, status: AwardStatus = AwardStatus.COMMITTED) -> int:
    """One more proposal of the competition (created on first use) with an award and its schedule."""
    with db.write() as s:
        competition = s.query(Competition).filter_by(name=COMPETITION).one_or_none()
        if competition is None:
            competition = Competition(name=COMPETITION, year=2026, organizer=ORGANIZER, pool_fen=100_000_000,
                                      rules={})
            s.add(competition)
            s.add(Organization(name=ORGANIZATION, uscc=USCC, org_type=OrgType.SERVICE_AGENCY,
                               legal_representative="李晓梅", address="临江区望江街道滨江路188号301室",
                               contact_name="张磊", contact_phone="13812345678",
                               bank_name="中国工商银行临江支行", bank_account=ACCOUNT))
            s.flush()
        org = s.query(Organization).filter_by(uscc=USCC).one()
        n = s.query(Proposal).count() + 1
        proposal = Proposal(competition_id=competition.id, organization_id=org.id, intake_number=f"2026-WJ-{n:03d}",
                            title=TITLE if n == 1 else f"{TITLE}（{n}）", domain=ServiceDomain.ELDERLY,
                            start_month=dt.date(2026, 7, 1), end_month=dt.date(2027, 6, 1), requested_fen=amount_fen,
                            matching_fen=4_000_000, total_budget_fen=amount_fen + 4_000_000,
                            status=ProposalStatus.AWARDED)
        s.add(proposal)
        s.flush()
        award = Award(proposal_id=proposal.id, competition_id=competition.id, rank=n, level=level,
                      amount_fen=amount_fen, matching_committed_fen=4_000_000, status=status)
        s.add(award)
        s.flush()
        if status is AwardStatus.COMMITTED:
            tranches.apply_template(s, award, steps)
        return award.id


def tranche_ids(db: Database, award_id: int) -> list[int]:
    with db.read() as s:
        award = s.get(Award, award_id)
        assert award is not None
        return [t.id for t in award.tranches]


def signed_award(db: Database, amount_fen: int = 10_700_053, number: str = "WJ-ZZ-2026-007", **kw: object) -> int:
    award_id = add_award(db, amount_fen, **kw)  # type: ignore[arg-type]
    tranches.sign(db, award_id, SIGNED, number, today=TODAY)
    return award_id


# --- reading PDFs ----------------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / "probe.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def row_of(layout_text: str, token: str) -> str:
    """The table row (a line of the -layout text) holding token, without its spaces."""
    found = [line for line in layout_text.splitlines() if token in line]
    assert found, token
    return flat(found[0])


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(text: str) -> int:
    return text.count("\f")


def assert_all_fonts_embedded(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:]]
    assert fonts, "no fonts listed"
    for name, *_middle, emb, _sub, _uni, _obj, _gen in fonts:
        assert emb == "yes", f"{name} is not embedded"
        assert "WenQuanYiMicroHei" in name
    assert b"Helvetica" not in data


# --- 资助协议 ------------------------------------------------------------------------------------------------------


def test_agreement_names_both_parties_the_project_the_money_and_the_schedule(database: Database,
                                                                             tmp_path: Path) -> None:
    award_id = signed_award(database, level=AwardLevel.FIRST)
    data = funding_printouts.agreement_pdf(database, award_id, TODAY)
    text = pdf_text(data, tmp_path)
    body = flat(text)
    assert pages(text) <= 3
    for expected in ("公益创投项目资助协议", "协议编号：WJ-ZZ-2026-007", f"甲方（资助方）：{ORGANIZER}",
                     f"乙方（受资助方）：{ORGANIZATION}", f"统一社会信用代码：{USCC}", "法定代表人：李晓梅",
                     "地址：临江区望江街道滨江路188号301室", "联系人及电话：张磊13812345678",
                     "开户银行：中国工商银行临江支行", f"银行账号：{ACCOUNT}", TITLE, "2026-WJ-001", COMPETITION,
                     "获奖等级一等奖", "服务周期2026年7月至2027年6月", "¥107,000.53", "壹拾万柒仟元零伍角叁分",
                     "配套资金¥40,000.00", "肆万元整", "协议签订后", "中期评估合格后", "终期评估合格后",
                     "日期：2026年11月27日", "甲方（盖章）", "乙方（盖章）", "法定代表人或授权代表（签字）"):
        assert expected in body, expected
    assert body.count("日期：2026年11月27日") == 2
    assert len(re.findall(r"（[一二三四五六七]）", body)) in range(5, 8)  # the standard clauses
    table = pdf_text(data, tmp_path, layout=True)
    parts = tranches.split(10_700_053, FORTY_FORTY_TWENTY)
    assert sum(parts) == 10_700_053
    assert row_of(table, "第1期") == f"第1期40%{format_yuan(parts[0])}协议签订后2026年12月12日"  # 15 days on
    assert row_of(table, "第2期") == f"第2期40%{format_yuan(parts[1])}中期评估合格后2026年12月15日"
    assert row_of(table, "第3期") == f"第3期20%{format_yuan(parts[2])}终期评估合格后2027年7月1日"
    assert row_of(table, "合计") == "合计100%107,000.53"
    assert "协议编号：WJ-ZZ-2026-007第1页共" in body  # the number in every page's footer
    assert_all_fonts_embedded(data, tmp_path)


@pytest.mark.parametrize(("fen", "upper"), VECTORS)
def test_the_amount_is_written_in_figures_and_in_words(database: Database, tmp_path: Path, fen: int,
                                                       upper: str) -> None:
    assert to_chinese_upper(fen) == upper
    award_id = add_award(database, fen, tranches.TEMPLATES["50/30/20"][1])
    data = funding_printouts.agreement_pdf(database, award_id, TODAY)
    assert f"资助金额¥{format_yuan(fen)}人民币（大写）：{upper}" in flat(pdf_text(data, tmp_path))
    table = pdf_text(data, tmp_path, layout=True)
    parts = tranches.split(fen, tranches.TEMPLATES["50/30/20"][1])
    assert sum(parts) == fen
    for n, part in enumerate(parts, 1):
        assert format_yuan(part) in row_of(table, f"第{n}期")
    assert row_of(table, "合计") == f"合计100%{format_yuan(fen)}"


def test_an_unsigned_agreement_leaves_the_number_and_the_dates_to_write_in(database: Database,
                                                                          tmp_path: Path) -> None:
    award_id = add_award(database, 5_000_000)
    text = pdf_text(funding_printouts.agreement_pdf(database, award_id, TODAY), tmp_path)
    body = flat(text)
    assert "协议编号：____" in body
    assert body.count("日期：________年____月____日") == 2
    assert "获奖等级" not in body  # funded without a level
    assert "第1页共" in body and "协议编号：WJ" not in body
    assert pages(text) <= 3


def test_fixed_amounts_dates_and_manual_gates_are_worded(database: Database, tmp_path: Path) -> None:
    steps = [Step(amount_fen=1_000_000, gate=GateKind.NONE),
             Step(percent_x100=6000, gate=GateKind.DATE, gate_date=dt.date(2027, 1, 1)),
             Step(percent_x100=4000, gate=GateKind.MANUAL)]
    award_id = add_award(database, 10_700_053, steps, level=AwardLevel.EXCELLENT)
    table = pdf_text(funding_printouts.agreement_pdf(database, award_id, TODAY), tmp_path, layout=True)
    assert row_of(table, "第1期").startswith("第1期固定金额10,000.00无附加条件")
    assert row_of(table, "第2期") == "第2期60%58,200.322027年1月1日起2027年1月1日"
    assert row_of(table, "第3期") == "第3期40%38,800.21经甲方审批后"  # decided by hand: no planned date
    assert "优秀奖" in row_of(table, "获奖等级")


def test_a_long_schedule_and_long_names_stay_within_three_pages(database: Database, tmp_path: Path) -> None:
    award_id = add_award(database, 10_700_053, tranches.TEMPLATES["10+quarterly"][1], level=AwardLevel.SECOND)
    with database.write() as s:
        org = s.query(Organization).one()
        org.name = "临江区望江街道晨曦长者关爱与社区养老综合服务中心（民办非企业单位）"
        org.address = "临江区望江街道滨江路188号望江社区党群服务中心三楼301室（近地铁三号线望江站B口）"
    text = pdf_text(funding_printouts.agreement_pdf(database, award_id, TODAY), tmp_path)
    assert pages(text) <= 3
    assert "第5期" in text


def test_no_agreement_for_a_reserve_award_or_an_unknown_one(database: Database) -> None:
    reserve = add_award(database, 5_000_000, status=AwardStatus.RESERVE)
    with pytest.raises(ValidationError, match="not funded"):
        funding_printouts.agreement_pdf(database, reserve, TODAY)
    with pytest.raises(ValidationError, match="no award with number 999"):
        funding_printouts.agreement_pdf(database, 999, TODAY)


# --- 拨款通知单 ----------------------------------------------------------------------------------------------------


def test_notice_of_a_paid_tranche_names_the_account_the_money_and_the_voucher(database: Database,
                                                                              tmp_path: Path) -> None:
    award_id = signed_award(database)
    first = tranche_ids(database, award_id)[0]
    tranches.approve(database, first, today=TODAY)
    tranches.pay(database, first, dt.date(2026, 11, 30), "PZ-2026-1130-017", today=TODAY)
    data = funding_printouts.disbursement_notice_pdf(database, first, TODAY)
    text = pdf_text(data, tmp_path)
    body = flat(text)
    amount = tranches.split(10_700_053, FORTY_FORTY_TWENTY)[0]
    head = audit.head(database)
    for expected in ("拨款通知单", "财务部门：", COMPETITION, "协议编号WJ-ZZ-2026-007", f"受资助单位{ORGANIZATION}",
                     f"开户银行中国工商银行临江支行银行账号{ACCOUNT}", TITLE, "受理编号2026-WJ-001",
                     "拨付期次第1期（共3期）", f"¥{format_yuan(amount)}人民币（大写）：{to_chinese_upper(amount)}",
                     "拨付条件协议签订后", "协议已于2026年11月27日签订", "审批人测试管理员",
                     "付款日期2026年11月30日", "凭证号PZ-2026-1130-017", "填发日期：2026年12月1日",
                     f"变更记录校验：{head.count}条·链头{head.short}"):
        assert expected in body, expected
    assert pages(text) == 1
    assert_all_fonts_embedded(data, tmp_path)


def test_notice_of_a_due_tranche_leaves_approval_and_payment_blank(database: Database, tmp_path: Path) -> None:
    award_id = signed_award(database, 5_000_000)
    body = flat(pdf_text(funding_printouts.disbursement_notice_pdf(
        database, tranche_ids(database, award_id)[0], TODAY), tmp_path))
    assert "¥20,000.00人民币（大写）：贰万元整" in body
    assert "审批人付款日期凭证号经办人" in body


def test_no_notice_while_the_gate_is_open_then_one_with_the_decision(database: Database, tmp_path: Path) -> None:
    award_id = signed_award(database)
    _first, second, third = tranche_ids(database, award_id)
    with pytest.raises(ValidationError, match="payment condition is not met"):
        funding_printouts.disbursement_notice_pdf(database, second, TODAY)
    tranches.decide_gate(database, second, True, "中期评估82分，合格", on=TODAY)
    body = flat(pdf_text(funding_printouts.disbursement_notice_pdf(database, second, TODAY), tmp_path))
    assert "拨付期次第2期（共3期）" in body
    assert "拨付条件中期评估合格后条件达成情况已确认合格：中期评估82分，合格" in body
    tranches.decide_gate(database, third, False, "终期评估不合格", on=TODAY)
    with pytest.raises(ValidationError, match="withheld"):
        funding_printouts.disbursement_notice_pdf(database, third, TODAY)


def test_no_notice_before_the_agreement_is_signed(database: Database) -> None:
    first = tranche_ids(database, add_award(database, 5_000_000))[0]
    with pytest.raises(ValidationError, match="not signed"):
        funding_printouts.disbursement_notice_pdf(database, first, TODAY)
    with pytest.raises(ValidationError, match="no tranche with number 999"):
        funding_printouts.disbursement_notice_pdf(database, 999, TODAY)


def test_a_date_gate_opens_the_notice_on_its_day(database: Database, tmp_path: Path) -> None:
    steps = [Step(percent_x100=5000), Step(percent_x100=5000, gate=GateKind.DATE, gate_date=dt.date(2027, 1, 1))]
    award_id = signed_award(database, 5_000_000, steps=steps)
    second = tranche_ids(database, award_id)[1]
    with pytest.raises(ValidationError, match="payment condition is not met"):
        funding_printouts.disbursement_notice_pdf(database, second, TODAY)
    body = flat(pdf_text(funding_printouts.disbursement_notice_pdf(database, second, dt.date(2027, 1, 4)),
                         tmp_path))
    assert "拨付条件2027年1月1日起条件达成情况已到拨付日期（2027年1月1日）" in body


# --- access and templates ----------------------------------------------------------------------------------------


def test_reading_needs_results_read(database: Database) -> None:
    award_id = signed_award(database)
    first = tranche_ids(database, award_id)[0]
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    assert funding_printouts.agreement_pdf(database, award_id, TODAY).startswith(b"%PDF")
    assert funding_printouts.disbursement_notice_pdf(database, first, TODAY).startswith(b"%PDF")
    database.actor = None
    with pytest.raises(NotAllowed):
        funding_printouts.agreement_pdf(database, award_id, TODAY)
    with pytest.raises(NotAllowed):
        funding_printouts.disbursement_notice_pdf(database, first, TODAY)


def test_the_templates_are_shipped_and_checked(database: Database, tmp_path: Path) -> None:
    assert load_template(AGREEMENT).title == "{agreement_title}"  # worded by the competition's mode
    assert load_template(NOTICE).title == "拨款通知单"
    folder = tmp_path / "templates"
    shutil.copytree(template_dir(), folder)
    path = folder / "grant_agreement.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["blocks"][1]["lines"][1] = "协议编号：{agreement_numbr}"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    facts = funding_printouts.agreement_facts(database, add_award(database, 5_000_000), TODAY)
    with pytest.raises(ValidationError, match=r"\{agreement_numbr\}"):
        render_agreement(facts, templates=folder)


@pytest.mark.parametrize(("mode", "title", "parties", "basis"), [
    (CompetitionMode.VENTURE, "公益创投项目资助协议", ("资助方", "受资助方"), "评审结果，甲方决定资助乙方"),
    (CompetitionMode.BIDDING, "政府购买公益服务项目协议", ("购买方", "承接方"), "乙方为下列招标项目的中标单位"),
    (CompetitionMode.COMMISSION, "公益服务项目委托协议", ("委托方", "受托方"), "直接委托乙方实施"),
])
def test_the_agreement_is_worded_for_its_mode(database: Database, tmp_path: Path, mode: CompetitionMode,
                                              title: str, parties: tuple[str, str], basis: str) -> None:
    facts = dataclasses.replace(funding_printouts.agreement_facts(database, add_award(database, 5_000_000), TODAY),
                                mode=mode)
    text = pdf_text(render_agreement(facts), tmp_path).replace("\n", "")
    assert text.startswith(title) and f"甲方（{parties[0]}）" in text and f"乙方（{parties[1]}）" in text
    assert basis in text

"""评标报告 and 中标结果公示: golden text as pdftotext reads it (every bid, the invalid reasons, the scores, the
formula, the decision, the notice period and where objections go), single-bidder and no-winner wording, identical
bytes for identical input, and every font embedded."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update
from test_bidding import W, bid, panel, tender_input, world  # noqa: F401  (world is a fixture)

from psp_desktop.db import Database
from psp_desktop.documents.tender_report import evaluation_report_pdf, notice_pdf
from psp_desktop.enums import ProposalStatus
from psp_desktop.errors import ValidationError
from psp_desktop.models import Competition
from psp_desktop.services import bidding, tender_notice

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                   reason="poppler-utils missing")
ISSUED = dt.date(2026, 3, 1)
SHOTS = os.environ.get("PSP_SHOTS")  # a folder: the PDFs are saved there to look at


def flat_text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    if SHOTS:
        Path(SHOTS, f"{name}.pdf").write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return "".join(out.split())


def assert_fonts_embedded(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" and "WenQuanYi" in line for line in lines), lines


@pytest.fixture
def three_bids(database: Database, world: dict[str, int]) -> dict[str, int]:  # noqa: F811
    """Ceiling 30万, 30 price points: B 25万 (panel 90) wins over A 24万 (85.55); C 32万 is over the ceiling."""
    with database.write() as s:
        s.execute(update(Competition).where(Competition.id == world["comp"]).values(
            rules={"notice_contact": "望江街道社区发展办公室，电话 028-8888 6666"}))
    tid = bidding.add_tender(database, world["comp"], tender_input(need_ids=[world["need"]]))
    ids = {"tender": tid, "a": bid(database, world, tid, "a", 24 * W, "ZB-001"),
           "b": bid(database, world, tid, "b", 25 * W, "ZB-002"),
           "c": bid(database, world, tid, "c", 32 * W, "ZB-003")}
    panel(database, world["comp"], tid, {ids["a"]: 8555, ids["b"]: 9000, ids["c"]: 9500})
    return ids


@needs_poppler
def test_the_evaluation_report_names_every_bid_the_formula_and_the_winner(database: Database, tmp_path: Path,
                                                                          three_bids: dict[str, int]) -> None:
    tid = three_bids["tender"]
    draft = flat_text(evaluation_report_pdf(database, tid, ISSUED), tmp_path, "tender_report_undecided")
    assert "评标结果尚未确定。" in draft
    bidding.award_tender(database, tid, three_bids["b"], "")
    pdf = evaluation_report_pdf(database, tid, ISSUED)
    assert pdf == evaluation_report_pdf(database, tid, ISSUED)  # the same bytes every time
    text = flat_text(pdf, tmp_path, "tender_report")
    for expected in (
            "公益招投标项目评标报告", "2026年公益招投标", "项目编号：ZB2026-01", "滨河社区长者助餐服务", "为老服务",
            "¥300,000.00（人民币叁拾万元整）", "2026年3月1日至2027年2月28日", "登记满一年；年检合格",
            "评审分70分，价格分30分，合计100分", "本项目共收到投标3份，其中有效投标2份。",
            # B: 90 × 0.7 = 63.00 + 24/25 × 30 = 28.80 → 91.80, first; A: 59.89 + 30.00 = 89.89
            "1ZB-002望江社工服务中心250,000.00有效63.0028.8091.80",
            "2ZB-001阳光为老服务中心240,000.00有效59.8930.0089.89",
            "ZB-003滨河志愿者协会320,000.00无效：超出限价",
            "综合得分＝评审得分÷100×70＋价格分", "价格分＝评标基准价÷投标报价×30",
            "得分相同的，按投标报价由低到高排序",
            "望江社工服务中心（受理编号ZB-002）综合得分为91.80分，排名第1，确定为中标单位",
            "中标金额为人民币贰拾伍万元整（¥250,000.00）", "评标委员会成员（签字）：", "望江街道办事处",
            "二〇二六年三月一日", "变更记录校验"):
        assert expected in text, expected
    assert_fonts_embedded(pdf, tmp_path)


@needs_poppler
def test_the_notice_lists_the_ranked_valid_bids_the_period_and_where_to_object(database: Database, tmp_path: Path,
                                                                               three_bids: dict[str, int]) -> None:
    tid = three_bids["tender"]
    bidding.award_tender(database, tid, three_bids["b"], "")
    with pytest.raises(ValidationError, match="publish it with its dates first"):
        notice_pdf(database, tid)
    tender_notice.publish(database, tid, dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    pdf = notice_pdf(database, tid)
    text = flat_text(pdf, tmp_path, "tender_notice")
    for expected in (
            "滨河社区长者助餐服务中标结果公示", "拟确定望江社工服务中心为中标单位，现予公示",
            "中标单位望江社工服务中心", "中标方案助餐服务方案ZB-002", "¥250,000.00（人民币贰拾伍万元整）",
            "有效投标的评审结果如下（共2份）：", "1ZB-002望江社工服务中心250,000.0091.80",
            "2ZB-001阳光为老服务中心240,000.0089.89", "公示期：2026年3月2日至2026年3月8日",
            "可以书面形式实名向望江街道办事处提出", "异议受理：望江街道社区发展办公室，电话028-88886666",
            "二〇二六年三月二日"):
        assert expected in text, expected
    assert "滨河志愿者协会" not in text  # the invalid bid is not ranked on the notice
    assert_fonts_embedded(pdf, tmp_path)


@needs_poppler
def test_single_bidder_and_no_winner_wording(database: Database, world: dict[str, int],  # noqa: F811
                                             tmp_path: Path) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input())
    bid(database, world, tid, "a", 24 * W, "ZB-001")
    bid(database, world, tid, "d", 20 * W, "ZB-004", ProposalStatus.INELIGIBLE)
    bidding.decide_single_bid(database, tid, False, "项目可行性不足，服务方案不能满足需求")
    text = flat_text(evaluation_report_pdf(database, tid, ISSUED), tmp_path, "tender_report_single")
    for expected in ("本项目只有一家有效投标，不进行价格比较。", "仅对项目的必要性和可行性进行评审",
                     "ZB-004锦江助老服务社200,000.00", "无效：资格审查",
                     "本项目无中标单位（流标）。原因：项目可行性不足，服务方案不能满足需求。"):
        assert expected in text, expected
    assert "综合得分＝" not in text
    tender_notice.publish(database, tid, dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    notice = flat_text(notice_pdf(database, tid), tmp_path, "tender_notice_none")
    assert "本项目无中标单位（流标），原因：项目可行性不足，服务方案不能满足需求。现予公示。" in notice
    assert "中标单位" not in notice.replace("无中标单位", "")
    assert "仅评审其必要性和可行性" in notice


def test_an_undecided_tender_has_no_notice(database: Database, three_bids: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="no result yet"):
        notice_pdf(database, three_bids["tender"])

"""The printed judging papers from the demo with scores: the public notice (公示名单) of a round and of the final
ranking, judges' score sheets for signature, the round summary and blank paper sheets. Checked on the text pdftotext
extracts (names, numbers and scores where they belong) and on the fonts (every one embedded)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from psp_desktop.db import Database, open_database
from psp_desktop.documents.template import template_dir
from psp_desktop.errors import ValidationError
from psp_desktop.models import Assignment, Competition, Criterion, Round
from psp_desktop.services import demo, judging, judging_papers, printouts, rankings
from psp_desktop.services.scoring import points_text, sheet_total

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) missing")

ISSUED = dt.date(2026, 5, 25)
TEMPLATES = ("notice_list", "judge_sheets", "round_summary", "blank_score_sheets")


# --- a scored demo, built once ---------------------------------------------------------------------------------


def fresh_rounds(db: Database) -> list[int]:
    """The rounds of the demo's 2026 competition, still without assignments: 书面评审 (blind, top 30 advance) and
    路演答辩 (expert and public juries weighted)."""
    with db.read() as s:
        rounds = list(s.scalars(select(Round.id).join(Competition).where(Competition.year == 2026)
                                .order_by(Round.seq)))
        assert not s.scalar(select(Assignment.id).where(Assignment.round_id.in_(rounds)).limit(1))
    assert len(rounds) == 2
    return rounds


def _score_round(db: Database, round_id: int) -> None:
    """Every assignment scored with points that differ from sheet to sheet, then the round frozen."""
    judging.auto_assign(db, round_id)
    with db.read() as s:
        assignments = s.scalars(select(Assignment.id).where(Assignment.round_id == round_id)
                                .order_by(Assignment.id)).all()
        criteria = s.execute(select(Criterion.id, Criterion.max_points_x100)
                             .where(Criterion.round_id == round_id).order_by(Criterion.seq)).all()
    for n, assignment in enumerate(assignments):
        points = {cid: (top // 50 - (n * 7 + i * 3) % (top // 100)) * 50 for i, (cid, top) in enumerate(criteria)}
        judging.record_sheet(db, assignment, points, "材料完整", source="paper", by="录入员")
    rankings.freeze_round(db, round_id)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[int]]]:
    """The demo with both rounds scored and frozen: round 1 blind, round 2 with weighted judge groups."""
    db = open_database(tmp_path_factory.mktemp("judging") / "scored.db")
    demo.create_demo(db)
    rounds = fresh_rounds(db)
    for round_id in rounds:
        _score_round(db, round_id)
    try:
        yield db, rounds
    finally:
        db.close()


@pytest.fixture(scope="module")
def assigned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, int]]:
    """The demo with round 1 assigned but nothing scored yet (tests only read it)."""
    db = open_database(tmp_path_factory.mktemp("judging") / "assigned.db")
    demo.create_demo(db)
    first = fresh_rounds(db)[0]
    judging.auto_assign(db, first)
    try:
        yield db, first
    finally:
        db.close()


def pdf_text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / "probe.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


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


def line_of(text: str, token: str) -> str:
    found = [line for line in text.splitlines() if token in line]
    assert found, token
    return found[0]


# --- 公示名单 -----------------------------------------------------------------------------------------------------


def test_round_notice_lists_every_proposal_with_its_score_and_the_check_code(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (first, _second) = scored
    report = rankings.round_report(db, first)
    data = printouts.notice_list_pdf(db, report.competition_id, first, ISSUED)
    assert_all_fonts_embedded(data, tmp_path)
    text = flat(pdf_text(data, tmp_path))
    laid_out = pdf_text(data, tmp_path, layout=True)
    details = judging_papers.notice_details(db, report.competition_id)
    assert details.notice_from == dt.date(2026, 5, 25) and details.notice_until == dt.date(2026, 6, 3)
    for expected in (f"{report.competition}{report.name}结果公示", "名次", "受理编号", "项目名称", "申报机构",
                     "公示期：2026年5月25日至2026年6月3日", f"异议受理：{details.organizer}", details.organizer,
                     "二〇二六年五月二十五日", "结果校验码", report.snapshot.sha256 if report.snapshot else "?"):
        assert expected in text, expected
    for p in report.result.proposals:
        name = report.proposals[p.proposal_id]
        row = line_of(laid_out, name.intake_number)
        assert points_text(p.score, 2) in row and f" {p.rank} " in f" {row} "
        assert name.organization[:6] in text  # a blind round is still published with the organizations
    assert text.count("晋级") == sum(p.advanced for p in report.result.proposals)


def test_final_notice_shows_each_round_and_the_weighted_total(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (first, second) = scored
    final = rankings.final_report(db, rankings.round_report(db, first).competition_id)
    data = printouts.notice_list_pdf(db, final.competition_id, issued_on=ISSUED)
    assert_all_fonts_embedded(data, tmp_path)
    text = flat(pdf_text(data, tmp_path))
    laid_out = pdf_text(data, tmp_path, layout=True)
    assert f"{final.competition}评审结果公示" in text
    for header in ("书面评审得分", "（占40%）", "路演答辩得分", "（占60%）", "综合得分"):
        assert header in text
    for report in final.rounds:  # the hash of every frozen round it rests on
        assert report.snapshot is not None and report.snapshot.sha256 in text
    names = final.names
    for f in final.finals:
        row = line_of(laid_out, names[f.proposal_id].intake_number)
        assert points_text(f.score, 2) in row
        assert all(points_text(score, 2) in row for score in f.round_scores.values())
    assert rankings.verify_snapshot(db, second)[0]


def test_the_notice_contact_comes_from_the_competition(scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (first, _second) = scored
    competition_id = rankings.round_report(db, first).competition_id
    details = judging_papers.notice_details(db, competition_id)
    from psp_desktop.documents import render_round_notice

    contact = "联系人：陈志刚，电话0571-86001234"
    data = render_round_notice(dataclasses.replace(details, contact=contact), rankings.round_report(db, first), ISSUED)
    assert "异议受理：联系人：陈志刚，电话0571-86001234" in flat(pdf_text(data, tmp_path))


def test_unfrozen_results_get_no_notice(assigned: tuple[Database, int]) -> None:
    db, first = assigned
    competition_id = rankings.round_report(db, first).competition_id
    with pytest.raises(ValidationError, match="not frozen") as refused:
        printouts.notice_list_pdf(db, competition_id, first, ISSUED)
    assert refused.value.params == {"round": rankings.round_report(db, first).name}
    with pytest.raises(ValidationError, match="not frozen"):
        printouts.notice_list_pdf(db, competition_id, issued_on=ISSUED)


def test_an_unknown_competition_is_refused(scored: tuple[Database, list[int]]) -> None:
    db, (first, _second) = scored
    for round_id in (first, None):
        with pytest.raises(ValidationError, match="no competition with number 999"):
            printouts.notice_list_pdf(db, 999, round_id, ISSUED)


# --- judges' score sheets ----------------------------------------------------------------------------------------


def test_judge_sheets_give_each_judge_their_points_and_a_signature_line(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (first, _second) = scored
    report = rankings.round_report(db, first)
    sheets = judging.sheets_of(db, first)
    data = printouts.judge_sheets_pdf(db, first, ISSUED)
    assert_all_fonts_embedded(data, tmp_path)
    pages = pdf_text(data, tmp_path, layout=True).split("\f")[:-1]
    judges = sorted({j for j, _p in sheets})
    assert len(pages) >= len(judges)
    for judge_id in judges:
        own = [page for page in pages if f"评委：{report.judges[judge_id]}" in page]
        assert own, report.judges[judge_id]
        body = "\n".join(own)
        assert "评委签名" in flat(body) and "本人确认" in flat(body)
        for (j, proposal_id), points in sheets.items():
            if j != judge_id:
                continue
            row = line_of(body, report.proposals[proposal_id].intake_number)
            total = points_text(sheet_total(report.result.spec, points), 2)
            assert total in row
            cells = row.split()
            for criterion in report.result.spec.criteria:
                assert judging.points_label(points[criterion.id]) in cells
    text = flat(pdf_text(data, tmp_path))
    for criterion in report.result.spec.criteria:
        assert f"{criterion.name}（{judging.points_label(criterion.max_x100)}分）" in text
    assert not any(name.organization in text for name in report.proposals.values())  # round 1 is blind


def test_judge_sheets_of_an_open_round_show_organizations(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (_first, second) = scored
    report = rankings.round_report(db, second)
    text = flat(pdf_text(printouts.judge_sheets_pdf(db, second, ISSUED), tmp_path))
    assert "申报机构" in text and "≤5分" in text  # the bonus item's maximum
    assert "专家评审" in text and "大众评审" in text
    assert all(name.organization[:6] in text for name in report.proposals.values())


def test_no_judge_sheets_before_any_sheet_is_in(assigned: tuple[Database, int]) -> None:
    db, first = assigned
    with pytest.raises(ValidationError, match="no submitted score sheets"):
        printouts.judge_sheets_pdf(db, first, ISSUED)


# --- the round summary -------------------------------------------------------------------------------------------


def test_round_summary_has_every_judge_total_group_scores_and_trimmed_marks(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (_first, second) = scored
    report = rankings.round_report(db, second)
    data = printouts.round_summary_pdf(db, second, ISSUED)
    assert_all_fonts_embedded(data, tmp_path)
    laid_out = pdf_text(data, tmp_path, layout=True)
    text = flat(pdf_text(data, tmp_path))
    assert f"{report.competition}路演答辩评分汇总表" in text
    assert "专家评审（70%）" in text and "大众评审（30%）" in text
    scored_by = {j.judge_id for p in report.result.proposals for j in p.judges}
    assert all(report.judges[j] in text for j in scored_by)
    assert report.snapshot is not None and report.snapshot.sha256 in text
    assert "去掉1个最高分和1个最低分" in text and "统计人" in text
    dropped = 0
    for p in report.result.proposals:
        row = line_of(laid_out, report.proposals[p.proposal_id].intake_number).split()
        assert points_text(p.score, 2) == row[-1]
        assert all(points_text(v, 2) in row for v in p.group_scores.values())
        for j in p.judges:
            total = points_text(j.raw, 2)
            assert (f"({total})" if j.dropped else total) in row
            dropped += j.dropped
        assert str(p.rank) == row[0]
    assert dropped > 0


def test_round_summary_of_a_blind_round_with_advancement(scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (first, _second) = scored
    report = rankings.round_report(db, first)
    laid_out = pdf_text(printouts.round_summary_pdf(db, first, ISSUED), tmp_path, layout=True)
    assert "晋级" in laid_out and "专家评审" not in laid_out
    for p in report.result.proposals:
        row = line_of(laid_out, report.proposals[p.proposal_id].intake_number).split()
        assert row[-1] == ("是" if p.advanced else "否") and row[-2] == points_text(p.score, 2)


def test_round_summary_marks_missing_sheets(assigned: tuple[Database, int], tmp_path: Path) -> None:
    db, first = assigned
    text = flat(pdf_text(printouts.round_summary_pdf(db, first, ISSUED), tmp_path))
    assert "未交" in text and "结果校验码" not in text


# --- blank paper sheets -----------------------------------------------------------------------------------------


def test_blank_sheets_one_page_per_assignment_of_a_judge(assigned: tuple[Database, int], tmp_path: Path) -> None:
    db, first = assigned
    papers = judging_papers.round_papers(db, first)
    judge = papers.papers[0].judge_id
    own = [p for p in papers.papers if p.judge_id == judge]
    data = printouts.blank_sheets_pdf(db, first, judge)
    assert_all_fonts_embedded(data, tmp_path)
    pages = pdf_text(data, tmp_path).split("\f")[:-1]
    assert len(pages) == len(own)
    for page, paper in zip(pages, own, strict=True):
        text = flat(page)
        assert paper.judge in text and paper.intake_number in text and flat(paper.title) in text
        assert paper.organization not in text and "申报机构" not in text  # blind
        for criterion in papers.criteria:
            assert criterion.name in text and judging.points_label(criterion.max_x100) in text
        assert flat(papers.criteria[0].description)[:12] in text
        assert "合计" in text and "评审意见" in text and "评委签名" in text and "0.5分为单位" in text


def test_blank_sheets_of_every_judge(assigned: tuple[Database, int], tmp_path: Path) -> None:
    db, first = assigned
    papers = judging_papers.round_papers(db, first)
    pages = pdf_text(printouts.blank_sheets_pdf(db, first), tmp_path).split("\f")[:-1]
    assert len(pages) == len(papers.papers) == len({(p.judge_id, p.intake_number) for p in papers.papers})
    for page, paper in zip(pages, papers.papers, strict=True):
        assert paper.judge in flat(page) and paper.intake_number in page


def test_blank_sheets_of_an_open_round_name_the_organization(
        scored: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, (_first, second) = scored
    papers = judging_papers.round_papers(db, second)
    judge = papers.papers[-1].judge_id
    pages = pdf_text(printouts.blank_sheets_pdf(db, second, judge), tmp_path).split("\f")[:-1]
    own = [p for p in papers.papers if p.judge_id == judge]
    assert len(pages) == len(own)
    first_page = flat(pages[0])
    assert "申报机构" in first_page and flat(own[0].organization) in first_page
    assert "100＋5" in first_page  # full marks, and the bonus item's maximum beside them
    with pytest.raises(ValidationError, match="no proposals assigned"):
        printouts.blank_sheets_pdf(db, second, 10_000)


def test_no_blank_sheets_before_assignment(database: Database) -> None:
    demo.create_demo(database)
    first = fresh_rounds(database)[0]
    with pytest.raises(ValidationError, match="no assigned proposals"):
        printouts.blank_sheets_pdf(database, first)


# --- the templates ---------------------------------------------------------------------------------------------


def test_repeated_column_headers_are_checked(tmp_path: Path, scored: tuple[Database, list[int]]) -> None:
    db, (first, _second) = scored
    folder = tmp_path / "templates"
    shutil.copytree(template_dir(), folder)
    path = folder / "judge_sheets.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["blocks"][3]["columns"][4]["header"] = "{criterion_name}"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from psp_desktop.documents import render_judge_sheets

    with pytest.raises(ValidationError, match=r"\{criterion_name\}"):
        render_judge_sheets(judging_papers.rubric(db, first), rankings.round_report(db, first),
                            judging.sheets_of(db, first), ISSUED, templates=folder)


def test_judging_templates_are_shipped() -> None:
    names = {p.stem for p in template_dir().glob("*.json")}
    assert set(TEMPLATES) <= names

"""PDF documents: templates as data, embedded fonts, Chinese line breaking, reproducible bytes, safe writing.

Text is checked as pdftotext extracts it and fonts as pdffonts lists them (poppler-utils); those tests are skipped
only when the tools are missing."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import paragraph as rl_paragraph

from psp_desktop import cli
from psp_desktop.db import Database
from psp_desktop.documents import (
    DocumentType,
    chinese_date,
    form_date,
    load_template,
    render,
    render_intake_receipt,
    render_screening_list,
    write_pdf,
)
from psp_desktop.documents.fonts import CLOSING, setup
from psp_desktop.documents.template import template_dir
from psp_desktop.documents.text import CJKParagraph, line_texts
from psp_desktop.enums import ProposalStatus, ScreeningOutcome
from psp_desktop.errors import ValidationError
from psp_desktop.money import to_chinese_upper
from psp_desktop.services import demo, lists, proposals, screening
from psp_desktop.services.proposals import ProposalHeader
from psp_desktop.services.screening import ScreeningRow

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
needs_pdffonts = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) missing")
ISSUED = dt.date(2026, 4, 8)


def header(**changes: object) -> ProposalHeader:
    values: dict[str, object] = dict(
        id=7, intake_number="2026-WJ-007", status=ProposalStatus.SUBMITTED, submitted_on=dt.date(2026, 3, 9),
        title="“邻里守望”独居老人关爱服务项目", organization="临江区晨曦养老服务中心", uscc="52510191MJ8521416C",
        competition="2026年望江街道社区公益创投大赛", organizer="临江区望江街道办事处", requested_fen=10_700_053,
        matching_fen=4_000_000, total_budget_fen=14_700_053, attachments=3,
    )
    values.update(changes)
    return ProposalHeader(**values)  # type: ignore[arg-type]


def row(n: int, outcome: ScreeningOutcome | None, reasons: str = "") -> ScreeningRow:
    decided = outcome is not None
    return ScreeningRow(n, f"2026-WJ-{n:03d}", f"临江区第{n}社会工作服务中心", f"第{n}个社区服务项目", 3_000_000 + n,
                        outcome, reasons, "陈志刚" if decided else "", dt.date(2026, 3, 13) if decided else None)


def pdf_text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / "probe.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def assert_all_fonts_embedded(data: bytes, tmp_path: Path) -> None:
    fonts = pdf_fonts(data, tmp_path)
    assert fonts, "no fonts listed"
    for name, _type, *_middle, emb, _sub, _uni, _obj, _gen in fonts:
        assert emb == "yes", f"{name} is not embedded"
        assert "WenQuanYiMicroHei" in name


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(template_dir(), folder)
    return folder


def edit_template(folder: Path, name: str, edit: object) -> None:
    path = folder / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# --- dates and amounts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "chinese", "form"), [
    (dt.date(2026, 11, 27), "二〇二六年十一月二十七日", "2026年11月27日"),
    (dt.date(2026, 1, 1), "二〇二六年一月一日", "2026年1月1日"),
    (dt.date(2030, 10, 10), "二〇三〇年十月十日", "2030年10月10日"),
    (dt.date(2026, 12, 20), "二〇二六年十二月二十日", "2026年12月20日"),
    (dt.date(2027, 3, 31), "二〇二七年三月三十一日", "2027年3月31日"),
    (dt.date(2026, 2, 19), "二〇二六年二月十九日", "2026年2月19日"),
])
def test_dates(day: dt.date, chinese: str, form: str) -> None:
    assert chinese_date(day) == chinese
    assert form_date(day) == form


# --- the intake receipt -----------------------------------------------------------------------------------------


@needs_pdftotext
def test_receipt_from_the_demo_says_what_was_received(database: Database, tmp_path: Path) -> None:
    demo.create_demo(database)
    first = screening.screening_list(database, lists.competitions(database)[0].id)[0]
    found = proposals.header(database, first.proposal_id)
    assert found.intake_number and found.submitted_on
    text = pdf_text(render_intake_receipt(found, ISSUED), tmp_path)
    flat = re.sub(r"\s+", "", text)
    for expected in ("受理回执", found.competition, found.intake_number, found.organization, found.uscc,
                     to_chinese_upper(found.requested_fen), to_chinese_upper(found.total_budget_fen),
                     form_date(found.submitted_on), form_date(ISSUED), found.organizer, "（盖章）",
                     f"你单位申报的项目已于{form_date(found.submitted_on)}受理", "请妥善保存本回执"):
        assert re.sub(r"\s+", "", expected) in flat, expected


@needs_pdftotext
def test_receipt_amounts_in_figures_and_chinese_upper(tmp_path: Path) -> None:
    flat = re.sub(r"\s+", "", pdf_text(render_intake_receipt(header(), ISSUED), tmp_path))
    assert "107,000.53元人民币（大写）：壹拾万柒仟元零伍角叁分" in flat  # money.to_chinese_upper's form
    assert "147,000.53元人民币（大写）：壹拾肆万柒仟元零伍角叁分" in flat
    assert "附件数量3份" in flat


@needs_pdftotext
def test_receipt_prints_markup_characters_as_themselves(tmp_path: Path) -> None:
    text = pdf_text(render_intake_receipt(header(organization="A&B <社工> 服务社"), ISSUED), tmp_path)
    assert "A&B <社工> 服务社" in text


def test_a_draft_gets_no_receipt() -> None:
    with pytest.raises(ValidationError) as refused:
        render_intake_receipt(header(intake_number=None, submitted_on=None, status=ProposalStatus.DRAFT), ISSUED)
    assert refused.value.params == {"id": 7}


# --- the screening list -----------------------------------------------------------------------------------------


@needs_pdftotext
def test_screening_list_from_the_demo(database: Database, tmp_path: Path) -> None:
    demo.create_demo(database)
    competition = lists.competitions(database)[0]
    rows = screening.screening_list(database, competition.id)
    data = render_screening_list(competition.name, competition.organizer, rows, ISSUED)
    pages = pdf_text(data, tmp_path).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in re.sub(r"\s+", "", page)
        assert "受理编号" in page and "审查结论" in page and "理由/说明" in page  # the header on every page
    flat = re.sub(r"\s+", "", "".join(pages))
    assert f"{competition.name}资格审查结果表" in flat
    assert all(r.intake_number in flat for r in rows)
    for label in ("合格", "不合格", "退回修改", "待审查"):
        assert label in flat
    total = sum(r.requested_fen for r in rows)
    assert to_chinese_upper(total) in flat


@needs_pdftotext
def test_screening_list_amounts_are_right_aligned(tmp_path: Path) -> None:
    rows = [row(1, ScreeningOutcome.ELIGIBLE), ScreeningRow(2, "2026-WJ-002", "机构", "项目", 100, None, "", "", None)]
    text = pdf_text(render_screening_list("大赛", "街道办事处", rows, ISSUED), tmp_path, layout=True)
    ends = [line.index(amount) + len(amount) for line in text.splitlines()
            for amount in ("30,000.01", "1.00") if amount in line]
    assert len(ends) == 2 and abs(ends[0] - ends[1]) <= 1


@needs_pdftotext
def test_a_row_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    long = "经审查，申报材料存在以下问题：“预算明细不完整。”" * 40
    rows = [row(1, ScreeningOutcome.ELIGIBLE, "符合条件。"), row(2, ScreeningOutcome.INELIGIBLE, long),
            row(3, ScreeningOutcome.ELIGIBLE, "符合条件。")]
    pages = pdf_text(render_screening_list("大赛", "主办", rows, ISSUED), tmp_path).split("\f")[:-1]
    assert len(pages) >= 3
    pages_with_rows = [page for page in pages if "2026-WJ-" in page]
    assert len(pages_with_rows) >= 3  # row 2 moved to a fresh page and went on to the next
    assert [page.count("受理编号") for page in pages_with_rows] == [1] * len(pages_with_rows)  # header once each
    flat = re.sub(r"\s+", "", "".join(pages))
    # nothing lost at the page breaks (single characters: a phrase may be cut by the repeated header)
    assert [flat.count(ch) for ch in "预题”"] == [40, 40, 40]


@needs_pdftotext
def test_an_empty_screening_list_says_so(tmp_path: Path) -> None:
    text = pdf_text(render_screening_list("大赛", "街道办事处", [], ISSUED), tmp_path)
    assert "暂无已受理的申报项目" in text
    assert "第1页共1页" in re.sub(r"\s+", "", text)


def test_outcome_wording_comes_from_the_template(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    edit_template(folder, "screening_list", lambda d: d["labels"]["outcome"].update(eligible="通过"))
    template = load_template(screening_list_type(), folder)
    assert template.label("outcome", "eligible") == "通过"
    edit_template(folder, "screening_list", lambda d: d["labels"]["outcome"].pop("pending"))
    with pytest.raises(ValidationError, match=r"outcome\.pending"):
        load_template(screening_list_type(), folder)


def screening_list_type() -> DocumentType:
    from psp_desktop.documents.screening_list import SCREENING_LIST

    return SCREENING_LIST


# --- fonts --------------------------------------------------------------------------------------------------


@needs_pdffonts
def test_every_font_is_embedded(tmp_path: Path) -> None:
    rows = [row(n, ScreeningOutcome.INELIGIBLE, "经审查，不符合申报条件。") for n in range(1, 40)]
    for data in (render_intake_receipt(header(), ISSUED), render_screening_list("大赛", "主办", rows, ISSUED),
                 render_screening_list("大赛", "主办", [], ISSUED)):
        assert_all_fonts_embedded(data, tmp_path)
        assert b"Helvetica" not in data


# --- templates as data ----------------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_and_named(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    edit_template(folder, "intake_receipt", lambda d: d["blocks"].append({"type": "paragraph", "text": "{intake_no}"}))
    with pytest.raises(ValidationError) as refused:
        render_intake_receipt(header(), ISSUED, templates=folder)
    assert refused.value.params["placeholder"] == "{intake_no}"
    assert "{intake_no}" in str(refused.value) and "intake_receipt.json" in str(refused.value)
    assert refused.value.message == ("The document template {template} uses an unknown placeholder {placeholder}.")


def test_an_unknown_row_placeholder_is_refused_even_without_rows(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    edit_template(folder, "screening_list", lambda d: d["blocks"][3]["columns"][0].update(text="{sequence}"))
    with pytest.raises(ValidationError, match=r"\{sequence\}"):
        render_screening_list("大赛", "主办", [], ISSUED, templates=folder)


@pytest.mark.parametrize("text", ["{}", "{0}", "{title.upper}", "受理 {", "{page}"])
def test_odd_placeholders_are_refused(tmp_path: Path, text: str) -> None:
    folder = copy_templates(tmp_path)
    edit_template(folder, "intake_receipt", lambda d: d["blocks"].append({"type": "paragraph", "text": text}))
    with pytest.raises(ValidationError, match="unknown placeholder"):
        render_intake_receipt(header(), ISSUED, templates=folder)


@pytest.mark.parametrize(("edit", "reason"), [
    (lambda d: d["blocks"].append({"type": "paragraph", "style": "nope", "text": "x"}), "no style named 'nope'"),
    (lambda d: d["blocks"].append({"type": "picture"}), "unknown block type 'picture'"),
    (lambda d: d["page"].update(size="Letter"), "A4 only"),
    (lambda d: d["colours"].update(grid="black"), "colour 'grid'"),
    (lambda d: d.pop("styles"), "missing entry 'styles'"),
    (lambda d: d["styles"]["body"].update(weight=700), "weight"),
])
def test_a_malformed_template_is_refused_with_the_reason(tmp_path: Path, edit: object, reason: str) -> None:
    folder = copy_templates(tmp_path)
    edit_template(folder, "intake_receipt", edit)
    with pytest.raises(ValidationError, match=re.escape(reason)):
        render_intake_receipt(header(), ISSUED, templates=folder)


def test_a_missing_template_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"intake_receipt\.json"):
        render_intake_receipt(header(), ISSUED, templates=tmp_path)


def test_shipped_templates_are_one_file_per_document_type() -> None:
    names = sorted(p.stem for p in template_dir().glob("*.json"))
    assert names == ["appointment_letter", "award_certificate", "blank_score_sheets", "disbursement_notice",
                     "evaluation_report", "grant_agreement", "indicator_sets", "intake_receipt", "judge_sheets",
                     "notice_list", "participation_certificate", "round_summary", "screening_list",
                     "tender_evaluation_report", "tender_notice"]
    for path in template_dir().glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["document"] == path.stem


# --- Chinese line breaking --------------------------------------------------------------------------------------

PUNCTUATED = ("经审查，不符合申报条件：上年度年检结论不是“合格”。机构未开设独立银行账户；无法接收资助资金！"
              "是否补正？请于三日内提交（含附件）、说明……否则视为放弃——特此告知。他说：“好的。”")


def wrapped(text: str, width: float, size: float = 10) -> list[str]:
    style = ParagraphStyle("probe", fontName=setup(), fontSize=size, leading=size * 1.5, wordWrap="CJK")
    paragraph = CJKParagraph(text, style)
    paragraph.wrap(width, 10_000)
    return line_texts(paragraph)


def test_reportlab_tables_are_extended_in_both_modules() -> None:
    setup()
    for module in (textsplit, rl_paragraph):
        assert all(ch in module.ALL_CANNOT_START for ch in CLOSING), module.__name__


def test_a_comma_at_the_wrap_point_goes_down_with_the_character_before_it() -> None:
    # nine characters fit on a line; cut after nine, '，' would start the second line
    lines = wrapped("一二三四五六七八九，十一二三四五六七八九十", 90.5)
    assert lines == ["一二三四五六七八", "九，十一二三四五六", "七八九十"]


@pytest.mark.parametrize("chars", range(3, 30))
def test_no_line_starts_with_closing_punctuation(chars: int) -> None:
    lines = wrapped(PUNCTUATED, chars * 10 + 0.5)
    assert not [line for line in lines if line[0] in CLOSING]
    assert "".join(lines) == PUNCTUATED  # nothing lost or doubled
    assert all(len(line) <= chars for line in lines)  # nothing hangs into the margin


def test_codes_and_amounts_are_not_cut() -> None:
    lines = wrapped("受理编号为2026-WJ-001，申请金额48,200.00元，统一社会信用代码52510191MJ8521416C。", 120)
    joined = "\n".join(lines)
    for word in ("2026-WJ-001，", "48,200.00", "52510191MJ8521416C。"):
        assert word in joined


def test_a_word_wider_than_the_line_is_cut_between_characters() -> None:
    lines = wrapped("ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3, 60)
    assert len(lines) > 1 and "".join(lines) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3


@needs_pdftotext
def test_no_printed_line_starts_with_closing_punctuation(tmp_path: Path) -> None:
    """The same, read back from the PDF: a one-paragraph document nine characters wide."""
    probe = {"document": "probe", "title": "probe",
             "page": {"size": "A4", "orientation": "portrait",
                      "margins_mm": {"top": 20, "right": 210 - 20 - 32, "bottom": 20, "left": 20}},
             "colours": {"text": "#000000", "grid": "#000000"}, "styles": {"body": {"size": 10}},
             "blocks": [{"type": "paragraph", "text": "{text}"}]}
    (tmp_path / "probe.json").write_text(json.dumps(probe, ensure_ascii=False), encoding="utf-8")
    template = load_template(DocumentType("probe", frozenset({"text"})), tmp_path)
    lines = [line for line in pdf_text(render(template, {"text": PUNCTUATED}), tmp_path).splitlines() if line.strip()]
    assert len(lines) > 5
    assert not [line for line in lines if line[0] in CLOSING]
    assert "".join(lines) == PUNCTUATED


# --- reproducible bytes -----------------------------------------------------------------------------------------


def test_identical_input_gives_identical_bytes() -> None:
    rows = [row(n, ScreeningOutcome.ELIGIBLE, "经审查，符合条件。") for n in range(1, 30)]
    assert render_intake_receipt(header(), ISSUED) == render_intake_receipt(header(), ISSUED)
    assert (render_screening_list("大赛", "主办", rows, ISSUED)
            == render_screening_list("大赛", "主办", rows, ISSUED))
    assert render_intake_receipt(header(), ISSUED) != render_intake_receipt(header(), dt.date(2026, 4, 9))


def in_another_process(code: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """Runs code with the test's receipt header (pickled) on stdin."""
    prelude = "import pickle, sys, datetime as dt\nheader = pickle.loads(sys.stdin.buffer.read())\n"
    return subprocess.run([sys.executable, "-c", prelude + code], input=pickle.dumps(header()), capture_output=True,
                          env={**os.environ, **env}, check=False, timeout=120)


def test_identical_bytes_in_another_process() -> None:
    result = in_another_process("from psp_desktop.documents import render_intake_receipt\n"
                                "sys.stdout.buffer.write(render_intake_receipt(header, dt.date(2026, 4, 8)))\n",
                                PYTHONHASHSEED="12345")
    assert result.returncode == 0, result.stderr
    assert result.stdout == render_intake_receipt(header(), ISSUED)


# --- writing files ----------------------------------------------------------------------------------------------


def test_write_pdf_writes_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "回执.pdf"
    target.write_bytes(b"old")
    data = render_intake_receipt(header(), ISSUED)
    assert write_pdf(data, target) == target
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["回执.pdf"]  # no temporary file left


def test_write_pdf_under_a_regular_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ValidationError) as refused:
        write_pdf(b"%PDF-1.4", blocker / "receipt.pdf")
    assert refused.value.message == "Cannot write to the folder {folder}. Choose another location."
    assert refused.value.params["folder"] == blocker
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"]
    assert blocker.read_text() == "x"


def test_write_pdf_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Cannot write to the folder"):
        write_pdf(b"%PDF-1.4", tmp_path / "missing" / "receipt.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_part(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "receipt.pdf"
    target.write_bytes(b"old")

    def locked(_source: object, _target: object) -> None:
        raise PermissionError(13, "The file is open in another program")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ValidationError) as refused:
        write_pdf(b"%PDF-new", target)
    assert refused.value.message == "Cannot write {path}: {reason}"
    assert "open in another program" in str(refused.value)  # the likely cause on Windows, said in words
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["receipt.pdf"]


# --- layering and the command line ------------------------------------------------------------------------------


def test_documents_never_load_qt() -> None:
    result = in_another_process("from psp_desktop.documents import render_intake_receipt, render_screening_list\n"
                                "render_intake_receipt(header, dt.date(2026, 4, 8))\n"
                                "render_screening_list('大赛', '主办', [], dt.date(2026, 4, 8))\n"
                                "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6'}))\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "[]"


def test_documents_never_import_qt_anywhere() -> None:
    """Also imports in functions no test calls (the same rule as services and models)."""
    import ast

    import psp_desktop.documents as package

    for path in Path(package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in ("PySide6", "shiboken6")], path


@pytest.fixture
def english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """No QCoreApplication in this process (a later GUI test needs a QApplication): English messages."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


@pytest.mark.usefixtures("english_cli")
def test_cli_saves_both_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    assert cli.main(["--db", str(db), "demo"]) == 0
    from psp_desktop.db import open_database

    database = open_database(db, create=False)
    try:
        competition = lists.competitions(database)[0]
        first = screening.screening_list(database, competition.id)[0]
    finally:
        database.close()
    capsys.readouterr()
    receipt, listing = tmp_path / "receipt.pdf", tmp_path / "list.pdf"
    assert cli.main(["--db", str(db), "receipt", str(first.proposal_id), "--out", str(receipt),
                     "--date", "2026-04-08"]) == 0
    assert cli.main(["--db", str(db), "screening-list", str(competition.id), "--out", str(listing)]) == 0
    assert capsys.readouterr().out.split() == [str(receipt), str(listing)]
    assert receipt.read_bytes().startswith(b"%PDF") and listing.read_bytes().startswith(b"%PDF")


@pytest.mark.usefixtures("english_cli")
def test_cli_refusals_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    assert cli.main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db), "screening-list", "99", "--out", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err == "There is no competition with number 99.\n"
    assert cli.main(["--db", str(db), "receipt", "5", "--out", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err == "There is no proposal with number 5.\n"
    assert not (tmp_path / "x.pdf").exists()

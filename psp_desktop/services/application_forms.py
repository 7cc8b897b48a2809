"""The 申报书 as a Word document: a per-competition .docx that organizations fill in (most do it in Word or WPS),
and reading a filled one back into an organization and a draft proposal, field by field, so staff see what was
read, what was left blank and what could not be understood, before anything is saved.

The form is found again by table captions (Word's "alt text" title, invisible when printed) and, should an editor
drop them, by the labels the tables hold; values are found by their label cell, so added paragraphs or rows do not
matter. Labels and choices are Chinese on purpose: the form is a Chinese document whatever the UI language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..enums import BudgetCategory, InspectionResult, OrgType, ProposalStatus, Rating, ServiceDomain
from ..errors import ERROR_CONTEXT, QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..models import Competition, Organization, Proposal
from ..money import MoneyError, format_yuan, parse_yuan
from . import access, audit
from . import organizations as org_service
from . import proposals as proposal_service
from .access import Permission
from .organizations import OrganizationData, find_by_uscc, normalise, problems_of
from .proposals import BudgetLineData, ProposalData, draft_problems
from .validation import Problems, parse_date

E = TypeVar("E")
Status = Literal["read", "missing", "invalid"]

FORM_ID = "psp-application-form"  # in the document's properties and table captions
CAPTIONS = {"organization": f"{FORM_ID}:organization", "project": f"{FORM_ID}:project",
            "budget": f"{FORM_ID}:budget"}
TABLE_TITLES = {"organization": "一、申报机构基本情况", "project": "二、项目基本情况", "budget": "三、项目预算"}

# --- the form's vocabulary -------------------------------------------------------------------------------

ORG_TYPES = {OrgType.SOCIAL_GROUP: "社会团体", OrgType.SERVICE_AGENCY: "社会服务机构", OrgType.FOUNDATION: "基金会",
             OrgType.COMMUNITY_ORG: "社区社会组织", OrgType.OTHER: "其他"}
ORG_TYPE_ALIASES = {"民办非企业单位": OrgType.SERVICE_AGENCY, "民办非企业": OrgType.SERVICE_AGENCY,
                    "民非": OrgType.SERVICE_AGENCY, "社团": OrgType.SOCIAL_GROUP, "其它": OrgType.OTHER}
INSPECTIONS = {InspectionResult.PASSED: "合格", InspectionResult.BASIC: "基本合格", InspectionResult.FAILED: "不合格",
               InspectionResult.NONE: "未参检"}
INSPECTION_ALIASES = {"新成立": InspectionResult.NONE, "未年检": InspectionResult.NONE, "无": InspectionResult.NONE}
RATINGS = {Rating.NONE: "无", **{r: r.value for r in Rating if r is not Rating.NONE}}
RATING_ALIASES = {"未评估": Rating.NONE, "未参评": Rating.NONE, "未评级": Rating.NONE}
DOMAINS = {ServiceDomain.ELDERLY: "为老服务", ServiceDomain.CHILDREN: "儿童青少年",
           ServiceDomain.DISABILITY: "助残服务", ServiceDomain.POVERTY: "困难群体帮扶",
           ServiceDomain.COMMUNITY: "社区治理", ServiceDomain.CULTURE: "文化体育",
           ServiceDomain.ENVIRONMENT: "环境保护", ServiceDomain.HEALTH: "健康服务",
           ServiceDomain.VOLUNTEER: "志愿服务", ServiceDomain.OTHER: "其他"}
CATEGORIES = {BudgetCategory.PERSONNEL: "人员费", BudgetCategory.ACTIVITY: "活动费", BudgetCategory.PUBLICITY: "宣传费",
              BudgetCategory.MANAGEMENT: "管理费", BudgetCategory.OTHER: "其他"}
CATEGORY_ALIASES = {"其它": BudgetCategory.OTHER, "其他费用": BudgetCategory.OTHER,
                    "人员经费": BudgetCategory.PERSONNEL, "活动经费": BudgetCategory.ACTIVITY,
                    "宣传经费": BudgetCategory.PUBLICITY, "管理经费": BudgetCategory.MANAGEMENT}

# --- the form's rows: label, hint under the label, minimum height (cm) ----------------------------------------

L_NAME, L_USCC, L_AUTHORITY, L_TYPE = "机构名称", "统一社会信用代码", "登记机关", "组织类型"
L_REGISTERED, L_LEGAL, L_CONTACT, L_PHONE = "成立时间", "法定代表人", "联系人", "联系电话"
L_ADDRESS, L_INSPECTION, L_RATING, L_INTRO = "地址", "年检结论", "评估等级", "机构简介（500字以内）"
L_TITLE, L_DOMAIN, L_TARGET, L_LOCATION = "项目名称", "服务领域", "服务对象", "服务地点（街道/社区）"
L_DIRECT, L_INDIRECT = "直接受益人数", "间接受益人数"
L_START, L_END = "执行周期（开始月份）", "执行周期（结束月份）"
L_SUMMARY, L_NEED, L_GOALS, L_PLAN = "项目简介", "需求分析", "项目目标", "活动计划"
L_REQUESTED, L_MATCHING, L_TOTAL = "申请金额（元）", "配套资金（元）", "总预算（元）"
BUDGET_COLUMNS = ("类别", "明细", "单价（元）", "数量", "金额（元）", "备注")
BUDGET_WIDTHS = (2.2, 4.4, 2.4, 1.6, 2.6, 2.6)
BUDGET_ROWS = 10

ORG_ROWS = (
    (L_NAME, "与登记证书一致", 0), (L_USCC, "18位；旧版证书可填登记证号", 0), (L_AUTHORITY, "", 0),
    (L_TYPE, "／".join(ORG_TYPES.values()), 0), (L_REGISTERED, "如 2018-05-20", 0), (L_LEGAL, "", 0),
    (L_CONTACT, "", 0), (L_PHONE, "手机，或区号-座机", 0), (L_ADDRESS, "", 0),
    (L_INSPECTION, "合格／基本合格／不合格／未参检，可注年度，如 2025年度合格", 0),
    (L_RATING, "1A～5A，未评估填“无”", 0), (L_INTRO, "宗旨、业务范围、团队和同类项目经验", 5.5),
)
PROJECT_ROWS_AFTER_DOMAIN = (
    (L_TARGET, "", 0), (L_LOCATION, "", 0), (L_DIRECT, "填数字（人）", 0), (L_INDIRECT, "填数字（人）", 0),
    (L_START, "如 2026-07", 0), (L_END, "如 2027-06", 0), (L_SUMMARY, "300字左右", 4.0),
    (L_NEED, "服务对象的需求、需求来源和依据", 5.0), (L_GOALS, "总目标和可衡量的具体目标", 4.0),
    (L_PLAN, "活动名称、内容、频次和时间安排", 6.0),
)
LABEL_WIDTH, VALUE_WIDTH = 4.8, 11.0  # cm; A4 less 2.6 cm margins leaves 15.8 cm; labels fit on one line
FILL = "EDEDED"  # the grey of the cells to fill in: visible on screen, faint when printed

# Model columns with a length, so an over-long answer is refused here rather than by the database
ORG_LIMITS = (("registration_number", L_USCC), ("registration_authority", L_AUTHORITY),
              ("legal_representative", L_LEGAL), ("contact_name", L_CONTACT), ("address", L_ADDRESS))
PROPOSAL_LIMITS = (("target_group", L_TARGET), ("location", L_LOCATION))
ORG_PROBLEM_LABELS = {"name": L_NAME, "uscc": L_USCC, "registration_number": L_USCC, "contact_phone": L_PHONE,
                      "registered_on": L_REGISTERED, "inspection_year": L_INSPECTION, "intro": L_INTRO,
                      **dict(ORG_LIMITS)}
PROPOSAL_PROBLEM_LABELS = {"title": L_TITLE, "requested_fen": L_REQUESTED, "matching_fen": L_MATCHING,
                           "direct_beneficiaries": L_DIRECT, "indirect_beneficiaries": L_INDIRECT,
                           "start_month": L_START, "end_month": L_END, **dict(PROPOSAL_LIMITS)}

# --- messages --------------------------------------------------------------------------------------------

NOT_A_DATE = QT_TRANSLATE_NOOP("Errors", "{field}: {value} is not a date (write it like 2026-03-15)")
NOT_A_MONTH = QT_TRANSLATE_NOOP("Errors", "{field}: {value} is not a month (write it like 2026-07)")
NOT_AN_AMOUNT = QT_TRANSLATE_NOOP(
    "Errors", "{field}: {value} is not an amount in yuan (write it like 12000 or 12000.50)")
NOT_A_NUMBER = QT_TRANSLATE_NOOP("Errors", "{field}: {value} is not a whole number")
NOT_A_CHOICE = QT_TRANSLATE_NOOP("Errors", "{field}: {value} is not one of {choices}")


class _Unreadable(Exception):
    """One answer that cannot be understood: an Errors source string and its parameters."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class FieldReading:
    """What became of one answer: read, left blank (missing) or not understood (invalid, with the reason).
    `message` is an English source string (context "Errors") with {named} `params`, translated by render();
    {field} is the form's own (Chinese) label."""

    label: str
    value: str
    status: Status
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    required: bool = False

    @property
    def blocking(self) -> bool:
        return self.status == "invalid" or (self.status == "missing" and self.required)

    def explain(self, translate: Callable[[str, str], str] | None = None) -> str:
        text = translate(ERROR_CONTEXT, self.message) if translate and self.message else self.message
        return text.format(**self.params) if self.params else text

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        """The reason with the field named: "成立时间: 2026-02-30 is not a date …"."""
        reason = self.explain(translate)
        if not reason:
            return self.label
        return reason if "{field}" in self.message else f"{self.label}: {reason}"


@dataclass
class ApplicationReading:
    """A filled-in 申报书 as data, with a reading per field. `proposal.organization_id` is filled in on commit."""

    competition_id: int
    organization: OrganizationData
    proposal: ProposalData
    readings: list[FieldReading]
    existing_organization: tuple[int, str] | None = None  # (id, name) when the credit code is registered

    @property
    def problems(self) -> list[FieldReading]:
        """What keeps the form from being saved."""
        return [r for r in self.readings if r.blocking]


class ApplicationNotSaved(ValidationError):
    """Some answers are missing or not understood; nothing was written. One line per problem."""

    def __init__(self, problems: list[FieldReading]) -> None:
        super().__init__(QT_TRANSLATE_NOOP(
            "Errors", "The application form cannot be saved until the answers listed are corrected ({count})."),
            count=len(problems))
        self.problems = problems

    def headline(self, translate: Any = None) -> str:
        return super().render(translate)

    def render(self, translate: Any = None) -> str:
        return "\n".join([self.headline(translate), *(p.render(translate) for p in self.problems)])


# === the template ==========================================================================================


@dataclass(frozen=True)
class _CompetitionInfo:
    id: int
    name: str
    organizer: str
    year: int
    themes: tuple[tuple[str, ServiceDomain, int], ...]  # name, domain, id

    def domain_choices(self) -> dict[str, tuple[ServiceDomain, int | None]]:
        """The competition's themes if it has any, else every service domain."""
        if self.themes:
            return {name: (domain, theme_id) for name, domain, theme_id in self.themes}
        return {name: (domain, None) for domain, name in DOMAINS.items()}


def _competition(db: Database, competition_id: int) -> _CompetitionInfo:
    with db.read() as s:
        competition = s.get(Competition, competition_id, options=[selectinload(Competition.themes)])
        if competition is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                                  id=competition_id)
        return _CompetitionInfo(competition.id, competition.name, competition.organizer, competition.year,
                                tuple((t.name, t.domain, t.id) for t in competition.themes))


def make_template(db: Database, competition_id: int, path: Path) -> Path:
    """Writes the competition's blank 申报书 to path (.docx) and returns the path."""
    info = _competition(db, competition_id)
    document = docx.Document()
    _styles(document)
    _page_setup(document.sections[0])
    _cover(document, info)
    body = document.add_section(WD_SECTION.NEW_PAGE)  # own section: page numbers start after the cover
    _page_setup(body)
    _footer(body)
    _instructions(document)
    _organization_table(document)
    _project_table(document, info)
    _budget_table(document)
    _pledge(document)
    _properties(document, info)
    return _save(document, path)


def _save(document: DocxDocument, path: Path) -> Path:
    partial = path.with_name(path.name + ".part")
    try:
        document.save(str(partial))
        partial.replace(path)  # a crash or a file open in Word never leaves half a form under the real name
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot write {path}: {reason}"), path=path,
                              reason=os_reason(exc)) from exc
    return path


def _properties(document: DocxDocument, info: _CompetitionInfo) -> None:
    core = document.core_properties
    core.title = f"{info.name} 项目申报书"
    core.subject = info.name
    core.author = info.organizer or "PSP Desktop"
    core.identifier = f"{FORM_ID};competition={info.id}"
    core.keywords = "申报书"
    core.comments = "请在灰色单元格中填写，不要改动表格结构。"
    core.created = core.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    core.revision = 1
    core.last_modified_by = ""
    rels = document.part.package.rels  # python-docx's stock thumbnail would preview as some other page
    for rel_id in [k for k, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(rel_id)


# --- styles and page ----------------------------------------------------------------------------------------


def _fonts(rpr_owner: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Explicit fonts without theme fonts: theme attributes would win over w:eastAsia in Word and WPS."""
    rfonts = rpr_owner.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(name), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _styles(document: DocxDocument) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr_default.find(qn("w:rFonts"))
    rfonts.attrib.clear()
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")
    rfonts.set(qn("w:cs"), "Times New Roman")
    rfonts.set(qn("w:eastAsia"), "宋体")
    rpr_default.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _fonts(normal.element, "宋体")
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _style(document, "申报书标题", "黑体", 26, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(document, "申报书大赛", "黑体", 18, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(document, "申报书封面", "宋体", 15)
    heading = _style(document, "申报书章节", "黑体", 14, before=12, after=6)
    heading.paragraph_format.keep_with_next = True
    outline = OxmlElement("w:outlineLvl")  # shows in Word's navigation pane
    outline.set(qn("w:val"), "0")
    heading.element.get_or_add_pPr().append(outline)
    body = _style(document, "申报书正文", "宋体", 12, after=3)
    body.paragraph_format.first_line_indent = Pt(24)
    body.paragraph_format.line_spacing = 1.5
    _style(document, "申报书栏目", "宋体", 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    hint = _style(document, "申报书提示", "宋体", 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    hint.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _style(document, "申报书填写", "宋体", 10.5).paragraph_format.line_spacing = 1.25


def _style(document: DocxDocument, name: str, east_asia: str, size: float, *, bold: bool = False,
           align: Any = None, before: float = 0, after: float = 0) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = f"PSPForm{len(document.styles)}"  # ASCII ids, as Word itself writes for Chinese names
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style.element, east_asia)
    style.font.size = Pt(size)
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    return style


def _page_setup(section: Any) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    section.footer_distance = Cm(1.5)


def _footer(section: Any) -> None:
    """第 X 页 共 Y 页, counted within the body section so the cover is not numbered."""
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "申报书提示"
    for text, instruction in (("第 ", "PAGE"), (" 页  共 ", "SECTIONPAGES"), (" 页", None)):
        paragraph.add_run(text)
        if instruction:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), instruction)
            run = OxmlElement("w:r")
            shown = OxmlElement("w:t")
            shown.text = "1"
            run.append(shown)
            simple.append(run)
            paragraph._p.append(simple)
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        start, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
        "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


# --- cells and tables -------------------------------------------------------------------------------------------

TC_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _shade(cell: _Cell, fill: str = FILL) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shd, *TC_AFTER_SHD)


def _underline_only(cell: _Cell) -> None:
    """A blank to write on (the cover's 申报单位, 申报日期): a bottom border and nothing else."""
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    cell._tc.get_or_add_tcPr().insert_element_before(borders, "w:shd", *TC_AFTER_SHD)


def _row_flag(row: _Row, tag: str) -> None:
    """w:cantSplit (keep a short row on one page) or w:tblHeader (repeat the row on each page)."""
    order = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
             "w:trPrChange")
    row._tr.get_or_add_trPr().insert_element_before(OxmlElement(tag), *order[order.index(tag) + 1:])


def _write(cell: _Cell, text: str, style: str, *, hint: str = "", bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text).bold = bold or None
    if hint:
        cell.add_paragraph(hint, style="申报书提示")
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document: DocxDocument, widths: tuple[float, ...], caption: str | None, *, grid: bool = True) -> Table:
    table = document.add_table(rows=0, cols=len(widths))
    if grid:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    total = table._tbl.tblPr.find(qn("w:tblW"))  # an explicit width: WPS sizes "auto" tables by their content
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(Cm(sum(widths)).twips))
    if caption:  # Word's alt-text title: invisible on paper, lets the importer find the table
        element = OxmlElement("w:tblCaption")
        element.set(qn("w:val"), caption)
        table._tbl.tblPr.insert_element_before(element, "w:tblDescription", "w:tblPrChange")
    return table


def _add_row(table: Table, widths: tuple[float, ...], height: float = 0.9) -> tuple[_Row, list[_Cell]]:
    row = table.add_row()
    row.height = Cm(height)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cells = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Cm(width)
    return row, cells


def _field_row(table: Table, label: str, hint: str = "", height: float = 0) -> None:
    row, (label_cell, value_cell) = _add_row(table, (LABEL_WIDTH, VALUE_WIDTH), height or 0.9)
    if not height:
        _row_flag(row, "w:cantSplit")
    _write(label_cell, label, "申报书栏目", hint=hint)
    _write(value_cell, "", "申报书填写")
    if height:
        value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    _shade(value_cell)


def _heading(document: DocxDocument, text: str, *, new_page: bool = False) -> None:
    paragraph = document.add_paragraph(text, style="申报书章节")
    paragraph.paragraph_format.page_break_before = new_page


# --- the parts of the form ------------------------------------------------------------------------------------


def _cover(document: DocxDocument, info: _CompetitionInfo) -> None:
    first = document.add_paragraph(info.name, style="申报书大赛")
    first.paragraph_format.space_before = Cm(3.5)
    title = document.add_paragraph("项 目 申 报 书", style="申报书标题")
    title.paragraph_format.space_before = Pt(24)
    title.paragraph_format.space_after = Cm(4)
    widths = (5.2, 8.0)
    table = _table(document, widths, None, grid=False)
    for label, blank in (("申报单位（盖章）", ""), ("项目名称", ""), ("联 系 人", ""), ("联系电话", ""),
                         ("申报日期", "　　　　年　　月　　日")):
        _row, (label_cell, value_cell) = _add_row(table, widths, 1.2)
        _write(label_cell, label + "：", "申报书封面")
        label_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
        _write(value_cell, blank, "申报书封面")
        value_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        label_cell.vertical_alignment = value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        _underline_only(value_cell)
    if info.organizer:
        made = document.add_paragraph(f"{info.organizer}　制", style="申报书大赛")
        made.paragraph_format.space_before = Cm(4)
        document.add_paragraph(f"{info.year}年", style="申报书封面").alignment = WD_ALIGN_PARAGRAPH.CENTER


INSTRUCTIONS = (
    "请在表格的灰色单元格中填写。不要增删、合并或拆分表格的行和列，不要修改左侧栏目名称，以便主办单位用软件读取；"
    "预算表行数不够时，可在预算明细中插入行。",
    "金额以“元”为单位，填写阿拉伯数字，可保留两位小数，如 12000 或 12000.50。",
    "日期按“2026-03-15”的格式填写；执行周期填写月份，如“2026-07”。",
    "组织类型、年检结论、评估等级、服务领域和预算类别，请从栏目下方或表格上方所列选项中选填一项。",
    "预算明细每行填写一个支出项。金额可不填，按“单价×数量”计算；总预算应等于预算明细合计，"
    "也等于申请金额与配套资金之和。",
    "机构简介不超过500字。受益人数只填数字。",
    "填写完成后请保存为 .docx 格式（不要另存为 .doc、.wps 或 PDF）提交电子版，"
    "并打印本申报书，由法定代表人签字、加盖机构公章后提交纸质版。",
)


def _instructions(document: DocxDocument) -> None:
    heading = document.add_paragraph("填写说明", style="申报书章节")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(12)
    numbers = "一二三四五六七八九"
    for number, text in zip(numbers, INSTRUCTIONS, strict=False):
        document.add_paragraph(f"{number}、{text}", style="申报书正文")


def _organization_table(document: DocxDocument) -> None:
    _heading(document, TABLE_TITLES["organization"], new_page=True)
    table = _table(document, (LABEL_WIDTH, VALUE_WIDTH), CAPTIONS["organization"])
    for label, hint, height in ORG_ROWS:
        _field_row(table, label, hint, height)


def _project_table(document: DocxDocument, info: _CompetitionInfo) -> None:
    _heading(document, TABLE_TITLES["project"], new_page=True)
    table = _table(document, (LABEL_WIDTH, VALUE_WIDTH), CAPTIONS["project"])
    _field_row(table, L_TITLE)
    _field_row(table, L_DOMAIN, "选填一项：" + "／".join(info.domain_choices()))
    for label, hint, height in PROJECT_ROWS_AFTER_DOMAIN:
        _field_row(table, label, hint, height)


def _budget_table(document: DocxDocument) -> None:
    _heading(document, TABLE_TITLES["budget"], new_page=True)
    note = document.add_paragraph(
        "类别填写：" + "、".join(CATEGORIES.values()) + "。金额可不填，按“单价×数量”计算。", style="申报书提示")
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT
    note.paragraph_format.space_after = Pt(4)
    table = _table(document, BUDGET_WIDTHS, CAPTIONS["budget"])
    header, cells = _add_row(table, BUDGET_WIDTHS, 0.9)
    _row_flag(header, "w:cantSplit")
    _row_flag(header, "w:tblHeader")
    for cell, title in zip(cells, BUDGET_COLUMNS, strict=True):
        _write(cell, title, "申报书栏目", bold=True)
    for _ in range(BUDGET_ROWS):
        row, cells = _add_row(table, BUDGET_WIDTHS, 0.8)
        _row_flag(row, "w:cantSplit")
        for index, cell in enumerate(cells):
            _write(cell, "", "申报书填写")
            if index in (0, 2, 3, 4):  # category and figures line up in columns
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _shade(cell)
    for label, hint in ((L_REQUESTED, ""), (L_MATCHING, ""), (L_TOTAL, "= 申请金额 + 配套资金 = 预算明细合计")):
        _summary_row(table, label, hint)


def _summary_row(table: Table, label: str, hint: str) -> None:
    row, cells = _add_row(table, BUDGET_WIDTHS, 0.9)
    _row_flag(row, "w:cantSplit")
    label_cell = cells[0].merge(cells[3])
    value_cell = cells[4].merge(cells[5])
    label_cell.width = Cm(sum(BUDGET_WIDTHS[:4]))
    value_cell.width = Cm(sum(BUDGET_WIDTHS[4:]))
    _write(label_cell, label, "申报书栏目", hint=hint, bold=True)
    _write(value_cell, "", "申报书填写")
    value_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _shade(value_cell)


PLEDGES = (
    "本申报书所填内容及所附材料真实、准确、完整，无虚假信息；",
    "申报项目属于本机构章程规定的业务范围，并在本辖区内实施；",
    "如获资助，将按资助协议实施项目，资金专款专用，接受主办单位、资金管理部门和第三方评估机构的监督检查与评估；",
    "本项目未重复获得其他财政资金资助。",
)


def _pledge(document: DocxDocument) -> None:
    _heading(document, "四、承诺与签章")
    table = _table(document, (LABEL_WIDTH + VALUE_WIDTH,), None)
    row, (cell,) = _add_row(table, (LABEL_WIDTH + VALUE_WIDTH,), 7.5)
    _row_flag(row, "w:cantSplit")
    intro = cell.paragraphs[0]
    intro.style = "申报书填写"
    intro.add_run("本机构郑重承诺：")
    intro.paragraph_format.space_before = Pt(6)
    for number, text in enumerate(PLEDGES, 1):
        line = cell.add_paragraph(f"{number}. {text}", style="申报书填写")
        line.paragraph_format.left_indent = Pt(33)  # hanging: wrapped lines align with the text, not the number
        line.paragraph_format.first_line_indent = Pt(-12)
    for text, space in (("法定代表人（签字）：______________", 30), ("申报机构（盖章）", 24),
                        ("　　　　年　　月　　日", 24)):
        line = cell.add_paragraph(text, style="申报书填写")
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.space_before = Pt(space)
        line.paragraph_format.right_indent = Cm(1.5)


# === reading ===================================================================================================


def read_application(db: Database, competition_id: int, path: Path) -> ApplicationReading:
    """Reads a filled-in 申报书: every field's value or why it could not be read. Writes nothing."""
    info = _competition(db, competition_id)
    document = _open(path)
    _check_form_competition(document, info, path)
    tables = _find_tables(document, path)
    reader = _Reader(_label_values(tables.values()))
    organization = _read_organization(reader)
    proposal = _read_proposal(reader, info, tables["budget"])
    existing = None
    if organization.uscc or organization.registration_number:
        with db.read() as s:
            found = _existing_organization(s, organization)
            existing = (found.id, found.name) if found else None
    if existing:
        proposal.organization_id = existing[0]
    return ApplicationReading(competition_id, organization, proposal, reader.result(), existing)


def _open(path: Path) -> DocxDocument:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                              reason=os_reason(exc)) from exc
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Word 97–2003 .doc, WPS .wps, or an encrypted .docx
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{name} is an old-format (.doc or .wps) or password-protected document: save it as .docx "
                      "in Word or WPS, then import that copy."), name=path.name)
    try:
        return docx.Document(str(path))
    except Exception as exc:  # whatever breaks while parsing an arbitrary file, it is not a readable .docx
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{name} is not a Word (.docx) document."),
                              name=path.name) from exc


def _check_form_competition(document: DocxDocument, info: _CompetitionInfo, path: Path) -> None:
    """A form made for another competition has other themes: refuse it rather than misfile the proposal."""
    match = re.fullmatch(rf"{FORM_ID};competition=(\d+)", document.core_properties.identifier or "")
    if match and int(match.group(1)) != info.id:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{name} is the application form of another competition (number {number}); import it into "
                      "that competition."), name=path.name, number=int(match.group(1)))


def _find_tables(document: DocxDocument, path: Path) -> dict[str, Table]:
    found: dict[str, Table] = {}
    for table in document.tables:
        key = _caption_key(table) or _guess_table(table)
        if key:
            found.setdefault(key, table)
    for key, title in TABLE_TITLES.items():
        if key not in found:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "{name} is not a PSP Desktop application form: the table {table} is missing."),
                name=path.name, table=title)
    return found


def _caption_key(table: Table) -> str | None:
    caption = table._tbl.tblPr.find(qn("w:tblCaption"))
    value = caption.get(qn("w:val")) if caption is not None else None
    return next((key for key, text in CAPTIONS.items() if text == value), None)


def _guess_table(table: Table) -> str | None:
    """The table's labels, for a copy whose captions an editor dropped."""
    labels = {_label_key(_first_line(cell)) for row in table.rows for cell in _row_cells(row)}
    if {_label_key(L_NAME), _label_key(L_USCC)} <= labels:
        return "organization"
    if {_label_key(L_TITLE), _label_key(L_PLAN)} <= labels:
        return "project"
    if {_label_key("类别"), _label_key("明细")} <= labels:
        return "budget"
    return None


def _row_cells(row: _Row) -> list[_Cell]:
    """The row's physical cells: a merged cell once, however many grid columns it spans."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _cell_text(cell: _Cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _first_line(cell: _Cell) -> str:
    """A label cell's label (hints are the paragraphs under it)."""
    return next((p.text for p in cell.paragraphs if p.text.strip()), "")


def _nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (for codes, numbers, dates and labels, never prose)."""
    return unicodedata.normalize("NFKC", text)


def _label_key(text: str) -> str:
    return re.sub(r"[\s*:]", "", _nfkc(text))


def _label_values(tables: Iterable[Table]) -> dict[str, str]:
    """label key → value text, from every row's (label, value) cell pairs; the first occurrence wins."""
    known = {_label_key(label) for label in _all_labels()}
    values: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            cells = _row_cells(row)
            for label_cell, value_cell in zip(cells[::2], cells[1::2], strict=False):
                key = _label_key(_first_line(label_cell))
                if key in known and key not in values:
                    values[key] = _cell_text(value_cell)
    return values


def _all_labels() -> list[str]:
    return [*(r[0] for r in ORG_ROWS), L_TITLE, L_DOMAIN, *(r[0] for r in PROJECT_ROWS_AFTER_DOMAIN),
            L_REQUESTED, L_MATCHING, L_TOTAL]


class _Reader:
    """Collects a reading per field while turning cell text into values."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.readings: dict[str, FieldReading] = {}

    def raw(self, label: str) -> str:
        return self.values.get(_label_key(label), "")

    def take(self, label: str, parse: Callable[[str], E]) -> E | None:
        return self.parse(label, self.raw(label), parse)

    def parse(self, label: str, raw: str, parse: Callable[[str], E]) -> E | None:
        if not raw:
            self.readings[label] = FieldReading(label, raw, "missing")
            return None
        try:
            value = parse(raw)
        except _Unreadable as bad:
            self.readings[label] = FieldReading(label, raw, "invalid", bad.message,
                                                {"field": label, "value": raw, **bad.params})
            return None
        self.readings[label] = FieldReading(label, raw, "read")
        return value

    def text(self, label: str, *, single_line: bool = True) -> str:
        value = self.take(label, _one_line if single_line else str.strip)
        return value or ""

    def flag(self, problems: Problems, labels: dict[str, str]) -> None:
        """Problems the services' validators found, on the reading of the field they name (first one kept)."""
        for problem in problems.items:
            label = labels.get(problem.field, problem.field)
            reading = self.readings.get(label) or FieldReading(label, "", "invalid")
            if reading.message:
                continue
            missing = reading.status == "missing"  # a blank the validators require
            params = {**problem.params, "field": label} if "{field}" in problem.message else problem.params
            self.readings[label] = dataclasses.replace(reading, status="missing" if missing else "invalid",
                                                       message=problem.message, params=params, required=missing)

    def result(self) -> list[FieldReading]:
        """In the form's order: the budget lines just before 申请金额, anything unforeseen last."""
        order = {label: i for i, label in enumerate(_all_labels())}
        budget_place = order[L_REQUESTED] - 0.5
        return sorted(self.readings.values(), key=lambda r: order.get(
            r.label, budget_place if r.label.startswith("预算第") else len(order)))


def _one_line(raw: str) -> str:
    return " ".join(line.strip() for line in raw.splitlines() if line.strip())


def _code(raw: str) -> str:
    return re.sub(r"\s", "", _nfkc(raw)).upper()


def _date(raw: str) -> dt.date:
    try:
        return parse_date(_nfkc(raw))
    except ValueError as exc:
        raise _Unreadable(NOT_A_DATE) from exc


def _month(raw: str) -> dt.date:
    """2026-07, 2026/7, 2026.7, 2026年7月(份), or a whole date: the first day of that month."""
    text = _nfkc(raw).strip().removesuffix("份")
    match = re.fullmatch(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?", text)
    try:
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
        return parse_date(text).replace(day=1)
    except ValueError as exc:
        raise _Unreadable(NOT_A_MONTH) from exc


def _fen(raw: str) -> int:
    try:
        return parse_yuan(_nfkc(raw))
    except MoneyError as exc:
        raise _Unreadable(NOT_AN_AMOUNT) from exc


def _whole(raw: str) -> int:
    """200, 1,200, 约200人, 12个月: the number, with an optional unit word after it."""
    match = re.fullmatch(r"约?\s*(\d{1,9})\s*[\u4e00-\u9fff]{0,3}", _nfkc(raw).replace(",", "").strip())
    if not match:
        raise _Unreadable(NOT_A_NUMBER)
    return int(match.group(1))


def _choice(options: dict[str, E], aliases: dict[str, E] | None = None) -> Callable[[str], E]:
    table = {_label_key(k): v for k, v in {**(aliases or {}), **options}.items()}

    def parse(raw: str) -> E:
        key = _label_key(raw)
        if key in table:
            return table[key]
        raise _Unreadable(NOT_A_CHOICE, choices="、".join(options))

    return parse


def _enum_choice(names: dict[E, str], aliases: dict[str, E] | None = None) -> Callable[[str], E]:
    return _choice({name: value for value, name in names.items()}, aliases)


def _rating(raw: str) -> Rating:
    key = _label_key(raw).upper().removesuffix("级")
    if key and set(key) == {"A"} and len(key) <= 5:  # AAAA → 4A
        key = f"{len(key)}A"
    return _enum_choice(RATINGS, RATING_ALIASES)(key)


def _inspection(raw: str) -> tuple[InspectionResult, int | None]:
    """合格, 2025年度合格, 合格（2025年）: the conclusion and, when given, its year."""
    text = _nfkc(raw)
    year = re.search(r"(?:19|20)\d{2}", text)
    rest = re.sub(r"(?:19|20)\d{2}\s*年?度?|[()（）,，;；]", "", text)
    result = _enum_choice(INSPECTIONS, INSPECTION_ALIASES)(rest)
    return result, int(year.group(0)) if year else None


def _read_organization(reader: _Reader) -> OrganizationData:
    code = reader.take(L_USCC, _code) or ""
    is_old_number = bool(re.search(r"[\u4e00-\u9fff]", code))  # 登记证号 look like 民证字第0101号
    inspection = reader.take(L_INSPECTION, _inspection) or (InspectionResult.NONE, None)
    data = normalise(OrganizationData(
        name=reader.text(L_NAME),
        uscc=None if is_old_number else code or None,
        registration_number=code if is_old_number else None,
        registration_authority=reader.text(L_AUTHORITY),
        org_type=reader.take(L_TYPE, _enum_choice(ORG_TYPES, ORG_TYPE_ALIASES)) or OrgType.OTHER,
        registered_on=reader.take(L_REGISTERED, _date),
        legal_representative=reader.text(L_LEGAL),
        contact_name=reader.text(L_CONTACT),
        contact_phone=reader.take(L_PHONE, _code) or "",
        address=reader.text(L_ADDRESS),
        inspection_result=inspection[0],
        inspection_year=inspection[1],
        rating=reader.take(L_RATING, _rating) or Rating.NONE,
        intro=reader.text(L_INTRO, single_line=False),
    ))
    problems = problems_of(data)
    _limits(problems, Organization, data, ORG_LIMITS)
    reader.flag(problems, ORG_PROBLEM_LABELS)
    return data


def _read_proposal(reader: _Reader, info: _CompetitionInfo, budget: Table) -> ProposalData:
    title = reader.text(L_TITLE)
    domain, theme_id = reader.take(L_DOMAIN, _domain_choice(info)) or (ServiceDomain.OTHER, None)
    data = ProposalData(
        competition_id=info.id, organization_id=0, title=title, domain=domain, theme_id=theme_id,
        target_group=reader.text(L_TARGET), location=reader.text(L_LOCATION),
        direct_beneficiaries=reader.take(L_DIRECT, _whole) or 0,
        indirect_beneficiaries=reader.take(L_INDIRECT, _whole) or 0,
        start_month=reader.take(L_START, _month), end_month=reader.take(L_END, _month),
        summary=reader.text(L_SUMMARY, single_line=False), need_analysis=reader.text(L_NEED, single_line=False),
        objectives=reader.text(L_GOALS, single_line=False), activity_plan=reader.text(L_PLAN, single_line=False),
    )
    line_labels = _read_budget_lines(reader, budget, data)
    data.requested_fen = reader.take(L_REQUESTED, _fen) or 0
    data.matching_fen = reader.take(L_MATCHING, _fen) or 0
    reader.take(L_TOTAL, _total_of(data.budget_lines))
    problems = draft_problems(data)
    problems.required("title", data.title)  # a draft may be incomplete, but a nameless one cannot be found again
    _limits(problems, Proposal, data, PROPOSAL_LIMITS)
    reader.flag(problems, {**PROPOSAL_PROBLEM_LABELS,
                           **{f"budget_lines[{i}]": label for i, label in enumerate(line_labels, 1)}})
    return data


def _domain_choice(info: _CompetitionInfo) -> Callable[[str], tuple[ServiceDomain, int | None]]:
    """A theme of the competition, or a service domain that one of its themes covers."""
    options = info.domain_choices()
    aliases: dict[str, tuple[ServiceDomain, int | None]] = {}
    for domain, name in DOMAINS.items():
        themes = [theme_id for _n, d, theme_id in info.themes if d == domain]
        if len(themes) == 1:
            aliases[name] = (domain, themes[0])
    return _choice(options, aliases)


def _total_of(lines: list[BudgetLineData]) -> Callable[[str], int]:
    """总预算 is the lines' sum: a different figure is a typing error somewhere."""
    def check(raw: str) -> int:
        total = _fen(raw)
        if not lines:
            raise _Unreadable(QT_TRANSLATE_NOOP(
                "Errors", "{field}: the budget table has no lines; the total is their sum"))
        expected = sum(line.amount for line in lines)
        if total != expected:
            raise _Unreadable(QT_TRANSLATE_NOOP(
                "Errors", "{field}: the budget lines add up to {total} yuan, not {value}"), total=format_yuan(expected))
        return total

    return check


def _limits(problems: Problems, model: Any, data: Any, fields: tuple[tuple[str, str], ...]) -> None:
    for name, _label in fields:
        problems.max_length(name, getattr(data, name) or "", model.__table__.c[name].type.length)


# --- the budget table ---------------------------------------------------------------------------------------------


def _read_budget_lines(reader: _Reader, table: Table, data: ProposalData) -> list[str]:
    """Appends the budget lines to data; returns each line's reading label (预算第n行) for the validators."""
    columns, rows = _budget_rows(table)
    labels: list[str] = []
    for number, cells in enumerate(rows, 1):
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        label = f"预算第{number}行"
        line = reader.parse(label, " | ".join(texts), lambda _raw, t=texts: _budget_line(columns, t))
        if line is not None:
            data.budget_lines.append(line)
            labels.append(label)
    return labels


def _budget_rows(table: Table) -> tuple[dict[str, int], list[list[_Cell]]]:
    """Column positions from the header row (so a deleted 备注 column does not shift the others), and the rows
    between the header and the 申请金额 row."""
    summary = {_label_key(label) for label in (L_REQUESTED, L_MATCHING, L_TOTAL)}
    columns: dict[str, int] = {}
    rows: list[list[_Cell]] = []
    for row in table.rows:
        cells = _row_cells(row)
        keys = [_label_key(_first_line(c)) for c in cells]
        if not columns:
            columns = {name: keys.index(key) for name in BUDGET_COLUMNS
                       for key in keys if key.startswith(_label_key(name)[:2])}
            if "类别" not in columns:
                columns = {}
            continue
        if keys and keys[0] in summary:
            break
        rows.append(cells)
    return columns, rows


def _budget_line(columns: dict[str, int], texts: list[str]) -> BudgetLineData:
    def cell(name: str) -> str:
        index = columns.get(name)
        return texts[index].strip() if index is not None and index < len(texts) else ""

    category_text = cell("类别")
    if not category_text:
        raise _Unreadable(QT_TRANSLATE_NOOP("Errors", "{field}: enter the category ({choices})"),
                          choices="、".join(CATEGORIES.values()))
    try:
        category = _enum_choice(CATEGORIES, CATEGORY_ALIASES)(category_text)
    except _Unreadable as bad:
        raise _Unreadable(bad.message, **{**bad.params, "value": category_text}) from bad
    unit = _part(cell(BUDGET_COLUMNS[2]), _fen)
    quantity = _part(cell(BUDGET_COLUMNS[3]), _whole)
    amount = _part(cell(BUDGET_COLUMNS[4]), _fen)
    item, note = _one_line(cell("明细")), _one_line(cell("备注"))
    if amount is None and unit is None:
        raise _Unreadable(QT_TRANSLATE_NOOP("Errors", "{field}: enter the amount, or the unit price and the quantity"))
    if unit is None:  # only the amount (and perhaps a quantity): the unit price follows from them
        count = quantity or 1
        assert amount is not None
        return BudgetLineData(category, item, amount // count if amount % count == 0 else amount,
                              count if amount % count == 0 else 1, amount, note)
    count = 1 if quantity is None else quantity
    if amount is not None and unit * count != amount:
        raise _Unreadable(QT_TRANSLATE_NOOP(
            "Errors", "{field}: unit price × quantity is {computed} yuan, but the amount says {amount} yuan"),
            computed=format_yuan(unit * count), amount=format_yuan(amount))
    return BudgetLineData(category, item, unit, count, None, note)


def _part(text: str, parse: Callable[[str], int]) -> int | None:
    """A budget cell's value; the error names the cell's own text, not the whole row."""
    if not text:
        return None
    try:
        return parse(text)
    except _Unreadable as bad:
        raise _Unreadable(bad.message, **{**bad.params, "value": text}) from bad


# === saving ====================================================================================================


def commit_application(db: Database, reading: ApplicationReading) -> tuple[int, int]:
    """Saves the reading as a DRAFT proposal, with its organization found by credit code (or registration number)
    or created. Returns (organization id, proposal id).

    One transaction for both: organizations.create and proposals.save_draft each open their own, so calling them
    in turn could leave a new organization without its proposal. Instead everything is validated first with the
    same validators those services use, and the rows are written the way they write them (organization FIELDS,
    proposals._check_parties and _apply) inside a single db.write(): any failure rolls back both."""
    actor = access.require(db, Permission.INTAKE_EDIT)
    if reading.problems:
        raise ApplicationNotSaved(reading.problems)
    organization = normalise(reading.organization)
    problems_of(organization).raise_if_any()
    draft_problems(reading.proposal).raise_if_any()
    with db.write() as s:
        organization_id = _organization_id(db, s, organization, actor)
        data = dataclasses.replace(reading.proposal, organization_id=organization_id,
                                   budget_lines=list(reading.proposal.budget_lines))
        proposal_service._check_parties(s, data)
        proposal = Proposal(status=ProposalStatus.DRAFT)
        s.add(proposal)
        proposal_service._apply(s, proposal, data)
        s.flush()
        audit.log(s, actor, "proposal.create", "proposal", proposal.id, after=proposal_service._facts(proposal))
        return organization_id, proposal.id


def _existing_organization(s: Session, data: OrganizationData) -> Organization | None:
    if data.uscc:
        return find_by_uscc(s, data.uscc)
    if data.registration_number:
        return s.scalars(select(Organization).where(
            Organization.registration_number == data.registration_number)).first()
    return None


def _organization_id(db: Database, s: Session, data: OrganizationData, actor: access.Actor) -> int:
    """The registered organization (its record is kept as staff maintain it), else a new one from the form, which
    needs the right to edit the registry as well."""
    existing = _existing_organization(s, data)
    if existing is not None:
        return existing.id
    access.require(db, Permission.REGISTRY_EDIT)
    organization = Organization(**{name: getattr(data, name) for name in org_service.FIELDS})
    s.add(organization)
    s.flush()
    audit.log(s, actor, "organization.create", "organization", organization.id,
              after={"name": data.name, "uscc": data.uscc or data.registration_number})
    return organization.id

"""Needs in Excel/WPS: importing a filled-in 社区需求 sheet all or nothing, and the coverage report as a workbook.

The import runs on the machinery of services.workbooks (its template, reading, ImportPreview with the sheet, Excel
row and column of each problem, the error workbook, commit dispatch): every row is checked (a community not
registered or named in two streets, a service domain or source not in the list, a priority outside 1–5, a date in
the future, a need already registered) before anything is written, then every need goes in one transaction.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import NeedSource, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, PspError
from ..models import Community, CommunityNeed
from . import access
from .access import Permission
from .needs import FIELDS, REPORT_ORDER, STATUSES, Coverage, NeedData, normalise, problems_of
from .workbook_columns import NEEDS, Column, Kind, col, label
from .workbook_write import HEADER, close_workbook, new_workbook, write_sheet
from .workbooks import (
    REPEATED,
    ImportPreview,
    ImportResult,
    TemplateKind,
    WorkbookRejected,
    _file_problem,
    _log_import,
    _no_rows,
    _read_book,
    _read_rows,
    _Row,
)

UNKNOWN_COMMUNITY = QT_TRANSLATE_NOOP("Errors", "no community called {name} is registered")
UNKNOWN_IN_STREET = QT_TRANSLATE_NOOP("Errors", "no community called {name} is registered in {street}")
SAME_NAME = QT_TRANSLATE_NOOP(
    "Errors", "communities called {name} are registered in {streets}: fill in the column {column}")
REGISTERED = QT_TRANSLATE_NOOP("Errors", "this need is registered already (same community, title and date)")

STATUS_WORDS = {"none": "无项目", "eligible": "有合格项目", "funded": "已资助", "completed": "已完成"}


@dataclass(eq=False, slots=True)
class _NeedRow:
    row: _Row
    community: str
    street: str
    data: NeedData


# --- import ------------------------------------------------------------------------------------------------------


def preview_needs(db: Database, path: Path) -> ImportPreview:
    """Reads and checks a needs workbook (社区需求); writes nothing."""
    preview = ImportPreview(TemplateKind.NEEDS, Path(path))
    try:
        (sheet,) = _read_book(preview.path, [(NEEDS, False)])
    except PspError as exc:
        preview.file_problems.append(_file_problem(exc))
        return preview
    assert sheet is not None
    preview.sheets = [sheet]
    preview.needs = [_need_row(row) for row in _read_rows(sheet)]
    if not preview.needs:
        _no_rows(preview, sheet)
    with db.read() as s:
        _link(s, preview)
    return preview


def _need_row(row: _Row) -> _NeedRow:
    """The row's values as a need, checked by the register's own rules (the community is found later)."""
    values = row.values
    row.require("community")
    flawed = {p.field for p in (row.own.items if row.own else ())}  # cells that could not be read are reported
    data = normalise(NeedData(
        domain=values.get("domain"), title=str(values.get("title", "")),  # type: ignore[arg-type]
        description=str(values.get("description", "")), source=values.get("source", NeedSource.OTHER),  # type: ignore[arg-type]
        people_affected=values.get("people_affected", 0), priority=values.get("priority", 3),  # type: ignore[arg-type]
        collected_on=values.get("collected_on")))  # type: ignore[arg-type]
    for problem in problems_of(data, community=False).items:
        if problem.field not in flawed:
            row.problems.items.append(problem)
    return _NeedRow(row, str(values.get("community", "")).strip(), str(values.get("street", "")).strip(), data)


def _link(s: Session, preview: ImportPreview) -> bool:
    """The checks against the database (run again when committing): each community registered and found once,
    no need registered twice. True when every row passes."""
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for id_, street, name in s.execute(select(Community.id, Community.street, Community.name).order_by(Community.id)):
        by_name[name.strip()].append((id_, street.strip()))
    registered = set(s.execute(select(CommunityNeed.community_id, CommunityNeed.title, CommunityNeed.collected_on)))
    seen: dict[tuple[int, str, object], int] = {}
    for need in preview.needs:
        need.row.linked, need.data.community_id = None, None
        if need.community:
            need.data.community_id = _community(need, by_name)
        key = (need.data.community_id, need.data.title, need.data.collected_on)
        if need.data.community_id is None or not need.data.title or need.data.collected_on is None:
            continue
        if key in registered:
            need.row.link_problem("title", REGISTERED)
        elif key in seen:
            need.row.link_problem("title", REPEATED, value=need.data.title, row=seen[key])
        else:
            seen[key] = need.row.number  # type: ignore[index]
    return not any(need.row.linked for need in preview.needs)


def _community(need: _NeedRow, by_name: dict[str, list[tuple[int, str]]]) -> int | None:
    found = by_name.get(need.community, [])
    if need.street:
        found = [c for c in found if c[1] == need.street]
    if len(found) == 1:
        return found[0][0]
    if not found:
        if need.street:
            need.row.link_problem("community", UNKNOWN_IN_STREET, name=need.community, street=need.street)
        else:
            need.row.link_problem("community", UNKNOWN_COMMUNITY, name=need.community)
    else:
        need.row.link_problem("community", SAME_NAME, name=need.community,
                              streets="、".join(street for _id, street in found), column=NEEDS.header_of("street"))
    return None


def commit_needs(db: Database, preview: ImportPreview) -> ImportResult:
    """Every need in one transaction, or nothing (WorkbookRejected)."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    if not preview.ok:
        raise WorkbookRejected(preview.problems)
    with db.write() as s:
        if not _link(s, preview):  # someone may have registered a need or renamed a community since the preview
            raise WorkbookRejected(preview.problems)
        s.add_all(CommunityNeed(**{name: getattr(need.data, name) for name in FIELDS}) for need in preview.needs)
        s.flush()
        _log_import(s, actor, preview, needs=len(preview.needs))
    return ImportResult(0, 0, 0, needs=len(preview.needs))


# --- the coverage workbook ---------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (*(col(STATUS_WORDS[s], s, Kind.INT, 12) for s in REPORT_ORDER), col("合计", "total", Kind.INT, 10))
DETAIL_COLUMNS: tuple[Column, ...] = (
    col("街道", "street", width=12), col("社区", "community", width=12),
    col("服务领域", "domain", Kind.ENUM, 12, enum=ServiceDomain), col("需求", "title", width=34),
    col("优先级", "priority", Kind.INT, 8), col("受益人数", "people_affected", Kind.INT, 10),
    col("收集日期", "collected_on", Kind.DATE, 12), col("状态", "status", width=12),
    col("项目", "projects", width=48), col("对应大赛主题", "themes", width=24),
)


def export_coverage(coverage: Coverage, path: Path) -> Path:
    """The report as .xlsx: by community, by service domain, and every need with its status and projects.
    Written to a temporary file beside path, then renamed, so a failed write never leaves half a file."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    book, formats = new_workbook(temporary)
    by_community = [{"name": k, **v, "total": sum(v.values())} for k, v in coverage.by_community().items()]
    by_domain = [{"name": label(ServiceDomain(k)), **v, "total": sum(v.values())}
                 for k, v in coverage.by_domain().items()]
    for sheet, header, rows in (("按社区", "社区", by_community), ("按服务领域", "服务领域", by_domain)):
        write_sheet(book, formats, sheet, (col(header, "name", width=16), *SUMMARY_COLUMNS),
                    [*rows, {"name": "合计", **coverage.totals(), "total": len(coverage.rows)}], dropdowns=False)
    detail = [{"street": r.street, "community": r.community, "domain": r.domain, "title": r.title,
               "priority": r.priority, "people_affected": r.people_affected, "collected_on": r.collected_on,
               "status": STATUS_WORDS[r.status], "projects": "；".join(r.projects), "themes": "；".join(r.themes)}
              for r in sorted(coverage.rows, key=lambda r: (STATUSES.index(r.status), r.priority, r.need_id))]
    write_sheet(book, formats, "需求明细", DETAIL_COLUMNS, detail, dropdowns=False, autofilter=True)
    note = book.add_worksheet("说明")
    note.set_column(0, 0, 100)
    scope = f"{coverage.district or '全部辖区'}，{coverage.year}年"
    note.write_string(0, 0, f"需求覆盖情况（{scope}）", formats.get(**{**HEADER, "align": "left"}))
    for line, text in enumerate((
            f"范围：{coverage.year}年12月31日前收集、尚未由此前年度已完成项目满足的需求。",
            f"项目：{coverage.year}年及以前各届大赛中关联该需求的申报项目，按其当前状态计。",
            "状态取最好的一项：已完成（终期评估合格或资助款已全部拨付）＞已资助（已承诺或已签约）＞"
            "有合格项目（通过资格审查）＞无项目。",
            "大赛主题关联需求只表示“已列入主题”，不改变状态。"), start=2):
        note.write_string(line, 0, text)
    try:
        close_workbook(book, temporary)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return target

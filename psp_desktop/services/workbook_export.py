"""Exports of the list pages to .xlsx with Chinese headers: the rows of services/lists.py, money in yuan with two
decimals, codes as text, enum values as their Chinese labels. The organizations export carries every field of the
import template, so exporting and importing into an empty database gives the same organizations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select

from ..db import Database
from ..enums import CompetitionMode, CompetitionStatus, ProposalStatus, ServiceDomain
from ..models import Organization
from . import lists
from .organizations import FIELDS as ORGANIZATION_FIELDS
from .workbook_columns import NEEDS, ORGANIZATIONS, Column, Kind, col
from .workbook_write import close_workbook, new_workbook, write_sheet

Rows = list[Mapping[str, object]]


class ExportKind(StrEnum):
    ORGANIZATIONS = "organizations"
    PROPOSALS = "proposals"
    NEEDS = "needs"
    COMPETITIONS = "competitions"
    JUDGES = "judges"


def _organizations(db: Database) -> Rows:
    """The register in list order with its proposal counts, plus every field the import template has."""
    listed = lists.organizations(db)
    with db.rows() as conn:
        full = {row.id: row._mapping for row in conn.execute(
            select(Organization.id, *(getattr(Organization, name) for name in ORGANIZATION_FIELDS)))}
    return [{**full[row.id], "proposals": row.proposals} for row in listed]


def _proposals(db: Database) -> Rows:
    return _fields(lists.proposal_rows(db, lists.proposal_ids(db)))


def _needs(db: Database) -> Rows:
    from .needs import list_needs

    return _fields(list_needs(db))


def _fields(rows: list[object]) -> Rows:
    names = getattr(type(rows[0]), "__slots__", ()) if rows else ()
    return [{name: getattr(row, name) for name in names} for row in rows]


EXPORTS: dict[ExportKind, tuple[str, tuple[Column, ...], Callable[[Database], Rows]]] = {
    ExportKind.ORGANIZATIONS: (
        ORGANIZATIONS.name, (*ORGANIZATIONS.columns, col("申报项目数", "proposals", Kind.INT, 10)), _organizations),
    ExportKind.PROPOSALS: ("项目列表", (
        col("受理编号", "intake_number", Kind.CODE, 14), col("项目名称", "title", width=34),
        col("申报机构", "organization", width=30), col("服务领域", "domain", Kind.ENUM, 12, enum=ServiceDomain),
        col("申请金额（元）", "requested_fen", Kind.MONEY, 14), col("配套资金（元）", "matching_fen", Kind.MONEY, 14),
        col("总预算（元）", "total_budget_fen", Kind.MONEY, 14),
        col("状态", "status", Kind.ENUM, 10, enum=ProposalStatus), col("所属大赛", "competition", width=30),
    ), _proposals),
    ExportKind.NEEDS: (NEEDS.name, NEEDS.columns, _needs),  # the import template's columns: it imports again
    ExportKind.COMPETITIONS: ("大赛", (
        col("名称", "name", width=36), col("年度", "year", Kind.INT, 8),
        col("模式", "mode", Kind.ENUM, 12, enum=CompetitionMode),
        col("状态", "status", Kind.ENUM, 10, enum=CompetitionStatus), col("主办单位", "organizer", width=30),
        col("资金池（元）", "pool_fen", Kind.MONEY, 16), col("单个项目上限（元）", "project_cap_fen", Kind.MONEY, 16),
        col("申报截止", "apply_until", Kind.DATE, 12), col("受理项目数", "proposals", Kind.INT, 10),
    ), lambda db: _fields(lists.competitions(db))),
    ExportKind.JUDGES: ("评审专家", (
        col("姓名", "name", width=10), col("职称", "title", width=16), col("工作单位", "affiliation", width=30),
        col("专长", "expertise", width=30), col("联系电话", "phone", Kind.CODE, 15),
        col("大众评审", "is_public_juror", Kind.BOOL, 10), col("评审组数", "panels", Kind.INT, 10),
        col("回避记录数", "conflicts", Kind.INT, 10),
    ), lambda db: _fields(lists.judges(db))),
}


def export_list(db: Database, kind: ExportKind | str, path: Path) -> int:
    """Writes the list to path (frozen header, filters, widths); returns the number of rows."""
    sheet, columns, rows_of = EXPORTS[ExportKind(kind)]
    book, formats = new_workbook(path)
    count = write_sheet(book, formats, sheet, columns, rows_of(db), autofilter=True)
    close_workbook(book, path)
    return count

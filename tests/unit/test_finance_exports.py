"""The finance office's workbooks (psp_desktop.services.finance): the cash flow month by month with running totals
and a total row, refusals for nothing to export or a folder that cannot be written, and the payment list still
written whole through the shared helper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from psp_desktop.enums import GateKind, ServiceDomain, TrancheStatus
from psp_desktop.errors import ValidationError
from psp_desktop.services import finance
from psp_desktop.services.finance import Month, TrancheRow


def _sheet(path: Path) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def _months() -> list[Month]:
    return [Month(dt.date(2025, 11, 1), 5_000_000, 0), Month(dt.date(2025, 12, 1), 0, 4_000_000),
            Month(dt.date(2026, 1, 1), 3_000_050, 3_000_050)]


def test_cash_flow_workbook_has_months_running_totals_and_a_total_row(tmp_path: Path) -> None:
    path = tmp_path / "资金流.xlsx"
    assert finance.export_cash_flow(_months(), path) == 3
    rows = _sheet(path)
    assert rows[0] == ["月份", "计划拨付（元）", "实际拨付（元）", "差额（元）", "累计计划（元）", "累计实际（元）"]
    assert rows[1] == ["2025-11", 50000.0, 0.0, -50000.0, 50000.0, 0.0]
    assert rows[2] == ["2025-12", 0.0, 40000.0, 40000.0, 50000.0, 40000.0]
    assert rows[3] == ["2026-01", 30000.5, 30000.5, 0.0, 80000.5, 70000.5]
    assert rows[4][:4] == ["合计", 80000.5, 70000.5, -10000.0]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_cash_flow_of_rows_feeds_the_export(tmp_path: Path) -> None:
    paid = _row(1, due_on=dt.date(2025, 10, 20), status=TrancheStatus.PAID, paid_on=dt.date(2025, 11, 3))
    planned = _row(2, due_on=dt.date(2026, 1, 15))
    months = finance.cash_flow_of([paid, planned])
    assert [m.month for m in months] == [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1),
                                         dt.date(2026, 1, 1)]
    assert finance.export_cash_flow(months, tmp_path / "cash.xlsx") == 4
    assert [r[0] for r in _sheet(tmp_path / "cash.xlsx")[1:]] == ["2025-10", "2025-11", "2025-12", "2026-01", "合计"]


def test_nothing_to_export_is_refused_and_no_file_is_made(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no cash flow"):
        finance.export_cash_flow([], tmp_path / "empty.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_plain_refusal(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        finance.export_cash_flow(_months(), tmp_path / "missing" / "cash.xlsx")
    assert caught.value.params["folder"] == tmp_path / "missing"


def test_the_payment_list_is_still_written_through_the_shared_helper(tmp_path: Path) -> None:
    path = tmp_path / "拨付清单.xlsx"
    assert finance.export_payment_list([_row(1), _row(2, status=TrancheStatus.WITHHELD)], path) == 2
    rows = _sheet(path)
    assert rows[0][:3] == ["序号", "大赛", "协议编号"]
    assert rows[2][11] == "暂停拨付"  # the words the Funding page uses
    assert rows[3][6] == "合计" and rows[3][9] == 40000.0
    assert list(tmp_path.iterdir()) == [path]


def _row(seq: int, *, due_on: dt.date | None = None, status: TrancheStatus = TrancheStatus.DUE,
         paid_on: dt.date | None = None) -> TrancheRow:
    paid = 2_000_000 if paid_on else 0
    return TrancheRow(seq, 1, 1, "2025年望江街道公益创投大赛", "XY2025-01-001", "阳光社工服务中心", "工商银行",
                      "6222000011112222", "银龄互助", ServiceDomain.ELDERLY, "望江社区", seq, 2, 2_000_000,
                      GateKind.AGREEMENT_SIGNED, None, "", due_on, status, "", "王会计", paid, paid_on,
                      "PZ-1" if paid_on else "", 0)

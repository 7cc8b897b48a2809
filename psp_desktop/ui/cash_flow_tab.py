"""The Cash flow tab of the Funding page (资金流): planned against paid, month by month, as a chart and a table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    Qt,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ..services import finance
from ..services.finance import Month
from .charts import BarChart, Series
from .labels import money_text
from .table import Column
from .widgets import ColumnFitter, make_table_view

if TYPE_CHECKING:
    from ..db import Database

from .funding_money import (
    PAID_COLOUR,
    PLANNED_COLOUR,
    Derived,
    MarkedModel,
    MoneyTab,
    choose_path,
    percent_text,
)

translate = QCoreApplication.translate


@dataclass(frozen=True)
class CashLine:
    month: dt.date
    planned_fen: int
    paid_fen: int
    planned_total_fen: int
    paid_total_fen: int


def cash_lines(months: Sequence[Month]) -> list[CashLine]:
    out, planned, paid = [], 0, 0
    for m in months:
        planned, paid = planned + m.planned_fen, paid + m.paid_fen
        out.append(CashLine(m.month, m.planned_fen, m.paid_fen, planned, paid))
    return out


CASH_COLUMNS = (
    Derived(QT_TRANSLATE_NOOP("Columns", "Month"), "month", get=lambda r: r.month.strftime("%Y-%m")),
    Column(QT_TRANSLATE_NOOP("Columns", "Planned (yuan)"), "planned_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Paid (yuan)"), "paid_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Planned to date"), "planned_total_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Paid to date"), "paid_total_fen", "money"),
)


def axis_text(fen: float) -> str:
    """Axis ticks: in 万 for Chinese (50万), in whole yuan otherwise."""
    if QLocale().language() == QLocale.Language.Chinese:
        return "0" if not fen else f"{fen / 1_000_000:g}万"
    return f"{fen / 100:,.0f}"


class CashFlowTab(MoneyTab):
    """Month by month, what the schedules plan against what was paid: a bar chart and the figures."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.months: tuple[Month, ...] = ()
        self.chart = BarChart(self)
        self.chart.tick_text = axis_text
        self.chart.value_text = lambda fen: money_text(int(fen))
        self.model = MarkedModel(CASH_COLUMNS, self)
        self.table = make_table_view(self, sortable=False)
        self.table.setModel(self.model)
        self.fitter = ColumnFitter(self.table, None, max_width=200)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.png_button, self.export_button = QPushButton(), QPushButton()
        for button, slot in ((self.png_button, self.save_png), (self.export_button, self.export_data)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.png_button)
        bar.addWidget(self.export_button)
        self.place(bar, self.chart, self.table, Qt.Orientation.Horizontal)
        self.retranslate()

    def job(self, db: Database, competition_id: int | None) -> Callable[[], tuple[Month, ...]]:
        return lambda: tuple(finance.cash_flow(db, competition_id=competition_id))

    def fill(self, data: tuple[Month, ...]) -> None:
        self.months = data
        self.model.set_rows(cash_lines(data))
        self.fitter.fit()
        self.table.setMinimumWidth(min(self.table.horizontalHeader().length() + 40, 560))
        self._show_chart()
        self._update_summary()
        for button in (self.png_button, self.export_button):
            button.setEnabled(bool(data))

    def _show_chart(self) -> None:
        months = self.months
        self.chart.set_data(
            [m.month.strftime("%Y-%m") for m in months],
            [
                Series(translate("FundingMoney", "Planned"), PLANNED_COLOUR, [m.planned_fen for m in months]),
                Series(translate("FundingMoney", "Paid"), PAID_COLOUR, [m.paid_fen for m in months]),
            ],
        )

    def _update_summary(self) -> None:
        planned = sum(m.planned_fen for m in self.months)
        paid = sum(m.paid_fen for m in self.months)
        if not self.months:
            self.summary.setText("")
            return
        self.summary.setText(
            translate("FundingMoney", "{first} to {last}: {planned} yuan planned, {paid} yuan paid ({share}).").format(
                first=self.months[0].month.strftime("%Y-%m"),
                last=self.months[-1].month.strftime("%Y-%m"),
                planned=money_text(planned),
                paid=money_text(paid),
                share=percent_text(paid * 10000 // planned) if planned else "—",
            )
        )

    def save_png(self) -> None:
        path = choose_path(
            self,
            translate("FundingMoney", "Save the chart"),
            translate("FundingMoney", "Cash flow.png"),
            "PNG (*.png)",
            ".png",
        )
        if path is None:
            return
        if self.chart.grab().save(str(path), "PNG"):
            self.show_note(translate("FundingMoney", "Chart saved to {file}.").format(file=path))
        else:
            self.banner.setText(
                translate("FundingMoney", "The chart could not be saved to {file}. Choose another location.").format(
                    file=path
                )
            )
            self.banner.show()

    def export_data(self) -> None:
        months = self.months
        self.export_workbook(
            translate("FundingMoney", "Export the cash flow"),
            translate("FundingMoney", "Cash flow.xlsx"),
            lambda path: finance.export_cash_flow(months, path),
            QT_TRANSLATE_NOOP("FundingMoney", "{count} months written to {file}."),
        )

    def retranslate(self) -> None:
        self.png_button.setText(translate("FundingMoney", "Save chart as PNG…"))
        self.export_button.setText(translate("FundingMoney", "Export data…"))
        self.chart.set_texts(
            translate("FundingMoney", "yuan"),
            translate(
                "FundingMoney",
                "No tranche has an expected date or a payment yet: the cash flow appears once agreements are signed.",
            ),
        )
        self.model.retranslate()
        self.fitter.fit()  # the texts changed width
        if self.months:
            self._show_chart()
        self._update_summary()

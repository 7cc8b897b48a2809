"""The Coverage tab of the Community needs page (需求覆盖): for a year and a district, which needs have a completed,
funded or eligible project and which have none, by community and by service domain, as a stacked bar chart
(ui/qt_charts.py) and tables, and the needs no project answers, highlighted. The whole report exports as a workbook
(services.needs_workbook.export_coverage); the chart saves as a picture and its figures as a workbook.

What counts is decided in services.needs.coverage (its docstring): read it before changing anything here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..errors import PspError
from ..services import needs
from ..services.needs import COMPLETED, ELIGIBLE, FUNDED, NONE, Coverage, CoverageRow
from .forms import ProblemBanner
from .labels import label
from .pdf_actions import documents_folder
from .qt_charts import Bars, ChartCard, bar_chart
from .table import Column, Index, RowTableModel, make_proxy
from .tasks import run_task
from .widgets import ColumnFitter, heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database
    from .pages.needs import NeedsPage

translate = QCoreApplication.translate
STATUS_TEXT = {
    NONE: QT_TRANSLATE_NOOP("Needs", "No project"),
    ELIGIBLE: QT_TRANSLATE_NOOP("Needs", "Eligible project"),
    FUNDED: QT_TRANSLATE_NOOP("Needs", "Funded"),
    COMPLETED: QT_TRANSLATE_NOOP("Needs", "Completed"),
}
STATUS_COLOUR = {COMPLETED: "#2e8b57", FUNDED: "#5b9bd5", ELIGIBLE: "#f0ad4e", NONE: "#d9534f"}  # as the dashboard
CHART_ORDER = needs.REPORT_ORDER  # stacked from the axis outwards: what is met first
UNMET_BACKGROUND = QColor("#fdecea")
UNMET_TEXT = QColor("#b3261e")
NOTE_STYLE = "color: #1e6b2e;"


def status_text(status: str) -> str:
    return translate("Needs", STATUS_TEXT[status])


@dataclass(frozen=True, slots=True)
class SummaryLine:
    name: str
    none: int
    eligible: int
    funded: int
    completed: int
    total: int


def summary_lines(summary: dict[str, dict[str, int]], name: Any = str) -> list[SummaryLine]:
    return [SummaryLine(name(key), c[NONE], c[ELIGIBLE], c[FUNDED], c[COMPLETED], sum(c.values()))
            for key, c in summary.items()]


def _summary_columns(first: str) -> tuple[Column, ...]:
    counts = (StatusHeader(STATUS_TEXT[s], s, "int") for s in CHART_ORDER)
    return (Column(first, "name"), *counts, Column(QT_TRANSLATE_NOOP("Columns", "Total"), "total", "int"))


@dataclass(frozen=True)
class StatusHeader(Column):
    """A count column headed by a status (its source text is in the "Needs" context)."""


class SummaryModel(RowTableModel):
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        column = self.columns[section] if 0 <= section < len(self.columns) else None
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and isinstance(column, StatusHeader)):
            return translate("Needs", column.header)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and self.columns[index.column()].attr == "none":
            return QBrush(UNMET_TEXT) if self.row_at(index.row()).none else None
        return super().data(index, role)


@dataclass(frozen=True)
class StatusColumn(Column):
    def text(self, row: Any) -> str:
        return status_text(row.status)

    def raw(self, row: Any) -> Any:
        return needs.STATUSES.index(row.status)


@dataclass(frozen=True)
class JoinedColumn(Column):
    def text(self, row: Any) -> str:
        return "；".join(getattr(row, self.attr))

    def raw(self, row: Any) -> Any:
        return self.text(row)


NEED_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Community"), "community"),
    Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
    Column(QT_TRANSLATE_NOOP("Columns", "Need"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Priority"), "priority", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "People affected"), "people_affected", "int"),
    StatusColumn(QT_TRANSLATE_NOOP("Columns", "Status"), "status"),
    JoinedColumn(QT_TRANSLATE_NOOP("Columns", "Projects"), "projects"),
    JoinedColumn(QT_TRANSLATE_NOOP("Columns", "Targeted by themes"), "themes"),
)


class NeedModel(RowTableModel):
    """The report's needs; those no project answers are tinted, with a tooltip that says whether a theme at least
    targets them."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: CoverageRow = self.row_at(index.row())
        if row.status == NONE:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(UNMET_BACKGROUND)
            if role == Qt.ItemDataRole.ForegroundRole and self.columns[index.column()].attr == "status":
                return QBrush(UNMET_TEXT)
            if role == Qt.ItemDataRole.FontRole and self.columns[index.column()].attr == "status":
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return (translate("Needs", "No project answers this need, though a theme targets it.")
                        if row.targeted else translate("Needs", "No project answers this need and no theme "
                                                                "targets it."))
        elif role == Qt.ItemDataRole.ToolTipRole and row.projects:
            return "\n".join(row.projects)
        return super().data(index, role)


def _titled(title: QLabel, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(widget, 1)
    return box


class CoverageTab(QWidget):
    def __init__(self, page: NeedsPage) -> None:
        super().__init__(page)
        self.page = page
        self.generation = 0
        self.report: Coverage | None = None
        self.year, self.district = QComboBox(), QComboBox()
        self.year.setMinimumWidth(90)
        self.district.setMinimumWidth(140)
        for combo in (self.year, self.district):
            combo.activated.connect(lambda _index: self.reload())
        self.year_label, self.district_label = QLabel(), QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.export_button = QPushButton()
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(lambda _checked=False: self.export_report())
        bar = QHBoxLayout()
        for widget in (self.year_label, self.year, self.district_label, self.district):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.export_button)
        self.banner = ProblemBanner(self)
        self.note = QLabel()
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.hide()
        self._build_chart()
        self._build_tables()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.card)
        top.addWidget(self.tables)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 3)
        top.setSizes([760, 570])  # the tables' six columns fit beside the chart
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.need_box)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addWidget(body, 1)
        self.retranslate()

    def _build_chart(self) -> None:
        self.card = ChartCard(self)
        self.card.setMinimumHeight(220)  # readable, and the window still fits a small screen
        self.by = QComboBox()
        self.by.addItem("", "community")
        self.by.addItem("", "domain")
        self.by.activated.connect(lambda _index: self._show_chart())
        self.by_label = QLabel()
        self.card.controls.addWidget(self.by_label)
        self.card.controls.addWidget(self.by)

    def _build_tables(self) -> None:
        self.community_model = SummaryModel(_summary_columns(QT_TRANSLATE_NOOP("Columns", "Community")), self)
        self.domain_model = SummaryModel(_summary_columns(QT_TRANSLATE_NOOP("Columns", "Service domain")), self)
        self.summary_views = []
        self.summary_titles = [heading(2), heading(2)]
        self.tables = QWidget()
        layout = QVBoxLayout(self.tables)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, model in zip(self.summary_titles, (self.community_model, self.domain_model), strict=True):
            view = make_table_view(self, sortable=False)
            view.verticalHeader().hide()
            view.setModel(model)
            self.summary_views.append((view, ColumnFitter(view, 0, max_width=160)))
            layout.addWidget(_titled(title, view), 1)
        self.need_model = NeedModel(NEED_COLUMNS, self)
        self.need_proxy = make_proxy(self.need_model, self)
        self.need_view = make_table_view(self)
        self.need_view.setModel(self.need_proxy)
        self.need_fitter = ColumnFitter(self.need_view, 2, max_width=300)
        self.only_unmet = QCheckBox()
        self.only_unmet.toggled.connect(lambda _on: self._show_needs())
        self.need_title = heading(2)
        head = QHBoxLayout()
        head.addWidget(self.need_title)
        head.addStretch(1)
        head.addWidget(self.only_unmet)
        self.need_box = QWidget()
        box = QVBoxLayout(self.need_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(head)
        box.addWidget(self.need_view, 1)

    # --- choosing and loading ---------------------------------------------------------------------------------

    def chosen(self) -> tuple[int | None, str | None]:
        return self.year.currentData(), self.district.currentData()

    def set_choices(self, years: tuple[int, ...], year: int | None, districts: tuple[str, ...]) -> None:
        district = self.district.currentData()
        for combo in (self.year, self.district):
            combo.blockSignals(True)
            combo.clear()
        for value in years:
            self.year.addItem(str(value), value)
        self.year.setCurrentIndex(max(0, self.year.findData(year)))
        self.district.addItem(translate("Needs", "All districts"), None)
        for name in districts:
            self.district.addItem(name, name)
        self.district.setCurrentIndex(max(0, self.district.findData(district)) if district else 0)
        for combo in (self.year, self.district):
            combo.blockSignals(False)

    def reload(self) -> None:
        db: Database | None = self.page.db
        year, district = self.chosen()
        if db is None or year is None:
            return
        self.generation += 1
        generation = self.generation
        run_task(lambda: needs.coverage(db, year, district), lambda report: self._read(generation, report),
                 self.page.show_failure)

    def _read(self, generation: int, report: Coverage) -> None:
        if generation == self.generation:
            self.fill(report)

    def fill(self, report: Coverage | None) -> None:
        self.report = report
        self.export_button.setEnabled(report is not None and bool(report.rows))
        if report is None:
            self.community_model.set_rows([])
            self.domain_model.set_rows([])
            self.need_model.set_rows([])
        else:
            self.community_model.set_rows(summary_lines(report.by_community()))
            self.domain_model.set_rows(summary_lines(report.by_domain(), label))
        for view, fitter in self.summary_views:
            fitter.fit()
            view.setMinimumHeight(min(view.verticalHeader().length() + view.horizontalHeader().height() + 4, 120))
        self._show_summary()
        self._show_chart()
        self._show_needs()

    def _show_summary(self) -> None:
        report = self.report
        if report is None or not report.rows:
            self.summary.setText(translate("Needs", "No needs were collected up to this year."))
            return
        totals = report.totals()
        self.summary.setText(translate(
            "Needs", "{total} needs: {completed} completed, {funded} funded, {eligible} with an eligible project, "
                     "{none} with no project.").format(total=len(report.rows), **totals))

    def _show_chart(self) -> None:
        report = self.report
        by_domain = self.by.currentData() == "domain"
        title = self.chart_title(by_domain)
        if report is None or not report.rows:
            self.card.set_chart(None, title, empty_body=translate(
                "Needs", "The chart appears once needs collected up to this year are recorded."))
            return
        lines = summary_lines(report.by_domain(), label) if by_domain else summary_lines(report.by_community())
        names = [line.name for line in lines]
        series = [Bars(status_text(s), STATUS_COLOUR[s], [getattr(line, s) for line in lines]) for s in CHART_ORDER]
        view = bar_chart(title, names, series, stacked=True, horizontal=True, whole=True,
                         value_title=translate("Needs", "Needs"),
                         tip=lambda name, status, value: translate("Needs", "{name}, {status}: {count}").format(
                             name=name, status=status, count=int(value)))
        view.setMinimumHeight(max(260, 26 * len(names) + 100))  # a bar a community, readable
        headers = [translate("Columns", "Service domain" if by_domain else "Community"),
                   *(status_text(s) for s in CHART_ORDER), translate("Columns", "Total")]
        rows = [[line.name, *(getattr(line, s) for s in CHART_ORDER), line.total] for line in lines]
        self.card.set_chart(view, title, headers, rows)

    def chart_title(self, by_domain: bool) -> str:
        year, district = self.chosen()
        place = district or translate("Needs", "all districts")
        text = (translate("Needs", "Needs by service domain, {place}, {year}") if by_domain
                else translate("Needs", "Needs by community, {place}, {year}"))
        return text.format(place=place, year=year or "")

    def _show_needs(self) -> None:
        report = self.report
        rows = [] if report is None else list(report.uncovered if self.only_unmet.isChecked() else report.rows)
        self.need_model.set_rows(rows)
        self.need_fitter.fit()
        unmet = len(report.uncovered) if report is not None else 0
        self.need_title.setText(translate("Needs", "Needs ({count}; {unmet} with no project, highlighted)").format(
            count=len(report.rows) if report is not None else 0, unmet=unmet))

    # --- the report as a workbook -----------------------------------------------------------------------------

    def export_report(self) -> None:
        from ..services import needs_workbook

        report = self.report
        if report is None:
            return
        name = translate("Needs", "Needs coverage {year}.xlsx").format(year=report.year)
        chosen, _filter = QFileDialog.getSaveFileName(self, translate("Needs", "Export the coverage report"),
                                                      str(documents_folder() / name), "Excel (*.xlsx)")
        if not chosen:
            return
        path = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
        self.banner.clear()
        self.note.hide()
        run_task(lambda: needs_workbook.export_coverage(report, path), self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        self.note.setText(translate("Needs", "The coverage report was saved to {file}.").format(file=path))
        self.note.show()

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.page.show_failure(exc)

    def retranslate(self) -> None:
        self.year_label.setText(translate("Needs", "Year"))
        self.district_label.setText(translate("Needs", "District"))
        if self.district.count():
            self.district.setItemText(0, translate("Needs", "All districts"))
        self.export_button.setText(translate("Needs", "Export the report…"))
        self.export_button.setToolTip(translate(
            "Needs", "A workbook with the figures by community and by service domain and every need with its "
                     "status and projects."))
        self.by_label.setText(translate("Needs", "Show by"))
        self.by.setItemText(0, translate("Needs", "Community"))
        self.by.setItemText(1, translate("Needs", "Service domain"))
        self.summary_titles[0].setText(translate("Needs", "By community"))
        self.summary_titles[1].setText(translate("Needs", "By service domain"))
        self.only_unmet.setText(translate("Needs", "Only needs with no project"))
        for model in (self.community_model, self.domain_model, self.need_model):
            model.retranslate()
        self.card.retranslate()
        if self.report is not None:
            self.fill(self.report)

"""The 模式比较 tab of the Purchasing page (ui/pages/purchasing.py sets the contract): the three ways of buying
services side by side — a table per mode and year (services.mode_comparison.comparison: projects, money committed
and paid, money per direct beneficiary, final evaluation grades, needs covered, organizations and first-time ones),
notes on what each figure means, and four charts (money, projects, grades, first-time and returning organizations)
that save as PNG and export their figures (ui/qt_charts.ChartCard). The whole table exports as a workbook
(mode_comparison.export_xlsx) off the GUI thread; a folder that cannot be written is refused in Chinese.

With every year chosen, a chart adds the years up per mode (an organization funded in two years counts twice)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..enums import CompetitionMode, EvaluationGrade
from ..money import format_yuan
from ..services import mode_comparison
from ..services.evaluation_rules import GRADE_LABELS
from ..services.mode_comparison import Comparison, ComparisonRow
from .funding_money import Derived, MarkedModel, MoneyTab, choose_path
from .labels import label
from .table import Column
from .tasks import run_task
from .widgets import heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database
    from .qt_charts import ChartCard

translate = QCoreApplication.translate
GRADES = (EvaluationGrade.EXCELLENT, EvaluationGrade.GOOD, EvaluationGrade.PASS, EvaluationGrade.FAIL)
GRADE_COLOURS = {EvaluationGrade.EXCELLENT: "#2e8b57", EvaluationGrade.GOOD: "#5b9bd5",
                 EvaluationGrade.PASS: "#f0ad4e", EvaluationGrade.FAIL: "#d9534f"}
COMMITTED_COLOUR, PAID_COLOUR = "#9dbfe3", "#1d4f91"
PROJECTS_COLOUR = "#5b9bd5"
FIRST_COLOUR, RETURNING_COLOUR = "#f0ad4e", "#7f8c9d"
CHARTS = ("money", "projects", "grades", "organizations")
WIDE = 980  # pixels: two charts a row from here on
NOTES = (  # what each figure means (mode_comparison's docstring); Chinese as in its workbook's 口径说明
    QT_TRANSLATE_NOOP("ModeComparison", "Projects: those of the mode and year whose award is committed, signed or "
                                        "completed (the year is the competition's)."),
    QT_TRANSLATE_NOOP("ModeComparison", "Committed and paid as on the Funding page: committed is every tranche not "
                                        "cancelled, paid is the payments made."),
    QT_TRANSLATE_NOOP("ModeComparison", "Per beneficiary = committed ÷ the funded projects' direct beneficiaries, "
                                        "rounded to the fen; blank when none are recorded."),
    QT_TRANSLATE_NOOP("ModeComparison", "Grades: the mid-term and final evaluations made final (their objection "
                                        "period over); a project still running has only its mid-term grade."),
    QT_TRANSLATE_NOOP("ModeComparison", "Needs covered = needs the mode's funded projects answer ÷ the needs "
                                        "collected up to that year and not yet met; one need may be answered in "
                                        "several modes."),
    QT_TRANSLATE_NOOP("ModeComparison", "First-time organizations: never funded before that year, in any mode."),
)


def mode_text(mode: CompetitionMode) -> str:
    return label(mode)


def grade_text(grade: EvaluationGrade) -> str:
    return translate("Evaluations", GRADE_LABELS[grade])


def per_beneficiary_text(row: ComparisonRow) -> str:
    fen = row.per_beneficiary_fen
    return "—" if fen is None else format_yuan(fen)


def needs_text(row: ComparisonRow) -> str:
    share = mode_comparison.share_text(row)
    return f"{row.needs_covered}/{row.needs_total}" + (f"（{share}）" if share else "")


def _grade_column(header: str, grade: EvaluationGrade, *, midterm: bool = False) -> Derived:
    if midterm:
        return Derived(header, f"midterm_{grade.value}", "int", get=lambda r: r.midterm_grades.get(grade, 0))
    return Derived(header, f"grade_{grade.value}", "int", get=lambda r: r.grades.get(grade, 0))


COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Year"), "year", "int"),
    Derived(QT_TRANSLATE_NOOP("Columns", "Mode"), "mode", get=lambda r: mode_text(r.mode)),
    Column(QT_TRANSLATE_NOOP("Columns", "Projects funded"), "projects", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Committed (yuan)"), "committed_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Paid (yuan)"), "paid_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Direct beneficiaries"), "direct_beneficiaries", "int"),
    Derived(QT_TRANSLATE_NOOP("Columns", "Per beneficiary (yuan)"), "per_beneficiary", "int",
            get=lambda r: -1 if r.per_beneficiary_fen is None else r.per_beneficiary_fen, show=per_beneficiary_text),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Mid-term: excellent"), EvaluationGrade.EXCELLENT, midterm=True),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Mid-term: good"), EvaluationGrade.GOOD, midterm=True),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Mid-term: pass"), EvaluationGrade.PASS, midterm=True),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Mid-term: fail"), EvaluationGrade.FAIL, midterm=True),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Final: excellent"), EvaluationGrade.EXCELLENT),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Final: good"), EvaluationGrade.GOOD),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Final: pass"), EvaluationGrade.PASS),
    _grade_column(QT_TRANSLATE_NOOP("Columns", "Final: fail"), EvaluationGrade.FAIL),
    Derived(QT_TRANSLATE_NOOP("Columns", "Needs covered"), "needs", "int",
            get=lambda r: r.needs_share_x10000 or 0, show=needs_text),
    Column(QT_TRANSLATE_NOOP("Columns", "Organizations funded"), "organizations", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "First-time organizations"), "first_time_organizations", "int"),
)


class ChartGrid(QWidget):
    """Chart cards two a row when the tab is wide, one a row when it is narrow (a small screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.cards: list[QWidget] = []
        self.columns = 0

    def add(self, card: QWidget) -> None:
        self.cards.append(card)
        self.arrange(force=True)

    def arrange(self, force: bool = False) -> None:
        columns = 2 if self.width() >= WIDE else 1
        if columns == self.columns and not force:
            return
        self.columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(card, index // columns, index % columns)
        for col in range(2):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange()


class ModeComparisonTab(MoneyTab):
    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.result: Comparison | None = None
        self.all_years: tuple[int, ...] = ()
        self.cards: dict[str, ChartCard] = {}
        self.model = MarkedModel(COLUMNS, self)
        self.view = make_table_view(self, sortable=False)
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_bar()
        self.table_title, self.notes_title, self.charts_title = heading(2), heading(1), heading(2)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")
        self.chart_grid = ChartGrid(self)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 6, 0)
        for widget in (self.table_title, self.view, self.notes_title, self.notes, self.charts_title,
                       self.chart_grid):
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.layout_.addLayout(self.bar)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.scroll, 1)
        self.retranslate()

    def _build_bar(self) -> None:
        self.year_label = QLabel()
        self.year = QComboBox()
        self.year.setMinimumContentsLength(6)
        self.year.addItem("", None)
        self.year.activated.connect(lambda _i: self.refresh())
        self.export_button = QPushButton()
        self.export_button.setAutoDefault(False)
        self.export_button.setObjectName("comparison_export")
        self.export_button.clicked.connect(lambda _checked=False: self.export_table())
        self.bar = QHBoxLayout()
        for widget in (self.year_label, self.year):
            self.bar.addWidget(widget)
        self.bar.addStretch(1)
        self.bar.addWidget(self.export_button)

    # --- loading -------------------------------------------------------------------------------------------

    def years(self) -> list[int] | None:
        year = self.year.currentData()
        return None if year is None else [year]

    def job(self, db: Database, competition_id: int | None) -> Any:
        years, today = self.years(), _page_today(self.page)
        return lambda: mode_comparison.comparison(db, years, today=today)

    def nothing(self) -> None:
        return None

    def fill(self, result: Comparison | None) -> None:
        self.result = result
        if result is not None and self.years() is None:
            self.all_years = result.years
            self._fill_years()
        rows = list(result.rows) if result is not None else []
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader().height()
        self.view.setFixedHeight(header + self.view.verticalHeader().defaultSectionSize() * max(len(rows), 1) + 24)
        self.export_button.setEnabled(bool(rows))
        self.draw_all()

    def _fill_years(self) -> None:
        chosen = self.year.currentData()
        self.year.clear()
        self.year.addItem(translate("ModeComparison", "All years"), None)
        for year in reversed(self.all_years):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))

    # --- charts --------------------------------------------------------------------------------------------

    def _ensure_cards(self) -> None:
        if self.cards:
            return
        from .qt_charts import ChartCard  # QtCharts loads with the first chart

        for key in CHARTS:
            card = ChartCard(self)
            card.setProperty("chart", key)
            card.setMinimumHeight(380)
            self.cards[key] = card
            self.chart_grid.add(card)

    def scope(self) -> str:
        year = self.year.currentData()
        return (translate("ModeComparison", "{year}").format(year=year) if year is not None
                else translate("ModeComparison", "all years added up"))

    def totals(self) -> list[tuple[CompetitionMode, list[ComparisonRow]]]:
        rows = list(self.result.rows) if self.result is not None else []
        return [(mode, [r for r in rows if r.mode is mode]) for mode in CompetitionMode]

    def draw_all(self) -> None:
        self._ensure_cards()
        modes = self.totals()
        if not any(r.projects or r.committed_fen for _m, rows in modes for r in rows):
            for key in CHARTS:
                self.cards[key].set_chart(None, self.chart_title(key), empty_body=translate(
                    "ModeComparison", "The charts appear once a competition, tender or commission has funded "
                                      "projects in the years chosen."))
            return
        self.draw_money(modes)
        self.draw_projects(modes)
        self.draw_grades(modes)
        self.draw_organizations(modes)

    def chart_title(self, key: str) -> str:
        titles = {"money": translate("ModeComparison", "Money committed and paid by mode, {scope}"),
                  "projects": translate("ModeComparison", "Projects funded by mode, {scope}"),
                  "grades": translate("ModeComparison", "Final evaluation grades by mode, {scope}")
                  if getattr(self, "grades_kind", "grades") == "grades"
                  else translate("ModeComparison", "Mid-term evaluation grades by mode (no final one yet), {scope}"),
                  "organizations": translate("ModeComparison", "First-time and returning organizations, {scope}")}
        return titles[key].format(scope=self.scope())

    def _bars(self, key: str, modes: Sequence[tuple[CompetitionMode, list[ComparisonRow]]], series: list[Any],
              headers: list[str], rows: list[list[Any]], *, stacked: bool = False, whole: bool = True,
              value_title: str = "") -> None:
        from .qt_charts import bar_chart

        title = self.chart_title(key)
        names = [mode_text(m) for m, _rows in modes]
        view = bar_chart(title, names, series, stacked=stacked, whole=whole, value_title=value_title,
                         labels=not stacked and len(series) == 1,
                         tip=lambda category, name, value: translate(
                             "ModeComparison", "{mode} · {series}: {value}").format(
                             mode=category, series=name, value=f"{value:g}"))
        self.cards[key].set_chart(view, title, headers, rows)

    def draw_money(self, modes: Sequence[tuple[CompetitionMode, list[ComparisonRow]]]) -> None:
        from .qt_charts import Bars, Fen

        committed = [sum(r.committed_fen for r in rows) for _m, rows in modes]
        paid = [sum(r.paid_fen for r in rows) for _m, rows in modes]
        series = [Bars(translate("ModeComparison", "Committed"), COMMITTED_COLOUR, [f / 1_000_000 for f in committed]),
                  Bars(translate("ModeComparison", "Paid"), PAID_COLOUR, [f / 1_000_000 for f in paid])]
        headers = [translate("Columns", "Mode"), translate("Columns", "Committed (yuan)"),
                   translate("Columns", "Paid (yuan)")]
        rows = [[mode_text(m), Fen(c), Fen(p)] for (m, _r), c, p in zip(modes, committed, paid, strict=True)]
        self._bars("money", modes, series, headers, rows, whole=False,
                   value_title=translate("ModeComparison", "10,000 yuan"))

    def draw_projects(self, modes: Sequence[tuple[CompetitionMode, list[ComparisonRow]]]) -> None:
        from .qt_charts import Bars

        counts = [sum(r.projects for r in rows) for _m, rows in modes]
        series = [Bars(translate("ModeComparison", "Projects"), PROJECTS_COLOUR, counts)]
        headers = [translate("Columns", "Mode"), translate("Columns", "Projects funded")]
        rows = [[mode_text(m), n] for (m, _r), n in zip(modes, counts, strict=True)]
        self._bars("projects", modes, series, headers, rows, value_title=translate("ModeComparison", "Projects"))

    def draw_grades(self, modes: Sequence[tuple[CompetitionMode, list[ComparisonRow]]]) -> None:
        from .qt_charts import Bars

        counts = {g: [sum(r.grades.get(g, 0) for r in rows) for _m, rows in modes] for g in GRADES}
        self.grades_kind = "grades"
        if not any(sum(values) for values in counts.values()):  # projects still running: their mid-term grades
            counts = {g: [sum(r.midterm_grades.get(g, 0) for r in rows) for _m, rows in modes] for g in GRADES}
            self.grades_kind = "midterm"
        if not any(sum(values) for values in counts.values()):
            self.cards["grades"].set_chart(None, self.chart_title("grades"), empty_body=translate(
                "ModeComparison", "No evaluation is final yet (after its objection period) in these years."))
            return
        series = [Bars(grade_text(g), GRADE_COLOURS[g], counts[g]) for g in GRADES]
        headers = [translate("Columns", "Mode"), *(grade_text(g) for g in GRADES)]
        rows = [[mode_text(m), *(counts[g][i] for g in GRADES)] for i, (m, _r) in enumerate(modes)]
        self._bars("grades", modes, series, headers, rows, stacked=True,
                   value_title=translate("ModeComparison", "Evaluations"))

    def draw_organizations(self, modes: Sequence[tuple[CompetitionMode, list[ComparisonRow]]]) -> None:
        from .qt_charts import Bars

        first = [sum(r.first_time_organizations for r in rows) for _m, rows in modes]
        returning = [sum(r.organizations - r.first_time_organizations for r in rows) for _m, rows in modes]
        series = [Bars(translate("ModeComparison", "First-time"), FIRST_COLOUR, first),
                  Bars(translate("ModeComparison", "Funded before"), RETURNING_COLOUR, returning)]
        headers = [translate("Columns", "Mode"), translate("ModeComparison", "First-time"),
                   translate("ModeComparison", "Funded before")]
        rows = [[mode_text(m), f, r] for (m, _rows), f, r in zip(modes, first, returning, strict=True)]
        self._bars("organizations", modes, series, headers, rows, stacked=True,
                   value_title=translate("ModeComparison", "Organizations"))

    # --- the workbook --------------------------------------------------------------------------------------

    def export_table(self) -> None:
        db = self.db
        if db is None or self.result is None:
            return
        name = translate("ModeComparison", "Comparing the modes {scope}.xlsx").format(scope=self.scope())
        path = choose_path(self, translate("ModeComparison", "Export the comparison"), name, "Excel (*.xlsx)",
                           ".xlsx")
        if path is None:
            return
        years, today = self.years(), _page_today(self.page)
        self.banner.clear()
        self.note.hide()
        run_task(lambda: mode_comparison.export_xlsx(db, path, years, today=today),
                 lambda count: self._exported(path, count), self.show_refusal)

    def _exported(self, path: Path, count: int) -> None:
        self.show_note(translate("ModeComparison", "{count} rows saved to {file}.").format(count=count, file=path))

    def retranslate(self) -> None:
        self.year_label.setText(translate("ModeComparison", "Year"))
        if self.year.count():
            self.year.setItemText(0, translate("ModeComparison", "All years"))
        self.export_button.setText(translate("ModeComparison", "Export the table…"))
        self.export_button.setToolTip(translate(
            "ModeComparison", "A workbook with every row of the table and the notes on what each figure means."))
        self.table_title.setText(translate("ModeComparison", "The three modes per year"))
        self.notes_title.setText(translate("ModeComparison", "What the figures mean"))
        self.notes.setText("\n".join(f"{n}. {translate('ModeComparison', text)}"
                                     for n, text in enumerate(NOTES, start=1)))
        self.charts_title.setText(translate("ModeComparison", "Charts"))
        self.model.retranslate()
        for card in self.cards.values():
            card.retranslate()
        if self.result is not None:
            self.draw_all()


def _page_today(page: QWidget) -> dt.date:
    today = getattr(page, "today", None)
    return today() if callable(today) else dt.date.today()

"""Native charts (QtCharts) with Chinese that can be read, and their exports; shared by every page that draws one.

- `chart_view(chart)`, `new_chart(title)`: a QChartView in the app's UI font (ui/fonts.py: the Chinese family list),
  axis and legend text at least 10 pt, white background, no animation (a grab must show the finished chart).
- `bar_chart`, `histogram`, `pie_chart`: the chart kinds the dashboard uses (grouped or stacked, vertical or
  horizontal bars; a histogram's bars touch; a pie with its figures in the legend, never clipped slice labels).
- `export_png(view, path)`, `export_xlsx(path, title, headers, rows)`: the file appears whole or not at all
  (written next to the target, then renamed); a folder that cannot be written is a ValidationError with the
  standard Chinese message. Money cells are `Fen(amount)`: written as yuan from integer fen with Decimal, shown
  with two decimals.
- `ChartCard`: a chart with 保存图片… and 导出数据… buttons, room for choosers, an empty state and a banner.

This module imports QtCharts: import it when a chart is first needed, not at start-up.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..errors import QT_TRANSLATE_NOOP, PspError, ValidationError
from .charts import nice_ticks
from .fonts import BASE_POINT_SIZE
from .forms import ProblemBanner
from .pdf_actions import documents_folder
from .widgets import EmptyState

translate = QCoreApplication.translate
TEXT = QColor("#333333")
GRID = QColor("#e3e7ed")
NOTE_STYLE = "color: #1e6b2e;"
CANNOT_WRITE = QT_TRANSLATE_NOOP("Errors", "Cannot write to the folder {folder}. Choose another location.")
NOT_IN_NAMES = '\\/:*?"<>|'  # characters Windows refuses in file names


@dataclass(frozen=True)
class Bars:
    """One series of bars: its legend name, colour ("#rrggbb") and one value per category."""

    name: str
    color: str
    values: Sequence[float]


@dataclass(frozen=True)
class Fen:
    """An amount in fen in an exported row: written as yuan with two decimals."""

    value: int


# --- fonts and the chart itself ----------------------------------------------------------------------------------


def chart_font(delta: float = 0, *, bold: bool = False) -> QFont:
    """The application's font (its Chinese family list) at a readable size."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE) + delta)
    font.setBold(bold)
    return font


def new_chart(title: str = "") -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setTitleFont(chart_font(2, bold=True))
    chart.setTitleBrush(TEXT)
    chart.setTitle(title)
    legend = chart.legend()
    legend.setFont(chart_font())
    legend.setLabelColor(TEXT)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def chart_view(chart: QChart, min_height: int = 320) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setBackgroundBrush(QColor("#ffffff"))
    view.setMinimumHeight(min_height)
    view.setMinimumWidth(360)
    return view


def _style_axis(axis: Any, title: str = "") -> None:
    axis.setLabelsFont(chart_font())
    axis.setLabelsColor(TEXT)
    axis.setGridLineColor(GRID)
    if title:
        axis.setTitleFont(chart_font(-0.5))
        axis.setTitleBrush(TEXT)
        axis.setTitleText(title)


def value_axis(top: float, *, whole: bool, title: str = "") -> QValueAxis:
    """0 to a round top with round ticks; whole: counts, so every tick is an integer."""
    ticks = nice_ticks(max(top, 1.0 if whole else 0.0), 5)
    if whole:
        step = max(1, math.ceil(ticks[1] - ticks[0]))
        ticks = [float(i * step) for i in range(math.ceil(max(top, 1) / step) + 1)]
    axis = QValueAxis()
    axis.setRange(0, ticks[-1])
    axis.setTickCount(len(ticks))
    step = ticks[1] - ticks[0]
    axis.setLabelFormat("%d" if whole or step >= 1 else "%.1f" if step >= 0.1 else "%.2f")
    _style_axis(axis, title)
    return axis


# --- kinds of chart ----------------------------------------------------------------------------------------------


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Bars], *, stacked: bool = False,
              horizontal: bool = False, whole: bool = False, value_title: str = "", labels: bool = False,
              tip: Callable[[str, str, float], str] | None = None) -> QChartView:
    """Bars per category, one colour per series. Horizontal bars list the categories from the top, as read (and
    the bars of a group in legend order). whole: the values are counts. tip(category, series, value) gives the
    hover text."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    order = list(reversed(range(len(categories)))) if horizontal else list(range(len(categories)))
    kind = {(False, False): QBarSeries, (True, False): QStackedBarSeries, (False, True): QHorizontalBarSeries,
            (True, True): QHorizontalStackedBarSeries}[(stacked, horizontal)]
    bars: QAbstractBarSeries = kind()
    grouped_across = horizontal and not stacked  # Qt draws a group's first set at the bottom
    for s in (reversed(series) if grouped_across else series):
        bar_set = QBarSet(s.name)
        bar_set.setColor(QColor(s.color))
        bar_set.setBorderColor(QColor(s.color))
        bar_set.setLabelColor(TEXT if not stacked else QColor("#ffffff"))
        bar_set.setLabelFont(chart_font(-1))
        bar_set.append([float(s.values[i]) for i in order])
        if tip is not None:
            _connect_tip(bar_set, [categories[i] for i in order], s.name, tip)
        bars.append(bar_set)
    if labels:
        bars.setLabelsVisible(True)
        bars.setLabelsFormat("@value")
        if not stacked:
            bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    top = (max((sum(s.values[i] for s in series) for i in order), default=0.0) if stacked
           else max((v for s in series for v in s.values), default=0.0))
    chart = new_chart(title)
    chart.addSeries(bars)
    category_axis = QBarCategoryAxis()
    category_axis.append([categories[i] for i in order])
    _style_axis(category_axis)
    category_axis.setGridLineVisible(False)
    values = value_axis(top * (1.12 if labels and not stacked else 1.0), whole=whole, title=value_title)
    chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(category_axis)
    bars.attachAxis(values)
    chart.legend().setVisible(len(series) > 1)
    chart.legend().setReverseMarkers(grouped_across)
    return chart_view(chart)


def histogram(title: str, labels: Sequence[str], counts: Sequence[int], color: str, *, value_title: str = "",
              category_title: str = "") -> QChartView:
    """Counts per bin, the bars touching, each count written above its bar."""
    view = bar_chart(title, labels, [Bars("", color, counts)], whole=True, value_title=value_title, labels=True)
    chart = view.chart()
    for series in chart.series():
        series.setBarWidth(0.96)
    axis = chart.axes(Qt.Orientation.Horizontal)[0]
    if category_title:
        _style_axis(axis, category_title)
        axis.setGridLineVisible(False)
    return view


def pie_chart(title: str, slices: Sequence[tuple[str, float, str]],
              tip: Callable[[str, float], str] | None = None) -> QChartView:
    """Slices (legend text, value, colour); the figures go in the legend at the right, where they always fit."""
    series = QPieSeries()
    series.setPieSize(0.78)
    for text, value, color in slices:
        piece = series.append(text, float(value))
        piece.setColor(QColor(color))
        piece.setBorderColor(QColor("#ffffff"))
        piece.setLabelVisible(False)
        if tip is not None:
            piece.hovered.connect(lambda on, text=text, value=value: _show_tip(on, tip(text, value)))
    chart = new_chart(title)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart_view(chart)


def _connect_tip(bar_set: QBarSet, categories: list[str], name: str, tip: Callable[[str, str, float], str]) -> None:
    bar_set.hovered.connect(lambda on, index: _show_tip(on, tip(categories[index], name, bar_set.at(index))))


def _show_tip(on: bool, text: str) -> None:
    if on:
        QToolTip.showText(QCursor.pos(), text)
    else:
        QToolTip.hideText()


# --- exports -----------------------------------------------------------------------------------------------------


def safe_file_name(text: str) -> str:
    """A chart title as a file name: characters Windows refuses become "_"."""
    return "".join("_" if c in NOT_IN_NAMES else c for c in text).strip() or "chart"


@contextlib.contextmanager
def _replaced(path: Path, suffix: str) -> Any:
    """A temporary file next to path, renamed onto it when the body succeeds, removed otherwise."""
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=".~", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise ValidationError(CANNOT_WRITE, folder=path.parent) from exc
    os.close(handle)
    try:
        yield Path(temp)
        os.replace(temp, path)
    except OSError as exc:
        raise ValidationError(CANNOT_WRITE, folder=path.parent) from exc
    finally:
        Path(temp).unlink(missing_ok=True)


def export_png(view: QWidget, path: Path | str) -> Path:
    """The widget as shown (for a chart view: the chart with its title, axes and legend) as a PNG file."""
    path = Path(path)
    image = view.grab()
    with _replaced(path, ".png") as temp:
        if not image.save(str(temp), "PNG"):
            raise OSError(f"could not write {temp}")
    return path


def export_xlsx(path: Path | str, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """A workbook of one sheet: the title in the first row, the headers (bold, frozen) in the second, then the rows.
    Fen cells become yuan with two decimals; text never becomes a formula. Returns the rows written."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    path = Path(path)
    with _replaced(path, ".xlsx") as temp:
        book = xlsxwriter.Workbook(str(temp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
        sheet = book.add_worksheet(_sheet_name(title))
        formats = {"title": book.add_format({"bold": True, "font_size": 13}),
                   "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                              "align": "center", "valign": "vcenter"}),
                   "money": book.add_format({"num_format": "#,##0.00"}),
                   "text": book.add_format({}), "quoted": book.add_format({"quote_prefix": True})}
        sheet.write_string(0, 0, title, formats["title"])
        for col, header in enumerate(headers):
            sheet.write_string(1, col, header, formats["header"])
            sheet.set_column(col, col, max(12, min(40, 2 * len(header) + 4)))
        sheet.freeze_panes(2, 0)
        for r, row in enumerate(rows, start=2):
            for col, value in enumerate(row):
                _write_cell(sheet, r, col, value, formats)
        try:
            book.close()
        except FileCreateError as exc:
            raise OSError(str(exc)) from exc
    return len(rows)


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> None:
    if isinstance(value, Fen):
        sheet.write_number(row, col, Decimal(int(value.value)).scaleb(-2), formats["money"])
    elif isinstance(value, bool) or value is None:
        sheet.write_string(row, col, "" if value is None else str(value), formats["text"])
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, value)
    else:
        text = str(value)
        sheet.write_string(row, col, text, formats["quoted" if text.startswith(("=", "+", "-", "@")) else "text"])


def _sheet_name(title: str) -> str:
    name = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return name[:31] or "Sheet1"


# --- a chart with its buttons ------------------------------------------------------------------------------------


class ChartCard(QFrame):
    """A framed chart with 保存图片… and 导出数据…, a row for choosers (`controls`), an empty state when there is
    nothing to draw, a red banner for a refusal and a green note after a save."""

    saved = Signal(str)  # the file written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setStyleSheet("#chartCard { background: #ffffff; border: 1px solid #d8e0ea; border-radius: 6px; }")
        self.title = ""
        self.headers: list[str] = []
        self.rows: list[Sequence[Any]] = []
        self.view: QChartView | None = None
        self.controls = QHBoxLayout()
        self.png_button, self.xlsx_button = QPushButton(), QPushButton()
        for button, slot in ((self.png_button, self.save_png), (self.xlsx_button, self.export_data)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addLayout(self.controls)
        bar.addStretch(1)
        bar.addWidget(self.png_button)
        bar.addWidget(self.xlsx_button)
        self.empty = EmptyState(self)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.empty)
        self.banner = ProblemBanner(self)
        self.note = QLabel(self)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        self.setMinimumHeight(420)
        self.retranslate()

    def set_chart(self, view: QChartView | None, title: str, headers: Sequence[str] = (),
                  rows: Sequence[Sequence[Any]] = (), empty_body: str = "") -> None:
        """Shows view (None: the empty state, with the title and empty_body); headers and rows are what 导出数据
        writes."""
        if self.view is not None:
            self.stack.removeWidget(self.view)
            self.view.deleteLater()
        self.view, self.title, self.headers, self.rows = view, title, list(headers), list(rows)
        if view is None:
            self.empty.set_text(title, empty_body)
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.addWidget(view)
            self.stack.setCurrentWidget(view)
        self.png_button.setEnabled(view is not None)
        self.xlsx_button.setEnabled(bool(self.rows))
        self.banner.clear()
        self.note.hide()

    def save_png(self) -> None:
        if self.view is None:
            return
        path = self._choose(translate("Charts", "Save the chart as a picture"), ".png", "PNG (*.png)")
        if path is not None:
            self._run(lambda: export_png(self.view, path), path)  # type: ignore[arg-type]

    def export_data(self) -> None:
        if not self.rows:
            return
        path = self._choose(translate("Charts", "Export the chart's data"), ".xlsx",
                            translate("Charts", "Excel workbook (*.xlsx)"))
        if path is not None:
            self._run(lambda: export_xlsx(path, self.title, self.headers, self.rows), path)

    def _choose(self, caption: str, suffix: str, kind: str) -> Path | None:
        suggested = documents_folder() / (safe_file_name(self.title) + suffix)
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, str(suggested), kind)
        if not chosen:
            return None
        return Path(chosen if chosen.lower().endswith(suffix) else chosen + suffix)

    def _run(self, action: Callable[[], Any], path: Path) -> None:
        """A small file written on the GUI thread (a chart's picture must be grabbed there anyway)."""
        self.banner.clear()
        self.note.hide()
        try:
            action()
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.note.setText(translate("Charts", "Saved to {file}.").format(file=path))
        self.note.show()
        self.saved.emit(str(path))

    def retranslate(self) -> None:
        self.png_button.setText(translate("Charts", "Save picture…"))
        self.xlsx_button.setText(translate("Charts", "Export data…"))

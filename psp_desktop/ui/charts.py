"""A small bar chart drawn with QPainter (this install has no QtCharts): grouped bars for a few series over
categories (months), a value axis with round ticks, a legend, category labels thinned so they never overlap, and
the figures of a category as a tooltip on hover.

Geometry and ticks are plain functions, so they can be checked without painting."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

AXIS = QColor("#8a8f98")
GRID = QColor("#e3e7ed")
TEXT = QColor("#333333")
MUTED = QColor("#777777")
HOVER = QColor(29, 79, 145, 22)
MARGIN = 10
LEGEND_SWATCH = 12


@dataclass(frozen=True)
class Series:
    name: str
    color: str  # "#rrggbb"
    values: Sequence[float]


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def label_step(widths: Sequence[int], slot: float, gap: int = 8) -> int:
    """Show every n-th category label, n the smallest that keeps the widest label within n slots."""
    if not widths or slot <= 0:
        return 1
    return max(1, math.ceil((max(widths) + gap) / slot))


class BarChart(QWidget):
    """Grouped bars: one group per category, one bar per series. Values must not be negative."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.unit = ""
        self.empty_text = ""
        self.tick_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.value_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.hovered: int | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        if any(len(s.values) != len(categories) for s in series):
            raise ValueError("every series needs one value per category")
        self.categories, self.series = list(categories), list(series)
        self.hovered = None
        self.update()

    def set_texts(self, unit: str, empty_text: str) -> None:
        """The axis caption (e.g. "yuan") and what to say when there is nothing to draw."""
        self.unit, self.empty_text = unit, empty_text
        self.update()

    @property
    def top_value(self) -> float:
        return max((v for s in self.series for v in s.values), default=0.0)

    # --- geometry ---------------------------------------------------------------------------------------------

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        return font

    def plot_rect(self) -> QRectF:
        """The area the bars fill, inside the axis labels, the unit caption and the legend."""
        metrics = QFontMetrics(self._small_font())
        ticks = nice_ticks(self.top_value)
        left = max(metrics.horizontalAdvance(self.tick_text(t)) for t in ticks) + 10
        top = metrics.height() * 2 + MARGIN  # the legend and the unit caption
        bottom = metrics.height() + 10
        return QRectF(MARGIN + left, MARGIN + top, max(1, self.width() - 2 * MARGIN - left - 4),
                      max(1, self.height() - 2 * MARGIN - top - bottom))

    def category_at(self, x: float) -> int | None:
        if not self.categories:
            return None
        plot = self.plot_rect()
        if not plot.left() <= x < plot.right():
            return None
        return min(len(self.categories) - 1, int((x - plot.left()) / (plot.width() / len(self.categories))))

    # --- painting ---------------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setFont(self._small_font())
        if not self.categories or not self.series:
            painter.setPen(MUTED)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
            painter.end()
            return
        plot = self.plot_rect()
        ticks = nice_ticks(self.top_value)
        self._paint_axis(painter, plot, ticks)
        self._paint_bars(painter, plot, ticks[-1])
        self._paint_categories(painter, plot)
        self._paint_legend(painter)
        painter.end()

    def _paint_axis(self, painter: QPainter, plot: QRectF, ticks: Sequence[float]) -> None:
        metrics = painter.fontMetrics()
        for tick in ticks:
            y = plot.bottom() - plot.height() * tick / ticks[-1]
            painter.setPen(QPen(GRID if tick else AXIS, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(TEXT)
            box = QRectF(MARGIN, y - metrics.height() / 2, plot.left() - MARGIN - 6, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.tick_text(tick))
        painter.setPen(MUTED)
        painter.drawText(QRectF(MARGIN, MARGIN + metrics.height(), plot.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.unit)

    def _paint_bars(self, painter: QPainter, plot: QRectF, top: float) -> None:
        slot = plot.width() / len(self.categories)
        group = slot * 0.72
        bar = group / len(self.series)
        painter.setPen(Qt.PenStyle.NoPen)
        if self.hovered is not None:
            painter.fillRect(QRectF(plot.left() + self.hovered * slot, plot.top(), slot, plot.height()), HOVER)
        for n, series in enumerate(self.series):
            painter.setBrush(QColor(series.color))
            for i, value in enumerate(series.values):
                height = plot.height() * max(0.0, value) / top
                if height <= 0:
                    continue
                x = plot.left() + i * slot + (slot - group) / 2 + n * bar
                painter.drawRect(QRectF(x + 0.5, plot.bottom() - height, max(1.0, bar - 1), height))

    def _paint_categories(self, painter: QPainter, plot: QRectF) -> None:
        metrics = painter.fontMetrics()
        slot = plot.width() / len(self.categories)
        step = label_step([metrics.horizontalAdvance(c) for c in self.categories], slot)
        painter.setPen(TEXT)
        for i, text in enumerate(self.categories):
            if i % step:
                continue
            width = metrics.horizontalAdvance(text) + 4
            left = plot.left() + (i + 0.5) * slot - width / 2
            left = min(max(left, 0.0), self.width() - width)  # the first and last labels stay inside
            painter.drawText(QRectF(left, plot.bottom() + 4, width, metrics.height()), Qt.AlignmentFlag.AlignCenter,
                             text)

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = painter.fontMetrics()
        x = self.width() - MARGIN
        for series in reversed(self.series):
            width = metrics.horizontalAdvance(series.name)
            x -= width
            painter.setPen(TEXT)
            painter.drawText(QRectF(x, MARGIN, width + 2, metrics.height()), Qt.AlignmentFlag.AlignVCenter,
                             series.name)
            x -= LEGEND_SWATCH + 6
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(series.color))
            painter.drawRect(QRectF(x, MARGIN + (metrics.height() - LEGEND_SWATCH) / 2, LEGEND_SWATCH,
                                    LEGEND_SWATCH))
            x -= 18

    # --- hover --------------------------------------------------------------------------------------------------

    def tooltip_text(self, index: int) -> str:
        lines = [self.categories[index]]
        lines += [f"{s.name}: {self.value_text(s.values[index])}" for s in self.series]
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.category_at(event.position().x())
        if index != self.hovered:
            self.hovered = index
            self.update()
        if index is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(index), self)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered = None
        self.update()
        super().leaveEvent(event)

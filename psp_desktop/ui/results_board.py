"""The live results board for a projector or second screen, driven by staff from the Results page.

Before staff reveal anything it shows only progress: sheets in out of the total and a bar per proposal by intake
number (never a title, a score or a judge). `reveal(n)` uncovers the ranking n places from the bottom upward, for a
ceremony; `reveal(None)` shows it all. Figures are read again every few seconds off the GUI thread, and whatever is
not revealed never reaches a widget or a model.

Controller API: ResultsBoard(db, round_id=…) or ResultsBoard(db, competition_id=…), show_on(screen), reveal(n|None),
hide_results(), refresh(). Escape closes the board.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QFontMetrics, QKeyEvent, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QStackedLayout,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..errors import PspError
from ..services import rankings
from ..services.scoring import points_text
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex

REFRESH_MS = 5000
MIN_ROW_HEIGHT = 50
ROW_HEIGHT = 76
RANK_WIDTH, SCORE_WIDTH = 150, 220
GOLD = "#ffd166"

# Dark background, white and gold type: readable on a projector in a lit hall.
STYLE = f"""
#resultsBoard {{ background: #0f2747; }}
#resultsBoard QLabel {{ color: #ffffff; font-size: 28px; }}
#resultsBoard QLabel#boardTitle {{ font-size: 60px; font-weight: bold; }}
#resultsBoard QLabel#boardCompetition {{ font-size: 32px; color: #c9d6ea; }}
#resultsBoard QLabel#boardStatus {{ font-size: 22px; color: #c9d6ea; }}
#resultsBoard QLabel#bigCount {{ font-size: 96px; font-weight: bold; color: {GOLD}; }}
#resultsBoard QLabel#countCaption {{ font-size: 34px; }}
#resultsBoard QLabel#pending {{ font-size: 34px; font-weight: bold; color: {GOLD}; }}
#resultsBoard QLabel#cellNumber {{ font-size: 26px; font-weight: bold; }}
#resultsBoard QLabel#cellCount {{ font-size: 26px; }}
#resultsBoard QScrollArea, #resultsBoard QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
#resultsBoard QProgressBar {{ border: 2px solid #c9d6ea; border-radius: 8px; background: #1c3b66; }}
#resultsBoard QProgressBar::chunk {{ background: #5cc98a; border-radius: 6px; }}
#resultsBoard QProgressBar#overall {{ min-height: 40px; }}
#resultsBoard QTableView {{ background: #0f2747; alternate-background-color: #173a69; color: #ffffff;
                            font-size: 40px; border: none; gridline-color: transparent; }}
#resultsBoard QHeaderView::section {{ background: #0f2747; color: {GOLD}; font-size: 28px; font-weight: bold;
                                      border: none; border-bottom: 2px solid {GOLD}; padding: 6px 12px; }}
"""


# --- what the board shows, read in a worker --------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressCell:
    intake_number: str
    done: int
    total: int


@dataclass(frozen=True)
class BoardRow:
    rank: int
    title: str
    organization: str  # empty in a blind round: never even in the model
    score: str


@dataclass(frozen=True)
class BoardData:
    competition: str
    round_name: str  # the round shown, or the round in progress for a final ranking
    final: bool
    blind: bool
    sheets_in: int
    sheets_total: int
    progress: tuple[ProgressCell, ...]  # by intake number: the order says nothing about scores
    ranking: tuple[BoardRow, ...]  # best first


def load_board(db: Database, round_id: int | None, competition_id: int | None) -> BoardData:
    """Plain data for the board (runs in a worker; no Qt here)."""
    if round_id is not None:
        report = rankings.round_report(db, round_id)
        rows = tuple(BoardRow(p.rank, report.proposals[p.proposal_id].title,
                              "" if report.blind else report.proposals[p.proposal_id].organization,
                              points_text(p.score, report.decimals))
                     for p in report.result.proposals if p.rank is not None)
        return BoardData(report.competition, report.name, False, report.blind, report.sheets_in,
                         report.sheets_total, _progress(report), rows)
    assert competition_id is not None
    final = rankings.final_report(db, competition_id)
    current = final.rounds[-1] if final.rounds else None
    decimals = max((r.decimals for r in final.rounds), default=2)
    names, blind = final.names, bool(current and current.blind)
    rows = tuple(BoardRow(f.rank, names[f.proposal_id].title, "" if blind else names[f.proposal_id].organization,
                          points_text(f.score, decimals)) for f in final.finals if f.rank is not None)
    return BoardData(final.competition, current.name if current else "", True, blind,
                     current.sheets_in if current else 0, current.sheets_total if current else 0,
                     _progress(current) if current else (), rows)


def _progress(report: rankings.RoundReport) -> tuple[ProgressCell, ...]:
    cells = [ProgressCell(report.proposals[p.proposal_id].intake_number, len(p.judges), len(p.judges) + len(p.missing))
             for p in report.result.proposals]
    return tuple(sorted(cells, key=lambda c: c.intake_number))


def visible_rows(ranking: tuple[BoardRow, ...], revealed: int | None) -> tuple[BoardRow, ...]:
    """The rows staff have revealed: all (None), none (0), or the last n of the ranking, best first."""
    if revealed is None:
        return ranking
    return ranking[max(0, len(ranking) - revealed):] if revealed > 0 else ()


# --- widgets -----------------------------------------------------------------------------------------------------


class RankingModel(QAbstractTableModel):
    """Only revealed rows are ever put here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[BoardRow, ...] = ()

    def set_rows(self, rows: tuple[BoardRow, ...]) -> None:
        if rows != self.rows:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (translate("ResultsBoard", "Rank"), translate("ResultsBoard", "Project"),
                    translate("ResultsBoard", "Organization"), translate("ResultsBoard", "Score"))[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(section))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(row.rank), row.title, row.organization, row.score)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(index.column()))
        if role == Qt.ItemDataRole.ForegroundRole and row.rank <= 3:
            return QColor(GOLD)
        return None

    @staticmethod
    def _alignment(column: int) -> Qt.AlignmentFlag:
        horizontal = Qt.AlignmentFlag.AlignLeft if column in (1, 2) else Qt.AlignmentFlag.AlignCenter
        return horizontal | Qt.AlignmentFlag.AlignVCenter


class FitDelegate(QStyledItemDelegate):
    """Long titles or names shrink to fit (down to MIN_PIXELS) instead of being cut off; one size for the whole
    column, so the rows read as one list rather than a patchwork of type sizes."""

    MIN_PIXELS = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sizes: dict[int, int] = {}

    def fit(self, column: int, font: QFont, texts: list[str], room: int) -> None:
        font = QFont(font)
        size = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 4 / 3)
        widest = max(texts, key=lambda t: QFontMetrics(font).horizontalAdvance(t), default="")
        while size > self.MIN_PIXELS and QFontMetrics(font).horizontalAdvance(widest) > room - 24:
            size -= 2
            font.setPixelSize(size)
        self.sizes[column] = size

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if index.column() in self.sizes:
            font = QFont(option.font)
            font.setPixelSize(self.sizes[index.column()])
            option.font = font


class ProgressCellWidget(QFrame):
    """One proposal's sheets: intake number, a bar, done / total."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = QLabel()
        self.number.setObjectName("cellNumber")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(26)
        self.count = QLabel()
        self.count.setObjectName("cellCount")
        self.count.setMinimumWidth(80)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(14)
        layout.addWidget(self.number)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.count)

    def set(self, cell: ProgressCell) -> None:
        self.number.setText(cell.intake_number)
        self.bar.setRange(0, max(cell.total, 1))
        self.bar.setValue(cell.done)
        self.count.setText(f"{cell.done} / {cell.total}")


class ResultsBoard(QWidget):
    """Progress until staff reveal; then the ranking, bottom-up or all at once."""

    def __init__(self, db: Database, round_id: int | None = None, competition_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        if (round_id is None) == (competition_id is None):
            raise ValueError("ResultsBoard shows one round or one competition")
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.round_id, self.competition_id = round_id, competition_id
        self.data: BoardData | None = None
        self.revealed: int | None = 0  # places shown from the bottom; None: all
        self.loading = False
        self.closed = False
        self.cells: list[ProgressCellWidget] = []
        self.setObjectName("resultsBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWindowTitle(translate("ResultsBoard", "Results board — PSP Desktop"))
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._render()
        self.refresh()

    def _build(self) -> None:
        self.competition = self._label("boardCompetition")
        self.title = self._label("boardTitle")
        self.status = self._label("boardStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        heading = QVBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(self.competition)
        heading.addWidget(self.title)
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        top.addWidget(self.status)
        self.pages = QStackedLayout()
        self.pages.addWidget(self._build_progress())
        self.pages.addWidget(self._build_ranking())
        root = QVBoxLayout(self)
        root.setContentsMargins(60, 40, 60, 40)
        root.setSpacing(24)
        root.addLayout(top)
        root.addLayout(self.pages, 1)

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        return label

    def _build_progress(self) -> QWidget:
        page = QWidget()
        self.count = self._label("bigCount")
        self.count_caption = self._label("countCaption")
        self.overall = QProgressBar()
        self.overall.setObjectName("overall")
        self.overall.setTextVisible(False)
        figures = QHBoxLayout()
        figures.setSpacing(30)
        figures.addWidget(self.count)
        figures.addWidget(self.count_caption, 0, Qt.AlignmentFlag.AlignBottom)
        figures.addStretch(1)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(40)
        self.grid.setVerticalSpacing(6)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addLayout(self.grid)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        layout.addLayout(figures)
        layout.addWidget(self.overall)
        layout.addSpacing(12)
        layout.addWidget(scroll, 1)
        return page

    def _build_ranking(self) -> QWidget:
        page = QWidget()
        self.pending = self._label("pending")
        self.model = RankingModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.fit = FitDelegate(self.table)
        self.table.setItemDelegateForColumn(1, self.fit)
        self.table.setItemDelegateForColumn(2, self.fit)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, RANK_WIDTH)
        header.resizeSection(3, SCORE_WIDTH)
        self.table.viewport().installEventFilter(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pending)
        layout.addWidget(self.table, 1)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_rows()
            self._fit_columns()
        return False

    def _fit_columns(self) -> None:
        """Title and organization share the width by the length of their longest entries."""
        room = self.table.viewport().width() - RANK_WIDTH - SCORE_WIDTH
        metrics = QFontMetrics(self.table.font())
        title = max((metrics.horizontalAdvance(r.title) for r in self.model.rows), default=1)
        org = 0 if self.table.isColumnHidden(2) else max(
            (metrics.horizontalAdvance(r.organization) for r in self.model.rows), default=1)
        share = 1.0 if not org else min(0.7, max(0.4, title / (title + org)))
        self.table.setColumnWidth(1, int(room * share))
        self.table.setColumnWidth(2, room - int(room * share))
        font = self.table.font()
        self.fit.fit(1, font, [r.title for r in self.model.rows], self.table.columnWidth(1))
        self.fit.fit(2, font, [r.organization for r in self.model.rows], self.table.columnWidth(2))
        self.table.viewport().update()

    def _fit_rows(self) -> None:
        """Rows a little taller rather than a last row cut in half on the projector."""
        height = self.table.viewport().height()
        if height > 0:  # the whole list on one screen when rows as low as MIN_ROW_HEIGHT allow it
            wanted = min(ROW_HEIGHT, max(MIN_ROW_HEIGHT, height // max(1, self.model.rowCount())))
            self.table.verticalHeader().setDefaultSectionSize(height // max(1, height // wanted))

    # --- controller API

    def show_on(self, screen: QScreen | None = None) -> None:
        """Full screen on the given screen (the projector), or on the current one."""
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    def reveal(self, count: int | None) -> None:
        """Shows the ranking: None everything, n the last n places (bottom-up, for a ceremony)."""
        if count is not None and count < 0:
            raise ValueError("count must be None or at least 0")
        self.revealed = count
        self._render()

    def hide_results(self) -> None:
        """Back to progress only."""
        self.revealed = 0
        self._render()

    def refresh(self) -> None:
        """Reads the figures again in the background (also every few seconds by itself)."""
        if self.loading or self.closed:
            return
        self.loading = True
        round_id, competition_id = self.round_id, self.competition_id
        run_task(lambda: load_board(self.db, round_id, competition_id), self._loaded, self._failed)

    # --- rendering

    def _loaded(self, data: BoardData) -> None:
        self.loading = False
        if self.closed or not isValid(self):
            return
        self.data = data
        self._render()
        self.status.setText(translate("ResultsBoard", "Updated {time}").format(
            time=QTime.currentTime().toString("HH:mm:ss")))

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        if self.closed or not isValid(self):
            return
        message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        self.status.setText(translate("ResultsBoard", "Could not update: {error}").format(error=message))

    def _render(self) -> None:
        data = self.data
        if data is None:
            self.competition.clear()
            self.title.setText(translate("ResultsBoard", "Loading…"))
            self.model.set_rows(())
            self.pages.setCurrentIndex(0)
            return
        self.competition.setText(data.competition)
        if self.revealed == 0:
            self._render_progress(data)
        else:
            self._render_ranking(data)

    def _render_progress(self, data: BoardData) -> None:
        self.model.set_rows(())  # nothing unrevealed stays behind in a model
        self.pending.clear()
        self.title.setText(translate("ResultsBoard", "{round} · scoring in progress").format(round=data.round_name)
                           if data.sheets_in < data.sheets_total else
                           translate("ResultsBoard", "{round} · all score sheets are in").format(
                               round=data.round_name))
        self.count.setText(f"{data.sheets_in} / {data.sheets_total}")
        self.count_caption.setText(translate("ResultsBoard", "score sheets in"))
        self.overall.setRange(0, max(data.sheets_total, 1))
        self.overall.setValue(data.sheets_in)
        self._fill_cells(data.progress)
        self.pages.setCurrentIndex(0)

    def _fill_cells(self, cells: tuple[ProgressCell, ...]) -> None:
        if len(cells) != len(self.cells):
            for widget in self.cells:
                widget.setParent(None)
                widget.deleteLater()
            self.cells = [ProgressCellWidget() for _cell in cells]
            columns = min(6, max(2, math.ceil(len(cells) / 10)))
            rows = math.ceil(len(cells) / columns) if cells else 0
            for index, widget in enumerate(self.cells):  # down the columns, like a printed list
                self.grid.addWidget(widget, index % rows, index // rows)
        for widget, cell in zip(self.cells, cells, strict=True):
            widget.set(cell)

    def _render_ranking(self, data: BoardData) -> None:
        rows = visible_rows(data.ranking, self.revealed)
        self.title.setText(translate("ResultsBoard", "Final ranking") if data.final
                           else translate("ResultsBoard", "{round} · ranking").format(round=data.round_name))
        hidden = len(data.ranking) - len(rows)
        self.pending.setText(translate("ResultsBoard", "{count} places still to be revealed").format(count=hidden)
                             if hidden else "")
        self.pending.setVisible(bool(hidden))
        if rows != self.model.rows:
            self.model.set_rows(rows)
            self.table.scrollToTop()  # the newest place revealed, or the winner, at the top
        self.table.setColumnHidden(2, data.blind)
        self._fit_rows()
        self._fit_columns()
        self.pages.setCurrentIndex(1)

    # --- keys and closing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            bar = self.table.verticalScrollBar()
            bar.setValue(bar.value() + (bar.pageStep() if key == Qt.Key.Key_PageDown else -bar.pageStep()))
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self.closed:  # shown again after Escape: live again
            self.closed = False
            self.timer.start()
            self.refresh()
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed = True
        self.timer.stop()
        super().closeEvent(event)

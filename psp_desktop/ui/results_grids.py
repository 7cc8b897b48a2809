"""The tables of the Results page as grids of plain cells, built from the rankings service's reports by plain
functions (testable without widgets), and the one read-only model that shows them. Its sort role is numeric, so
9 sorts before 10 and a sheet that is not in never sorts as a zero."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from ..enums import Aggregation
from ..services.rankings import FinalReport, RoundReport
from ..services.scoring import FinalScore, JudgeScore, ProposalScore, points_text
from ..services.sheet_states import SheetLine, SheetState
from .table import ROW_ROLE, SORT_ROLE, make_proxy
from .widgets import ColumnFitter, heading, make_table_view, search_box

translate = QCoreApplication.translate

UNRANKED = 1e9  # sorts after every rank
NOTHING = -1.0  # a score that is not there sorts below every real score

MARKED_BACKGROUND = QColor("#fff3d6")  # a row whose figures are provisional or incomplete
FLAG_BACKGROUND = QColor("#fdecea")
MISSING_TEXT = QColor("#c62828")
MUTED_TEXT = QColor("#888888")

STATE_LABELS = {
    SheetState.SUBMITTED: QT_TRANSLATE_NOOP("Results", "In"),
    SheetState.NOT_STARTED: QT_TRANSLATE_NOOP("Results", "Not started"),
    SheetState.DRAFT: QT_TRANSLATE_NOOP("Results", "Draft"),
    SheetState.REOPENED: QT_TRANSLATE_NOOP("Results", "Reopened"),
    SheetState.PAPER_ONCE: QT_TRANSLATE_NOOP("Results", "Paper keyed once"),
    SheetState.PAPER_MISMATCH: QT_TRANSLATE_NOOP("Results", "Paper mismatch"),
}

HEADERS = {
    "rank": QT_TRANSLATE_NOOP("Results", "Rank"),
    "intake": QT_TRANSLATE_NOOP("Results", "Intake no."),
    "project": QT_TRANSLATE_NOOP("Results", "Project"),
    "organization": QT_TRANSLATE_NOOP("Results", "Organization"),
    "score": QT_TRANSLATE_NOOP("Results", "Score"),
    "advanced": QT_TRANSLATE_NOOP("Results", "Advanced"),
    "trimmed": QT_TRANSLATE_NOOP("Results", "Trimmed"),
    "not_in": QT_TRANSLATE_NOOP("Results", "Sheets not in"),
    "judge": QT_TRANSLATE_NOOP("Results", "Judge"),
    "sheets": QT_TRANSLATE_NOOP("Results", "Sheets"),
    "mean": QT_TRANSLATE_NOOP("Results", "Mean"),
    "leniency": QT_TRANSLATE_NOOP("Results", "Leniency vs the others"),
    "flag": QT_TRANSLATE_NOOP("Results", "Flag"),
    "std_dev": QT_TRANSLATE_NOOP("Results", "Std. deviation"),
    "spread": QT_TRANSLATE_NOOP("Results", "Highest − lowest"),
    "others": QT_TRANSLATE_NOOP("Results", "Others' mean"),
    "difference": QT_TRANSLATE_NOOP("Results", "Difference"),
    "state": QT_TRANSLATE_NOOP("Results", "State"),
    "final": QT_TRANSLATE_NOOP("Results", "Final score"),
    "provisional": QT_TRANSLATE_NOOP("Results", "Final score (provisional)"),
    "note": QT_TRANSLATE_NOOP("Results", "Note"),
}


def label_text(text: str) -> str:
    """A source string marked elsewhere (QT_TRANSLATE_NOOP "Results"), translated now."""
    return translate("Results", text)


def headers(*keys: str) -> list[str]:
    return [label_text(HEADERS[key]) for key in keys]


def weighted(name: str, percent: int) -> str:
    return translate("Results", "{name} ({percent}%)").format(name=name, percent=percent)


# --- cells ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str = ""
    sort: float | str | None = None  # None: the text
    tip: str = ""
    tone: str = ""  # "" | missing | dropped | flag | muted
    numeric: bool = False


@dataclass(frozen=True)
class GridRow:
    key: Any  # the proposal (or judge) the row is about
    cells: tuple[Cell, ...]
    marked: bool = False  # provisional or incomplete: the whole row is tinted


@dataclass(frozen=True)
class Grid:
    headers: tuple[str, ...] = ()
    rows: tuple[GridRow, ...] = ()
    header_tips: Mapping[int, str] = field(default_factory=dict)
    judge_columns: Mapping[int, int] = field(default_factory=dict)  # column → judge id
    stretch: int | None = None  # the column that takes spare width


def points_cell(value: Decimal | Fraction | float | None, decimals: int, *, tip: str = "", tone: str = "",
                signed: bool = False) -> Cell:
    if value is None:
        return Cell("—", NOTHING, tip, tone or "muted", True)
    text = points_text(value, decimals)
    return Cell("+" + text if signed and value > 0 else text, float(value), tip, tone, True)


def count_cell(value: int, text: str | None = None, *, tip: str = "", tone: str = "") -> Cell:
    return Cell(str(value) if text is None else text, float(value), tip, tone, True)


def rank_cell(rank: int | None) -> Cell:
    return Cell(str(rank), float(rank), numeric=True) if rank else Cell("—", UNRANKED, tone="muted", numeric=True)


def yes_no(value: bool | None) -> Cell:
    if value is None:
        return Cell("—", 0.5, tone="muted")
    return Cell(translate("Columns", "Yes") if value else translate("Columns", "No"), float(value))


def title_cell(title: str) -> Cell:
    return Cell(title, tip=title)  # long titles are cut off in the column; the tooltip has them whole


# --- the model -----------------------------------------------------------------------------------------------


class GridModel(QAbstractTableModel):
    """A read-only grid; SORT_ROLE gives numbers for numeric columns, ROW_ROLE the row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.grid = Grid()

    def set_grid(self, grid: Grid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def row_at(self, row: int) -> GridRow:
        return self.grid.rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.grid.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.grid.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.grid.header_tips.get(section) or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.grid.rows) or index.column() >= len(self.grid.headers):
            return None
        row = self.grid.rows[index.row()]
        cell = row.cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == SORT_ROLE:
            return cell.text if cell.sort is None else cell.sort
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if cell.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return _look(row, cell, role)


def _look(row: GridRow, cell: Cell, role: int) -> Any:
    if role == Qt.ItemDataRole.ForegroundRole:
        if cell.tone == "missing":
            return QBrush(MISSING_TEXT)
        if cell.tone in ("dropped", "muted"):
            return QBrush(MUTED_TEXT)
    if role == Qt.ItemDataRole.BackgroundRole:
        if cell.tone == "flag":
            return QBrush(FLAG_BACKGROUND)
        if row.marked:
            return QBrush(MARKED_BACKGROUND)
    if role == Qt.ItemDataRole.FontRole and cell.tone in ("dropped", "missing"):
        font = QFont()
        font.setItalic(cell.tone == "dropped")
        font.setBold(cell.tone == "missing")
        return font
    return None


# --- a round's ranking ---------------------------------------------------------------------------------------


def state_text(line: SheetLine | None) -> str:
    if line is None:
        return label_text(STATE_LABELS[SheetState.NOT_STARTED])
    text = label_text(STATE_LABELS[line.state])
    keyed = [name for name in (line.first_by, line.second_by) if name]
    if keyed and line.state in (SheetState.PAPER_ONCE, SheetState.PAPER_MISMATCH):
        text += translate("Results", " (keyed by {names})").format(names="、".join(keyed))
    return text


def judge_order(report: RoundReport) -> list[int]:
    """Judges by group (in the round's group order), then by name."""
    groups = list(report.result.spec.group_weights)
    group_of: dict[int, int | None] = {}
    for p in report.result.proposals:
        for j in p.judges:
            group_of.setdefault(j.judge_id, j.group_id)
    ids = {j for p in report.result.proposals for j in [*(s.judge_id for s in p.judges), *p.missing]}
    return sorted(ids, key=lambda j: (groups.index(group_of[j]) if group_of.get(j) in groups else len(groups),
                                      report.judges.get(j, ""), j))


def ranking_grid(report: RoundReport, lines: Mapping[tuple[int, int], SheetLine]) -> Grid:
    """Rank, proposal, score, group scores, advanced, trimmed, sheets not in, then one column per judge."""
    spec = report.result.spec
    groups = [g for g in spec.group_weights if g is not None]
    judges = judge_order(report)
    names = headers("rank", "intake", "project", "organization", "score", "not_in")  # missing sheets beside the score
    names += [weighted(report.groups.get(g, ""), spec.group_weights[g]) for g in groups]
    trimming = spec.aggregation == Aggregation.TRIMMED_MEAN  # the column means nothing in other rounds
    names += headers("advanced", *(["trimmed"] if trimming else []))
    first_judge = len(names)
    names += [report.judges.get(j, "") for j in judges]
    group_names = {j.judge_id: report.groups.get(j.group_id, "") for p in report.result.proposals for j in p.judges}
    tips = {first_judge + i: group_names[j] for i, j in enumerate(judges) if group_names.get(j)}
    if trimming:
        tips[first_judge - 1] = translate("Results", "Whether the highest and the lowest score were dropped.")
    rows = tuple(_ranking_row(report, p, groups, judges, lines) for p in report.result.proposals)
    return Grid(tuple(names), rows, tips, {first_judge + i: j for i, j in enumerate(judges)}, 2)


def _ranking_row(report: RoundReport, p: ProposalScore, groups: Sequence[int], judges: Sequence[int],
                 lines: Mapping[tuple[int, int], SheetLine]) -> GridRow:
    decimals = report.decimals
    name = report.proposals[p.proposal_id]
    missing = "、".join(report.judges.get(j, "") for j in p.missing)
    if p.score is None:
        score = Cell("—", NOTHING, translate("Results", "No sheet is in yet."), "muted", True)
    elif p.missing:
        score = points_cell(p.score, decimals, tip=translate(
            "Results", "Provisional: {count} sheets are not in ({names}).").format(count=len(p.missing), names=missing))
    else:
        score = points_cell(p.score, decimals)
    cells = [rank_cell(p.rank), Cell(name.intake_number), title_cell(name.title), Cell(name.organization), score]
    if p.missing:
        cells.append(count_cell(len(p.missing), f"⚠ {len(p.missing)}", tone="missing",
                                tip=translate("Results", "Not in: {names}").format(names=missing)))
    else:
        cells.append(count_cell(0, ""))
    cells += [points_cell(p.group_scores.get(g), decimals) for g in groups]
    cells.append(yes_no(p.advanced if p.rank else None))
    if report.result.spec.aggregation == Aggregation.TRIMMED_MEAN:
        cells.append(yes_no(p.trimmed))
    by_judge = {j.judge_id: j for j in p.judges}
    cells += [_judge_cell(report, by_judge.get(j), j in p.missing, lines.get((j, p.proposal_id))) for j in judges]
    return GridRow(p.proposal_id, tuple(cells), bool(p.missing) or p.score is None)


def _judge_cell(report: RoundReport, score: JudgeScore | None, missing: bool, line: SheetLine | None) -> Cell:
    """A judge's raw total; "not in" (never a zero) when the sheet is missing; blank when not assigned."""
    if missing:
        return Cell(translate("Results", "Not in"), NOTHING, state_text(line), "missing", True)
    if score is None:
        if line is not None and line.conflicted:
            return Cell(translate("Results", "Conflict"), -2.0,
                        translate("Results", "Conflict of interest: this sheet does not count."), "muted", True)
        return Cell("", -3.0, numeric=True)
    text = points_text(score.raw, report.decimals)
    tip = ""
    if score.normalized is not None:
        text = translate("Results", "{raw} → {normalized}").format(
            raw=text, normalized=points_text(score.normalized, report.decimals))
        tip = translate("Results", "Raw total → normalized (z-score over the judge's own sheets).")
    if score.dropped:
        return Cell(translate("Results", "{score} (dropped)").format(score=text), float(score.raw),
                    translate("Results", "Dropped as a highest or lowest score."), "dropped", True)
    return Cell(text, float(score.raw), tip, numeric=True)


# --- diagnostics ---------------------------------------------------------------------------------------------


def judges_grid(report: RoundReport) -> Grid:
    d = report.decimals
    rows = []
    # the most lenient or severe first
    for j in sorted(report.diagnostics.judges, key=lambda j: -abs(j.leniency) if j.leniency is not None else 0):
        flag = ""
        if j.flagged and j.leniency is not None:
            flag = translate("Results", "⚠ Lenient") if j.leniency > 0 else translate("Results", "⚠ Severe")
        tone = "flag" if j.flagged else ""
        rows.append(GridRow(j.judge_id, (
            Cell(report.judges.get(j.judge_id, "")), count_cell(j.sheets), points_cell(j.mean, d),
            points_cell(j.leniency, d, signed=True, tone=tone), Cell(flag, tone=tone))))
    return Grid(tuple(headers("judge", "sheets", "mean", "leniency", "flag")), tuple(rows), stretch=0)


def spread_grid(report: RoundReport) -> Grid:
    d = report.decimals
    rows = []
    # the widest disagreement first
    for p in sorted(report.diagnostics.proposals, key=lambda p: -p.spread if p.spread is not None else 0):
        name = report.proposals[p.proposal_id]
        tone = "flag" if p.flagged else ""
        flag = translate("Results", "⚠ Judges disagree") if p.flagged else ""
        rows.append(GridRow(p.proposal_id, (
            Cell(name.intake_number), title_cell(name.title), count_cell(p.sheets), points_cell(p.std_dev, d),
            points_cell(p.spread, d, tone=tone), Cell(flag, tone=tone))))
    return Grid(tuple(headers("intake", "project", "sheets", "std_dev", "spread", "flag")), tuple(rows), stretch=1)


def outliers_grid(report: RoundReport) -> Grid:
    d = report.decimals
    rows = tuple(GridRow(o.proposal_id, (
        Cell(report.judges.get(o.judge_id, "")), Cell(report.proposals[o.proposal_id].intake_number),
        title_cell(report.proposals[o.proposal_id].title), points_cell(o.raw, d), points_cell(o.others_mean, d),
        points_cell(o.raw - o.others_mean, d, signed=True))) for o in report.diagnostics.outliers)
    return Grid(tuple(headers("judge", "intake", "project", "score", "others", "difference")), rows, stretch=2)


def unsubmitted_grid(report: RoundReport, lines: Mapping[tuple[int, int], SheetLine]) -> Grid:
    missing = sorted(report.diagnostics.missing, key=lambda m: (report.judges.get(m[0], ""), m))
    rows = tuple(GridRow(p, (
        Cell(report.judges.get(j, "")), Cell(report.proposals[p].intake_number),
        title_cell(report.proposals[p].title), Cell(state_text(lines.get((j, p))), tone="missing")))
        for j, p in missing)
    return Grid(tuple(headers("judge", "intake", "project", "state")), rows, stretch=2)


# --- the final ranking ---------------------------------------------------------------------------------------


def final_grid(final: FinalReport) -> Grid:
    """Finalists ranked first; those who left earlier or lack a round's score follow, unranked, with a note."""
    rounds = list(final.rounds)
    # final only when the weighted rounds add up to 100% and every one of them is frozen
    complete = final.weights_ok and sum(r.result.spec.weight_percent for r in rounds) == 100 and \
        all(r.frozen for r in rounds)
    names = headers("rank", "intake", "project", "organization")
    names += [weighted(r.name, r.result.spec.weight_percent) for r in rounds]
    names += headers("final" if complete else "provisional", "note")
    proposals = final.names
    decimals = max((r.decimals for r in rounds), default=2)
    rows = []
    for f in final.finals:
        name = proposals.get(f.proposal_id)
        cells = [rank_cell(f.rank), Cell(name.intake_number if name else ""), title_cell(name.title if name else ""),
                 Cell(name.organization if name else "")]
        cells += [points_cell(f.round_scores.get(r.seq), r.decimals) for r in rounds]
        cells += [points_cell(f.score, decimals), Cell(_final_note(final, f), tone="muted")]
        rows.append(GridRow(f.proposal_id, tuple(cells), f.rank is None))
    return Grid(tuple(names), tuple(rows), stretch=2)


def _final_note(final: FinalReport, f: FinalScore) -> str:
    """Why a proposal is not ranked: it did not advance, or a round has no score for it yet."""
    if f.rank is not None:
        return ""
    for earlier, later in zip(final.rounds, final.rounds[1:], strict=False):
        got = earlier.result.by_proposal().get(f.proposal_id)
        if got is not None and got.rank is not None and not got.advanced \
                and f.proposal_id not in later.result.by_proposal():
            return translate("Results", "Did not advance after “{round}”").format(round=earlier.name)
    lacking = [r.name for r in final.rounds if r.result.spec.weight_percent > 0 and r.seq not in f.round_scores]
    return translate("Results", "No score yet in “{round}”").format(round="、".join(lacking)) if lacking else ""


# --- a titled table ------------------------------------------------------------------------------------------


class GridSection(QWidget):
    """A titled grid with a note, and optionally a search box; says so plainly when it has no rows."""

    def __init__(self, parent: QWidget | None = None, *, searchable: bool = False, fit_width: bool = False,
                 max_width: int = 300) -> None:
        super().__init__(parent)
        self.fit_width = fit_width  # columns share the visible width (small panes) instead of scrolling
        self.caption = heading(2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.nothing = QLabel()
        self.nothing.setStyleSheet("color: #2e7d32;")
        self.model = GridModel(self)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.view.verticalHeader().hide()  # the rank, not a row number, heads each row
        self.fitter = ColumnFitter(self.view, None, max_width=max_width)
        self.count = QLabel()
        self.search = search_box(self) if searchable else None
        bar = QHBoxLayout()
        bar.addWidget(self.caption)
        bar.addStretch(1)
        bar.addWidget(self.count)
        if self.search is not None:
            self.search.textChanged.connect(self._filter)
            bar.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.nothing)
        layout.addWidget(self.view, 1)

    def set_grid(self, grid: Grid, nothing_text: str = "") -> None:
        other_table = grid.headers != self.model.grid.headers  # another round: start from the top left again
        self.model.set_grid(grid)
        if other_table:
            self.view.horizontalScrollBar().setValue(0)
            self.view.scrollToTop()
        if self.fit_width:
            header = self.view.horizontalHeader()
            for column in range(len(grid.headers)):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == grid.stretch
                                            else QHeaderView.ResizeMode.ResizeToContents)
        else:
            self.fitter.stretch = grid.stretch
            self.fitter.fit()
        empty = not grid.rows and bool(nothing_text)
        self.nothing.setText(nothing_text)
        self.nothing.setVisible(empty)
        self.view.setVisible(not empty)
        self._update_count()

    def set_texts(self, caption: str, note: str = "") -> None:
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if self.search is not None:
            self.search.setPlaceholderText(translate("Results", "Search intake no., project or organization…"))

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(translate("Pages", "{shown} of {total}").format(shown=shown, total=total)
                           if shown != total else translate("Pages", "{total} rows").format(total=total))

"""Who scores what in one review round: automatic assignment, each judge's load, each proposal's coverage, and
manual changes (a conflicted pair is refused by the service, and the refusal shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError
from ...services import judging, roster
from ...services.judging import AssignmentOverview, AssignReport, Coverage
from ..forms import ProblemBanner
from ..table import Column, Index, RowTableModel, make_proxy
from ..tasks import run_task
from ..widgets import make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
SHORT_BACKGROUND = QColor("#fdecea")

LOAD_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Judge"), "name"),
    Column(QT_TRANSLATE_NOOP("Columns", "Judge group"), "group"),
    Column(QT_TRANSLATE_NOOP("Columns", "Assigned"), "assigned", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Submitted"), "submitted", "int"),
)
COVERAGE_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Judges"), "judges"),
    Column(QT_TRANSLATE_NOOP("Columns", "Submitted / wanted"), "progress"),
)
GROUP_COLUMN = 1
TITLE_COLUMN, ORGANIZATION_COLUMN, JUDGES_COLUMN = 1, 2, 3


@dataclass(frozen=True, slots=True)
class CoverageLine:
    """A proposal's coverage as the table shows it; short when it has fewer judges than wanted."""

    proposal_id: int
    intake_number: str
    title: str
    organization: str
    judges: str
    assigned: int
    submitted: int
    wanted: int

    @classmethod
    def of(cls, row: Coverage) -> CoverageLine:
        return cls(row.proposal_id, row.intake_number, row.title, row.organization, "、".join(row.judges),
                   len(row.judges), row.submitted, row.wanted)

    @property
    def progress(self) -> str:
        return f"{self.submitted} / {self.wanted}"

    @property
    def short(self) -> bool:
        return self.assigned < self.wanted


class CoverageModel(RowTableModel):
    """Proposals still lacking judges are tinted; the judges' names are in the tooltip."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.row() < self.rowCount():
            line: CoverageLine = self.row_at(index.row())
            if role == Qt.ItemDataRole.BackgroundRole and line.short:
                return SHORT_BACKGROUND
            if role == Qt.ItemDataRole.ToolTipRole:
                return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


class AssignmentDialog(QDialog):
    def __init__(self, db: Database, round_id: int, by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.round_id, self.by = db, round_id, by
        self.info = roster.round_info(db, round_id)
        self.busy = False
        self.saved = False
        self.setWindowTitle(self.tr("Assignments: {round} — {competition}").format(
            round=self.info.name, competition=self.info.competition))
        self.resize(1240, 720)
        self.banner = ProblemBanner(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.hide()
        self.loads = RowTableModel(LOAD_COLUMNS, self)
        self.coverage = CoverageModel(COVERAGE_COLUMNS, self)
        splitter = QSplitter(self)
        splitter.addWidget(self._load_box())
        splitter.addWidget(self._coverage_box())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 940])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self._note())
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._manual_bar())
        layout.addWidget(buttons)
        self.refresh()
        for widget in (self.auto_button, self.assign_button, self.remove_button):
            widget.setEnabled(not self.info.frozen)

    # --- building -----------------------------------------------------------------------------------------

    def _header(self) -> QHBoxLayout:
        self.k_label = QLabel()
        font = self.k_label.font()
        font.setBold(True)
        self.k_label.setFont(font)
        self.summary = QLabel()
        self.auto_button = QPushButton(self.tr("Assign automatically"))
        self.auto_button.clicked.connect(self.assign_automatically)
        row = QHBoxLayout()
        row.addWidget(self.k_label)
        row.addSpacing(18)
        row.addWidget(self.summary, 1)
        row.addWidget(self.auto_button)
        return row

    def _note(self) -> QLabel:
        if self.info.frozen:
            text = self.tr("The results of this round are frozen: assignments are shown as they were.")
        else:
            text = self.tr("Automatic assignment first records the conflicts where a judge works for an applicant, "
                           "keeps what is already assigned, and gives each proposal its judges (from each judge "
                           "group), never a conflicted judge, the least-loaded judge first.")
        note = QLabel(text)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        return note

    def _table(self, box: QGroupBox, model: RowTableModel) -> tuple[QTableView, QSortFilterProxyModel]:
        proxy = make_proxy(model, box)
        view = make_table_view(box)
        view.setModel(proxy)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        QVBoxLayout(box).addWidget(view)
        return view, proxy

    def _load_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Judges and their load"))
        self.load_view, self.load_proxy = self._table(box, self.loads)
        self.load_view.horizontalHeader().setStretchLastSection(True)
        self.load_view.setColumnHidden(GROUP_COLUMN, not self.info.groups)
        self.load_view.clicked.connect(self._judge_clicked)
        return box

    def _coverage_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Proposals and their judges (tinted: fewer judges than wanted)"))
        self.coverage_view, self.coverage_proxy = self._table(box, self.coverage)
        header = self.coverage_view.horizontalHeader()
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column, width in ((ORGANIZATION_COLUMN, 190), (JUDGES_COLUMN, 180)):  # long: whole in the tooltip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.coverage_view.clicked.connect(self._proposal_clicked)
        return box

    def _manual_bar(self) -> QHBoxLayout:
        self.judge_pick, self.proposal_pick = self._pick_combo(16), self._pick_combo(36)
        self.assign_button = QPushButton(self.tr("Assign"))
        self.assign_button.clicked.connect(self.assign)
        self.remove_button = QPushButton(self.tr("Take away"))
        self.remove_button.clicked.connect(self.unassign)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("By hand:")))
        row.addWidget(self.judge_pick)
        row.addWidget(self.proposal_pick, 1)
        row.addWidget(self.assign_button)
        row.addWidget(self.remove_button)
        return row

    def _pick_combo(self, width: int) -> QComboBox:
        combo = QComboBox(self)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setMinimumContentsLength(width)
        return combo

    # --- showing ------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        data = judging.overview(self.db, self.round_id)
        self._show(data)

    def _show(self, data: AssignmentOverview) -> None:
        lines = [CoverageLine.of(c) for c in data.coverage]
        self.loads.set_rows(data.loads)
        self.coverage.set_rows(lines)
        wanted = self._wanted(data)
        if self.info.groups:
            self.k_label.setText(self.tr("K = {k} per judge group ({wanted} judges per proposal)").format(
                k=self.info.judges_per_proposal, wanted=wanted))
        else:
            self.k_label.setText(self.tr("K = {k} judges per proposal").format(k=self.info.judges_per_proposal))
        assigned = sum(line.assigned for line in lines)
        submitted = sum(line.submitted for line in lines)
        short = sum(line.short for line in lines)
        self.summary.setText(self.tr("Proposals: {proposals} · assignments: {assigned} · sheets submitted: "
                                     "{submitted} · short of judges: {short}").format(
            proposals=len(lines), assigned=assigned, submitted=submitted, short=short))
        self._fill_picks(data, lines)

    def _wanted(self, data: AssignmentOverview) -> int:
        """Judges a proposal wants: K from each judge group, or the whole group when it is smaller."""
        sizes: dict[str, int] = {}
        for load in data.loads:
            sizes[load.group] = sizes.get(load.group, 0) + 1
        return sum(min(self.info.judges_per_proposal, n) for n in sizes.values())

    def _fill_picks(self, data: AssignmentOverview, lines: list[CoverageLine]) -> None:
        judge, proposal = self.judge_pick.currentData(), self.proposal_pick.currentData()
        self.judge_pick.clear()
        for load in data.loads:
            self.judge_pick.addItem(load.name, load.judge_id)
        self.proposal_pick.clear()
        for line in lines:
            self.proposal_pick.addItem(f"{line.intake_number}  {line.title}", line.proposal_id)
        self.judge_pick.setCurrentIndex(self.judge_pick.findData(judge))
        self.proposal_pick.setCurrentIndex(self.proposal_pick.findData(proposal))

    def _judge_clicked(self, index: QModelIndex) -> None:
        load = self.loads.row_at(self.load_proxy.mapToSource(index).row())
        self.judge_pick.setCurrentIndex(self.judge_pick.findData(load.judge_id))

    def _proposal_clicked(self, index: QModelIndex) -> None:
        line = self.coverage.row_at(self.coverage_proxy.mapToSource(index).row())
        self.proposal_pick.setCurrentIndex(self.proposal_pick.findData(line.proposal_id))

    def _say(self, text: str) -> None:
        self.banner.clear()
        self.status.setText(text)
        self.status.show()

    def _refused(self, exc: BaseException) -> None:
        self.status.hide()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(self.tr("Unexpected error: {error}").format(error=exc))
            self.banner.show()

    # --- actions ------------------------------------------------------------------------------------------

    def assign_automatically(self) -> None:
        db, round_id, competition_id = self.db, self.round_id, self.info.competition_id

        def work() -> tuple[int, AssignReport, AssignmentOverview]:
            found = judging.detect_conflicts(db, competition_id)
            report = judging.auto_assign(db, round_id)
            return found, report, judging.overview(db, round_id)

        self._set_busy(True)
        run_task(work, self._assigned, self._assign_failed)

    def _assigned(self, result: tuple[int, AssignReport, AssignmentOverview]) -> None:
        found, report, data = result
        self._set_busy(False)
        self.saved = True
        self._show(data)
        parts = [self.tr("{n} assignments added.").format(n=report.added)]
        if found:
            parts.append(self.tr("{n} new conflicts of interest found and recorded.").format(n=found))
        parts.append(self.tr("{n} proposals still lack judges: add judges to the panels, or assign by hand.")
                     .format(n=len(report.short)) if report.short else self.tr("Every proposal has its judges."))
        self._say(" ".join(parts))

    def _assign_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._refused(exc)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.auto_button, self.assign_button, self.remove_button):
            widget.setEnabled(not busy)
        self.auto_button.setText(self.tr("Assigning…") if busy else self.tr("Assign automatically"))

    def _pair(self) -> tuple[int, int] | None:
        judge_index = self.judge_pick.findText(self.judge_pick.currentText())
        proposal_index = self.proposal_pick.findText(self.proposal_pick.currentText())
        if judge_index < 0 or proposal_index < 0:
            self.status.hide()
            self.banner.setText(self.tr("Choose a judge and a proposal (or click them in the tables)."))
            self.banner.show()
            return None
        return self.judge_pick.itemData(judge_index), self.proposal_pick.itemData(proposal_index)

    def assign(self) -> None:
        pair = self._pair()
        if pair is None:
            return
        try:
            judging.assign(self.db, self.round_id, pair[0], pair[1])
        except PspError as exc:
            self._refused(exc)
            return
        self.saved = True
        self.refresh()
        self._say(self.tr("{judge} now scores “{title}”.").format(judge=self.judge_pick.currentText(),
                                                                  title=self._title(pair[1])))

    def unassign(self) -> None:
        pair = self._pair()
        if pair is None:
            return
        rows = roster.assignments_of(self.db, self.round_id, judge_id=pair[0], proposal_id=pair[1])
        if not rows:
            self.status.hide()
            self.banner.setText(self.tr("{judge} does not have “{title}”.").format(
                judge=self.judge_pick.currentText(), title=self._title(pair[1])))
            self.banner.show()
            return
        try:
            judging.unassign(self.db, rows[0].id)
        except PspError as exc:
            self._refused(exc)
            return
        self.saved = True
        self.refresh()
        self._say(self.tr("“{title}” was taken away from {judge}.").format(judge=rows[0].judge,
                                                                           title=rows[0].title))

    def _title(self, proposal_id: int) -> str:
        lines = (self.coverage.row_at(i) for i in range(self.coverage.rowCount()))
        return next((line.title for line in lines if line.proposal_id == proposal_id), "")

    def reject(self) -> None:
        if self.busy:
            return  # the automatic assignment is still writing
        if self.saved:
            super().accept()
        else:
            super().reject()

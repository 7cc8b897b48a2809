"""The organization capacity record (机构能力档案) as a reusable panel: a summary line and, in full mode, one table
row per competition the organization took part in. Compact mode (intake form, screening) shows the summary with a
button opening the full record. The record is read off the GUI thread; a late answer for an earlier choice is
dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..enums import AwardLevel, EvaluationGrade, EvaluationKind
from ..errors import PspError
from ..services import capacity
from ..services.capacity import (
    AwardFact,
    BarFact,
    CapacityRecord,
    CapacityRow,
    ClawbackFact,
    EvaluationFact,
    LateReport,
    ProposalFact,
)
from .labels import label, money_text
from .table import Column, Index, RowTableModel
from .tasks import run_task
from .widgets import ColumnFitter, make_table_view

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
WARN = "#b71c1c"
KIND = {EvaluationKind.MIDTERM: QT_TRANSLATE_NOOP("Capacity", "Mid-term"),
        EvaluationKind.FINAL: QT_TRANSLATE_NOOP("Capacity", "Final")}
GRADE = {EvaluationGrade.EXCELLENT: QT_TRANSLATE_NOOP("Capacity", "Excellent"),
         EvaluationGrade.GOOD: QT_TRANSLATE_NOOP("Capacity", "Good"),
         EvaluationGrade.PASS: QT_TRANSLATE_NOOP("Capacity", "Pass"),
         EvaluationGrade.FAIL: QT_TRANSLATE_NOOP("Capacity", "Fail")}
COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Year"), "year", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
    Column(QT_TRANSLATE_NOOP("Columns", "Proposals sent in"), "proposals"),
    Column(QT_TRANSLATE_NOOP("Columns", "Award"), "awards"),
    Column(QT_TRANSLATE_NOOP("Columns", "Evaluations"), "evaluations"),
    Column(QT_TRANSLATE_NOOP("Columns", "Late reports"), "late_reports"),
    Column(QT_TRANSLATE_NOOP("Columns", "Clawbacks"), "clawbacks"),
    Column(QT_TRANSLATE_NOOP("Columns", "Bar on applications"), "bars"),
)
SEPARATOR = "\n"  # one fact per line in a cell; rows grow to fit


@dataclass(frozen=True, slots=True)
class CapacityLine:
    """One competition as the table shows it; `warn` names the cells shown in red."""

    year: int
    competition: str
    proposals: str
    awards: str
    evaluations: str
    late_reports: str
    clawbacks: str
    bars: str
    warn: frozenset[str]


# --- texts ----------------------------------------------------------------------------------------------------


def money(fen: int) -> str:
    """8万 or 81,500.00元 (in English: 81,500.00 yuan)."""
    text = money_text(fen)
    return text if text.endswith("万") else translate("Capacity", "{amount} yuan").format(amount=text)


def proposal_text(p: ProposalFact) -> str:
    return translate("Capacity", "{title} ({status})").format(title=p.title, status=label(p.status))


def award_text(a: AwardFact) -> str:
    level = "" if a.level == AwardLevel.NONE else label(a.level) + " "
    text = translate("Capacity", "{level}{amount} ({status})").format(
        level=level, amount=money(a.amount_fen), status=label(a.status))
    if a.paid_fen:
        text += translate("Capacity", ", paid {amount}").format(amount=money(a.paid_fen))
    return text


def evaluation_text(e: EvaluationFact) -> str:
    grade = translate("Capacity", GRADE[e.grade] if e.grade else ("Fail" if e.failed else "Pass"))
    score = "" if e.total_x100 is None else " " + translate("Capacity", "{points} points").format(
        points=f"{e.total_x100 / 100:g}")
    return translate("Capacity", "{kind} {grade}{score} on {date}").format(
        kind=translate("Capacity", KIND[e.kind]), grade=grade, score=score, date=e.evaluated_on.isoformat())


def late_text(r: LateReport) -> str:
    if r.submitted_on is None:
        text = translate("Capacity", "Report {seq} due {due}: not handed in ({days} days)")
    else:
        text = translate("Capacity", "Report {seq} due {due}: handed in {days} days late")
    text = text.format(seq=r.seq, due=r.due_on.isoformat(), days=r.days_late)
    if r.gate_failed_on:
        text += translate("Capacity", ", gate failed on {date}").format(date=r.gate_failed_on.isoformat())
    return text


def clawback_text(c: ClawbackFact) -> str:
    text = translate("Capacity", "{amount}: {reason}").format(amount=money(c.amount_fen), reason=c.reason)
    if c.recovered_on:
        text += " " + translate("Capacity", "(returned on {date})").format(date=c.recovered_on.isoformat())
    return text


def bar_text(b: BarFact) -> str:
    text = translate("Capacity", "{start} to {until}: {reason}").format(
        start=b.from_date.isoformat(), until=b.until_date.isoformat(), reason=b.reason)
    return text + (" " + translate("Capacity", "(in force)") if b.active else "")


def line_of(row: CapacityRow) -> CapacityLine:
    warn = {name for name, on in (("evaluations", any(e.failed for e in row.evaluations)),
                                  ("late_reports", bool(row.late_reports)), ("clawbacks", bool(row.clawbacks)),
                                  ("bars", any(b.active for b in row.bars))) if on}
    return CapacityLine(
        row.year, row.competition, SEPARATOR.join(map(proposal_text, row.proposals)),
        SEPARATOR.join(map(award_text, row.awards)), SEPARATOR.join(map(evaluation_text, row.evaluations)),
        SEPARATOR.join(map(late_text, row.late_reports)), SEPARATOR.join(map(clawback_text, row.clawbacks)),
        SEPARATOR.join(map(bar_text, row.bars)), frozenset(warn))


def summary_text(record: CapacityRecord) -> str:
    """One line of facts; empty parts (no late report, no clawback, no bar) are left out."""
    s = record.summary
    if record.empty:
        return translate("Capacity", "No earlier competitions on record.")
    years = translate("Capacity", ", ").join(map(str, s.years_active))
    parts = [translate("Capacity", "{count} competition(s) in {years}").format(count=s.competitions, years=years),
             translate("Capacity", "{proposals} proposal(s), {funded} funded").format(
                 proposals=s.proposals, funded=s.funded)]
    if s.funded:
        parts.append(translate("Capacity", "granted {amount}").format(amount=money(s.granted_fen)))
    if s.failed_evaluations:
        parts.append(translate("Capacity", "{count} failed evaluation(s) in the last {years} year(s)").format(
            count=s.failed_evaluations, years=s.recent_years))
    elif s.evaluations:
        parts.append(translate("Capacity", "no failed evaluation in the last {years} year(s)").format(
            years=s.recent_years))
    if s.late_reports:
        parts.append(translate("Capacity", "{count} late report(s)").format(count=s.late_reports))
    if s.clawbacks:
        parts.append(translate("Capacity", "{count} clawback(s) of {amount}").format(
            count=s.clawbacks, amount=money(s.clawed_back_fen)))
    if s.active_bar_until:
        parts.append(translate("Capacity", "barred from applying until {until}: {reason}").format(
            until=s.active_bar_until.isoformat(), reason=s.active_bar_reason))
    return translate("Capacity", " · ").join(parts)


def needs_attention(record: CapacityRecord) -> bool:
    s = record.summary
    return bool(s.failed_evaluations or s.late_reports or s.clawbacks or s.active_bar_until)


# --- widgets --------------------------------------------------------------------------------------------------


class CapacityModel(RowTableModel):
    """Long cells show in full as tooltips; facts that count against the organization are red."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.columns[index.column()].text(self.row_at(index.row()))
            return text or None
        if role == Qt.ItemDataRole.ForegroundRole:
            line: CapacityLine = self.row_at(index.row())
            return QColor(WARN) if self.columns[index.column()].attr in line.warn else None
        return super().data(index, role)


class CapacityPanel(QWidget):
    """load(organization_id) or load_for_proposal(proposal_id); `loaded` is emitted when the record is shown."""

    loaded = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.compact = compact
        self.record: CapacityRecord | None = None
        self.is_loaded = False
        self._generation = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel()
        self.caption.setStyleSheet("font-weight: bold;")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.caption)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        if compact:
            layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        self.model = CapacityModel(COLUMNS, self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.fitter = ColumnFitter(self.view, stretch=2, max_width=190)  # long cells wrap
        self.other_bars = QLabel()
        self.other_bars.setWordWrap(True)
        self.other_bars.setStyleSheet(f"color: {WARN};")
        self.other_bars.hide()
        self.details = QPushButton()
        self.details.setEnabled(False)
        self.details.clicked.connect(self.open_details)
        if compact:
            top.addWidget(self.details, 0, Qt.AlignmentFlag.AlignTop)
            self.view.hide()
        else:
            self.details.hide()
            layout.addWidget(self.view, 1)
        layout.addWidget(self.other_bars)
        self.retranslate()
        self._show_waiting(None)

    # --- loading ---------------------------------------------------------------------------------------------

    def load(self, organization_id: int | None) -> None:
        if organization_id is None:
            self._generation += 1
            self._show_waiting(None)
            return
        db = self.db
        self._start(lambda: capacity.record(db, organization_id))

    def load_for_proposal(self, proposal_id: int) -> None:
        db = self.db
        self._start(lambda: capacity.for_proposal(db, proposal_id))

    def _start(self, job: Any) -> None:
        self._generation += 1
        generation = self._generation
        self.is_loaded = False
        self._show_waiting(True)
        run_task(job, lambda rec: self._arrived(generation, rec), lambda exc: self._failed(generation, exc))

    def _arrived(self, generation: int, record: CapacityRecord) -> None:
        if not isValid(self) or generation != self._generation:  # closed, or an answer for an earlier choice
            return
        self.record = record
        self._show(record)
        self.is_loaded = True
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isValid(self) or generation != self._generation:
            return
        if not isinstance(exc, PspError):
            raise exc
        self.record = None
        self.summary.setText(exc.render(translate))
        self.summary.setStyleSheet("color: #666;")
        self.model.set_rows([])
        self.is_loaded = True
        self.loaded.emit()

    # --- showing ---------------------------------------------------------------------------------------------

    def _show_waiting(self, busy: bool | None) -> None:
        self.record = None
        self.details.setEnabled(False)
        self.other_bars.hide()
        self.model.set_rows([])
        self.summary.setStyleSheet("color: #666;")
        self.summary.setText(translate("Capacity", "Reading the record…") if busy
                             else translate("Capacity", "Choose an organization to see its record."))

    def _show(self, record: CapacityRecord) -> None:
        self.summary.setText(summary_text(record))
        self.summary.setStyleSheet(f"color: {WARN};" if needs_attention(record) else "")
        self.details.setEnabled(not record.empty)
        self.model.set_rows([line_of(row) for row in record.rows])
        if self.model.rowCount():
            self.fitter.fit()
        shown = {row.competition_id for row in record.rows}
        loose = [b for b in record.bars if b.competition_id not in shown]
        self.other_bars.setText(translate("Capacity", "Bars on applications: {bars}").format(
            bars="；".join(map(bar_text, loose))))
        self.other_bars.setVisible(bool(loose))

    def retranslate(self) -> None:
        self.caption.setText(translate("Capacity", "Capacity record:"))
        self.details.setText(translate("Capacity", "Full record…"))
        self.model.retranslate()
        if self.record is not None:
            self._show(self.record)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def open_details(self) -> None:
        if self.record is not None:
            CapacityDialog(self.db, self.record.organization_id, self.record.organization, self).exec()


class CapacityDialog(QDialog):
    """The full record of one organization, opened from a compact panel."""

    def __init__(self, db: Database, organization_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Capacity", "Capacity record: {name}").format(name=name))
        self.resize(1280, 480)
        self.panel = CapacityPanel(db, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.panel.load(organization_id)

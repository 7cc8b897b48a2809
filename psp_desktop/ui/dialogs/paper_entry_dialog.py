"""Keying a paper ballot twice: one person keys pass 1, someone else pass 2; the sheet counts when they agree.
A disagreement is shown cell by cell so the wrong pass can be keyed again against the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError, ValidationError
from ...services import judging, sheet_states
from ...services.judging import PaperState
from ...services.sheet_states import SheetLine
from ..forms import ProblemBanner, mark
from ..table import Column, RowTableModel
from ..widgets import heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
MISMATCH_BACKGROUND = QColor("#fdecea")
COUNTED_STYLE = "color: #2e7d32; font-weight: bold;"
MISMATCH_STYLE = "color: #c62828; font-weight: bold;"
DIFFERING_FIELD = "background: #fdecea;"  # a score the two passes disagree on: the one to check on paper

MISMATCH_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Criterion"), "criterion"),
    Column(QT_TRANSLATE_NOOP("Columns", "Pass 1"), "first", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Pass 2"), "second", "int"),
)


@dataclass(frozen=True, slots=True)
class MismatchLine:
    criterion: str
    first: str
    second: str


class MismatchModel(RowTableModel):
    """The cells where the two keyings differ, highlighted."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.column() > 0:
            return QBrush(MISMATCH_BACKGROUND)
        return super().data(index, role)


def _points(value: int | None) -> str:
    return "—" if value is None else judging.points_label(value)


class PaperEntryDialog(QDialog):
    def __init__(self, db: Database, round_id: int, operator_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.round_id = round_id
        self.keyed = 0  # passes saved: the caller refreshes when anything was written
        self.counted = 0
        self.rubric = sheet_states.rubric(db, round_id)
        self.lines: list[SheetLine] = []
        self.differing: set[int] = set()  # criteria the two passes disagree on
        self.setWindowTitle(self.tr("Key a paper score sheet"))
        self.resize(760, 640)
        self.banner = ProblemBanner(self)
        self.operator = QLineEdit(operator_name)
        self.operator.setPlaceholderText(self.tr("Your name"))
        self.judge = QComboBox()
        self.proposal = QComboBox()
        self.proposal.setMinimumContentsLength(36)
        self.judge.currentIndexChanged.connect(lambda _i: self._fill_proposals())
        self.proposal.currentIndexChanged.connect(lambda _i: self._show_state())
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.passes = QButtonGroup(self)
        self.pass_buttons = [QRadioButton(self.tr("Pass 1")), QRadioButton(self.tr("Pass 2"))]
        pass_row = QHBoxLayout()
        for number, button in enumerate(self.pass_buttons, 1):
            self.passes.addButton(button, number)
            pass_row.addWidget(button)
        pass_row.addStretch(1)
        self.fields: list[tuple[judging.CriterionView, QLineEdit]] = []
        self.total = QLabel()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.mismatches = MismatchModel(MISMATCH_COLUMNS, self)
        self.mismatch_view = make_table_view(self, sortable=False)
        self.mismatch_view.setModel(self.mismatches)
        self.mismatch_view.verticalHeader().hide()
        header = self.mismatch_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            self.mismatch_view.setColumnWidth(column, 120)
        self.rekey = [QPushButton(self.tr("Key pass 1 again")), QPushButton(self.tr("Key pass 2 again"))]
        for number, button in enumerate(self.rekey, 1):
            button.clicked.connect(lambda _c=False, number=number: self.start_pass(number))
        self.save_button = QPushButton(self.tr("Save this pass"))
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        for button in (*self.rekey, self.save_button, close):
            button.setAutoDefault(False)  # Enter moves between score fields; it never presses a button
        self._layout(pass_row, close)
        self._fill_judges()
        if self.rubric.frozen:
            self.banner.show_error(ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The results of round “{round}” are frozen; reopen the round formally before changing "
                          "scores."), round=self.rubric.name))
            self.save_button.setEnabled(False)

    def _layout(self, pass_row: QHBoxLayout, close: QPushButton) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Keyed by"), self.operator)
        form.addRow(self.tr("Judge"), self.judge)
        form.addRow(self.tr("Proposal"), self.proposal)
        form.addRow(self.tr("Pass"), pass_row)
        scores = QGridLayout()
        for row, criterion in enumerate(self.rubric.criteria):
            edit = QLineEdit()
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setMaximumWidth(90)
            edit.textEdited.connect(lambda _t: self._update_total())
            most = judging.points_label(criterion.max_x100)
            limit = self.tr("bonus, up to {max}") if criterion.is_bonus else self.tr("out of {max}")
            name = QLabel(criterion.name)
            name.setToolTip(criterion.description)
            scores.addWidget(name, row, 0)
            scores.addWidget(edit, row, 1)
            scores.addWidget(QLabel(limit.format(max=most)), row, 2)
            self.fields.append((criterion, edit))
        scores.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        for button in self.rekey:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(3, text=self.tr("Paper score sheet: {round}").format(round=self.rubric.name)))
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addLayout(scores)
        layout.addWidget(self.total)
        layout.addWidget(self.result)
        layout.addWidget(self.mismatch_view)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._show_mismatches(None)

    # --- choosing the sheet -------------------------------------------------------------------------------

    def _open_lines(self) -> list[SheetLine]:
        return [line for line in sheet_states.sheet_lines(self.db, self.round_id)
                if not line.counted and not line.conflicted]

    def _fill_judges(self, keep: int | None = None) -> None:
        self.lines = self._open_lines()
        judges: dict[int, tuple[str, int]] = {}
        for line in self.lines:
            name, count = judges.get(line.judge_id, (line.judge, 0))
            judges[line.judge_id] = (name, count + 1)
        self.judge.blockSignals(True)
        self.judge.clear()
        for judge_id, (name, count) in judges.items():
            self.judge.addItem(self.tr("{judge} ({count} to key)").format(judge=name, count=count), judge_id)
        self.judge.setCurrentIndex(max(0, self.judge.findData(keep)))
        self.judge.blockSignals(False)
        self._fill_proposals()
        self.save_button.setEnabled(bool(judges) and not self.rubric.frozen)
        if not judges:
            self.state.setText(self.tr("Every sheet of this round is in: there is nothing to key."))

    def _fill_proposals(self, keep: int | None = None) -> None:
        judge_id = self.judge.currentData()
        self.proposal.blockSignals(True)
        self.proposal.clear()
        for line in self.lines:
            if line.judge_id == judge_id:
                self.proposal.addItem(f"{line.intake_number}  {line.title}", line.assignment_id)
        self.proposal.setCurrentIndex(max(0, self.proposal.findData(keep)))
        self.proposal.blockSignals(False)
        self._show_state()

    def choose(self, judge_id: int, assignment_id: int) -> None:
        """Selects a judge's sheet (as a person picking in the two lists would)."""
        self.judge.setCurrentIndex(self.judge.findData(judge_id))
        self.proposal.setCurrentIndex(self.proposal.findData(assignment_id))

    def assignment_id(self) -> int | None:
        return self.proposal.currentData()

    def _show_state(self) -> None:
        assignment_id = self.assignment_id()
        self.result.clear()
        if assignment_id is None:
            self._show_mismatches(None)
            return
        state = judging.paper_state(self.db, assignment_id)
        self._show_mismatches(state if state.mismatches else None)
        self.state.setText(self._state_text(state))
        due = 2 if state.first_by and not state.second_by else 1
        self.start_pass(due, focus=False)

    def _state_text(self, state: PaperState) -> str:
        if state.mismatches:
            return self.tr("Both passes are keyed (pass 1 by {first}, pass 2 by {second}) and they differ. Check the "
                           "paper ballot and key the wrong pass again.").format(first=state.first_by,
                                                                                 second=state.second_by)
        if state.first_by:
            return self.tr("Pass 1 was keyed by {name}. Pass 2 is due, keyed by someone else.").format(
                name=state.first_by)
        if state.second_by:
            return self.tr("Pass 2 was keyed by {name}. Pass 1 is due, keyed by someone else.").format(
                name=state.second_by)
        return self.tr("Pass 1 is due. Pass 2 must then be keyed by someone else.")

    def _show_mismatches(self, state: PaperState | None) -> None:
        rows = [MismatchLine(m.criterion, _points(m.first), _points(m.second)) for m in state.mismatches] \
            if state is not None else []
        self.mismatches.set_rows(rows)
        self.differing = {m.criterion_id for m in state.mismatches} if state is not None else set()
        view = self.mismatch_view
        header = view.horizontalHeader().sizeHint().height()
        view.setFixedHeight(header + view.verticalHeader().length() + 2 * view.frameWidth())  # no empty rows
        view.setVisible(bool(rows))
        for button in self.rekey:
            button.setVisible(bool(rows))

    def start_pass(self, number: int, *, focus: bool = True) -> None:
        """Empty fields for keying pass `number` (again)."""
        self.pass_buttons[number - 1].setChecked(True)
        for criterion, edit in self.fields:
            edit.clear()
            edit.setStyleSheet(DIFFERING_FIELD if criterion.id in self.differing else "")
        self._update_total()
        if focus and self.fields:
            self.fields[0][1].setFocus()

    # --- keying -------------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves to the next score; on the last one it saves."""
        edits = [edit for _c, edit in self.fields]
        focused = self.focusWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and focused in edits:
            position = edits.index(focused)  # type: ignore[arg-type]
            if position + 1 < len(edits):
                edits[position + 1].setFocus()
                edits[position + 1].selectAll()
            else:
                self.save()
            return
        super().keyPressEvent(event)

    def points(self) -> dict[int, int | None] | None:
        """The keyed points by criterion (None where empty); None when a field is not a number."""
        values: dict[int, int | None] = {}
        wrong: list[str] = []
        for criterion, edit in self.fields:
            text = edit.text().strip()
            try:
                values[criterion.id] = judging.parse_points(text) if text else None
                mark(edit, False)
            except ValueError:
                mark(edit, True)
                wrong.append(criterion.name)
        if wrong:
            self.banner.show_error(ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The score for “{criterion}” is not a number."), criterion=wrong[0]))
            return None
        return values

    def _update_total(self) -> None:
        total = 0
        for _criterion, edit in self.fields:
            try:
                total += judging.parse_points(edit.text()) if edit.text().strip() else 0
            except ValueError:
                continue  # marked when saving
        self.total.setText(self.tr("Total keyed: {total}").format(total=judging.points_label(total)))

    def save(self) -> None:
        assignment_id = self.assignment_id()
        points = self.points()
        if assignment_id is None or points is None:
            return
        pass_no = self.passes.checkedId()
        try:
            state = judging.key_paper(self.db, assignment_id, pass_no, points, by=self.operator.text())
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.banner.clear()
        self.keyed += 1
        self._saved(state, pass_no)

    def _saved(self, state: PaperState, pass_no: int) -> None:
        judge_id, assignment_id = self.judge.currentData(), self.assignment_id()
        if state.mismatches:
            self._show_mismatches(state)
            self.state.setText(self._state_text(state))
            self.result.setStyleSheet(MISMATCH_STYLE)
            self.result.setText(self.tr("The two passes differ in {count} cells (highlighted below). Nothing is "
                                        "counted until they agree.").format(count=len(state.mismatches)))
            self.start_pass(pass_no, focus=False)
            return
        if state.counted:
            self.counted += 1
            message = self.tr("Counted: both passes agree (pass 1 by {first}, pass 2 by {second}).").format(
                first=state.first_by, second=state.second_by)
        else:
            message = self.tr("Pass {number} saved. The other pass must be keyed by someone else.").format(
                number=pass_no)
        self._next_sheet(judge_id, assignment_id)
        self.result.setStyleSheet(COUNTED_STYLE if state.counted else "")
        self.result.setText(message)

    def _next_sheet(self, judge_id: int, assignment_id: int | None) -> None:
        """On to the judge's next sheet, for keying a pile of ballots in one go."""
        ids = [line.assignment_id for line in self.lines if line.judge_id == judge_id]
        position = ids.index(assignment_id) if assignment_id in ids else -1
        following = ids[position + 1:] + ids[:position]
        self._fill_judges(keep=judge_id)
        if self.judge.currentData() == judge_id:
            target = following[0] if following else assignment_id
            self.proposal.setCurrentIndex(max(0, self.proposal.findData(target)))
        if self.fields:
            self.fields[0][1].setFocus()

"""Setting up a review round: basics, the rubric with live totals, judge groups, how judges' scores combine, who
advances and how ties are broken. The service checks everything on Save; a frozen round is shown read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...enums import AdvanceRule, Aggregation, RoundKind
from ...errors import PspError
from ...services import judging
from ...services import round_setup as service
from ...services.round_setup import CriterionData, GroupData, RoundData, SetupContext
from ...services.scoring import TieBreak
from ..forms import DateEdit, ProblemBanner, enum_combo, mark, select_data, show_problems
from ..table import EditableRowsModel

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
STEPS = ("0.1", "0.25", "0.5", "1")
TABLE_INVALID = "QTableView, QListWidget { border: 1px solid #c62828; }"
OK_STYLE, BAD_STYLE = "color: #2e7d32;", "color: #c62828;"

NAME, MAX, WEIGHT, BONUS, DESCRIPTION = range(5)
CRITERIA_HEADERS = (
    QT_TRANSLATE_NOOP("Columns", "Criterion"), QT_TRANSLATE_NOOP("Columns", "Max points"),
    QT_TRANSLATE_NOOP("Columns", "Weight %"), QT_TRANSLATE_NOOP("Columns", "Bonus"),
    QT_TRANSLATE_NOOP("Columns", "Description"),
)
GROUP_NAME, GROUP_WEIGHT = range(2)
GROUP_HEADERS = (QT_TRANSLATE_NOOP("Columns", "Judge group"), QT_TRANSLATE_NOOP("Columns", "Weight %"))


class _MovableRows(EditableRowsModel):
    """Editable rows with fixed columns, read-only on demand, that can change places."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(None, parent)
        self.read_only = False

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return translate("Columns", self.headers[section])
        return section + 1

    def move(self, row: int, delta: int) -> int:
        """Moves a row up (−1) or down (+1); returns where it is now."""
        target = row + delta
        if not (0 <= row < len(self.rows) and 0 <= target < len(self.rows)):
            return row
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if delta > 0 else target)
        self.rows.insert(target, self.rows.pop(row))
        self.endMoveRows()
        return target

    def changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))


class CriteriaModel(_MovableRows):
    """Rubric lines (CriterionData). Once sheets are in, maximums and bonus flags are fixed."""

    headers = CRITERIA_HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.fixed_max = False

    def new_row(self) -> CriterionData:
        return CriterionData()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.read_only or (self.fixed_max and index.column() in (MAX, BONUS)):
            return base
        if index.column() == BONUS:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == BONUS:
            return Qt.CheckState.Checked if row.is_bonus else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (MAX, WEIGHT):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == DESCRIPTION:
            return row.description
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        return (row.name, service.points(row.max_points_x100), str(row.weight_percent), "", row.description)[column]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == BONUS:
            row.is_bonus = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            text = str(value).strip()
            try:
                if column == NAME:
                    row.name = text
                elif column == MAX:
                    row.max_points_x100 = judging.parse_points(text or "0")
                elif column == WEIGHT:
                    row.weight_percent = int(text or "0")
                elif column == DESCRIPTION:
                    row.description = text
            except ValueError:
                return False  # the cell keeps its old value
        else:
            return False
        self.changed(index.row())
        return True


class GroupsModel(_MovableRows):
    headers = GROUP_HEADERS

    def new_row(self) -> GroupData:
        return GroupData("", 0)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == GROUP_WEIGHT:
            return RIGHT
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.name if index.column() == GROUP_NAME else str(row.weight_percent)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, text = self.rows[index.row()], str(value).strip()
        try:
            if index.column() == GROUP_NAME:
                row.name = text
            else:
                row.weight_percent = int(text or "0")
        except ValueError:
            return False
        self.changed(index.row())
        return True


@dataclass(eq=False)
class _Tie:
    """A tie-break as listed: this round's criteria are held by their row, so a renamed line is followed."""

    round_seq: int | None  # None: this round
    criterion: str = ""  # a criterion of an earlier round (or a name no line of this round has any more)
    row: CriterionData | None = None

    def tie_break(self) -> TieBreak:
        return TieBreak(self.round_seq, self.row.name.strip() if self.row is not None else self.criterion)

    def same(self, other: _Tie) -> bool:
        return self.tie_break() == other.tie_break()


class RoundDialog(QDialog):
    """A new round of a competition (round_id None) or an existing one; exec() is Accepted once saved."""

    def __init__(self, db: Database, competition_id: int, round_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.competition_id, self.round_id = db, competition_id, round_id
        self.saved_id: int | None = None
        self.frozen = self.scored = False
        self.ties: list[_Tie] = []
        self.context: SetupContext = service.setup_context(db, competition_id, round_id)
        self.resize(1180, 800)
        self.banner = ProblemBanner(self)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff8e1; color: #6d4c00; border: 1px solid #f3d98b; padding: 8px;")
        self.notice.hide()
        self._build_fields()
        self._build_layout()
        if round_id is None:
            data = service.new_round(db, competition_id)
            self.setWindowTitle(self.tr("New review round"))
        else:
            data, self.frozen, self.scored = service.load_round(db, round_id)
            self.setWindowTitle(self.tr("Review round: {name}").format(name=data.name))
        self._show(data)
        self._apply_state()

    # --- building -----------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.name = QLineEdit()
        self.kind = enum_combo(RoundKind)
        self.scheduled_on = DateEdit()
        self.weight_percent = self._spin(0, 100, " %")
        self.weight_note = QLabel()
        self.blind = QCheckBox(self.tr("Blind review: judges do not see who applied"))
        self.judges_per_proposal = self._spin(1, service.MAX_JUDGES)
        self.tender = QComboBox()  # bidding only: the tender project the round judges
        self.tender.addItem(self.tr("Every tender project"), None)
        for tender_id, label in self.context.tenders:
            self.tender.addItem(label, tender_id)
        self.tender.currentIndexChanged.connect(self._update_weight_note)
        self.score_step = QComboBox()
        self.score_step.setEditable(True)
        self.score_step.addItems(STEPS)
        self.aggregation = enum_combo(Aggregation)
        self.trim_count = self._spin(0, 20)
        self.trim_min_judges = self._spin(1, service.MAX_JUDGES)
        self.decimals = self._spin(0, service.MAX_DECIMALS)
        self.advance_rule = enum_combo(AdvanceRule)
        self.top_n = self._spin(1, 100_000)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100_000)
        self.threshold.setDecimals(2)
        self.criteria = CriteriaModel(self)
        self.groups = GroupsModel(self)
        self.weight_percent.valueChanged.connect(self._update_weight_note)
        self.aggregation.currentIndexChanged.connect(self._update_aggregation)
        self.advance_rule.currentIndexChanged.connect(self._update_advance)
        for model, slot in ((self.criteria, self._criteria_changed), (self.groups, self._update_group_sum)):
            for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.rowsMoved,
                           model.modelReset):
                signal.connect(slot)
        self.fields: dict[str, QWidget] = {
            "name": self.name, "weight_percent": self.weight_percent, "score_step_x100": self.score_step,
            "tender_id": self.tender,
            "judges_per_proposal": self.judges_per_proposal, "decimals": self.decimals,
            "trim_count": self.trim_count, "trim_min_judges": self.trim_min_judges}

    @staticmethod
    def _spin(low: int, high: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        return spin

    def _build_layout(self) -> None:
        side = QWidget()
        side.setFixedWidth(max(460, side.fontMetrics().horizontalAdvance("M") * 40))  # the same in every round
        left = QVBoxLayout(side)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self._basics_box())
        left.addWidget(self._scoring_box())
        left.addWidget(self._ties_box(), 1)
        right = QVBoxLayout()
        right.addWidget(self._rubric_box(), 3)
        right.addWidget(self._groups_box(), 1)
        columns = QHBoxLayout()
        columns.addWidget(side, 0)
        columns.addLayout(right, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)

    def _basics_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Round"))
        form = QFormLayout(box)
        weight = QHBoxLayout()
        weight.addWidget(self.weight_percent)
        weight.addWidget(self.weight_note, 1)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        if self.context.tenders:
            form.addRow(self.tr("Tender project"), self.tender)
        form.addRow(self.tr("Date"), self.scheduled_on)
        form.addRow(self.tr("Weight in the final result"), weight)
        form.addRow(self.tr("Judges per proposal"), self.judges_per_proposal)
        form.addRow(self.tr("Score step (points)"), self.score_step)
        form.addRow(self.blind)
        return box

    def _scoring_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Scores and advancement"))
        form = QFormLayout(box)
        self.trim_row = QWidget()
        trim = QVBoxLayout(self.trim_row)
        trim.setContentsMargins(0, 0, 0, 0)
        for parts in ((QLabel(self.tr("Drop the")), self.trim_count, QLabel(self.tr("highest and lowest"))),
                      (QLabel(self.tr("when at least")), self.trim_min_judges, QLabel(self.tr("judges scored")))):
            line = QHBoxLayout()
            for part in parts:
                line.addWidget(part)
            line.addStretch(1)
            trim.addLayout(line)
        advance = QHBoxLayout()
        self.advance_unit = QLabel()
        for part in (self.advance_rule, self.top_n, self.threshold, self.advance_unit):
            advance.addWidget(part)
        advance.addStretch(1)
        form.addRow(self.tr("Combine judges' scores"), self.aggregation)
        form.addRow("", self.trim_row)
        form.addRow(self.tr("Round scores to"), self._with_unit(self.decimals, self.tr("decimals")))
        form.addRow(self.tr("Advancement"), advance)
        return box

    @staticmethod
    def _with_unit(widget: QWidget, unit: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(widget)
        row.addWidget(QLabel(unit))
        row.addStretch(1)
        return row

    def _table(self, model: _MovableRows) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.horizontalHeader().setStretchLastSection(True)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        return view

    def _row_buttons(self, view: QTableView, model: _MovableRows, add_text: str) -> tuple[QHBoxLayout, list[QWidget]]:
        add, remove = QPushButton(add_text), QPushButton(self.tr("Remove"))
        up, down = QPushButton(self.tr("Up")), QPushButton(self.tr("Down"))
        add.clicked.connect(lambda: self._add_row(view, model))
        remove.clicked.connect(lambda: model.remove(view.currentIndex().row()))
        up.clicked.connect(lambda: self._move_row(view, model, -1))
        down.clicked.connect(lambda: self._move_row(view, model, 1))
        bar = QHBoxLayout()
        for button in (add, remove, up, down):
            bar.addWidget(button)
        bar.addStretch(1)
        return bar, [add, remove, up, down]

    def _rubric_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Rubric"))
        self.criteria_view = self._table(self.criteria)
        for column, width in ((NAME, 150), (MAX, 80), (WEIGHT, 80), (BONUS, 60)):
            self.criteria_view.setColumnWidth(column, width)
        bar, self.criteria_buttons = self._row_buttons(self.criteria_view, self.criteria, self.tr("Add criterion"))
        self.load_template = QPushButton(self.tr("Load template…"))
        self.save_template = QPushButton(self.tr("Save as template…"))
        self.load_template.clicked.connect(self._load_template)
        self.save_template.clicked.connect(self._save_template)
        bar.addWidget(self.load_template)
        bar.addWidget(self.save_template)
        self.totals = QLabel()
        layout = QVBoxLayout(box)
        layout.addWidget(self.criteria_view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.totals)
        return box

    def _groups_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Judge groups"))
        self.groups_view = self._table(self.groups)
        header = self.groups_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(GROUP_NAME, QHeaderView.ResizeMode.Stretch)
        self.groups_view.setColumnWidth(GROUP_WEIGHT, 110)
        bar, self.group_buttons = self._row_buttons(self.groups_view, self.groups, self.tr("Add group"))
        self.group_sum = QLabel()
        self.group_sum.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.groups_view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.group_sum)
        return box

    def _ties_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Tie-breaks, in order"))
        self.tie_list = QListWidget()
        self.tie_choice = QComboBox()
        self.tie_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tie_choice.setMinimumContentsLength(12)
        add, remove = QPushButton(self.tr("Add")), QPushButton(self.tr("Remove"))
        up, down = QPushButton(self.tr("Up")), QPushButton(self.tr("Down"))
        add.clicked.connect(self._add_tie)
        remove.clicked.connect(self._remove_tie)
        up.clicked.connect(lambda: self._move_tie(-1))
        down.clicked.connect(lambda: self._move_tie(1))
        self.tie_buttons: list[QWidget] = [self.tie_choice, add, remove, up, down]
        choose = QHBoxLayout()
        choose.addWidget(self.tie_choice, 1)
        choose.addWidget(add)
        bar = QHBoxLayout()
        for button in (remove, up, down):
            bar.addWidget(button)
        bar.addStretch(1)
        hint = QLabel(self.tr("Proposals with the same score are compared on these, in this order; proposals equal "
                              "on all of them share the rank."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout = QVBoxLayout(box)
        layout.addWidget(self.tie_list, 1)
        layout.addLayout(choose)
        layout.addLayout(bar)
        layout.addWidget(hint)
        return box

    # --- showing ------------------------------------------------------------------------------------------

    def _show(self, data: RoundData) -> None:
        self.name.setText(data.name)
        select_data(self.kind, data.kind)
        self.tender.setCurrentIndex(max(0, self.tender.findData(data.tender_id)))
        self.scheduled_on.set_value(data.scheduled_on)
        self.weight_percent.setValue(data.weight_percent)
        self.blind.setChecked(data.blind)
        self.judges_per_proposal.setValue(data.judges_per_proposal)
        self.score_step.setCurrentText(service.points(data.score_step_x100))
        select_data(self.aggregation, data.aggregation)
        self.trim_count.setValue(data.trim_count)
        self.trim_min_judges.setValue(data.trim_min_judges)
        self.decimals.setValue(data.decimals)
        select_data(self.advance_rule, data.advance_rule)
        if data.advance_rule == AdvanceRule.TOP_N and data.advance_value:
            self.top_n.setValue(data.advance_value)
        if data.advance_rule == AdvanceRule.THRESHOLD and data.advance_value is not None:
            self.threshold.setValue(data.advance_value / 100)
        self.criteria.set_rows(data.criteria)
        self.groups.set_rows(data.groups)
        self.ties = [self._tie_of(t) for t in data.tie_breaks]
        self._show_ties()
        self._update_weight_note()
        self._update_aggregation()
        self._update_advance()

    def _tie_of(self, tie: TieBreak) -> _Tie:
        if tie.round_seq is not None and tie.round_seq != self.context.seq:
            return _Tie(tie.round_seq, tie.criterion)
        row = next((c for c in self.criteria.rows if c.name == tie.criterion), None) if tie.criterion else None
        return _Tie(None, "" if row else tie.criterion, row)

    def _apply_state(self) -> None:
        """Frozen: everything read-only. Scored: the rubric's items and maximums stay."""
        if self.frozen:
            self.notice.setText(self.tr("The results of this round are frozen, so its set-up can only be viewed. "
                                        "Reopen the round on the Results page to change it."))
            for widget in (*self.fields.values(), self.kind, self.tender, self.scheduled_on, self.blind,
                           self.aggregation,
                           self.advance_rule, self.top_n, self.threshold, *self.criteria_buttons,
                           *self.group_buttons, *self.tie_buttons, self.load_template):
                widget.setEnabled(False)
            self.criteria.read_only = self.groups.read_only = True
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        elif self.scored:
            self.notice.setText(self.tr("Score sheets are in for this round: criteria cannot be added or removed, "
                                        "and their maximum points, bonus items and the score step stay as they are. "
                                        "Names, descriptions, weights, advancement and tie-breaks can still change."))
            self.criteria.fixed_max = True
            for widget in (self.criteria_buttons[0], self.criteria_buttons[1], self.load_template, self.score_step):
                widget.setEnabled(False)
        self.notice.setVisible(self.frozen or self.scored)

    def _update_weight_note(self) -> None:
        others = self.context.others_for(self.tender.currentData())
        total = others + self.weight_percent.value()
        self.weight_note.setText(self.tr("other rounds {others} %, total {total} %").format(others=others,
                                                                                          total=total))
        self.weight_note.setStyleSheet(OK_STYLE if total == 100 else BAD_STYLE if total > 100 else "color: #666;")

    def _update_aggregation(self) -> None:
        trimmed = self.aggregation.currentData() == Aggregation.TRIMMED_MEAN
        self.trim_row.setEnabled(trimmed and not self.frozen)
        self.trim_row.setVisible(trimmed)

    def _update_advance(self) -> None:
        rule = self.advance_rule.currentData()
        self.top_n.setVisible(rule == AdvanceRule.TOP_N)
        self.threshold.setVisible(rule == AdvanceRule.THRESHOLD)
        self.advance_unit.setText(self.tr("proposals") if rule == AdvanceRule.TOP_N
                                  else self.tr("points") if rule == AdvanceRule.THRESHOLD else "")
        self.fields["advance_value"] = self.threshold if rule == AdvanceRule.THRESHOLD else self.top_n

    def _criteria_changed(self) -> None:
        full, bonus = service.marks(self.criteria.rows)
        count = len(self.criteria.rows)
        template = (self.tr("Full marks {full} points · bonus up to {bonus} points · {count} criteria") if count
                    else self.tr("No criteria yet: add them one by one, or load a template."))
        self.totals.setText(template.format(full=service.points(full), bonus=service.points(bonus), count=count))
        self.ties = [t for t in map(self._relinked, self.ties) if t is not None]
        self._show_ties()

    def _relinked(self, tie: _Tie) -> _Tie | None:
        """A tie-break on a line that left the table follows a line of the same name (a template loaded), or goes."""
        rows = self.criteria.rows
        if tie.row is None or any(tie.row is r for r in rows):
            return tie
        row = next((r for r in rows if r.name.strip() == tie.row.name.strip()), None)
        return _Tie(None, row=row) if row is not None else None

    def _update_group_sum(self) -> None:
        rows = self.groups.rows
        if not rows:
            self.group_sum.setText(self.tr("No groups: every judge counts the same."))
            self.group_sum.setStyleSheet("color: #666;")
            return
        total = sum(g.weight_percent for g in rows)
        self.group_sum.setText(self.tr("Weights add up to {total} % (must be 100 %)").format(total=total))
        self.group_sum.setStyleSheet(OK_STYLE if total == 100 else BAD_STYLE)

    # --- rows ---------------------------------------------------------------------------------------------

    def _add_row(self, view: QTableView, model: _MovableRows) -> None:
        model.add()
        index = model.index(len(model.rows) - 1, 0)
        view.setCurrentIndex(index)
        view.edit(index)

    def _move_row(self, view: QTableView, model: _MovableRows, delta: int) -> None:
        row = model.move(view.currentIndex().row(), delta)
        view.selectRow(row)

    # --- tie-breaks ---------------------------------------------------------------------------------------

    def _candidates(self) -> list[_Tie]:
        own = [_Tie(None)] + [_Tie(None, row=c) for c in self.criteria.rows if c.name.strip()]
        earlier = [_Tie(r.seq, name) for r in reversed(self.context.earlier) for name in ("", *r.criteria)]
        return [t for t in own + earlier if not any(t.same(listed) for listed in self.ties)]

    def _tie_text(self, tie: _Tie) -> str:
        name = tie.tie_break().criterion
        if tie.round_seq is None:
            return self.tr("This round: {criterion}").format(criterion=name) if name else self.tr(
                "This round: the round's score")
        round_name = next((r.name for r in self.context.earlier if r.seq == tie.round_seq), str(tie.round_seq))
        return self.tr("{round}: {criterion}").format(round=round_name, criterion=name) if name else self.tr(
            "{round}: the round's score").format(round=round_name)

    def _show_ties(self) -> None:
        current = self.tie_list.currentRow()
        self.tie_list.clear()
        for n, tie in enumerate(self.ties, start=1):
            self.tie_list.addItem(f"{n}. {self._tie_text(tie)}")
        self.tie_list.setCurrentRow(min(current, len(self.ties) - 1))
        self.tie_choice.clear()
        for candidate in self._candidates():
            self.tie_choice.addItem(self._tie_text(candidate), candidate)

    def _add_tie(self) -> None:
        candidate = self.tie_choice.currentData()
        if candidate is not None:
            self.ties.append(candidate)
            self._show_ties()
            self.tie_list.setCurrentRow(len(self.ties) - 1)

    def _remove_tie(self) -> None:
        row = self.tie_list.currentRow()
        if 0 <= row < len(self.ties):
            del self.ties[row]
            self._show_ties()

    def _move_tie(self, delta: int) -> None:
        row, target = self.tie_list.currentRow(), self.tie_list.currentRow() + delta
        if 0 <= row < len(self.ties) and 0 <= target < len(self.ties):
            self.ties.insert(target, self.ties.pop(row))
            self._show_ties()
            self.tie_list.setCurrentRow(target)

    # --- templates ----------------------------------------------------------------------------------------

    def _load_template(self) -> None:
        rows = service.templates(self.db)
        if not rows:
            QMessageBox.information(self, self.tr("Rubric templates"), self.tr("No rubric template has been saved "
                                                                               "yet."))
            return
        names = [self.tr("{name} ({count} criteria)").format(name=r.name, count=r.criteria) for r in rows]
        chosen, ok = QInputDialog.getItem(self, self.tr("Load template"), self.tr("Rubric template:"), names, 0,
                                          False)
        if not ok or chosen not in names:
            return
        template = rows[names.index(chosen)]
        if self.criteria.rows and QMessageBox.question(
                self, self.tr("Load template"),
                self.tr("Replace the {count} lines of the rubric with template “{name}”?").format(
                    count=len(self.criteria.rows), name=template.name)) != QMessageBox.StandardButton.Yes:
            return
        try:
            self.criteria.set_rows(service.load_template(self.db, template.id))
        except PspError as exc:
            self.banner.show_error(exc)

    def _save_template(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save as template"), self.tr("Template name:"),
                                        text=self.name.text().strip())
        if not ok:
            return
        try:
            try:
                service.save_template(self.db, name, self.criteria.rows)
            except service.TemplateExists:
                answer = QMessageBox.question(self, self.tr("Save as template"), self.tr(
                    "A template named “{name}” exists. Replace it?").format(name=name.strip()))
                if answer != QMessageBox.StandardButton.Yes:
                    return
                service.save_template(self.db, name, self.criteria.rows, replace=True)
        except PspError as exc:
            show_problems(self.banner, {}, exc)
            return
        self.banner.clear()

    # --- saving -------------------------------------------------------------------------------------------

    def form_data(self) -> RoundData | None:
        try:
            step = judging.parse_points(self.score_step.currentText())
        except ValueError:
            self.banner.setText(self.tr("The score step cannot be read: write it like 0.5 or 1."))
            self.banner.show()
            mark(self.score_step, True)
            return None
        rule = self.advance_rule.currentData()
        value = (self.top_n.value() if rule == AdvanceRule.TOP_N
                 else round(self.threshold.value() * 100) if rule == AdvanceRule.THRESHOLD else None)
        return RoundData(
            name=self.name.text().strip(), kind=self.kind.currentData(), aggregation=self.aggregation.currentData(),
            weight_percent=self.weight_percent.value(), advance_rule=rule, advance_value=value,
            blind=self.blind.isChecked(), judges_per_proposal=self.judges_per_proposal.value(),
            score_step_x100=step, decimals=self.decimals.value(), trim_count=self.trim_count.value(),
            trim_min_judges=self.trim_min_judges.value(), tie_breaks=[t.tie_break() for t in self.ties],
            scheduled_on=self.scheduled_on.value(), criteria=list(self.criteria.rows), groups=list(self.groups.rows),
            tender_id=self.tender.currentData())

    def save(self) -> None:
        if self.frozen:
            return
        data = self.form_data()
        if data is None:
            return
        try:
            self.saved_id = service.save_round(self.db, self.competition_id, self.round_id, data)
        except PspError as exc:
            show_problems(self.banner, self.fields, exc)
            self._mark_lists(exc)
            return
        self.accept()

    def _mark_lists(self, exc: PspError) -> None:
        named = {p.field.split("[")[0] for p in getattr(exc, "problems", [])}
        for name, view in (("criteria", self.criteria_view), ("groups", self.groups_view),
                           ("tie_breaks", self.tie_list)):
            view.setStyleSheet(TABLE_INVALID if name in named else "")

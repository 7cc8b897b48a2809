"""The small management dialogs of the evaluations tab: Evaluators… (third-party agencies and their people, with the
organizations each declares a conflict of interest with) and Indicator sets… (new from a shipped set, copy, edit a
set not used yet; the regular items must add up to 100 points). Loads run off the GUI thread; each save is one
service call whose refusal shows in the red banner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import EvaluationKind
from ...errors import PspError
from ...services import evaluations, lists
from ...services.evaluation_rules import FULL_MARKS, ITEM_LABELS, Indicator, ItemKind, points_text, shipped_set
from ..forms import ProblemBanner
from ..tasks import run_task
from .evaluation_dialog import NOTE_STYLE, bold, enlarge, kind_text, tr

if TYPE_CHECKING:
    from ...db import Database
    from ...services.evaluations import EvaluatorRow, IndicatorSetRow
    from ...services.lists import Choice

translate = QCoreApplication.translate
ID_ROLE = Qt.ItemDataRole.UserRole


class _SetupDialog(QDialog):
    """A list on the left, a form on the right, the banner and a note under them; loads off the GUI thread."""

    def __init__(self, db: Database, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(title)
        enlarge(self)
        self.setMinimumSize(1000, 620)
        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(lambda *_: self.show_current())
        self.form_host = QWidget(self)
        self.banner = ProblemBanner(self)
        self.note = QLabel(self)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.note.hide()
        self.left_buttons = QHBoxLayout()
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addLayout(self.left_buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.form_host)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addWidget(close)
        self.wanted: int | None = None  # the id to select after the next load
        self.loaded = False

    def button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def reload(self) -> None:
        run_task(self.fetch, self._arrived, self._failed)

    def fetch(self) -> Any:
        raise NotImplementedError

    def fill(self, data: Any) -> None:
        raise NotImplementedError

    def show_current(self) -> None:
        raise NotImplementedError

    def _arrived(self, data: Any) -> None:
        self.fill(data)
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        self.show_problem(exc)

    def show_problem(self, exc: BaseException) -> None:
        self.note.hide()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(str(exc))
            self.banner.show()

    def show_note(self, text: str) -> None:
        self.banner.clear()
        self.note.setText(text)
        self.note.show()

    def attempt(self, action: Any) -> Any:
        self.banner.clear()
        self.note.hide()
        try:
            return action()
        except PspError as exc:
            self.show_problem(exc)
            return None

    def select_id(self, wanted: int | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == wanted:
                self.list.setCurrentRow(row)
                return
        self.list.setCurrentRow(0 if self.list.count() else -1)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None


# --- evaluators --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluatorData:
    people: tuple[EvaluatorRow, ...]
    organizations: tuple[Choice, ...]


class EvaluatorsDialog(_SetupDialog):
    """Agencies and people; an agency's declared conflicts apply to its people too."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, translate("Evaluations", "Evaluators"), parent)
        self.data = EvaluatorData((), ())
        self.left_buttons.addWidget(self.button(translate("Evaluations", "New evaluator"), self.new))
        self.left_buttons.addStretch(1)
        self.name = QLineEdit()
        self.name.setPlaceholderText(translate("Evaluations", "a person, or the agency itself"))
        self.agency = QComboBox()
        self.agency.setEditable(True)
        self.agency.lineEdit().setPlaceholderText(translate("Evaluations", "blank for an agency"))
        self.phone = QLineEdit()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(translate("Evaluations", "Find an organization…"))
        self.search.textChanged.connect(self._filter)
        self.conflicts = QListWidget()
        self.conflict_count = QLabel()
        self.conflicts.itemChanged.connect(lambda _item: self._count())
        self.save_button = self.button(translate("Evaluations", "Save"), self.save)
        form = QFormLayout()
        form.addRow(translate("Evaluations", "Name:"), self.name)
        form.addRow(translate("Evaluations", "Agency:"), self.agency)
        form.addRow(translate("Evaluations", "Phone:"), self.phone)
        layout = QVBoxLayout(self.form_host)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(bold(QLabel(translate(
            "Evaluations", "Conflicts of interest: organizations this evaluator must not evaluate"))))
        layout.addWidget(self.search)
        layout.addWidget(self.conflicts, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.conflict_count)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.reload()

    def fetch(self) -> EvaluatorData:
        db = self.db
        return EvaluatorData(tuple(evaluations.evaluators(db)), tuple(lists.organization_choices(db)))

    def fill(self, data: EvaluatorData) -> None:
        self.data = data
        self.list.blockSignals(True)
        self.list.clear()
        for person in data.people:
            text = f"{person.name}\n    {person.agency}" if person.agency else person.name
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, person.id)
            if not person.agency:  # an agency stands out from its people
                font = QFont(self.list.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.blockSignals(False)
        agencies = sorted({p.name for p in data.people if not p.agency} | {p.agency for p in data.people if p.agency})
        self.agency.clear()
        self.agency.addItem("")
        self.agency.addItems(agencies)
        self.select_id(self.wanted)
        self.show_current()

    def person(self) -> EvaluatorRow | None:
        wanted = self.current_id()
        return next((p for p in self.data.people if p.id == wanted), None)

    def show_current(self) -> None:
        person = self.person()
        self.name.setText(person.name if person else "")
        self.agency.setCurrentText(person.agency if person else "")
        self.phone.setText(person.phone if person else "")
        chosen = set(person.conflict_org_ids) if person else set()
        self.conflicts.blockSignals(True)
        self.conflicts.clear()
        for org in self.data.organizations:
            item = QListWidgetItem(org.name)
            item.setData(ID_ROLE, org.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if org.id in chosen else Qt.CheckState.Unchecked)
            self.conflicts.addItem(item)
        self.conflicts.blockSignals(False)
        self._filter(self.search.text())
        self._count()

    def _filter(self, text: str) -> None:
        for row in range(self.conflicts.count()):
            item = self.conflicts.item(row)
            item.setHidden(bool(text.strip()) and text.strip() not in item.text())

    def checked(self) -> list[int]:
        return [self.conflicts.item(r).data(ID_ROLE) for r in range(self.conflicts.count())
                if self.conflicts.item(r).checkState() == Qt.CheckState.Checked]

    def _count(self) -> None:
        self.conflict_count.setText(translate("Evaluations", "{count} declared").format(count=len(self.checked())))

    def new(self) -> None:
        self.list.setCurrentRow(-1)
        self.show_current()
        self.name.setFocus()

    def save(self) -> None:
        person, db = self.person(), self.db
        name, agency, phone, ids = self.name.text(), self.agency.currentText(), self.phone.text(), self.checked()
        if person is None:
            saved = self.attempt(lambda: evaluations.add_evaluator(db, name, agency, phone, ids))
        else:
            saved = self.attempt(lambda: evaluations.update_evaluator(db, person.id, name, agency, phone, ids)
                                 or person.id)
        if saved is not None:
            self.wanted = saved
            self.show_note(translate("Evaluations", "Saved: {name}.").format(name=name.strip()))
            self.reload()


# --- indicator sets ----------------------------------------------------------------------------------------


class _ItemRow:
    """The widgets of one indicator in the set editor."""

    def __init__(self, item: Indicator, on_change: Any, on_remove: Any) -> None:
        self.name = QLineEdit(item.name)
        self.kind = QComboBox()
        for kind in ItemKind:
            self.kind.addItem(tr(ITEM_LABELS[kind]), kind)
        self.kind.setCurrentIndex(self.kind.findData(item.kind))
        self.points = QDoubleSpinBox()
        self.points.setDecimals(2)
        self.points.setRange(0, 100)
        self.points.setSingleStep(1)
        self.points.setValue(item.max_x100 / 100)
        self.points.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.description = QLineEdit(item.description)
        self.description.setCursorPosition(0)  # the start of a long text, not its end
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip(translate("Evaluations", "Remove this indicator"))
        self.kind.currentIndexChanged.connect(lambda _i: on_change())
        self.points.valueChanged.connect(lambda _v: on_change())
        self.remove.clicked.connect(lambda _checked=False: on_remove(self))

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.kind, self.points, self.description, self.remove)

    def value(self) -> Indicator:
        return Indicator(self.name.text(), round(self.points.value() * 100), ItemKind(self.kind.currentData()),
                         self.description.text())

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.name, self.description):
            widget.setReadOnly(read_only)
        for widget in (self.kind, self.points, self.remove):
            widget.setEnabled(not read_only)


class IndicatorSetsDialog(_SetupDialog):
    """Sets by kind; a set used by an evaluation is shown read-only (copy it to change it)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, translate("Evaluations", "Indicator sets"), parent)
        self.sets: tuple[IndicatorSetRow, ...] = ()
        self.draft: IndicatorSetRow | None = None  # a new set not saved yet
        self.rows: list[_ItemRow] = []
        for kind in EvaluationKind:
            self.left_buttons.addWidget(self.button(
                translate("Evaluations", "New {kind} set").format(kind=kind_text(kind)),
                lambda kind=kind: self.new(kind)))
        self.copy_button = self.button(translate("Evaluations", "Copy…"), self.copy)
        self.left_buttons.addWidget(self.copy_button)
        self.left_buttons.addStretch(1)
        self.name = QLineEdit()
        self.kind_label = QLabel()
        self.used = QLabel()
        self.used.setWordWrap(True)
        self.used.setStyleSheet("color: #8a5a00;")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(3, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_host)
        self.sum = bold(QLabel())
        self.add_button = self.button(translate("Evaluations", "Add indicator"), self.add_row)
        self.save_button = self.button(translate("Evaluations", "Save"), self.save)
        form = QFormLayout()
        form.addRow(translate("Evaluations", "Name:"), self.name)
        form.addRow(translate("Evaluations", "Kind:"), self.kind_label)
        layout = QVBoxLayout(self.form_host)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.used)
        layout.addWidget(scroll, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.sum)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.reload()

    def fetch(self) -> tuple[IndicatorSetRow, ...]:
        return tuple(evaluations.indicator_sets(self.db))

    def fill(self, data: tuple[IndicatorSetRow, ...]) -> None:
        self.sets = data
        self.draft = None
        self.list.blockSignals(True)
        self.list.clear()
        for row in data:
            used = translate("Evaluations", "used by {count}").format(count=row.used) if row.used else ""
            item = QListWidgetItem(f"{row.name}\n    {kind_text(row.kind)}　{used}")
            item.setData(ID_ROLE, row.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.select_id(self.wanted)
        self.show_current()

    def current(self) -> IndicatorSetRow | None:
        if self.draft is not None:
            return self.draft
        wanted = self.current_id()
        return next((r for r in self.sets if r.id == wanted), None)

    def show_current(self) -> None:
        if self.list.currentItem() is not None:
            self.draft = None
        row = self.current()
        self.name.setText(row.name if row else "")
        self.kind_label.setText(kind_text(row.kind) if row else "")
        read_only = bool(row and row.used)
        self.used.setText(translate("Evaluations", "Used by {count} evaluations: it cannot change. Copy it and edit "
                                                   "the copy.").format(count=row.used) if read_only and row else "")
        self.used.setVisible(read_only)
        self.name.setReadOnly(read_only)
        self._show_items(row.indicators if row else (), read_only)
        for widget in (self.add_button, self.save_button):
            widget.setEnabled(row is not None and not read_only)
        self.copy_button.setEnabled(row is not None and self.draft is None)

    def _show_items(self, items: Sequence[Indicator], read_only: bool) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone from the screen now; deleted when control returns to the event loop
                widget.deleteLater()
        headers = (translate("Evaluations", "Indicator"), translate("Evaluations", "Type"),
                   translate("Evaluations", "Points"), translate("Evaluations", "What the evaluator looks at"))
        for column, text in enumerate(headers):
            self.grid.addWidget(bold(QLabel(text)), 0, column)
        self.rows = []
        for item in items:
            self._append(item, read_only)
        for line in range(self.grid.rowCount()):
            self.grid.setRowStretch(line, 0)
        self.grid.setRowStretch(len(items) + 1, 1)  # the rows stay together at the top
        self.update_sum()

    def _append(self, item: Indicator, read_only: bool = False) -> None:
        row = _ItemRow(item, self.update_sum, self.remove_row)
        row.set_read_only(read_only)
        line = len(self.rows) + 1
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, line, column)
        self.rows.append(row)

    def items(self) -> list[Indicator]:
        return [row.value() for row in self.rows]

    def add_row(self) -> None:
        self._append(Indicator("", 0))
        self.update_sum()
        self.rows[-1].name.setFocus()

    def remove_row(self, row: _ItemRow) -> None:
        kept = [r.value() for r in self.rows if r is not row]
        self._show_items(kept, False)

    def update_sum(self) -> None:
        total = sum(i.max_x100 for i in self.items() if i.kind is ItemKind.REGULAR)
        self.sum.setText(translate("Evaluations", "Regular items: {total} of 100 points").format(
            total=points_text(total)))
        self.sum.setStyleSheet("" if total == FULL_MARKS else "color: #b3261e;")

    def new(self, kind: EvaluationKind) -> None:
        """A new set starting from the shipped one of that kind."""
        shipped = shipped_set(kind)
        name = translate("Evaluations", "{name} (new)").format(name=shipped.name)
        self.list.setCurrentRow(-1)
        self.draft = evaluations.IndicatorSetRow(0, name, kind, shipped.indicators, 0)
        self.show_current()
        self.name.setFocus()
        self.name.selectAll()

    def copy(self) -> None:
        row, db = self.current(), self.db
        if row is None:
            return
        name, ok = QInputDialog.getText(self, translate("Evaluations", "Copy the indicator set"),
                                        translate("Evaluations", "Name of the copy:"),
                                        text=translate("Evaluations", "{name} (copy)").format(name=row.name))
        if not ok:
            return
        saved = self.attempt(lambda: evaluations.copy_indicator_set(db, row.id, name))
        if saved is not None:
            self.wanted = saved
            self.show_note(translate("Evaluations", "Copied as {name}.").format(name=name.strip()))
            self.reload()

    def save(self) -> None:
        row, db = self.current(), self.db
        if row is None:
            return
        name, items = self.name.text(), self.items()
        if self.draft is not None:
            saved = self.attempt(lambda: evaluations.create_indicator_set(db, name, row.kind, items))
        else:
            saved = self.attempt(lambda: evaluations.update_indicator_set(db, row.id, name, items) or row.id)
        if saved is not None:
            self.wanted = saved
            self.show_note(translate("Evaluations", "Saved: {name}.").format(name=name.strip()))
            self.reload()

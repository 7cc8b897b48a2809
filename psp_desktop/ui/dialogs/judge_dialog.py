"""A judge on the roster: who they are, their judge-mode PIN, and their conflicts of interest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import ConflictSource
from ...errors import PspError
from ...services import judging, lists, roster
from ...services.roster import ConflictRow, JudgeData
from ..changed_elsewhere import offer_reload
from ..forms import ProblemBanner, mark, select_data, show_problems
from ..table import Column, Index, RowTableModel
from ..widgets import make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

CONFLICT_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "How found"), "source"),
    Column(QT_TRANSLATE_NOOP("Columns", "Reason"), "reason"),
    Column(QT_TRANSLATE_NOOP("Columns", "Recorded"), "declared"),
)
REASON = 2


class TipTableModel(RowTableModel):
    """Rows whose long cells (a reason) are shown whole in a tooltip."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


@dataclass(frozen=True, slots=True)
class ConflictLine:
    """A conflict as the table shows it."""

    id: int
    organization: str
    source: ConflictSource
    reason: str
    declared: str

    @classmethod
    def of(cls, row: ConflictRow) -> ConflictLine:
        return cls(row.id, row.organization, row.source, row.reason, _minute(row.declared_at))


def _minute(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def organization_combo(db: Database, none_text: str, parent: QWidget | None = None) -> QComboBox:
    """Registered organizations, found by typing any part of the name."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.addItem(none_text, None)
    for choice in lists.organization_choices(db):
        combo.addItem(choice.name, choice.id)
        combo.setItemData(combo.count() - 1, choice.detail, Qt.ItemDataRole.ToolTipRole)
    combo.setMinimumContentsLength(24)
    return combo


def chosen_id(combo: QComboBox) -> int | None:
    """The id of the item whose text is in the box (typed or picked), else None."""
    index = combo.findText(combo.currentText().strip())
    return combo.itemData(index) if index >= 0 else None


class PinDialog(QDialog):
    """Sets a judge's 6-digit PIN, typed twice and never shown."""

    def __init__(self, db: Database, judge_id: int, name: str, by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.judge_id, self.by = db, judge_id, by
        self.setWindowTitle(self.tr("PIN for {name}").format(name=name))
        self.banner = ProblemBanner(self)
        self.first, self.second = self._pin_field(), self._pin_field()
        hint = QLabel(self.tr("The judge types this PIN to sign in to judge mode. Six digits; not repeated or "
                              "consecutive digits, not a year and month."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(self.tr("New PIN"), self.first)
        form.addRow(self.tr("Type it again"), self.second)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _pin_field(self) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(6)
        field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), field))
        field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        return field

    def save(self) -> None:
        if self.first.text() != self.second.text():
            self.banner.setText(self.tr("The two PINs are not the same. Type them again."))
            self.banner.show()
            self.second.clear()
            return
        try:
            roster.set_pin(self.db, self.judge_id, self.first.text())
        except PspError as exc:
            self.banner.show_error(exc)
            self.first.clear()
            self.second.clear()
            self.first.setFocus()
            return
        self.accept()


class ConflictDialog(QDialog):
    """Declares a judge's conflict of interest with an organization."""

    def __init__(self, db: Database, judge_id: int, name: str, by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.judge_id, self.by = db, judge_id, by
        self.setWindowTitle(self.tr("Conflict of interest: {name}").format(name=name))
        self.banner = ProblemBanner(self)
        self.organization = organization_combo(db, "", self)
        self.organization.setCurrentIndex(-1)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(self.tr("e.g. Serves on the organization's board since 2024"))
        self.reason.setMaximumHeight(90)
        note = QLabel(self.tr("Proposals of this organization that the judge has not scored yet are taken away "
                              "from the judge."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(self.tr("Organization"), self.organization)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def save(self) -> None:
        organization_id = chosen_id(self.organization)
        if organization_id is None:
            self.banner.setText(self.tr("Choose the organization from the list."))
            self.banner.show()
            return
        try:
            judging.declare_conflict(self.db, self.judge_id, organization_id, self.reason.toPlainText())
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()


class JudgeDialog(QDialog):
    """A new judge when judge_id is None; otherwise edits that judge. Setting a PIN or declaring a conflict for a
    new judge saves the judge first."""

    def __init__(self, db: Database, judge_id: int | None = None, by: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.judge_id, self.by = db, judge_id, by
        self.row_version: int | None = None
        self.saved = False  # something was written (the page reloads)
        self.resize(760, 640)
        self.banner = ProblemBanner(self)
        self._build_fields()
        self.conflict_model = TipTableModel(CONFLICT_COLUMNS, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self._close)
        self.remove_button = QPushButton(self.tr("Take off the roster…"))
        self.remove_button.clicked.connect(self.deactivate)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self._roster_box())
        layout.addWidget(self._conflicts_box(), 1)
        layout.addLayout(bottom)
        if judge_id is None:
            self.setWindowTitle(self.tr("Add a judge"))
            self._show_pin(False)
        else:
            self._load(judge_id)
        self.remove_button.setVisible(judge_id is not None)

    # --- building -----------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.name, self.affiliation, self.title = QLineEdit(), QLineEdit(), QLineEdit()
        self.expertise, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        self.title.setPlaceholderText(self.tr("e.g. Professor, senior social worker, residents' representative"))
        self.phone.setPlaceholderText(self.tr("11-digit mobile, or area code and number"))
        self.organization = organization_combo(self.db, self.tr("(not a registered organization)"), self)
        self.organization.activated.connect(self._organization_picked)
        self.is_public_juror = QCheckBox(self.tr("Public juror (residents, deputies, media) rather than an expert"))
        self.pin_state = QLabel()
        self.pin_button = QPushButton(self.tr("Set PIN…"))
        self.pin_button.clicked.connect(self.set_pin)
        self.widgets: dict[str, QWidget] = {n: getattr(self, n) for n in roster.TEXT_FIELDS}

    def _roster_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("On the roster"))
        form = QFormLayout(box)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_state, 1)
        pin_row.addWidget(self.pin_button)
        for caption, widget in ((self.tr("Name"), self.name), (self.tr("Works for"), self.organization),
                                (self.tr("Affiliation as printed"), self.affiliation),
                                (self.tr("Title or role"), self.title), (self.tr("Expertise"), self.expertise),
                                (self.tr("Phone"), self.phone), (self.tr("E-mail"), self.email)):
            form.addRow(caption, widget)
        form.addRow("", self.is_public_juror)
        form.addRow(self.tr("Judge-mode PIN"), pin_row)
        return box

    def _conflicts_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Conflicts of interest (the judge never scores these organizations' proposals)"))
        self.conflict_view = make_table_view(box, sortable=False)
        self.conflict_view.setModel(self.conflict_model)
        header = self.conflict_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)  # the whole reason is in the tooltip
        self.add_conflict_button = QPushButton(self.tr("Declare a conflict…"))
        self.add_conflict_button.clicked.connect(self.declare_conflict)
        self.remove_conflict_button = QPushButton(self.tr("Remove conflict"))
        self.remove_conflict_button.clicked.connect(self.remove_conflict)
        bar = QHBoxLayout()
        bar.addWidget(self.add_conflict_button)
        bar.addWidget(self.remove_conflict_button)
        bar.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.conflict_view, 1)
        layout.addLayout(bar)
        return box

    # --- data ---------------------------------------------------------------------------------------------

    def _load(self, judge_id: int) -> None:
        data, self.row_version, has_pin = roster.load_judge(self.db, judge_id)
        self.setWindowTitle(self.tr("Judge: {name}").format(name=data.name))
        for name in roster.TEXT_FIELDS:
            getattr(self, name).setText(getattr(data, name))
        if data.affiliation_org_id is None:
            self.organization.setCurrentIndex(0)
        else:
            select_data(self.organization, data.affiliation_org_id)
        self.is_public_juror.setChecked(data.is_public_juror)
        self._show_pin(has_pin)
        self._load_conflicts()

    def _load_conflicts(self) -> None:
        rows = roster.conflicts(self.db, self.judge_id) if self.judge_id is not None else []
        self.conflict_model.set_rows([ConflictLine.of(r) for r in rows])

    def _show_pin(self, has_pin: bool) -> None:
        self.pin_state.setText(self.tr("Set") if has_pin else self.tr("Not set: the judge cannot use judge mode yet"))
        self.pin_button.setText(self.tr("Change PIN…") if has_pin else self.tr("Set PIN…"))

    def _organization_picked(self, index: int) -> None:
        """Picking the organization fills in how the affiliation is printed."""
        if self.organization.itemData(index) is not None:
            self.affiliation.setText(self.organization.itemText(index))

    def data(self) -> JudgeData:
        return JudgeData(name=self.name.text(), affiliation=self.affiliation.text(),
                         affiliation_org_id=chosen_id(self.organization), title=self.title.text(),
                         expertise=self.expertise.text(), phone=self.phone.text(), email=self.email.text(),
                         is_public_juror=self.is_public_juror.isChecked())

    def _write(self) -> bool:
        """Saves the form; on a problem the banner says what is wrong and the fields are marked."""
        try:
            self.judge_id = roster.save_judge(self.db, self.judge_id, self.data(), self.row_version)
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            if self.judge_id is not None:
                offer_reload(self, exc, lambda: self._load(self.judge_id))  # type: ignore[arg-type]
            return False
        self.saved = True
        self.banner.clear()
        for widget in self.widgets.values():
            mark(widget, False)
        self.row_version = roster.load_judge(self.db, self.judge_id)[1]
        self.remove_button.setVisible(True)
        self.setWindowTitle(self.tr("Judge: {name}").format(name=self.name.text().strip()))
        return True

    def save(self) -> None:
        if self._write():
            self.accept()

    def _close(self) -> None:
        if self.saved:
            self.accept()  # the PIN, a conflict or the judge itself were written: the page must reload
        else:
            self.reject()

    def _saved_first(self) -> bool:
        """A new judge is saved before a PIN or a conflict can refer to them."""
        return self.judge_id is not None or self._write()

    # --- PIN, conflicts, leaving the roster ---------------------------------------------------------------

    def set_pin(self) -> None:
        if not self._saved_first():
            return
        assert self.judge_id is not None
        if PinDialog(self.db, self.judge_id, self.name.text().strip(), self.by, self).exec():
            self.saved = True
            self._show_pin(True)

    def declare_conflict(self) -> None:
        if not self._saved_first():
            return
        assert self.judge_id is not None
        if ConflictDialog(self.db, self.judge_id, self.name.text().strip(), self.by, self).exec():
            self.saved = True
            self._load_conflicts()

    def remove_conflict(self) -> None:
        index = self.conflict_view.currentIndex()
        if not index.isValid():
            return
        line: ConflictLine = self.conflict_model.row_at(index.row())
        try:
            roster.remove_conflict(self.db, line.id)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.saved = True
        self.banner.clear()
        self._load_conflicts()

    def deactivate(self) -> None:
        if self.judge_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Take off the roster"),
            self.tr("Take {name} off the roster? The judge leaves the panels of rounds that are not finished; "
                    "finished rounds keep their record.").format(name=self.name.text().strip()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            roster.deactivate_judge(self.db, self.judge_id)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.saved = True
        self.accept()

"""The panels of one review round: their names and venues, and who sits on each, in which judge group, who chairs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractItemModel, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
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
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError
from ...services import roster
from ...services.roster import GroupInfo, JudgeChoice, PanelRow, RoundInfo
from ..forms import ProblemBanner
from ..table import Column, EditableRowsModel, Index, RowTableModel
from ..widgets import make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

PANEL_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Panel"), "name"),
    Column(QT_TRANSLATE_NOOP("Columns", "Chair"), "chair"),
    Column(QT_TRANSLATE_NOOP("Columns", "Members"), "size", "int"),
)
JUDGE, DETAIL, GROUP, CHAIR = range(4)
MEMBER_HEADERS = (QT_TRANSLATE_NOOP("Columns", "Judge"), QT_TRANSLATE_NOOP("Columns", "Title and affiliation"),
                  QT_TRANSLATE_NOOP("Columns", "Judge group"), QT_TRANSLATE_NOOP("Columns", "Chair"))


@dataclass(frozen=True, slots=True)
class MemberLine:
    judge_id: int
    name: str
    detail: str
    group_id: int | None
    is_chair: bool


class MembersModel(EditableRowsModel):
    """The members being edited: the group is chosen in a drop-down, the chair is a tick (one at most)."""

    def __init__(self, groups: tuple[GroupInfo, ...], parent: QObject | None = None) -> None:
        super().__init__([], parent)
        self.groups = {g.id: g.name for g in groups}

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MEMBER_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("Columns", MEMBER_HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == GROUP and self.groups:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == CHAIR:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line: MemberLine = self.rows[index.row()]
        column = index.column()
        if column == CHAIR:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if line.is_chair else Qt.CheckState.Unchecked
            return None
        if column == GROUP and role == Qt.ItemDataRole.EditRole:
            return line.group_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == GROUP:
                return self.groups.get(line.group_id, "") if line.group_id else ""
            return line.name if column == JUDGE else line.detail
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = index.row()
        if index.column() == CHAIR and role == Qt.ItemDataRole.CheckStateRole:
            chair = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
            # one chair per panel: ticking a judge unticks the previous chair
            self.rows = [replace(m, is_chair=chair and i == row) if chair or i == row else m
                         for i, m in enumerate(self.rows)]
            self.dataChanged.emit(self.index(0, CHAIR), self.index(len(self.rows) - 1, CHAIR))
            return True
        if index.column() == GROUP and role == Qt.ItemDataRole.EditRole:
            self.rows[row] = replace(self.rows[row], group_id=value)
            self.dataChanged.emit(index, index)
            return True
        return False

    def add_judge(self, choice: JudgeChoice) -> None:
        group = self._default_group(choice)
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(MemberLine(choice.id, choice.name, choice.detail, group, False))
        self.endInsertRows()

    def _default_group(self, choice: JudgeChoice) -> int | None:
        """A public juror goes to the last group (大众评审), an expert to the first, until staff change it."""
        if not self.groups:
            return None
        ids = list(self.groups)
        return ids[-1] if choice.is_public_juror and len(ids) > 1 else ids[0]

    def members(self) -> list[roster.Member]:
        return [(m.judge_id, m.group_id, m.is_chair) for m in self.rows]


class GroupDelegate(QStyledItemDelegate):
    """A drop-down of the round's judge groups in the group column."""

    def __init__(self, groups: tuple[GroupInfo, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups = groups

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for group in self.groups:
            combo.addItem(f"{group.name}（{group.weight_percent}%）", group.id)
        combo.currentIndexChanged.connect(lambda _i, combo=combo: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.blockSignals(True)
        editor.setCurrentIndex(position)
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PanelDialog(QDialog):
    """Every panel of a round: pick one on the left (or start a new one), edit it on the right, save it."""

    def __init__(self, db: Database, round_id: int, by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.round_id, self.by = db, round_id, by
        self.info: RoundInfo = roster.round_info(db, round_id)
        self.judges = {c.id: c for c in roster.judge_choices(db)}
        self.panels: list[PanelRow] = []
        self.panel_id: int | None = None
        self.dirty = False
        self.saved = False
        self.setWindowTitle(self.tr("Panels: {round} — {competition}").format(round=self.info.name,
                                                                             competition=self.info.competition))
        self.resize(1080, 640)
        self.banner = ProblemBanner(self)
        self.panel_model = RowTableModel(PANEL_COLUMNS, self)
        self.members = MembersModel(self.info.groups, self)
        splitter = QSplitter(self)
        splitter.addWidget(self._panel_list())
        splitter.addWidget(self._editor())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 780])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._note())
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self._wire_dirty()
        self._reload_panels(select=None)
        self._set_read_only(self.info.frozen)

    # --- building -----------------------------------------------------------------------------------------

    def _note(self) -> QLabel:
        if self.info.frozen:
            text = self.tr("The results of this round are frozen: its panels are shown as they were and cannot "
                           "change.")
        elif self.info.groups:
            groups = "、".join(f"{g.name} {g.weight_percent}%" for g in self.info.groups)
            text = self.tr("A judge sits on one panel in this round. Every member belongs to a judge group "
                           "({groups}); each group's scores are weighted separately.").format(groups=groups)
        else:
            text = self.tr("A judge sits on one panel in this round. Each proposal is scored by {k} judges of the "
                           "round's panels.").format(k=self.info.judges_per_proposal)
        note = QLabel(text)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        return note

    def _panel_list(self) -> QWidget:
        box = QGroupBox(self.tr("Panels of this round"))
        self.panel_view = make_table_view(box, sortable=False)
        self.panel_view.setModel(self.panel_model)
        self.panel_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.panel_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.panel_view.selectionModel().currentRowChanged.connect(lambda current, _prev: self._pick(current.row()))
        self.new_button = QPushButton(self.tr("New panel"))
        self.new_button.clicked.connect(self.new_panel)
        self.delete_button = QPushButton(self.tr("Delete panel…"))
        self.delete_button.clicked.connect(self.delete_panel)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.delete_button)
        bar.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.panel_view, 1)
        layout.addLayout(bar)
        return box

    def _editor(self) -> QWidget:
        self.editor = QGroupBox()
        self.name, self.venue = QLineEdit(), QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Panel 1"))
        self.venue.setPlaceholderText(self.tr("e.g. Third-floor hall of the community service centre"))
        form = QFormLayout()
        form.addRow(self.tr("Panel name"), self.name)
        form.addRow(self.tr("Venue"), self.venue)
        self.member_view = make_table_view(self.editor, sortable=False)
        self.member_view.setModel(self.members)
        self.member_view.setItemDelegateForColumn(GROUP, GroupDelegate(self.info.groups, self.member_view))
        self.member_view.setColumnHidden(GROUP, not self.info.groups)
        header = self.member_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self.editor)
        layout.addLayout(form)
        layout.addWidget(self.member_view, 1)
        layout.addLayout(self._member_bar())
        return self.editor

    def _member_bar(self) -> QHBoxLayout:
        self.judge_pick = QComboBox()
        self.judge_pick.setEditable(True)
        self.judge_pick.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.judge_pick.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.judge_pick.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.judge_pick.setMinimumContentsLength(22)
        self.judge_pick.lineEdit().setPlaceholderText(self.tr("Type a name to find a judge"))
        self.add_button = QPushButton(self.tr("Add to panel"))
        self.add_button.clicked.connect(self.add_member)
        self.remove_button = QPushButton(self.tr("Remove from panel"))
        self.remove_button.clicked.connect(self.remove_member)
        self.save_button = QPushButton(self.tr("Save panel"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bar = QHBoxLayout()
        bar.addWidget(self.judge_pick, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        return bar

    def _wire_dirty(self) -> None:
        for signal in (self.name.textEdited, self.venue.textEdited, self.members.dataChanged,
                       self.members.rowsInserted, self.members.rowsRemoved):
            signal.connect(self._mark_dirty)

    def _mark_dirty(self, *_args: object) -> None:
        self.dirty = True

    # --- showing ------------------------------------------------------------------------------------------

    def _reload_panels(self, select: int | None) -> None:
        self.panels = roster.panels_of(self.db, self.round_id)
        self.panel_model.set_rows(self.panels)
        row = next((i for i, p in enumerate(self.panels) if p.id == select), 0 if self.panels else -1)
        self._select_row(row)
        self._show(self.panels[row] if row >= 0 else None)

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self.panels) or self.panels[row].id == self.panel_id:
            return
        chosen = self.panels[row].id
        if not self._may_leave():
            self._select_row(next((i for i, p in enumerate(self.panels) if p.id == self.panel_id), -1))
            return
        self._reload_panels(select=chosen)  # a save on the way may have changed the list

    def _select_row(self, row: int) -> None:
        """Moves the selection without treating it as the user's pick."""
        selection = self.panel_view.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            self.panel_view.selectRow(row)
        else:
            self.panel_view.clearSelection()
            self.panel_view.setCurrentIndex(QModelIndex())
        selection.blockSignals(False)
        self.panel_view.viewport().update()

    def _show(self, panel: PanelRow | None) -> None:
        self.panel_id = panel.id if panel else None
        self.editor.setTitle(self.tr("Panel “{name}”").format(name=panel.name) if panel else self.tr("New panel"))
        self.name.setText(panel.name if panel else "")
        self.venue.setText(panel.venue if panel else "")
        self.members.set_rows([MemberLine(m.judge_id, m.name, self._detail(m.judge_id), m.group_id, m.is_chair)
                               for m in panel.members] if panel else [])
        self._open_group_editors()
        self._fill_judge_pick()
        self.banner.clear()
        self.dirty = False
        self.delete_button.setEnabled(panel is not None and not self.info.frozen)

    def _detail(self, judge_id: int) -> str:
        choice = self.judges.get(judge_id)
        return choice.detail if choice else ""

    def _open_group_editors(self) -> None:
        if self.info.groups and not self.info.frozen:
            for row in range(self.members.rowCount()):
                self.member_view.openPersistentEditor(self.members.index(row, GROUP))

    def _fill_judge_pick(self) -> None:
        """Judges not on this panel; those on another panel of the round are marked (the save would refuse)."""
        elsewhere = {m.judge_id: p.name for p in self.panels if p.id != self.panel_id for m in p.members}
        here = {m.judge_id for m in self.members.rows}
        self.judge_pick.clear()
        for choice in self.judges.values():
            if choice.id in here:
                continue
            text = f"{choice.name}  {choice.detail}"
            if choice.id in elsewhere:
                text += self.tr("  (on {panel})").format(panel=elsewhere[choice.id])
            self.judge_pick.addItem(text, choice.id)
        self.judge_pick.setCurrentIndex(-1)

    def _set_read_only(self, frozen: bool) -> None:
        for widget in (self.name, self.venue, self.judge_pick, self.add_button, self.remove_button,
                       self.save_button, self.new_button, self.delete_button):
            widget.setEnabled(not frozen)

    # --- editing ------------------------------------------------------------------------------------------

    def add_member(self) -> None:
        index = self.judge_pick.findText(self.judge_pick.currentText())
        judge_id = self.judge_pick.itemData(index) if index >= 0 else None
        if judge_id is None:
            return
        self.members.add_judge(self.judges[judge_id])
        self._open_group_editors()
        self._fill_judge_pick()
        self.member_view.selectRow(self.members.rowCount() - 1)

    def remove_member(self) -> None:
        row = self.member_view.currentIndex().row()
        if row >= 0:
            self.members.remove(row)
            self._fill_judge_pick()

    def new_panel(self) -> None:
        if self._may_leave():
            self._select_row(-1)
            self._show(None)
            self.name.setText(self.tr("Panel {n}").format(n=len(self.panels) + 1))
            self.name.setFocus()
            self.name.selectAll()

    def save(self) -> bool:
        try:
            panel_id = roster.save_panel(self.db, self.round_id, self.panel_id, self.name.text(), self.venue.text(),
                                         self.members.members())
        except PspError as exc:
            self.banner.show_error(exc)
            return False
        self.saved, self.dirty = True, False
        self._reload_panels(select=panel_id)
        return True

    def delete_panel(self) -> None:
        panel = next((p for p in self.panels if p.id == self.panel_id), None)
        if panel is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete panel"),
            self.tr("Delete panel “{name}”? Its judges leave this round, with the proposals they have not scored "
                    "yet.").format(name=panel.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            roster.delete_panel(self.db, panel.id)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.saved, self.dirty = True, False
        self._reload_panels(select=None)

    def _may_leave(self) -> bool:
        """Unsaved changes to the panel shown: save them, drop them, or stay."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"), self.tr("Save the changes to this panel first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        """Close, Esc and the window's close button: unsaved changes are asked about; the dialog is accepted when
        anything was saved, so the page reloads."""
        if not self._may_leave():
            return
        self.dirty = False
        if self.saved:
            super().accept()
        else:
            super().reject()

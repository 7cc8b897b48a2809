"""Registering or editing a social organization, with its staff and its history across competitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import InspectionResult, OrgType, Rating
from ...errors import PspError
from ...services import organizations as service
from ...services.organizations import DuplicateOrganization, OrganizationData, StaffData
from ..capacity_panel import CapacityPanel
from ..changed_elsewhere import offer_reload
from ..forms import DateEdit, ProblemBanner, enum_combo, select_data, show_problems
from ..table import Column, EditableRowsModel, RowTableModel
from ..widgets import make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

HISTORY_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Year"), "year", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Status"), "status"),
    Column(QT_TRANSLATE_NOOP("Columns", "Requested (yuan)"), "requested_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Evaluations"), "evaluation_grades"),
)


class StaffModel(EditableRowsModel):
    """The team named on applications, edited in place."""

    HEADERS = (QT_TRANSLATE_NOOP("Columns", "Name"), QT_TRANSLATE_NOOP("Columns", "Role"),
               QT_TRANSLATE_NOOP("Columns", "Qualification"), QT_TRANSLATE_NOOP("Columns", "Social work certificate"))

    @property
    def staff(self) -> list[StaffData]:
        return self.rows

    def new_row(self) -> StaffData:
        return StaffData("")

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("Columns", self.HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | (Qt.ItemFlag.ItemIsUserCheckable if index.column() == 3 else Qt.ItemFlag.ItemIsEditable)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        member = self.staff[index.row()]
        if index.column() == 3:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if member.social_work_certificate else Qt.CheckState.Unchecked
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (member.name, member.role, member.qualification)[index.column()]
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        member = self.staff[index.row()]
        if index.column() == 3 and role == Qt.ItemDataRole.CheckStateRole:
            member.social_work_certificate = value == Qt.CheckState.Checked.value or value == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            setattr(member, ("name", "role", "qualification")[index.column()], str(value))
        else:
            return False
        self.dataChanged.emit(index, index)
        return True


class OrganizationDialog(QDialog):
    """New organization when organization_id is None; otherwise edits that record."""

    def __init__(self, db: Database, organization_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.organization_id = organization_id
        self.row_version: int | None = None
        self.saved_id: int | None = None
        self.resize(860, 680)
        self.banner = ProblemBanner(self)
        self.tabs = QTabWidget(self)
        self._build_fields()
        self.staff_model = StaffModel([])
        self.tabs.addTab(self._basic_tab(), self.tr("Basic information"))
        self.tabs.addTab(self._more_tab(), self.tr("Bank, lists and profile"))
        self.tabs.addTab(self._staff_tab(), self.tr("Team"))
        self.tabs.addTab(self._history_tab(), self.tr("Applications across competitions"))
        self.capacity = CapacityPanel(db, self)
        self.tabs.addTab(self.capacity, self.tr("Capacity record"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        if organization_id is None:
            self.setWindowTitle(self.tr("Register a social organization"))
        else:
            self._load(organization_id)

    # --- building -----------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.name = QLineEdit()
        self.uscc = QLineEdit()
        self.uscc.setMaxLength(18)
        self.uscc.setPlaceholderText(self.tr("18 characters, e.g. 52510191MJ0536744L"))
        self.registration_number = QLineEdit()
        self.registration_authority = QLineEdit()
        self.org_type = enum_combo(OrgType)
        self.registered_on = DateEdit()
        self.legal_representative = QLineEdit()
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.email = QLineEdit()
        self.address = QLineEdit()
        self.inspection_result = enum_combo(InspectionResult)
        self.inspection_year = QSpinBox()
        self.inspection_year.setRange(0, 2100)
        self.inspection_year.setSpecialValueText(" ")
        self.rating = enum_combo(Rating)
        self.has_bank_account = QCheckBox(self.tr("Has its own bank account"))
        self.bank_name = QLineEdit()
        self.bank_account = QLineEdit()
        self.abnormal_list_until = DateEdit()
        self.violation_list_until = DateEdit()
        self.intro = QPlainTextEdit()
        self.intro.setPlaceholderText(self.tr("At most 500 characters"))
        self.past_projects = QPlainTextEdit()
        self.widgets: dict[str, QWidget] = {name: getattr(self, name) for name in service.FIELDS}

    def _form(self, rows: list[tuple[str, QWidget]]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setVerticalSpacing(10)
        for caption, widget in rows:
            form.addRow(caption, widget)
        return page

    def _basic_tab(self) -> QWidget:
        return self._form([
            (self.tr("Name"), self.name), (self.tr("Unified social credit code"), self.uscc),
            (self.tr("Registration number (older certificates)"), self.registration_number),
            (self.tr("Registration authority"), self.registration_authority), (self.tr("Type"), self.org_type),
            (self.tr("Registered on"), self.registered_on),
            (self.tr("Legal representative"), self.legal_representative), (self.tr("Contact"), self.contact_name),
            (self.tr("Phone"), self.contact_phone), (self.tr("E-mail"), self.email), (self.tr("Address"), self.address),
            (self.tr("Annual inspection"), self.inspection_result), (self.tr("Inspection year"), self.inspection_year),
            (self.tr("Rating"), self.rating),
        ])

    def _more_tab(self) -> QWidget:
        return self._form([
            ("", self.has_bank_account), (self.tr("Bank"), self.bank_name),
            (self.tr("Account number"), self.bank_account),
            (self.tr("On the abnormal-activity list until"), self.abnormal_list_until),
            (self.tr("On the serious-violation list until"), self.violation_list_until),
            (self.tr("Introduction"), self.intro), (self.tr("Past similar projects"), self.past_projects),
        ])

    def _staff_tab(self) -> QWidget:
        page = QWidget()
        self.staff_view = QTableView()
        self.staff_view.setModel(self.staff_model)
        self.staff_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.staff_view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((120, 160, 260)):
            self.staff_view.setColumnWidth(column, width)
        add, remove = QPushButton(self.tr("Add member")), QPushButton(self.tr("Remove member"))
        add.clicked.connect(self.staff_model.add)
        remove.clicked.connect(lambda: self.staff_model.remove(self.staff_view.currentIndex().row()))
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addWidget(remove)
        bar.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.staff_view, 1)
        layout.addLayout(bar)
        return page

    def _history_tab(self) -> QWidget:
        """Proposals, awards and evaluation grades in every competition, newest first."""
        page = QWidget()
        self.history_model = RowTableModel(HISTORY_COLUMNS, self)
        self.history_view = make_table_view(page)
        self.history_view.setModel(self.history_model)
        self.history_empty = QLabel(self.tr("No applications yet."))
        layout = QVBoxLayout(page)
        layout.addWidget(self.history_view, 1)
        layout.addWidget(self.history_empty)
        return page

    # --- data ---------------------------------------------------------------------------------------------

    def _load(self, organization_id: int) -> None:
        data, self.row_version = service.load(self.db, organization_id)
        self.setWindowTitle(self.tr("Organization: {name}").format(name=data.name))
        for name in ("name", "registration_authority", "legal_representative", "contact_name", "contact_phone",
                     "email", "address", "bank_name", "bank_account"):
            getattr(self, name).setText(getattr(data, name))
        self.uscc.setText(data.uscc or "")
        self.registration_number.setText(data.registration_number or "")
        for name in ("org_type", "inspection_result", "rating"):
            select_data(getattr(self, name), getattr(data, name))
        self.registered_on.set_value(data.registered_on)
        self.abnormal_list_until.set_value(data.abnormal_list_until)
        self.violation_list_until.set_value(data.violation_list_until)
        self.inspection_year.setValue(data.inspection_year or 0)
        self.has_bank_account.setChecked(data.has_bank_account)
        self.intro.setPlainText(data.intro)
        self.past_projects.setPlainText(data.past_projects)
        self.staff_model.set_rows(data.staff)
        history = service.history(self.db, organization_id)
        self.history_model.set_rows(history)
        self.history_view.resizeColumnsToContents()
        self.history_empty.setVisible(not history)
        self.capacity.load(organization_id)

    def data(self) -> OrganizationData:
        return OrganizationData(
            name=self.name.text(), uscc=self.uscc.text(), registration_number=self.registration_number.text(),
            registration_authority=self.registration_authority.text(), org_type=self.org_type.currentData(),
            registered_on=self.registered_on.value(), legal_representative=self.legal_representative.text(),
            contact_name=self.contact_name.text(), contact_phone=self.contact_phone.text(), email=self.email.text(),
            address=self.address.text(), inspection_result=self.inspection_result.currentData(),
            inspection_year=self.inspection_year.value() or None, rating=self.rating.currentData(),
            has_bank_account=self.has_bank_account.isChecked(), bank_name=self.bank_name.text(),
            bank_account=self.bank_account.text(), abnormal_list_until=self.abnormal_list_until.value(),
            violation_list_until=self.violation_list_until.value(), intro=self.intro.toPlainText(),
            past_projects=self.past_projects.toPlainText(), staff=list(self.staff_model.staff))

    def save(self) -> None:
        data = self.data()
        try:
            if self.organization_id is None:
                self.saved_id = service.create(self.db, data)
            else:
                service.update(self.db, self.organization_id, data, self.row_version or 0)
                self.saved_id = self.organization_id
        except DuplicateOrganization as exc:
            self._offer_existing(exc)
            return
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            if self.organization_id is not None:
                offer_reload(self, exc, lambda: self._load(self.organization_id))  # type: ignore[arg-type]
            return
        self.accept()

    def _offer_existing(self, exc: DuplicateOrganization) -> None:
        answer = QMessageBox.question(self, self.tr("Already registered"),
                                      exc.render(translate) + "\n\n" + self.tr("Open that record?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.organization_id = exc.existing_id
            self._load(exc.existing_id)

"""The application form (申报书): project fields, the budget with live totals, linked needs and attachments.
Drafts save incomplete; submitting checks everything in the service and gives the intake number."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import BudgetCategory, ProposalStatus, ServiceDomain
from ...errors import PspError
from ...money import format_yuan
from ...services import lists
from ...services import proposals as service
from ...services.proposals import ProposalData
from ..budget_model import CATEGORY, BudgetModel, CategoryDelegate
from ..capacity_panel import CapacityPanel
from ..changed_elsewhere import offer_reload
from ..forms import DateEdit, MoneyEdit, MonthEdit, ProblemBanner, enum_combo, select_data, show_problems
from ..labels import label
from ..table import Column, RowTableModel
from ..widgets import make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

ATTACHMENT_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "File"), "filename"),
    Column(QT_TRANSLATE_NOOP("Columns", "Size (bytes)"), "size_bytes", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "SHA-256"), "sha256"),
)
TEXT_AREAS = ("summary", "need_analysis", "objectives", "activity_plan")


class ProposalDialog(QDialog):
    """A new proposal (choose the competition and organization) or an existing one by id."""

    submitted = Signal(int)

    def __init__(self, db: Database, proposal_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.proposal_id = proposal_id
        self.row_version: int | None = None
        self.resize(1000, 760)
        self.banner = ProblemBanner(self)
        self.status = QLabel()
        self._build_fields()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._project_tab(), self.tr("Project"))
        self.tabs.addTab(self._budget_tab(), self.tr("Budget"))
        self.tabs.addTab(self._needs_tab(), self.tr("Community needs answered"))
        self.tabs.addTab(self._attachments_tab(), self.tr("Attachments"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self._header())
        layout.addWidget(self.capacity)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._buttons())
        self._fill_choices()
        if proposal_id is None:
            self.setWindowTitle(self.tr("New application"))
        else:
            self._load(proposal_id)
        self._update_totals()

    # --- building -----------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.competition = QComboBox()
        self.organization = QComboBox()
        self.organization.setEditable(True)
        self.organization.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.organization.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.organization.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.title = QLineEdit()
        self.domain = enum_combo(ServiceDomain)
        self.theme = QComboBox()
        self.community = QComboBox()
        self.target_group = QLineEdit()
        self.location = QLineEdit()
        self.direct_beneficiaries = QSpinBox()
        self.indirect_beneficiaries = QSpinBox()
        for spin in (self.direct_beneficiaries, self.indirect_beneficiaries):
            spin.setRange(0, 10_000_000)
            spin.setGroupSeparatorShown(True)
        self.start_month = MonthEdit()
        self.end_month = MonthEdit()
        for name in TEXT_AREAS:
            area = QPlainTextEdit()
            area.setMinimumHeight(70)
            setattr(self, name, area)
        self.received_on = DateEdit()
        self.received_on.set_value(dt.date.today())
        self.received_on.setToolTip(self.tr("The day the application was received (may be earlier than today for "
                                            "paper forms keyed in later)"))
        self.requested_fen = MoneyEdit()
        self.matching_fen = MoneyEdit()
        self.budget = BudgetModel()
        self.widgets: dict[str, QWidget] = {
            name: getattr(self, name) for name in (
                "title", "domain", "target_group", "location", "direct_beneficiaries", "indirect_beneficiaries",
                "start_month", "end_month", *TEXT_AREAS, "requested_fen", "matching_fen")}
        self.competition.currentIndexChanged.connect(self._competition_changed)
        self.capacity = CapacityPanel(self.db, self, compact=True)  # the chosen applicant's record
        self.organization.currentIndexChanged.connect(lambda _i: self.capacity.load(self.organization.currentData()))

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Competition")))
        row.addWidget(self.competition, 2)
        row.addWidget(QLabel(self.tr("Applicant")))
        row.addWidget(self.organization, 2)
        row.addWidget(QLabel(self.tr("Received on")))
        row.addWidget(self.received_on)
        row.addWidget(self.status, 1)
        return row

    def _project_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        period = QHBoxLayout()
        period.addWidget(self.start_month)
        period.addWidget(QLabel(self.tr("to")))
        period.addWidget(self.end_month)
        period.addStretch(1)
        people = QHBoxLayout()
        people.addWidget(self.direct_beneficiaries)
        people.addWidget(QLabel(self.tr("indirect")))
        people.addWidget(self.indirect_beneficiaries)
        people.addStretch(1)
        for caption, field in (
                (self.tr("Project title"), self.title), (self.tr("Service domain"), self.domain),
                (self.tr("Competition theme"), self.theme), (self.tr("Community"), self.community),
                (self.tr("Who is served"), self.target_group), (self.tr("Where (street / community)"), self.location),
                (self.tr("Direct beneficiaries"), people), (self.tr("Period"), period),
                (self.tr("Summary"), self.summary), (self.tr("Needs analysis"), self.need_analysis),
                (self.tr("Objectives"), self.objectives), (self.tr("Activity plan"), self.activity_plan)):
            form.addRow(caption, field)
        return page

    def _budget_tab(self) -> QWidget:
        page = QWidget()
        self.budget_view = QTableView()
        self.budget_view.setModel(self.budget)
        self.budget_view.setItemDelegateForColumn(CATEGORY, CategoryDelegate(self.budget_view))
        self.budget_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.budget_view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 260, 120, 70, 130)):
            self.budget_view.setColumnWidth(column, width)
        self.budget.dataChanged.connect(self._update_totals)
        self.budget.rowsInserted.connect(self._update_totals)
        self.budget.rowsRemoved.connect(self._update_totals)
        add, remove = QPushButton(self.tr("Add line")), QPushButton(self.tr("Remove line"))
        add.clicked.connect(lambda: self.budget.add())
        remove.clicked.connect(lambda: self.budget.remove(self.budget_view.currentIndex().row()))
        fill = QPushButton(self.tr("Matching = total − requested"))
        fill.clicked.connect(self._fill_matching)
        self.requested_fen.edited.connect(self._update_totals)
        self.matching_fen.edited.connect(self._update_totals)
        bar = QHBoxLayout()
        for button in (add, remove):
            bar.addWidget(button)
        bar.addStretch(1)
        self.category_totals = QLabel()
        self.balance = QLabel()
        money = QGridLayout()
        money.addWidget(QLabel(self.tr("Requested (yuan)")), 0, 0)
        money.addWidget(self.requested_fen, 0, 1)
        money.addWidget(QLabel(self.tr("Matching funds (yuan)")), 0, 2)
        money.addWidget(self.matching_fen, 0, 3)
        money.addWidget(fill, 0, 4)
        layout = QVBoxLayout(page)
        layout.addWidget(self.budget_view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.category_totals)
        layout.addLayout(money)
        layout.addWidget(self.balance)
        return page

    def _needs_tab(self) -> QWidget:
        page = QWidget()
        self.needs = QListWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Tick the community needs this project answers.")))
        layout.addWidget(self.needs, 1)
        return page

    def _attachments_tab(self) -> QWidget:
        page = QWidget()
        self.attachment_model = RowTableModel(ATTACHMENT_COLUMNS, self)
        self.attachment_view = make_table_view(page)
        self.attachment_view.setModel(self.attachment_model)
        self.attachment_view.doubleClicked.connect(lambda _i: self._open_attachment())
        add, open_ = QPushButton(self.tr("Add file…")), QPushButton(self.tr("Open"))
        add.clicked.connect(self._add_attachment)
        open_.clicked.connect(self._open_attachment)
        self.attachment_note = QLabel(self.tr("Save the application once before adding files."))
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addWidget(open_)
        bar.addWidget(self.attachment_note, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.attachment_view, 1)
        layout.addLayout(bar)
        return page

    def _buttons(self) -> QHBoxLayout:
        self.receipt_button = QPushButton(self.tr("Intake receipt (PDF)…"))
        self.receipt_button.clicked.connect(self.print_receipt)
        self.save_button = QPushButton(self.tr("Save draft"))
        self.submit_button = QPushButton(self.tr("Submit and number"))
        self.submit_button.setDefault(True)
        close = QPushButton(self.tr("Close"))
        self.save_button.clicked.connect(self.save_draft)
        self.submit_button.clicked.connect(self.submit)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.receipt_button, self.save_button, self.submit_button, close):
            row.addWidget(button)
        return row

    # --- choices and loading ------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        for choice in lists.competition_choices(self.db):
            self.competition.addItem(choice.name, choice.id)
        for choice in lists.organization_choices(self.db):
            self.organization.addItem(f"{choice.name}  {choice.detail}", choice.id)
        self.organization.setCurrentIndex(-1)
        self.community.addItem("", None)
        for choice in lists.community_choices(self.db):
            self.community.addItem(f"{choice.detail} {choice.name}", choice.id)
        for need in lists.needs(self.db):
            item = QListWidgetItem(f"[{need.community}] {need.title} · {label(need.domain)}")
            item.setData(Qt.ItemDataRole.UserRole, need.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.needs.addItem(item)
        self._competition_changed()

    def _competition_changed(self) -> None:
        self.theme.clear()
        self.theme.addItem("", None)
        competition_id = self.competition.currentData()
        if competition_id is not None:
            for choice in lists.theme_choices(self.db, competition_id):
                self.theme.addItem(choice.name, choice.id)

    def _load(self, proposal_id: int) -> None:
        data, self.row_version = service.load(self.db, proposal_id)
        header = service.header(self.db, proposal_id)
        self.setWindowTitle(self.tr("Application: {title}").format(title=data.title or "—"))
        select_data(self.competition, data.competition_id)
        select_data(self.organization, data.organization_id)
        self.competition.setEnabled(False)
        self.organization.setEnabled(False)
        for name in ("title", "target_group", "location"):
            getattr(self, name).setText(getattr(data, name))
        select_data(self.domain, data.domain)
        select_data(self.theme, data.theme_id)
        select_data(self.community, data.community_id)
        self.direct_beneficiaries.setValue(data.direct_beneficiaries)
        self.indirect_beneficiaries.setValue(data.indirect_beneficiaries)
        self.start_month.set_month(data.start_month)
        self.end_month.set_month(data.end_month)
        for name in TEXT_AREAS:
            getattr(self, name).setPlainText(getattr(data, name))
        self.requested_fen.set_fen(data.requested_fen)
        self.matching_fen.set_fen(data.matching_fen)
        self.budget.set_lines(data.budget_lines)
        for row in range(self.needs.count()):
            item = self.needs.item(row)
            linked = item.data(Qt.ItemDataRole.UserRole) in data.need_ids
            item.setCheckState(Qt.CheckState.Checked if linked else Qt.CheckState.Unchecked)
        self._show_status(header.status, header.intake_number)
        if header.submitted_on:
            self.received_on.set_value(header.submitted_on)
        self._load_attachments()

    def _show_status(self, status: ProposalStatus, intake_number: str | None) -> None:
        self.status.setText(self.tr("Status: {status} · Intake no.: {number}").format(
            status=label(status), number=intake_number or "—"))
        editable = status in service.EDITABLE
        self.receipt_button.setEnabled(intake_number is not None)
        self.save_button.setEnabled(editable)
        self.submit_button.setEnabled(editable)

    def _load_attachments(self) -> None:
        if self.proposal_id is not None:
            self.attachment_model.set_rows(service.attachments(self.db, self.proposal_id))
        self.attachment_note.setVisible(self.proposal_id is None)

    # --- budget -------------------------------------------------------------------------------------------

    def _update_totals(self) -> None:
        totals = service.budget_totals(self.budget.lines)
        total = sum(totals.values())
        parts = [f"{label(category)} {format_yuan(totals[category])}" for category in BudgetCategory]
        share = totals[BudgetCategory.MANAGEMENT] * 100 / total if total else 0
        self.category_totals.setText(self.tr("By category: {parts} · Total {total} yuan · Management fee {share}")
                                     .format(parts=" · ".join(parts), total=format_yuan(total), share=f"{share:.1f}%"))
        requested, matching = self.requested_fen.fen(), self.matching_fen.fen()
        if requested is None or matching is None:
            self.balance.setText(self.tr("An amount cannot be read."))
            self.balance.setStyleSheet("color: #c62828;")
            return
        balanced = requested + matching == total
        template = (self.tr("Requested + matching = {sum} yuan; budget lines total {total} yuan: balanced")
                    if balanced else
                    self.tr("Requested + matching = {sum} yuan; budget lines total {total} yuan: does not add up"))
        self.balance.setText(template.format(sum=format_yuan(requested + matching), total=format_yuan(total)))
        self.balance.setStyleSheet("color: #2e7d32;" if balanced else "color: #c62828;")

    def _fill_matching(self) -> None:
        total = sum(line.amount for line in self.budget.lines)
        requested = self.requested_fen.fen() or 0
        self.matching_fen.set_fen(max(0, total - requested))
        self._update_totals()

    # --- saving -------------------------------------------------------------------------------------------

    def form_data(self) -> ProposalData | None:
        competition_id, organization_id = self.competition.currentData(), self.organization.currentData()
        if competition_id is None or organization_id is None or self.organization.currentIndex() < 0:
            self.banner.setText(self.tr("Choose the competition and the applying organization."))
            self.banner.show()
            return None
        requested, matching = self.requested_fen.fen(), self.matching_fen.fen()
        if requested is None or matching is None:
            self.banner.setText(self.tr("An amount cannot be read: write it like 12345.60 or 3万."))
            self.banner.show()
            return None
        checked = [self.needs.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.needs.count())
                   if self.needs.item(r).checkState() == Qt.CheckState.Checked]
        return ProposalData(
            competition_id=competition_id, organization_id=organization_id, title=self.title.text(),
            domain=self.domain.currentData(), theme_id=self.theme.currentData(),
            community_id=self.community.currentData(), target_group=self.target_group.text(),
            location=self.location.text(), direct_beneficiaries=self.direct_beneficiaries.value(),
            indirect_beneficiaries=self.indirect_beneficiaries.value(), start_month=self.start_month.month(),
            end_month=self.end_month.month(), summary=self.summary.toPlainText(),
            need_analysis=self.need_analysis.toPlainText(), objectives=self.objectives.toPlainText(),
            activity_plan=self.activity_plan.toPlainText(), requested_fen=requested, matching_fen=matching,
            budget_lines=list(self.budget.lines), need_ids=checked)

    def save_draft(self) -> bool:
        data = self.form_data()
        if data is None:
            return False
        try:
            self.proposal_id = service.save_draft(self.db, data, self.proposal_id, self.row_version)
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            if self.proposal_id is not None:
                offer_reload(self, exc, lambda: self._load(self.proposal_id))  # type: ignore[arg-type]
            return False
        self.banner.clear()
        self._load(self.proposal_id)
        return True

    def submit(self) -> None:
        if not self.save_draft():
            return
        assert self.proposal_id is not None
        try:
            number = service.submit(self.db, self.proposal_id, on=self.received_on.value() or dt.date.today())
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            return
        self._load(self.proposal_id)
        self.submitted.emit(self.proposal_id)
        answer = QMessageBox.question(
            self, self.tr("Received"),
            self.tr("The application is received with intake number {number}. Print the intake receipt now?")
            .format(number=number))
        if answer == QMessageBox.StandardButton.Yes:
            self.print_receipt()

    def print_receipt(self) -> None:
        from ...services import printouts
        from ..pdf_actions import save_pdf

        proposal_id, db = self.proposal_id, self.db
        if proposal_id is not None:
            number = service.header(db, proposal_id).intake_number or str(proposal_id)
            save_pdf(self, lambda: printouts.intake_receipt_pdf(db, proposal_id),
                     self.tr("Intake receipt {number}.pdf").format(number=number))

    # --- attachments --------------------------------------------------------------------------------------

    def _add_attachment(self) -> None:
        if self.proposal_id is None and not self.save_draft():
            return
        assert self.proposal_id is not None
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Add a file to the application"))
        if not path:
            return
        try:
            service.add_attachment(self.db, self.proposal_id, Path(path))
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self._load_attachments()

    def _open_attachment(self) -> None:
        index = self.attachment_view.currentIndex()
        if not index.isValid():
            return
        row = self.attachment_model.row_at(index.row())
        try:
            copy = service.export_attachment(self.db, row.id, Path(tempfile.mkdtemp(prefix="psp-")))
        except PspError as exc:
            self.banner.show_error(exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

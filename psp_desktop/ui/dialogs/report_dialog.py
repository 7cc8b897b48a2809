"""Submitting or correcting a progress report (进度报告): which report, when it came, activities, people served, the
narrative, spending per budget category checked live against the approved budget, and photos or PDFs to keep.

Spending above a category's budget is allowed: the row turns red with the words saying by how much, and the service
records it flagged. OK makes one call to services.monitoring.submit_report; a refusal stays in the dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...enums import BudgetCategory
from ...services import monitoring
from ...services.monitoring import ProjectDetail, ReportRow, Submitted
from ..forms import DateEdit, MoneyEdit
from ..funding_money import ActionDialog, InputProblem
from ..labels import label, money_text
from ..pdf_actions import documents_folder

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
OVER_STYLE = "color: #b3261e; font-weight: bold;"
MAX_SPIN = 10_000_000


class ReportDialog(ActionDialog):
    def __init__(
        self,
        db: Database,
        detail: ProjectDetail,
        report: ReportRow | None,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        p = detail.project
        super().__init__(
            translate("Monitoring", "Edit progress report")
            if report and report.submitted_on
            else translate("Monitoring", "Submit progress report"),
            f"{p.organization} — {p.title}",
            parent,
        )
        self.setMinimumWidth(720)
        self.db, self.detail, self.report, self.today = db, detail, report, today
        self.result_: Submitted | None = None
        self.new_files: list[Path] = []
        self._which()
        submitted = self.add_date(
            "submitted", translate("Monitoring", "Submitted on:"), (report and report.submitted_on) or today
        )
        submitted.dateChanged.connect(lambda _d: self._check_late())
        self.activities = self._spin(
            "activities", translate("Monitoring", "Activities held:"), report.activities_held if report else 0
        )
        self.people = self._spin(
            "people", translate("Monitoring", "People served (person-times):"), report.people_served if report else 0
        )
        narrative = QPlainTextEdit(self)
        narrative.setTabChangesFocus(True)
        narrative.setPlaceholderText(
            translate("Monitoring", "What was done this period, for whom, and what came of it")
        )
        narrative.setFixedHeight(narrative.fontMetrics().lineSpacing() * 5 + 14)
        narrative.setPlainText(report.narrative if report else "")
        self.add("narrative", translate("Monitoring", "Narrative:"), narrative)
        self._spending()
        self._files()
        self.late_note = QLabel(self)
        self.late_note.setStyleSheet(OVER_STYLE)
        self.late_note.setWordWrap(True)
        self.form.addRow("", self.late_note)
        self.action = self._submit
        self._check_late()

    # --- fields -----------------------------------------------------------------------------------------------

    def _which(self) -> None:
        """The report this is: fixed when correcting one, else a choice of those not yet in, or another date."""
        self.due = DateEdit(self)
        self.which = QComboBox(self)
        report = self.report
        if report is not None:
            self.which.addItem(
                translate("Monitoring", "Report {n}, due {date}").format(n=report.seq, date=report.due_on.isoformat()),
                report.due_on,
            )
            self.which.setEnabled(False)
        else:
            for row in self.detail.reports:
                if row.submitted_on is None:
                    self.which.addItem(
                        translate("Monitoring", "Report {n}, due {date}").format(
                            n=row.seq, date=row.due_on.isoformat()
                        ),
                        row.due_on,
                    )
            self.which.addItem(translate("Monitoring", "Another due date…"), None)
        self.which.currentIndexChanged.connect(lambda _i: self._chosen())
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.which, 1)
        row.addWidget(self.due)
        holder = QWidget(self)
        holder.setLayout(row)
        self.add("which", translate("Monitoring", "Report:"), holder)
        self._chosen()

    def _chosen(self) -> None:
        other = self.which.currentData() is None
        self.due.setVisible(other)
        if other and self.due.value() is None:
            self.due.set_value(self.today)
        self._check_late()

    def _spin(self, key: str, caption: str, value: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(0, MAX_SPIN)
        spin.setGroupSeparatorShown(True)
        spin.setValue(value)
        spin.setMinimumWidth(120)
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(spin)
        row.addStretch(1)
        self.add(key, caption, holder)
        return spin

    def _spending(self) -> None:
        """One line per budget category: the amount, the budget and what earlier reports spent, a live flag."""
        before = {c.category: c.spent_fen for c in self.detail.budget}
        mine = dict(self.report.spending) if self.report and self.report.submitted_on else {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        for column, text in enumerate(
            (
                translate("Monitoring", "Category"),
                translate("Monitoring", "Spent this period (yuan)"),
                translate("Monitoring", "Budget"),
                translate("Monitoring", "Spent in earlier reports"),
                "",
            )
        ):
            header = QLabel(text, self)
            header.setStyleSheet("color: #555;")
            grid.addWidget(header, 0, column)
        self.amounts: dict[BudgetCategory, tuple[MoneyEdit, int, int, QLabel]] = {}
        budget = {c.category: c.budget_fen for c in self.detail.budget}
        for row, category in enumerate(BudgetCategory, 1):
            edit = MoneyEdit(self)
            edit.set_fen(mine.get(category))
            earlier = before.get(category, 0) - mine.get(category, 0)
            flag = QLabel(self)
            flag.setStyleSheet(OVER_STYLE)
            grid.addWidget(QLabel(label(category), self), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(
                QLabel(money_text(budget.get(category, 0)), self),
                row,
                2,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            )
            grid.addWidget(
                QLabel(money_text(earlier), self), row, 3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            grid.addWidget(flag, row, 4)
            self.amounts[category] = (edit, budget.get(category, 0), earlier, flag)
            edit.edited.connect(lambda category=category: self._flag(category))
            edit.editingFinished.connect(lambda category=category: self._flag(category))
            self._flag(category)
        grid.setColumnStretch(4, 1)
        holder = QWidget(self)
        holder.setLayout(grid)
        self.add("spending", translate("Monitoring", "Spending:"), holder)

    def _flag(self, category: BudgetCategory) -> None:
        edit, budget, earlier, flag = self.amounts[category]
        fen = edit.fen()
        total = earlier + (fen or 0)
        flag.setText(
            translate("Monitoring", "Over budget by {amount} yuan (allowed, flagged)").format(
                amount=money_text(total - budget)
            )
            if fen is not None and total > budget
            else ""
        )

    def _files(self) -> None:
        self.file_list = QListWidget(self)
        self.file_list.setFixedHeight(self.file_list.fontMetrics().lineSpacing() * 4 + 12)
        if self.report is not None:
            for kept in self.report.files:
                item = QListWidgetItem(translate("Monitoring", "{name} (kept)").format(name=kept.filename))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.file_list.addItem(item)
        add, remove = (
            QPushButton(translate("Monitoring", "Add files…"), self),
            QPushButton(translate("Monitoring", "Remove"), self),
        )
        for button in (add, remove):
            button.setAutoDefault(False)
        add.clicked.connect(lambda _checked=False: self._add_files())
        remove.clicked.connect(lambda _checked=False: self._remove_file())
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_list, 1)
        row.addLayout(buttons)
        holder = QWidget(self)
        holder.setLayout(row)
        self.add("files", translate("Monitoring", "Photos and documents:"), holder)

    def _add_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            translate("Monitoring", "Photos and documents"),
            str(documents_folder()),
            translate(
                "Monitoring", "Photos and documents (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx);;All files (*)"
            ),
        )
        for path in paths:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        if path in self.new_files:
            return
        self.new_files.append(path)
        item = QListWidgetItem(path.name)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.file_list.addItem(item)

    def _remove_file(self) -> None:
        item = self.file_list.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        self.new_files.remove(Path(item.data(Qt.ItemDataRole.UserRole)))
        self.file_list.takeItem(self.file_list.row(item))

    # --- checks and the call ----------------------------------------------------------------------------------

    def _due_on(self) -> dt.date | None:
        chosen = self.which.currentData()
        return chosen if chosen is not None else self.due.value()

    def _check_late(self) -> None:
        if not hasattr(self, "late_note"):
            return
        due, submitted = self._due_on(), self.fields["submitted"].value()  # type: ignore[attr-defined]
        late = (
            due is not None
            and submitted is not None
            and monitoring.is_late(due, submitted, self.detail.rules, self.today)
        )
        self.late_note.setText(
            translate("Monitoring", "Handed in after the grace days (until {date}): it counts as late.").format(
                date=monitoring.deadline(due, self.detail.rules).isoformat()
            )
            if late and due
            else ""
        )
        self.late_note.setVisible(bool(late))

    def _submit(self) -> None:
        due = self._due_on()
        if due is None:
            raise InputProblem(translate("Monitoring", "Give the due date of the report."))
        spending = {}
        for category, (edit, _budget, _earlier, _flag) in self.amounts.items():
            fen = edit.fen()
            if fen is None:
                raise InputProblem(
                    translate("Monitoring", "“{text}” is not an amount in yuan ({category}).").format(
                        text=edit.text().strip(), category=label(category)
                    )
                )
            spending[category] = fen
        submission = monitoring.Submission(
            submitted_on=self.date("submitted", translate("Monitoring", "Submitted on:")),
            activities_held=self.activities.value(),
            people_served=self.people.value(),
            narrative=self.text("narrative"),
            spending=spending,
            due_on=due,
            files=tuple(self.new_files),
        )
        self.result_ = monitoring.submit_report(self.db, self.detail.project.award_id, submission, today=self.today)

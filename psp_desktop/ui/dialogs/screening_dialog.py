"""Screening one proposal: the automatic checks with their reasons, the manual checklist with notes, and the
decision (eligible / ineligible / returned) with reasons and who decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import ScreeningOutcome
from ...errors import PspError
from ...services import proposals, screening
from ...services.screening import RULE_NAMES, CheckResult
from ..capacity_panel import CapacityPanel
from ..forms import ProblemBanner
from ..labels import label
from ..table import Column, RowTableModel
from ..widgets import heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

CHECK_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Result"), "result"),
    Column(QT_TRANSLATE_NOOP("Columns", "Check"), "name"),
    Column(QT_TRANSLATE_NOOP("Columns", "Reason"), "reason"),
)


@dataclass(frozen=True, slots=True)
class CheckLine:
    result: str
    name: str
    reason: str


def check_line(check: CheckResult) -> CheckLine:
    mark = {True: "✔", False: "✘", None: "…"}[check.passed]
    name = translate("Screening", RULE_NAMES.get(check.code, check.code))
    return CheckLine(mark, name, check.render(translate))


class ScreeningDialog(QDialog):
    def __init__(self, db: Database, proposal_id: int, reviewer: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.proposal_id = proposal_id
        self.resize(980, 720)
        header = proposals.header(db, proposal_id)
        self.setWindowTitle(self.tr("Screening: {title}").format(title=header.title))
        self.banner = ProblemBanner(self)
        title = heading(3)
        title.setText(f"{header.intake_number or ''}  {header.title}")
        facts = QLabel(self.tr("{organization} · {competition} · status {status}").format(
            organization=header.organization, competition=header.competition, status=label(header.status)))
        self.model = RowTableModel(CHECK_COLUMNS, self)
        self.view = make_table_view(self, sortable=False)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        rerun = QPushButton(self.tr("Run the automatic checks again"))
        rerun.clicked.connect(self.run_checks)
        self.manual_grid = QGridLayout()
        self.manual_rows: dict[str, tuple[QComboBox, QLineEdit]] = {}
        self.suggestion = QLabel()
        self.outcomes = QButtonGroup(self)
        outcome_row = QHBoxLayout()
        for outcome in ScreeningOutcome:
            button = QRadioButton(label(outcome))
            button.setProperty("outcome", outcome.value)
            self.outcomes.addButton(button)
            outcome_row.addWidget(button)
        outcome_row.addStretch(1)
        self.reasons = QPlainTextEdit()
        self.reasons.setPlaceholderText(self.tr("Reasons (required unless eligible)"))
        self.reasons.setMaximumHeight(90)
        self.reviewer = QLineEdit(reviewer)
        self.reviewer.setPlaceholderText(self.tr("Your name"))
        decide = QPushButton(self.tr("Record the decision"))
        decide.setDefault(True)
        decide.clicked.connect(self.decide)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Reviewer")))
        bottom.addWidget(self.reviewer)
        bottom.addStretch(1)
        bottom.addWidget(decide)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        self.capacity = CapacityPanel(db, self, compact=True)  # the applicant's record, beside the checks
        self.capacity.load_for_proposal(proposal_id)
        for widget in (self.banner, title, facts, self.capacity):
            layout.addWidget(widget)
        layout.addWidget(heading(1, text=self.tr("Automatic checks")))
        layout.addWidget(self.view, 2)
        layout.addWidget(rerun)
        layout.addWidget(heading(1, text=self.tr("Checklist")))
        layout.addLayout(self.manual_grid)
        layout.addWidget(self.suggestion)
        layout.addLayout(outcome_row)
        layout.addWidget(self.reasons)
        layout.addLayout(bottom)
        self.refresh(run=not any(not c.manual for c in screening.checks(db, proposal_id)))

    # --- data ---------------------------------------------------------------------------------------------

    def refresh(self, *, run: bool = False) -> None:
        try:
            results = screening.run_checks(self.db, self.proposal_id) if run else screening.checks(
                self.db, self.proposal_id)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.results = results
        self.model.set_rows([check_line(c) for c in results if not c.manual])
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.resizeRowsToContents()
        self._fill_manual([c for c in results if c.manual])
        suggested = screening.suggest(results)
        text = self.tr("Suggested outcome: {outcome}").format(outcome=label(suggested))
        if any(c.passed is None for c in results):
            text += " " + self.tr("(answer the checklist before deciding)")
        self.suggestion.setText(text)
        for button in self.outcomes.buttons():
            button.setChecked(button.property("outcome") == suggested.value)
        failed = [check_line(c).reason for c in results if c.passed is False]
        if failed and not self.reasons.toPlainText().strip():
            self.reasons.setPlainText("；".join(failed))

    def run_checks(self) -> None:
        self.refresh(run=True)

    def _fill_manual(self, items: list[CheckResult]) -> None:
        labels = dict(screening.manual_items_for(self.db, self.proposal_id))
        for row, item in enumerate(items):
            if item.code not in self.manual_rows:
                answer = QComboBox()
                for text, value in ((self.tr("Not checked"), None), (self.tr("Met"), True),
                                    (self.tr("Not met"), False)):
                    answer.addItem(text, value)
                note = QLineEdit()
                note.setPlaceholderText(self.tr("Note (required when not met)"))
                save = QPushButton(self.tr("Save"))
                save.clicked.connect(lambda _c=False, code=item.code: self.save_manual(code))
                caption = QLabel(translate("Screening", labels.get(item.code, item.code)))
                for column, widget in enumerate((caption, answer, note, save)):
                    self.manual_grid.addWidget(widget, row, column)
                self.manual_rows[item.code] = (answer, note)
            answer, note = self.manual_rows[item.code]
            answer.setCurrentIndex(answer.findData(item.passed) if item.passed is not None else 0)
            note.setText(item.message)

    def save_manual(self, code: str) -> None:
        answer, note = self.manual_rows[code]
        if answer.currentData() is None:
            return
        try:
            screening.record_manual(self.db, self.proposal_id, code, answer.currentData(), note.text(),
                                    self.reviewer.text())
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.banner.clear()
        self.refresh()

    def decide(self) -> None:
        checked = self.outcomes.checkedButton()
        if checked is None:
            return
        outcome = ScreeningOutcome(checked.property("outcome"))
        try:
            screening.decide(self.db, self.proposal_id, outcome, self.reasons.toPlainText(), self.reviewer.text())
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()

"""Commissioning a project (委托项目): the organization, the project, the amount, the justification and who approved
it. The eligibility checks of the organization are shown as the form is filled (services.commission.preview_checks,
off the GUI thread, nothing written), so staff see a failed rule before they confirm. OK makes one call to
services.commission.assign; a refusal (an empty justification, a sanction such as the violation list, the pool) stays
in the dialog's red banner with nothing written."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...enums import ServiceDomain
from ...errors import PspError
from ...services import commission
from ...services.commission import Commission, CommissionInput
from ...services.lists import Choice
from ...services.screening import RULE_NAMES, CheckResult
from ..forms import DateEdit, MoneyEdit, MonthEdit, enum_combo
from ..funding_money import ActionDialog, InputProblem
from ..tasks import run_task

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
PASSED_COLOUR = "#1e6b2e"
FAILED_COLOUR = "#b3261e"
PREVIEW_DELAY_MS = 300  # the checks follow the form once typing pauses


def check_words(check: CheckResult) -> str:
    """A stored or previewed check in words: its name, passed or failed (and whether that blocks), the reason."""
    name = translate("Screening", RULE_NAMES.get(check.code, check.code))
    reason = check.render(translate)
    if check.passed:
        text = translate("Commission", "{check}: passed — {reason}")
    elif check.code in commission.BLOCKING:
        text = translate("Commission", "{check}: failed, the organization cannot be commissioned — {reason}")
    else:
        text = translate("Commission", "{check}: failed (shown, left to the justification) — {reason}")
    return text.format(check=name, reason=reason)


def checks_html(checks: Sequence[CheckResult]) -> str:
    """The checks as coloured lines for a rich-text label: ✔ in green, ✘ in red."""
    lines = []
    for check in checks:
        mark, colour = ("✔", PASSED_COLOUR) if check.passed else ("✘", FAILED_COLOUR)
        lines.append(f'<span style="color:{colour}">{mark} {html.escape(check_words(check))}</span>')
    return "<br>".join(lines)


class CommissionDialog(ActionDialog):
    def __init__(self, db: Database, competition_id: int, competition: str, organizations: Sequence[Choice],
                 communities: Sequence[Choice], today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(translate("Commission", "Commission a project"), translate(
            "Commission", "{competition}: the project is assigned directly to the organization and funded at the "
                          "amount given.").format(competition=competition), parent)
        self.db, self.competition_id, self.today = db, competition_id, today
        self.result: Commission | None = None
        self._generation = 0
        self._build(organizations, communities)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.preview)
        for signal in (self.organization.currentIndexChanged, self.domain.currentIndexChanged,
                       self.amount.edited, self.decided_on.dateChanged, self.start.dateChanged):
            signal.connect(lambda *_: self.preview_timer.start())
        self.action = self._save
        self.preview()

    def _build(self, organizations: Sequence[Choice], communities: Sequence[Choice]) -> None:
        self.organization = QComboBox(self)
        self.organization.setEditable(True)
        self.organization.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.organization.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.organization.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.organization.setMinimumContentsLength(18)
        self.organization.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.organization.addItem("", None)
        for choice in organizations:
            self.organization.addItem(choice.name, choice.id)
            self.organization.setItemData(self.organization.count() - 1, choice.detail, Qt.ItemDataRole.ToolTipRole)
        self.organization.lineEdit().setPlaceholderText(translate("Commission", "type part of the name to search"))
        self.add("organization", translate("Commission", "Organization:"), self.organization)
        self.title = self.add_text("title", translate("Commission", "Project:"),
                                   translate("Commission", "the project's name"))
        self.domain = enum_combo(ServiceDomain, self)
        self.community = QComboBox(self)
        self.community.addItem(translate("Commission", "— none —"), None)
        for choice in communities:
            self.community.addItem(f"{choice.detail} {choice.name}".strip(), choice.id)
        self.add("domain", translate("Commission", "Service domain:"),
                 _pair(self.domain, translate("Commission", "Community:"), self.community))
        self.amount = MoneyEdit(self)
        self.beneficiaries = QSpinBox(self)
        self.beneficiaries.setRange(0, 10_000_000)
        self.beneficiaries.setGroupSeparatorShown(True)
        self.add("amount", translate("Commission", "Amount (yuan):"),
                 _pair(self.amount, translate("Commission", "Direct beneficiaries:"), self.beneficiaries))
        self.fields["amount"] = self.amount  # what fen() reads
        self.start, self.end = MonthEdit(self), MonthEdit(self)
        self.start.set_month(self.today)
        self.end.set_month(_months_later(self.today, 11))
        self.add("months", translate("Commission", "Service from:"),
                 _pair(self.start, translate("Commission", "until:"), self.end))
        self.justification = self.add_reason(
            "justification", translate("Commission", "Justification:"),
            translate("Commission", "why this organization is assigned the project directly (required)"))
        self.approver = QLineEdit(self)
        self.approver.setPlaceholderText(translate("Commission", "who approved it (required)"))
        self.decided_on = DateEdit(self)
        self.decided_on.set_value(self.today)
        self.add("approver", translate("Commission", "Approved by:"),
                 _pair(self.approver, translate("Commission", "on:"), self.decided_on))
        self.checks = QLabel(self)
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.checks.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.checks.setStyleSheet("background: #f7f9fc; border: 1px solid #d8e0ea; padding: 6px;")
        self.checks.setMinimumHeight(self.checks.fontMetrics().lineSpacing() * 3 + 14)
        self.form.addRow(QLabel(translate("Commission", "Eligibility checks of the organization on the day of the "
                                                        "decision:")))
        self.form.addRow(self.checks)  # the whole width: reasons are long

    # --- the checks before confirming --------------------------------------------------------------------------

    def chosen_organization(self) -> int | None:
        """The organization picked from the list; None while the typed text names none."""
        index = self.organization.currentIndex()
        if self.organization.currentText() != self.organization.itemText(index):
            return None
        return self.organization.currentData()  # type: ignore[no-any-return]

    def data(self, amount_fen: int | None = None) -> CommissionInput:
        organization = self.chosen_organization()
        if organization is None:
            raise InputProblem(translate("Commission", "Choose the organization from the list."))
        if amount_fen is None:
            amount_fen = self.fen("amount", translate("Commission", "Amount (yuan):"))
        return CommissionInput(
            competition_id=self.competition_id, organization_id=organization, title=self.title.text(),
            domain=self.domain.currentData(), amount_fen=amount_fen,
            justification=self.justification.toPlainText(), approved_by=self.approver.text(),
            start_month=self.start.month(), end_month=self.end.month(), community_id=self.community.currentData(),
            direct_beneficiaries=self.beneficiaries.value(), on=self.decided_on.value())

    def preview(self) -> None:
        self._generation += 1
        generation = self._generation
        try:
            data = self.data(self.amount.fen() or 0)  # an amount not typed yet is checked as none
        except InputProblem:
            self.checks.setText(translate("Commission", "Choose the organization to see its checks."))
            return
        self.checks.setText(translate("Commission", "Checking…"))
        run_task(lambda: commission.preview_checks(self.db, data),
                 lambda found: self._previewed(generation, found),
                 lambda exc: self._preview_failed(generation, exc))

    def done(self, result: int) -> None:
        """Closed: a preview still running must not reach the labels, which go with the dialog."""
        self._generation += 1
        self.preview_timer.stop()
        super().done(result)

    def _current(self, generation: int) -> bool:
        return generation == self._generation and shiboken6.isValid(self.checks)

    def _previewed(self, generation: int, found: list[CheckResult]) -> None:
        if self._current(generation):
            self.checks.setText(checks_html(found) if found else translate(
                "Commission", "The programme's rules check nothing for this organization."))

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if self._current(generation):
            self.checks.setText(exc.render(translate) if isinstance(exc, PspError) else str(exc))

    def _save(self) -> None:
        self.result = commission.assign(self.db, self.data())


def _pair(first: QWidget, caption: str, second: QWidget) -> QWidget:
    """Two fields on one form row, the second with its own caption (keeps the dialog short on a small screen)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first, 1)
    row.addSpacing(8)
    row.addWidget(QLabel(caption))
    row.addWidget(second, 1)
    return box


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)

"""Changes to one award, each a dialog that makes its own service call and shows a refusal in its banner (nothing is
written then): adjusting the amount (which funds a reserve award), cancelling, signing the agreement, and the
payment schedule with a live preview of each tranche's amount."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...enums import AwardLevel, AwardStatus, GateKind
from ...errors import PspError, ValidationError
from ...money import MoneyError, format_yuan, parse_yuan
from ...services import allocation, tranches
from ...services.allocation import LEVEL_ORDER, AwardRow
from ...services.tranches import Step
from ..forms import DateEdit, MoneyEdit, ProblemBanner, enum_combo, select_data
from ..labels import label
from ..widgets import heading

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

NOT_AN_AMOUNT = QT_TRANSLATE_NOOP("Errors", "“{text}” is not an amount in yuan (for example 50000 or 5万).")
NO_DATE = QT_TRANSLATE_NOOP("Errors", "Give the date the agreement was signed.")
GATES = (GateKind.AGREEMENT_SIGNED, GateKind.MIDTERM_PASSED, GateKind.FINAL_PASSED, GateKind.DATE,
         GateKind.MANUAL, GateKind.NONE)
PERCENT, FIXED = "percent", "fixed"


class AwardDialog(QDialog):
    """The award named at the top, a banner for refusals, a form, and a button that saves; accepted only when the
    service call went through."""

    ok_text = ""

    def __init__(self, db: Database, award: AwardRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.award = award
        self.banner = ProblemBanner(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        title = heading(2, text=f"{award.intake_number}  {award.title}".strip())
        title.setWordWrap(True)
        facts = QLabel(translate("Funding", "{organization} · award {amount} yuan · {status}").format(
            organization=award.organization, amount=format_yuan(award.amount_fen), status=label(award.status)))
        facts.setStyleSheet("color: #555;")
        facts.setWordWrap(True)
        self.ok_button = QPushButton(translate("Funding", self.ok_text))
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._save)
        close = QPushButton(translate("Funding", "Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(close)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(title)
        self.layout_.addWidget(facts)
        self.layout_.addWidget(self.banner)
        self.layout_.addLayout(self.form)
        self.layout_.addStretch(1)
        self.layout_.addLayout(buttons)
        self.setMinimumWidth(560)

    def save(self) -> None:
        raise NotImplementedError

    def _save(self) -> None:
        try:
            self.save()
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()


def reason_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setMaximumHeight(90)
    box.setTabChangesFocus(True)
    return box


class AdjustDialog(AwardDialog):
    """A new amount (and level) with the reason; for a reserve award, the amount it is funded with."""

    ok_text = QT_TRANSLATE_NOOP("Funding", "Save the change")

    def __init__(self, db: Database, award: AwardRow, remaining_fen: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, award, parent)
        reserve = award.status is AwardStatus.RESERVE
        self.setWindowTitle(translate("Funding", "Fund from the reserve list") if reserve
                            else translate("Funding", "Adjust the award"))
        self.amount = MoneyEdit()
        self.amount.set_fen(award.amount_fen)
        self.level = QComboBox()
        self.level.addItem(translate("Funding", "Keep: {level}").format(
            level=label(award.level) if award.level is not AwardLevel.NONE else translate("Funding", "none")), None)
        for level in (*LEVEL_ORDER, AwardLevel.NONE):
            if level is not award.level:
                self.level.addItem(label(level), level)
        self.reason = reason_box(translate("Funding", "Why the amount changes (required; it goes into the change "
                                                      "log)"))
        self.form.addRow(translate("Funding", "New amount (yuan)"), self.amount)
        self.form.addRow(translate("Funding", "Award level"), self.level)
        self.form.addRow(translate("Funding", "Reason"), self.reason)
        notes = []
        if reserve:
            notes.append(translate("Funding", "This proposal is on the reserve list: saving an amount funds it and "
                                              "gives it the competition's payment schedule."))
        if remaining_fen is not None:
            notes.append(translate("Funding", "Left in the pool now: {amount} yuan.").format(
                amount=format_yuan(remaining_fen)))
        note = QLabel("\n".join(notes))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.form.addRow(note)

    def save(self) -> None:
        text = self.amount.text().strip()
        try:
            fen = parse_yuan(text) if text else 0
        except MoneyError:
            raise ValidationError(NOT_AN_AMOUNT, text=text) from None
        level = self.level.currentData()  # Qt hands the enum back as its plain value
        allocation.adjust(self.db, self.award.award_id, fen, self.reason.toPlainText(),
                          level=None if level is None else AwardLevel(level))


class CancelDialog(AwardDialog):
    ok_text = QT_TRANSLATE_NOOP("Funding", "Cancel the award")

    def __init__(self, db: Database, award: AwardRow, parent: QWidget | None = None) -> None:
        super().__init__(db, award, parent)
        self.setWindowTitle(translate("Funding", "Cancel the award"))
        self.reason = reason_box(translate("Funding", "Why the award is cancelled (required)"))
        self.form.addRow(translate("Funding", "Reason"), self.reason)
        note = QLabel(translate("Funding", "Tranches not yet paid are cancelled and their money goes back to the "
                                           "pool. Money already paid stays spent: claw it back on the Tranches tab."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a5a00;")
        self.form.addRow(note)

    def save(self) -> None:
        allocation.cancel(self.db, self.award.award_id, self.reason.toPlainText())


class SignDialog(AwardDialog):
    """The grant agreement (资助协议) signed: its date and number (made when left empty)."""

    ok_text = QT_TRANSLATE_NOOP("Funding", "Record the signing")

    def __init__(self, db: Database, award: AwardRow, parent: QWidget | None = None) -> None:
        super().__init__(db, award, parent)
        self.setWindowTitle(translate("Funding", "Sign the agreement"))
        self.number = ""
        self.signed_on = DateEdit()
        self.signed_on.set_value(dt.date.today())
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(40)
        self.number_edit.setPlaceholderText(translate("Funding", "Leave empty to number it automatically"))
        self.form.addRow(translate("Funding", "Signed on"), self.signed_on)
        self.form.addRow(translate("Funding", "Agreement number"), self.number_edit)
        note = QLabel(translate("Funding", "The first tranche falls due once the agreement is signed."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.form.addRow(note)

    def save(self) -> None:
        signed_on = self.signed_on.value()
        if signed_on is None:
            raise ValidationError(NO_DATE)
        self.number = tranches.sign(self.db, self.award.award_id, signed_on, self.number_edit.text())


# --- the payment schedule ----------------------------------------------------------------------------------------


class StepRow:
    """The widgets of one tranche in the schedule editor."""

    def __init__(self, dialog: ScheduleDialog, step: Step) -> None:
        self.kind = QComboBox()
        self.kind.addItem(translate("Funding", "Share of the award"), PERCENT)
        self.kind.addItem(translate("Funding", "Fixed amount"), FIXED)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount = MoneyEdit()
        self.value = QWidget()  # the share or the amount, whichever the kind asks for, in one column
        value_layout = QHBoxLayout(self.value)
        value_layout.setContentsMargins(0, 0, 0, 0)
        value_layout.addWidget(self.percent)
        value_layout.addWidget(self.amount)
        self.gate = enum_combo(GATES)
        self.date = DateEdit()
        self.months = step.months_after_start
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.preview.setMinimumWidth(110)
        self.remove = QPushButton("✕")
        self.remove.setToolTip(translate("Funding", "Remove this tranche"))
        self.remove.setAutoDefault(False)
        self.remove.setFixedWidth(32)
        self.number = QLabel()
        self._set(step)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed(dialog))
        self.percent.valueChanged.connect(lambda _v: dialog.update_preview())
        self.amount.textChanged.connect(lambda _t: dialog.update_preview())
        self.gate.currentIndexChanged.connect(lambda _i: self._gate_changed(dialog))
        self.date.dateChanged.connect(lambda _d: dialog.update_preview())
        self.remove.clicked.connect(lambda _c=False: dialog.remove_row(self))

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.number, self.kind, self.value, self.gate, self.date, self.preview, self.remove)

    def _set(self, step: Step) -> None:
        fixed = step.amount_fen is not None and step.percent_x100 is None
        self.kind.setCurrentIndex(1 if fixed else 0)
        self.percent.setValue((step.percent_x100 or 0) / 100)
        self.amount.set_fen(step.amount_fen)
        select_data(self.gate, step.gate)
        self.date.set_value(step.gate_date)
        self._show_kind()
        self._show_gate()

    def _show_kind(self) -> None:
        fixed = self.kind.currentData() == FIXED
        self.percent.setVisible(not fixed)
        self.amount.setVisible(fixed)

    def _show_gate(self) -> None:
        dated = self.gate_kind() is GateKind.DATE
        self.date.setEnabled(dated)
        self.date.setSpecialValueText(
            translate("Funding", "{months} months after the start").format(months=self.months)
            if dated and self.months is not None else " ")
        self.date.setDisplayFormat(self.date.displayFormat())  # shows the new special text now

    def _kind_changed(self, dialog: ScheduleDialog) -> None:
        self._show_kind()
        dialog.update_preview()

    def _gate_changed(self, dialog: ScheduleDialog) -> None:
        self._show_gate()
        dialog.update_preview()

    def gate_kind(self) -> GateKind:
        return GateKind(self.gate.currentData())  # Qt hands the enum back as its plain value

    def step(self) -> Step:
        gate = self.gate_kind()
        date = self.date.value() if gate is GateKind.DATE else None
        months = self.months if gate is GateKind.DATE and date is None else None
        if self.kind.currentData() == FIXED:
            return Step(amount_fen=self.amount.fen() or 0, gate=gate, gate_date=date, months_after_start=months)
        return Step(percent_x100=round(self.percent.value() * 100), gate=gate, gate_date=date,
                    months_after_start=months)

    def delete(self) -> None:
        for widget in self.widgets():
            widget.hide()
            widget.deleteLater()


class ScheduleDialog(AwardDialog):
    """The tranches of an award: start from a template or the current schedule, change rows, see each tranche's
    amount as it will be paid (the parts always add up to the award, to the fen), save."""

    ok_text = QT_TRANSLATE_NOOP("Funding", "Save the schedule")
    HEADERS = (QT_TRANSLATE_NOOP("Funding", "No."), QT_TRANSLATE_NOOP("Funding", "Kind"),
               QT_TRANSLATE_NOOP("Funding", "Share or amount"), QT_TRANSLATE_NOOP("Funding", "Paid when"),
               QT_TRANSLATE_NOOP("Funding", "Date"), QT_TRANSLATE_NOOP("Funding", "Amount (yuan)"), "")

    def __init__(self, db: Database, award: AwardRow, parent: QWidget | None = None) -> None:
        super().__init__(db, award, parent)
        self.setWindowTitle(translate("Funding", "Payment schedule"))
        self.resize(900, 520)
        self.rows: list[StepRow] = []
        self.template = QComboBox()
        self.template.addItem(translate("Funding", "Start from a template…"), None)
        for key, (text, _steps) in tranches.TEMPLATES.items():
            self.template.addItem(translate("Funding", text), key)
        self.template.activated.connect(lambda _i: self.apply_template(self.template.currentData()))
        self.form.addRow(translate("Funding", "Template"), self.template)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(len(self.HEADERS), 1)  # rows stay compact on the left
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMinimumHeight(200)
        add = QPushButton(translate("Funding", "Add a tranche"))
        add.setAutoDefault(False)
        add.clicked.connect(lambda _c=False: self.add_row(Step(percent_x100=0, gate=GateKind.FINAL_PASSED)))
        self.total = QLabel()
        self.total.setWordWrap(True)
        below = QHBoxLayout()
        below.addWidget(add)
        below.addSpacing(12)
        below.addWidget(self.total, 1)
        index = self.layout_.indexOf(self.form) + 1
        self.layout_.insertWidget(index, scroll, 1)
        self.layout_.insertLayout(index + 1, below)
        for column, text in enumerate(self.HEADERS):
            caption = QLabel(translate("Funding", text) if text else "")
            caption.setStyleSheet("color: #555;")
            if column == 5:  # over the amounts, which are right-aligned
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(caption, 0, column)
        for step in tranches.schedule_of(db, award.award_id):
            self.add_row(step, preview=False)
        self.update_preview()

    # --- rows ---------------------------------------------------------------------------------------------

    def add_row(self, step: Step, *, preview: bool = True) -> StepRow:
        row = StepRow(self, step)
        self.rows.append(row)
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, len(self.rows), column)
        if preview:
            self.update_preview()
        return row

    def remove_row(self, row: StepRow) -> None:
        self.rows.remove(row)
        for widget in row.widgets():
            self.grid.removeWidget(widget)
        row.delete()
        for n, kept in enumerate(self.rows, 1):  # close the gap in the grid
            for column, widget in enumerate(kept.widgets()):
                self.grid.addWidget(widget, n, column)
        self.update_preview()

    def apply_template(self, key: str | None) -> None:
        if key is None:
            return
        for row in list(self.rows):
            for widget in row.widgets():
                self.grid.removeWidget(widget)
            row.delete()
        self.rows.clear()
        for step in tranches.TEMPLATES[key][1]:
            self.add_row(step, preview=False)
        self.template.setCurrentIndex(0)  # a chooser: the rows may be changed from here on
        self.update_preview()

    def steps(self) -> list[Step]:
        return [row.step() for row in self.rows]

    # --- preview and saving -------------------------------------------------------------------------------

    def update_preview(self) -> None:
        for n, row in enumerate(self.rows, 1):
            row.number.setText(str(n))
        try:
            amounts = tranches.split(self.award.amount_fen, self.steps())
        except PspError as exc:
            for row in self.rows:
                row.preview.setText("—")
            self.total.setText(exc.render(translate))
            self.total.setStyleSheet("color: #c62828;")
            return
        self.banner.clear()  # a refusal of an earlier attempt no longer applies
        for row, amount in zip(self.rows, amounts, strict=True):
            row.preview.setText(format_yuan(amount))
        self.total.setText(translate("Funding", "{count} tranches adding up to {amount} yuan, the whole award.")
                           .format(count=len(amounts), amount=format_yuan(sum(amounts))))
        self.total.setStyleSheet("color: #1b5e20;")

    def save(self) -> None:
        tranches.set_schedule(self.db, self.award.award_id, self.steps())

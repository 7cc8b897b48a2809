"""The evaluation dialogs: scoring one evaluation (one row per indicator with its points limited to the item's range,
a comment per row, the live total and grade, the narrative) and starting a new one (project, kind, evaluator without
a conflict, indicator set). OK runs the service; a refusal is shown in the red banner and the dialog stays open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

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
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...enums import EvaluationGrade, EvaluationKind
from ...errors import QT_TRANSLATE_NOOP, PspError, ValidationError
from ...services import evaluations
from ...services.evaluation_rules import GRADE_LABELS, KIND_LABELS, ItemKind, points_text, shipped_set, total_of
from ..forms import DateEdit, ProblemBanner
from ..labels import quoted

if TYPE_CHECKING:
    from ...db import Database
    from ...services.evaluations import AwardChoice, EvaluationDetail, EvaluatorRow, IndicatorSetRow

translate = QCoreApplication.translate
FAIL_COLOUR = "#b3261e"
PASS_COLOUR = "#1e6b2e"
NOTE_STYLE = "color: #1e6b2e;"
FONT_STEP = 1.15  # the dialogs' text a little larger than the window's: long sessions of reading and typing


def tr(text: str) -> str:
    return translate("Evaluations", text)


def grade_text(grade: EvaluationGrade | None) -> str:
    return tr(GRADE_LABELS[grade]) if grade is not None else ""


def kind_text(kind: EvaluationKind) -> str:
    return tr(KIND_LABELS[kind])


def enlarge(widget: QWidget) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * FONT_STEP)
    widget.setFont(font)


def bold(label: QLabel, step: float = 1.0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * step)
    label.setFont(font)
    return label


class _ServiceDialog(QDialog):
    """OK runs `action`; a PspError is shown in the banner and the dialog stays open for a correction."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        enlarge(self)
        self.action: Callable[[], None] = lambda: None
        self.banner = ProblemBanner(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def submit(self) -> None:
        self.banner.clear()
        try:
            self.action()
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()


# --- scoring -----------------------------------------------------------------------------------------------


class EvaluationDialog(_ServiceDialog):
    """Score one evaluation: each indicator's points within its range and a comment, the narrative and the day."""

    def __init__(self, db: Database, detail: EvaluationDetail, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(translate("Evaluations", "Score the evaluation"), parent)
        self.db, self.detail, self.today = db, detail, today
        row = detail.row
        self.setMinimumSize(980, 640)
        intro = QLabel(translate(
            "Evaluations", "{organization} — {title}\n{kind} evaluation by {evaluator} ({agency}), indicator set: "
                           "{set}").format(organization=row.organization, title=quoted(row.title),
                                          kind=kind_text(row.kind), evaluator=row.evaluator or "—",
                                          agency=row.agency or "—", set=row.indicator_set))
        intro.setWordWrap(True)
        self.spins: list[QDoubleSpinBox] = []
        self.comments: list[QLineEdit] = []
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(12)
        headers = (translate("Evaluations", "Indicator"), translate("Evaluations", "Points"),
                   translate("Evaluations", "Score"), translate("Evaluations", "Comment"))
        for column, text in enumerate(headers):
            grid.addWidget(bold(QLabel(text)), 0, column)
        for n, line in enumerate(detail.lines, 1):
            self._add_row(grid, n, line)
        grid.setRowStretch(len(detail.lines) + 1, 1)  # the rows stay together at the top
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_host)
        self.total = bold(QLabel(), 1.3)
        self.narrative = QPlainTextEdit(row.narrative)
        self.narrative.setPlaceholderText(translate(
            "Evaluations", "The evaluator's overall assessment: what went well, what must change."))
        self.narrative.setTabChangesFocus(True)
        self.narrative.setFixedHeight(self.narrative.fontMetrics().lineSpacing() * 4 + 14)
        self.evaluated_on = DateEdit(self)
        self.evaluated_on.set_value(row.evaluated_on or today)
        self.evaluated_on.setMaximumWidth(220)
        form = QFormLayout()
        form.addRow(translate("Evaluations", "Narrative:"), self.narrative)
        form.addRow(translate("Evaluations", "Evaluated on:"), self.evaluated_on)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.total)
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.action = self._save
        self.update_total()

    def _add_row(self, grid: QGridLayout, n: int, line: evaluations.ScoreLine) -> None:
        item = line.indicator
        name = QLabel(item.name)
        name.setToolTip(item.description)
        if item.kind is ItemKind.PENALTY:
            range_text = translate("Evaluations", "deduct up to {max}").format(max=points_text(item.max_x100))
        elif item.kind is ItemKind.BONUS:
            range_text = translate("Evaluations", "bonus up to {max}").format(max=points_text(item.max_x100))
        else:
            range_text = points_text(item.max_x100)
        spin = QDoubleSpinBox()
        spin.setDecimals(2)
        spin.setSingleStep(0.5)
        spin.setRange(item.low_x100 / 100, item.high_x100 / 100)
        spin.setValue((line.points_x100 or 0) / 100)
        spin.setMinimumWidth(110)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setObjectName(f"points_{n}")
        spin.valueChanged.connect(lambda _v: self.update_total())
        comment = QLineEdit(line.comment)
        comment.setCursorPosition(0)
        comment.setPlaceholderText(item.description)
        comment.setMinimumWidth(380)
        grid.addWidget(name, n, 0)
        grid.addWidget(QLabel(range_text), n, 1)
        grid.addWidget(spin, n, 2)
        grid.addWidget(comment, n, 3)
        self.spins.append(spin)
        self.comments.append(comment)

    def points(self) -> list[int]:
        return [round(spin.value() * 100) for spin in self.spins]

    def update_total(self) -> None:
        total = total_of(self.points())
        grade = self.detail.rules.grades.grade(total)
        colour = FAIL_COLOUR if grade is EvaluationGrade.FAIL else PASS_COLOUR
        self.total.setText(translate("Evaluations", "Total: {total} points — {grade}").format(total=points_text(total),
                                                                       grade=grade_text(grade)))
        self.total.setStyleSheet(f"color: {colour};")

    def _save(self) -> None:
        day = self.evaluated_on.value()
        scores = [evaluations.ScoreInput(line.indicator.name, points, comment.text())
                  for line, points, comment in zip(self.detail.lines, self.points(), self.comments, strict=True)]
        if day is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the date of the evaluation."))
        evaluations.score(self.db, self.detail.row.id, scores, self.narrative.toPlainText(), day, today=self.today)


# --- a new evaluation --------------------------------------------------------------------------------------


class NewEvaluationDialog(_ServiceDialog):
    """A funded project, the kind, an evaluator without a conflict with its organization, and the indicator set."""

    def __init__(self, db: Database, awards: Sequence[AwardChoice], evaluators: Sequence[EvaluatorRow],
                 sets: Sequence[IndicatorSetRow], parent: QWidget | None = None) -> None:
        super().__init__(translate("Evaluations", "New evaluation"), parent)
        self.db, self.awards, self.people, self.sets = db, list(awards), list(evaluators), list(sets)
        self.created: int | None = None
        self.setMinimumWidth(720)
        self.project = QComboBox()
        for award in self.awards:
            self.project.addItem(f"{award.organization} — {quoted(award.title)}", award.award_id)
        self.kind = QComboBox()
        for kind in EvaluationKind:
            self.kind.addItem(kind_text(kind), kind)
        self.evaluator = QComboBox()
        self.indicator_set = QComboBox()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.project.currentIndexChanged.connect(lambda _i: self._project_changed())
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_sets())
        form = QFormLayout()
        form.addRow(translate("Evaluations", "Project:"), self.project)
        form.addRow(translate("Evaluations", "Kind:"), self.kind)
        form.addRow(translate("Evaluations", "Evaluator:"), self.evaluator)
        form.addRow(translate("Evaluations", "Indicator set:"), self.indicator_set)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.action = self._create
        self._project_changed()

    def _award(self) -> AwardChoice | None:
        index = self.project.currentIndex()
        return self.awards[index] if 0 <= index < len(self.awards) else None

    def _project_changed(self) -> None:
        """The next kind not made yet, and the evaluators; a conflicted one is listed but marked and disabled."""
        award = self._award()
        if award is not None:
            pending = [k for k in EvaluationKind if k not in award.done]
            if pending:
                self.kind.setCurrentIndex(self.kind.findData(pending[0]))
        self.evaluator.clear()
        for person in self.people:
            conflict = award is not None and award.organization_id in person.blocked_org_ids
            name = f"{person.name}（{person.agency}）" if person.agency else person.name
            marked = translate("Evaluations", "{name} — conflict of interest").format(name=name)
            self.evaluator.addItem(marked if conflict else name, person.id)
            if conflict:
                item = self.evaluator.model().item(self.evaluator.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
        first_free = next((i for i in range(self.evaluator.count())
                           if self.evaluator.model().item(i).isEnabled()), -1)  # type: ignore[attr-defined]
        self.evaluator.setCurrentIndex(first_free)
        done = ", ".join(kind_text(k) for k in award.done) if award and award.done else ""
        self.hint.setText(translate("Evaluations", "Already evaluated: {kinds}.").format(kinds=done) if done else "")
        self._fill_sets()

    def _fill_sets(self) -> None:
        kind = EvaluationKind(self.kind.currentData()) if self.kind.currentData() else None
        self.indicator_set.clear()
        self.indicator_set.addItem(translate("Evaluations", "The shipped set for this kind"), None)
        for row in self.sets:
            if row.kind is kind:
                self.indicator_set.addItem(row.name, row.id)
        if kind is not None:  # the shipped set once it is in the database, else the entry that adds it
            self.indicator_set.setCurrentIndex(max(0, self.indicator_set.findText(shipped_set(kind).name)))

    def _create(self) -> None:
        award = self._award()
        if award is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no funded project to evaluate."))
        if self.evaluator.currentData() is None:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Choose an evaluator without a conflict of interest (add one under Evaluators…)."))
        self.created = evaluations.create(self.db, award.award_id, EvaluationKind(self.kind.currentData()),
                                          self.evaluator.currentData(), self.indicator_set.currentData())


def plan_text(plan: evaluations.FinalizePlan, organization: str, title: str) -> str:
    """What finalizing will do, in words, for the confirmation question."""
    from ...money import format_yuan
    from ..labels import label

    lines = [translate("Evaluations", "{organization} — {title}\n{kind} evaluation: {total} points, {grade}.").format(
        organization=organization, title=quoted(title), kind=kind_text(plan.kind),
        total=points_text(plan.total_x100), grade=grade_text(plan.grade)),
        "", translate("Evaluations", "Making it final will:")]
    for effect in plan.tranches:
        if effect.changed:
            lines.append(translate("Evaluations", "• tranche {n} ({amount} yuan): {before} → {after}").format(
                n=effect.seq, amount=format_yuan(effect.amount_fen), before=label(effect.before),
                after=label(effect.after)))
        else:
            lines.append(translate("Evaluations", "• tranche {n} ({amount} yuan): stays {state}").format(
                n=effect.seq, amount=format_yuan(effect.amount_fen), state=label(effect.before)))
    if not plan.tranches:
        lines.append(translate("Evaluations", "• no tranche waits for this evaluation"))
    for claw in plan.clawbacks:
        lines.append(translate("Evaluations", "• claw back {amount} yuan paid in tranche {n}").format(
            amount=format_yuan(claw.amount_fen), n=claw.seq))
    if plan.bar_until is not None:
        lines.append(translate("Evaluations", "• bar {organization} from applying until {date}").format(
            organization=plan.organization, date=plan.bar_until.isoformat()))
    lines += ["", translate("Evaluations", "This cannot be undone.")]
    return "\n".join(lines)

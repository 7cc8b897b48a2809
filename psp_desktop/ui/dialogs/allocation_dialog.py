"""Proposing awards from the final ranking (services.allocation): a method, a live preview of who is funded, who is
on the reserve list (候补) and who is not funded, with why an amount is limited, the pool the preview leaves, and
Commit. The preview is worked out off the GUI thread: the final ranking of a big competition takes a moment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...enums import AwardLevel, AwardStatus
from ...errors import PspError
from ...money import format_yuan
from ...services import allocation, lists
from ...services.allocation import LEVEL_ORDER, AwardRow, Limit, Line, Method, Rules
from ..forms import ProblemBanner
from ..labels import label
from ..pages.funding import LevelColumn, PoolBar
from ..table import Column, RowTableModel
from ..tasks import run_task
from ..widgets import ColumnFitter, heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

LIMITS = {
    Limit.NONE: "",
    Limit.REQUEST: QT_TRANSLATE_NOOP("Funding", "Limited to the amount requested"),
    Limit.CAP: QT_TRANSLATE_NOOP("Funding", "Limited by the cap per project"),
    Limit.BUDGET_SHARE: QT_TRANSLATE_NOOP("Funding", "Limited by the share of the total budget"),
    Limit.POOL: QT_TRANSLATE_NOOP("Funding", "The pool ran out"),
    Limit.TIE: QT_TRANSLATE_NOOP("Funding", "Tied at the cut: the pool cannot fund the whole tie"),
    Limit.THRESHOLD: QT_TRANSLATE_NOOP("Funding", "Below the score threshold"),
    Limit.LEVELS_FULL: QT_TRANSLATE_NOOP("Funding", "Every award level is full"),
    Limit.UNRANKED: QT_TRANSLATE_NOOP("Funding", "Not ranked"),
}
DECISIONS = {
    AwardStatus.COMMITTED: QT_TRANSLATE_NOOP("Funding", "Funded"),
    AwardStatus.RESERVE: QT_TRANSLATE_NOOP("Funding", "Reserve list"),
    None: QT_TRANSLATE_NOOP("Funding", "Not funded"),
}
METHODS = (
    (Method.REQUESTED, QT_TRANSLATE_NOOP("Funding", "Fund the amount requested")),
    (Method.LEVELS, QT_TRANSLATE_NOOP("Funding", "A fixed amount per award level")),
    (Method.PERCENT, QT_TRANSLATE_NOOP("Funding", "A percentage of the request, for scores at or above a threshold")),
)
SIGNED = (AwardStatus.SIGNED, AwardStatus.COMPLETED)
NOT_FINAL = ("The results are not final: round {round} is not frozen.",  # services.allocation's refusals
             "The competition has no review rounds, so no ranking.")


@dataclass(frozen=True)
class PreviewRow:
    proposal_id: int
    rank: int | None
    score: str
    intake_number: str
    organization: str
    title: str
    requested_fen: int
    level: AwardLevel
    amount_fen: int
    decision: AwardStatus | None
    limit: Limit


@dataclass(frozen=True)
class DecisionColumn(Column):
    def text(self, row: Any) -> str:
        return translate("Funding", DECISIONS[row.decision])


@dataclass(frozen=True)
class LimitColumn(Column):
    def text(self, row: Any) -> str:
        source = LIMITS[row.limit]
        return translate("Funding", source) if source else ""


PREVIEW_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Rank"), "rank", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Score"), "score", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Requested (yuan)"), "requested_fen", "money"),
    LevelColumn(QT_TRANSLATE_NOOP("Columns", "Award level"), "level"),
    Column(QT_TRANSLATE_NOOP("Columns", "Award (yuan)"), "amount_fen", "money"),
    DecisionColumn(QT_TRANSLATE_NOOP("Columns", "Decision"), "decision"),
    LimitColumn(QT_TRANSLATE_NOOP("Columns", "Why"), "limit"),
)


@dataclass(frozen=True)
class Preview:
    rules: Rules
    lines: tuple[Line, ...]
    rows: tuple[PreviewRow, ...]

    @property
    def committed_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.status is AwardStatus.COMMITTED)

    def count(self, status: AwardStatus | None) -> int:
        return sum(1 for line in self.lines if line.status is status)


def make_preview(db: Database, competition_id: int, method: Method, percent: int,
                 threshold: Decimal | None) -> Preview:
    """The allocation the method gives, with the names people recognize; nothing is written."""
    rules = allocation.rules_of(db, competition_id, method, percent=percent, threshold=threshold)
    lines = allocation.propose(db, competition_id, rules)
    names = {row.id: row for row in lists.proposal_rows(db, [line.proposal_id for line in lines])}
    rows = []
    for line in lines:
        name = names.get(line.proposal_id)
        rows.append(PreviewRow(
            line.proposal_id, line.rank, "" if line.score is None else str(line.score),
            name.intake_number if name else "", name.organization if name else "", name.title if name else "",
            line.requested_fen, line.level, line.amount_fen, line.status, line.limit))
    return Preview(rules, tuple(lines), tuple(rows))


def levels_text(rules: Rules) -> str:
    parts = [translate("Funding", "{level} {count} × {amount} yuan").format(
        level=label(level), count=rules.levels[level][0], amount=format_yuan(rules.levels[level][1]))
        for level in LEVEL_ORDER if rules.levels.get(level, (0, 0))[0]]
    if not parts:
        return translate("Funding", "This competition names no award levels: set them on the competition first.")
    return translate("Funding", "Award levels: {levels}").format(levels="; ".join(parts))


class AllocationDialog(QDialog):
    """Commit writes every funded and reserve line (replacing an earlier allocation while nothing is signed)."""

    def __init__(self, db: Database, competition_id: int, competition: str, awards: Sequence[AwardRow],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.competition_id = competition_id
        self.awards = tuple(awards)
        self.committed = False
        self.preview: Preview | None = None
        self._generation = 0
        self.setWindowTitle(translate("Funding", "Propose awards"))
        self.resize(1120, 720)
        self.banner = ProblemBanner(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(150)  # typing a percentage does not start a ranking on every keystroke
        self.timer.timeout.connect(self.refresh_preview)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(3, text=competition))
        layout.addWidget(self.banner)
        layout.addWidget(self._method_box())
        self.pool_bar = PoolBar(self, with_paid=False)
        layout.addWidget(self.pool_bar)
        self.summary = QLabel()
        self.replacing = QLabel()
        self.replacing.setWordWrap(True)
        self.replacing.setStyleSheet("color: #8a5a00;")
        layout.addWidget(self.summary)
        layout.addWidget(self.replacing)
        self.model = RowTableModel(PREVIEW_COLUMNS, self)
        self.view = make_table_view(self, sortable=False)
        self.view.setModel(self.model)
        self.fitter = ColumnFitter(self.view, 4)
        layout.addWidget(self.view, 1)
        layout.addLayout(self._buttons())
        self._show_replacing()
        self.refresh_preview()

    def _method_box(self) -> QGroupBox:
        box = QGroupBox(translate("Funding", "How the amounts are worked out"))
        grid = QGridLayout(box)
        self.methods = QButtonGroup(self)
        self.method_buttons: dict[Method, QRadioButton] = {}
        for row, (method, text) in enumerate(METHODS):
            button = QRadioButton(translate("Funding", text))
            self.methods.addButton(button)
            self.method_buttons[method] = button
            grid.addWidget(button, row, 0)
        self.method_buttons[Method.REQUESTED].setChecked(True)
        self.levels = QLabel()
        self.levels.setStyleSheet("color: #555;")
        self.levels.setWordWrap(True)
        grid.addWidget(self.levels, 1, 1, 1, 4)
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setValue(80)
        self.percent.setSuffix(" %")
        self.use_threshold = QCheckBox(translate("Funding", "Only scores of at least"))
        self.use_threshold.setChecked(True)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 1000)
        self.threshold.setDecimals(2)
        self.threshold.setValue(60)
        share = QHBoxLayout()
        share.addWidget(QLabel(translate("Funding", "Share of the request")))
        share.addWidget(self.percent)
        share.addSpacing(16)
        share.addWidget(self.use_threshold)
        share.addWidget(self.threshold)
        share.addStretch(1)
        grid.addLayout(share, 2, 1, 1, 4)
        grid.setColumnStretch(4, 1)
        self.methods.buttonToggled.connect(lambda _button, checked: checked and self._changed())
        self.percent.valueChanged.connect(lambda _v: self._changed())
        self.threshold.valueChanged.connect(lambda _v: self._changed())
        self.use_threshold.toggled.connect(lambda _on: self._changed())
        self._enable_inputs()
        return box

    def _buttons(self) -> QHBoxLayout:
        self.commit_button = QPushButton(translate("Funding", "Commit these awards"))
        self.commit_button.setDefault(True)
        self.commit_button.clicked.connect(self.commit)
        close = QPushButton(translate("Funding", "Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.working = QLabel()
        self.working.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.working)
        row.addStretch(1)
        row.addWidget(self.commit_button)
        row.addWidget(close)
        return row

    # --- the inputs ---------------------------------------------------------------------------------------

    def method(self) -> Method:
        return next(m for m, button in self.method_buttons.items() if button.isChecked())

    def set_method(self, method: Method) -> None:
        self.method_buttons[method].setChecked(True)

    def threshold_value(self) -> Decimal | None:
        if not self.use_threshold.isChecked():
            return None
        return Decimal(f"{self.threshold.value():.2f}")

    def _enable_inputs(self) -> None:
        percent = self.method() is Method.PERCENT
        self.percent.setEnabled(percent)
        self.use_threshold.setEnabled(percent)
        self.threshold.setEnabled(percent and self.use_threshold.isChecked())

    def _changed(self) -> None:
        self._enable_inputs()
        self.commit_button.setEnabled(False)  # until the preview matches the inputs
        self.timer.start()

    # --- the preview --------------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """No preview is being worked out (the one shown matches the inputs)."""
        return not self.timer.isActive() and self.working.text() == ""

    def refresh_preview(self) -> None:
        self._generation += 1
        generation = self._generation
        db, competition_id = self.db, self.competition_id
        method, percent, threshold = self.method(), self.percent.value(), self.threshold_value()
        self.working.setText(translate("Funding", "Working out the allocation…"))
        self.commit_button.setEnabled(False)
        run_task(lambda: make_preview(db, competition_id, method, percent, threshold),
                 self._when_current(generation, self._show_preview),
                 self._when_current(generation, self._show_refusal))

    def _when_current(self, generation: int, show: Callable[[Any], None]) -> Callable[[Any], None]:
        """An answer to inputs changed since is dropped: a newer one is on its way."""
        def deliver(value: Any) -> None:
            if generation == self._generation:
                self.working.setText("")
                show(value)
        return deliver

    def _show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.banner.clear()
        self.levels.setText(levels_text(preview.rules))
        self.model.set_rows(preview.rows)
        level_column = next(i for i, c in enumerate(PREVIEW_COLUMNS) if c.attr == "level")
        self.view.setColumnHidden(level_column, all(r.level is AwardLevel.NONE for r in preview.rows))
        self.fitter.fit()
        pool = preview.rules.pool_fen
        self.pool_bar.set_pool(pool, preview.committed_fen)
        self.summary.setText(translate(
            "Funding", "{funded} funded for {amount} yuan, {reserve} on the reserve list, {not_funded} not funded.")
            .format(funded=preview.count(AwardStatus.COMMITTED), amount=format_yuan(preview.committed_fen),
                    reserve=preview.count(AwardStatus.RESERVE), not_funded=preview.count(None)))
        self.commit_button.setEnabled(self._replaceable() and preview.count(AwardStatus.COMMITTED) > 0)

    def _show_refusal(self, exc: BaseException) -> None:
        self.preview = None
        self.model.set_rows([])
        self.pool_bar.clear()
        self.summary.clear()
        self.commit_button.setEnabled(False)
        if not isinstance(exc, PspError):
            self.banner.setText(str(exc))
            self.banner.show()
            return
        message = exc.render(translate)
        if exc.message in NOT_FINAL:
            message += "\n" + translate("Funding", "Awards are proposed from the final ranking: freeze every "
                                                   "review round on the Results page first.")
        self.banner.setText(message)
        self.banner.show()

    def _replaceable(self) -> bool:
        return not any(a.status in SIGNED for a in self.awards)

    def _show_replacing(self) -> None:
        if not self.awards:
            self.replacing.hide()
            return
        if self._replaceable():
            text = translate("Funding", "This competition already has {count} awards: committing replaces them, "
                                        "with any amounts changed by hand.").format(count=len(self.awards))
        else:
            text = translate("Funding", "Agreements have been signed in this competition: the allocation can no "
                                        "longer be replaced. Change single awards on the page instead.")
        self.replacing.setText(text)
        self.replacing.show()

    # --- commit -------------------------------------------------------------------------------------------

    def commit(self) -> None:
        preview = self.preview
        if preview is None or not self.ready:
            return
        if self.awards and QMessageBox.question(
                self, translate("Funding", "Replace the awards"),
                translate("Funding", "Replace the {count} awards of this competition with the ones shown?").format(
                    count=len(self.awards))) != QMessageBox.StandardButton.Yes:
            return
        try:
            allocation.commit(self.db, self.competition_id, preview.lines)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.committed = True
        self.accept()

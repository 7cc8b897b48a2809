"""The Evaluations tab (评估) of the Monitoring page: every mid-term and final evaluation with its total, grade and
objection window, and the work on one — new, score, publish, record an objection, make final (which decides the
project's tranche: shown before it is confirmed), the report PDF — plus the Evaluators… and Indicator sets… dialogs.

It works inside ui/pages/monitoring.py (built as `EvaluationsTab(page)`: reads `page.db`, follows
`set_competition`/`refresh`, hides write buttons through `page.guard`, emits `page.monitoring_changed` after a write,
takes the day from `page.today()`) and standalone (`set_database(db)` then `reload()`), with its own competition
filter either way. Reads run off the GUI thread; every write is one call to services.evaluations, whose refusal is
shown in the red banner with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from ..enums import EvaluationGrade
from ..services import evaluations
from ..services.access import Permission
from ..services.evaluation_rules import points_text
from ..services.evaluations import EvaluationRow
from .dialogs.evaluation_dialog import EvaluationDialog, NewEvaluationDialog, enlarge, grade_text, kind_text, plan_text
from .funding_money import ActionDialog, Derived, MarkedModel, MoneyTab, select_where, selected_row, shown_rows
from .labels import quoted
from .table import Column, make_proxy
from .tasks import run_task
from .widgets import ColumnFitter, make_table_view, search_box

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
FAIL_BACKGROUND = QColor("#fdecea")
CONFIRM_WIDTH = 560  # pixels: the finalize question lists several lines; narrower, they wrap mid-name


def tr(source: str) -> str:
    """A source string marked with QT_TRANSLATE_NOOP("Evaluations", ...)."""
    return translate("Evaluations", source)


@dataclass(frozen=True)
class EvaluationData:
    today: dt.date
    rows: tuple[EvaluationRow, ...]
    competitions: tuple[tuple[int, str], ...]  # with evaluations or funded projects, newest first
    objection_days: dict[int, int]  # competition id → days of its objection window


def _page_today(page: QWidget | None) -> dt.date:
    """The page's day (a test may set its own), else the calendar's."""
    today = getattr(page, "today", None)
    return today() if callable(today) else dt.date.today()


def window_text(row: EvaluationRow, today: dt.date) -> str:
    """The objection window in words: open until / ended on, and whether an objection came."""
    if row.objection_until is None:
        return ""
    if row.final or today > row.objection_until:
        text = translate("Evaluations", "ended {date}").format(date=row.objection_until.isoformat())
    else:
        text = translate("Evaluations", "open until {date}").format(date=row.objection_until.isoformat())
    if row.objection:
        resolved = translate("Evaluations", "; objection resolved")
        text += resolved if row.objection_resolution else translate("Evaluations", "; objection raised")
    return text


def state_text(row: EvaluationRow, today: dt.date) -> str:
    if row.final:
        return translate("Evaluations", "Made final")
    if row.objection_until is not None:
        if row.objection and not row.objection_resolution:
            return translate("Evaluations", "Objection to resolve")
        if today > row.objection_until:
            return translate("Evaluations", "Ready to make final")
        return translate("Evaluations", "Published")
    if row.total_x100 is not None:
        return translate("Evaluations", "Scored")
    return translate("Evaluations", "Not scored")


def evaluation_columns(today: Callable[[], dt.date]) -> tuple[Column, ...]:
    return (
        Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
        Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
        Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
        Derived(QT_TRANSLATE_NOOP("Columns", "Evaluation kind"), "kind", get=lambda r: kind_text(r.kind)),
        Column(QT_TRANSLATE_NOOP("Columns", "Evaluator"), "evaluator"),
        Derived(QT_TRANSLATE_NOOP("Columns", "Total points"), "total_x100", "int",
                get=lambda r: -1 if r.total_x100 is None else r.total_x100, show=lambda r: points_text(r.total_x100)),
        Derived(QT_TRANSLATE_NOOP("Columns", "Grade"), "grade", get=lambda r: grade_text(r.grade)),
        Derived(QT_TRANSLATE_NOOP("Columns", "Objection window"), "objection_until",
                get=lambda r: window_text(r, today())),
        Derived(QT_TRANSLATE_NOOP("Columns", "State"), "final", get=lambda r: state_text(r, today())),
    )


ACTIONS = (  # (source text, method name, permission)
    (QT_TRANSLATE_NOOP("Evaluations", "New…"), "new", Permission.EVALUATION_EDIT),
    (QT_TRANSLATE_NOOP("Evaluations", "Score…"), "score", Permission.EVALUATION_EDIT),
    (QT_TRANSLATE_NOOP("Evaluations", "Publish"), "publish", Permission.EVALUATION_EDIT),
    (QT_TRANSLATE_NOOP("Evaluations", "Record objection…"), "objection", Permission.EVALUATION_EDIT),
    (QT_TRANSLATE_NOOP("Evaluations", "Finalize…"), "finalize", Permission.EVALUATION_EDIT),
    (QT_TRANSLATE_NOOP("Evaluations", "Report PDF…"), "report", None),
)
SETUP = (
    (QT_TRANSLATE_NOOP("Evaluations", "Evaluators…"), "evaluators"),
    (QT_TRANSLATE_NOOP("Evaluations", "Indicator sets…"), "indicator_sets"),
)


class EvaluationsTab(MoneyTab):
    """The evaluations with their state today; the actions follow the selected one."""

    def __init__(self, page: QWidget | None = None) -> None:
        super().__init__(page)  # type: ignore[arg-type]
        enlarge(self)
        self._db: Database | None = None
        self._own_db = False
        self.today: Callable[[], dt.date] = lambda: _page_today(page)
        self.data = EvaluationData(self.today(), (), (), {})
        self.model = MarkedModel(
            evaluation_columns(lambda: self.data.today), self, tip=self._tip,
            tint=lambda r: FAIL_BACKGROUND if r.grade is EvaluationGrade.FAIL else None,
            alarm=lambda r, c: c == self.grade_column and r.grade is EvaluationGrade.FAIL)
        self.grade_column = next(i for i, c in enumerate(self.model.columns) if c.attr == "grade")
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, 1, max_width=240)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.view.doubleClicked.connect(lambda _index: self._default_action())
        self._build_bar()
        self._build_actions()
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.view, 1)
        self.retranslate()
        self._update_actions()

    def _build_bar(self) -> None:
        self.competition_label = QLabel()
        self.competition = QComboBox()
        self.competition.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.competition.addItem("", None)
        self.competition.activated.connect(lambda _i: self._choose(self.competition.currentData()))
        self.search = search_box(self)
        self.search.textChanged.connect(self._search)
        self.count = QLabel()
        row = QHBoxLayout()
        for widget in (self.competition_label, self.competition):
            row.addWidget(widget)
        row.addSpacing(12)
        row.addWidget(self.search)
        row.addSpacing(12)
        row.addWidget(self.count)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def _build_actions(self) -> None:
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for source, name, permission in ACTIONS:
            row.addWidget(self._button(source, name, permission))
        row.addStretch(1)
        for source, name in SETUP:
            row.addWidget(self._button(source, name, Permission.EVALUATION_EDIT))
        self.layout_.addLayout(row)

    def _button(self, source: str, name: str, permission: Permission | None) -> QPushButton:
        button = QPushButton()
        button.setAutoDefault(False)
        button.setProperty("source", source)
        button.setObjectName(f"evaluation_{name}")
        button.clicked.connect(lambda _checked=False, name=name: getattr(self, name)())
        self.buttons[name] = button
        if permission is not None:
            self.guard(button, permission)
        return button

    # --- the database: the page's, or one given standalone ------------------------------------------------

    @property
    def db(self) -> Database | None:
        return self._db if self._own_db else getattr(self.page, "db", None)

    def set_database(self, db: Database | None) -> None:
        self._db, self._own_db = db, True
        self.refresh()

    def reload(self) -> None:
        self.refresh()

    def after_write(self) -> None:
        """The page reloads its projects and every tab (this one too); alone, the tab reloads itself."""
        signal = getattr(self.page, "monitoring_changed", None)
        if signal is not None and not self._own_db:
            signal.emit()
        else:
            self.refresh()

    # --- loading ------------------------------------------------------------------------------------------

    def nothing(self) -> EvaluationData:
        return EvaluationData(self.today(), (), (), {})

    def job(self, db: Database, competition_id: int | None) -> Callable[[], EvaluationData]:
        today = self.today()

        def fetch() -> EvaluationData:
            rows = tuple(evaluations.evaluations(db))
            named = {r.competition_id: r.competition for r in rows}
            for award in evaluations.evaluable_awards(db):
                named.setdefault(award.competition_id, award.competition)
            windows = {cid: evaluations.rules_for(db, cid).objection_days for cid in named}
            return EvaluationData(today, rows, tuple(sorted(named.items(), key=lambda c: -c[0])), windows)

        return fetch

    def fill(self, data: EvaluationData) -> None:
        kept = self.selected()
        self.data = data
        self.competition.blockSignals(True)
        while self.competition.count() > 1:
            self.competition.removeItem(1)
        for competition_id, name in data.competitions:
            self.competition.addItem(name, competition_id)
        self.competition.setCurrentIndex(max(0, self.competition.findData(self.competition_id)))
        self.competition.blockSignals(False)
        self._show_rows()
        if kept is not None:
            select_where(self.view, self.model, lambda r: r.id == kept.id)
        self._update_actions()

    def _show_rows(self) -> None:
        wanted = self.competition_id
        self.model.set_rows([r for r in self.data.rows if wanted is None or r.competition_id == wanted])
        self.view.setColumnHidden(0, wanted is not None)  # one competition: no need to repeat it
        self.fitter.fit()
        self._update_count()

    def _choose(self, competition_id: int | None) -> None:
        self.competition_id = competition_id
        self.banner.clear()
        self.note.hide()
        self._show_rows()
        self._update_actions()

    def _search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()
        self._update_actions()

    def _update_count(self) -> None:
        rows = shown_rows(self.view, self.model)
        failed = sum(1 for r in rows if r.grade is EvaluationGrade.FAIL)
        self.count.setText(translate("Evaluations", "{count} evaluations, {failed} failed").format(
            count=len(rows), failed=failed))

    def _tip(self, row: EvaluationRow) -> str:
        parts = [row.narrative] if row.narrative else []
        if row.objection:
            parts.append(translate("Evaluations", "Objection: {text}").format(text=row.objection))
        if row.objection_resolution:
            parts.append(translate("Evaluations", "Resolution: {text}").format(text=row.objection_resolution))
        return "\n".join(parts)

    def selected(self) -> EvaluationRow | None:
        return selected_row(self.view, self.model)

    def _update_actions(self) -> None:
        row, today = self.selected(), self.data.today
        scored = row is not None and row.total_x100 is not None
        published = row is not None and row.objection_until is not None and not row.final
        enabled = {
            "new": True, "score": row is not None and not row.final
            and (row.objection_until is None or bool(row.objection and not row.objection_resolution)),
            "publish": scored and row is not None and row.objection_until is None and not row.final,
            "objection": published, "report": scored,
            "finalize": published and row is not None and row.objection_until is not None
            and (today > row.objection_until or self.data.objection_days.get(row.competition_id, 1) == 0),
            "evaluators": True, "indicator_sets": True,
        }
        for name, button in self.buttons.items():
            button.setEnabled(self.db is not None and enabled[name])

    def _default_action(self) -> None:
        row = self.selected()
        if row is not None and self.buttons["score"].isVisible() and not row.final:
            self.score()

    # --- actions ------------------------------------------------------------------------------------------

    def _target(self) -> tuple[Database, EvaluationRow] | None:
        row, db = self.selected(), self.db
        if row is None or db is None:
            self.banner.setText(translate("Evaluations", "Select an evaluation in the list first."))
            self.banner.show()
            return None
        return db, row

    def _load_then(self, fetch: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """A read off the GUI thread, then the dialog it feeds."""
        self.banner.clear()
        self.note.hide()
        run_task(fetch, then, self.show_refusal)

    def _describe(self, row: EvaluationRow) -> str:
        return translate("Evaluations", "{organization} — {title}\n{kind} evaluation").format(
            organization=row.organization, title=quoted(row.title), kind=kind_text(row.kind))

    def new(self) -> None:
        db = self.db
        if db is None:
            return
        competition_id = self.competition_id

        def fetch() -> tuple[Any, Any, Any]:
            return (evaluations.evaluable_awards(db, competition_id), evaluations.evaluators(db),
                    evaluations.indicator_sets(db))

        def show(data: tuple[Any, Any, Any]) -> None:
            awards, people, sets = data
            if not awards:
                self.banner.setText(translate("Evaluations", "No funded project to evaluate in this competition."))
                self.banner.show()
                return
            dialog = NewEvaluationDialog(db, awards, people, sets, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.show_note(translate("Evaluations", "Evaluation created: score it next."))
                self.after_write()

        self._load_then(fetch, show)

    def score(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        today = self.today()

        def show(detail: evaluations.EvaluationDetail) -> None:
            dialog = EvaluationDialog(db, detail, today, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.show_note(translate("Evaluations", "Scores saved: {title}.").format(title=quoted(row.title)))
                self.after_write()

        self._load_then(lambda: evaluations.detail(db, row.id), show)

    def publish(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        today = self.today()
        days = self.data.objection_days.get(row.competition_id, 7)
        question = translate(
            "Evaluations", "Publish the result of this evaluation?\n\n{what}: {total} points, {grade}.\n\nThe "
                           "objection window of {days} days opens today.").format(
            what=self._describe(row), total=points_text(row.total_x100), grade=grade_text(row.grade), days=days)
        if QMessageBox.question(self, translate("Evaluations", "Publish"), question) != QMessageBox.StandardButton.Yes:
            return
        until: list[dt.date] = []
        if self.attempt(lambda: until.append(evaluations.publish(db, row.id, today, today=today))):
            self.show_note(translate("Evaluations", "Published: objections until {date}.").format(
                date=until[0].isoformat()))

    def objection(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        today = self.today()
        until = row.objection_until.isoformat() if row.objection_until else ""
        explanation = translate(
            "Evaluations", "An objection can be recorded until {date}. It must be resolved (re-score if it is "
                           "upheld) before the evaluation is made final.").format(date=until)
        dialog = ActionDialog(translate("Evaluations", "Record objection"),
                              self._describe(row) + "\n\n" + explanation, self)
        enlarge(dialog)
        objection = dialog.add_reason("objection", translate("Evaluations", "Objection:"),
                                      translate("Evaluations", "who objects, and to what"))
        objection.setPlainText(row.objection)
        dialog.add_date("on", translate("Evaluations", "Raised on:"), today)
        resolution = dialog.add_reason("resolution", translate("Evaluations", "Resolution:"),
                                       translate("Evaluations", "how it was resolved (may be written later)"))
        resolution.setPlainText(row.objection_resolution)

        def act() -> None:
            text, answer = dialog.text("objection").strip(), dialog.text("resolution").strip()
            if text != row.objection.strip():
                raised = dialog.date("on", translate("Evaluations", "Raised on:"))
                evaluations.record_objection(db, row.id, text, raised, today=today)
            if answer and answer != row.objection_resolution.strip():
                evaluations.resolve_objection(db, row.id, answer)

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(translate("Evaluations", "Objection recorded."))

    def finalize(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        today = self.today()

        def confirm(plan: evaluations.FinalizePlan) -> None:
            if self.confirm_box(plan, row).exec() != QMessageBox.StandardButton.Yes:
                return
            if self.attempt(lambda: evaluations.finalize(db, row.id, today, today=today)):
                self.show_note(translate(
                    "Evaluations", "Final: {grade}. The tranche follows the result; Funding shows it.").format(
                    grade=grade_text(plan.grade)))

        self._load_then(lambda: evaluations.finalize_plan(db, row.id, today), confirm)

    def confirm_box(self, plan: evaluations.FinalizePlan, row: EvaluationRow) -> QMessageBox:
        """The question before finalizing: what it will do to the tranche, the money paid and the organization."""
        box = QMessageBox(QMessageBox.Icon.Question, translate("Evaluations", "Make the evaluation final"),
                          plan_text(plan, row.organization, row.title),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        enlarge(box)
        box.setStyleSheet(f"QLabel#qt_msgbox_label {{ min-width: {CONFIRM_WIDTH}px; }}")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box

    def report(self) -> None:
        from .pdf_actions import save_pdf

        target = self._target()
        if target is None:
            return
        db, row = target
        today = self.today()
        name = translate("Evaluations", "Evaluation report {organization} {kind}.pdf").format(
            organization=row.organization, kind=kind_text(row.kind))
        save_pdf(self, lambda: evaluations.report_pdf(db, row.id, today), name)

    def evaluators(self) -> None:
        from .dialogs.evaluation_setup import EvaluatorsDialog

        if self.db is not None:
            EvaluatorsDialog(self.db, self).exec()
            self.refresh()

    def indicator_sets(self) -> None:
        from .dialogs.evaluation_setup import IndicatorSetsDialog

        if self.db is not None:
            IndicatorSetsDialog(self.db, self).exec()
            self.refresh()

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.competition_label.setText(translate("Evaluations", "Competition:"))
        self.competition.setItemText(0, translate("Evaluations", "All competitions"))
        self.search.setPlaceholderText(translate("Evaluations", "Search…"))
        for button in self.buttons.values():
            button.setText(tr(button.property("source")))
        self.model.retranslate()
        self.fitter.fit()
        self._update_count()

"""The selected project on the Monitoring page (ui/pages/monitoring.py): its milestones, progress reports (with
spending against the approved budget) and site visits, each on a sub-tab with its actions.

The panel is given a services.monitoring.ProjectDetail by the page (`show(detail)`, None to clear) and reads
`page.db` and `page.today()` when it acts; every write is one service call on the GUI thread, a refusal shown in the
page's red banner (or kept in the dialog), and after a write it emits `page.monitoring_changed`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import PspError
from ..services import monitoring
from ..services.access import Permission
from ..services.monitoring import CategorySpending, MilestoneRow, ProjectDetail, ReportRow, ReportState, VisitRow
from .forms import MonthEdit
from .funding_money import OVERDUE_BACKGROUND, ActionDialog, Derived, MarkedModel, select_where, selected_row
from .labels import label, money_text
from .table import Column, make_proxy
from .widgets import ColumnFitter, make_table_view

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
CONTEXT = "Monitoring"
BEHIND_BACKGROUND = QColor("#fff3d6")
TEXT_WIDTH = 260


def tr(source: str) -> str:
    return translate(CONTEXT, source)


# --- words for states --------------------------------------------------------------------------------------------


def report_state_text(row: ReportRow) -> str:
    if row.state is ReportState.UPCOMING:
        return translate("Monitoring", "Upcoming")
    if row.state is ReportState.DUE:
        return translate("Monitoring", "Due {days} days ago (grace until {date})").format(
            days=row.days_late, date=row.deadline.isoformat()
        )
    if row.state is ReportState.OVERDUE:
        return translate("Monitoring", "Overdue {days} days").format(days=row.days_late)
    if row.state is ReportState.SUBMITTED_LATE:
        return translate("Monitoring", "Submitted {days} days late").format(days=row.days_late)
    return translate("Monitoring", "Submitted")


def over_text(over: tuple[CategorySpending, ...] | tuple[Any, ...]) -> str:
    """Over-budget categories in words: 超支：宣传费（超出 1,200.00 元）."""
    if not over:
        return ""
    parts = [
        translate("Monitoring", "{category} ({amount} yuan over)").format(
            category=label(c.category), amount=money_text(c.over_fen)
        )
        for c in over
    ]
    return translate("Monitoring", "Over budget: {categories}").format(
        categories=translate("Monitoring", ", ").join(parts)
    )


def month_text(day: dt.date | None) -> str:
    return f"{day.year}-{day.month:02d}" if day else ""


def is_behind(row: MilestoneRow, today: dt.date) -> bool:
    return row.done_on is None and row.planned_on is not None and monitoring.month_end(row.planned_on) < today


# --- the sub-tabs ------------------------------------------------------------------------------------------------


class _Part(QWidget):
    """A sub-tab: a button row, a table, and maybe something below it."""

    def __init__(self, panel: DetailPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.buttons: list[tuple[QPushButton, str]] = []
        self.bar = QHBoxLayout()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 6, 0, 0)
        self.layout_.addLayout(self.bar)

    def button(self, source: str, slot: Callable[[], None], *, needs_row: bool = False) -> QPushButton:
        button = QPushButton()
        button.setAutoDefault(False)
        button.setProperty("needs_row", needs_row)
        button.clicked.connect(lambda _checked=False: slot())
        self.bar.addWidget(button)
        self.buttons.append((button, source))
        self.panel.page.guard(button, Permission.MONITORING_EDIT)
        return button

    def table(self, model: MarkedModel, stretch: int | None) -> QTableView:
        self.model = model
        self.proxy = make_proxy(model, self)
        view = make_table_view(self)
        view.verticalHeader().hide()  # the rows carry their own numbers, or none is needed
        view.setModel(self.proxy)
        self.fitter = ColumnFitter(view, stretch, max_width=TEXT_WIDTH)
        view.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.view = view
        return view

    def selected(self) -> Any:
        return selected_row(self.view, self.model)

    def set_rows(self, rows: Any, key: Callable[[Any], Any]) -> None:
        kept = self.selected()
        self.model.set_rows(rows)
        self.fitter.fit()
        if kept is not None:
            select_where(self.view, self.model, lambda r: key(r) == key(kept))
        self.update_actions()

    def update_actions(self) -> None:
        has_row = self.selected() is not None
        for button, _source in self.buttons:
            if button.property("needs_row"):
                button.setEnabled(has_row)

    def retranslate(self) -> None:
        for button, source in self.buttons:
            button.setText(tr(source))
        self.model.retranslate()
        self.fitter.fit()


class MilestonesPart(_Part):
    def __init__(self, panel: DetailPanel) -> None:
        super().__init__(panel)

        def today() -> dt.date:
            return panel.page.today()  # looked up each time: a test sets its own day after the page is built

        self.add_button = self.button(QT_TRANSLATE_NOOP("Monitoring", "Add milestone…"), self.add)
        self.button(QT_TRANSLATE_NOOP("Monitoring", "Edit…"), self.edit, needs_row=True)
        self.button(QT_TRANSLATE_NOOP("Monitoring", "Mark done…"), self.mark_done, needs_row=True)
        self.button(QT_TRANSLATE_NOOP("Monitoring", "Delete"), self.delete, needs_row=True)
        self.prefill_button = self.button(QT_TRANSLATE_NOOP("Monitoring", "Fill in from the proposal"), self.prefill)
        self.bar.addStretch(1)
        self.summary = QLabel()
        self.bar.addWidget(self.summary)

        def state(row: MilestoneRow) -> str:
            if row.done_on is not None:
                return translate("Monitoring", "Done")
            return (
                translate("Monitoring", "Behind plan")
                if is_behind(row, today())
                else translate("Monitoring", "Planned")
            )

        model = MarkedModel(
            (
                Column(QT_TRANSLATE_NOOP("Columns", "No."), "seq", "int"),
                Column(QT_TRANSLATE_NOOP("Columns", "Milestone"), "title"),
                Derived(
                    QT_TRANSLATE_NOOP("Columns", "Planned month"), "planned_on", get=lambda r: month_text(r.planned_on)
                ),
                Column(QT_TRANSLATE_NOOP("Columns", "Done on"), "done_on"),
                Derived(QT_TRANSLATE_NOOP("Columns", "State"), "state", get=state),
            ),
            self,
            tint=lambda r: BEHIND_BACKGROUND if is_behind(r, today()) else None,
            alarm=lambda r, c: c == 4 and is_behind(r, today()),
        )
        self.layout_.addWidget(self.table(model, 1), 1)
        self.view.doubleClicked.connect(lambda _index: self.edit() if self.add_button.isVisible() else None)

    def display(self, detail: ProjectDetail | None) -> None:
        rows = detail.milestones if detail else ()
        self.set_rows(rows, lambda r: r.id)
        done = sum(1 for r in rows if r.done_on is not None)
        self.summary.setText(
            translate("Monitoring", "{done} of {total} done").format(done=done, total=len(rows)) if rows else ""
        )
        self.prefill_button.setEnabled(detail is not None and not rows)

    def _dialog(self, title: str, row: MilestoneRow | None) -> ActionDialog:
        dialog = ActionDialog(title, self.panel.project_text(), self)
        dialog.add_text(
            "title", translate("Monitoring", "Milestone:"), translate("Monitoring", "e.g. 组建楼栋志愿服务队")
        ).setText(row.title if row else "")
        month = MonthEdit(dialog)
        month.set_month(row.planned_on if row else None)
        dialog.add("planned", translate("Monitoring", "Planned month:"), month)
        return dialog

    def add(self) -> None:
        db, detail = self.panel.target()
        if db is None or detail is None:
            return
        dialog = self._dialog(translate("Monitoring", "Add milestone"), None)
        dialog.action = lambda: monitoring.add_milestone(
            db, detail.project.award_id, dialog.text("title"), dialog.fields["planned"].month()
        )  # type: ignore[attr-defined]
        self.panel.run_dialog(dialog)

    def edit(self) -> None:
        db, row = self.panel.target()[0], self.selected()
        if db is None or row is None:
            return
        dialog = self._dialog(translate("Monitoring", "Edit milestone"), row)
        done = dialog.add_date("done", translate("Monitoring", "Done on:"), row.done_on)  # type: ignore[arg-type]  # blank: not done
        dialog.action = lambda: monitoring.edit_milestone(
            db,
            row.id,
            dialog.text("title"),
            dialog.fields["planned"].month(),  # type: ignore[attr-defined]
            done.value(),
            today=self.panel.page.today(),
        )
        self.panel.run_dialog(dialog)

    def mark_done(self) -> None:
        db, row = self.panel.target()[0], self.selected()
        if db is None or row is None:
            return
        dialog = ActionDialog(
            translate("Monitoring", "Mark milestone done"), f"{self.panel.project_text()}\n\n{row.title}", self
        )
        dialog.add_date("done", translate("Monitoring", "Done on:"), row.done_on or self.panel.page.today())
        dialog.action = lambda: monitoring.mark_done(
            db, row.id, dialog.date("done", translate("Monitoring", "Done on:")), today=self.panel.page.today()
        )
        self.panel.run_dialog(dialog)

    def delete(self) -> None:
        db, row = self.panel.target()[0], self.selected()
        if db is None or row is None:
            return
        question = translate("Monitoring", "Delete the milestone “{title}”?").format(title=row.title)
        if (
            QMessageBox.question(self, translate("Monitoring", "Delete milestone"), question)
            == QMessageBox.StandardButton.Yes
        ):
            self.panel.attempt(lambda: monitoring.delete_milestone(db, row.id))

    def prefill(self) -> None:
        db, detail = self.panel.target()
        if db is None or detail is None:
            return
        award_id = detail.project.award_id
        self.panel.attempt(
            lambda: monitoring.prefill_milestones(db, award_id),
            translate(
                "Monitoring", "Milestones drafted from the proposal's activity plan: check their titles and months."
            ),
        )


class ReportsPart(_Part):
    def __init__(self, panel: DetailPanel) -> None:
        super().__init__(panel)
        self.schedule_button = self.button(QT_TRANSLATE_NOOP("Monitoring", "Make report schedule"), self.schedule)
        self.submit_button = self.button(QT_TRANSLATE_NOOP("Monitoring", "Submit report…"), self.submit)
        self.button(QT_TRANSLATE_NOOP("Monitoring", "Edit report…"), self.edit, needs_row=True)
        self.open_button = QPushButton()
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(lambda _checked=False: self.open_file())
        self.bar.addWidget(self.open_button)
        self.bar.addStretch(1)
        self.rules = QLabel()
        self.rules.setStyleSheet("color: #555;")
        self.bar.addWidget(self.rules)
        alarm_states = (ReportState.OVERDUE, ReportState.SUBMITTED_LATE)
        model = MarkedModel(
            (
                Column(QT_TRANSLATE_NOOP("Columns", "Report no."), "seq", "int"),
                Column(QT_TRANSLATE_NOOP("Columns", "Due on"), "due_on"),
                Column(QT_TRANSLATE_NOOP("Columns", "Grace until"), "deadline"),
                Column(QT_TRANSLATE_NOOP("Columns", "Submitted on"), "submitted_on"),
                Derived(QT_TRANSLATE_NOOP("Columns", "State"), "state", get=report_state_text),
                Column(QT_TRANSLATE_NOOP("Columns", "Activities"), "activities_held", "int"),
                Column(QT_TRANSLATE_NOOP("Columns", "People served"), "people_served", "int"),
                Derived(QT_TRANSLATE_NOOP("Columns", "Spent (yuan)"), "spent", "money", get=lambda r: r.spent_fen),
                Derived(QT_TRANSLATE_NOOP("Columns", "Budget check"), "over", get=lambda r: over_text(r.overspent)),
                Derived(QT_TRANSLATE_NOOP("Columns", "Files"), "files", "int", get=lambda r: len(r.files)),
                Derived(
                    QT_TRANSLATE_NOOP("Columns", "Late-report rule"),
                    "late_failed_on",
                    get=lambda r: (
                        translate("Monitoring", "Applied on {date}").format(date=r.late_failed_on.isoformat())
                        if r.late_failed_on
                        else ""
                    ),
                ),
            ),
            self,
            tint=lambda r: OVERDUE_BACKGROUND if r.state is ReportState.OVERDUE else None,
            alarm=lambda r, c: (
                (c == 4 and r.state in alarm_states)
                or (c == 8 and bool(r.overspent))
                or (c == 10 and r.late_failed_on is not None)
            ),
            tip=lambda r: r.narrative,
        )
        self.table(model, 8)
        self.view.doubleClicked.connect(lambda _index: self._double_clicked())
        self.narrative = QPlainTextEdit(self)
        self.narrative.setReadOnly(True)
        self.budget = BudgetTable(self)
        lower = QWidget(self)
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.narrative, 1)
        lower_layout.addWidget(self.budget, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.layout_.addWidget(splitter, 1)

    def display(self, detail: ProjectDetail | None) -> None:
        self.detail = detail
        self.set_rows(detail.reports if detail else (), lambda r: r.id)
        self.budget.show_budget(detail.budget if detail else ())
        self.schedule_button.setEnabled(detail is not None)
        self.submit_button.setEnabled(detail is not None)
        if detail is not None:
            rules = detail.rules
            self.rules.setText(
                translate(
                    "Monitoring", "A report every {months} months, {days} grace days; a late report {effect}."
                ).format(
                    months=rules.every_months,
                    days=rules.grace_days,
                    effect=translate("Monitoring", "withholds the next evaluation tranche")
                    if rules.late_fails_gate
                    else translate("Monitoring", "is only flagged"),
                )
            )
        else:
            self.rules.setText("")
        self.show_narrative()

    def update_actions(self) -> None:
        super().update_actions()
        row = self.selected()
        if hasattr(self, "open_button"):
            self.open_button.setEnabled(row is not None and bool(row.files))
            self.show_narrative()

    def show_narrative(self) -> None:
        if not hasattr(self, "narrative"):
            return
        row = self.selected()
        if row is None:
            self.narrative.setPlainText("")
            self.narrative.setPlaceholderText(translate("Monitoring", "Select a report to read what was done."))
            return
        lines = [translate("Monitoring", "Report {n}, due {date}").format(n=row.seq, date=row.due_on.isoformat())]
        if row.submitted_on is None:
            lines.append(report_state_text(row))
        else:
            lines.append(row.narrative or translate("Monitoring", "(no narrative)"))
            spending = translate("Monitoring", ", ").join(f"{label(c)} {money_text(a)}" for c, a in row.spending)
            if spending:
                lines.append(translate("Monitoring", "Spending: {items}").format(items=spending))
            if row.overspent:
                lines.append(over_text(row.overspent))
            if row.files:
                lines.append(
                    translate("Monitoring", "Files: {names}").format(
                        names=translate("Monitoring", ", ").join(f.filename for f in row.files)
                    )
                )
        self.narrative.setPlainText("\n".join(lines))

    def _double_clicked(self) -> None:
        if self.submit_button.isVisible():
            self.edit()

    def schedule(self) -> None:
        db, detail = self.panel.target()
        if db is None or detail is None:
            return
        award_id = detail.project.award_id
        added: list[int] = []
        if self.panel.attempt(lambda: added.append(monitoring.make_schedule(db, award_id))):
            self.panel.note(
                translate("Monitoring", "{count} reports added to the schedule.").format(count=added[0])
                if added[0]
                else translate("Monitoring", "The schedule was complete already: nothing was added.")
            )

    def submit(self, report: ReportRow | None = None) -> None:
        from .dialogs.report_dialog import ReportDialog

        db, detail = self.panel.target()
        if db is None or detail is None:
            return
        dialog = ReportDialog(db, detail, report, self.panel.page.today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_ is not None:
            result = dialog.result_
            text = translate("Monitoring", "Report {n} recorded.").format(n=result.seq)
            if result.late:
                text += translate("Monitoring", " It came in after the grace days: it counts as late.")
            if result.overspent:
                over = over_text(result.overspent)
                text += translate("Monitoring", " {over} — allowed, but flagged.").format(over=over)
            self.panel.after_write(text, warn=bool(result.overspent or result.late))

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self.submit(row)

    def open_file(self) -> None:
        db, row = self.panel.target()[0], self.selected()
        if db is None or row is None or not row.files:
            return
        try:
            folder = Path(tempfile.mkdtemp(prefix="psp-"))
            copies = [monitoring.export_report_file(db, f.id, folder) for f in row.files]
        except PspError as exc:
            self.panel.refuse(exc)
            return
        for copy in copies:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def retranslate(self) -> None:
        super().retranslate()
        self.open_button.setText(translate("Monitoring", "Open files"))
        self.budget.retranslate()
        if getattr(self, "detail", None) is not None:
            self.display(self.detail)


class BudgetTable(QWidget):
    """Spending so far against the approved budget, per category; a category over it in red words."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.model = MarkedModel(
            (
                Derived(QT_TRANSLATE_NOOP("Columns", "Budget category"), "category", get=lambda r: label(r.category)),
                Column(QT_TRANSLATE_NOOP("Columns", "Approved budget (yuan)"), "budget_fen", "money"),
                Column(QT_TRANSLATE_NOOP("Columns", "Spent so far (yuan)"), "spent_fen", "money"),
                Derived(QT_TRANSLATE_NOOP("Columns", "Budget use"), "over_fen", get=self._check),
            ),
            self,
            alarm=lambda r, c: c == 3 and r.over,
            tint=lambda r: OVERDUE_BACKGROUND if r.over else None,
        )
        self.view = make_table_view(self, sortable=False)
        self.view.verticalHeader().hide()
        self.view.setModel(self.model)
        self.fitter = ColumnFitter(self.view, 3, max_width=TEXT_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)

    @staticmethod
    def _check(row: CategorySpending) -> str:
        if row.over:
            return translate("Monitoring", "Over budget by {amount} yuan").format(amount=money_text(row.over_fen))
        if not row.budget_fen:
            return ""
        return translate("Monitoring", "{percent}% used").format(percent=row.spent_fen * 100 // row.budget_fen)

    def show_budget(self, rows: tuple[CategorySpending, ...] | tuple[()]) -> None:
        self.model.set_rows([r for r in rows if r.budget_fen or r.spent_fen])
        self.fitter.fit()

    def retranslate(self) -> None:
        self.caption.setText(translate("Monitoring", "Spending against the approved budget"))
        self.model.retranslate()
        self.fitter.fit()


class VisitsPart(_Part):
    def __init__(self, panel: DetailPanel) -> None:
        super().__init__(panel)
        self.add_button = self.button(QT_TRANSLATE_NOOP("Monitoring", "Add visit…"), self.add)
        self.button(QT_TRANSLATE_NOOP("Monitoring", "Edit…"), self.edit, needs_row=True)
        self.rectified_button = self.button(
            QT_TRANSLATE_NOOP("Monitoring", "Rectified…"), self.rectified, needs_row=True
        )
        self.bar.addStretch(1)

        def state(row: VisitRow) -> str:
            if not row.rectification_required:
                return translate("Monitoring", "No rectification needed")
            if row.rectified_on is None:
                return translate("Monitoring", "Rectification open")
            return translate("Monitoring", "Rectified on {date}").format(date=row.rectified_on.isoformat())

        model = MarkedModel(
            (
                Column(QT_TRANSLATE_NOOP("Columns", "Visited on"), "visited_on"),
                Column(QT_TRANSLATE_NOOP("Columns", "Visitor"), "visitor"),
                Column(QT_TRANSLATE_NOOP("Columns", "Findings"), "findings"),
                Column(QT_TRANSLATE_NOOP("Columns", "Rectification required"), "rectification"),
                Derived(QT_TRANSLATE_NOOP("Columns", "State"), "state", get=state),
            ),
            self,
            alarm=lambda r, c: c == 4 and r.open,
            tint=lambda r: BEHIND_BACKGROUND if r.open else None,
        )
        self.layout_.addWidget(self.table(model, 2), 1)
        self.view.doubleClicked.connect(lambda _index: self.edit() if self.add_button.isVisible() else None)

    def display(self, detail: ProjectDetail | None) -> None:
        self.set_rows(detail.visits if detail else (), lambda r: r.id)
        self.add_button.setEnabled(detail is not None)

    def update_actions(self) -> None:
        super().update_actions()
        row = self.selected()
        if hasattr(self, "rectified_button"):
            self.rectified_button.setEnabled(row is not None and row.open)

    def _open(self, visit: VisitRow | None) -> None:
        from .dialogs.visit_dialog import VisitDialog

        db, detail = self.panel.target()
        if db is None or detail is None:
            return
        dialog = VisitDialog(db, detail.project, visit, self.panel.page.today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.panel.after_write(translate("Monitoring", "Site visit recorded."))

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(row)

    def rectified(self) -> None:
        db, row = self.panel.target()[0], self.selected()
        if db is None or row is None:
            return
        dialog = ActionDialog(
            translate("Monitoring", "Rectification done"),
            f"{self.panel.project_text()}\n\n"
            + translate("Monitoring", "Required: {what}").format(what=row.rectification),
            self,
        )
        dialog.add_date("on", translate("Monitoring", "Rectified on:"), self.panel.page.today())
        dialog.action = lambda: monitoring.mark_rectified(
            db, row.id, dialog.date("on", translate("Monitoring", "Rectified on:")), today=self.panel.page.today()
        )
        self.panel.run_dialog(dialog)


# --- the panel ---------------------------------------------------------------------------------------------------


class DetailPanel(QWidget):
    """The selected project's milestones, reports and visits."""

    def __init__(self, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.detail: ProjectDetail | None = None
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 1)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.milestones = MilestonesPart(self)
        self.reports = ReportsPart(self)
        self.visits = VisitsPart(self)
        self.parts: list[tuple[_Part, str]] = [
            (self.milestones, QT_TRANSLATE_NOOP("Monitoring", "Milestones")),
            (self.reports, QT_TRANSLATE_NOOP("Monitoring", "Progress reports")),
            (self.visits, QT_TRANSLATE_NOOP("Monitoring", "Site visits")),
        ]
        for part, _title in self.parts:
            self.tabs.addTab(part, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def show_detail(self, detail: ProjectDetail | None) -> None:
        self.detail = detail
        for part, _title in self.parts:
            part.display(detail)  # type: ignore[attr-defined]  (not show(): that is QWidget.show)
        self._heading()
        self.setEnabled(detail is not None)

    def _heading(self) -> None:
        detail = self.detail
        if detail is None:
            self.heading.setText(
                translate("Monitoring", "Select a project above to see its milestones, reports and visits.")
            )
            return
        p = detail.project
        self.heading.setText(
            translate("Monitoring", "{organization} — {title} ({start} to {end})").format(
                organization=p.organization, title=p.title, start=month_text(p.start), end=month_text(p.end)
            )
        )

    def project_text(self) -> str:
        if self.detail is None:
            return ""
        p = self.detail.project
        return f"{p.organization} — {p.title}"

    # --- writes: through the page -----------------------------------------------------------------------------

    def target(self) -> tuple[Database | None, ProjectDetail | None]:
        return self.page.db, self.detail

    def run_dialog(self, dialog: ActionDialog) -> None:
        self.page.clear_messages()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.after_write()

    def attempt(self, action: Callable[[], Any], done: str = "") -> bool:
        self.page.clear_messages()
        try:
            action()
        except PspError as exc:
            self.refuse(exc)
            return False
        self.after_write(done)
        return True

    def refuse(self, exc: PspError) -> None:
        self.page.show_refusal(exc)

    def note(self, text: str) -> None:
        self.page.show_note(text)

    def after_write(self, text: str = "", *, warn: bool = False) -> None:
        self.page.after_write(text, warn=warn)

    def retranslate(self) -> None:
        for index, (part, title) in enumerate(self.parts):
            self.tabs.setTabText(index, tr(title))
            part.retranslate()
        self._heading()

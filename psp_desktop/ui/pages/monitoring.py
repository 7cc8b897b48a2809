"""The Monitoring page (监测评估): tab 1 项目监测 lists every funded project with its next report, overdue reports in
red with words, the last visit and its flags, and below it the selected project's milestones, progress reports and
site visits (ui/monitoring_detail.py); tab 2 评估 is the evaluations tab (ui/evaluations_tab.py).

Loading the page runs the late-report rule first (services.monitoring.apply_late_rule, off the GUI thread, for people
who may edit monitoring): a report past its grace days withholds its project's next evaluation tranche, once.

How the evaluations tab works with this page
--------------------------------------------
`EvaluationsTab(page)` is imported when the page is built (a placeholder label shows if that fails) and added as the
second tab. Like the Funding page's money tabs it reads `page.db` each time (None while nobody is signed in), hides
write buttons with `page.guard(widget, Permission.X)`, and is told the competition chosen in the page's filter with
`tab.set_competition(competition_id)` (None: every competition) whenever it changes and on every load of the page;
later reloads for the same competition call `tab.refresh()`. After a write it emits `page.monitoring_changed`: the
page reloads its projects and every tab, and tells the other pages (funding) their figures are stale. Today's date
is `page.today()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ...errors import PspError
from ...services import monitoring
from ...services.access import Permission, allowed
from ...services.monitoring import ProjectRow, ReportState
from ..forms import ProblemBanner
from ..funding_money import OVERDUE_BACKGROUND, Derived, MarkedModel, select_where, selected_row
from ..labels import label
from ..mode_filter import MODE_COLUMN, ModeFilter, mixed
from ..monitoring_detail import DetailPanel
from ..table import Column, make_proxy
from ..tasks import run_task
from ..widgets import ColumnFitter, EmptyState, make_table_view, search_box
from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
NOTE_STYLE = "background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7; padding: 6px;"
WARN_STYLE = "background: #fff3e0; color: #8a4b00; border: 1px solid #ffcc80; padding: 6px;"


@dataclass(frozen=True)
class Loaded:
    today: dt.date
    projects: tuple[ProjectRow, ...]
    withheld: tuple[int, ...] = ()  # tranches the late-report rule withheld on this load
    rule_problem: PspError | None = None


def fetch_monitoring(db: Database, today: dt.date) -> Loaded:
    """The late-report rule first (when the signed-in person may apply it), then every funded project."""
    withheld: list[int] = []
    problem = None
    if allowed(db, Permission.MONITORING_EDIT):
        try:
            withheld = monitoring.apply_late_rule(db, today)
        except PspError as exc:  # the projects are still shown; the page says what stopped the rule
            problem = exc
    return Loaded(today, tuple(monitoring.projects(db, today)), tuple(withheld), problem)


# --- the list's words --------------------------------------------------------------------------------------------


def overdue_text(row: ProjectRow) -> str:
    if row.overdue_days:
        return translate("Monitoring", "Overdue {days} days").format(days=row.overdue_days)
    if row.next_state is ReportState.DUE and row.next_due is not None:
        return translate("Monitoring", "Due, in the grace days")
    return ""


def next_due_text(row: ProjectRow) -> str:
    if row.next_due is None:
        return translate("Monitoring", "All reports in") if row.reports else translate("Monitoring", "No schedule yet")
    return row.next_due.isoformat()


def flags_text(row: ProjectRow) -> str:
    flags = []
    if row.late_withheld:
        flags.append(translate("Monitoring", "Late report: tranche withheld"))
    if row.overspent:
        flags.append(
            translate("Monitoring", "Over budget: {categories}").format(
                categories=translate("Monitoring", ", ").join(label(c) for c in row.overspent)
            )
        )
    if row.open_rectifications:
        flags.append(translate("Monitoring", "Rectification open"))
    if not row.reports:
        flags.append(translate("Monitoring", "No report schedule"))
    return translate("Monitoring", "; ").join(flags)


def alarming(row: ProjectRow) -> bool:
    return bool(row.late_withheld or row.overspent or row.open_rectifications)


PROJECT_COLUMNS = (  # what needs attention first: on a laptop the last columns may be scrolled to
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
    MODE_COLUMN,
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Next report due"),
        "next_due",
        get=lambda r: r.next_due.isoformat() if r.next_due else "9999",
        show=next_due_text,
    ),
    Derived(QT_TRANSLATE_NOOP("Columns", "Overdue"), "overdue_days", get=lambda r: r.overdue_days, show=overdue_text),
    Derived(QT_TRANSLATE_NOOP("Columns", "Flags"), "flags", get=flags_text),
    Column(QT_TRANSLATE_NOOP("Columns", "Last visit"), "last_visit"),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Reports in"),
        "submitted",
        get=lambda r: r.submitted,
        show=lambda r: f"{r.submitted} / {r.reports}",
    ),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Milestones done"),
        "milestones_done",
        get=lambda r: r.milestones_done,
        show=lambda r: f"{r.milestones_done} / {r.milestones}" if r.milestones else "",
    ),
)
OVERDUE_COLUMN, FLAGS_COLUMN = (next(i for i, c in enumerate(PROJECT_COLUMNS) if c.attr == attr)
                                 for attr in ("overdue_days", "flags"))
MODE_INDEX = PROJECT_COLUMNS.index(MODE_COLUMN)


class MonitoringPage(Page):
    name = "Monitoring"
    title_source = QT_TRANSLATE_NOOP("Pages", "Monitoring and evaluation")
    monitoring_changed = Signal()  # emitted after a write on this page or its tabs (see the module docstring)
    detail_loaded = Signal()  # the selected project's milestones, reports and visits are on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today  # a test sets its own day
        self.data: Loaded | None = None
        self._competition_id: int | None = None
        self._generation = 0
        self._detail_generation = 0
        self._tab_competition: object = object()
        self.layout_.removeItem(self.toolbar)  # the actions live on the tabs
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_projects_tab(), "")
        self.evaluations = self._evaluations_tab()
        self.tabs.addTab(self.evaluations, "")
        self.layout_.addWidget(self.tabs, 1)
        self.monitoring_changed.connect(self._after_write)
        self.retranslate()

    @property
    def competition_id(self) -> int | None:
        return self._competition_id

    # --- building -----------------------------------------------------------------------------------------

    def _build_projects_tab(self) -> QWidget:
        tab = QWidget(self)
        self.competition_label = QLabel()
        self.competition = QComboBox()
        self.competition.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.competition.activated.connect(lambda _i: self.choose(self.competition.currentData()))
        self.mode_filter = ModeFilter(tab)
        self.mode_filter.chosen.connect(self._mode_chosen)
        self.search = search_box(tab)
        self.search.textChanged.connect(lambda text: self._search(text))
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.competition_label)
        bar.addWidget(self.competition)
        bar.addWidget(self.mode_filter)
        bar.addSpacing(12)
        bar.addWidget(self.search)
        bar.addSpacing(12)
        bar.addWidget(self.count)
        bar.addStretch(1)
        self.banner = ProblemBanner(tab)
        self.note = QLabel(tab)
        self.note.setWordWrap(True)
        self.note.hide()
        self.model = MarkedModel(
            PROJECT_COLUMNS,
            self,
            tint=lambda r: OVERDUE_BACKGROUND if r.overdue_days else None,
            alarm=lambda r, c: (c == OVERDUE_COLUMN and r.overdue_days > 0) or (c == FLAGS_COLUMN and alarming(r)),
            tip=lambda r: flags_text(r),
        )
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(tab)
        self.view.setModel(self.proxy)
        title = next(i for i, c in enumerate(PROJECT_COLUMNS) if c.attr == "title")
        self.fitter = ColumnFitter(self.view, title, max_width=190)  # ten columns on a laptop: long names are cut
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.empty = EmptyState(tab)
        self.empty.hide()
        self.detail = DetailPanel(self, tab)
        self.detail.show_detail(None)
        splitter = QSplitter(Qt.Orientation.Vertical, tab)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([310, 490])  # about seven projects in view, the selected one's reports below
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty, 1)
        return tab

    def _evaluations_tab(self) -> QWidget:
        """Imported lazily: while it is being written or if it fails to load, a plain label says so."""
        try:
            from ..evaluations_tab import EvaluationsTab

            return EvaluationsTab(self)  # type: ignore[no-any-return]
        except Exception as exc:  # any failure there must leave the monitoring tab working
            placeholder = QLabel(self)
            placeholder.setToolTip(f"{type(exc).__name__}: {exc}")  # for whoever looks into it
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setWordWrap(True)
            placeholder.setObjectName("evaluationsPlaceholder")
            return placeholder

    # --- loading ------------------------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        super().set_database(db)
        if db is None:  # signed out: nothing of the last person's work stays on screen
            self.data = None
            self.model.set_rows([])
            self.detail.show_detail(None)
            self.clear_messages()
            self._give_evaluations(None)

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self._generation += 1
        generation, today = self._generation, self.today()
        run_task(lambda: fetch_monitoring(db, today), lambda data: self._arrived(generation, data), self._failed)

    def _arrived(self, generation: int, data: Loaded) -> None:
        if generation == self._generation:  # an older answer that arrived late is not shown
            self.show_data(data)

    def fill(self, data: Loaded) -> None:
        self.data = data
        self._fill_selector(data)
        self._show_rows()
        if data.rule_problem is not None:
            self.show_refusal(data.rule_problem)
        if data.withheld:
            self.show_note(
                translate(
                    "Monitoring",
                    "The late-report rule withheld {count} tranches today: finance sees them under "
                    "Funding → Tranches, with the late report named.",
                ).format(count=len(data.withheld)),
                warn=True,
            )
            self.changed.emit()  # the funding pages' figures are stale
        self._give_evaluations(self._competition_id)

    def _fill_selector(self, data: Loaded) -> None:
        """The competitions of the chosen mode; a chosen competition of another mode gives way to all of them."""
        seen: dict[int, str] = {}
        for row in data.projects:
            if self.mode_filter.keeps(row):
                seen.setdefault(row.competition_id, row.competition)
        if self._competition_id not in seen:
            self._competition_id = None
        self.competition.blockSignals(True)
        self.competition.clear()
        self.competition.addItem(translate("Monitoring", "All competitions"), None)
        for competition_id, name in seen.items():
            self.competition.addItem(name, competition_id)
        self.competition.setCurrentIndex(max(0, self.competition.findData(self._competition_id)))
        self.competition.blockSignals(False)

    def _show_rows(self) -> None:
        data = self.data
        rows = [
            r
            for r in (data.projects if data else ())
            if (self._competition_id is None or r.competition_id == self._competition_id) and self.mode_filter.keeps(r)
        ]
        kept = self.selected_project()
        self.model.set_rows(rows)
        self.view.setColumnHidden(0, self._competition_id is not None or len({r.competition_id for r in rows}) < 2)
        self.view.setColumnHidden(MODE_INDEX, not mixed(rows))
        self.fitter.fit()
        has_rows = data is None or bool(data.projects)  # a filter that leaves none shows an empty list, not "none yet"
        self.splitter.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        if rows:  # selecting a row loads its detail
            if kept is None or not self.select_project(kept.award_id):
                self.view.selectRow(0)
        else:
            self.detail.show_detail(None)
        self._update_count()

    def choose(self, competition_id: int | None) -> None:
        if competition_id != self._competition_id:
            self.clear_messages()
        self._competition_id = competition_id
        self._show_rows()
        self._give_evaluations(competition_id)

    def _mode_chosen(self) -> None:
        """The mode narrows the competitions offered and the rows; the evaluations follow the competition."""
        before = self._competition_id
        if self.data is not None:
            self._fill_selector(self.data)
        if self._competition_id != before:
            self.choose(self._competition_id)
        else:
            self._show_rows()

    def _give_evaluations(self, competition_id: int | None) -> None:
        """The evaluations tab follows the filter: set_competition when it changes, refresh when it does not."""
        tab = self.evaluations
        if competition_id != self._tab_competition and hasattr(tab, "set_competition"):
            tab.set_competition(competition_id)
        elif hasattr(tab, "refresh"):
            tab.refresh()
        self._tab_competition = competition_id

    def _search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        overdue = sum(1 for i in range(total) if self.model.row_at(i).overdue_days)
        text = (
            translate("Monitoring", "{shown} of {total} projects").format(shown=shown, total=total)
            if shown != total
            else translate("Monitoring", "{total} projects").format(total=total)
        )
        if overdue:
            text += translate("Monitoring", ", {count} with overdue reports").format(count=overdue)
        self.count.setText(text)

    # --- selection and the detail ---------------------------------------------------------------------------

    def selected_project(self) -> ProjectRow | None:
        return selected_row(self.view, self.model)  # type: ignore[no-any-return]

    def select_project(self, award_id: int) -> bool:
        found = [False]

        def match(row: ProjectRow) -> bool:
            found[0] = found[0] or row.award_id == award_id
            return row.award_id == award_id

        select_where(self.view, self.model, match)
        return found[0]

    def _selected(self) -> None:
        row, db = self.selected_project(), self.db
        if row is None or db is None:
            self.detail.show_detail(None)
            return
        self._detail_generation += 1
        generation, award_id, today = self._detail_generation, row.award_id, self.today()
        run_task(
            lambda: monitoring.detail(db, award_id, today),
            lambda detail: self._detail_arrived(generation, detail),
            self.show_refusal,
        )

    def _detail_arrived(self, generation: int, detail: Any) -> None:
        if generation == self._detail_generation:
            self.detail.show_detail(detail)
            self.detail_loaded.emit()

    # --- messages and writes --------------------------------------------------------------------------------

    def clear_messages(self) -> None:
        self.banner.clear()
        self.note.hide()

    def show_refusal(self, exc: BaseException) -> None:
        self.note.hide()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(translate("Monitoring", "Unexpected error: {error}").format(error=exc))
            self.banner.show()

    def show_note(self, text: str, *, warn: bool = False) -> None:
        self.banner.clear()
        self.note.setStyleSheet(WARN_STYLE if warn else NOTE_STYLE)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def after_write(self, text: str = "", *, warn: bool = False) -> None:
        if text:
            self.show_note(text, warn=warn)
        self.monitoring_changed.emit()

    def _after_write(self) -> None:
        """Every page's figures are stale; the window reloads the one on screen, this one if it is alone."""
        self.set_database(self.db)
        self.changed.emit()
        self.ensure_loaded()

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "tabs"):
            return
        self.tabs.setTabText(0, translate("Monitoring", "Project monitoring"))
        self.tabs.setTabText(1, translate("Monitoring", "Evaluation"))
        if isinstance(self.evaluations, QLabel) and self.evaluations.objectName() == "evaluationsPlaceholder":
            self.evaluations.setText(translate("Monitoring", "Evaluations are not available yet."))
        self.competition_label.setText(translate("Monitoring", "Competition"))
        if self.competition.count():
            self.competition.setItemText(0, translate("Monitoring", "All competitions"))
        self.search.setPlaceholderText(translate("Monitoring", "Search…"))
        self.empty.set_text(
            translate("Pages", "No funded projects to monitor yet"),
            translate(
                "Monitoring",
                "Once awards are committed (Funding), each funded project is listed here with its "
                "milestones, progress reports and site visits.",
            ),
        )
        self.model.retranslate()
        self.fitter.fit()
        self.detail.retranslate()
        if self.data is not None:
            self._update_count()

"""The Community needs page (社区需求): the register of needs (需求登记) with its filters, form, import and export,
and the coverage report (需求覆盖, ui/needs_coverage_tab.py) to read before setting next year's themes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import NeedSource, ServiceDomain
from ...errors import PspError
from ...services import needs
from ...services.access import Permission
from ...services.needs import Coverage, NeedFilter, NeedRow
from .. import workbook_actions
from ..labels import label, quoted
from ..table import Column, RowTableModel, make_proxy
from ..tasks import run_task
from ..widgets import ColumnFitter, EmptyState, make_table_view, search_box
from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
SEARCH_PAUSE_MS = 250  # typing in the search box reloads once the typing stops

REGISTER_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Collected on"), "collected_on"),
    Column(QT_TRANSLATE_NOOP("Columns", "Street"), "street"),
    Column(QT_TRANSLATE_NOOP("Columns", "Community"), "community"),
    Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
    Column(QT_TRANSLATE_NOOP("Columns", "Need"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "People affected"), "people_affected", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Priority"), "priority", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Source"), "source"),
    Column(QT_TRANSLATE_NOOP("Columns", "Themes"), "themes", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Proposals"), "proposals", "int"),
)


@dataclass(frozen=True)
class Loaded:
    choices: needs.Choices
    rows: tuple[NeedRow, ...]
    years: tuple[int, ...]
    year: int | None
    coverage: Coverage | None


def fetch_all(db: Database, filters: NeedFilter, year: int | None, district: str | None) -> Loaded:
    """Everything the page shows: the register as filtered and the coverage report of the year asked for (by
    default the newest year with needs or a competition)."""
    years = tuple(needs.coverage_years(db))
    if year not in years:
        year = years[0] if years else None
    report = needs.coverage(db, year, district) if year is not None else None
    return Loaded(needs.choices(db), tuple(needs.list_needs(db, filters)), years, year, report)


def _combo(width: int = 120) -> QComboBox:
    """A filter: its usual width, narrower when the window is (long names elide instead of widening the page)."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(3)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)  # wide when there is room
    combo.setMaximumWidth(width + 80)
    return combo


class RegisterTab(QWidget):
    """The needs with filters (community, domain, year, source, priority, search) and the writes on them."""

    def __init__(self, page: NeedsPage) -> None:
        super().__init__(page)
        self.page = page
        self.generation = 0  # a reload's result is shown only if no later reload started
        self.choices: needs.Choices | None = None
        self.community, self.domain, self.year = _combo(150), _combo(), _combo(90)
        self.source, self.priority = _combo(), _combo(80)
        self.search = search_box(self)
        self.search.setMaximumWidth(260)
        self.search.setMinimumWidth(80)
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(SEARCH_PAUSE_MS)
        self.pause.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self.pause.start())
        for combo in (self.community, self.domain, self.year, self.source, self.priority):
            combo.activated.connect(lambda _index: self.reload())
        filters = QHBoxLayout()  # no captions: each filter's first item names it ("全部社区"), so the row fits
        for combo in (self.community, self.domain, self.year, self.source, self.priority):
            filters.addWidget(combo)
        filters.addSpacing(6)
        filters.addWidget(self.search)
        self.buttons: list[tuple[QPushButton, str]] = []
        bar = QHBoxLayout()
        self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Record a need…"), self.add, Permission.REGISTRY_EDIT)
        self.edit_button = self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Open…"), self.open_selected)
        self.delete_button = self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Delete"), self.delete,
                                             Permission.REGISTRY_EDIT)
        self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Import from a workbook…"), self.import_workbook,
                        Permission.REGISTRY_EDIT)
        self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Blank import template…"),
                        lambda: workbook_actions.save_template(self, "needs"))
        self.add_button(bar, QT_TRANSLATE_NOOP("Needs", "Export to Excel…"), self.export)
        bar.addStretch(1)
        self.count = QLabel()
        bar.addWidget(self.count)
        self.model = RowTableModel(REGISTER_COLUMNS, self)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.fitter = ColumnFitter(self.view, 4)
        self.empty = EmptyState(self)
        holder = QWidget(self)
        self.stack = QStackedLayout(holder)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(holder, 1)
        self.retranslate()
        self._update_buttons()

    def add_button(self, bar: QHBoxLayout, source: str, slot: Callable[[], None],
                   permission: Permission | None = None) -> QPushButton:
        button = QPushButton(translate("Needs", source))
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        bar.addWidget(button)
        self.buttons.append((button, source))
        self.page.guard(button, permission)
        return button

    # --- filters ----------------------------------------------------------------------------------------------

    def filters(self) -> NeedFilter:
        return NeedFilter(self.community.currentData(), self.domain.currentData(), self.year.currentData(),
                          self.source.currentData(), self.priority.currentData(), self.search.text())

    def set_choices(self, choices: needs.Choices) -> None:
        """The filters' items, keeping what is chosen."""
        self.choices = choices
        one_street = len({x.street for x in choices.communities}) == 1
        items: list[tuple[QComboBox, str, list[tuple[str, Any]]]] = [
            (self.community, translate("Needs", "All communities"),
             [(c.name if one_street else c.label, c.id) for c in choices.communities]),
            (self.domain, translate("Needs", "All service domains"), [(label(d), d) for d in ServiceDomain]),
            (self.year, translate("Needs", "All years"), [(str(y), y) for y in choices.years]),
            (self.source, translate("Needs", "All sources"), [(label(s), s) for s in NeedSource]),
            (self.priority, translate("Needs", "All priorities"),
             [(translate("Needs", "Priority {n}").format(n=p), p) for p in range(1, 6)]),
        ]
        for combo, everything, values in items:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, value in values:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
            combo.blockSignals(False)

    # --- loading ----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        db = self.page.db
        if db is None:
            return
        self.generation += 1
        generation, filters = self.generation, self.filters()
        run_task(lambda: tuple(needs.list_needs(db, filters)), lambda rows: self._rows_read(generation, rows),
                 self.page.show_failure)

    def _rows_read(self, generation: int, rows: tuple[NeedRow, ...]) -> None:
        if generation == self.generation:
            self.fill(rows)

    def fill(self, rows: tuple[NeedRow, ...]) -> None:
        self.model.set_rows(rows)
        filtered = self.filters() != NeedFilter()
        self.stack.setCurrentIndex(1 if not rows and not filtered else 0)
        self.fitter.fit()
        self.count.setText(translate("Needs", "{count} needs").format(count=len(rows)))
        self._update_buttons()

    def selected(self) -> NeedRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().hasSelection():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())  # type: ignore[no-any-return]

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- writes -----------------------------------------------------------------------------------------------

    def add(self) -> None:
        self._dialog(None)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._dialog(row.id)

    def _dialog(self, need_id: int | None) -> None:
        from ..dialogs.need_dialog import NeedDialog

        db = self.page.db
        if db is None:
            return
        try:
            dialog = NeedDialog(db, need_id, self)
        except PspError as exc:  # deleted meanwhile on another PC
            self.page.show_failure(exc)
            return
        if dialog.exec():
            self.page.written()

    def delete(self) -> None:
        row, db = self.selected(), self.page.db
        if row is None or db is None:
            return
        answer = QMessageBox.question(self, translate("Needs", "Delete the need"), translate(
            "Needs", "Delete the need {title} of {community}? This cannot be undone.").format(
            title=quoted(row.title), community=row.community))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            needs.delete(db, row.id)
        except PspError as exc:
            QMessageBox.warning(self, translate("Needs", "Not deleted"), exc.render(translate))
            return
        self.page.written()

    def import_workbook(self) -> None:
        db = self.page.db
        if db is not None and workbook_actions.import_workbook(self, db, "needs"):
            self.page.written()

    def export(self) -> None:
        db = self.page.db
        if db is not None:
            workbook_actions.export(self, db, "needs", translate("Needs", "Community needs") + ".xlsx")

    def retranslate(self) -> None:
        for button, source in self.buttons:
            button.setText(translate("Needs", source))
        self.search.setPlaceholderText(translate("Needs", "Search needs…"))
        if self.choices is not None:
            self.set_choices(self.choices)  # "All …" and the domains and sources in the new language
        self.empty.set_text(translate("Needs", "No community needs recorded yet"), translate(
            "Needs", "Record the needs collected by surveys, residents' meetings, the hotline and grid workers, or "
                     "import them from a workbook. Competition themes and proposals then link to the needs they "
                     "answer, and the coverage report shows which needs no project has taken up."))
        self.model.retranslate()


class NeedsPage(Page):
    name = "Needs"
    title_source = QT_TRANSLATE_NOOP("Pages", "Community needs")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ..needs_coverage_tab import CoverageTab  # QtCharts loads with this page, not at start-up

        self.tabs = QTabWidget(self)
        self.register = RegisterTab(self)
        self.coverage = CoverageTab(self)
        self.tabs.addTab(self.register, "")
        self.tabs.addTab(self.coverage, "")
        self.layout_.addWidget(self.tabs, 1)
        self.retranslate()

    @property
    def tables(self) -> list[RegisterTab]:
        """The page's main table (the register's model and proxy), as list pages expose theirs."""
        return [self.register]

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        filters, (year, district) = self.register.filters(), self.coverage.chosen()
        self.register.generation += 1
        self.coverage.generation += 1
        run_task(lambda: fetch_all(db, filters, year, district), self._filled, self._failed)

    def fill(self, data: Loaded) -> None:
        self.register.set_choices(data.choices)
        self.register.fill(data.rows)
        self.coverage.set_choices(data.years, data.year, data.choices.districts)
        self.coverage.fill(data.coverage)

    def written(self) -> None:
        """After a write: this page reloads, the others learn their figures are stale."""
        self.changed.emit()
        if not self.is_loaded or self._stale:
            return  # the window's refresh reloads this page
        self.reload()

    def show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, PspError):
            QMessageBox.critical(self, translate("Needs", "Community needs"), exc.render(translate))
        else:
            self.failed.emit(exc)

    def retranslate(self) -> None:
        super().retranslate()
        if hasattr(self, "tabs"):
            self.tabs.setTabText(0, translate("Needs", "Needs register"))
            self.tabs.setTabText(1, translate("Needs", "Coverage"))
            self.register.retranslate()
            self.coverage.retranslate()

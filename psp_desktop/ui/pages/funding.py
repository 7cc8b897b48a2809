"""The Funding page (资金管理): a competition's pool bar, its awards with the work on them (proposing from the final
ranking, adjusting, cancelling, signing, payment schedules, the agreement printout), and the money tabs.

How the other tabs (ui/tranches_tab.py, ui/matching_tab.py, ui/cash_flow_tab.py) work with this page
------------------------------------------------------------------------------------------------------
Each tab class is built once as `Tab(page)`, where page is this FundingPage (its parent), and shown as a tab.
- The database: `page.db`, the open `psp_desktop.db.Database`, or None while nobody is signed in. Read it each time
  the tab loads or writes; never keep it (signing out and in again replaces it). The services check the signed-in
  person's permission; hide a write button from people who lack it with `page.guard(button, Permission.X)`, which
  follows sign-in changes like the page's own buttons.
- The competition: `page.competition_id` (int | None), chosen in the page's selector. The page calls
  `tab.set_competition(competition_id)` whenever it changes (the first load included; None when nobody is signed in
  or there is no competition): load the tab's rows there.
- Refreshing: every later reload of the page for the same competition (after any write on this page or another,
  F5) calls `tab.refresh()`.
- After a write: emit `page.funding_changed` (no arguments). The page then reloads the pool bar and the awards,
  calls every tab's `refresh()` (the emitting tab's too) and tells the other pages their figures are stale.
- Reads run off the GUI thread with `ui.tasks.run_task`; a write is one service call on the GUI thread, its
  refusal (a PspError) shown with `exc.render(QCoreApplication.translate)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import AwardLevel, AwardStatus, CompetitionMode, CompetitionStatus
from ...services import allocation, lists
from ...services.access import Permission
from ...services.allocation import AwardRow, Pool
from ...services.lists import Choice
from ..labels import label, money_text, quoted
from ..mode_filter import ModeFilter
from ..table import Column
from ..tasks import run_task
from .base import Page, Section, TableSection

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

ACTIVE = (CompetitionStatus.NOTICE.value, CompetitionStatus.SIGNING.value, CompetitionStatus.IMPLEMENTING.value)
CHANGEABLE = (AwardStatus.RESERVE, AwardStatus.COMMITTED, AwardStatus.SIGNED)
PRINTABLE = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)
SCHEDULED = (AwardStatus.COMMITTED, AwardStatus.SIGNED)
MONEY_TABS = (  # (module in ui/, tab title)
    ("tranches_tab", QT_TRANSLATE_NOOP("Funding", "Tranches")),
    ("matching_tab", QT_TRANSLATE_NOOP("Funding", "Matching funds")),
    ("cash_flow_tab", QT_TRANSLATE_NOOP("Funding", "Cash flow")),
)
OPTIONAL_COLUMNS = ("level", "agreement_number", "signed_on", "reason")  # hidden while every award leaves them blank
_UNSET = object()


@dataclass(frozen=True)
class LevelColumn(Column):
    """The award level, blank when the award has none (funding the request gives no levels)."""

    def text(self, row: Any) -> str:
        value = self.raw(row)
        return "" if value is AwardLevel.NONE else label(value)


AWARD_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Rank"), "rank", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    LevelColumn(QT_TRANSLATE_NOOP("Columns", "Award level"), "level"),
    Column(QT_TRANSLATE_NOOP("Columns", "Requested (yuan)"), "requested_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Award (yuan)"), "amount_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Paid (yuan)"), "paid_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Status"), "status"),
    Column(QT_TRANSLATE_NOOP("Columns", "Agreement no."), "agreement_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Signed on"), "signed_on"),
    Column(QT_TRANSLATE_NOOP("Columns", "Reason for change"), "reason"),
)
AWARDS = Section("", AWARD_COLUMNS, lambda _db: [],
                 QT_TRANSLATE_NOOP("Pages", "No awards in this competition yet"),
                 QT_TRANSLATE_NOOP("Pages", "Once every review round is frozen, “Propose awards…” works out who is "
                                            "funded and how much from the final ranking, within the pool and the "
                                            "caps."), stretch="title")


# --- loading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    competitions: tuple[Choice, ...]
    competition_id: int | None
    pool: Pool | None = None
    awards: tuple[AwardRow, ...] = ()
    mode: CompetitionMode | None = None  # the mode filter: competitions holds only this mode's
    modes: Mapping[int, CompetitionMode] = field(default_factory=dict)  # every competition's

    @property
    def competition(self) -> str:
        return next((c.name for c in self.competitions if c.id == self.competition_id), "")


def fetch_funding(db: Database, competition_id: int | None, mode: CompetitionMode | None = None) -> Loaded:
    """The chosen competition's pool and awards; by default the latest competition in public notice, signing or
    implementation, else the latest. mode: only competitions (programmes) of that mode are offered."""
    modes = {c.id: c.mode for c in lists.competitions(db)}
    competitions = tuple(c for c in lists.competition_choices(db) if mode is None or modes.get(c.id) is mode)
    if competition_id not in {c.id for c in competitions}:
        active = [c.id for c in competitions if c.detail in ACTIVE]
        competition_id = active[0] if active else (competitions[0].id if competitions else None)
    if competition_id is None:
        return Loaded(competitions, None, mode=mode, modes=modes)
    return Loaded(competitions, competition_id, allocation.pool(db, competition_id),
                  tuple(allocation.awards(db, competition_id)), mode, modes)


# --- the pool bar ------------------------------------------------------------------------------------------------


class PoolBar(QFrame):
    """资金池 / 已承诺 / 已拨付 / 剩余, and a bar of the committed share that turns red past the pool."""

    NORMAL = "#9dbde3"  # light enough for the bar's text to read on it
    OVER = "#ef9a9a"
    OVER_TEXT = "#c62828"

    def __init__(self, parent: QWidget | None = None, *, with_paid: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("poolBar")
        self.setStyleSheet("#poolBar { background: #f4f7fb; border: 1px solid #d8e0ea; border-radius: 6px; }")
        self.with_paid = with_paid
        self.captions = [QLabel() for _ in range(4)]
        self.values = [QLabel() for _ in range(4)]
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMinimumWidth(220)
        self.bar.setMaximumHeight(22)
        self.over = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        for index, (caption, value) in enumerate(zip(self.captions, self.values, strict=True)):
            caption.setStyleSheet("color: #555;")
            font = value.font()
            font.setBold(True)
            font.setPointSize(font.pointSize() + 3)
            value.setFont(font)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(caption)
            cell.addWidget(value)
            if index == 2 and not with_paid:
                caption.hide()
                value.hide()
                continue
            layout.addLayout(cell)
            layout.addSpacing(18)
        layout.addWidget(self.bar, 1)
        self.figures: tuple[int, int, int] | None = None
        self.retranslate()
        self.clear()

    def set_pool(self, pool_fen: int, committed_fen: int, paid_fen: int = 0) -> None:
        self.figures = (pool_fen, committed_fen, paid_fen)
        remaining = pool_fen - committed_fen
        for value, fen in zip(self.values, (pool_fen, committed_fen, paid_fen, remaining), strict=True):
            value.setText(money_text(fen))
        self.over = committed_fen > pool_fen
        share = committed_fen * 1000 // pool_fen if pool_fen else (1000 if committed_fen else 0)
        self.bar.setValue(min(share, 1000))
        self.bar.setFormat(translate("Funding", "{percent}% committed").format(percent=f"{share / 10:g}"))
        self.values[3].setStyleSheet(f"color: {self.OVER_TEXT};" if self.over else "")
        colour = self.OVER if self.over else self.NORMAL
        self.bar.setStyleSheet(
            "QProgressBar { border: 1px solid #b0bccb; border-radius: 3px; background: #ffffff; text-align: center; }"
            f"QProgressBar::chunk {{ background: {colour}; }}")
        self.bar.setToolTip(translate("Funding", "Committed is more than the pool.") if self.over else "")
        self.layout().activate()  # the figures get their new widths now, not a paint later

    def clear(self) -> None:
        self.figures = None
        self.over = False
        for value in self.values:
            value.setText("—")
        self.bar.setValue(0)
        self.bar.setFormat("")

    def retranslate(self) -> None:
        for caption, text in zip(self.captions, (translate("Funding", "Pool"), translate("Funding", "Committed"),
                                                 translate("Funding", "Paid"), translate("Funding", "Remaining")),
                                 strict=True):
            caption.setText(text)
        if self.figures is not None:
            self.set_pool(*self.figures)


# --- the page ----------------------------------------------------------------------------------------------------


class FundingPage(Page):
    name = "Funding"
    title_source = QT_TRANSLATE_NOOP("Pages", "Funding")
    funding_changed = Signal()  # emitted by a tab after a write (see the module docstring)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._competition_id: int | None = None
        self._generation = 0
        self._tab_competition: object = _UNSET
        self.data: Loaded | None = None
        self._build_header()
        self._build_tabs()
        self.funding_changed.connect(self._after_write)
        self.retranslate()

    @property
    def competition_id(self) -> int | None:
        return self._competition_id

    def _build_header(self) -> None:
        self.competition_label = QLabel()
        self.competition = QComboBox()
        self.competition.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.competition.activated.connect(lambda _i: self.choose(self.competition.currentData()))
        self.mode_filter = ModeFilter(self)
        self.mode_filter.chosen.connect(self.reload)  # the competition stays when it is of the mode chosen
        self.state = QLabel()
        self.state.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.competition_label)
        row.addWidget(self.competition)
        row.addWidget(self.mode_filter)
        row.addSpacing(16)
        row.addWidget(self.state)
        row.addStretch(1)
        self.pool_bar = PoolBar(self)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7; padding: 6px;")
        self.notice.hide()
        self.layout_.removeItem(self.toolbar)  # the award actions live on their tab, not above every tab
        self.layout_.insertLayout(1, row)
        self.layout_.insertWidget(2, self.pool_bar)
        self.layout_.insertWidget(3, self.notice)

    def _build_tabs(self) -> None:
        self.awards_tab = QWidget()
        tab_layout = QVBoxLayout(self.awards_tab)
        tab_layout.setContentsMargins(0, 8, 0, 0)
        self.toolbar = QHBoxLayout()
        tab_layout.addLayout(self.toolbar)
        self._build_actions()
        self.awards = TableSection(AWARDS, self.awards_tab)
        self.awards.fitter.max_width = 220  # twelve columns: long names are cut rather than scrolled away
        self.awards.view.selectionModel().currentChanged.connect(
            lambda _current, _previous: self._update_actions())
        self.awards.view.doubleClicked.connect(lambda _index: self._double_clicked())
        tab_layout.addWidget(self.awards, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.awards_tab, "")
        self.money_tabs: list[tuple[QWidget, str]] = []
        from ..cash_flow_tab import CashFlowTab
        from ..matching_tab import MatchingTab
        from ..tranches_tab import TranchesTab

        classes = {"tranches_tab": TranchesTab, "matching_tab": MatchingTab, "cash_flow_tab": CashFlowTab}
        for module, title in MONEY_TABS:
            tab = classes[module](self)
            self.tabs.addTab(tab, "")
            self.money_tabs.append((tab, title))
        self.layout_.addWidget(self.tabs, 1)

    def _build_actions(self) -> None:
        edit = Permission.FUNDING_EDIT
        self.propose_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Propose awards…"), self.propose_awards,
                                              permission=edit)
        self.adjust_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Adjust amount…"), self.adjust_award,
                                             needs_row=True, permission=edit)
        self.cancel_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Cancel award…"), self.cancel_award,
                                             needs_row=True, permission=edit)
        self.sign_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Sign agreement…"), self.sign_agreement,
                                           needs_row=True, permission=edit)
        self.schedule_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Payment schedule…"), self.edit_schedule,
                                               needs_row=True, permission=edit)
        self.print_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Print agreement…"), self.print_agreement,
                                            needs_row=True)
        self.finish_toolbar()

    # --- loading ------------------------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        super().set_database(db)
        if db is None:
            self.data = None
            self._give_tabs(None)

    def choose(self, competition_id: int | None) -> None:
        if competition_id != self._competition_id:
            self.notice.hide()
        self._competition_id = competition_id
        self.reload()

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self._generation += 1
        generation, wanted, mode = self._generation, self._competition_id, self.mode_filter.mode
        run_task(lambda: fetch_funding(db, wanted, mode), lambda data: self._arrived(generation, data), self._failed)

    def _arrived(self, generation: int, data: Loaded) -> None:
        if generation == self._generation:  # an older answer that arrived late is not shown
            self.show_data(data)

    def fill(self, data: Loaded) -> None:
        selected = self.selected_award()
        self.data = data
        self._competition_id = data.competition_id
        self._fill_selector(data)
        if data.pool is not None:
            self.pool_bar.set_pool(data.pool.pool_fen, data.pool.committed_fen, data.pool.paid_fen)
        else:
            self.pool_bar.clear()
        self._show_state(data)
        self.awards.set_rows(data.awards)
        self._hide_empty_columns(data.awards)
        if selected is not None:
            self.select_award(selected.award_id)
        self._give_tabs(data.competition_id)
        self._update_actions()

    def _fill_selector(self, data: Loaded) -> None:
        self.competition.blockSignals(True)
        self.competition.clear()
        for choice in data.competitions:
            self.competition.addItem(choice.name, choice.id)
        self.competition.setCurrentIndex(max(0, self.competition.findData(data.competition_id)))
        self.competition.blockSignals(False)

    def _show_state(self, data: Loaded) -> None:
        if data.competition_id is None:
            self.state.setText(translate("Funding", "No competitions in this mode.") if data.mode is not None
                               else translate("Funding", "No competitions yet."))
            return
        counts = {status: sum(1 for a in data.awards if a.status is status) for status in AwardStatus}
        funded = counts[AwardStatus.COMMITTED] + counts[AwardStatus.SIGNED] + counts[AwardStatus.COMPLETED]
        self.state.setText(translate("Funding", "{funded} funded ({signed} signed) · {reserve} on the reserve list")
                           .format(funded=funded, signed=counts[AwardStatus.SIGNED] + counts[AwardStatus.COMPLETED],
                                   reserve=counts[AwardStatus.RESERVE]) if data.awards else "")

    def _hide_empty_columns(self, awards: tuple[AwardRow, ...]) -> None:
        """Levels, agreements and reasons appear once some award has one: the table fits a laptop screen."""
        for column, spec in enumerate(AWARD_COLUMNS):
            if spec.attr in OPTIONAL_COLUMNS:
                self.awards.view.setColumnHidden(column, not any(
                    getattr(a, spec.attr) not in (None, "", AwardLevel.NONE) for a in awards))
        self.awards.fitter.spread()

    def _give_tabs(self, competition_id: int | None) -> None:
        """The money tabs follow the competition: set_competition when it changes, refresh when it does not."""
        changed = competition_id != self._tab_competition
        self._tab_competition = competition_id
        for tab, _title in self.money_tabs:
            if changed:
                tab.set_competition(competition_id)  # type: ignore[attr-defined]
            else:
                tab.refresh()  # type: ignore[attr-defined]

    # --- selection ----------------------------------------------------------------------------------------

    def selected_award(self) -> AwardRow | None:
        return self.awards.selected_row() if hasattr(self, "awards") else None

    def select_award(self, award_id: int) -> bool:
        model, proxy = self.awards.model, self.awards.proxy
        for row in range(model.rowCount()):
            if model.row_at(row).award_id == award_id:
                index = proxy.mapFromSource(model.index(row, 0))
                if index.isValid():
                    self.awards.view.setCurrentIndex(index)
                    return True
        return False

    def _update_actions(self) -> None:
        row = self.selected_award()
        status = row.status if row is not None else None
        venture = self.data is not None and self.data.modes.get(self._competition_id or 0) is CompetitionMode.VENTURE
        self.propose_button.setEnabled(venture)  # tenders and commissions are decided on their own page
        self.adjust_button.setEnabled(status in CHANGEABLE)
        self.cancel_button.setEnabled(status is not None and status is not AwardStatus.CANCELLED)
        self.sign_button.setEnabled(status is AwardStatus.COMMITTED)
        self.schedule_button.setEnabled(status in SCHEDULED)
        self.print_button.setEnabled(status in PRINTABLE)

    def _double_clicked(self) -> None:
        row = self.selected_award()
        if row is not None and row.status in CHANGEABLE and self.adjust_button.isVisible():
            self.adjust_award()

    # --- actions ------------------------------------------------------------------------------------------

    def _after_write(self) -> None:
        """Every page's figures are stale; the window reloads the one on screen, this one if it is alone."""
        self.set_database(self.db)
        self.changed.emit()
        self.ensure_loaded()

    def _with_award(self, action: Callable[[Database, AwardRow], None]) -> None:
        row, db = self.selected_award(), self.db
        if db is None:
            return
        if row is None:
            QMessageBox.information(self, translate("Funding", "Awards"),
                                    translate("Funding", "Select an award first."))
            return
        action(db, row)

    def propose_awards(self) -> None:
        from ..dialogs.allocation_dialog import AllocationDialog

        data, db = self.data, self.db
        if db is None or data is None or data.competition_id is None:
            return
        dialog = AllocationDialog(db, data.competition_id, data.competition, data.awards, self)
        dialog.exec()
        if dialog.committed:
            self._after_write()

    def adjust_award(self) -> None:
        from ..dialogs.award_dialogs import AdjustDialog

        remaining = self.data.pool.remaining_fen if self.data and self.data.pool else None
        self._with_award(lambda db, row: self._run(AdjustDialog(db, row, remaining, self)))

    def cancel_award(self) -> None:
        from ..dialogs.award_dialogs import CancelDialog

        self._with_award(lambda db, row: self._run(CancelDialog(db, row, self)))

    def sign_agreement(self) -> None:
        from ..dialogs.award_dialogs import SignDialog

        def sign(db: Database, row: AwardRow) -> None:
            dialog = SignDialog(db, row, self)
            if self._run(dialog):
                self.notice.setText(translate("Funding", "The agreement for {title} is signed: number {number}.")
                                    .format(title=quoted(row.title), number=dialog.number))
                self.notice.show()

        self._with_award(sign)

    def edit_schedule(self) -> None:
        from ..dialogs.award_dialogs import ScheduleDialog

        self._with_award(lambda db, row: self._run(ScheduleDialog(db, row, self)))

    def _run(self, dialog: Any) -> bool:
        """Runs an award dialog (it makes its own service call); reloads after a change."""
        done = bool(dialog.exec())
        if done:
            self._after_write()
        return done

    def print_agreement(self) -> None:
        self._with_award(self._print)

    def _print(self, db: Database, row: AwardRow) -> None:
        from ...services.funding_printouts import agreement_pdf
        from ..pdf_actions import save_pdf

        name = translate("Funding", "Grant agreement {name}.pdf").format(
            name=row.agreement_number or row.intake_number or row.award_id)
        award_id = row.award_id
        save_pdf(self, lambda: agreement_pdf(db, award_id), name)

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "tabs"):
            return
        self.competition_label.setText(translate("Funding", "Competition"))
        self.tabs.setTabText(0, translate("Funding", "Awards"))
        for tab, title in self.money_tabs:
            self.tabs.setTabText(self.tabs.indexOf(tab), translate("Funding", title))
        self.pool_bar.retranslate()
        self.awards.retranslate()
        if self.data is not None:
            self._show_state(self.data)
            self.awards.fitter.fit()  # the labels changed width with the language

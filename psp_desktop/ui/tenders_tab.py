"""The 招标项目 tab of the Purchasing page: a bidding programme's tender projects with their state, and below them
the selected tender's evaluation (services.bidding.evaluate): every bid with its price, whether it is valid (and
why not), the panel part, the price score, the total and the rank; the price formula; the single-bidder rule.

The work on a tender: new / edit (ui/dialogs/tender_dialog.py), close for bids, register a bid
(ui/dialogs/bid_dialog.py), the decision (ui/dialogs/tender_decision_dialog.py), the result notice with its
objection and answer (services.tender_notice) and the two PDFs (documents.tender_report). Each write is one quick
service call that checks permission and rules again; a refusal shows in the red banner (or in the dialog, which
stays open) with nothing written, and a write emits `page.purchasing_changed` (see ui/pages/purchasing.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..enums import CompetitionMode
from ..errors import PspError
from ..money import format_yuan
from ..services import bidding, lists, tender_notice
from ..services.access import Permission
from ..services.bidding import BidLine, TenderEvaluation, TenderRow, score_text
from ..services.evaluation_rules import points_text
from ..services.tender_notice import NoticeState
from .dialogs.tender_dialog import GrowingDialog
from .funding_money import Derived, MarkedModel, MoneyTab, select_where, selected_row
from .labels import quoted
from .table import Column, Index, make_proxy
from .tasks import run_task
from .widgets import ColumnFitter, EmptyState, heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
CONTEXT = "Tenders"
GREY = QColor("#8a8a8a")
RED = QColor("#b3261e")
WON_BACKGROUND = QColor("#e8f5e9")
SINGLE_STYLE = "background: #fff3d6; color: #6b4a00; border: 1px solid #f0d48a; padding: 6px;"
HINT_STYLE = "color: #555;"
NOTICE_DAYS = 7  # the period offered, both ends counted (公示 7–15 days; the service holds the minimum)


def tr(source: str) -> str:
    """A source string marked with QT_TRANSLATE_NOOP("Tenders", ...)."""
    return translate(CONTEXT, source)


# --- what the tab shows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TenderLine:
    """A tender with what its list row says beyond the service's TenderRow: the winner's name and its notice."""

    row: TenderRow
    winner: str = ""
    notice: NoticeState | None = None  # None when it cannot be read

    @property
    def published(self) -> bool:
        return bool(self.notice is not None and self.notice.published)

    @property
    def decided(self) -> bool:
        return self.row.winner_id is not None or bool(self.row.no_winner_reason)

    @property
    def objection_open(self) -> bool:
        return bool(self.notice is not None and self.notice.objection_open)


@dataclass(frozen=True)
class TendersData:
    today: dt.date
    competitions: tuple[lists.CompetitionRow, ...] = ()  # the bidding ones
    competition_id: int | None = None
    tenders: tuple[TenderLine, ...] = ()
    evaluations: dict[int, TenderEvaluation | None] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        return next((c.year for c in self.competitions if c.id == self.competition_id), None)


def state_text(line: TenderLine) -> str:
    row = line.row
    if row.winner_id is not None:
        return translate("Tenders", "Awarded: {winner}").format(winner=line.winner)
    if row.no_winner_reason:
        return translate("Tenders", "No winner: {reason}").format(reason=row.no_winner_reason)
    return translate("Tenders", "Bids closed: under evaluation") if row.closed else translate("Tenders", "Taking bids")


def notice_text(line: TenderLine, today: dt.date) -> str:
    n = line.notice
    if not line.published or n.notice_until is None:
        return ""
    if line.objection_open:
        return translate("Tenders", "Objection to answer")
    if n.notice_from is not None and today < n.notice_from:
        return translate("Tenders", "Notice from {date}").format(date=n.notice_from.isoformat())
    if today <= n.notice_until:
        return translate("Tenders", "On notice until {date}").format(date=n.notice_until.isoformat())
    return translate("Tenders", "Notice ended")


def period_text(row: TenderRow) -> str:
    if row.service_from is None and row.service_until is None:
        return ""
    return "{} – {}".format(row.service_from.isoformat() if row.service_from else "…",
                            row.service_until.isoformat() if row.service_until else "…")


def tender_columns(today: Callable[[], dt.date]) -> tuple[Column, ...]:
    return (
        Derived(QT_TRANSLATE_NOOP("Columns", "Tender code"), "code", get=lambda t: t.row.code),
        Derived(QT_TRANSLATE_NOOP("Columns", "Tender project"), "name", get=lambda t: t.row.name),
        Derived(QT_TRANSLATE_NOOP("Columns", "Domain"), "domain", get=lambda t: t.row.domain),
        Derived(QT_TRANSLATE_NOOP("Columns", "Ceiling (yuan)"), "ceiling_fen", "money",
                get=lambda t: t.row.ceiling_fen),
        Derived(QT_TRANSLATE_NOOP("Columns", "Price points"), "price_points_x100", "points",
                get=lambda t: t.row.price_points_x100),
        Derived(QT_TRANSLATE_NOOP("Columns", "Service period"), "service_from", get=lambda t: period_text(t.row)),
        Derived(QT_TRANSLATE_NOOP("Columns", "Bids"), "bids", "int", get=lambda t: t.row.bids),
        Derived(QT_TRANSLATE_NOOP("Columns", "State"), "state", get=state_text),
        Derived(QT_TRANSLATE_NOOP("Columns", "Public notice"), "notice", get=lambda t: notice_text(t, today())),
    )


def validity_text(line: BidLine) -> str:
    return translate(bidding.CONTEXT, line.invalid_reason) if line.invalid_reason else translate("Tenders", "Valid")


def _points(attr: str) -> Callable[[BidLine], int]:
    return lambda b: -1 if getattr(b, attr) is None else getattr(b, attr)


BID_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Derived(QT_TRANSLATE_NOOP("Columns", "Bid price (yuan)"), "price_fen", "money",
            get=lambda b: b.price_fen or 0, show=lambda b: "" if b.price_fen is None else format_yuan(b.price_fen)),
    Derived(QT_TRANSLATE_NOOP("Columns", "Valid bid"), "invalid_reason", get=validity_text),
    Derived(QT_TRANSLATE_NOOP("Columns", "Panel part"), "panel_x100", "points", get=_points("panel_x100"),
            show=lambda b: score_text(b.panel_x100)),
    Derived(QT_TRANSLATE_NOOP("Columns", "Price score"), "price_x100", "points", get=_points("price_x100"),
            show=lambda b: score_text(b.price_x100)),
    Derived(QT_TRANSLATE_NOOP("Columns", "Total"), "total_x100", "points", get=_points("total_x100"),
            show=lambda b: score_text(b.total_x100)),
    Derived(QT_TRANSLATE_NOOP("Columns", "Rank"), "rank", "int", get=lambda b: b.rank or 0,
            show=lambda b: str(b.rank) if b.rank else ""),
)
VALIDITY_COLUMN = 3


class BidModel(MarkedModel):
    """Invalid bids greyed, their reason in red; the winner tinted."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(BID_COLUMNS, parent, tip=lambda b: b.title,
                         tint=lambda b: WON_BACKGROUND if b.proposal_id == self.winner_id else None,
                         alarm=lambda b, column: not b.valid and column == VALIDITY_COLUMN)
        self.winner_id: int | None = None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < self.rowCount():
            line = self.row_at(index.row())
            if not line.valid:
                return QBrush(RED if index.column() == VALIDITY_COLUMN else GREY)
        return super().data(index, role)


# --- the tab -----------------------------------------------------------------------------------------------------

TENDER_ACTIONS = (  # (source text, method, permission)
    (QT_TRANSLATE_NOOP("Tenders", "New tender project…"), "new", Permission.COMPETITION_SETUP),
    (QT_TRANSLATE_NOOP("Tenders", "Edit…"), "edit", Permission.COMPETITION_SETUP),
    (QT_TRANSLATE_NOOP("Tenders", "Close bidding"), "close_bidding", Permission.COMPETITION_SETUP),
    (QT_TRANSLATE_NOOP("Tenders", "Register a bid…"), "bid", Permission.INTAKE_EDIT),
)
DECISION_ACTIONS = (
    (QT_TRANSLATE_NOOP("Tenders", "Decide…"), "decide", Permission.FUNDING_EDIT),
    (QT_TRANSLATE_NOOP("Tenders", "Notice…"), "publish", Permission.FUNDING_EDIT),
    (QT_TRANSLATE_NOOP("Tenders", "Objection…"), "objection", Permission.FUNDING_EDIT),
    (QT_TRANSLATE_NOOP("Tenders", "Answer…"), "resolve", Permission.FUNDING_EDIT),
)
PRINTS = (
    (QT_TRANSLATE_NOOP("Tenders", "Evaluation report (PDF)…"), "report_pdf"),
    (QT_TRANSLATE_NOOP("Tenders", "Public notice (PDF)…"), "notice_pdf"),
)


def _page_today(page: QWidget | None) -> dt.date:
    today = getattr(page, "today", None)
    return today() if callable(today) else dt.date.today()


def fetch_tenders(db: Database, competition_id: int | None, today: dt.date) -> TendersData:
    """Everything the tab shows, read off the GUI thread: the bidding competitions, the chosen one's tenders with
    their evaluations and notices."""
    competitions = tuple(c for c in lists.competitions(db) if c.mode is CompetitionMode.BIDDING)
    if competition_id not in {c.id for c in competitions}:
        competition_id = competitions[0].id if competitions else None
    if competition_id is None:
        return TendersData(today, competitions)
    rows = bidding.tenders(db, competition_id)
    evaluations = {row.id: _evaluation(db, row.id) for row in rows}
    notices = _notices(db, [row.id for row in rows])
    lines = tuple(TenderLine(row, _winner_name(evaluations[row.id]), notices.get(row.id)) for row in rows)
    return TendersData(today, competitions, competition_id, lines, evaluations)


def _evaluation(db: Database, tender_id: int) -> TenderEvaluation | None:
    try:
        return bidding.evaluate(db, tender_id)
    except PspError:  # not allowed to read results: the list still shows
        return None


def _winner_name(evaluation: TenderEvaluation | None) -> str:
    if evaluation is None or evaluation.winner_id is None:
        return ""
    return next((ln.organization for ln in evaluation.lines if ln.proposal_id == evaluation.winner_id), "")


def _notices(db: Database, tender_ids: list[int]) -> dict[int, NoticeState | None]:
    found: dict[int, NoticeState | None] = {}
    for tender_id in tender_ids:
        try:
            found[tender_id] = tender_notice.state(db, tender_id)
        except PspError:
            found[tender_id] = None
    return found


class TendersTab(MoneyTab):
    """Tenders of one bidding competition above, the selected tender's evaluation below."""

    def __init__(self, page: QWidget | None = None) -> None:
        super().__init__(page)  # type: ignore[arg-type]
        self._db: Database | None = None
        self._own_db = False
        self.today: Callable[[], dt.date] = lambda: _page_today(page)
        self.data = TendersData(self.today())
        self.buttons: dict[str, QPushButton] = {}
        self._build_bar()
        self.empty = EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_content())
        self.stack.addWidget(self.empty)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.stack, 1)
        self.retranslate()
        self._show_selected()

    # --- building ---------------------------------------------------------------------------------------------

    def _build_bar(self) -> None:
        self.competition_label = QLabel()
        self.competition = QComboBox()
        self.competition.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.competition.setMinimumContentsLength(14)
        self.competition.activated.connect(lambda _i: self._choose(self.competition.currentData()))
        self.count = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.competition_label)
        row.addWidget(self.competition, 1)
        row.addSpacing(12)
        row.addWidget(self.count)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def _build_content(self) -> QWidget:
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._button_row(TENDER_ACTIONS))
        self.model = MarkedModel(tender_columns(lambda: self.data.today), self,
                                 alarm=lambda t, c: c == len(self.model.columns) - 1 and t.objection_open)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, 1, max_width=200)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.view.doubleClicked.connect(lambda _index: self._default_action())
        splitter = QSplitter(Qt.Orientation.Vertical, content)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_evaluation())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        column.addWidget(splitter, 1)
        return content

    def _build_evaluation(self) -> QWidget:
        panel = QWidget(self)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 6, 0, 0)
        self.evaluation_title = heading(2)
        self.evaluation_title.setWordWrap(True)
        self.formula = QLabel(panel)
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet(HINT_STYLE)
        self.single = QLabel(panel)
        self.single.setWordWrap(True)
        self.single.setStyleSheet(SINGLE_STYLE)
        self.progress = QLabel(panel)
        self.progress.setWordWrap(True)
        self.bid_model = BidModel(self)
        self.bid_view = make_table_view(panel, sortable=False)
        self.bid_view.setModel(self.bid_model)
        self.bid_fitter = ColumnFitter(self.bid_view, 1, max_width=240)
        for widget in (self.evaluation_title, self.formula, self.single, self.progress):
            column.addWidget(widget)
        column.addWidget(self.bid_view, 1)
        row = self._button_row(DECISION_ACTIONS)
        self.print_button = QPushButton(panel)
        self.print_button.setAutoDefault(False)
        menu = QMenu(self.print_button)
        self.print_actions = {}
        for source, name in PRINTS:
            action = menu.addAction("")
            action.setProperty("source", source)
            action.triggered.connect(lambda _checked=False, name=name: getattr(self, name)())
            self.print_actions[name] = action
        self.print_button.setMenu(menu)
        self.guard(self.print_button, Permission.RESULTS_READ)
        row.addWidget(self.print_button)
        column.addLayout(row)
        return panel

    def _button_row(self, actions: tuple[tuple[str, str, Permission], ...]) -> QHBoxLayout:
        row = QHBoxLayout()
        for source, name, permission in actions:
            button = QPushButton()
            button.setAutoDefault(False)
            button.setProperty("source", source)
            button.setObjectName(f"tender_{name}")
            button.clicked.connect(lambda _checked=False, name=name: getattr(self, name)())
            self.buttons[name] = button
            self.guard(button, permission)
            row.addWidget(button)
        row.addStretch(1)
        return row

    # --- the database: the page's, or one given standalone ------------------------------------------------

    @property
    def db(self) -> Database | None:
        return self._db if self._own_db else getattr(self.page, "db", None)

    def set_database(self, db: Database | None) -> None:
        """Standalone use (tests, a window of its own); on the page the page's database is read each time."""
        if getattr(self.page, "purchasing_changed", None) is not None:
            if db is None:  # signed out: nothing of the last person's work stays on screen
                self.refresh()
            return
        self._db, self._own_db = db, True
        self.refresh()

    def reload(self) -> None:
        self.refresh()

    def after_write(self) -> None:
        signal = getattr(self.page, "purchasing_changed", None)
        if signal is not None and not self._own_db:
            signal.emit()
        else:
            self.refresh()

    # --- loading ------------------------------------------------------------------------------------------

    def nothing(self) -> TendersData:
        return TendersData(self.today())

    def job(self, db: Database, competition_id: int | None) -> Callable[[], TendersData]:
        today = self.today()
        return lambda: fetch_tenders(db, competition_id, today)

    def fill(self, data: TendersData) -> None:
        kept = self.selected()
        self.data = data
        self.competition_id = data.competition_id
        self.competition.clear()
        for c in data.competitions:
            self.competition.addItem(c.name, c.id)
        self.competition.setCurrentIndex(max(0, self.competition.findData(data.competition_id)))
        self.stack.setCurrentIndex(1 if self.db is not None and not data.competitions else 0)
        self.model.set_rows(data.tenders)
        self.fitter.fit()
        if kept is not None:
            select_where(self.view, self.model, lambda t: t.row.id == kept.row.id)
        elif data.tenders:
            select_where(self.view, self.model, lambda _t: True)
        self._update_count()
        self._show_selected()

    def _choose(self, competition_id: int | None) -> None:
        if competition_id == self.competition_id:
            return
        self.banner.clear()
        self.note.hide()
        self.competition_id = competition_id
        self.model.set_rows([])
        self.refresh()

    def _update_count(self) -> None:
        self.count.setText(translate("Tenders", "{count} tender projects").format(count=len(self.data.tenders))
                           if self.data.competitions else "")

    def selected(self) -> TenderLine | None:
        return selected_row(self.view, self.model)

    def evaluation(self) -> TenderEvaluation | None:
        line = self.selected()
        return None if line is None else self.data.evaluations.get(line.row.id)

    # --- the evaluation below -----------------------------------------------------------------------------

    def _show_selected(self) -> None:
        line, evaluation = self.selected(), self.evaluation()
        self.bid_model.winner_id = evaluation.winner_id if evaluation else None
        self.bid_model.set_rows(evaluation.lines if evaluation else ())
        self.bid_fitter.fit()
        if line is None:
            self.evaluation_title.setText(translate("Tenders", "Select a tender project to see its bids.")
                                          if self.data.tenders else "")
            for label in (self.formula, self.single, self.progress):
                label.hide()
        else:
            self._describe(line, evaluation)
        self._update_actions()

    def _describe(self, line: TenderLine, evaluation: TenderEvaluation | None) -> None:
        row = line.row
        valid = len(evaluation.valid_ids) if evaluation else 0
        self.evaluation_title.setText(translate("Tenders", "Evaluation of {code}: {bids} bids, {valid} valid").format(
            code=row.code, bids=len(evaluation.lines) if evaluation else row.bids, valid=valid))
        full = points_text(round(evaluation.full_marks * 100)) if evaluation and evaluation.full_marks else "100"
        values = {"points": points_text(row.price_points_x100), "full": full,
                  "rest": points_text(bidding.FULL_POINTS_X100 - row.price_points_x100),
                  "ceiling": format_yuan(row.ceiling_fen)}
        # one short line on screen (a 700-pixel window has little height); the whole rule in the tooltip
        self.formula.setText(translate(
            "Tenders", "Price score = lowest valid price ÷ bid price × {points}; panel part = panel score ÷ {full} × "
                       "{rest}; total = panel part + price score.").format(**values))
        self.formula.setToolTip(translate(
            "Tenders", "Price score = the lowest valid bid price ÷ the bid price × {points} price points. Panel part "
                       "= the panel's score ÷ its {full} full marks × {rest} points. Total = panel part + price "
                       "score; equal totals rank the lower price first. A bid over the ceiling of {ceiling} yuan "
                       "is invalid.").format(**values))
        single = evaluation is not None and evaluation.single_bidder
        self.formula.setVisible(not single)  # one bid: no price comparison, the formula does not apply
        self.single.setText(translate("Tenders",
            "Only one valid bid: there is no price comparison. The panel judges its necessity and feasibility, "
            "and the bid is accepted or rejected (Decide…).") if single else "")
        self.single.setVisible(single)
        self.progress.setText(self._progress(line, evaluation))
        self.progress.setVisible(bool(self.progress.text()))

    def _progress(self, line: TenderLine, evaluation: TenderEvaluation | None) -> str:
        if evaluation is None:
            return translate("Tenders", "The evaluation cannot be shown: reading results is not allowed to you.") \
                if line.row.bids else ""
        if evaluation.single_bidder or evaluation.final or not evaluation.valid_ids or line.decided:
            return ""
        if evaluation.open_round:
            return translate("Tenders", "The panel's results are not final: round “{round}” is not frozen yet.").format(
                round=evaluation.open_round)
        return translate("Tenders",
                         "The panel has not scored this tender yet: totals and ranks follow its frozen results.")

    def _update_actions(self) -> None:
        line, has_db = self.selected(), self.db is not None
        chosen = line is not None
        open_ = chosen and not line.row.closed
        decided = chosen and line.decided
        enabled = {
            "new": self.data.competition_id is not None,
            "edit": open_, "close_bidding": open_, "bid": open_,
            "decide": chosen and not decided and self.evaluation() is not None,
            "publish": decided and not line.published,
            "objection": chosen and line.published and not line.notice.objection
            and line.notice.running(self.data.today),
            "resolve": chosen and line.objection_open,
        }
        for name, button in self.buttons.items():
            button.setEnabled(has_db and bool(enabled[name]))
        self.print_actions["report_pdf"].setEnabled(has_db and chosen and self.evaluation() is not None)
        self.print_actions["notice_pdf"].setEnabled(has_db and chosen and line.published)
        self.print_button.setEnabled(has_db and chosen)

    def _default_action(self) -> None:
        if self.buttons["edit"].isVisible() and self.buttons["edit"].isEnabled():
            self.edit()

    # --- actions ------------------------------------------------------------------------------------------

    def _target(self) -> tuple[Database, TenderLine] | None:
        line, db = self.selected(), self.db
        if line is None or db is None:
            self.banner.setText(translate("Tenders", "Select a tender project in the list first."))
            self.banner.show()
            return None
        return db, line

    def _load_then(self, fetch: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """A read off the GUI thread, then the dialog it feeds."""
        self.banner.clear()
        self.note.hide()
        run_task(fetch, then, self.show_refusal)

    def new(self) -> None:
        self._tender_dialog(None)

    def edit(self) -> None:
        target = self._target()
        if target is not None:
            self._tender_dialog(target[1].row)

    def _tender_dialog(self, tender: TenderRow | None) -> None:
        from .dialogs.tender_dialog import TenderDialog

        db, competition_id, year = self.db, self.data.competition_id, self.data.year
        if db is None or competition_id is None or year is None:
            return
        linked = tender.need_ids if tender else ()

        def show(needs: list[Any]) -> None:
            dialog = TenderDialog(db, competition_id, needs, tender, self)
            if self.run_dialog(dialog):
                code = dialog.code.text().strip()
                self.show_note(translate("Tenders", "Tender project saved: {code}.").format(code=code))

        self._load_then(lambda: needs_for(db, year, linked), show)

    def close_bidding(self) -> None:
        """Close bidding (开标) on the selected tender, after a confirmation."""
        target = self._target()
        if target is None:
            return
        db, line = target
        question = translate(
            "Tenders", "Close bidding on {code} {name}?\n\n{bids} bids are in. No bid can be added or changed "
                       "afterwards; the evaluation and the decision follow.").format(
            code=line.row.code, name=quoted(line.row.name), bids=line.row.bids)
        answer = QMessageBox.question(self, translate("Tenders", "Close bidding"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.attempt(lambda: bidding.close_tender(db, line.row.id)):
            self.show_note(translate("Tenders", "Bidding on {code} is closed.").format(code=line.row.code))

    def bid(self) -> None:
        from .dialogs.bid_dialog import BidDialog, bid_candidates

        target = self._target()
        if target is None:
            return
        db, line = target
        competition_id, rows = line.row.competition_id, [t.row for t in self.data.tenders]

        def show(candidates: list[Any]) -> None:
            dialog = BidDialog(db, line.row, candidates, self)
            if self.run_dialog(dialog):
                self.show_note(translate("Tenders", "Bid registered for {code}.").format(code=line.row.code))

        self._load_then(lambda: bid_candidates(db, competition_id, rows), show)

    def decide(self) -> None:
        from .dialogs.tender_decision_dialog import TenderDecisionDialog

        target = self._target()
        if target is None:
            return
        db, line = target

        def show(evaluation: TenderEvaluation) -> None:
            dialog = TenderDecisionDialog(db, evaluation, self)
            if self.run_dialog(dialog):
                won = translate("Tenders", "Decided: {code}. The award is on the Funding page.")
                lost = translate("Tenders", "{code} ends without a winner.")
                self.show_note((won if dialog.award_id is not None else lost).format(code=line.row.code))

        self._load_then(lambda: bidding.evaluate(db, line.row.id), show)

    def publish(self) -> None:
        target = self._target()
        if target is None:
            return
        db, line = target
        today = self.today()
        dialog = GrowingDialog(translate("Tenders", "Public notice"), translate("Tenders",
            "Publish the result of {code} {name}: {state}.\nObjections may be raised while the notice is "
            "up.").format(code=line.row.code, name=quoted(line.row.name), state=state_text(line)), self)
        dialog.add_date("from", translate("Tenders", "Notice from:"), today)
        dialog.add_date("until", translate("Tenders", "Notice until:"), today + dt.timedelta(days=NOTICE_DAYS - 1))

        def act() -> None:
            tender_notice.publish(db, line.row.id, dialog.date("from", translate("Tenders", "Notice from:")),
                                  dialog.date("until", translate("Tenders", "Notice until:")))

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(translate("Tenders", "The notice of {code} is published.").format(code=line.row.code))

    def objection(self) -> None:
        target = self._target()
        if target is None:
            return
        db, line = target
        raised = translate("Tenders", "Raised on:")
        intro = translate("Tenders", "An objection to the result of {code} {name}. It must be answered on the "
                                     "record.").format(code=line.row.code, name=quoted(line.row.name))
        dialog = GrowingDialog(translate("Tenders", "Record objection"), intro, self)
        dialog.add_reason("text", translate("Tenders", "Objection:"), translate("Tenders", "who objects, and to what"))
        dialog.add_date("on", raised, self.today())

        def act() -> None:
            tender_notice.object_to(db, line.row.id, dialog.text("text"), dialog.date("on", raised))

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(translate("Tenders", "Objection recorded: answer it on the record."))

    def resolve(self) -> None:
        target = self._target()
        if target is None:
            return
        db, line = target
        objection = line.notice.objection if line.notice is not None else ""
        intro = translate("Tenders", "Objection to {code}:\n{text}").format(code=line.row.code, text=objection)
        dialog = GrowingDialog(translate("Tenders", "Answer objection"), intro, self)
        dialog.add_reason("answer", translate("Tenders", "Answer:"),
                          translate("Tenders", "how the objection was examined, and the outcome"))

        def act() -> None:
            tender_notice.resolve(db, line.row.id, dialog.text("answer"))

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(translate("Tenders", "Answer recorded."))

    def report_pdf(self) -> None:
        today = self.today()
        self._pdf(lambda report, db, tender_id: report.evaluation_report_pdf(db, tender_id, today),
                  translate("Tenders", "Evaluation report {code}.pdf"))

    def notice_pdf(self) -> None:
        self._pdf(lambda report, db, tender_id: report.notice_pdf(db, tender_id),
                  translate("Tenders", "Tender result notice {code}.pdf"))

    def _pdf(self, make: Callable[[Any, Database, int], bytes], name: str) -> None:
        """documents.tender_report loads (with reportlab) only when a PDF is first asked for."""
        from .pdf_actions import save_pdf

        target = self._target()
        if target is None:
            return
        db, line = target

        def made() -> bytes:
            from ..documents import tender_report

            return make(tender_report, db, line.row.id)

        save_pdf(self, made, name.format(code=line.row.code))

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.competition_label.setText(translate("Tenders", "Bidding programme:"))
        self.empty.set_text(translate("Tenders", "No bidding programme yet"), translate("Tenders",
            "Tender projects belong to a competition whose mode is Project bidding (公益招投标). Create one on the "
            "Competitions page, then publish its tender projects here."))
        for button in self.buttons.values():
            button.setText(tr(button.property("source")))
        self.print_button.setText(translate("Tenders", "Print"))
        for action in self.print_actions.values():
            action.setText(tr(action.property("source")))
        self.model.retranslate()
        self.bid_model.retranslate()
        self.fitter.fit()
        self.bid_fitter.fit()
        self._update_count()
        self._show_selected()


def needs_for(db: Database, year: int, linked: tuple[int, ...] | list[int] = ()) -> list[Any]:
    """The needs a tender of this year may answer: collected in the year or the one before (needs are gathered
    ahead of the programme), plus any already linked."""
    from ..services import needs

    found = {n.id: n for y in (year, year - 1) for n in needs.list_needs(db, needs.NeedFilter(year=y))}
    if set(linked) - set(found):
        found.update({n.id: n for n in needs.list_needs(db) if n.id in linked})
    return sorted(found.values(), key=lambda n: (n.community, n.title, n.id))

"""The first page: what the database holds, where the current competition stands, and charts of where the money
went, which needs are covered, how the judges scored, how evaluations ended and where the tranches are.

The figures at the top come first and fast (services.overview, readable from the file before the database is
fully open); the charts are built afterwards: their data is fetched off the GUI thread once the database is open,
and QtCharts is imported only then (ui/qt_charts.py), so the start-up benchmark does not pay for them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...enums import EvaluationGrade, ServiceDomain, TrancheStatus
from ..labels import label, money_text
from ..table import Column
from ..tasks import run_task
from ..widgets import StatTile, heading
from .base import Page, Section, TableSection

if TYPE_CHECKING:
    from ...db import Database
    from ...services.dashboard_data import Figures, MoneyLine
    from ...services.overview import Dashboard
    from ..qt_charts import ChartCard

translate = QCoreApplication.translate

TILES = (
    ("organizations", QT_TRANSLATE_NOOP("Pages", "Social organizations")),
    ("proposals", QT_TRANSLATE_NOOP("Pages", "Proposals")),
    ("needs", QT_TRANSLATE_NOOP("Pages", "Community needs")),
    ("judges", QT_TRANSLATE_NOOP("Pages", "Judges")),
)

DOMAIN_SECTION = Section(
    QT_TRANSLATE_NOOP("Pages", "Proposals and needs by service domain"),
    (
        Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
        Column(QT_TRANSLATE_NOOP("Columns", "Proposals"), "proposals", "int"),
        Column(QT_TRANSLATE_NOOP("Columns", "Eligible"), "eligible", "int"),
        Column(QT_TRANSLATE_NOOP("Columns", "Requested (yuan)"), "requested_fen", "money"),
        Column(QT_TRANSLATE_NOOP("Columns", "Community needs"), "needs", "int"),
    ),
    lambda db: [],
)

CARDS = ("money_domain", "money_community", "coverage", "scores", "grades", "tranches")
COLUMNS = 2
COMMITTED_COLOUR, PAID_COLOUR, SCORE_COLOUR = "#9dbfe3", "#1d4f91", "#1d4f91"
MIDTERM_COLOUR, FINAL_COLOUR = "#9dbfe3", "#1d4f91"
COVERAGE = (  # needs-coverage statuses (services.needs), as drawn
    ("none", QT_TRANSLATE_NOOP("Dashboard", "No project"), "#d9534f"),
    ("eligible", QT_TRANSLATE_NOOP("Dashboard", "Eligible project"), "#f0ad4e"),
    ("funded", QT_TRANSLATE_NOOP("Dashboard", "Funded"), "#5b9bd5"),
    ("completed", QT_TRANSLATE_NOOP("Dashboard", "Completed"), "#2e8b57"),
)
GRADE_NAMES = {
    EvaluationGrade.EXCELLENT: QT_TRANSLATE_NOOP("Dashboard", "Excellent"),
    EvaluationGrade.GOOD: QT_TRANSLATE_NOOP("Dashboard", "Good"),
    EvaluationGrade.PASS: QT_TRANSLATE_NOOP("Dashboard", "Pass"),
    EvaluationGrade.FAIL: QT_TRANSLATE_NOOP("Dashboard", "Fail"),
}
STATUS_COLOURS = {TrancheStatus.PLANNED: "#c8d3e0", TrancheStatus.DUE: "#f0ad4e", TrancheStatus.APPROVED: "#9dbfe3",
                  TrancheStatus.PAID: "#1d4f91", TrancheStatus.WITHHELD: "#e07b39",
                  TrancheStatus.CANCELLED: "#9e9e9e", TrancheStatus.CLAWED_BACK: "#b3261e"}




def wan(fen: int) -> float:
    """Fen as 万元 for drawing only (the exports and tooltips use the exact integer)."""
    return fen / 1_000_000


def share_text(part: int, whole: int) -> str:
    """A share to one decimal, rounded half up in integers (no float on money)."""
    tenths = (part * 2000 + whole) // (2 * whole) if whole else 0
    return f"{tenths // 10}.{tenths % 10}%"


def domain_text(key: str) -> str:
    try:
        return label(ServiceDomain(key))
    except ValueError:
        return key


class DashboardPage(Page):
    name = "Dashboard"
    title_source = QT_TRANSLATE_NOOP("Pages", "Dashboard")
    charts_loaded = Signal()  # the charts show the chosen scope's figures

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: Dashboard | None = None
        self.figures: Figures | None = None
        self.scores: tuple[Decimal, ...] = ()
        self.cards: dict[str, ChartCard] = {}
        self._generation = self._round_generation = 0  # the latest request of each kind wins
        self._charts_due = False
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 6, 0)
        self.competition = heading(3)
        self.competition_facts = QLabel()
        self.competition_facts.setWordWrap(True)
        column.addWidget(self.competition)
        column.addWidget(self.competition_facts)
        grid = QGridLayout()
        self.tiles = [StatTile(self) for _ in TILES]
        for index, tile in enumerate(self.tiles):
            grid.addWidget(tile, 0, index)
        column.addLayout(grid)
        self.domains = TableSection(DOMAIN_SECTION, self)
        self.domains.view.setSortingEnabled(False)
        self.domains.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.domains)
        column.addLayout(self._chart_bar())
        self.chart_grid = QGridLayout()
        self.chart_grid.setSpacing(12)
        for col in range(COLUMNS):
            self.chart_grid.setColumnStretch(col, 1)
        column.addLayout(self.chart_grid)
        column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.layout_.addWidget(self.scroll, 1)
        self.retranslate()

    def _chart_bar(self) -> QHBoxLayout:
        self.charts_caption = heading(2)
        self.scope_label = QLabel()
        self.scope = QComboBox()
        self.scope.setMinimumContentsLength(18)
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.activated.connect(lambda _index: self._load_charts())
        self.charts_note = QLabel()
        self.charts_note.setStyleSheet("color: #666;")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 12, 0, 0)
        bar.addWidget(self.charts_caption)
        bar.addSpacing(16)
        bar.addWidget(self.scope_label)
        bar.addWidget(self.scope)
        bar.addSpacing(12)
        bar.addWidget(self.charts_note, 1)
        return bar

    # --- the figures at the top ---------------------------------------------------------------------------------

    def fetch(self, db: Database) -> Any:
        from ...services import overview

        return overview.dashboard(db)

    def fill(self, data: Dashboard) -> None:
        self.data = data
        self.domains.set_rows(data.domains)
        self._fit_table()
        self._show()
        if self.db is not None:
            self._charts_due = True  # loaded once the figures above have been painted (paintEvent)
            self.update()

    def _fit_table(self) -> None:
        """The table as tall as its rows: the page scrolls, not the table."""
        view = self.domains.view
        height = view.horizontalHeader().sizeHint().height() + view.verticalHeader().length() + 2 * view.frameWidth()
        view.setFixedHeight(max(height, view.horizontalHeader().height() * 3))

    def _show(self) -> None:
        data = self.data
        for tile, (key, caption) in zip(self.tiles, TILES, strict=True):
            tile.set(str(data.counts.get(key, 0)) if data else "—", translate("Pages", caption))
        current = data.current if data else None
        if current is None:
            self.competition.setText(translate("Pages", "No competition yet"))
            self.competition_facts.setText(translate(
                "Pages", "Create a competition to start receiving applications."))
            return
        self.competition.setText(current.name)
        self.competition_facts.setText(translate(
            "Pages", "Status: {status} · Pool {pool} yuan · Cap per project {cap} yuan · {proposals} proposals "
                     "received, {eligible} eligible · {requested} yuan requested").format(
            status=label(current.status), pool=money_text(current.pool_fen), cap=money_text(current.project_cap_fen),
            proposals=current.proposals, eligible=current.eligible, requested=money_text(current.requested_fen)))

    # --- charts: loading ----------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._charts_due:
            self._charts_due = False
            QTimer.singleShot(0, self._load_charts)

    def _load_charts(self) -> None:
        """The chosen scope's figures, fetched (and their services imported) in the background."""
        db = self.db
        if db is None:
            return
        self._generation += 1
        generation, chosen = self._generation, self.scope.currentData() or "all"
        self.charts_note.setText(translate("Dashboard", "Loading the charts…"))
        run_task(lambda: _figures(db, chosen), lambda figures: self._charts_ready(generation, figures),
                 self._charts_failed)

    def _charts_ready(self, generation: int, figures: Figures) -> None:
        if generation != self._generation:
            return  # a later choice is on its way
        self.figures, self.scores = figures, figures.scores
        self._round_generation += 1  # a round asked for before this scope no longer applies
        self.charts_note.setText("")
        self._ensure_cards()
        self._fill_scope_choices(figures)
        self._fill_round_choices(figures)
        self.round_choice.setCurrentIndex(0)  # figures.scores are the first round's
        self.draw_all()
        self.charts_loaded.emit()

    def _charts_failed(self, exc: BaseException) -> None:
        self.charts_note.setText(translate("Dashboard", "The charts could not be loaded."))
        self.failed.emit(exc)

    def _load_round(self) -> None:
        db, round_id = self.db, self.round_choice.currentData()
        if db is None or round_id is None:
            return
        from ...services import dashboard_data

        self._round_generation += 1
        generation = self._round_generation

        def ready(scores: tuple[Decimal, ...]) -> None:
            if generation == self._round_generation:
                self.scores = scores
                self.draw_scores()
                self.charts_loaded.emit()

        run_task(lambda: dashboard_data.round_scores(db, round_id), ready, self._charts_failed)

    # --- charts: the cards and their choosers -------------------------------------------------------------------

    def _ensure_cards(self) -> None:
        if self.cards:
            return
        from ..qt_charts import ChartCard  # QtCharts loads with the first chart, never at start-up

        for index, key in enumerate(CARDS):
            card = ChartCard(self)
            card.setProperty("chart", key)
            self.cards[key] = card
            self.chart_grid.addWidget(card, index // COLUMNS, index % COLUMNS)
        self.coverage_by = QComboBox()
        self.coverage_by.activated.connect(lambda _index: self.draw_coverage())
        self.cards["coverage"].controls.addWidget(self.coverage_by)
        self.round_choice = QComboBox()  # as wide as a short name: a long one must not widen the card
        self.round_choice.setMinimumContentsLength(12)
        self.round_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.round_choice.view().setTextElideMode(Qt.TextElideMode.ElideNone)
        self.round_choice.activated.connect(lambda _index: self._load_round())
        self.round_choice.currentTextChanged.connect(self.round_choice.setToolTip)
        self.bin_width = QComboBox()
        self.bin_width.activated.connect(lambda _index: self.draw_scores())
        for widget in (self.round_choice, self.bin_width):
            self.cards["scores"].controls.addWidget(widget)
        self._retranslate_choosers()

    def _retranslate_choosers(self) -> None:
        if not self.cards:
            return
        _refill(self.coverage_by, [(translate("Dashboard", "By service domain"), "domain"),
                                   (translate("Dashboard", "By community"), "community")])
        _refill(self.bin_width, [(translate("Dashboard", "{width}-point bins").format(width=w), w) for w in (5, 10)])
        if self.figures is not None:
            self._fill_round_choices(self.figures)

    def _fill_scope_choices(self, figures: Figures) -> None:
        """Everything, then each year with its competitions (a year of one competition is that competition)."""
        items: list[tuple[str, str]] = [(translate("Dashboard", "All years"), "all")]
        for year in sorted({c.year for c in figures.competitions}, reverse=True):
            held = [c for c in figures.competitions if c.year == year]
            if len(held) > 1:
                items.append((translate("Dashboard", "{year} (every competition)").format(year=year), f"year:{year}"))
            items += [(("    " if len(held) > 1 else "") + c.name, f"competition:{c.id}") for c in held]
        _refill(self.scope, items)

    def _fill_round_choices(self, figures: Figures) -> None:
        """Rounds named by year when the year had one competition, else by competition."""
        per_year = Counter(c.year for c in figures.competitions)
        _refill(self.round_choice, [
            (translate("Dashboard", "{year}: {round}").format(year=r.year, round=r.name) if per_year[r.year] == 1
             else f"{r.competition} · {r.name}", r.round_id) for r in figures.rounds])
        self.round_choice.setEnabled(bool(figures.rounds))
        self.round_choice.setToolTip(self.round_choice.currentText())

    # --- charts: drawing ----------------------------------------------------------------------------------------

    def draw_all(self) -> None:
        if self.figures is None or not self.cards:
            return
        self.draw_money("money_domain", self.figures.by_domain, translate("Dashboard", "Funds by service domain"),
                        translate("Dashboard", "Service domain"),
                        domain_text)
        self.draw_money("money_community", self.figures.by_community, translate("Dashboard", "Funds by community"),
                        translate("Dashboard", "Community"),
                        lambda key: key or translate("Dashboard", "(no community given)"))
        self.draw_coverage()
        self.draw_scores()
        self.draw_grades()
        self.draw_tranches()

    def draw_money(self, key: str, lines: Sequence[MoneyLine], title: str, what: str,
                   name: Callable[[str], str]) -> None:
        from ..qt_charts import Bars, Fen, bar_chart

        headers = [what, translate("Dashboard", "Funded projects"), translate("Dashboard", "Committed (yuan)"),
                   translate("Dashboard", "Paid (yuan)")]
        rows: list[list[Any]] = [[name(m.key), m.awards, Fen(m.committed_fen), Fen(m.paid_fen)] for m in lines]
        if not lines:
            self.cards[key].set_chart(None, title, empty_body=translate(
                "Dashboard", "Money appears here once awards are committed (Funding page)."))
            return
        rows.append([translate("Dashboard", "Total"), sum(m.awards for m in lines),
                     Fen(sum(m.committed_fen for m in lines)), Fen(sum(m.paid_fen for m in lines))])
        committed, paid = translate("Dashboard", "Committed"), translate("Dashboard", "Paid")
        exact = {(name(m.key), s): fen for m in lines for s, fen in ((committed, m.committed_fen), (paid, m.paid_fen))}
        view = bar_chart(
            title, [name(m.key) for m in lines],
            [Bars(translate("Dashboard", "Committed"), COMMITTED_COLOUR, [wan(m.committed_fen) for m in lines]),
             Bars(translate("Dashboard", "Paid"), PAID_COLOUR, [wan(m.paid_fen) for m in lines])],
            horizontal=True, value_title=translate("Dashboard", "10,000 yuan"),
            tip=lambda category, series, _v: translate("Dashboard", "{category} · {series}: {amount} yuan").format(
                category=category, series=series, amount=money_text(exact[(category, series)])))
        self.cards[key].set_chart(view, title, headers, rows)

    def draw_coverage(self) -> None:
        from ..qt_charts import Bars, bar_chart

        figures, card = self.figures, self.cards["coverage"]
        if figures is None:
            return
        by_domain = self.coverage_by.currentData() != "community"
        year = figures.coverage_year
        title = (translate("Dashboard", "Needs coverage ({year})").format(year=year) if year
                 else translate("Dashboard", "Needs coverage"))
        coverage = figures.coverage
        table = (coverage.by_domain() if by_domain else coverage.by_community()) if coverage is not None else {}
        if not table:
            card.set_chart(None, title, empty_body=translate(
                "Dashboard", "No community needs are recorded for this year: collect them on the Needs page."))
            return
        keys = sorted(table, key=lambda k: (-sum(table[k].values()), str(k)))
        nameless = translate("Dashboard", "(no community given)")
        names = [domain_text(str(k)) if by_domain else str(k) or nameless for k in keys]
        headers = [translate("Dashboard", "Service domain") if by_domain else translate("Dashboard", "Community"),
                   *(translate("Dashboard", text) for _status, text, _colour in COVERAGE),
                   translate("Dashboard", "Needs")]
        rows = [[n, *(table[k].get(status, 0) for status, _t, _c in COVERAGE), sum(table[k].values())]
                for n, k in zip(names, keys, strict=True)]
        view = bar_chart(title, names, [Bars(translate("Dashboard", text), colour,
                                             [table[k].get(status, 0) for k in keys])
                                        for status, text, colour in COVERAGE],
                         stacked=True, horizontal=True, whole=True, value_title=translate("Dashboard", "Needs"),
                         tip=lambda category, series, value: translate(
                             "Dashboard", "{category} · {series}: {count}").format(
                             category=category, series=series, count=int(value)))
        card.set_chart(view, title, headers, rows)

    def draw_scores(self) -> None:
        from ...services.dashboard_data import score_bins
        from ..qt_charts import histogram

        figures, card = self.figures, self.cards["scores"]
        if figures is None:
            return
        title = translate("Dashboard", "Score distribution")
        if not figures.rounds or not self.scores:
            card.set_chart(None, title, empty_body=translate(
                "Dashboard", "No review round in this selection has frozen results yet."))
            return
        title = translate("Dashboard", "Score distribution: {round}").format(
            round=self.round_choice.currentText().strip())
        bins = score_bins(self.scores, self.bin_width.currentData() or 5)
        labels = [f"{b.low}–{b.high}" for b in bins]
        headers = [translate("Dashboard", "Score band"), translate("Dashboard", "From (included)"),
                   translate("Dashboard", "To (excluded)"), translate("Dashboard", "Proposals")]
        rows = [[text, b.low, b.high, b.count] for text, b in zip(labels, bins, strict=True)]
        view = histogram(title, labels, [b.count for b in bins], SCORE_COLOUR,
                         value_title=translate("Dashboard", "Proposals"),
                         category_title=translate("Dashboard", "Published total (points)"))
        card.set_chart(view, title, headers, rows)

    def draw_grades(self) -> None:
        from ..qt_charts import Bars, bar_chart

        figures, card = self.figures, self.cards["grades"]
        if figures is None:
            return
        title = translate("Dashboard", "Evaluation grades")
        if not figures.grades:
            card.set_chart(None, title, empty_body=translate(
                "Dashboard", "No evaluation is final yet (after its objection period) in this selection."))
            return
        names = [translate("Dashboard", GRADE_NAMES[g.grade]) for g in figures.grades]
        headers = [translate("Dashboard", "Grade"), translate("Dashboard", "Mid-term evaluations"),
                   translate("Dashboard", "Final evaluations"), translate("Dashboard", "Total")]
        rows = [[n, g.midterm, g.final, g.total] for n, g in zip(names, figures.grades, strict=True)]
        view = bar_chart(title, names, [Bars(translate("Dashboard", "Mid-term"), MIDTERM_COLOUR,
                                             [g.midterm for g in figures.grades]),
                                        Bars(translate("Dashboard", "Final"), FINAL_COLOUR,
                                             [g.final for g in figures.grades])],
                         stacked=True, whole=True, value_title=translate("Dashboard", "Evaluations"),
                         tip=lambda category, series, value: translate(
                             "Dashboard", "{category} · {series}: {count}").format(
                             category=category, series=series, count=int(value)))
        card.set_chart(view, title, headers, rows)

    def draw_tranches(self) -> None:
        from ..qt_charts import Fen, pie_chart

        figures, card = self.figures, self.cards["tranches"]
        if figures is None:
            return
        title = translate("Dashboard", "Tranche status")
        lines = [line for line in figures.tranches if line.amount_fen > 0]
        if not lines:
            card.set_chart(None, title, empty_body=translate(
                "Dashboard", "No tranche is scheduled in this selection yet."))
            return
        headers = [translate("Dashboard", "Status"), translate("Dashboard", "Tranches"),
                   translate("Dashboard", "Amount (yuan)")]
        rows: list[list[Any]] = [[label(t.status), t.tranches, Fen(t.amount_fen)] for t in figures.tranches]
        rows.append([translate("Dashboard", "Total"), sum(t.tranches for t in figures.tranches),
                     Fen(sum(t.amount_fen for t in figures.tranches))])
        whole = sum(t.amount_fen for t in lines)
        slices = [(translate("Dashboard", "{status}: {count} · {share}").format(
            status=label(t.status), count=t.tranches, share=share_text(t.amount_fen, whole)), wan(t.amount_fen),
            STATUS_COLOURS[t.status]) for t in lines]
        exact = {text: t for (text, _v, _c), t in zip(slices, lines, strict=True)}
        view = pie_chart(title, slices, tip=lambda text, _value: translate(
            "Dashboard", "{status}: {count} · {amount} yuan").format(
            status=label(exact[text].status), count=exact[text].tranches, amount=money_text(exact[text].amount_fen)))
        card.set_chart(view, title, headers, rows)

    # --- language -----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.domains.retranslate()
        self.charts_caption.setText(translate("Dashboard", "Charts"))
        self.scope_label.setText(translate("Dashboard", "Show:"))
        if self.scope.count() == 0:
            _refill(self.scope, [(translate("Dashboard", "All years"), "all")])
        else:
            self.scope.setItemText(0, translate("Dashboard", "All years"))
        for card in self.cards.values():
            card.retranslate()
        self._retranslate_choosers()
        self.draw_all()  # chart texts are drawn, not live labels
        self._show()


def _figures(db: Database, chosen: str) -> Figures:
    """In the worker: the scope a chooser item names ("all", "year:2025", "competition:3") and its figures."""
    from ...services import dashboard_data

    kind, _, value = chosen.partition(":")
    scope = dashboard_data.Scope(competition_id=int(value) if kind == "competition" else None,
                                 year=int(value) if kind == "year" else None)
    return dashboard_data.figures(db, scope)


def _refill(combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Replaces a chooser's items, keeping the current choice when it is still offered."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)

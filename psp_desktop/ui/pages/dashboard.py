"""The first page: what the database holds and where the current competition stands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ..labels import label, money_text
from ..table import Column
from ..widgets import StatTile, heading
from .base import Page, Section, TableSection

if TYPE_CHECKING:
    from ...db import Database
    from ...services.overview import Dashboard

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


class DashboardPage(Page):
    name = "Dashboard"
    title_source = QT_TRANSLATE_NOOP("Pages", "Dashboard")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: Dashboard | None = None
        self.competition = heading(3)
        self.competition_facts = QLabel()
        self.competition_facts.setWordWrap(True)
        self.layout_.addWidget(self.competition)
        self.layout_.addWidget(self.competition_facts)
        grid = QGridLayout()
        self.tiles = [StatTile(self) for _ in TILES]
        for column, tile in enumerate(self.tiles):
            grid.addWidget(tile, 0, column)
        self.layout_.addLayout(grid)
        self.domains = TableSection(DOMAIN_SECTION, self)
        self.domains.view.setSortingEnabled(False)
        self.layout_.addWidget(self.domains, 1)
        self.retranslate()

    def fetch(self, db: Database) -> Any:
        from ...services import overview

        return overview.dashboard(db)

    def fill(self, data: Dashboard) -> None:
        self.data = data
        self.domains.set_rows(data.domains)
        self._show()

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

    def retranslate(self) -> None:
        super().retranslate()
        self.domains.retranslate()
        self._show()

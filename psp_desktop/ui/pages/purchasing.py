"""The Purchasing page (招投标与委托): the two other ways the government buys services besides the competitions.

Tab 1 招标项目 (ui/tenders_tab.py): a bidding programme's tender projects, their bids with price scores, the
evaluation and the winner, the 评标报告 and the result notice. Tab 2 服务委托 (ui/commission_tab.py): projects
assigned directly, with the justification, the approver and the eligibility checks. Tab 3 模式比较
(ui/mode_comparison_tab.py): the three modes side by side per year, as a table and charts.

How the tabs work with this page
--------------------------------
Each tab is built as `Tab(page)`; if its module fails to import, a plain label stands in and the other tabs work.
A tab reads `page.db` each time (None while nobody is signed in), hides write buttons with
`page.guard(widget, Permission.X)`, and loads its data off the GUI thread in `tab.refresh()`, which the page calls on
every load. After a write a tab emits `page.purchasing_changed`: the page refreshes every tab and tells the other
pages (funding, monitoring, documents) their figures are stale. Today's date is `page.today()`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
TAB_TITLES = (
    QT_TRANSLATE_NOOP("Purchasing", "Tender projects"),
    QT_TRANSLATE_NOOP("Purchasing", "Commissioned projects"),
    QT_TRANSLATE_NOOP("Purchasing", "Comparing the modes"),
)


class PurchasingPage(Page):
    name = "Purchasing"
    title_source = QT_TRANSLATE_NOOP("Pages", "Bidding and commission")
    purchasing_changed = Signal()  # a tab wrote data (see the module docstring)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today  # a test sets its own day
        self.layout_.removeItem(self.toolbar)  # the actions live on the tabs
        self.tabs = QTabWidget(self)
        self.tender_tab = self._tab("tenders_tab", "TendersTab")
        self.commission_tab = self._tab("commission_tab", "CommissionTab")
        self.comparison_tab = self._tab("mode_comparison_tab", "ModeComparisonTab")
        for tab in (self.tender_tab, self.commission_tab, self.comparison_tab):
            self.tabs.addTab(tab, "")
        self.layout_.addWidget(self.tabs, 1)
        self.purchasing_changed.connect(self._after_write)
        self.retranslate()

    def _tab(self, module: str, name: str) -> QWidget:
        """Imported here: if one tab fails to load, a plain label says so and the other tabs still work."""
        try:
            imported = __import__(f"psp_desktop.ui.{module}", fromlist=[name])
            return getattr(imported, name)(self)  # type: ignore[no-any-return]
        except Exception as exc:  # any failure there must leave the other tabs working
            placeholder = QLabel(self)
            placeholder.setToolTip(f"{type(exc).__name__}: {exc}")  # for whoever looks into it
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setText(translate("Purchasing", "This tab could not be loaded."))
            return placeholder

    def tab_widgets(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def set_database(self, db: Database | None) -> None:
        super().set_database(db)
        for tab in self.tab_widgets():
            if hasattr(tab, "set_database"):
                tab.set_database(db)

    def reload(self) -> None:
        if self.db is None:
            return
        for tab in self.tab_widgets():
            if hasattr(tab, "refresh"):
                tab.refresh()
        self.show_data(None)

    def _after_write(self) -> None:
        self.reload()
        self.changed.emit()

    def retranslate(self) -> None:
        super().retranslate()
        for index, title in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, translate("Purchasing", title))
        for tab in self.tab_widgets():
            if hasattr(tab, "retranslate"):
                tab.retranslate()

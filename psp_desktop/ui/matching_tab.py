"""The Matching funds tab of the Funding page (配套资金): committed, received and from whom, and who lags behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..money import format_yuan
from ..services import matching
from ..services.access import Permission
from ..services.matching import MatchingRow, Receipt
from .labels import money_text, quoted
from .table import Column, make_proxy
from .tasks import run_task
from .widgets import ColumnFitter, heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database

from .funding_money import (
    BEHIND_BACKGROUND,
    TEXT_WIDTH,
    ActionDialog,
    Derived,
    MarkedModel,
    MoneyTab,
    percent_text,
    select_where,
    selected_row,
)

translate = QCoreApplication.translate


def behind_reason(row: MatchingRow) -> str:
    if row.committed_short:
        return translate(
            "FundingMoney", "The matching funds committed are below the required {percent}% of the total budget."
        ).format(percent=row.required_percent)
    if row.behind:
        return translate(
            "FundingMoney",
            "Matching funds lag the grant: {received} of the committed funds received, but {paid} of the grant paid.",
        ).format(
            received=percent_text(row.received_share_x100),
            paid=percent_text(row.grant_paid_fen * 10000 // row.award_fen if row.award_fen else 0),
        )
    return ""


MATCHING_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Committed (yuan)"), "committed_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Received (yuan)"), "received_fen", "money"),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Received of committed"),
        "received_share",
        "int",
        get=lambda r: r.received_share_x100 if r.committed_fen else -1,
        show=lambda r: percent_text(r.received_share_x100) if r.committed_fen else "—",
    ),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Matching share so far"),
        "achieved",
        "int",
        get=lambda r: r.achieved_percent_x100,
        show=lambda r: percent_text(r.achieved_percent_x100),
    ),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Required share"),
        "required",
        "int",
        get=lambda r: r.required_percent,
        show=lambda r: f"{r.required_percent}%",
    ),
    Column(QT_TRANSLATE_NOOP("Columns", "Grant paid (yuan)"), "grant_paid_fen", "money"),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Pace"),
        "behind",
        get=lambda r: r.behind,
        show=lambda r: translate("FundingMoney", "Behind") if r.behind else translate("FundingMoney", "On track"),
    ),
)
RECEIPT_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Received on"), "received_on"),
    Column(QT_TRANSLATE_NOOP("Columns", "Amount (yuan)"), "amount_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Source"), "source"),
    Column(QT_TRANSLATE_NOOP("Columns", "Note"), "note"),
)


class MatchingTab(MoneyTab):
    """Each funded award's matching funds against what was committed and against the grant paid, behind ones
    flagged in words and colour, and the receipts of the selected award."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.today: Callable[[], dt.date] = dt.date.today
        self._receipts_generation = 0
        self.rows: tuple[MatchingRow, ...] = ()
        self.model = MarkedModel(
            MATCHING_COLUMNS,
            self,
            tint=lambda r: BEHIND_BACKGROUND if r.behind else None,
            tip=behind_reason,
            alarm=lambda r, c: r.behind and c == len(MATCHING_COLUMNS) - 1,
        )
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, 1, max_width=TEXT_WIDTH)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.receive_button = QPushButton()
        self.receive_button.setAutoDefault(False)
        self.receive_button.clicked.connect(lambda _checked=False: self.record_receipt())
        self.guard(self.receive_button, Permission.FUNDING_EDIT)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.receive_button)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        self.receipts_caption = heading(2)
        self.receipts_model = MarkedModel(RECEIPT_COLUMNS, self)
        self.receipts_view = make_table_view(self)
        self.receipts_view.setModel(make_proxy(self.receipts_model, self))
        self.receipts_fitter = ColumnFitter(self.receipts_view, 2, max_width=320)
        self.receipts_total = QLabel()
        lower = QWidget(self)
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.receipts_caption)
        head.addStretch(1)
        head.addWidget(self.receipts_total)
        box.addLayout(head)
        box.addWidget(self.receipts_view)
        self.place(bar, self.view, lower, Qt.Orientation.Vertical)
        self.receipts: tuple[Receipt, ...] = ()
        self.retranslate()
        self._selection_changed()

    def job(self, db: Database, competition_id: int | None) -> Callable[[], tuple[MatchingRow, ...]]:
        return lambda: tuple(matching.status(db, competition_id))

    def fill(self, data: tuple[MatchingRow, ...]) -> None:
        kept = self.selected()
        self.rows = data
        self.model.set_rows(data)
        self.fitter.fit()
        if kept is not None:
            select_where(self.view, self.model, lambda r: r.award_id == kept.award_id)
        if data and self.selected() is None:
            select_where(self.view, self.model, lambda _r: True)  # its receipts show below
        self._update_summary()
        self._selection_changed()

    def selected(self) -> MatchingRow | None:
        return selected_row(self.view, self.model)

    def _update_summary(self) -> None:
        behind = sum(1 for r in self.rows if r.behind)
        self.summary.setText(
            translate(
                "FundingMoney",
                "{count} funded projects: {committed} yuan of matching funds committed, {received} "
                "received; {behind} behind.",
            ).format(
                count=len(self.rows),
                committed=money_text(sum(r.committed_fen for r in self.rows)),
                received=money_text(sum(r.received_fen for r in self.rows)),
                behind=behind,
            )
        )

    def _selection_changed(self) -> None:
        row = self.selected()
        self.receive_button.setEnabled(row is not None)
        self.receipts_caption.setText(
            translate("FundingMoney", "Receipts of {title}").format(title=quoted(row.title))
            if row is not None
            else translate("FundingMoney", "Receipts")
        )
        self._load_receipts(row)

    def _load_receipts(self, row: MatchingRow | None) -> None:
        self._receipts_generation += 1
        generation, db = self._receipts_generation, self.db
        if row is None or db is None:
            self._show_receipts(generation, ())
            return
        run_task(
            lambda: tuple(matching.receipts(db, row.award_id)),
            lambda found: self._show_receipts(generation, found),
            lambda exc: self._failed(self._generation, exc),
        )

    def _show_receipts(self, generation: int, found: tuple[Receipt, ...]) -> None:
        if generation != self._receipts_generation:
            return
        self.receipts = found
        self.receipts_model.set_rows(found)
        self.receipts_fitter.fit()
        self.receipts_total.setText(
            translate("FundingMoney", "{count} receipts, {amount} yuan").format(
                count=len(found), amount=format_yuan(sum(r.amount_fen for r in found))
            )
            if found
            else ""
        )

    def record_receipt(self) -> None:
        row, db = self.selected(), self.db
        if row is None or db is None:
            self.banner.setText(translate("FundingMoney", "Select a funded project in the list first."))
            self.banner.show()
            return
        dialog = ActionDialog(
            translate("FundingMoney", "Record matching funds received"),
            translate(
                "FundingMoney",
                "{organization} — {title}\nCommitted: {committed} yuan; received so far: {received} yuan.",
            ).format(
                organization=row.organization,
                title=quoted(row.title),
                committed=format_yuan(row.committed_fen),
                received=format_yuan(row.received_fen),
            ),
            self,
        )
        dialog.add_money("amount", translate("FundingMoney", "Amount (yuan):"))
        dialog.add_date("received_on", translate("FundingMoney", "Received on:"), self.today())
        dialog.add_text(
            "source",
            translate("FundingMoney", "From:"),
            translate("FundingMoney", "e.g. the organization's own funds, a company donation"),
        )
        dialog.add_text("note", translate("FundingMoney", "Note:"))

        def act() -> None:
            matching.receive(
                db,
                row.award_id,
                dialog.fen("amount", translate("FundingMoney", "Amount (yuan):")),
                dialog.date("received_on", translate("FundingMoney", "Received on:")),
                dialog.text("source"),
                dialog.text("note"),
                today=self.today(),
            )

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(
                translate("FundingMoney", "Matching funds recorded for {title}.").format(title=quoted(row.title))
            )

    def retranslate(self) -> None:
        self.receive_button.setText(translate("FundingMoney", "Record receipt…"))
        self.model.retranslate()
        self.fitter.fit()  # the texts changed width
        self.receipts_model.retranslate()
        self.receipts_fitter.fit()
        self._update_summary()
        row = self.selected()
        self.receipts_caption.setText(
            translate("FundingMoney", "Receipts of {title}").format(title=quoted(row.title))
            if row is not None
            else translate("FundingMoney", "Receipts")
        )

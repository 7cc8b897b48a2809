"""The Tranches tab of the Funding page (拨付管理): every tranche with its state on today, filtered and totalled,
and the money moves on one: the evaluation result, approval, payment, withholding, cancelling, clawing back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..enums import ServiceDomain, TrancheStatus
from ..money import format_yuan, to_chinese_upper
from ..services import finance, tranches
from ..services.access import Permission, allowed
from ..services.finance import Dimension, Totals, TrancheRow, View
from .labels import label, money_text, quoted
from .table import Column, make_proxy
from .widgets import ColumnFitter, heading, make_table_view, search_box

if TYPE_CHECKING:
    from ..db import Database

from .funding_money import (
    OVERDUE_BACKGROUND,
    TEXT_WIDTH,
    ActionDialog,
    Derived,
    InputProblem,
    MarkedModel,
    MoneyTab,
    select_where,
    selected_row,
    shown_rows,
    tr,
)

translate = QCoreApplication.translate


VIEWS = (
    (View.ALL, QT_TRANSLATE_NOOP("FundingMoney", "All tranches")),
    (View.DUE_THIS_MONTH, QT_TRANSLATE_NOOP("FundingMoney", "Due this month")),
    (View.OVERDUE, QT_TRANSLATE_NOOP("FundingMoney", "Overdue")),
    (View.WITHHELD, QT_TRANSLATE_NOOP("FundingMoney", "Withheld")),
    (View.PAID, QT_TRANSLATE_NOOP("FundingMoney", "Paid")),
)
DIMENSIONS = (
    (Dimension.COMPETITION, QT_TRANSLATE_NOOP("Columns", "Competition")),
    (Dimension.ORGANIZATION, QT_TRANSLATE_NOOP("Columns", "Organization")),
    (Dimension.DOMAIN, QT_TRANSLATE_NOOP("Columns", "Service domain")),
    (Dimension.COMMUNITY, QT_TRANSLATE_NOOP("Columns", "Community")),
)


@dataclass(frozen=True)
class TrancheData:
    today: dt.date
    shown: tuple[TrancheRow, ...]  # the rows of the chosen view
    every: tuple[TrancheRow, ...]  # every row of the competition, for the totals


def seq_text(row: TrancheRow) -> str:
    return translate("FundingMoney", "Tranche {n} of {m}").format(n=row.seq, m=row.count)


def tranche_columns(today: Callable[[], dt.date]) -> tuple[Column, ...]:
    def state(row: TrancheRow) -> str:
        text = label(row.status)
        return (
            translate("FundingMoney", "{state}, overdue").format(state=text)
            if finance.is_overdue(row, today())
            else text
        )

    return (
        Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
        Column(QT_TRANSLATE_NOOP("Columns", "Agreement no."), "agreement_number"),
        Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
        Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
        Derived(QT_TRANSLATE_NOOP("Columns", "Tranche"), "seq", get=lambda r: r.seq, show=seq_text),
        Column(QT_TRANSLATE_NOOP("Columns", "Amount (yuan)"), "amount_fen", "money"),
        Derived(QT_TRANSLATE_NOOP("Columns", "Condition"), "gate", get=lambda r: label(r.gate)),
        Column(QT_TRANSLATE_NOOP("Columns", "Expected on"), "due_on"),
        Derived(QT_TRANSLATE_NOOP("Columns", "State today"), "status", get=state),
        Derived(QT_TRANSLATE_NOOP("Columns", "Reason or note"), "reason", get=lambda r: r.reason or r.gate_note),
        Column(QT_TRANSLATE_NOOP("Columns", "Approved by"), "approved_by"),
        Column(QT_TRANSLATE_NOOP("Columns", "Paid on"), "paid_on"),
        Column(QT_TRANSLATE_NOOP("Columns", "Voucher"), "voucher"),
    )


@dataclass(frozen=True)
class TotalLine:
    name: str
    totals: Totals


TOTAL_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "name"),
    Derived(QT_TRANSLATE_NOOP("Columns", "Awards"), "awards", "int", get=lambda r: r.totals.awards),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Committed (yuan)"), "committed", "money", get=lambda r: r.totals.committed_fen
    ),
    Derived(QT_TRANSLATE_NOOP("Columns", "Paid (yuan)"), "paid", "money", get=lambda r: r.totals.paid_fen),
    Derived(QT_TRANSLATE_NOOP("Columns", "Owed (yuan)"), "owed", "money", get=lambda r: r.totals.owed_fen),
    Derived(QT_TRANSLATE_NOOP("Columns", "Withheld (yuan)"), "withheld", "money", get=lambda r: r.totals.withheld_fen),
    Derived(
        QT_TRANSLATE_NOOP("Columns", "Clawed back (yuan)"), "clawed", "money", get=lambda r: r.totals.clawed_back_fen
    ),
)


def total_lines(rows: Sequence[TrancheRow], dimension: Dimension) -> list[TotalLine]:
    """The totals by the chosen grouping, named for people, and a last line adding them up."""
    lines = [TotalLine(group_name(t.key, dimension), t) for t in finance.totals_of(rows, dimension)]
    if lines:
        parts = [line.totals for line in lines]
        lines.append(
            TotalLine(
                translate("FundingMoney", "Total"),
                Totals(
                    "",
                    *(
                        sum(getattr(t, name) for t in parts)
                        for name in (
                            "awards",
                            "committed_fen",
                            "paid_fen",
                            "owed_fen",
                            "withheld_fen",
                            "clawed_back_fen",
                        )
                    ),
                ),
            )
        )
    return lines


def group_name(key: str, dimension: Dimension) -> str:
    if dimension is Dimension.DOMAIN:
        return label(ServiceDomain(key)) if key in set(ServiceDomain) else key
    if dimension is Dimension.COMMUNITY and not key:
        return translate("FundingMoney", "(no community given)")
    return key


class TranchesTab(MoneyTab):
    """Every tranche with its state today, the money moves on the selected one, and totals by a grouping."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.today: Callable[[], dt.date] = dt.date.today
        self.data = TrancheData(dt.date.today(), (), ())
        self.model = MarkedModel(
            tranche_columns(lambda: self.data.today),
            self,
            tint=lambda r: OVERDUE_BACKGROUND if finance.is_overdue(r, self.data.today) else None,
            tip=self._row_tip,
            alarm=lambda r, c: c == self.state_column and finance.is_overdue(r, self.data.today),
        )
        self.state_column = next(i for i, c in enumerate(self.model.columns) if c.attr == "status")
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, 3, max_width=TEXT_WIDTH)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.view.doubleClicked.connect(lambda _index: self._default_action())
        self._build_filters()
        self._build_actions()
        self._build_totals()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.totals_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 180])  # the totals need a few lines; the tranches take the rest
        splitter.setChildrenCollapsible(False)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(splitter, 1)
        self.retranslate()
        self._update_actions()

    def _build_filters(self) -> None:
        self.view_label = QLabel()
        self.view_choice = QComboBox()
        self.view_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for value, _text in VIEWS:
            self.view_choice.addItem("", value)
        self.view_choice.activated.connect(lambda _i: self.refresh())
        self.search = search_box(self)
        self.search.textChanged.connect(self._search)
        self.count = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.view_label)
        row.addWidget(self.view_choice)
        row.addSpacing(12)
        row.addWidget(self.search)
        row.addSpacing(12)
        row.addWidget(self.count)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def _build_actions(self) -> None:
        self.action_buttons: list[tuple[QPushButton, str]] = []
        row = QHBoxLayout()
        for source, slot, permission in (
            (QT_TRANSLATE_NOOP("FundingMoney", "Evaluation result…"), self.decide_gate, Permission.PAYMENT_APPROVE),
            (QT_TRANSLATE_NOOP("FundingMoney", "Approve"), self.approve, Permission.PAYMENT_APPROVE),
            (QT_TRANSLATE_NOOP("FundingMoney", "Record payment…"), self.record_payment, Permission.PAYMENT_APPROVE),
        ):
            row.addWidget(self._button(source, slot, permission))
        self.more = QPushButton()
        menu = QMenu(self.more)
        self.menu_actions: list[tuple[QAction, str]] = []
        for source, slot, permission in (
            (QT_TRANSLATE_NOOP("FundingMoney", "Withhold…"), self.withhold, Permission.FUNDING_EDIT),
            (QT_TRANSLATE_NOOP("FundingMoney", "Release…"), self.release, Permission.PAYMENT_APPROVE),
            (QT_TRANSLATE_NOOP("FundingMoney", "Cancel tranche…"), self.cancel, Permission.FUNDING_EDIT),
            (QT_TRANSLATE_NOOP("FundingMoney", "Claw back…"), self.claw_back, Permission.PAYMENT_APPROVE),
            (QT_TRANSLATE_NOOP("FundingMoney", "Money returned…"), self.record_return, Permission.PAYMENT_APPROVE),
        ):
            action = menu.addAction("")
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.menu_actions.append((action, source))
            self.guard(action, permission)
        self.more.setMenu(menu)
        self.guard(self.more, Permission.FUNDING_EDIT)  # whoever may do any of its actions has this one
        row.addWidget(self.more)
        row.addStretch(1)
        row.addWidget(
            self._button(QT_TRANSLATE_NOOP("FundingMoney", "Print disbursement notice…"), self.print_notice, None)
        )
        self.export_button = self._button(
            QT_TRANSLATE_NOOP("FundingMoney", "Export payment list…"), self.export_list, None
        )
        row.addWidget(self.export_button)
        self.layout_.addLayout(row)

    def _button(self, source: str, slot: Callable[[], None], permission: Permission | None) -> QPushButton:
        button = QPushButton()
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        self.action_buttons.append((button, source))
        if permission is not None:
            self.guard(button, permission)
        return button

    def _build_totals(self) -> None:
        self.totals_box = QWidget(self)
        self.totals_caption = heading(2)
        self.dimension_label = QLabel()
        self.dimension = QComboBox()
        self.dimension.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for value, _text in DIMENSIONS:
            self.dimension.addItem("", value)
        self.dimension.activated.connect(lambda _i: self._fill_totals())
        self.totals_model = MarkedModel(TOTAL_COLUMNS, self, bold_last=True)
        self.totals_view = make_table_view(self, sortable=False)
        self.totals_view.setModel(self.totals_model)
        self.totals_fitter = ColumnFitter(self.totals_view, None, max_width=300)
        self.totals_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the names
        bar = QHBoxLayout()
        bar.addWidget(self.totals_caption)
        bar.addSpacing(12)
        bar.addWidget(self.dimension_label)
        bar.addWidget(self.dimension)
        bar.addStretch(1)
        layout = QVBoxLayout(self.totals_box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.totals_view)

    # --- loading ------------------------------------------------------------------------------------------

    @property
    def chosen_view(self) -> View:
        return View(self.view_choice.currentData() or View.ALL)

    def set_view(self, view: View) -> None:
        self.view_choice.setCurrentIndex(max(0, self.view_choice.findData(view)))
        self.refresh()

    def nothing(self) -> TrancheData:
        return TrancheData(self.today(), (), ())

    def job(self, db: Database, competition_id: int | None) -> Callable[[], TrancheData]:
        view, today = self.chosen_view, self.today()

        def fetch() -> TrancheData:
            every = tuple(finance.rows(db, competition_id=competition_id, today=today))
            shown = (
                every
                if view is View.ALL
                else tuple(finance.rows(db, competition_id=competition_id, view=view, today=today))
            )
            return TrancheData(today, shown, every)

        return fetch

    def fill(self, data: TrancheData) -> None:
        kept = self.selected()
        self.data = data
        self.model.set_rows(data.shown)
        self.view.setColumnHidden(0, self.competition_id is not None)  # one competition: no need to repeat it
        self.fitter.fit()
        if kept is not None:
            select_where(self.view, self.model, lambda r: r.tranche_id == kept.tranche_id)
        self._update_count()
        self._fill_totals()
        self._update_actions()

    def _fill_totals(self) -> None:
        dimension = Dimension(self.dimension.currentData() or Dimension.COMPETITION)
        self.totals_model.first_header = translate("Columns", dict(DIMENSIONS)[dimension])
        self.totals_model.set_rows(total_lines(self.data.every, dimension))
        self.totals_fitter.fit()

    def _search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()
        self._update_actions()

    def _update_count(self) -> None:
        rows = shown_rows(self.view, self.model)
        self.count.setText(
            translate("FundingMoney", "{count} tranches, {amount} yuan").format(
                # a cancelled tranche is listed but its money is not counted: it went back to the pool
                count=len(rows),
                amount=money_text(sum(r.amount_fen for r in rows if r.status is not TrancheStatus.CANCELLED)),
            )
        )

    def _row_tip(self, row: TrancheRow) -> str:
        if finance.is_overdue(row, self.data.today):
            assert row.due_on is not None
            return translate("FundingMoney", "Overdue: expected on {date}, {days} days ago.").format(
                date=row.due_on.isoformat(), days=(self.data.today - row.due_on).days
            )
        if row.clawed_back_fen:
            return translate("FundingMoney", "{amount} yuan clawed back.").format(
                amount=format_yuan(row.clawed_back_fen)
            )
        return ""

    def selected(self) -> TrancheRow | None:
        return selected_row(self.view, self.model)

    def _update_actions(self) -> None:
        has_row = self.selected() is not None
        for button, _source in self.action_buttons:
            button.setEnabled(has_row)
        self.more.setEnabled(has_row)
        self.export_button.setEnabled(self.proxy.rowCount() > 0)

    def _default_action(self) -> None:
        """Double-click: the next step the tranche is waiting for."""
        row = self.selected()
        if row is None or self.db is None or not allowed(self.db, Permission.PAYMENT_APPROVE):
            return
        if row.status is TrancheStatus.DUE:
            self.approve()
        elif row.status is TrancheStatus.APPROVED:
            self.record_payment()

    # --- actions ------------------------------------------------------------------------------------------

    def _target(self) -> tuple[Database, TrancheRow] | None:
        row, db = self.selected(), self.db
        if row is None or db is None:
            self.banner.setText(translate("FundingMoney", "Select a tranche in the list first."))
            self.banner.show()
            return None
        return db, row

    def describe(self, row: TrancheRow) -> str:
        return translate(
            "FundingMoney", "{organization} — {title}\n{tranche}: {amount} yuan ({upper}); condition: {gate}"
        ).format(
            organization=row.organization,
            title=quoted(row.title),
            tranche=seq_text(row),
            amount=format_yuan(row.amount_fen),
            upper=to_chinese_upper(row.amount_fen),
            gate=label(row.gate),
        )

    def decide_gate(self) -> None:
        """Finance records the evaluation (mid-term, final) or manual decision the tranche waits for."""
        target = self._target()
        if target is None:
            return
        db, row = target
        dialog = ActionDialog(
            translate("FundingMoney", "Evaluation result"),
            self.describe(row)
            + "\n\n"
            + translate(
                "FundingMoney",
                "Record the result of the evaluation or decision this tranche waits for. Met makes it due for "
                "payment; failed withholds it.",
            ),
            self,
        )
        outcome = QWidget(dialog)
        met, failed = (
            QRadioButton(translate("FundingMoney", "Met (passed)"), outcome),
            QRadioButton(translate("FundingMoney", "Failed"), outcome),
        )
        group = QButtonGroup(outcome)
        group.addButton(met)
        group.addButton(failed)
        box = QHBoxLayout(outcome)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(met)
        box.addWidget(failed)
        box.addStretch(1)
        outcome.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        dialog.add("outcome", translate("FundingMoney", "Result:"), outcome)
        dialog.fields.update(met=met, failed=failed)
        dialog.add_reason(
            "reason",
            translate("FundingMoney", "Reason:"),
            translate("FundingMoney", "e.g. mid-term evaluation graded 良好 (82 points)"),
        )
        dialog.add_date("on", translate("FundingMoney", "Decided on:"), self.today())

        def act() -> None:
            if not met.isChecked() and not failed.isChecked():
                raise InputProblem(translate("FundingMoney", "Choose whether the condition was met or failed."))
            tranches.decide_gate(
                db,
                row.tranche_id,
                met.isChecked(),
                dialog.text("reason"),
                on=dialog.date("on", translate("FundingMoney", "Decided on:")),
            )

        dialog.action = act
        self.run_dialog(dialog)

    def approve(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        question = translate("FundingMoney", "Approve this tranche for payment?\n\n{tranche}").format(
            tranche=self.describe(row)
        )
        if QMessageBox.question(self, translate("FundingMoney", "Approve"), question) != QMessageBox.StandardButton.Yes:
            return
        if self.attempt(lambda: tranches.approve(db, row.tranche_id, today=self.today())):
            self.show_note(
                translate("FundingMoney", "Approved: {tranche} of {title}.").format(
                    tranche=seq_text(row), title=quoted(row.title)
                )
            )

    def record_payment(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        payee = translate("FundingMoney", "Payee: {organization}\nBank: {bank}\nAccount: {account}").format(
            organization=row.organization, bank=row.bank_name or "—", account=row.bank_account or "—"
        )
        dialog = ActionDialog(translate("FundingMoney", "Record payment"), self.describe(row) + "\n" + payee, self)
        dialog.add_date("paid_on", translate("FundingMoney", "Paid on:"), self.today())
        dialog.add_text(
            "voucher",
            translate("FundingMoney", "Voucher no.:"),
            translate("FundingMoney", "the number on the accounting voucher"),
        )
        dialog.add_text("note", translate("FundingMoney", "Note:"))

        def act() -> None:
            tranches.pay(
                db,
                row.tranche_id,
                dialog.date("paid_on", translate("FundingMoney", "Paid on:")),
                dialog.text("voucher"),
                dialog.text("note"),
                today=self.today(),
            )

        dialog.action = act
        if self.run_dialog(dialog):
            self.show_note(
                translate("FundingMoney", "Payment recorded: {amount} yuan to {organization}.").format(
                    amount=format_yuan(row.amount_fen), organization=row.organization
                )
            )

    def _reason_action(self, title: str, explanation: str, call: Callable[[Database, int, str], None]) -> bool:
        target = self._target()
        if target is None:
            return False
        db, row = target
        dialog = ActionDialog(title, self.describe(row) + "\n\n" + explanation, self)
        dialog.add_reason("reason", translate("FundingMoney", "Reason:"))
        dialog.action = lambda: call(db, row.tranche_id, dialog.text("reason"))
        return self.run_dialog(dialog)

    def withhold(self) -> None:
        self._reason_action(
            translate("FundingMoney", "Withhold tranche"),
            translate(
                "FundingMoney",
                "The tranche stops until it is released (a late report, a problem found on a visit). The reason goes "
                "into the change log.",
            ),
            tranches.withhold,
        )

    def release(self) -> None:
        self._reason_action(
            translate("FundingMoney", "Release tranche"),
            translate(
                "FundingMoney",
                "The withholding is lifted; the tranche is planned or due again according to its condition. A failed "
                "evaluation must then be decided again.",
            ),
            tranches.release,
        )

    def cancel(self) -> None:
        self._reason_action(
            translate("FundingMoney", "Cancel tranche"),
            translate(
                "FundingMoney",
                "The tranche will not be paid and its money goes back to the pool. This cannot be undone.",
            ),
            tranches.cancel,
        )

    def claw_back(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        open_fen = max(0, row.paid_fen - row.clawed_back_fen)
        dialog = ActionDialog(
            translate("FundingMoney", "Claw back"),
            self.describe(row)
            + "\n\n"
            + translate("FundingMoney", "Paid on this tranche and not yet clawed back: {amount} yuan.").format(
                amount=format_yuan(open_fen)
            ),
            self,
        )
        dialog.add_money("amount", translate("FundingMoney", "Amount (yuan):"), open_fen or None)
        dialog.add_reason(
            "reason",
            translate("FundingMoney", "Reason:"),
            translate("FundingMoney", "e.g. final evaluation failed (52 points)"),
        )
        dialog.add_date("decided_on", translate("FundingMoney", "Decided on:"), self.today())

        def act() -> None:
            tranches.claw_back(
                db,
                row.tranche_id,
                dialog.fen("amount", translate("FundingMoney", "Amount (yuan):")),
                dialog.text("reason"),
                dialog.date("decided_on", translate("FundingMoney", "Decided on:")),
                today=self.today(),
            )

        dialog.action = act
        self.run_dialog(dialog)

    def record_return(self) -> None:
        target = self._target()
        if target is None:
            return
        db, row = target
        dialog = ActionDialog(
            translate("FundingMoney", "Money returned"),
            self.describe(row)
            + "\n\n"
            + translate("FundingMoney", "Clawed back and not yet returned: {amount} yuan.").format(
                amount=format_yuan(row.awaiting_return_fen)
            ),
            self,
        )
        dialog.add_date("returned_on", translate("FundingMoney", "Returned on:"), self.today())
        dialog.action = lambda: tranches.recovered(
            db,
            row.tranche_id,
            dialog.date("returned_on", translate("FundingMoney", "Returned on:")),
            today=self.today(),
        )
        if self.run_dialog(dialog):
            self.show_note(
                translate("FundingMoney", "{amount} yuan recorded as returned.").format(
                    amount=format_yuan(row.awaiting_return_fen)
                )
            )

    def print_notice(self) -> None:
        from .pdf_actions import save_pdf

        target = self._target()
        if target is None:
            return
        db, row = target
        from ..services.funding_printouts import disbursement_notice_pdf as make

        name = translate("FundingMoney", "Disbursement notice {agreement} tranche {n}.pdf").format(
            agreement=row.agreement_number or row.award_id, n=row.seq
        )
        save_pdf(self, lambda: make(db, row.tranche_id), name)

    def export_list(self) -> None:
        rows = shown_rows(self.view, self.model)
        self.export_workbook(
            translate("FundingMoney", "Export the payment list"),
            translate("FundingMoney", "Payment list.xlsx"),
            lambda path: finance.export_payment_list(rows, path),
            QT_TRANSLATE_NOOP("FundingMoney", "{count} tranches written to {file}."),
        )

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.view_label.setText(translate("FundingMoney", "Show:"))
        for index, (_value, source) in enumerate(VIEWS):
            self.view_choice.setItemText(index, tr(source))
        self.search.setPlaceholderText(translate("FundingMoney", "Search…"))
        for button, source in self.action_buttons:
            button.setText(tr(source))
        for action, source in self.menu_actions:
            action.setText(tr(source))
        self.more.setText(translate("FundingMoney", "More actions"))
        self.totals_caption.setText(translate("FundingMoney", "Totals"))
        self.dimension_label.setText(translate("FundingMoney", "by"))
        for index, (_value, source) in enumerate(DIMENSIONS):
            self.dimension.setItemText(index, translate("Columns", source))
        self.model.retranslate()
        self.fitter.fit()  # the texts changed width
        self._update_count()
        self._fill_totals()

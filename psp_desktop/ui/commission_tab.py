"""The 服务委托 tab of the Purchasing page (ui/pages/purchasing.py, whose docstring sets the contract): a commission
programme's projects assigned directly, each with its amount, approver, date and award status, and for the selected
one the justification and the eligibility checks as they were stored when it was commissioned. 委托项目… opens
ui/dialogs/commission_dialog.py (shown only with the FUNDING_EDIT permission; the service checks again).

Reads run off the GUI thread (services.commission.projects and checks, lists.*); the tab follows its own programme
chooser, which lists only the competitions whose mode is 服务委托."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..enums import CompetitionMode
from ..money import format_yuan
from ..services import commission, lists
from ..services.access import Permission
from ..services.commission import CommissionedProject
from ..services.lists import Choice
from ..services.screening import CheckResult
from .dialogs.commission_dialog import CommissionDialog, checks_html
from .funding_money import Derived, MarkedModel, MoneyTab, select_where, selected_row
from .labels import label
from .table import Column, make_proxy
from .widgets import ColumnFitter, EmptyState, heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate

COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Contracted organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
    Column(QT_TRANSLATE_NOOP("Columns", "Amount (yuan)"), "amount_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Approved by"), "approved_by"),
    Column(QT_TRANSLATE_NOOP("Columns", "Decided on"), "decided_on"),
    Derived(QT_TRANSLATE_NOOP("Columns", "Award status"), "status", get=lambda r: label(r.status)),
)


@dataclass(frozen=True)
class CommissionData:
    programmes: tuple[tuple[int, str], ...] = ()  # commission-mode competitions, newest first
    competition_id: int | None = None
    projects: tuple[CommissionedProject, ...] = ()
    checks: dict[int, tuple[CheckResult, ...]] = field(default_factory=dict)  # proposal id → automatic checks
    organizations: tuple[Choice, ...] = ()
    communities: tuple[Choice, ...] = ()


def load(db: Database, competition_id: int | None) -> CommissionData:
    programmes = tuple((c.id, c.name) for c in lists.competitions(db) if c.mode is CompetitionMode.COMMISSION)
    if competition_id not in {pid for pid, _name in programmes}:
        competition_id = programmes[0][0] if programmes else None
    if competition_id is None:
        return CommissionData(programmes)
    projects = tuple(commission.projects(db, competition_id))
    checks = {p.proposal_id: tuple(c for c in commission.checks(db, p.proposal_id) if not c.manual)
              for p in projects}
    return CommissionData(programmes, competition_id, projects, checks, tuple(lists.organization_choices(db)),
                          tuple(lists.community_choices(db)))


class CommissionTab(MoneyTab):
    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.data = CommissionData()
        self.model = MarkedModel(COLUMNS, self, tip=lambda r: r.justification)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, 1, max_width=240)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self._build_bar()
        self._build_detail()
        self.empty = EmptyState(self)
        listing = QWidget(self)  # the count under the table: beside the chooser it would widen the tab
        under = QVBoxLayout(listing)
        under.setContentsMargins(0, 0, 0, 0)
        under.addWidget(self.view, 1)
        under.addWidget(self.count)
        body = QSplitter(Qt.Orientation.Vertical, self)
        body.addWidget(listing)
        body.addWidget(self.detail_scroll)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.bar)
        inner.addWidget(self.banner)
        inner.addWidget(self.note)
        inner.addWidget(body, 1)
        self.stack = QStackedLayout()
        self.stack.addWidget(content)
        self.stack.addWidget(self.empty)
        self.layout_.addLayout(self.stack, 1)
        self.retranslate()

    def _build_bar(self) -> None:
        self.programme_label = QLabel()
        self.programme = QComboBox()
        self.programme.setMinimumContentsLength(14)
        self.programme.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.programme.activated.connect(lambda _i: self.set_competition(self.programme.currentData()))
        self.count = QLabel()
        self.add_button = QPushButton()
        self.add_button.setAutoDefault(False)
        self.add_button.setObjectName("commission_add")
        self.add_button.clicked.connect(lambda _checked=False: self.add_commission())
        self.guard(self.add_button, Permission.FUNDING_EDIT)
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.programme_label)
        self.bar.addWidget(self.programme, 1)
        self.bar.addSpacing(8)
        self.bar.addWidget(self.add_button)

    def _build_detail(self) -> None:
        self.detail_title = heading(2)
        self.detail_title.setWordWrap(True)
        self.detail_facts = QLabel()
        self.detail_facts.setWordWrap(True)
        self.justification_caption = QLabel()
        self.justification_caption.setStyleSheet("font-weight: bold;")
        self.justification = QLabel()
        self.justification.setWordWrap(True)
        self.justification.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.checks_caption = QLabel()
        self.checks_caption.setStyleSheet("font-weight: bold;")
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(4, 4, 4, 4)
        for widget in (self.detail_title, self.detail_facts, self.justification_caption, self.justification,
                       self.checks_caption, self.checks):
            column.addWidget(widget)
        column.addStretch(1)
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(detail)
        self.detail_scroll.setMinimumHeight(120)

    # --- loading -------------------------------------------------------------------------------------------

    def job(self, db: Database, competition_id: int | None) -> Any:
        return lambda: load(db, competition_id)

    def nothing(self) -> CommissionData:
        return CommissionData()

    def fill(self, data: CommissionData) -> None:
        chosen = selected_row(self.view, self.model)
        self.data = data
        self.competition_id = data.competition_id
        self.programme.clear()
        for pid, name in data.programmes:
            self.programme.addItem(name, pid)
        self.programme.setCurrentIndex(max(0, self.programme.findData(data.competition_id)))
        self.stack.setCurrentIndex(0 if data.programmes or self.db is None else 1)
        self.add_button.setEnabled(data.competition_id is not None)
        self.model.set_rows(data.projects)
        self.fitter.fit()
        if chosen is not None:
            select_where(self.view, self.model, lambda r: r.award_id == chosen.award_id)
        elif data.projects:
            self.view.selectRow(0)
        self._show_count()
        self._show_selected()

    def _show_count(self) -> None:
        total = sum(p.amount_fen for p in self.data.projects)
        self.count.setText(translate("Commission", "Projects: {count}; total {amount} yuan").format(
            count=len(self.data.projects), amount=format_yuan(total)))
        self.count.setVisible(self.data.competition_id is not None)

    def _show_selected(self) -> None:
        row: CommissionedProject | None = selected_row(self.view, self.model)
        self.detail_scroll.widget().setVisible(row is not None)
        if row is None:
            return
        self.detail_title.setText(f"{row.intake_number}  {row.title}")
        self.detail_facts.setText(translate(
            "Commission", "{organization} · {amount} yuan · approved by {approver} on {date} · {status}").format(
            organization=row.organization, amount=format_yuan(row.amount_fen), approver=row.approved_by,
            date=row.decided_on.isoformat() if row.decided_on else "—", status=label(row.status)))
        self.justification.setText(row.justification)
        checks = self.data.checks.get(row.proposal_id, ())
        self.checks.setText(checks_html(checks) if checks else html.escape(translate(
            "Commission", "No automatic check was stored for this project.")))

    # --- commissioning -------------------------------------------------------------------------------------

    def add_commission(self) -> None:
        db, data = self.db, self.data
        if db is None or data.competition_id is None:
            return
        name = dict(data.programmes).get(data.competition_id, "")
        dialog = CommissionDialog(db, data.competition_id, name, data.organizations, data.communities,
                                  _page_today(self.page), self)
        dialog.finished.connect(dialog.deleteLater)
        if self.run_dialog(dialog) and dialog.result is not None:
            self.show_note(translate("Commission", "Commissioned: intake number {number}, award {award}.").format(
                number=dialog.result.intake_number, award=dialog.result.award_id))

    def after_write(self) -> None:
        signal = getattr(self.page, "purchasing_changed", None)
        if signal is not None:
            signal.emit()
        else:
            self.refresh()

    def retranslate(self) -> None:
        self.programme_label.setText(translate("Commission", "Commission programme"))
        self.add_button.setText(translate("Commission", "Commission a project…"))
        self.add_button.setToolTip(translate(
            "Commission", "Assign a project directly to a qualified organization, with the justification and who "
                          "approved it."))
        self.justification_caption.setText(translate("Commission", "Justification"))
        self.checks_caption.setText(translate("Commission", "Eligibility checks when commissioned"))
        self.empty.set_text(translate("Commission", "No commission programme yet"), translate(
            "Commission", "Projects are commissioned within a programme: on the Competitions page, create a "
                          "competition whose mode is “Project commission”, then come back here."))
        self.model.retranslate()
        self._show_count()
        self._show_selected()


def _page_today(page: QWidget) -> dt.date:
    """The page's day (a test sets its own), else the calendar's."""
    today = getattr(page, "today", None)
    return today() if callable(today) else dt.date.today()

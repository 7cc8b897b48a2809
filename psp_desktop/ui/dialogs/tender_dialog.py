"""The tender project form (招标项目): code, name, domain, ceiling price, service period, qualifications, description,
price points and the community needs it answers. OK saves through services.bidding (add_tender / edit_tender),
which checks everything; a refusal is shown in the red banner with the fields it names outlined, and the dialog
stays open for a correction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QWidget

from ...enums import ServiceDomain
from ...errors import PspError
from ...services import bidding
from ...services.bidding import TenderInput, TenderRow
from ...services.needs import NeedRow
from ..forms import DateEdit, enum_combo, mark_problems, select_data
from ..funding_money import ActionDialog
from ..labels import label

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
NEED_ROWS = 5  # lines of the need list shown before it scrolls


class GrowingDialog(ActionDialog):
    """An ActionDialog that grows when a refusal or a hint appears in it, so wrapped lines never overlap."""

    def submit(self) -> None:
        super().submit()
        if self.isVisible():
            self.fit_height()

    def fit_height(self) -> None:
        layout = self.layout()
        layout.activate()
        wanted = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        if wanted > self.height():
            self.resize(self.width(), wanted)


class TenderDialog(GrowingDialog):
    """New (tender None) or edit one still open. `needs`: the needs that may be linked (the competition year's)."""

    def __init__(self, db: Database, competition_id: int, needs: Sequence[NeedRow], tender: TenderRow | None = None,
                 parent: QWidget | None = None) -> None:
        title = (translate("Tenders", "New tender project") if tender is None
                 else translate("Tenders", "Edit tender project {code}").format(code=tender.code))
        super().__init__(title, translate(
            "Tenders", "Bidders read the ceiling price and the price points: once a bid is in, they can no longer "
                       "be changed."), parent)
        self.db, self.competition_id, self.tender = db, competition_id, tender
        self.saved_id: int | None = None
        self.code = self.add_text("code", translate("Tenders", "Tender code:"), "ZB2026-01")
        self.name = self.add_text("name", translate("Tenders", "Project name:"))
        self.domain = enum_combo(ServiceDomain, self)
        self.add("domain", translate("Tenders", "Service domain:"), self.domain)
        self.ceiling = self.add_money("ceiling_fen", translate("Tenders", "Ceiling price (yuan):"))
        self.points = QDoubleSpinBox(self)
        self.points.setRange(0, 100)
        self.points.setDecimals(2)
        self.points.setSuffix(translate("Tenders", " points"))
        self.points.setValue(30)
        self.add("price_points_x100", translate("Tenders", "Price points:"), self.points)
        self.service_from, self.service_until = DateEdit(self), DateEdit(self)
        period = QWidget(self)
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.service_from, 1)
        row.addWidget(QLabel(translate("Tenders", "to")))
        row.addWidget(self.service_until, 1)
        self.add("service_period", translate("Tenders", "Service period:"), period)
        self.fields["service_until"] = self.service_until  # the service names this field when the dates disagree
        self.qualifications = self.add_reason("qualifications", translate("Tenders", "Qualifications:"),
                                              translate("Tenders", "what a bidder must be or have"))
        self.description = self.add_reason("description", translate("Tenders", "Description:"),
                                           translate("Tenders", "the service to deliver, where and for whom"))
        self.needs = self._need_list(needs)
        self.add("need_ids", translate("Tenders", "Community needs:"), self.needs)
        if tender is not None:
            self._load(tender)
        self.action = self._save

    def _need_list(self, needs: Sequence[NeedRow]) -> QListWidget:
        widget = QListWidget(self)
        widget.setToolTip(translate("Tenders", "Tick the collected needs this tender answers (optional)."))
        for need in needs:
            item = QListWidgetItem(translate("Tenders", "{community}: {title} ({domain})").format(
                community=need.community, title=need.title, domain=label(need.domain)))
            item.setData(Qt.ItemDataRole.UserRole, need.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        if not needs:
            widget.addItem(translate("Tenders",
                                     "No needs were collected in the competition's year or the year before."))
        widget.setFixedHeight(widget.fontMetrics().lineSpacing() * NEED_ROWS + 16)
        return widget

    def _load(self, tender: TenderRow) -> None:
        self.code.setText(tender.code)
        self.name.setText(tender.name)
        select_data(self.domain, tender.domain)
        self.ceiling.set_fen(tender.ceiling_fen)
        self.points.setValue(tender.price_points_x100 / 100)
        self.service_from.set_value(tender.service_from)
        self.service_until.set_value(tender.service_until)
        self.qualifications.setPlainText(tender.qualifications)
        self.description.setPlainText(tender.description)
        for n in range(self.needs.count()):
            item = self.needs.item(n)
            if item.data(Qt.ItemDataRole.UserRole) in tender.need_ids:
                item.setCheckState(Qt.CheckState.Checked)

    def chosen_needs(self) -> list[int]:
        items = (self.needs.item(n) for n in range(self.needs.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.data(Qt.ItemDataRole.UserRole) is not None and item.checkState() == Qt.CheckState.Checked]

    def tender_input(self) -> TenderInput:
        return TenderInput(
            code=self.code.text(), name=self.name.text(), domain=self.domain.currentData(),
            description=self.description.toPlainText(), ceiling_fen=self.fen("ceiling_fen", ""),
            service_from=self.service_from.value(), service_until=self.service_until.value(),
            qualifications=self.qualifications.toPlainText(),
            price_points_x100=round(self.points.value() * 100), need_ids=self.chosen_needs())

    def _save(self) -> None:
        try:
            if self.tender is None:
                self.saved_id = bidding.add_tender(self.db, self.competition_id, self.tender_input())
            else:
                bidding.edit_tender(self.db, self.tender.id, self.tender_input())
                self.saved_id = self.tender.id
        except PspError as exc:
            mark_problems(exc, self.fields)
            raise

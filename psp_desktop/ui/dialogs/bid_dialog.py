"""Registering a bid (登记投标): an application of the tender's competition, not yet screened, becomes a bid for the
tender at a price (services.bidding.submit_bid). A price over the ceiling is recorded all the same (screening then
marks the bid invalid): the dialog says so before OK. An application already bidding for another tender is shown
as such; choosing it moves its bid here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from ...money import format_yuan
from ...services import bidding, lists, proposals
from ...services.bidding import TenderRow
from ..funding_money import InputProblem
from ..labels import quoted
from .tender_dialog import GrowingDialog

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
WARNING_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #555;"
WIDTH = 640


@dataclass(frozen=True)
class BidCandidate:
    id: int
    intake_number: str
    title: str
    organization: str
    tender_id: int | None  # the tender it already bids for
    tender_code: str
    price_fen: int | None


def bid_candidates(db: Database, competition_id: int, tenders: Sequence[TenderRow]) -> list[BidCandidate]:
    """The applications of the competition that may still become bids (not screened yet), with the tender each
    already names. Runs off the GUI thread: one read per application, and a bidding programme has few."""
    codes = {t.id: t.code for t in tenders}
    rows = lists.proposal_rows(db, lists.proposal_ids(db, competition_id=competition_id, sort="intake_number"))
    found = []
    for row in rows:
        if row.status not in proposals.EDITABLE or row.status in bidding.NOT_BIDS:  # received, not yet screened
            continue
        data, _version = proposals.load(db, row.id)
        found.append(BidCandidate(row.id, row.intake_number, row.title, row.organization, data.tender_id,
                                  codes.get(data.tender_id or 0, ""), data.bid_price_fen))
    return found


class BidDialog(GrowingDialog):
    def __init__(self, db: Database, tender: TenderRow, candidates: Sequence[BidCandidate],
                 parent: QWidget | None = None) -> None:
        super().__init__(translate("Tenders", "Register a bid"), translate(
            "Tenders", "Tender {code} {name}\nCeiling price {ceiling} yuan. A bid over the ceiling is recorded but "
                       "is invalid.").format(code=tender.code, name=quoted(tender.name),
                                             ceiling=format_yuan(tender.ceiling_fen)), parent)
        self.db, self.tender = db, tender
        self.setMinimumWidth(WIDTH)  # room for the intake number, organization and title of each application
        self.proposal = QComboBox(self)
        self.proposal.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.proposal.setMinimumContentsLength(24)
        self.proposal.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for n, c in enumerate(candidates):
            self.proposal.addItem(self._caption(c), c)
            self.proposal.setItemData(n, self._caption(c), Qt.ItemDataRole.ToolTipRole)
        self.add("proposal", translate("Tenders", "Application:"), self.proposal)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setStyleSheet(HINT_STYLE)
        self.where.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.form.addRow("", self.where)
        self.price = self.add_money("bid_price_fen", translate("Tenders", "Bid price (yuan):"))
        self.over = QLabel(self)
        self.over.setWordWrap(True)
        self.over.setStyleSheet(WARNING_STYLE)
        self.over.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.form.addRow("", self.over)
        self.proposal.currentIndexChanged.connect(lambda _i: self._chosen())
        self.price.edited.connect(self._check_price)
        self.price.editingFinished.connect(self._check_price)
        self._chosen()
        self.action = self._save

    def _caption(self, c: BidCandidate) -> str:
        text = translate("Tenders", "{number} {organization}: {title}").format(
            number=c.intake_number or translate("Tenders", "(draft)"), organization=c.organization,
            title=quoted(c.title))
        if c.tender_id is not None:
            text += translate("Tenders", " [bids for {code}]").format(code=c.tender_code or c.tender_id)
        return text

    def candidate(self) -> BidCandidate | None:
        return self.proposal.currentData()

    def _chosen(self) -> None:
        c = self.candidate()
        if c is None:
            self.where.setText(translate(
                "Tenders", "No application of this competition can bid: an application must be entered on the "
                           "Proposals page first, and it must not have been screened yet."))
        elif c.tender_id == self.tender.id:
            self.where.setText(translate("Tenders", "Already bids for this tender at {price} yuan: OK changes the "
                                                    "price.").format(price=format_yuan(c.price_fen or 0)))
        elif c.tender_id is not None:
            self.where.setText(translate("Tenders", "Bids for tender {code} now: OK moves its bid to this "
                                                    "tender.").format(code=c.tender_code or c.tender_id))
        else:
            self.where.setText("")
        self.where.setVisible(bool(self.where.text()))
        self.fit_height()
        if c is not None and c.price_fen and not self.price.text().strip():
            self.price.set_fen(c.price_fen)
        self._check_price()

    def _check_price(self) -> None:
        fen = self.price.fen()
        over = bool(fen) and fen is not None and fen > self.tender.ceiling_fen
        self.over.setText(translate("Tenders", "Over the ceiling price: the bid will be recorded as invalid.")
                          if over else "")
        if over == self.over.isHidden():
            self.over.setVisible(over)
            self.fit_height()

    def _save(self) -> None:
        c = self.candidate()
        if c is None:
            raise InputProblem(translate("Tenders", "Choose the application that bids."))
        bidding.submit_bid(self.db, self.tender.id, c.id, self.fen("bid_price_fen", ""))

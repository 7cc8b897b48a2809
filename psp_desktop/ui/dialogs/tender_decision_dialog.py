"""The tender decision (定标): the winner — the first-ranked valid bid unless another is chosen with a reason — or no
winner (流标) with a reason; with a single valid bid, accept or reject it with the panel's reason. OK calls
services.bidding (award_tender / decide_single_bid), which checks every rule again; a refusal stays in the dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QButtonGroup, QComboBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from ...money import format_yuan
from ...services import bidding
from ...services.bidding import BidLine, TenderEvaluation
from ...services.evaluation_rules import points_text
from ..funding_money import InputProblem
from ..labels import quoted
from .tender_dialog import GrowingDialog

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
HINT_STYLE = "color: #555;"


def bid_caption(line: BidLine) -> str:
    """A valid bid as the choice reads: rank, organization, price and total."""
    rank = translate("Tenders", "No. {rank}").format(rank=line.rank) if line.rank else translate("Tenders", "unranked")
    total = points_text(line.total_x100) or "—"
    return translate("Tenders", "{rank}  {organization} — {price} yuan, total {total}").format(
        rank=rank, organization=line.organization, price=format_yuan(line.price_fen or 0), total=total)


class TenderDecisionDialog(GrowingDialog):
    def __init__(self, db: Database, evaluation: TenderEvaluation, parent: QWidget | None = None) -> None:
        super().__init__(translate("Tenders", "Decide tender {code}").format(code=evaluation.code), "", parent)
        self.db, self.evaluation = db, evaluation
        self.award_id: int | None = None
        self.valid = [ln for ln in evaluation.lines if ln.valid]
        self.choice = QButtonGroup(self)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.winner = QComboBox(self)
        if evaluation.single_bidder:
            self._single(column)
        else:
            self._several(column)
        self.add("decision", translate("Tenders", "Decision:"), box)
        self.reason = self.add_reason("reason", translate("Tenders", "Reason:"), self._reason_hint())
        self.choice.buttonToggled.connect(lambda *_: self._update())
        self.winner.currentIndexChanged.connect(lambda _i: self._update())
        self._update()
        self.action = self._decide

    def _single(self, column: QVBoxLayout) -> None:
        line = self.valid[0]
        self.intro.setText(translate(
            "Tenders", "{code} {name} has one valid bid: {organization}, {price} yuan.\nWith a single bidder "
                       "there is no price comparison: the panel judges only its necessity and feasibility, and the "
                       "bid is accepted (it wins at its price) or rejected (no winner).").format(
            code=self.evaluation.code, name=quoted(self.evaluation.name), organization=line.organization,
            price=format_yuan(line.price_fen or 0)))
        self.accept_bid = QRadioButton(translate("Tenders", "Accept the bid"), self)
        self.reject_bid = QRadioButton(translate("Tenders", "Reject the bid: no winner"), self)
        for n, button in enumerate((self.accept_bid, self.reject_bid)):
            self.choice.addButton(button, n)
            column.addWidget(button)
        self.accept_bid.setChecked(True)
        self.winner.hide()

    def _several(self, column: QVBoxLayout) -> None:
        self.intro.setText(translate(
            "Tenders", "{code} {name}: {count} valid bids. The first-ranked bid wins unless the office gives a "
                       "reason for another; a tender may also end without a winner, with the reason.").format(
            code=self.evaluation.code, name=quoted(self.evaluation.name), count=len(self.valid)))
        self.award = QRadioButton(translate("Tenders", "Award to:"), self)
        self.no_winner = QRadioButton(translate("Tenders", "No winner: the tender fails"), self)
        for line in self.valid:
            self.winner.addItem(bid_caption(line), line.proposal_id)
        self.choice.addButton(self.award, 0)
        self.choice.addButton(self.no_winner, 1)
        column.addWidget(self.award)
        column.addWidget(self.winner)
        column.addWidget(self.no_winner)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        column.addWidget(self.note)
        has_bids = bool(self.valid)
        self.award.setEnabled(has_bids)
        (self.award if has_bids else self.no_winner).setChecked(True)

    def _reason_hint(self) -> str:
        if self.evaluation.single_bidder:
            return translate("Tenders", "the panel's view of necessity and feasibility (required)")
        return translate("Tenders", "required for a winner other than the first-ranked bid, and for no winner")

    def _first_ranked(self) -> int | None:
        return next((ln.proposal_id for ln in self.valid if ln.rank == 1), None)

    def _update(self) -> None:
        if self.evaluation.single_bidder:
            return
        awarding = self.award.isChecked()
        self.winner.setEnabled(awarding)
        chosen = self.winner.currentData()
        if not awarding:
            text = translate("Tenders", "No bid wins; every waiting bid is marked not awarded.")
        elif chosen is not None and chosen == self._first_ranked():
            text = translate("Tenders", "The first-ranked bid wins: an award at its bid price.")
        else:
            text = translate("Tenders", "Not the first-ranked bid: give the reason for choosing it.")
        self.note.setText(text)

    def chosen_proposal(self) -> int | None:
        if self.evaluation.single_bidder:
            return self.valid[0].proposal_id if self.accept_bid.isChecked() else None
        return self.winner.currentData() if self.award.isChecked() else None

    def _decide(self) -> None:
        reason = self.text("reason")
        tender_id = self.evaluation.tender_id
        if self.evaluation.single_bidder:
            self.award_id = bidding.decide_single_bid(self.db, tender_id, self.accept_bid.isChecked(), reason)
            return
        proposal = self.chosen_proposal()
        if self.award.isChecked() and proposal is None:
            raise InputProblem(translate("Tenders", "Choose the winning bid."))
        self.award_id = bidding.award_tender(self.db, tender_id, proposal, reason)

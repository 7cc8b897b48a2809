"""The state seal over money: every payment row must still say what its "tranche.pay" entry recorded (tranche,
amount, date, voucher), and every recorded payment must still be there. A payment edited or deleted with sqlite3
leaves the chain intact but is caught here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import QT_TRANSLATE_NOOP
from ..models import Payment
from .audit import Problem

PAY = "tranche.pay"

PAYMENT_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "Payment {payment} (voucher {voucher}) is not recorded in the change log.")
PAYMENT_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "Payment {payment}: the database holds {field} {stored}, but change log entry {entry} recorded "
              "{recorded}.")
PAYMENT_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "The payment with voucher {voucher}, recorded in change log entry {entry}, is missing from the database.")


def check_payments(conn: Connection, ledger: Any) -> tuple[int, Problem | None]:
    table = Payment.__table__
    rows = conn.execute(select(table.c.id, table.c.tranche_id, table.c.amount_fen, table.c.paid_on,
                               table.c.voucher_number).order_by(table.c.id)).all()
    recorded = {}
    for tranche_id, events in ledger.of("tranche"):
        for event in events:
            if event.action == PAY and isinstance(event.after, dict):
                recorded[str(event.after.get("voucher"))] = (tranche_id, event)
    for checked, (pid, tranche_id, amount, paid_on, voucher) in enumerate(rows):
        found = recorded.pop(voucher, None)
        if found is None:
            return checked, Problem("state", PAYMENT_UNRECORDED, {"payment": pid, "voucher": voucher}, "payment", pid)
        logged_tranche, event = found
        stored = {"tranche": tranche_id, "amount_fen": amount, "paid_on": str(paid_on)}
        logged = {"tranche": logged_tranche, "amount_fen": event.after.get("amount_fen"),
                  "paid_on": str(event.after.get("paid_on"))}
        for field, value in stored.items():
            if value != logged[field]:
                return checked, Problem("state", PAYMENT_CHANGED, {
                    "payment": pid, "field": field, "stored": value, "entry": event.entry_id,
                    "recorded": logged[field]}, "payment", pid)
    for voucher, (_tranche, event) in recorded.items():
        return len(rows), Problem("state", PAYMENT_MISSING, {"voucher": voucher, "entry": event.entry_id},
                                  "payment", None)
    return len(rows), None

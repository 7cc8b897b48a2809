"""The state seal over the register of issued documents: each row must still say what its "document.issue" entry
recorded (serial, type, subject, the PDF's SHA-256, the signing key, the code), be void exactly when a
"document.void" entry says so, and every recorded document must still be there. The document keys in the settings
must each have been registered by an issue on the record: a key slipped in with sqlite3 would make forged codes
verify. A register row edited, added or deleted with sqlite3 leaves the chain intact but is caught here."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import String, Text, cast, select, type_coerce
from sqlalchemy.engine import Connection

from ..errors import QT_TRANSLATE_NOOP
from ..models import IssuedDocument, Setting
from .audit import Problem, after_value, read_json

ISSUE, VOID = "document.issue", "document.void"  # as services.issuing writes them
ENTITY = "issued_document"
KEYS_SETTING = "document_keys"

DOCUMENT_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "Issued document {serial} (register row {row}) is not recorded in the change log.")
DOCUMENT_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "Issued document {serial}: the register holds {field} {stored}, but change log entry {entry} recorded "
              "{recorded}.")
DOCUMENT_VOID_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "Issued document {serial} is marked void, but the change log does not record it as voided.")
DOCUMENT_UNVOIDED = QT_TRANSLATE_NOOP(
    "Errors", "Issued document {serial} was voided (change log entry {entry}), but the register no longer marks it "
              "void.")
DOCUMENT_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "Issued document {serial}, recorded in change log entry {entry}, is missing from the register.")
KEY_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "The document key {key} in the settings was not registered by an issue on the record: documents "
              "signed with it cannot be trusted.")


def check_documents(conn: Connection, ledger: Any) -> tuple[int, Problem | None]:
    rows = _rows(conn)
    checked = 0
    for row in rows:
        problem = _row_problem(row, ledger)
        if problem is not None:
            return checked, problem
        checked += 1
    present = {row["id"] for row in rows}
    for row_id, events in sorted(ledger.of(ENTITY)):
        issued = next((e for e in events if e.action == ISSUE), None)
        if issued is not None and row_id not in present:
            return checked, Problem("state", DOCUMENT_MISSING, {"serial": after_value(issued, "serial"),
                                                                "entry": issued.entry_id}, ENTITY, row_id)
    keys_checked, problem = _check_keys(conn, ledger)
    return checked + keys_checked, problem


def _rows(conn: Connection) -> list[dict[str, Any]]:
    table = IssuedDocument.__table__
    query = select(table.c.id, table.c.serial, type_coerce(table.c.doc_type, String), table.c.subject,
                   table.c.sha256, table.c.voided, cast(table.c.payload, Text)).order_by(table.c.id)
    out = []
    for row_id, serial, doc_type, subject, sha256, voided, payload in conn.execute(query):
        parsed = read_json(payload)
        parsed = parsed if isinstance(parsed, dict) else {}
        code = parsed.get("qr")
        out.append({"id": row_id, "serial": serial, "doc_type": doc_type, "subject": subject, "sha256": sha256,
                    "key": parsed.get("key"), "voided": bool(voided),
                    "code_sha256": hashlib.sha256(code.encode()).hexdigest() if isinstance(code, str) else None})
    return out


def _row_problem(row: dict[str, Any], ledger: Any) -> Problem | None:
    where = {"serial": row["serial"]}
    issued = ledger.last(ENTITY, row["id"], (ISSUE,))
    if issued is None:
        return Problem("state", DOCUMENT_UNRECORDED, {**where, "row": row["id"]}, ENTITY, row["id"])
    for name in ("serial", "doc_type", "subject", "sha256", "key", "code_sha256"):
        recorded = after_value(issued, name)
        if row[name] != recorded:
            return Problem("state", DOCUMENT_CHANGED, {
                **where, "field": name, "stored": row[name], "entry": issued.entry_id, "recorded": recorded},
                ENTITY, row["id"])
    voided = ledger.last(ENTITY, row["id"], (VOID,))
    if row["voided"] and voided is None:
        return Problem("state", DOCUMENT_VOID_UNRECORDED, where, ENTITY, row["id"])
    if voided is not None and not row["voided"]:
        return Problem("state", DOCUMENT_UNVOIDED, {**where, "entry": voided.entry_id}, ENTITY, row["id"])
    return None


def _check_keys(conn: Connection, ledger: Any) -> tuple[int, Problem | None]:
    registered = {(after_value(e, "key"), after_value(e, "key_public")) for _row_id, events in ledger.of(ENTITY)
                  for e in events if e.action == ISSUE and after_value(e, "key_public")}
    stored = read_json(conn.scalar(select(cast(Setting.__table__.c.value, Text))
                               .where(Setting.__table__.c.key == KEYS_SETTING)))
    keys = stored.get("keys") if isinstance(stored, dict) else None
    checked = 0
    for item in keys if isinstance(keys, list) else []:
        pair = (item.get("id"), item.get("public")) if isinstance(item, dict) else (None, None)
        if pair not in registered:
            return checked, Problem("state", KEY_UNRECORDED, {"key": pair[0] or "?"}, "setting", None)
        checked += 1
    return checked, None

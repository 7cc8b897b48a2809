"""The register of issued documents (certificates, appointment letters) and the signatures that let anyone check one.

Each document gets a serial per type and year ("HJ2026-0001") and a code for its QR: "PSP1." + base64url(payload) +
"." + base64url(signature). The payload is the canonical JSON of {serial, key id, facts}, deflated so that a long
Chinese organization name still fits a small QR code; the Ed25519 signature of this PC's key (laptop_keys) covers the
payload bytes exactly as sent, so changing any character of the code breaks it. The public key is registered in the
database (Setting "document_keys") on the first issue, so every PC on a shared database verifies every other's.

The renderer is a callback: it receives the serial and the code, draws the QR, and puts the code into the PDF's
Keywords with `embed_keywords`; `pdf_keywords` reads it back (reportlab writes the document information dictionary
uncompressed, and the code is plain ASCII, so a small parser of that dictionary is enough: no PDF library needed).
The register keeps the SHA-256 of the PDF bytes: a verified file that differs from them was altered.

The change log records "document.issue" and "document.void"; audit_seals_documents checks the register against them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..enums import CompetitionMode, DocumentType
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..models import Competition, IssuedDocument, Setting
from . import access, audit, laptop_keys, proposals
from .access import Permission
from .audit_seals_documents import ENTITY, ISSUE, KEYS_SETTING, VOID

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..db import Database
    from .access import Actor

PREFIX = "PSP1."
DOMAIN = b"PSP-DOCUMENT-1\n"  # signed before the payload: a signature made for anything else never fits a document
SERIAL_LOCK = 0x70_73_70_64_6F_63  # "pspdoc": PostgreSQL advisory lock so two PCs never take the same serial
MAX_PAYLOAD = 8192  # bytes of JSON a code may inflate to; anything bigger is not ours
FIELD_MAX = 200  # characters of each fact (IssuedDocument.subject is String(200))
REASON_MAX = 500

SERIAL_CODES = {  # the letters of the serial: 获奖证书 HJ, 聘书 PS, 参与证书 CY
    DocumentType.AWARD_CERTIFICATE: "HJ",
    DocumentType.APPOINTMENT_LETTER: "PS",
    DocumentType.PARTICIPATION_CERTIFICATE: "CY",
}
TYPE_NAMES = {  # the short names the command line takes
    "award": DocumentType.AWARD_CERTIFICATE,
    "letter": DocumentType.APPOINTMENT_LETTER,
    "participation": DocumentType.PARTICIPATION_CERTIFICATE,
}

GENUINE, VOIDED, FORGED, UNKNOWN = "genuine", "voided", "forged", "unknown"

# verdict reasons (context "Errors", like every service message)
R_GENUINE = QT_TRANSLATE_NOOP("Errors", "The signature is valid and the register holds this document.")
R_GENUINE_FILE = QT_TRANSLATE_NOOP(
    "Errors", "The signature is valid, the register holds this document and the file is exactly as issued.")
R_VOIDED = QT_TRANSLATE_NOOP("Errors", "The signature is valid, but the document was voided on {date}: {reason}")
R_DAMAGED = QT_TRANSLATE_NOOP("Errors", "The code is damaged or was altered: it cannot be read as issued.")
R_UNKNOWN_KEY = QT_TRANSLATE_NOOP(
    "Errors", "The code is signed with key {key}, which is not one of this office's document keys.")
R_BAD_SIGNATURE = QT_TRANSLATE_NOOP(
    "Errors", "The signature does not match the content: the code was altered after it was issued.")
R_NOT_IN_REGISTER = QT_TRANSLATE_NOOP(
    "Errors", "The signature is valid, but this register has no document {serial}: it was issued from another "
              "database.")
R_OTHER_DOCUMENT = QT_TRANSLATE_NOOP(
    "Errors", "The signature is valid, but this register holds a different document under the serial {serial}: "
              "it was issued from another database.")
R_FILE_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "The code is genuine, but the file was changed after it was issued: its SHA-256 is not the one in the "
              "register.")

E_NOT_CODE = QT_TRANSLATE_NOOP(
    "Errors", "“{text}” is neither a verification code (they start with PSP1.) nor a PDF file that exists.")
E_NO_CODE_IN_PDF = QT_TRANSLATE_NOOP(
    "Errors", "{path} carries no verification code: it was not issued by PSP Desktop, or it is a copy printed to "
              "PDF. Scan the QR code on it instead.")
E_MANY_CODES = QT_TRANSLATE_NOOP(
    "Errors", "{path} holds {count} documents: verify each one by its QR code, or check the single files.")
E_READ_PDF = QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}")
E_NO_SERIAL = QT_TRANSLATE_NOOP("Errors", "Documents of the type “{type}” are not issued with a serial.")
E_NO_SUBJECT = QT_TRANSLATE_NOOP("Errors", "The document names nobody: give the organization or person it is for.")
E_NO_COMPETITION = QT_TRANSLATE_NOOP("Errors", "The document names no competition.")
E_NO_ISSUER = QT_TRANSLATE_NOOP("Errors", "The document names no issuing authority: set the office's name first.")
E_FACT_LONG = QT_TRANSLATE_NOOP("Errors", "“{text}” is longer than {max} characters: shorten it for the document.")
E_RENDERED = QT_TRANSLATE_NOOP("Errors", "The document for {serial} came out empty: nothing was issued.")
E_UNKNOWN_SERIAL = QT_TRANSLATE_NOOP("Errors", "No issued document has the serial {serial}.")
E_ALREADY_VOID = QT_TRANSLATE_NOOP("Errors", "Document {serial} was voided already on {date}.")
E_NO_REASON = QT_TRANSLATE_NOOP("Errors", "Give the reason for voiding document {serial}.")
E_LONG_REASON = QT_TRANSLATE_NOOP("Errors", "The reason for voiding is longer than {max} characters.")


class _Damaged(Exception):
    """A code that does not decode exactly as an issued code would."""


# --- facts and codes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a document says and its code signs: for whom, for what, in which competition, by whom, when."""

    doc_type: DocumentType
    subject: str  # the organization or the person it is for
    title: str  # the project title, or ""
    detail: str  # award level in words, or the role
    competition: str
    issuer: str  # the issuing authority
    issued_on: dt.date

    def as_payload(self) -> dict[str, str]:
        """Short keys: the code must fit a QR code printed a few centimetres wide."""
        return {"t": self.doc_type.value, "n": self.subject, "p": self.title, "d": self.detail,
                "c": self.competition, "i": self.issuer, "o": self.issued_on.isoformat()}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Facts:
        """Raises ValueError (or KeyError, TypeError) when data is not a payload as_payload made."""
        values = [data[k] for k in ("n", "p", "d", "c", "i", "o")]
        if set(data) != {"t", "n", "p", "d", "c", "i", "o"} or not all(isinstance(v, str) for v in values):
            raise ValueError("not a facts payload")
        subject, title, detail, competition, issuer, issued_on = values
        return cls(DocumentType(data["t"]), subject, title, detail, competition, issuer,
                   dt.date.fromisoformat(issued_on))

    def as_dict(self) -> dict[str, str]:
        """Long keys, as the verdict and the register page show them."""
        return {"doc_type": self.doc_type.value, "subject": self.subject, "title": self.title,
                "detail": self.detail, "competition": self.competition, "issuer": self.issuer,
                "issued_on": self.issued_on.isoformat()}


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:8]


def qr_text(serial: str, facts: Facts, key: Ed25519PrivateKey) -> str:
    """The code printed as the QR: the payload signed with key."""
    payload = {"s": serial, "k": key_id(laptop_keys.public_bytes(key)), "f": facts.as_payload()}
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = squeezer.compress(audit.canonical(payload)) + squeezer.flush()
    return f"{PREFIX}{_b64(packed)}.{_b64(key.sign(DOMAIN + packed))}"


def read_qr(text: str) -> tuple[dict[str, Any], bytes]:
    """The payload ({"s": serial, "k": key id, "f": facts}) and the signature of a code, unchecked. A code that
    does not decode exactly (a changed character, a bad shape) raises ValidationError."""
    try:
        payload, signature, _signed = _decode(text)
    except _Damaged as exc:
        raise ValidationError(R_DAMAGED) from exc
    return payload, signature


def _decode(text: str) -> tuple[dict[str, Any], bytes, bytes]:
    parts = _compact(text).split(".")
    if len(parts) != 3 or f"{parts[0]}." != PREFIX:
        raise _Damaged
    packed, signature = _unb64(parts[1]), _unb64(parts[2])
    inflater = zlib.decompressobj(-15)
    try:
        raw = inflater.decompress(packed, MAX_PAYLOAD)
        payload = json.loads(raw)
    except (zlib.error, ValueError) as exc:
        raise _Damaged from exc
    if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data or len(signature) != 64:
        raise _Damaged
    if not isinstance(payload, dict) or set(payload) != {"s", "k", "f"} or audit.canonical(payload) != raw:
        raise _Damaged
    if not isinstance(payload["s"], str) or not isinstance(payload["k"], str):
        raise _Damaged
    try:
        Facts.from_payload(payload["f"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _Damaged from exc
    return payload, signature, packed


def _compact(text: str) -> str:
    """Scanners and copy-paste add line breaks and spaces; a code never contains any."""
    return "".join(text.split())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(part: str) -> bytes:
    """Strict: only the one spelling _b64 makes, so two different texts never carry the same bytes."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", part):
        raise _Damaged
    try:
        data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _Damaged from exc
    if _b64(data) != part:
        raise _Damaged
    return data


# --- the code inside the PDF ---------------------------------------------------------------------------------------


def embed_keywords(canvas: Any, code: str) -> None:
    """Puts the code into the PDF's Keywords (reportlab canvas), where `verify` of a PDF file reads it back."""
    canvas.setKeywords(code)


def pdf_keywords(source: str | os.PathLike[str] | bytes) -> str:
    """The Keywords of a PDF (bytes, or a path), "" when it has none. Reads the document information dictionary
    the trailer names (the last one: an edited PDF appends a new one); the /Keywords of any dictionary otherwise."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    info = _info_dictionary(data)
    found = _keywords_in(info) if info is not None else None
    if found is None:
        starts = [m.end() for m in re.finditer(rb"/Keywords(?![A-Za-z0-9])", data)]
        found = _pdf_string(data, starts[-1]) if starts else None
    return found or ""


def _info_dictionary(data: bytes) -> bytes | None:
    refs = list(re.finditer(rb"/Info\s+(\d+)\s+(\d+)\s+R", data))
    if not refs:
        return None
    number, generation = refs[-1].group(1), refs[-1].group(2)
    heads = list(re.finditer(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj\b", data))
    if not heads:
        return None
    start = heads[-1].end()
    end = data.find(b"endobj", start)
    return data[start:end if end >= 0 else len(data)]


def _keywords_in(dictionary: bytes) -> str | None:
    found = re.search(rb"/Keywords(?![A-Za-z0-9])", dictionary)
    return _pdf_string(dictionary, found.end()) if found else None


def _pdf_string(data: bytes, at: int) -> str | None:
    """The PDF string object starting after `at` (spaces skipped): (literal) or <hex>."""
    while at < len(data) and data[at:at + 1] in b" \t\r\n\f\x00":
        at += 1
    if data[at:at + 1] == b"(":
        raw = _literal(data, at + 1)
    elif data[at:at + 1] == b"<" and data[at + 1:at + 2] != b"<":
        end = data.find(b">", at)
        hexed = re.sub(rb"\s", b"", data[at + 1:end if end >= 0 else len(data)])
        try:
            raw = bytes.fromhex((hexed + b"0" * (len(hexed) % 2)).decode("ascii"))
        except ValueError:
            return None
    else:
        return None
    return _text_string(raw) if raw is not None else None


_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _literal(data: bytes, at: int) -> bytes | None:
    """A literal string's bytes from just after its "(": balanced parentheses, backslash escapes, octal codes."""
    out, depth = bytearray(), 1
    while at < len(data):
        byte = data[at]
        at += 1
        if byte == 0x5C:  # backslash
            at = _escape(data, at, out)
        elif byte == 0x28:  # (
            depth += 1
            out.append(byte)
        elif byte == 0x29:  # )
            depth -= 1
            if depth == 0:
                return bytes(out)
            out.append(byte)
        else:
            out.append(byte)
    return None


def _escape(data: bytes, at: int, out: bytearray) -> int:
    if at >= len(data):
        return at
    byte = data[at]
    if byte in _ESCAPES:
        out += _ESCAPES[byte]
        return at + 1
    if 0x30 <= byte <= 0x37:  # up to three octal digits
        digits = re.match(rb"[0-7]{1,3}", data[at:at + 3])
        assert digits is not None
        out.append(int(digits.group(), 8) & 0xFF)
        return at + len(digits.group())
    if byte in b"\r\n":  # a line continuation
        return at + (2 if data[at:at + 2] == b"\r\n" else 1)
    out.append(byte)
    return at + 1


def _text_string(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return raw.decode("latin-1")


# --- keys -----------------------------------------------------------------------------------------------------------


def document_keys(db: Database) -> dict[str, bytes]:
    """The registered public keys by id."""
    with db.read() as s:
        return _keys(s)


def _keys(s: Session) -> dict[str, bytes]:
    setting = s.get(Setting, KEYS_SETTING)
    found: dict[str, bytes] = {}
    for item in (setting.value or {}).get("keys", []) if setting is not None else []:
        try:
            found[str(item["id"])] = bytes.fromhex(item["public"])
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry verifies nothing
    return found


def _register_key(s: Session, public: bytes) -> bool:
    """Adds this PC's public key to the database's document keys; True when it was new."""
    ident = key_id(public)
    setting = s.get(Setting, KEYS_SETTING)
    if setting is None:
        setting = Setting(key=KEYS_SETTING, value={"keys": []})
        s.add(setting)
    keys = list((setting.value or {}).get("keys", []))
    if any(isinstance(k, dict) and k.get("id") == ident and k.get("public") == public.hex() for k in keys):
        return False
    keys.append({"id": ident, "public": public.hex(), "since": audit.now().date().isoformat()})
    setting.value = {"keys": keys}  # a new dict: the JSON column notices only assignment
    return True


# --- issuing ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    serial: str
    qr_text: str
    pdf: bytes
    sha256: str


def issue(db: Database, facts: Facts, render: Callable[[str, str], bytes], *,
          key: Ed25519PrivateKey | None = None) -> Issued:
    """One document issued in its own transaction (see issue_in)."""
    actor = access.require(db, Permission.DOCUMENTS_ISSUE)
    with db.write() as s:
        return issue_in(s, facts, render, actor, key=key)


def issue_in(s: Session, facts: Facts, render: Callable[[str, str], bytes], who: Actor, *,
             key: Ed25519PrivateKey | None = None) -> Issued:
    """In the caller's transaction: the next serial, the signed code, render(serial, code) → PDF bytes, the register
    row and its change-log entry. The caller checked the permission; an error in render rolls everything back.
    key: this PC's key unless given (tests)."""
    _check_facts(facts)
    _lock_serials(s)
    key = key or laptop_keys.private_key()
    public = laptop_keys.public_bytes(key)
    new_key = _register_key(s, public)
    serial = _next_serial(s, facts.doc_type, facts.issued_on.year)
    code = qr_text(serial, facts, key)
    pdf = render(serial, code)
    if not isinstance(pdf, bytes | bytearray) or not pdf:
        raise ValidationError(E_RENDERED, serial=serial)
    pdf = bytes(pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    row = IssuedDocument(doc_type=facts.doc_type, serial=serial, subject=facts.subject, issued_on=facts.issued_on,
                         sha256=digest, payload={"qr": code, "key": key_id(public), "facts": facts.as_payload()})
    s.add(row)
    s.flush()
    after = {"serial": serial, "doc_type": facts.doc_type.value, "subject": facts.subject,
             "issued_on": facts.issued_on.isoformat(), "sha256": digest, "key": key_id(public),
             "code_sha256": code_digest(code)}
    if new_key:  # the seal checks every registered key against the entry that registered it
        after["key_public"] = public.hex()
    audit.log(s, who, ISSUE, ENTITY, row.id, after=after)
    return Issued(serial, code, pdf, digest)


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _check_facts(facts: Facts) -> None:
    if facts.doc_type not in SERIAL_CODES:
        raise ValidationError(E_NO_SERIAL, type=facts.doc_type.value)
    for message, value in ((E_NO_SUBJECT, facts.subject), (E_NO_COMPETITION, facts.competition),
                           (E_NO_ISSUER, facts.issuer)):
        if not value.strip():
            raise ValidationError(message)
    for value in (facts.subject, facts.title, facts.detail, facts.competition, facts.issuer):
        if len(value) > FIELD_MAX:
            raise ValidationError(E_FACT_LONG, text=_clip(value, 40), max=FIELD_MAX)


def _lock_serials(s: Session) -> None:
    """SQLite has one writer; on PostgreSQL two PCs issuing at once queue here until the first commits."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SERIAL_LOCK})


def _next_serial(s: Session, doc_type: DocumentType, year: int) -> str:
    prefix = f"{SERIAL_CODES[doc_type]}{year}-"
    serial = IssuedDocument.serial
    last = s.scalar(select(serial).where(serial.startswith(prefix, autoescape=True))
                    .order_by(func.length(serial).desc(), serial.desc()).limit(1))  # 10000 after 9999
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:04d}"


# --- voiding and reading the register -------------------------------------------------------------------------------


def void(db: Database, serial: str, reason: str) -> None:
    """Marks a document void, with the reason, on the record. A voided document verifies as "voided"."""
    actor = access.require(db, Permission.DOCUMENTS_ISSUE)
    with db.write() as s:
        void_in(s, serial, reason, actor)


def void_in(s: Session, serial: str, reason: str, who: Actor) -> None:
    """void in the caller's transaction; the caller checked the permission."""
    serial, reason = serial.strip(), reason.strip()
    if not reason:
        raise ValidationError(E_NO_REASON, serial=serial)
    if len(reason) > REASON_MAX:
        raise ValidationError(E_LONG_REASON, max=REASON_MAX)
    row = s.scalars(select(IssuedDocument).where(IssuedDocument.serial == serial)).one_or_none()
    if row is None:
        raise ValidationError(E_UNKNOWN_SERIAL, serial=serial)
    if row.voided:
        raise ValidationError(E_ALREADY_VOID, serial=serial, date=_day(row.voided_at))
    row.voided, row.void_reason, row.voided_at = True, reason, audit.now()
    audit.log(s, who, VOID, ENTITY, row.id, before={"voided": False},
              after={"serial": serial, "voided": True, "reason": reason})


def archived_copy(db: Database, sha256: str) -> Path | None:
    """The copy of an issued PDF the office keeps in its file store (for previewing and reprinting), if this PC
    holds it: on a shared database each PC keeps the copies of what it issued."""
    path = proposals.stored_path(db, sha256)
    return path if path.is_file() else None


@dataclass(frozen=True)
class Entry:
    """One row of the register, as the Documents page lists it."""

    id: int
    doc_type: DocumentType
    serial: str
    subject: str
    title: str
    detail: str
    competition: str
    issuer: str
    issued_on: dt.date
    sha256: str
    voided: bool
    void_reason: str
    voided_at: dt.datetime | None
    qr_text: str
    mode: CompetitionMode | None  # the mode of the competition it names; None when no competition has that name

    @property
    def sha_short(self) -> str:
        return self.sha256[:12]


def entries(db: Database, doc_type: DocumentType | None = None, search: str = "",
            include_voided: bool = True) -> list[Entry]:
    """The register, newest first; search finds text in the serial, subject, title, detail or competition."""
    access.require(db, Permission.RESULTS_READ)
    query = select(IssuedDocument).order_by(IssuedDocument.issued_on.desc(), IssuedDocument.id.desc())
    if doc_type is not None:
        query = query.where(IssuedDocument.doc_type == doc_type)
    if not include_voided:
        query = query.where(IssuedDocument.voided.is_(False))
    needle = search.strip().casefold()
    with db.read() as s:
        # the register keeps the competition by the name the document signs (names are unique)
        modes = dict(s.execute(select(Competition.name, Competition.mode)).all())
        rows = [_entry(row, modes) for row in s.scalars(query)]
    if needle:
        rows = [r for r in rows if needle in " ".join((r.serial, r.subject, r.title, r.detail,
                                                       r.competition)).casefold()]
    return rows


def _entry(row: IssuedDocument, modes: Mapping[str, CompetitionMode]) -> Entry:
    payload = row.payload if isinstance(row.payload, dict) else {}
    facts = payload.get("facts") if isinstance(payload.get("facts"), dict) else {}
    competition = str(facts.get("c", ""))
    return Entry(row.id, row.doc_type, row.serial, row.subject, str(facts.get("p", "")), str(facts.get("d", "")),
                 competition, str(facts.get("i", "")), row.issued_on, row.sha256, bool(row.voided),
                 row.void_reason or "", row.voided_at, str(payload.get("qr", "")), modes.get(competition))


# --- verifying -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """status: genuine | voided | forged | unknown; reason: a source message (context "Errors") with params; facts
    as the code signs them (long keys, see Facts.as_dict), plus void_reason when voided."""

    status: str
    serial: str
    facts: dict[str, str]
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def genuine(self) -> bool:
        return self.status == GENUINE

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        source = translate("Errors", self.reason) if translate else self.reason
        return source.format(**self.params) if self.params else source


def verify(db: Database, text_or_path: str | os.PathLike[str]) -> Verdict:
    """Checks a code (as scanned or pasted) or a PDF file: the signature against the registered keys, the register,
    and for a file its SHA-256. Everything is local; nothing is written."""
    access.require(db, Permission.RESULTS_READ)
    code, file_digest = _code_and_digest(text_or_path)
    try:
        payload, signature, signed = _decode(code)
    except _Damaged:
        return Verdict(FORGED, "", {}, R_DAMAGED)
    serial, facts = payload["s"], Facts.from_payload(payload["f"]).as_dict()
    with db.read() as s:
        public = _keys(s).get(payload["k"])
        if public is None:
            return Verdict(FORGED, serial, facts, R_UNKNOWN_KEY, {"key": payload["k"]})
        if not laptop_keys.verify(public, signature, DOMAIN + signed):
            return Verdict(FORGED, serial, facts, R_BAD_SIGNATURE)
        row = s.scalars(select(IssuedDocument).where(IssuedDocument.serial == serial)).one_or_none()
        return _register_verdict(row, _compact(code), serial, facts, file_digest)


def _register_verdict(row: IssuedDocument | None, code: str, serial: str, facts: dict[str, str],
                      file_digest: str | None) -> Verdict:
    if row is None:
        return Verdict(UNKNOWN, serial, facts, R_NOT_IN_REGISTER, {"serial": serial})
    stored = row.payload.get("qr") if isinstance(row.payload, dict) else None
    if stored != code:
        return Verdict(UNKNOWN, serial, facts, R_OTHER_DOCUMENT, {"serial": serial})
    if file_digest is not None and file_digest != row.sha256:
        return Verdict(FORGED, serial, facts, R_FILE_CHANGED)
    if row.voided:
        facts = {**facts, "void_reason": row.void_reason or ""}
        return Verdict(VOIDED, serial, facts, R_VOIDED, {"date": _day(row.voided_at), "reason": row.void_reason})
    return Verdict(GENUINE, serial, facts, R_GENUINE_FILE if file_digest is not None else R_GENUINE)


def _code_and_digest(text_or_path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """(the code, the file's SHA-256 or None for a code given as text)."""
    given = os.fspath(text_or_path)
    compact, path = _compact(given), Path(given.strip())
    if compact.startswith(PREFIX) or (_CODE_SHAPE.fullmatch(compact) and not _is_file(path)):
        return given, None  # a code, maybe with its first characters mistyped: that is for the signature to say
    if not given.strip() or not _is_file(path):
        raise ValidationError(E_NOT_CODE, text=_clip(given))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(E_READ_PDF, path=path, reason=os_reason(exc)) from exc
    codes = [word for word in pdf_keywords(data).split() if word.startswith(PREFIX)]
    if not codes:
        raise ValidationError(E_NO_CODE_IN_PDF, path=path)
    if len(codes) > 1:
        raise ValidationError(E_MANY_CODES, path=path, count=len(codes))
    return codes[0], hashlib.sha256(data).hexdigest()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for a file, or with a NUL in it: pasted text, not a path
        return False


_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{1,8}\.[A-Za-z0-9_-]{40,}\.[A-Za-z0-9_-]{40,}")


def _clip(value: str, width: int = 120) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[:width - 1] + "…"


def _day(at: dt.datetime | None) -> str:
    return at.date().isoformat() if at is not None else "—"

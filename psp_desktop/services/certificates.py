"""Certificates and letters: 荣誉证书 for funded awards, 聘书 for the judges on a competition's panels and 参与证书 for
eligible proposals that were not funded, issued in batches through the register (services.issuing).

The office's seal and background images live in the content store (proposals.store_content, by SHA-256), named in
Setting "certificate_images"; the app never draws a seal of its own. Each certificate type's template is the shipped
JSON (resources/templates/<type>.json) overlaid with the office's edits in Setting "certificate_template.<type>".

A batch is one write transaction: every certificate is issued (serial, signed code, PDF, register row, change-log
entry) and its file written into a hidden folder inside the chosen one; the files are moved into place only after
the commit. On cancel or any error the transaction rolls back and the hidden folder is removed: no register row and
no file is left behind.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..documents import certificate
from ..documents.certificate import Art, CertificateTemplate, Picture
from ..documents.formats import chinese_date, form_date
from ..enums import AwardLevel, AwardStatus, CompetitionMode, DocumentType, ProposalStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..models import (
    Award,
    Competition,
    IssuedDocument,
    Judge,
    Organization,
    Panel,
    PanelMember,
    Proposal,
    Round,
    Setting,
)
from ..wording import quoted
from . import access, audit, issuing, laptop_keys, proposals
from .access import Permission

IMAGES_SETTING = "certificate_images"
TEMPLATE_SETTING = "certificate_template.{doc_type}"
IMAGE_KINDS = ("seal", "background")
FUNDED = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)
# reached review (screened eligible) but never funded; funded and later terminated projects are not "participants"
PARTICIPATED = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED,
                ProposalStatus.NOT_AWARDED, ProposalStatus.RESERVE)
NAME_MAX = 80  # characters of a subject in a file name

NOT_CERTIFICATE = QT_TRANSLATE_NOOP("Errors", "{type} is not a certificate or letter the app makes.")
NO_COMPETITION = QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}.")
NO_ISSUER = QT_TRANSLATE_NOOP(
    "Errors", "The competition “{name}” has no organizer (主办单位). Enter it first: it is printed on the "
              "certificates as the issuing authority.")
UNDECIDED = QT_TRANSLATE_NOOP(
    "Errors", "The competition “{name}” has no funded awards yet. Participation certificates go to the eligible "
              "proposals that were not funded: make them once the awards are committed.")
NOBODY = QT_TRANSLATE_NOOP("Errors", "There is nobody in the competition “{name}” to make these documents for.")
BAD_IMAGE_KIND = QT_TRANSLATE_NOOP("Errors", "{which} is not a certificate image: choose seal or background.")
IMAGE_UNREADABLE = QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}")
NOT_AN_IMAGE = QT_TRANSLATE_NOOP("Errors", "{path} is not a PNG or JPEG image.")
IMAGE_DAMAGED = QT_TRANSLATE_NOOP("Errors", "{path} is not a readable PNG or JPEG image: {reason}")
SEAL_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "The seal image for certificates is missing or damaged ({reason}). Choose the seal image again in "
              "Documents → Certificate design…, or remove it there.")
BACKGROUND_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "The background image for certificates is missing or damaged ({reason}). Choose the background image "
              "again in Documents → Certificate design…, or remove it there.")
CANNOT_WRITE_FOLDER = QT_TRANSLATE_NOOP("Errors", "Cannot write to the folder {folder}. Choose another location.")
CANNOT_WRITE_FILE = QT_TRANSLATE_NOOP("Errors", "Cannot write {path}: {reason}. Nothing was issued.")
CANNOT_KEEP = QT_TRANSLATE_NOOP(
    "Errors", "Cannot keep the office's copy of the certificates in {folder}: {reason}. Nothing was issued.")
ALL_ISSUED = QT_TRANSLATE_NOOP(
    "Errors", "All {count} of these documents for the competition “{name}” have been issued already. To replace them, "
              "issue them again: the old ones are voided.")
REISSUED = "重新颁发，由{serial}取代"  # the void reason kept in the register (data, in the office's language)
CANCELLED = QT_TRANSLATE_NOOP("Errors", "Cancelled: no certificate was issued and no file was written.")
NOT_MOVED = QT_TRANSLATE_NOOP(
    "Errors", "The certificates were issued, but moving them into {folder} failed: {reason}. They are in {staging}.")

Progress = Callable[[int, int], None]


class Cancelled(ValidationError):
    """The batch was cancelled: everything was rolled back."""


def _kind(doc_type: DocumentType | str) -> certificate.CertificateKind:
    try:
        return certificate.KINDS[DocumentType(doc_type)]
    except (ValueError, KeyError):
        raise ValidationError(NOT_CERTIFICATE, type=str(doc_type)) from None


# --- the office's images -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeImages:
    """SHA-256 of each image in the content store, or None."""

    seal: str | None = None
    background: str | None = None


def images(db: Database) -> OfficeImages:
    with db.read() as s:
        return _images(s)


def _images(s: Session) -> OfficeImages:
    setting = s.get(Setting, IMAGES_SETTING)
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return OfficeImages(**{which: value.get(which) or None for which in IMAGE_KINDS})


def image_path(db: Database, sha256: str) -> Path:
    """Where an image of images(db) is kept (for showing it in Settings)."""
    return proposals.stored_path(db, sha256)


def set_image(db: Database, which: str, path: Path) -> str:
    """Takes the office's seal or background from a PNG or JPEG file; returns its SHA-256."""
    actor = access.require(db, Permission.SETTINGS_EDIT)
    _check_which(which)
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError(IMAGE_UNREADABLE, path=path, reason=os_reason(exc)) from exc
    check_image(content, path)
    digest = proposals.store_content(db, content)
    _save_images(db, actor, which, digest)
    return digest


def clear_image(db: Database, which: str) -> None:
    actor = access.require(db, Permission.SETTINGS_EDIT)
    _check_which(which)
    _save_images(db, actor, which, None)


def _check_which(which: str) -> None:
    if which not in IMAGE_KINDS:
        raise ValidationError(BAD_IMAGE_KIND, which=which)


def check_image(content: bytes, path: Path | str) -> None:
    """A PNG or JPEG that decodes completely; a clear message naming the file otherwise."""
    if not (content.startswith(b"\x89PNG\r\n\x1a\n") or content.startswith(b"\xff\xd8\xff")):
        raise ValidationError(NOT_AN_IMAGE, path=path)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # decodes every pixel: a truncated file fails here, not when certificates are made
            if image.width < 8 or image.height < 8:
                raise ValueError(f"{image.width} × {image.height} pixels is too small")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(IMAGE_DAMAGED, path=path, reason=exc) from exc


def _save_images(db: Database, actor: access.Actor, which: str, digest: str | None) -> None:
    with db.write() as s:
        before = _images(s)
        value = {**{k: getattr(before, k) for k in IMAGE_KINDS}, which: digest}
        setting = s.get(Setting, IMAGES_SETTING)
        if setting is None:
            s.add(Setting(key=IMAGES_SETTING, value=value))
        else:
            setting.value = value  # a new dict: the JSON column notices only assignment
        audit.log(s, actor, "setting.change", "setting", None,
                  before={f"{IMAGES_SETTING}.{which}": getattr(before, which)},
                  after={f"{IMAGES_SETTING}.{which}": digest})


_pictures: dict[str, Picture] = {}
_pictures_lock = threading.Lock()
PICTURES_KEPT = 4


def art(db: Database, wanted: OfficeImages | None = None) -> Art:
    """The images ready to draw, each read and checked once (kept for the next batch or preview)."""
    wanted = wanted or images(db)
    return Art(seal=_picture(db, wanted.seal, SEAL_MISSING),
               background=_picture(db, wanted.background, BACKGROUND_MISSING))


def _picture(db: Database, digest: str | None, message: str) -> Picture | None:
    if digest is None:
        return None
    with _pictures_lock:
        found = _pictures.get(digest)
    if found is not None:
        return found
    path = image_path(db, digest)
    try:
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != digest:
            raise ValueError("its content is not the image that was chosen")
        check_image(content, path)
        picture = Picture(content)
    except OSError as exc:
        raise ValidationError(message, path=path, reason=os_reason(exc)) from exc
    except (ValueError, ValidationError) as exc:
        reason = exc.render() if isinstance(exc, ValidationError) else exc
        raise ValidationError(message, path=path, reason=reason) from exc
    with _pictures_lock:
        while len(_pictures) >= PICTURES_KEPT:
            _pictures.pop(next(iter(_pictures)))
        _pictures[digest] = picture
    return picture


# --- templates ---------------------------------------------------------------------------------------------------


def _setting_key(doc_type: DocumentType) -> str:
    return TEMPLATE_SETTING.format(doc_type=doc_type.value)


def shipped_template(doc_type: DocumentType) -> dict[str, Any]:
    """The design as shipped, before the office's edits (the designer's "Reset" and its diff base)."""
    return certificate.shipped_data(_kind(doc_type))


def template(db: Database, doc_type: DocumentType) -> dict[str, Any]:
    """The template as data: the shipped JSON overlaid with the office's edits."""
    kind = _kind(doc_type)
    with db.read() as s:
        setting = s.get(Setting, _setting_key(kind.doc_type))
        edits = setting.value if setting is not None and isinstance(setting.value, dict) else None
    return overlay(certificate.shipped_data(kind), edits or {})


def overlay(base: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """Edits laid over the shipped template: objects merge key by key, the fields list by field name (a field the
    office does not mention keeps its shipped form), anything else is replaced."""
    merged: dict[str, Any] = copy.deepcopy(dict(base))
    for key, value in edits.items():
        if key == "fields" and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = _overlay_fields(merged[key], value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _overlay_fields(base: list[Any], edits: list[Any]) -> list[Any]:
    edited = {item.get("name"): item for item in edits if isinstance(item, Mapping)}
    merged = [overlay(item, edited.pop(item.get("name"))) if isinstance(item, Mapping) and item.get("name") in edited
              else item for item in base]
    return merged + [copy.deepcopy(item) for item in edits
                     if not isinstance(item, Mapping) or item.get("name") in edited]


def _parsed(doc_type: DocumentType, data: Mapping[str, Any]) -> CertificateTemplate:
    """data checked as a template; a message about it names the template as people know it (荣誉证书)."""
    kind = _kind(doc_type)
    return certificate.parse(kind, data, str(certificate.shipped_data(kind).get("title") or kind.template))


def save_template(db: Database, doc_type: DocumentType, data: Mapping[str, Any]) -> None:
    """The office's version of a template, checked as a shipped one is and laid out once with sample facts (a box
    too small for its text is refused here, not when certificates are made)."""
    actor = access.require(db, Permission.SETTINGS_EDIT)
    kind = _kind(doc_type)
    key = _setting_key(kind.doc_type)
    parsed = _parsed(kind.doc_type, overlay(certificate.shipped_data(kind), data))
    values = _values(kind, _sample_facts(kind.doc_type, parsed), "HJ0000-0000")
    _layout_all(parsed, values)
    stored = copy.deepcopy(dict(data))
    with db.write() as s:
        setting = s.get(Setting, key)
        before = setting.value if setting is not None else None
        if setting is None:
            s.add(Setting(key=key, value=stored))
        else:
            setting.value = stored
        audit.log(s, actor, "setting.change", "setting", None, before={key: before}, after={key: stored})


def reset_template(db: Database, doc_type: DocumentType) -> None:
    """Back to the shipped template."""
    actor = access.require(db, Permission.SETTINGS_EDIT)
    key = _setting_key(_kind(doc_type).doc_type)
    with db.write() as s:
        setting = s.get(Setting, key)
        if setting is None:
            return
        before = setting.value
        s.delete(setting)
        audit.log(s, actor, "setting.change", "setting", None, before={key: before}, after={key: None})


def _layout_all(parsed: CertificateTemplate, values: Mapping[str, str]) -> None:
    font = certificate.setup()
    for f in parsed.fields:
        text = certificate.fill(f.text, values)
        if text.strip():
            certificate.layout(f, text, font, parsed.name)


# --- facts and values --------------------------------------------------------------------------------------------


def _values(kind: certificate.CertificateKind, facts: issuing.Facts, serial: str) -> dict[str, str]:
    return certificate.plain_values(kind, {
        "subject": facts.subject, "title": facts.title, "project": quoted(facts.title) if facts.title else "",
        "detail": facts.detail, "competition": facts.competition,
        "issuer": facts.issuer, "issued_on": form_date(facts.issued_on),
        "issued_on_chinese": chinese_date(facts.issued_on), "serial": serial,
    })


def _sample_facts(doc_type: DocumentType, parsed: CertificateTemplate) -> issuing.Facts:
    """Made-up facts for a preview (a typical length, so the preview shows what most certificates look like)."""
    detail = {DocumentType.AWARD_CERTIFICATE: ("level", AwardLevel.FIRST.value),
              DocumentType.APPOINTMENT_LETTER: ("role", "expert")}.get(doc_type)
    person = doc_type is DocumentType.APPOINTMENT_LETTER
    return issuing.Facts(
        doc_type=doc_type, subject="李晓梅" if person else "临江区晨曦社会工作服务中心",
        title="" if person else "“邻里守望”独居老人关爱服务项目",
        detail=parsed.label(*detail) if detail else "", competition="2026年望江街道社区公益创投大赛",
        issuer="临江区望江街道办事处", issued_on=audit.now().date())


def render_preview(db: Database, doc_type: DocumentType, data: Mapping[str, Any] | None = None) -> bytes:
    """A sample certificate with made-up facts, marked as a specimen; nothing is issued. data: a template being
    edited (overlaid on the shipped one), else the office's current template."""
    access.require(db, Permission.RESULTS_READ)
    kind = _kind(doc_type)
    source = overlay(certificate.shipped_data(kind), data) if data is not None else template(db, kind.doc_type)
    parsed = _parsed(kind.doc_type, source)
    facts = _sample_facts(kind.doc_type, parsed)
    serial = f"{issuing.SERIAL_CODES[kind.doc_type]}{facts.issued_on.year}-0000"
    code = issuing.qr_text(serial, facts, _specimen_key())  # a real-length code no register holds
    return certificate.render(parsed, _values(kind, facts, serial), code, art(db), keywords=issuing.embed_keywords,
                              specimen=True)


def _specimen_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"psp specimen").digest())


# --- who gets one --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One certificate to make: ref_id is the award, the judge or the proposal."""

    ref_id: int
    subject: str
    title: str
    detail: str
    intake_number: str = ""
    issued: str = ""  # the serial of the valid document this subject already holds from this competition


def _with_issued(s: Session, competition: Competition, doc_type: DocumentType, found: list[Subject]) -> list[Subject]:
    """Each subject with the serial of the valid document of this type it already holds from this competition
    (matched on the signed facts: competition, subject and project)."""
    rows = s.execute(select(IssuedDocument.serial, IssuedDocument.payload)
                     .where(IssuedDocument.doc_type == doc_type, IssuedDocument.voided.is_(False))
                     .order_by(IssuedDocument.id))
    held: dict[tuple[str, str], str] = {}
    for serial, payload in rows:
        try:
            facts = issuing.Facts.from_payload((payload or {})["facts"])
        except (KeyError, TypeError, ValueError):
            continue  # a damaged row holds nothing a batch could repeat
        if facts.competition == competition.name:
            held[(facts.subject, facts.title)] = serial
    return [replace(p, issued=held.get((p.subject, p.title), "")) for p in found]


def subjects(db: Database, competition_id: int, doc_type: DocumentType) -> list[Subject]:
    """Award certificates for funded awards (in rank order), appointment letters for the judges on the
    competition's panels, participation certificates for eligible proposals that were not funded."""
    access.require(db, Permission.RESULTS_READ)
    kind = _kind(doc_type)
    parsed = _parsed(kind.doc_type, template(db, kind.doc_type))
    with db.read() as s:
        competition = _competition(s, competition_id)
        return _with_issued(s, competition, kind.doc_type, _SUBJECTS[kind.doc_type](s, competition_id, parsed))


def _competition(s: Session, competition_id: int) -> Competition:
    competition = s.get(Competition, competition_id)
    if competition is None:
        raise ValidationError(NO_COMPETITION, id=competition_id)
    return competition


def _award_subjects(s: Session, competition_id: int, parsed: CertificateTemplate) -> list[Subject]:
    rows = s.execute(
        select(Award.id, Award.level, Organization.name, Proposal.title, Proposal.intake_number)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .join(Organization, Organization.id == Proposal.organization_id)
        .where(Award.competition_id == competition_id, Award.status.in_(FUNDED))
        .order_by(Award.rank.is_(None), Award.rank, Award.id))
    honour = _honour(parsed, _competition(s, competition_id).mode)
    return [Subject(award_id, name, title, honour(level), number or "")
            for award_id, level, name, title, number in rows]


def _honour(parsed: CertificateTemplate, mode: CompetitionMode) -> Callable[[AwardLevel], str]:
    """What a project won: its prize, or without one what its mode gives (a venture grant, a tender or a commission
    立项资助); an office's own template without the mode's label falls back to its plain "none" label."""
    levels = parsed.labels["level"]

    def honour(level: AwardLevel) -> str:
        if level is AwardLevel.NONE and mode is not CompetitionMode.VENTURE:
            return levels.get(f"none_{mode}", levels["none"])
        return levels[str(level)]
    return honour


def _letter_subjects(s: Session, competition_id: int, parsed: CertificateTemplate) -> list[Subject]:
    rows = s.execute(
        select(Judge.id, Judge.name, Judge.is_public_juror, PanelMember.is_chair)
        .join(PanelMember, PanelMember.judge_id == Judge.id).join(Panel, Panel.id == PanelMember.panel_id)
        .join(Round, Round.id == Panel.round_id).where(Round.competition_id == competition_id)
        .order_by(Round.seq, Panel.id, PanelMember.is_chair.desc(), Judge.id))
    roles: dict[int, tuple[str, str]] = {}
    for judge_id, name, public, chair in rows:
        role = "chair" if chair else ("public" if public else "expert")
        if judge_id not in roles or role == "chair":  # a judge who chairs any panel is named its chair
            roles[judge_id] = (name, role)
    return [Subject(judge_id, name, "", parsed.label("role", role)) for judge_id, (name, role) in roles.items()]


def _participation_subjects(s: Session, competition_id: int, _parsed: CertificateTemplate) -> list[Subject]:
    funded = select(Award.proposal_id).where(Award.competition_id == competition_id, Award.status.in_(FUNDED))
    if s.scalar(funded.limit(1)) is None:  # before the awards, everyone eligible is "not funded" yet
        raise ValidationError(UNDECIDED, name=_competition(s, competition_id).name)
    rows = s.execute(
        select(Proposal.id, Organization.name, Proposal.title, Proposal.intake_number)
        .join(Organization, Organization.id == Proposal.organization_id)
        .where(Proposal.competition_id == competition_id, Proposal.status.in_(PARTICIPATED),
               Proposal.id.not_in(funded))
        .order_by(Proposal.intake_number, Proposal.id))
    return [Subject(pid, name, title, "", number or "") for pid, name, title, number in rows]


_SUBJECTS: dict[DocumentType, Callable[[Session, int, CertificateTemplate], list[Subject]]] = {
    DocumentType.AWARD_CERTIFICATE: _award_subjects,
    DocumentType.APPOINTMENT_LETTER: _letter_subjects,
    DocumentType.PARTICIPATION_CERTIFICATE: _participation_subjects,
}


# --- the batch ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    doc_type: DocumentType
    serials: tuple[str, ...]
    files: tuple[Path, ...]  # one per certificate, or the one combined PDF
    combined: bool

    @property
    def count(self) -> int:
        return len(self.serials)


@dataclass
class _Batch:
    """What one batch needs while it runs: the parsed template, the images, the hidden folder."""

    kind: certificate.CertificateKind
    parsed: CertificateTemplate
    art: Art
    staging: Path
    out_dir: Path
    book: certificate.Book | None
    files: list[tuple[Path, Path]]  # (staged, final)
    codes: list[str]
    key: Any = None  # this PC's signing key, read once for the batch
    keep: Callable[[bytes], Path | None] | None = None  # files the office's copy of a PDF; the new file or None
    kept: list[Path] = field(default_factory=list)  # copies this batch added: removed again should it fail


def make_batch(db: Database, competition_id: int, doc_type: DocumentType, out_dir: Path, *, combined: bool,
               progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
               issued_on: dt.date | None = None, only: Collection[int] | None = None,
               reissue: bool = False) -> BatchResult:
    """Issues a certificate to every subject (or to the subjects whose ref_id is in only) and writes them into
    out_dir: one PDF each ("<serial> <subject>.pdf"), or all in one combined PDF to print. All or nothing.
    Subjects already holding a valid one from this competition are left out, unless reissue: then the old one
    is voided, its reason naming the new serial."""
    actor = access.require(db, Permission.DOCUMENTS_ISSUE)
    kind = _kind(doc_type)
    parsed = _parsed(kind.doc_type, template(db, kind.doc_type))
    with db.read() as s:
        competition = _competition(s, competition_id)
        name, issuer = competition.name, competition.organizer.strip()
        people = [p for p in _with_issued(s, competition, kind.doc_type,
                                          _SUBJECTS[kind.doc_type](s, competition_id, parsed))
                  if only is None or p.ref_id in only]
    if not issuer:
        raise ValidationError(NO_ISSUER, name=name)
    if not people:
        raise ValidationError(NOBODY, name=name)
    holders = sum(1 for p in people if p.issued)
    if not reissue:
        people = [p for p in people if not p.issued]
        if not people:
            raise ValidationError(ALL_ISSUED, name=name, count=holders)
    facts = [(issuing.Facts(kind.doc_type, p.subject, p.title, p.detail, name, issuer,
                            issued_on or audit.now().date()), p.issued) for p in people]
    pictures, key = art(db), laptop_keys.private_key()  # before the hidden folder exists: nothing to clean up
    folder = Path(out_dir).absolute()
    made_folder = not folder.exists()
    batch = _Batch(kind, parsed, pictures, _staging(folder), folder, None, [], [], key, partial(_keep_copy, db))
    try:
        serials = _issue_all(db, batch, actor, facts, progress, cancelled, combined)
        files = _publish(batch)
    except _Unpublished:
        raise
    except BaseException:
        shutil.rmtree(batch.staging, ignore_errors=True)
        for path in batch.kept:
            path.unlink(missing_ok=True)
        if made_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty
        raise
    shutil.rmtree(batch.staging, ignore_errors=True)
    return BatchResult(kind.doc_type, tuple(serials), tuple(files), combined)


def _keep_copy(db: Database, pdf: bytes) -> Path | None:
    """The office's copy of an issued PDF in the file store (the register holds only its SHA-256)."""
    path = proposals.stored_path(db, hashlib.sha256(pdf).hexdigest())
    if path.exists():
        return None
    try:
        proposals.store_content(db, pdf)
    except OSError as exc:
        raise ValidationError(CANNOT_KEEP, folder=path.parent, reason=os_reason(exc)) from exc
    return path


def issue_in(s: Session, competition_id: int, doc_type: DocumentType, who: access.Actor, issued_on: dt.date, *,
             key: Any = None) -> dict[int, issuing.Issued]:
    """Every subject's certificate issued in the caller's transaction with the shipped template and no images,
    without files (the demo's ceremony), by the subject's ref_id; the caller checked the permission."""
    kind = _kind(doc_type)
    parsed = _parsed(kind.doc_type, shipped_template(kind.doc_type))
    competition = _competition(s, competition_id)
    issued = {}
    for p in _SUBJECTS[kind.doc_type](s, competition_id, parsed):
        facts = issuing.Facts(kind.doc_type, p.subject, p.title, p.detail, competition.name,
                              competition.organizer.strip(), issued_on)

        def render(serial: str, code: str, facts: issuing.Facts = facts) -> bytes:
            return certificate.render(parsed, _values(kind, facts, serial), code, keywords=issuing.embed_keywords)

        issued[p.ref_id] = issuing.issue_in(s, facts, render, who, key=key)
    return issued


def _issue_all(db: Database, batch: _Batch, actor: access.Actor, facts: list[tuple[issuing.Facts, str]],
               progress: Progress | None, cancelled: Callable[[], bool] | None, combined: bool) -> list[str]:
    """The one transaction: every certificate issued and staged (each old one it replaces voided), or (on cancel
    or any error) none."""
    competition, issuer = facts[0][0].competition, facts[0][0].issuer
    if combined:
        batch.book = certificate.Book(batch.parsed, title=f"{_title(batch)} {competition}", author=issuer)
    with db.write() as s:
        serials = [_issue_one(s, batch, actor, one, old, cancelled) for one, old in _reporting(facts, progress)]
        if cancelled is not None and cancelled():
            raise Cancelled(CANCELLED)
        if batch.book is not None:
            _stage_book(batch, serials, competition)
    return serials


def _reporting(facts: list[tuple[issuing.Facts, str]], progress: Progress | None
               ) -> Iterator[tuple[issuing.Facts, str]]:
    """The certificates one by one; progress(done, total) before each and at the end (the first call says 0)."""
    total = len(facts)
    for done, one in enumerate(facts):
        if progress is not None:
            progress(done, total)
        yield one
    if progress is not None:
        progress(total, total)


def _issue_one(s: Session, batch: _Batch, actor: access.Actor, facts: issuing.Facts, replaces: str,
               cancelled: Callable[[], bool] | None) -> str:
    if cancelled is not None and cancelled():
        raise Cancelled(CANCELLED)

    def render(serial: str, code: str) -> bytes:
        values = _values(batch.kind, facts, serial)
        if batch.book is not None:
            batch.book.add(values, code, batch.art)
        return certificate.render(batch.parsed, values, code, batch.art, keywords=issuing.embed_keywords)

    issued = issuing.issue_in(s, facts, render, actor, key=batch.key)
    if replaces:
        issuing.void_in(s, replaces, REISSUED.format(serial=issued.serial), actor)
    batch.codes.append(issued.qr_text)
    kept = batch.keep(issued.pdf) if batch.keep is not None else None
    if kept is not None:
        batch.kept.append(kept)
    if batch.book is None:
        final = _free_name(batch, f"{issued.serial} {_safe(facts.subject)}.pdf")
        _write(batch.staging / final.name, issued.pdf)
        batch.files.append((batch.staging / final.name, final))
    return issued.serial


def _stage_book(batch: _Batch, serials: list[str], competition: str) -> None:
    assert batch.book is not None
    batch.book.set_keywords(" ".join(batch.codes), issuing.embed_keywords)  # verify says the file holds many
    span = serials[0] if len(serials) == 1 else f"{serials[0]}～{serials[-1]}"
    final = _free_name(batch, f"{_safe(_title(batch))} {_safe(competition)} {span}.pdf")
    _write(batch.staging / final.name, batch.book.finish())
    batch.files.append((batch.staging / final.name, final))


def _title(batch: _Batch) -> str:
    """The template's title (荣誉证书, 聘书) for the combined file's name and metadata."""
    return certificate.fill(batch.parsed.title, dict.fromkeys(batch.kind.fields, "")).strip()


def _safe(text: str) -> str:
    """A file-name part every system accepts: no path or reserved characters, not too long."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" .")
    return cleaned[:NAME_MAX] or "_"


def _free_name(batch: _Batch, name: str) -> Path:
    """name in out_dir, or "name (2)" when a file of that name is there already (or staged in this batch)."""
    taken = {final.name for _staged, final in batch.files}
    stem, suffix = name[:-4], name[-4:]
    candidate, n = name, 1
    while candidate in taken or (batch.out_dir / candidate).exists():
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    return batch.out_dir / candidate


def _staging(out_dir: Path) -> Path:
    """A hidden folder inside out_dir (same disk, so the final move is a rename)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".psp-certificates-", dir=out_dir))
    except OSError as exc:
        raise ValidationError(CANNOT_WRITE_FOLDER, folder=out_dir) from exc


def _write(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:  # a full disk, a folder made read-only meanwhile
        raise ValidationError(CANNOT_WRITE_FILE, path=path.parent.parent / path.name, reason=os_reason(exc)) \
            from exc


def _publish(batch: _Batch) -> list[Path]:
    """After the commit: renames within one folder (no space needed). Should one fail all the same, the issued
    files stay in the hidden folder and the message says where."""
    moved: list[Path] = []
    try:
        for staged, final in batch.files:
            os.replace(staged, final)
            moved.append(final)
    except OSError as exc:
        kept = batch.staging.with_name(batch.staging.name.lstrip("."))
        with contextlib.suppress(OSError):
            batch.staging.rename(kept)
        raise _Unpublished(NOT_MOVED, folder=batch.out_dir, reason=os_reason(exc), staging=kept) from exc
    return moved


class _Unpublished(ValidationError):
    """Issued and committed, but not moved into place: the files are kept, not removed."""

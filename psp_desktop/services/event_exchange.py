"""The judge-laptop exchange: signed files carried by USB between the office PC and laptops running judge mode.

Office → laptop: an event package (`export_package`) with one round's rubric, its open assignments (conflicted ones
left out), the proposals (blinded in a blind round) and the judges with their PIN hashes, signed with the office
PC's key. The laptop (`open_package`) checks it and builds a small local database from it that judge mode opens.

Laptop → office: a results file (`export_results`) with every sheet submitted on the laptop, signed with the
laptop's own key and numbered. The office (`import_results`) checks each file (complete, of the right type, signed by
a registered laptop, for a round of this database, not a replay of an older file) and writes its sheets in one
transaction for the whole batch. Each file is all or nothing at the file level: a rejected file writes nothing.
Inside an accepted file a sheet that cannot count (withdrawn assignment, conflict of interest) is skipped and a sheet
that disagrees with one already counted is reported as a conflict; the counted sheet is never overwritten. Files
are taken in (round, laptop, sequence) order whatever order they come in, so the same batch always gives the same
result.

File format: `PSP-SIGNED 1\\n`, the payload as canonical JSON on one line, then `ed25519 <signature hex>\\n`. The
signature covers the first two lines byte for byte, so any changed, missing or added byte is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database, open_database
from ..enums import OrgType, ProposalStatus, RoundKind, ServiceDomain, SheetStatus
from ..errors import QT_TRANSLATE_NOOP, PspError, ValidationError, os_reason
from ..models import (
    Assignment,
    Competition,
    Criterion,
    ImportedArtifact,
    Judge,
    Laptop,
    Organization,
    Proposal,
    Round,
    Score,
    ScoreSheet,
    Setting,
)
from . import access, audit, judging, laptop_keys
from .access import Permission

FORMAT = 1
PACKAGE_TYPE = "event-package"
RESULTS_TYPE = "event-results"
PACKAGE_SUFFIX = ".pspevent"
RESULTS_SUFFIX = ".pspresults"
MAGIC = b"PSP-SIGNED 1\n"
_SIGNATURE_PREFIX = b"ed25519 "
_SIGNATURE_LINE = len(_SIGNATURE_PREFIX) + 128 + 1
_SIGNATURE_RE = re.compile(rb"ed25519 [0-9a-f]{128}\n")
_KEY_RE = re.compile(r"[0-9a-f]{64}")
EVENTS_FOLDER = "events"
META_KEY = "event_package"  # the Setting that says which package a laptop's event database was built from

EMPTY = QT_TRANSLATE_NOOP("Errors", "The file is empty.")
NOT_OURS = QT_TRANSLATE_NOOP("Errors", "This is not a PSP Desktop event file.")
TRUNCATED = QT_TRANSLATE_NOOP(
    "Errors", "The file is incomplete: it ends before its signature. It was probably cut off while being copied "
    "(a USB stick removed too early); copy it again.")
APPENDED = QT_TRANSLATE_NOOP(
    "Errors", "The file has {count} unexpected bytes after its signature: it was altered or damaged.")
DAMAGED = QT_TRANSLATE_NOOP("Errors", "The file is damaged: its content cannot be read.")
BAD_SIGNATURE = QT_TRANSLATE_NOOP(
    "Errors", "The signature does not match: the file was changed after it was signed, or it is damaged.")
MALFORMED = QT_TRANSLATE_NOOP("Errors", "The file does not have the expected content ({field}).")


def _refuse(message: str, **params: object) -> ValidationError:
    return ValidationError(message, **params)


# --- the signed envelope -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    payload: dict[str, Any]
    signed: bytes  # the bytes the signature covers
    signature: bytes


def seal(payload: Mapping[str, Any], key: Any) -> bytes:
    """The file's bytes: header, canonical JSON payload, Ed25519 signature over both."""
    signed = MAGIC + audit.canonical(payload)
    return signed + b"\n" + _SIGNATURE_PREFIX + key.sign(signed).hex().encode() + b"\n"


def unseal(data: bytes) -> Sealed:
    """The payload of a well-formed file (its signature not yet checked); a clear refusal for anything else."""
    if not data:
        raise _refuse(EMPTY)
    if not data.startswith(MAGIC):
        raise _refuse(TRUNCATED if MAGIC.startswith(data) else NOT_OURS)
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise _refuse(TRUNCATED)
    body, tail = data[len(MAGIC):end], data[end + 1:]
    if len(tail) < _SIGNATURE_LINE:
        raise _refuse(TRUNCATED)
    if len(tail) > _SIGNATURE_LINE:
        raise _refuse(APPENDED, count=len(tail) - _SIGNATURE_LINE)
    if not _SIGNATURE_RE.fullmatch(tail):  # lowercase hex only: "A" and "a" must not both verify
        raise _refuse(DAMAGED)
    try:
        payload = json.loads(body.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        raise _refuse(DAMAGED) from None
    if not isinstance(payload, dict) or audit.canonical(payload) != body:
        raise _refuse(DAMAGED)
    return Sealed(payload, data[:end], bytes.fromhex(tail[len(_SIGNATURE_PREFIX):-1].decode()))


def _verify(sealed: Sealed, public_key: bytes) -> None:
    if not laptop_keys.verify(public_key, sealed.signature, sealed.signed):
        raise _refuse(BAD_SIGNATURE)


def _expect_type(payload: Mapping[str, Any], wanted: str) -> None:
    kind = payload.get("artifact")
    if kind == wanted:
        if payload.get("format") != FORMAT:
            raise _refuse(QT_TRANSLATE_NOOP(
                "Errors", "The file was made by another version of PSP Desktop (format {format}); update both PCs "
                "to the same version."), format=payload.get("format"))
        return
    if kind == PACKAGE_TYPE:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This is an event package that the office makes for the judges' laptops, not a results file."))
    if kind == RESULTS_TYPE:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This is a results file from a judge laptop, not an event package; import it at the office."))
    raise _refuse(QT_TRANSLATE_NOOP("Errors", "This file is of another kind ({kind})."), kind=str(kind))


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                      reason=os_reason(exc)) from exc


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- checking the content ----------------------------------------------------------------------------------------


def _field(data: Any, name: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _refuse(MALFORMED, field=f"{where}{name}")
    return value


def _key(data: Any, name: str, where: str = "") -> bytes:
    text = _field(data, name, str, where)
    if not _KEY_RE.fullmatch(text):
        raise _refuse(MALFORMED, field=f"{where}{name}")
    return bytes.fromhex(text)


def _named(payload: Mapping[str, Any], name: str) -> tuple[int, str]:
    part = _field(payload, name, dict)
    return _field(part, "id", int, f"{name}."), _field(part, "name", str, f"{name}.")


def _when(text: Any, where: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise _refuse(MALFORMED, field=where) from None


def _points(data: Any, where: str) -> dict[int, int]:
    if not isinstance(data, dict) or not data:
        raise _refuse(MALFORMED, field=where)
    points = {}
    for key, value in data.items():
        if not key.isdigit() or not isinstance(value, int) or isinstance(value, bool):
            raise _refuse(MALFORMED, field=where)
        points[int(key)] = value
    return points


def _points_json(points: Mapping[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(points.items())}


# --- office: laptops ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaptopInfo:
    id: int
    name: str
    fingerprint: str
    registered_at: dt.datetime


def laptops(db: Database) -> list[LaptopInfo]:
    with db.read() as s:
        return [LaptopInfo(r.id, r.name, laptop_keys.fingerprint(r.public_key), r.registered_at)
                for r in s.scalars(select(Laptop).order_by(Laptop.name))]


def register_laptop(db: Database, name: str, public_key: bytes) -> int:
    """Registers a judge laptop's public key under its name (nothing changes when it is registered already)."""
    actor = access.require(db, Permission.EVENT_EXCHANGE)
    with db.write() as s:
        return _register(s, actor, name, public_key).id


def _register(s: Session, actor: access.Actor, name: str, public_key: bytes) -> Laptop:
    name = name.strip()
    if not name or len(name) > laptop_keys.NAME_LENGTH:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "A laptop name has 1 to {max} characters."),
                      max=laptop_keys.NAME_LENGTH)
    if len(public_key) != 32:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "A laptop public key has 32 bytes (64 hexadecimal digits)."))
    by_name = s.scalar(select(Laptop).where(Laptop.name == name))
    by_key = s.scalar(select(Laptop).where(Laptop.public_key == public_key))
    if by_name is not None and by_name is by_key:
        return by_name
    if by_name is not None:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "A laptop named “{name}” is registered already with another key ({fingerprint})."),
            name=name, fingerprint=laptop_keys.fingerprint(by_name.public_key))
    if by_key is not None:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This key is registered already for the laptop “{other}”, not “{name}”."),
            other=by_key.name, name=name)
    laptop = Laptop(name=name, public_key=public_key, registered_at=audit.now())
    s.add(laptop)
    s.flush()
    audit.log(s, actor, "laptop.register", "laptop", laptop.id,
              after={"name": name, "public_key": public_key.hex()})
    return laptop


# --- office: the event package -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageSummary:
    path: Path
    sha256: str
    competition: str
    round: str
    judges: int
    proposals: int
    assignments: int
    excluded: int  # conflicted assignments left out
    without_pin: tuple[str, ...]  # judges who cannot sign in on the laptop
    laptop: str


def export_package(db: Database, round_id: int, out: Path, *, laptop: tuple[str, bytes] | None = None,
                   home: Path | None = None) -> PackageSummary:
    """The event package of an open round, signed with this PC's key and written whole or not at all; with
    `laptop` (name, public key) that laptop is registered for its results."""
    actor = access.require(db, Permission.EVENT_EXCHANGE)
    key = laptop_keys.private_key(home)
    office = laptop_keys.laptop_identity(home)
    with db.write() as s:
        round_ = judging._open_round(s, round_id)
        if laptop is not None:
            _register(s, actor, *laptop)
        payload = _package_payload(s, round_, office, laptop)
        if not payload["assignments"]:
            raise _refuse(QT_TRANSLATE_NOOP(
                "Errors", "Round “{round}” has no open assignments to take to the laptops."), round=round_.name)
        data = seal(payload, key)
        digest = _sha256(data)
        without_pin = tuple(j["name"] for j in payload["judges"] if not j["pin_hash"])
        audit.log(s, actor, "event.export", "round", round_id, after={
            "sha256": digest, "laptop": laptop[0] if laptop else "", "judges": len(payload["judges"]),
            "assignments": len(payload["assignments"]), "excluded": payload["excluded"]})
        path = laptop_keys.write_atomically(out, data)  # a failed write rolls the log entry back
    return PackageSummary(path, digest, payload["competition"]["name"], round_.name, len(payload["judges"]),
                          len(payload["proposals"]), len(payload["assignments"]), payload["excluded"], without_pin,
                          laptop[0] if laptop else "")


def _package_payload(s: Session, round_: Round, office: laptop_keys.Identity,
                     laptop: tuple[str, bytes] | None) -> dict[str, Any]:
    competition = s.get(Competition, round_.competition_id)
    assert competition is not None
    rows = s.execute(select(Assignment, Proposal, ScoreSheet.status).join(Proposal).outerjoin(ScoreSheet)
                     .where(Assignment.round_id == round_.id).order_by(Assignment.id)).all()
    conflicts: dict[int, set[int]] = {}
    assignments, proposals, judge_ids, excluded = [], {}, set(), 0
    for assignment, proposal, status in rows:
        if status == SheetStatus.SUBMITTED:  # counted already: nothing to do on a laptop
            continue
        if assignment.judge_id not in conflicts:
            conflicts[assignment.judge_id] = judging.conflicted_orgs(s, assignment.judge_id)
        if proposal.organization_id in conflicts[assignment.judge_id]:
            excluded += 1
            continue
        assignments.append({"id": assignment.id, "judge_id": assignment.judge_id, "proposal_id": proposal.id})
        judge_ids.add(assignment.judge_id)
        proposals[proposal.id] = proposal
    judges = s.scalars(select(Judge).where(Judge.id.in_(judge_ids)).order_by(Judge.id)).all()
    return {
        "artifact": PACKAGE_TYPE, "format": FORMAT, "made_at": audit.now().isoformat(),
        "office": {"name": office.name, "public_key": office.public_hex},
        "laptop": {"name": laptop[0].strip(), "public_key": laptop[1].hex()} if laptop else None,
        "competition": {"id": competition.id, "name": competition.name, "year": competition.year},
        "round": {"id": round_.id, "name": round_.name, "seq": round_.seq, "kind": round_.kind.value,
                  "blind": round_.blind, "step_x100": round_.score_step_x100,
                  "judges_per_proposal": round_.judges_per_proposal,
                  "criteria": [{"id": c.id, "seq": c.seq, "name": c.name, "description": c.description,
                                "max_x100": c.max_points_x100, "weight_percent": c.weight_percent,
                                "bonus": c.is_bonus} for c in round_.criteria]},
        "proposals": [_proposal_entry(s, p, round_.blind) for _id, p in sorted(proposals.items())],
        "judges": [{"id": j.id, "name": j.name, "pin_hash": j.pin_hash or "", "public_juror": j.is_public_juror,
                    "active": j.active} for j in judges],
        "assignments": assignments,
        "excluded": excluded,
    }


def _proposal_entry(s: Session, proposal: Proposal, blind: bool) -> dict[str, Any]:
    """What a judge reads; in a blind round no organization, and its name taken out of the summary too."""
    org = s.get(Organization, proposal.organization_id)
    org_name = org.name if org else ""
    entry: dict[str, Any] = {"id": proposal.id, "intake_number": proposal.intake_number or "",
                             "title": proposal.title, "domain": proposal.domain.value}
    if blind:
        entry["summary"] = judging.blinded(proposal.summary, org_name)
    else:
        entry["summary"] = proposal.summary
        entry["organization"] = {"id": proposal.organization_id, "name": org_name}
    return entry


# --- laptop: opening a package -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedEvent:
    db: Database
    path: Path
    competition: str
    round: str
    package_sha256: str
    judges: int
    assignments: int
    carried: int  # sheets already submitted on this laptop under an earlier package of the round


def read_package(path: Path) -> tuple[dict[str, Any], str]:
    """A verified package's payload and the file's SHA-256 (the office key is the one inside the package)."""
    data = _read(path)
    sealed = unseal(data)
    _expect_type(sealed.payload, PACKAGE_TYPE)
    _verify(sealed, _key(sealed.payload.get("office"), "public_key", "office."))
    return sealed.payload, _sha256(data)


def open_package(path: Path, *, home: Path | None = None, trust_new_office: bool = False) -> OpenedEvent:
    """Checks a package and opens the laptop's database built from it (built on first opening; opening the same
    package again keeps the judges' work). The first office key seen is trusted from then on."""
    payload, digest = read_package(path)
    office_key = _key(payload["office"], "public_key", "office.")
    state = laptop_keys.read_state(home)
    trusted = state.get("trusted_office")
    if trusted and trusted != office_key.hex() and not trust_new_office:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This package was signed by another office PC (key {fingerprint}) than the one this laptop "
            "trusts (key {trusted}). If the office really changed PCs, open it with --trust-new-office."),
            fingerprint=laptop_keys.fingerprint(office_key), trusted=laptop_keys.fingerprint(bytes.fromhex(trusted)))
    identity = laptop_keys.laptop_identity(home)
    meant = payload.get("laptop")
    if isinstance(meant, dict) and _key(meant, "public_key", "laptop.") != identity.public_key:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This package was made for the laptop “{name}”; this laptop is “{mine}”. Ask the office for "
            "a package made for this laptop."), name=str(meant.get("name")), mine=identity.name)
    round_id, round_name = _named(payload, "round")
    target = laptop_keys.home_dir(home) / EVENTS_FOLDER / f"round-{round_id}-{digest[:12]}.db"
    previous = state.get("current_event")
    db, carried = _event_database(target, payload, digest,
                                  Path(previous) if previous and Path(previous) != target else None)
    state.update(trusted_office=office_key.hex(), current_event=str(target))
    laptop_keys.write_state(state, home)
    return OpenedEvent(db, target, payload["competition"]["name"], round_name, digest, len(payload["judges"]),
                       len(payload["assignments"]), carried)


def _event_database(target: Path, payload: dict[str, Any], digest: str,
                    previous: Path | None) -> tuple[Database, int]:
    if target.exists():
        db = open_database(target, create=False)
        if (event_meta(db) or {}).get("package_sha256") == digest:
            return db, 0
        db.close()  # a build that was cut short: made again
        _remove_database(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(target)
    try:
        with db.write() as s:
            _fill(s, payload, digest)
            carried = _carry_over(s, previous, payload) if previous else 0
    except BaseException:
        db.close()
        _remove_database(target)
        raise
    return db, carried


def _remove_database(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def _fill(s: Session, payload: dict[str, Any], digest: str) -> None:
    """The package's rows under the office's own ids, so the results name them without any translation."""
    try:
        competition, round_ = payload["competition"], payload["round"]
        s.add(Competition(id=competition["id"], name=competition["name"], year=competition["year"]))
        s.add(Round(id=round_["id"], competition_id=competition["id"], seq=round_["seq"], name=round_["name"],
                    kind=RoundKind(round_["kind"]), blind=round_["blind"], score_step_x100=round_["step_x100"],
                    judges_per_proposal=round_["judges_per_proposal"]))
        s.add_all(Criterion(id=c["id"], round_id=round_["id"], seq=c["seq"], name=c["name"],
                            description=c["description"], max_points_x100=c["max_x100"],
                            weight_percent=c["weight_percent"], is_bonus=c["bonus"]) for c in round_["criteria"])
        hidden = Organization(id=1, name=judging.BLINDED, org_type=OrgType.OTHER)
        orgs = {p["organization"]["id"]: p["organization"]["name"] for p in payload["proposals"]
                if "organization" in p}
        s.add_all(Organization(id=i, name=name, org_type=OrgType.OTHER) for i, name in orgs.items())
        if not orgs:
            s.add(hidden)
        s.flush()
        s.add_all(Proposal(id=p["id"], competition_id=competition["id"],
                           organization_id=p["organization"]["id"] if "organization" in p else hidden.id,
                           intake_number=p["intake_number"] or None, title=p["title"],
                           domain=ServiceDomain(p["domain"]), summary=p["summary"], status=ProposalStatus.IN_REVIEW)
                  for p in payload["proposals"])
        s.add_all(Judge(id=j["id"], name=j["name"], pin_hash=j["pin_hash"] or None, active=j["active"],
                        is_public_juror=j["public_juror"]) for j in payload["judges"])
        s.flush()
        s.add_all(Assignment(id=a["id"], round_id=round_["id"], judge_id=a["judge_id"], proposal_id=a["proposal_id"])
                  for a in payload["assignments"])
        s.add(Setting(key=META_KEY, value={
            "package_sha256": digest, "competition": {"id": competition["id"], "name": competition["name"]},
            "round": {"id": round_["id"], "name": round_["name"]}, "office": payload["office"],
            "made_at": payload["made_at"]}))
        s.flush()
    except (KeyError, TypeError, ValueError) as exc:  # signed by the office, but not what this version expects
        raise _refuse(MALFORMED, field=str(exc)) from exc


def _carry_over(s: Session, previous: Path, payload: dict[str, Any]) -> int:
    """Sheets submitted on this laptop under an earlier package of the same round, and not yet counted at the
    office (the new package still has them open), come along: a new package never loses a judge's work."""
    if not previous.exists():
        return 0
    try:
        old = open_database(previous, create=False)
    except PspError:
        return 0  # a damaged old database stays where it is, untouched
    try:
        meta = event_meta(old) or {}
        if meta.get("round", {}).get("id") != payload["round"]["id"]:
            return 0
        sheets = _submitted_sheets(old)
    finally:
        old.close()
    round_ = s.get(Round, payload["round"]["id"])
    assert round_ is not None
    open_ = {(a.judge_id, a.proposal_id): a for a in s.scalars(select(Assignment))}
    carried = 0
    for sheet in sheets:
        assignment = open_.get((sheet["judge_id"], sheet["proposal_id"]))
        points = {int(k): v for k, v in sheet["points"].items()}
        try:
            judging.check_points(round_, points, complete=True)
        except ValidationError:
            continue
        if assignment is None:
            continue
        s.add(ScoreSheet(assignment=assignment, status=SheetStatus.SUBMITTED, comment=sheet["comment"],
                         submitted_at=dt.datetime.fromisoformat(sheet["submitted_at"]), source="screen",
                         scores=[Score(criterion_id=c.id, points_x100=points[c.id], max_points_x100=c.max_points_x100)
                                 for c in round_.criteria]))
        carried += 1
    s.flush()
    return carried


def event_meta(db: Database) -> dict[str, Any] | None:
    """Which package a laptop's event database was built from; None for any other database."""
    with db.read() as s:
        setting = s.get(Setting, META_KEY)
        return dict(setting.value) if setting is not None and setting.value else None


def current_event(home: Path | None = None) -> Path | None:
    """The event database of the package opened last on this laptop."""
    current = laptop_keys.read_state(home).get("current_event")
    return Path(current) if current else None


# --- laptop: the results file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsSummary:
    path: Path
    sha256: str
    sequence: int
    sheets: int
    laptop: str
    competition: str
    round: str


def export_results(out: Path, *, home: Path | None = None, event_db: Path | None = None) -> ResultsSummary:
    """Every sheet submitted on this laptop, numbered and signed with the laptop's key, written whole or not at
    all (a USB stick pulled out midway leaves no file under the final name)."""
    source = event_db or current_event(home)
    if source is None or not Path(source).exists():
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "No event package has been opened on this PC yet."))
    db = open_database(source, create=False)
    try:
        meta = event_meta(db)
        if meta is None:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "{path} is not a judge laptop's event database."),
                          path=source)
        sheets = _submitted_sheets(db)
    finally:
        db.close()
    identity, key = laptop_keys.laptop_identity(home), laptop_keys.private_key(home)
    sequence = laptop_keys.next_sequence(home)
    payload = {
        "artifact": RESULTS_TYPE, "format": FORMAT, "made_at": audit.now().isoformat(),
        "competition": meta["competition"], "round": meta["round"], "package_sha256": meta["package_sha256"],
        "office_public_key": meta["office"]["public_key"],
        "laptop": {"name": identity.name, "public_key": identity.public_hex}, "sequence": sequence,
        "sheets": sheets,
    }
    data = seal(payload, key)
    path = laptop_keys.write_atomically(out, data)
    return ResultsSummary(path, _sha256(data), sequence, len(sheets), identity.name, meta["competition"]["name"],
                          meta["round"]["name"])


def _submitted_sheets(db: Database) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.execute(select(ScoreSheet, Assignment, Judge.name, Proposal.intake_number)
                         .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
                         .join(Judge, Judge.id == Assignment.judge_id)
                         .join(Proposal, Proposal.id == Assignment.proposal_id)
                         .where(ScoreSheet.status == SheetStatus.SUBMITTED)
                         .order_by(Assignment.judge_id, Assignment.proposal_id)).all()
        return [{"judge_id": a.judge_id, "judge": judge, "proposal_id": a.proposal_id,
                 "intake_number": number or "", "comment": sheet.comment,
                 "points": _points_json({sc.criterion_id: sc.points_x100 for sc in sheet.scores}),
                 "submitted_at": (sheet.submitted_at or audit.now()).isoformat()}
                for sheet, a, judge, number in rows]


# --- office: importing results -----------------------------------------------------------------------------------


ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"


@dataclass(frozen=True)
class SheetNote:
    """A sheet of an accepted file that was not written: a conflict with a counted sheet, or one that cannot
    count any more (skipped)."""

    judge: str
    proposal: str
    conflict: bool
    reason: PspError


@dataclass(frozen=True)
class FileReport:
    file: str
    sha256: str
    status: str  # accepted / duplicate / rejected
    reason: PspError | None = None
    laptop: str = ""
    round: str = ""
    sequence: int = 0
    added: int = 0
    unchanged: int = 0
    notes: tuple[SheetNote, ...] = ()

    @property
    def conflicts(self) -> tuple[SheetNote, ...]:
        return tuple(n for n in self.notes if n.conflict)

    @property
    def skipped(self) -> tuple[SheetNote, ...]:
        return tuple(n for n in self.notes if not n.conflict)


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def conflicts(self) -> tuple[SheetNote, ...]:
        return tuple(n for f in self.files for n in f.conflicts)


@dataclass
class _Incoming:
    index: int
    name: str
    data: bytes
    sha256: str
    sealed: Sealed
    laptop: str
    public_key: bytes
    sequence: int
    competition: tuple[int, str]
    round: tuple[int, str]

    @property
    def order(self) -> tuple[int, str, int, str]:
        return self.round[0], self.laptop, self.sequence, self.sha256


@dataclass
class _Known:
    """What the batch knows inside its transaction, read once (thousands of damaged files cost no queries)."""

    imported: dict[str, dt.datetime] = field(default_factory=dict)
    last_sequence: dict[tuple[int, int], int] = field(default_factory=dict)
    by_name: dict[str, Laptop] = field(default_factory=dict)
    by_key: dict[bytes, Laptop] = field(default_factory=dict)

    @classmethod
    def read(cls, s: Session, shas: Sequence[str]) -> _Known:
        known = cls()
        for laptop in s.scalars(select(Laptop)):
            known.add(laptop)
        for start in range(0, len(shas), 500):
            known.imported.update(s.execute(select(ImportedArtifact.sha256, ImportedArtifact.imported_at)
                                            .where(ImportedArtifact.sha256.in_(shas[start:start + 500]))).all())
        return known

    def add(self, laptop: Laptop) -> None:
        self.by_name[laptop.name] = laptop
        self.by_key[laptop.public_key] = laptop


def import_results(db: Database, paths: Iterable[Path], *, register_laptops: bool = False) -> ImportReport:
    """Imports judges' results files; see the module's docstring for what is checked and written."""
    access.require(db, Permission.EVENT_EXCHANGE)
    items: list[tuple[str, bytes | PspError]] = []
    for path in paths:
        try:
            items.append((Path(path).name, _read(Path(path))))
        except PspError as exc:
            items.append((Path(path).name, exc))
    return import_payloads(db, items, register_laptops=register_laptops)


def import_payloads(db: Database, items: Sequence[tuple[str, bytes | PspError]], *,
                    register_laptops: bool = False) -> ImportReport:
    """The same from bytes already read (a file that could not be read comes as its error)."""
    actor = access.require(db, Permission.EVENT_EXCHANGE)
    reports: dict[int, FileReport] = {}
    incoming: list[_Incoming] = []
    for index, (name, data) in enumerate(items):
        if isinstance(data, PspError):
            reports[index] = FileReport(name, "", REJECTED, data)
            continue
        try:
            incoming.append(_unpack(index, name, data))
        except ValidationError as exc:
            reports[index] = FileReport(name, _sha256(data), REJECTED, exc)
    if incoming:
        with db.write() as s:
            known = _Known.read(s, sorted({i.sha256 for i in incoming}))
            for item in sorted(incoming, key=lambda i: i.order):
                reports[item.index] = _take(s, actor, known, item, register_laptops)
    return ImportReport(tuple(reports[i] for i in range(len(items))))


def _unpack(index: int, name: str, data: bytes) -> _Incoming:
    """The checks that need no database: complete, well formed, of the right type, with the fields named."""
    sealed = unseal(data)
    payload = sealed.payload
    _expect_type(payload, RESULTS_TYPE)
    laptop = _field(payload, "laptop", dict)
    sequence = _field(payload, "sequence", int)
    if sequence < 1:
        raise _refuse(MALFORMED, field="sequence")
    return _Incoming(index, name, data, _sha256(data), sealed, _field(laptop, "name", str, "laptop.").strip(),
                     _key(laptop, "public_key", "laptop."), sequence, _named(payload, "competition"),
                     _named(payload, "round"))


def _take(s: Session, actor: access.Actor, known: _Known, item: _Incoming, register: bool) -> FileReport:
    base = FileReport(item.name, item.sha256, REJECTED, laptop=item.laptop, round=item.round[1],
                      sequence=item.sequence)
    when = known.imported.get(item.sha256)
    if when is not None:
        return _replace(base, status=DUPLICATE, reason=_refuse(QT_TRANSLATE_NOOP(
            "Errors", "This file was imported already ({when}); nothing changed."), when=f"{when:%Y-%m-%d %H:%M}"))
    try:
        laptop = _laptop_for(known, item, register)
        _verify(item.sealed, item.public_key)
        sheets = _sheets_of(item.sealed.payload)
        round_ = _round_for(s, item)
        last = known.last_sequence.get((laptop.id, round_.id)) if laptop.id else None
        if last is None and laptop.id:
            last = s.scalar(select(func.max(ImportedArtifact.sequence)).where(
                ImportedArtifact.laptop_id == laptop.id, ImportedArtifact.round_id == round_.id))
        if last is not None and item.sequence <= last:
            raise _refuse(QT_TRANSLATE_NOOP(
                "Errors", "This is an older file from the laptop “{laptop}” (number {sequence}; number {last} has "
                "been imported already): a replayed or out-of-date copy."),
                laptop=item.laptop, sequence=item.sequence, last=last)
    except ValidationError as exc:
        return _replace(base, reason=exc)
    if not laptop.id:
        laptop = _register(s, actor, laptop.name, laptop.public_key)
        known.add(laptop)
    added, unchanged, notes = _write_sheets(s, round_, sheets)
    s.add(ImportedArtifact(sha256=item.sha256, artifact_type=RESULTS_TYPE, laptop_id=laptop.id, round_id=round_.id,
                           sequence=item.sequence, imported_at=audit.now()))
    known.imported[item.sha256] = audit.now()
    known.last_sequence[laptop.id, round_.id] = item.sequence
    audit.log(s, actor, "event.import", "laptop", laptop.id, after={
        "file": item.name, "sha256": item.sha256, "laptop": laptop.name, "round": round_.id,
        "sequence": item.sequence, "sheets": len(sheets), "added": added, "unchanged": unchanged,
        "conflicts": [f"{n.judge} / {n.proposal}" for n in notes if n.conflict],
        "skipped": [f"{n.judge} / {n.proposal}" for n in notes if not n.conflict]})
    return _replace(base, status=ACCEPTED, added=added, unchanged=unchanged, notes=tuple(notes))


def _replace(report: FileReport, **changes: Any) -> FileReport:
    from dataclasses import replace

    return replace(report, **changes)


def _laptop_for(known: _Known, item: _Incoming, register: bool) -> Laptop:
    """The registered laptop the file names, signed with its key; or, when registering, a new (unsaved) one."""
    laptop = known.by_name.get(item.laptop)
    if laptop is not None:
        if laptop.public_key != item.public_key:
            raise _refuse(QT_TRANSLATE_NOOP(
                "Errors", "The file says it comes from the laptop “{laptop}” but it is not signed with that laptop's "
                "registered key."), laptop=item.laptop)
        return laptop
    other = known.by_key.get(item.public_key)
    if other is not None:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "The file calls its laptop “{laptop}”, but its key is registered for the laptop “{other}”."),
            laptop=item.laptop, other=other.name)
    if not register:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "Unknown laptop “{laptop}” (key {fingerprint}): register it when making its event package, or "
            "import with “register laptops not seen before” if you trust this file."),
            laptop=item.laptop, fingerprint=laptop_keys.fingerprint(item.public_key))
    if not item.laptop or len(item.laptop) > laptop_keys.NAME_LENGTH:
        raise _refuse(MALFORMED, field="laptop.name")
    return Laptop(name=item.laptop, public_key=item.public_key)  # added once the whole file has passed


def _round_for(s: Session, item: _Incoming) -> Round:
    (competition_id, competition_name), (round_id, round_name) = item.competition, item.round
    round_ = s.get(Round, round_id)
    competition = s.get(Competition, competition_id)
    if (round_ is None or competition is None or round_.competition_id != competition_id
            or round_.name != round_name or competition.name != competition_name):
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "This file is for “{competition}”, round “{round}”, which is not in this database: it comes "
            "from another competition or another office."), competition=competition_name, round=round_name)
    if round_.frozen:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "The results of round “{round}” are frozen; reopen the round formally before importing "
            "scores."), round=round_.name)
    return round_


@dataclass(frozen=True)
class _Sheet:
    judge_id: int
    proposal_id: int
    points: dict[int, int]
    comment: str
    submitted_at: dt.datetime


def _sheets_of(payload: Mapping[str, Any]) -> list[_Sheet]:
    sheets = []
    for i, raw in enumerate(_field(payload, "sheets", list)):
        where = f"sheets[{i}]."
        sheets.append(_Sheet(_field(raw, "judge_id", int, where), _field(raw, "proposal_id", int, where),
                             _points(raw.get("points"), f"{where}points"), _field(raw, "comment", str, where),
                             _when(raw.get("submitted_at"), f"{where}submitted_at")))
    if len({(sh.judge_id, sh.proposal_id) for sh in sheets}) != len(sheets):
        raise _refuse(MALFORMED, field="sheets")
    return sheets


def _write_sheets(s: Session, round_: Round, sheets: Sequence[_Sheet]) -> tuple[int, int, list[SheetNote]]:
    added = unchanged = 0
    notes: list[SheetNote] = []
    for sheet in sheets:
        outcome = _write_one(s, round_, sheet)
        if outcome is None:
            added += 1
        elif outcome is True:
            unchanged += 1
        else:
            notes.append(outcome)
    return added, unchanged, notes


def _write_one(s: Session, round_: Round, sheet: _Sheet) -> SheetNote | bool | None:
    """None: written; True: the same sheet is counted already; a note: not written, and why."""
    judge, proposal = s.get(Judge, sheet.judge_id), s.get(Proposal, sheet.proposal_id)
    judge_name = judge.name if judge else f"#{sheet.judge_id}"
    label = (proposal.intake_number or proposal.title) if proposal else f"#{sheet.proposal_id}"

    def note(message: str, conflict: bool = False, **params: object) -> SheetNote:
        return SheetNote(judge_name, label, conflict, _refuse(message, judge=judge_name, proposal=label, **params))

    assignment = s.scalar(select(Assignment).where(Assignment.round_id == round_.id,
                                                   Assignment.judge_id == sheet.judge_id,
                                                   Assignment.proposal_id == sheet.proposal_id))
    if assignment is None or judge is None or proposal is None:
        return note(QT_TRANSLATE_NOOP(
            "Errors", "{judge} is no longer assigned “{proposal}” at the office; the sheet was not counted."))
    if proposal.organization_id in judging.conflicted_orgs(s, judge.id):
        return note(QT_TRANSLATE_NOOP(
            "Errors", "{judge} has a conflict of interest with the applicant of “{proposal}”; the sheet was not "
            "counted."))
    existing = assignment.sheet
    if existing is not None and existing.status == SheetStatus.SUBMITTED:
        counted = {sc.criterion_id: sc.points_x100 for sc in existing.scores}
        if counted == sheet.points:
            return True
        return note(QT_TRANSLATE_NOOP(
            "Errors", "{judge} on “{proposal}”: the office counts {counted}, this file says {incoming}. The counted "
            "sheet was kept."), True, counted=_points_text(round_, counted),
            incoming=_points_text(round_, sheet.points))
    if existing is not None and existing.status == SheetStatus.REOPENED:
        return note(QT_TRANSLATE_NOOP(
            "Errors", "{judge} on “{proposal}”: the sheet was reopened at the office for correction; this file's "
            "scores were not written over it."), True)
    try:
        judging.check_points(round_, sheet.points, complete=True)
    except ValidationError as exc:  # the rubric changed since the package was made
        return SheetNote(judge_name, label, False, exc)
    written = judging._write_sheet(s, assignment, sheet.points, sheet.comment, submit=True, source="laptop",
                                   by=judge.name, role="judge")
    written.submitted_at = sheet.submitted_at  # when the judge submitted it, not when the USB stick came back
    return None


def _points_text(round_: Round, points: Mapping[int, int]) -> str:
    names = {c.id: c.name for c in round_.criteria}
    return " · ".join(f"{names.get(k, k)} {judging.points_label(v)}" for k, v in sorted(points.items()))


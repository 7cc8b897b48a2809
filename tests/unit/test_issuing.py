"""The register of issued documents (services.issuing): serials per type and year, signed codes that verify as
genuine, voided, forged or unknown, PDF files checked by their SHA-256, the change log and its seal over the
register, and who may issue. The renderer here is a tiny reportlab page carrying the code in its Keywords, as the
certificate renderer does."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from psp_desktop.db import Database, open_database
from psp_desktop.enums import DocumentType, Role
from psp_desktop.errors import ValidationError
from psp_desktop.models import AuditEntry, IssuedDocument, Setting
from psp_desktop.services import audit, issuing, laptop_keys
from psp_desktop.services.access import Actor, NotAllowed

AWARD, LETTER, PARTICIPATION = (DocumentType.AWARD_CERTIFICATE, DocumentType.APPOINTMENT_LETTER,
                                DocumentType.PARTICIPATION_CERTIFICATE)
LONG_NAME = "临江区望江街道阳光家园社区居家养老服务与志愿者发展促进中心"  # 29 characters, longer than most


def facts(doc_type: DocumentType = AWARD, subject: str = "望江街道阳光社会工作服务中心", *,
          on: dt.date = dt.date(2026, 11, 27), title: str = "银龄互助·社区独居老人关爱项目") -> issuing.Facts:
    detail = "一等奖" if doc_type is AWARD else ("评审专家" if doc_type is LETTER else "")
    return issuing.Facts(doc_type, subject, title, detail, "2026年望江街道社区公益创投大赛", "望江街道办事处", on)


def page(serial: str, code: str) -> bytes:
    """A one-page certificate: the serial drawn, the code in the Keywords."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    issuing.embed_keywords(canvas, code)
    canvas.drawString(72, 720, f"No. {serial}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def count(db: Database, model: Any) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def state(db: Database) -> tuple[int, int, int]:
    return count(db, IssuedDocument), count(db, AuditEntry), count(db, Setting)


def changed(text: str, index: int) -> str:
    """text with the character at index replaced by another base64url character."""
    replacement = "B" if text[index] != "B" else "C"
    return text[:index] + replacement + text[index + 1:]


def forge(payload: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """A code with any payload, signed with any key (what a forger with their own key can make)."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = squeezer.compress(audit.canonical(payload)) + squeezer.flush()
    return f"PSP1.{issuing._b64(packed)}.{issuing._b64(key.sign(issuing.DOMAIN + packed))}"


# --- issuing and verifying ------------------------------------------------------------------------------------------


def test_an_issued_document_verifies_as_genuine(database: Database) -> None:
    issued = issuing.issue(database, facts(), page)
    assert issued.serial == "HJ2026-0001" and issued.qr_text.startswith("PSP1.")
    assert issuing.pdf_keywords(issued.pdf) == issued.qr_text
    verdict = issuing.verify(database, issued.qr_text)
    assert (verdict.status, verdict.serial, verdict.genuine) == ("genuine", "HJ2026-0001", True)
    assert verdict.facts == {"doc_type": "award_certificate", "subject": "望江街道阳光社会工作服务中心",
                             "title": "银龄互助·社区独居老人关爱项目", "detail": "一等奖",
                             "competition": "2026年望江街道社区公益创投大赛", "issuer": "望江街道办事处",
                             "issued_on": "2026-11-27"}
    public = laptop_keys.public_bytes(laptop_keys.private_key())
    assert issuing.document_keys(database) == {issuing.key_id(public): public}
    [entry] = issuing.entries(database)
    assert (entry.serial, entry.subject, entry.title, entry.qr_text, entry.voided) == (
        "HJ2026-0001", "望江街道阳光社会工作服务中心", "银龄互助·社区独居老人关爱项目", issued.qr_text, False)
    assert entry.sha256 == issued.sha256 and len(entry.sha_short) == 12


def test_a_scanned_code_with_line_breaks_is_the_same_code(database: Database) -> None:
    code = issuing.issue(database, facts(), page).qr_text
    assert issuing.verify(database, f"  {code[:100]}\n{code[100:300]}\r\n{code[300:]}\n").status == "genuine"


def test_the_code_fits_a_small_qr_code_even_for_a_long_chinese_name(database: Database) -> None:
    title = "银龄互助·邻里守望——社区独居老人关爱与智能手机课堂及助餐服务项目"
    issued = issuing.issue(database, facts(subject=LONG_NAME + "有限公司", title=title), page)
    assert len(issued.qr_text.encode()) < 600
    payload, signature = issuing.read_qr(issued.qr_text)
    assert payload["s"] == issued.serial and payload["f"]["n"] == LONG_NAME + "有限公司" and len(signature) == 64


@pytest.mark.parametrize("where", ["payload start", "payload middle", "payload end", "signature middle",
                                   "signature end", "prefix"])
def test_one_character_changed_is_forged(database: Database, where: str) -> None:
    code = issuing.issue(database, facts(), page).qr_text
    payload_part, signature_part = code.split(".")[1:]
    start, sig_start = len("PSP1."), len("PSP1.") + len(payload_part) + 1
    index = {"payload start": start, "payload middle": start + len(payload_part) // 2,
             "payload end": sig_start - 2, "signature middle": sig_start + len(signature_part) // 2,
             "signature end": len(code) - 1, "prefix": 1}[where]
    verdict = issuing.verify(database, changed(code, index))
    assert verdict.status == "forged", where
    assert not verdict.genuine


def test_a_code_signed_with_another_pcs_key_is_forged(database: Database) -> None:
    issued = issuing.issue(database, facts(), page)
    stranger = Ed25519PrivateKey.generate()  # a PC whose key this database never registered
    copied = issuing.qr_text(issued.serial, facts(), stranger)
    verdict = issuing.verify(database, copied)
    assert verdict.status == "forged" and verdict.reason == issuing.R_UNKNOWN_KEY
    assert verdict.params["key"] == issuing.key_id(laptop_keys.public_bytes(stranger))
    payload, _signature = issuing.read_qr(issued.qr_text)  # the office's key id, but not its signature
    verdict = issuing.verify(database, forge({**payload, "f": {**payload["f"], "d": "特等奖"}}, stranger))
    assert verdict.status == "forged" and verdict.reason == issuing.R_BAD_SIGNATURE
    assert verdict.facts["detail"] == "特等奖"  # shown, so staff see what the forger claimed


def test_a_voided_document_verifies_as_voided(database: Database) -> None:
    issued = issuing.issue(database, facts(), page)
    issuing.void(database, issued.serial, "获奖单位名称有误，已重新颁发")
    verdict = issuing.verify(database, issued.qr_text)
    assert verdict.status == "voided" and not verdict.genuine
    assert verdict.facts["void_reason"] == "获奖单位名称有误，已重新颁发"
    assert "获奖单位名称有误" in verdict.render()
    [entry] = issuing.entries(database)
    assert entry.voided and entry.void_reason == "获奖单位名称有误，已重新颁发" and entry.voided_at is not None
    assert issuing.entries(database, include_voided=False) == []


def test_voiding_needs_a_reason_a_known_serial_and_happens_once(database: Database) -> None:
    issued = issuing.issue(database, facts(), page)
    before = state(database)
    with pytest.raises(ValidationError, match="Give the reason"):
        issuing.void(database, issued.serial, "  ")
    with pytest.raises(ValidationError, match="No issued document has the serial HJ2026-0099"):
        issuing.void(database, "HJ2026-0099", "错发")
    assert state(database) == before
    issuing.void(database, issued.serial, "错发")
    with pytest.raises(ValidationError, match="voided already"):
        issuing.void(database, issued.serial, "再次作废")


def test_a_valid_code_from_another_register_is_unknown(database: Database, tmp_path: Path) -> None:
    issuing.issue(database, facts(LETTER, "张明"), page)  # this PC's key is registered here too
    other = open_database(tmp_path / "other-office.db")  # another database, the same PC and key
    try:
        elsewhere = issuing.issue(other, facts(subject="另一个街道的社会组织"), page)
        twin = issuing.issue(other, facts(subject="另一个街道的社会组织", on=dt.date(2026, 12, 1)), page)
    finally:
        other.close()
    assert elsewhere.serial == "HJ2026-0001"
    verdict = issuing.verify(database, elsewhere.qr_text)
    assert (verdict.status, verdict.reason, verdict.serial) == ("unknown", issuing.R_NOT_IN_REGISTER, "HJ2026-0001")
    assert verdict.facts["subject"] == "另一个街道的社会组织"
    issuing.issue(database, facts(), page)  # now this register has its own HJ2026-0001 and HJ2026-0002 …
    issuing.issue(database, facts(subject="第二家"), page)
    for code in (elsewhere.qr_text, twin.qr_text):  # … which are different documents
        verdict = issuing.verify(database, code)
        assert (verdict.status, verdict.reason) == ("unknown", issuing.R_OTHER_DOCUMENT)


def test_a_pdf_file_is_verified_and_one_changed_byte_is_forged(database: Database, tmp_path: Path) -> None:
    issued = issuing.issue(database, facts(), page)
    original = tmp_path / "获奖证书.pdf"
    original.write_bytes(issued.pdf)
    verdict = issuing.verify(database, str(original))
    assert (verdict.status, verdict.reason) == ("genuine", issuing.R_GENUINE_FILE)
    assert issuing.verify(database, original).status == "genuine"  # a Path too
    content = issued.pdf.index(b"stream") + 20  # a byte of the page, not of the code
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(issued.pdf[:content] + bytes([issued.pdf[content] ^ 0x01]) + issued.pdf[content + 1:])
    verdict = issuing.verify(database, str(altered))
    assert (verdict.status, verdict.reason, verdict.serial) == ("forged", issuing.R_FILE_CHANGED, issued.serial)
    at = issued.pdf.index(issued.qr_text.encode()) + 40  # a byte of the code itself
    in_code = tmp_path / "code-altered.pdf"
    in_code.write_bytes(issued.pdf[:at] + (b"A" if issued.pdf[at:at + 1] != b"A" else b"B") + issued.pdf[at + 1:])
    assert issuing.verify(database, str(in_code)).status == "forged"


def test_a_voided_pdf_is_voided(database: Database, tmp_path: Path) -> None:
    issued = issuing.issue(database, facts(), page)
    issuing.void(database, issued.serial, "重复颁发")
    path = tmp_path / "证书.pdf"
    path.write_bytes(issued.pdf)
    assert issuing.verify(database, str(path)).status == "voided"


def test_what_is_neither_a_code_nor_a_pdf_with_one_is_refused(database: Database, tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(_plain_pdf())
    with pytest.raises(ValidationError, match="carries no verification code"):
        issuing.verify(database, str(plain))
    with pytest.raises(ValidationError, match="neither a verification code"):
        issuing.verify(database, "hello")
    with pytest.raises(ValidationError, match="neither a verification code"):
        issuing.verify(database, str(tmp_path / "missing.pdf"))
    with pytest.raises(ValidationError, match="neither a verification code"):
        issuing.verify(database, "x" * 600)  # too long for a file name: still just text
    assert issuing.verify(database, "PSP1.AAAA.BBBB").status == "forged"  # a code, damaged


def _plain_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setKeywords("证书, 2026")
    canvas.drawString(72, 720, "no code here")
    canvas.save()
    return buffer.getvalue()


# --- the code in the PDF's Keywords ---------------------------------------------------------------------------------


@pytest.mark.parametrize("keywords", ["PSP1.abc_-XYZ.def", "证书 (获奖) \\ 一等奖", "a(b)c\\d)"])
def test_keywords_come_back_as_written(keywords: str, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    issuing.embed_keywords(canvas, keywords)
    canvas.setTitle("标题 (Keywords 不在这里)")
    canvas.save()
    assert issuing.pdf_keywords(buffer.getvalue()) == keywords
    path = tmp_path / "k.pdf"
    path.write_bytes(buffer.getvalue())
    assert issuing.pdf_keywords(path) == keywords and issuing.pdf_keywords(str(path)) == keywords


def test_keywords_of_an_updated_pdf_are_the_last_ones() -> None:
    first = page("A", "PSP1.old.old")
    update = b"\n9 0 obj\n<< /Keywords <FEFF005000530050> >>\nendobj\ntrailer\n<< /Info 9 0 R >>\n%%EOF\n"
    assert issuing.pdf_keywords(first + update) == "PSP"
    assert issuing.pdf_keywords(b"%PDF-1.4\n%%EOF\n") == ""


# --- serials, the change log and its seal -----------------------------------------------------------------------------


def test_serials_count_per_type_and_year(database: Database) -> None:
    serials = [issuing.issue(database, f, page).serial for f in (
        facts(), facts(subject="第二家"), facts(LETTER, "张明"), facts(PARTICIPATION, "第三家"),
        facts(on=dt.date(2027, 1, 5)), facts(LETTER, "李华"), facts())]
    assert serials == ["HJ2026-0001", "HJ2026-0002", "PS2026-0001", "CY2026-0001", "HJ2027-0001", "PS2026-0002",
                       "HJ2026-0003"]
    assert [e.serial for e in issuing.entries(database, LETTER)] == ["PS2026-0002", "PS2026-0001"]
    assert [e.serial for e in issuing.entries(database, search="张明")] == ["PS2026-0001"]
    assert [e.serial for e in issuing.entries(database, search="hj2027")] == ["HJ2027-0001"]


def test_serials_go_past_9999(database: Database) -> None:
    with database.write() as s:
        s.add(IssuedDocument(doc_type=AWARD, serial="HJ2025-9999", subject="旧", issued_on=dt.date(2025, 1, 1),
                             sha256="0" * 64, payload={}))
    assert issuing.issue(database, facts(on=dt.date(2025, 3, 1)), page).serial == "HJ2025-10000"
    assert issuing.issue(database, facts(on=dt.date(2025, 3, 1)), page).serial == "HJ2025-10001"


def test_only_certificates_and_letters_are_issued_and_their_facts_are_checked(database: Database) -> None:
    before = state(database)
    with pytest.raises(ValidationError, match="not issued with a serial"):
        issuing.issue(database, facts(DocumentType.INTAKE_RECEIPT), page)
    with pytest.raises(ValidationError, match="names nobody"):
        issuing.issue(database, facts(subject=" "), page)
    with pytest.raises(ValidationError, match="longer than 200"):
        issuing.issue(database, facts(title="长" * 201), page)
    with pytest.raises(ValidationError, match="came out empty"):
        issuing.issue(database, facts(), lambda serial, code: b"")
    assert state(database) == before


def test_a_failing_renderer_leaves_nothing_behind(database: Database) -> None:
    def broken(serial: str, code: str) -> bytes:
        raise ValidationError("Cannot write {path}: {reason}", path="/full", reason="No space left on device")

    with pytest.raises(ValidationError, match="No space left"):
        issuing.issue(database, facts(), broken)
    assert state(database) == (0, 0, 0)  # no row, no entry, no key registered
    assert issuing.issue(database, facts(), page).serial == "HJ2026-0001"  # the serial was not used up


def test_issue_in_takes_part_in_the_callers_transaction(database: Database) -> None:
    """The certificates batch issues many documents in one transaction: all of them or none."""
    admin = Actor("batch", frozenset({Role.ADMIN}))
    with pytest.raises(RuntimeError), database.write() as s:
        for name in ("第一家", "第二家", "第三家"):
            issuing.issue_in(s, facts(subject=name), page, admin)
        raise RuntimeError("cancelled")
    assert state(database) == (0, 0, 0)
    with database.write() as s:
        serials = [issuing.issue_in(s, facts(subject=n), page, admin).serial for n in ("第一家", "第二家")]
    assert serials == ["HJ2026-0001", "HJ2026-0002"] and count(database, AuditEntry) == 2


def test_issue_and_void_are_on_the_record(database: Database) -> None:
    issued = issuing.issue(database, facts(), page)
    second = issuing.issue(database, facts(LETTER, "张明"), page)
    issuing.void(database, issued.serial, "名称有误")
    with database.read() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        row_id = s.scalar(select(IssuedDocument.id).where(IssuedDocument.serial == issued.serial))
    assert [(e.action, e.entity, e.username) for e in entries] == [
        ("document.issue", "issued_document", "tester")] * 2 + [("document.void", "issued_document", "tester")]
    public = laptop_keys.public_bytes(laptop_keys.private_key())
    assert entries[0].entity_id == row_id
    assert entries[0].after == {
        "serial": "HJ2026-0001", "doc_type": "award_certificate", "subject": "望江街道阳光社会工作服务中心",
        "issued_on": "2026-11-27", "sha256": issued.sha256, "key": issuing.key_id(public),
        "code_sha256": issuing.code_digest(issued.qr_text), "key_public": public.hex()}
    assert "key_public" not in entries[1].after and entries[1].after["serial"] == second.serial
    assert (entries[2].before, entries[2].after) == ({"voided": False},
                                                     {"serial": "HJ2026-0001", "voided": True, "reason": "名称有误"})
    report = audit.verify(database)
    assert report.ok and report.sealed >= 3


def _edit(db: Database, which: str, **values: Any) -> None:
    table = IssuedDocument.__table__
    with db.write() as s:  # as sqlite3 or psql would: no service, no change log
        s.execute(table.update().where(table.c.serial == which).values(**values))


def _delete(db: Database, serial: str) -> None:
    table = IssuedDocument.__table__
    with db.write() as s:
        s.execute(table.delete().where(table.c.serial == serial))


def _add_key(db: Database) -> None:
    stranger = laptop_keys.public_bytes(Ed25519PrivateKey.generate())
    with db.write() as s:
        setting = s.get(Setting, "document_keys")
        assert setting is not None
        setting.value = {"keys": [*setting.value["keys"], {"id": issuing.key_id(stranger), "public": stranger.hex(),
                                                          "since": "2026-01-01"}]}


def _add_row(db: Database) -> None:
    with db.write() as s:
        s.add(IssuedDocument(doc_type=AWARD, serial="HJ2026-0777", subject="冒名机构", issued_on=dt.date(2026, 5, 1),
                             sha256="f" * 64, payload={}))


EDITS = {
    "sha256": (lambda db: _edit(db, "HJ2026-0001", sha256="0" * 64), "holds sha256"),
    "serial": (lambda db: _edit(db, "HJ2026-0001", serial="HJ2026-0100"), "holds serial"),
    "subject": (lambda db: _edit(db, "HJ2026-0001", subject="冒名机构"), "holds subject"),
    "code": (lambda db: _edit(db, "HJ2026-0001", payload={"qr": "PSP1.x.y", "key": "00000000"}), "holds key"),
    "voided": (lambda db: _edit(db, "HJ2026-0001", voided=True, void_reason="x"), "does not record it as voided"),
    "unvoided": (lambda db: _edit(db, "PS2026-0001", voided=False), "no longer marks it void"),
    "deleted": (lambda db: _delete(db, "PS2026-0001"), "is missing from the register"),
    "added": (_add_row, "HJ2026-0777 (register row"),
    "key": (_add_key, "was not registered by an issue"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_the_seal_catches_a_register_edited_with_sql(database: Database, edit: str) -> None:
    issuing.issue(database, facts(), page)
    letter = issuing.issue(database, facts(LETTER, "张明"), page)
    issuing.void(database, letter.serial, "聘期未开始即取消")
    assert audit.verify(database).ok
    change, message = EDITS[edit]
    change(database)
    report = audit.verify(database)
    assert not report.ok and report.problem is not None
    assert report.problem.kind == "state" and message in report.problem.render(), report.problem.render()
    assert report.problem.table in ("issued_document", "setting")


# --- who may issue ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [{Role.VIEWER}, {Role.FINANCE}, {Role.JUDGE}, None])
def test_only_staff_and_administrators_issue_or_void(database: Database, roles: set[Role] | None) -> None:
    issued = issuing.issue(database, facts(), page)
    database.actor = None if roles is None else Actor("someone", frozenset(roles))
    before = state(database)
    rendered: list[str] = []
    with pytest.raises(NotAllowed):
        issuing.issue(database, facts(), lambda serial, code: rendered.append(serial) or page(serial, code))
    with pytest.raises(NotAllowed):
        issuing.void(database, issued.serial, "无权作废")
    assert state(database) == before and rendered == []
    if roles in ({Role.VIEWER}, {Role.FINANCE}):  # they read the register and check documents
        assert issuing.verify(database, issued.qr_text).status == "genuine"
        assert [e.serial for e in issuing.entries(database)] == [issued.serial]
    else:
        with pytest.raises(NotAllowed):
            issuing.verify(database, issued.qr_text)


def test_staff_issue_and_void(database: Database) -> None:
    database.actor = Actor("liuxiaoyan", frozenset({Role.STAFF}), None, "刘晓燕")
    issued = issuing.issue(database, facts(), page)
    issuing.void(database, issued.serial, "重新颁发")
    with database.read() as s:
        assert set(s.scalars(select(AuditEntry.username))) == {"liuxiaoyan"}

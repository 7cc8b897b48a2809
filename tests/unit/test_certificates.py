"""Certificates and letters (荣誉证书, 聘书, 参与证书): positioned templates, text kept inside its box, the office's
images, batches that are all or nothing, and the QR code that verifies through the register.

Text is compared with tests/golden/<type>.txt as pdftotext extracts it (serials and the date fixed; set
PSP_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change of wording); fonts are checked with pdffonts.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfbase.pdfmetrics import stringWidth

from psp_desktop import cli
from psp_desktop.db import Database
from psp_desktop.documents import certificate
from psp_desktop.enums import AwardLevel, AwardStatus, DocumentType, OrgType, ProposalStatus, Role, RoundKind
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    Competition,
    IssuedDocument,
    Judge,
    Organization,
    Panel,
    PanelMember,
    Proposal,
    Round,
)
from psp_desktop.services import certificates, issuing, proposals
from psp_desktop.services.access import Actor, NotAllowed

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) missing")

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
ISSUED = dt.date(2026, 11, 27)
ORGANIZER = "临江区望江街道办事处"
COMPETITION = "2026年望江街道社区公益创投大赛"
AWARD, LETTER, PARTICIPATION = (DocumentType.AWARD_CERTIFICATE, DocumentType.APPOINTMENT_LETTER,
                                DocumentType.PARTICIPATION_CERTIFICATE)
LONG_NAME = "临江区望江街道滨江花园社区" * 4 + "养老服务中心分部"  # 60 characters
assert len(LONG_NAME) == 60


# --- a small competition ---------------------------------------------------------------------------------------


def make_competition(db: Database, *, awards: int = 2, others: int = 1, judges: int = 3,
                     first_name: str = "临江区晨曦社会工作服务中心") -> int:
    """awards funded proposals (the first ranked first, 一等奖), others eligible but not funded, judges on one panel
    (the first chairs it, the last is a public juror)."""
    with db.write() as s:
        competition = Competition(name=COMPETITION, year=2026, organizer=ORGANIZER, rules={})
        s.add(competition)
        s.flush()
        for n in range(awards + others):
            org = Organization(name=first_name if n == 0 else f"临江区第{n + 1}社会工作服务中心",
                               org_type=OrgType.SERVICE_AGENCY)
            s.add(org)
            s.flush()
            funded = n < awards
            proposal = Proposal(competition_id=competition.id, organization_id=org.id,
                                intake_number=f"2026-WJ-{n + 1:03d}",
                                title=f"“邻里守望”独居老人关爱服务项目（{n + 1}）", domain="elderly",
                                status=ProposalStatus.AWARDED if funded else ProposalStatus.NOT_AWARDED)
            s.add(proposal)
            s.flush()
            s.add(Award(proposal_id=proposal.id, competition_id=competition.id, rank=n + 1,
                        level=AwardLevel.FIRST if n == 0 else AwardLevel.SECOND, amount_fen=5_000_000,
                        status=AwardStatus.COMMITTED if funded else AwardStatus.RESERVE))
        round_ = Round(competition_id=competition.id, seq=1, name="路演答辩", kind=RoundKind.ROADSHOW)
        s.add(round_)
        s.flush()
        panel = Panel(round_id=round_.id, name="第一评审组")
        s.add(panel)
        s.flush()
        for n in range(judges):
            judge = Judge(name=["王建国", "李晓梅", "张磊", "赵敏", "陈志刚", "刘芳", "孙伟", "周婷", "吴强", "郑丽",
                                "冯涛", "何静"][n % 12], is_public_juror=n == judges - 1 and judges > 1)
            s.add(judge)
            s.flush()
            s.add(PanelMember(panel_id=panel.id, judge_id=judge.id, is_chair=n == 0))
        return competition.id


def batch(db: Database, competition_id: int, doc_type: DocumentType, out: Path,
          **kw: object) -> certificates.BatchResult:
    kw.setdefault("combined", False)
    return certificates.make_batch(db, competition_id, doc_type, out, issued_on=ISSUED, **kw)  # type: ignore[arg-type]


def seal_png(size: int = 240, colour: tuple[int, int, int, int] = (200, 30, 40, 220)) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=colour, width=10)
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def background_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (297, 210), (252, 246, 232)).save(out, "JPEG")
    return out.getvalue()


# --- reading PDFs --------------------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def invariant(text: str) -> str:
    """Serials as <serial>; trailing spaces and blank runs pdftotext varies on dropped."""
    text = re.sub(r"\b(HJ|PS|CY)\d{4}-\d{4}\b", "<serial>", text)
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def specimen(text: str) -> bool:
    """The 样张 mark runs across the page at an angle: pdftotext gives its characters on lines of their own."""
    return {"样", "张"} <= {line.strip() for line in text.splitlines()}


def assert_fonts_embedded(path: Path) -> None:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:]]
    assert fonts, "no fonts listed"
    for name, *_middle, emb, _sub, _uni, _obj, _gen in fonts:
        assert emb == "yes", f"{name} is not embedded"
        assert "WenQuanYiMicroHei" in name
    assert b"Helvetica" not in path.read_bytes()


def new_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def register_rows(db: Database) -> int:
    with db.read() as s:
        return s.query(IssuedDocument).count()


def stored_files(db: Database) -> list[str]:
    """Every file in the store (images, attachments and the kept copies of issued PDFs)."""
    store = proposals.attachment_store(db)
    return sorted(p.name for p in store.rglob("*") if p.is_file()) if store.exists() else []


def issue_entries(db: Database) -> int:
    with db.read() as s:
        return s.query(AuditEntry).filter(AuditEntry.action == "document.issue").count()


# --- what each document says ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_type", [AWARD, LETTER, PARTICIPATION], ids=lambda d: d.value)
def test_each_document_type_says_what_its_golden_text_says(database: Database, tmp_path: Path,
                                                           doc_type: DocumentType) -> None:
    competition = make_competition(database)
    result = batch(database, competition, doc_type, tmp_path / "out")
    first = result.files[0]
    text = invariant(pdf_text(first))
    golden = GOLDEN / f"{doc_type.value}.txt"
    if os.environ.get("PSP_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert_fonts_embedded(first)
    assert len(first.read_bytes()) < 100_000  # without images


def test_award_certificates_go_to_funded_awards_in_rank_order(database: Database) -> None:
    competition = make_competition(database, awards=3, others=2)
    found = certificates.subjects(database, competition, AWARD)
    assert [(s.subject, s.detail) for s in found] == [("临江区晨曦社会工作服务中心", "一等奖"),
                                                      ("临江区第2社会工作服务中心", "二等奖"),
                                                      ("临江区第3社会工作服务中心", "二等奖")]
    others = certificates.subjects(database, competition, PARTICIPATION)
    assert [s.intake_number for s in others] == ["2026-WJ-004", "2026-WJ-005"]
    letters = certificates.subjects(database, competition, LETTER)
    assert [(s.subject, s.detail) for s in letters] == [("王建国", "评审组组长"), ("李晓梅", "评审专家"),
                                                        ("张磊", "大众评审")]


def test_participation_waits_for_the_awards(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=0, others=2)
    with pytest.raises(ValidationError, match="no funded awards yet"):
        certificates.subjects(database, competition, PARTICIPATION)
    with pytest.raises(ValidationError, match="nobody"):
        batch(database, competition, AWARD, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_competition_without_organizer_is_refused(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    with database.write() as s:
        s.get(Competition, competition).organizer = ""  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="no organizer"):
        batch(database, competition, AWARD, tmp_path / "out")
    assert register_rows(database) == 0


# --- the QR code and the register ----------------------------------------------------------------------------------


def test_the_code_in_the_pdf_reads_back_and_verifies(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    result = batch(database, competition, AWARD, tmp_path / "out")
    path = result.files[0]
    assert path.name == f"{result.serials[0]} 临江区晨曦社会工作服务中心.pdf"
    code = issuing.pdf_keywords(path)
    payload, signature = issuing.read_qr(code)
    assert payload["s"] == result.serials[0] == "HJ2026-0001"
    assert payload["f"]["n"] == "临江区晨曦社会工作服务中心" and payload["f"]["d"] == "一等奖"
    assert len(signature) == 64
    assert issuing.verify(database, str(path)).status == issuing.GENUINE
    assert issuing.verify(database, code).status == issuing.GENUINE
    path.write_bytes(path.read_bytes().replace(b"/Creator", b"/Creatox"))  # any change to the file is found
    assert issuing.verify(database, str(path)).status == issuing.FORGED


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) or pdftoppm missing")
def test_the_printed_qr_code_scans_to_the_same_code(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, first_name=LONG_NAME)
    path = batch(database, competition, AWARD, tmp_path / "out").files[0]
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True,
                             check=False).stdout.strip()
    assert scanned == issuing.pdf_keywords(path)
    assert issuing.verify(database, scanned).status == issuing.GENUINE


def test_combined_or_one_file_each(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, judges=5)
    each = batch(database, competition, LETTER, tmp_path / "each")
    assert each.count == 5 and len(each.files) == 5
    assert new_files(tmp_path / "each") == sorted(f"PS2026-000{n} {name}.pdf" for n, name in
                                                 enumerate(["王建国", "李晓梅", "张磊", "赵敏", "陈志刚"], 1))
    assert all(issuing.verify(database, str(f)).status == issuing.GENUINE for f in each.files)
    together = batch(database, competition, LETTER, tmp_path / "one", combined=True, reissue=True)
    assert together.serials == ("PS2026-0006", "PS2026-0007", "PS2026-0008", "PS2026-0009", "PS2026-0010")
    assert [f.name for f in together.files] == [f"聘书 {COMPETITION} PS2026-0006～PS2026-0010.pdf"]
    text = pdf_text(together.files[0])
    assert text.count("\f") == 5 and text.count("兹聘请") == 5
    codes = issuing.pdf_keywords(together.files[0]).split()
    assert [issuing.read_qr(c)[0]["s"] for c in codes] == list(together.serials)
    assert all(issuing.verify(database, c).status == issuing.GENUINE for c in codes)  # each page by its QR
    with pytest.raises(ValidationError, match="holds 5 documents"):
        issuing.verify(database, str(together.files[0]))
    assert register_rows(database) == 10
    assert new_files(tmp_path / "one") == [together.files[0].name]  # no hidden folder left
    for entry in issuing.entries(database):  # the office's copy of each, the very file the register fingerprints
        copy = issuing.archived_copy(database, entry.sha256)
        assert copy is not None and hashlib.sha256(copy.read_bytes()).hexdigest() == entry.sha256


def test_those_who_hold_one_are_left_out_unless_issued_again(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=2)
    first = batch(database, competition, AWARD, tmp_path / "first")
    held = certificates.subjects(database, competition, AWARD)
    assert [s.issued for s in held] == list(first.serials)
    with pytest.raises(ValidationError, match=r"All 2 of these documents .* have been issued already"):
        batch(database, competition, AWARD, tmp_path / "again")
    assert not (tmp_path / "again").exists() and register_rows(database) == 2
    again = batch(database, competition, AWARD, tmp_path / "again", reissue=True, only={held[0].ref_id})
    old = {e.serial: e for e in issuing.entries(database)}[first.serials[0]]
    assert old.voided and old.void_reason == f"重新颁发，由{again.serials[0]}取代"
    assert [s.issued for s in certificates.subjects(database, competition, AWARD)] == [again.serials[0],
                                                                                       first.serials[1]]
    assert issuing.verify(database, str(again.files[0])).status == issuing.GENUINE
    assert issuing.verify(database, str(first.files[0])).status == issuing.VOIDED


def test_the_date_on_the_documents_is_chosen(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=1)
    result = certificates.make_batch(database, competition, AWARD, tmp_path, combined=False,
                                     issued_on=dt.date(2025, 1, 8))
    assert result.serials == ("HJ2025-0001",)
    assert "二〇二五年一月八日" in pdf_text(result.files[0])


def test_a_second_batch_never_overwrites_a_file(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=1)
    out = tmp_path / "out"
    out.mkdir()
    (out / "HJ2026-0001 临江区晨曦社会工作服务中心.pdf").write_bytes(b"someone else's file")
    result = batch(database, competition, AWARD, out)
    assert result.files[0].name == "HJ2026-0001 临江区晨曦社会工作服务中心 (2).pdf"
    assert (out / "HJ2026-0001 临江区晨曦社会工作服务中心.pdf").read_bytes() == b"someone else's file"


# --- all or nothing ------------------------------------------------------------------------------------------------


def test_cancelling_after_three_of_ten_leaves_no_file_and_no_register_row(database: Database,
                                                                          tmp_path: Path) -> None:
    competition = make_competition(database, judges=10)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("already here")
    stored = stored_files(database)  # on PostgreSQL the file store is the data folder other tests use too
    seen: list[tuple[int, int]] = []
    with pytest.raises(certificates.Cancelled):
        certificates.make_batch(database, competition, LETTER, out, combined=False, progress=lambda d, t:
                                seen.append((d, t)), cancelled=lambda: bool(seen) and seen[-1][0] >= 3)
    assert seen[-1] == (3, 10)
    assert new_files(out) == ["kept.txt"]
    assert register_rows(database) == 0 and issue_entries(database) == 0
    assert stored_files(database) == stored  # nor a copy in the file store
    with pytest.raises(certificates.Cancelled):  # combined: the same
        certificates.make_batch(database, competition, LETTER, out, combined=True, cancelled=lambda: True)
    assert new_files(out) == ["kept.txt"] and register_rows(database) == 0


def test_a_failure_midway_rolls_everything_back(database: Database, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    competition = make_competition(database, judges=6)
    real, calls = certificate.render, []

    def failing(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        if len(calls) == 4:
            raise ValidationError("boom")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(certificate, "render", failing)
    with pytest.raises(ValidationError, match="boom"):
        batch(database, competition, LETTER, tmp_path / "out")
    assert new_files(tmp_path / "out") == []  # the folder it made is gone too
    assert not (tmp_path / "out").exists()
    assert register_rows(database) == 0


def test_a_full_disk_is_a_clear_message_and_nothing_is_issued(database: Database, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    competition = make_competition(database, judges=4)
    real, calls = os.fsync, []

    def full(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(certificates.os, "fsync", full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError, match=r"the disk is full\. Nothing was issued") as caught:
        batch(database, competition, LETTER, out)
    assert "磁盘已满" in caught.value.render(zh_translate())  # the system's words too, in Chinese
    assert new_files(out) == [] and register_rows(database) == 0


def test_an_unwritable_folder_is_refused_before_anything_is_issued(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ValidationError, match="Cannot write to the folder"):
        batch(database, competition, AWARD, blocker / "out")
    assert register_rows(database) == 0


# --- permissions ---------------------------------------------------------------------------------------------------


def test_who_may_do_what(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    image = tmp_path / "seal.png"
    image.write_bytes(seal_png())
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(NotAllowed):
        batch(database, competition, AWARD, tmp_path / "out")
    assert certificates.subjects(database, competition, AWARD)  # reading is allowed
    assert certificates.render_preview(database, AWARD).startswith(b"%PDF")
    database.actor = Actor("staff", frozenset({Role.STAFF}))
    for change in (lambda: certificates.set_image(database, "seal", image),
                   lambda: certificates.clear_image(database, "seal"),
                   lambda: certificates.save_template(database, AWARD, {}),
                   lambda: certificates.reset_template(database, AWARD)):
        with pytest.raises(NotAllowed):
            change()
    assert batch(database, competition, AWARD, tmp_path / "out").count == 2  # staff issue certificates
    database.actor = None
    with pytest.raises(NotAllowed, match="Sign in"):
        certificates.subjects(database, competition, AWARD)


# --- the office's images -------------------------------------------------------------------------------------------


def test_the_seal_and_background_go_onto_the_certificate(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=1)
    (tmp_path / "seal.png").write_bytes(seal_png())
    (tmp_path / "paper.jpg").write_bytes(background_jpeg())
    seal = certificates.set_image(database, "seal", tmp_path / "seal.png")
    background = certificates.set_image(database, "background", tmp_path / "paper.jpg")
    assert certificates.images(database) == certificates.OfficeImages(seal, background)
    data = batch(database, competition, AWARD, tmp_path / "out").files[0].read_bytes()
    assert data.count(b"/Subtype /Image") == 3  # the background, the seal and the seal's transparency
    assert b"/DCTDecode" in data  # the JPEG as it is
    certificates.clear_image(database, "background")
    assert certificates.images(database) == certificates.OfficeImages(seal, None)
    with database.read() as s:
        actions = [e.action for e in s.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions.count("setting.change") == 3


@pytest.mark.parametrize(("content", "message"), [
    (b"GIF89a not ours", "is not a PNG or JPEG image"),
    (seal_png()[:200], "is not a readable PNG or JPEG image"),
    (b"\xff\xd8\xff\xe0 broken jpeg", "is not a readable PNG or JPEG image"),
])
def test_a_bad_image_file_is_refused_naming_the_file(database: Database, tmp_path: Path, content: bytes,
                                                      message: str) -> None:
    path = tmp_path / "印章.png"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message) as caught:
        certificates.set_image(database, "seal", path)
    assert str(path) in str(caught.value)
    with pytest.raises(ValidationError, match="Cannot read"):
        certificates.set_image(database, "seal", tmp_path / "missing.png")
    with pytest.raises(ValidationError, match="choose seal or background"):
        certificates.set_image(database, "stamp", path)
    assert certificates.images(database) == certificates.OfficeImages()


def test_a_seal_gone_from_the_store_stops_the_batch_naming_the_file(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    (tmp_path / "seal.png").write_bytes(seal_png(colour=(190, 20, 30, 200)))  # not cached by another test
    digest = certificates.set_image(database, "seal", tmp_path / "seal.png")
    stored = certificates.image_path(database, digest)
    certificates._pictures.clear()
    stored.unlink()
    with pytest.raises(ValidationError, match="seal image") as caught:
        batch(database, competition, AWARD, tmp_path / "out")
    assert "Documents → Certificate design" in str(caught.value)  # where to mend it, not a file-store path
    assert str(stored) not in str(caught.value)
    stored.write_bytes(b"\x89PNG\r\n\x1a\n damaged")
    with pytest.raises(ValidationError, match="missing or damaged"):
        batch(database, competition, AWARD, tmp_path / "out")
    assert register_rows(database) == 0 and not (tmp_path / "out").exists()


# --- templates -----------------------------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_when_the_template_loads(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"unknown placeholder \{organisation\}"):
        certificates.save_template(database, AWARD, {"fields": [{"name": "addressee", "text": "{organisation}："}]})
    data = json.loads((certificate.template_dir() / "appointment_letter.json").read_text(encoding="utf-8"))
    data["fields"][1]["text"] = "兹聘请{person}同志为{competition}{level}。"  # a letter has no award level
    (tmp_path / "appointment_letter.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"unknown placeholder \{level\}"):
        certificate.load(certificate.KINDS[LETTER], tmp_path)
    with pytest.raises(ValidationError, match="not inside the page"):
        certificates.save_template(database, AWARD, {"fields": [{"name": "body", "box": {"x": 250}}]})
    with pytest.raises(ValidationError, match="does not fit its box"):
        certificates.save_template(database, AWARD, {"fields": [{"name": "body", "box": {"height": 12}}]})


@pytest.mark.parametrize("edit", [
    {"page": {"size": "A3", "orientation": "portrait"}}, {"qr": {"x": 20, "y": 150, "width": 30, "height": 20}},
    {"colours": {"text": "red"}}, {"fields": [{"name": "body", "colour": "violet"}]},
    {"fields": [{"name": "body", "size": 300}]}, {"fields": [{"name": "body", "align": "middle"}]},
    {"fields": [{"name": "body", "line_spacing": 9}]}, {"fields": [{"name": "body", "shadow": True}]},
    {"fields": [{"name": "body", "box": {"width": 0}}]},
    {"frames": [{"inset_mm": 5, "width_pt": 50, "colour": "text"}]},
    {"document": "receipt"},
])
def test_what_is_wrong_with_a_template_reads_in_chinese(database: Database, edit: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        certificates.save_template(database, AWARD, edit)
    chinese = caught.value.render(zh_translate())
    assert chinese != caught.value.render() and "证书模板" in chinese
    for value in caught.value.params.values():  # what the template file itself says may be English
        chinese = chinese.replace(str(value), "")
    assert not re.search(r"[A-Za-z]{4,}", chinese), chinese  # no English sentence left


def test_the_office_edits_a_template_and_can_go_back(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, awards=1)
    certificates.save_template(database, AWARD, {"fields": [
        {"name": "body", "text": "你单位「{title}」项目荣获{level}。"}, {"name": "title", "size": 44}]})
    data = certificates.template(database, AWARD)
    body = next(f for f in data["fields"] if f["name"] == "body")
    assert body["text"] == "你单位「{title}」项目荣获{level}。" and body["wrap"] is True  # the rest as shipped
    assert next(f for f in data["fields"] if f["name"] == "title")["size"] == 44
    text = "".join(pdf_text(batch(database, competition, AWARD, tmp_path / "a").files[0]).split())
    assert "」项目荣获一等奖。临江区望江街道办事处" in text
    preview = tmp_path / "preview.pdf"
    preview.write_bytes(certificates.render_preview(database, AWARD, {"fields": [{"name": "body", "text": "{title}"}]}))
    assert specimen(pdf_text(preview)) and "荣获" not in pdf_text(preview)
    certificates.reset_template(database, AWARD)
    assert certificates.template(database, AWARD) == certificate.shipped_data(certificate.KINDS[AWARD])


def test_a_preview_issues_nothing_and_does_not_verify(database: Database, tmp_path: Path) -> None:
    for doc_type in (AWARD, LETTER, PARTICIPATION):
        path = tmp_path / f"{doc_type.value}.pdf"
        path.write_bytes(certificates.render_preview(database, doc_type))
        assert specimen(pdf_text(path))
        assert issuing.verify(database, issuing.pdf_keywords(path)).status == issuing.FORGED
    assert register_rows(database) == 0


# --- text in its box -----------------------------------------------------------------------------------------------


def _field(template: certificate.CertificateTemplate, name: str) -> certificate.TextField:
    return next(f for f in template.fields if f.name == name)


def assert_inside(f: certificate.TextField, placed: certificate.Layout, font: str) -> None:
    """Every glyph inside the box, measured again here from the font's widths and the line's spacing."""
    face_ascent, face_descent = certificate.metrics(font).ascent, certificate.metrics(font).descent
    stroke = certificate.BOLD_STROKE * placed.size if f.bold else 0
    for line in placed.lines:
        glyphs = [stringWidth(ch, font, placed.size) for ch in line.text]
        right = line.x + sum(glyphs) + line.char_space * (len(glyphs) - 1)
        assert right == pytest.approx(line.x + line.width, abs=0.01)
        assert line.x - stroke / 2 >= f.box.x - 0.01
        assert right + stroke / 2 <= f.box.right + 0.01
        assert line.baseline + face_ascent * placed.size <= f.box.top + 0.01
        assert line.baseline + face_descent * placed.size >= f.box.y - 0.01
    assert f.min_size <= placed.size <= f.size


def test_a_long_name_shrinks_to_the_minimum_then_wraps_inside_its_box() -> None:
    font = certificate.setup()
    template = certificate.load(certificate.KINDS[AWARD])
    f = _field(template, "addressee")
    short = certificate.layout(f, "临江区晨曦社会工作服务中心：", font)
    assert short.size == f.size and len(short.lines) == 1
    middle = certificate.layout(f, "临江区望江街道滨江花园社区" * 2 + "老年人互助养老服务中心：", font)
    assert f.min_size < middle.size < f.size and len(middle.lines) == 1  # shrinks first
    assert_inside(f, middle, font)
    placed = certificate.layout(f, LONG_NAME + "：", font)
    assert placed.size == f.min_size and len(placed.lines) == 2  # then wraps, at the minimum size
    assert "".join(line.text for line in placed.lines) == LONG_NAME + "："
    assert not placed.lines[1].text.startswith("：")  # closing punctuation never starts a line
    assert_inside(f, placed, font)


def test_the_longest_facts_the_database_holds_fit_every_template() -> None:
    font = certificate.setup()
    """Names up to their column's length (organizations 100, titles and competitions 120 characters); issuers of
    two lines (two offices issuing together)."""
    values = {"subject": "临江区望江街道社区" * 11 + "心", "title": "“邻里守望”关爱服务项目" * 10,
              "detail": "公益创投资助", "competition": "临江区望江街道社区公益创投大赛" * 8,
              "issuer": "临江区民政局　临江区望江街道办事处　临江区慈善总会望江分会",
              "issued_on_chinese": "二〇二六年十二月二十七日", "serial": "HJ2026-9999"}
    assert (len(values["subject"]), len(values["title"]), len(values["competition"])) == (100, 120, 120)
    for kind in certificate.KINDS.values():
        template = certificate.load(kind)
        filled = certificate.plain_values(kind, values)
        for f in template.fields:
            assert_inside(f, certificate.layout(f, certificate.fill(f.text, filled), font), font)


def test_text_too_long_even_at_the_minimum_is_refused_naming_the_field() -> None:
    font = certificate.setup()
    f = _field(certificate.load(certificate.KINDS[AWARD]), "issuer")
    with pytest.raises(ValidationError, match="“Issuing authority” does not fit its box"):
        certificate.layout(f, "临江区望江街道办事处" * 40, font, "award_certificate.json")


def zh_translate() -> Callable[[str, str], str]:
    """The shipped Chinese translations read from the .ts file (no Qt translator installed for other tests)."""
    root = ET.parse(Path(__file__).resolve().parents[2] / "resources/translations/psp_zh_CN.ts").getroot()
    table = {(c.findtext("name"), m.findtext("source")): m.findtext("translation") or ""
             for c in root.iter("context") for m in c.iter("message")}
    return lambda context, source: table.get((context, source)) or source


# --- the command line ----------------------------------------------------------------------------------------------


def test_the_command_line_issues_a_batch(database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if database.path is None:
        pytest.skip("the command line test opens the SQLite file")
    monkeypatch.setenv("PSP_LANG", "en")
    competition = make_competition(database)
    out = tmp_path / "out"
    assert cli.main(["--db", str(database.path), "certificates", str(competition), "--out", str(out),
                     "--type", "participation", "--combined"]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == str(out / f"参与证书 {COMPETITION} CY2026-0001.pdf")
    assert "1 issued: CY2026-0001" in printed.err
    assert cli.main(["--db", str(database.path), "certificates", "99", "--out", str(out)]) == 2
    assert "no competition" in capsys.readouterr().err

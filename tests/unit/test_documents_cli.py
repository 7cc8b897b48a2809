"""`psp verify` and `psp documents list | void`, run in-process on a small register: the verdict in words with the
facts and the exit status (0 only for genuine), a PDF checked by its file, the list filtered, voiding with its
reason, and who may void through --user."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import DocumentType, Role
from psp_desktop.services import issuing, users

PASSWORD = "psp-test-2026"


def page(serial: str, code: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    issuing.embed_keywords(canvas, code)
    canvas.drawString(72, 720, serial)
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSP_LANG", "en")


@pytest.fixture
def register(tmp_path: Path) -> tuple[Path, dict[str, issuing.Issued]]:
    """A database with an award certificate, an appointment letter and a voided participation certificate."""
    path = tmp_path / "documents.db"
    db = open_database(path)
    try:
        issued = {}
        for name, doc_type, subject, title, detail in (
                ("award", DocumentType.AWARD_CERTIFICATE, "望江街道阳光社会工作服务中心", "银龄互助项目", "一等奖"),
                ("letter", DocumentType.APPOINTMENT_LETTER, "张明", "", "评审专家"),
                ("participation", DocumentType.PARTICIPATION_CERTIFICATE, "临江区青禾公益服务社", "四点半课堂", "")):
            facts = issuing.Facts(doc_type, subject, title, detail, "2026年望江街道社区公益创投大赛", "望江街道办事处",
                                  dt.date(2026, 11, 27))
            issued[name] = issuing.issue(db, facts, page)
        issuing.void(db, issued["participation"].serial, "机构名称有误")
    finally:
        db.close()
    return path, issued


def run(path: Path, *argv: str | Path) -> int:
    return cli.main(["--db", str(path), *(str(a) for a in argv)])


def test_verify_a_genuine_code_prints_the_facts(register: tuple[Path, dict[str, issuing.Issued]],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path, issued = register
    assert run(path, "verify", issued["award"].qr_text) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Genuine and valid"
    assert "Serial: HJ2026-0001" in out and "Issued to: 望江街道阳光社会工作服务中心" in out
    assert "Document: award certificate" in out and "Award or role: 一等奖" in out and "Issued on: 2026-11-27" in out


def test_verify_says_voided_forged_and_unknown_by_exit_status(register: tuple[Path, dict[str, issuing.Issued]],
                                                           capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path, issued = register
    assert run(path, "verify", issued["participation"].qr_text) == 3  # voided: not 1, which says forged
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Voided" and "Reason for voiding: 机构名称有误" in out
    code = issued["letter"].qr_text
    assert run(path, "verify", code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")) == 1
    assert capsys.readouterr().out.splitlines()[0] == "Forged or altered"
    other = open_database(tmp_path / "other.db")
    try:
        facts = issuing.Facts(DocumentType.AWARD_CERTIFICATE, "别处的机构", "", "二等奖", "别处的大赛", "别处的街道",
                              dt.date(2026, 5, 1))
        elsewhere = issuing.issue(other, facts, page)
    finally:
        other.close()
    assert run(path, "verify", elsewhere.qr_text) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Not in this register" and "Issued to: 别处的机构" in out


def test_verify_a_pdf_file(register: tuple[Path, dict[str, issuing.Issued]], capsys: pytest.CaptureFixture[str],
                           tmp_path: Path) -> None:
    path, issued = register
    pdf = tmp_path / "聘书.pdf"
    pdf.write_bytes(issued["letter"].pdf)
    assert run(path, "verify", pdf) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Genuine and valid"
    data = issued["letter"].pdf
    at = data.index(b"stream") + 20  # one byte of the page drawn
    pdf.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
    assert run(path, "verify", pdf) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Forged or altered" and "file was changed after it was issued" in out[1]
    assert run(path, "verify", tmp_path / "nothing.pdf") == 2
    assert "nothing.pdf” is neither a verification code" in capsys.readouterr().err


def test_list_filters_by_type_text_and_validity(register: tuple[Path, dict[str, issuing.Issued]],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path, issued = register

    def listed(*argv: str) -> list[list[str]]:
        assert run(path, "documents", "list", *argv) == 0
        return [line.split("\t") for line in capsys.readouterr().out.splitlines()]

    rows = listed()
    assert [r[0] for r in rows] == ["CY2026-0001", "PS2026-0001", "HJ2026-0001"]
    assert rows[0][-1] == "voided" and rows[2][-1] == "valid"
    assert rows[2][1:6] == ["award certificate", "2026-11-27", "望江街道阳光社会工作服务中心", "银龄互助项目",
                            issued["award"].sha256[:12]]
    assert [r[0] for r in listed("--type", "letter")] == ["PS2026-0001"]
    assert [r[0] for r in listed("--search", "四点半")] == ["CY2026-0001"]
    assert [r[0] for r in listed("--valid")] == ["PS2026-0001", "HJ2026-0001"]


def test_void_records_the_reason(register: tuple[Path, dict[str, issuing.Issued]],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path, issued = register
    assert run(path, "documents", "void", "HJ2026-0001", "--reason", "获奖等级录入错误") == 0
    assert capsys.readouterr().out.strip() == "voided: HJ2026-0001"
    assert run(path, "verify", issued["award"].qr_text) == 3
    assert "Reason for voiding: 获奖等级录入错误" in capsys.readouterr().out
    assert run(path, "documents", "void", "HJ2026-0001", "--reason", "再次") == 2
    assert "voided already" in capsys.readouterr().err
    assert run(path, "documents", "void", "HJ2026-0042", "--reason", "错发") == 2
    assert "No issued document has the serial HJ2026-0042" in capsys.readouterr().err
    assert run(path, "documents", "void", "PS2026-0001", "--reason", " ") == 2
    assert "Give the reason" in capsys.readouterr().err


def test_a_viewer_verifies_and_lists_but_cannot_void(register: tuple[Path, dict[str, issuing.Issued]],
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path, issued = register
    monkeypatch.setattr(users, "SCRYPT_N", 2**10)
    db = open_database(path)
    try:
        users.create_first_admin(db, "admin", "管理员", PASSWORD)
        users.create_user(db, "viewer", "查看者", PASSWORD, [Role.VIEWER])
        users.create_user(db, "clerk", "刘晓燕", PASSWORD, [Role.STAFF])
    finally:
        db.close()
    monkeypatch.setattr(Database, "actor", None)  # as in a real run: nobody is signed in until --user
    monkeypatch.setenv("PSP_PASSWORD", PASSWORD)
    assert run(path, "--user", "viewer", "verify", issued["award"].qr_text) == 0
    assert run(path, "--user", "viewer", "documents", "list") == 0
    capsys.readouterr()
    assert run(path, "--user", "viewer", "documents", "void", "HJ2026-0001", "--reason", "无权") == 2
    assert "documents.issue" in capsys.readouterr().err
    assert run(path, "--user", "clerk", "documents", "void", "HJ2026-0001", "--reason", "重新颁发") == 0
    monkeypatch.delenv("PSP_PASSWORD")
    assert run(path, "verify", issued["award"].qr_text) == 2  # no one signed in, no terminal to ask
    assert "Sign in with --user NAME" in capsys.readouterr().err

"""500 award certificates (荣誉证书) through the app's services, beside raw reportlab drawing the same pages, in the
same run.

Measured: certificates.make_batch for one competition of 500 funded awards, one PDF each: the register (serial,
signed code, row, change-log entry), the positioned template, the office's seal (PNG with transparency) and
background (JPEG), the QR code, each file written into a hidden folder and moved into place after the commit, and
the office's copy of each PDF kept in the file store.
Baseline: a plain reportlab script drawing the same content on each page (the same texts wrapped with
Paragraph(wordWrap="CJK") in the same boxes, the same embedded font, the two images with drawImage from their files
(reportlab's fast way: a JPEG file goes in as it is), the same frames, the same QR code drawn by reportlab's QrCode
flowable (a rectangle per run of dark modules), the code in the keywords) and writing each PDF to a file; its codes
are made before the clock starts. With --widget the baseline draws the QR code as a QrCodeWidget through renderPDF
instead, the usual way with the widget, which is about twice as slow (a validated Rect object per run).

Goal: ≤ 1.5× the baseline (median of per-run ratios) and under 100 KB per certificate without images.

    python benchmarks/certificates.py [--count 500] [--runs 3] [--no-images] [--widget] [--profile]

Everything is written to a throw-away folder: a fresh database per run, this PC's signing key in a scratch data
folder (XDG_DATA_HOME), never the user's.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRATCH = Path(tempfile.mkdtemp(prefix="psp-bench-certificates-"))
os.environ["XDG_DATA_HOME"] = str(SCRATCH / "data")  # the signing key goes here, not into the user's folder

from _common import median  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCode, QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import Paragraph  # noqa: E402

from psp_desktop.db import open_database  # noqa: E402
from psp_desktop.documents import certificate  # noqa: E402
from psp_desktop.documents.formats import chinese_date  # noqa: E402
from psp_desktop.enums import AwardLevel, AwardStatus, DocumentType, OrgType, ProposalStatus  # noqa: E402
from psp_desktop.models import Award, Competition, Organization, Proposal  # noqa: E402
from psp_desktop.services import access, certificates, issuing, laptop_keys  # noqa: E402

ISSUED = dt.date(2026, 11, 27)
ORGANIZER = "临江区望江街道办事处"
COMPETITION = "2026年望江街道社区公益创投大赛"
LEVELS = (AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.THIRD, AwardLevel.EXCELLENT)
STREETS = ("滨江", "桂花巷", "锦苑", "望江", "春晖")


# --- the data ------------------------------------------------------------------------------------------------


def names(n: int) -> tuple[str, str]:
    street = STREETS[n % len(STREETS)]
    return (f"临江区{street}社区第{n + 1}社会工作服务中心", f"“邻里守望”{street}社区独居老人关爱服务项目（{n + 1}）")


def make_db(folder: Path, count: int) -> Any:
    db = open_database(folder / "certificates.db")
    db.actor = access.SYSTEM
    with db.write() as s:
        competition = Competition(name=COMPETITION, year=2026, organizer=ORGANIZER, rules={})
        s.add(competition)
        s.flush()
        orgs = [Organization(name=names(n)[0], org_type=OrgType.SERVICE_AGENCY) for n in range(count)]
        s.add_all(orgs)
        s.flush()
        proposals = [Proposal(competition_id=competition.id, organization_id=org.id, intake_number=f"2026-WJ-{n:04d}",
                              title=names(n)[1], domain="elderly", status=ProposalStatus.AWARDED)
                     for n, org in enumerate(orgs)]
        s.add_all(proposals)
        s.flush()
        s.add_all(Award(proposal_id=p.id, competition_id=competition.id, rank=n + 1, level=LEVELS[n % 4],
                        amount_fen=5_000_000, status=AwardStatus.COMMITTED) for n, p in enumerate(proposals))
    return db


def seal_png() -> bytes:
    """A made-up office seal (the app draws none): a red ring and star on transparency, 600 px."""
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 590, 590), outline=(200, 30, 40, 215), width=20)
    draw.regular_polygon((300, 300, 100), 5, fill=(200, 30, 40, 215))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def background_jpeg() -> bytes:
    """A pale paper texture, 150 dpi over the whole A4 landscape page."""
    image = Image.effect_noise((1754, 1240), 6).convert("RGB").point(lambda v: 236 + v // 16)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


# --- the app --------------------------------------------------------------------------------------------------


def app_run(db: Any, out: Path) -> certificates.BatchResult:
    certificate.qr_modules.cache_clear()  # every run encodes its codes, as the baseline does: no head start
    return certificates.make_batch(db, 1, DocumentType.AWARD_CERTIFICATE, out, combined=False, issued_on=ISSUED)


# --- the baseline: the same page in plain reportlab ------------------------------------------------------------


class Baseline:
    """Draws what the shipped award template draws, with reportlab's own tools."""

    def __init__(self, seal: Path | None, background: Path | None, *, widget: bool = False) -> None:
        self.widget = widget
        self.font = certificate.setup()
        self.template = certificate.load(certificate.KINDS[DocumentType.AWARD_CERTIFICATE])
        self.seal = str(seal) if seal else None
        self.background = str(background) if background else None
        self.fields = {f.name: f for f in self.template.fields}

    def page(self, path: Path, organization: str, title: str, level: str, serial: str, code: str) -> None:
        t = self.template
        width, height = t.page_size
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=landscape(A4), invariant=1, initialFontName=self.font, pageCompression=1)
        c.setTitle("荣誉证书")
        c.setAuthor(ORGANIZER)
        c.setKeywords(code)
        if self.background is not None:
            c.drawImage(self.background, 0, 0, width, height)
        for frame in t.frames:
            c.setStrokeColor(t.colours[frame.colour])
            c.setLineWidth(frame.width)
            c.rect(frame.inset, frame.inset, width - 2 * frame.inset, height - 2 * frame.inset)
        self.title(c)
        self.paragraph(c, "addressee", f"{organization}：", TA_LEFT)
        self.paragraph(c, "body", f"你单位实施的「{title}」项目在{COMPETITION}中荣获{level}。<br/>特发此证，以资鼓励。",
                       TA_JUSTIFY)
        for name, text in (("issuer", ORGANIZER), ("date", chinese_date(ISSUED)), ("serial", f"证书编号：{serial}")):
            f = self.fields[name]
            c.setFont(self.font, f.size)
            c.setFillColor(t.colours[f.colour])
            c.drawCentredString(f.box.x + f.box.width / 2, f.box.y + f.box.height / 3, text)
        if self.seal is not None and t.seal is not None:
            c.drawImage(self.seal, t.seal.x, t.seal.y, t.seal.width, t.seal.height, mask="auto",
                        preserveAspectRatio=True)
        if self.widget:
            qr = QrCodeWidget(code, barLevel="M", barWidth=t.qr.width, barHeight=t.qr.height, barBorder=2)
            drawing = Drawing(t.qr.width, t.qr.height)
            drawing.add(qr)
            renderPDF.draw(drawing, c, t.qr.x, t.qr.y)
        else:
            c.setFillColor(colors.black)
            QrCode(code, width=t.qr.width, height=t.qr.height, qrLevel="M", qrBorder=2).drawOn(c, t.qr.x, t.qr.y)
        c.showPage()
        c.save()
        path.write_bytes(buffer.getvalue())

    def title(self, c: Canvas) -> None:
        f = self.fields["title"]
        text = c.beginText(f.box.x + f.box.width / 2 - 2.3 * f.size, f.box.y + f.box.height / 3)
        text.setFont(self.font, f.size)
        text.setCharSpace(f.letter_spacing_em * f.size)
        text.setFillColor(self.template.colours[f.colour])
        text.setTextRenderMode(2)
        text.textOut("荣誉证书")
        c.drawText(text)

    def paragraph(self, c: Canvas, name: str, markup: str, alignment: int) -> None:
        f = self.fields[name]
        style = ParagraphStyle(name, fontName=self.font, fontSize=f.size, leading=f.size * f.line_spacing,
                               alignment=alignment, wordWrap="CJK", textColor=self.template.colours[f.colour],
                               firstLineIndent=f.indent_em * f.size)
        paragraph = Paragraph(markup, style)
        _w, h = paragraph.wrap(f.box.width, f.box.height)
        paragraph.drawOn(c, f.box.x, f.box.top - h)


def baseline_run(base: Baseline, rows: list[tuple[str, str, str, str, str]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for organization, title, level, serial, code in rows:
        base.page(out / f"{serial} {organization}.pdf", organization, title, level, serial, code)


def baseline_rows(count: int) -> list[tuple[str, str, str, str, str]]:
    """The same texts and codes of the same length the app prints (made before the clock starts)."""
    key = laptop_keys.private_key()
    labels = certificate.load(certificate.KINDS[DocumentType.AWARD_CERTIFICATE]).labels["level"]
    rows = []
    for n in range(count):
        organization, title = names(n)
        level = labels[str(LEVELS[n % 4])]
        serial = f"HJ2026-{n + 1:04d}"
        facts = issuing.Facts(DocumentType.AWARD_CERTIFICATE, organization, title, level, COMPETITION, ORGANIZER,
                              ISSUED)
        rows.append((organization, title, level, serial, issuing.qr_text(serial, facts, key)))
    return rows


# --- timing ---------------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.iterdir() if p.suffix == ".pdf"]
    return len(files), sum(p.stat().st_size for p in files)


def size_without_images(db: Any, scratch: Path) -> int:
    """One certificate as the app issues it when the office has set no images."""
    certificates.clear_image(db, "seal")
    certificates.clear_image(db, "background")
    result = certificates.make_batch(db, 1, DocumentType.AWARD_CERTIFICATE, scratch, combined=False,
                                     issued_on=ISSUED, only={1})
    return result.files[0].stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-images", action="store_true", help="no seal and no background on either side")
    parser.add_argument("--widget", action="store_true", help="baseline QR code as a QrCodeWidget via renderPDF")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one app run")
    args = parser.parse_args()
    seal, background = seal_png(), background_jpeg()
    (SCRATCH / "seal.png").write_bytes(seal)
    (SCRATCH / "paper.jpg").write_bytes(background)
    rows = baseline_rows(args.count)
    images = not args.no_images
    base = Baseline(SCRATCH / "seal.png" if images else None, SCRATCH / "paper.jpg" if images else None,
                    widget=args.widget)
    app_times, base_times, app_bytes, base_bytes = [], [], 0, 0
    try:
        for run in range(args.runs):
            folder = SCRATCH / f"run{run}"
            folder.mkdir()
            db = make_db(folder, args.count)
            try:
                if images:
                    certificates.set_image(db, "seal", SCRATCH / "seal.png")
                    certificates.set_image(db, "background", SCRATCH / "paper.jpg")
                if args.profile and run == 0:
                    profile = cProfile.Profile()
                    profile.runcall(app_run, db, folder / "app")
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
                    continue
                app_times.append(timed(lambda db=db, folder=folder: app_run(db, folder / "app")))
                base_times.append(timed(lambda folder=folder: baseline_run(base, rows, folder / "base")))
                (n_app, app_bytes), (n_base, base_bytes) = folder_size(folder / "app"), folder_size(folder / "base")
                assert n_app == n_base == args.count
                print(f"run {run + 1}: app {app_times[-1]:.1f} s, baseline {base_times[-1]:.1f} s, "
                      f"{app_times[-1] / base_times[-1]:.2f}×")
                if run == args.runs - 1:
                    plain = size_without_images(db, folder / "plain")
            finally:
                db.close()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    if not app_times:
        return
    ratio = median([a / b for a, b in zip(app_times, base_times, strict=True)])
    what = "with seal and background" if images else "without images"
    print(f"{args.count} award certificates {what}, median of {len(app_times)} runs")
    how = "QrCodeWidget via renderPDF" if args.widget else "QrCode flowable"
    print(f"baseline (raw reportlab, {how}):")
    print(f"                                       {median(base_times):6.1f} s  "
          f"{base_bytes / args.count / 1024:6.1f} KB each")
    print(f"app (register, sign, render, files):   {median(app_times):6.1f} s  {app_bytes / args.count / 1024:6.1f} "
          f"KB each  {ratio:.2f}× (goal ≤ 1.5×) {'ok' if ratio <= 1.5 else 'MISSED'}")
    print(f"one certificate without images:        {plain / 1024:6.1f} KB (goal < 100 KB) "
          f"{'ok' if plain < 100 * 1024 else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Files the demo applicants attached: a scanned-looking registration certificate (登记证书副本) per organization,
made as a small PDF so the attachments tab has something real to open."""

from __future__ import annotations

import datetime as dt
import io

from ..models import Organization

CERTIFICATE_NAME = "法人登记证书（副本）.pdf"


def registration_certificate(org: Organization) -> bytes:
    """A one-page A5 certificate copy with the organization's registered facts."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    from ..documents import fonts

    font = fonts.setup()
    buffer = io.BytesIO()
    width, height = landscape(A5)
    canvas = Canvas(buffer, pagesize=(width, height), initialFontName=font, invariant=1)
    canvas.setStrokeColorRGB(0.62, 0.12, 0.12)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, width - 36, height - 36)
    canvas.setFont(font, 22)
    canvas.drawCentredString(width / 2, height - 70, "社会组织法人登记证书（副本）")
    facts = [("名    称", org.name), ("统一社会信用代码", org.uscc or ""), ("法定代表人", org.legal_representative),
             ("成立日期", _day(org.registered_on)), ("住    所", org.address),
             ("登记管理机关", org.registration_authority)]
    canvas.setFont(font, 12)
    for line, (label, value) in enumerate(facts):
        y = height - 120 - line * 28
        canvas.drawString(70, y, label)
        canvas.drawString(200, y, value)
    canvas.drawRightString(width - 60, 50, "（复印件，与原件核对无误）")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _day(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


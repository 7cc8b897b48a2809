"""Every PDF the app prints: templates as data (resources/templates/*.json), one embedded CJK font, and Chinese
line breaking. reportlab only: no Qt here, so the CLI and the services use it headless."""

from __future__ import annotations

from .formats import chinese_date, form_date
from .output import write_pdf
from .receipt import render_intake_receipt
from .render import render
from .screening_list import render_screening_list
from .template import DocumentType, Template, load_template

__all__ = [
    "DocumentType",
    "Template",
    "chinese_date",
    "form_date",
    "load_template",
    "render",
    "render_intake_receipt",
    "render_screening_list",
    "write_pdf",
]

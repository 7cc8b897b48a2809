"""Every PDF the app prints: templates as data (resources/templates/*.json), one embedded CJK font, and Chinese
line breaking. reportlab only: no Qt here, so the CLI and the services use it headless."""

from __future__ import annotations

from .formats import chinese_date, form_date
from .notice_list import render_final_notice, render_round_notice
from .output import write_pdf
from .receipt import render_intake_receipt
from .render import render
from .round_summary import render_round_summary
from .score_sheets import render_blank_sheets, render_judge_sheets
from .screening_list import render_screening_list
from .template import DocumentType, Template, load_template

__all__ = [
    "DocumentType",
    "Template",
    "chinese_date",
    "form_date",
    "load_template",
    "render",
    "render_blank_sheets",
    "render_final_notice",
    "render_intake_receipt",
    "render_judge_sheets",
    "render_round_notice",
    "render_round_summary",
    "render_screening_list",
    "write_pdf",
]

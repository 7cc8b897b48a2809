"""Chinese wording shared by the windows and the printed documents (no Qt, no reportlab: cheap to import)."""

from __future__ import annotations


def quoted(title: str) -> str:
    """A project title in quotation marks; quotes inside it become single ones, as Chinese nesting requires
    (“‘携手同行’无障碍出行助残服务计划”, never ““携手同行”…”)."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"

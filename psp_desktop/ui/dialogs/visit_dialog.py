"""Recording or correcting a site visit (实地走访): when, who, what was found, and whether (and what) must be rectified.
OK makes one call to services.monitoring (add_visit or edit_visit); a refusal stays in the dialog."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QWidget

from ...services import monitoring
from ...services.monitoring import ProjectRow, VisitRow
from ..funding_money import ActionDialog

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate


class VisitDialog(ActionDialog):
    def __init__(
        self, db: Database, project: ProjectRow, visit: VisitRow | None, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            translate("Monitoring", "Edit site visit") if visit else translate("Monitoring", "Record a site visit"),
            f"{project.organization} — {project.title}",
            parent,
        )
        self.db, self.project, self.visit, self.today = db, project, visit, today
        self.add_date("visited_on", translate("Monitoring", "Visited on:"), visit.visited_on if visit else today)
        visitor = self.add_text(
            "visitor", translate("Monitoring", "Visitor:"), translate("Monitoring", "who visited (name, or names)")
        )
        actor = getattr(db, "actor", None)
        visitor.setText(visit.visitor if visit else (actor.name if actor is not None else ""))
        self.findings = self._text(
            "findings",
            translate("Monitoring", "Findings:"),
            translate("Monitoring", "what was seen, checked and heard"),
            visit.findings if visit else "",
            5,
        )
        self.required = QCheckBox(translate("Monitoring", "Rectification required"), self)
        self.required.setChecked(bool(visit and visit.rectification_required))
        self.add("required", "", self.required)
        self.rectification = self._text(
            "rectification",
            translate("Monitoring", "To rectify:"),
            translate("Monitoring", "what must be put right, and by when"),
            visit.rectification if visit else "",
            3,
        )
        self.required.toggled.connect(self.rectification.setEnabled)
        self.rectification.setEnabled(self.required.isChecked())
        self.action = self._save

    def _text(self, key: str, caption: str, placeholder: str, value: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setPlainText(value)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
        self.add(key, caption, edit)
        return edit

    def _save(self) -> None:
        visit = monitoring.Visit(
            self.date("visited_on", translate("Monitoring", "Visited on:")),
            self.text("visitor"),
            self.text("findings"),
            self.required.isChecked(),
            self.text("rectification") if self.required.isChecked() else "",
        )
        if self.visit is None:
            monitoring.add_visit(self.db, self.project.award_id, visit, today=self.today)
        else:
            monitoring.edit_visit(self.db, self.visit.id, visit, today=self.today)

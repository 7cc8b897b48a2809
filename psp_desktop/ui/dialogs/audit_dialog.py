"""The change log (变更记录): who changed what and when, narrowed by user, action, dates and text, and a check that
no entry, score or frozen result was altered behind the application's back (services.audit.verify)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role
from ...errors import PspError
from ...services import audit
from ...services.access import ROLE_LABELS
from ..forms import DateEdit, ProblemBanner
from ..table import Column, Index, RowTableModel, make_proxy
from ..tasks import run_task
from ..widgets import ColumnFitter, make_table_view, search_box

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
LIMIT = 1000  # newest entries shown; the filters reach older ones
OK_STYLE = "background: #e8f5e9; color: #1b5e20; border: 1px solid #b9dfbb; padding: 8px;"
BROKEN_STYLE = "background: #fdecea; color: #b71c1c; border: 1px solid #f5c2c0; padding: 8px; font-weight: bold;"
BUSY_STYLE = "color: #555; padding: 8px;"

ACTION_LABELS = {
    "assignment.add": QT_TRANSLATE_NOOP("AuditActions", "Proposal given to a judge"),
    "assignment.auto": QT_TRANSLATE_NOOP("AuditActions", "Automatic assignment"),
    "assignment.remove": QT_TRANSLATE_NOOP("AuditActions", "Assignment removed"),
    "attachment.add": QT_TRANSLATE_NOOP("AuditActions", "Attachment added"),
    "award.adjust": QT_TRANSLATE_NOOP("AuditActions", "Award amount adjusted"),
    "award.cancel": QT_TRANSLATE_NOOP("AuditActions", "Award cancelled"),
    "award.schedule": QT_TRANSLATE_NOOP("AuditActions", "Payment schedule changed"),
    "award.sign": QT_TRANSLATE_NOOP("AuditActions", "Grant agreement signed"),
    "awards.commit": QT_TRANSLATE_NOOP("AuditActions", "Awards committed"),
    "clawback.recovered": QT_TRANSLATE_NOOP("AuditActions", "Clawed-back money returned"),
    "competition.create": QT_TRANSLATE_NOOP("AuditActions", "Competition created"),
    "competition.update": QT_TRANSLATE_NOOP("AuditActions", "Competition changed"),
    "conflict.declare": QT_TRANSLATE_NOOP("AuditActions", "Conflict declared"),
    "conflict.detect": QT_TRANSLATE_NOOP("AuditActions", "Conflict found"),
    "conflict.remove": QT_TRANSLATE_NOOP("AuditActions", "Conflict removed"),
    "document.issue": QT_TRANSLATE_NOOP("AuditActions", "Document issued"),
    "document.void": QT_TRANSLATE_NOOP("AuditActions", "Document voided"),
    "event.export": QT_TRANSLATE_NOOP("AuditActions", "Judge laptop package made"),
    "event.import": QT_TRANSLATE_NOOP("AuditActions", "Judge laptop results read in"),
    "judge.add": QT_TRANSLATE_NOOP("AuditActions", "Judge added"),
    "matching.receive": QT_TRANSLATE_NOOP("AuditActions", "Matching funds received"),
    "judge.update": QT_TRANSLATE_NOOP("AuditActions", "Judge changed"),
    "judge.deactivate": QT_TRANSLATE_NOOP("AuditActions", "Judge switched off"),
    "judge.pin": QT_TRANSLATE_NOOP("AuditActions", "Judge PIN set"),
    "laptop.register": QT_TRANSLATE_NOOP("AuditActions", "Judge laptop registered"),
    "organization.create": QT_TRANSLATE_NOOP("AuditActions", "Organization registered"),
    "organization.update": QT_TRANSLATE_NOOP("AuditActions", "Organization changed"),
    "panel.add": QT_TRANSLATE_NOOP("AuditActions", "Panel added"),
    "panel.update": QT_TRANSLATE_NOOP("AuditActions", "Panel changed"),
    "panel.delete": QT_TRANSLATE_NOOP("AuditActions", "Panel deleted"),
    "paper.key": QT_TRANSLATE_NOOP("AuditActions", "Paper sheet keyed"),
    "proposal.create": QT_TRANSLATE_NOOP("AuditActions", "Proposal created"),
    "proposal.update": QT_TRANSLATE_NOOP("AuditActions", "Proposal changed"),
    "proposal.submit": QT_TRANSLATE_NOOP("AuditActions", "Proposal submitted"),
    "round.create": QT_TRANSLATE_NOOP("AuditActions", "Round created"),
    "round.update": QT_TRANSLATE_NOOP("AuditActions", "Round changed"),
    "round.delete": QT_TRANSLATE_NOOP("AuditActions", "Round deleted"),
    "round.freeze": QT_TRANSLATE_NOOP("AuditActions", "Results frozen"),
    "round.reopen": QT_TRANSLATE_NOOP("AuditActions", "Results reopened"),
    "rubric_template.save": QT_TRANSLATE_NOOP("AuditActions", "Rubric template saved"),
    "rubric_template.delete": QT_TRANSLATE_NOOP("AuditActions", "Rubric template deleted"),
    "screening.check": QT_TRANSLATE_NOOP("AuditActions", "Screening checks run"),
    "screening.decide": QT_TRANSLATE_NOOP("AuditActions", "Screening decided"),
    "sheet.submit": QT_TRANSLATE_NOOP("AuditActions", "Score sheet submitted"),
    "sheet.reopen": QT_TRANSLATE_NOOP("AuditActions", "Score sheet reopened"),
    "tranche.approve": QT_TRANSLATE_NOOP("AuditActions", "Tranche approved for payment"),
    "tranche.cancel": QT_TRANSLATE_NOOP("AuditActions", "Tranche cancelled"),
    "tranche.clawback": QT_TRANSLATE_NOOP("AuditActions", "Money clawed back"),
    "tranche.gate": QT_TRANSLATE_NOOP("AuditActions", "Payment condition decided"),
    "tranche.pay": QT_TRANSLATE_NOOP("AuditActions", "Tranche paid"),
    "tranche.release": QT_TRANSLATE_NOOP("AuditActions", "Withholding lifted"),
    "tranche.withhold": QT_TRANSLATE_NOOP("AuditActions", "Tranche withheld"),
    "user.create": QT_TRANSLATE_NOOP("AuditActions", "User created"),
    "user.update": QT_TRANSLATE_NOOP("AuditActions", "User changed"),
    "user.sign_in": QT_TRANSLATE_NOOP("AuditActions", "Signed in"),
    "user.sign_in_failed": QT_TRANSLATE_NOOP("AuditActions", "Sign-in refused"),
    "user.sign_out": QT_TRANSLATE_NOOP("AuditActions", "Signed out"),
    "user.change_password": QT_TRANSLATE_NOOP("AuditActions", "Own password changed"),
    "user.reset_password": QT_TRANSLATE_NOOP("AuditActions", "Password reset"),
}
ENTITY_LABELS = {
    "assignment": QT_TRANSLATE_NOOP("AuditActions", "Assignment"),
    "award": QT_TRANSLATE_NOOP("AuditActions", "Award"),
    "clawback": QT_TRANSLATE_NOOP("AuditActions", "Clawback"),
    "competition": QT_TRANSLATE_NOOP("AuditActions", "Competition"),
    "issued_document": QT_TRANSLATE_NOOP("AuditActions", "Issued document"),
    "judge": QT_TRANSLATE_NOOP("AuditActions", "Judge"),
    "laptop": QT_TRANSLATE_NOOP("AuditActions", "Judge laptop"),
    "organization": QT_TRANSLATE_NOOP("AuditActions", "Organization"),
    "panel": QT_TRANSLATE_NOOP("AuditActions", "Panel"),
    "proposal": QT_TRANSLATE_NOOP("AuditActions", "Proposal"),
    "round": QT_TRANSLATE_NOOP("AuditActions", "Round"),
    "rubric_template": QT_TRANSLATE_NOOP("AuditActions", "Rubric template"),
    "score_sheet": QT_TRANSLATE_NOOP("AuditActions", "Score sheet"),
    "tranche": QT_TRANSLATE_NOOP("AuditActions", "Tranche"),
    "user": QT_TRANSLATE_NOOP("AuditActions", "User"),
}


def action_label(action: str) -> str:
    source = ACTION_LABELS.get(action)
    return translate("AuditActions", source) if source else action


def role_label(role_text: str) -> str:
    """"staff+finance" → "Staff, Finance" in the user's language; unknown parts as recorded."""
    parts = []
    for part in role_text.split("+"):
        try:
            parts.append(translate("Roles", ROLE_LABELS[Role(part)]))
        except (ValueError, KeyError):
            parts.append(part)
    return "、".join(parts)


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An entry as the table shows it; labels are looked up when shown, so a language switch applies at once."""

    entry: audit.Row

    @property
    def when(self) -> str:
        return self.entry.when

    @property
    def username(self) -> str:
        return self.entry.username

    @property
    def role(self) -> str:
        return role_label(self.entry.role)

    @property
    def action(self) -> str:
        return action_label(self.entry.action)

    @property
    def entity(self) -> str:
        source = ENTITY_LABELS.get(self.entry.entity)
        return translate("AuditActions", source) if source else self.entry.entity

    @property
    def entity_id(self) -> int | None:
        return self.entry.entity_id

    @property
    def change(self) -> str:
        return self.entry.change

    def details(self) -> str:
        lines = [f"{self.entry.action} · #{self.entry.id}"]
        if self.entry.before:
            lines.append(translate("AuditDialog", "Before: {values}").format(values=self.entry.before))
        if self.entry.after:
            lines.append(translate("AuditDialog", "After: {values}").format(values=self.entry.after))
        return "\n".join(lines)


COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Time"), "when"),
    Column(QT_TRANSLATE_NOOP("Columns", "User"), "username"),
    Column(QT_TRANSLATE_NOOP("Columns", "User role"), "role"),
    Column(QT_TRANSLATE_NOOP("Columns", "Action"), "action"),
    Column(QT_TRANSLATE_NOOP("Columns", "Changed record"), "entity"),
    Column(QT_TRANSLATE_NOOP("Columns", "No."), "entity_id", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Before → after"), "change"),
)
CHANGE_COLUMN = len(COLUMNS) - 1


class AuditModel(RowTableModel):
    """The full before and after values in each row's tooltip."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.row() < self.rowCount():
            return self.row_at(index.row()).details()
        return super().data(index, role)


class AuditDialog(QDialog):
    """Filters run in the database off the GUI thread; only the newest LIMIT matching entries are listed."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._generation = 0  # a reply to an older filter is dropped
        self.verifying = False
        self.loading = False
        self.report: audit.VerifyReport | None = None
        self.setWindowTitle(self.tr("Change log"))
        self.resize(1180, 720)
        self.banner = ProblemBanner(self)
        self.model = AuditModel(COLUMNS, self)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, CHANGE_COLUMN, max_width=420)
        self.count = QLabel()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.reload)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_bar())
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(self._verify_box())
        layout.addWidget(buttons)
        run_task(lambda: audit.facets(db), self._fill_facets, self._failed)
        self.reload()

    # --- building -----------------------------------------------------------------------------------------

    def _filter_bar(self) -> QHBoxLayout:
        self.user = QComboBox(self)
        self.user.addItem(self.tr("All users"), "")
        self.action = QComboBox(self)
        self.action.addItem(self.tr("All actions"), "")
        self.action.setMinimumWidth(180)
        self.since, self.until = DateEdit(self), DateEdit(self)
        self.text = search_box(self)
        self.text.setPlaceholderText(self.tr("Search names, numbers, values…"))
        for combo in (self.user, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.reload())
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        bar = QHBoxLayout()
        for caption, widget in ((self.tr("User"), self.user), (self.tr("Action"), self.action),
                                (self.tr("From"), self.since), (self.tr("To"), self.until)):
            bar.addWidget(QLabel(caption))
            bar.addWidget(widget)
            bar.addSpacing(8)
        bar.addStretch(1)
        bar.addWidget(self.text)
        return bar

    def _verify_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Check the change log"), self)
        self.verify_button = QPushButton(self.tr("Verify the change log"), box)
        self.verify_button.clicked.connect(lambda _checked=False: self.verify())
        self.printed = QLineEdit(box)
        self.printed.setPlaceholderText(
            self.tr("Optional: the head printed on a document, e.g. 188 · 0123456789abcdef"))
        self.printed.setClearButtonEnabled(True)
        self.printed.returnPressed.connect(self.verify)
        self.result = QLabel(box)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        note = QLabel(self.tr("Checks every entry's hash and link, and that the scores, sheet states and frozen "
                              "results still match what the log recorded."), box)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.printed, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(self.result)
        return box

    # --- the list -------------------------------------------------------------------------------------------

    def filters(self) -> audit.Filters:
        return audit.Filters(user=self.user.currentData() or "", action=self.action.currentData() or "",
                             since=self.since.value(), until=self.until.value(), text=self.text.text().strip())

    def reload(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation, filters, db = self._generation, self.filters(), self.db
        self.loading = True
        run_task(lambda: audit.entries(db, filters, LIMIT), lambda rows: self._filled(generation, rows),
                 lambda exc: self._load_failed(generation, exc))

    def _filled(self, generation: int, rows: list[audit.Row]) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.banner.clear()
        self.model.set_rows([AuditLine(r) for r in rows])
        self.fitter.fit()
        self.count.setText(self.tr("The newest {count} matching entries are shown; narrow the filters to reach "
                                   "older ones.").format(count=len(rows)) if len(rows) >= LIMIT
                           else self.tr("{count} entries, newest first").format(count=len(rows)))

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            self._failed(exc)

    def _fill_facets(self, facets: tuple[list[str], list[str]]) -> None:
        users, actions = facets
        for combo, values, shown in ((self.user, users, str), (self.action, actions, action_label)):
            combo.blockSignals(True)  # the list does not change by filling the choices
            for value in values:
                combo.addItem(shown(value), value)
            combo.blockSignals(False)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PspError):
            raise exc
        self.banner.show_error(exc)

    # --- verifying ------------------------------------------------------------------------------------------

    def verify(self) -> None:
        if self.verifying:
            return
        self.report = None
        try:
            printed = [audit.parse_printed(self.printed.text())] if self.printed.text().strip() else []
        except PspError as exc:
            self._show(BROKEN_STYLE, exc.render(translate))
            return
        self.verifying = True
        self.verify_button.setEnabled(False)
        self._show(BUSY_STYLE, self.tr("Checking every entry…"))
        db = self.db
        run_task(lambda: audit.verify(db, printed), self._verified, self._verify_failed)

    def _verified(self, report: audit.VerifyReport) -> None:
        self._done()
        self.report = report
        if report.ok:
            self._show(OK_STYLE, self.tr("The change log is intact: {count} entries, head {head}. The scores, sheet "
                                         "states and frozen results match it ({sealed} records checked).")
                       .format(count=report.checked, head=report.head.short, sealed=report.sealed))
            return
        assert report.problem is not None
        self._show(BROKEN_STYLE, self.tr("The check failed. {problem}")
                   .format(problem=report.problem.render(translate)))

    def _verify_failed(self, exc: BaseException) -> None:
        self._done()
        if not isinstance(exc, PspError):
            raise exc
        self._show(BROKEN_STYLE, exc.render(translate))

    def _done(self) -> None:
        self.verifying = False
        self.verify_button.setEnabled(True)

    def _show(self, style: str, text: str) -> None:
        self.result.setStyleSheet(style)
        self.result.setText(text)
        self.result.show()

    @property
    def verdict(self) -> str:
        return self.result.text()


def open_audit_dialog(db: Database, parent: QWidget | None = None) -> AuditDialog:
    dialog = AuditDialog(db, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

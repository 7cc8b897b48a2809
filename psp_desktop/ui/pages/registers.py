"""The list pages over the registers: needs, organizations, competitions, judging set-up, issued documents."""

from __future__ import annotations

from types import ModuleType

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from .. import workbook_actions
from ..table import Column
from .base import EmptyPage, ListPage, Section


def _lists() -> ModuleType:
    from ...services import lists  # imported on first use: the window is painted before SQLAlchemy loads

    return lists


class NeedsPage(ListPage):
    name = "Needs"
    title_source = QT_TRANSLATE_NOOP("Pages", "Community needs")
    note_source = QT_TRANSLATE_NOOP(
        "Pages", "Needs collected in the communities. Themes and proposals link to the needs they answer.")
    sections = (
        Section("", (
            Column(QT_TRANSLATE_NOOP("Columns", "Street"), "street"),
            Column(QT_TRANSLATE_NOOP("Columns", "Community"), "community"),
            Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
            Column(QT_TRANSLATE_NOOP("Columns", "Need"), "title"),
            Column(QT_TRANSLATE_NOOP("Columns", "People affected"), "people_affected", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Priority"), "priority", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Source"), "source"),
            Column(QT_TRANSLATE_NOOP("Columns", "Collected on"), "collected_on"),
        ), lambda db: _lists().needs(db),
            QT_TRANSLATE_NOOP("Pages", "No community needs recorded yet"),
            QT_TRANSLATE_NOOP("Pages", "Needs collected by surveys, residents' meetings, the hotline and grid "
                                       "workers will be listed here."), stretch="title"),
    )


    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Export to Excel…"), lambda: self.export("needs"))
        self.finish_toolbar()


class OrganizationsPage(ListPage):
    name = "Organizations"
    title_source = QT_TRANSLATE_NOOP("Pages", "Social organizations")
    sections = (
        Section("", (
            Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Unified social credit code"), "uscc"),
            Column(QT_TRANSLATE_NOOP("Columns", "Type"), "org_type"),
            Column(QT_TRANSLATE_NOOP("Columns", "Registered on"), "registered_on"),
            Column(QT_TRANSLATE_NOOP("Columns", "Annual inspection"), "inspection_result"),
            Column(QT_TRANSLATE_NOOP("Columns", "Rating"), "rating"),
            Column(QT_TRANSLATE_NOOP("Columns", "Contact"), "contact_name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Phone"), "contact_phone"),
            Column(QT_TRANSLATE_NOOP("Columns", "Proposals"), "proposals", "int"),
        ), lambda db: _lists().organizations(db),
            QT_TRANSLATE_NOOP("Pages", "No organizations registered yet"),
            QT_TRANSLATE_NOOP("Pages", "Each social organization is registered once, by its unified social "
                                       "credit code, and keeps its history across competitions.")),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Register an organization…"), self.register)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Open"), self.open_selected)
        self.add_menu(QT_TRANSLATE_NOOP("Pages", "Excel"), [
            (QT_TRANSLATE_NOOP("Pages", "Import organizations from a workbook…"), self.import_workbook),
            (QT_TRANSLATE_NOOP("Pages", "Blank import template…"),
             lambda: workbook_actions.save_template(self, "organizations")),
            (QT_TRANSLATE_NOOP("Pages", "Export this list…"), lambda: self.export("organizations")),
        ])
        self.finish_toolbar()
        self.tables[0].view.doubleClicked.connect(lambda _index: self.open_selected())

    def register(self) -> None:
        self._edit(None)

    def import_workbook(self) -> None:
        if self.db is not None and workbook_actions.import_workbook(self, self.db, "organizations"):
            self.changed.emit()

    def open_selected(self) -> None:
        row = self.tables[0].selected_row()
        if row is not None:
            self._edit(row.id)

    def _edit(self, organization_id: int | None) -> None:
        from ..dialogs.organization_dialog import OrganizationDialog

        if self.db is None:
            return
        dialog = OrganizationDialog(self.db, organization_id, self)
        if dialog.exec():
            self.changed.emit()


class CompetitionsPage(ListPage):
    name = "Competitions"
    title_source = QT_TRANSLATE_NOOP("Pages", "Competitions and programmes")
    sections = (
        Section("", (
            Column(QT_TRANSLATE_NOOP("Columns", "Name"), "name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Year"), "year", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Mode"), "mode"),
            Column(QT_TRANSLATE_NOOP("Columns", "Status"), "status"),
            Column(QT_TRANSLATE_NOOP("Columns", "Organizer"), "organizer"),
            Column(QT_TRANSLATE_NOOP("Columns", "Pool (yuan)"), "pool_fen", "money"),
            Column(QT_TRANSLATE_NOOP("Columns", "Cap per project (yuan)"), "project_cap_fen", "money"),
            Column(QT_TRANSLATE_NOOP("Columns", "Applications close"), "apply_until"),
            Column(QT_TRANSLATE_NOOP("Columns", "Proposals"), "proposals", "int"),
        ), lambda db: _lists().competitions(db),
            QT_TRANSLATE_NOOP("Pages", "No competitions yet"),
            QT_TRANSLATE_NOOP("Pages", "A competition sets the themes, the money pool, the per-project cap "
                                       "and the rules that applications are screened against.")),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "New competition…"), lambda: self._edit(None))
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Open"), self.open_selected)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Export to Excel…"), lambda: self.export("competitions"))
        self.finish_toolbar()
        self.tables[0].view.doubleClicked.connect(lambda _index: self.open_selected())

    def open_selected(self) -> None:
        row = self.tables[0].selected_row()
        if row is not None:
            self._edit(row.id)

    def _edit(self, competition_id: int | None) -> None:
        from ..dialogs.competition_dialog import CompetitionDialog

        if self.db is not None and CompetitionDialog(self.db, competition_id, self).exec():
            self.changed.emit()


class JudgingPage(ListPage):
    name = "Judging"
    title_source = QT_TRANSLATE_NOOP("Pages", "Judging")
    note_source = QT_TRANSLATE_NOOP(
        "Pages", "Review rounds with their rubrics, and the judges on the roster. Score entry and judge mode "
                 "are not available in this version yet.")
    sections = (
        Section(QT_TRANSLATE_NOOP("Pages", "Review rounds"), (
            Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
            Column(QT_TRANSLATE_NOOP("Columns", "Order"), "seq", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Round"), "name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Kind"), "kind"),
            Column(QT_TRANSLATE_NOOP("Columns", "Weight %"), "weight_percent", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Blind"), "blind"),
            Column(QT_TRANSLATE_NOOP("Columns", "Criteria"), "criteria", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Full marks"), "max_total_x100", "points"),
            Column(QT_TRANSLATE_NOOP("Columns", "Judges per proposal"), "judges_per_proposal", "int"),
        ), lambda db: _lists().rounds(db),
            QT_TRANSLATE_NOOP("Pages", "No review rounds yet"),
            QT_TRANSLATE_NOOP("Pages", "Rounds such as the written review and the roadshow are set up on a "
                                       "competition.")),
        Section(QT_TRANSLATE_NOOP("Pages", "Judges"), (
            Column(QT_TRANSLATE_NOOP("Columns", "Name"), "name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Title"), "title"),
            Column(QT_TRANSLATE_NOOP("Columns", "Affiliation"), "affiliation"),
            Column(QT_TRANSLATE_NOOP("Columns", "Expertise"), "expertise"),
            Column(QT_TRANSLATE_NOOP("Columns", "Public juror"), "is_public_juror"),
            Column(QT_TRANSLATE_NOOP("Columns", "Panels"), "panels", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Declared conflicts"), "conflicts", "int"),
        ), lambda db: _lists().judges(db),
            QT_TRANSLATE_NOOP("Pages", "No judges on the roster yet"),
            QT_TRANSLATE_NOOP("Pages", "Judges are added to the roster with their affiliation and expertise."),
            stretch="expertise", height=3),
    )


    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Export judges to Excel…"), lambda: self.export("judges"))
        self.finish_toolbar()


class DocumentsPage(ListPage):
    name = "Documents"
    title_source = QT_TRANSLATE_NOOP("Pages", "Issued documents")
    sections = (
        Section("", (
            Column(QT_TRANSLATE_NOOP("Columns", "Serial"), "serial"),
            Column(QT_TRANSLATE_NOOP("Columns", "Document"), "doc_type"),
            Column(QT_TRANSLATE_NOOP("Columns", "Subject"), "subject"),
            Column(QT_TRANSLATE_NOOP("Columns", "Issued on"), "issued_on"),
            Column(QT_TRANSLATE_NOOP("Columns", "Voided"), "voided"),
        ), lambda db: _lists().issued_documents(db),
            QT_TRANSLATE_NOOP("Pages", "No documents issued yet"),
            QT_TRANSLATE_NOOP("Pages", "Certificates, letters, agreements and notices will be recorded here "
                                       "with a serial number when they are issued, so that any copy can be "
                                       "verified later. Issuing documents is not available in this version "
                                       "yet.")),
    )


class ResultsPage(EmptyPage):
    name = "Results"
    title_source = QT_TRANSLATE_NOOP("Pages", "Results")
    empty_title = QT_TRANSLATE_NOOP("Pages", "No results yet")
    empty_body = QT_TRANSLATE_NOOP(
        "Pages", "Rankings appear here once judges have submitted their score sheets. Score entry and "
                 "ranking are not available in this version yet.")


class FundingPage(EmptyPage):
    name = "Funding"
    title_source = QT_TRANSLATE_NOOP("Pages", "Funding")
    empty_title = QT_TRANSLATE_NOOP("Pages", "No awards yet")
    empty_body = QT_TRANSLATE_NOOP(
        "Pages", "Awards, grant agreements, tranches and payments appear here after the results are final. "
                 "Funding is not available in this version yet.")


class MonitoringPage(EmptyPage):
    name = "Monitoring"
    title_source = QT_TRANSLATE_NOOP("Pages", "Monitoring and evaluation")
    empty_title = QT_TRANSLATE_NOOP("Pages", "No funded projects to monitor yet")
    empty_body = QT_TRANSLATE_NOOP(
        "Pages", "Progress reports, site visits and mid-term and final evaluations of funded projects appear "
                 "here. Monitoring is not available in this version yet.")

"""The list pages over the registers: organizations, competitions, judging set-up."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QWidget

from ...services.access import Permission
from .. import workbook_actions
from ..table import Column
from .base import ListPage, Section

translate = QCoreApplication.translate


def _lists() -> ModuleType:
    from ...services import lists  # imported on first use: the window is painted before SQLAlchemy loads

    return lists


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
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Register an organization…"), self.register,
                        permission=Permission.REGISTRY_EDIT)
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
        self.add_button(QT_TRANSLATE_NOOP("Pages", "New competition…"), lambda: self._edit(None),
                        permission=Permission.COMPETITION_SETUP)
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
        "Pages", "Review rounds with their rubrics, panels and assignments, and the judges on the roster with their "
                 "PINs and conflicts of interest. Judges score in judge mode with their PIN; paper sheets are keyed "
                 "in twice by staff.")
    sections = (
        Section(QT_TRANSLATE_NOOP("Pages", "Review rounds"), (
            Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
            Column(QT_TRANSLATE_NOOP("Columns", "Order"), "seq", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Round"), "name"),
            Column(QT_TRANSLATE_NOOP("Columns", "Kind"), "kind"),
            Column(QT_TRANSLATE_NOOP("Columns", "Assigned"), "assigned", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Submitted"), "submitted", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Results frozen"), "frozen"),
            Column(QT_TRANSLATE_NOOP("Columns", "Weight %"), "weight_percent", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Blind"), "blind"),
            Column(QT_TRANSLATE_NOOP("Columns", "Criteria"), "criteria", "int"),
            Column(QT_TRANSLATE_NOOP("Columns", "Full marks"), "max_total_x100", "points"),
            Column(QT_TRANSLATE_NOOP("Columns", "Judges per proposal"), "judges_per_proposal", "int"),
        ), lambda db: _lists().rounds(db),
            QT_TRANSLATE_NOOP("Pages", "No review rounds yet"),
            QT_TRANSLATE_NOOP("Pages", "Rounds such as the written review and the roadshow are set up on a "
                                       "competition."), stretch="name", height=2),
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
        self.add_button(QT_TRANSLATE_NOOP("Pages", "New round…"), self.new_round, permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Edit round…"), self.edit_round, permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Panels…"), self.panels, permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Assign…"), self.assign, permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Add judge…"), lambda: self._judge(None),
                        permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Judge mode…"), self.judge_mode, permission=Permission.JUDGING_SETUP)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Export judges to Excel…"), lambda: self.export("judges"))
        self.finish_toolbar()
        self.judge_window: QWidget | None = None
        self.tables[0].view.doubleClicked.connect(lambda _index: self.edit_round())
        self.tables[1].view.doubleClicked.connect(lambda _index: self.open_judge())

    def operator(self) -> str:
        """Who is recorded in the change log (Settings → your name)."""
        settings = getattr(self.window(), "settings", None)
        return settings["operator_name"] if settings is not None else ""

    def selected_round(self) -> Any:
        """The round under the cursor, else the first one listed (the dialogs name the round they show)."""
        table = self.tables[0]
        row = table.selected_row()
        if row is None and table.proxy.rowCount():
            row = table.model.row_at(table.proxy.mapToSource(table.proxy.index(0, 0)).row())
        return row

    def _done(self, accepted: object) -> None:
        if accepted:
            self.changed.emit()

    def new_round(self) -> None:
        competition_id = self._ask_competition()
        if competition_id is not None:
            self._round_dialog(competition_id, None)

    def edit_round(self) -> None:
        row = self.selected_round()
        if row is not None:
            self._round_dialog(row.competition_id, row.id)

    def _round_dialog(self, competition_id: int, round_id: int | None) -> None:
        from ..dialogs.round_dialog import RoundDialog

        if self.db is not None:
            self._done(RoundDialog(self.db, competition_id, round_id, self).exec())

    def _ask_competition(self) -> int | None:
        """The competition of a new round: asked only when there is more than one."""
        from PySide6.QtWidgets import QInputDialog

        if self.db is None:
            return None
        choices = _lists().competition_choices(self.db)
        if len(choices) <= 1:
            return choices[0].id if choices else None
        names = [c.name for c in choices]
        selected = self.selected_round()
        current = next((i for i, c in enumerate(choices) if selected and c.id == selected.competition_id), 0)
        name, ok = QInputDialog.getItem(self, translate("Pages", "New round"),
                                        translate("Pages", "Competition of the new round:"), names, current, False)
        return choices[names.index(name)].id if ok and name in names else None

    def panels(self) -> None:
        from ..dialogs.panel_dialog import PanelDialog

        row = self.selected_round()
        if self.db is not None and row is not None:
            self._done(PanelDialog(self.db, row.id, self.operator(), self).exec())

    def assign(self) -> None:
        from ..dialogs.assignment_dialog import AssignmentDialog

        row = self.selected_round()
        if self.db is not None and row is not None:
            self._done(AssignmentDialog(self.db, row.id, self.operator(), self).exec())

    def judge_mode(self) -> None:
        """One judge-mode window at a time; it covers the screen so a judge sees nothing else."""
        from ..judge_mode import open_judge_mode

        if self.db is None:
            return
        if self.judge_window is not None and self.judge_window.isVisible():
            self.judge_window.raise_()
            self.judge_window.activateWindow()
            return
        self.judge_window = open_judge_mode(self.db, self.window())

    def open_judge(self) -> None:
        row = self.tables[1].selected_row()
        if row is not None:
            self._judge(row.id)

    def _judge(self, judge_id: int | None) -> None:
        from ..dialogs.judge_dialog import JudgeDialog

        if self.db is not None:
            self._done(JudgeDialog(self.db, judge_id, self.operator(), self).exec())

"""Recording or editing a community need (需求登记), and what it is linked to: the competition themes that target it
and the proposals that answer it.

The need itself needs the right to edit the registry; theme links are competition set-up and proposal links intake
work, so each list is read-only for people without that right (the service checks again). Proposals can be linked
whatever their status here, so a need registered after the fact can still be tied to the project that answers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import NeedSource, ServiceDomain
from ...errors import PspError
from ...services import needs as service
from ...services.access import Permission, allowed
from ...services.needs import NeedData
from ..changed_elsewhere import offer_reload
from ..forms import DateEdit, ProblemBanner, enum_combo, select_data, show_problems
from ..labels import label, quoted
from ..widgets import search_box

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate
USER = Qt.ItemDataRole.UserRole


class CommunityDialog(QDialog):
    """A new community (社区): district, street and name."""

    def __init__(self, db: Database, district: str = "", street: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("New community"))
        self.banner = ProblemBanner(self)
        self.district, self.street, self.name = QLineEdit(district), QLineEdit(street), QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("District"), self.district)
        form.addRow(self.tr("Street"), self.street)
        form.addRow(self.tr("Community"), self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def save(self) -> None:
        try:
            self.saved_id = service.add_community(self.db, self.district.text(), self.street.text(), self.name.text())
        except PspError as exc:
            show_problems(self.banner, {"district": self.district, "street": self.street, "name": self.name}, exc)
            return
        self.accept()


class NeedDialog(QDialog):
    def __init__(self, db: Database, need_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.need_id = need_id
        self.row_version = 0
        self.saved_id: int | None = None
        self.linked_themes: tuple[int, ...] = ()
        self.linked_proposals: tuple[int, ...] = ()
        self.resize(760, 600)
        self.banner = ProblemBanner(self)
        self._build_fields()
        tabs = self.tabs = QTabWidget(self)
        tabs.addTab(self._need_tab(), self.tr("The need"))
        tabs.addTab(self._links_tab(), self.tr("Themes and proposals"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(allowed(db, Permission.REGISTRY_EDIT))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self._fill_communities()
        if need_id is None:
            self.setWindowTitle(self.tr("Record a community need"))
            self._show(NeedData())
        else:
            self._reload(links=False)
        self._fill_links()

    def _reload(self, links: bool = True) -> None:
        assert self.need_id is not None
        record = service.load(self.db, self.need_id)
        self.row_version = record.row_version
        self.linked_themes, self.linked_proposals = record.theme_ids, record.proposal_ids
        self.setWindowTitle(self.tr("Community need: {title}").format(title=record.data.title))
        self._show(record.data)
        if links:
            self._fill_links()

    # --- building ---------------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.community = QComboBox()
        self.community.setMinimumWidth(260)
        self.domain = enum_combo(ServiceDomain)
        self.title_edit = QLineEdit()
        self.description = QPlainTextEdit()
        self.source = enum_combo(NeedSource)
        self.people = QSpinBox()
        self.people.setRange(0, 10_000_000)
        self.people.setGroupSeparatorShown(True)
        self.priority = QComboBox()
        for value, text in ((1, self.tr("1 (highest)")), (2, "2"), (3, "3"), (4, "4"), (5, self.tr("5 (lowest)"))):
            self.priority.addItem(text, value)
        self.collected_on = DateEdit()
        self.widgets = {"community_id": self.community, "domain": self.domain, "title": self.title_edit,
                        "description": self.description, "source": self.source, "people_affected": self.people,
                        "priority": self.priority, "collected_on": self.collected_on}

    def _need_tab(self) -> QWidget:
        page = QWidget()
        new_community = QPushButton(self.tr("New community…"))
        new_community.setAutoDefault(False)
        new_community.clicked.connect(self._new_community)
        new_community.setVisible(allowed(self.db, Permission.REGISTRY_EDIT))
        community = QHBoxLayout()
        community.addWidget(self.community, 1)
        community.addWidget(new_community)
        form = QFormLayout(page)
        form.addRow(self.tr("Community"), community)
        form.addRow(self.tr("Service domain"), self.domain)
        form.addRow(self.tr("Need"), self.title_edit)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("People affected"), self.people)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Collected on"), self.collected_on)
        return page

    def _links_tab(self) -> QWidget:
        page = QWidget()
        self.themes = QListWidget()
        self.proposals = QListWidget()
        self.proposal_search = search_box(page)
        self.proposal_search.setPlaceholderText(self.tr("Search proposals…"))
        self.proposal_search.textChanged.connect(self._filter_proposals)
        self.themes.setEnabled(allowed(self.db, Permission.COMPETITION_SETUP))
        self.proposals.setEnabled(allowed(self.db, Permission.INTAKE_EDIT))
        themes_note = QLabel(self.tr("Competition themes that target this need (set when the themes are chosen)."))
        proposals_note = QLabel(self.tr("Proposals that answer this need: the coverage report counts these. "
                                        "Proposals of the need's service domain and those already linked are listed."))
        for note in (themes_note, proposals_note):
            note.setWordWrap(True)
            note.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(proposals_note, 1)
        bar.addWidget(self.proposal_search)
        layout = QVBoxLayout(page)
        layout.addWidget(themes_note)
        layout.addWidget(self.themes, 2)
        layout.addLayout(bar)
        layout.addWidget(self.proposals, 3)
        self.domain.currentIndexChanged.connect(lambda _i: self._fill_proposals())
        return page

    # --- filling ----------------------------------------------------------------------------------------------

    def _fill_communities(self, select: int | None = None) -> None:
        self.community.clear()
        self.community_rows = service.communities(self.db)
        for choice in self.community_rows:
            self.community.addItem(choice.label, choice.id)
        self.community.setCurrentIndex(self.community.findData(select) if select is not None else -1)

    def _show(self, data: NeedData) -> None:
        self.community.setCurrentIndex(self.community.findData(data.community_id))
        self.domain.blockSignals(True)  # the proposals are listed once, by _fill_links
        if data.domain is None:
            self.domain.setCurrentIndex(-1)
        else:
            select_data(self.domain, data.domain)
        self.domain.blockSignals(False)
        self.title_edit.setText(data.title)
        self.description.setPlainText(data.description)
        select_data(self.source, data.source)
        self.people.setValue(data.people_affected or 0)
        select_data(self.priority, data.priority)
        self.collected_on.set_value(data.collected_on)

    def _fill_links(self) -> None:
        choices = service.link_choices(self.db, None, ())
        self.themes.clear()
        for theme in choices.themes:
            item = QListWidgetItem(f"{theme.year}  {theme.competition} · {theme.name}（{label(theme.domain)}）")
            item.setData(USER, theme.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if theme.id in self.linked_themes else Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self._fill_proposals()

    def _checked(self, widget: QListWidget) -> list[int]:
        return [widget.item(r).data(USER) for r in range(widget.count())
                if widget.item(r).checkState() == Qt.CheckState.Checked]

    def _fill_proposals(self) -> None:
        """The need's domain's proposals and every linked one; ticks made so far are kept."""
        ticked = set(self._checked(self.proposals)) if self.proposals.count() else set(self.linked_proposals)
        domain = self.domain.currentData()
        choices = service.link_choices(self.db, domain, ticked)
        self.proposals.clear()
        for proposal in choices.proposals:
            number = proposal.intake_number or self.tr("draft")
            item = QListWidgetItem(f"{proposal.year}  {number}  {quoted(proposal.title)} — {proposal.organization}"
                                   f"（{label(proposal.status)}）")
            item.setData(USER, proposal.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if proposal.id in ticked else Qt.CheckState.Unchecked)
            self.proposals.addItem(item)
        self._filter_proposals(self.proposal_search.text())

    def _filter_proposals(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.proposals.count()):
            item = self.proposals.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _new_community(self) -> None:
        current = next((c for c in self.community_rows if c.id == self.community.currentData()), None)
        last = current or (self.community_rows[-1] if self.community_rows else None)
        dialog = CommunityDialog(self.db, last.district if last else "", last.street if last else "", self)
        if dialog.exec() and dialog.saved_id is not None:
            self._fill_communities(dialog.saved_id)

    # --- saving -----------------------------------------------------------------------------------------------

    def data(self) -> NeedData:
        return NeedData(
            community_id=self.community.currentData(), domain=self.domain.currentData(),
            title=self.title_edit.text(), description=self.description.toPlainText(),
            source=self.source.currentData(), people_affected=self.people.value(),
            priority=self.priority.currentData(), collected_on=self.collected_on.value())

    def save(self) -> None:
        themes = self._checked(self.themes) if self.themes.isEnabled() else None
        proposals = self._checked(self.proposals) if self.proposals.isEnabled() else None
        try:
            if self.need_id is None:
                self.saved_id = service.add(self.db, self.data(), theme_ids=themes, proposal_ids=proposals)
            else:
                service.edit(self.db, self.need_id, self.data(), self.row_version, theme_ids=themes,
                             proposal_ids=proposals)
                self.saved_id = self.need_id
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            offer_reload(self, exc, self._reload)
            return
        self.accept()

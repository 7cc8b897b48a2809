"""Setting up a competition: basic facts, money and intake numbering, the timetable, and the screening rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import CompetitionMode, CompetitionStatus, Rating
from ...errors import PspError
from ...services import competitions as service
from ...services import proposals
from ...services.competitions import CompetitionData, FollowUpRules, ScreeningRules
from ..changed_elsewhere import offer_reload
from ..forms import DateEdit, MoneyEdit, ProblemBanner, enum_combo, select_data, show_problems

if TYPE_CHECKING:
    from ...db import Database

DATES = ("apply_from", "apply_until", "screening_until", "review_on", "notice_from", "notice_until", "signing_on")


def _percent_spin(maximum: int = 100) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSuffix(" %")
    spin.setSpecialValueText("—")
    return spin


class CompetitionDialog(QDialog):
    def __init__(self, db: Database, competition_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.competition_id = competition_id
        self.row_version = 0
        self.saved_id: int | None = None
        self.resize(760, 640)
        self.banner = ProblemBanner(self)
        self._build_fields()
        tabs = QTabWidget(self)
        tabs.addTab(self._basic_tab(), self.tr("Competition"))
        tabs.addTab(self._money_tab(), self.tr("Money and intake numbers"))
        tabs.addTab(self._dates_tab(), self.tr("Timetable"))
        tabs.addTab(self._rules_tab(), self.tr("Screening rules"))
        tabs.addTab(self._follow_up_tab(), self.tr("Monitoring and evaluation"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        if competition_id is None:
            self.setWindowTitle(self.tr("New competition"))
            self._show(CompetitionData())
        else:
            data, self.row_version = service.load(db, competition_id)
            self.setWindowTitle(self.tr("Competition: {name}").format(name=data.name))
            self._show(data)

    def _reload(self) -> None:
        assert self.competition_id is not None
        data, self.row_version = service.load(self.db, self.competition_id)
        self._show(data)

    def _build_fields(self) -> None:
        self.name, self.organizer, self.district = QLineEdit(), QLineEdit(), QLineEdit()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.mode = enum_combo(CompetitionMode)
        self.status = enum_combo(CompetitionStatus)
        self.description = QPlainTextEdit()
        self.pool_fen, self.project_cap_fen = MoneyEdit(), MoneyEdit()
        self.budget_share_cap_percent, self.min_matching_percent = _percent_spin(), _percent_spin()
        self.intake_pattern = QLineEdit()
        self.intake_example = QLabel()
        self.intake_pattern.textChanged.connect(self._show_example)
        self.year.valueChanged.connect(self._show_example)
        for name in DATES:
            setattr(self, name, DateEdit())
        self.min_registration_years = QSpinBox()
        self.min_registration_years.setRange(0, 10)
        self.min_registration_years.setSpecialValueText("—")
        self.require_inspection_passed = QCheckBox(self.tr("Last annual inspection passed"))
        self.min_rating = enum_combo(Rating)
        self.exclude_abnormal_list = QCheckBox(self.tr("Not on the abnormal-activity list"))
        self.exclude_violation_list = QCheckBox(self.tr("Not on the serious-violation list"))
        self.require_bank_account = QCheckBox(self.tr("Has its own bank account"))
        self.max_proposals_per_org = QSpinBox()
        self.max_proposals_per_org.setRange(0, 20)
        self.max_proposals_per_org.setSpecialValueText("—")
        self.management_fee_cap_percent = _percent_spin()
        self.domain_in_themes = QCheckBox(self.tr("Service domain among the competition's themes"))
        self.no_failed_evaluation_years = QSpinBox()
        self.no_failed_evaluation_years.setRange(0, 10)
        self.no_failed_evaluation_years.setSpecialValueText("—")
        self.no_failed_evaluation_years.setToolTip(self.tr(
            "— : not checked. An organization under a bar on applications is always ineligible."))
        self._build_follow_up()
        self.manual_checks = QPlainTextEdit()
        self.manual_checks.setPlaceholderText(self.tr("One item per line. Left empty: the standard two items "
                                                      "(within the charter; materials complete)."))
        self.widgets: dict[str, QWidget] = {n: getattr(self, n) for n in (
            "name", "year", "organizer", "district", "pool_fen", "project_cap_fen", "budget_share_cap_percent",
            "min_matching_percent", "intake_pattern", "management_fee_cap_percent", *DATES)}
        self.widgets.update(self.follow_up_spins)

    def _form(self, rows: list[tuple[str, QWidget]]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for caption, widget in rows:
            form.addRow(caption, widget)
        return page

    def _basic_tab(self) -> QWidget:
        return self._form([(self.tr("Name"), self.name), (self.tr("Year"), self.year), (self.tr("Mode"), self.mode),
                           (self.tr("Status"), self.status), (self.tr("Organizer"), self.organizer),
                           (self.tr("District"), self.district), (self.tr("Description"), self.description)])

    def _money_tab(self) -> QWidget:
        return self._form([
            (self.tr("Pool (yuan)"), self.pool_fen), (self.tr("Cap per project (yuan)"), self.project_cap_fen),
            (self.tr("Grant at most this share of the budget"), self.budget_share_cap_percent),
            (self.tr("Matching funds at least"), self.min_matching_percent),
            (self.tr("Intake number pattern"), self.intake_pattern), ("", self.intake_example)])

    def _dates_tab(self) -> QWidget:
        captions = (self.tr("Applications open"), self.tr("Applications close"), self.tr("Screening ends"),
                    self.tr("Review day"), self.tr("Public notice from"), self.tr("Public notice until"),
                    self.tr("Agreements signed"))
        return self._form([(caption, getattr(self, name)) for caption, name in zip(captions, DATES, strict=True)])

    def _rules_tab(self) -> QWidget:
        return self._form([
            (self.tr("Registered at least (years)"), self.min_registration_years),
            ("", self.require_inspection_passed), (self.tr("Rating at least"), self.min_rating),
            ("", self.exclude_abnormal_list), ("", self.exclude_violation_list), ("", self.require_bank_account),
            (self.tr("Proposals per organization at most"), self.max_proposals_per_org),
            (self.tr("Management fee at most"), self.management_fee_cap_percent), ("", self.domain_in_themes),
            (self.tr("No failed evaluation in the last (years)"), self.no_failed_evaluation_years),
            (self.tr("Manual checklist"), self.manual_checks)])

    def _build_follow_up(self) -> None:
        """The monitoring and evaluation rules: spin boxes over FollowUpRules' whole numbers, two switches."""
        self.follow_up_spins: dict[str, QSpinBox] = {}
        for name, low, high, suffix in (("report_every_months", 1, 24, ""), ("grace_days", 0, 90, ""),
                                        ("objection_days", 0, 90, ""), ("pass_points", 1, 199, ""),
                                        ("good_points", 2, 199, ""), ("excellent_points", 3, 200, ""),
                                        ("clawback_percent", 0, 100, " %"), ("bar_years", 0, 10, "")):
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setSuffix(suffix)
            self.follow_up_spins[name] = spin
        self.late_report_fails_gate = QCheckBox(self.tr("A late progress report withholds the next tranche"))
        self.withhold_on_fail = QCheckBox(self.tr("A failed evaluation withholds its tranche"))

    def _follow_up_tab(self) -> QWidget:
        spins = self.follow_up_spins
        return self._form([
            (self.tr("Progress report every (months)"), spins["report_every_months"]),
            (self.tr("Grace days after a report's due date"), spins["grace_days"]), ("", self.late_report_fails_gate),
            (self.tr("Objection window (days)"), spins["objection_days"]),
            (self.tr("Pass grade from (points)"), spins["pass_points"]),
            (self.tr("Good grade from (points)"), spins["good_points"]),
            (self.tr("Excellent grade from (points)"), spins["excellent_points"]), ("", self.withhold_on_fail),
            (self.tr("On a failed evaluation, claw back of the money paid"), spins["clawback_percent"]),
            (self.tr("On a failed evaluation, bar applications for (years)"), spins["bar_years"])])

    def _show_example(self) -> None:
        try:
            proposals.check_intake_pattern(self.intake_pattern.text())
            example = proposals.format_intake_number(self.intake_pattern.text(), self.year.value(), 1)
            self.intake_example.setText(self.tr("The first application gets {example}").format(example=example))
        except PspError:
            self.intake_example.setText(self.tr("Use {year} and {seq:03d}, e.g. {year}-WJ-{seq:03d}"))

    # --- data ---------------------------------------------------------------------------------------------

    def _show(self, data: CompetitionData) -> None:
        for name in ("name", "organizer", "district", "intake_pattern"):
            getattr(self, name).setText(getattr(data, name))
        self.year.setValue(data.year)
        select_data(self.mode, data.mode)
        select_data(self.status, data.status)
        self.description.setPlainText(data.description)
        self.pool_fen.set_fen(data.pool_fen)
        self.project_cap_fen.set_fen(data.project_cap_fen)
        self.budget_share_cap_percent.setValue(data.budget_share_cap_percent or 0)
        self.min_matching_percent.setValue(data.min_matching_percent)
        for name in DATES:
            getattr(self, name).set_value(getattr(data, name))
        rules = data.screening
        self.min_registration_years.setValue(rules.min_registration_years)
        for name in ("require_inspection_passed", "exclude_abnormal_list", "exclude_violation_list",
                     "require_bank_account", "domain_in_themes"):
            getattr(self, name).setChecked(getattr(rules, name))
        select_data(self.min_rating, rules.min_rating)
        self.max_proposals_per_org.setValue(rules.max_proposals_per_org)
        self.management_fee_cap_percent.setValue(rules.management_fee_cap_percent)
        self.no_failed_evaluation_years.setValue(rules.no_failed_evaluation_years)
        for name, spin in self.follow_up_spins.items():
            spin.setValue(getattr(data.follow_up, name))
        self.late_report_fails_gate.setChecked(data.follow_up.late_report_fails_gate)
        self.withhold_on_fail.setChecked(data.follow_up.withhold_on_fail)
        self._checks = rules.manual_checks
        self.manual_checks.setPlainText("\n".join(item["label"] for item in rules.manual_checks))
        self._show_example()

    def form_data(self) -> CompetitionData:
        labels = [line.strip() for line in self.manual_checks.toPlainText().splitlines() if line.strip()]
        codes = [item["code"] for item in getattr(self, "_checks", [])]
        manual = [{"code": codes[i] if i < len(codes) else f"item_{i + 1}", "label": label}
                  for i, label in enumerate(labels)]
        rules = ScreeningRules(
            min_registration_years=self.min_registration_years.value(),
            require_inspection_passed=self.require_inspection_passed.isChecked(),
            min_rating=self.min_rating.currentData(), exclude_abnormal_list=self.exclude_abnormal_list.isChecked(),
            exclude_violation_list=self.exclude_violation_list.isChecked(),
            require_bank_account=self.require_bank_account.isChecked(),
            max_proposals_per_org=self.max_proposals_per_org.value(),
            management_fee_cap_percent=self.management_fee_cap_percent.value(),
            domain_in_themes=self.domain_in_themes.isChecked(),
            no_failed_evaluation_years=self.no_failed_evaluation_years.value(), manual_checks=manual)
        data = CompetitionData(
            name=self.name.text().strip(), year=self.year.value(), mode=self.mode.currentData(),
            status=self.status.currentData(), organizer=self.organizer.text().strip(),
            district=self.district.text().strip(), pool_fen=self.pool_fen.fen() or 0,
            project_cap_fen=self.project_cap_fen.fen() or 0,
            budget_share_cap_percent=self.budget_share_cap_percent.value() or None,
            min_matching_percent=self.min_matching_percent.value(), intake_pattern=self.intake_pattern.text().strip(),
            description=self.description.toPlainText(), screening=rules, follow_up=FollowUpRules(
                **{name: spin.value() for name, spin in self.follow_up_spins.items()},
                late_report_fails_gate=self.late_report_fails_gate.isChecked(),
                withhold_on_fail=self.withhold_on_fail.isChecked()))
        for name in DATES:
            setattr(data, name, getattr(self, name).value())
        return data

    def save(self) -> None:
        data = self.form_data()
        try:
            if self.competition_id is None:
                self.saved_id = service.create(self.db, data)
            else:
                service.update(self.db, self.competition_id, data, self.row_version)
                self.saved_id = self.competition_id
        except PspError as exc:
            show_problems(self.banner, self.widgets, exc)
            offer_reload(self, exc, self._reload)
            return
        self.accept()

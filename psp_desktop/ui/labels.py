"""People-facing names of stored values (enums), translated at display time so a language switch applies."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from .. import enums as e
from ..money import format_wan, format_yuan
from ..wording import quoted  # noqa: F401  (the pages quote titles as the documents do)

_SOURCES: tuple[tuple[Enum, str], ...] = (
    (e.ServiceDomain.ELDERLY, QT_TRANSLATE_NOOP("Labels", "Elderly care")),
    (e.ServiceDomain.CHILDREN, QT_TRANSLATE_NOOP("Labels", "Children and youth")),
    (e.ServiceDomain.DISABILITY, QT_TRANSLATE_NOOP("Labels", "Disability support")),
    (e.ServiceDomain.POVERTY, QT_TRANSLATE_NOOP("Labels", "Families in hardship")),
    (e.ServiceDomain.COMMUNITY, QT_TRANSLATE_NOOP("Labels", "Community governance")),
    (e.ServiceDomain.CULTURE, QT_TRANSLATE_NOOP("Labels", "Culture and sports")),
    (e.ServiceDomain.ENVIRONMENT, QT_TRANSLATE_NOOP("Labels", "Environment")),
    (e.ServiceDomain.HEALTH, QT_TRANSLATE_NOOP("Labels", "Health")),
    (e.ServiceDomain.VOLUNTEER, QT_TRANSLATE_NOOP("Labels", "Volunteering")),
    (e.ServiceDomain.OTHER, QT_TRANSLATE_NOOP("Labels", "Other")),
    (e.NeedSource.SURVEY, QT_TRANSLATE_NOOP("Labels", "Survey")),
    (e.NeedSource.MEETING, QT_TRANSLATE_NOOP("Labels", "Residents' meeting")),
    (e.NeedSource.HOTLINE, QT_TRANSLATE_NOOP("Labels", "Hotline")),
    (e.NeedSource.GRID, QT_TRANSLATE_NOOP("Labels", "Grid worker visit")),
    (e.NeedSource.OTHER, QT_TRANSLATE_NOOP("Labels", "Other source")),
    (e.OrgType.SOCIAL_GROUP, QT_TRANSLATE_NOOP("Labels", "Social group")),
    (e.OrgType.SERVICE_AGENCY, QT_TRANSLATE_NOOP("Labels", "Social service agency")),
    (e.OrgType.FOUNDATION, QT_TRANSLATE_NOOP("Labels", "Foundation")),
    (e.OrgType.COMMUNITY_ORG, QT_TRANSLATE_NOOP("Labels", "Community organization")),
    (e.OrgType.OTHER, QT_TRANSLATE_NOOP("Labels", "Other type")),
    (e.InspectionResult.PASSED, QT_TRANSLATE_NOOP("Labels", "Passed")),
    (e.InspectionResult.BASIC, QT_TRANSLATE_NOOP("Labels", "Basically passed")),
    (e.InspectionResult.FAILED, QT_TRANSLATE_NOOP("Labels", "Failed")),
    (e.InspectionResult.NONE, QT_TRANSLATE_NOOP("Labels", "Not inspected")),
    (e.Rating.NONE, QT_TRANSLATE_NOOP("Labels", "Not rated")),
    (e.Rating.A1, "1A"),
    (e.Rating.A2, "2A"),
    (e.Rating.A3, "3A"),
    (e.Rating.A4, "4A"),
    (e.Rating.A5, "5A"),
    (e.CompetitionMode.VENTURE, QT_TRANSLATE_NOOP("Labels", "Venture philanthropy")),
    (e.CompetitionMode.BIDDING, QT_TRANSLATE_NOOP("Labels", "Project bidding")),
    (e.CompetitionMode.COMMISSION, QT_TRANSLATE_NOOP("Labels", "Project commission")),
    (e.CompetitionStatus.PLANNING, QT_TRANSLATE_NOOP("Labels", "Planning")),
    (e.CompetitionStatus.OPEN, QT_TRANSLATE_NOOP("Labels", "Accepting applications")),
    (e.CompetitionStatus.SCREENING, QT_TRANSLATE_NOOP("Labels", "Screening")),
    (e.CompetitionStatus.REVIEW, QT_TRANSLATE_NOOP("Labels", "Under review")),
    (e.CompetitionStatus.NOTICE, QT_TRANSLATE_NOOP("Labels", "Public notice")),
    (e.CompetitionStatus.SIGNING, QT_TRANSLATE_NOOP("Labels", "Signing")),
    (e.CompetitionStatus.IMPLEMENTING, QT_TRANSLATE_NOOP("Labels", "Implementing")),
    (e.CompetitionStatus.CLOSED, QT_TRANSLATE_NOOP("Labels", "Closed")),
    (e.RoundKind.WRITTEN, QT_TRANSLATE_NOOP("Labels", "Written review")),
    (e.RoundKind.ROADSHOW, QT_TRANSLATE_NOOP("Labels", "Roadshow")),
    (e.RoundKind.OTHER, QT_TRANSLATE_NOOP("Labels", "Other round")),
    (e.Aggregation.MEAN, QT_TRANSLATE_NOOP("Labels", "Mean of all judges")),
    (e.Aggregation.TRIMMED_MEAN, QT_TRANSLATE_NOOP("Labels", "Mean without the highest and lowest")),
    (e.Aggregation.ZSCORE, QT_TRANSLATE_NOOP("Labels", "Mean of normalized scores (z-score)")),
    (e.AdvanceRule.ALL, QT_TRANSLATE_NOOP("Labels", "All advance")),
    (e.AdvanceRule.TOP_N, QT_TRANSLATE_NOOP("Labels", "The top N advance")),
    (e.AdvanceRule.THRESHOLD, QT_TRANSLATE_NOOP("Labels", "A score of at least")),
    (e.ProposalStatus.DRAFT, QT_TRANSLATE_NOOP("Labels", "Draft")),
    (e.ProposalStatus.SUBMITTED, QT_TRANSLATE_NOOP("Labels", "Received")),
    (e.ProposalStatus.ELIGIBLE, QT_TRANSLATE_NOOP("Labels", "Eligible")),
    (e.ProposalStatus.INELIGIBLE, QT_TRANSLATE_NOOP("Labels", "Ineligible")),
    (e.ProposalStatus.RETURNED, QT_TRANSLATE_NOOP("Labels", "Returned for changes")),
    (e.ProposalStatus.IN_REVIEW, QT_TRANSLATE_NOOP("Labels", "Under review")),
    (e.ProposalStatus.RANKED, QT_TRANSLATE_NOOP("Labels", "Ranked")),
    (e.ProposalStatus.AWARDED, QT_TRANSLATE_NOOP("Labels", "Funded")),
    (e.ProposalStatus.NOT_AWARDED, QT_TRANSLATE_NOOP("Labels", "Not funded")),
    (e.ProposalStatus.RESERVE, QT_TRANSLATE_NOOP("Labels", "Reserve list")),
    (e.ProposalStatus.IMPLEMENTING, QT_TRANSLATE_NOOP("Labels", "Implementing")),
    (e.ProposalStatus.COMPLETED, QT_TRANSLATE_NOOP("Labels", "Completed")),
    (e.ProposalStatus.TERMINATED, QT_TRANSLATE_NOOP("Labels", "Terminated")),
    (e.ProposalStatus.WITHDRAWN, QT_TRANSLATE_NOOP("Labels", "Withdrawn")),
    (e.DocumentType.INTAKE_RECEIPT, QT_TRANSLATE_NOOP("Labels", "Intake receipt")),
    (e.DocumentType.SCREENING_LIST, QT_TRANSLATE_NOOP("Labels", "Screening list")),
    (e.DocumentType.AWARD_CERTIFICATE, QT_TRANSLATE_NOOP("Labels", "Award certificate")),
    (e.DocumentType.PARTICIPATION_CERTIFICATE, QT_TRANSLATE_NOOP("Labels", "Participation certificate")),
    (e.DocumentType.APPOINTMENT_LETTER, QT_TRANSLATE_NOOP("Labels", "Appointment letter")),
    (e.DocumentType.GRANT_AGREEMENT, QT_TRANSLATE_NOOP("Labels", "Grant agreement")),
    (e.DocumentType.DISBURSEMENT_NOTICE, QT_TRANSLATE_NOOP("Labels", "Disbursement notice")),
    (e.DocumentType.PUBLIC_NOTICE, QT_TRANSLATE_NOOP("Labels", "Public notice list")),
    (e.DocumentType.EVALUATION_REPORT, QT_TRANSLATE_NOOP("Labels", "Evaluation report")),
    (e.DocumentType.BID_REPORT, QT_TRANSLATE_NOOP("Labels", "Bid evaluation report")),
    (e.DocumentType.SCORE_SHEET, QT_TRANSLATE_NOOP("Labels", "Score sheet")),
    (e.BudgetCategory.PERSONNEL, QT_TRANSLATE_NOOP("Labels", "Personnel")),
    (e.BudgetCategory.ACTIVITY, QT_TRANSLATE_NOOP("Labels", "Activities")),
    (e.BudgetCategory.PUBLICITY, QT_TRANSLATE_NOOP("Labels", "Publicity")),
    (e.BudgetCategory.MANAGEMENT, QT_TRANSLATE_NOOP("Labels", "Management fee")),
    (e.BudgetCategory.OTHER, QT_TRANSLATE_NOOP("Labels", "Other costs")),
    (e.ScreeningOutcome.ELIGIBLE, QT_TRANSLATE_NOOP("Labels", "Eligible")),
    (e.ScreeningOutcome.INELIGIBLE, QT_TRANSLATE_NOOP("Labels", "Ineligible")),
    (e.ScreeningOutcome.RETURNED, QT_TRANSLATE_NOOP("Labels", "Returned for changes")),
    (e.ConflictSource.DECLARED, QT_TRANSLATE_NOOP("Labels", "Declared")),
    (e.ConflictSource.AUTOMATIC, QT_TRANSLATE_NOOP("Labels", "Found automatically")),
    (e.AwardLevel.FIRST, QT_TRANSLATE_NOOP("Labels", "First prize")),
    (e.AwardLevel.SECOND, QT_TRANSLATE_NOOP("Labels", "Second prize")),
    (e.AwardLevel.THIRD, QT_TRANSLATE_NOOP("Labels", "Third prize")),
    (e.AwardLevel.EXCELLENT, QT_TRANSLATE_NOOP("Labels", "Excellence award")),
    (e.AwardLevel.NONE, QT_TRANSLATE_NOOP("Labels", "No award level")),
    (e.AwardStatus.PROPOSED, QT_TRANSLATE_NOOP("Labels", "Proposed")),
    (e.AwardStatus.RESERVE, QT_TRANSLATE_NOOP("Labels", "Reserve list")),
    (e.AwardStatus.COMMITTED, QT_TRANSLATE_NOOP("Labels", "Committed, not signed")),
    (e.AwardStatus.SIGNED, QT_TRANSLATE_NOOP("Labels", "Agreement signed")),
    (e.AwardStatus.COMPLETED, QT_TRANSLATE_NOOP("Labels", "Fully paid")),
    (e.AwardStatus.CANCELLED, QT_TRANSLATE_NOOP("Labels", "Cancelled")),
    (e.GateKind.NONE, QT_TRANSLATE_NOOP("Labels", "No condition")),
    (e.GateKind.AGREEMENT_SIGNED, QT_TRANSLATE_NOOP("Labels", "After signing")),
    (e.GateKind.MIDTERM_PASSED, QT_TRANSLATE_NOOP("Labels", "After passing the mid-term evaluation")),
    (e.GateKind.FINAL_PASSED, QT_TRANSLATE_NOOP("Labels", "After passing the final evaluation")),
    (e.GateKind.DATE, QT_TRANSLATE_NOOP("Labels", "On a date")),
    (e.GateKind.MANUAL, QT_TRANSLATE_NOOP("Labels", "Manual approval")),
    (e.TrancheStatus.PLANNED, QT_TRANSLATE_NOOP("Labels", "Planned")),
    (e.TrancheStatus.DUE, QT_TRANSLATE_NOOP("Labels", "Due")),
    (e.TrancheStatus.APPROVED, QT_TRANSLATE_NOOP("Labels", "Approved")),
    (e.TrancheStatus.PAID, QT_TRANSLATE_NOOP("Labels", "Paid")),
    (e.TrancheStatus.WITHHELD, QT_TRANSLATE_NOOP("Labels", "Withheld")),
    (e.TrancheStatus.CANCELLED, QT_TRANSLATE_NOOP("Labels", "Cancelled")),
    (e.TrancheStatus.CLAWED_BACK, QT_TRANSLATE_NOOP("Labels", "Clawed back")),
)
# Keyed by (enum class, value): members of different enums share values ("other", "none"), and StrEnum
# members equal to the same string would collide as plain dictionary keys.
LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _SOURCES}


def money_text(fen: int) -> str:
    """An amount as staff read it: 200万 in Chinese, 2,000,000.00 in English."""
    if QLocale().language() == QLocale.Language.Chinese:
        return format_wan(fen)
    return format_yuan(fen)


def label(value: Enum | None) -> str:
    if value is None:
        return ""
    source = LABELS.get((type(value), value.value))
    return QCoreApplication.translate("Labels", source) if source else str(value.value)

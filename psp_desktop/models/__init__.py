"""The whole domain as typed SQLAlchemy tables. Importing this package registers every table on Base.metadata."""

from .base import Base
from .competition import (
    Competition,
    CompetitionTheme,
    Criterion,
    JudgeGroup,
    Round,
    RubricTemplate,
    TenderProject,
)
from .enums import *  # noqa: F403
from .funding import Award, Clawback, MatchingFundReceipt, Payment, Tranche
from .judging import (
    Assignment,
    ConflictDeclaration,
    ImportedArtifact,
    Judge,
    Laptop,
    Panel,
    PanelMember,
    PaperEntry,
    RoundSnapshot,
    Score,
    ScoreSheet,
)
from .monitoring import (
    Evaluation,
    EvaluationScore,
    Evaluator,
    IndicatorSet,
    ProgressReport,
    ReportFile,
    ReportSpending,
    SiteVisit,
)
from .proposal import Attachment, BudgetLine, EligibilityCheck, Milestone, Proposal, ScreeningDecision
from .registry import Community, CommunityNeed, Organization, OrganizationBar, OrganizationStaff
from .system import AuditEntry, IssuedDocument, Setting, User, UserRole

__all__ = [
    "Assignment", "Attachment", "AuditEntry", "Award", "Base", "BudgetLine", "Clawback", "Community",
    "CommunityNeed", "Competition", "CompetitionTheme", "ConflictDeclaration", "Criterion", "EligibilityCheck",
    "Evaluation", "EvaluationScore", "Evaluator", "ImportedArtifact", "IndicatorSet", "IssuedDocument", "Judge",
    "JudgeGroup", "Laptop", "MatchingFundReceipt", "Milestone", "Organization", "OrganizationBar",
    "OrganizationStaff", "Panel", "PanelMember", "PaperEntry", "Payment", "ProgressReport", "Proposal",
    "ReportFile",
    "ReportSpending", "Round", "RoundSnapshot", "RubricTemplate", "Score", "ScoreSheet", "ScreeningDecision",
    "Setting", "SiteVisit", "TenderProject", "Tranche", "User", "UserRole",
]

"""Who is signed in and what each role may do; every service checks it, whoever calls (GUI, CLI, a test).

The signed-in person travels on the open Database (`db.actor`), so work moved to a background thread keeps it.
Judges score through judge mode with their PIN (services.judging.JudgeSession), not through a role here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..enums import Role
from ..errors import QT_TRANSLATE_NOOP, ValidationError

if TYPE_CHECKING:
    from ..db import Database


class Permission(StrEnum):
    REGISTRY_EDIT = "registry.edit"          # organizations, needs
    INTAKE_EDIT = "intake.edit"              # applications, attachments, imports
    SCREENING_DECIDE = "screening.decide"
    COMPETITION_SETUP = "competition.setup"
    JUDGING_SETUP = "judging.setup"          # rounds, rubrics, roster, panels, conflicts, assignment
    SCORES_KEY = "scores.key"                # paper double entry, score workbooks, event results
    SHEET_REOPEN = "sheet.reopen"
    RESULTS_FREEZE = "results.freeze"        # freeze and formally reopen a round
    RESULTS_READ = "results.read"            # rankings, every judge's scores, diagnostics
    FUNDING_EDIT = "funding.edit"            # awards, agreements, tranches
    PAYMENT_APPROVE = "payment.approve"      # finance: approve and pay tranches
    USERS_MANAGE = "users.manage"
    SETTINGS_EDIT = "settings.edit"
    AUDIT_READ = "audit.read"
    BACKUP = "backup"
    RESTORE = "restore"
    EVENT_EXCHANGE = "event.exchange"        # judge-laptop packages out, signed results in
    DOCUMENTS_ISSUE = "documents.issue"      # certificates and letters: issue and void (services.issuing)
    MONITORING_EDIT = "monitoring.edit"      # milestones, progress reports, site visits
    EVALUATION_EDIT = "evaluation.edit"      # indicator sets, evaluators, evaluations (their results drive gates)


_STAFF_WORK = {Permission.REGISTRY_EDIT, Permission.INTAKE_EDIT, Permission.SCREENING_DECIDE,
               Permission.COMPETITION_SETUP, Permission.JUDGING_SETUP, Permission.SCORES_KEY,
               Permission.SHEET_REOPEN, Permission.RESULTS_FREEZE, Permission.RESULTS_READ,
               Permission.FUNDING_EDIT, Permission.BACKUP, Permission.EVENT_EXCHANGE, Permission.DOCUMENTS_ISSUE,
               Permission.MONITORING_EDIT, Permission.EVALUATION_EDIT}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.STAFF: frozenset(_STAFF_WORK),
    Role.FINANCE: frozenset({Permission.RESULTS_READ, Permission.FUNDING_EDIT, Permission.PAYMENT_APPROVE,
                             Permission.BACKUP}),
    Role.VIEWER: frozenset({Permission.RESULTS_READ}),
    Role.JUDGE: frozenset(),  # judges act only through judge mode, signed in with their PIN
}

ROLE_LABELS = {
    Role.ADMIN: QT_TRANSLATE_NOOP("Roles", "Administrator"),
    Role.STAFF: QT_TRANSLATE_NOOP("Roles", "Staff"),
    Role.FINANCE: QT_TRANSLATE_NOOP("Roles", "Finance"),
    Role.JUDGE: QT_TRANSLATE_NOOP("Roles", "Judge"),
    Role.VIEWER: QT_TRANSLATE_NOOP("Roles", "Viewer"),
}


@dataclass(frozen=True)
class Actor:
    """A signed-in person (or the system itself, for the demo builder and upgrades)."""

    username: str
    roles: frozenset[Role]
    user_id: int | None = None
    display_name: str = ""

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def role_text(self) -> str:
        """Roles as recorded in the change log: "admin", "staff+finance"."""
        return "+".join(sorted(r.value for r in self.roles)) or "none"

    def can(self, permission: Permission) -> bool:
        return any(permission in GRANTS[r] for r in self.roles)


SYSTEM = Actor("system", frozenset({Role.ADMIN}), None, "系统")


class NotAllowed(ValidationError):
    """The signed-in person's roles do not allow this; nothing was written."""


def actor_of(db: Database) -> Actor:
    actor = getattr(db, "actor", None)
    if actor is None:
        raise NotAllowed(QT_TRANSLATE_NOOP("Errors", "Sign in first."))
    return actor


def require(db: Database, permission: Permission) -> Actor:
    """The signed-in actor, when their roles allow the permission; otherwise NotAllowed naming what was refused."""
    actor = actor_of(db)
    if not actor.can(permission):
        raise NotAllowed(QT_TRANSLATE_NOOP("Errors", "{user} ({roles}) may not do this: {action}."),
                         user=actor.name, roles=actor.role_text, action=permission.value)
    return actor


def allowed(db: Database, permission: Permission) -> bool:
    """For the UI, to hide what the signed-in person cannot do (the services still check)."""
    actor = getattr(db, "actor", None)
    return actor is not None and actor.can(permission)

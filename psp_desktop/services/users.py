"""User accounts and signing in.

Passwords are kept as scrypt hashes ("scrypt$N$r$p$salt$hash", N=2**17: about half a second per check, so call
these functions off the GUI thread). After MAX_TRIES wrong passwords in a row an account pauses, 30 s doubling
with every further wrong password up to 15 min; the pause is stored on the account, so a restart does not lift it.
An unknown name and a wrong password get the same message, so names cannot be probed. Sign-ins, wrong tries and
every change to an account are in the change log (never a password or a hash).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import Role
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import User, UserRole
from . import audit
from .access import Actor, Permission, actor_of, require
from .demo_users import ADMIN_HASH
from .organizations import ChangedElsewhere
from .validation import Problems

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024  # N=2**17, r=8 needs 128 MiB; OpenSSL's default limit is 32 MiB
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD = 8
NAME_LIMIT = 40  # app_user.username and display_name columns
MAX_TRIES = 5
FIRST_PAUSE = dt.timedelta(seconds=30)
LONGEST_PAUSE = dt.timedelta(minutes=15)
ROLE_ORDER = tuple(Role)

WRONG = QT_TRANSLATE_NOOP("Errors", "Wrong user name or password.")


class SignInRefused(ValidationError):
    """Wrong name or password, a paused or a switched-off account; the message says which (names aside)."""


def now() -> dt.datetime:
    """The wall clock for pauses (tests replace it)."""
    return dt.datetime.now().replace(microsecond=0)


# --- hashing ----------------------------------------------------------------------------------------------


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(stored: str, password: str) -> bool:
    """Whether password matches the stored hash (its own parameters are used, so older hashes still work)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=length)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _weaker_than_now(stored: str) -> bool:
    try:
        _kind, n, r, p, _salt, _digest = stored.split("$")
        return (int(n), int(r), int(p)) < (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        return True


# --- rules ------------------------------------------------------------------------------------------------


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is refused (an English source string), or None."""
    if len(password) < MIN_PASSWORD:
        return QT_TRANSLATE_NOOP("Errors", "A password needs at least 8 characters.")
    if password.isdigit():
        return QT_TRANSLATE_NOOP("Errors", "A password cannot be digits only.")
    if username and password.strip().casefold() == username.strip().casefold():
        return QT_TRANSLATE_NOOP("Errors", "The password cannot be the user name.")
    return None


def normalise_name(username: str) -> str:
    """User names are compared without surrounding spaces and without case: "Admin" signs in as admin."""
    return username.strip().casefold()


def _check_account(problems: Problems, username: str, display_name: str, password: str | None) -> None:
    if not username:
        problems.add("username", QT_TRANSLATE_NOOP("Errors", "Enter a user name."))
    elif len(username) > NAME_LIMIT or any(c.isspace() for c in username):
        problems.add("username", QT_TRANSLATE_NOOP(
            "Errors", "A user name is one word of at most 40 characters, without spaces."))
    _check_display_name(problems, display_name)
    if password is not None:
        reason = password_problem(password, username)
        if reason:
            problems.add("password", reason)


def _check_display_name(problems: Problems, display_name: str) -> None:
    if not display_name:
        problems.add("display_name", QT_TRANSLATE_NOOP("Errors", "Enter the person's name."))
    elif len(display_name) > NAME_LIMIT:
        problems.add("display_name", QT_TRANSLATE_NOOP("Errors", "A name is at most 40 characters."))


def _check_roles(problems: Problems, roles: Iterable[Role]) -> frozenset[Role]:
    chosen = frozenset(Role(r) for r in roles)
    if not chosen:
        problems.add("roles", QT_TRANSLATE_NOOP("Errors", "Give the user at least one role."))
    return chosen


# --- signing in -------------------------------------------------------------------------------------------


def has_users(db: Database) -> bool:
    with db.read() as s:
        return s.scalar(select(User.id).limit(1)) is not None


def create_first_admin(db: Database, username: str, display_name: str, password: str) -> Actor:
    """The first account of a new database, an administrator, signed in at once; refused once any account exists."""
    username, display_name = normalise_name(username), display_name.strip()
    problems = Problems()
    _check_account(problems, username, display_name, password)
    problems.raise_if_any()
    password_hash = hash_password(password)
    with db.write() as s:
        if s.scalar(select(User.id).limit(1)) is not None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There are user accounts already; sign in instead."))
        user = _add_user(s, username, display_name, password_hash, {Role.ADMIN})
        actor = _actor(user)
        audit.log(s, actor, "user.create", "user", user.id, after=_state(user))
    db.actor = actor
    return actor


def sign_in(db: Database, username: str, password: str) -> Actor:
    """Checks the password and signs the person in (db.actor); raises SignInRefused with a clear message."""
    name = normalise_name(username)
    with db.read() as s:
        user = _find(s, name)
        stored = user.password_hash if user else ADMIN_HASH  # an unknown name costs the same time as a real one
    at = now()
    if user is not None and user.locked_until is not None and user.locked_until > at:
        raise _paused(user.locked_until)
    matches = check_password(stored, password) and user is not None
    if user is None or not matches:
        locked_until = _record_failure(db, name, user.id if user else None, at)
        if locked_until is not None:
            raise _paused(locked_until)
        raise SignInRefused(WRONG)
    if not user.active:
        _record_failure(db, name, user.id, at, reason="switched_off")
        raise SignInRefused(QT_TRANSLATE_NOOP("Errors", "This account is switched off. Ask an administrator."))
    rehash = hash_password(password) if _weaker_than_now(stored) else None
    with db.write() as s:
        account = _get(s, user.id)
        if account.failed_logins or account.locked_until is not None:
            account.failed_logins, account.locked_until = 0, None
        if rehash:
            account.password_hash = rehash
        actor = _actor(account)
        audit.log(s, actor, "user.sign_in", "user", account.id)
    db.actor = actor
    return actor


def sign_out(db: Database) -> None:
    actor = getattr(db, "actor", None)
    if actor is not None and actor.user_id is not None:
        with db.write() as s:
            audit.log(s, actor, "user.sign_out", "user", actor.user_id)
    db.actor = None


def _record_failure(db: Database, name: str, user_id: int | None, at: dt.datetime,
                    reason: str = "wrong_password") -> dt.datetime | None:
    """Counts a wrong password and starts a pause from the MAX_TRIES-th on; the pause's end, if one starts."""
    who = Actor(name[:NAME_LIMIT] or "?", frozenset(), user_id)
    with db.write() as s:
        if user_id is None:
            audit.log(s, who, "user.sign_in_failed", "user", None, after={"username": name[:NAME_LIMIT],
                                                                          "reason": "unknown_user"})
            return None
        user = _get(s, user_id)
        if reason != "wrong_password":
            audit.log(s, who, "user.sign_in_failed", "user", user_id, after={"reason": reason})
            return None
        user.failed_logins += 1
        if user.failed_logins >= MAX_TRIES:
            user.locked_until = at + pause_after(user.failed_logins)
        audit.log(s, who, "user.sign_in_failed", "user", user_id, after={
            "reason": reason, "failed_logins": user.failed_logins,
            "locked_until": user.locked_until.isoformat() if user.locked_until else None})
        return user.locked_until if user.failed_logins >= MAX_TRIES else None


def pause_after(failures: int) -> dt.timedelta:
    """How long an account waits after this many wrong passwords in a row."""
    if failures < MAX_TRIES:
        return dt.timedelta(0)
    return min(FIRST_PAUSE * 2 ** min(failures - MAX_TRIES, 16), LONGEST_PAUSE)


def _paused(until: dt.datetime) -> SignInRefused:
    return SignInRefused(QT_TRANSLATE_NOOP("Errors", "Too many wrong passwords. Try again after {time}."),
                         time=until.strftime("%H:%M:%S"))


# --- administration ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str
    roles: tuple[Role, ...]
    active: bool
    failed_logins: int
    locked_until: dt.datetime | None
    row_version: int


def list_users(db: Database) -> list[UserRow]:
    require(db, Permission.USERS_MANAGE)
    with db.read() as s:
        users = s.scalars(select(User).options(selectinload(User.roles)).order_by(User.username))
        return [_row(u) for u in users]


def find_user(db: Database, username: str) -> UserRow:
    """The account called username (for the command line), or ValidationError."""
    name = normalise_name(username)
    for row in list_users(db):
        if row.username == name:
            return row
    raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no user called {name}."), name=name)


def create_user(db: Database, username: str, display_name: str, password: str, roles: Iterable[Role]) -> int:
    actor = require(db, Permission.USERS_MANAGE)
    username, display_name = normalise_name(username), display_name.strip()
    problems = Problems()
    _check_account(problems, username, display_name, password)
    chosen = _check_roles(problems, roles)
    problems.raise_if_any()
    password_hash = hash_password(password)
    with db.write() as s:
        if _find(s, username) is not None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The user name {name} is taken."), name=username)
        user = _add_user(s, username, display_name, password_hash, chosen)
        audit.log(s, actor, "user.create", "user", user.id, after=_state(user))
        return user.id


def update_user(db: Database, user_id: int, row_version: int, *, roles: Iterable[Role] | None = None,
                display_name: str | None = None, active: bool | None = None) -> None:
    """Changes what is given; refused when the account changed since it was read at row_version, when it would
    leave no active administrator, or when administrators would switch off their own account."""
    actor = require(db, Permission.USERS_MANAGE)
    problems = Problems()
    chosen = _check_roles(problems, roles) if roles is not None else None
    if display_name is not None:
        display_name = display_name.strip()
        _check_display_name(problems, display_name)
    problems.raise_if_any()
    try:
        with db.write() as s:
            user = _get(s, user_id)
            if user.row_version != row_version:
                raise ChangedElsewhere()
            before = _state(user)
            new_roles = chosen if chosen is not None else _roles_of(user)
            new_active = user.active if active is None else active
            if user.id == actor.user_id and not new_active:
                raise ValidationError(QT_TRANSLATE_NOOP("Errors", "You cannot switch off your own account."))
            if _is_admin(user) and not (new_active and Role.ADMIN in new_roles) and _other_admins(s, user.id) == 0:
                raise ValidationError(QT_TRANSLATE_NOOP(
                    "Errors", "{name} is the last active administrator; make someone else administrator first."),
                    name=user.display_name)
            _apply(user, new_roles, display_name, new_active)
            audit.log(s, actor, "user.update", "user", user.id, before=before, after=_state(user))
            changed = _actor(user)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc
    if actor.user_id == user_id:
        db.actor = changed  # the status bar and the buttons follow one's own new roles


def reset_password(db: Database, user_id: int, password: str) -> None:
    """An administrator sets a new password for someone (who forgot theirs); a pause on the account ends."""
    actor = require(db, Permission.USERS_MANAGE)
    with db.read() as s:
        username = _get(s, user_id).username
    _refuse_password(password, username)
    password_hash = hash_password(password)
    with db.write() as s:
        user = _get(s, user_id)
        user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
        audit.log(s, actor, "user.reset_password", "user", user.id, after={"username": user.username})


def change_own_password(db: Database, old: str, new: str) -> None:
    """Anyone signed in with an account changes their own password, giving the current one first."""
    actor = actor_of(db)
    if actor.user_id is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This session has no user account to change."))
    with db.read() as s:
        stored = _get(s, actor.user_id).password_hash
    if not check_password(stored, old):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The current password is wrong."))
    if new == old:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The new password is the same as the current one."))
    _refuse_password(new, actor.username)
    password_hash = hash_password(new)
    with db.write() as s:
        user = _get(s, actor.user_id)
        user.password_hash = password_hash
        audit.log(s, actor, "user.change_password", "user", user.id)


# --- helpers ----------------------------------------------------------------------------------------------


def _refuse_password(password: str, username: str) -> None:
    reason = password_problem(password, username)
    if reason:
        raise ValidationError(reason)


def _find(s: Session, name: str) -> User | None:
    return s.scalar(select(User).where(User.username == name).options(selectinload(User.roles)))


def _get(s: Session, user_id: int) -> User:
    user = s.get(User, user_id, options=[selectinload(User.roles)])
    if user is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This user account no longer exists."))
    return user


def _add_user(s: Session, username: str, display_name: str, password_hash: str, roles: Iterable[Role]) -> User:
    user = User(username=username, display_name=display_name, password_hash=password_hash,
                roles=[UserRole(role=r) for r in _ordered(roles)])
    s.add(user)
    s.flush()
    return user


def _apply(user: User, roles: frozenset[Role], display_name: str | None, active: bool) -> None:
    if roles != _roles_of(user):
        kept = [link for link in user.roles if link.role in roles]
        user.roles = kept + [UserRole(role=r) for r in _ordered(roles - _roles_of(user))]
        flag_modified(user, "display_name")  # a roles-only change must bump the row version too
    if display_name is not None:
        user.display_name = display_name
    user.active = active


def _other_admins(s: Session, user_id: int) -> int:
    return s.scalar(select(func.count()).select_from(User).join(UserRole).where(
        User.active.is_(True), UserRole.role == Role.ADMIN, User.id != user_id)) or 0


def _is_admin(user: User) -> bool:
    return user.active and Role.ADMIN in _roles_of(user)


def _roles_of(user: User) -> frozenset[Role]:
    return frozenset(link.role for link in user.roles)


def _ordered(roles: Iterable[Role]) -> tuple[Role, ...]:
    chosen = set(roles)
    return tuple(r for r in ROLE_ORDER if r in chosen)


def _actor(user: User) -> Actor:
    return Actor(user.username, _roles_of(user), user.id, user.display_name)


def _state(user: User) -> dict[str, Any]:
    """What the change log records about an account (never the password hash)."""
    return {"username": user.username, "display_name": user.display_name,
            "roles": [r.value for r in _ordered(_roles_of(user))], "active": user.active}


def _row(user: User) -> UserRow:
    return UserRow(user.id, user.username, user.display_name, _ordered(_roles_of(user)), user.active,
                   user.failed_logins, user.locked_until, user.row_version)

"""User accounts: scrypt hashes, password rules, the pause after wrong passwords, the same answer for an unknown
name and a wrong password, the last administrator, the change log, the demo accounts and the `psp` commands."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import Role
from psp_desktop.errors import ValidationError
from psp_desktop.models import AuditEntry, User
from psp_desktop.services import demo, demo_users, users
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.organizations import ChangedElsewhere

PASSWORD = "correct-horse-9"


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """New hashes with a small N: the rules under test do not depend on the cost, and 0.5 s a hash adds up."""
    monkeypatch.setattr(users, "SCRYPT_N", 2**10)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(users, "now", fake)
    return fake


@pytest.fixture
def admin_db(database: Database, fast_hashes: None) -> Iterator[Database]:
    """A database whose first administrator (boss) is signed in, with one staff account (zhang)."""
    database.actor = None
    users.create_first_admin(database, "boss", "王主任", PASSWORD)
    users.create_user(database, "zhang", "张三", "zhang-pass-1", [Role.STAFF])
    yield database


def audit_actions(db: Database) -> list[tuple[str, str, int | None]]:
    with db.read() as s:
        return [(e.action, e.username, e.entity_id) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def refusal(fn, *args, **kwargs) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        fn(*args, **kwargs)
    return caught.value


# --- hashing and rules ---------------------------------------------------------------------------------------


def test_hashes_use_scrypt_with_the_required_cost_and_a_random_salt() -> None:
    assert (users.SCRYPT_N, users.SCRYPT_R, users.SCRYPT_P) == (2**17, 8, 1)
    assert users.SCRYPT_MAXMEM >= 2 * 128 * users.SCRYPT_N * users.SCRYPT_R  # room above the 128 MiB it needs
    stored = users.hash_password(PASSWORD)
    kind, n, r, p, salt, digest = stored.split("$")
    assert (kind, n, r, p) == ("scrypt", "131072", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert users.check_password(stored, PASSWORD)
    assert not users.check_password(stored, PASSWORD + "x")


def test_same_password_gives_different_hashes_and_garbage_never_matches(fast_hashes: None) -> None:
    assert users.hash_password(PASSWORD) != users.hash_password(PASSWORD)
    for stored in ("", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AAAA$AAAA"):
        assert not users.check_password(stored, PASSWORD)


@pytest.mark.parametrize(("password", "username", "ok"), [
    ("short1", "", False),
    ("12345678901", "", False),
    ("liuxiaoyan", "LiuXiaoyan", False),
    ("liuxiaoyan-2026", "liuxiaoyan", True),
    ("8 chars!", "", True),
])
def test_password_rules(password: str, username: str, ok: bool) -> None:
    assert (users.password_problem(password, username) is None) == ok


def test_account_input_is_checked_all_at_once(database: Database, fast_hashes: None) -> None:
    database.actor = None
    error = refusal(users.create_first_admin, database, "two words", "", "1234")
    assert [p.field for p in error.problems] == ["username", "display_name", "password"]  # type: ignore[attr-defined]
    assert not users.has_users(database)


# --- the first administrator and signing in ------------------------------------------------------------------


def test_first_start_creates_the_administrator_once(database: Database, fast_hashes: None) -> None:
    database.actor = None
    assert not users.has_users(database)
    actor = users.create_first_admin(database, " Boss ", "王主任", PASSWORD)
    assert database.actor == actor
    assert (actor.username, actor.roles, actor.display_name) == ("boss", frozenset({Role.ADMIN}), "王主任")
    assert users.has_users(database)
    assert "already" in str(refusal(users.create_first_admin, database, "other", "别人", PASSWORD))
    with database.read() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.username, entry.role) == ("user.create", "boss", "admin")
    assert entry.after == {"username": "boss", "display_name": "王主任", "roles": ["admin"], "active": True}


def test_unknown_name_and_wrong_password_get_the_same_message(admin_db: Database, clock: Clock) -> None:
    unknown = refusal(users.sign_in, admin_db, "nobody", PASSWORD)
    wrong = refusal(users.sign_in, admin_db, "boss", "not-the-password")
    assert str(unknown) == str(wrong) == "Wrong user name or password."
    actions = audit_actions(admin_db)[-2:]
    assert [(a, u) for a, u, _id in actions] == [("user.sign_in_failed", "nobody"), ("user.sign_in_failed", "boss")]


def test_sign_in_sets_the_actor_resets_the_count_and_is_logged(admin_db: Database, clock: Clock) -> None:
    users.sign_out(admin_db)
    assert admin_db.actor is None
    refusal(users.sign_in, admin_db, "zhang", "wrong-password")
    actor = users.sign_in(admin_db, "ZHANG", "zhang-pass-1")
    assert admin_db.actor == actor
    assert actor.roles == frozenset({Role.STAFF}) and actor.name == "张三"
    with admin_db.read() as s:
        assert s.scalar(select(User.failed_logins).where(User.username == "zhang")) == 0
    assert audit_actions(admin_db)[-3:] == [("user.sign_out", "boss", 1), ("user.sign_in_failed", "zhang", 2),
                                            ("user.sign_in", "zhang", 2)]


def test_five_wrong_passwords_pause_the_account_and_the_pause_doubles(admin_db: Database, clock: Clock) -> None:
    for _ in range(4):
        assert str(refusal(users.sign_in, admin_db, "zhang", "wrong-password")) == users.WRONG
    fifth = refusal(users.sign_in, admin_db, "zhang", "wrong-password")
    assert fifth.message == "Too many wrong passwords. Try again after {time}."
    assert fifth.params == {"time": "09:00:30"}
    clock.advance(29)
    assert refusal(users.sign_in, admin_db, "zhang", "zhang-pass-1").params == {"time": "09:00:30"}  # even right
    clock.advance(2)
    assert refusal(users.sign_in, admin_db, "zhang", "wrong-password").params == {"time": "09:01:31"}  # 60 s
    assert [users.pause_after(n).total_seconds() for n in (4, 5, 6, 7, 9, 10, 30)] == [0, 30, 60, 120, 480, 900, 900]
    clock.advance(61)
    users.sign_in(admin_db, "zhang", "zhang-pass-1")
    with admin_db.read() as s:
        zhang = s.scalars(select(User).where(User.username == "zhang")).one()
        assert (zhang.failed_logins, zhang.locked_until) == (0, None)


def test_a_pause_survives_a_restart(admin_db: Database, clock: Clock) -> None:
    for _ in range(5):
        refusal(users.sign_in, admin_db, "zhang", "wrong-password")
    reopened = open_database(admin_db.url)
    try:
        reopened.actor = None
        assert "Try again" in str(refusal(users.sign_in, reopened, "zhang", "zhang-pass-1"))
        assert reopened.actor is None
    finally:
        reopened.close()


def test_a_switched_off_account_cannot_sign_in(admin_db: Database, clock: Clock) -> None:
    zhang = users.find_user(admin_db, "zhang")
    users.update_user(admin_db, zhang.id, zhang.row_version, active=False)
    assert str(refusal(users.sign_in, admin_db, "zhang", "wrong-password")) == users.WRONG  # no hint without it
    assert "switched off" in str(refusal(users.sign_in, admin_db, "zhang", "zhang-pass-1"))


# --- administration --------------------------------------------------------------------------------------------


def test_only_administrators_manage_accounts(admin_db: Database) -> None:
    admin_db.actor = Actor("zhang", frozenset({Role.STAFF}), 2, "张三")
    with pytest.raises(NotAllowed):
        users.list_users(admin_db)
    with pytest.raises(NotAllowed):
        users.create_user(admin_db, "li", "李四", "li-pass-123", [Role.VIEWER])
    admin_db.actor = None
    with pytest.raises(NotAllowed):
        users.reset_password(admin_db, 2, "new-pass-123")


def test_accounts_are_listed_created_and_refused_when_taken(admin_db: Database) -> None:
    users.create_user(admin_db, "wang", "王会计", "wang-pass-1", [Role.FINANCE, Role.STAFF])
    rows = {r.username: r for r in users.list_users(admin_db)}
    assert list(rows) == ["boss", "wang", "zhang"]
    assert rows["wang"].roles == (Role.STAFF, Role.FINANCE)
    assert "taken" in str(refusal(users.create_user, admin_db, "WANG", "另一个", "wang-pass-2", [Role.STAFF]))
    assert "role" in str(refusal(users.create_user, admin_db, "li", "李四", "li-pass-123", []))


def test_the_last_active_administrator_stays(admin_db: Database) -> None:
    boss = users.find_user(admin_db, "boss")
    assert "own account" in str(refusal(users.update_user, admin_db, boss.id, boss.row_version, active=False))
    assert "last active administrator" in str(
        refusal(users.update_user, admin_db, boss.id, boss.row_version, roles=[Role.STAFF]))
    zhang = users.find_user(admin_db, "zhang")
    users.update_user(admin_db, zhang.id, zhang.row_version, roles=[Role.ADMIN, Role.STAFF])
    users.update_user(admin_db, boss.id, boss.row_version, roles=[Role.STAFF], display_name="王 主任")
    assert admin_db.actor.roles == frozenset({Role.STAFF})  # one's own change applies at once
    admin_db.actor = Actor("zhang", frozenset({Role.ADMIN}), zhang.id, "张三")
    zhang = users.find_user(admin_db, "zhang")
    assert "last active administrator" in str(
        refusal(users.update_user, admin_db, zhang.id, zhang.row_version, roles=[Role.VIEWER]))
    boss = users.find_user(admin_db, "boss")
    users.update_user(admin_db, boss.id, boss.row_version, active=False)  # not an administrator any more


def test_account_changes_are_logged_with_before_and_after_and_locked_optimistically(admin_db: Database) -> None:
    zhang = users.find_user(admin_db, "zhang")
    users.update_user(admin_db, zhang.id, zhang.row_version, roles=[Role.STAFF, Role.FINANCE], display_name="张 三")
    with pytest.raises(ChangedElsewhere):
        users.update_user(admin_db, zhang.id, zhang.row_version, active=False)
    with admin_db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
        hashes = s.scalars(select(User.password_hash)).all()
        logged = [str(e.before) + str(e.after) for e in s.scalars(select(AuditEntry))]
    assert entry.before == {"username": "zhang", "display_name": "张三", "roles": ["staff"], "active": True}
    assert entry.after == {"username": "zhang", "display_name": "张 三", "roles": ["staff", "finance"],
                           "active": True}
    assert not any(h.split("$")[-1] in text for h in hashes for text in logged)
    assert users.find_user(admin_db, "zhang").row_version > zhang.row_version


def test_reset_password_ends_a_pause(admin_db: Database, clock: Clock) -> None:
    for _ in range(5):
        refusal(users.sign_in, admin_db, "zhang", "wrong-password")
    users.sign_in(admin_db, "boss", PASSWORD)
    zhang = users.find_user(admin_db, "zhang")
    assert "8 characters" in str(refusal(users.reset_password, admin_db, zhang.id, "short"))
    users.reset_password(admin_db, zhang.id, "fresh-start-1")
    assert users.sign_in(admin_db, "zhang", "fresh-start-1").username == "zhang"
    assert ("user.reset_password", "boss", zhang.id) in audit_actions(admin_db)


def test_change_own_password(admin_db: Database, clock: Clock) -> None:
    users.sign_in(admin_db, "zhang", "zhang-pass-1")
    assert "current password is wrong" in str(refusal(users.change_own_password, admin_db, "nope-nope", "new-pass-9"))
    assert "same" in str(refusal(users.change_own_password, admin_db, "zhang-pass-1", "zhang-pass-1"))
    assert "digits" in str(refusal(users.change_own_password, admin_db, "zhang-pass-1", "12345678"))
    users.change_own_password(admin_db, "zhang-pass-1", "new-pass-9")
    assert str(refusal(users.sign_in, admin_db, "zhang", "zhang-pass-1")) == users.WRONG
    users.sign_in(admin_db, "zhang", "new-pass-9")
    assert audit_actions(admin_db)[-3][0] == "user.change_password"


# --- the demo and the command line -----------------------------------------------------------------------------


def test_demo_accounts_sign_in_and_replacing_the_demo_needs_an_administrator(database: Database) -> None:
    database.actor = None  # an empty database needs nobody signed in for the demo
    demo.create_demo(database)
    expected = {"admin": Role.ADMIN, "liuxiaoyan": Role.STAFF, "chenzhigang": Role.STAFF,
                "wangkuaiji": Role.FINANCE, "viewer": Role.VIEWER}
    for username, role in expected.items():
        assert users.sign_in(database, username, demo_users.DEMO_PASSWORD).roles == frozenset({role})
    assert database.actor.name == "查阅"
    with pytest.raises(NotAllowed):
        demo.create_demo(database, replace=True)
    users.sign_in(database, "admin", demo_users.DEMO_PASSWORD)
    assert demo.create_demo(database, replace=True)["proposals"] > 50
    assert users.has_users(database)


def test_cli_init_creates_the_administrator_and_users_commands_need_one(
        tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fast_hashes: None) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))
    monkeypatch.setattr(Database, "actor", None)  # as in a real run: nobody is signed in
    path = str(tmp_path / "office.db")
    monkeypatch.setenv("PSP_PASSWORD", PASSWORD)
    assert cli.main(["--db", path, "init", "--admin", "Boss", "--display-name", "王主任"]) == 0
    assert cli.main(["--db", path, "users", "list"]) == 2  # no --user, no terminal to ask at
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("PSP_NEW_PASSWORD", "zhang-pass-1")
    assert cli.main(["--db", path, "--user", "boss", "users", "add", "zhang", "--display-name", "张三",
                     "--roles", "staff,finance"]) == 0
    assert cli.main(["--db", path, "--user", "boss", "users", "set-roles", "zhang", "staff"]) == 0
    assert cli.main(["--db", path, "--user", "boss", "users", "reset-password", "zhang"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", path, "--user", "boss", "users", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["boss\t王主任\tadmin\tactive", "zhang\t张三\tstaff\tactive"]
    monkeypatch.setenv("PSP_PASSWORD", "zhang-pass-1")
    assert cli.main(["--db", path, "--user", "zhang", "users", "list"]) == 2
    assert "may not" in capsys.readouterr().err
    assert cli.main(["--db", path, "info"]) == 0  # reading needs no sign-in

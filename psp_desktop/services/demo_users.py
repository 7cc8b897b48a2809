"""The demo's user accounts. Their hashes were computed once (services.users.hash_password with a fixed salt per
account) and pasted here, so building the demo stays fast (no 0.5 s hash per account) and gives the same bytes
every time. Every account has DEMO_PASSWORD; the sign-in dialog shows it as a hint on the demo database."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..enums import Role
from ..models import User, UserRole
from .access import Actor, Permission, require

if TYPE_CHECKING:
    from ..db import Database

DEMO_PASSWORD = "psp-demo-2026"
CREATED_AT = dt.datetime(2026, 2, 16, 9, 0)

# username, display name, roles, scrypt hash of DEMO_PASSWORD (N=2**17, r=8, p=1)
ACCOUNTS: tuple[tuple[str, str, tuple[Role, ...], str], ...] = (
    ("admin", "管理员", (Role.ADMIN,),
     "scrypt$131072$8$1$a2L5hapY5zRwHrjybAceTA==$f87U4jA69qY4A8FVOccs73M8EqcQTrKTVz4UEnxAc80="),
    ("liuxiaoyan", "刘晓燕", (Role.STAFF,),
     "scrypt$131072$8$1$AxEdwkRhZfOakeyhirSywA==$S2ijhKcswH/GMHjxe9sAg3wJlSC8TLDUsQEtCDMDf70="),
    ("chenzhigang", "陈志刚", (Role.STAFF,),
     "scrypt$131072$8$1$436kqB+jsQuTXJXTBtBU8Q==$UocnrqrKG5I4ITVzt7eYBOQ9KSdx1zjlzbprvfdmShQ="),
    ("wangkuaiji", "王会计", (Role.FINANCE,),
     "scrypt$131072$8$1$7N+V1XrvZgpM4bV4j0OU3w==$Nx4d+UbJ4HFS8zazcpxaBO5xRWysxPKdXzZRXLAIJFg="),
    ("viewer", "查阅", (Role.VIEWER,),
     "scrypt$131072$8$1$D2ugxbUhQqsSHYbzXgARLw==$7oyOZ8tTAU1Hna3Rmsx/YYp/Ioxn+iXWTJYLVNaJ65U="),
)

ADMIN_HASH = ACCOUNTS[0][3]


def actor(username: str) -> Actor:
    """A demo account as the person the demo's story is played by (the change log names them)."""
    name, display_name, roles, _hash = next(a for a in ACCOUNTS if a[0] == username)
    return Actor(name, frozenset(roles), None, display_name)


def add_accounts(session: Session) -> int:
    """The demo accounts, unless the database has accounts already (they are kept); returns how many were added."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return 0
    for minute, (username, display_name, roles, password_hash) in enumerate(ACCOUNTS):
        session.add(User(username=username, display_name=display_name, password_hash=password_hash,
                         created_at=CREATED_AT + dt.timedelta(minutes=minute),
                         roles=[UserRole(role=role) for role in roles]))
    session.flush()
    return len(ACCOUNTS)


def check_replace(database: Database, session: Session) -> None:
    """Replacing the demo wipes the accounts too: once there are accounts, only an administrator may do it."""
    if session.scalar(select(User.id).limit(1)) is not None:
        require(database, Permission.USERS_MANAGE)

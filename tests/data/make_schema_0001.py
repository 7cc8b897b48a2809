"""Make tests/data/psp-schema-0001.db: a small, populated database at schema revision 0001.

The file is committed: upgrade tests open a real old file, not one rebuilt by today's code. Regenerate it only
if it is lost (the rows come from `populate`, which the upgrade tests also use on fresh databases):

    .venv/bin/python tests/data/make_schema_0001.py [OUTPUT.db]

Rows are written with plain Core inserts into the tables as 0001 created them (reflected), never through the
ORM models, which describe the head schema.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import Connection, MetaData

from psp_desktop.codes import uscc_check_char
from psp_desktop.db import make_engine, run_migrations

REVISION = "0001"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "psp-schema-0001.db"
CREATED = dt.datetime(2024, 3, 1, 9, 30)

# table → rows that populate() writes; the upgrade tests compare against these
EXPECTED_COUNTS = {
    "community": 2,
    "competition": 1,
    "organization": 4,
    "organization_staff": 7,
    "judge": 2,
    "conflict_declaration": 2,
    "organization_bar": 1,
    "proposal": 5,
    "budget_line": 12,
}
# organization name → staff names (organization_staff is an ON DELETE CASCADE child of organization)
STAFF = {
    "阳光为老服务中心": ["张敏", "李娜"],
    "绿色家园环保协会": ["王强", "赵磊", "陈静"],
    "童心社区服务社": ["刘洋", "周婷"],
    "和谐邻里互助会": [],
}


def _uscc(body15: str) -> str:
    prefix = "52" + body15
    return prefix + uscc_check_char(prefix)


ORGS = [
    ("阳光为老服务中心", _uscc("420106MJ1234567"), None, "service_agency", "3A"),
    ("绿色家园环保协会", _uscc("420106MJ7654321"), None, "social_group", "none"),
    ("童心社区服务社", _uscc("420111MJ0000001"), None, "community_org", "2A"),
    ("和谐邻里互助会", None, "鄂武社证字第0815号", "community_org", "none"),
]
# (organization index, intake number, title, requested fen, budget lines as (category, item, unit fen, qty))
PROPOSALS = [
    (0, "2024-001", "银龄陪伴计划", 8_000_000,
     [("personnel", "社工补贴", 300_000, 12), ("activity", "助餐活动", 50_000, 80)]),
    (0, "2024-002", "长者智能手机课堂", 3_000_000,
     [("activity", "课堂耗材", 2_000, 300), ("publicity", "海报", 1_500, 100), ("management", "管理费", 150_000, 1)]),
    (1, "2024-003", "垃圾分类宣传周", 5_000_001,
     [("activity", "宣传活动", 100_000, 20), ("other", "工具", 3_333, 3)]),
    (2, "2024-004", "四点半课堂", 10_000_000,
     [("personnel", "辅导老师", 200_000, 24), ("activity", "文具", 1_050, 200), ("publicity", "展板", 30_000, 2)]),
    (3, "2024-005", "邻里节", 2_000_000,
     [("activity", "场地布置", 500_000, 2), ("other", "保险", 1_234, 50)]),
]


def populate(conn: Connection) -> None:
    """Insert the sample rows into a database that is exactly at revision 0001."""
    meta = MetaData()
    meta.reflect(conn, only=list(EXPECTED_COUNTS))
    t = meta.tables

    def insert(table: str, **values: object) -> int:
        return int(conn.execute(t[table].insert().values(**values)).inserted_primary_key[0])

    community_ids = [
        insert("community", district="武昌区", street="水果湖街道", name=name) for name in ("东亭社区", "茶港社区")
    ]
    competition_id = insert(
        "competition", name="2024年水果湖街道公益创投大赛", year=2024, mode="venture", status="review",
        organizer="水果湖街道办事处", district="武昌区", pool_fen=100_000_000, project_cap_fen=10_000_000,
        budget_share_cap_percent=60, min_matching_percent=40, intake_pattern="{year}-{seq:03d}",
        apply_from=dt.date(2024, 3, 1), apply_until=dt.date(2024, 3, 31), rules={"max_proposals_per_org": 2},
        description="", created_at=CREATED, row_version=1,
    )
    org_ids = []
    for name, uscc, reg_no, org_type, rating in ORGS:
        org_ids.append(insert(
            "organization", name=name, uscc=uscc, registration_number=reg_no, registration_authority="武昌区民政局",
            org_type=org_type, registered_on=dt.date(2019, 5, 20), legal_representative="法人", contact_name="联系人",
            contact_phone="027-87654321", email="", address="武汉市武昌区", inspection_result="passed",
            inspection_year=2023, rating=rating, has_bank_account=True, intro="简介", past_projects="",
            created_at=CREATED, row_version=1,
        ))
        for staff_name in STAFF[name]:
            insert("organization_staff", organization_id=org_ids[-1], name=staff_name, role="项目主管",
                   qualification="助理社会工作师", social_work_certificate=True)
    judge_ids = [
        insert("judge", name=name, affiliation=aff, affiliation_org_id=aff_org, title="", expertise="",
               phone="", email="", is_public_juror=False, active=True, row_version=1)
        for name, aff, aff_org in (("孙教授", "华中大学", None), ("吴主任", "阳光为老服务中心", org_ids[0]))
    ]
    insert("conflict_declaration", judge_id=judge_ids[1], organization_id=org_ids[0], source="automatic",
           reason="任职于该机构", declared_at=CREATED)
    insert("conflict_declaration", judge_id=judge_ids[0], organization_id=org_ids[2], source="declared",
           reason="曾担任顾问", declared_at=CREATED)
    insert("organization_bar", organization_id=org_ids[3], reason="2022年终期评估不合格", from_date=dt.date(2023, 1, 1),
           until_date=dt.date(2024, 12, 31), evaluation_id=None, created_at=CREATED)
    for org_index, intake, title, requested, lines in PROPOSALS:
        total = sum(unit * qty for _c, _i, unit, qty in lines)
        proposal_id = insert(
            "proposal", competition_id=competition_id, organization_id=org_ids[org_index], tender_id=None,
            theme_id=None, community_id=community_ids[org_index % 2], intake_number=intake, title=title,
            domain="elderly", target_group="", location="", direct_beneficiaries=100, indirect_beneficiaries=300,
            start_month=dt.date(2024, 5, 1), end_month=dt.date(2025, 4, 1), summary="", need_analysis="",
            objectives="", activity_plan="", requested_fen=requested, matching_fen=max(total - requested, 0),
            total_budget_fen=total, bid_price_fen=None, commission_justification="", commission_approved_by="",
            status="submitted", submitted_on=dt.date(2024, 3, 20), created_at=CREATED, row_version=1,
        )
        for seq, (category, item, unit, qty) in enumerate(lines, start=1):
            insert("budget_line", proposal_id=proposal_id, seq=seq, category=category, item=item,
                   unit_price_fen=unit, quantity=qty, amount_fen=unit * qty, note="")


BUDGET_TOTAL_FEN = sum(unit * qty for *_head, lines in PROPOSALS for _c, _i, unit, qty in lines)


def build(url: str) -> None:
    """Migrate an empty database (an SQLAlchemy URL) to 0001 and fill it with the sample rows."""
    engine = make_engine(url)
    try:
        run_migrations(engine, REVISION)
        with engine.begin() as conn:
            populate(conn)
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    output = Path(argv[0]).resolve() if argv else DEFAULT_OUTPUT
    for leftover in (output, output.with_name(output.name + "-wal"), output.with_name(output.name + "-shm")):
        leftover.unlink(missing_ok=True)
    build(f"sqlite:///{output}")
    conn = sqlite3.connect(output)  # one small self-contained file: no WAL to carry along, no free pages
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=1024")
    conn.execute("VACUUM")
    conn.close()
    print(f"wrote {output} ({output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

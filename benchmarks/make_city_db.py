"""Generate a city-scale PSP Desktop database for benchmarks.

    python benchmarks/make_city_db.py OUT.db [--proposals 20000] [--scores 300000] [--seed 7] [--overwrite]

The schema comes from psp_desktop.db.open_database (the real one, stamped at the head revision); rows are bulk
inserted with SQLAlchemy Core executemany in one transaction, with explicit ids so no RETURNING round trips are
needed. The city: 5 districts × 4 streets × 20 communities, 3000 needs, 6000 organizations with valid USCCs,
one competition per street per year (2025 closed, 2026 in review), two rounds of 6 criteria each, 300 judges,
and score sheets whose score rows add up to --scores. The same seed gives the same rows (created_at aside).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert

from psp_desktop.db import open_database
from psp_desktop.models import (
    Assignment,
    BudgetLine,
    Community,
    CommunityNeed,
    Competition,
    CompetitionTheme,
    Criterion,
    Judge,
    JudgeGroup,
    Organization,
    OrganizationStaff,
    Panel,
    PanelMember,
    Proposal,
    Round,
    Score,
    ScoreSheet,
)
from psp_desktop.models.competition import theme_need
from psp_desktop.models.enums import (
    AdvanceRule,
    Aggregation,
    CompetitionMode,
    CompetitionStatus,
    NeedSource,
    ProposalStatus,
    RoundKind,
    SheetStatus,
)
from psp_desktop.models.proposal import proposal_need
from psp_desktop.services import demo_content as content
from psp_desktop.services import demo_names as names

STREETS_PER_DISTRICT = 4
COMMUNITIES_PER_STREET = 20
NEEDS = 3000
ORGANIZATIONS = 6000
FOUNDATIONS = 30
STAFF_PER_ORG = 3
JUDGES_PER_DISTRICT, PUBLIC_PER_DISTRICT = 48, 12  # 300 judges in all
YEARS = (2025, 2026)
BUDGET_LINES = 3
ROUND2_PER_COMPETITION, ROUND2_JUDGES = 20, 8  # 5 experts + 3 public jurors on stage
PANELS, PANEL_SIZE = 3, 4
CHUNK = 20_000
SCORE_STEP = 50  # half points


@dataclass
class _Org:
    id: int
    name: str
    domains: list[Any]  # the competition themes it can apply under


@dataclass
class _Comp:
    id: int
    year: int
    district: int
    street: names.Street
    cap_fen: int
    themes: dict[Any, int] = field(default_factory=dict)  # domain → theme id
    rounds: list[int] = field(default_factory=list)
    criteria: list[list[tuple[int, int]]] = field(default_factory=list)  # per round: (criterion id, max ×100)
    groups: list[int] = field(default_factory=list)  # round 2: expert, public
    panels: list[list[int]] = field(default_factory=list)  # round 1 panels' judge ids, then the stage


class _Ids:
    """Explicit primary keys per table: the database is new, so they start at 1."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


class CityWriter:
    def __init__(self, conn: Connection, rng: random.Random, proposals: int, scores: int) -> None:
        self.conn = conn
        self.rng = rng
        self.ids = _Ids()
        self.counts: dict[str, int] = {}
        self.n_proposals = proposals
        self.n_sheets = scores // len(content.RUBRIC)
        self.uscc = names.UsccFactory(rng)
        self.communities: list[tuple[int, int, int, str]] = []  # id, district index, street index, name
        # (street, domain) → need id, topic core, description, community name
        self.needs: dict[tuple[int, Any], list[tuple[int, str, str, str]]] = {}
        self.orgs: dict[int, list[_Org]] = {}  # district index → organizations
        self.judges: dict[int, tuple[list[int], list[int]]] = {}  # district → expert ids, public ids
        self.comps: list[_Comp] = []
        self.round1_seen = 0  # proposals given round-1 judges so far, for spreading the remainder
        self.finalists = 0  # per competition, set once the proposal count is known

    # --- plumbing ------------------------------------------------------------------------------------------

    def insert(self, table: Table | type, rows: Iterable[dict[str, Any]]) -> None:
        """executemany in chunks; a generator keeps memory flat for the large tables."""
        target: Table = table if isinstance(table, Table) else table.__table__  # type: ignore[attr-defined]
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                self._flush(target, batch)
                batch = []
        if batch:
            self._flush(target, batch)

    def _flush(self, table: Table, batch: list[dict[str, Any]]) -> None:
        self.conn.execute(insert(table), batch)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(batch)

    # --- registry ------------------------------------------------------------------------------------------

    def places(self) -> None:
        rows = []
        for d, district in enumerate(names.DISTRICTS):
            for s in range(STREETS_PER_DISTRICT):
                street_index = d * STREETS_PER_DISTRICT + s
                street = names.STREETS[street_index]
                for word in self.rng.sample(names.COMMUNITY_WORDS, COMMUNITIES_PER_STREET):
                    cid = self.ids("community")
                    self.communities.append((cid, d, street_index, word + "社区"))
                    rows.append({"id": cid, "district": district.name, "street": street.name, "name": word + "社区"})
        self.insert(Community, rows)

    def community_needs(self) -> None:
        self.insert(CommunityNeed, (self._need() for _ in range(NEEDS)))

    def _need(self) -> dict[str, Any]:
        rng = self.rng
        cid, _d, street, community = rng.choice(self.communities)
        topic = rng.choice(content.TOPICS)
        collected = names.random_date(rng, dt.date(2024, 6, 1), dt.date(2026, 1, 31))
        fields = content.need_fields(rng, topic, community)
        nid = self.ids("need")
        self.needs.setdefault((street, topic.domain), []).append((nid, topic.core, fields["description"], community))
        return {"id": nid, "community_id": cid, **fields, "source": rng.choice(list(NeedSource)),
                "priority": rng.randint(1, 5), "collected_on": collected, "row_version": 1}

    def organizations(self) -> None:
        per_district = (ORGANIZATIONS - FOUNDATIONS) // len(names.DISTRICTS)
        specs: list[tuple[int, names.OrgKind, str, str, str]] = []
        for d in range(len(names.DISTRICTS)):
            specs += self.rng.sample(self._candidates(d), per_district)
        foundations = self.rng.sample(names.ORG_WORDS, FOUNDATIONS)
        specs += [(i % len(names.DISTRICTS), names.FOUNDATION_KIND, w, "", "") for i, w in enumerate(foundations)]
        staff: list[dict[str, Any]] = []
        self.insert(Organization, (self._org(spec, staff) for spec in specs))
        self.insert(OrganizationStaff, staff)

    def _candidates(self, d: int) -> list[tuple[int, names.OrgKind, str, str, str]]:
        """Every distinct name a district can hold, so sampling gives unique names without retries."""
        streets = [s for s in range(len(names.STREETS)) if s // STREETS_PER_DISTRICT == d]
        out = [(d, k, w, "", "") for k in names.AGENCY_KINDS for w in names.ORG_WORDS]
        out += [(d, k, "", "", "") for k in names.GROUP_KINDS]
        out += [(d, k, "", names.STREETS[s].name, "") for k in names.STREET_GROUP_KINDS for s in streets]
        out += [(d, k, "", names.STREETS[street].name, community) for k in names.COMMUNITY_KINDS
                for _cid, dd, street, community in self.communities if dd == d]
        return out

    def _org(self, spec: tuple[int, names.OrgKind, str, str, str], staff: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        d, kind, word, street, community = spec
        district = names.DISTRICTS[d]
        region = names.PROVINCE if kind.scope == "province" else district
        registered = names.random_date(rng, dt.date(2012, 1, 1), dt.date(2025, 10, 31))
        oid = self.ids("organization")
        workers = rng.randint(0, 2)
        fields = names.org_fields(
            rng, kind=kind, name=kind.name(word=word, district=district.name, street=street, community=community),
            district=district, street=street or names.STREETS[d * STREETS_PER_DISTRICT].name,
            registered_on=registered, uscc=self.uscc(kind.org_type, region.region_code, registered.year),
            staff=STAFF_PER_ORG + rng.randint(0, 3), social_workers=workers)
        staff += [{"organization_id": oid, **row} for row in names.staff_rows(rng, STAFF_PER_ORG, workers)]
        domains = [x for x in kind.domains if x in content.THEME_DOMAINS]
        if domains:
            self.orgs.setdefault(d, []).append(_Org(oid, fields["name"], domains))
        return {"id": oid, **fields, "row_version": 1,
                "past_projects": content.past_projects(rng, kind.domains, district.name, registered)}

    def judge_roster(self) -> None:
        self.insert(Judge, (row for d in range(len(names.DISTRICTS)) for row in self._district_judges(d)))

    def _district_judges(self, d: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        district = names.DISTRICTS[d].name
        experts: list[int] = []
        public: list[int] = []
        for i in range(JUDGES_PER_DISTRICT + PUBLIC_PER_DISTRICT):
            is_public = i >= JUDGES_PER_DISTRICT
            pool = names.PUBLIC_JUROR_PROFILES if is_public else names.JUDGE_PROFILES
            affiliation, title, expertise = pool[i % len(pool)]
            community = rng.choice([c[3] for c in self.communities if c[1] == d])
            jid = self.ids("judge")
            (public if is_public else experts).append(jid)
            yield {"id": jid, "name": names.person_name(rng), "title": title, "expertise": expertise,
                   "affiliation": affiliation.format(district=district, community=community),
                   "phone": names.mobile(rng), "is_public_juror": is_public, "row_version": 1}
        self.judges[d] = (experts, public)

    # --- competitions --------------------------------------------------------------------------------------

    def competitions(self) -> None:
        rows, themes, rounds, criteria, groups = [], [], [], [], []
        for street_index, street in enumerate(names.STREETS[:len(names.DISTRICTS) * STREETS_PER_DISTRICT]):
            for year in YEARS:
                comp = _Comp(self.ids("competition"), year, street_index // STREETS_PER_DISTRICT, street,
                             self.rng.choice((50_000, 80_000, 100_000)) * 100)
                self.comps.append(comp)
                rows.append(self._competition_row(comp))
                themes += self._themes(comp)
                r, c, g = self._rounds(comp)
                rounds += r
                criteria += c
                groups += g
        self.insert(Competition, rows)
        self.insert(CompetitionTheme, themes)
        self.insert(theme_need, self._theme_needs())
        self.insert(Round, rounds)
        self.insert(Criterion, criteria)
        self.insert(JudgeGroup, groups)

    def _competition_row(self, comp: _Comp) -> dict[str, Any]:
        district = names.DISTRICTS[comp.district].name
        closed = comp.year < max(YEARS)
        return {
            "id": comp.id, "name": f"{comp.year}年{district}{comp.street.name}社区公益创投大赛", "year": comp.year,
            "mode": CompetitionMode.VENTURE, "district": district,
            "status": CompetitionStatus.CLOSED if closed else CompetitionStatus.REVIEW,
            "organizer": f"{district}{comp.street.name}办事处", "pool_fen": self.rng.randint(10, 30) * 10**6,
            "project_cap_fen": comp.cap_fen, "budget_share_cap_percent": 80, "min_matching_percent": 20,
            "intake_pattern": f"{comp.year}-{comp.street.abbr}-{{seq:03d}}",
            "apply_from": dt.date(comp.year, 3, 2), "apply_until": dt.date(comp.year, 4, 10),
            "screening_until": dt.date(comp.year, 4, 24), "review_on": dt.date(comp.year, 5, 15),
            "notice_from": dt.date(comp.year, 5, 25), "notice_until": dt.date(comp.year, 6, 3),
            "signing_on": dt.date(comp.year, 6, 15), "rules": {"max_proposals_per_org": 2}, "row_version": 1,
        }

    def _themes(self, comp: _Comp) -> list[dict[str, Any]]:
        rows = []
        for seq, (name, domain, description) in enumerate(content.THEMES, 1):
            comp.themes[domain] = self.ids("theme")
            rows.append({"id": comp.themes[domain], "competition_id": comp.id, "seq": seq, "name": name,
                         "domain": domain, "description": description})
        return rows

    def _theme_needs(self) -> Iterator[dict[str, Any]]:
        for comp in self.comps:
            for domain, theme_id in comp.themes.items():
                for need_id, *_rest in self.needs.get((self.street_of(comp), domain), []):
                    yield {"theme_id": theme_id, "need_id": need_id}

    def street_of(self, comp: _Comp) -> int:
        return names.STREETS.index(comp.street)

    def _rounds(self, comp: _Comp) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        rounds, criteria = [], []
        for seq, (name, kind, aggregation, weight) in enumerate(
                (("书面评审", RoundKind.WRITTEN, Aggregation.MEAN, 40),
                 ("路演答辩", RoundKind.ROADSHOW, Aggregation.TRIMMED_MEAN, 60)), 1):
            rid = self.ids("round")
            comp.rounds.append(rid)
            rounds.append({"id": rid, "competition_id": comp.id, "seq": seq, "name": name, "kind": kind,
                           "aggregation": aggregation, "weight_percent": weight, "blind": seq == 1,
                           "advance_rule": AdvanceRule.TOP_N if seq == 1 else AdvanceRule.ALL,
                           "advance_value": ROUND2_PER_COMPETITION if seq == 1 else None,
                           "judges_per_proposal": 2 if seq == 1 else ROUND2_JUDGES,
                           "scheduled_on": dt.date(comp.year, 5, 8 if seq == 1 else 15)})
            listed = []
            for cseq, (cname, points, text) in enumerate(content.RUBRIC, 1):
                cid = self.ids("criterion")
                listed.append((cid, points))
                criteria.append({"id": cid, "round_id": rid, "seq": cseq, "name": cname, "description": text,
                                 "max_points_x100": points})
            comp.criteria.append(listed)
        comp.groups = [self.ids("group"), self.ids("group")]
        groups = [{"id": comp.groups[0], "round_id": comp.rounds[1], "name": "专家评审", "weight_percent": 70},
                  {"id": comp.groups[1], "round_id": comp.rounds[1], "name": "大众评审", "weight_percent": 30}]
        return rounds, criteria, groups

    def panels(self) -> None:
        panels, members = [], []
        for comp in self.comps:
            experts, public = self.judges[comp.district]
            chosen = self.rng.sample(experts, PANELS * PANEL_SIZE)
            stage = chosen[:5] + self.rng.sample(public, ROUND2_JUDGES - 5)
            comp.panels = [chosen[i * PANEL_SIZE:(i + 1) * PANEL_SIZE] for i in range(PANELS)] + [stage]
            for index, judges in enumerate(comp.panels):
                pid = self.ids("panel")
                last = index == PANELS
                panels.append({"id": pid, "round_id": comp.rounds[1 if last else 0],
                               "name": "路演评审组" if last else f"第{'一二三'[index]}评审组",
                               "venue": f"{comp.street.name}党群服务中心" if last else "线上书面评审"})
                for position, judge in enumerate(judges):
                    group = (comp.groups[0] if position < 5 else comp.groups[1]) if last else None
                    members.append({"id": self.ids("panel_member"), "panel_id": pid, "judge_id": judge,
                                    "group_id": group, "is_chair": position == 0})
        self.insert(Panel, panels)
        self.insert(PanelMember, members)

    # --- proposals and scores ------------------------------------------------------------------------------

    def proposals(self) -> None:
        share, extra = divmod(self.n_proposals, len(self.comps))
        # the roadshow takes at most a seventh of the sheets, so small --scores still reach every proposal
        self.finalists = min(share, ROUND2_PER_COMPETITION, self.n_sheets // 7 // (len(self.comps) * ROUND2_JUDGES))
        round1 = self.n_sheets - len(self.comps) * self.finalists * ROUND2_JUDGES
        per_proposal, bonus = divmod(round1, max(1, self.n_proposals))
        for index, comp in enumerate(self.comps):
            plans = self._plan_proposals(comp, share + (index < extra))
            lines, links = [], []
            self.insert(Proposal, (self._proposal_row(comp, p, lines, links) for p in plans))
            self.insert(BudgetLine, lines)
            self.insert(proposal_need, links)
            self._score(comp, plans, per_proposal, bonus)

    def _plan_proposals(self, comp: _Comp, count: int) -> list[dict[str, Any]]:
        """Quality decides who reaches the roadshow; ids follow intake order."""
        pool = self.orgs[comp.district]
        owners = self.rng.sample(pool, count) if count <= len(pool) else self.rng.choices(pool, k=count)
        plans = [{"id": self.ids("proposal"), "seq": seq, "org": org, "quality": self.rng.randint(550, 950)}
                 for seq, org in enumerate(owners, 1)]
        top = sorted(plans, key=lambda p: -p["quality"])[:self.finalists]
        for plan in plans:
            plan["finalist"] = plan in top
        return plans

    def _proposal_row(self, comp: _Comp, plan: dict[str, Any], lines: list[dict[str, Any]],
                      links: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        org: _Org = plan["org"]
        domain = rng.choice(org.domains)
        topic = rng.choice(content.topics_for(domain))
        needs = self.needs.get((self.street_of(comp), domain), [])
        need = next((n for n in needs if n[1] == topic.core), None) or (rng.choice(needs) if needs else None)
        start = dt.date(comp.year, rng.choice((7, 8)), 1)
        fields = content.proposal_fields(
            rng, topic, title=content.project_title(rng, topic), org_name=org.name,
            location=comp.street.name + (need[3] if need else ""), need_texts=[need[2]] if need else [],
            start=start, months=rng.randint(10, 12))
        budget = content.make_budget(rng, topic, lines=BUDGET_LINES, cap_fen=comp.cap_fen,
                                     requested_target_fen=rng.randrange(comp.cap_fen // 2, comp.cap_fen + 1, 50_000),
                                     matching_percent=rng.randint(20, 40), management_percent=rng.randint(3, 8))
        lines += [{"id": self.ids("budget_line"), "proposal_id": plan["id"], "seq": i, **line}
                  for i, line in enumerate(budget.lines, 1)]
        if need:
            links.append({"proposal_id": plan["id"], "need_id": need[0]})
        return {"id": plan["id"], "competition_id": comp.id, "organization_id": org.id,
                "theme_id": comp.themes[domain], **fields, "status": self._status(comp, plan),
                "intake_number": f"{comp.year}-{comp.street.abbr}-{plan['seq']:03d}",
                "submitted_on": names.random_date(rng, dt.date(comp.year, 3, 2), dt.date(comp.year, 4, 10)),
                "requested_fen": budget.requested_fen, "matching_fen": budget.matching_fen,
                "total_budget_fen": budget.total_fen, "row_version": 1}

    @staticmethod
    def _status(comp: _Comp, plan: dict[str, Any]) -> ProposalStatus:
        if comp.year == max(YEARS):
            return ProposalStatus.IN_REVIEW
        return ProposalStatus.COMPLETED if plan["finalist"] else ProposalStatus.NOT_AWARDED

    def _score(self, comp: _Comp, plans: list[dict[str, Any]], per_proposal: int, bonus: int) -> None:
        """Round 1: each proposal to per_proposal (+1 for the first `bonus`) judges of one panel; round 2:
        finalists to the whole stage. Assignments, sheets and scores go in together per competition."""
        assignments, sheets, scores = [], [], []
        bias = {j: self.rng.randint(-60, 60) for panel in comp.panels for j in panel}
        for plan in plans:
            self.round1_seen += 1
            panel = comp.panels[plan["seq"] % PANELS]
            count = min(PANEL_SIZE, per_proposal + (self.round1_seen <= bonus))
            judges = [panel[(plan["seq"] + k) % PANEL_SIZE] for k in range(count)]
            work = [(0, judges)] + ([(1, comp.panels[PANELS])] if plan["finalist"] else [])
            for round_index, who in work:
                for judge in who:
                    aid = self.ids("assignment")
                    assignments.append({"id": aid, "round_id": comp.rounds[round_index], "judge_id": judge,
                                        "proposal_id": plan["id"], "manual": False})
                    sheets.append(self._sheet(aid, comp))
                    scores += self._points(sheets[-1]["id"], comp.criteria[round_index],
                                           plan["quality"] + bias[judge])
        self.insert(Assignment, assignments)
        self.insert(ScoreSheet, sheets)
        self.insert(Score, scores)

    def _sheet(self, assignment_id: int, comp: _Comp) -> dict[str, Any]:
        submitted = dt.datetime(comp.year, 5, self.rng.randint(8, 15), self.rng.randint(9, 17), self.rng.randrange(60))
        return {"id": self.ids("sheet"), "assignment_id": assignment_id, "status": SheetStatus.SUBMITTED,
                "submitted_at": submitted, "source": "screen", "row_version": 1}

    def _points(self, sheet_id: int, criteria: list[tuple[int, int]], level: int) -> list[dict[str, Any]]:
        out = []
        for criterion_id, top in criteria:
            share = max(0, min(1000, level + self.rng.randint(-80, 80)))
            points = top * share // 1000 // SCORE_STEP * SCORE_STEP
            out.append({"id": self.ids("score"), "sheet_id": sheet_id, "criterion_id": criterion_id,
                        "points_x100": points, "max_points_x100": top})
        return out


def make_city_db(path: str | Path, proposals: int = 20_000, scores: int = 300_000, seed: int = 7, *,
                 overwrite: bool = False) -> dict[str, Any]:
    """Write a new city-scale database at path; returns row counts per table, seconds and file size."""
    path = Path(path)
    if path.exists():
        if not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it")
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    started = time.perf_counter()
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # a throw-away file: no fsync per page
            writer = CityWriter(conn, random.Random(seed), proposals, scores)
            for step in (writer.places, writer.community_needs, writer.organizations, writer.judge_roster,
                         writer.competitions, writer.panels, writer.proposals):
                begun = time.perf_counter()
                step()
                print(f"  {step.__name__:<16} {time.perf_counter() - begun:6.2f} s", file=sys.stderr)
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    return {**writer.counts, "seconds": round(time.perf_counter() - started, 2), "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the SQLite file to create")
    parser.add_argument("--proposals", type=int, default=20_000)
    parser.add_argument("--scores", type=int, default=300_000, help="score rows (6 per score sheet)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    result = make_city_db(args.output, args.proposals, args.scores, args.seed, overwrite=args.overwrite)
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"generated {args.output} ({result['bytes'] / 2**20:.1f} MiB) in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The demo's needs of earlier years, so the coverage report (services.needs.coverage) has a history to show.

The 50 needs of services/demo.py were collected for the 2026 competition (September 2025 to January 2026). Here:
- each project of the 2024 competition answers a need collected in its community in spring and summer 2024, which
  the 2024 themes target: funded (agreement signed), or eligible (reserve, not funded);
- each project of the 2025 competition answers a need collected from October 2024 to January 2025: in the 2024
  report these are still without a project, in the 2025 report eligible (the projects are on roadshow day);
- a few needs of 2024 no project has taken up: they stay "none" in every report since.
Rows go in directly, like the other registry rows of the demo, with their own random.Random so the rest of the
demo draws what it drew before.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..enums import NeedSource, ServiceDomain
from ..models import Community, CommunityNeed, Competition, CompetitionTheme, Proposal
from ..models.competition import tender_need, theme_need
from ..models.proposal import proposal_need
from . import demo_content as content
from . import demo_names as names

if TYPE_CHECKING:
    from .demo import _DemoBuilder

SEED = 2408
COLLECTED = {  # competition year → when the needs its projects answer were collected
    2024: (dt.date(2024, 4, 8), dt.date(2024, 8, 9)),
    2025: (dt.date(2024, 10, 8), dt.date(2025, 1, 17)),
}
UNANSWERED = (ServiceDomain.POVERTY, ServiceDomain.ENVIRONMENT, ServiceDomain.VOLUNTEER, ServiceDomain.DISABILITY,
              ServiceDomain.CULTURE, ServiceDomain.POVERTY)  # needs of 2024 that no project took up


def add(builder: _DemoBuilder) -> None:
    """The needs of 2024 and early 2025, linked to the projects and themes of the 2024 and 2025 competitions."""
    rng = random.Random(SEED)
    s = builder.s
    communities = {c.id: c for c in builder.communities.values()}
    made: dict[tuple[int, str, int], CommunityNeed] = {}
    links: list[tuple[int, CommunityNeed]] = []
    rows = s.execute(select(Proposal.id, Proposal.title, Proposal.domain, Proposal.community_id, Competition.year)
                     .join(Competition, Competition.id == Proposal.competition_id)
                     .where(Competition.year.in_(list(COLLECTED))).order_by(Proposal.id)).all()
    for proposal_id, title, domain, community_id, year in rows:
        topic = _topic(domain, title)
        key = (community_id, topic.need_title, year)
        if key not in made:
            made[key] = _need(rng, communities[community_id], topic, *COLLECTED[year])
        links.append((proposal_id, made[key]))
    spare = list(builder.communities.values())
    unanswered = [_need(rng, rng.choice(spare), rng.choice(content.topics_for(domain)), *COLLECTED[2024])
                  for domain in UNANSWERED]
    needs = sorted([*made.values(), *unanswered], key=lambda n: (n.collected_on, n.created_at))
    s.add_all(needs)
    s.flush()
    s.execute(insert(proposal_need), [{"proposal_id": p, "need_id": n.id}
                                      for p, n in sorted(links, key=lambda link: (link[0], link[1].id))])
    _target(builder, needs)
    _tenders(s, links)


def _tenders(s: Session, links: list[tuple[int, CommunityNeed]]) -> None:
    """A tender was written from the needs its bids answer: the office surveyed them before publishing it."""
    bids = dict(s.execute(select(Proposal.id, Proposal.tender_id).where(Proposal.tender_id.is_not(None))).all())
    pairs = sorted({(bids[p], n.id) for p, n in links if p in bids})
    if pairs:
        s.execute(insert(tender_need), [{"tender_id": t, "need_id": n} for t, n in pairs])


def _topic(domain: ServiceDomain, title: str) -> content.Topic:
    """The topic a demo project was written on (its title holds the topic's core words)."""
    topics = content.topics_for(domain)
    return next((t for t in topics if t.core in title), topics[0])


def _need(rng: random.Random, community: Community, topic: content.Topic, first: dt.date,
          last: dt.date) -> CommunityNeed:
    collected = names.random_date(rng, first, last)
    return CommunityNeed(
        community=community, **content.need_fields(rng, topic, community.name),
        source=rng.choice(list(NeedSource)[:4]), priority=rng.choices((1, 2, 3, 4), (2, 4, 3, 1))[0],
        collected_on=collected, created_at=dt.datetime.combine(collected, dt.time(rng.randint(9, 16),
                                                                                  rng.randrange(60))))


def _target(builder: _DemoBuilder, needs: list[CommunityNeed]) -> None:
    """Each competition's themes target the needs collected for it in their domain."""
    s = builder.s
    themes = s.execute(select(CompetitionTheme.id, CompetitionTheme.domain, Competition.year)
                       .join(Competition, Competition.id == CompetitionTheme.competition_id)
                       .where(Competition.year.in_(list(COLLECTED)))).all()
    pairs = sorted({(theme_id, need.id) for theme_id, domain, year in themes for need in needs
                    if need.domain is domain and COLLECTED[year][0] <= need.collected_on <= COLLECTED[year][1]})
    s.execute(insert(theme_need), [{"theme_id": t, "need_id": n} for t, n in pairs])

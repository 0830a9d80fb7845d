"""Every page and export runs the same number of SQL queries for a small world and one ten times larger.

One table over URL names, so a page that starts querying per row (a missing ``select_related``, a
count in a template loop) fails here before it reaches `make bench`. The world grows in both
directions at once: more companions with plans in the coordinator's kabupaten, and more activities,
progress and villages in the plan the companion looks at.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Kind, Notification
from pillars.models import MonthlyProgress, MonthlyReport, Pillar, WorkPlan
from tests.clock import local
from tests.factories import (
    ActivityFactory,
    CompanionFactory,
    PlanFactory,
    ProgressFactory,
    UserFactory,
    VillageDataFactory,
    VillageOfficialFactory,
    region,
)
from villages.models import VillageOfficial

YEAR = 2026
SMALL = 3


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # an attribute of the cast
    args: tuple = ()
    query: str = ""

    def url(self, cast) -> str:
        named = {"plan": cast.plan.pk, "report": cast.report.pk, "village": "34.03.01.2001"}
        args = [named.get(arg, arg) if isinstance(arg, str) else arg for arg in self.args]
        return reverse(self.name, args=args) + (f"?{self.query}" if self.query else "")


PAGES = [
    Page("home", "companion"),
    Page("home", "coordinator", query=f"year={YEAR}"),
    Page("home", "admin", query=f"year={YEAR}"),
    Page("home", "camat", query=f"year={YEAR}"),
    Page("pillars:plan-list", "companion"),
    Page("pillars:plan-list", "coordinator"),
    Page("pillars:plan-detail", "companion", ("plan",)),
    Page("pillars:plan-detail", "coordinator", ("plan",)),
    Page("pillars:plan-month", "companion", ("plan", 1)),
    Page("pillars:plan-month", "camat", ("plan", 1)),
    Page("pillars:completeness", "coordinator"),
    Page("pillars:report-queue", "coordinator"),
    Page("pillars:report-detail", "coordinator", ("report",)),
    Page("reports:village-list", "coordinator"),
    Page("reports:village-detail", "coordinator", ("village",)),
    Page("reports:plan-pdf", "companion", ("plan",)),
    Page("reports:month-pdf", "companion", ("plan", 1)),
    Page("reports:month-docx", "companion", ("plan", 1)),
    Page("reports:plan-xlsx", "companion", ("plan",)),
    Page("reports:recap-xlsx", "coordinator", (YEAR,)),
    Page("pillars:plan-quarter", "companion", ("plan", 1)),
    Page("pillars:plan-quarter", "coordinator", ("plan", 1)),
    Page("pillars:plan-year", "companion", ("plan",)),
    Page("reports:quarter-pdf", "companion", ("plan", 1)),
    Page("reports:quarter-xlsx", "companion", ("plan", 1)),
    Page("reports:year-xlsx", "companion", ("plan",)),
    Page("reports:quarter-recap", "coordinator", (YEAR, 1)),
    Page("admin:villages_region_changelist", "admin", query="q=Desa"),
    Page("notifications:list", "companion"),
]


def grow(cast, size: int, start: int) -> None:
    """``size`` more companions in 34.03 with approved plans, ``size`` more activities in the cast's plan, and
    ``size`` more notifications for its companion."""
    pillars = list(Pillar.objects.order_by("order"))
    now = local(YEAR, 2, 3, 9)
    for n in range(start, start + size):
        village = region(f"34.03.{1 + n % 3:02d}.{3000 + n}", f"Desa {n}")
        VillageDataFactory(village=village)
        companion = CompanionFactory(user=UserFactory(username=f"grown{n}"), villages=[village])
        plan = PlanFactory(companion=companion, villages=[village], status=WorkPlan.Status.APPROVED, approved_at=now)
        activity = ActivityFactory(plan=plan, pillar=pillars[n % len(pillars)], village=village)
        ProgressFactory(activity=activity, month=1)
        MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.SUBMITTED, submitted_at=now)
        mine = ActivityFactory(plan=cast.plan, pillar=pillars[n % len(pillars)], title=f"Mine {n}", months=(1, 2))
        ProgressFactory(activity=mine, month=1, quantity=Decimal("2"), description=f"Done {n}")
        Notification.objects.create(
            recipient=cast.companion,
            kind=Kind.REPORT_RETURNED if n % 2 else Kind.COMMENT_REPLY,
            link=cast.plan.get_absolute_url(),
            params={"companion": "pld", "year": YEAR, "month": 1, "actor": "koord", "activity": f"Mine {n}"},
            created_at=now,
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def approved(cast, clock):
    """Pages of 2026 seen in June 2026: months over, one month's report waiting."""
    WorkPlan.objects.filter(pk=cast.plan.pk).update(status=WorkPlan.Status.APPROVED, approved_at=local(YEAR, 1, 5, 9))
    cast.plan.refresh_from_db()
    cast.report = MonthlyReport.objects.create(
        plan=cast.plan, month=1, status=MonthlyReport.Status.SUBMITTED, submitted_at=local(YEAR, 2, 3, 9)
    )
    # The Camat of 34.03.01: the cast's plan and a third of the grown ones are in the kecamatan.
    cast.camat = VillageOfficialFactory(
        user=UserFactory(username="camat"), kind=VillageOfficial.Kind.CAMAT, region=region("34.03.01")
    ).user
    grow(cast, SMALL, 0)
    return cast


@pytest.mark.parametrize("page", PAGES, ids=lambda page: f"{page.name}-{page.who}")
@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_query_count_is_the_same_for_a_world_ten_times_larger(approved, page):
    cast = approved
    client = cast.client_for(getattr(cast, page.who))
    url = page.url(cast)
    count(client, url)  # the first request fills per-process caches (content types, the session)
    small = count(client, url)
    grow(cast, 9 * SMALL, SMALL)
    assert MonthlyProgress.objects.filter(activity__plan=cast.plan).count() == 10 * SMALL
    # On PostgreSQL a wide scope's first view after a write adds the written plans up again (a fixed number of
    # statements however many: tests/test_stored_tallies.py); compare the views that follow.
    count(client, url)
    assert count(client, url) == small

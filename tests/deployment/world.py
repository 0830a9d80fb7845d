"""The people and the plan of the deployment tests, made in the cluster's fresh database by its seed step
(scripts/cluster.py calls :func:`build` in a child process, at the cluster's clock): a companion of two villages
of Gunungkidul with an approved plan of 2026, and the kabupaten's coordinator.

The cluster's clock reads 15 June 2026 (tests.clock.DEFAULT_NOW): May is over and still open for entries, and the
coordinator's figures count January to May.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from pillars.models import WorkPlan
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    CompanionFactory,
    CoordinatorFactory,
    PlanFactory,
    UserFactory,
    open_year,
    region,
)

YEAR, MONTH = 2026, 5
# Both scheduled in February and May: four scheduled months to date, none done.
SCHEDULE = (2, 5, 8, 11)


def build() -> dict:
    open_year(YEAR)
    villages = [region("34.03.01.2001"), region("34.03.01.2002")]
    companion = CompanionFactory(user=UserFactory(username="pld"), villages=villages)
    CoordinatorFactory(user=UserFactory(username="koord"), scope_region=region("34.03"))
    plan = PlanFactory(companion=companion, year=YEAR, status=WorkPlan.Status.APPROVED, approved_at=timezone.now())
    meeting = ActivityFactory(plan=plan, title="Rapat koordinasi desa", months=SCHEDULE, target_quantity=Decimal(4))
    training = ActivityFactory(plan=plan, title="Pelatihan kader", months=SCHEDULE, target_quantity=Decimal(4))
    # A plan of 400 activities, whose PDF (a background job) takes the worker several seconds; in Sleman, outside
    # the coordinator's scope, so that it counts in none of the coordinator's figures.
    writer = CompanionFactory(user=UserFactory(username="pld-besar"), villages=[region("34.04.01.2001")])
    large = PlanFactory(companion=writer, year=YEAR, status=WorkPlan.Status.APPROVED, approved_at=timezone.now())
    ActivityFactory.create_batch(400, plan=large, months=SCHEDULE)
    return {
        "large_plan_owner": "pld-besar",
        "large_plan": large.pk,
        "companion": "pld",
        "coordinator": "koord",
        "password": PASSWORD,
        "plan": plan.pk,
        "month": MONTH,
        "meeting": meeting.pk,
        "training": training.pk,
    }

"""Query counts are part of the contract: the same for 5 rows and for 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pillars import services
from pillars.models import Pillar
from tests.factories import ActivityFactory, CompanionFactory, PlanFactory, UserFactory, VillageDataFactory, region

pytestmark = pytest.mark.django_db


def fill(plan, count: int) -> None:
    pillars = list(Pillar.objects.all())
    villages = [None, *plan.villages.all()]
    for index in range(count):
        ActivityFactory(plan=plan, pillar=pillars[index % len(pillars)], village=villages[index % len(villages)])


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def plan_with(cast, count: int):
    """A fresh companion's plan with ``count`` activities, village data and a returned review."""
    village = region(f"34.03.05.{2000 + count}")
    VillageDataFactory(village=village)
    companion = CompanionFactory(user=UserFactory(username=f"pld{count}"), villages=[village, region("34.03.05.2099")])
    plan = PlanFactory(companion=companion)
    fill(plan, count)
    plan = services.plan_submit(plan=plan, by=companion.user)
    notes = {activity.pk: "Perjelas." for activity in plan.activities.all()}
    plan = services.plan_return(plan=plan, by=cast.coordinator, comment="Perbaiki.", activity_comments=notes)
    return companion.user, plan


def test_the_plan_page_costs_the_same_for_5_and_50_activities(cast):
    counts = []
    for size in (5, 50):
        user, plan = plan_with(cast, size)
        counts.append(queries_for(cast.client_for(user), plan.get_absolute_url()))
    assert counts[0] == counts[1]


def test_the_plan_page_under_review_costs_the_same_for_5_and_50_activities(cast):
    counts = []
    for size in (5, 50):
        user, plan = plan_with(cast, size)
        services.plan_submit(plan=plan, by=user)
        counts.append(queries_for(cast.client_for(cast.coordinator), plan.get_absolute_url()))
    assert counts[0] == counts[1]


def test_a_revision_with_its_changes_costs_the_same_for_5_and_50_activities(cast):
    counts = []
    for size in (5, 50):
        user, plan = plan_with(cast, size)
        plan = services.plan_submit(plan=plan, by=user)
        plan = services.plan_approve(plan=plan, by=cast.coordinator)
        plan = services.plan_reopen(plan=plan, by=cast.coordinator, reason="Revisi.")
        fill(plan, 2)
        client = cast.client_for(user)
        counts.append(queries_for(client, plan.get_absolute_url()))
        counts.append(queries_for(client, reverse("pillars:plan-version", args=[plan.pk, 0])))
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]


def test_my_plans_costs_the_same_for_5_and_50_plans(cast):
    counts = []
    for size in (5, 50):
        companion = CompanionFactory(user=UserFactory(username=f"many{size}"), villages=[region("34.03.06.2001")])
        for index in range(size):
            fill(PlanFactory(companion=companion, year=2030 + index), 2)
        counts.append(queries_for(cast.client_for(companion.user), reverse("pillars:plan-list")))
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_review_list_costs_the_same_for_5_and_50_plans(cast):
    coordinator = cast.client_for(cast.coordinator)
    coordinator.get(reverse("home"))  # the CSRF cookie, as after logging in
    counts = []
    for size in (5, 50):
        for index in range(size):
            village = region(f"34.03.{10 + index % 5:02d}.{2000 + size + index}")
            companion = CompanionFactory(villages=[village])
            fill(PlanFactory(companion=companion), 2)
        counts.append(queries_for(coordinator, reverse("pillars:plan-list") + "?year=2026&page=1"))
    assert counts[0] == counts[1]

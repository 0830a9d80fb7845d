"""The companion's home: the plan's status and the next step, this year's progress, months reported and missing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pillars.models import ActivityComment, MonthlyProgress, MonthlyReport, WorkflowEvent, WorkPlan
from tests.factories import ActivityFactory, ProgressFactory
from tests.reports import home_fixtures
from tests.reports.home_fixtures import NOW, at, pillar

pytestmark = pytest.mark.django_db
fixed_now = home_fixtures.fixed_now


def home(cast):
    client = cast.client_for(cast.companion)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reports/home_companion.html"
    return response


def approve_this_year(plan: WorkPlan) -> WorkPlan:
    plan.status = WorkPlan.Status.APPROVED
    plan.approved_at = NOW - timedelta(days=60)
    plan.save()
    return plan


def test_a_draft_asks_to_finish_it(cast, fixed_now):
    response = home(cast)
    assert response.context["current"] == cast.plan
    page = response.content.decode()
    assert cast.plan.get_absolute_url() in page
    assert "Finish the draft" in page
    assert response.context["next_step"].url == cast.plan.get_absolute_url()
    assert response.context["months"] == []
    assert (response.context["this_month"], response.context["chip_legend"]) == (None, [])


def test_a_returned_plan_shows_the_return_comment_and_the_commented_activities(cast, fixed_now):
    plan = cast.plan
    plan.status = WorkPlan.Status.RETURNED
    plan.save()
    activity = ActivityFactory(plan=plan)
    event = WorkflowEvent.objects.create(
        plan=plan, actor=cast.coordinator, from_status="submitted", to_status="returned", comment="Tambah data BLT."
    )
    ActivityComment.objects.create(activity=activity, event=event, author=cast.coordinator, text="Target?")
    response = home(cast)
    step = response.context["next_step"]
    assert (step.quote, step.note) == ("Tambah data BLT.", "1 activity has a comment.")
    page = response.content.decode()
    assert "Tambah data BLT." in page and "Answer the comments" in page


def test_an_approved_plan_asks_for_the_earliest_month_not_reported(cast, fixed_now):
    # 10 February 2026: January is over and its deadline (5 February) has passed.
    plan = approve_this_year(cast.plan)
    activity = ActivityFactory(plan=plan, pillar=pillar("ASI"), months=(1, 2), target_quantity=Decimal("2"))
    ProgressFactory(activity=activity, month=1, status=MonthlyProgress.Status.DONE, quantity=Decimal("1"))
    response = home(cast)
    months = response.context["months"]
    assert [(m.month, m.state) for m in months] == [(1, "missing")]
    assert response.context["next_step"].url == reverse("pillars:plan-month", args=[plan.pk, 1])
    asi = {row.key: row for row in response.context["pillars"]}["ASI"]
    assert (asi.scheduled, asi.reported, asi.done, asi.achievement_pct) == (1, 1, 1, Decimal("50.0"))
    assert asi.url == f"{plan.get_absolute_url()}#pillar-ASI"


def test_the_month_under_way_has_a_chip_a_button_and_the_chips_a_legend_in_words(cast, fixed_now):
    # 10 February 2026: January is missing, February is under way.
    plan = approve_this_year(cast.plan)
    ActivityFactory(plan=plan, months=(1, 2))
    response = home(cast)
    this_month = response.context["this_month"]
    assert (this_month.month, this_month.state) == (2, "not_due")
    assert this_month.url == reverse("pillars:plan-month", args=[plan.pk, 2])
    assert [m.month for m in response.context["months"]] == [1]
    assert [(entry.css, entry.label) for entry in response.context["chip_legend"]] == [
        ("heat-missing", "missing"),
        ("heat-not_due", "not due yet"),
        ("this-month", "this month"),
    ]
    page = response.content.decode()
    assert f'href="{this_month.url}">Open this month: February</a>' in page
    assert 'id="chip-legend"' in page and "not due yet" in page


def test_a_reported_month_is_not_asked_for_again(cast, fixed_now):
    plan = approve_this_year(cast.plan)
    ActivityFactory(plan=plan, months=(1,))
    MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.SUBMITTED, submitted_at=at(2026, 2, 9))
    response = home(cast)
    assert [(m.month, m.state, m.late) for m in response.context["months"]] == [(1, "submitted", True)]
    assert response.context["next_step"].url == plan.get_absolute_url()


def test_a_returned_month_is_the_next_step(cast, fixed_now):
    plan = approve_this_year(cast.plan)
    MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.RETURNED, submitted_at=at(2026, 2, 2))
    assert home(cast).context["next_step"].url == reverse("pillars:plan-month", args=[plan.pk, 1])


def test_it_counts_only_the_companions_own_plan(cast, fixed_now):
    approve_this_year(cast.plan)
    other = approve_this_year(cast.other_plan)
    ActivityFactory(plan=other, pillar=pillar("ASI"), months=(1,))
    assert all(row.scheduled == 0 for row in home(cast).context["pillars"])


def test_the_query_count_does_not_grow_with_the_plan(cast, fixed_now, django_assert_num_queries):
    plan = approve_this_year(cast.plan)
    ActivityFactory(plan=plan, months=(1,))
    client = cast.client_for(cast.companion)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for n in range(10):
        activity = ActivityFactory(plan=plan, pillar=pillar("KAP" if n % 2 else "ORG"), months=(1, 2))
        ProgressFactory(activity=activity, month=1)
    MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.ACKNOWLEDGED, submitted_at=NOW)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("home"))
    assert sum(row.scheduled for row in response.context["pillars"]) == 11

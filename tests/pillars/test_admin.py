"""The admin cannot bypass the workflow: status is read-only, locked plans' activities cannot change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pillars import services
from pillars.models import Activity, WorkPlan
from tests.factories import ActivityFactory, region

pytestmark = pytest.mark.django_db


def test_the_plan_status_cannot_be_set_in_the_admin(cast):
    client = cast.client_for(cast.admin)
    page = client.get(reverse("admin:pillars_workplan_change", args=[cast.plan.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()


def test_an_activity_of_an_approved_plan_is_read_only_in_the_admin(cast):
    activity = ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    services.plan_approve(plan=cast.plan, by=cast.coordinator)
    client = cast.client_for(cast.admin)
    url = reverse("admin:pillars_activity_change", args=[activity.pk])
    response = client.post(url, {"title": "Diubah di admin"})
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).title == activity.title
    page = client.get(reverse("admin:pillars_workplan_change", args=[cast.plan.pk])).content.decode()
    assert 'name="activities-0-title"' not in page
    assert WorkPlan.objects.get(pk=cast.plan.pk).status == WorkPlan.Status.APPROVED


def test_an_activity_village_must_be_one_of_the_plan_villages(cast):
    activity = ActivityFactory.build(plan=cast.plan, village=region("34.03.02.2001"))
    with pytest.raises(ValidationError, match="not one of the plan's villages"):
        activity.clean()
    ActivityFactory.build(plan=cast.plan, village=region("34.03.01.2001")).clean()

"""A plan reopened for revision keeps its approved version in force: its months are still reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pillars import progress, services
from pillars.models import MonthlyProgress, WorkPlan
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_a_reopened_plan_can_still_be_reported_and_a_never_approved_one_cannot(cast, clock):
    plan = PlanFactory(companion=cast.plan.companion, year=2025)
    activity = ActivityFactory(plan=plan, months=(1,))
    assert progress.why_not_reportable(plan, 1)  # a draft: not yet
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    services.plan_reopen(plan=plan, by=cast.coordinator, reason="Program kabupaten baru.")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT and plan.is_in_force
    assert WorkPlan.objects.in_force().filter(pk=plan.pk).exists()
    progress.progress_save(
        activity=activity, month=1, values={"status": "done", "quantity": Decimal(1)}, version=0, by=cast.companion
    )
    assert MonthlyProgress.objects.filter(activity=activity, month=1).exists()
    assert not WorkPlan.objects.in_force().filter(pk=cast.plan.pk).exists()

"""The one access rule: who sees which plans and what hangs off them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from pillars.models import Activity, Evidence, MonthlyProgress, MonthlyReport, WorkflowEvent, WorkPlan
from tests.factories import ActivityFactory, ProgressFactory, UserFactory, region

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it (the viewer is cached per user object)."""
    return type(user).objects.get(pk=user.pk)


def visible_plans(user) -> set:
    return set(WorkPlan.objects.visible_to(user))


def test_a_companion_sees_only_their_own_plan(cast):
    assert visible_plans(cast.companion) == {cast.plan}


def test_another_companion_does_not_see_it(cast):
    assert visible_plans(cast.other_companion) == {cast.other_plan}


def test_a_coordinator_sees_every_plan_with_a_village_in_scope(cast):
    assert visible_plans(cast.coordinator) == {cast.plan, cast.other_plan}


def test_a_coordinator_out_of_scope_sees_only_their_region(cast):
    assert visible_plans(cast.outsider) == {cast.outside_plan}


def test_an_admin_sees_everything(cast):
    assert visible_plans(cast.admin) == {cast.plan, cast.other_plan, cast.outside_plan}


def test_anonymous_and_people_without_a_role_see_nothing(cast):
    assert visible_plans(AnonymousUser()) == set()
    assert visible_plans(UserFactory(username="nobody")) == set()


def test_an_inactive_user_sees_nothing(cast):
    cast.coordinator.is_active = False
    cast.coordinator.save()
    assert visible_plans(fresh(cast.coordinator)) == set()


def test_a_scope_prefix_never_matches_a_longer_sibling_code(cast):
    # 34.0 must not reach 34.03: the prefix ends at a dot.
    coordinator = cast.coordinator.companion
    coordinator.scope_region = region("34")
    coordinator.save()
    assert visible_plans(fresh(cast.coordinator)) == {cast.plan, cast.other_plan, cast.outside_plan}
    coordinator.scope_region = region("34.03.02")
    coordinator.save()
    assert visible_plans(fresh(cast.coordinator)) == {cast.other_plan}


def test_everything_below_a_plan_follows_the_plan(cast):
    mine = ActivityFactory(plan=cast.plan)
    theirs = ActivityFactory(plan=cast.outside_plan)
    ProgressFactory(activity=mine)
    ProgressFactory(activity=theirs)
    MonthlyReport.objects.create(plan=cast.plan, month=1)
    MonthlyReport.objects.create(plan=cast.outside_plan, month=1)
    WorkflowEvent.objects.create(plan=cast.plan, from_status="", to_status="draft")
    WorkflowEvent.objects.create(plan=cast.outside_plan, from_status="", to_status="draft")

    for model in (Activity, MonthlyProgress, MonthlyReport, WorkflowEvent):
        assert model.objects.visible_to(cast.companion).count() == 1, model
        assert model.objects.visible_to(cast.coordinator).count() == 1, model
        assert model.objects.visible_to(cast.outsider).count() == 1, model
        assert model.objects.visible_to(cast.other_companion).count() == 0, model
        assert model.objects.visible_to(cast.admin).count() == 2, model
        assert model.objects.visible_to(AnonymousUser()).count() == 0, model
    assert Evidence.objects.visible_to(cast.companion).count() == 0

"""Workflow services: who may act from which state, what each writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from pillars import services
from pillars.models import Activity, MonthlyProgress, Pillar, WorkflowEvent, WorkPlan
from tests.factories import ActivityFactory, ProgressFactory, open_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def new_activity(plan, **fields) -> Activity:
    defaults = {
        "pillar": Pillar.objects.get(code="ORG"),
        "title": "Kegiatan baru",
        "target_group": Activity.TargetGroup.BUMDES,
        "target_quantity": Decimal("1"),
        "months": (5,),
    }
    defaults.update(fields)
    return Activity(plan=plan, **defaults)


def test_a_new_activity_goes_last_under_its_pillar(cast):
    ActivityFactory(plan=cast.plan, pillar=Pillar.objects.get(code="ORG"), position=4)
    activity = services.activity_save(activity=new_activity(cast.plan), by=cast.companion)
    assert activity.position == 5


def test_saving_an_activity_bumps_the_plans_last_change(cast):
    before = WorkPlan.objects.get(pk=cast.plan.pk).updated_at
    services.activity_save(activity=new_activity(cast.plan), by=cast.companion)
    assert WorkPlan.objects.get(pk=cast.plan.pk).updated_at > before


def test_an_activity_cannot_be_saved_by_someone_else(cast):
    with pytest.raises(PermissionDenied):
        services.activity_save(activity=new_activity(cast.plan), by=cast.coordinator)
    with pytest.raises(PermissionDenied):
        services.activity_save(activity=new_activity(cast.plan), by=cast.other_companion)
    assert not Activity.objects.exists()


@pytest.mark.parametrize("status", [WorkPlan.Status.SUBMITTED, WorkPlan.Status.APPROVED])
def test_a_locked_plan_refuses_every_change(cast, status):
    activity = ActivityFactory(plan=cast.plan)
    WorkPlan.objects.filter(pk=cast.plan.pk).update(status=status)
    for change in (
        lambda: services.activity_save(activity=new_activity(cast.plan), by=cast.companion),
        lambda: services.activity_delete(activity=activity, by=cast.companion),
        lambda: services.activity_move(activity=activity, by=cast.companion, offset=1),
        lambda: services.plan_update_narrative(plan=cast.plan, by=cast.companion, priorities="x", data_basis=""),
    ):
        with pytest.raises(services.WorkflowError, match="locked"):
            change()
    assert list(cast.plan.activities.all()) == [activity]


def test_an_activity_from_another_plan_cannot_be_saved_into_this_one(cast):
    foreign = ActivityFactory(plan=cast.other_plan)
    foreign.plan = cast.plan
    with pytest.raises(PermissionDenied):
        services.activity_save(activity=foreign, by=cast.companion)


def test_moving_past_the_end_keeps_the_order_whole(cast):
    pillar = Pillar.objects.get(code="ASI")
    first, second, third = (ActivityFactory(plan=cast.plan, pillar=pillar, position=p) for p in (3, 7, 9))
    services.activity_move(activity=first, by=cast.companion, offset=5)
    assert list(cast.plan.activities.order_by("position").values_list("pk", "position")) == [
        (second.pk, 0),
        (third.pk, 1),
        (first.pk, 2),
    ]


def test_each_transition_writes_one_log_row_with_actor_and_comment(cast):
    ActivityFactory(plan=cast.plan)
    plan = services.plan_submit(plan=cast.plan, by=cast.companion)
    plan = services.plan_return(plan=plan, by=cast.coordinator, comment=" Kurang data. ")
    event = WorkflowEvent.objects.filter(plan=plan).first()
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        cast.coordinator,
        "submitted",
        "returned",
        "Kurang data.",
    )
    assert WorkflowEvent.objects.filter(plan=plan).count() == 2


def test_an_out_of_scope_coordinator_cannot_review(cast):
    ActivityFactory(plan=cast.plan)
    plan = services.plan_submit(plan=cast.plan, by=cast.companion)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, by=cast.outsider)


def test_a_returned_comment_on_a_foreign_activity_is_refused_and_nothing_is_written(cast):
    ActivityFactory(plan=cast.plan)
    foreign = ActivityFactory(plan=cast.other_plan)
    plan = services.plan_submit(plan=cast.plan, by=cast.companion)
    with pytest.raises(services.WorkflowError):
        services.plan_return(plan=plan, by=cast.coordinator, comment="x", activity_comments={foreign.pk: "y"})
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED


# --- next year's plan from this year's -------------------------------------------------------------------


def test_next_years_plan_copies_activities_and_flags_the_unfinished(cast):
    """Finding 10: any month marked done counted as finished; now the year's achievement against the target decides."""
    open_year(2027)
    cast.plan.priorities = "Stunting"
    cast.plan.save()
    done = ActivityFactory(plan=cast.plan, title="Selesai", months=(2, 3), target_quantity=Decimal("5"))
    ProgressFactory(activity=done, month=3, status=MonthlyProgress.Status.DONE, quantity=Decimal("1"))
    reached = ActivityFactory(plan=cast.plan, title="Tercapai", target_quantity=Decimal("2"))
    ProgressFactory(activity=reached, month=1, status=MonthlyProgress.Status.ONGOING, quantity=Decimal("1"))
    ProgressFactory(activity=reached, month=4, status=MonthlyProgress.Status.ONGOING, quantity=Decimal("1"))
    partial = ActivityFactory(plan=cast.plan, title="Sebagian", months=(11,), target_quantity=Decimal("3"))
    ProgressFactory(activity=partial, month=11, status=MonthlyProgress.Status.ONGOING, quantity=Decimal("2"))
    ActivityFactory(plan=cast.plan, title="Belum", village_id="34.03.01.2002")

    plan = services.plan_start_next(source=cast.plan, by=cast.companion)

    assert (plan.year, plan.status, plan.priorities) == (2027, WorkPlan.Status.DRAFT, "Stunting")
    copies = {a.title: a for a in plan.activities.all()}
    assert {title: a.carried_forward for title, a in copies.items()} == {
        "Selesai": True,  # done in March, but 1 of 5
        "Tercapai": False,
        "Sebagian": True,
        "Belum": True,
    }
    assert copies["Selesai"].months == (2, 3)
    assert copies["Sebagian"].months == (11,)
    assert copies["Belum"].village_id == "34.03.01.2002"
    assert not MonthlyProgress.objects.filter(activity__plan=plan).exists()
    assert WorkflowEvent.objects.filter(plan=plan).count() == 1


def test_next_years_plan_drops_a_village_no_longer_assigned(cast):
    open_year(2027)
    ActivityFactory(plan=cast.plan, village_id="34.03.01.2002")
    cast.plan.companion.villages.remove("34.03.01.2002")
    plan = services.plan_start_next(source=cast.plan, by=cast.companion)
    assert plan.activities.get().village_id is None


def test_next_years_plan_only_once_and_only_by_the_owner(cast):
    open_year(2027)
    with pytest.raises(PermissionDenied):
        services.plan_start_next(source=cast.plan, by=cast.coordinator)
    services.plan_start_next(source=cast.plan, by=cast.companion)
    with pytest.raises(services.WorkflowError, match="already have a plan"):
        services.plan_start_next(source=cast.plan, by=cast.companion)


def test_next_years_plan_needs_an_open_year(cast):
    with pytest.raises(services.WorkflowError, match="not open"):
        services.plan_start_next(source=cast.plan, by=cast.companion)
    assert not WorkPlan.objects.filter(year=2027).exists()


def test_an_activity_with_progress_cannot_be_deleted_from_a_revision(cast):
    activity = ActivityFactory(plan=cast.plan)
    ProgressFactory(activity=activity, month=1)
    with pytest.raises(services.WorkflowError, match="already has monthly progress"):
        services.activity_delete(activity=activity, by=cast.companion)
    assert MonthlyProgress.objects.filter(activity=activity).exists()

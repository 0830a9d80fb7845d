"""A plan reopened for revision keeps its approved version in force: its months are still reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pillars import rules, selectors, services
from pillars.models import Activity, MonthlyProgress, WorkPlan
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_a_reopened_plan_can_still_be_reported_and_a_never_approved_one_cannot(cast, clock):
    plan = PlanFactory(companion=cast.plan.companion, year=2025)
    activity = ActivityFactory(plan=plan, months=(1,))
    assert rules.why_not_reportable(plan, 1)  # a draft: not yet
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    services.plan_reopen(plan=plan, by=cast.coordinator, reason="Program kabupaten baru.")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT and plan.is_in_force
    assert WorkPlan.objects.in_force().filter(pk=plan.pk).exists()
    services.progress_save(
        activity=activity, month=1, values={"status": "done", "quantity": Decimal(1)}, version=0, by=cast.companion
    )
    assert MonthlyProgress.objects.filter(activity=activity, month=1).exists()
    assert not WorkPlan.objects.in_force().filter(pk=cast.plan.pk).exists()


# --- the approved version stays in force until the revision is approved -------------------------------


@pytest.fixture
def reopened(cast, clock):
    """An approved 2025 plan with two activities and January's progress, reopened for a revision."""
    plan = PlanFactory(companion=cast.plan.companion, year=2025)
    meeting = ActivityFactory(plan=plan, title="Rakor", months=(1, 2), target_quantity=Decimal("12"), position=0)
    training = ActivityFactory(plan=plan, title="Pelatihan", months=(3,), target_quantity=Decimal("2"), position=1)
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    services.progress_save(
        activity=meeting, month=1, values={"status": "done", "quantity": Decimal(3)}, version=0, by=cast.companion
    )
    plan = services.plan_reopen(plan=plan, by=cast.coordinator, reason="Program baru.")
    return plan, meeting, training


def copy_of(activity):
    return activity.revisions.get()


def test_reopening_copies_every_approved_activity_into_the_revision(reopened):
    plan, meeting, training = reopened
    assert plan.under_revision
    assert set(plan.activities_in_force()) == {meeting, training}
    copies = list(plan.written_activities())
    assert {c.revises for c in copies} == {meeting, training} and all(c.pending for c in copies)
    assert copy_of(meeting).target_quantity == Decimal("12") and copy_of(meeting).months == (1, 2)


def test_a_revision_changes_nothing_in_force_until_it_is_approved(cast, reopened):
    """Finding 2: a reopened plan showed the unapproved revision's targets and activities everywhere."""
    plan, meeting, _training = reopened
    change = copy_of(meeting)
    change.target_quantity = Decimal("24")
    services.activity_save(activity=change, by=cast.companion, version=change.version)
    added = services.activity_save(
        activity=ActivityFactory.build(plan=plan, pillar=meeting.pillar, title="Baru", months=(2,)), by=cast.companion
    )
    meeting.refresh_from_db()
    assert meeting.target_quantity == Decimal("12")
    assert added.pending and not added.is_in_force
    assert list(plan.activities_in_force().order_by("pk")) == [meeting, _training]
    page = selectors.month_rows(plan, 2)
    assert [row.activity for row in page.scheduled] == [meeting]
    assert page.scheduled[0].figures.target == Decimal("12")


def test_progress_meanwhile_is_recorded_against_the_approved_activity(cast, reopened):
    plan, meeting, _training = reopened
    with pytest.raises(services.WorkflowError, match="revision"):
        services.progress_save(
            activity=copy_of(meeting), month=2, values={"status": "done"}, version=0, by=cast.companion
        )
    services.progress_save(
        activity=meeting, month=2, values={"status": "done", "quantity": Decimal(1)}, version=0, by=cast.companion
    )
    assert MonthlyProgress.objects.filter(activity=meeting).count() == 2


def test_approving_the_revision_writes_it_into_the_approved_activities(cast, reopened):
    plan, meeting, training = reopened
    change = copy_of(meeting)
    change.target_quantity, change.months = Decimal("24"), (1, 2, 3)
    services.activity_save(activity=change, by=cast.companion, version=change.version)
    services.activity_delete(activity=copy_of(training), by=cast.companion, version=copy_of(training).version)
    added = services.activity_save(
        activity=ActivityFactory.build(plan=plan, pillar=meeting.pillar, title="Baru", months=(4,)), by=cast.companion
    )
    version = meeting.version
    services.plan_submit(plan=plan, by=cast.companion)
    plan = services.plan_approve(plan=plan, by=cast.coordinator)
    meeting.refresh_from_db()
    assert (meeting.target_quantity, meeting.months, meeting.version) == (Decimal("24"), (1, 2, 3), version + 1)
    assert not plan.activities.filter(pending=True).exists()
    assert set(plan.activities.all()) == {meeting, added}
    assert MonthlyProgress.objects.get(activity=meeting).quantity == Decimal("3")  # the progress stayed
    snapshot = plan.snapshots.get(revision=1)
    assert sorted(row["id"] for row in snapshot.data["activities"]) == sorted([meeting.pk, added.pk])


def test_a_revision_cannot_remove_an_activity_that_got_progress_meanwhile(cast, reopened):
    plan, _meeting, training = reopened
    services.activity_delete(activity=copy_of(training), by=cast.companion, version=copy_of(training).version)
    services.progress_save(
        activity=training, month=3, values={"status": "ongoing", "quantity": Decimal(1)}, version=0, by=cast.companion
    )
    services.plan_submit(plan=plan, by=cast.companion)
    with pytest.raises(services.WorkflowError, match="Pelatihan"):
        services.plan_approve(plan=plan, by=cast.coordinator)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED and training.pk in set(plan.activities.values_list("pk", flat=True))


def test_a_reviewers_comment_on_a_revised_activity_stays_with_it_after_approval(cast, reopened):
    plan, meeting, _training = reopened
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_return(
        plan=plan, by=cast.coordinator, comment="Perbaiki.", activity_comments={copy_of(meeting).pk: "Target?"}
    )
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    assert [comment.text for comment in meeting.comments.all()] == ["Target?"]


def test_the_edit_page_of_an_approved_activity_opens_its_copy_in_a_revision(cast, reopened):
    from django.urls import reverse

    plan, meeting, _training = reopened
    response = cast.client_for(cast.companion).get(reverse("pillars:activity-edit", args=[plan.pk, meeting.pk]))
    assert response.status_code == 200
    assert response.context["activity"] == copy_of(meeting)


def test_the_history_shows_what_the_revision_changed_not_the_copying(cast, reopened):
    from django.urls import reverse

    plan, meeting, _training = reopened
    change = copy_of(meeting)
    change.target_quantity = Decimal("24")
    services.activity_save(activity=change, by=cast.companion, version=change.version)
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    response = cast.client_for(cast.coordinator).get(reverse("pillars:activity-history", args=[plan.pk, meeting.pk]))
    actions = [(entry.action, entry.record.id) for entry in response.context["entries"] if entry.kind == "activity"]
    assert ("Created", change.pk) not in actions and ("Deleted", change.pk) not in actions
    assert ("Changed", change.pk) in actions and ("Changed", meeting.pk) in actions


def test_revisions_under_way_before_the_upgrade_get_their_approved_version_back(cast, clock):
    """The data migration: a revision edited in place is split into the approved version and its copies."""
    from importlib import import_module

    from django.apps import apps

    plan = PlanFactory(companion=cast.plan.companion, year=2025)
    meeting = ActivityFactory(plan=plan, title="Rakor", months=(1,), target_quantity=Decimal("12"))
    gone = ActivityFactory(plan=plan, title="Dihapus", months=(2,), target_quantity=Decimal("1"))
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    # As the old code left it: reopened, the activities edited in place, one deleted, one added.
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.DRAFT, revision=1)
    Activity.objects.filter(pk=meeting.pk).update(target_quantity=Decimal("24"))
    gone.delete()
    added = ActivityFactory(plan=plan, title="Baru", months=(3,))
    import_module("pillars.migrations.0005_split_revisions_under_way").split(apps, None)
    meeting.refresh_from_db()
    plan.refresh_from_db()
    assert meeting.target_quantity == Decimal("12") and not meeting.pending
    assert copy_of(meeting).target_quantity == Decimal("24")
    assert Activity.objects.get(pk=added.pk).pending
    assert set(plan.activities_in_force().values_list("title", flat=True)) == {"Rakor", "Dihapus"}
    assert set(plan.written_activities().values_list("title", flat=True)) == {"Rakor", "Baru"}

"""The admin keeps the workflow's promises: a save onto an older version is refused, every admin change moves the
version (so a page opened before it gets the conflict), what the workflow has locked is read-only, and nothing ties
a row to another plan, month or owner."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars import services
from pillars.models import Activity, MonthlyProgress, MonthlyReport, WorkPlan
from tests.admin_helpers import change_form_data
from tests.factories import ActivityFactory, ProgressFactory, region
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import activity_titled, entry_data

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:pillars_{obj._meta.model_name}_change", args=[obj.pk])


def admin_saves(cast, obj, **changes):
    """The admin opens ``obj``'s change form and saves it with ``changes``."""
    client = cast.client_for(cast.admin)
    return client.post(change_url(obj), change_form_data(client.get(change_url(obj)), **changes))


def is_read_only(cast, obj, field: str) -> bool:
    page = cast.client_for(cast.admin).get(change_url(obj))
    return page.status_code == 200 and f'name="{field}"' not in page.content.decode()


@pytest.fixture
def entry(plan):
    activity = activity_titled(plan, "Rakor bulanan")
    return ProgressFactory(activity=activity, month=3, description="Rapat", quantity=Decimal("1"))


@pytest.fixture
def acknowledged(cast, plan, entry):
    report = services.report_submit(plan=plan, month=3, by=cast.companion, summary="Maret")
    return services.report_acknowledge(report=report, by=cast.coordinator)


# --- the lost write ------------------------------------------------------------------------------------


def test_a_companions_tab_opened_before_an_admin_correction_gets_the_conflict(cast, plan, entry):
    MonthlyProgress.objects.filter(pk=entry.pk).update(version=2)
    companion = cast.client_for(cast.companion)
    # The companion's tab is open at version 2; the admin corrects the description meanwhile.
    assert admin_saves(cast, entry, description="Rapat koordinasi (dikoreksi admin)").status_code == 302
    entry.refresh_from_db()
    assert entry.version == 3
    stale = entry_data(entry.activity, description="Rapat versi tab lama", version="2")
    response = companion.post(
        reverse("pillars:progress-save", args=[plan.pk, 3, entry.activity.pk]), stale, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.description == "Rapat koordinasi (dikoreksi admin)"


def test_an_admin_form_opened_before_a_companions_save_is_refused(cast, plan, entry):
    client = cast.client_for(cast.admin)
    data = change_form_data(client.get(change_url(entry)), description="Koreksi admin")
    services.progress_save(
        activity=entry.activity, month=3, values={"description": "Tulisan pendamping"}, version=1, by=cast.companion
    )
    response = client.post(change_url(entry), data)
    assert response.status_code == 200
    assert "after you opened it" in str(response.context["adminform"].form.non_field_errors())
    entry.refresh_from_db()
    assert entry.description == "Tulisan pendamping"


def test_an_admin_change_of_a_draft_plan_moves_its_version(cast):
    version = cast.plan.version
    assert admin_saves(cast, cast.plan, priorities="Prioritas dari admin").status_code == 302
    cast.plan.refresh_from_db()
    assert (cast.plan.priorities, cast.plan.version) == ("Prioritas dari admin", version + 1)


def test_an_admin_change_of_an_activity_moves_its_version_and_its_plans(cast):
    activity = ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    plan_version = WorkPlan.objects.get(pk=cast.plan.pk).version
    assert admin_saves(cast, activity, title="Judul dari admin").status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Judul dari admin", 2)
    assert WorkPlan.objects.get(pk=cast.plan.pk).version == plan_version + 1
    # The companion's edit form opened at version 1 is now refused.
    with pytest.raises(services.VersionConflict):
        activity.title = "Judul tab lama"
        services.activity_save(activity=activity, by=cast.companion, version=1)


def test_an_activity_changed_in_the_plans_rows_moves_both_versions(cast):
    activity = ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    plan_version = WorkPlan.objects.get(pk=cast.plan.pk).version
    assert admin_saves(cast, cast.plan, **{"activities-0-title": "Diubah di baris"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Diubah di baris", 2)
    assert WorkPlan.objects.get(pk=cast.plan.pk).version == plan_version + 1


def test_an_open_reports_admin_change_moves_its_version(cast, plan):
    report = MonthlyReport.objects.create(plan=plan, month=4, summary="Awal")
    assert admin_saves(cast, report, summary="Ringkasan dari admin").status_code == 302
    report.refresh_from_db()
    assert (report.summary, report.version) == ("Ringkasan dari admin", 2)


def test_saving_an_unchanged_form_leaves_the_version(cast, plan, entry):
    assert admin_saves(cast, entry).status_code == 302
    entry.refresh_from_db()
    assert entry.version == 1


# --- what the workflow has locked ------------------------------------------------------------------------


def test_an_approved_plan_is_read_only_in_the_admin(cast, plan):
    assert is_read_only(cast, plan, "priorities")
    assert is_read_only(cast, plan, "villages")
    response = cast.client_for(cast.admin).post(change_url(plan), {"priorities": "Diubah"})
    assert response.status_code == 403
    assert WorkPlan.objects.get(pk=plan.pk).priorities == plan.priorities


def test_a_submitted_plan_is_read_only_in_the_admin(cast):
    ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    assert is_read_only(cast, cast.plan, "priorities")


def test_an_entry_of_an_acknowledged_month_is_read_only_in_the_admin(cast, entry, acknowledged):
    assert is_read_only(cast, entry, "description")
    response = cast.client_for(cast.admin).post(change_url(entry), {"description": "Diubah"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.description, entry.version) == ("Rapat", 1)


def test_an_entry_of_a_locked_month_cannot_be_changed_in_the_activitys_rows(cast, plan, entry, acknowledged):
    activity = entry.activity
    # The activity page of an approved plan is read-only, progress rows with it.
    assert is_read_only(cast, activity, "progress-0-description")


def test_an_acknowledged_report_is_read_only_in_the_admin(cast, acknowledged):
    for field in ("summary", "plan", "month", "coordinator_note"):
        assert is_read_only(cast, acknowledged, field)
    response = cast.client_for(cast.admin).post(change_url(acknowledged), {"summary": "Diubah", "month": "4"})
    assert response.status_code == 403
    acknowledged.refresh_from_db()
    assert (acknowledged.summary, acknowledged.month) == ("Maret", 3)


def test_a_submitted_reports_files_cannot_be_deleted_in_the_admin(cast, entry, acknowledged):
    page = cast.client_for(cast.admin).get(change_url(entry)).content.decode()
    assert "evidence-0-DELETE" not in page


def test_a_locked_row_cannot_be_deleted_in_the_admin(cast, entry, acknowledged):
    for obj in (entry, acknowledged):
        delete = reverse(f"admin:pillars_{obj._meta.model_name}_delete", args=[obj.pk])
        assert cast.client_for(cast.admin).post(delete, {"post": "yes"}).status_code == 403
    assert MonthlyProgress.objects.filter(pk=entry.pk).exists()


def test_a_month_locked_after_the_admin_opened_the_entry_refuses_the_save(cast, plan, entry):
    client = cast.client_for(cast.admin)
    data = change_form_data(client.get(change_url(entry)), description="Koreksi admin")
    services.report_submit(plan=plan, month=3, by=cast.companion)
    assert client.post(change_url(entry), data).status_code == 403
    entry.refresh_from_db()
    assert entry.description == "Rapat"


# --- a plan under revision ----------------------------------------------------------------------------------


@pytest.fixture
def reopened(cast, plan):
    return services.plan_reopen(plan=plan, by=cast.coordinator, reason="Tambah kegiatan")


def test_the_approved_activities_of_a_plan_under_revision_stay_read_only(cast, reopened):
    approved = reopened.activities.get(pending=False, title="Rakor bulanan")
    assert is_read_only(cast, approved, "title")
    copy = reopened.activities.get(pending=True, revises=approved)
    assert admin_saves(cast, copy, title="Rakor bulanan (revisi)").status_code == 302
    approved.refresh_from_db()
    assert approved.title == "Rakor bulanan"


def test_the_plans_rows_show_the_revisions_copies_and_an_added_row_joins_the_revision(cast, reopened):
    client = cast.client_for(cast.admin)
    page = client.get(change_url(reopened))
    rows = page.context["inline_admin_formsets"][0].formset.queryset
    assert all(activity.pending for activity in rows) and len(rows) == 2
    data = change_form_data(
        page,
        **{
            "activities-TOTAL_FORMS": "3",
            "activities-2-pillar": str(rows[0].pillar_id),
            "activities-2-title": "Kegiatan baru dari admin",
            "activities-2-target_group": Activity.TargetGroup.COMMUNITY,
            "activities-2-target_quantity": "1",
            "activities-2-position": "9",
        },
    )
    assert client.post(change_url(reopened), data).status_code == 302
    added = Activity.objects.get(title="Kegiatan baru dari admin")
    assert added.pending and added.revises is None
    assert not added.is_in_force


def test_an_activitys_plan_cannot_be_changed_in_the_admin(cast, reopened):
    copy = reopened.activities.filter(pending=True).first()
    assert is_read_only(cast, copy, "plan")
    assert admin_saves(cast, copy, plan=str(cast.other_plan.pk)).status_code == 302
    copy.refresh_from_db()
    assert copy.plan_id == reopened.pk and copy.pending


def test_a_plans_companion_and_year_cannot_be_changed_in_the_admin(cast):
    assert is_read_only(cast, cast.plan, "companion")
    assert is_read_only(cast, cast.plan, "year")


def test_an_entrys_activity_and_month_cannot_be_changed_in_the_admin(cast, entry):
    for field in ("activity", "month", "updated_by"):
        assert is_read_only(cast, entry, field)
    assert admin_saves(cast, entry, month="5", description="Koreksi").status_code == 302
    entry.refresh_from_db()
    assert (entry.month, entry.description) == (3, "Koreksi")


def test_reports_entries_and_lone_activities_are_not_added_in_the_admin(cast):
    client = cast.client_for(cast.admin)
    for model in ("monthlyreport", "monthlyprogress", "activity"):
        assert client.get(reverse(f"admin:pillars_{model}_add")).status_code == 403


def test_an_old_version_can_be_read_in_the_admin_but_not_restored(cast, plan):
    record = plan.history.order_by("history_id").first()
    url = reverse("admin:pillars_workplan_simple_history", args=[plan.pk, record.history_id])
    client = cast.client_for(cast.admin)
    assert client.get(url).status_code == 200
    assert client.post(url, {"priorities": "Versi lama"}).status_code == 403
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.APPROVED


def test_locked_rows_cannot_be_deleted_in_bulk_from_the_list(cast, acknowledged):
    listing = reverse("admin:pillars_monthlyreport_changelist")
    response = cast.client_for(cast.admin).post(
        listing, {"action": "delete_selected", "_selected_action": [acknowledged.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert MonthlyReport.objects.filter(pk=acknowledged.pk).exists()


def test_an_admin_save_that_does_not_say_its_version_is_refused(cast, plan, entry):
    client = cast.client_for(cast.admin)
    data = change_form_data(client.get(change_url(entry)), description="Tanpa versi")
    del data["opened_version"]
    assert client.post(change_url(entry), data).status_code == 200
    entry.refresh_from_db()
    assert (entry.description, entry.version) == ("Rapat", 1)

"""History: every change of a plan, its activities, progress and reports, with who, when, before and after."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from pillars import services
from pillars.models import Activity, MonthlyReport, Pillar, WorkPlan
from reports.workbook import COLUMN_INDEX, KEY_COLUMN
from tests.factories import ActivityFactory, ProgressFactory
from tests.reports.exports_helpers import workbook

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"pillars:{name}", args=args)


def edit_data(activity: Activity, **overrides) -> dict:
    data = {
        "pillar": activity.pillar.code,
        "village": activity.village_id or "",
        "title": activity.title,
        "target_group": activity.target_group,
        "target_quantity": str(activity.target_quantity),
        "unit": activity.unit,
        "months": [str(m) for m in activity.months],
        "version": str(activity.version),
    }
    data.update(overrides)
    return data


def name_of(user) -> str:
    return escape(user.get_full_name() or user.get_username())


def page_text(client, plan, *args, name="plan-history") -> str:
    response = client.get(url(name, plan.pk, *args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def activity(cast):
    return ActivityFactory(plan=cast.plan, title="Musdes perencanaan", target_quantity=Decimal("4"), months=(1, 4))


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan-history", "activity-history"])
def test_it_redirects_anonymous_to_login(cast, activity, name):
    args = [cast.plan.pk] + ([activity.pk] if name == "activity-history" else [])
    response = cast.client_for(None).get(url(name, *args))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
@pytest.mark.parametrize("name", ["plan-history", "activity-history"])
def test_it_answers_404_outside_the_scope(cast, activity, who, name):
    args = [cast.plan.pk] + ([activity.pk] if name == "activity-history" else [])
    assert cast.client_for(getattr(cast, who)).get(url(name, *args)).status_code == 404


@pytest.mark.parametrize("name", ["plan-history", "activity-history"])
def test_it_rejects_post(cast, activity, name):
    args = [cast.plan.pk] + ([activity.pk] if name == "activity-history" else [])
    assert cast.client_for(cast.companion).post(url(name, *args)).status_code == 405


@pytest.mark.parametrize("who", ["companion", "coordinator", "admin"])
def test_everyone_who_sees_the_plan_sees_its_history(cast, activity, who):
    client = cast.client_for(getattr(cast, who))
    assert "Musdes perencanaan" in page_text(client, cast.plan)
    assert "Musdes perencanaan" in page_text(client, cast.plan, activity.pk, name="activity-history")


def test_an_activity_of_another_plan_is_404_on_this_plans_history(cast):
    other = ActivityFactory(plan=cast.other_plan)
    response = cast.client_for(cast.coordinator).get(url("activity-history", cast.plan.pk, other.pk))
    assert response.status_code == 404


def test_the_plan_page_links_to_both_histories(cast, activity):
    content = cast.client_for(cast.coordinator).get(url("plan-detail", cast.plan.pk)).content.decode()
    assert url("plan-history", cast.plan.pk) in content
    assert url("activity-history", cast.plan.pk, activity.pk) in content


# --- what is recorded ------------------------------------------------------------------------------


def test_a_change_through_the_page_shows_who_and_before_and_after(cast, activity):
    companion = cast.client_for(cast.companion)
    response = companion.post(
        url("activity-edit", cast.plan.pk, activity.pk),
        edit_data(activity, title="Musdes RKP", target_group=Activity.TargetGroup.BPD, months=["1", "4", "9"]),
    )
    assert response.status_code == 302
    record = Activity.history.filter(id=activity.pk).first()
    assert record.history_type == "~" and record.history_user == cast.companion

    content = page_text(cast.client_for(cast.coordinator), cast.plan, activity.pk, name="activity-history")
    assert "Changed" in content and name_of(cast.companion) in content
    assert "Musdes perencanaan" in content and "Musdes RKP" in content
    # Human labels: the verbose name, the choice label and month names, not raw values.
    assert "Target group" in content and "BPD (village council)" in content
    assert "Scheduled months" in content and "January, April, September" in content


def test_a_change_through_the_admin_shows_the_admin(cast):
    report = MonthlyReport.objects.create(plan=cast.plan, month=3, summary="Ringkasan awal")
    admin = cast.client_for(cast.admin)
    change = reverse("admin:pillars_monthlyreport_change", args=[report.pk])
    form = admin.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["coordinator_note"] = "Catatan dari admin"
    response = admin.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    content = page_text(cast.client_for(cast.coordinator), cast.plan)
    assert "Monthly report, March" in content and name_of(cast.admin) in content
    assert "Coordinator&#x27;s note" in content and "Catatan dari admin" in content
    record = MonthlyReport.history.filter(id=report.pk).first()
    assert record.history_user == cast.admin and record.coordinator_note == "Catatan dari admin"


def _workbook_file(client, plan, change) -> SimpleUploadedFile:
    book = workbook(client.get(reverse("reports:plan-xlsx", args=[plan.pk])).content)
    change(book["RKT"])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("rkt.xlsx", out.getvalue(), content_type="application/octet-stream")


def test_a_change_through_the_workbook_upload_shows_before_and_after(cast, activity):
    removed = ActivityFactory(plan=cast.plan, title="Dihapus lewat workbook", pillar=activity.pillar)
    companion = cast.client_for(cast.companion)

    def change(ws):
        for row in range(1, ws.max_row + 1):
            key = ws.cell(row, KEY_COLUMN).value
            if key == str(activity.pk):
                ws.cell(row, COLUMN_INDEX["target_quantity"]).value = 12
            if key == str(removed.pk):
                ws.delete_rows(row)
                break

    assert (
        companion.post(
            reverse("reports:plan-upload", args=[cast.plan.pk]), {"file": _workbook_file(companion, cast.plan, change)}
        ).status_code
        == 200
    )
    fingerprint = companion.session[f"rkt-upload-{cast.plan.pk}"]["fingerprint"]
    assert (
        companion.post(
            reverse("reports:plan-upload-confirm", args=[cast.plan.pk]), {"fingerprint": fingerprint}
        ).status_code
        == 302
    )

    assert Activity.history.filter(id=activity.pk).first().history_user == cast.companion
    deleted = Activity.history.filter(id=removed.pk).first()
    assert deleted.history_type == "-" and deleted.history_user == cast.companion
    content = page_text(cast.client_for(cast.coordinator), cast.plan)
    assert "Target quantity" in content and '<del class="history-before">4</del>' in content
    assert '<ins class="history-after">12</ins>' in content
    # The deleted activity keeps its history, on the plan's page and its own.
    assert "Deleted" in content and "Dihapus lewat workbook" in content
    own = page_text(cast.client_for(cast.coordinator), cast.plan, removed.pk, name="activity-history")
    assert "This activity was deleted." in own


def test_the_plan_narrative_and_transitions_are_recorded_with_their_user(cast, activity):
    services.plan_update_narrative(plan=cast.plan, by=cast.companion, priorities="Stunting dulu", data_basis="")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Perbaiki target")
    records = list(WorkPlan.history.filter(id=cast.plan.pk).order_by("history_id"))
    assert [(r.status, r.history_user) for r in records[-3:]] == [
        ("draft", cast.companion),
        ("submitted", cast.companion),
        ("returned", cast.coordinator),
    ]
    content = page_text(cast.client_for(cast.companion), cast.plan)
    assert "Stunting dulu" in content and "Submitted" in content and "Returned" in content
    assert name_of(cast.coordinator) in content


def test_an_activity_edit_leaves_no_empty_plan_row(cast, activity):
    before = WorkPlan.history.filter(id=cast.plan.pk).count()
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion)
    assert WorkPlan.history.filter(id=cast.plan.pk).count() == before


def test_moving_an_activity_records_the_new_positions(cast):
    pillar = Pillar.objects.order_by("order").first()
    first, second = ActivityFactory(plan=cast.plan, pillar=pillar), ActivityFactory(plan=cast.plan, pillar=pillar)
    services.activity_move(activity=second, by=cast.companion, offset=-1)
    latest = {a.pk: Activity.history.filter(id=a.pk).first() for a in (first, second)}
    assert [latest[a.pk].history_type for a in (first, second)] == ["~", "~"]
    assert latest[second.pk].position < latest[first.pk].position
    assert latest[second.pk].history_user == cast.companion


def test_a_next_years_copy_records_each_activity(cast, activity):
    from pillars.models import PlanYear

    PlanYear.objects.create(year=2027)
    plan = services.plan_start_next(source=cast.plan, by=cast.companion)
    copy = plan.activities.get()
    record = Activity.history.get(id=copy.pk)
    assert record.history_type == "+" and record.history_user == cast.companion


def test_progress_entries_are_on_the_plan_and_activity_history(cast, activity):
    ProgressFactory(activity=activity, month=4, quantity=Decimal("2"), description="Rapat pertama")
    client = cast.client_for(cast.coordinator)
    for content in (page_text(client, cast.plan), page_text(client, cast.plan, activity.pk, name="activity-history")):
        assert "Progress of “Musdes perencanaan”, April" in content and "Rapat pertama" in content


# --- the page itself -------------------------------------------------------------------------------


def _changes(plan, count: int) -> None:
    activities = [ActivityFactory(plan=plan) for _ in range(count)]
    for activity in activities:
        ProgressFactory(activity=activity, month=2)
    MonthlyReport.objects.create(plan=plan, month=2)
    plan.priorities = "Prioritas"
    plan.save()


@pytest.mark.parametrize("count", [5, 50])
def test_the_history_page_costs_the_same_queries_for_5_and_50_changes(cast, count, django_assert_num_queries):
    _changes(cast.plan, count)
    client = cast.client_for(cast.coordinator)
    client.get(url("plan-history", cast.plan.pk))  # warm the content types
    # 13 for the page, and the bell's count of unread notifications in the top bar.
    with django_assert_num_queries(14):
        response = client.get(url("plan-history", cast.plan.pk))
    assert response.status_code == 200


def test_the_history_is_newest_first_and_paginated(cast):
    _changes(cast.plan, 20)
    client = cast.client_for(cast.coordinator)
    first = client.get(url("plan-history", cast.plan.pk))
    entries = first.context["entries"]
    assert len(entries) == settings.RKT_PAGE_SIZE and first.context["page"].paginator.num_pages == 2
    assert entries[0].kind == "plan"  # the last save
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    assert client.get(url("plan-history", cast.plan.pk), {"page": 2}).status_code == 200


def test_an_activity_without_recorded_history_still_has_a_history_page(cast):
    activity = ActivityFactory(plan=cast.plan, title="Tanpa riwayat")
    Activity.history.filter(id=activity.pk).delete()
    content = page_text(cast.client_for(cast.coordinator), cast.plan, activity.pk, name="activity-history")
    assert "Tanpa riwayat" in content and "No change recorded yet." in content


def test_a_progress_entry_saved_twice_through_the_page_shows_before_and_after(cast, clock):
    from pillars.models import MonthlyProgress
    from tests.pillars.progress_fixtures import approve, entry_data

    plan = approve(cast.plan)
    rakor = ActivityFactory(plan=plan, title="Rakor bulanan", months=(3,), target_quantity=Decimal("4"))
    save = reverse("pillars:progress-save", args=[plan.pk, 3, rakor.pk])
    companion = cast.client_for(cast.companion)
    assert companion.post(save, entry_data(rakor, quantity="1", description="Rapat pertama")).status_code == 302
    assert companion.post(save, entry_data(rakor, quantity="3", version="1")).status_code == 302

    records = list(MonthlyProgress.history.order_by("history_id"))
    assert [(r.history_type, r.history_user) for r in records] == [("+", cast.companion), ("~", cast.companion)]
    content = page_text(cast.client_for(cast.coordinator), plan, rakor.pk, name="activity-history")
    assert "Progress of “Rakor bulanan”, March" in content
    assert "Quantity achieved" in content
    assert '<del class="history-before">1</del>' in content and '<ins class="history-after">3</ins>' in content

"""Submitting a month's report, and the coordinator's queue and decisions on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pillars import rules, services
from pillars.models import MonthlyProgress, MonthlyReport, WorkflowEvent, WorkPlan
from pillars.services import WorkflowError
from tests.clock import local
from tests.factories import ActivityFactory, CompanionFactory, PlanFactory, ProgressFactory, UserFactory, region
from tests.pillars import progress_fixtures
from tests.pillars.back_at_page import followed_back, summary_of
from tests.pillars.progress_fixtures import YEAR, activity_titled, approve, entry_data, queries_of

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


def report_url(plan, month=3):
    return reverse("pillars:month-report", args=[plan.pk, month])


def submit(client, plan, month=3, **data):
    """Submit, confirming any warning (Rakor bulanan is scheduled in March with no entry)."""
    return client.post(report_url(plan, month), {"summary": "", "next_month_plan": "", "confirm": "on", **data})


# --- the submit page ------------------------------------------------------------------------


def test_the_submit_page_shows_entries_unreported_activities_and_next_month(cast, plan):
    training = activity_titled(plan, "Pelatihan BPD")
    ProgressFactory(activity=training, month=3, description="Pelatihan dimajukan")
    response = cast.client_for(cast.companion).get(report_url(plan))
    assert response.status_code == 200
    assert [row.activity.title for row in response.context["page"].entries] == ["Pelatihan BPD"]
    assert [a.title for a in response.context["page"].unreported] == ["Rakor bulanan"]
    assert [a.title for a in response.context["next_activities"]] == ["Rakor bulanan"]  # scheduled in April
    body = response.content.decode()
    assert "scheduled activity has no entry this month" in body
    assert "Pelatihan dimajukan" in body


def test_december_says_the_next_month_is_in_next_years_plan(cast, plan):
    response = cast.client_for(cast.companion).get(report_url(plan, 12))
    assert response.context["next_activities"] == []
    assert "next year" in response.content.decode()


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_people_outside_the_plan_get_404_on_the_report_page(cast, plan, who):
    assert cast.client_for(getattr(cast, who)).get(report_url(plan)).status_code == 404
    assert submit(cast.client_for(getattr(cast, who)), plan).status_code == 404


def test_the_report_page_sends_anonymous_visitors_to_login(cast, plan):
    assert cast.client_for(None).get(report_url(plan)).status_code == 302


def test_the_report_page_rejects_put(cast, plan):
    assert cast.client_for(cast.companion).put(report_url(plan)).status_code == 405


# --- submitting -------------------------------------------------------------------------------


def test_submitting_locks_the_month_and_logs_the_event(cast, plan):
    response = submit(cast.client_for(cast.companion), plan, summary="Bulan yang sibuk")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(plan=plan, month=3)
    assert report.status == MonthlyReport.Status.SUBMITTED
    assert report.summary == "Bulan yang sibuk"
    assert report.submitted_at is not None
    event = WorkflowEvent.objects.get(report=report)
    assert (event.from_status, event.to_status, event.actor) == ("draft", "submitted", cast.companion)


def test_a_submitted_month_cannot_be_submitted_again(cast, plan):
    client = cast.client_for(cast.companion)
    submit(client, plan)
    response = submit(client, plan)
    assert response.status_code == 403
    assert WorkflowEvent.objects.filter(report__isnull=False).count() == 1


def test_after_submission_a_new_entry_is_refused(cast, plan):
    client = cast.client_for(cast.companion)
    submit(client, plan)
    rakor = activity_titled(plan, "Rakor bulanan")
    url = reverse("pillars:progress-save", args=[plan.pk, 3, rakor.pk])
    assert client.post(url, entry_data(rakor)).status_code == 403
    assert not MonthlyProgress.objects.exists()


def test_a_future_month_cannot_be_submitted(cast, clock):
    future = approve(cast.plan, year=YEAR + 2)
    response = submit(cast.client_for(cast.companion), future, 1)
    assert response.status_code == 403
    assert not MonthlyReport.objects.exists()


def test_the_current_month_can_be_submitted(cast, clock):
    clock.set("2026-06-15 10:00")
    current = approve(cast.plan, year=2026)
    assert submit(cast.client_for(cast.companion), current, 6).status_code == 302


def test_an_unapproved_plan_cannot_be_reported(cast, plan):
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.SUBMITTED)
    response = submit(cast.client_for(cast.companion), plan)
    assert response.status_code == 403
    assert "not approved" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_coordinator_cannot_submit_for_the_companion(cast, plan):
    assert submit(cast.client_for(cast.coordinator), plan).status_code == 403
    assert not MonthlyReport.objects.exists()


# --- warnings before submitting -------------------------------------------------------------


def test_a_month_with_an_unreported_activity_asks_to_confirm(cast, plan):
    response = cast.client_for(cast.companion).get(report_url(plan))
    assert response.context["form"].warnings == ["1 scheduled activity has no entry: “Rakor bulanan”."]
    assert 'name="confirm"' in response.content.decode()


def test_submitting_without_confirming_the_warning_is_refused_and_keeps_the_text(cast, plan):
    response = cast.client_for(cast.companion).post(report_url(plan), {"summary": "Bulan sibuk", "next_month_plan": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Tick “I know; submit anyway”" in summary_of(body)
    assert 'href="#id_confirm"' in summary_of(body)
    assert "Bulan sibuk" in body
    assert not MonthlyReport.objects.exists()


def test_submitting_with_the_warning_confirmed_goes_through(cast, plan):
    assert submit(cast.client_for(cast.companion), plan).status_code == 302
    assert MonthlyReport.objects.get(plan=plan, month=3).status == MonthlyReport.Status.SUBMITTED


def test_a_month_over_and_fully_reported_submits_without_a_question(cast, plan):
    ProgressFactory(activity=activity_titled(plan, "Rakor bulanan"), month=3)
    response = cast.client_for(cast.companion).get(report_url(plan))
    assert response.context["form"].warnings == []
    assert 'name="confirm"' not in response.content.decode()
    client = cast.client_for(cast.companion)
    assert client.post(report_url(plan), {"summary": "", "next_month_plan": ""}).status_code == 302


def test_the_current_month_is_not_over_and_asks_to_confirm(cast, clock):
    clock.set("2026-06-01 08:00")
    current = approve(cast.plan, year=2026)
    client = cast.client_for(cast.companion)
    response = client.post(report_url(current, 6), {"summary": "", "next_month_plan": ""})
    assert response.status_code == 422
    assert "The month is not over yet: it ends on 30 June 2026." in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_the_warning_rule_on_both_sides(cast, clock):
    plan = approve(cast.plan, year=2026)
    rakor = ActivityFactory(plan=plan, title="Rakor", months=(6,))
    over, current = local(2026, 7, 1).date(), local(2026, 6, 30).date()
    assert rules.submit_warnings(plan, 6, [], today=over) == []
    assert len(rules.submit_warnings(plan, 6, [], today=current)) == 1
    assert len(rules.submit_warnings(plan, 6, [rakor], today=over)) == 1
    assert len(rules.submit_warnings(plan, 6, [rakor], today=current)) == 2


def test_mark_as_postponed_shows_no_required_mark(cast, plan):
    body = cast.client_for(cast.companion).get(report_url(plan)).content.decode()
    label = body[body.index('id="div_id_activities"') :][:400]
    assert "Mark as postponed" in label
    assert "asteriskField" not in label


def test_postponing_nothing_says_to_choose_one(cast, plan):
    url = reverse("pillars:month-postpone", args=[plan.pk, 3])
    client = cast.client_for(cast.companion)
    body = followed_back(client, client.post(url, {}), report_url(plan))
    assert "Choose at least one activity." in summary_of(body)
    assert not MonthlyProgress.objects.exists()


# --- postponing the unreported -------------------------------------------------------------


def test_unreported_scheduled_activities_can_be_marked_postponed(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    url = reverse("pillars:month-postpone", args=[plan.pk, 3])
    response = cast.client_for(cast.companion).post(url, {"activities": [rakor.pk]})
    assert response.status_code == 302
    entry = MonthlyProgress.objects.get(activity=rakor, month=3)
    assert (entry.status, entry.quantity) == ("postponed", 0)


def test_postponing_refuses_an_activity_that_is_not_unreported(cast, plan):
    training = activity_titled(plan, "Pelatihan BPD")  # not scheduled in March
    url = reverse("pillars:month-postpone", args=[plan.pk, 3])
    client = cast.client_for(cast.companion)
    body = followed_back(client, client.post(url, {"activities": [training.pk]}), report_url(plan))
    assert 'href="#id_activities_0"' in summary_of(body)
    assert not MonthlyProgress.objects.exists()


def test_postponing_in_a_locked_month_is_refused(cast, plan):
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.ACKNOWLEDGED)
    rakor = activity_titled(plan, "Rakor bulanan")
    url = reverse("pillars:month-postpone", args=[plan.pk, 3])
    response = cast.client_for(cast.companion).post(url, {"activities": [rakor.pk]}, follow=True)
    assert response.redirect_chain == [(report_url(plan), 302)]
    assert "locked" in response.content.decode()
    assert not MonthlyProgress.objects.exists()


def test_postponing_rejects_get(cast, plan):
    assert cast.client_for(cast.companion).get(reverse("pillars:month-postpone", args=[plan.pk, 3])).status_code == 405


# --- the coordinator's queue ---------------------------------------------------------------


@pytest.fixture
def submitted(cast, plan):
    return services.report_submit(plan=plan, month=3, by=cast.companion)


def test_the_queue_lists_waiting_reports_in_scope_oldest_first(cast, plan, submitted):
    older = services.report_submit(plan=plan, month=2, by=cast.companion)
    MonthlyReport.objects.filter(pk=older.pk).update(submitted_at=local(2026, 1, 1, 9))
    response = cast.client_for(cast.coordinator).get(reverse("pillars:report-queue"))
    assert response.status_code == 200
    assert [r.month for r in response.context["page"].object_list] == [2, 3]


def test_the_queue_of_a_coordinator_out_of_scope_is_empty(cast, submitted):
    response = cast.client_for(cast.outsider).get(reverse("pillars:report-queue"))
    assert list(response.context["page"].object_list) == []


def test_the_queue_leaves_out_acknowledged_reports(cast, submitted):
    services.report_acknowledge(report=submitted, by=cast.coordinator)
    response = cast.client_for(cast.coordinator).get(reverse("pillars:report-queue"))
    assert list(response.context["page"].object_list) == []


def test_the_queue_sends_anonymous_visitors_to_login_and_rejects_post(cast):
    assert cast.client_for(None).get(reverse("pillars:report-queue")).status_code == 302
    assert cast.client_for(cast.coordinator).post(reverse("pillars:report-queue")).status_code == 405


def test_the_queue_runs_the_same_number_of_queries_for_5_and_50_reports(cast, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)
    url = reverse("pillars:report-queue")

    def grow_to(count):
        for n in range(MonthlyReport.objects.count(), count):
            companion = CompanionFactory(user=UserFactory(username=f"q{n}"), villages=[region("34.03.01.2001")])
            waiting = approve(PlanFactory(companion=companion))
            MonthlyReport.objects.create(plan=waiting, month=1, status="submitted", submitted_at=local(YEAR, 2, 3, 9))

    grow_to(5)
    client.get(url)
    small = queries_of(lambda: client.get(url))
    grow_to(50)
    with django_assert_num_queries(small):
        client.get(url)


# --- acknowledge, return, reopen ---------------------------------------------------------------


def decide(client, report, action, follow=False, **data):
    return client.post(reverse(f"pillars:report-{action}", args=[report.pk]), data, follow=follow)


def test_the_coordinator_acknowledges_a_report(cast, submitted):
    response = decide(cast.client_for(cast.coordinator), submitted, "acknowledge", comment="Baik")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == ("acknowledged", cast.coordinator)
    assert submitted.events.first().to_status == "acknowledged"


def test_the_coordinator_returns_a_report_with_a_note(cast, plan, submitted):
    client = cast.client_for(cast.coordinator)
    response = decide(client, submitted, "return", note="Lengkapi foto kegiatan")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.coordinator_note) == ("returned", "Lengkapi foto kegiatan")
    assert submitted.events.first().comment == "Lengkapi foto kegiatan"
    # The companion sees the note and may edit again.
    page = cast.client_for(cast.companion).get(reverse("pillars:plan-month", args=[plan.pk, 3]))
    assert "Lengkapi foto kegiatan" in page.content.decode()
    assert page.context["access"].can_edit


def test_returning_without_a_note_is_refused_next_to_the_field(cast, submitted):
    client = cast.client_for(cast.coordinator)
    page = reverse("pillars:report-detail", args=[submitted.pk])
    body = followed_back(client, decide(client, submitted, "return", note="   "), page)
    assert "note is required" in summary_of(body)
    assert 'href="#id_note"' in summary_of(body)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_returned_report_is_resubmitted_and_keeps_its_first_submission_time(cast, plan, submitted):
    first = submitted.submitted_at
    services.report_return(report=submitted, by=cast.coordinator, note="Perbaiki")
    assert submit(cast.client_for(cast.companion), plan).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.submitted_at) == ("submitted", first)


def test_the_coordinator_reopens_an_acknowledged_month_with_a_reason(cast, plan, submitted):
    services.report_acknowledge(report=submitted, by=cast.coordinator)
    response = decide(cast.client_for(cast.coordinator), submitted, "reopen", reason="Salah angka")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "draft"
    assert submitted.events.first().comment == "Salah angka"
    rakor = activity_titled(plan, "Rakor bulanan")
    url = reverse("pillars:progress-save", args=[plan.pk, 3, rakor.pk])
    assert cast.client_for(cast.companion).post(url, entry_data(rakor)).status_code == 302


def test_reopening_needs_a_reason(cast, submitted):
    services.report_acknowledge(report=submitted, by=cast.coordinator)
    client = cast.client_for(cast.coordinator)
    page = reverse("pillars:report-detail", args=[submitted.pk])
    body = followed_back(client, decide(client, submitted, "reopen", reason=""), page)
    assert "reason is required" in summary_of(body)
    submitted.refresh_from_db()
    assert submitted.status == "acknowledged"


def test_only_an_acknowledged_report_can_be_reopened(cast, submitted):
    response = decide(cast.client_for(cast.coordinator), submitted, "reopen", reason="Coba", follow=True)
    assert response.redirect_chain == [(reverse("pillars:report-detail", args=[submitted.pk]), 302)]
    assert 'role="alert"' in response.content.decode()  # the refusal, said on the report's page
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_an_acknowledged_report_cannot_be_returned(cast, submitted):
    services.report_acknowledge(report=submitted, by=cast.coordinator)
    with pytest.raises(WorkflowError):
        services.report_return(report=submitted, by=cast.coordinator, note="Terlambat")


@pytest.mark.parametrize("action", ["acknowledge", "return", "reopen"])
def test_an_out_of_scope_coordinator_gets_404_on_decisions(cast, submitted, action):
    response = decide(cast.client_for(cast.outsider), submitted, action, note="x", reason="x")
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize("action", ["acknowledge", "return"])
def test_the_companion_cannot_decide_on_their_own_report(cast, submitted, action):
    response = decide(cast.client_for(cast.companion), submitted, action, note="x")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_another_companion_gets_404_on_a_report(cast, submitted):
    assert (
        cast.client_for(cast.other_companion).get(reverse("pillars:report-detail", args=[submitted.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("action", ["acknowledge", "return", "reopen"])
def test_decisions_reject_get(cast, submitted, action):
    response = cast.client_for(cast.coordinator).get(reverse(f"pillars:report-{action}", args=[submitted.pk]))
    assert response.status_code == 405


def test_decisions_send_anonymous_visitors_to_login(cast, submitted):
    assert decide(cast.client_for(None), submitted, "acknowledge").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_report_detail_runs_the_same_number_of_queries_for_5_and_50_activities(
    cast, plan, submitted, django_assert_num_queries
):
    client = cast.client_for(cast.coordinator)
    url = reverse("pillars:report-detail", args=[submitted.pk])

    def grow_to(count):
        for _ in range(plan.activities.count(), count):
            ProgressFactory(activity=ActivityFactory(plan=plan, months=(3,)), month=3)

    grow_to(5)
    client.get(url)
    small = queries_of(lambda: client.get(url))
    grow_to(50)
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_companion_sees_their_own_report_without_decision_forms(cast, submitted):
    response = cast.client_for(cast.companion).get(reverse("pillars:report-detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert reverse("pillars:report-acknowledge", args=[submitted.pk]) not in response.content.decode()


def test_the_coordinator_sees_the_decision_forms(cast, submitted):
    response = cast.client_for(cast.coordinator).get(reverse("pillars:report-detail", args=[submitted.pk]))
    body = response.content.decode()
    assert reverse("pillars:report-acknowledge", args=[submitted.pk]) in body
    assert reverse("pillars:report-return", args=[submitted.pk]) in body


def test_the_report_detail_sends_anonymous_visitors_to_login_and_rejects_post(cast, submitted):
    url = reverse("pillars:report-detail", args=[submitted.pk])
    assert cast.client_for(None).get(url).status_code == 302
    assert cast.client_for(cast.coordinator).post(url).status_code == 405


def test_a_late_report_is_marked_late_on_its_page(cast, plan, submitted):
    MonthlyReport.objects.filter(pk=submitted.pk).update(submitted_at=rules.report_deadline(plan.year, 3))
    response = cast.client_for(cast.coordinator).get(reverse("pillars:report-detail", args=[submitted.pk]))
    assert response.context["late"] is True

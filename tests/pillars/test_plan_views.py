"""Every plan page: anonymous, outsider, wrong method, the allowed case and the refused ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pillars import services
from pillars.models import Activity, WorkPlan
from pillars.rules import narrative_digest
from tests.factories import ActivityFactory, PlanFactory, open_year, region
from tests.pillars.back_at_page import followed_back, summary_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read the English source strings, whatever the catalogues hold.
    settings.LANGUAGE_CODE = "en"


# (url name, needs an activity, allowed methods)
PLAN_VIEWS = [
    ("plan-detail", False, "GET"),
    ("plan-edit", False, "GET POST"),
    ("plan-start-next", False, "POST"),
    ("plan-submit", False, "POST"),
    ("plan-approve", False, "POST"),
    ("plan-return", False, "POST"),
    ("plan-reopen", False, "POST"),
    ("activity-add", False, "GET POST"),
    ("activity-edit", True, "GET POST"),
    ("activity-delete", True, "POST"),
    ("activity-move", True, "POST"),
]


def plan_url(name: str, plan, activity=None) -> str:
    args = [plan.pk] if activity is None else [plan.pk, activity.pk]
    return reverse(f"pillars:{name}", args=args)


def submitted(plan, user):
    ActivityFactory(plan=plan)
    return services.plan_submit(plan=plan, by=user)


def approved(cast):
    plan = submitted(cast.plan, cast.companion)
    return services.plan_approve(plan=plan, by=cast.coordinator)


@pytest.mark.parametrize(("name", "needs_activity", "methods"), PLAN_VIEWS)
def test_it_sends_anonymous_visitors_to_the_login(cast, name, needs_activity, methods):
    activity = ActivityFactory(plan=cast.plan) if needs_activity else None
    method = "get" if "GET" in methods else "post"
    response = getattr(cast.client_for(None), method)(plan_url(name, cast.plan, activity))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs_activity", "methods"), PLAN_VIEWS)
def test_it_hides_the_plan_from_a_coordinator_out_of_scope(cast, name, needs_activity, methods):
    activity = ActivityFactory(plan=cast.plan) if needs_activity else None
    method = "get" if "GET" in methods else "post"
    response = getattr(cast.client_for(cast.outsider), method)(plan_url(name, cast.plan, activity), {"comment": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "needs_activity", "methods"), PLAN_VIEWS)
def test_it_hides_the_plan_from_another_companion(cast, name, needs_activity, methods):
    activity = ActivityFactory(plan=cast.plan) if needs_activity else None
    method = "get" if "GET" in methods else "post"
    response = getattr(cast.client_for(cast.other_companion), method)(plan_url(name, cast.plan, activity))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "needs_activity", "methods"), PLAN_VIEWS)
def test_it_rejects_the_wrong_method(cast, name, needs_activity, methods):
    activity = ActivityFactory(plan=cast.plan) if needs_activity else None
    client = cast.client_for(cast.companion)
    response = client.put(plan_url(name, cast.plan, activity)) if "POST" in methods else None
    if response is None:
        response = client.post(plan_url(name, cast.plan, activity))
    assert response.status_code == 405
    if "GET" not in methods:
        assert client.get(plan_url(name, cast.plan, activity)).status_code == 405


@pytest.mark.parametrize("name", ["plan-list"])
def test_the_list_needs_a_login_and_rejects_post(cast, name):
    assert cast.client_for(None).get(reverse(f"pillars:{name}")).status_code == 302
    assert cast.client_for(cast.companion).post(reverse(f"pillars:{name}")).status_code == 405


def test_the_start_form_needs_a_login_and_rejects_get(cast):
    assert cast.client_for(None).post(reverse("pillars:plan-start"), {"year": 2027}).status_code == 302
    assert cast.client_for(cast.companion).get(reverse("pillars:plan-start")).status_code == 405


# --- companions ------------------------------------------------------------------------------------------


def test_my_plans_shows_counts_per_pillar(cast):
    ActivityFactory(plan=cast.plan)
    ActivityFactory(plan=cast.plan)
    response = cast.client_for(cast.companion).get(reverse("pillars:plan-list"))
    plan = response.context["plans"][0]
    assert plan.activity_count == 2
    assert sum(plan.pillar_counts) == 2
    assert len(plan.pillar_counts) == len(response.context["pillars"])


def test_a_companion_starts_a_plan_for_an_open_year_once(cast):
    open_year(2027)
    client = cast.client_for(cast.companion)
    response = client.post(reverse("pillars:plan-start"), {"year": 2027})
    plan = WorkPlan.objects.get(companion__user=cast.companion, year=2027)
    assert response["Location"] == plan.get_absolute_url()
    assert set(plan.villages.values_list("code", flat=True)) == {"34.03.01.2001", "34.03.01.2002"}
    response = client.post(reverse("pillars:plan-start"), {"year": 2027}, follow=True)
    assert WorkPlan.objects.filter(companion__user=cast.companion, year=2027).count() == 1
    assert "not open for a new plan" in response.content.decode()


def test_a_companion_cannot_start_a_plan_for_a_closed_year(cast):
    response = cast.client_for(cast.companion).post(reverse("pillars:plan-start"), {"year": 2031}, follow=True)
    assert not WorkPlan.objects.filter(year=2031).exists()
    assert "not open for a new plan" in response.content.decode()


def test_a_coordinator_cannot_start_a_plan(cast):
    open_year(2027)
    assert cast.client_for(cast.coordinator).post(reverse("pillars:plan-start"), {"year": 2027}).status_code == 403


def test_a_companion_starts_next_year_from_this_one(cast):
    open_year(2027)
    ActivityFactory(plan=cast.plan, title="Rakor")
    response = cast.client_for(cast.companion).post(plan_url("plan-start-next", cast.plan))
    new = WorkPlan.objects.get(companion__user=cast.companion, year=2027)
    assert response["Location"] == new.get_absolute_url()
    assert list(new.activities.values_list("title", "carried_forward")) == [("Rakor", True)]


def test_starting_next_year_when_it_is_not_open_says_so(cast):
    response = cast.client_for(cast.companion).post(plan_url("plan-start-next", cast.plan), follow=True)
    assert "not open for planning" in response.content.decode()
    assert not WorkPlan.objects.filter(year=2027).exists()


def test_a_coordinator_cannot_start_next_year_from_a_companions_plan(cast):
    open_year(2027)
    assert cast.client_for(cast.coordinator).post(plan_url("plan-start-next", cast.plan)).status_code == 403


@pytest.mark.parametrize("added", ["abc", "²", "-1", "99999999999999999999", ""])
def test_a_malformed_added_marker_highlights_nothing(cast, added):
    ActivityFactory(plan=cast.plan)
    response = cast.client_for(cast.companion).get(
        reverse("pillars:plan-detail", args=[cast.plan.pk]), {"added": added}
    )
    assert response.status_code == 200
    assert "data-just-added" not in response.content.decode()


def test_the_just_added_activity_is_highlighted(cast):
    first, second = ActivityFactory(plan=cast.plan), ActivityFactory(plan=cast.plan)
    response = cast.client_for(cast.companion).get(
        reverse("pillars:plan-detail", args=[cast.plan.pk]), {"added": second.pk}
    )
    page = response.content.decode()
    assert page.count("data-just-added") == 1
    assert f'id="activity-{second.pk}" data-just-added' in page and f'id="activity-{first.pk}" data-just' not in page


def test_the_companion_edits_the_priorities(cast):
    client = cast.client_for(cast.companion)
    assert client.get(plan_url("plan-edit", cast.plan)).status_code == 200
    data = {"priorities": "Stunting", "data_basis": "SDGs Desa", "version": cast.plan.version}
    data["opened"] = narrative_digest(cast.plan)
    response = client.post(plan_url("plan-edit", cast.plan), data)
    assert response.status_code == 302
    cast.plan.refresh_from_db()
    assert (cast.plan.priorities, cast.plan.data_basis) == ("Stunting", "SDGs Desa")


def test_the_add_form_prefills_what_a_check_suggests(cast):
    url = plan_url("activity-add", cast.plan) + "?pillar=ORG&village=34.03.01.2002&target_group=bumdes&title=x"
    form = cast.client_for(cast.companion).get(url).context["form"]
    assert form.initial == {"pillar": "ORG", "village": "34.03.01.2002", "target_group": "bumdes"}


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_saved(cast):
    data = {
        "pillar": "NOPE",
        "village": "34.03.02.2001",  # another companion's village
        "title": "",
        "target_group": "poor",
        "target_quantity": "-3",
        "months": ["0", "13"],
    }
    response = cast.client_for(cast.companion).post(plan_url("activity-add", cast.plan), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"pillar", "village", "title", "target_quantity", "months"}
    assert not Activity.objects.exists()


def test_an_activity_moves_within_its_pillar(cast):
    first, second = ActivityFactory(plan=cast.plan, position=0), ActivityFactory(plan=cast.plan, position=1)
    response = cast.client_for(cast.companion).post(plan_url("activity-move", cast.plan, second), {"direction": "-1"})
    assert response.status_code == 302
    assert list(cast.plan.activities.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_a_move_without_a_direction_is_refused(cast):
    activity = ActivityFactory(plan=cast.plan)
    response = cast.client_for(cast.companion).post(plan_url("activity-move", cast.plan, activity), {"direction": "9"})
    assert response.status_code == 422


def test_an_activity_of_another_plan_is_not_reachable_through_ones_own(cast):
    foreign = ActivityFactory(plan=cast.other_plan)
    client = cast.client_for(cast.companion)
    assert client.get(plan_url("activity-edit", cast.plan, foreign)).status_code == 404
    assert client.post(plan_url("activity-delete", cast.plan, foreign)).status_code == 404
    assert Activity.objects.filter(pk=foreign.pk).exists()


def test_the_companion_deletes_an_activity_of_a_draft(cast):
    activity = ActivityFactory(plan=cast.plan)
    response = cast.client_for(cast.companion).post(
        plan_url("activity-delete", cast.plan, activity), {"version": activity.version}
    )
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_submitting_an_empty_plan_is_refused_with_a_message(cast):
    response = cast.client_for(cast.companion).post(plan_url("plan-submit", cast.plan), follow=True)
    assert "The plan has no activity yet." in response.content.decode()
    assert WorkPlan.objects.get(pk=cast.plan.pk).status == WorkPlan.Status.DRAFT


def test_an_activity_without_a_positive_target_blocks_submitting(cast):
    ActivityFactory(plan=cast.plan, title="Nol", target_quantity=0)
    response = cast.client_for(cast.companion).post(plan_url("plan-submit", cast.plan), follow=True)
    assert "“Nol” has no positive target." in response.content.decode()
    assert WorkPlan.objects.get(pk=cast.plan.pk).status == WorkPlan.Status.DRAFT


# --- locked plans: crafted POSTs -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_crafted_posts_on_a_locked_plan_change_nothing(cast, state):
    plan = submitted(cast.plan, cast.companion) if state == "submitted" else approved(cast)
    activity = plan.activities.get()
    before = (activity.title, activity.target_quantity, activity.position, activity.months)
    client = cast.client_for(cast.companion)
    data = {"pillar": "ASI", "title": "Changed", "target_group": "poor", "target_quantity": "9", "months": ["3"]}
    responses = [
        client.post(plan_url("activity-add", plan), data),
        client.post(plan_url("activity-edit", plan, activity), data),
        client.post(plan_url("activity-delete", plan, activity)),
        client.post(plan_url("activity-move", plan, activity), {"direction": "1"}),
        client.post(plan_url("plan-edit", plan), {"priorities": "Changed"}),
        client.post(plan_url("plan-submit", plan)),
    ]
    assert all(response.status_code == 302 for response in responses)
    activity.refresh_from_db()
    assert (activity.title, activity.target_quantity, activity.position, activity.months) == before
    assert plan.activities.count() == 1
    plan.refresh_from_db()
    assert (plan.status, plan.priorities) == (state, "")
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "locked" in page


def test_the_edit_page_of_a_locked_plan_redirects_with_a_message(cast):
    plan = submitted(cast.plan, cast.companion)
    response = cast.client_for(cast.companion).get(plan_url("activity-add", plan), follow=True)
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "locked" in response.content.decode()


# --- wrong person, wrong state ----------------------------------------------------------------------------


def test_a_coordinator_cannot_edit_a_companions_plan(cast):
    activity = ActivityFactory(plan=cast.plan)
    client = cast.client_for(cast.coordinator)
    assert client.get(plan_url("activity-add", cast.plan)).status_code == 403
    assert client.post(plan_url("activity-delete", cast.plan, activity)).status_code == 403
    assert client.post(plan_url("plan-edit", cast.plan), {"priorities": "x"}).status_code == 403


def test_a_coordinator_cannot_submit_a_companions_plan(cast):
    ActivityFactory(plan=cast.plan)
    assert cast.client_for(cast.coordinator).post(plan_url("plan-submit", cast.plan)).status_code == 403
    assert WorkPlan.objects.get(pk=cast.plan.pk).status == WorkPlan.Status.DRAFT


def test_a_companion_cannot_approve_their_own_plan(cast):
    plan = submitted(cast.plan, cast.companion)
    assert cast.client_for(cast.companion).post(plan_url("plan-approve", plan)).status_code == 403
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED


def test_a_companion_cannot_return_or_reopen(cast):
    plan = submitted(cast.plan, cast.companion)
    client = cast.client_for(cast.companion)
    assert client.post(plan_url("plan-return", plan), {"comment": "x"}).status_code == 403
    plan = services.plan_approve(plan=plan, by=cast.coordinator)
    assert client.post(plan_url("plan-reopen", plan), {"comment": "x"}).status_code == 403
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.APPROVED


def test_a_note_typed_beside_an_activity_is_kept_with_the_approval(cast):
    activity = ActivityFactory(plan=cast.plan)
    plan = submitted(cast.plan, cast.companion)
    data = {"comment": "Disetujui.", f"note-{activity.pk}": "Sertakan daftar hadir."}
    response = cast.client_for(cast.coordinator).post(plan_url("plan-approve", plan), data)
    assert response.status_code == 302
    event = plan.events.get(to_status=WorkPlan.Status.APPROVED)
    assert event.comment == "Disetujui."
    assert list(event.activity_comments.values_list("activity_id", "text")) == [(activity.pk, "Sertakan daftar hadir.")]
    page = cast.client_for(cast.companion).get(plan.get_absolute_url()).content.decode()
    assert "Sertakan daftar hadir." in page


def test_a_note_on_a_revised_activity_follows_it_when_the_revision_is_approved(cast):
    activity = ActivityFactory(plan=cast.plan, title="Posyandu")
    plan = services.plan_approve(plan=submitted(cast.plan, cast.companion), by=cast.coordinator)
    plan = services.plan_reopen(plan=plan, by=cast.coordinator, reason="Tambah desa")
    copy = plan.written_activities().get(revises=activity)
    plan = services.plan_submit(plan=plan, by=cast.companion)
    data = {"comment": "", f"note-{copy.pk}": "Tetap jadwalkan."}
    assert cast.client_for(cast.coordinator).post(plan_url("plan-approve", plan), data).status_code == 302
    assert list(activity.comments.values_list("text", flat=True)) == ["Tetap jadwalkan."]


def test_a_note_too_long_refuses_the_approval_beside_the_activity_and_approves_nothing(cast):
    activity = ActivityFactory(plan=cast.plan)
    plan = submitted(cast.plan, cast.companion)
    data = {"comment": "Hampir", f"note-{activity.pk}": "x" * 2001}
    client = cast.client_for(cast.coordinator)
    body = followed_back(client, client.post(plan_url("plan-approve", plan), data), plan.get_absolute_url())
    assert f'href="#id_note-{activity.pk}"' in summary_of(body)
    assert "x" * 2001 in body  # the note as typed, kept
    assert "Hampir" in body  # and the comment
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED
    assert not activity.comments.exists()


def test_approving_a_draft_is_refused_with_a_message(cast):
    response = cast.client_for(cast.coordinator).post(plan_url("plan-approve", cast.plan), follow=True)
    assert "Only a submitted plan can be approved." in response.content.decode()
    assert WorkPlan.objects.get(pk=cast.plan.pk).status == WorkPlan.Status.DRAFT


def test_reopening_a_submitted_plan_is_refused(cast):
    plan = submitted(cast.plan, cast.companion)
    response = cast.client_for(cast.coordinator).post(plan_url("plan-reopen", plan), {"comment": "why"}, follow=True)
    assert "Only an approved plan can be reopened." in response.content.decode()
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED


def test_returning_without_a_comment_opens_the_plan_page_at_the_error(cast):
    activity = ActivityFactory(plan=cast.plan)
    plan = submitted(cast.plan, cast.companion)
    client = cast.client_for(cast.coordinator)
    data = {"comment": "  ", f"note-{activity.pk}": "Targetnya terlalu rendah"}
    body = followed_back(client, client.post(plan_url("plan-return", plan), data), plan.get_absolute_url())
    summary = summary_of(body)
    assert "a comment is required to return a plan" in summary
    assert 'href="#id_comment"' in summary
    assert "Targetnya terlalu rendah" in body  # the note typed beside the activity, kept
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED
    assert not activity.comments.exists()
    assert not plan.events.filter(to_status=WorkPlan.Status.RETURNED).exists()


def test_the_page_a_failed_return_leads_to_switches_language_to_a_page_that_answers_get(cast):
    plan = submitted(cast.plan, cast.companion)
    client = cast.client_for(cast.coordinator)
    response = client.post(plan_url("plan-return", plan), {"comment": ""})
    landed = client.get(response.headers["Location"].split("#")[0])
    assert landed.context["language_next"] == plan.get_absolute_url()
    switched = client.post(reverse("set_language"), {"language": "id", "next": landed.context["language_next"]})
    assert client.get(switched.headers["Location"]).status_code == 200


def test_a_page_drawn_in_answer_to_a_post_switches_language_to_the_page_the_form_came_from(cast, rf):
    from rkt.context_processors import page_url

    request = rf.post("/plans/2/return/", HTTP_REFERER="http://testserver/plans/2/?tab=1")
    assert page_url(request) == "/plans/2/?tab=1"
    assert page_url(rf.post("/plans/2/return/", HTTP_REFERER="https://evil.example/")) == reverse("home")
    assert page_url(rf.get("/plans/2/?x=1")) == "/plans/2/?x=1"


def test_reopening_without_a_reason_opens_the_plan_page_at_the_error(cast):
    plan = approved(cast)
    client = cast.client_for(cast.coordinator)
    body = followed_back(client, client.post(plan_url("plan-reopen", plan), {"comment": ""}), plan.get_absolute_url())
    assert 'href="#id_comment"' in summary_of(body)
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.APPROVED


def test_the_approved_version_of_an_unapproved_plan_does_not_exist(cast):
    url = reverse("pillars:plan-version", args=[cast.plan.pk, 0])
    assert cast.client_for(cast.companion).get(url).status_code == 404


def test_the_approved_version_is_out_of_reach_out_of_scope(cast):
    plan = approved(cast)
    url = reverse("pillars:plan-version", args=[plan.pk, 0])
    assert cast.client_for(cast.coordinator).get(url).status_code == 200
    assert cast.client_for(cast.outsider).get(url).status_code == 404


# --- the review list -------------------------------------------------------------------------------------


def test_the_review_list_shows_plans_in_scope_waiting_ones_first(cast):
    ActivityFactory(plan=cast.other_plan)
    services.plan_submit(plan=cast.other_plan, by=cast.other_companion)
    response = cast.client_for(cast.coordinator).get(reverse("pillars:plan-list"))
    assert [plan.pk for plan in response.context["plans"]] == [cast.other_plan.pk, cast.plan.pk]


def test_the_review_list_filters_by_status_kecamatan_year_and_companion(cast):
    client = cast.client_for(cast.coordinator)
    list_url = reverse("pillars:plan-list")

    def shown(**query) -> set:
        return {plan.pk for plan in client.get(list_url, query).context["plans"]}

    assert shown(status="draft") == {cast.plan.pk, cast.other_plan.pk}
    assert shown(status="approved") == set()
    assert shown(kecamatan="34.03.02") == {cast.other_plan.pk}
    assert shown(year="2026") == {cast.plan.pk, cast.other_plan.pk}
    assert shown(companion=cast.other_plan.companion_id) == {cast.other_plan.pk}
    # A kecamatan or companion out of scope is not a choice.
    assert shown(kecamatan="34.01.01", status="draft") == {cast.plan.pk, cast.other_plan.pk}
    assert shown(companion=cast.outside_plan.companion_id) == {cast.plan.pk, cast.other_plan.pk}


def test_the_review_list_is_paginated_and_keeps_the_filters(cast):
    for index in range(30):
        PlanFactory(companion=cast.other_plan.companion, year=2030 + index)
    response = cast.client_for(cast.coordinator).get(reverse("pillars:plan-list"), {"status": "draft"})
    assert len(response.context["plans"]) == 25
    assert "?status=draft&amp;page=2" in response.content.decode()


def test_the_filter_offers_only_kecamatan_and_companions_with_plans_in_scope(cast):
    region("34.03.09.2001")  # a kecamatan in scope without any plan
    form = cast.client_for(cast.coordinator).get(reverse("pillars:plan-list")).context["filter"].form
    assert {r.code for r in form.fields["kecamatan"].queryset} == {"34.03.01", "34.03.02"}
    assert set(form.fields["companion"].queryset) == {cast.plan.companion, cast.other_plan.companion}


def test_past_two_hundred_companions_or_kecamatan_the_filter_searches_them_by_name(cast, monkeypatch):
    """A province or the country has thousands: a select of every one was 3 s and most of the page."""
    from pillars import filters

    monkeypatch.setattr(filters, "CHOICES_LISTED", 1)
    client = cast.client_for(cast.coordinator)
    list_url = reverse("pillars:plan-list")
    response = client.get(list_url)
    form = response.context["filter"].form
    assert not hasattr(form.fields["companion"], "queryset") and not hasattr(form.fields["kecamatan"], "queryset")
    other = cast.other_plan.companion.user

    def shown(**query) -> set:
        return {plan.pk for plan in client.get(list_url, query).context["plans"]}

    assert shown(companion=other.username.upper()) == {cast.other_plan.pk}
    assert shown(companion=f"{other.first_name} {other.last_name}") == {cast.other_plan.pk}
    assert shown(kecamatan="34.03.02") == {cast.other_plan.pk}  # the home page's links give the code
    assert shown(kecamatan="Region 34.03.0") == {cast.plan.pk, cast.other_plan.pk}  # or a part of the name
    assert shown(companion=cast.outside_plan.companion.user.username) == set()  # out of scope: nothing
    assert client.get(list_url, {"companion": "x" * 101}).context["filter"].errors


@pytest.mark.parametrize(("language", "words"), [("en", ("District", "Regency")), ("id", ("Kecamatan", "Kabupaten"))])
def test_the_plan_header_names_the_areas_in_the_page_language(cast, settings, language, words):
    settings.LANGUAGE_CODE = language
    ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    body = cast.client_for(cast.companion).get(plan_url("plan-detail", cast.plan)).content.decode()
    header = body[body.index('class="plan-facts') : body.index("</dl>")]
    assert all(f"<dt>{word}</dt>" in header for word in words)
    if language == "en":
        assert "Kecamatan" not in header and "Kabupaten" not in header

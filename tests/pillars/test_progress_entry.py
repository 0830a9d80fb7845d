"""Recording monthly progress on an approved plan: the month view and one activity's card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars.models import MonthlyProgress, MonthlyReport, WorkPlan
from tests.factories import ActivityFactory, ProgressFactory
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import YEAR, activity_titled, approve, entry_data, queries_of

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


def month_url(plan, month=3):
    return reverse("pillars:plan-month", args=[plan.pk, month])


def save_url(plan, activity, month=3):
    return reverse("pillars:progress-save", args=[plan.pk, month, activity.pk])


# --- the month view -------------------------------------------------------------------------


def test_it_redirects_anonymous_visitors_to_the_login(cast, plan):
    response = cast.client_for(None).get(month_url(plan))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_another_companion_gets_404(cast, plan):
    assert cast.client_for(cast.other_companion).get(month_url(plan)).status_code == 404


def test_a_coordinator_out_of_scope_gets_404(cast, plan):
    assert cast.client_for(cast.outsider).get(month_url(plan)).status_code == 404


def test_it_rejects_post_on_the_month_view(cast, plan):
    assert cast.client_for(cast.companion).post(month_url(plan)).status_code == 405


def test_a_month_outside_1_to_12_is_404(cast, plan):
    assert cast.client_for(cast.companion).get(month_url(plan, 13)).status_code == 404


def test_the_months_redirect_opens_december_of_a_past_year(cast, plan):
    response = cast.client_for(cast.companion).get(reverse("pillars:plan-months", args=[plan.pk]))
    assert response["Location"] == month_url(plan, 12)


def test_it_lists_the_scheduled_activities_first(cast, plan):
    response = cast.client_for(cast.companion).get(month_url(plan, 3))
    assert response.status_code == 200
    scheduled = [card.row.activity.title for card in response.context["scheduled"]]
    others = [card.row.activity.title for card in response.context["others"]]
    assert scheduled == ["Rakor bulanan"]
    assert others == ["Pelatihan BPD"]
    body = response.content.decode()
    assert body.index("Rakor bulanan") < body.index("Pelatihan BPD")


def test_the_cumulative_and_percentage_are_computed_from_earlier_months(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    ProgressFactory(activity=rakor, month=1, quantity=Decimal("1"))
    ProgressFactory(activity=rakor, month=3, quantity=Decimal("2"))
    ProgressFactory(activity=rakor, month=5, quantity=Decimal("1"))  # later: not counted in March
    response = cast.client_for(cast.companion).get(month_url(plan, 3))
    row = response.context["scheduled"][0].row
    assert row.cumulative == Decimal("3")
    assert row.percent == Decimal("75")
    assert "3 of 4 kegiatan so far" in response.content.decode()


def test_a_coordinator_in_scope_sees_the_month_read_only(cast, plan):
    response = cast.client_for(cast.coordinator).get(month_url(plan))
    assert response.status_code == 200
    assert not response.context["access"].can_edit
    assert b"progress-form" not in response.content


# --- saving one activity ------------------------------------------------------------------


def test_it_saves_an_entry_and_redirects_back_to_the_card(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor, quantity="2"))
    assert response.status_code == 302
    assert response["Location"] == f"{month_url(plan)}#activity-{rakor.pk}"
    entry = MonthlyProgress.objects.get(activity=rakor, month=3)
    assert (entry.status, entry.quantity, entry.version, entry.updated_by) == ("done", Decimal("2"), 1, cast.companion)


def test_an_htmx_save_answers_with_just_that_card(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article")
    assert f'id="activity-{rakor.pk}"' in body
    assert "Saved at" in body
    assert "<html" not in body


def test_saving_again_updates_the_entry_and_its_version(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    client.post(save_url(plan, rakor), entry_data(rakor))
    client.post(save_url(plan, rakor), entry_data(rakor, version="1", description="Rakor kedua"))
    entry = MonthlyProgress.objects.get(activity=rakor, month=3)
    assert (entry.description, entry.version) == ("Rakor kedua", 2)


def test_an_activity_not_scheduled_this_month_can_be_reported(cast, plan):
    training = activity_titled(plan, "Pelatihan BPD")
    response = cast.client_for(cast.companion).post(save_url(plan, training), entry_data(training))
    assert response.status_code == 302
    assert MonthlyProgress.objects.filter(activity=training, month=3).exists()


def test_a_negative_quantity_is_refused_next_to_the_field_and_nothing_is_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, quantity="-1", description="Tetap di sini")
    )
    assert response.status_code == 422
    assert "quantity" in response.context["scheduled"][0].form.errors
    assert "Tetap di sini" in response.content.decode()
    assert not MonthlyProgress.objects.exists()


def test_a_save_that_does_not_say_its_version_is_refused_and_nothing_is_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    data = entry_data(rakor, quantity="2")
    del data[f"a{rakor.pk}-version"]
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), data)
    assert response.status_code == 422
    assert "version" in response.context["scheduled"][0].form.errors
    assert not MonthlyProgress.objects.exists()


def test_a_text_the_field_let_through_is_not_refused_for_its_line_breaks(cast, plan):
    """The browser counts a line break as one character for maxlength and sends it as two (CR LF)."""
    rakor = activity_titled(plan, "Rakor bulanan")
    typed = ("x" * 99 + "\r\n") * 40  # 4000 characters in the browser's count, 4040 as sent
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor, description=typed))
    assert response.status_code == 302
    saved = MonthlyProgress.objects.get(activity=rakor, month=3).description
    assert saved == typed.replace("\r\n", "\n").strip() and len(saved) < 4000


def test_a_description_over_the_limit_is_refused_and_nothing_is_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor, description="x" * 4001))
    assert response.status_code == 422
    assert "description" in response.context["scheduled"][0].form.errors
    assert not MonthlyProgress.objects.exists()


def test_a_postponed_activity_cannot_claim_a_quantity(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, status="postponed", quantity="3")
    )
    assert response.status_code == 422
    assert not MonthlyProgress.objects.exists()


def test_an_activity_of_another_plan_is_404(cast, plan):
    foreign = ActivityFactory(plan=cast.other_plan)
    response = cast.client_for(cast.companion).post(save_url(plan, foreign), entry_data(foreign))
    assert response.status_code == 404


def test_another_companion_cannot_save_into_the_plan(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.other_companion).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 404
    assert not MonthlyProgress.objects.exists()


def test_an_out_of_scope_coordinator_gets_404_on_save(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.outsider).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 404


def test_a_coordinator_in_scope_cannot_write_the_companions_progress(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.coordinator).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 403
    assert not MonthlyProgress.objects.exists()


def test_saving_rejects_get(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    assert cast.client_for(cast.companion).get(save_url(plan, rakor)).status_code == 405


def test_saving_as_anonymous_redirects_to_login(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(None).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 302
    assert not MonthlyProgress.objects.exists()


# --- refusals: future month, unapproved plan, locked month -------------------------------------


def test_a_future_month_cannot_be_reported(cast, clock):
    future = approve(cast.plan, year=YEAR + 2)
    activity = ActivityFactory(plan=future, months=(1,))
    response = cast.client_for(cast.companion).post(save_url(future, activity, 1), entry_data(activity))
    assert response.status_code == 403
    assert "not started yet" in response.content.decode()
    assert not MonthlyProgress.objects.exists()


def test_a_month_of_an_unapproved_plan_cannot_be_reported(cast, plan):
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.DRAFT)
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 403
    assert "not approved" in response.content.decode()
    assert not MonthlyProgress.objects.exists()


@pytest.mark.parametrize("status", [MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.ACKNOWLEDGED])
def test_a_locked_month_refuses_a_crafted_post(cast, plan, status):
    rakor = activity_titled(plan, "Rakor bulanan")
    entry = ProgressFactory(activity=rakor, month=3, description="Asli")
    MonthlyReport.objects.create(plan=plan, month=3, status=status)
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, version=str(entry.version), description="Diubah")
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.description == "Asli"


def test_a_locked_month_shows_no_forms(cast, plan):
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.SUBMITTED)
    response = cast.client_for(cast.companion).get(month_url(plan))
    assert response.context["access"].locked
    assert b"progress-form" not in response.content


def test_a_returned_month_is_editable_again(cast, plan):
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.RETURNED, coordinator_note="Lengkapi")
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor))
    assert response.status_code == 302
    assert MonthlyProgress.objects.filter(activity=rakor, month=3).exists()


def test_a_returned_month_tells_its_companion_what_to_do_and_the_coordinator_only_what_was_said(cast, plan, english):
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.RETURNED, coordinator_note="Lengkapi")
    own = cast.client_for(cast.companion).get(month_url(plan)).content.decode()
    assert "Returned by your coordinator:" in own and "submit the report again" in own
    theirs = cast.client_for(cast.coordinator).get(month_url(plan)).content.decode()
    assert "Returned by the coordinator:" in theirs and "Lengkapi" in theirs
    assert "your coordinator" not in theirs and "submit the report again" not in theirs


# --- two tabs ------------------------------------------------------------------------------


def test_a_stale_save_from_a_second_tab_is_refused_with_the_current_values(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    first_tab, second_tab = cast.client_for(cast.companion), cast.client_for(cast.companion)
    first_tab.post(save_url(plan, rakor), entry_data(rakor, description="Dari tab pertama"))
    # The second tab opened the card before the first save: it still carries version 0.
    response = second_tab.post(
        save_url(plan, rakor), entry_data(rakor, description="Dari tab kedua"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Dari tab pertama" in body  # what is saved now
    assert "Dari tab kedua" in body  # what this tab typed, kept
    assert MonthlyProgress.objects.get(activity=rakor, month=3).description == "Dari tab pertama"


def test_an_update_on_an_old_version_is_refused(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    entry = ProgressFactory(activity=rakor, month=3, description="Versi dua")
    MonthlyProgress.objects.filter(pk=entry.pk).update(version=2)
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, version="1", description="Basi")
    )
    assert response.status_code == 409
    entry.refresh_from_db()
    assert (entry.description, entry.version) == ("Versi dua", 2)


def test_after_a_conflict_saving_again_overwrites_knowingly(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    ProgressFactory(activity=rakor, month=3, description="Lama")
    client = cast.client_for(cast.companion)
    conflict = client.post(save_url(plan, rakor), entry_data(rakor, version="0", description="Baru"))
    assert conflict.status_code == 409
    version = conflict.context["scheduled"][0].form["version"].value()
    response = client.post(save_url(plan, rakor), entry_data(rakor, version=version, description="Baru"))
    assert response.status_code == 302
    assert MonthlyProgress.objects.get(activity=rakor, month=3).description == "Baru"


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["month", "report"])
def test_the_month_pages_run_the_same_number_of_queries_for_5_and_50_activities(
    cast, plan, django_assert_num_queries, path
):
    client = cast.client_for(cast.companion)

    def url():
        if path == "month":
            return month_url(plan)
        return reverse("pillars:month-report", args=[plan.pk, 3])

    def grow_to(count):
        have = plan.activities.count()
        for _ in range(count - have):
            activity = ActivityFactory(plan=plan, months=(3, 4))
            ProgressFactory(activity=activity, month=3)
            ProgressFactory(activity=activity, month=2)

    grow_to(5)
    client.get(url())  # warm the session
    small = queries_of(lambda: client.get(url()))
    grow_to(50)
    with django_assert_num_queries(small):
        assert client.get(url()).status_code == 200


def test_every_save_leaves_a_history_record_with_who_did_it(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    client.post(save_url(plan, rakor), entry_data(rakor, description="Satu"))
    client.post(save_url(plan, rakor), entry_data(rakor, version="1", description="Dua"))
    entry = MonthlyProgress.objects.get(activity=rakor, month=3)
    assert [(h.description, h.history_user) for h in entry.history.order_by("history_date")] == [
        ("Satu", cast.companion),
        ("Dua", cast.companion),
    ]

"""The admin cannot bypass the workflow (status is read-only, locked plans' activities cannot change), and its
numbers are typed and shown as on every page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pillars import services
from pillars.models import Activity, WorkPlan
from tests.admin_helpers import change_form_data
from tests.factories import ActivityFactory, ProgressFactory, region
from tests.number_cases import (
    CASES,
    FRACTIONS,
    LANGUAGES,
    NOT_A_NUMBER,
    NOT_A_NUMBER_MESSAGE,
    QUANTITY,
    WHOLE,
    whole_rupiah,
)
from tests.pillars.progress_fixtures import approve

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


# --- numbers typed in the admin ------------------------------------------------------------------------


@pytest.fixture
def typed(cast, settings):
    """``typed(language, url, **changes)``: the admin opens a change form in that language and saves it with changes."""

    def save(language: str, url: str, **changes):
        settings.LANGUAGE_CODE = language
        client = cast.client_for(cast.admin)
        return client.post(url, change_form_data(client.get(url), **changes))

    return save


@pytest.fixture
def activity(cast):
    return ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"), budget=Decimal("1000000"))


def activity_url(activity) -> str:
    return reverse("admin:pillars_activity_change", args=[activity.pk])


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_target_typed_in_the_admin_stores_what_was_meant(typed, activity, language, text):
    response = typed(language, activity_url(activity), target_quantity=text)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.target_quantity == QUANTITY[text]
    assert activity.months == (1, 4, 7, 10)  # the rest of the form saved back as it was shown


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_target_typed_in_the_plans_activity_rows_stores_what_was_meant(cast, typed, activity, language, text):
    url = reverse("admin:pillars_workplan_change", args=[cast.plan.pk])
    assert typed(language, url, **{"activities-0-target_quantity": text}).status_code == 302
    activity.refresh_from_db()
    assert (activity.target_quantity, activity.months) == (QUANTITY[text], (1, 4, 7, 10))


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_budget_in_thousands_typed_in_the_admin_is_stored(typed, activity, language, text):
    assert typed(language, activity_url(activity), budget=text).status_code == 302
    activity.refresh_from_db()
    assert activity.budget == Decimal("2500000")


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_budget_with_a_fraction_typed_in_the_admin_is_refused_changing_nothing(typed, activity, language, text):
    response = typed(language, activity_url(activity), budget=text)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["budget"] == [whole_rupiah(language, text)]
    activity.refresh_from_db()
    assert activity.budget == Decimal("1000000")


@pytest.fixture
def entry(cast, clock):
    """An entry of an open month of an approved plan: the only kind the admin may change."""
    plan = approve(cast.other_plan)
    return ProgressFactory(activity=ActivityFactory(plan=plan), month=2, quantity=Decimal("1"))


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_months_quantity_typed_in_the_admin_stores_what_was_meant(typed, entry, language, text):
    url = reverse("admin:pillars_monthlyprogress_change", args=[entry.pk])
    assert typed(language, url, quantity=text).status_code == 302
    entry.refresh_from_db()
    assert entry.quantity == QUANTITY[text]


def test_an_activitys_progress_rows_link_to_the_entry_where_it_is_changed(cast, entry):
    page = cast.client_for(cast.admin).get(activity_url(entry.activity)).content.decode()
    assert 'name="progress-0-quantity"' not in page
    assert reverse("admin:pillars_monthlyprogress_change", args=[entry.pk]) in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quantity_that_is_no_number_is_refused_in_the_admin_and_nothing_changes(typed, entry, language):
    response = typed(language, reverse("admin:pillars_monthlyprogress_change", args=[entry.pk]), quantity=NOT_A_NUMBER)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quantity"] == [NOT_A_NUMBER_MESSAGE[language]]
    entry.refresh_from_db()
    assert entry.quantity == Decimal("1")


@pytest.mark.parametrize(("language", "target", "budget"), [("id", "2,5", "1.500.000"), ("en", "2.5", "1,500,000")])
def test_the_admin_shows_stored_numbers_in_text_inputs_in_the_language_of_the_page(
    cast, settings, language, target, budget
):
    activity = ActivityFactory(plan=cast.plan, target_quantity=Decimal("2.50"), budget=Decimal("1500000"))
    settings.LANGUAGE_CODE = language
    client = cast.client_for(cast.admin)
    body = client.get(activity_url(activity)).content.decode()
    assert f'<input type="text" name="target_quantity" value="{target}" inputmode="decimal"' in body
    assert f'<input type="text" name="budget" value="{budget}" inputmode="numeric"' in body
    listing = client.get(reverse("admin:pillars_activity_changelist")).content.decode()
    assert f">{target}<" in listing


def test_an_activitys_months_are_checkboxes_in_the_admin_and_can_be_changed(cast, typed, activity):
    page = cast.client_for(cast.admin).get(activity_url(activity)).content.decode()
    assert page.count('type="checkbox" name="months"') == 12
    assert typed("en", activity_url(activity), months=["2", "3"]).status_code == 302
    activity.refresh_from_db()
    assert activity.months == (2, 3)

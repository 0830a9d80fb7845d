"""Numbers typed into the plan's activity form (new and edit) and the month's progress cards, on an Indonesian and
an English page: what is stored, what is refused and with which message, and how a stored value is shown back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars.models import Activity, MonthlyProgress
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
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import activity_titled, entry_data
from tests.pillars.test_plan_cycle import activity_data

plan = progress_fixtures.plan
pytestmark = pytest.mark.django_db


@pytest.fixture
def page(settings):
    """``page("id")``: the app speaks that language from now on (no language cookie: the default)."""

    def speak(language: str) -> None:
        settings.LANGUAGE_CODE = language

    return speak


def add_url(plan) -> str:
    return reverse("pillars:activity-add", args=[plan.pk])


def edit_url(activity) -> str:
    return reverse("pillars:activity-edit", args=[activity.plan_id, activity.pk])


def edit_data(activity, **values) -> dict:
    return activity_data(version=str(activity.version), **values)


def month_url(plan, month=3) -> str:
    return reverse("pillars:plan-month", args=[plan.pk, month])


def save_url(plan, activity, month=3) -> str:
    return reverse("pillars:progress-save", args=[plan.pk, month, activity.pk])


# --- the activity form on the plan page ------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_target_typed_for_a_new_activity_stores_what_was_meant(cast, page, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(add_url(cast.plan), activity_data(target_quantity=text))
    assert response.status_code == 302
    assert Activity.objects.get(plan=cast.plan).target_quantity == QUANTITY[text]


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_target_typed_in_the_plan_pages_own_form_stores_what_was_meant(cast, page, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(
        add_url(cast.plan), activity_data(target_quantity=text), headers={"HX-Request": "true"}
    )
    assert response.status_code == 302
    assert Activity.objects.get(plan=cast.plan).target_quantity == QUANTITY[text]


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_budget_in_thousands_is_stored_as_typed(cast, page, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(add_url(cast.plan), activity_data(budget=text))
    assert response.status_code == 302
    assert Activity.objects.get(plan=cast.plan).budget == Decimal("2500000")


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_budget_with_a_fraction_is_refused_beside_the_field_and_nothing_is_saved(cast, page, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(add_url(cast.plan), activity_data(budget=text))
    assert response.status_code == 422
    assert response.context["form"].errors["budget"] == [whole_rupiah(language, text)]
    assert f'value="{text}"' in response.content.decode()  # what was typed stays in the field
    assert not Activity.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_target_that_is_no_number_is_refused_in_the_plan_pages_form_naming_the_accepted_forms(cast, page, language):
    page(language)
    response = cast.client_for(cast.companion).post(
        add_url(cast.plan), activity_data(target_quantity=NOT_A_NUMBER), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#add-activity"
    assert NOT_A_NUMBER_MESSAGE[language] in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_budget_may_be_typed_with_rp(cast, page, language):
    page(language)
    cast.client_for(cast.companion).post(add_url(cast.plan), activity_data(budget="Rp 1.500.000"))
    assert Activity.objects.get(plan=cast.plan).budget == Decimal("1500000")


# --- editing an activity ----------------------------------------------------------------------------


@pytest.fixture
def activity(cast):
    return ActivityFactory(
        plan=cast.plan, village=region("34.03.01.2001"), target_quantity=Decimal("4"), budget=Decimal("1000000")
    )


@pytest.mark.parametrize(("language", "text"), CASES)
def test_editing_a_target_stores_what_was_meant(cast, page, activity, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(edit_url(activity), edit_data(activity, target_quantity=text))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.target_quantity == QUANTITY[text]


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_editing_a_budget_to_a_fraction_is_refused_and_the_budget_kept(cast, page, activity, language, text):
    page(language)
    response = cast.client_for(cast.companion).post(edit_url(activity), edit_data(activity, budget=text))
    assert response.status_code == 422
    assert response.context["form"].errors["budget"] == [whole_rupiah(language, text)]
    activity.refresh_from_db()
    assert (activity.budget, activity.version) == (Decimal("1000000"), 1)


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_editing_a_budget_in_thousands_stores_it(cast, page, activity, language, text):
    page(language)
    cast.client_for(cast.companion).post(edit_url(activity), edit_data(activity, budget=text))
    activity.refresh_from_db()
    assert activity.budget == Decimal("2500000")


@pytest.mark.parametrize(("language", "target", "budget"), [("id", "2,5", "2.500.000"), ("en", "2.5", "2,500,000")])
def test_the_edit_page_shows_the_stored_numbers_in_the_language_of_the_page(cast, page, language, target, budget):
    activity = ActivityFactory(plan=cast.plan, target_quantity=Decimal("2.50"), budget=Decimal("2500000"))
    page(language)
    body = cast.client_for(cast.companion).get(edit_url(activity)).content.decode()
    assert f'name="target_quantity" value="{target}"' in body
    assert f'name="budget" value="{budget}"' in body
    assert 'type="number"' not in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stored_value_saved_back_unchanged_stays_the_same(cast, page, language):
    """The edit page writes 2.500.000 (or 2,500,000); sending the page back as it is must not change it."""
    activity = ActivityFactory(
        plan=cast.plan, village=region("34.03.01.2001"), target_quantity=Decimal("1500"), budget=Decimal("2500000")
    )
    page(language)
    client = cast.client_for(cast.companion)
    form = client.get(edit_url(activity)).context["form"]
    shown = {name: form[name].value() for name in ("target_quantity", "budget")}
    client.post(edit_url(activity), edit_data(activity, **shown))
    activity.refresh_from_db()
    assert (activity.target_quantity, activity.budget) == (Decimal("1500"), Decimal("2500000"))


# --- the month's progress cards ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_quantity_saved_from_the_month_view_stores_what_was_meant(cast, plan, page, language, text):
    page(language)
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(save_url(plan, rakor), entry_data(rakor, quantity=text))
    assert response.status_code == 302
    assert MonthlyProgress.objects.get(activity=rakor, month=3).quantity == QUANTITY[text]


@pytest.mark.parametrize(("language", "text", "shown"), [("id", "0,5", "0,5"), ("en", "0,5", "0.5")])
def test_a_quantity_saved_from_a_card_comes_back_in_the_language_of_the_page(cast, plan, page, language, text, shown):
    page(language)
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, quantity=text), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert MonthlyProgress.objects.get(activity=rakor, month=3).quantity == Decimal("0.5")
    assert f'name="a{rakor.pk}-quantity" value="{shown}"' in response.content.decode()


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_quantity_saved_from_a_card_stores_what_was_meant(cast, plan, page, language, text):
    page(language)
    rakor = activity_titled(plan, "Rakor bulanan")
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, quantity=text), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert MonthlyProgress.objects.get(activity=rakor, month=3).quantity == QUANTITY[text]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quantity_that_is_no_number_is_refused_on_the_card_and_the_entry_kept(cast, plan, page, language, htmx):
    page(language)
    rakor = activity_titled(plan, "Rakor bulanan")
    entry = ProgressFactory(activity=rakor, month=3, quantity=Decimal("1"))
    headers = {"HX-Request": "true"} if htmx else {}
    response = cast.client_for(cast.companion).post(
        save_url(plan, rakor), entry_data(rakor, quantity=NOT_A_NUMBER, version=str(entry.version)), headers=headers
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert NOT_A_NUMBER_MESSAGE[language] in body
    assert f'value="{NOT_A_NUMBER}"' in body
    entry.refresh_from_db()
    assert (entry.quantity, entry.version) == (Decimal("1"), 1)


@pytest.mark.parametrize(("language", "shown"), [("id", "1.234,5"), ("en", "1,234.5")])
def test_the_month_view_shows_a_stored_quantity_in_a_text_input_in_the_language_of_the_page(
    cast, plan, page, language, shown
):
    rakor = activity_titled(plan, "Rakor bulanan")
    ProgressFactory(activity=rakor, month=3, quantity=Decimal("1234.50"))
    page(language)
    body = cast.client_for(cast.companion).get(month_url(plan)).content.decode()
    assert f'<input type="text" name="a{rakor.pk}-quantity" value="{shown}" inputmode="decimal"' in body


# --- a number is read in the language its form was shown in ---------------------------------------------


@pytest.mark.parametrize(("shown", "now", "expected"), [("id", "en", "1500"), ("en", "id", "1.5")])
def test_a_quantity_is_read_in_the_language_its_form_was_shown_in(cast, plan, page, shown, now, expected):
    """A form opened on an Indonesian page and sent after the session switched to English (another tab)."""
    rakor = activity_titled(plan, "Rakor bulanan")
    page(now)
    data = entry_data(rakor, quantity="1.500", status="ongoing", **{"shown_language": shown})
    assert cast.client_for(cast.companion).post(save_url(plan, rakor), data).status_code == 302
    assert rakor.progress.get(month=3).quantity == Decimal(expected)


def test_the_month_form_says_which_language_it_was_shown_in(cast, plan, page):
    page("id")
    body = cast.client_for(cast.companion).get(month_url(plan)).content.decode()
    rakor = activity_titled(plan, "Rakor bulanan")
    assert f'name="a{rakor.pk}-shown_language" value="id"' in body


@pytest.mark.parametrize(
    ("shown", "expected"), [("id", Decimal("1500")), ("en", Decimal("1.5")), ("xx", Decimal("1.5"))]
)
def test_a_target_is_read_in_the_language_its_form_was_shown_in(cast, page, activity, shown, expected):
    page("en")  # an unknown language falls back to the page's own
    data = edit_data(activity, target_quantity="1.500", shown_language=shown)
    assert cast.client_for(cast.companion).post(edit_url(activity), data).status_code == 302
    activity.refresh_from_db()
    assert activity.target_quantity == expected

"""Numbers in an uploaded plan workbook: number cells as they are, text cells read in the language of the page
that uploads them, by the same reader as the forms; a refused cell is listed by row and column and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pillars.models import Activity
from reports.workbook import COLUMN_INDEX
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
from tests.reports.exports_helpers import fill_plan
from tests.reports.test_upload import as_file, confirm, download, row_of, send, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(cast) -> Activity:
    return fill_plan(cast.plan, 1)[0]


@pytest.fixture
def speaking(cast, settings):
    """``speaking("id")``: the companion's client, reading the app in that language."""

    def client_in(language: str):
        client = cast.client_for(cast.companion)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return client_in


def upload_with(client, plan, activity, **cells):
    book = download(client, plan)
    ws = book["RKT"]
    for name, value in cells.items():
        ws.cell(row_of(ws, activity), COLUMN_INDEX[name]).value = value
    return send(client, plan, as_file(book))


@pytest.mark.parametrize(("language", "text"), CASES)
def test_a_target_typed_as_text_stores_what_was_meant(cast, speaking, activity, language, text):
    client = speaking(language)
    preview = upload_with(client, cast.plan, activity, target_quantity=text).context["preview"]
    assert preview.errors == []
    assert confirm(client, cast.plan).status_code == 302
    activity.refresh_from_db()
    assert activity.target_quantity == QUANTITY[text]


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_budget_typed_in_thousands_is_stored(cast, speaking, activity, language, text):
    client = speaking(language)
    upload_with(client, cast.plan, activity, budget=f"Rp {text}")
    confirm(client, cast.plan)
    activity.refresh_from_db()
    assert activity.budget == Decimal("2500000")


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_budget_with_a_fraction_is_refused_by_row_and_column_and_nothing_is_saved(
    cast, speaking, activity, language, text
):
    client = speaking(language)
    before = state(cast.plan)
    response = upload_with(client, cast.plan, activity, budget=text, unit="sesi")
    errors = response.context["preview"].errors
    assert [(error.row, error.message) for error in errors] == [
        (row_of(download(client, cast.plan)["RKT"], activity), whole_rupiah(language, text))
    ]
    assert f"rkt-upload-{cast.plan.pk}" not in client.session
    assert state(cast.plan) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_target_that_is_no_number_is_refused_once_naming_the_accepted_forms(cast, speaking, activity, language):
    client = speaking(language)
    before = state(cast.plan)
    errors = upload_with(client, cast.plan, activity, target_quantity=NOT_A_NUMBER).context["preview"].errors
    assert [error.message for error in errors] == [f"“{NOT_A_NUMBER}”: {NOT_A_NUMBER_MESSAGE[language]}"]
    assert state(cast.plan) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_cells_are_numbers_whatever_the_language(cast, speaking, activity, language):
    client = speaking(language)
    upload_with(client, cast.plan, activity, target_quantity=1.5, budget=2500000)
    confirm(client, cast.plan)
    activity.refresh_from_db()
    assert (activity.target_quantity, activity.budget) == (Decimal("1.5"), Decimal("2500000"))


def test_a_budget_cell_with_a_fraction_is_refused_too(cast, speaking, activity):
    errors = upload_with(speaking("en"), cast.plan, activity, budget=2500000.5).context["preview"].errors
    assert [error.message for error in errors] == ["Type whole Rupiah, without decimals (not 2,500,000.5)."]


def test_a_negative_target_gets_the_forms_own_message(cast, speaking, activity):
    errors = upload_with(speaking("en"), cast.plan, activity, target_quantity="-2,5").context["preview"].errors
    assert [error.message for error in errors] == ["The target cannot be negative."]


def test_the_confirmation_stores_what_the_preview_read_even_in_another_language(cast, speaking, activity):
    """1.500 is read on the Indonesian page that previewed it; switching to English before confirming changes
    nothing."""
    indonesian = speaking("id")
    upload_with(indonesian, cast.plan, activity, target_quantity="1.500")
    indonesian.cookies["django_language"] = "en"
    assert confirm(indonesian, cast.plan).status_code == 302
    activity.refresh_from_db()
    assert activity.target_quantity == Decimal("1500")


@pytest.mark.parametrize(("language", "shown"), [("id", "2,5"), ("en", "2.5")])
def test_the_preview_shows_a_changed_target_in_the_language_of_the_page(cast, speaking, activity, language, shown):
    response = upload_with(speaking(language), cast.plan, activity, target_quantity="2,5")
    change = response.context["preview"].changes[0]
    assert [field.after for field in change.fields] == [shown]

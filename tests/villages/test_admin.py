"""The village data admin: its numbers are typed and shown as on every page, in the language of the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.admin_helpers import change_form_data
from tests.factories import VillageDataFactory
from tests.number_cases import CASES, FRACTIONS, LANGUAGES, NOT_A_NUMBER, WHOLE, whole_number, whole_rupiah

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast):
    return VillageDataFactory(households=1000, poor_households=150, blt_households=40, dana_desa=Decimal("900000000"))


@pytest.fixture
def typed(cast, settings, data):
    """``typed(language, **changes)``: the admin saves the village data form in that language with changes."""

    def save(language: str, **changes):
        settings.LANGUAGE_CODE = language
        client = cast.client_for(cast.admin)
        url = reverse("admin:villages_villagedata_change", args=[data.pk])
        return client.post(url, change_form_data(client.get(url), **changes))

    return save


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_count_in_thousands_is_stored(typed, data, language, text):
    assert typed(language, households=text).status_code == 302
    data.refresh_from_db()
    assert data.households == 2_500_000


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_count_with_a_fraction_is_refused_and_nothing_changes(typed, data, language, text):
    response = typed(language, households=text)
    assert response.context["adminform"].form.errors["households"] == [whole_number(language, text)]
    data.refresh_from_db()
    assert data.households == 1000


@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_dana_desa_allocation_in_thousands_is_stored(typed, data, language, text):
    assert typed(language, dana_desa=text).status_code == 302
    data.refresh_from_db()
    assert data.dana_desa == Decimal("2500000")


@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_dana_desa_allocation_with_a_fraction_is_refused(typed, data, language, text):
    response = typed(language, dana_desa=text)
    assert response.context["adminform"].form.errors["dana_desa"] == [whole_rupiah(language, text)]
    data.refresh_from_db()
    assert data.dana_desa == Decimal("900000000")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_idm_score_with_a_decimal_comma_is_stored(typed, data, language):
    assert typed(language, idm_score="0,5").status_code == 302
    data.refresh_from_db()
    assert data.idm_score == Decimal("0.5")


@pytest.mark.parametrize(("language", "text"), [case for case in CASES if case.values[1] != "0,5"])
def test_an_idm_score_above_1_is_refused(typed, data, language, text):
    assert "idm_score" in typed(language, idm_score=text).context["adminform"].form.errors
    data.refresh_from_db()
    assert data.idm_score == Decimal("0.6500")


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_that_is_no_number_is_refused(typed, data, language):
    assert "population" in typed(language, population=NOT_A_NUMBER).context["adminform"].form.errors


@pytest.mark.parametrize(
    ("language", "score", "households", "allocation"),
    [("id", "0,65", "1.000", "900.000.000"), ("en", "0.65", "1,000", "900,000,000")],
)
def test_the_form_and_the_list_show_the_numbers_in_the_language_of_the_page(
    cast, settings, data, language, score, households, allocation
):
    settings.LANGUAGE_CODE = language
    client = cast.client_for(cast.admin)
    form = client.get(reverse("admin:villages_villagedata_change", args=[data.pk])).content.decode()
    assert f'name="idm_score" value="{score}" inputmode="decimal"' in form
    assert f'name="households" value="{households}" inputmode="numeric"' in form
    assert f'name="dana_desa" value="{allocation}" inputmode="numeric"' in form
    assert 'name="year" value="2026"' in form  # a year is never grouped
    listing = client.get(reverse("admin:villages_villagedata_changelist")).content.decode()
    assert f">{score}<" in listing and f">Rp {allocation}<" in listing

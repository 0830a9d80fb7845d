"""villages/number_fields.py: the form fields of numbers, a text input read and written in the page's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.db import models
from django.utils import translation

from pillars.models import Activity, MonthlyProgress
from villages.models import VillageData
from villages.number_fields import NumberField, NumberInput, RupiahField, WholeNumberField, number_formfield


class EntryForm(forms.Form):
    quantity = NumberField(max_digits=12, decimal_places=2)
    count = WholeNumberField(required=False)
    budget = RupiahField(max_digits=15, decimal_places=0, required=False)
    year = WholeNumberField(grouped=False, required=False)


def cleaned(language: str, **data) -> dict:
    with translation.override(language):
        form = EntryForm(data={"quantity": "1", **data})
        assert form.is_valid(), form.errors
        return form.cleaned_data


def errors(language: str, **data) -> dict:
    with translation.override(language):
        form = EntryForm(data={"quantity": "1", **data})
        assert not form.is_valid()
        return dict(form.errors)


def test_a_number_field_is_a_text_input_with_the_keyboard_for_its_kind():
    form = EntryForm()
    assert isinstance(form.fields["quantity"].widget, NumberInput)
    assert str(form["quantity"]) == '<input type="text" name="quantity" inputmode="decimal" required id="id_quantity">'
    assert 'inputmode="numeric"' in str(form["count"]) and 'inputmode="numeric"' in str(form["budget"])


@pytest.mark.parametrize(
    ("language", "quantity", "count", "budget"),
    [("id", "1.234,5", "1.500", "2.500.000"), ("en", "1,234.5", "1,500", "2,500,000")],
)
def test_a_stored_value_is_shown_in_the_language_of_the_page(language, quantity, count, budget):
    with translation.override(language):
        form = EntryForm(
            initial={"quantity": Decimal("1234.50"), "count": 1500, "budget": Decimal("2500000"), "year": 2026}
        )
        assert (form["quantity"].value(), form["count"].value(), form["budget"].value()) == (quantity, count, budget)
        assert form["year"].value() == "2026"


def test_what_was_typed_is_shown_as_typed_beside_its_message():
    with translation.override("id"):
        form = EntryForm(data={"quantity": "2,5,5"})
        assert not form.is_valid()
        assert form["quantity"].value() == "2,5,5"


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_kind_reads_text_in_the_language_of_the_page(language):
    data = cleaned(language, quantity="2,5", count="2.500.000", budget="Rp 2.500.000", year="2026")
    assert data == {"quantity": Decimal("2.5"), "count": 2_500_000, "budget": Decimal("2500000"), "year": 2026}


def test_an_empty_optional_field_is_none_and_a_required_one_is_refused():
    assert cleaned("en", count="", budget="  ")["count"] is None
    assert errors("en", quantity="") == {"quantity": ["This field is required."]}


def test_the_refusals_are_the_readers_own_messages():
    assert errors("en", quantity="abc") == {"quantity": ["Type a number such as 2.5 or 1,500,000."]}
    assert errors("id", count="2,5") == {"count": ["Tulis bilangan bulat di sini, bukan 2,5."]}
    assert errors("en", budget="-5") == {"budget": ["An amount cannot be negative."]}
    assert errors("en", quantity="2.555") == {"quantity": ["Use at most 2 decimal places; 2.555 has 3."]}


def test_a_form_may_name_a_rule_in_its_own_words():
    field = NumberField(error_messages={"negative": "The target cannot be negative."})
    with pytest.raises(forms.ValidationError) as refusal:
        field.clean("-1")
    assert refusal.value.messages == ["The target cannot be negative."] and refusal.value.code == "negative"


def test_a_number_given_as_a_number_is_checked_as_it_is():
    field = NumberField(max_digits=12, decimal_places=2)
    assert field.clean(Decimal("2.50")) == Decimal("2.5")
    with pytest.raises(forms.ValidationError):
        RupiahField().clean(Decimal("2500000.5"))


def test_an_unchanged_value_is_not_a_change():
    field = NumberField(max_digits=12, decimal_places=2)
    with translation.override("id"):
        assert not field.has_changed(Decimal("2.50"), "2,5")
        assert field.has_changed(Decimal("2.50"), "25")


def test_a_models_numeric_fields_get_the_number_fields_with_the_models_limits():
    target = number_formfield(Activity._meta.get_field("target_quantity"))
    assert (type(target), target.max_digits, target.decimal_places) == (NumberField, 12, 2)
    assert type(number_formfield(Activity._meta.get_field("budget"), rupiah=True)) is RupiahField
    assert type(number_formfield(VillageData._meta.get_field("households"))) is WholeNumberField
    assert number_formfield(MonthlyProgress._meta.get_field("month")).required


def test_other_fields_and_fields_with_choices_are_left_alone():
    assert number_formfield(Activity._meta.get_field("sdg_goal")) is None
    assert number_formfield(Activity._meta.get_field("months")) is None  # a set of months kept in an integer
    assert number_formfield(Activity._meta.get_field("title")) is None
    assert number_formfield(models.BooleanField()) is None

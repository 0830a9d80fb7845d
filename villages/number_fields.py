"""Form fields for numbers, read and shown by :mod:`villages.formats` in the page's language.

A text input, not ``type="number"``: a browser's number input reads "2,5" by the phone's locale,
not the page's, and may send 25 or nothing; a text input sends exactly what was typed, and the
``inputmode`` still opens the digit keyboard. A stored value comes back written in the page's
language ("2,5" and "1.500.000" on an Indonesian page, "2.5" and "1,500,000" on an English one).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from villages.formats import NumberError, cell_number, format_number, number_language


class NumberInput(forms.TextInput):
    """A text input for a number; its field adds ``inputmode="decimal"`` (or ``"numeric"``)."""


class NumberField(forms.Field):
    """A number typed the Indonesian or the English way (see :func:`villages.formats.parse_number`).

    ``max_digits`` and ``decimal_places`` as the model's DecimalField (a model field's ``formfield``
    passes them); negative numbers are refused unless ``negative``. ``error_messages`` may replace the
    message of any rule by its code: ``invalid``, ``negative``, ``whole``, ``max_decimal_places``,
    ``too_large``.
    """

    widget = NumberInput
    whole = False
    money = False
    # The language its text is read in: None, the active one; a form sets the one it was shown in
    # (:class:`ShownLanguageForm`).
    language: str | None = None

    def __init__(
        self,
        *,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        max_value=None,
        min_value=None,
        negative: bool = False,
        grouped: bool = True,
        step_size=None,
        **kwargs,
    ):
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.max_value = max_value
        # A model's PositiveIntegerField passes min_value=0; no field of the app takes negatives.
        self.negative = negative or (min_value is not None and min_value < 0)
        self.grouped = grouped
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "inputmode": "numeric" if self.whole or self.money else "decimal"}

    def rules(self) -> dict:
        return {
            "whole": self.whole,
            "money": self.money,
            "negative": self.negative,
            "max_digits": self.max_digits,
            "decimal_places": self.decimal_places,
            "max_value": self.max_value,
        }

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            # A number (a spreadsheet's number cell) is checked as it is; text is read in the page's language.
            return cell_number(value, language=self.language, **self.rules())
        except NumberError as refusal:
            message = self.error_messages.get(refusal.code, refusal.message)
            raise ValidationError(message, code=refusal.code, params=refusal.params) from None

    def prepare_value(self, value):
        """A stored value in the page's language; what was typed stays as it was typed."""
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return format_number(value) if self.grouped else str(value)
        return value


class ShownLanguageForm(forms.Form):
    """A form that reads its numbers in the language it was shown in, whatever language the session has
    switched to since: "1.500" typed on an Indonesian page is 1500 even if the English page is open by the
    time it is sent. The language travels in a hidden field; an unknown value falls back to the active one."""

    shown_language = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown_language"].initial = number_language()
        if self.is_bound:
            shown = self.data.get(self.add_prefix("shown_language"), "")
            if shown in ("id", "en"):
                for field in self.fields.values():
                    if isinstance(field, NumberField):
                        field.language = shown


class WholeNumberField(NumberField):
    """A count: "1.500" on an Indonesian page, "1,500" on an English one; "2,5" is refused, never 25."""

    whole = True

    def to_python(self, value) -> int | None:
        number = super().to_python(value)
        return None if number is None else int(number)


class RupiahField(NumberField):
    """An amount in whole Rupiah, with or without "Rp": "Rp 2.500.000", "2.500.000", "2500000"."""

    money = True


def number_formfield(db_field: models.Field, *, rupiah: bool = False, grouped: bool = True, **kwargs):
    """The form field of one of Django's numeric model fields, or None for any other field: one with
    choices, or a project's own field built on an integer (the months of an activity) with its own form field."""
    if db_field.choices or not isinstance(db_field, models.DecimalField | models.IntegerField):
        return None
    if not type(db_field).__module__.startswith("django.db.models"):
        return None
    if isinstance(db_field, models.DecimalField):
        form_class = RupiahField if rupiah else NumberField
    else:
        form_class = WholeNumberField
    return db_field.formfield(form_class=form_class, grouped=grouped, **kwargs)


class NumberFieldsAdmin:
    """A ModelAdmin or inline whose numeric fields are :class:`NumberField`\\ s.

    ``rupiah_fields`` are amounts in Rupiah; ``ungrouped_fields`` are written without grouping (a year).
    """

    rupiah_fields: tuple[str, ...] = ()
    ungrouped_fields: tuple[str, ...] = ("year",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = number_formfield(
            db_field,
            rupiah=db_field.name in self.rupiah_fields,
            grouped=db_field.name not in self.ungrouped_fields,
            **kwargs,
        )
        return field if field is not None else super().formfield_for_dbfield(db_field, request, **kwargs)

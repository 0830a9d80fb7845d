"""A set of months (1–12) stored as a 12-bit mask in one small integer column.

One column keeps "scheduled in March" a single bit test in SQL (``months & 4 <> 0``)
on SQLite and PostgreSQL alike, where a JSON list would need database-specific operators.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from villages.formats import month_abbr

ALL_MONTHS = tuple(range(1, 13))
FULL_MASK = (1 << 12) - 1


def months_to_mask(months: Iterable[int]) -> int:
    mask = 0
    for month in months:
        month = int(month)
        if not 1 <= month <= 12:
            raise ValidationError(_("A month must be between 1 and 12; got %(month)s."), params={"month": month})
        mask |= 1 << (month - 1)
    return mask


# The months of every 12-bit mask, made once: every activity read from the database goes through here.
_MASK_MONTHS = tuple(tuple(m for m in ALL_MONTHS if mask & (1 << (m - 1))) for mask in range(FULL_MASK + 1))


def mask_to_months(mask: int) -> tuple[int, ...]:
    if 0 <= mask <= FULL_MASK:
        return _MASK_MONTHS[mask]
    return tuple(m for m in ALL_MONTHS if mask & (1 << (m - 1)))


def month_bit(month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return 1 << (month - 1)


class MonthsField(models.PositiveSmallIntegerField):
    """Python value: a sorted tuple of month numbers; database value: the bit mask."""

    description = _("Set of months (1–12)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", tuple)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is tuple:
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return mask_to_months(value)

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, int):
            return mask_to_months(value)
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        try:
            return tuple(sorted({int(m) for m in value}))
        except (TypeError, ValueError):
            raise ValidationError(_("Months must be numbers between 1 and 12."), code="invalid") from None

    def get_prep_value(self, value):
        if value is None or isinstance(value, int):
            return value
        return months_to_mask(value)

    def validate(self, value, model_instance) -> None:
        # The parent checks `value in choices` and emptiness; here the value is a tuple.
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"], code="blank")
        months_to_mask(value or ())

    def run_validators(self, value) -> None:
        # Integer range validators apply to the mask, not to the tuple.
        return None

    def value_to_string(self, obj) -> str:
        return ",".join(str(m) for m in self.value_from_object(obj) or ())

    def formfield(self, **kwargs):
        defaults = {"form_class": MonthsFormField}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


@MonthsField.register_lookup
class IncludesMonth(models.Lookup):
    """``months__includes=3``: the set contains March."""

    lookup_name = "includes"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} & %s) <> 0", [*lhs_params, month_bit(int(self.rhs))]


class MonthsFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, max_value=None, min_value=None, step_size=None, **kwargs):
        kwargs.setdefault("choices", [(m, month_abbr(m)) for m in ALL_MONTHS])
        kwargs["coerce"] = int
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            value = mask_to_months(value)
        return value

    def clean(self, value):
        return tuple(sorted(set(super().clean(value))))

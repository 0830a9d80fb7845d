"""What changed, field by field, in the reader's words: one builder for every page that says so.

The history page, the changes since an approved version, a refused stale save and the workbook upload
preview all describe a change the same way, as Django admin's ``construct_change_message`` does for the
admin: :func:`field_changes` compares two sets of stored values of a model, field by field, and writes
each difference as a :class:`FieldChange` (the field's label, the value before and after) already
formatted; :class:`FieldDisplay` is the one place that says how a value of each kind of field shows
(months by their full names, Rupiah, numbers in the page's language, yes/no, choices by their label,
pillars and villages by name).

Values go in as stored: by field name, a foreign key by its id (:func:`stored_values` reads them from
a model instance or a history record). A page builds one :class:`FieldDisplay` with the pillars and
village names it has loaded, so describing a change costs no query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from pillars.fields import MonthsField
from pillars.models import Pillar, WorkPlan
from villages.formats import format_date, format_number, format_rupiah, month_name
from villages.models import Region

EMPTY = "–"
# Fields whose name says what their number is, whichever model they belong to.
MONEY = frozenset({"budget"})
MONTH = "month"
POSITION = "position"  # stored from 0, read from 1
# A blank that means something: an activity without a village is for every village of the plan.
BLANK_MEANS = {"village": gettext_lazy("All assigned villages")}


@dataclass(frozen=True)
class FieldChange:
    """One field of one object: its label and its value before and after, as the reader sees them."""

    label: str
    before: str
    after: str


def is_blank(value) -> bool:
    return value is None or value == "" or value == () or value == []


class FieldDisplay:
    """How a stored value of any field shows. Holds the pillars and village names of one page."""

    def __init__(self, pillars: Mapping[int, Pillar], villages: Mapping[str, str]):
        self.pillars = pillars
        self.villages = villages

    @classmethod
    def for_plan(cls, plan: WorkPlan) -> FieldDisplay:
        """Every pillar and the plan's villages: two queries, whatever is then shown."""
        return cls(Pillar.objects.in_bulk(), dict(plan.villages.values_list("code", "name")))

    def label(self, model_field: models.Field) -> str:
        return capfirst(str(model_field.verbose_name))

    def text(self, model_field: models.Field, value) -> str:
        name = model_field.name
        if is_blank(value):
            return str(BLANK_MEANS.get(name, EMPTY))
        if isinstance(model_field, MonthsField):
            return ", ".join(month_name(month) or str(month) for month in value)
        if name == MONTH:
            return month_name(value) or str(value)
        if isinstance(model_field, models.ForeignKey):
            return self._related(model_field, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return gettext("yes") if value else gettext("no")
        if name in MONEY:
            return format_rupiah(value) or str(value)
        if isinstance(model_field, models.DecimalField):
            return format_number(value) or str(value)
        if name == POSITION:
            return str(value + 1)
        if isinstance(value, datetime):
            return format_date(value, time=True)
        if isinstance(value, date):
            return format_date(value)
        return str(value)

    def _related(self, model_field: models.ForeignKey, value) -> str:
        if model_field.related_model is Pillar:
            pillar = self.pillars.get(value)
            return pillar.name if pillar else str(value)
        if model_field.related_model is Region:
            return self.villages.get(value, str(value))
        return str(value)


def _same(model_field: models.Field, before, after) -> bool:
    if is_blank(before) or is_blank(after):
        return is_blank(before) and is_blank(after)
    if isinstance(model_field, models.DecimalField):
        # A snapshot keeps numbers as text, a record as Decimal: 4, "4" and 4.00 are the same number.
        try:
            return Decimal(str(before)) == Decimal(str(after))
        except InvalidOperation:
            return str(before) == str(after)
    if isinstance(model_field, MonthsField):
        return tuple(before) == tuple(after)
    return before == after


def stored_values(obj: models.Model, names: Iterable[str]) -> dict[str, object]:
    """The stored values of ``obj`` (a model instance or a history record) by field name, a foreign key by its id."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in names}


def field_changes(
    model: type[models.Model],
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    *,
    names: Iterable[str],
    display: FieldDisplay,
    every: bool = False,
) -> list[FieldChange]:
    """The fields ``names`` of ``model`` that differ between ``before`` and ``after`` (stored values by field
    name; None for an object not there yet, or no longer), in that order. ``every``: the same ones too."""
    before, after = before or {}, after or {}
    rows = []
    for name in names:
        model_field = model._meta.get_field(name)
        old, new = before.get(name), after.get(name)
        if every or not _same(model_field, old, new):
            shown = display.label(model_field), display.text(model_field, old), display.text(model_field, new)
            rows.append(FieldChange(*shown))
    return rows


def conflict_changes(
    current: models.Model, typed: Mapping, names: list[str], display: FieldDisplay
) -> list[FieldChange]:
    """Every field ``names`` of ``current`` as saved now (``before``) beside what the user typed (``after``)."""
    mine = {name: value.pk if isinstance(value, models.Model) else value for name, value in typed.items()}
    return field_changes(type(current), stored_values(current, names), mine, names=names, display=display, every=True)

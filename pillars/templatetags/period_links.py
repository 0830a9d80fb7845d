"""The links to a plan's quarter and year reports (``{% period_links plan current=2 %}``): the quarters come from
:func:`pillars.selectors.quarter_links`, the template only draws them."""

from __future__ import annotations

from django import template
from django.urls import reverse

from pillars.selectors import quarter_links

register = template.Library()


@register.inclusion_tag("pillars/_period_links.html")
def period_links(plan, current: int | None = None, on_year: bool = False) -> dict:
    return {
        "quarters": quarter_links(lambda number: reverse("pillars:plan-quarter", args=[plan.pk, number]), current),
        "year_url": reverse("pillars:plan-year", args=[plan.pk]),
        "on_year": on_year,
    }

"""Presentation helpers: Rupiah amounts, month names, status badges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.dates import MONTHS, MONTHS_3

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """``1500000`` → ``Rp 1.500.000``; empty for no value."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("1"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


@register.filter
def number(value) -> str:
    """Indonesian digit grouping without trailing zeros: ``1234.50`` → ``1.234,5``."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{amount.normalize():,f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


@register.filter
def month_name(month) -> str:
    try:
        return str(MONTHS[int(month)])
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def month_abbr(month) -> str:
    try:
        return str(MONTHS_3[int(month)]).title()
    except (KeyError, TypeError, ValueError):
        return ""


@register.simple_tag
def months_range() -> range:
    return range(1, 13)


@register.filter
def has_month(months, month) -> bool:
    return int(month) in (months or ())


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes (at least 1), for messages such as the login cool-off."""
    try:
        return max(1, int(duration.total_seconds() // 60))
    except AttributeError:
        return 0

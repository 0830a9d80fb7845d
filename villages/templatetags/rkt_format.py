"""Presentation helpers: Rupiah amounts, month names, status badges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

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
def percent(value) -> str:
    """A percent already rounded to one decimal place (``pillars.figures.percent``): ``62,5%``; "–" for none."""
    if value in (None, ""):
        return "–"
    try:
        amount = Decimal(value).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        return "–"
    whole, _, fraction = f"{amount:,f}".partition(".")
    return f"{whole.replace(',', '.')},{fraction}%"


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


_GRID_LABELS: dict[str, tuple[list[str], list[str], str, str]] = {}


def _grid_labels() -> tuple[list[str], list[str], str, str]:
    """Month names, initials and the grid's label words in the active language, translated once per language."""
    language = get_language() or ""
    labels = _GRID_LABELS.get(language)
    if labels is None:
        names = [escape(str(MONTHS[m])) for m in range(1, 13)]
        initials = [escape(str(MONTHS_3[m])[:1].upper()) for m in range(1, 13)]
        title, none = escape(gettext("Scheduled months")), escape(gettext("none"))
        labels = _GRID_LABELS[language] = (names, initials, title, none)
    return labels


@register.simple_tag
def month_grid(months) -> SafeString:
    """January–December schedule as twelve cells, the scheduled ones marked; one label for screen readers
    keeps a long plan light. Built in Python: a plan page draws it for every activity."""
    names, initials, title, none = _grid_labels()
    scheduled = set(months or ())
    spoken = ", ".join(names[m - 1] for m in sorted(scheduled) if 1 <= m <= 12) or none
    cells = "".join(
        f'<span class="on">{initials[m - 1]}</span>' if m in scheduled else f"<span>{initials[m - 1]}</span>"
        for m in range(1, 13)
    )
    return mark_safe(f'<div class="month-grid" role="img" aria-label="{title}: {spoken}">{cells}</div>')  # noqa: S308 (escaped above)


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

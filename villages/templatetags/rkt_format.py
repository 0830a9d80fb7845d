"""Presentation helpers: numbers, Rupiah, percentages, dates and month names in the page's language,
the schedule grid. Each filter wraps its writer in :mod:`villages.formats`, the one writer of each kind,
which Python code (documents, workbooks, messages) calls directly.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from villages import formats
from villages.formats import format_date, format_iso_datetime, format_number, format_percent, format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """``1500000`` → ``Rp 1.500.000`` (English: ``Rp 1,500,000``); empty for no value."""
    return format_rupiah(value)


@register.filter
def number(value) -> str:
    """Grouped, without trailing zeros: ``1234.50`` → ``1.234,5`` (English: ``1,234.5``); empty for no value."""
    return format_number(value)


@register.filter
def percent(value) -> str:
    """A percentage rounded to one decimal place: ``62,5%`` (English: ``62.5%``); ``–`` for None."""
    return format_percent(value)


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """``20 Januari 2026`` (English: ``20 January 2026``)."""
    return format_date(value)


@register.filter(expects_localtime=True)
def long_datetime(value) -> str:
    """``20 Januari 2026 14:05``, in the local time."""
    return format_date(value, time=True)


@register.filter(expects_localtime=True)
def iso_datetime(value) -> str:
    """``2026-01-20T14:05:09+07:00``, for ``<time datetime="...">``."""
    return format_iso_datetime(value)


@register.filter(expects_localtime=True)
def short_date(value) -> str:
    """``20 Jan 2026``."""
    return format_date(value, short=True)


@register.filter
def month_name(month) -> str:
    """``1`` → ``Januari`` (English: ``January``)."""
    return formats.month_name(month)


@register.filter
def month_abbr(month) -> str:
    """``1`` → ``Jan``."""
    return formats.month_abbr(month)


@register.simple_tag
def months_range() -> range:
    return range(1, 13)


_GRID_LABELS: dict[str, tuple[list[str], list[str], str, str]] = {}


def _grid_labels() -> tuple[list[str], list[str], str, str]:
    """Month names, initials and the grid's label words in the active language, translated once per language."""
    language = get_language() or ""
    labels = _GRID_LABELS.get(language)
    if labels is None:
        names = [escape(formats.month_name(m)) for m in range(1, 13)]
        initials = [escape(formats.month_abbr(m)[:1]) for m in range(1, 13)]
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

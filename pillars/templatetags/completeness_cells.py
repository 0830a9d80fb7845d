"""One cell of the completeness grid rendered in Python.

The grid of a kabupaten is 150 companions × 12 months; written as template tags each cell cost a URL
reverse, two filters and a chain of ``{% if %}`` (about 160 ms per page on the bench, issue 9). Here
the link pattern is reversed once per page and the labels translated once per cell state.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from pillars.selectors import Cell, CompletenessCell
from villages.formats import month_name

register = template.Library()

SYMBOLS = {
    Cell.ACKNOWLEDGED: "✓",
    Cell.SUBMITTED: "●",
    Cell.RETURNED: "↩",
    Cell.REOPENED: "↺",
    Cell.OPEN: "○",
    Cell.MISSING: "✗",
    Cell.NOT_OWED: "–",
    Cell.NOT_HELD: "–",
}
_SENTINEL = 987654321  # a report id no database reaches, replaced by the cell's own


def _page_cache(context) -> dict:
    """What every cell of one rendering shares: the link pattern, month names, labels, in the page's language."""
    cache = context.render_context.get("completeness_cells")
    if cache is None:
        cache = {
            "url": reverse("pillars:report-detail", args=[_SENTINEL]),
            "months": {m: month_name(m) for m in range(1, 13)},
            "labels": {},
            "late": gettext("late"),
            "mark": pgettext("one-letter mark for a late report", "L"),
        }
        context.render_context["completeness_cells"] = cache
    return cache


@register.simple_tag(takes_context=True)
def completeness_cell(context, cell: CompletenessCell) -> str:
    cache = _page_cache(context)
    label = cache["labels"].get(cell.state)
    if label is None:
        label = cache["labels"][cell.state] = str(cell.label)
    late = cell.shown_late
    title = f"{cache['months'][cell.month]}: {label}" + (f", {cache['late']}" if late else "")
    span = format_html(
        '<span class="cell cell-{}{}" title="{}">{}{}</span>',
        cell.state,
        " late" if late else "",
        title,
        SYMBOLS.get(cell.state, "·"),
        format_html("<sup>{}</sup>", cache["mark"]) if late else "",
    )
    if not cell.report_id:
        return span
    url = cache["url"].replace(str(_SENTINEL), str(cell.report_id))
    return format_html('<a href="{}" class="text-decoration-none">{}</a>', url, span)

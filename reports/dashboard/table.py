"""The dashboard's tables as the page shows them: a row per pillar, area or village, its label and link, the
sort orders and the sortable column headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pillars.figures import Tally
from pillars.models import WorkPlan
from reports.dashboard.filters import Selection
from villages.models import Region


@dataclass
class ProgressRow:
    """One pillar, area or village: a :class:`pillars.figures.Tally` of its activities, with a label and a link."""

    key: str
    label: str
    url: str = ""
    parent_label: str = ""
    tally: Tally = field(default_factory=Tally)

    def __getattr__(self, name: str):
        # The tally's figures read as the row's own: row.scheduled, row.done_pct, row.achievement_pct, ...
        if name == "tally":
            raise AttributeError(name)
        return getattr(self.tally, name)


def _sortable(value: Decimal | None) -> Decimal:
    return Decimal("-1") if value is None else value


SORT_KEYS = {
    "name": lambda row: row.label.lower(),
    "activities": lambda row: row.tally.activities,
    "scheduled": lambda row: row.tally.scheduled,
    "reported": lambda row: (_sortable(row.tally.reported_pct), row.tally.scheduled),
    "done": lambda row: (_sortable(row.tally.done_pct), row.tally.scheduled),
    "achieved": lambda row: (_sortable(row.tally.achievement_pct), row.tally.activities),
}


def sort_rows(rows: list[ProgressRow], sort: str) -> tuple[list[ProgressRow], str]:
    """Sort by ``name``, ``done``, …; a leading ``-`` reverses. Unknown keys sort by name."""
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return sorted(rows, key=SORT_KEYS["name"]), "name"
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-")), sort


def area_rows(areas: dict[str, Tally], selection: Selection) -> list[ProgressRow]:
    names = dict(Region.objects.filter(code__in=list(areas)).values_list("code", "name")) if areas else {}
    return [
        ProgressRow(code, names.get(code, code), selection.home_url(area=code), tally=tally)
        for code, tally in areas.items()
    ]


def village_rows(villages: dict[str, Tally], selection: Selection) -> list[ProgressRow]:
    rows = []
    if villages:
        regions = Region.objects.filter(code__in=list(villages)).select_related("parent")
        for region in regions:
            url = selection.plan_list_url(status=WorkPlan.Status.APPROVED, kecamatan=region.parent_id)
            parent = region.parent.name if region.parent_id else ""
            rows.append(ProgressRow(region.code, region.name, url, parent_label=parent, tally=villages[region.code]))
    return rows


@dataclass
class SortColumn:
    key: str
    label: str
    url: str
    state: str  # "ascending", "descending" or "" (the aria-sort value)

    @property
    def is_ascending(self) -> bool:
        return self.state == "ascending"

    @property
    def is_descending(self) -> bool:
        return self.state == "descending"


def sort_columns(selection: Selection, sort: str, **keep) -> list[SortColumn]:
    """Column headers of the area and village tables; a second click on the sorted column reverses it."""
    labels = {
        "name": _("Name"),
        "activities": _("Activities"),
        "scheduled": _("Scheduled"),
        "reported": _("Reported"),
        "done": _("Done"),
        "achieved": _("Achievement"),
    }
    columns = []
    for key, label in labels.items():
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        url = selection.home_url(sort=f"-{key}" if sort == key else key, **keep)
        columns.append(SortColumn(key, label, url, state))
    return columns

"""Villages in the user's scope: a searchable list and a village's page.

The village page puts together what ``villages`` and ``pillars`` hold separately: the village's
data over the years and the activities planned there by every companion, so it lives here.
Everything is read through ``visible_to``: a village outside scope is a 404, and a companion sees
only their own activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import linebreaksbr
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from pillars import figures, versions
from pillars.models import ACTIVITY_ORDER, Activity, WorkPlan
from reports.documents import ToDate, to_date
from rkt.pages import versioned_page
from villages.formats import format_number, format_rupiah
from villages.models import INDEKS_DESA_FROM, Region, VillageData, index_name, index_score, index_status
from villages.scope import viewer_for
from villages.zones import zone_of

# Rows of the data-over-the-years table after those of the index: (field, how to show it).
DATA_ROWS = (
    ("population", "number"),
    ("households", "number"),
    ("poor_households", "number"),
    ("blt_households", "number"),
    ("dana_desa", "rupiah"),
    ("bumdes_status", "choice"),
    ("bumdes_legal_entity", "yesno"),
    ("priority_problems", "text"),
)


class VillageSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=format_lazy(
            _("Latest status (IDM up to {last_idm}, Indeks Desa from {first})"),
            last_idm=INDEKS_DESA_FROM - 1,
            first=INDEKS_DESA_FROM,
        ),
        required=False,
        choices=[("", _("Any status")), *VillageData.IdmStatus.choices, ("none", _("No data"))],
    )


def _matching(villages, query: str):
    """A name fragment, or the start of a code with or without dots (``340301`` → ``34.03.01``)."""
    digits = query.replace(".", "").replace(" ", "")
    if digits.isdigit():
        parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
        prefix = ".".join(part for part in parts if part)
        return villages.filter(code__startswith=prefix)
    return villages.filter(Q(name__icontains=query) | Q(parent__name__icontains=query))


@require_GET
@login_required
def village_list(request):
    return versioned_page(request, versions.of_viewer(viewer_for(request.user)), lambda: _village_list(request))


def _village_list(request):
    latest = VillageData.objects.filter(village=OuterRef("pk")).order_by("-year")
    villages = (
        Region.objects.visible_to(request.user)
        .villages()
        .select_related("parent")
        .annotate(
            data_year=Subquery(latest.values("year")[:1]),
            data_status=Subquery(latest.annotate(status=index_status()).values("status")[:1]),
            data_score=Subquery(latest.annotate(score=index_score()).values("score")[:1]),
        )
        .order_by("code")
    )
    form = VillageSearchForm(request.GET)
    query = status = ""
    if form.is_valid():
        query = re.sub(r"\s+", " ", form.cleaned_data["q"]).strip()
        status = form.cleaned_data["status"]
        if query:
            villages = _matching(villages, query)
        if status == "none":
            villages = villages.filter(data_year__isnull=True)
        elif status:
            villages = villages.filter(data_status=status)
    page = Paginator(villages, settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(VillageData.IdmStatus.choices)
    for village in page.object_list:
        village.data_status_label = labels.get(village.data_status, "")
        if village.data_year is not None:
            village.data_index_name = index_name(village.data_year)
    context = {"page": page, "total": page.paginator.count, "form": form, "query": query, "status": status}
    return render(request, "reports/village_list.html", context)


@require_GET
@login_required
def village_detail(request, code: str):
    village = get_object_or_404(
        Region.objects.visible_to(request.user).villages().select_related("parent__parent"), code=code
    )

    def draw() -> HttpResponse:
        years = list(VillageData.objects.visible_to(request.user).filter(village=village).order_by("-year"))
        context = {"village": village, "years": years, "rows": _data_rows(years)}
        return render(
            request, "reports/village_detail.html", context | {"planned": planned_here(request.user, village)}
        )

    return versioned_page(request, versions.of_area(village.code), draw)


@dataclass
class PlannedYear:
    """The activities in force in a village in one year, each with its figures "to date"."""

    year: int
    to_date: ToDate
    rows: list[tuple[Activity, figures.ActivityFigures]]


def planned_here(user, village: Region) -> list[PlannedYear]:
    """Activities in force that cover ``village`` (its own, or all of a plan's villages), newest year first."""
    activities = (
        Activity.objects.visible_to(user)
        .in_force()
        .filter(plan__in=WorkPlan.objects.counted())
        .covering(village.code)
        .select_related("plan__companion__user", "pillar")
        .order_by("-plan__year", "plan__companion__user__username", *ACTIVITY_ORDER)
    )
    by_year: dict[int, list[Activity]] = {}
    for activity in activities:
        by_year.setdefault(activity.plan.year, []).append(activity)
    planned, zone = [], zone_of(village.code)  # the village's own local time
    for year, rows in by_year.items():
        cut_off = to_date(year, zone)
        numbers = figures.figures_for(rows, through=cut_off.month)
        planned.append(PlannedYear(year, cut_off, [(activity, numbers[activity.pk]) for activity in rows]))
    return planned


class DataRow(NamedTuple):
    """One figure over the years: its label, how it is shown (a ``DATA_ROWS`` kind) and its value each year."""

    label: str
    kind: str
    values: list

    @property
    def is_numeric(self) -> bool:
        """Right-aligned on one line: every kind but free text."""
        return self.kind != "text"

    @property
    def shown(self) -> list[str | None]:
        """Each year's value ready to show; None where nothing is recorded."""
        return [_shown(self.kind, value) for value in self.values]


def _shown(kind: str, value) -> str | None:
    if value is None or value == "":
        return None
    if kind == "number":
        return format_number(value)
    if kind == "rupiah":
        return format_rupiah(value)
    if kind == "yesno":
        return gettext("yes") if value else gettext("no")
    if kind == "text":
        return linebreaksbr(value)
    return value


def _index_rows(years: list[VillageData]) -> list[DataRow]:
    """The index that applies to each year (``VillageData.index``): its name, score and status, and the Indeks
    Desa's six dimensions when a year has it."""
    indices = [data.index for data in years]
    rows = [
        DataRow(gettext("index"), "choice", [index.name for index in indices]),
        DataRow(gettext("index score"), "number", [index.score for index in indices]),
        DataRow(gettext("index status"), "choice", [index.status_label for index in indices]),
    ]
    if any(index.is_indeks_desa for index in indices):
        for position, (_dimension, label) in enumerate(VillageData.Dimension.choices):
            scores = [index.dimensions[position].score if index.dimensions else None for index in indices]
            rows.append(DataRow(label, "number", scores))
    return rows


def _data_rows(years: list[VillageData]) -> list[DataRow]:
    """The table of figures with one column per year."""
    rows = _index_rows(years)
    for name, kind in DATA_ROWS:
        field = VillageData._meta.get_field(name)
        if kind == "choice":
            values = [getattr(data, f"get_{name}_display")() for data in years]
        else:
            values = [getattr(data, name) for data in years]
        rows.append(DataRow(field.verbose_name, kind, values))
    return rows

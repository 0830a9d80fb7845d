"""Plan-quality checks: does the plan rest on the village data? (PRODUCT.md, workflow 4.)

They warn and never block submission. They work on what the plan page has already loaded (its
pillar sections and village rows, and the dimension mapping read once with them by
:func:`pillars.selectors.dimension_focus`), so showing them costs no query of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from pillars.figures import QUARTERS
from pillars.models import Activity, DimensionFocus
from pillars.selectors import PillarSection, VillageRow
from villages.formats import format_number


def organising_pillar_code() -> str:
    """The pillar that organises communities and institutions (BUMDes); a deployment may rename it."""
    return getattr(settings, "RKT_ORGANISING_PILLAR", "ORG")


@dataclass(frozen=True)
class Check:
    """One line of the checklist: what was checked, whether it holds, and where to fix it."""

    kind: str
    label: str  # what holds when it is fine
    problem: str  # what to fix when it is not
    ok: bool
    anchor: str
    # What a new activity fixing it would start with, for the "add an activity" link.
    suggest: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return self.label if self.ok else self.problem

    @property
    def query(self) -> str:
        return urlencode(self.suggest)


def plan_checks(
    sections: Iterable[PillarSection], villages: Iterable[VillageRow], focus: Iterable[DimensionFocus] = ()
) -> list[Check]:
    """Every check of the plan, the ones that hold too, in the order the checklist shows them. ``focus``: what
    aims an activity at an Indeks Desa dimension (every row of :class:`DimensionFocus`, pillars loaded)."""
    focus = list(focus)
    sections = list(sections)
    activities = [activity for section in sections for activity in section.activities]
    checks = [
        Check(
            "pillar",
            _("Pillar %(pillar)s has an activity") % {"pillar": section.pillar.name},
            _("Pillar %(pillar)s has no activity yet") % {"pillar": section.pillar.name},
            bool(section.activities),
            f"pillar-{section.pillar.code}",
            (("pillar", section.pillar.code),),
        )
        for section in sections
        if section.pillar.is_active or section.activities
    ]
    organising = organising_pillar_code()
    organising_id = next((s.pillar.pk for s in sections if s.pillar.code == organising), None)
    for row in villages:
        code, name = row.village.code, row.village.name
        mine = [a for a in activities if a.covers(code)]
        checks.append(
            Check(
                "village",
                _("%(village)s has an activity") % {"village": name},
                _("%(village)s has no activity yet") % {"village": name},
                bool(mine),
                f"village-{code}",
                (("village", code),),
            )
        )
        if row.data is None:
            continue
        if row.data.needs_poor_group_activity:
            checks.append(
                Check(
                    "poor",
                    _("%(village)s has poor households or BLT recipients: a poor-group activity is planned")
                    % {"village": name},
                    _("%(village)s has poor households or BLT recipients but no poor-group activity")
                    % {"village": name},
                    any(a.is_poor_group for a in mine),
                    f"village-{code}",
                    (("village", code), ("target_group", Activity.TargetGroup.POOR), ("poor_priority", "on")),
                )
            )
        weakest = row.data.index.weakest
        if weakest is not None:
            checks.append(_weakest_dimension_check(code, name, weakest, mine, focus))
        if organising_id is not None and row.data.needs_bumdes_organising:
            checks.append(
                Check(
                    "bumdes",
                    _("%(village)s has no active BUMDes: an organising activity is planned") % {"village": name},
                    _("%(village)s has no active BUMDes but no organising activity") % {"village": name},
                    any(a.pillar_id == organising_id for a in mine),
                    f"village-{code}",
                    (("village", code), ("pillar", organising), ("target_group", Activity.TargetGroup.BUMDES)),
                )
            )
    scheduled = {month for activity in activities for month in activity.months}
    for number, months in QUARTERS.items():
        checks.append(
            Check(
                "quarter",
                _("Something is scheduled in quarter %(number)s") % {"number": number},
                _("Nothing is scheduled in quarter %(number)s") % {"number": number},
                bool(scheduled.intersection(months)),
                "activities",
                tuple(("months", str(month)) for month in months[:1]),
            )
        )
    # What needs attention comes first; a short phone screen should not hide it below the passes.
    return sorted(checks, key=lambda check: check.ok)


def _weakest_dimension_check(code: str, name: str, weakest, mine: list[Activity], focus: list[DimensionFocus]) -> Check:
    """A village whose data has the Indeks Desa: is an activity covering it aimed at its weakest dimension?"""
    aims = [row for row in focus if row.dimension == weakest.dimension]
    words = {"village": name, "dimension": weakest.label, "score": format_number(weakest.score)}
    suggest: list[tuple[str, str]] = [("village", code)]
    if aims:
        if aims[0].pillar is not None:
            suggest.append(("pillar", aims[0].pillar.code))
        if aims[0].target_group:
            suggest.append(("target_group", aims[0].target_group))
    return Check(
        "dimension",
        _("%(village)s: weakest dimension %(dimension)s (%(score)s) has an activity aimed at it") % words,
        _("%(village)s: weakest dimension %(dimension)s (%(score)s) has no activity aimed at it") % words,
        any(row.aims(activity) for row in aims for activity in mine),
        f"village-{code}",
        tuple(suggest),
    )

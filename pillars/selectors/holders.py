"""The companions a user reaches through the plans they hold or held: one rule for the completeness grid and the
handover's checks.

:meth:`villages.models.CompanionQuerySet.visible_to` follows the village assignments; a companion who handed a plan
over gave its villages to the successor, yet still owes (and may still report) the months they held. A coordinator
keeps them in scope through that plan: listed on the grid, and a plan can be handed back to them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from pillars.models import Handover, WorkPlan
from villages.models import Companion, CompanionQuerySet
from villages.scope import below


def holders_in_scope(user, year: int, *, area_code: str | None = None) -> CompanionQuerySet:
    """The companions ``user`` sees, and those who handed over a plan of ``year`` that ``user`` sees. With
    ``area_code``, those with a village below it, and those who handed over a plan with a village below it."""
    plans = WorkPlan.objects.visible_to(user).filter(year=year)
    companions = Companion.objects.visible_to(user)
    if area_code:
        in_area = WorkPlan.villages.through.objects.filter(below("region_id", area_code), workplan_id=OuterRef("pk"))
        plans = plans.filter(Exists(in_area))
        links = Companion.villages.through.objects.filter(below("region_id", area_code))
        companions = companions.filter(Exists(links.filter(companion_id=OuterRef("pk"))))
    handed = Handover.objects.filter(plan__in=plans).order_by().values("predecessor_id")
    # One IN of a UNION: an OR of two INs had PostgreSQL test all of a country's companions (25 ms of a home).
    return Companion.objects.filter(pk__in=companions.order_by().values("pk").union(handed))

"""A month of a plan as a chip (``templates/reports/_month_chips.html``): its state in the completeness grid's words,
linking to the month. The companion's home and a village official's home draw their months with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from pillars.models import WorkPlan
from pillars.selectors import CompletenessCell


@dataclass
class MonthChip:
    year: int
    month: int
    state: str
    label: str
    late: bool
    url: str

    @classmethod
    def of(cls, plan: WorkPlan, cell: CompletenessCell) -> MonthChip:
        """The chip of one cell of ``plan``'s row of the grid."""
        url = reverse("pillars:plan-month", args=[plan.pk, cell.month])
        return cls(plan.year, cell.month, cell.state, cell.label, cell.shown_late, url)

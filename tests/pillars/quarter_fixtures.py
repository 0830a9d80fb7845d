"""A plan of 2026 in force with four activities whose first quarter tells the rules apart: one scheduled every
month of the half-year, one scheduled once in the quarter and over its plan, one worked on outside its schedule, one
cancelled. Seen on 15 June 2026 (the clock fixture): the first quarter is over, the second is not."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from pillars.models import Activity, MonthlyProgress, Pillar, WorkPlan
from tests.factories import ActivityFactory


@dataclass
class QuarterWorld:
    plan: WorkPlan
    monthly: Activity  # target 6 over January–June: 1 a month
    once: Activity  # target 10 in February, August, November: 3,33 a month; 5 done in February
    outside: Activity  # target 4 in July only; 1 done in January, outside its schedule
    cancelled: Activity  # January–February, cancelled in January

    @property
    def activities(self) -> list[Activity]:
        return [self.monthly, self.once, self.outside, self.cancelled]


def entry(activity: Activity, month: int, quantity: str, status=MonthlyProgress.Status.DONE, **text) -> None:
    MonthlyProgress.objects.create(activity=activity, month=month, quantity=Decimal(quantity), status=status, **text)


@pytest.fixture
def quarter_world(cast, clock) -> QuarterWorld:
    pillars = list(Pillar.objects.order_by("order"))
    plan = cast.plan
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.APPROVED)
    plan.refresh_from_db()
    monthly = ActivityFactory(plan=plan, pillar=pillars[0], target_quantity=6, months=(1, 2, 3, 4, 5, 6))
    once = ActivityFactory(plan=plan, pillar=pillars[0], target_quantity=10, months=(2, 8, 11))
    outside = ActivityFactory(plan=plan, pillar=pillars[1], target_quantity=4, months=(7,))
    cancelled = ActivityFactory(plan=plan, pillar=pillars[1], target_quantity=2, months=(1, 2))
    entry(monthly, 1, "1", description="Rapat desa", problems="Hujan", follow_up="Jadwal ulang")
    entry(monthly, 2, "1", description="Pelatihan")
    entry(monthly, 3, "0.5", MonthlyProgress.Status.ONGOING)
    entry(monthly, 4, "1")  # the second quarter: not in the first's figures
    entry(once, 2, "5")
    entry(outside, 1, "1", description="Di luar jadwal")
    entry(cancelled, 1, "0", MonthlyProgress.Status.CANCELLED)
    return QuarterWorld(plan, monthly, once, outside, cancelled)

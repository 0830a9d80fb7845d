"""A small scope with every case the home pages count, and a way to make it ten times bigger.

Year 2025 is over (the clock is fixed at 10 February 2026), so every month of it counts. In
Gunungkidul (34.03), with hand-counted figures in the tests:

- ``pld`` (PLD, villages A 34.03.01.2001 and B 34.03.01.2002): approved plan with
  a1 (ASI, village A, months 1–3, target 3) and a2 (ORG, all villages, month 6, target 2, poor households);
  progress a1 m1 done 1, a1 m2 ongoing 0, a1 m5 done 1 (off schedule), a2 m6 done 2;
  reports: January acknowledged on time, February submitted late (waiting), March returned.
- ``pld2`` (PLD, village C 34.03.02.2001): plan submitted 5 days ago (waiting), one activity.
- ``pd4`` (PD, village D 34.03.02.2002): no plan for 2025.
- Village E 34.03.02.2003 has no companion.
- Village data: A BLT 40, B BLT 5 (only 2024 data), C BLT 10, D BLT 30 in 2024 but 0 in 2025, E BLT 50.
- ``pld_kp`` in Kulon Progo (34.01) has an approved plan with progress: nobody in 34.03 may count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pillars.models import Activity, MonthlyProgress, MonthlyReport, Pillar, WorkPlan
from tests.factories import (
    ActivityFactory,
    CompanionFactory,
    PlanFactory,
    ProgressFactory,
    UserFactory,
    VillageDataFactory,
    open_year,
    region,
)

YEAR = 2025
JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 2, 10, 9, 0, tzinfo=JAKARTA)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def fixed_now(clock):
    """The pages are seen on 10 February 2026, 09:00 Jakarta time: all of 2025 is over."""
    return clock.set(NOW)


def pillar(code: str) -> Pillar:
    return Pillar.objects.get(code=code)


def approved_plan(companion, villages) -> WorkPlan:
    return PlanFactory(
        companion=companion, year=YEAR, status=WorkPlan.Status.APPROVED, approved_at=at(2025, 1, 2), villages=villages
    )


@dataclass
class Scope:
    plan: WorkPlan
    waiting_plan: WorkPlan
    a1: Activity
    a2: Activity
    late_report: MonthlyReport


@pytest.fixture
def scope(cast, fixed_now) -> Scope:
    open_year(YEAR)
    a, b, c = region("34.03.01.2001"), region("34.03.01.2002"), region("34.03.02.2001")
    d, e = region("34.03.02.2002"), region("34.03.02.2003")
    companion, other = cast.companion.companion, cast.other_companion.companion
    CompanionFactory(user=UserFactory(username="pd4", first_name="Zainal", last_name="Pd"), role="PD", villages=[d])

    plan = approved_plan(companion, [a, b])
    a1 = ActivityFactory(plan=plan, pillar=pillar("ASI"), village=a, months=(1, 2, 3), target_quantity=Decimal("3"))
    a2 = ActivityFactory(
        plan=plan,
        pillar=pillar("ORG"),
        village=None,
        months=(6,),
        target_quantity=Decimal("2"),
        target_group=Activity.TargetGroup.POOR,
    )
    ProgressFactory(activity=a1, month=1, status=MonthlyProgress.Status.DONE, quantity=Decimal("1"))
    ProgressFactory(activity=a1, month=2, status=MonthlyProgress.Status.ONGOING, quantity=Decimal("0"))
    ProgressFactory(activity=a1, month=5, status=MonthlyProgress.Status.DONE, quantity=Decimal("1"))
    ProgressFactory(activity=a2, month=6, status=MonthlyProgress.Status.DONE, quantity=Decimal("2"))
    MonthlyReport.objects.create(
        plan=plan, month=1, status=MonthlyReport.Status.ACKNOWLEDGED, submitted_at=at(2025, 2, 3)
    )
    late = MonthlyReport.objects.create(
        plan=plan, month=2, status=MonthlyReport.Status.SUBMITTED, submitted_at=at(2025, 3, 10)
    )
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.RETURNED, submitted_at=at(2025, 4, 1))

    waiting = PlanFactory(
        companion=other, year=YEAR, status=WorkPlan.Status.SUBMITTED, submitted_at=NOW - timedelta(days=5)
    )
    ActivityFactory(plan=waiting, pillar=pillar("ASI"), village=c, months=(1,))

    far_plan = approved_plan(cast.outside_plan.companion, [region("34.01.01.2001")])
    far = ActivityFactory(plan=far_plan, pillar=pillar("ASI"), village=None, months=(1, 2))
    ProgressFactory(activity=far, month=1)
    MonthlyReport.objects.create(plan=far_plan, month=1, status=MonthlyReport.Status.SUBMITTED, submitted_at=NOW)

    VillageDataFactory(village=a, year=YEAR, blt_households=40)
    VillageDataFactory(village=b, year=YEAR - 1, blt_households=5)
    VillageDataFactory(village=c, year=YEAR, blt_households=10)
    VillageDataFactory(village=d, year=YEAR - 1, blt_households=30)
    VillageDataFactory(village=d, year=YEAR, blt_households=0)
    VillageDataFactory(village=e, year=YEAR, blt_households=50)
    return Scope(plan=plan, waiting_plan=waiting, a1=a1, a2=a2, late_report=late)


def grow(count: int, *, kecamatan: str = "34.03.05") -> None:
    """``count`` more companions in ``kecamatan``, each with an approved plan, activities, progress and reports."""
    for n in range(count):
        village = region(f"{kecamatan}.{2001 + n}")
        companion = CompanionFactory(villages=[village])
        plan = approved_plan(companion, [village])
        for code in ("ASI", "KAP"):
            activity = ActivityFactory(plan=plan, pillar=pillar(code), village=village, months=(1, 2))
            ProgressFactory(activity=activity, month=1)
        ActivityFactory(plan=plan, pillar=pillar("ORG"), village=None, months=(4,), poor_priority=True)
        MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.SUBMITTED, submitted_at=NOW)
        VillageDataFactory(village=village, year=YEAR, blt_households=n)
        region(f"{kecamatan}.{2101 + n}")  # and a village nobody is assigned to

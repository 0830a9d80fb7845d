"""Facts the database itself enforces, whatever path the write takes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pillars.models import Activity, MonthlyProgress, MonthlyReport, Pillar, WorkPlan
from tests.factories import ActivityFactory, CompanionFactory, ProgressFactory, VillageDataFactory, region
from villages.models import Companion

pytestmark = pytest.mark.django_db


def test_one_plan_per_companion_and_year(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlan.objects.create(companion=cast.plan.companion, year=cast.plan.year)
    WorkPlan.objects.create(companion=cast.plan.companion, year=cast.plan.year + 1)


def test_one_progress_entry_per_activity_and_month(cast):
    entry = ProgressFactory(activity=ActivityFactory(plan=cast.plan), month=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgress.objects.create(activity=entry.activity, month=3)
    MonthlyProgress.objects.create(activity=entry.activity, month=4)


@pytest.mark.parametrize("month", [0, 13])
def test_a_progress_month_is_between_1_and_12(cast, month):
    activity = ActivityFactory(plan=cast.plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgress.objects.create(activity=activity, month=month)


def test_a_monthly_report_is_unique_per_plan_and_month_and_in_range(cast):
    MonthlyReport.objects.create(plan=cast.plan, month=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(plan=cast.plan, month=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(plan=cast.plan, month=13)


def test_quantities_are_never_negative(cast):
    activity = ActivityFactory(plan=cast.plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(target_quantity=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(budget=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgress.objects.create(activity=activity, month=1, quantity=Decimal("-0.5"))


def test_months_are_a_set_of_1_to_12(cast):
    activity = ActivityFactory(plan=cast.plan, months=(12, 1, 6, 6))
    activity.refresh_from_db()
    assert activity.months == (1, 6, 12)
    assert list(Activity.objects.scheduled_in(6)) == [activity]
    assert list(Activity.objects.scheduled_in(7)) == []
    with pytest.raises(ValidationError), transaction.atomic():
        ActivityFactory(plan=cast.plan, months=(0, 13))
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(months=5000)


def test_an_sdg_goal_is_1_to_18(cast):
    activity = ActivityFactory(plan=cast.plan, sdg_goal=18)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(sdg_goal=19)


def test_a_coordinator_needs_a_scope_region(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanionFactory(role=Companion.Role.KOORDINATOR, scope_region=None)
    companion = CompanionFactory.build(role=Companion.Role.TA, scope_region=None)
    with pytest.raises(ValidationError, match="scope region"):
        companion.clean()


def test_village_data_is_unique_per_year_and_consistent(db):
    village = region("34.03.01.2001")
    VillageDataFactory(village=village, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageDataFactory(village=village, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageDataFactory(village=village, year=2025, households=10, poor_households=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageDataFactory(village=village, year=2024, idm_score=Decimal("1.5"))


def test_the_four_pillars_are_seeded_by_migration(db):
    assert list(Pillar.objects.values_list("code", "name")) == [
        ("ASI", "Asistensi"),
        ("ORG", "Pengorganisasian"),
        ("ARH", "Pengarahan"),
        ("KAP", "Peningkatan Kapasitas"),
    ]
    assert all(Pillar.objects.values_list("description", flat=True))

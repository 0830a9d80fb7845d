"""The demo's history reads as a believable year: named people, and dates in order up to the day it is built."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from pillars.demo import MEASURED_UNITS, DemoBuilder
from pillars.models import (
    Activity,
    ActivityComment,
    MonthlyProgress,
    MonthlyReport,
    PlanSnapshot,
    WorkflowEvent,
    WorkPlan,
)
from villages.models import Companion

pytestmark = pytest.mark.django_db

HISTORIES = (WorkPlan, Activity, MonthlyProgress, MonthlyReport)
# Things counted one by one in the demo's activities; any other unit must be declared measured in the data file.
COUNTED_UNITS = {"dokumen", "kali", "kegiatan", "BUMDes", "kelompok", "orang", "rapat", "unit"}
# The edges: New Year's first minutes, a month's first minutes, within the deadline days, the year's last evening.
EDGES = ("2026-01-01 00:30", "2026-02-01 00:30", "2026-03-03 09:00", "2026-12-31 23:00")


def build_on(clock, moment: str) -> datetime:
    now = clock.set(moment)
    DemoBuilder(say=lambda message: None).build()
    return now


@pytest.fixture
def built(clock) -> datetime:
    """The demo as built on 28 November 2026; returns that moment."""
    return build_on(clock, "2026-11-28 10:00")


def first_of_month_after(year: int, month: int) -> datetime:
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return timezone.make_aware(datetime(next_year, next_month, 1))


def test_every_history_row_names_the_person_who_made_it(built):
    names_every_person(built)


def names_every_person(built: datetime) -> None:
    for model in HISTORIES:
        rows = model.history.all()
        assert rows.exists(), model.__name__
        assert not rows.filter(history_user__isnull=True).exists(), model.__name__
        assert "" not in set(rows.values_list("history_user__first_name", flat=True)), model.__name__
    assert not WorkflowEvent.objects.filter(actor__isnull=True).exists()
    assert not ActivityComment.objects.filter(author__isnull=True).exists()
    assert not MonthlyProgress.objects.filter(updated_by__isnull=True).exists()


def test_nothing_is_dated_after_the_day_it_was_built(built):
    dates_nothing_later(built)


def dates_nothing_later(built: datetime) -> None:
    latest = [
        *(model.history.aggregate(last=Max("history_date"))["last"] for model in HISTORIES),
        WorkPlan.objects.aggregate(last=Max("submitted_at"))["last"],
        WorkPlan.objects.aggregate(last=Max("approved_at"))["last"],
        WorkPlan.objects.aggregate(last=Max("updated_at"))["last"],
        Activity.objects.aggregate(last=Max("updated_at"))["last"],
        MonthlyProgress.objects.aggregate(last=Max("updated_at"))["last"],
        MonthlyReport.objects.aggregate(last=Max("submitted_at"))["last"],
        MonthlyReport.objects.aggregate(last=Max("reviewed_at"))["last"],
        WorkflowEvent.objects.aggregate(last=Max("created_at"))["last"],
        ActivityComment.objects.aggregate(last=Max("created_at"))["last"],
        PlanSnapshot.objects.aggregate(last=Max("approved_at"))["last"],
        get_user_model().objects.aggregate(last=Max("date_joined"))["last"],
    ]
    assert all(moment <= built for moment in latest if moment is not None)


def test_a_plan_is_drafted_then_submitted_then_approved_by_its_coordinator_before_its_months_are_reported(built):
    approves_before_reporting(built)


def approves_before_reporting(built: datetime) -> None:
    approved_plans = 0
    for plan in WorkPlan.objects.select_related("companion"):
        rows = list(plan.history.order_by("history_date", "history_id"))
        assert rows[0].history_type == "+" and rows[0].history_user == plan.companion.user
        statuses = [row.status for row in rows]
        if WorkPlan.Status.SUBMITTED in statuses:
            submitted = next(row for row in rows if row.status == WorkPlan.Status.SUBMITTED)
            assert submitted.history_date > rows[0].history_date
            assert submitted.history_user == plan.companion.user
        if WorkPlan.Status.APPROVED not in statuses:
            assert not plan.reports.exists()
            continue
        approved_plans += 1
        approval = next(row for row in rows if row.status == WorkPlan.Status.APPROVED)
        assert submitted.history_date < approval.history_date
        # The plan is in force before its year starts, approved by the coordinator of its villages.
        assert approval.history_date < timezone.make_aware(datetime(plan.year, 1, 1))
        reviewer = Companion.objects.get(user=approval.history_user)
        assert reviewer.is_coordinator and reviewer.user.get_full_name()
        assert plan.villages.filter(code__startswith=reviewer.scope_region_id).count() == plan.villages.count()
        first_report = plan.reports.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        if first_report is not None:
            assert plan.snapshots.get(revision=0).approved_at <= approval.history_date < first_report
    assert approved_plans >= 4


def test_each_month_is_written_then_sent_after_it_ends_then_acknowledged(built):
    reports_after_the_month(built)


def reports_after_the_month(built: datetime) -> None:
    reports = MonthlyReport.objects.select_related("plan__companion__user")
    for report in reports:
        companion = report.plan.companion.user
        assert report.submitted_at >= first_of_month_after(report.plan.year, report.month), report
        sent = report.history.filter(status=MonthlyReport.Status.SUBMITTED).order_by("history_date").first()
        assert sent.history_date == report.submitted_at and sent.history_user == companion
        assert report.events.get(to_status="submitted").created_at == report.submitted_at
        entries = MonthlyProgress.history.filter(activity__plan=report.plan, month=report.month)
        assert entries.aggregate(last=Max("history_date"))["last"] <= report.submitted_at
        if report.status in (MonthlyReport.Status.ACKNOWLEDGED, MonthlyReport.Status.RETURNED):
            assert report.reviewed_at > report.submitted_at
            reviewed = report.history.get(status=report.status)
            assert reviewed.history_date == report.reviewed_at and reviewed.history_user == report.reviewed_by
            assert reviewed.history_user != companion
    if built.month > 2:
        assert reports.filter(plan__year=built.year).exists()


def test_counted_things_are_whole_numbers_and_no_activity_passes_its_target(built):
    counts_in_whole_numbers(built)


def counts_in_whole_numbers(built: datetime) -> None:
    units = set(Activity.objects.values_list("unit", flat=True))
    assert units - MEASURED_UNITS <= COUNTED_UNITS
    counted = Activity.objects.exclude(unit__in=MEASURED_UNITS)
    assert all(target % 1 == 0 for target in counted.values_list("target_quantity", flat=True))
    assert all(
        target % 1 == 0
        for target in Activity.history.exclude(unit__in=MEASURED_UNITS).values_list("target_quantity", flat=True)
    )
    quantities = MonthlyProgress.objects.filter(activity__in=counted).values_list("quantity", flat=True)
    assert all(quantity % 1 == 0 for quantity in quantities)
    for activity in Activity.objects.annotate(achieved=Sum("progress__quantity")):
        assert (activity.achieved or 0) <= activity.target_quantity, activity.title


@pytest.mark.parametrize("moment", EDGES)
def test_on_the_edges_of_months_and_years_the_story_still_holds(clock, moment):
    built = build_on(clock, moment)
    names_every_person(built)
    dates_nothing_later(built)
    approves_before_reporting(built)
    reports_after_the_month(built)
    counts_in_whole_numbers(built)


def test_the_history_page_says_who_drafted_approved_and_reported(built, client):
    plan = WorkPlan.objects.get(companion__user__username="pendamping1", year=2026)
    client.force_login(get_user_model().objects.get(username="koordinator"))
    page = client.get(reverse("pillars:plan-history", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rina Lestari" in text and "Sri Wahyuni" in text
    assert "(unknown user)" not in text

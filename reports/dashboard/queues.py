"""What waits and where plans stand: plans by workflow status, plans in force, companions without a plan, and
the plans and monthly reports waiting for review, the oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from pillars.models import Handover, MonthlyReport, WorkPlan, under_revision_condition
from pillars.selectors import status_counts
from reports.dashboard.filters import Selection
from villages.models import Companion
from villages.scope import below

WAITING_SHOWN = 10
WAITING_TOO_LONG = 7  # days after which a waiting plan or report is marked as old


@dataclass
class StatusCard:
    value: str
    label: str
    count: int
    url: str


def status_cards(plans: QuerySet[WorkPlan], selection: Selection) -> list[StatusCard]:
    """Plans by workflow status: a revision under way counts by the revision's status (it is also in force)."""
    counts = status_counts(plans)
    return [
        StatusCard(value, label, counts[value], selection.plan_list_url(status=value))
        for value, label in WorkPlan.Status.choices
    ]


@dataclass(frozen=True)
class InForce:
    """How many plans of the selection have a version in force, and how many of those are being revised."""

    count: int
    under_revision: int


def in_force_count(plans: QuerySet[WorkPlan]) -> InForce:
    counts = plans.in_force().aggregate(count=Count("pk"), revising=Count("pk", filter=under_revision_condition()))
    return InForce(counts["count"], counts["revising"])


def companions_without_plan(user, selection: Selection) -> QuerySet[Companion]:
    """Companions in scope, active in the year, who have not started its plan."""
    companions = (
        Companion.objects.visible_to(user)
        .active_in(selection.year)
        .filter(role__in=[selection.role] if selection.role else Companion.COMPANION_ROLES)
    )
    code = selection.region_code
    if code:
        assigned = Companion.villages.through.objects.filter(below("region_id", code), companion_id=OuterRef("pk"))
        companions = companions.filter(Exists(assigned))
    has_plan = WorkPlan.objects.filter(companion=OuterRef("pk"), year=selection.year)
    handed_over = Handover.objects.filter(predecessor=OuterRef("pk"), plan__year=selection.year)
    return (
        companions.exclude(Exists(has_plan))
        .exclude(Exists(handed_over))
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )


@dataclass
class Waiting:
    """A plan or monthly report waiting for review, with how long it has waited."""

    obj: WorkPlan | MonthlyReport
    url: str
    days: int

    @property
    def is_old(self) -> bool:
        """Waited longer than a review should take."""
        return self.days > WAITING_TOO_LONG


@dataclass
class Queue:
    """What waits for review in the selection, the oldest first, and how much more waits in other years."""

    shown: list[Waiting]
    count: int
    other_years: int
    url: str = ""  # the list of everything waiting in the selection

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


def _days_since(moment, today: date) -> int:
    # The day it happened in Jakarta, not in UTC: 03:00 WIB is still the previous day in UTC.
    return (today - timezone.localdate(moment)).days if moment else 0


def waiting_plans(
    plans: QuerySet[WorkPlan], every_year: QuerySet[WorkPlan], selection: Selection, today: date
) -> Queue:
    queue = plans.filter(status=WorkPlan.Status.SUBMITTED)
    shown = queue.select_related("companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(plan, plan.get_absolute_url(), _days_since(plan.submitted_at, today)) for plan in shown[:WAITING_SHOWN]
    ]
    count = queue.count()
    others = every_year.filter(status=WorkPlan.Status.SUBMITTED).count() - count
    return Queue(rows, count, others, selection.plan_list_url(status=WorkPlan.Status.SUBMITTED))


def waiting_reports(user, plans: QuerySet[WorkPlan], every_year: QuerySet[WorkPlan], today: date) -> Queue:
    submitted = MonthlyReport.objects.visible_to(user).filter(status=MonthlyReport.Status.SUBMITTED)
    queue = submitted.filter(plan__in=plans)
    shown = queue.select_related("plan__companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(report, report.get_absolute_url(), _days_since(report.submitted_at, today))
        for report in shown[:WAITING_SHOWN]
    ]
    count = queue.count()
    return Queue(rows, count, submitted.filter(plan__in=every_year).count() - count, reverse("pillars:report-queue"))

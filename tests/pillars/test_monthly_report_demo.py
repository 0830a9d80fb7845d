"""The demo data has months of reports: acknowledged, waiting, late, one returned and one missing."""

from __future__ import annotations

import pytest

from pillars.demo import DemoBuilder
from pillars.models import MonthlyReport, WorkflowEvent
from pillars.selectors import REPORTED, Cell, completeness
from tests.pillars import progress_fixtures
from villages.models import Companion

english = progress_fixtures.english
pytestmark = pytest.mark.django_db


def build():
    DemoBuilder(say=lambda message: None).build()


@pytest.fixture
def seeded(clock):
    """The demo as built on 28 November 2026: months reported up to October."""
    clock.set("2026-11-28 10:00")
    build()


def test_the_approved_plans_have_several_months_of_reports(seeded):
    reports = MonthlyReport.objects.filter(plan__year=2026)
    per_companion = {}
    for username, month in reports.values_list("plan__companion__user__username", "month"):
        per_companion.setdefault(username, set()).add(month)
    # pendamping6's plan was reopened for a revision: its approved version was reported and stays in force.
    assert set(per_companion) == {"pendamping1", "pendamping5", "pendamping6", "pendamping7"}
    assert all(len(months) >= 6 for months in per_companion.values())
    assert reports.filter(status=MonthlyReport.Status.ACKNOWLEDGED).count() >= 20
    assert reports.filter(status=MonthlyReport.Status.SUBMITTED).exists()


def test_one_report_is_returned_with_a_note_and_one_month_is_missing(seeded):
    returned = MonthlyReport.objects.get(status=MonthlyReport.Status.RETURNED)
    assert returned.coordinator_note
    assert WorkflowEvent.objects.filter(report=returned, to_status="returned").exists()
    months = set(
        MonthlyReport.objects.filter(plan__companion__user__username="pendamping5").values_list("month", flat=True)
    )
    assert set(range(1, 11)) - months == {8}


def test_the_completeness_grid_shows_late_and_missing_cells(seeded):
    admin = Companion.objects.get(user__username="koordinator").user
    cells = [cell for row in completeness(admin, 2026) for cell in row.cells]
    assert any(cell.state == Cell.MISSING for cell in cells)
    late = [cell for cell in cells if cell.late]
    assert late and all(cell.state in REPORTED for cell in late)  # late is said of a report sent, never of one missing


def test_seeding_twice_adds_no_report(seeded):
    before = (MonthlyReport.objects.count(), WorkflowEvent.objects.count())
    build()
    assert (MonthlyReport.objects.count(), WorkflowEvent.objects.count()) == before

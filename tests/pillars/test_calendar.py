"""The days where the calendar matters, each side of each edge, through the pages people see.

The deadline is local time (Jakarta here): May's report is due until 5 June 23:59:59 WIB and missing from
6 June 00:00 WIB, which is still 5 June (17:00) in UTC. A month is over at midnight of its last day; a new
year leaves December due until 5 January. Every test sets the clock; none reads the machine's date.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars import rules
from pillars.models import MonthlyReport, WorkPlan
from pillars.selectors import Cell
from tests.factories import ActivityFactory
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import approve, entry_data

english = progress_fixtures.english
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_2026(cast, clock):
    """The companion's approved plan of 2026 with an activity in every month."""
    plan = approve(cast.plan, year=2026)
    ActivityFactory(plan=plan, title="Rakor bulanan", months=tuple(range(1, 13)), target_quantity=Decimal("12"))
    return plan


def grid_cell(cast, year: int, month: int):
    """The companion's cell for ``month`` on the completeness page, as the coordinator sees it now."""
    response = cast.client_for(cast.coordinator).get(f"{reverse('pillars:completeness')}?year={year}")
    row = next(r for r in response.context["rows"] if r.companion.user_id == cast.companion.pk)
    return row.cells[month - 1]


def home_cell_css(cast, year: int, month: int) -> str:
    """The companion's heat-map cell for ``month`` on the coordinator's home page."""
    response = cast.client_for(cast.coordinator).get(f"{reverse('home')}?year={year}")
    row = next(r for r in response.context["heatmap"].rows if r.name == cast.companion.companion.display_name)
    return row.cells[month - 1].css


def submit(cast, plan, month: int):
    return cast.client_for(cast.companion).post(
        reverse("pillars:month-report", args=[plan.pk, month]), {"summary": "", "next_month_plan": "", "confirm": "on"}
    )


# --- before and after the deadline day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state", "css"),
    [
        ("2026-06-01 00:00", Cell.OPEN, "heat-open"),  # the 1st: May is over, its report only due
        ("2026-06-05 23:59:59", Cell.OPEN, "heat-open"),  # the last second of the deadline day
        ("2026-06-06 00:00", Cell.MISSING, "heat-missing"),  # the first second after it
        ("2026-06-06 00:30", Cell.MISSING, "heat-missing"),  # still 5 June in UTC: local time decides
    ],
)
def test_an_unsent_report_is_due_until_the_deadline_day_ends_and_missing_after(cast, plan_2026, clock, now, state, css):
    clock.set(now)
    assert grid_cell(cast, 2026, 5).state == state
    assert home_cell_css(cast, 2026, 5) == css


@pytest.mark.parametrize(("now", "late"), [("2026-06-05 23:59:59", False), ("2026-06-06 00:00", True)])
def test_a_report_sent_on_the_deadline_day_is_on_time_and_one_sent_at_midnight_is_late(
    cast, plan_2026, clock, now, late
):
    clock.set(now)
    assert submit(cast, plan_2026, 5).status_code == 302
    report = MonthlyReport.objects.get(plan=plan_2026, month=5)
    clock.set("2026-07-20 10:00")
    cell = grid_cell(cast, 2026, 5)
    assert (cell.state, cell.late) == (Cell.SUBMITTED, late)
    detail = cast.client_for(cast.coordinator).get(reverse("pillars:report-detail", args=[report.pk]))
    assert detail.context["late"] is late


def test_the_deadline_day_is_a_setting(cast, plan_2026, clock, settings):
    settings.RKT_REPORT_DEADLINE_DAY = 10
    clock.set("2026-06-10 23:59")
    assert grid_cell(cast, 2026, 5).state == Cell.OPEN
    clock.set("2026-06-11 00:00")
    assert grid_cell(cast, 2026, 5).state == Cell.MISSING


# --- the last day of a month ---------------------------------------------------------------------------


def test_on_the_last_day_of_a_month_it_is_not_due_and_the_next_month_cannot_be_reported(cast, plan_2026, clock):
    clock.set("2026-06-30 23:59")
    assert grid_cell(cast, 2026, 6).state == Cell.NOT_DUE
    assert rules.why_not_reportable(plan_2026, 6) is None
    assert rules.why_not_reportable(plan_2026, 7)
    rakor = plan_2026.activities.get()
    save = reverse("pillars:progress-save", args=[plan_2026.pk, 7, rakor.pk])
    assert cast.client_for(cast.companion).post(save, entry_data(rakor)).status_code == 403


def test_at_midnight_the_month_is_over_its_report_due_and_the_new_month_open(cast, plan_2026, clock):
    clock.set("2026-07-01 00:00")
    assert grid_cell(cast, 2026, 6).state == Cell.OPEN
    rakor = plan_2026.activities.get()
    save = reverse("pillars:progress-save", args=[plan_2026.pk, 7, rakor.pk])
    assert cast.client_for(cast.companion).post(save, entry_data(rakor)).status_code == 302


def test_february_of_a_leap_year_ends_on_the_29th(cast, clock):
    plan = approve(cast.plan, year=2028)
    ActivityFactory(plan=plan, months=(2,))
    clock.set("2028-02-29 23:59")
    assert grid_cell(cast, 2028, 2).state == Cell.NOT_DUE
    clock.set("2028-03-01 00:00")
    assert grid_cell(cast, 2028, 2).state == Cell.OPEN


def test_a_deadline_day_past_the_end_of_the_next_month_is_its_last_day(cast, clock, settings):
    settings.RKT_REPORT_DEADLINE_DAY = 28
    plan = approve(cast.plan, year=2027)
    ActivityFactory(plan=plan, months=(1,))
    clock.set("2027-02-28 23:59")
    assert grid_cell(cast, 2027, 1).state == Cell.OPEN
    clock.set("2027-03-01 00:00")
    assert grid_cell(cast, 2027, 1).state == Cell.MISSING


# --- January after a December --------------------------------------------------------------------------


def test_in_early_january_december_is_still_due_and_can_be_sent(cast, plan_2026, clock):
    clock.set("2027-01-02 08:00")
    assert grid_cell(cast, 2026, 12).state == Cell.OPEN
    month = cast.client_for(cast.companion).get(reverse("pillars:plan-months", args=[plan_2026.pk]))
    assert month.url == reverse("pillars:plan-month", args=[plan_2026.pk, 12])
    assert submit(cast, plan_2026, 12).status_code == 302
    assert MonthlyReport.objects.get(plan=plan_2026, month=12).status == MonthlyReport.Status.SUBMITTED


def test_after_the_fifth_of_january_an_unsent_december_is_missing(cast, plan_2026, clock):
    clock.set("2027-01-06 00:00")
    assert grid_cell(cast, 2026, 12).state == Cell.MISSING


def test_on_new_years_eve_december_is_not_due_yet(cast, plan_2026, clock):
    clock.set("2026-12-31 23:59")
    assert grid_cell(cast, 2026, 12).state == Cell.NOT_DUE
    assert grid_cell(cast, 2026, 11).state == Cell.MISSING


def test_a_plan_of_the_new_year_opens_on_january_and_reports_nothing_before_the_first(cast, clock):
    plan = approve(cast.plan, year=2027)
    ActivityFactory(plan=plan, months=(1,))
    clock.set("2026-12-31 23:59")
    assert rules.why_not_reportable(plan, 1)
    clock.set("2027-01-01 00:00")
    assert rules.why_not_reportable(plan, 1) is None
    opened = cast.client_for(cast.companion).get(reverse("pillars:plan-months", args=[plan.pk]))
    assert opened.url == reverse("pillars:plan-month", args=[plan.pk, 1])


def test_the_home_page_shows_this_years_plans_by_the_clock(cast, clock):
    WorkPlan.objects.filter(pk=cast.plan.pk).update(year=2027)
    clock.set("2026-12-31 23:59")
    cards = cast.client_for(cast.coordinator).get(reverse("home")).context["status_cards"]
    assert {card.value: card.count for card in cards}["draft"] == 1  # the other companion's 2026 draft
    clock.set("2027-01-01 00:00")
    cards = cast.client_for(cast.coordinator).get(reverse("home")).context["status_cards"]
    assert {card.value: card.count for card in cards}["draft"] == 1  # the companion's 2027 draft
    assert cast.client_for(cast.coordinator).get(reverse("home")).context["year"] == 2027

"""The completeness grid: companions × months, each cell submitted/acknowledged/returned/missing/late."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pillars import selectors
from pillars.models import MonthlyReport
from pillars.rules import report_deadline
from pillars.selectors import Cell, completeness, plan_cells
from tests.clock import local
from tests.factories import CompanionFactory, PlanFactory, UserFactory, open_year, region
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import approve, queries_of

english = progress_fixtures.english
# The page and the grid without an explicit ``now`` read the clock: set, like every test's here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

YEAR = 2024


def report(plan, month, status, submitted_at=None):
    return MonthlyReport.objects.create(plan=plan, month=month, status=status, submitted_at=submitted_at)


@pytest.fixture
def year_plan(cast):
    return approve(cast.plan, year=YEAR)


def cells_of(user, companion_user, now):
    row = next(r for r in completeness(user, YEAR, now=now) if r.companion.user_id == companion_user.pk)
    return {cell.month: cell for cell in row.cells}


def test_the_deadline_is_the_day_after_the_fifth_of_next_month():
    assert report_deadline(2024, 3) == local(2024, 4, 6)
    assert report_deadline(2024, 12) == local(2025, 1, 6)


def test_the_deadline_day_is_a_setting_and_clamped_to_the_month(settings):
    settings.RKT_REPORT_DEADLINE_DAY = 31
    assert report_deadline(2024, 1) == local(2024, 3, 1)  # February 2024 has 29 days


def test_each_cell_has_its_state(cast, year_plan):
    report(year_plan, 1, "acknowledged", local(YEAR, 2, 3))
    report(year_plan, 2, "submitted", local(YEAR, 3, 5, 23, 59))  # last minute of the deadline day
    report(year_plan, 3, "returned", local(YEAR, 4, 2))
    report(year_plan, 4, "submitted", local(YEAR, 5, 6, 0, 1))  # late
    report(year_plan, 5, "draft")  # opened but never submitted
    cells = cells_of(cast.coordinator, cast.companion, now=local(YEAR, 7, 3))
    assert (cells[1].state, cells[1].late) == (Cell.ACKNOWLEDGED, False)
    assert (cells[2].state, cells[2].late) == (Cell.SUBMITTED, False)
    assert (cells[3].state, cells[3].late) == (Cell.RETURNED, False)
    assert (cells[4].state, cells[4].late) == (Cell.SUBMITTED, True)
    assert (cells[5].state, cells[5].late) == (Cell.MISSING, False)  # deadline 5 June passed
    assert cells[6].state == Cell.OPEN  # June is over, deadline 5 July not yet
    assert cells[7].state == Cell.NOT_DUE
    assert cells[12].state == Cell.NOT_DUE


def test_one_plans_row_is_the_same_as_its_row_in_the_grid(cast, year_plan):
    report(year_plan, 1, "acknowledged", local(YEAR, 2, 20))  # late
    report(year_plan, 2, "submitted", local(YEAR, 3, 1))
    report(year_plan, 3, "returned", local(YEAR, 4, 2))
    report(year_plan, 5, "draft")
    for now in (local(YEAR, 4, 5), local(YEAR, 7, 3), local(YEAR + 1, 1, 10)):
        grid = cells_of(cast.coordinator, cast.companion, now=now)
        assert plan_cells(year_plan, now=now) == [grid[month] for month in range(1, 13)]


def test_an_acknowledged_late_report_stays_late(cast, year_plan):
    report(year_plan, 1, "acknowledged", local(YEAR, 2, 20))
    cells = cells_of(cast.coordinator, cast.companion, now=local(YEAR + 1, 1, 10))
    assert (cells[1].state, cells[1].late) == (Cell.ACKNOWLEDGED, True)


def test_a_companion_without_a_plan_in_force_owes_no_report(cast, year_plan):
    """Finding 4: the grid counted every active companion's months as missing, with or without a plan."""
    cells = cells_of(cast.coordinator, cast.other_companion, now=local(YEAR + 1, 2, 1))
    assert {cell.state for cell in cells.values()} == {Cell.NOT_OWED}
    row = next(r for r in completeness(cast.coordinator, YEAR) if r.companion.user_id == cast.other_companion.pk)
    assert not row.owes


def test_the_grid_lists_only_companions_in_scope(cast, year_plan):
    names = {row.companion.user.username for row in completeness(cast.coordinator, YEAR)}
    assert names == {"pld", "pld2"}
    names = {row.companion.user.username for row in completeness(cast.outsider, YEAR)}
    assert names == {"pld_kp"}


def test_reports_of_another_year_do_not_count(cast, year_plan):
    other_year = approve(PlanFactory(companion=cast.companion.companion, year=YEAR + 1), year=YEAR + 1)
    report(other_year, 1, "acknowledged", local(YEAR + 1, 2, 1))
    cells = cells_of(cast.coordinator, cast.companion, now=local(YEAR + 2, 1, 10))
    assert cells[1].state == Cell.MISSING


# --- the page --------------------------------------------------------------------------------


def url(year=YEAR):
    return f"{reverse('pillars:completeness')}?year={year}"


def test_the_page_shows_the_grid_for_the_year(cast, year_plan):
    open_year(YEAR)
    report(year_plan, 1, "acknowledged", local(YEAR, 2, 3))
    response = cast.client_for(cast.coordinator).get(url())
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    body = response.content.decode()
    assert "cell-acknowledged" in body
    assert reverse("pillars:report-detail", args=[year_plan.reports.get().pk]) in body
    assert "cell-missing" in body


def test_a_bad_year_falls_back_to_this_year(cast, clock):
    clock.set("2027-02-10 10:00")
    response = cast.client_for(cast.coordinator).get(url("abc"))
    assert response.context["year"] == 2027


def test_the_page_sends_anonymous_visitors_to_login(cast):
    assert cast.client_for(None).get(url()).status_code == 302


def test_the_page_rejects_post(cast):
    assert cast.client_for(cast.coordinator).post(url()).status_code == 405


def test_an_out_of_scope_coordinator_does_not_see_the_companions(cast, year_plan):
    response = cast.client_for(cast.outsider).get(url())
    assert "pld2" not in {row.companion.user.username for row in response.context["rows"]}


def test_the_page_runs_the_same_number_of_queries_for_5_and_50_companions(cast, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)
    village = region("34.03.01.2001")

    def grow_to(count):
        for n in range(len(completeness(cast.coordinator, YEAR)), count):
            companion = CompanionFactory(user=UserFactory(username=f"c{n}"), villages=[village])
            plan = approve(PlanFactory(companion=companion), year=YEAR)
            for month in (1, 2, 3):
                report(plan, month, "acknowledged", local(YEAR, month + 1, 2 + n % 6))

    grow_to(5)
    client.get(url())
    small = queries_of(lambda: client.get(url()))
    grow_to(50)
    with django_assert_num_queries(small):
        response = client.get(url())
    assert len(response.context["rows"]) + len(response.context["not_owing"]) == 50


def test_a_wide_scope_is_shown_a_page_of_companions_at_a_time_with_totals_of_all(cast, monkeypatch):
    """A country's grid was 69 MB of HTML; a page now holds at most COMPLETENESS_PAGE companions."""
    from pillars.views import completeness as completeness_views

    monkeypatch.setattr(completeness_views, "COMPLETENESS_PAGE", 5)
    village = region("34.03.01.2001")
    for n in range(12):
        companion = CompanionFactory(user=UserFactory(username=f"w{n}"), villages=[village])
        approve(PlanFactory(companion=companion), year=YEAR)
    client = cast.client_for(cast.coordinator)
    first = client.get(url())
    last = client.get(f"{url()}&page=3")
    assert len(first.context["rows"]) == 5 and len(last.context["rows"]) == 2
    assert first.context["totals"][0].owed == last.context["totals"][0].owed == 12
    assert f"?year={YEAR}&amp;page=2" in first.content.decode()


# --- every scope: totals grouped by the database, rows only for the companions shown ---------------------------


@pytest.fixture
def mixed_year(cast):
    """Twelve companions whose months are in every state: on time, late, returned, reopened (a draft sent once,
    late or not), an unsent draft, nothing; three without a plan in force, one of them with a report anyway."""
    village = region("34.03.01.2001")
    states = [
        ("acknowledged", local(YEAR, 2, 3)),
        ("submitted", local(YEAR, 3, 6, 0, 1)),  # a minute late
        ("returned", local(YEAR, 4, 2)),
        ("draft", local(YEAR, 5, 1)),  # reopened, on time
        ("draft", local(YEAR, 7, 20)),  # reopened, late
        ("draft", None),  # opened, never sent
    ]
    for n in range(12):
        companion = CompanionFactory(
            user=UserFactory(username=f"m{n:02d}", first_name=f"Nama{n % 5}"), villages=[village]
        )
        plan = PlanFactory(companion=companion)
        if n < 9:
            approve(plan, year=YEAR)
        for month in range(1, 8):
            if (n + month) % 4:
                status, sent = states[(n * 7 + month) % len(states)]
                report(plan, month, status, sent)
    return village


@pytest.mark.parametrize("now", [local(YEAR, 3, 5, 12), local(YEAR, 7, 6, 0, 30), local(YEAR + 1, 1, 10)])
def test_the_grouped_totals_are_the_sum_of_every_rows_cells(cast, year_plan, mixed_year, now):
    grid = selectors.Completeness(cast.coordinator, YEAR, now)
    by_rows = [selectors.MonthTotals() for _ in range(12)]
    for row in grid.all_rows():
        if row.owes:
            for cell in row.cells:
                by_rows[cell.month - 1].count(cell)
    assert grid.totals == by_rows
    assert sum(total.late for total in grid.totals) > 0 and sum(total.returned for total in grid.totals) > 0


@pytest.mark.parametrize("now", [local(YEAR, 3, 5, 12), local(YEAR, 7, 6, 0, 30), local(YEAR + 1, 1, 10)])
def test_the_most_behind_are_the_first_of_every_row_sorted_by_missing_months_then_name(cast, mixed_year, now):
    grid = selectors.Completeness(cast.coordinator, YEAR, now)
    everyone = sorted(
        (row for row in grid.all_rows() if row.owes),
        key=lambda row: (-row.missing, row.companion.display_name.lower(), row.companion.pk),
    )
    shown = grid.most_behind(5)
    assert [row.companion.pk for row in shown] == [row.companion.pk for row in everyone[:5]]
    assert [row.cells for row in shown] == [row.cells for row in everyone[:5]]


def test_a_grid_narrowed_to_an_area_or_a_role_holds_only_those_companions(cast, year_plan, mixed_year):
    elsewhere = region("34.03.03.2001")
    CompanionFactory(user=UserFactory(username="far"), villages=[elsewhere], role="PD")
    names = {c.user.username for c in selectors.Completeness(cast.coordinator, YEAR, area_code="34.03.03").companions}
    assert names == {"far"}
    by_role = selectors.Completeness(cast.coordinator, YEAR, role="PD").companions
    assert {c.user.username for c in by_role} == {"far"}


def test_rows_are_read_only_for_the_companions_shown(cast, mixed_year, django_assert_num_queries):
    grid = selectors.Completeness(cast.coordinator, YEAR, local(YEAR, 7, 6))
    page = list(grid.owing[:3])
    with django_assert_num_queries(2):  # the handovers of their plans, and the plans' reports
        rows = grid.rows(page)
    assert [row.companion for row in rows] == page

"""Local time: a plan's deadlines, lateness, reminders and printed dates are those of its kabupaten's zone (WIB in
Gunungkidul 34.03, WITA in Makassar 73.71, WIT in Mimika 94.01), whatever zone the app runs in.

March's report is due until 5 April ends where the plan is: 23:59 local on 5 April is on time, 00:00 local on
6 April is late, so the same moment is on time in Java and late in Papua.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from notifications import schedule
from notifications.models import Kind, Notification
from pillars import rules, selectors, services
from pillars.errors import WorkflowError
from pillars.models import Evidence, MonthlyReport, QuarterReport, WorkPlan
from pillars.selectors import Cell, MonthTotals, plan_cells
from reports import documents
from tests.admin_helpers import change_form_data
from tests.factories import CompanionFactory, CoordinatorFactory, PlanFactory, UserFactory, region
from tests.pillars.progress_fixtures import approve
from tests.reports.exports_helpers import pdf_text
from villages.models import Region
from villages.zones import Zones, zone_of

pytestmark = pytest.mark.django_db

YEAR = 2026
WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
VILLAGES = {WIB: "34.03.01.2001", WITA: "73.71.01.1001", WIT: "94.01.01.2001"}
ZONES = pytest.mark.parametrize("zone", [WIB, WITA, WIT], ids=["WIB", "WITA", "WIT"])


def at(zone: ZoneInfo, *args: int) -> datetime:
    """A moment read on the clocks of ``zone``."""
    return datetime(*args, tzinfo=zone)


@dataclass
class Plans:
    by_zone: dict[ZoneInfo, WorkPlan]

    def __getitem__(self, zone: ZoneInfo) -> WorkPlan:
        return self.by_zone[zone]


@pytest.fixture
def plans(cast, settings) -> Plans:
    """An approved plan of 2026 in each zone (the cast's companion's in Gunungkidul, two more companions); March's
    report not sent by any."""
    settings.RKT_REPORT_DEADLINE_DAY = 5
    by_zone = {WIB: approve(cast.plan, year=YEAR)}
    for zone in (WITA, WIT):
        name = "pld_wita" if zone == WITA else "pld_wit"
        companion = CompanionFactory(user=UserFactory(username=name), villages=[region(VILLAGES[zone])])
        by_zone[zone] = approve(PlanFactory(companion=companion), year=YEAR)
    return Plans(by_zone)


def fresh(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_related("companion__user").get(pk=plan.pk)


def submit_at(clock, plan: WorkPlan, moment: datetime) -> MonthlyReport:
    clock.set(moment)
    return services.report_submit(plan=fresh(plan), month=3, by=plan.companion.user)


def march_of(grid, plan: WorkPlan):
    row = next(row for row in grid.all_rows() if row.companion.pk == plan.companion_id)
    return row.cells[2]


# --- each region's zone --------------------------------------------------------------------------------------------


def test_each_province_has_its_zone_and_the_regions_below_take_it(plans):
    assert Region.objects.get(code="34").time_zone == "Asia/Jakarta"
    assert Region.objects.get(code="73").time_zone == "Asia/Makassar"
    assert Region.objects.get(code="94").time_zone == "Asia/Jayapura"
    assert Region.objects.get(code="73.71.01").time_zone == ""
    assert [zone_of(VILLAGES[zone]) for zone in (WIB, WITA, WIT)] == [WIB, WITA, WIT]
    assert [fresh(plans[zone]).zone for zone in (WIB, WITA, WIT)] == [WIB, WITA, WIT]


def test_a_plan_without_villages_keeps_the_local_time_of_its_companions_villages(plans):
    plan = plans[WIT]
    plan.villages.clear()
    assert fresh(plan).zone == WIT


def test_the_zones_of_thousands_of_rows_are_read_in_one_query(plans, django_assert_num_queries):
    with django_assert_num_queries(1):
        zones = Zones.read()
        assert [zones.of(code) for code in VILLAGES.values() for _ in range(1000)].count(WIT) == 1000


# --- on time until the deadline day ends, where the plan is ---------------------------------------------------------


@ZONES
def test_a_report_sent_at_2359_local_on_the_deadline_day_is_on_time(plans, clock, zone):
    report = submit_at(clock, plans[zone], at(zone, YEAR, 4, 5, 23, 59))
    assert not rules.is_late(YEAR, 3, report.submitted_at, fresh(plans[zone]).zone)
    assert plan_cells(fresh(plans[zone]), now=at(zone, YEAR, 4, 10))[2].late is False


@ZONES
def test_a_report_sent_at_midnight_local_after_the_deadline_day_is_late(plans, clock, zone):
    report = submit_at(clock, plans[zone], at(zone, YEAR, 4, 6, 0, 0))
    assert rules.is_late(YEAR, 3, report.submitted_at, fresh(plans[zone]).zone)
    assert plan_cells(fresh(plans[zone]), now=at(zone, YEAR, 4, 10))[2].late is True


@ZONES
def test_the_report_page_says_late_in_the_plans_local_time(plans, clock, cast, zone):
    on_time = submit_at(clock, plans[zone], at(zone, YEAR, 4, 5, 23, 59))
    page = cast.client_for(cast.admin).get(reverse("pillars:report-detail", args=[on_time.pk]))
    assert page.status_code == 200 and page.context["late"] is False
    MonthlyReport.objects.filter(pk=on_time.pk).update(submitted_at=at(zone, YEAR, 4, 6, 0, 0))
    page = cast.client_for(cast.admin).get(reverse("pillars:report-detail", args=[on_time.pk]))
    assert page.context["late"] is True


@ZONES
def test_the_grid_says_due_until_the_local_deadline_day_ends_then_missing(plans, cast, zone):
    before = selectors.Completeness(cast.admin, YEAR, at(zone, YEAR, 4, 5, 23, 59))
    after = selectors.Completeness(cast.admin, YEAR, at(zone, YEAR, 4, 6, 0, 0))
    assert march_of(before, plans[zone]).state == Cell.OPEN
    assert march_of(after, plans[zone]).state == Cell.MISSING
    assert plan_cells(fresh(plans[zone]), now=at(zone, YEAR, 4, 5, 23, 59))[2].state == Cell.OPEN
    assert plan_cells(fresh(plans[zone]), now=at(zone, YEAR, 4, 6, 0, 0))[2].state == Cell.MISSING


def test_a_grid_of_three_zones_gives_each_row_its_own_deadline(plans, cast):
    now = at(WIT, YEAR, 4, 6, 0, 30)  # 23:30 in Makassar, 22:30 in Gunungkidul, on 5 April
    grid = selectors.Completeness(cast.admin, YEAR, now)
    assert [march_of(grid, plans[zone]).state for zone in (WIB, WITA, WIT)] == [Cell.OPEN, Cell.OPEN, Cell.MISSING]
    assert (grid.totals[2].due, grid.totals[2].missing) == (2, 1)
    assert [row.companion.user.username for row in grid.most_behind(1)] == ["pld_wit"]


def test_a_grid_of_three_zones_counts_each_report_late_by_its_own_deadline(plans, clock, cast):
    moment = at(WIT, YEAR, 4, 6, 0, 30)  # after the deadline in Papua only
    for zone in (WIB, WITA, WIT):
        submit_at(clock, plans[zone], moment)
    grid = selectors.Completeness(cast.admin, YEAR, at(WIB, YEAR, 4, 10))
    assert [march_of(grid, plans[zone]).late for zone in (WIB, WITA, WIT)] == [False, False, True]
    assert (grid.totals[2].reported, grid.totals[2].late) == (3, 1)
    for zone in (WIB, WITA, WIT):
        row = next(row for row in grid.all_rows() if row.companion.pk == plans[zone].companion_id)
        assert plan_cells(fresh(plans[zone]), now=at(WIB, YEAR, 4, 10)) == row.cells


def totals_of_rows(grid, month: int) -> MonthTotals:
    totals = MonthTotals()
    for row in grid.all_rows():
        totals.count(row.cells[month - 1])
    return totals


@pytest.mark.parametrize(
    ("papua_sent", "now"),
    [
        (at(WIB, YEAR, 4, 20), at(WIB, YEAR, 5, 1)),
        (at(WIT, YEAR, 4, 6, 0, 30), at(WIT, YEAR, 4, 6, 0, 30)),
        (at(WIT, YEAR, 4, 6, 0, 30), at(WIB, YEAR, 4, 10)),
    ],
    ids=["zones-agree", "deadline-passed-in-papua-only", "a-report-sent-between-the-deadlines"],
)
def test_the_month_totals_are_the_rows_cells_whether_or_not_the_zones_clocks_agree(plans, clock, cast, papua_sent, now):
    """Most of the year every zone's clocks give the same cells and the totals are counted on one set of clocks;
    in the hours between the zones' deadlines, or with a report sent in them, on each row's own."""
    submit_at(clock, plans[WIB], at(WIB, YEAR, 4, 2))  # on time in every zone
    submit_at(clock, plans[WIT], papua_sent)  # late in Papua; on time in Java in the last two cases
    grid = selectors.Completeness(cast.admin, YEAR, now)
    assert grid.totals[2] == totals_of_rows(grid, 3)
    assert (grid.totals[2].reported, grid.totals[2].late) == (2, 1)


def test_a_coordinator_in_java_sees_the_wib_deadline(plans, cast):
    grid = selectors.Completeness(cast.coordinator, YEAR, at(WIT, YEAR, 4, 6, 0, 30))
    assert [row.companion.user.username for row in grid.all_rows() if row.owes] == ["pld"]
    assert march_of(grid, plans[WIB]).state == Cell.OPEN


def test_a_month_starts_in_the_plans_local_time(plans):
    # 1 April 00:30 in Papua is still 31 March in Java: April can be reported in Papua only.
    now = at(WIT, YEAR, 4, 1, 0, 30)
    assert rules.why_not_reportable(fresh(plans[WIT]), 4, rules.local_today(fresh(plans[WIT]), now)) is None
    assert rules.why_not_reportable(fresh(plans[WIB]), 4, rules.local_today(fresh(plans[WIB]), now))


@pytest.mark.parametrize(
    ("sent", "late"),
    [((YEAR, 8, 5, 23, 59), False), ((YEAR, 8, 6, 0, 0), True)],  # 21:59 and 22:00 on 5 August in Java
    ids=["23:59 WIT", "00:00 WIT"],
)
def test_a_successors_july_report_of_a_plan_in_papua_is_late_from_midnight_there(plans, clock, cast, sent, late):
    plan = plans[WIT]
    predecessor = plan.companion
    successor = CompanionFactory(user=UserFactory(username="pld_wit_new"), villages=[region("94.01.01.2002")])
    coordinator = CoordinatorFactory(user=UserFactory(username="koord_wit"), scope_region=region("94.01"))
    clock.set(at(WIT, YEAR, 7, 1, 9, 0))
    services.plan_hand_over(
        plan=fresh(plan), successor=successor, from_month=7, reason="Moved", by=coordinator.user, today=date(YEAR, 7, 1)
    )
    clock.set(at(WIT, *sent))
    report = services.report_submit(plan=fresh(plan), month=7, by=successor.user)
    assert fresh(plan).zone == WIT and fresh(plan).holder_of(7) == successor.pk
    assert rules.is_late(YEAR, 7, report.submitted_at, fresh(plan).zone) is late
    now = at(WIT, YEAR, 8, 10)
    grid = selectors.Completeness(cast.admin, YEAR, now)
    rows = {row.companion.pk: row for row in grid.all_rows()}
    july = rows[successor.pk].cells[6]
    assert (july.state, july.late) == (Cell.SUBMITTED, late)
    assert rows[predecessor.pk].cells[6].state == Cell.NOT_HELD
    assert plan_cells(fresh(plan), now=now, companion_id=successor.pk)[6] == july
    assert (grid.totals[6].reported, grid.totals[6].late) == (1, int(late))


def test_a_quarters_narrative_can_be_sent_once_its_last_month_is_over_where_the_plan_is(plans, clock):
    now = at(WIT, YEAR, 7, 1, 0, 30)  # still 30 June in Gunungkidul
    clock.set(now)
    papua, java = fresh(plans[WIT]), fresh(plans[WIB])
    sent = services.quarter_submit(plan=papua, quarter=2, narrative="Selesai", by=papua.companion.user, now=now)
    assert sent.status == QuarterReport.Status.SUBMITTED
    with pytest.raises(WorkflowError):
        services.quarter_submit(plan=java, quarter=2, narrative="Belum", by=java.companion.user, now=now)
    assert not QuarterReport.objects.filter(plan=java).exists()


# --- reminders and digests at the local hour -----------------------------------------------------------------------


@pytest.fixture
def tick(clock, settings, django_capture_on_commit_callbacks):
    settings.RKT_REMINDER_DAYS_BEFORE, settings.RKT_REMINDER_HOUR, settings.RKT_DIGEST_HOUR = [3], 7, 7

    def run(moment: datetime) -> dict:
        clock.set(moment)
        with django_capture_on_commit_callbacks(execute=True):
            return schedule.tick(moment)

    return run


def reminded() -> list[str]:
    found = Notification.objects.filter(kind=Kind.REPORT_REMINDER, params__days=0)
    return sorted(found.values_list("recipient__username", flat=True))


def test_the_deadline_day_reminder_goes_out_at_the_local_hour_in_each_zone(plans, tick):
    tick(at(WIT, YEAR, 4, 5, 6, 59))
    assert reminded() == []
    tick(at(WIT, YEAR, 4, 5, 7, 0))  # 6:00 in Makassar, 5:00 in Gunungkidul
    assert reminded() == ["pld_wit"]
    tick(at(WITA, YEAR, 4, 5, 7, 0))
    assert reminded() == ["pld_wit", "pld_wita"]
    tick(at(WIB, YEAR, 4, 5, 6, 59))
    assert reminded() == ["pld_wit", "pld_wita"]
    tick(at(WIB, YEAR, 4, 5, 7, 0))
    assert reminded() == ["pld", "pld_wit", "pld_wita"]
    tick(at(WIB, YEAR, 4, 5, 8, 0))
    assert Notification.objects.filter(kind=Kind.REPORT_REMINDER, params__days=0).count() == 3  # each once


def test_a_coordinators_digest_goes_out_at_the_hour_of_their_scope(plans, cast, tick):
    CoordinatorFactory(user=UserFactory(username="koord_wit"), scope_region=region("94.01"))
    tick(at(WIT, YEAR, 4, 10, 7, 0))  # January to March are missing in Papua and in Gunungkidul; 5:00 there
    digests = Notification.objects.filter(kind=Kind.DIGEST)
    assert [(n.recipient.username, n.params["late"]) for n in digests] == [("koord_wit", 3)]
    tick(at(WIB, YEAR, 4, 10, 7, 0))
    assert sorted(digests.values_list("recipient__username", flat=True)) == ["koord", "koord_wit"]


# --- the admin changes a province's zone ---------------------------------------------------------------------------


def test_the_admin_changes_a_provinces_zone_and_the_deadline_follows(plans, cast):
    client = cast.client_for(cast.admin)
    url = reverse("admin:villages_region_change", args=["94"])
    response = client.post(url, change_form_data(client.get(url), time_zone="Asia/Jakarta"))
    assert response.status_code == 302
    assert Region.objects.get(code="94").time_zone == "Asia/Jakarta"
    plan = fresh(plans[WIT])
    assert plan.zone == WIB
    assert rules.report_deadline(YEAR, 3, plan.zone) == at(WIB, YEAR, 4, 6)
    grid = selectors.Completeness(cast.admin, YEAR, at(WIT, YEAR, 4, 6, 0, 30))
    assert march_of(grid, plan).state == Cell.OPEN


def test_the_admin_cannot_give_a_village_a_zone_or_leave_a_province_without_one(plans, cast):
    client = cast.client_for(cast.admin)
    village = reverse("admin:villages_region_change", args=[VILLAGES[WIT]])
    response = client.post(village, change_form_data(client.get(village), time_zone="Asia/Jakarta"))
    assert response.status_code == 200 and "time_zone" in response.context["adminform"].form.errors
    province = reverse("admin:villages_region_change", args=["94"])
    response = client.post(province, change_form_data(client.get(province), time_zone=""))
    assert response.status_code == 200 and "time_zone" in response.context["adminform"].form.errors
    assert Region.objects.get(code="94").time_zone == "Asia/Jayapura"
    assert Region.objects.get(code=VILLAGES[WIT]).time_zone == ""


# --- printed dates -------------------------------------------------------------------------------------------------


@ZONES
def test_a_submission_at_2330_utc_prints_the_next_local_day(plans, clock, zone):
    submit_at(clock, plans[zone], datetime(YEAR, 4, 5, 23, 30, tzinfo=UTC))
    assert documents.month_document(fresh(plans[zone]), 3).signed_on == "6 April 2026"


@pytest.mark.parametrize(("zone", "day"), [(WIB, "5 April 2026"), (WITA, "6 April 2026"), (WIT, "6 April 2026")])
def test_the_monthly_pdf_prints_the_day_of_the_submission_where_the_plan_is(
    plans, clock, cast, settings, tmp_path, zone, day
):
    settings.MEDIA_ROOT = tmp_path
    submit_at(clock, plans[zone], datetime(YEAR, 4, 5, 16, 30, tzinfo=UTC))  # 23:30 WIB, 00:30 WITA, 01:30 WIT
    response = cast.client_for(cast.admin).get(reverse("reports:month-pdf", args=[plans[zone].pk, 3]))
    text = " ".join(pdf_text(response.content).split())
    other = "6 April 2026" if day == "5 April 2026" else "5 April 2026"
    assert day in text and other not in text


def test_a_photos_month_is_read_in_the_plans_local_time():
    photo = Evidence(taken_at=at(WIB, YEAR, 3, 31, 23, 30))  # 1 April, 01:30 in Papua
    assert photo.taken_outside(YEAR, 4, WIT) is False
    assert photo.taken_outside(YEAR, 4, WIB) is True

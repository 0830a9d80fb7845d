"""A province's and the country's figures from the plans' stored tallies (pillars.tallies) are the figures of
their activities one by one, whatever wrote to a plan since it was added up, by whatever path.

PostgreSQL only: SQLite keeps no tallies (it adds up one activity at a time) and has no triggers here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from pillars import figures, services, tallies
from pillars.models import Activity, MonthlyProgress, Pillar, PlanTally, PlanTallyState, WorkPlan
from reports import dashboard
from reports.dashboard import figures as dashboard_figures
from tests.factories import ActivityFactory, CompanionFactory, PlanFactory, UserFactory, region
from tests.test_figures_agreement import YEAR
from tests.test_figures_agreement import world as world  # noqa: PLC0414 (the fixture, under its own name)
from villages.models import Companion, Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stored tallies are PostgreSQL's"),
]

D = Decimal
TODAY = date(2026, 12, 10)


@pytest.fixture
def wide(cast, world):
    """Besides the world's kabupaten (34.03): a plan in Kulon Progo (34.01) whose all-villages activity also
    works in Jawa Tengah (33.01), so it counts in two kabupaten and two provinces; a province coordinator of 34."""
    kulon, tengah = region("34.01.01.2001"), region("33.01.01.2001")
    companion = CompanionFactory(user=UserFactory(username="lintas"), villages=[kulon, tengah])
    plan = PlanFactory(companion=companion, villages=[kulon, tengah], status=WorkPlan.Status.APPROVED, revision=0)
    pillars = list(Pillar.objects.order_by("order"))
    both = ActivityFactory(plan=plan, pillar=pillars[0], village=None, months=(2, 5, 8), target_quantity=D("3"))
    here = ActivityFactory(plan=plan, pillar=pillars[1], village=tengah, months=(3,), target_quantity=D("7"))
    MonthlyProgress.objects.create(activity=both, month=2, status="done", quantity=D("1"))
    MonthlyProgress.objects.create(activity=here, month=3, status="ongoing", quantity=D("2.5"))
    provincial = CompanionFactory(
        user=UserFactory(username="kprov"), role=Companion.Role.KOORDINATOR, scope_region=Region.objects.get(code="34")
    )
    return {"plan": plan, "both": both, "here": here, "province": provincial.user}


def viewers(cast, wide):
    return {"admin": cast.admin, "province": wide["province"]}


def numbers(tally: figures.Tally) -> tuple:
    return tuple(getattr(tally, name) for name in figures.TALLY_COUNTS if name != "share_sum")


def assert_same(stored: dashboard.Counted, one_by_one: dashboard.Counted) -> None:
    assert numbers(stored.total) == numbers(one_by_one.total)
    assert abs(stored.total.share_sum - one_by_one.total.share_sum) < D("1e-15")
    for name in ("pillars", "areas"):
        mine = {key: numbers(t) for key, t in getattr(stored, name).items() if t.activities}
        theirs = {key: numbers(t) for key, t in getattr(one_by_one, name).items() if t.activities}
        assert mine == theirs, name


def both_ways(user, *, area: str = "", role: str = "", year: int = YEAR):
    area_region = Region.objects.get(code=area) if area else None
    selection = dashboard.Selection.of_scope(user, year, TODAY, area=area_region, role=role)
    plans = dashboard.scoped_plans(user, selection)
    stored = dashboard_figures._counted_from_stored_tallies(plans, selection)
    live = dashboard_figures._counted_one_by_one(plans, selection, by_area=True, villages_too=False)
    return stored, live


@pytest.mark.parametrize(
    "who, area, role",
    [("admin", "", ""), ("admin", "34", ""), ("admin", "33", ""), ("admin", "", "PLD"), ("province", "", "")],
)
def test_the_stored_tallies_add_up_to_the_activities_one_by_one(cast, wide, who, area, role):
    user = viewers(cast, wide)[who]
    stored, live = both_ways(user, area=area, role=role)
    assert live.total.activities > 0
    assert_same(stored, live)
    # The second time every plan of the selection is fresh: the sum is read from the stored rows alone.
    selection = dashboard.Selection.of_scope(
        user, YEAR, TODAY, area=Region.objects.filter(code=area).first(), role=role
    )
    assert not tallies.stale(dashboard.scoped_plans(user, selection).in_force(), 11)
    assert_same(both_ways(user, area=area, role=role)[0], live)


def test_an_activity_in_two_provinces_counts_once_in_each_and_once_in_the_whole(cast, wide):
    stored, _live = both_ways(cast.admin)
    whole = stored.total.activities
    assert stored.areas["33"].activities == 2  # the all-villages one and the one in Jawa Tengah
    assert stored.areas["33"].activities + stored.areas["34"].activities == whole + 1  # the first counts in both
    province, _ = both_ways(wide["province"])
    assert province.areas["34.01"].activities == 1  # only the all-villages activity works in 34
    assert "33.01" not in province.areas and province.total.activities == whole - 1


def test_a_plan_not_yet_added_up_is_read_from_its_activities(cast, wide, monkeypatch):
    monkeypatch.setattr(dashboard_figures, "STALE_FILLED_PER_REQUEST", 0)
    stored, live = both_ways(cast.admin)
    assert_same(stored, live)
    assert not PlanTally.objects.exists()


def write_every_way(cast, world, wide):
    """Every path that changes a plan's figures, each followed by the check."""
    rina = world.pld.companion.user
    plan, both = wide["plan"], wide["both"]
    yield (
        "a service saves progress",
        lambda: services.progress_save(
            activity=world.a["Sepertiga"], month=9, values={"status": "done", "quantity": D("1")}, version=0, by=rina
        ),
    )
    yield "an update in bulk", lambda: MonthlyProgress.objects.filter(activity=both).update(quantity=D("3"))
    yield (
        "entries created in bulk",
        lambda: MonthlyProgress.objects.bulk_create(
            [MonthlyProgress(activity=both, month=5, status="cancelled", quantity=D("0"))]
        ),
    )
    yield "an entry deleted", lambda: MonthlyProgress.objects.filter(activity=wide["here"]).delete()
    yield "a target changed", lambda: Activity.objects.filter(pk=both.pk).update(target_quantity=D("2"))
    yield "a village taken from the plan", lambda: plan.villages.remove(Region.objects.get(code="33.01.01.2001"))
    yield "an activity added", lambda: ActivityFactory(plan=plan, village=None, months=(1,), target_quantity=D("1"))
    yield "an activity deleted", lambda: Activity.objects.get(pk=wide["here"].pk).delete()
    yield "a revision approved", lambda: approve_revision(world, cast)


def approve_revision(world, cast) -> None:
    """Agus's submitted revision (a doubled target, a new activity) becomes the version in force."""
    services.plan_approve(plan=WorkPlan.objects.get(pk=world.pld2.pk), by=cast.coordinator)


def test_whatever_writes_to_a_plan_its_stored_tallies_stop_counting_until_added_up_again(
    cast, world, wide, monkeypatch
):
    for what, write in write_every_way(cast, world, wide):
        both_ways(cast.admin)  # every plan added up: its tallies hold
        write()
        assert PlanTallyState.objects.filter(tallied_through=None).exists(), f"{what}: every plan still holds"
        with monkeypatch.context() as patched:  # the written plan read from its activities, the others stored
            patched.setattr(dashboard_figures, "STALE_FILLED_PER_REQUEST", 0)
            stored, live = both_ways(cast.admin)
            assert_same(stored, live)
        stored, live = both_ways(cast.admin)
        assert_same(stored, live)
        province_stored, province_live = both_ways(wide["province"])
        assert_same(province_stored, province_live)


def test_a_write_unsettles_only_the_plans_it_touches(cast, world, wide):
    both_ways(cast.admin)
    MonthlyProgress.objects.filter(activity=wide["both"]).update(quantity=D("2"))
    assert tallies.stale(WorkPlan.objects.filter(year=YEAR).counted().in_force(), 11) == [wide["plan"].pk]


def test_every_new_plan_gets_its_state_from_the_database(cast):
    plan = PlanFactory(companion=CompanionFactory())
    assert PlanTallyState.objects.filter(plan=plan).exists()


def test_a_new_month_adds_every_plan_up_again_and_the_command_does_it_ahead(cast, world, wide, clock):
    both_ways(cast.admin)
    plans = WorkPlan.objects.filter(year=YEAR).counted().in_force()
    assert not tallies.stale(plans, 11)
    assert tallies.stale(plans, 12)  # January 2027: December is over too
    clock.set("2027-01-01 00:05")
    call_command("tally_plans", year=[YEAR], stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not tallies.stale(plans, 12)
    assert set(PlanTally.objects.values_list("through", flat=True)) == {12}


def one_plan() -> tuple[WorkPlan, Activity]:
    village = region("34.01.01.2001")
    plan = PlanFactory(companion=CompanionFactory(villages=[village]), villages=[village])
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.APPROVED)
    return plan, ActivityFactory(plan=plan, village=village, months=(1,), target_quantity=D("2"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_pillars")
def test_a_fill_skips_a_plan_being_written_and_a_write_waits_for_a_fill_then_unsettles_it():
    """The lock that keeps a stored tally from ever holding stale figures, with two real connections."""
    import threading

    from django.db import connections, transaction

    plan, activity = one_plan()
    writing, release = threading.Event(), threading.Event()

    def write_and_hold():
        with transaction.atomic():
            MonthlyProgress.objects.create(activity=activity, month=1, status="done", quantity=D("1"))
            writing.set()
            release.wait(10)
        connections.close_all()

    writer = threading.Thread(target=write_and_hold)
    writer.start()
    assert writing.wait(10)
    assert tallies.fill([plan.pk], 11) == 0  # skipped at once, not waited for
    release.set()
    writer.join(10)
    assert tallies.stale(WorkPlan.objects.filter(pk=plan.pk), 11) == [plan.pk]

    # Now a fill holds the plan while a write comes: the write waits, and unsettles the plan once the fill is in.
    filled, wrote = threading.Event(), threading.Event()

    def fill_and_hold():
        with transaction.atomic():
            assert tallies.fill([plan.pk], 11) == 1
            filled.set()
            release.clear()
            wrote.wait(1)  # the write cannot get through while this holds
            assert not wrote.is_set()
        connections.close_all()

    def write():
        MonthlyProgress.objects.filter(activity=activity).update(quantity=D("2"))
        wrote.set()
        connections.close_all()

    filler = threading.Thread(target=fill_and_hold)
    filler.start()
    assert filled.wait(10)
    second = threading.Thread(target=write)
    second.start()
    filler.join(10)
    second.join(10)
    assert wrote.is_set()
    assert PlanTallyState.objects.get(plan=plan).tallied_through is None
    assert PlanTally.objects.filter(plan=plan, pillar=activity.pillar, area="").get().share_sum == D("0.5")


def test_adding_up_one_stale_plan_or_twenty_takes_the_same_statements(cast, world, wide, django_assert_num_queries):
    selection = dashboard.Selection.of_scope(cast.admin, YEAR, TODAY)
    plans = dashboard.scoped_plans(cast.admin, selection)
    tallies.fill_stale(plans, 11)
    MonthlyProgress.objects.filter(activity=wide["both"]).update(quantity=D("2"))
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert tallies.fill_stale(plans, 11) == 1
    for n in range(20):
        one_plan_here = PlanFactory(companion=CompanionFactory(villages=[region("34.01.01.2001")]))
        WorkPlan.objects.filter(pk=one_plan_here.pk).update(status=WorkPlan.Status.APPROVED)
        ActivityFactory(plan=one_plan_here, village=None, months=(n % 12 + 1,))
    with django_assert_num_queries(len(one)):
        assert tallies.fill_stale(plans, 11) == 20


@pytest.mark.parametrize("who", ["admin", "province"])
def test_the_home_page_of_a_wide_scope_shows_what_the_activities_add_up_to(cast, wide, who):
    """The surface, not only the sum: the home's total, pillar and area rows, in both languages."""
    from django.urls import reverse

    from tests.test_figures_agreement import page

    user = viewers(cast, wide)[who]
    _stored, live = both_ways(user)
    for language in ("id", "en"):
        context, _html = page(cast.client_for(user), reverse("home"), language, year=YEAR)
        assert numbers(context["total"]) == numbers(live.total)
        assert {row.key: numbers(row.tally) for row in context["pillars"] if row.tally.activities} == {
            pillar.code: numbers(live.pillars[pillar.pk]) for pillar in Pillar.objects.filter(pk__in=live.pillars)
        }
        assert {row.key: numbers(row.tally) for row in context["areas"]} == {
            key: numbers(tally) for key, tally in live.areas.items()
        }

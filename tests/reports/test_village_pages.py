"""The coordinator's village list and village page: data over the years, activities across companions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pillars.models import WorkPlan
from tests.factories import ActivityFactory, PlanFactory, ProgressFactory, VillageDataFactory, region
from tests.reports.exports_helpers import set_status
from villages.models import Region, VillageData

LIST = reverse("reports:village-list")


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language; the default language is Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def detail(code: str) -> str:
    return reverse("reports:village-detail", args=[code])


# The list --------------------------------------------------------------------------------------


def test_the_list_shows_the_villages_in_scope_with_their_latest_status(cast):
    VillageDataFactory(village_id="34.03.01.2001", year=2025, indeks_desa_status="tertinggal")
    VillageDataFactory(
        village_id="34.03.01.2001", year=2026, indeks_desa_status="maju", indeks_desa_score=Decimal("75.2")
    )
    response = cast.client_for(cast.coordinator).get(LIST)
    assert response.status_code == 200
    villages = list(response.context["page"].object_list)
    assert [village.code for village in villages] == ["34.03.01.2001", "34.03.01.2002", "34.03.02.2001"]
    assert (villages[0].data_year, villages[0].data_status_label) == (2026, "Maju")
    assert villages[1].data_year is None
    assert "34.01.01.2001" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("3403012002", ["34.03.01.2002"]),
        ("34.03.02", ["34.03.02.2001"]),
        ("kepek", ["34.03.01.2002"]),
        ("wonosari", ["34.03.01.2001", "34.03.01.2002"]),  # the kecamatan's name
        ("34.01", []),
    ],
)
def test_the_list_searches_by_name_or_code(cast, query, codes):
    Region.objects.filter(code="34.03.01").update(name="Wonosari")
    Region.objects.filter(code="34.03.01.2002").update(name="Kepek")
    response = cast.client_for(cast.coordinator).get(LIST, {"q": query})
    assert [village.code for village in response.context["page"].object_list] == codes


def test_the_list_filters_by_latest_status_and_missing_data(cast):
    VillageDataFactory(village_id="34.03.01.2001", year=2025, indeks_desa_status="tertinggal")
    VillageDataFactory(village_id="34.03.01.2001", year=2026, indeks_desa_status="maju")
    VillageDataFactory(village_id="34.03.01.2002", year=2026, indeks_desa_status="tertinggal")
    client = cast.client_for(cast.coordinator)
    tertinggal = client.get(LIST, {"status": "tertinggal"}).context["page"].object_list
    assert [village.code for village in tertinggal] == ["34.03.01.2002"]
    missing = client.get(LIST, {"status": "none"}).context["page"].object_list
    assert [village.code for village in missing] == ["34.03.02.2001"]


def test_the_list_pages_keep_the_search(cast):
    for number in range(1, 61):
        region(f"34.03.05.{2000 + number}")
    response = cast.client_for(cast.coordinator).get(LIST, {"q": "34.03.05"})
    assert response.context["page"].paginator.count == 60
    assert "?q=34.03.05&amp;page=2" in response.content.decode()


def test_the_list_costs_the_same_queries_for_5_and_50_villages(cast, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)

    def villages(first: int, last: int) -> None:
        for number in range(first, last + 1):
            code = f"34.03.06.{2000 + number}"
            region(code)
            VillageDataFactory(village_id=code, year=2026)

    villages(1, 5)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(LIST, {"q": "34.03.06"})
    villages(6, 50)
    with django_assert_num_queries(len(small)):
        client.get(LIST, {"q": "34.03.06"})


def test_the_list_asks_anonymous_users_to_log_in(cast):
    response = cast.client_for(None).get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_refuses_post(cast):
    assert cast.client_for(cast.coordinator).post(LIST).status_code == 405


def test_the_list_of_an_outsider_holds_only_their_own_area(cast):
    response = cast.client_for(cast.outsider).get(LIST)
    assert [village.code for village in response.context["page"].object_list] == ["34.01.01.2001"]


# The village page ------------------------------------------------------------------------------


def test_the_village_page_shows_data_over_the_years(cast):
    VillageDataFactory(village_id="34.03.01.2001", year=2025, poor_households=170)
    VillageDataFactory(village_id="34.03.01.2001", year=2026, poor_households=150, dana_desa=Decimal("1025000000"))
    response = cast.client_for(cast.coordinator).get(detail("34.03.01.2001"))
    assert response.status_code == 200
    assert [data.year for data in response.context["years"]] == [2026, 2025]
    poor = next(values for label, kind, values in response.context["rows"] if label == "poor households")
    assert poor == [150, 170]
    assert "Rp 1,025,000,000" in response.content.decode()  # the page is in English


def planned(response) -> list:
    return [activity for group in response.context["planned"] for activity, _numbers in group.rows]


def test_the_village_page_lists_activities_in_force_of_every_companion_planned_there(cast, clock):
    clock.set("2026-06-15 10:00")  # 2026 to date: January to May
    village = Region.objects.get(code="34.03.01.2001")
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    own = ActivityFactory(plan=cast.plan, village=village, title="Own village activity", target_quantity=Decimal("4"))
    ProgressFactory(activity=own, month=1, quantity=Decimal("1"))
    ProgressFactory(activity=own, month=4, quantity=Decimal("2"))
    ProgressFactory(activity=own, month=6, quantity=Decimal("5"))  # June is not over: not counted yet
    everywhere = ActivityFactory(plan=cast.plan, village=None, title="For all the plan's villages")
    other_companion_plan = PlanFactory(companion=cast.other_companion.companion, year=2025, villages=[village])
    set_status(other_companion_plan, WorkPlan.Status.APPROVED)
    ActivityFactory(plan=other_companion_plan, village=village, title="Another companion here")
    ActivityFactory(plan=cast.plan, village=Region.objects.get(code="34.03.01.2002"), title="Elsewhere")
    set_status(cast.other_plan, WorkPlan.Status.APPROVED)
    ActivityFactory(plan=cast.other_plan, village=None, title="Plan without this village")
    draft = PlanFactory(companion=cast.outside_plan.companion, year=2024, villages=[village])
    ActivityFactory(plan=draft, village=village, title="In a plan never approved")

    response = cast.client_for(cast.coordinator).get(detail("34.03.01.2001"))
    activities = planned(response)
    assert sorted(activity.title for activity in activities) == sorted(
        [own.title, everywhere.title, "Another companion here"]
    )
    assert activities[-1].title == "Another companion here"  # the latest year first
    first = response.context["planned"][0]
    numbers = {activity.pk: n for activity, n in first.rows}[own.pk]
    assert (first.year, first.to_date.month, numbers.achieved, numbers.percent) == (2026, 5, 3, Decimal("75.0"))


def test_a_companion_sees_only_their_own_activities_on_their_village(cast):
    village = Region.objects.get(code="34.03.01.2001")
    other_plan = PlanFactory(companion=cast.other_companion.companion, year=2025, villages=[village])
    set_status(other_plan, WorkPlan.Status.APPROVED)
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    ActivityFactory(plan=other_plan, village=village, title="Not yours")
    ActivityFactory(plan=cast.plan, village=village, title="Yours")
    response = cast.client_for(cast.companion).get(detail("34.03.01.2001"))
    assert [activity.title for activity in planned(response)] == ["Yours"]


def test_a_village_outside_scope_is_not_found(cast):
    assert cast.client_for(cast.outsider).get(detail("34.03.01.2001")).status_code == 404
    assert cast.client_for(cast.other_companion).get(detail("34.03.01.2001")).status_code == 404
    assert cast.client_for(cast.coordinator).get(detail("34.03.01")).status_code == 404  # not a village


def test_the_village_page_asks_anonymous_users_to_log_in(cast):
    response = cast.client_for(None).get(detail("34.03.01.2001"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_village_page_refuses_post(cast):
    assert cast.client_for(cast.coordinator).post(detail("34.03.01.2001")).status_code == 405


def test_the_village_page_costs_the_same_queries_for_5_and_50_activities(cast, django_assert_num_queries):
    village = Region.objects.get(code="34.03.01.2001")
    client = cast.client_for(cast.coordinator)
    for year in (2024, 2025, 2026):
        VillageDataFactory(village=village, year=year)
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    ActivityFactory.create_batch(5, plan=cast.plan, village=village)
    client.get(detail(village.code))
    with CaptureQueriesContext(connection) as small:
        client.get(detail(village.code))
    ActivityFactory.create_batch(45, plan=cast.plan, village=village)
    with django_assert_num_queries(len(small)):
        client.get(detail(village.code))
    assert VillageData.objects.count() == 3

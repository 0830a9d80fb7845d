"""The coordinator's home: every figure against hand counts of the small scope in home_fixtures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CoordinatorFactory, UserFactory, region
from tests.reports import home_fixtures
from tests.reports.home_fixtures import YEAR, grow
from villages.models import Region

pytestmark = pytest.mark.django_db
User = get_user_model()
scope = home_fixtures.scope
fixed_now = home_fixtures.fixed_now


def home(cast, user, **params):
    query = {"year": YEAR, **params}
    response = cast.client_for(user).get(reverse("home"), query)
    assert response.status_code == 200
    return response.context


def figures(row) -> tuple:
    """Activities, scheduled, reported and done slots, and the mean of the activities' capped shares."""
    return (row.activities, row.scheduled, row.reported, row.done, row.achievement_pct)


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_rejects_post(cast):
    assert cast.client_for(cast.coordinator).post(reverse("home")).status_code == 405


def test_plans_by_status_count_the_year_in_scope(cast, scope):
    context = home(cast, cast.coordinator)
    cards = {card.value: card.count for card in context["status_cards"]}
    assert cards == {"draft": 0, "submitted": 1, "returned": 0, "approved": 1}
    assert "status=approved" in context["status_cards"][3].url and f"year={YEAR}" in context["status_cards"][3].url
    assert context["without_plan"].count == 1
    assert [c.user.username for c in context["without_plan"].shown] == ["pd4"]


def test_the_queue_lists_plans_and_reports_waiting_with_their_age(cast, scope):
    context = home(cast, cast.coordinator)
    assert [(w.obj, w.days) for w in context["plan_queue"].shown] == [(scope.waiting_plan, 5)]
    assert (context["plan_queue"].count, context["plan_queue"].other_years) == (1, 0)
    # Submitted 10 March 2025, seen on 10 February 2026.
    assert [(w.obj, w.days) for w in context["report_queue"].shown] == [(scope.late_report, 337)]
    assert context["report_queue"].shown[0].url == reverse("pillars:report-detail", args=[scope.late_report.pk])
    assert (context["report_queue"].count, context["report_queue"].other_years) == (1, 0)


def test_progress_per_pillar_counts_scheduled_reported_and_done_slots(cast, scope):
    pillars = {row.key: row for row in home(cast, cast.coordinator)["pillars"]}
    # a1: Jan–Mar scheduled, Jan done, Feb ongoing, May off schedule (quantity only): 2 of 3.
    assert figures(pillars["ASI"]) == (1, 3, 2, 1, Decimal("66.7"))
    assert figures(pillars["ORG"]) == (1, 1, 1, 1, Decimal("100.0"))
    assert figures(pillars["ARH"]) == (0, 0, 0, 0, None)
    assert figures(pillars["KAP"]) == (0, 0, 0, 0, None)


def test_the_headline_adds_up_the_pillars(cast, scope):
    total = home(cast, cast.coordinator)["total"]
    assert (total.scheduled, total.reported, total.done) == (4, 3, 2)
    # The mean of 2/3 and 2/2, not the 4 of 5 a sum of quantities would give.
    assert (total.reported_pct, total.done_pct, total.achievement_pct) == (
        Decimal("75.0"),
        Decimal("50.0"),
        Decimal("83.3"),
    )


def test_the_kecamatan_table_counts_an_all_villages_activity_once_in_its_kecamatan(cast, scope):
    areas = home(cast, cast.coordinator)["areas"]
    assert [(row.key, *figures(row)) for row in areas] == [("34.03.01", 2, 4, 3, 2, Decimal("83.3"))]


def test_the_village_table_counts_an_all_villages_activity_for_each_village(cast, scope):
    villages = {row.key: figures(row) for row in home(cast, cast.coordinator)["villages"]}
    assert villages == {
        "34.03.01.2001": (2, 4, 3, 2, Decimal("83.3")),
        "34.03.01.2002": (1, 1, 1, 1, Decimal("100.0")),
    }


def test_the_tables_sort_on_the_server(cast, scope):
    context = home(cast, cast.coordinator, sort="-scheduled")
    assert [row.key for row in context["villages"]] == ["34.03.01.2001", "34.03.01.2002"]
    context = home(cast, cast.coordinator, sort="scheduled")
    assert [row.key for row in context["villages"]] == ["34.03.01.2002", "34.03.01.2001"]
    assert [c.state for c in context["sort_columns"] if c.key == "scheduled"] == ["ascending"]


def test_it_lists_assigned_villages_without_an_activity_in_a_plan_in_force(cast, scope):
    context = home(cast, cast.coordinator)
    assert context["without_activity"].count == 2
    assert [v.code for v in context["without_activity"].shown] == ["34.03.02.2001", "34.03.02.2002"]
    assert context["unassigned_villages"] == 1


def test_it_lists_blt_villages_without_a_poor_group_activity(cast, scope):
    gaps = home(cast, cast.coordinator)["blt_gaps"]
    # A and B are covered by the all-villages poor-household activity; D has no BLT in 2025; E has no companion.
    assert gaps.count == 1
    assert [(d.village_id, d.blt_households) for d in gaps.shown] == [("34.03.02.2001", 10)]


def test_the_heatmap_counts_missing_late_and_returned_reports(cast, scope):
    heatmap = home(cast, cast.coordinator)["heatmap"]
    assert heatmap.month == 12
    # Only pld has a plan in force, so only pld owes reports; pld2 (plan submitted) and pd4 (no plan) are listed
    # apart, not as missing; Kulon Progo's companion not at all.
    assert heatmap.owing == 1
    assert {name for name, _status in heatmap.not_owing} == {
        cast.other_companion.get_full_name(),
        User.objects.get(username="pd4").get_full_name(),
    }
    assert (heatmap.missing, heatmap.due) == (1, 0)
    assert (heatmap.late, heatmap.returned) == (1, 1)
    rows = {row.name: row for row in heatmap.rows}
    first_four = [cell.css for cell in rows[cast.companion.get_full_name()].cells[:4]]
    assert first_four == ["heat-acknowledged", "heat-submitted heat-late", "heat-returned", "heat-missing"]


def test_the_kecamatan_filter_narrows_every_figure(cast, scope):
    context = home(cast, cast.coordinator, area="34.03.02")
    assert {card.value: card.count for card in context["status_cards"]}["submitted"] == 1
    assert {card.value: card.count for card in context["status_cards"]}["approved"] == 0
    assert all(row.scheduled == 0 for row in context["pillars"])
    assert context["areas"] == [] and context["villages"] == []
    assert context["without_activity"].count == 2
    assert context["blt_gaps"].count == 1
    assert context["unassigned_villages"] == 1
    assert context["heatmap"].rows == []
    assert {name for name, _status in context["heatmap"].not_owing} == {
        cast.other_companion.get_full_name(),
        User.objects.get(username="pd4").get_full_name(),
    }


def test_the_role_filter_keeps_companions_of_that_role(cast, scope):
    context = home(cast, cast.coordinator, role="PD")
    assert {card.value: card.count for card in context["status_cards"]}["approved"] == 0
    assert [c.user.username for c in context["without_plan"].shown] == ["pd4"]
    assert [v.code for v in context["without_activity"].shown] == ["34.03.02.2002"]
    assert (context["heatmap"].owing, len(context["heatmap"].not_owing)) == (0, 1)


def test_another_kabupatens_area_is_refused_and_changes_nothing(cast, scope):
    context = home(cast, cast.coordinator, area="34.01.01")
    assert context["form"].errors["area"]
    assert context["selection"].area is None
    assert figures({row.key: row for row in context["pillars"]}["ASI"])[:4] == (1, 3, 2, 1)


def test_a_coordinator_never_sees_another_kabupatens_numbers(cast, scope):
    context = home(cast, cast.outsider)
    pillars = {row.key: row for row in context["pillars"]}
    assert figures(pillars["ASI"]) == (1, 2, 1, 1, Decimal("25.0"))
    assert figures(pillars["ORG"])[:4] == (0, 0, 0, 0)
    assert [row.key for row in context["areas"]] == ["34.01.01"]
    assert context["plan_queue"].count == 0 and context["report_queue"].count == 1
    assert context["without_activity"].count == 0 and context["blt_gaps"].count == 0
    assert context["heatmap"].owing == 1
    page = cast.client_for(cast.outsider).get(reverse("home"), {"year": YEAR}).content.decode()
    assert "Region 34.03" not in page


def test_a_provincial_coordinator_sees_one_row_per_kabupaten(cast, scope):
    province = CoordinatorFactory(user=UserFactory(username="koord_diy"), scope_region=region("34"))
    context = home(cast, province.user)
    assert context["form"].fields["area"].label == Region.Level.REGENCY.label
    assert [(row.key, row.scheduled, row.reported, row.done) for row in context["areas"]] == [
        ("34.01", 2, 1, 1),
        ("34.03", 4, 3, 2),
    ]
    context = home(cast, province.user, area="34.03")
    assert [row.key for row in context["areas"]] == ["34.03"]


def test_every_figure_links_to_the_rows_behind_it(cast, scope):
    context = home(cast, cast.coordinator)
    page = cast.client_for(cast.coordinator).get(reverse("home"), {"year": YEAR}).content.decode()
    for card in context["status_cards"]:
        assert card.url.replace("&", "&amp;") in page
    assert reverse("pillars:completeness") in page
    assert scope.waiting_plan.get_absolute_url() in page
    for row in context["pillars"] + context["areas"] + context["villages"]:
        assert row.url
    assert all(village.url for village in context["without_activity"].shown)


@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_query_count_does_not_grow_with_the_scope(cast, scope, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)
    client.get(reverse("home"))  # the CSRF cookie, as after logging in
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home"), {"year": YEAR}).status_code == 200
    assert len(small) <= 43
    grow(40)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("home"), {"year": YEAR})
    heatmap = response.context["heatmap"]
    assert (heatmap.owing, len(heatmap.not_owing)) == (41, 2)
    assert {row.key: row.activities for row in response.context["areas"]}["34.03.05"] == 120


@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_admin_sees_every_kabupaten_with_the_same_query_count(cast, scope, django_assert_num_queries):
    client = cast.client_for(cast.admin)
    client.get(reverse("home"))  # the CSRF cookie, as after logging in
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"), {"year": YEAR})
    grow(40)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("home"), {"year": YEAR})
    assert [row.key for row in response.context["areas"]] == ["34"]

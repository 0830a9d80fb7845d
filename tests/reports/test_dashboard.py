"""The dashboard's parts: months that are over, group level, sorting, pillars as rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from pillars.figures import Tally, last_complete_month
from pillars.models import Pillar
from reports import dashboard
from tests.factories import ActivityFactory, CoordinatorFactory, UserFactory, region
from tests.reports import home_fixtures
from tests.reports.home_fixtures import YEAR

pytestmark = pytest.mark.django_db
scope = home_fixtures.scope
fixed_now = home_fixtures.fixed_now


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, 12), (2026, 1), (2027, 0)], ids=["past year", "this year", "next year"]
)
def test_only_months_that_are_over_count(year, expected):
    assert last_complete_month(year, date(2026, 2, 10)) == expected


def test_the_tables_group_one_level_below_the_scope(cast):
    province = CoordinatorFactory(user=UserFactory(username="koord_diy"), scope_region=region("34"))
    kecamatan = CoordinatorFactory(user=UserFactory(username="koord_kec"), scope_region=region("34.03.01"))
    assert dashboard.group_level_for(province.user) == 2
    assert dashboard.group_level_for(cast.coordinator) == 3
    assert dashboard.group_level_for(kecamatan.user) == 3
    assert dashboard.group_level_for(cast.admin) == 1


def test_rows_sort_by_a_column_and_reverse_with_a_minus():
    rows = [
        dashboard.ProgressRow("b", "Beta", tally=Tally(scheduled=4, done=1)),
        dashboard.ProgressRow("a", "alpha", tally=Tally(scheduled=2, done=2)),
    ]
    assert [r.key for r in dashboard.sort_rows(rows, "name")[0]] == ["a", "b"]
    assert [r.key for r in dashboard.sort_rows(rows, "-done")[0]] == ["a", "b"]  # 100 % before 25 %
    assert [r.key for r in dashboard.sort_rows(rows, "scheduled")[0]] == ["a", "b"]
    assert dashboard.sort_rows(rows, "drop table")[1] == "name"


def test_an_empty_row_has_no_percent_and_empty_bars():
    row = dashboard.ProgressRow("x", "X")
    assert (row.reported_pct, row.done_pct, row.achievement_pct) == (None, None, None)
    assert (row.reported_bar, row.done_bar, row.achievement_bar) == (0, 0, 0)


def test_a_bad_filter_value_shows_an_error_and_falls_back(cast, fixed_now):
    client = cast.client_for(cast.coordinator)
    response = client.get(reverse("home"), {"year": "abc", "role": "KOORD"})
    form = response.context["form"]
    assert form.errors["year"] and form.errors["role"]
    assert response.context["selection"].year == 2026 and response.context["selection"].role == ""
    assert 'class="invalid-feedback"' in response.content.decode()


def test_a_new_pillar_gets_its_own_bar_and_an_unused_inactive_one_none(cast, scope):
    Pillar.objects.create(code="FAS", name="Fasilitasi", order=9)
    Pillar.objects.filter(code="ARH").update(is_active=False)
    old = Pillar.objects.create(code="OLD", name="Lama", order=10, is_active=False)
    ActivityFactory(plan=scope.plan, pillar=old, village=None, months=(1,))
    response = cast.client_for(cast.coordinator).get(reverse("home"), {"year": YEAR})
    keys = [row.key for row in response.context["pillars"]]
    assert keys == ["ASI", "ORG", "KAP", "FAS", "OLD"]
    assert {row.key: row.scheduled for row in response.context["pillars"]}["OLD"] == 1

"""Cached pages are never stale: every write raises the data versions of its scopes in its own transaction
(villages.versions), and a page is kept and matched (rkt.pages) under the versions it was drawn from.

Each test runs on SQLite and, with DATABASE_URL set, on PostgreSQL (the signals' SQL is written for both)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pillars import services, versions
from pillars.models import MonthlyProgress
from tests.factories import CompanionFactory, ProgressFactory, region
from tests.reports import home_fixtures
from tests.reports.home_fixtures import YEAR
from villages import versions as village_versions
from villages.models import DataVersion, VillageData

pytestmark = pytest.mark.django_db
scope = home_fixtures.scope
fixed_now = home_fixtures.fixed_now


def counters() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("scope", "version"))


def raised(before: dict[str, int]) -> set[str]:
    after = counters()
    return {name for name, value in after.items() if value != before.get(name, 0)}


def home_of(client):
    """The coordinator's home of the fixtures' year, with the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"), {"year": YEAR})
    assert response.status_code == 200
    return response, len(queries)


def asi_done(response) -> int:
    """The done slots of the ASI pillar, read from the page's own figures (drawn, not cached)."""
    assert response.context is not None, "answered from the cache"
    return next(row.done for row in response.context["pillars"] if row.key == "ASI")


# --- Which writes raise which counters.


def test_every_model_the_pages_read_is_followed():
    ours = ("villages", "pillars", "reports", "notifications", "jobs")
    models = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours and not model.__name__.startswith("Historical")
    }
    assert models - village_versions.TRACKED - village_versions.UNTRACKED == set()
    assert not village_versions.TRACKED & village_versions.UNTRACKED


def test_a_progress_entry_raises_its_plans_counter_only(cast, scope):
    """No counter shared by two companions: saves in one kabupaten never wait for each other's."""
    before = counters()
    services.progress_save(
        activity=scope.a1, month=3, values={"status": "done", "quantity": Decimal("1")}, version=0, by=cast.companion
    )
    assert raised(before) == {f"plan:{scope.plan.pk}"}


def test_a_plan_child_raises_its_plan_within_its_transaction(cast, scope):
    """Evidence, comments and reports reach their plan through their own rows (one statement each)."""
    entry = MonthlyProgress.objects.get(activity=scope.a1, month=1)
    before = counters()
    versions.bump_row("progress", entry.pk)
    versions.bump_row("activity", scope.a1.pk)
    assert raised(before) == {f"plan:{scope.plan.pk}"}
    assert counters()[f"plan:{scope.plan.pk}"] == before.get(f"plan:{scope.plan.pk}", 0) + 2


def test_logging_in_raises_nothing_and_a_rename_raises_everything(cast, client):
    before = counters()
    client.force_login(cast.companion)
    assert raised(before) == set()
    cast.companion.first_name = "Rina"
    cast.companion.save()
    assert raised(before) == {village_versions.ALL}


def test_a_village_data_write_raises_its_kabupaten_and_its_village_data(cast):
    before = counters()
    VillageData.objects.create(village=region("34.03.01.2001"), year=YEAR, blt_households=3)
    assert raised(before) == {"area:34.03", "vdata:34.03"}


def test_moving_a_plan_to_another_village_raises_both_kabupaten(cast):
    plan = cast.plan
    plan.villages.set([region("34.03.01.2001")])
    before = counters()
    plan.villages.set([region("34.01.01.2001")])
    assert {"area:34.03", "area:34.01", f"plan:{plan.pk}"} <= raised(before)


def test_a_plan_given_to_another_companion_raises_both_kabupaten(cast):
    plan = cast.outside_plan  # Kulon Progo's companion
    before = counters()
    plan.companion = CompanionFactory(villages=[region("34.03.02.2002")])  # one in Gunungkidul
    plan.save()
    assert {"area:34.03", "area:34.01", f"plan:{plan.pk}"} <= raised(before)


def test_the_wide_scopes_sum_their_kabupaten():
    versions.bump_areas(["34.03.01.2001"])
    versions.bump_areas(["34.01.01.2001", "34.01.02"])  # one kabupaten: raised once
    versions.bump_areas(["35.01.01.2001"], village_data=True)
    assert versions.of_area("34.03") == (1, 0, 0, 0)
    assert versions.of_area("34.03.01") == (1, 0, 0, 0)  # a kecamatan: its kabupaten's
    assert versions.of_area("34") == (2, 0, 0, 0)
    assert versions.of_area(None) == (3, 1, 0, 0)
    versions.bump_all()
    assert versions.of_area("34") == (2, 0, 1, 0)


def test_a_scope_adds_up_the_counters_of_its_plans(cast):
    plan = cast.plan  # Gunungkidul, through its companion's villages (no village of its own yet)
    far = cast.outside_plan  # Kulon Progo
    start = versions.of_area("34.03")[3]
    versions.bump_row("plan", plan.pk)
    assert versions.of_area("34.03")[3] == start + 1
    versions.bump_row("plan", far.pk)
    assert versions.of_area("34.03")[3] == start + 1
    assert versions.of_area("34")[3] == versions.of_area(None)[3]


def test_a_plan_leaving_the_scope_raises_the_scopes_own_counter(cast):
    plan = cast.plan
    plan.villages.set([region("34.03.01.2001")])
    before = versions.of_area("34.03")
    plan.villages.clear()
    after = versions.of_area("34.03")
    assert after[0] > before[0]  # its villages' kabupaten: the pair never comes back to an earlier value
    before = versions.of_area("34.03")
    plan.delete()
    assert versions.of_area("34.03")[0] > before[0]


# --- The coordinator's home: cached, never stale.


def test_a_save_in_scope_shows_at_once_on_the_coordinators_home(cast, scope):
    client = cast.client_for(cast.coordinator)
    first, _ = home_of(client)  # sets the CSRF cookie: drawn, not kept
    assert asi_done(first) == 1
    drawn, drawn_queries = home_of(client)
    cached, cached_queries = home_of(client)
    assert cached.context is None and cached["ETag"] == drawn["ETag"]
    assert cached_queries <= 5 < drawn_queries  # session, user, viewer, bell, the counters

    services.progress_save(
        activity=scope.a1, month=3, values={"status": "done", "quantity": Decimal("1")}, version=0, by=cast.companion
    )
    after, _ = home_of(client)
    assert after["ETag"] != cached["ETag"]
    assert asi_done(after) == 2


def test_a_save_out_of_scope_keeps_the_coordinators_home_cached(cast, scope):
    client = cast.client_for(cast.coordinator)
    home_of(client)
    drawn, _ = home_of(client)
    far_activity = cast.outside_plan.companion.plans.get(year=YEAR).activities.get()
    ProgressFactory(activity=far_activity, month=2)  # Kulon Progo: another coordinator's scope
    again, queries = home_of(client)
    assert again.context is None and again["ETag"] == drawn["ETag"]
    assert queries <= 5


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_the_home_of_a_scope_holding_the_save_shows_it_at_once(cast, scope, who):
    """Kulon Progo's coordinator, and the admin, whose scope holds every kabupaten."""
    client = cast.client_for(getattr(cast, who))
    home_of(client)
    drawn, _ = home_of(client)
    far_activity = cast.outside_plan.companion.plans.get(year=YEAR).activities.get()
    ProgressFactory(activity=far_activity, month=2)
    again, _ = home_of(client)
    assert again["ETag"] != drawn["ETag"] and again.context is not None


# --- Conditional GET.


def test_the_plan_page_answers_304_until_the_plan_changes(cast, scope):
    client = cast.client_for(cast.companion)
    url = scope.plan.get_absolute_url()
    client.get(url)  # the CSRF cookie
    page = client.get(url)
    assert page["Cache-Control"] == "private, no-cache" and page["ETag"]
    same = client.get(url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert same.status_code == 304 and same.content == b""
    ProgressFactory(activity=scope.a2, month=7)
    changed = client.get(url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != page["ETag"]


def test_the_month_view_and_the_village_page_answer_304(cast, scope):
    for user, url in (
        (cast.companion, reverse("pillars:plan-month", args=[scope.plan.pk, 1])),
        (cast.coordinator, reverse("reports:village-detail", args=["34.03.01.2001"])),
    ):
        client = cast.client_for(user)
        client.get(url)
        page = client.get(url)
        assert client.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304


def test_village_data_changes_the_plan_page_of_its_villages(cast, scope):
    client = cast.client_for(cast.companion)
    url = scope.plan.get_absolute_url()
    client.get(url)
    page = client.get(url)
    VillageData.objects.filter(village_id="34.03.01.2001").update(blt_households=41)  # a bulk write: no signal
    assert client.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    versions.bump_areas(["34.03.01.2001"], village_data=True)  # what the importer does after its bulk writes
    assert client.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200


def test_another_person_never_gets_the_page_kept_for_the_first(cast, scope):
    url = reverse("reports:village-detail", args=["34.03.01.2001"])
    first = cast.client_for(cast.coordinator)
    first.get(url)
    page = first.get(url)
    admin = cast.client_for(cast.admin)
    admin.get(url)
    other = admin.get(url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert other.status_code == 200 and other["ETag"] != page["ETag"]


def test_a_page_with_messages_waiting_is_drawn_and_kept_nowhere(cast, scope, rf):
    from rkt.pages import drawn_once

    request = rf.get("/")
    request.session = cast.client_for(cast.companion).session
    request.COOKIES["csrftoken"] = "x" * 32
    request._messages = FallbackStorage(request)
    assert not drawn_once(request)
    request._messages.add(constants.SUCCESS, "Saved.")
    assert drawn_once(request)
    assert len(get_messages(request)) == 1  # still waiting to be shown


def test_an_outsider_gets_404_not_a_cached_page(cast, scope):
    url = scope.plan.get_absolute_url()
    owner = cast.client_for(cast.companion)
    owner.get(url)
    page = owner.get(url)
    outsider = cast.client_for(cast.outsider)
    outsider.cookies = owner.cookies  # the same CSRF cookie: only the person differs
    outsider.force_login(cast.outsider)
    assert outsider.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 404

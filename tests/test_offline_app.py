"""The installable app's server side: the service worker and the manifest, the page shown offline, the pages a
phone keeps for its person, and the header that says whom a page was drawn for (the browser side is
tests/browser/test_offline.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from pillars.models import WorkPlan
from pillars.selectors.offline import pages_to_keep
from rkt.offline import PRECACHED
from tests.clock import local
from tests.factories import PlanFactory, open_year

pytestmark = pytest.mark.django_db


def approve(plan: WorkPlan, year: int) -> WorkPlan:
    open_year(year)
    plan.year, plan.status, plan.approved_at = year, WorkPlan.Status.APPROVED, local(year, 1, 5, 9)
    plan.save()
    return plan


# --- the worker and the manifest ------------------------------------------------------------------------------


def test_the_worker_is_served_from_the_root_never_cached_and_lists_every_static_file_a_page_loads(client):
    response = client.get(reverse("service-worker"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    for name in PRECACHED:
        assert finders.find(name), f"{name} is listed but is no static file"
        assert json.dumps(static(name)) in body
    assert f'importScripts("{static("js/outbox-core.js")}")' in body
    assert reverse("offline") in body and reverse("offline-pages") in body


def test_the_worker_is_the_same_for_every_person_and_language(client, cast):
    """The browser installs a new worker when its bytes change: a person or a language must not change them."""
    anonymous = client.get(reverse("service-worker")).content
    companion = cast.client_for(cast.companion)
    assert companion.get(reverse("service-worker")).content == anonymous
    assert client.get(reverse("service-worker"), HTTP_ACCEPT_LANGUAGE="en").content == anonymous
    assert "RKT-User" not in companion.get(reverse("service-worker"))


def test_every_page_names_the_worker_and_the_manifest(client, cast):
    page = cast.client_for(cast.companion).get(reverse("home")).content.decode()
    assert f'data-sw="{reverse("service-worker")}"' in page
    assert f'rel="manifest" href="{reverse("manifest")}"' in page
    assert f'data-user="{cast.companion.pk}"' in page
    assert 'data-user="' not in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(("language", "name"), [("id", "RKT Pendampingan"), ("en", "RKT Pendampingan")])
def test_the_manifest_makes_the_app_installable(client, language, name):
    client.cookies["django_language"] = language
    response = client.get(reverse("manifest"))
    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["name"] == name and manifest["lang"] == language
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= set(sizes)
    for name_in_static in ("img/icon-192.png", "img/icon-512.png"):
        assert finders.find(name_in_static)
        assert static(name_in_static) in sizes.values()


def test_the_offline_page_names_nobody(cast):
    response = cast.client_for(cast.companion).get(reverse("offline"))
    assert response.status_code == 200
    text = response.content.decode()
    assert cast.companion.username not in text and "csrfmiddlewaretoken" not in text


# --- whom a page was drawn for ---------------------------------------------------------------------------------


def test_a_page_says_whom_it_was_drawn_for_and_a_page_for_nobody_says_nothing(client, cast):
    assert cast.client_for(cast.companion).get(reverse("home"))["RKT-User"] == str(cast.companion.pk)
    assert "RKT-User" not in client.get(reverse("login"))
    # Not a page: a file, JSON or a script is never kept as one.
    assert "RKT-User" not in cast.client_for(cast.companion).get(reverse("offline-pages"))


# --- the pages a phone keeps ------------------------------------------------------------------------------------


def test_a_companion_keeps_home_the_plan_in_force_its_months_so_far_and_the_reports_due(cast):
    plan = approve(cast.plan, 2026)
    today = date(2026, 6, 15)
    pages = pages_to_keep(cast.companion, today)
    months = [reverse("pillars:plan-month", args=[plan.pk, month]) for month in range(1, 7)]
    reports = [reverse("pillars:month-report", args=[plan.pk, month]) for month in (5, 6)]
    assert pages == [reverse("home"), reverse("pillars:plan-list"), plan.get_absolute_url(), *months, *reports]


def test_january_keeps_one_month_and_one_report(cast):
    plan = approve(cast.plan, 2026)
    pages = pages_to_keep(cast.companion, date(2026, 1, 3))
    assert pages[-2:] == [
        reverse("pillars:plan-month", args=[plan.pk, 1]),
        reverse("pillars:month-report", args=[plan.pk, 1]),
    ]


@pytest.mark.parametrize("case", ["draft", "last year's plan", "coordinator", "another companion's plan"])
def test_nothing_but_home_without_a_plan_in_force_of_ones_own_this_year(cast, case):
    today, user = date(2026, 6, 15), cast.companion
    if case == "last year's plan":
        approve(cast.plan, 2025)
    elif case == "coordinator":
        approve(cast.plan, 2026)
        user = cast.coordinator
    elif case == "another companion's plan":
        approve(cast.other_plan, 2026)
    assert pages_to_keep(user, today) == [reverse("home")]


def test_the_list_answers_the_person_signed_in_in_a_bounded_number_of_queries(
    cast, clock, django_assert_max_num_queries
):
    clock.set("2026-06-15 10:00")
    approve(cast.plan, 2026)
    for _year in range(3):
        PlanFactory(companion=cast.plan.companion, year=2020 + _year)
    client = cast.client_for(cast.companion)
    with django_assert_max_num_queries(6):
        answer = client.get(reverse("offline-pages"))
    assert answer["Cache-Control"].startswith("max-age=0")
    assert answer.json() == {"user": cast.companion.pk, "pages": pages_to_keep(cast.companion, date(2026, 6, 15))}


# --- the month and report pages carry what the phone needs ------------------------------------------------------


def test_the_month_page_states_the_phones_photo_budget(cast, settings, clock):
    clock.set("2026-06-15 10:00")
    plan = approve(cast.plan, 2026)
    settings.RKT_OFFLINE_PHOTO_MB = 7
    page = cast.client_for(cast.companion).get(reverse("pillars:plan-month", args=[plan.pk, 6])).content.decode()
    assert f'data-budget="{7 * 1024 * 1024}"' in page


def test_the_report_is_marked_as_needing_a_connection(cast, clock):
    clock.set("2026-07-02 10:00")
    plan = approve(cast.plan, 2026)
    page = cast.client_for(cast.companion).get(reverse("pillars:month-report", args=[plan.pk, 6])).content.decode()
    assert f'data-needs-online data-outbox-month="{plan.pk}:6"' in page

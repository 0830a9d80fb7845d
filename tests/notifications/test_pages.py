"""The in-app side of notifications: the bell in the top bar, the list, opening one and marking them read.

Every view answers only its person: anonymous visitors go to the login page, another person's notification is 404
(admins included), a wrong method is 405. The embedded default's clock (the middleware) and ``manage.py notify``
are at the end.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Kind, Notification, Round
from pillars.models import WorkPlan
from tests.clock import local
from tests.factories import ActivityFactory

# When the notifications of these tests were made: a moment of their own, not the machine's day.
TOLD_AT = local(2026, 6, 15, 10)

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read-all")


def tell(user, kind: str = Kind.PLAN_RETURNED, *, link: str = "/plans/1/", at=None, **params) -> Notification:
    """A notification for ``user`` as :func:`notifications.notify.notify` records it."""
    facts = {"companion": "Rina", "year": 2026, "actor": "Sri", "comment": "", **params}
    return Notification.objects.create(recipient=user, kind=kind, link=link, params=facts, created_at=at or TOLD_AT)


def some_of_each(user, count: int) -> None:
    """``count`` notifications of ``user``, of every kind in turn, as their writers expect the facts."""
    facts = {
        Kind.REPORT_REMINDER: {"month": 5, "days": 3, "deadline": "2026-06-05"},
        Kind.DIGEST: {"date": "2026-06-15", "plans": 1, "reports": 2, "late": 3},
        Kind.JOB_FINISHED: {"title": "RKT 2026", "failed": False},
        Kind.COMMENT_REPLY: {"activity": "Musdes", "text": "Sudah."},
    }
    kinds = list(Kind)
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kinds[n % len(kinds)],
            link=f"/plans/{n}/",
            params={
                "companion": "Rina",
                "year": 2026,
                "actor": "Sri",
                "month": 1 + n % 12,
                **facts.get(kinds[n % len(kinds)], {}),
            },
            created_at=TOLD_AT - timedelta(minutes=n),
        )
        for n in range(count)
    )


# --- Who may: anonymous, another person, the wrong method ------------------------------------------------------


@pytest.mark.parametrize(
    "method, name",
    [
        ("get", "notifications:list"),
        ("get", "notifications:open"),
        ("post", "notifications:read"),
        ("post", "notifications:read-all"),
    ],
)
def test_it_sends_anonymous_visitors_to_the_login_page(cast, method, name):
    notification = tell(cast.companion)
    args = [notification.pk] if name in ("notifications:open", "notifications:read") else []
    url = reverse(name, args=args)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('login')}?next={url}"
    assert Notification.objects.get().is_unread


@pytest.mark.parametrize("who", ["other_companion", "coordinator", "admin"])
def test_another_persons_notification_is_not_found(cast, who):
    notification = tell(cast.companion)
    client = cast.client_for(getattr(cast, who))
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_another_persons_notifications_are_neither_listed_nor_marked_read(cast):
    tell(cast.companion, comment="Lengkapi target desa Kepek.")
    client = cast.client_for(cast.other_companion)
    page = client.get(LIST).content.decode()
    assert "Kepek" not in page
    assert "Your plan 2026 is returned" not in page
    assert client.post(READ_ALL).status_code == 302
    assert Notification.objects.get().is_unread


@pytest.mark.parametrize(
    "method, name",
    [
        ("post", "notifications:list"),
        ("post", "notifications:open"),
        ("get", "notifications:read"),
        ("get", "notifications:read-all"),
    ],
)
def test_it_rejects_the_wrong_method(cast, method, name):
    notification = tell(cast.companion)
    args = [notification.pk] if name in ("notifications:open", "notifications:read") else []
    response = getattr(cast.client_for(cast.companion), method)(reverse(name, args=args))
    assert response.status_code == 405
    assert Notification.objects.get().is_unread


# --- Opening and reading -----------------------------------------------------------------------------------------


def test_opening_one_marks_it_read_and_goes_to_its_page(cast, clock):
    link = reverse("pillars:plan-detail", args=[cast.plan.pk]) + "#comment-7"
    notification = tell(cast.companion, link=link)
    response = cast.client_for(cast.companion).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == link
    notification.refresh_from_db()
    assert notification.read_at == clock.now


def test_opening_one_read_before_keeps_the_time_it_was_read(cast, clock):
    read_at = clock.now - timedelta(days=2)
    notification = tell(cast.companion)
    Notification.objects.filter(pk=notification.pk).update(read_at=read_at)
    cast.client_for(cast.companion).get(reverse("notifications:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == read_at


@pytest.mark.parametrize(
    "link", ["https://evil.example/plans/1/", "//evil.example/plans/1/", "javascript:alert(1)", "plans/1/", ""]
)
def test_a_link_that_is_not_a_path_of_this_site_goes_to_the_list(cast, link):
    notification = tell(cast.companion, link=link)
    response = cast.client_for(cast.companion).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == LIST
    notification.refresh_from_db()
    assert not notification.is_unread


def test_marking_one_read_leaves_the_others_unread(cast):
    one, other = tell(cast.companion), tell(cast.companion)
    response = cast.client_for(cast.companion).post(reverse("notifications:read", args=[one.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == LIST
    one.refresh_from_db()
    other.refresh_from_db()
    assert not one.is_unread
    assert other.is_unread


def test_mark_all_read_reads_every_one_of_mine_and_no_one_elses(cast, clock):
    mine = [tell(cast.companion) for _ in range(3)]
    theirs = tell(cast.other_companion)
    client = cast.client_for(cast.companion)
    assert "Mark all as read" in client.get(LIST).content.decode()
    response = client.post(READ_ALL)
    assert response.status_code == 302
    assert response.headers["Location"] == LIST
    assert all(n.read_at == clock.now for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.is_unread
    page = client.get(LIST).content.decode()
    assert "Mark all as read" not in page
    assert "Mark as read" not in page


# --- The bell ------------------------------------------------------------------------------------------------------


def bell(html: str) -> str:
    start = html.index('class="btn btn-sm btn-outline-light nav-bell')
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_and_says_it_in_words(cast):
    for _ in range(3):
        tell(cast.companion)
    Notification.objects.filter(pk=tell(cast.companion).pk).update(read_at=TOLD_AT)
    tell(cast.other_companion)
    html = cast.client_for(cast.companion).get(reverse("home")).content.decode()
    shown = bell(html)
    assert f'href="{LIST}"' in shown
    assert 'aria-label="Notifications, 3 unread"' in shown
    assert '<span class="badge rounded-pill text-bg-warning ms-1">3</span>' in shown
    assert 'aria-hidden="true"' in shown  # the icon: the label says it


def test_the_bell_says_99_plus_past_99_and_the_label_the_number(cast):
    Notification.objects.bulk_create(
        Notification(recipient=cast.companion, kind=Kind.PLAN_APPROVED, link="/", created_at=TOLD_AT)
        for _ in range(100)
    )
    shown = bell(cast.client_for(cast.companion).get(reverse("home")).content.decode())
    assert '<span class="badge rounded-pill text-bg-warning ms-1">99+</span>' in shown
    assert 'aria-label="Notifications, 100 unread"' in shown


def test_the_bell_shows_no_count_when_everything_is_read(cast):
    Notification.objects.filter(pk=tell(cast.companion).pk).update(read_at=TOLD_AT)
    shown = bell(cast.client_for(cast.companion).get(reverse("home")).content.decode())
    assert 'aria-label="Notifications"' in shown
    assert "badge" not in shown


def test_the_bell_is_said_in_indonesian_on_an_indonesian_page(cast):
    tell(cast.companion)
    client = cast.client_for(cast.companion)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="id">' in html
    assert ">1</span>" in bell(html)


def test_anonymous_pages_have_no_bell(cast):
    html = Client().get(reverse("login")).content.decode()
    assert "nav-bell" not in html


# --- The list ------------------------------------------------------------------------------------------------------


def test_the_list_shows_newest_first_with_the_unread_marked(cast, clock):
    old = tell(cast.companion, Kind.PLAN_APPROVED, at=clock.now - timedelta(days=1))
    new = tell(cast.companion, Kind.PLAN_RETURNED, comment="Tambah target.")
    Notification.objects.filter(pk=old.pk).update(read_at=clock.now)
    html = cast.client_for(cast.companion).get(LIST).content.decode()
    assert html.index("Your plan 2026 is returned") < html.index("Your plan 2026 is approved")
    assert "Tambah target." in html
    assert html.count("notification-unread") == 1
    assert html.count('<span class="visually-hidden">Unread: </span>') == 1
    assert reverse("notifications:open", args=[new.pk]) in html
    assert reverse("notifications:read", args=[new.pk]) in html
    assert reverse("notifications:read", args=[old.pk]) not in html


def test_the_list_says_so_when_there_is_nothing(cast):
    html = cast.client_for(cast.companion).get(LIST).content.decode()
    assert "No notifications yet." in html


@pytest.mark.parametrize("language, words", [("id", "Agustus 2026"), ("en", "August 2026")])
def test_the_rows_are_written_in_the_pages_language(cast, language, words):
    tell(cast.companion, Kind.REPORT_RETURNED, month=8, at=local(2026, 8, 20, 9, 5))
    tell(cast.companion, Kind.REPORT_REMINDER, month=8, days=0, deadline="2026-09-05")
    client = cast.client_for(cast.companion)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(LIST).content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count(words) >= 2
    assert f"20 {words} 09:05" in html  # when it came, in the local time
    assert 'datetime="2026-08-20T09:05:00+07:00"' in html
    other = {"id": "August", "en": "Agustus"}[language]
    assert other not in html


def test_the_list_is_paginated(cast, settings, clock):
    settings.RKT_PAGE_SIZE = 5
    for n in range(7):
        tell(cast.companion, Kind.JOB_FINISHED, title=f"Job {n:02d}", at=clock.now - timedelta(minutes=n))
    client = cast.client_for(cast.companion)
    first = client.get(LIST).content.decode()
    assert [f"Job {n:02d}" in first for n in range(7)] == [True] * 5 + [False] * 2
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert [f"Job {n:02d}" in second for n in range(7)] == [False] * 5 + [True] * 2
    # A page past the end shows the last one, not an error.
    assert "Job 06" in client.get(LIST, {"page": 9}).content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_5_and_50_of_every_kind(cast):
    client = cast.client_for(cast.companion)
    some_of_each(cast.companion, 5)
    queries(client, LIST)  # the first request fills per-process caches
    small = queries(client, LIST)
    some_of_each(cast.companion, 45)
    assert Notification.objects.count() == 50
    assert queries(client, LIST) == small


# --- The clock of the embedded default, and manage.py notify --------------------------------------------------------


@pytest.fixture
def owing(cast, clock):
    """The companion's 2026 plan approved with an activity in May; 5 June, 08:00: May's report is due today."""
    ActivityFactory(plan=cast.plan, months=(5,))
    WorkPlan.objects.filter(pk=cast.plan.pk).update(status=WorkPlan.Status.APPROVED, approved_at=local(2026, 1, 5, 9))
    clock.set("2026-06-05 08:00")
    return cast


def reminders(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind=Kind.REPORT_REMINDER).values_list("key", flat=True))


def rounds_finish() -> None:
    for thread in threading.enumerate():
        if thread.name == "notifications-tick":
            thread.join(timeout=30)
            assert not thread.is_alive(), "the notifications' round did not finish"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_pillars")
def test_without_workers_a_request_starts_the_round_at_most_once_a_minute(owing, settings, clock):
    settings.RKT_JOBS = "thread"
    cache.clear()
    client = owing.client_for(owing.companion)
    assert client.get(reverse("home")).status_code == 200
    rounds_finish()
    assert reminders(owing.companion) == [f"reminder:{owing.plan.pk}:5:0"]
    # Another reminder falls due (its round, and its record, undone), but the round ran less than a minute ago: the
    # next requests start none.
    Notification.objects.all().delete()
    Round.objects.all().delete()
    clock.set("2026-06-05 08:00:59")
    client.get(reverse("home"))
    client.get(LIST)
    rounds_finish()
    assert reminders(owing.companion) == []
    # A minute on, the next request starts one.
    clock.set("2026-06-05 08:01:01")
    client.get(LIST)
    rounds_finish()
    assert reminders(owing.companion) == [f"reminder:{owing.plan.pk}:5:0"]


@pytest.mark.parametrize("jobs", ["celery", "eager"])
def test_with_workers_or_in_the_tests_no_request_starts_a_round(owing, settings, jobs):
    settings.RKT_JOBS = jobs
    cache.clear()
    owing.client_for(owing.companion).get(reverse("home"))
    rounds_finish()
    assert reminders(owing.companion) == []
    assert cache.get("rkt-notifications-tick") is None


def test_manage_py_notify_runs_one_round_and_says_what_went_out(owing):
    out = StringIO()
    call_command("notify", stdout=out)
    assert reminders(owing.companion) == [f"reminder:{owing.plan.pk}:5:0"]
    assert "Reminders: 1." in out.getvalue()
    # Run again, as cron does a minute later: the reminder is recorded once.
    out = StringIO()
    call_command("notify", stdout=out)
    assert "Reminders: 0." in out.getvalue()
    assert len(reminders(owing.companion)) == 1

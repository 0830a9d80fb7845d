"""A session expires after SESSION_COOKIE_AGE without use; using it extends it, with a write every few minutes
rather than on every request (rkt.middleware.SlidingSessionMiddleware)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0


def signed_in(username: str = "pld") -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def expiry(client: Client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def at(seconds: float):
    return mock.patch("rkt.middleware.time.time", return_value=seconds)


def test_reading_pages_within_a_refresh_period_writes_no_session(cast, settings):
    with at(NOW):
        client = signed_in()
        before = expiry(client)
    with at(NOW + settings.SESSION_REFRESH_SECONDS - 1), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert expiry(client) == before
    assert "sessionid" not in response.cookies  # the cookie is not re-sent either


def test_using_the_app_a_refresh_period_later_extends_the_session_and_its_cookie(cast, settings):
    with at(NOW):
        client = signed_in()
        before = expiry(client)
    with at(NOW + settings.SESSION_REFRESH_SECONDS):
        response = client.get(reverse("home"))
    assert expiry(client) > before
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    # ...and the next period starts from that extension.
    with at(NOW + 2 * settings.SESSION_REFRESH_SECONDS - 1):
        assert "sessionid" not in client.get(reverse("home")).cookies


def test_a_session_signed_in_by_the_test_client_starts_a_period_too(cast):
    client = cast.client_for(cast.companion)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]


def test_an_idle_session_expires_after_the_session_age(cast, settings):
    client = signed_in()
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    Session.objects.filter(pk=session.pk).update(expire_date=session.expire_date.replace(year=2000))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_anonymous_visit_creates_no_session(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()

"""Repeated failed logins lock the username from that address for a cool-off (django-axes); a username attacked
from many addresses is slowed, never locked; forwarded addresses are believed only from the trusted proxies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_with_a_clear_message(cast, settings):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "pld", "wrong").status_code == 200
    locked = attempt(client, "pld", "wrong")
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused during the cool-off.
    assert attempt(client, "pld", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(cast, settings):
    attacker = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "pld", "wrong")
    # The same person from their own phone, and another user from the attacker's address, still get in.
    assert attempt(Client(REMOTE_ADDR="10.2.2.2"), "pld", PASSWORD).status_code == 302
    assert attempt(attacker, "pld2", PASSWORD).status_code == 302


def test_a_success_resets_the_count(cast, settings):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "pld", "wrong")
    assert attempt(client, "pld", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "pld", "wrong").status_code == 200


def test_behind_a_proxy_the_client_address_comes_from_the_proxy_header(cast, settings):
    settings.RKT_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.9.9"), "pld", "wrong")
    # Another client behind the same proxy is not locked out with the attacker.
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.3.3.3")
    assert attempt(other, "pld", PASSWORD).status_code == 302


# --- many addresses, one username ---------------------------------------------------------------------------


def test_fifty_guesses_from_ten_addresses_then_the_password_from_an_eleventh_is_slowed(cast, settings, clock):
    for address in range(10):
        client = Client(REMOTE_ADDR=f"10.5.0.{address}")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "pld", "wrong")
    eleventh = Client(REMOTE_ADDR="10.5.0.99")
    refused = attempt(eleventh, "pld", PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in eleventh.session
    assert "Wait 30 seconds, then log in again." in refused.content.decode()
    # Slowed, not locked: after the delay the right password works, from anywhere.
    clock.set("2026-06-15 10:00:31")
    assert attempt(eleventh, "pld", PASSWORD).status_code == 302


def test_a_slowed_username_takes_one_guess_per_delay_however_many_addresses(cast, settings, clock):
    settings.RKT_LOGIN_USERNAME_LIMIT = 3
    for address in range(3):
        attempt(Client(REMOTE_ADDR=f"10.6.0.{address}"), "pld", "wrong")
    from axes.models import AccessFailureLog

    for address in range(3, 20):  # refused unread: not counted, so they do not make the wait longer
        attempt(Client(REMOTE_ADDR=f"10.6.0.{address}"), "pld", "wrong")
    assert AccessFailureLog.objects.filter(username="pld").count() == 3
    clock.set("2026-06-15 10:00:30")
    attempt(Client(REMOTE_ADDR="10.6.1.1"), "pld", "wrong")
    assert AccessFailureLog.objects.filter(username="pld").count() == 4


def test_the_slowing_of_one_username_leaves_the_others_alone(cast, settings, clock):
    settings.RKT_LOGIN_USERNAME_LIMIT = 3
    for address in range(3):
        attempt(Client(REMOTE_ADDR=f"10.7.0.{address}"), "pld", "wrong")
    assert attempt(Client(REMOTE_ADDR="10.7.0.1"), "pld2", PASSWORD).status_code == 302


def test_the_admin_login_is_slowed_alike(cast, settings, clock):
    settings.RKT_LOGIN_USERNAME_LIMIT = 2
    for address in range(2):
        Client(REMOTE_ADDR=f"10.8.0.{address}").post(reverse("admin:login"), {"username": "root", "password": "x"})
    response = Client(REMOTE_ADDR="10.8.0.9").post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wait 30 seconds" in response.content.decode()


# --- forwarded addresses --------------------------------------------------------------------------------------


def test_a_rotating_forwarded_for_from_a_peer_that_is_no_proxy_is_still_locked(cast, settings):
    # Behind a proxy, but the app reached directly: the header is the attacker's own.
    settings.BEHIND_PROXY = True
    settings.RKT_TRUSTED_PROXIES = ["127.0.0.1"]
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}"), "pld", "wrong")
    direct = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.200")
    assert attempt(direct, "pld", PASSWORD).status_code == 429


def test_a_forwarded_proto_from_a_peer_that_is_no_proxy_does_not_make_a_request_secure(settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from rkt.middleware import TrustedProxyMiddleware

    settings.RKT_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen["secure"], seen["for"] = request.is_secure(), request.META.get("HTTP_X_FORWARDED_FOR")
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    factory = RequestFactory()
    middleware(
        factory.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4")
    )
    assert seen == {"secure": False, "for": None}
    middleware(factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen == {"secure": True, "for": "1.2.3.4"}


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_a_wrong_password_is_told_in_plain_indonesian(cast, settings, url):
    settings.LANGUAGE_CODE = "id"
    response = Client(REMOTE_ADDR="10.3.3.3").post(url, {"username": "pld", "password": "wrong"})
    body = response.content.decode()
    assert "Masukkan nama pengguna dan sandi yang benar" in body
    assert "nama pengguna nama pengguna" not in body

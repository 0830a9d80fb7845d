"""Repeated failed logins lock the username from that address for a cool-off (django-axes)."""

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
    settings.BEHIND_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.9.9"), "pld", "wrong")
    # Another client behind the same proxy is not locked out with the attacker.
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.3.3.3")
    assert attempt(other, "pld", PASSWORD).status_code == 302

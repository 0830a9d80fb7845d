"""The shell every page sits in: login, logout, password change, language switch, home per role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_is_served_in_indonesian_by_default(client, settings):
    settings.LANGUAGE_CODE = "id"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert 'lang="id"' in response.content.decode()


def test_a_wrong_password_gets_a_message_and_no_session(client, cast):
    response = client.post(reverse("login"), {"username": "pld", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_every_kind_of_user_logs_in_and_reaches_their_home(cast):
    for user, template in [
        (cast.companion, "reports/home_companion.html"),
        (cast.coordinator, "reports/home_coordinator.html"),
        (cast.admin, "reports/home_coordinator.html"),
        (UserFactory(username="norole"), "reports/home_nobody.html"),
    ]:
        client = Client()
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, user
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert template in [t.name for t in response.templates], user


def test_home_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_rejects_post(cast):
    assert cast.client_for(cast.companion).post(reverse("home")).status_code == 405


def test_logout_is_post_only(cast):
    client = cast.client_for(cast.companion)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_the_navigation_shows_what_the_role_may_do(cast):
    companion_page = cast.client_for(cast.companion).get(reverse("home")).content.decode()
    assert reverse("admin:index") not in companion_page
    admin_page = cast.client_for(cast.admin).get(reverse("home")).content.decode()
    assert reverse("admin:index") in admin_page


def test_the_coordinator_home_counts_only_plans_in_scope(cast, clock):
    # The home shows this year's plans by default; the cast's are of 2026.
    response = cast.client_for(cast.coordinator).get(reverse("home"))
    cards = {card.value: card.count for card in response.context["status_cards"]}
    assert cards["draft"] == 2  # the companion's and the other companion's, not Kulon Progo's
    response = cast.client_for(cast.outsider).get(reverse("home"))
    assert {card.value: card.count for card in response.context["status_cards"]}["draft"] == 1


def test_switching_to_english_translates_the_pages(cast, settings):
    settings.LANGUAGE_CODE = "id"
    client = cast.client_for(cast.companion)
    assert "Beranda" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page.headers["Content-Language"] == "en"
    assert "Log out" in page.content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": reverse("home")})
    page = client.get(reverse("home"))
    assert "Keluar" in page.content.decode()


def test_a_password_can_be_changed_and_validators_apply(cast):
    client = cast.client_for(cast.companion)
    url = reverse("password_change")
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and weak.context["form"].errors
    strong = "Sawah-Hijau-2026"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong})
    assert response.status_code == 302
    cast.companion.refresh_from_db()
    assert cast.companion.check_password(strong)


def test_the_admin_lists_regions_without_counting_the_whole_table(cast, django_assert_max_num_queries):
    client = cast.client_for(cast.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:villages_region_changelist"), {"q": "34.03"})
    assert response.status_code == 200
    assert "34.03.01.2001" in response.content.decode()


def test_the_admin_pages_of_every_model_open(cast):
    client = cast.client_for(cast.admin)
    for name in [
        "villages_region",
        "villages_companion",
        "villages_villagedata",
        "pillars_pillar",
        "pillars_planyear",
        "pillars_workplan",
        "pillars_activity",
        "pillars_monthlyprogress",
        "pillars_monthlyreport",
        "pillars_workflowevent",
        "pillars_plansnapshot",
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:pillars_workplan_change", args=[cast.plan.pk])).status_code == 200
    assert client.get(reverse("admin:pillars_workflowevent_add")).status_code == 403


def test_an_english_browser_still_gets_indonesian_until_the_switch(client, settings):
    settings.LANGUAGE_CODE = "id"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "id"
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert client.get(reverse("login")).headers["Content-Language"] == "en"

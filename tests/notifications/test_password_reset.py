"""Password reset by e-mail, over the tests' own SMTP server: the e-mail goes to the account's address only, in the
person's language, its link sets a new password once; an unknown address gets the same answer; requests are limited
per address and per client, and the refusal is the same for a known address and an unknown one."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.models import PasswordResetRequest, Preferences
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "rina@example.org"
NEW_PASSWORD = "kopi-tubruk-2026"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/password/reset/[^\s\"<>/]+/[^\s\"<>/]+/")


@pytest.fixture
def person(cast):
    """The companion, with an e-mail address; the other companion has one too."""
    cast.companion.email = ADDRESS
    cast.companion.save()
    cast.other_companion.email = "agus@example.org"
    cast.other_companion.save()
    return cast.companion


def ask(client: Client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    found = LINK.findall(message.text)
    assert len(found) == 1, message.text
    return found[0]


def set_password(client: Client, link: str, password: str = NEW_PASSWORD):
    """Open the link, then choose the password on the page it leads to."""
    opened = client.get(link)
    assert opened.status_code == 302  # Django moves the token out of the address first
    form = client.get(opened.headers["Location"])
    assert form.status_code == 200 and form.context["validlink"]
    return client.post(opened.headers["Location"], {"new_password1": password, "new_password2": password})


def can_log_in(username: str, password: str) -> bool:
    client = Client(REMOTE_ADDR="10.9.9.9")
    return client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


def page_of(response) -> str:
    """The page without its CSRF tokens, which differ for every visitor."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


# --- end to end ----------------------------------------------------------------------------------------------


def test_the_link_goes_to_that_address_only_and_sets_a_password_that_logs_in(person, smtp):
    client = Client()
    asked = ask(client, ADDRESS)
    assert asked.status_code == 302 and asked.headers["Location"] == reverse("password_reset_done")
    [message] = smtp.messages
    assert message.recipients == [ADDRESS]
    assert message.subject == "[RKT] Atur ulang kata sandi"
    link = link_in(message)
    assert link in message.html
    assert "pld" in message.text  # the username, for a person with several accounts

    done = set_password(client, link)
    assert done.status_code == 302 and done.headers["Location"] == reverse("password_reset_complete")
    assert can_log_in("pld", NEW_PASSWORD)
    assert not can_log_in("pld", PASSWORD)


def test_the_address_is_matched_whatever_its_case(person, smtp):
    ask(Client(), "Rina@EXAMPLE.org")
    assert [message.recipients for message in smtp.messages] == [[ADDRESS]]


def test_the_e_mail_is_in_the_language_of_the_persons_messages_not_of_the_page(person, cast, smtp, settings):
    settings.LANGUAGE_CODE = "id"
    Preferences.objects.create(user=person, language="en")
    Preferences.objects.create(user=cast.other_companion, language="id")
    indonesian_page = Client(HTTP_ACCEPT_LANGUAGE="id")
    ask(indonesian_page, ADDRESS)
    english_page = Client(HTTP_ACCEPT_LANGUAGE="en")
    ask(english_page, "agus@example.org")

    [english] = smtp.to(ADDRESS)
    assert '<html lang="en">' in english.html
    assert english.subject == "[RKT] Reset your password"
    assert "Hello " in english.text
    [indonesian] = smtp.to("agus@example.org")
    assert '<html lang="id">' in indonesian.html
    assert indonesian.subject == f"[RKT] {translated('id', 'Reset your password')}"


def test_without_a_choice_the_e_mail_is_in_the_default_language(person, smtp, settings):
    ask(Client(HTTP_ACCEPT_LANGUAGE="en"), ADDRESS)
    [message] = smtp.messages
    assert f'<html lang="{Preferences(user=person).language}">' in message.html


def test_an_unknown_address_gets_the_same_page_and_nothing_is_sent(person, smtp):
    known = Client().post(reverse("password_reset"), {"email": ADDRESS}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert page_of(known) == page_of(unknown)
    assert [message.recipients for message in smtp.messages] == [[ADDRESS]]


def test_an_inactive_account_or_one_without_a_usable_password_gets_nothing(person, cast, smtp):
    person.is_active = False
    person.save()
    cast.other_companion.set_unusable_password()
    cast.other_companion.save()
    assert ask(Client(), ADDRESS).status_code == 302
    assert ask(Client(), "agus@example.org").status_code == 302
    assert smtp.messages == []


def test_a_server_that_refuses_the_e_mail_does_not_break_the_page(person, smtp):
    smtp.refusing()
    asked = ask(Client(), ADDRESS)
    assert asked.status_code == 302 and asked.headers["Location"] == reverse("password_reset_done")
    assert smtp.messages == []


def test_outside_the_tests_the_e_mail_leaves_the_request_and_still_arrives(person, smtp, settings):
    settings.RKT_JOBS = "thread"
    assert ask(Client(), ADDRESS).status_code == 302
    [message] = smtp.wait_for(1)
    assert message.recipients == [ADDRESS]


def test_the_link_works_once(person, smtp):
    client = Client()
    ask(client, ADDRESS)
    link = link_in(smtp.messages[0])
    set_password(client, link)

    for again in (client, Client()):  # the same browser, or another one
        opened = again.get(link)
        assert opened.status_code == 200 and not opened.context["validlink"]
        assert "This link no longer works" in opened.content.decode()
        posted = again.post(link, {"new_password1": "another-pass-2026", "new_password2": "another-pass-2026"})
        assert posted.status_code == 200 and not posted.context["validlink"]
    assert can_log_in("pld", NEW_PASSWORD)
    assert not can_log_in("pld", "another-pass-2026")


def test_a_link_with_a_wrong_token_is_refused(person):
    page = Client().get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"}))
    assert page.status_code == 200 and not page.context["validlink"]
    assert "Ask for a new link" in page.content.decode()


def test_a_new_password_lifts_the_lockout_of_that_username(person, smtp, settings):
    attacker_place = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker_place.post(reverse("login"), {"username": "pld", "password": "wrong"})
    locked = attacker_place.post(reverse("login"), {"username": "pld", "password": PASSWORD})
    assert locked.status_code == 429
    ask(attacker_place, ADDRESS)
    set_password(attacker_place, link_in(smtp.messages[0]))
    logged_in = attacker_place.post(reverse("login"), {"username": "pld", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302


# --- the rate limit ------------------------------------------------------------------------------------------


def test_past_the_limit_for_an_address_the_page_says_to_wait_and_nothing_is_sent(person, smtp, settings, clock):
    settings.RKT_PASSWORD_RESET_LIMIT = 2
    for _ in range(2):
        assert ask(Client(REMOTE_ADDR="10.1.1.1"), ADDRESS).status_code == 302
    refused = ask(Client(REMOTE_ADDR="10.2.2.2"), ADDRESS.upper())  # from elsewhere, spelled otherwise
    assert refused.status_code == 429
    assert "Too many password reset requests. Wait 60 minutes, then ask again." in refused.content.decode()
    assert len(smtp.messages) == 2

    clock.set("2026-06-15 10:30")
    assert "Wait 30 minutes" in ask(Client(), ADDRESS).content.decode()
    clock.set("2026-06-15 11:00:01")
    assert ask(Client(), ADDRESS).status_code == 302
    assert len(smtp.messages) == 3


def test_the_refusal_is_the_same_for_an_unknown_address(person, smtp, settings, clock):
    settings.RKT_PASSWORD_RESET_LIMIT = 1
    ask(Client(), ADDRESS)
    ask(Client(), "nobody@example.org")
    known = ask(Client(), ADDRESS)
    unknown = ask(Client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 429
    assert page_of(known).replace(ADDRESS, "nobody@example.org") == page_of(unknown)


def test_a_refused_request_is_not_counted(person, smtp, settings, clock):
    settings.RKT_PASSWORD_RESET_LIMIT = 1
    ask(Client(), ADDRESS)
    clock.set("2026-06-15 10:59")
    assert ask(Client(), ADDRESS).status_code == 429
    clock.set("2026-06-15 11:00:01")
    assert ask(Client(), ADDRESS).status_code == 302
    assert len(smtp.messages) == 2


def test_past_the_limit_for_a_client_it_is_refused_there_and_not_elsewhere(person, smtp, settings, clock):
    settings.RKT_PASSWORD_RESET_CLIENT_LIMIT = 3
    crawler = Client(REMOTE_ADDR="10.1.1.1")
    for number in range(3):
        assert ask(crawler, f"guess{number}@example.org").status_code == 302
    refused = ask(crawler, ADDRESS)
    assert refused.status_code == 429 and "Wait 60 minutes" in refused.content.decode()
    assert smtp.messages == []
    assert ask(Client(REMOTE_ADDR="10.2.2.2"), ADDRESS).status_code == 302
    assert [message.recipients for message in smtp.messages] == [[ADDRESS]]


def test_behind_a_proxy_the_client_is_the_address_the_proxy_names(person, smtp, settings, clock):
    settings.RKT_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.RKT_PASSWORD_RESET_CLIENT_LIMIT = 1
    ask(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.3.3.3"), "guess@example.org")
    assert ask(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.3.3.3"), ADDRESS).status_code == 429
    assert ask(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.4.4.4"), ADDRESS).status_code == 302


def test_the_addresses_typed_are_not_stored_and_old_requests_go(person, smtp, clock):
    ask(Client(), "nobody@example.org")
    stored = PasswordResetRequest.objects.get()
    assert "nobody" not in stored.address and stored.client == "127.0.0.1"
    clock.set("2026-06-15 11:00:01")
    ask(Client(), ADDRESS)
    assert PasswordResetRequest.objects.count() == 1


def test_an_invalid_address_is_a_form_error_and_not_counted(person, smtp):
    page = ask(Client(), "not an address")
    assert page.status_code == 200 and page.context["form"].errors["email"]
    assert PasswordResetRequest.objects.count() == 0


# --- the pages -----------------------------------------------------------------------------------------------


def test_the_login_page_links_to_the_reset():
    page = Client().get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in page.content.decode()
    assert "Forgot your password?" in page.content.decode()


@pytest.mark.parametrize("name", ["password_reset", "password_reset_done", "password_reset_complete"])
def test_each_page_opens_for_anyone(name, cast):
    assert Client().get(reverse(name)).status_code == 200
    assert cast.client_for(cast.companion).get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "methods"),
    [
        ("password_reset", ("put", "delete")),
        ("password_reset_done", ("post", "put", "delete")),
        ("password_reset_complete", ("post", "put", "delete")),
    ],
)
def test_the_pages_refuse_other_methods(name, methods, db):
    for method in methods:
        assert getattr(Client(), method)(reverse(name)).status_code == 405


def test_the_page_of_the_new_password_refuses_other_methods(person, smtp):
    client = Client()
    ask(client, ADDRESS)
    page = client.get(link_in(smtp.messages[0])).headers["Location"]
    assert client.put(page).status_code == 405
    assert client.delete(page).status_code == 405
    assert client.get(page).context["validlink"]

"""Journey: a companion who forgot the password asks for a link on the login page, opens it from the e-mail (read
from the tests' own SMTP server), chooses a new password and logs in with it; every target on the way is large
enough to tap on a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.test_phone_layouts import MIN_TARGET, TOO_SMALL

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADDRESS = "rina@example.org"
NEW_PASSWORD = "kopi-tubruk-2026"


def check_page(visitor, name: str) -> None:
    visitor.look(name)
    small = visitor.page.evaluate(TOO_SMALL, MIN_TARGET)
    assert not small, f"{name} ({visitor.size}): targets under {MIN_TARGET} px: {small}"


def submit(visitor) -> None:
    with visitor.page.expect_navigation():
        visitor.page.locator("main button[type=submit]").click()


def test_a_forgotten_password_is_reset_from_the_login_page(visit, people, smtp):
    user = people["companion"].user
    user.email = ADDRESS
    user.save()
    person = visit()
    person.go(reverse("login"))
    check_page(person, "login")
    with person.page.expect_navigation():
        person.page.locator(f"main a[href='{reverse('password_reset')}']").click()
    check_page(person, "reset-form")

    person.page.locator("input[name=email]").fill(ADDRESS)
    submit(person)
    assert person.page.url.endswith(reverse("password_reset_done"))
    check_page(person, "reset-done")

    [message] = smtp.wait_for(1)
    assert message.recipients == [ADDRESS]
    [link] = re.findall(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.text)
    assert link.startswith(person.base_url)
    person.go(link)
    assert person.page.locator("input[name=new_password1]").is_visible()
    check_page(person, "new-password")
    person.page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    person.page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    submit(person)
    assert person.page.url.endswith(reverse("password_reset_complete"))
    check_page(person, "reset-complete")

    with person.page.expect_navigation():
        person.page.locator(f"main a[href='{reverse('login')}']").click()
    person.log_in("pld", NEW_PASSWORD)
    assert person.page.url.endswith(reverse("home"))

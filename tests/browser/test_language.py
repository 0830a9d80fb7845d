"""Journey 5: switching to English and back translates the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Our own strings on every page of a companion, and Django's own on the login form.
OURS = ("My plans", "Log out", "Home")


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def switch_language(visitor, code: str) -> None:
    visitor.open_menu()
    with visitor.page.expect_navigation():
        visitor.page.locator(f".language-form button[value={code}]").first.click()


def nav_texts(visitor) -> str:
    visitor.open_menu()
    return visitor.page.locator("nav").inner_text()


def test_switching_to_english_and_back_translates_the_pages(visit, people):
    anonymous = visit()
    anonymous.go(reverse("login"))
    assert anonymous.page.locator("html").get_attribute("lang") == "id"
    assert anonymous.page.get_by_label("Nama pengguna").is_visible()
    anonymous.look("login-id")

    companion = visit("pld")
    companion.go(reverse("pillars:plan-list"))
    assert companion.page.locator("html").get_attribute("lang") == "id"
    indonesian = {text: translated("id", text) for text in OURS}
    assert all(indonesian[text] in nav_texts(companion) for text in OURS)
    untranslated = [text for text in OURS if indonesian[text] == text]
    assert not untranslated, f"the Indonesian catalogue leaves {untranslated} in English"

    switch_language(companion, "en")
    assert companion.page.url.endswith(reverse("pillars:plan-list")), "the switch stays on the same page"
    assert companion.page.locator("html").get_attribute("lang") == "en"
    assert companion.page.get_by_role("heading", level=1).inner_text() == "My plans"
    assert all(text in nav_texts(companion) for text in OURS)
    companion.look("plan-list-en")

    companion.go(reverse("home"))
    assert companion.page.locator("html").get_attribute("lang") == "en", "the choice holds on the next page"
    companion.look("home-en")

    switch_language(companion, "id")
    assert companion.page.locator("html").get_attribute("lang") == "id"
    assert all(indonesian[text] in nav_texts(companion) for text in OURS)
    assert "Log out" not in nav_texts(companion)
    companion.look("home-id")

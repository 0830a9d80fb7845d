"""The bell and the notification list in a browser: on a phone the bell and its count sit in the top bar beside the
menu button (no menu to open first), it leads to the list, and every target on the list is at least 24 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification
from tests.browser.helpers import SCREENSHOTS
from tests.browser.test_phone_layouts import MIN_TARGET, TOO_SMALL

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def told(people, clock):
    """Three unread notifications of the companion and one read, of the kinds a companion gets."""
    user = people["companion"].user
    facts = {"companion": "Rina Lestari", "year": people["year"], "actor": "Sri Wahyuni"}
    rows = [
        (Kind.PLAN_RETURNED, {"comment": "Target kegiatan Musdes di Kepek belum diisi; mohon dilengkapi."}),
        (Kind.REPORT_REMINDER, {"month": 5, "days": 3, "deadline": f"{people['year']}-06-05"}),
        (Kind.COMMENT_REPLY, {"activity": "Pelatihan kader posyandu", "text": "Sudah saya perbaiki."}),
        (Kind.PLAN_APPROVED, {"comment": ""}),
    ]
    now = clock.now
    for n, (kind, extra) in enumerate(rows):
        Notification.objects.create(
            recipient=user,
            kind=kind,
            link=reverse("home"),
            params={**facts, **extra},
            created_at=now - timedelta(hours=n),
            read_at=now if kind == Kind.PLAN_APPROVED else None,
        )
    return people


def nav_shot(visitor, name: str) -> None:
    """The top bar alone, as the screen shows it."""
    folder = SCREENSHOTS / visitor.size
    folder.mkdir(parents=True, exist_ok=True)
    visitor.page.locator("nav.navbar").screenshot(path=str(folder / f"{visitor.journey}-{name}.png"))


def test_the_bell_shows_the_count_in_the_top_bar_and_leads_to_the_list(told, visit):
    companion = visit("pld")
    companion.go(reverse("home"))
    page = companion.page
    nav_shot(companion, "top-bar")
    bell = page.locator("nav a.nav-bell")
    # Visible without opening the menu, on a phone too, with the count and a label that says it.
    assert bell.is_visible()
    assert bell.locator(".badge").inner_text() == "3"
    assert "3" in bell.get_attribute("aria-label")
    box = bell.bounding_box()
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, box
    # Beside the menu button on one line, and inside the screen.
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    brand = page.locator("nav .navbar-brand").bounding_box()
    assert brand["y"] + brand["height"] > box["y"] and box["y"] + box["height"] > brand["y"], (brand, box)
    if companion.size == "phone":
        toggler = page.locator("nav .navbar-toggler").bounding_box()
        assert box["x"] + box["width"] <= toggler["x"], (box, toggler)
        assert abs((box["y"] + box["height"] / 2) - (toggler["y"] + toggler["height"] / 2)) < 2, (box, toggler)
    companion.look("home")

    with page.expect_navigation():
        bell.click()
    assert page.url.endswith(reverse("notifications:list"))
    companion.look("list")
    assert page.locator(".notification-list > li").count() == 4
    assert page.locator(".notification-unread").count() == 3
    small = page.evaluate(TOO_SMALL, MIN_TARGET)
    assert not small, f"the notification list ({companion.size}): targets under {MIN_TARGET} px: {small}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the list is {overflow} px wider than the screen"

    with page.expect_navigation():
        page.locator(".notification-list form button").first.click()
    assert page.locator("nav a.nav-bell .badge").inner_text() == "2"
    with page.expect_navigation():
        page.locator(f"main form[action='{reverse('notifications:read-all')}'] button").click()
    assert page.locator("nav a.nav-bell .badge").count() == 0
    assert page.locator(".notification-unread").count() == 0
    companion.look("list-read")


def test_a_companion_chooses_on_the_profile_what_is_emailed(people, visit):
    companion = visit("pld")
    companion.go(reverse("profile"))
    page = companion.page
    assert "Kepek" in page.locator("main").inner_text()  # the assigned villages, as the admin set them
    companion.look("profile")
    small = page.evaluate(TOO_SMALL, MIN_TARGET)
    assert not small, f"the profile ({companion.size}): targets under {MIN_TARGET} px: {small}"
    page.fill("input[name=email]", "rina@example.org")
    page.locator(f"input[name=kind_{Kind.JOB_FINISHED}][value=email]").check()
    page.locator(f"input[name=kind_{Kind.REPORT_REMINDER}][value=app]").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".alert-success").is_visible()
    assert page.locator(f"input[name=kind_{Kind.JOB_FINISHED}][value=email]").is_checked()
    assert page.locator(f"input[name=kind_{Kind.REPORT_REMINDER}][value=app]").is_checked()
    assert page.locator("input[name=email]").input_value() == "rina@example.org"
    companion.look("profile-saved")

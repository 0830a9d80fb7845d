"""The admin at a laptop's 1280 px: its header on one line, and the companion list whole, not cut off behind a
scroll (static/css/admin.css, villages/admin.py)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admins_header_keeps_to_one_line_and_the_companion_list_fits(visit, people, size):
    if size != "desktop":
        pytest.skip("the admin is a desk's tool; its layout is held at 1280 px")
    UserFactory(username="pusat", is_staff=True, is_superuser=True)
    admin = visit("pusat")
    for path in ("/admin/", "/admin/villages/companion/"):
        admin.go(path)
        header = admin.page.locator("#header")
        name, tools = admin.page.locator("#site-name"), admin.page.locator("#user-tools")
        assert name.bounding_box()["y"] < tools.bounding_box()["y"] + tools.bounding_box()["height"]
        assert header.bounding_box()["height"] < 2 * name.bounding_box()["height"] + 24, f"the header wraps on {path}"
    admin.screenshot("companion-list")
    overflow = admin.page.evaluate(
        "() => { const box = document.querySelector('#changelist .results');"
        " return box ? box.scrollWidth - box.clientWidth : -1; }"
    )
    assert overflow == 0, f"the companion list is {overflow} px wider than its space"

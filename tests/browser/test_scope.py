"""Journey 6: a companion typing another companion's plan URL gets the 404 page, and learns nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_another_companions_plan_url_gets_the_404_page(visit, people):
    plan = people["other_plan"]
    companion = visit("pld")
    with translation.override("id"):
        not_found = translation.gettext("Not found")
    for name, path in (
        ("plan", reverse("pillars:plan-detail", args=[plan.pk])),
        ("month", reverse("pillars:plan-month", args=[plan.pk, 1])),
        ("plan-pdf", reverse("reports:plan-pdf", args=[plan.pk])),
    ):
        with companion.watch.allowing(path):
            companion.go(path, expect_status=404)
        page = companion.page
        assert page.get_by_role("heading", level=1).inner_text() == not_found
        assert plan.companion.user.last_name not in page.content()
        companion.look(f"404-{name}")
    # The way back works.
    with translation.override("id"):
        back = translation.gettext("Back to the home page")
    with companion.page.expect_navigation():
        companion.page.get_by_role("link", name=back).click()
    assert companion.page.url == companion.url(reverse("home"))

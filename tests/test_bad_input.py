"""Text people type is shown escaped everywhere it appears, and a bad value changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pillars.models import Activity
from tests.pillars.test_plan_cycle import activity_data

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_and_script_in_an_activity_are_shown_escaped_on_every_page(cast):
    companion = cast.client_for(cast.companion)
    response = companion.post(
        reverse("pillars:activity-add", args=[cast.plan.pk]), activity_data(title=SCRIPT, objective=SCRIPT)
    )
    assert response.status_code == 302
    activity = Activity.objects.get(plan=cast.plan)
    assert activity.title == SCRIPT  # stored as typed
    pages = [
        companion.get(reverse("pillars:plan-detail", args=[cast.plan.pk])),
        cast.client_for(cast.coordinator).get(reverse("pillars:plan-detail", args=[cast.plan.pk])),
        companion.get(reverse("pillars:activity-history", args=[cast.plan.pk, activity.pk])),
        companion.get(reverse("pillars:activity-edit", args=[cast.plan.pk, activity.pk])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give the activity a title."),
        ("title", "x" * 201, "200 characters"),
        ("target_quantity", "-1", "The target cannot be negative."),
        ("target_quantity", "banyak", "Type a number such as 2.5 or 1,500,000."),
        ("months", ["13"], "A month must be between 1 and 12; got 13."),
        ("village", "34.01.01.2001", "Choose one of your assigned villages."),  # another kabupaten's village
        ("pillar", "XXX", "Choose one of the pillars; this one does not exist."),
    ],
)
def test_a_bad_activity_value_gets_a_message_beside_the_field_and_saves_nothing(cast, field, value, message):
    response = cast.client_for(cast.companion).post(
        reverse("pillars:activity-add", args=[cast.plan.pk]), activity_data(**{field: value})
    )
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not Activity.objects.filter(plan=cast.plan).exists()

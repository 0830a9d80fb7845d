"""A review comment answered in the browser: the companion replies on the plan page, the coordinator answers and
marks it resolved, and after the companion changes a target and sends the plan again the coordinator sees what
changed since the return."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pillars import services
from pillars.models import Activity, ActivityComment, Pillar
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def returned_plan(people):
    companion, coordinator = people["companion"].user, people["coordinator"].user
    plan = PlanFactory(companion=people["companion"], year=people["year"])
    for position, pillar in enumerate(Pillar.objects.active().order_by("order")):
        ActivityFactory(
            plan=plan, pillar=pillar, title=f"Kegiatan {pillar.code}", months=(1 + position * 3,), position=position
        )
    services.plan_submit(plan=plan, by=companion)
    commented = plan.activities.get(title="Kegiatan ASI")
    services.plan_return(
        plan=plan,
        by=coordinator,
        comment="Lengkapi target.",
        activity_comments={commented.pk: "Target 4 kegiatan cukup untuk dua desa?"},
    )
    return plan, commented, ActivityComment.objects.get(activity=commented)


def test_companion_and_coordinator_talk_in_a_thread_and_see_what_changed(visit, returned_plan):
    plan, commented, comment = returned_plan

    companion = visit("pld")
    companion.go(plan.get_absolute_url() + f"#comment-{comment.pk}")
    thread = companion.page.locator(f"#comment-{comment.pk}")
    thread.locator("textarea").fill("Kami naikkan menjadi 6 kegiatan.")
    with companion.page.expect_navigation():
        thread.locator("button", has_text="Kirim tanggapan").click()
    assert companion.page.url.endswith(f"#comment-{comment.pk}")
    assert "Kami naikkan menjadi 6 kegiatan." in thread.inner_text()
    companion.look("thread-replied")

    activity = Activity.objects.get(pk=commented.pk)
    activity.target_quantity = Decimal("6")
    services.activity_save(activity=activity, by=plan.companion.user, version=activity.version)
    services.plan_submit(plan=plan, by=plan.companion.user)

    coordinator = visit("koord")
    coordinator.go(plan.get_absolute_url())
    changes = coordinator.page.locator("#changes-since-return")
    assert "Kegiatan ASI" in changes.inner_text() and "4 → 6" in changes.inner_text()
    thread = coordinator.page.locator(f"#comment-{comment.pk}")
    assert "Kami naikkan menjadi 6 kegiatan." in thread.inner_text()
    with coordinator.page.expect_navigation():
        thread.locator("button", has_text="Tandai selesai").click()
    assert "diselesaikan oleh" in thread.inner_text()
    coordinator.look("thread-resolved-and-changes")

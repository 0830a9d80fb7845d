"""A plan sent again after a return shows its reviewer what the companion changed since, field by field: the
activities added, removed and changed, and the priorities; nothing on a first submission."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pillars import services
from pillars.models import Activity
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def section(page: str) -> str | None:
    """The "changes since the return" block of a plan page, or None."""
    found = re.search(r'<section id="changes-since-return".*?</section>', page, re.S)
    return found.group(0) if found else None


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def resubmitted(cast, clock):
    """Submitted, returned, then (a day later) one target changed and one activity added, and submitted again."""
    clock.set("2026-01-10 09:00")
    rakor = ActivityFactory(plan=cast.plan, title="Rapat koordinasi", target_quantity=Decimal("4"), months=(1, 2))
    ActivityFactory(plan=cast.plan, title="Pelatihan BUMDes", months=(3,))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    clock.set("2026-01-12 09:00")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Target rakor terlalu kecil.")
    clock.set("2026-01-13 09:00")
    rakor = Activity.objects.get(pk=rakor.pk)
    rakor.target_quantity = Decimal("6")
    services.activity_save(activity=rakor, by=cast.companion, version=rakor.version)
    added = ActivityFactory.build(plan=cast.plan, title="Sosialisasi BLT", months=(5,))
    services.activity_save(activity=added, by=cast.companion)
    services.plan_submit(plan=cast.plan, by=cast.companion)
    cast.rakor, cast.added = rakor, added
    return cast


def test_the_coordinator_sees_exactly_what_changed_since_the_return(resubmitted):
    page = resubmitted.client_for(resubmitted.coordinator).get(resubmitted.plan.get_absolute_url()).content.decode()
    block = section(page)
    assert block is not None
    assert words(block) == (
        "Changes since the plan was returned returned 12 January 2026 "
        "Added Sosialisasi BLT "
        "Changed Rapat koordinasi Target quantity: 4 → 6"
    )
    assert f'href="#activity-{resubmitted.added.pk}"' in block and f'href="#activity-{resubmitted.rakor.pk}"' in block


def test_an_activity_removed_and_the_priorities_changed_are_listed_too(cast, clock):
    clock.set("2026-01-10 09:00")
    ActivityFactory(plan=cast.plan, title="Tetap")
    gone = ActivityFactory(plan=cast.plan, title="Dihapus")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    clock.set("2026-01-12 09:00")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Kurangi.")
    clock.set("2026-01-13 09:00")
    services.activity_delete(activity=gone, by=cast.companion, version=gone.version)
    plan = type(cast.plan).objects.get(pk=cast.plan.pk)
    services.plan_update_narrative(
        plan=plan, by=cast.companion, priorities="Fokus BLT.", data_basis="", version=plan.version
    )
    services.plan_submit(plan=cast.plan, by=cast.companion)
    block = words(section(cast.client_for(cast.coordinator).get(cast.plan.get_absolute_url()).content.decode()))
    assert "Removed Dihapus" in block and "Priorities: – → Fokus BLT." in block
    assert "Added" not in block and "Tetap" not in block


def test_nothing_is_shown_for_a_first_submission(cast):
    ActivityFactory(plan=cast.plan)
    services.plan_submit(plan=cast.plan, by=cast.companion)
    page = cast.client_for(cast.coordinator).get(cast.plan.get_absolute_url()).content.decode()
    assert section(page) is None and "Changes since the plan was returned" not in page


def test_nothing_is_shown_while_the_companion_writes_or_to_the_companion(resubmitted):
    assert (
        section(resubmitted.client_for(resubmitted.companion).get(resubmitted.plan.get_absolute_url()).content.decode())
        is None
    )


def test_a_resubmission_without_changes_says_so(cast, clock):
    clock.set("2026-01-10 09:00")
    ActivityFactory(plan=cast.plan)
    services.plan_submit(plan=cast.plan, by=cast.companion)
    clock.set("2026-01-12 09:00")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Cek lagi.")
    clock.set("2026-01-13 09:00")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    block = section(cast.client_for(cast.coordinator).get(cast.plan.get_absolute_url()).content.decode())
    assert "Nothing has changed since the return." in block and " open" not in block.split("</summary>")[0]


def test_a_second_return_is_compared_from_its_own_moment(resubmitted, clock):
    cast = resubmitted
    clock.set("2026-01-14 09:00")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Satu lagi.")
    clock.set("2026-01-15 09:00")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    block = words(section(cast.client_for(cast.coordinator).get(cast.plan.get_absolute_url()).content.decode()))
    assert "returned 14 January 2026" in block and "Nothing has changed since the return." in block


def test_a_revision_returned_and_sent_again_compares_its_own_copies(cast, clock):
    clock.set("2026-01-05 09:00")
    activity = ActivityFactory(plan=cast.plan, title="Rapat", target_quantity=Decimal("4"))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    services.plan_approve(plan=cast.plan, by=cast.coordinator)
    services.plan_reopen(plan=cast.plan, by=cast.coordinator, reason="Tambah kegiatan.")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    clock.set("2026-01-06 09:00")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Target?")
    clock.set("2026-01-07 09:00")
    copy = Activity.objects.get(revises=activity)
    copy.target_quantity = Decimal("5")
    services.activity_save(activity=copy, by=cast.companion, version=copy.version)
    services.plan_submit(plan=cast.plan, by=cast.companion)
    block = words(section(cast.client_for(cast.coordinator).get(cast.plan.get_absolute_url()).content.decode()))
    assert block.endswith("Changed Rapat Target quantity: 4 → 5")


@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_reviewers_page_costs_the_same_queries_for_ten_times_the_activities(resubmitted, clock):
    cast = resubmitted
    client = cast.client_for(cast.coordinator)

    def queries() -> list[str]:
        client.get(cast.plan.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            assert "changes-since-return" in client.get(cast.plan.get_absolute_url()).content.decode()
        return [q["sql"] for q in captured]

    small = queries()
    # Ten more activities on both sides of a second return: in the version returned, and added since.
    for n in range(10):
        ActivityFactory(plan=cast.plan, title=f"Lama {n}")
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Lagi.")
    clock.set("2026-01-13 10:00")
    for n in range(10):
        services.activity_save(activity=ActivityFactory.build(plan=cast.plan, title=f"Baru {n}"), by=cast.companion)
    services.plan_submit(plan=cast.plan, by=cast.companion)
    large = queries()
    assert len(large) == len(small), "\n".join(large)

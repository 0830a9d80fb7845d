"""What a message must not do hours after it was recorded, and what a round must not do twice: an e-mail waiting for a
retry is not sent to a person deactivated or moved out of the plan's scope meanwhile, nor shown in their list beyond
its line; a row claimed late in a long round is not taken for abandoned; a day's digests are worked out once, not at
every tick; notifications past RKT_NOTIFICATION_DAYS are removed; password reset requests sent at once are counted
in turn."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import delivery, schedule
from notifications.models import Kind, Notification, PasswordResetRequest
from pillars import services
from tests.factories import ActivityFactory, region
from tests.notifications.people import address, with_addresses

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, clock, smtp, settings):
    settings.RKT_DIGEST_HOUR = 23
    with_addresses(cast)
    ActivityFactory(plan=cast.plan, months=(1, 2), target_quantity=Decimal(4))
    return cast


@pytest.fixture
def waiting(people, smtp, django_capture_on_commit_callbacks):
    """The plan submitted while the SMTP server refused: the coordinator's e-mail waits for its retry."""
    smtp.refusing()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=people.plan, by=people.companion)
    smtp.refusing(False)
    notification = Notification.objects.get(kind=Kind.PLAN_SUBMITTED)
    assert notification.email == Notification.Email.WAITING
    return notification


def test_a_waiting_email_is_sent_when_nothing_changed(people, waiting, smtp, clock):
    schedule.tick(clock.now + timedelta(minutes=1))
    assert [m.recipients for m in smtp.messages] == [[address(people.coordinator)]]


def test_a_waiting_email_is_not_sent_to_a_person_deactivated_meanwhile(people, waiting, smtp, clock):
    people.coordinator.is_active = False
    people.coordinator.save(update_fields=["is_active"])
    counts = schedule.tick(clock.now + timedelta(minutes=1))
    waiting.refresh_from_db()
    assert counts["outdated"] == 1 and waiting.email == Notification.Email.NONE
    assert smtp.messages == []


def test_a_waiting_email_is_not_sent_to_a_coordinator_moved_out_of_scope(people, waiting, smtp, clock):
    coordinator = people.coordinator.companion
    coordinator.scope_region = region("34.01")
    coordinator.save(update_fields=["scope_region"])
    schedule.tick(clock.now + timedelta(minutes=1))
    waiting.refresh_from_db()
    assert waiting.email == Notification.Email.NONE
    assert smtp.messages == []
    # Their list keeps the line, not the companion's name or the plan it was about.
    page = people.client_for(people.coordinator).get(reverse("notifications:list")).content.decode()
    assert "About a plan you no longer see" in page
    assert people.companion.get_full_name() not in page


class Peeking(EmailBackend):
    """Django's memory backend that, as each message is sent, reads what its notification says of itself."""

    seen: list = []

    def send_messages(self, messages):
        Peeking.seen.extend(Notification.objects.filter(email=Notification.Email.SENDING).values_list("email_after"))
        return super().send_messages(messages)


def test_a_row_claimed_late_in_a_long_round_is_not_taken_for_abandoned(people, waiting, clock, settings):
    settings.EMAIL_BACKEND = f"{__name__}.Peeking"
    Peeking.seen = []
    started = clock.now + timedelta(minutes=1)
    clock.set(started + timedelta(minutes=11))  # the round began 11 minutes ago and reaches this row only now
    delivery.send_waiting(now=started)
    assert Peeking.seen == [(clock.now,)]  # stamped when claimed: a round starting now leaves it alone
    assert len(mail.outbox) == 1


def test_the_days_digests_are_worked_out_once_not_at_every_tick(people, clock, settings):
    settings.RKT_DIGEST_HOUR = 7
    clock.set("2026-04-10 07:00")  # no reminder falls due on the 10th
    schedule.tick(clock.now)
    with CaptureQueriesContext(connection) as later:
        schedule.tick(clock.now + timedelta(minutes=1))
    grid = [q["sql"] for q in later.captured_queries if "pillars_monthlyreport" in q["sql"]]
    assert grid == [], "the second tick of the day worked the digests out again"


def test_notifications_past_their_days_are_removed_once_a_day(people, clock, settings):
    settings.RKT_NOTIFICATION_DAYS = 30
    old = Notification.objects.create(
        recipient=people.companion, kind=Kind.PLAN_APPROVED, link="/", created_at=clock.now - timedelta(days=31)
    )
    young = Notification.objects.create(
        recipient=people.companion, kind=Kind.PLAN_APPROVED, link="/", created_at=clock.now - timedelta(days=29)
    )
    assert schedule.tick(clock.now)["removed"] == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [young.pk]
    assert not Notification.objects.filter(pk=old.pk).exists()
    Notification.objects.create(
        recipient=people.companion, kind=Kind.PLAN_APPROVED, link="/", created_at=clock.now - timedelta(days=40)
    )
    assert schedule.tick(clock.now + timedelta(minutes=5))["removed"] == 0  # today's pruning is done
    assert schedule.tick(clock.now + timedelta(days=1))["removed"] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_pillars")  # a transactional test empties the tables the migrations seeded
def test_password_reset_requests_sent_at_once_are_counted_in_turn(people, settings):
    settings.RKT_PASSWORD_RESET_LIMIT = 2
    url = reverse("password_reset")
    codes, failures = [], []
    start = threading.Barrier(5)

    def ask() -> None:
        try:
            start.wait()
            codes.append(Client().post(url, {"email": address(people.companion)}).status_code)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(codes) == [302, 302, 429, 429, 429]
    assert PasswordResetRequest.objects.count() == 2

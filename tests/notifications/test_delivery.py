"""E-mail delivery: a server that refuses or is down never breaks the request or the service that caused the message;
the message waits with its next attempt's time and a later round of the schedule sends it; after RKT_EMAIL_ATTEMPTS
failures it is marked failed with the error, and logged. Two senders send a message once; a transition that rolls
back sends nothing."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.urls import reverse

from notifications import delivery, schedule
from notifications.models import Kind, Notification
from pillars import services
from pillars.models import WorkPlan
from tests.factories import ActivityFactory
from tests.notifications.people import address, with_addresses
from tests.s3 import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, clock, smtp, settings):
    settings.RKT_DIGEST_HOUR = 23  # no coordinator's digest in the rounds of these tests (the clock says 10:00)
    with_addresses(cast)
    ActivityFactory(plan=cast.plan, months=(1, 2), target_quantity=Decimal(4))
    ActivityFactory(plan=cast.other_plan, months=(3,), target_quantity=Decimal(2))
    return cast


@pytest.fixture
def submit(people, django_capture_on_commit_callbacks):
    """The companion submits the plan, the e-mail to the coordinator sent after the commit; returns its row."""

    def run() -> Notification:
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_submit(plan=people.plan, by=people.companion)
        return Notification.objects.get(kind=Kind.PLAN_SUBMITTED)

    return run


def test_a_refusing_server_never_breaks_the_service_and_the_message_waits(people, submit, smtp, clock, caplog):
    smtp.refusing()
    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        notification = submit()
    people.plan.refresh_from_db()
    assert people.plan.status == WorkPlan.Status.SUBMITTED
    assert notification.email == Notification.Email.WAITING
    assert notification.email_attempts == 1
    assert notification.email_after == clock.now + timedelta(minutes=1)
    assert "451" in notification.email_error
    assert smtp.messages == []
    assert any("trying again in 1 minutes" in record.getMessage() for record in caplog.records)


def test_a_later_round_sends_the_waiting_message_once_the_server_accepts(people, submit, smtp, clock):
    smtp.refusing()
    first = clock.now
    notification = submit()
    smtp.refusing(False)
    assert schedule.tick(first + timedelta(seconds=59))["sent"] == 0  # not due yet
    assert smtp.messages == []
    assert schedule.tick(first + timedelta(minutes=1))["sent"] == 1
    assert [m.recipients for m in smtp.messages] == [[address(people.coordinator)]]
    notification.refresh_from_db()
    assert (notification.email, notification.email_attempts, notification.email_error) == ("sent", 2, "")
    assert notification.email_after is None
    schedule.tick(first + timedelta(hours=3))
    assert len(smtp.messages) == 1


def test_a_server_that_is_down_is_the_same_as_one_that_refuses(people, submit, smtp, settings, clock):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    notification = submit()
    assert notification.email == Notification.Email.WAITING
    assert notification.email_error.startswith("ConnectionRefusedError")
    settings.EMAIL_PORT = smtp.port
    schedule.tick(clock.now + timedelta(minutes=1))
    assert len(smtp.messages) == 1


def test_after_the_last_attempt_the_message_is_failed_with_the_error_and_logged(
    people, submit, smtp, settings, clock, caplog
):
    settings.RKT_EMAIL_ATTEMPTS = 3
    smtp.refusing()
    notification = submit()
    with caplog.at_level(logging.WARNING, logger="notifications.delivery"):
        schedule.tick(clock.now + timedelta(minutes=1))  # the second attempt; the third is due 5 minutes later
        notification.refresh_from_db()
        assert (notification.email, notification.email_attempts) == ("waiting", 2)
        assert notification.email_after == clock.now + timedelta(minutes=6)
        schedule.tick(clock.now + timedelta(minutes=6))
    notification.refresh_from_db()
    assert (notification.email, notification.email_attempts) == ("failed", 3)
    assert "451" in notification.email_error
    assert notification.email_after is None
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and "failed for good" in failed[0].getMessage()
    smtp.refusing(False)
    schedule.tick(clock.now + timedelta(hours=10))
    assert smtp.messages == []  # never tried again
    assert Notification.objects.filter(recipient=people.coordinator).exists()  # still in the app


def test_two_senders_send_a_message_once(people, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.plan_submit(plan=people.plan, by=people.companion)  # the row, its e-mail not sent
    assert delivery.send_waiting()["sent"] == 1
    assert delivery.send_waiting() == {"sent": 0, "retry": 0, "failed": 0, "no_address": 0, "outdated": 0}
    assert len(smtp.messages) == 1


def test_a_transition_refused_after_its_event_was_logged_tells_nobody(people, smtp, django_capture_on_commit_callbacks):
    # The return's event (and its notification) is written before the notes beside activities are checked: a note
    # on another plan's activity refuses the whole return, the notification with it.
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=people.plan, by=people.companion)
    Notification.objects.all().delete()
    smtp.clear()
    stranger = people.other_plan.activities.get()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.WorkflowError):
        services.plan_return(
            plan=people.plan, by=people.coordinator, comment="Perbaiki.", activity_comments={stranger.pk: "Ini?"}
        )
    assert not Notification.objects.exists()
    assert smtp.messages == []


# --- with real commits ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_email_is_refused_still_succeeds(seeded_pillars, people, smtp):
    smtp.refusing()
    response = people.client_for(people.companion).post(reverse("pillars:plan-submit", args=[people.plan.pk]))
    assert response.status_code == 302
    people.plan.refresh_from_db()
    assert people.plan.status == WorkPlan.Status.SUBMITTED
    assert Notification.objects.get().email == Notification.Email.WAITING


@pytest.mark.django_db(transaction=True)
def test_a_transition_rolled_back_by_its_caller_sends_nothing(seeded_pillars, people, smtp):
    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        services.plan_submit(plan=people.plan, by=people.companion)
        raise Undone
    assert not Notification.objects.exists()
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_a_message_once(seeded_pillars, people, smtp, monkeypatch):
    monkeypatch.setattr(delivery, "dispatch", lambda ids: None)  # the commit hands the e-mail to nobody: the two
    # senders below race for it
    services.plan_submit(plan=people.plan, by=people.companion)
    results, failures = [], []
    start = threading.Barrier(2)

    def sender() -> None:
        try:
            start.wait()
            results.append(delivery.send_waiting())
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(result["sent"] for result in results) == [0, 1]
    assert len(smtp.wait_for(1)) == 1
    assert Notification.objects.get().email == Notification.Email.SENT


def test_a_message_left_being_sent_by_a_sender_that_died_is_sent_by_a_later_round(people, smtp, clock):
    with transaction.atomic():
        services.plan_submit(plan=people.plan, by=people.companion)
    notification = Notification.objects.get()
    # As a killed worker leaves it: claimed, never finished.
    Notification.objects.filter(pk=notification.pk).update(
        email=Notification.Email.SENDING, email_attempts=1, email_after=clock.now
    )
    schedule.tick(clock.now + timedelta(minutes=5))
    assert smtp.messages == []  # it may still be on its way
    schedule.tick(clock.now + timedelta(minutes=11))
    assert len(smtp.messages) == 1
    notification.refresh_from_db()
    assert (notification.email, notification.email_attempts) == ("sent", 2)


def test_a_message_to_a_person_who_removed_their_address_since_is_not_marked_sent(people, submit, smtp, clock):
    smtp.refusing()
    notification = submit()
    smtp.refusing(False)
    people.coordinator.email = ""
    people.coordinator.save(update_fields=["email"])
    schedule.tick(clock.now + timedelta(minutes=1))
    assert smtp.messages == []
    notification.refresh_from_db()
    assert notification.email == Notification.Email.NONE
    assert notification.emailed_at is None

"""What goes out by the clock, in the deadline's local time (Asia/Jakarta): a companion who owes a month's report is
reminded RKT_REMINDER_DAYS_BEFORE days before the deadline day and on the day itself, from RKT_REMINDER_HOUR; a
coordinator gets one digest a day of what waits in their scope. Nothing is sent about what is done, and each message
goes out once however many rounds run, one after the other or at the same moment."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from notifications import schedule
from notifications.models import Kind, Notification, Preferences
from pillars import services
from tests.factories import ActivityFactory, CoordinatorFactory, UserFactory
from tests.notifications.people import address, assert_links_to, with_addresses
from tests.pillars.progress_fixtures import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def owing(cast, clock, smtp, settings):
    """The companion's plan approved for 2026; its report for March not sent. The other companions' plans drafts."""
    settings.RKT_REPORT_DEADLINE_DAY, settings.RKT_REMINDER_DAYS_BEFORE, settings.RKT_REMINDER_HOUR = 5, [3], 7
    settings.RKT_DIGEST_HOUR = 7
    with_addresses(cast)
    approve(cast.plan, year=2026)
    return cast


@pytest.fixture
def tick(clock, django_capture_on_commit_callbacks):
    """A round of the schedule at ``when`` (local time), its e-mails sent after its commit, as beat's task does."""

    def run(when: str) -> dict:
        now = clock.set(when)
        with django_capture_on_commit_callbacks(execute=True):
            return schedule.tick(now)

    return run


def reminders(user=None) -> list[tuple]:
    found = Notification.objects.filter(kind=Kind.REPORT_REMINDER)
    if user is not None:
        found = found.filter(recipient=user)
    return sorted((n.recipient.username, n.params["month"], n.params["days"]) for n in found)


def digests() -> list[tuple]:
    found = Notification.objects.filter(kind=Kind.DIGEST)
    return sorted(
        (n.recipient.username, n.params["date"], n.params["plans"], n.params["reports"], n.params["late"])
        for n in found
    )


# --- the reminders of a monthly report -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-04-01 08:00", []),
        ("2026-04-02 06:59", []),  # 23:59 UTC the day before: the local hour decides
        ("2026-04-02 07:00", [("pld", 3, 3)]),  # three days before the deadline day, 5 April
        ("2026-04-02 23:59", [("pld", 3, 3)]),
        ("2026-04-03 08:00", []),
        ("2026-04-04 08:00", []),
        ("2026-04-05 06:59", []),
        ("2026-04-05 07:00", [("pld", 3, 0)]),  # the deadline day
        ("2026-04-06 07:00", []),  # too late for a reminder: the report is missing now
    ],
)
def test_a_companion_who_owes_a_report_is_reminded_on_the_right_days_from_the_hour(owing, tick, when, expected):
    tick(when)
    assert reminders() == expected


def test_the_reminder_says_what_is_due_and_when_and_links_to_the_month(owing, tick, smtp):
    tick("2026-04-02 07:00")
    (sent,) = smtp.to(address(owing.companion))
    assert sent.recipients == [address(owing.companion)]
    assert sent.subject == "[RKT] Reminder: your report for March 2026 is due in 3 days"
    assert "5 April 2026" in sent.text
    assert_links_to(sent, reverse("pillars:plan-month", args=[owing.plan.pk, 3]))
    smtp.clear()
    tick("2026-04-05 07:00")
    (sent,) = smtp.to(address(owing.companion))
    assert sent.subject == "[RKT] Today is the last day for your report for March 2026"


def test_the_reminder_is_in_the_companions_language(owing, tick, smtp):
    Preferences.objects.filter(user=owing.companion).update(language="id")
    tick("2026-04-02 07:00")
    (sent,) = smtp.to(address(owing.companion))
    assert "Maret 2026" in sent.subject and "March" not in sent.subject
    assert '<html lang="id">' in sent.html


def test_a_companion_who_submitted_is_not_reminded(owing, tick, clock):
    ActivityFactory(plan=owing.plan, months=(3,), target_quantity=Decimal(1))
    clock.set("2026-04-01 10:00")
    services.report_submit(plan=owing.plan, month=3, by=owing.companion)
    tick("2026-04-02 07:00")
    tick("2026-04-05 07:00")
    assert reminders() == []


def test_a_reminder_whose_email_waited_is_not_sent_once_the_report_is_in(owing, tick, clock, smtp):
    smtp.refusing()
    tick("2026-04-02 07:00")  # recorded; its e-mail refused, to be tried again a minute later
    (reminder,) = Notification.objects.filter(kind=Kind.REPORT_REMINDER)
    assert reminder.email == Notification.Email.WAITING
    smtp.refusing(False)
    ActivityFactory(plan=owing.plan, months=(3,), target_quantity=Decimal(1))
    clock.set("2026-04-02 07:00:30")
    services.report_submit(plan=owing.plan, month=3, by=owing.companion)
    counts = tick("2026-04-02 07:05")
    reminder.refresh_from_db()
    assert counts["outdated"] == 1 and reminder.email == Notification.Email.NONE
    assert smtp.to(address(owing.companion)) == []
    assert reminder.read_at is None  # it stays in the app's list, as it was when recorded


def test_a_companion_whose_plan_is_not_approved_is_not_reminded_but_one_under_revision_is(owing, tick):
    services.plan_reopen(plan=owing.plan, by=owing.coordinator, reason="Revisi")  # the approved version in force
    ActivityFactory(plan=owing.other_plan, months=(3,), target_quantity=Decimal(1))
    services.plan_submit(plan=owing.other_plan, by=owing.other_companion)  # submitted, not approved
    tick("2026-04-02 07:00")
    assert reminders() == [("pld", 3, 3)]  # pld2 (submitted) and pld_kp (draft) owe nothing


def test_a_companion_who_chose_the_app_only_gets_the_reminder_without_an_email(owing, tick, smtp):
    Preferences.objects.filter(user=owing.companion).update(email_kinds={Kind.REPORT_REMINDER: False})
    tick("2026-04-02 07:00")
    assert reminders() == [("pld", 3, 3)]
    assert smtp.to(address(owing.companion)) == []


def test_each_reminder_goes_out_once_however_many_rounds_run(owing, tick, smtp):
    for when in ("2026-04-02 07:00", "2026-04-02 07:01", "2026-04-02 18:00"):
        tick(when)
    assert reminders() == [("pld", 3, 3)]
    assert len(smtp.to(address(owing.companion))) == 1


def test_december_is_reminded_in_january_of_the_next_year(owing, tick, smtp):
    tick("2027-01-02 07:00")
    tick("2027-01-05 07:00")
    assert reminders() == [("pld", 12, 0), ("pld", 12, 3)]
    subjects = sorted(m.subject for m in smtp.to(address(owing.companion)))
    assert subjects == [
        "[RKT] Reminder: your report for December 2026 is due in 3 days",
        "[RKT] Today is the last day for your report for December 2026",
    ]


def test_a_report_for_january_is_reminded_at_the_end_of_february(owing, tick, settings):
    settings.RKT_REPORT_DEADLINE_DAY = 28
    tick("2026-02-24 08:00")
    assert reminders() == []
    tick("2026-02-25 08:00")
    tick("2026-02-28 08:00")
    assert reminders() == [("pld", 1, 0), ("pld", 1, 3)]


# --- when reminders are due ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline_day", "days_before", "today", "expected"),
    [
        (5, [3], date(2026, 4, 2), [(2026, 3, 3, date(2026, 4, 5))]),
        (5, [3], date(2026, 4, 5), [(2026, 3, 0, date(2026, 4, 5))]),
        (5, [3], date(2026, 4, 1), []),
        (5, [3], date(2026, 4, 6), []),
        # the year changes: December's report is reminded in January
        (5, [3], date(2027, 1, 2), [(2026, 12, 3, date(2027, 1, 5))]),
        (5, [3], date(2027, 1, 5), [(2026, 12, 0, date(2027, 1, 5))]),
        (5, [3], date(2026, 12, 2), [(2026, 11, 3, date(2026, 12, 5))]),
        # the deadline day at the end of February, in a common year and a leap year
        (28, [3], date(2026, 2, 25), [(2026, 1, 3, date(2026, 2, 28))]),
        (28, [3], date(2026, 2, 28), [(2026, 1, 0, date(2026, 2, 28))]),
        (28, [3], date(2028, 2, 25), [(2028, 1, 3, date(2028, 2, 28))]),
        (28, [3], date(2028, 2, 29), []),
        (28, [3], date(2026, 3, 25), [(2026, 2, 3, date(2026, 3, 28))]),
        # a day past what February has is clamped to its last day (the setting allows at most 28 today)
        (30, [3], date(2026, 2, 25), [(2026, 1, 3, date(2026, 2, 28))]),
        (30, [3], date(2028, 2, 29), [(2028, 1, 0, date(2028, 2, 29))]),
        (30, [3], date(2026, 3, 27), [(2026, 2, 3, date(2026, 3, 30))]),
        # several reminders before the deadline day
        (28, [5, 1], date(2026, 2, 23), [(2026, 1, 5, date(2026, 2, 28))]),
        (28, [5, 1], date(2026, 2, 27), [(2026, 1, 1, date(2026, 2, 28))]),
        (28, [5, 1], date(2026, 2, 28), [(2026, 1, 0, date(2026, 2, 28))]),
        (28, [5, 1], date(2026, 2, 25), []),
    ],
)
def test_reminders_due(settings, deadline_day, days_before, today, expected):
    settings.RKT_REPORT_DEADLINE_DAY, settings.RKT_REMINDER_DAYS_BEFORE = deadline_day, days_before
    assert schedule.reminders_due(today) == expected


# --- the coordinators' digest --------------------------------------------------------------------------------------


@pytest.fixture
def waiting(owing, clock):
    """On 15 June 2026: in Gunungkidul, pld's May report submitted (January to April missing) and pld2's plan
    submitted; in Kulon Progo nothing."""
    ActivityFactory(plan=owing.plan, months=(5,), target_quantity=Decimal(1))
    ActivityFactory(plan=owing.other_plan, months=(5,), target_quantity=Decimal(1))
    clock.set("2026-06-03 10:00")
    services.report_submit(plan=owing.plan, month=5, by=owing.companion)
    services.plan_submit(plan=owing.other_plan, by=owing.other_companion)
    Notification.objects.all().delete()
    return owing


def test_a_coordinator_gets_one_digest_a_day_from_the_digest_hour(waiting, tick, smtp):
    tick("2026-06-15 06:59")
    assert digests() == []
    tick("2026-06-15 07:00")
    tick("2026-06-15 12:00")
    assert digests() == [("koord", "2026-06-15", 1, 1, 4)]  # not koord_kp, not the admin
    (sent,) = smtp.to(address(waiting.coordinator))
    assert sent.recipients == [address(waiting.coordinator)]
    assert smtp.to(address(waiting.outsider)) == []
    for line in ("1 rencana menunggu", "1 laporan bulanan menunggu", "4 laporan bulanan melewati batas waktu"):
        assert line in sent.text and line in sent.html
    assert_links_to(sent, reverse("home"))
    tick("2026-06-16 07:30")
    assert [d[:2] for d in digests()] == [("koord", "2026-06-15"), ("koord", "2026-06-16")]
    assert len(smtp.to(address(waiting.coordinator))) == 2


def test_each_coordinator_in_scope_gets_their_own_digest(waiting, tick, smtp):
    second = CoordinatorFactory(user=UserFactory(username="koord2", email="koord2@example.org"))
    tick("2026-06-15 07:00")
    assert [d[0] for d in digests()] == ["koord", "koord2"]
    assert [len(smtp.to(a)) for a in (address(waiting.coordinator), second.user.email)] == [1, 1]


def test_a_coordinator_out_of_scope_is_told_only_of_their_own_area(waiting, tick, smtp):
    far = waiting.outside_plan
    ActivityFactory(plan=far, months=(1,), target_quantity=Decimal(1))
    services.plan_submit(plan=far, by=far.companion.user)
    Notification.objects.all().delete()
    tick("2026-06-15 07:00")
    assert digests() == [("koord", "2026-06-15", 1, 1, 4), ("koord_kp", "2026-06-15", 1, 0, 0)]


def test_nobody_gets_a_digest_when_nothing_waits(cast, clock, tick, smtp):
    with_addresses(cast)  # every plan a draft of 2026, nothing submitted, nothing owed
    tick("2026-06-15 07:00")
    assert digests() == []
    assert smtp.messages == []


def test_a_digest_in_january_counts_last_years_late_reports(owing, tick):
    tick("2027-01-20 07:00")  # every month of 2026 missing but December, whose deadline was 5 January: also missing
    assert digests() == [("koord", "2027-01-20", 0, 0, 12)]


# --- two rounds at the same moment ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_rounds_at_once_send_each_reminder_and_digest_once(seeded_pillars, owing, clock, smtp):
    now = clock.set("2026-04-02 07:00")
    results, failures = [], []
    start = threading.Barrier(2)

    def round_() -> None:
        try:
            start.wait()
            results.append(schedule.tick(now))
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert reminders() == [("pld", 3, 3)]
    assert [d[0] for d in digests()] == ["koord"]  # January and February missing
    assert len(smtp.wait_for(2)) == 2
    assert sorted(m.recipients[0] for m in smtp.messages) == [address(owing.coordinator), address(owing.companion)]
    assert sorted(r["reminders"] for r in results) == [0, 1]
    assert sorted(r["digests"] for r in results) == [0, 1]

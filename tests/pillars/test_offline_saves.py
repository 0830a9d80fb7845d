"""Saves a phone queued offline and sent later with an ``Idempotency-Key``: a resend of the same key is answered
with the save already made, nothing written twice, whatever happened to the entry since; every answer says what
became of the save in ``RKT-Outcome``; the keys are forgotten after RKT_OFFLINE_KEY_DAYS."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from notifications import schedule
from pillars import services
from pillars.evidence import check_upload
from pillars.models import Evidence, MonthlyProgress, MonthlyReport, OfflineSave
from tests.factories import ActivityFactory, PlanFactory
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import PDF_BYTES, activity_titled, approve, entry_data, upload

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db

KEY = "3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6b"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send(client, plan, activity, *, key: str | None = KEY, files=(), htmx: bool = True, **values):
    """One save of the March entry as the phone sends it: with its key (none: a save of today's page)."""
    data = entry_data(activity, **values)
    if files:
        data[f"a{activity.pk}-files"] = list(files)
    headers = dict(HTMX) if htmx else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(reverse("pillars:progress-save", args=[plan.pk, 3, activity.pk]), data, headers=headers)


def march(activity) -> MonthlyProgress:
    return MonthlyProgress.objects.get(activity=activity, month=3)


# --- the same key twice --------------------------------------------------------------------------


def test_the_same_key_twice_saves_once_and_the_second_answer_says_replayed(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    first = send(client, plan, rakor, files=[upload("notulen.pdf", PDF_BYTES, "application/pdf")])
    again = send(client, plan, rakor, files=[upload("notulen.pdf", PDF_BYTES, "application/pdf")])
    assert (first.status_code, first["RKT-Outcome"]) == (200, "saved")
    assert (again.status_code, again["RKT-Outcome"]) == (200, "replayed")
    assert "Saved at" in again.content.decode()  # the card as after the first answer
    entry = march(rakor)
    assert entry.version == 1
    assert entry.history.count() == 1
    assert Evidence.objects.filter(progress=entry).count() == 1
    assert OfflineSave.objects.get().progress == entry


def test_a_resends_files_are_not_counted_again_on_top_of_themselves(cast, plan, settings):
    settings.RKT_EVIDENCE_MAX_FILES = 1
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor, files=[upload("notulen.pdf", PDF_BYTES, "application/pdf")])
    again = send(client, plan, rakor, files=[upload("notulen.pdf", PDF_BYTES, "application/pdf")])
    assert again["RKT-Outcome"] == "replayed"
    assert "these files were not added" not in again.content.decode()
    assert Evidence.objects.count() == 1


def test_a_key_is_read_in_either_case(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor, key=KEY)
    assert send(client, plan, rakor, key=KEY.upper())["RKT-Outcome"] == "replayed"
    assert march(rakor).version == 1


def test_a_plain_form_resent_with_its_key_is_redirected_as_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor, htmx=False)
    again = send(client, plan, rakor, htmx=False)
    assert (again.status_code, again["RKT-Outcome"]) == (302, "replayed")
    assert again["Location"].endswith(f"#activity-{rakor.pk}")
    assert march(rakor).version == 1


def test_a_resend_after_a_lost_answer_is_replayed_though_the_entry_moved_on(cast, plan):
    """The first send was saved, its answer lost; a save from another tab moved the version. The resend still says
    version 0: it is answered as saved, not as a conflict, and the newer save stays."""
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor, description="Dari HP")
    send(client, plan, rakor, key=None, version="1", description="Dari laptop")
    again = send(client, plan, rakor, version="0", description="Dari HP")
    assert (again.status_code, again["RKT-Outcome"]) == (200, "replayed")
    entry = march(rakor)
    assert (entry.version, entry.description) == (2, "Dari laptop")


def test_the_service_answers_a_resend_on_an_old_version_with_the_entry_as_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    key = uuid.UUID(KEY)
    first = services.progress_save(
        activity=rakor, month=3, values={"status": "ongoing"}, version=0, by=cast.companion, key=key
    )
    services.progress_save(activity=rakor, month=3, values={"description": "Lagi"}, version=1, by=cast.companion)
    again = services.progress_save(
        activity=rakor, month=3, values={"status": "done"}, version=0, by=cast.companion, key=key
    )
    assert again.pk == first.pk
    assert (again.version, again.status, again.description) == (2, "ongoing", "Lagi")


def test_a_resend_after_the_month_was_submitted_is_replayed_not_refused(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor)
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.SUBMITTED)
    again = send(client, plan, rakor)
    assert (again.status_code, again["RKT-Outcome"]) == (200, "replayed")
    assert march(rakor).version == 1


def test_a_key_sent_before_with_another_entry_is_refused_and_nothing_is_saved(cast, plan):
    rakor, training = activity_titled(plan, "Rakor bulanan"), activity_titled(plan, "Pelatihan BPD")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor)
    other = send(client, plan, training)
    assert (other.status_code, other["RKT-Outcome"]) == (403, "refused")
    assert "sent before with another entry" in other.content.decode()
    assert not MonthlyProgress.objects.filter(activity=training).exists()


# --- keys are their sender's ----------------------------------------------------------------------


def test_another_persons_key_is_no_replay_for_them(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    send(cast.client_for(cast.companion), plan, rakor)
    theirs = approve(cast.other_plan)
    activity = ActivityFactory(plan=theirs, months=(3,), target_quantity=Decimal("2"))
    answer = send(cast.client_for(cast.other_companion), theirs, activity)
    assert (answer.status_code, answer["RKT-Outcome"]) == (200, "saved")
    assert march(activity).updated_by == cast.other_companion
    assert OfflineSave.objects.filter(key=KEY).count() == 2


def test_another_persons_key_does_not_answer_their_conflict(cast, plan):
    """The same key from someone else, on an entry that moved on: a conflict of their own, not a replay."""
    rakor = activity_titled(plan, "Rakor bulanan")
    theirs = approve(cast.other_plan)
    activity = ActivityFactory(plan=theirs, months=(3,), target_quantity=Decimal("2"))
    send(cast.client_for(cast.other_companion), theirs, activity)
    client = cast.client_for(cast.companion)
    send(client, plan, rakor, key=None)
    answer = send(client, plan, rakor, version="0")
    assert (answer.status_code, answer["RKT-Outcome"]) == (409, "conflict")
    assert march(rakor).version == 1
    assert not OfflineSave.objects.filter(user=cast.companion).exists()


# --- a key that is not one, and no key ------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "",
        "not-a-key",
        KEY.replace("-", ""),
        f"{{{KEY}}}",
        f"urn:uuid:{KEY}",
        KEY[:-1] + "g",
    ],
    ids=["empty", "words", "no hyphens", "braces", "urn", "not hex"],
)
def test_a_malformed_key_is_400_and_nothing_is_written(cast, plan, key):
    rakor = activity_titled(plan, "Rakor bulanan")
    answer = send(cast.client_for(cast.companion), plan, rakor, key=key)
    assert (answer.status_code, answer["RKT-Outcome"]) == (400, "bad-key")
    assert answer["Content-Type"].startswith("text/plain")
    assert "key is not valid" in answer.content.decode()
    assert not MonthlyProgress.objects.exists()
    assert not OfflineSave.objects.exists()


def test_without_a_key_a_save_is_made_as_before_and_keeps_nothing(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    first = send(client, plan, rakor, key=None, htmx=False)
    assert (first.status_code, first["RKT-Outcome"]) == (302, "saved")
    again = send(client, plan, rakor, key=None)
    assert (again.status_code, again["RKT-Outcome"]) == (409, "conflict")  # the same version 0 sent twice
    assert march(rakor).version == 1
    assert not OfflineSave.objects.exists()


# --- what every answer says -----------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_each_answer_says_its_outcome(cast, plan, htmx):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    saved = send(client, plan, rakor, key=None, htmx=htmx)
    conflict = send(client, plan, rakor, key=None, htmx=htmx, version="0")
    invalid = send(client, plan, rakor, key=None, htmx=htmx, version="1", quantity="-1")
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.SUBMITTED)
    refused = send(client, plan, rakor, key=None, htmx=htmx, version="1")
    answers = [(a.status_code, a["RKT-Outcome"]) for a in (saved, conflict, invalid, refused)]
    assert answers == [
        (200 if htmx else 302, "saved"),
        (409, "conflict"),
        (422, "invalid"),
        (403, "refused"),
    ]


def test_a_failed_login_or_csrf_check_carries_no_outcome(cast, plan):
    """What the phone must not take for a rule's answer: it sends the entry again later."""
    rakor = activity_titled(plan, "Rakor bulanan")
    anonymous = send(cast.client_for(None), plan, rakor)
    assert anonymous.status_code == 302 and "RKT-Outcome" not in anonymous
    client = cast.client_for(cast.companion)
    client.handler.enforce_csrf_checks = True
    forged = send(client, plan, rakor)
    assert forged.status_code == 403 and "RKT-Outcome" not in forged
    assert not MonthlyProgress.objects.exists()


# --- the keys are forgotten after their days ------------------------------------------------------


def test_the_days_round_forgets_the_keys_past_their_days_and_keeps_the_others(cast, plan, clock, settings):
    settings.RKT_OFFLINE_KEY_DAYS = 30
    rakor = activity_titled(plan, "Rakor bulanan")
    entry = services.progress_save(activity=rakor, month=3, values={}, version=0, by=cast.companion)
    OfflineSave.objects.create(
        user=cast.companion, key=uuid.uuid4(), progress=entry, created_at=clock.now - timedelta(days=31)
    )
    young = OfflineSave.objects.create(
        user=cast.companion, key=uuid.uuid4(), progress=entry, created_at=clock.now - timedelta(days=29)
    )
    schedule.tick(clock.now)
    assert list(OfflineSave.objects.values_list("pk", flat=True)) == [young.pk]
    assert services.offline_saves_prune(now=clock.now + timedelta(days=2)) == 1
    assert not OfflineSave.objects.exists()


def test_a_forgotten_key_is_a_new_save(cast, plan, clock, settings):
    """After RKT_OFFLINE_KEY_DAYS a resend is judged as any save: here, a conflict on its old version."""
    settings.RKT_OFFLINE_KEY_DAYS = 1
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    send(client, plan, rakor)
    services.offline_saves_prune(now=clock.now + timedelta(days=2))
    assert send(client, plan, rakor)["RKT-Outcome"] == "conflict"


# --- two sends at once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_pillars")  # a transactional test empties the tables the migrations seeded
def test_two_sends_of_one_key_at_once_store_it_once(cast, clock):
    """The phone sent, lost the connection, and sent again while the first was still being saved: the plan's lock
    makes the second wait, then find the key."""
    approved = PlanFactory(companion=cast.plan.companion, year=2025)
    activity = ActivityFactory(plan=approved, months=(1,), target_quantity=Decimal("4"))
    services.plan_submit(plan=approved, by=cast.companion)
    services.plan_approve(plan=approved, by=cast.coordinator)
    key = uuid.UUID(KEY)
    saved: list[int] = []
    failures: list[str] = []
    start = threading.Barrier(2)

    def send_once() -> None:
        files = [check_upload(upload("notulen.pdf", PDF_BYTES, "application/pdf"))]
        try:
            start.wait()
            entry = services.progress_save(
                activity=activity,
                month=1,
                values={"status": "ongoing"},
                version=0,
                files=files,
                by=cast.companion,
                key=key,
            )
            saved.append(entry.pk)
        except Exception as exc:  # a conflict, "database is locked" or a duplicate key fails the test
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    entry = MonthlyProgress.objects.get(activity=activity, month=1)
    assert saved == [entry.pk, entry.pk]
    assert (entry.version, entry.history.count()) == (1, 1)
    assert Evidence.objects.filter(progress=entry).count() == 1
    assert OfflineSave.objects.filter(user=cast.companion, key=key).count() == 1

"""Many people saving progress at once: every accepted write is kept, every refused one is told so,
and nobody meets "database is locked" or a server error. Runs on SQLite (a real file, WAL, IMMEDIATE
transactions) and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections

from pillars import services
from pillars.models import MonthlyProgress
from tests.factories import ActivityFactory, PlanFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_pillars")]

THREADS = 8
SAVES_EACH = 6


@pytest.fixture
def approved(cast, clock):
    """An approved 2025 plan, reportable at the clock's June 2026."""
    plan = PlanFactory(companion=cast.plan.companion, year=2025)
    activities = [ActivityFactory(plan=plan, months=(1,), target_quantity=Decimal("100")) for _ in range(THREADS + 1)]
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    return plan, activities


def test_parallel_saves_keep_every_accepted_write_and_refuse_the_rest(cast, approved):
    if connection.vendor == "sqlite":
        assert "memory" not in str(connection.settings_dict["NAME"]), "the test database must be a file"
    plan, activities = approved
    shared = activities[-1]
    accepted_own: dict[int, str] = {}
    accepted_shared: list[str] = []
    outcomes: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        own = activities[number]
        try:
            start.wait()
            for step in range(SAVES_EACH):
                text = f"thread {number} step {step}"
                # Its own entry: read the version it has, save on it (like one open tab).
                current = MonthlyProgress.objects.filter(activity=own, month=1).first()
                services.progress_save(
                    activity=own,
                    month=1,
                    values={"status": "ongoing", "quantity": Decimal(step), "description": text},
                    version=current.version if current else 0,
                    by=cast.companion,
                )
                with lock:
                    accepted_own[own.pk] = text
                    outcomes["own accepted"] += 1
                # The shared entry: everyone saves on the version they saw; only one of a race wins.
                seen = MonthlyProgress.objects.filter(activity=shared, month=1).first()
                try:
                    services.progress_save(
                        activity=shared,
                        month=1,
                        values={"status": "ongoing", "quantity": Decimal(1), "description": text},
                        version=seen.version if seen else 0,
                        by=cast.companion,
                    )
                except services.ProgressConflict:
                    with lock:
                        outcomes["shared refused"] += 1
                else:
                    with lock:
                        accepted_shared.append(text)
                        outcomes["shared accepted"] += 1
        except Exception as exc:  # "database is locked" or anything else is a failure of the test
            with lock:
                failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert outcomes["own accepted"] == THREADS * SAVES_EACH
    for activity_pk, text in accepted_own.items():
        entry = MonthlyProgress.objects.get(activity_id=activity_pk, month=1)
        assert entry.description == text
        assert entry.version == SAVES_EACH  # created once, then changed SAVES_EACH - 1 times
    final = MonthlyProgress.objects.get(activity=shared, month=1)
    assert outcomes["shared accepted"] + outcomes["shared refused"] == THREADS * SAVES_EACH
    assert final.version == outcomes["shared accepted"], "every accepted save moved the version once"
    assert final.description in accepted_shared
    assert final.history.count() == outcomes["shared accepted"]
    print(dict(outcomes))


def test_two_saves_at_once_never_leave_an_entry_more_files_than_the_limit(cast, approved, settings, tmp_path):
    """Each save's files passed the form's count (0 attached when its page was read); the count made again under the
    month's lock lets only as many through as fit, whatever the order the saves arrive in."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pillars.evidence import check_upload
    from pillars.models import Evidence
    from tests.pillars.progress_fixtures import PDF_BYTES

    settings.MEDIA_ROOT = tmp_path
    plan, activities = approved
    activity = activities[0]
    services.progress_save(activity=activity, month=1, values={"status": "ongoing"}, version=0, by=cast.companion)
    outcomes: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def save(number: int) -> None:
        files = [check_upload(SimpleUploadedFile(f"t{number}-{i}.pdf", PDF_BYTES)) for i in range(6)]
        try:
            start.wait()
            for _ in range(20):  # until this save is either stored or refused for the count
                version = MonthlyProgress.objects.get(activity=activity, month=1).version
                try:
                    services.progress_save(
                        activity=activity, month=1, values={}, version=version, files=files, by=cast.companion
                    )
                except services.ProgressConflict:
                    continue
                except services.WorkflowError:
                    with lock:
                        outcomes["refused"] += 1
                    return
                with lock:
                    outcomes["stored"] += 1
                return
        except Exception as exc:
            with lock:
                failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert outcomes == Counter({"stored": 1, "refused": 3})
    assert Evidence.objects.filter(progress__activity=activity).count() == 6

"""The test clock: what a test sets is what the app reads, in every thread, in local time."""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils import timezone

from pillars.rules import report_deadline
from tests.clock import local


def test_the_clock_sets_local_time_and_every_clock_the_code_reads(clock):
    clock.set("2026-01-05 23:59")
    assert timezone.localdate() == dt.date(2026, 1, 5)
    assert timezone.now() == local(2026, 1, 5, 23, 59)
    assert timezone.now().astimezone(dt.UTC).hour == 16  # Jakarta is UTC+7
    assert abs(time.time() - local(2026, 1, 5, 23, 59).timestamp()) < 1
    assert dt.date.today() == dt.date(2026, 1, 5)


def test_the_clock_is_frozen_unless_asked_to_run(clock):
    frozen = clock.set("2026-03-06 00:00")
    time.sleep(0.01)
    assert timezone.now() == frozen
    clock.set("2026-03-06 00:00", tick=True)
    started = timezone.now()  # a running clock starts from the moment set at its first reading
    time.sleep(0.01)
    assert started == frozen
    assert timezone.now() > frozen


def test_another_thread_sees_the_same_day(clock):
    """The browser journeys' live server answers from its own thread."""
    clock.set("2027-01-01 00:05")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(timezone.localdate()))
    thread.start()
    thread.join()
    assert seen == [dt.date(2027, 1, 1)]


def test_the_clock_starts_on_a_known_day(clock):
    assert clock.today == dt.date(2026, 6, 15)
    assert clock.now >= report_deadline(2026, 5)  # May is over and its deadline has passed


def test_a_test_that_sets_the_clock_is_marked_for_the_clock_matrix(request, clock):
    assert request.node.get_closest_marker("clock") is not None

"""The date and time the app sees in a test: set by the test, never read from the machine.

``clock.set("2026-01-05 23:59")`` moves every clock the code can read (``timezone.now()``, ``date.today()``,
``time.time()``; the live server's thread too) to that moment in the app's local time (``TIME_ZONE``). The
``clock`` fixture starts at :data:`DEFAULT_NOW`, so a test that only asks for it already runs on a known day.
Tests that use it are marked ``clock``; CI runs them again with the machine's date set to the days around a
deadline and a new year (``RKT_TEST_MACHINE_DATE``) to prove that none of them reads the real calendar.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

# A Monday in the middle of a year: May is over and its report deadline (5 June) has passed.
DEFAULT_NOW = "2026-06-15 10:00"


def local(*args: int) -> dt.datetime:
    """An aware datetime in the app's time zone: ``local(2026, 1, 5, 23, 59)``."""
    return dt.datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))


def moment(when: str | dt.date | dt.datetime) -> dt.datetime:
    """``when`` as an aware datetime; a date or a naive time is read in the app's time zone."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    elif not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(10, 0))
    if timezone.is_naive(when):
        when = when.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return when


class Clock:
    """One test's clock. Frozen unless ``tick=True`` (the browser journeys let it run from the moment set)."""

    def __init__(self) -> None:
        self._travel: time_machine.travel | None = None
        self._traveller: time_machine.Traveller | None = None

    def set(self, when: str | dt.date | dt.datetime, *, tick: bool = False) -> dt.datetime:
        # Passed in UTC: an aware destination in a ZoneInfo zone would also make time-machine change the
        # process's TZ variable, which nothing here needs.
        destination = moment(when).astimezone(dt.UTC)
        if self._travel is None:
            self._travel = time_machine.travel(destination, tick=tick)
            self._traveller = self._travel.start()
        else:
            self._traveller.move_to(destination, tick=tick)
        return moment(when)

    @property
    def now(self) -> dt.datetime:
        return timezone.localtime()

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
            self._travel = self._traveller = None


def machine_travel(value: str) -> time_machine.travel:
    """The whole run as if the machine's clock read ``value`` (``RKT_TEST_MACHINE_DATE``), running on from it."""
    return time_machine.travel(moment(value).astimezone(dt.UTC), tick=True)

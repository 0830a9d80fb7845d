"""What goes out by the clock: the reminders of monthly reports, the coordinators' daily digest, and the e-mails
due again after a failure. Celery beat runs :func:`tick` once a minute (``notifications.tick``); without workers the
app runs it itself, at most once a minute (:func:`tick_if_due`); ``manage.py notify`` runs it once, for cron.

Each message has a key for its person (the plan, month and day of a reminder; the date of a digest), and a key is
recorded once (:func:`notifications.notify.notify_once`): a tick that runs twice, two beats at once or a retried
task send nothing twice. All times are local: a reminder goes out at the hour of the plan's kabupaten
(:attr:`pillars.models.WorkPlan.zone`), a digest at the hour of the coordinator's scope, each zone's round on its own.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import delivery
from notifications.models import Kind, Notification, Round
from notifications.notify import notify_once
from pillars import services
from pillars.models import MonthlyReport, WorkPlan
from pillars.rules import ANSWERED, month_is_over, report_deadline_day
from pillars.selectors.completeness import Completeness, owing_month
from villages.models import Companion
from villages.zones import Zones

logger = logging.getLogger(__name__)


def tick(now: datetime | None = None) -> dict[str, int]:
    """One round: e-mails due again, then the reminders and digests whose time has come today, and once a day the
    notifications past RKT_NOTIFICATION_DAYS removed (and the offline saves' keys past RKT_OFFLINE_KEY_DAYS)."""
    now = now or timezone.now()
    counts = delivery.send_waiting(now=now)
    counts["reminders"] = send_reminders(now)
    counts["digests"] = send_digests(now)
    counts["removed"] = prune(now)
    return counts


def claim(key: str) -> bool:
    """Claim the round ``key`` inside the caller's transaction: False when it was done (or is being done: the insert
    waits for the other transaction, then finds its row). Rolled back with the round if the round fails."""
    try:
        with transaction.atomic():
            Round.objects.create(key=key, done_at=timezone.now())
    except IntegrityError:
        return False
    return True


# One round at a time in this process: a round that outlasts the minute is not joined by the next.
_running = threading.Lock()


def tick_if_due() -> None:
    """Without workers there is no beat: a request starts a round in a thread of the app, at most once a minute
    (across app servers when the cache is shared), never while this process's last round still runs."""
    if settings.RKT_JOBS == "celery" or not cache.add("rkt-notifications-tick", True, timeout=60):
        return

    def run() -> None:
        if not _running.acquire(blocking=False):
            return
        try:
            tick()
        except Exception:  # a round that failed is tried again a minute later
            logger.exception("The notifications' round failed")
        finally:
            _running.release()
            connection.close()

    threading.Thread(target=run, name="notifications-tick", daemon=True).start()


def prune(now: datetime) -> int:
    """Once a day, the notifications older than RKT_NOTIFICATION_DAYS go (read or not): the list and the bell stay
    the size of a year's work. The offline saves' keys past RKT_OFFLINE_KEY_DAYS go in the same round. Returns how
    many notifications went."""
    with transaction.atomic():
        if not claim(f"prune:{timezone.localdate(now).isoformat()}"):
            return 0
        old = Notification.objects.filter(created_at__lt=now - timedelta(days=settings.RKT_NOTIFICATION_DAYS))
        removed, _by_model = old.delete()
        Round.objects.filter(done_at__lt=now - timedelta(days=settings.RKT_NOTIFICATION_DAYS)).delete()
        services.offline_saves_prune(now=now)
    return removed


def reminders_due(today: date) -> list[tuple[int, int, int, date]]:
    """``(year, month, days_before, deadline_day)`` of each reminder due on ``today``: the months over whose
    deadline day is today, or RKT_REMINDER_DAYS_BEFORE days away."""
    due = []
    for days in [*settings.RKT_REMINDER_DAYS_BEFORE, 0]:
        deadline = today + timedelta(days=days)
        year, month = (deadline.year, deadline.month - 1) if deadline.month > 1 else (deadline.year - 1, 12)
        if report_deadline_day(year, month) == deadline and month_is_over(year, month, today):
            due.append((year, month, days, deadline))
    return due


def send_reminders(now: datetime) -> int:
    """Remind each companion whose report is due and not sent, from RKT_REMINDER_HOUR on the reminder's day, both
    in the local time of the plan's kabupaten: each zone has its own round."""
    sent = 0
    for zone in Zones.read().in_use():
        local = timezone.localtime(now, zone)
        if local.hour < settings.RKT_REMINDER_HOUR:
            continue
        for year, month, days, deadline in reminders_due(local.date()):
            with transaction.atomic():
                if claim(f"reminders:{zone.key}:{year}-{month:02d}:{days}"):
                    sent += notify_once(Kind.REPORT_REMINDER, messages(year, month, days, deadline, now, zone), now=now)
    return sent


def messages(year: int, month: int, days: int, deadline: date, now: datetime, zone: ZoneInfo) -> list[tuple]:
    """The reminders of ``month``, ``days`` before its deadline day: one per companion whose report is due and not
    sent, among the plans whose kabupaten keeps the local time ``zone``."""
    return [
        (
            plan.companion.user,
            f"reminder:{plan.pk}:{month}:{days}",
            reverse("pillars:plan-month", args=[plan.pk, month]),
            {"plan": plan.pk, "year": year, "month": month, "days": days, "deadline": deadline.isoformat()},
        )
        for plan in owing_month(year, month, now, zone=zone)
        if plan.companion.user.is_active
    ]


def digest_facts(user, today: date, now: datetime) -> dict:
    """What waits for a coordinator: plans and reports submitted in scope, and reports past their deadline (this
    year's grid, and last year's in January, when December's report falls due)."""
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    late = sum(total.missing for year in years for total in Completeness(user, year, now).totals)
    return {
        "date": today.isoformat(),
        "plans": WorkPlan.objects.visible_to(user).filter(status=WorkPlan.Status.SUBMITTED).count(),
        "reports": MonthlyReport.objects.visible_to(user).filter(status=MonthlyReport.Status.SUBMITTED).count(),
        "late": late,
    }


def send_digests(now: datetime) -> int:
    """One digest a day for each coordinator with something waiting, from RKT_DIGEST_HOUR in the local time of
    the coordinator's scope (the app's own for a national one); none when nothing waits."""
    zones = Zones.read()
    sent = 0
    for zone in zones.in_use():
        local = timezone.localtime(now, zone)
        if local.hour >= settings.RKT_DIGEST_HOUR:
            sent += _send_digests_of(zone, local.date(), now, zones)
    return sent


def _send_digests_of(zone: ZoneInfo, today: date, now: datetime, zones: Zones) -> int:
    """The digests of ``today`` for the coordinators whose scope keeps the local time ``zone``."""
    key = f"digest:{today.isoformat()}"
    with transaction.atomic():
        if not claim(f"digests:{zone.key}:{today.isoformat()}"):
            return 0  # done today (with nothing to say to some: they are not asked again every minute)
        coordinators = (
            Companion.objects.filter(role__in=Companion.COORDINATOR_ROLES, user__is_active=True)
            .active_in(today.year)
            .select_related("user")
        )
        digests = []
        for coordinator in coordinators:
            if zones.of(coordinator.scope_region_id) != zone:
                continue
            facts = digest_facts(coordinator.user, today, now)
            if facts["plans"] or facts["reports"] or facts["late"]:
                digests.append((coordinator.user, key, reverse("home"), facts))
        return notify_once(Kind.DIGEST, digests, now=now)


def is_outdated(notification) -> bool:
    """A reminder whose report was sent since it was recorded (its e-mail waited for a retry): not sent any more."""
    if notification.kind != Kind.REPORT_REMINDER or "plan" not in notification.params:
        return False
    params = notification.params
    return MonthlyReport.objects.filter(ANSWERED, plan_id=params["plan"], month=params["month"]).exists()

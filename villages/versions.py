"""Data versions: the counters that key every cached page and figure, so that no cache is ever stale.

Each write raises the counters of the scopes whose pages it may change (:class:`villages.models.DataVersion`), in
the write's own transaction:

- ``plan:<id>``: the plan and everything in it (activities, entries, evidence, reports, notes, comments, events),
  raised alone (:mod:`pillars.versions`); a scope's pages add up the counters of the plans in it;
- ``area:<kabupaten>``: a plan entering or leaving the kabupaten (its villages, its companion, its deletion);
- ``vdata:<kabupaten>``: the kabupaten's village data (a plan page shows its villages' figures);
- ``all``: what any page may show: regions, pillars, the plan years, the people and their roles.

A page reads the counters first, then its data: whatever it then reads is at least as new as the counters, so
what it caches under them can only be newer, never older, than what they name. A write raises a counter as it
writes (a row lock held to its commit): a page that reads the raised counter sees the write's data with it.

The writes are followed through the models' signals (:func:`track`, set up in each app's ``ready``); the few bulk
writes that send none (the region and village-data loaders) call :func:`bump_areas` or :func:`bump_all`
themselves; a bulk write inside a service's transaction is covered by the tracked write it comes with (one raise
in a transaction covers every write it commits).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models.signals import m2m_changed, post_save, pre_delete

from villages.models import DataVersion, Region

ALL = "all"
AREA_WIDTH = Region.CODE_LENGTH[Region.Level.REGENCY]  # a kabupaten's code: "34.03"
TABLE = DataVersion._meta.db_table


def bump_sql(select: str) -> str:
    """Raise (or start at 1) the counter of every scope ``select`` names, in the scopes' order so that two writes
    that raise the same counters always lock them in the same order (no deadlock)."""
    return (
        f"INSERT INTO {TABLE} (scope, version) SELECT scope, 1 FROM ({select}) raised WHERE scope IS NOT NULL"
        f" ORDER BY scope ON CONFLICT (scope) DO UPDATE SET version = {TABLE}.version + 1"
    )


def bump_scopes(scopes: Iterable[str]) -> None:
    """Raise the named counters (``area:34.03``, ``vdata:34.03``, ``all``)."""
    names = sorted(set(scopes))
    if not names:
        return
    select = " UNION ".join(["SELECT %s AS scope"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(bump_sql(select), names)


def bump_areas(codes: Iterable[str], *, village_data: bool = False) -> None:
    """Raise the counters of the kabupaten of ``codes`` (regions at or below a kabupaten); with
    ``village_data``, their village-data counters too."""
    kabupaten = {code[:AREA_WIDTH] for code in codes if len(code) >= AREA_WIDTH}
    scopes = {f"area:{code}" for code in kabupaten}
    if village_data:
        scopes |= {f"vdata:{code}" for code in kabupaten}
    bump_scopes(scopes)


def bump_all() -> None:
    bump_scopes([ALL])


# --- Reading the counters.


def within_pattern(prefix: str | None) -> str:
    """The LIKE pattern of the region codes within ``prefix`` (every code for None)."""
    return "%" if prefix is None else f"{prefix}%"


def areas_within_sql(prefix: str | None) -> tuple[str, list[str]]:
    """Three columns of a SELECT, and their parameters: the counters of the kabupaten within ``prefix`` (the whole
    country for None; a kecamatan: its kabupaten's), of their village data, and everything's, each summed (a
    counter only ever rises, so a sum rises with any of its counters). The plans' own counters are added by
    :func:`pillars.versions.of_area`."""
    if prefix is None:
        within = "%"
    elif len(prefix) >= AREA_WIDTH:
        within = prefix[:AREA_WIDTH]
    else:
        within = f"{prefix}.%"
    total = f"SELECT COALESCE(SUM(version), 0) FROM {TABLE} WHERE scope"
    return f"({total} LIKE %s), ({total} LIKE %s), ({total} = %s)", [f"area:{within}", f"vdata:{within}", ALL]


def key(*parts: object) -> str:
    """A short, fixed-length key (and ETag) for the parts a cached thing depends on."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


# --- Following the models' writes.

TRACKED: set[str] = set()  # the models (app_label.Model) whose writes raise counters


def track(model, scopes: Callable[[object], None], *, unseen: frozenset[str] = frozenset()) -> None:
    """Raise the counters ``scopes(instance)`` names on every save and delete of ``model`` (before a delete, while
    the rows the scopes are found through still exist). A save of only the ``unseen`` fields, which no page shows,
    raises nothing."""

    TRACKED.add(model._meta.label)

    def saved(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw:
            return  # loading a fixture
        if unseen and update_fields and set(update_fields) <= unseen:
            return
        scopes(instance)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"versions-save-{model._meta.label}")
    pre_delete.connect(saved, sender=model, weak=False, dispatch_uid=f"versions-delete-{model._meta.label}")


def track_links(through, scopes: Callable[[object, str, Iterable | None], None]) -> None:
    """Raise the counters of a many-to-many link's owner and the rows added or removed."""

    def changed(sender, instance, action, pk_set=None, **kwargs):
        if action in ("pre_add", "pre_remove", "pre_clear", "post_add", "post_remove"):
            scopes(instance, action, pk_set)

    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"versions-links-{through._meta.label}")


# What needs no counter: rows no page is drawn from (the offline saves' keys, jobs, notifications' rounds and
# preferences, password resets), the stored tallies (a faster way to the same figures, never a different one),
# the history rows (written with the row they record), and the bell's count (read on every page by itself).
UNTRACKED = {
    "pillars.OfflineSave",
    "pillars.PlanTally",
    "pillars.PlanTallyState",
    "jobs.Job",
    "notifications.Notification",
    "notifications.Round",
    "notifications.Preferences",
    "notifications.PasswordResetRequest",
    "villages.DataVersion",
}


def connect() -> None:
    """Follow the writes of the regions, the people and the village data (called from the villages app's
    ``ready``; the plans app follows its own: :func:`pillars.versions.connect`)."""
    from django.contrib.auth import get_user_model

    from villages.models import Companion, VillageData, VillageOfficial

    track(VillageData, lambda data: bump_areas([data.village_id], village_data=True))
    for model in (Region, Companion, VillageOfficial):
        track(model, lambda row: bump_all())
    # Logging in writes its time alone: no page shows it.
    track(get_user_model(), lambda user: bump_all(), unseen=frozenset({"last_login"}))
    # A companion's villages decide which plans' scopes reach them: as a role change, everything is drawn again.
    track_links(Companion.villages.through, lambda companion, action, codes: bump_all())

"""Build a benchmark database fast: bulk inserts in batches, never one ORM save per row.

Scales (PRODUCT.md sizes):
- ``kabupaten``: the national region list + 150 companions × 20 activities × 12 months of progress in
  Kabupaten Gunungkidul (34.03), one coordinator.
- ``province``: Jawa Tengah (33, 8,563 villages) with yearly data, 3,000 companions × 20 activities × 12 months.
- ``national``: all 83,762 villages with yearly data, 35,000 companions, 35,000 approved plans of 20 activities,
  6 months of progress.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from pillars.models import Activity, MonthlyProgress, MonthlyReport, Pillar, PlanYear, WorkPlan
from villages.models import Companion, Region, VillageData
from villages.regions import existing_codes, import_regions, open_region_file, read_regions

PASSWORD = "bench-pass"
YEAR = 2026


@dataclass(frozen=True)
class Scale:
    name: str
    scope: str  # the coordinator's region; "" means the whole country
    companions: int
    activities: int
    months: int
    data_scope: str  # villages that get yearly data


SCALES = {
    "kabupaten": Scale("kabupaten", "34.03", 150, 20, 12, "34.03"),
    "province": Scale("province", "33", 3000, 20, 12, "33"),
    "national": Scale("national", "", 35000, 20, 6, ""),
}


@dataclass
class World:
    scale: Scale
    coordinator: str
    companion: str
    plan_id: int
    seconds: float


def build(scale: Scale, *, say: Callable[[str], None] = print, batch: int = 500) -> World:
    started = time.monotonic()
    load_regions(say)
    PlanYear.objects.get_or_create(year=YEAR)
    villages = list(
        Region.objects.villages()
        .filter(code__startswith=f"{scale.scope}." if scale.scope else "")
        .values_list("code", flat=True)
    )
    say(f"{len(villages):,} villages in scope {scale.scope or 'national'}")
    village_data(scale, say)
    hashed = make_password(PASSWORD)
    User = get_user_model()
    coordinator_user = User.objects.create(username="bench-koordinator", password=hashed)
    # At national scale the coordinator measured is a kabupaten's (34.03) in a country-wide database.
    Companion.objects.create(
        user=coordinator_user, role=Companion.Role.KOORDINATOR, scope_region_id=scale.scope or "34.03"
    )

    make_wide_viewers(scale, hashed)

    pillars = list(Pillar.objects.order_by("order"))
    rng = random.Random(2026)
    per_companion = max(1, min(4, len(villages) // max(scale.companions, 1)))
    made = 0
    first_plan = None
    for start in range(0, scale.companions, batch):
        count = min(batch, scale.companions - start)
        with transaction.atomic():
            first_plan = _batch(start, count, villages, per_companion, pillars, scale, hashed, rng) or first_plan
        made += count
        if made % 5000 == 0 or made == scale.companions:
            say(f"  {made:,} of {scale.companions:,} companions with plans, activities and progress")
    if connection.vendor == "postgresql":
        # What autovacuum does a minute after a bulk load in production: without statistics the planner
        # guessed 5,923 rows where there were 50 and hashed the whole region table (the review list: 167 ms
        # of SQL instead of 19).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # What the nightly command does on a deployment (README): every plan in force added up, so the pages
        # are measured as they are served, not on the first view of a month.
        say("adding up every plan (manage.py tally_plans)")
        call_command("tally_plans", stdout=io.StringIO())
    return World(
        scale=scale,
        coordinator="bench-koordinator",
        companion="bench-pendamping-0",
        plan_id=first_plan,
        seconds=time.monotonic() - started,
    )


# The viewers of wide scopes: a coordinator of the scale's province (Jawa Tengah in the country, 3,000 plans)
# and the national admin.
WIDE_VIEWERS = {"province coordinator": "bench-provinsi", "national admin": "bench-admin"}


def make_wide_viewers(scale: Scale, hashed: str) -> None:
    """Both wide viewers (again on a database built before they were part of the bench)."""
    User = get_user_model()
    province = scale.scope.split(".")[0] if scale.scope else "33"
    if not User.objects.filter(username=WIDE_VIEWERS["province coordinator"]).exists():
        provincial = User.objects.create(username=WIDE_VIEWERS["province coordinator"], password=hashed)
        Companion.objects.create(user=provincial, role=Companion.Role.KOORDINATOR, scope_region_id=province)
    if not User.objects.filter(username=WIDE_VIEWERS["national admin"]).exists():
        User.objects.create(username=WIDE_VIEWERS["national admin"], password=hashed, is_superuser=True, is_staff=True)


def load_regions(say: Callable[[str], None]) -> None:
    if Region.objects.filter(level=Region.Level.VILLAGE).count() >= 83762:
        return
    with open_region_file(None) as lines:
        rows = read_regions(lines, known_codes=existing_codes)
    import_regions(rows)
    say(f"regions: {Region.objects.count():,}")


def village_data(scale: Scale, say: Callable[[str], None]) -> None:
    codes = Region.objects.villages()
    if scale.data_scope:
        codes = codes.filter(code__startswith=f"{scale.data_scope}.")
    codes = list(codes.exclude(data__year=YEAR).values_list("code", flat=True))
    rows = []
    for code in codes:
        rng = random.Random(code)
        households = rng.randint(400, 3000)
        poor = rng.randint(households // 12, households // 4)
        score = Decimal(rng.uniform(0.45, 0.9)).quantize(Decimal("0.0001"))
        rows.append(
            VillageData(
                village_id=code,
                year=YEAR,
                idm_score=score,
                idm_status=VillageData.status_for_score(score),
                population=households * 3,
                households=households,
                poor_households=poor,
                blt_households=rng.randint(0, poor // 3),
                dana_desa=Decimal(rng.randrange(700, 1600) * 1_000_000),
                bumdes_status=rng.choice(VillageData.BumdesStatus.values),
                is_demo=True,
            )
        )
    VillageData.objects.bulk_create(rows, batch_size=2000)
    say(f"village data: {len(rows):,} rows")


def _batch(start, count, villages, per_companion, pillars, scale, hashed, rng) -> int | None:
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench-pendamping-{i}", password=hashed) for i in range(start, start + count)]
    )
    companions = Companion.objects.bulk_create([Companion(user=u, role=Companion.Role.PLD) for u in users])
    assignments = []
    chosen: dict[int, list[str]] = {}
    for index, companion in enumerate(companions, start=start):
        first = (index * per_companion) % len(villages)
        chosen[companion.pk] = [villages[(first + k) % len(villages)] for k in range(per_companion)]
        assignments += [
            Companion.villages.through(companion_id=companion.pk, region_id=c) for c in chosen[companion.pk]
        ]
    Companion.villages.through.objects.bulk_create(assignments, ignore_conflicts=True)

    now = timezone.now()
    plans = WorkPlan.objects.bulk_create(
        [
            WorkPlan(companion=c, year=YEAR, status=WorkPlan.Status.APPROVED, submitted_at=now, approved_at=now)
            for c in companions
        ]
    )
    WorkPlan.villages.through.objects.bulk_create(
        [WorkPlan.villages.through(workplan_id=p.pk, region_id=c) for p in plans for c in chosen[p.companion_id]],
        ignore_conflicts=True,
    )
    activities = []
    for plan in plans:
        for n in range(scale.activities):
            months = tuple(sorted(rng.sample(range(1, 13), rng.randint(1, 4))))
            activities.append(
                Activity(
                    plan=plan,
                    pillar=pillars[n % len(pillars)],
                    village_id=chosen[plan.companion_id][n % per_companion],
                    title=f"Kegiatan {n + 1}",
                    target_group=Activity.TargetGroup.VILLAGE_GOVERNMENT,
                    indicator="Kegiatan terlaksana",
                    target_quantity=Decimal(len(months)),
                    unit="kegiatan",
                    months=months,
                    poor_priority=n % 5 == 0,
                    position=n,
                )
            )
    activities = Activity.objects.bulk_create(activities, batch_size=2000)
    progress = [
        MonthlyProgress(
            activity=a,
            month=m,
            status=MonthlyProgress.Status.DONE if m in a.months else MonthlyProgress.Status.NOT_STARTED,
            quantity=Decimal(1) if m in a.months else Decimal(0),
            description="Terlaksana sesuai rencana.",
        )
        for a in activities
        for m in range(1, scale.months + 1)
    ]
    MonthlyProgress.objects.bulk_create(progress, batch_size=5000)
    MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(plan=p, month=m, status=MonthlyReport.Status.ACKNOWLEDGED, submitted_at=now, reviewed_at=now)
            for p in plans
            for m in range(1, scale.months)
        ],
        batch_size=5000,
    )
    return plans[0].pk if start == 0 else None

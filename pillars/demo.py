"""Demo data for Kabupaten Gunungkidul (34.03) and Kulon Progo (34.01).

The people, plans and words are in ``demo_data.json``; this module tells their year around the day it is
built. Regions go through the region import, village figures through the village data import, and plans (their
narrative, transitions and a revision's changes) and monthly reports through the workflow services; a draft's
activities and a month's progress entries are written in bulk instead, each with its history row. Each step is
taken by its person on a believable day (:func:`acting`), so the history pages show who did what and when: a plan
drafted in November and approved by its coordinator in December, each month reported in the first days of the
next and acknowledged a few days later. Every step looks before it writes, so running it twice adds nothing.
"""

from __future__ import annotations

import calendar
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from pillars import services
from pillars.models import Activity, MonthlyProgress, Pillar, PlanYear, WorkPlan
from villages.columns import normalise_code
from villages.models import INDEKS_DESA_FROM, Companion, Region, VillageData, VillageOfficial, uses_indeks_desa
from villages.regions import existing_codes, import_regions, open_region_file, read_regions
from villages.village_data import Table, import_village_data, read_table

DEMO_PASSWORD = "rkt-demo"
DEMO_REGIONS = ("34.03", "34.01")
DEMO_VILLAGE_DATA = Path(__file__).resolve().parent.parent / "villages" / "data" / "demo-village-data-3403.csv"
DEMO_DATA = Path(__file__).resolve().with_name("demo_data.json")
# Read with Decimal, so a target of 2.5 hektare stays exactly that.
DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"), parse_float=Decimal)
# Units measured rather than counted: the only ones whose quantities may have decimals.
MEASURED_UNITS = frozenset(DATA["measured_units"])
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Person:
    """One demo account; a companion's ``story`` is their entry in the data file (plan state, reviews)."""

    username: str
    first_name: str
    last_name: str
    role: str
    phone: str
    villages: tuple[str, ...] = ()
    scope: str | None = None
    coordinator: str | None = None
    plan_state: str | None = None  # what the current year's plan ends up as
    story: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_data(cls, row: dict) -> Person:
        return cls(
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            role=row["role"],
            phone=row["phone"],
            villages=tuple(row.get("villages", ())),
            scope=row.get("scope"),
            coordinator=row.get("coordinator"),
            plan_state=row.get("plan"),
            story=row,
        )


DEMO_EMAIL_DOMAIN = "demo.rkt.invalid"
PEOPLE = tuple(Person.from_data(row) for row in (*DATA["coordinators"], *DATA["companions"]))
ACTIVITIES = tuple(DATA["activities"])


@contextmanager
def acting(user, at: datetime) -> Iterator[None]:
    """Every write inside is made by ``user`` at ``at``.

    The services stamp their rows with ``timezone.now()`` (submitted, approved, reviewed, the workflow log,
    ``auto_now`` fields and the history's date) and the history takes its user from the request, as the
    middleware leaves it. Outside a request the demo sets both, so each step of its story is recorded as its
    person taking it on its day, through the services' own code.
    """
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        with mock.patch.object(timezone, "now", lambda: at):
            yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


def shares(target: Decimal, months: int, *, whole: bool) -> list[Decimal]:
    """``target`` spread over ``months`` scheduled months: whole numbers for what is counted (the later months
    take the remainder, so one document over two months is finished in the second), else to the hundredth."""
    if months == 0:
        return []
    if whole:
        base, extra = divmod(int(target), months)
        return [Decimal(base + (1 if index >= months - extra else 0)) for index in range(months)]
    share = (target / months).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (months - 1) + [target - share * (months - 1)]


class DemoBuilder:
    def __init__(self, *, say: Callable[[str], None] = print):
        # Built around now: the year's months are reported up to last month, and nothing is dated later.
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year = self.today.year
        self.say = say
        self.rng = random.Random(3403)

    # ----------------------------------------------------------------------------------------------
    # Days

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def days_ago(self, days: int, hour: int) -> datetime:
        """``hour`` o'clock ``days`` (at least one) days before today."""
        return self.at(self.today - timedelta(days=days), hour, self.rng.randrange(0, 60, 5))

    def before_now(self, moment: datetime) -> datetime | None:
        """``moment`` if it has passed; None if it has not (that step has not happened yet)."""
        return moment if moment < self.now else None

    @transaction.atomic
    def build(self) -> None:
        self.regions()
        self.years()
        self.village_data()
        users = self.accounts()
        for number, person in enumerate(p for p in PEOPLE if p.plan_state):
            self.plan(person, users, number)
        first = next(p for p in PEOPLE if p.story.get("previous_year_plan"))
        self.previous_year_plan(first, users)
        users |= self.officials()
        self.addresses(users)

    def addresses(self, users: dict) -> None:
        """E-mail addresses at a reserved domain, given once the story is told: its notifications stay in the app,
        and what happens from now on is e-mailed (to the console of `make run`)."""
        for username, user in users.items():
            if not user.email:
                user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
                user.save(update_fields=["email"])

    def regions(self) -> None:
        with open_region_file(None) as lines:
            rows = read_regions(lines, only=DEMO_REGIONS, known_codes=existing_codes)
        result = import_regions(rows)
        self.say(f"Regions of {', '.join(DEMO_REGIONS)}: {sum(result.created.values())} added, {len(rows)} in all.")

    def years(self) -> None:
        for year in (self.year - 1, self.year, self.year + 1):
            PlanYear.objects.get_or_create(year=year)

    def village_data(self) -> None:
        """Gunungkidul from the shipped sample file, the rest made up; all through the village data import.

        Rows for villages that already hold real (not demo) figures for the year are left out, so an
        admin's import is never overwritten, and the import itself changes nothing the second time.
        """
        sample = read_table(DEMO_VILLAGE_DATA)
        tables = {
            self.year: _table(sample.headers, sample.rows + self._made_up_rows(sample, "34.01", self.year)),
            self.year - 1: _table(
                sample.headers,
                self._previous_year_rows(sample) + self._made_up_rows(sample, "34.01", self.year - 1),
            ),
        }
        for year, table in tables.items():
            table = _with_indeks_desa(table, year)
            real = set(VillageData.objects.filter(year=year, is_demo=False).values_list("village_id", flat=True))
            table.rows = [row for row in table.rows if normalise_code(row[1][0]) not in real]
            report = import_village_data(table, year=year, is_demo=True)
            if report.errors:
                raise ValueError(f"demo village data for {year}: {report.errors[0]}")
            self.say(
                f"Village data {year}: {report.created} added, {report.updated} updated, {report.unchanged} unchanged"
                " (demo figures, marked as such)."
            )

    def _previous_year_rows(self, sample: Table) -> list[tuple[int, list]]:
        """Last year's figures a little behind this year's, so a village page shows a trend."""
        rows = []
        for number, cells in sample.rows:
            rng = random.Random(f"{cells[0]}-previous")
            record = dict(zip(sample.headers, cells, strict=False))
            score = Decimal(record["Skor IDM"].replace(",", ".")) - Decimal(rng.uniform(0.004, 0.035))
            households = int(record["Jumlah Rumah Tangga"])
            dana_desa = int(record["Pagu Dana Desa (Rp)"]) * rng.uniform(0.92, 1.0)
            poor = min(households, int(int(record["Rumah Tangga Miskin"]) * rng.uniform(1.0, 1.12)))
            record.update(
                {
                    "Skor IDM": str(score.quantize(Decimal("0.0001"))),
                    "Status IDM": "",
                    "Jumlah Penduduk": int(int(record["Jumlah Penduduk"]) * rng.uniform(0.98, 1.0)),
                    "Rumah Tangga Miskin": poor,
                    "KPM BLT Dana Desa": min(poor, int(record["KPM BLT Dana Desa"])),
                    "Pagu Dana Desa (Rp)": int(dana_desa) // 1000 * 1000,
                }
            )
            rows.append((number, [record[header] for header in sample.headers]))
        return rows

    def _made_up_rows(self, sample: Table, prefix: str, year: int) -> list[tuple[int, list]]:
        rows = []
        for number, village in enumerate(
            Region.objects.villages().under(prefix).select_related("parent"), start=len(sample.rows) + 2
        ):
            rng = random.Random(f"{village.code}-{year}")
            households = rng.randint(600, 2400)
            score = Decimal(rng.uniform(0.55, 0.86)).quantize(Decimal("0.0001"))
            poor = rng.randint(households // 12, households // 4)
            bumdes = rng.choice(list(VillageData.BumdesStatus.values))
            values = {
                "Kode Desa": village.code,
                "Kecamatan": village.parent.name,
                "Nama Desa": village.name,
                "Skor IDM": str(score),
                "Status IDM": "",
                "Jumlah Penduduk": households * rng.randint(28, 36) // 10,
                "Jumlah Rumah Tangga": households,
                "Rumah Tangga Miskin": poor,
                "KPM BLT Dana Desa": rng.randint(0, poor // 3),
                "Pagu Dana Desa (Rp)": rng.randrange(800, 1500) * 1_000_000,
                "Status BUMDes": bumdes,
                "BUMDes Berbadan Hukum": "Ya" if bumdes in ("berkembang", "maju") and rng.random() < 0.7 else "Tidak",
                "Masalah Prioritas": "; ".join(rng.sample(DATA["village_problems"], 2)),
            }
            rows.append((number, [values.get(header, "") for header in sample.headers]))
        return rows

    def accounts(self) -> dict[str, object]:
        User = get_user_model()
        # The accounts were opened before the first plan the demo shows (last year's, drafted two Novembers ago).
        joined = self.at(date(self.year - 2, 10, 1), 9)
        users = {}
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "first_name": "Admin",
                "last_name": "Program",
                "date_joined": joined,
            },
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        users["admin"] = admin
        for person in PEOPLE:
            user, created = User.objects.get_or_create(
                username=person.username,
                defaults={"first_name": person.first_name, "last_name": person.last_name, "date_joined": joined},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            companion, _ = Companion.objects.get_or_create(
                user=user,
                defaults={
                    "role": person.role,
                    "scope_region_id": person.scope,
                    "phone": person.phone,
                    "active_from": self.year - 1,
                },
            )
            if person.villages and not companion.villages.exists():
                companion.villages.set(person.villages)
            users[person.username] = user
        self.say(f"Accounts: admin, {', '.join(p.username for p in PEOPLE)} (password {DEMO_PASSWORD}).")
        return users

    def officials(self) -> dict[str, object]:
        """The Kepala Desa of a village with an approved plan and progress, and the Camat of its kecamatan; the Kepala
        Desa has left a note on the last month that is over (once: a second run finds it)."""
        User = get_user_model()
        users = {}
        for row in DATA["officials"]:
            user, created = User.objects.get_or_create(
                username=row["username"],
                defaults={
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "date_joined": self.at(date(self.year - 1, 1, 5), 9),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            VillageOfficial.objects.get_or_create(
                user=user, defaults={"kind": row["kind"], "region_id": row["region"], "phone": row["phone"]}
            )
            users[row["username"]] = user
            if row.get("note_on"):
                self.official_note(user, row)
        self.say(f"Village officials: {', '.join(users)} (password {DEMO_PASSWORD}).")
        return users

    def official_note(self, user, row: dict) -> None:
        plan = WorkPlan.objects.filter(companion__user__username=row["note_on"], year=self.year).first()
        month = self.today.month - 1  # the last month that is over (none in January)
        if plan is None or not plan.is_in_force or month < 1 or plan.month_notes.filter(author=user).exists():
            return
        with acting(user, self.at(date(self.year, month, 25), 11)):
            services.month_note_add(plan=plan, month=month, text=row["note"], by=user)

    # ----------------------------------------------------------------------------------------------
    # Plans

    def plan(self, person: Person, users: dict, number: int) -> None:
        """This year's plan, drafted last November, then taken as far as ``person.plan_state`` says."""
        user, coordinator, story = users[person.username], users[person.coordinator], person.story
        if WorkPlan.objects.filter(companion=user.companion, year=self.year).exists():
            return
        # Each companion drafts on a day of their own, two days apart, and submits at the start of December.
        started = self.at(date(self.year - 1, 11, 10 + 2 * number), 9)
        plan = self.draft(user, self.year, started, left_out=set(story.get("left_out_pillars", ())))
        state = person.plan_state
        if state == "draft":
            return
        if state == "submitted":
            with acting(user, self.days_ago(story["submitted_days_ago"], 10)):
                services.plan_submit(plan=plan, by=user)
            return
        if state == "returned":
            with acting(user, self.days_ago(story["submitted_days_ago"], 10)):
                services.plan_submit(plan=plan, by=user)
            review = story["return"]
            first = plan.activities.filter(title=review["activity_title"]).order_by("pk").first()
            with acting(coordinator, self.days_ago(story["returned_days_ago"], 14)):
                services.plan_return(
                    plan=plan,
                    by=coordinator,
                    comment=review["comment"],
                    activity_comments={first.pk: review["activity_comment"]},
                )
            return
        submitted = self.at(date(self.year - 1, 12, 1 + number), 10)
        plan = self.submit_and_approve(plan, user, coordinator, submitted)
        self.months(plan, user, coordinator, story)
        if state == "revised":
            self.revision(plan, user, coordinator, story["revision"])

    def draft(self, user, year: int, started: datetime, *, left_out: set[str]) -> WorkPlan:
        """A draft with its narrative, and the activities written the next day."""
        companion = user.companion
        with acting(user, started):
            plan = services.plan_create(companion=companion, year=year, by=user)
        with acting(user, started + timedelta(hours=2)):
            plan = services.plan_update_narrative(plan=plan, by=user, **DATA["plan_text"])
        villages = tuple(companion.villages.order_by("code").values_list("code", flat=True))
        written = started + ONE_DAY + timedelta(hours=5)
        with acting(user, written):
            bulk_create_with_history(
                self.activities(plan, villages, left_out=left_out), Activity, default_user=user, default_date=written
            )
        return plan

    def submit_and_approve(self, plan: WorkPlan, user, coordinator, submitted: datetime) -> WorkPlan:
        with acting(user, submitted):
            services.plan_submit(plan=plan, by=user)
        # Reviewed within the week, still in December: the plan is in force before the year starts.
        with acting(coordinator, submitted + timedelta(days=5, hours=4)):
            return services.plan_approve(plan=plan, by=coordinator, comment=DATA["approval_comment"])

    def activities(self, plan: WorkPlan, villages: tuple[str, ...], *, left_out: set[str]) -> list[Activity]:
        """The plan's activities from the data file; one for each village where the activity is per village."""
        pillars = {p.code: p for p in Pillar.objects.all()}
        rows = []
        for position, spec in enumerate(ACTIVITIES):
            if spec["pillar"] in left_out or spec["pillar"] not in pillars:
                continue
            for village in villages if spec["per_village"] else (None,):
                activity = self.activity(spec, plan=plan, pillar=pillars[spec["pillar"]], village_id=village)
                activity.position = position
                rows.append(activity)
        return rows

    def activity(self, spec: dict, **fields) -> Activity:
        return Activity(
            title=spec["title"],
            objective=spec.get("objective") or f"Mendukung desa dalam: {spec['title'].lower()}.",
            target_group=spec["target_group"],
            sdg_goal=spec["sdg_goal"],
            indicator=spec["indicator"],
            target_quantity=Decimal(spec["target_quantity"]),
            unit=spec["unit"],
            months=tuple(spec["months"]),
            budget=None if spec["budget"] is None else Decimal(spec["budget"]),
            budget_source=spec["budget_source"],
            partners=spec["partners"],
            poor_priority=spec["poor_priority"],
            **fields,
        )

    def revision(self, plan: WorkPlan, user, coordinator, story: dict) -> None:
        """Approved and reported, then reopened for a new programme, changed and submitted again: the review
        shows what changed while the approved version stays in force."""
        with acting(coordinator, self.days_ago(story["reopened_days_ago"], 10)):
            plan = services.plan_reopen(plan=plan, by=coordinator, reason=story["reason"])
        with acting(user, self.days_ago(story["changed_days_ago"], 13)):
            activities = list(plan.written_activities().order_by("pk"))
            changed = next(a for a in activities if a.title == story["changed_activity"])
            changed.target_quantity += story["changed_target_add"]
            changed.months = tuple(sorted({*changed.months, story["changed_month_added"]}))
            services.activity_save(activity=changed, by=user)
            # One activity not started yet gives way to the new programme, if one is left this late in the year.
            reported = set(MonthlyProgress.objects.filter(activity__plan=plan).values_list("activity_id", flat=True))
            removable = next((a for a in reversed(activities) if a.approved_id not in reported), None)
            if removable is not None:
                services.activity_delete(activity=removable, by=user)
            spec = story["new_activity"]
            months = sorted({self.today.month + ahead for ahead in spec["months_ahead"]} & set(range(1, 13)))
            new = self.activity({**spec, "months": months}, plan=plan, pillar=Pillar.objects.get(code=spec["pillar"]))
            services.activity_save(activity=new, by=user)
        with acting(user, self.days_ago(story["submitted_days_ago"], 9)):
            services.plan_submit(plan=plan, by=user)

    def previous_year_plan(self, person: Person, users: dict) -> None:
        """Last year's approved plan, reported through December, so "start next year's plan from this one" has
        something to copy."""
        user, coordinator = users[person.username], users[person.coordinator]
        if WorkPlan.objects.filter(companion=user.companion, year=self.year - 1).exists():
            return
        plan = self.draft(user, self.year - 1, self.at(date(self.year - 2, 11, 12), 9), left_out=set())
        plan = self.submit_and_approve(plan, user, coordinator, self.at(date(self.year - 2, 12, 3), 10))
        self.months(plan, user, coordinator, {})

    # ----------------------------------------------------------------------------------------------
    # Months and their reports

    def months(self, plan: WorkPlan, user, coordinator, story: dict) -> None:
        """Every month before the current one: its progress entries written, then its report sent in the first
        days of the next month and acknowledged a few days later. This year's latest report still waits, one is
        returned and one month is never sent where the companion's story says so."""
        this_year = plan.year == self.year
        last_month = self.today.month - 1 if this_year else 12
        missing = returned = None
        if this_year and "missing_report" in story:
            missing = self.today.month - story["missing_report"]["months_ago"]
        if this_year and "returned_report" in story:
            returned = self.today.month - story["returned_report"]["months_ago"]
        days = story.get("report_days", DATA["report_days"])
        activities = list(plan.activities_in_force().order_by("pk"))
        schedules = {a.pk: self.schedule(a) for a in activities}
        carried = dict.fromkeys(schedules, Decimal("0"))
        for month in range(1, last_month + 1):
            sent = self.sent_at(plan.year, month, self.rng.choice(days))
            if month == missing or sent is None:
                continue
            counts = self.entries(month, activities, schedules, carried, user, sent)
            with acting(user, sent):
                report = services.report_submit(plan=plan, month=month, by=user, **self.report_text(month, counts))
            if month == returned:
                back = self.before_now(self.at(timezone.localdate(sent) + timedelta(days=2), 10, 30))
                if back:
                    with acting(coordinator, back):
                        services.report_return(report=report, by=coordinator, note=story["returned_report"]["note"])
                continue
            if this_year and month == last_month:
                continue  # the latest report waits for the coordinator
            # Read in office hours one to three days later.
            read = self.at(timezone.localdate(sent) + timedelta(days=self.rng.randint(1, 3)), self.rng.randint(9, 15))
            read = self.before_now(read)
            if read:
                with acting(coordinator, read):
                    services.report_acknowledge(report=report, by=coordinator)

    def sent_at(self, year: int, month: int, day: int) -> datetime | None:
        """When the report of ``month`` goes: on ``day`` of the next month (past the deadline day, it is late),
        or earlier today if that day has not come yet; None in the first minutes of the month after."""
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = min(day, calendar.monthrange(next_year, next_month)[1])
        sent = self.at(date(next_year, next_month, day), self.rng.randint(8, 16), self.rng.randrange(0, 60, 5))
        if sent < self.now:
            return sent
        opened = self.at(date(next_year, next_month, 1), 0)
        if self.now - opened < timedelta(hours=1):
            return None
        return opened + (self.now - opened) * self.rng.uniform(0.4, 0.95)

    def schedule(self, activity: Activity) -> dict[int, Decimal]:
        """What each scheduled month should add to the activity's achievement."""
        whole = activity.unit not in MEASURED_UNITS
        months = sorted(activity.months)
        return dict(zip(months, shares(activity.target_quantity, len(months), whole=whole), strict=True))

    def entries(
        self,
        month: int,
        activities: list[Activity],
        schedules: dict[int, dict[int, Decimal]],
        carried: dict[int, Decimal],
        user,
        sent: datetime,
    ) -> dict[str, int]:
        """The month's progress entries, written the afternoon before the report goes; a month postponed or only
        partly done carries what is left to the activity's next month. Returns how many ended in each status."""
        Status = MonthlyProgress.Status
        texts = DATA["progress"]
        done_text = {spec["title"]: spec["done"] for spec in ACTIVITIES}
        rows, counts = [], {"scheduled": 0, Status.DONE: 0, Status.ONGOING: 0, Status.POSTPONED: 0}
        for activity in activities:
            if month not in schedules[activity.pk]:
                continue
            whole = activity.unit not in MEASURED_UNITS
            owed = carried[activity.pk] + schedules[activity.pk][month]
            last = month == max(activity.months)
            roll = self.rng.random()
            if roll < 0.1 and not last:
                status, quantity = Status.POSTPONED, Decimal("0")
            elif owed == 0 or (roll < 0.3 and not last):
                status = Status.ONGOING
                half = owed / 2
                quantity = half.to_integral_value(ROUND_DOWN) if whole else half.quantize(Decimal("0.01"))
            else:
                status, quantity = Status.DONE, owed
            carried[activity.pk] = owed - quantity
            counts["scheduled"] += 1
            counts[status] += 1
            words = texts.get(status, {})
            rows.append(
                MonthlyProgress(
                    activity=activity,
                    month=month,
                    status=status,
                    quantity=quantity,
                    description=words.get("description", done_text.get(activity.title, "")).format(
                        title=activity.title
                    ),
                    problems=words.get("problems", ""),
                    follow_up=words.get("follow_up", ""),
                    updated_by=user,
                )
            )
        written = self.at(timezone.localdate(sent) - ONE_DAY, self.rng.randint(15, 19), self.rng.randrange(0, 60, 5))
        with acting(user, written):
            bulk_create_with_history(rows, MonthlyProgress, default_user=user, default_date=written)
        return counts

    def report_text(self, month: int, counts: dict[str, int]) -> dict[str, str]:
        Status = MonthlyProgress.Status
        words = DATA["report"]
        summary = words["summary"].format(
            month=DATA["month_names"][month - 1],
            scheduled=counts["scheduled"],
            done=counts[Status.DONE],
            ongoing=counts[Status.ONGOING],
            postponed=counts[Status.POSTPONED],
        )
        # December's plan for the next month belongs to next year's plan.
        return {"summary": summary, "next_month_plan": words["next_month_plan"] if month < 12 else ""}


# The Indeks Desa columns as a Kemendesa file heads them: total, status, then the six dimensions.
INDEKS_DESA_HEADERS = [
    "Nilai Indeks Desa",
    "Status Indeks Desa",
    "Layanan Dasar",
    "Sosial",
    "Ekonomi",
    "Lingkungan",
    "Aksesibilitas",
    "Tata Kelola Pemerintahan Desa",
]
# Made-up bands for made-up totals, so that a demo village's status reads plausibly beside its score. The app
# itself never derives an Indeks Desa status: it is imported as published.
DEMO_INDEKS_DESA_BANDS = (
    (Decimal("45"), "Sangat Tertinggal"),
    (Decimal("55"), "Tertinggal"),
    (Decimal("65"), "Berkembang"),
    (Decimal("75"), "Maju"),
)


def _with_indeks_desa(table: Table, year: int) -> Table:
    """``table`` with made-up Indeks Desa columns when ``year`` is measured by it: each village keeps its strong and
    weak dimensions from year to year and rises a little."""
    if not uses_indeks_desa(year):
        return table
    rows = []
    for number, cells in table.rows:
        rng = random.Random(f"{normalise_code(cells[0])}-indeks-desa")
        level = rng.uniform(48, 80)
        rise = Decimal(year - INDEKS_DESA_FROM) * Decimal(rng.uniform(0.4, 2.2))
        dimensions = [
            min(Decimal(100), max(Decimal(0), Decimal(level + rng.uniform(-16, 12)) + rise)).quantize(Decimal("0.01"))
            for _ in range(6)
        ]
        total = (sum(dimensions) / 6).quantize(Decimal("0.01"))
        status = next((name for upper, name in DEMO_INDEKS_DESA_BANDS if total < upper), "Mandiri")
        shown = [str(number).replace(".", ",") for number in (total, *dimensions)]
        rows.append((number, [*cells, shown[0], status, *shown[1:]]))
    return _table([*table.headers, *INDEKS_DESA_HEADERS], rows)


def _table(headers: list[str], rows: list[tuple[int, list]]) -> Table:
    return Table(header_row=1, headers=headers, rows=rows)

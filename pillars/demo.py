"""Demo data for Kabupaten Gunungkidul (34.03) and Kulon Progo (34.01).

Everything is built through the same paths as real use: regions through the region import, plans
through the workflow services. Every step looks before it writes, so running it twice adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pillars import progress, services
from pillars.models import Activity, MonthlyProgress, MonthlyReport, Pillar, PlanYear, WorkPlan
from villages.columns import normalise_code
from villages.models import Companion, Region, VillageData
from villages.regions import existing_codes, import_regions, open_region_file, read_regions
from villages.village_data import Table, import_village_data, read_table

DEMO_PASSWORD = "rkt-demo"
DEMO_REGIONS = ("34.03", "34.01")
DEMO_VILLAGE_DATA = Path(__file__).resolve().parent.parent / "villages" / "data" / "demo-village-data-3403.csv"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    villages: tuple[str, ...] = ()
    scope: str | None = None
    plan_state: str | None = None  # what the current year's plan should end up as


PEOPLE = (
    Person("koordinator", "Sri", "Wahyuni", Companion.Role.KOORDINATOR, scope="34.03"),
    Person("koordinator2", "Bambang", "Susilo", Companion.Role.KOORDINATOR, scope="34.01"),
    Person(
        "pendamping1",
        "Rina",
        "Lestari",
        Companion.Role.PLD,
        villages=("34.03.01.2003", "34.03.01.2004", "34.03.01.2009"),
        plan_state="approved",
    ),
    Person(
        "pendamping2",
        "Agus",
        "Santoso",
        Companion.Role.PLD,
        villages=("34.03.02.2001", "34.03.02.2004"),
        plan_state="submitted",
    ),
    Person(
        "pendamping3",
        "Dewi",
        "Kartika",
        Companion.Role.PD,
        villages=("34.03.03.2001", "34.03.03.2003", "34.03.03.2008", "34.03.03.2013"),
        plan_state="returned",
    ),
    Person(
        "pendamping4",
        "Yusuf",
        "Hidayat",
        Companion.Role.PLD,
        villages=("34.03.04.2006", "34.03.04.2008", "34.03.04.2009"),
        plan_state="draft",
    ),
    Person(
        "pendamping5",
        "Siti",
        "Aminah",
        Companion.Role.PLD,
        villages=("34.03.01.2012", "34.03.01.2014"),
        plan_state="approved",
    ),
    Person(
        "pendamping6",
        "Eko",
        "Prasetyo",
        Companion.Role.PLD,
        villages=("34.03.03.2004", "34.03.03.2005", "34.03.03.2006", "34.03.03.2007"),
        plan_state="revised",  # approved, reopened, changed and submitted again
    ),
    Person(
        "pendamping7",
        "Nur",
        "Hasanah",
        Companion.Role.PLD,
        villages=("34.01.01.2004", "34.01.02.2001", "34.01.02.2005"),
        plan_state="approved",
    ),
)

# (pillar code, title, target group, SDG goal, indicator, quantity, unit, months, poor-group priority, needs a village)
ACTIVITIES = (
    (
        "ASI",
        "Pendampingan penyusunan RKP Desa berbasis data SDGs Desa",
        "village_government",
        17,
        "Dokumen RKP Desa",
        1,
        "dokumen",
        (1, 2),
        False,
        True,
    ),
    (
        "ASI",
        "Verifikasi dan pemutakhiran data penerima BLT Dana Desa",
        "poor",
        1,
        "Data KPM terverifikasi",
        1,
        "data",
        (1, 4, 7, 10),
        True,
        True,
    ),
    (
        "ASI",
        "Fasilitasi posyandu dan pencegahan stunting",
        "women",
        3,
        "Kegiatan posyandu terfasilitasi",
        6,
        "kegiatan",
        (2, 4, 6, 8, 10, 12),
        True,
        False,
    ),
    (
        "ORG",
        "Revitalisasi BUMDes dan pengurusan badan hukum",
        "bumdes",
        8,
        "BUMDes berbadan hukum",
        1,
        "BUMDes",
        (3, 4, 5, 6),
        False,
        True,
    ),
    (
        "ORG",
        "Pembentukan dan penguatan kelompok usaha perempuan",
        "women",
        5,
        "Kelompok usaha aktif",
        2,
        "kelompok",
        (5, 6, 7),
        True,
        True,
    ),
    (
        "ORG",
        "Penguatan kader pemberdayaan masyarakat desa (KPMD)",
        "cadres",
        17,
        "Kader terlatih",
        10,
        "orang",
        (3, 9),
        False,
        False,
    ),
    (
        "ARH",
        "Rapat koordinasi bulanan dengan pemerintah desa",
        "village_government",
        16,
        "Rakor terlaksana",
        12,
        "rapat",
        tuple(range(1, 13)),
        False,
        False,
    ),
    (
        "ARH",
        "Fasilitasi musyawarah desa prioritas penggunaan Dana Desa",
        "community",
        16,
        "Musdes terlaksana",
        1,
        "kegiatan",
        (8, 9),
        False,
        True,
    ),
    (
        "KAP",
        "Pelatihan akuntabilitas dan pelaporan Dana Desa",
        "village_government",
        16,
        "Perangkat desa terlatih",
        15,
        "orang",
        (3, 4, 5),
        False,
        False,
    ),
    (
        "KAP",
        "Bimbingan teknis Siskeudes bagi operator desa",
        "village_government",
        17,
        "Operator mampu mengoperasikan Siskeudes",
        3,
        "orang",
        (6,),
        False,
        True,
    ),
    (
        "KAP",
        "Peningkatan kapasitas BPD dalam pengawasan",
        "bpd",
        16,
        "Anggota BPD terlatih",
        9,
        "orang",
        (10, 11),
        False,
        False,
    ),
)

PROBLEMS = (
    "Akses air bersih pada musim kemarau",
    "Angka stunting masih tinggi",
    "BUMDes belum aktif dan belum berbadan hukum",
    "Jalan usaha tani rusak",
    "Data penerima BLT belum mutakhir",
    "Kapasitas perangkat desa dalam pelaporan keuangan",
)


class DemoBuilder:
    def __init__(self, *, say: Callable[[str], None] = print):
        # Built around today, as every service it calls sees it: the plans' months are reported up to last month.
        self.today = timezone.localdate()
        self.year = self.today.year
        self.say = say
        self.rng = random.Random(3403)

    @transaction.atomic
    def build(self) -> None:
        self.regions()
        self.years()
        self.village_data()
        users = self.accounts()
        for person in PEOPLE:
            if person.plan_state:
                self.plan(person, users)
        self.previous_year_plan(users["pendamping1"], users["koordinator"])

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
                "Masalah Prioritas": "; ".join(rng.sample(PROBLEMS, 2)),
            }
            rows.append((number, [values.get(header, "") for header in sample.headers]))
        return rows

    def accounts(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin", "last_name": "Program"},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        users["admin"] = admin
        for person in PEOPLE:
            user, created = User.objects.get_or_create(
                username=person.username, defaults={"first_name": person.first_name, "last_name": person.last_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            companion, _ = Companion.objects.get_or_create(
                user=user,
                defaults={
                    "role": person.role,
                    "scope_region_id": person.scope,
                    "phone": f"0812 {self.rng.randint(1000, 9999)} {self.rng.randint(1000, 9999)}",
                    "active_from": self.year - 1,
                },
            )
            if person.villages and not companion.villages.exists():
                companion.villages.set(person.villages)
            users[person.username] = user
        self.say(f"Accounts: admin, {', '.join(p.username for p in PEOPLE)} (password {DEMO_PASSWORD}).")
        return users

    def plan(self, person: Person, users: dict) -> None:
        user = users[person.username]
        companion = user.companion
        if WorkPlan.objects.filter(companion=companion, year=self.year).exists():
            return
        coordinator = users["koordinator2" if person.villages[0].startswith("34.01") else "koordinator"]
        plan = services.plan_create(companion=companion, year=self.year, by=user)
        plan.priorities = (
            "Prioritas tahun ini: penanganan kemiskinan ekstrem dan stunting, penguatan BUMDes, "
            "serta akuntabilitas pengelolaan Dana Desa."
        )
        plan.data_basis = "Data SDGs Desa, IDM, dan daftar penerima BLT Dana Desa tahun berjalan."
        plan.save(update_fields=["priorities", "data_basis"])
        # A draft leaves a pillar empty so the plan-quality checks have something to say.
        skip = {"KAP"} if person.plan_state == "draft" else set()
        self.activities(plan, person.villages, skip=skip)
        if person.plan_state == "draft":
            return
        services.plan_submit(plan=plan, by=user)
        # Different waiting times, so the review queue's "oldest first" shows.
        WorkPlan.objects.filter(pk=plan.pk).update(
            submitted_at=timezone.now() - timedelta(days=self.rng.randint(2, 20))
        )
        if person.plan_state == "revised":
            self.revision(plan, user, coordinator)
            return
        if person.plan_state == "submitted":
            return
        if person.plan_state == "returned":
            first = plan.activities.order_by("pk").first()
            services.plan_return(
                plan=plan,
                by=coordinator,
                comment="Mohon lengkapi kegiatan untuk rumah tangga miskin dan perjelas target tiap desa.",
                activity_comments={first.pk: "Target terlalu umum; sebutkan jumlah dokumen per desa."},
            )
            return
        services.plan_approve(plan=plan, by=coordinator, comment="Rencana sudah sesuai data desa.")
        self.progress(plan, user, coordinator)

    def revision(self, plan: WorkPlan, user, coordinator) -> None:
        """Approved, reopened for a new programme, changed and submitted again: the review shows what changed."""
        plan = services.plan_approve(plan=plan, by=coordinator, comment="Rencana sudah sesuai data desa.")
        # The approved version was reported month by month before the kabupaten asked for a change.
        self.progress(plan, user, coordinator)
        plan = services.plan_reopen(
            plan=plan, by=coordinator, reason="Kabupaten menambah program air bersih; mohon sesuaikan rencana."
        )
        activities = list(plan.written_activities().order_by("pk"))
        changed = activities[0]
        changed.target_quantity += 1
        changed.months = tuple(sorted({*changed.months, 12}))
        services.activity_save(activity=changed, by=user)
        reported = set(MonthlyProgress.objects.filter(activity__plan=plan).values_list("activity_id", flat=True))
        removable = next((a for a in reversed(activities) if a.approved_id not in reported), None)
        if removable is not None:
            services.activity_delete(activity=removable, by=user)
        services.activity_save(
            activity=Activity(
                plan=plan,
                pillar=Pillar.objects.get(code="ASI"),
                title="Fasilitasi pembangunan sarana air bersih",
                target_group=Activity.TargetGroup.COMMUNITY,
                sdg_goal=6,
                indicator="Sarana air bersih terbangun",
                target_quantity=Decimal("1"),
                unit="unit",
                months=(7, 8, 9),
            ),
            by=user,
        )
        services.plan_submit(plan=plan, by=user)
        WorkPlan.objects.filter(pk=plan.pk).update(submitted_at=timezone.now() - timedelta(days=1))

    def previous_year_plan(self, user, coordinator) -> None:
        """Last year's approved plan, so "start next year's plan from this one" has something to copy."""
        companion = user.companion
        if WorkPlan.objects.filter(companion=companion, year=self.year - 1).exists():
            return
        plan = services.plan_create(companion=companion, year=self.year - 1, by=user)
        self.activities(plan, tuple(companion.villages.values_list("code", flat=True)), skip=set())
        services.plan_submit(plan=plan, by=user)
        services.plan_approve(plan=plan, by=coordinator)
        self.progress(plan, user, coordinator)

    def activities(self, plan: WorkPlan, villages: tuple[str, ...], *, skip: set[str]) -> None:
        pillars = {p.code: p for p in Pillar.objects.all()}
        rows = []
        for position, (code, title, group, sdg, indicator, qty, unit, months, poor, per_village) in enumerate(
            ACTIVITIES
        ):
            if code in skip or code not in pillars:
                continue
            targets = villages if per_village else (None,)
            for village in targets:
                rows.append(
                    Activity(
                        plan=plan,
                        pillar=pillars[code],
                        village_id=village,
                        title=title,
                        objective=f"Mendukung desa dalam: {title.lower()}.",
                        target_group=group,
                        sdg_goal=sdg,
                        indicator=indicator,
                        target_quantity=Decimal(qty),
                        unit=unit,
                        months=months,
                        budget=Decimal(self.rng.randrange(2, 40) * 500_000) if self.rng.random() < 0.6 else None,
                        budget_source="Dana Desa" if self.rng.random() < 0.7 else "APBD Kabupaten",
                        partners=self.rng.choice(
                            ["Dinas PMD", "Puskesmas", "Dinas Koperasi dan UKM", "Bank BPD DIY", ""]
                        ),
                        poor_priority=poor,
                        position=position,
                    )
                )
        Activity.objects.bulk_create(rows)

    def progress(self, plan: WorkPlan, user, coordinator) -> None:
        """Progress for every scheduled month before the current one, and its monthly reports."""
        last_month = self.today.month - 1 if plan.year == self.year else 12
        rows = []
        for activity in plan.activities.all():
            scheduled = [m for m in activity.months if m <= last_month]
            per_month = (activity.target_quantity / max(len(activity.months), 1)).quantize(Decimal("0.01"))
            for month in scheduled:
                status = self.rng.choices(
                    [MonthlyProgress.Status.DONE, MonthlyProgress.Status.ONGOING, MonthlyProgress.Status.POSTPONED],
                    weights=[6, 3, 1],
                )[0]
                quantity = per_month if status == MonthlyProgress.Status.DONE else Decimal("0")
                rows.append(
                    MonthlyProgress(
                        activity=activity,
                        month=month,
                        status=status,
                        quantity=quantity,
                        description=f"{activity.title} dilaksanakan bersama pemerintah desa.",
                        problems=""
                        if status == MonthlyProgress.Status.DONE
                        else "Jadwal desa bentrok dengan kegiatan lain.",
                        follow_up=""
                        if status == MonthlyProgress.Status.DONE
                        else "Dijadwalkan ulang bulan berikutnya.",
                        updated_by=user,
                    )
                )
        MonthlyProgress.objects.bulk_create(rows)
        self.monthly_reports(plan, user, coordinator, last_month)

    def monthly_reports(self, plan: WorkPlan, user, coordinator, last_month: int) -> None:
        """Reports for the months before the current one: most acknowledged, some late, the latest
        waiting; pendamping1 has one returned month and pendamping5 one missing month."""
        name = user.get_username()
        missing = last_month - 2 if name == "pendamping5" and plan.year == self.year else None
        returned = last_month - 1 if name == "pendamping1" and plan.year == self.year else None
        now = timezone.now()
        for month in range(1, last_month + 1):
            if month == missing:
                continue
            report = progress.report_submit(plan=plan, month=month, by=user)
            next_year, next_month = (plan.year + 1, 1) if month == 12 else (plan.year, month + 1)
            # Mostly by the 5th of the next month; a 8th or a 12th makes some of them late.
            day = self.rng.choice([1, 2, 3, 3, 4, 5, 5, 8, 12])
            at = min(timezone.make_aware(datetime(next_year, next_month, day, 9)), now - timedelta(hours=1))
            MonthlyReport.objects.filter(pk=report.pk).update(submitted_at=at)
            if month == returned:
                progress.report_return(
                    report=report, by=coordinator, note="Mohon lampirkan foto kegiatan dan daftar hadir rakor."
                )
            elif month < last_month or plan.year < self.year:
                progress.report_acknowledge(report=report, by=coordinator)
            # The log and the review carry believable dates, not the moment the demo was built.
            report.events.filter(to_status="submitted").update(created_at=at)
            reviewed = min(at + timedelta(days=2), now)
            report.events.exclude(to_status="submitted").update(created_at=reviewed)
            MonthlyReport.objects.filter(pk=report.pk, reviewed_at__isnull=False).update(reviewed_at=reviewed)


def _table(headers: list[str], rows: list[tuple[int, list]]) -> Table:
    return Table(header_row=1, headers=headers, rows=rows)

"""`make bench-rush`: the month's deadline evening, when every companion sends the month's entries with a photo at
once, on two app servers over one PostgreSQL database, Redis and shared storage (scripts/cluster.py).

    python bench/rush.py [--companions 40] [--activities 4] [--rounds 2] [--servers 2] [--workers 2]
                         [--floor-companions 3]

The cluster's clock reads 5 June 2026 19:00, May's deadline day. Each companion has an approved plan of 2026 with
``--activities`` activities scheduled in May; in a thread of its own it logs in through the login form on server
``i mod servers`` (all companions at once: the logins are a line of their own), reads its month page, then saves
each activity ``--rounds`` times, every save with the same real JPEG of about 300 KB (Pillow) and carrying the
entry's version, each save sent to the next server in turn as a load balancer would.

The floor, measured in the same run on the same servers: the same saves, made one after another by one client on
one server, for ``--floor-companions`` other companions. "× floor" divides the rush's median by the floor's.

Afterwards every save answered 2xx/3xx is looked up in the database: the entry holds the last text and quantity
sent, its version moved once per accepted save, it has one evidence row per photo accepted, each file is in the
storage; and nothing else appeared (no entry, no evidence for a save that was not accepted). Writes
bench/results/rush-postgresql.json and .md (bench/markdown.py).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.cluster import Cluster, ClusterError, Visitor, page_forms  # noqa: E402

CLOCK = "2026-06-05 19:00"  # May's deadline day (RKT_REPORT_DEADLINE_DAY 5), in the evening
YEAR, MONTH = 2026, 5
PASSWORD = "rush-pass"
PHOTO_BYTES = 300 * 1024
HTMX = {"HX-Request": "true"}


# --- the world, built in the cluster's database (called there by Cluster.call)


def build_world(*, companions: int, floor_companions: int, activities: int) -> dict:
    """Gunungkidul's regions, an open 2026, and companions each with one village and an approved plan whose
    activities are all scheduled in May; every account with the same password (hashed once)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from pillars.models import Activity, Pillar, PlanYear, WorkPlan
    from villages.models import Companion, Region

    call_command("import_regions", only="34.03", stdout=io.StringIO())
    PlanYear.objects.get_or_create(year=YEAR, defaults={"is_open": True})
    villages = list(Region.objects.villages().filter(code__startswith="34.03.").values_list("code", flat=True))
    pillars = list(Pillar.objects.order_by("order"))
    hashed, now = make_password(PASSWORD), timezone.now()
    people = {}
    names = [f"rush-pendamping-{i}" for i in range(companions)] + [f"rush-floor-{i}" for i in range(floor_companions)]
    for index, username in enumerate(names):
        user = get_user_model().objects.create(username=username, password=hashed)
        companion = Companion.objects.create(user=user, role=Companion.Role.PLD)
        village = villages[index % len(villages)]
        companion.villages.set([village])
        plan = WorkPlan.objects.create(
            companion=companion, year=YEAR, status=WorkPlan.Status.APPROVED, submitted_at=now, approved_at=now
        )
        plan.villages.set([village])
        made = Activity.objects.bulk_create(
            Activity(
                plan=plan,
                pillar=pillars[n % len(pillars)],
                village_id=village,
                title=f"Kegiatan {n + 1}",
                target_group=Activity.TargetGroup.VILLAGE_GOVERNMENT,
                target_quantity=Decimal(4),
                unit="kegiatan",
                months=(2, 5, 8, 11),
                position=n,
            )
            for n in range(activities)
        )
        people[username] = {"plan": plan.pk, "activities": [activity.pk for activity in made]}
    return {"password": PASSWORD, "people": people}


# --- the saves


def photo() -> bytes:
    """A real JPEG of about 300 KB: 1600 × 1200 (what the month page's script sends), gradients under noise."""
    from PIL import Image, ImageFilter

    sigma = 10.0
    while True:
        noise = Image.effect_noise((1600, 1200), sigma)
        across = Image.linear_gradient("L").resize((1600, 1200))
        down = Image.linear_gradient("L").rotate(90).resize((1600, 1200))
        picture = Image.merge(
            "RGB",
            (Image.blend(across, noise, 0.5), Image.blend(down, noise, 0.5), noise.filter(ImageFilter.GaussianBlur(2))),
        )
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=85)
        if buffer.tell() >= PHOTO_BYTES:
            return buffer.getvalue()
        sigma += 1


@dataclass
class Client:
    """One companion's phone: its session, the entry forms of its month page, what the servers accepted."""

    username: str
    plan: int
    activities: list[int]
    visitor: Visitor = field(default_factory=Visitor)
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    # What the server accepted, per activity: the last text, the number of saves and of photos kept.
    accepted: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    # Activities where a save's fate is unknown (no answer, or an error): their rows are not held to account.
    unknown: set[int] = field(default_factory=set)
    save_ms: list[float] = field(default_factory=list)
    login_ms: float | None = None
    errors: list[str] = field(default_factory=list)

    def month_path(self) -> str:
        return f"/plans/{self.plan}/months/{MONTH}/"

    def save_path(self, activity: int) -> str:
        return f"{self.month_path()}activities/{activity}/"

    def log_in(self, server: str, password: str) -> None:
        started = time.perf_counter()
        try:
            self.visitor.login(server, self.username, password)
        except (ClusterError, OSError) as exc:
            self.errors.append(f"login: {exc}")
            return
        self.login_ms = (time.perf_counter() - started) * 1000
        self.forms = page_forms(self.visitor.get(f"{server}{self.month_path()}").text)
        if any(self.save_path(activity) not in self.forms for activity in self.activities):
            self.errors.append(f"{self.month_path()}: an entry form is missing")
            self.login_ms = None

    def save(self, server: str, activity: int, text: str, jpeg: bytes) -> None:
        prefix = f"a{activity}-"
        form = dict(self.forms[self.save_path(activity)])
        form.update(
            {
                f"{prefix}status": "done",
                f"{prefix}quantity": "1",
                f"{prefix}description": text,
                f"{prefix}version": str(self.versions.get(activity, 0)),
            }
        )
        files = {f"{prefix}files": ("kegiatan.jpg", jpeg, "image/jpeg")}
        started = time.perf_counter()
        try:
            answer = self.visitor.post(f"{server}{self.save_path(activity)}", form, files=files, headers=HTMX)
        except OSError as exc:
            self.errors.append(f"{self.save_path(activity)}: {type(exc).__name__}")
            self.unknown.add(activity)
            return
        self.save_ms.append((time.perf_counter() - started) * 1000)
        if not 200 <= answer.status_code < 400 or "state-saved" not in answer.text:
            self.errors.append(f"{self.save_path(activity)}: {answer.status_code}")
            if answer.status_code >= 500:
                self.unknown.add(activity)
            return
        card = page_forms(answer.text).get(self.save_path(activity), {})
        self.versions[activity] = int(card.get(f"{prefix}version", self.versions.get(activity, 0) + 1))
        _, saves, photos = self.accepted.get(activity, ("", 0, 0))
        kept = "alert-warning" not in answer.text  # "the entry is saved, but these files were not added"
        self.accepted[activity] = (text, saves + 1, photos + kept)

    def work(self, servers: list[str], first: int, rounds: int, jpeg: bytes) -> None:
        """Each activity saved ``rounds`` times, the saves sent to the servers in turn from ``first``."""
        if self.login_ms is None:
            return
        n = first
        for round_ in range(rounds):
            for activity in self.activities:
                text = f"{self.username} kegiatan {activity} kali {round_}"
                self.save(servers[n % len(servers)], activity, text, jpeg)
                n += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def timing_row(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 1) if times else 0.0,
        "p95_ms": round(percentile(times, 0.95), 1),
        "n": len(times),
    }


def floor(cluster: Cluster, people: list[Client], password: str, rounds: int, jpeg: bytes) -> dict:
    """The same saves, one after another from one client, on the first server."""
    server = cluster.urls[0]
    for person in people:
        person.log_in(server, password)
    started, cpu = time.monotonic(), cluster.servers_cpu_seconds()
    for person in people:
        person.work([server], 0, rounds, jpeg)
    elapsed = time.monotonic() - started
    row = timing_row([t for person in people for t in person.save_ms])
    row["cpu_ms"] = round((cluster.servers_cpu_seconds() - cpu) * 1000 / max(row["n"], 1), 1)
    row["rps"] = round(row["n"] / elapsed, 2)
    row["errors"] = sum(len(person.errors) for person in people)
    row["note"] = f"{row['n']} saves in {elapsed:.1f} s, {row['rps']} saves/s, {row['errors']} errors"
    return row


def rush(cluster: Cluster, people: list[Client], password: str, rounds: int, jpeg: bytes) -> tuple[dict, dict]:
    """Every companion at once: logins round-robin over the servers, then every save, each to the next server."""
    servers = cluster.urls
    start, go = threading.Barrier(len(people) + 1), threading.Barrier(len(people) + 1)

    def one(index: int, person: Client) -> None:
        start.wait()
        person.log_in(servers[index % len(servers)], password)
        go.wait()
        person.work(servers, index, rounds, jpeg)

    threads = [threading.Thread(target=one, args=pair, daemon=True) for pair in enumerate(people)]
    for thread in threads:
        thread.start()
    start.wait()
    login_started = time.monotonic()
    go.wait()
    login_elapsed, started = time.monotonic() - login_started, time.monotonic()
    cpu, client_cpu = cluster.servers_cpu_seconds(), time.process_time()
    for thread in threads:
        thread.join(900)
    elapsed = time.monotonic() - started
    server_cpu, client_cpu = cluster.servers_cpu_seconds() - cpu, time.process_time() - client_cpu
    logins = timing_row([person.login_ms for person in people if person.login_ms is not None])
    login_errors = sum(1 for person in people if person.login_ms is None)
    logins["note"] = f"{logins['n']} logins in {login_elapsed:.1f} s, {login_errors} failed"
    saves = timing_row([t for person in people for t in person.save_ms])
    saves["rps"] = round(saves["n"] / elapsed, 2)
    saves["cpu_ms"] = round(server_cpu * 1000 / max(saves["n"], 1), 1)
    saves["client_cpu_s"], saves["server_cpu_s"] = round(client_cpu, 1), round(server_cpu, 1)
    saves["errors"] = sum(len(person.errors) for person in people)
    saves["first_errors"] = [error for person in people for error in person.errors][:3]
    saves["elapsed_s"] = round(elapsed, 1)
    return logins, saves


# --- what the database holds


def check_database(people: list[Client]) -> dict:
    """Every accepted save found as sent, and nothing else (see the module's docstring)."""
    from django.core.files.storage import default_storage
    from django.db.models import Count

    from pillars.models import Evidence, MonthlyProgress

    plans = [person.plan for person in people]
    accepted = {pk: value for person in people for pk, value in person.accepted.items()}
    unknown = {pk for person in people for pk in person.unknown}
    entries = {
        entry.activity_id: entry
        for entry in MonthlyProgress.objects.filter(activity__plan__in=plans, month=MONTH).annotate(
            files=Count("evidence")
        )
    }
    missing, unexpected = [], []
    for pk, (text, saves, photos) in accepted.items():
        entry = entries.get(pk)
        found = (entry.description, entry.quantity, entry.version, entry.files) if entry else None
        wanted = (text, 1, saves, photos)
        if pk not in unknown and found != wanted:
            missing.append(f"activity {pk}: stored {found}, sent {wanted}")
    for pk in entries.keys() - accepted.keys() - unknown:
        unexpected.append(f"activity {pk}: an entry no save of which was accepted")
    evidence = list(Evidence.objects.filter(progress__activity__plan__in=plans).values_list("file", flat=True))
    absent = [name for name in evidence if not default_storage.exists(name)]
    return {
        "saves": sum(saves for _, saves, _ in accepted.values()),
        "entries": len(accepted),
        "photos": len(evidence),
        "missing": len(missing) + len(absent),
        "unexpected": len(unexpected),
        "unknown": len(unknown),
        "first_problems": (missing + [f"file {name} not in the storage" for name in absent] + unexpected)[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companions", type=int, default=40)
    parser.add_argument("--activities", type=int, default=4, help="activities of May per companion")
    parser.add_argument("--rounds", type=int, default=2, help="saves of each activity (each with a photo)")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--floor-companions", type=int, default=3)
    args = parser.parse_args()

    jpeg = photo()
    cluster = Cluster(servers=args.servers, workers=args.workers, clock=CLOCK, access_log=False)
    load_at_start = os.getloadavg()
    with cluster:
        world = cluster.call(
            "bench.rush:build_world",
            companions=args.companions,
            floor_companions=args.floor_companions,
            activities=args.activities,
        )
        password, people = world["password"], world["people"]
        crowd = [Client(name, **people[name]) for name in people if name.startswith("rush-pendamping-")]
        alone = [Client(name, **people[name]) for name in people if name.startswith("rush-floor-")]
        print(
            f"== deadline rush: {len(crowd)} companions, {args.servers} servers × {args.workers} workers, "
            f"photo {len(jpeg) // 1024} KB, storage {cluster.storage}"
        )
        floor_row = floor(cluster, alone, password, args.rounds, jpeg)
        login_row, rush_row = rush(cluster, crowd, password, args.rounds, jpeg)
        # Read what the servers wrote, with their database and storage.
        for key in ("DATABASE_URL", "DJANGO_MEDIA_ROOT", "RKT_STORAGE_URL"):
            if key in cluster.env:
                os.environ[key] = cluster.env[key]
        os.environ["DJANGO_SETTINGS_MODULE"] = "rkt.settings"
        import django

        django.setup()
        stored = check_database(crowd + alone)
    results = _rows(args, len(jpeg), floor_row, login_row, rush_row, stored, cluster.storage)
    payload = {
        "scale": f"deadline rush, {len(crowd)} companions",
        "database": "postgresql",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "load_average_start": load_at_start,
        "load_average": os.getloadavg(),
        "results": results,
    }
    from bench import markdown

    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "rush-postgresql.json").write_text(json.dumps(payload, indent=2) + "\n")
    (results_dir / "rush-postgresql.md").write_text(markdown.table(payload))
    print(markdown.table(payload))
    print("written to bench/results/rush-postgresql.json and rush-postgresql.md")


def _rows(args, photo_size: int, floor_row, login_row, rush_row, stored, storage: str) -> dict:
    workers = f"{args.servers} servers × {args.workers} workers"
    rush_row["ratio"] = round(rush_row["median_ms"] / floor_row["median_ms"], 2) if floor_row["median_ms"] else None
    if floor_row["cpu_ms"]:
        rush_row["cpu_ratio"] = round(rush_row["cpu_ms"] / floor_row["cpu_ms"], 2)
    speedup = round(rush_row["rps"] / floor_row["rps"], 2) if floor_row["rps"] else None
    ok = rush_row["errors"] == 0 and floor_row["errors"] == 0 and not stored["missing"] and not stored["unexpected"]
    rush_row.update(
        target="0 errors, every accepted save stored, nothing else",
        verdict="PASS" if ok else "MISS",
        note=(
            f"{rush_row['rps']} saves/s ({speedup} × the floor's) over {rush_row['n']} saves in "
            f"{rush_row['elapsed_s']} s, {rush_row['errors']} errors; CPU in those {rush_row['elapsed_s']} s on "
            f"{os.cpu_count()} cores: servers {rush_row['server_cpu_s']} s, clients {rush_row['client_cpu_s']} s"
            f"; in the database, of the floor's and the rush's {stored['saves']} accepted saves on "
            f"{stored['entries']} entries {stored['missing']} not as sent, {stored['unexpected']} entries not "
            f"accepted, {stored['photos']} photos in the {storage} storage"
            + (f", {stored['unknown']} unknown" if stored["unknown"] else "")
            + (f"; {'; '.join(stored['first_problems'] + rush_row['first_errors'])}" if not ok else "")
        ),
    )
    return {
        f"floor: save with a {photo_size // 1024} KB photo, one client, one server": floor_row,
        f"rush: logins of {args.companions} companions at once, {workers}": login_row,
        f"rush: save with a {photo_size // 1024} KB photo, {args.companions} companions, {workers}": rush_row,
    }


if __name__ == "__main__":
    main()

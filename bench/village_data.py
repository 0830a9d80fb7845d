"""Benchmark: one year of village data for all 83,762 villages, imported fresh and then again.

Run with ``.venv/bin/python bench/village_data.py``. It works in a throw-away SQLite database
(``--database-url`` for another), loads the shipped region list, writes a CSV with a row for every
village, and times the import twice: the second run must change nothing. The issue's bar is under
a minute for the first import on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIMIT_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="rkt-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from villages.regions import import_regions, open_region_file, read_regions

    call_command("migrate", verbosity=0, skip_checks=True)
    started = time.perf_counter()
    with open_region_file(None) as lines:
        import_regions(read_regions(lines))
    print(f"regions loaded in {time.perf_counter() - started:.1f} s")
    result = measure(workdir, year=args.year)
    for failure in result["failures"]:
        print(f"FAIL: {failure}")
    if not args.database_url:
        from django.db import connection

        connection.close()
        shutil.rmtree(workdir)
    return 1 if result["failures"] else 0


def measure(workdir: Path, *, year: int = 2026) -> dict:
    """Time the import of a year for every village in the database: fresh, again, and with every figure changed.

    Needs Django set up and the regions loaded; ``bench/run.py`` can call it as it is. Returns the
    seconds of each run, the rows, and what failed against the issue's bar.
    """
    from villages.models import Region, VillageData
    from villages.village_data import import_village_data, read_table

    villages = list(Region.objects.villages().values_list("code", "parent__name", "name").order_by("code"))
    path = workdir / "village-data.csv"
    write_file(path, villages)
    print(f"file written: {path} ({len(villages):,} villages, {path.stat().st_size / 1e6:.1f} MB)")

    VillageData.objects.filter(year=year).delete()
    first = timed_import(path, year, read_table, import_village_data)
    second = timed_import(path, year, read_table, import_village_data)
    changed = workdir / "village-data-changed.csv"
    write_file(changed, villages, seed=1)
    third = timed_import(changed, year, read_table, import_village_data, label="changed figures")
    stored = VillageData.objects.filter(year=year).count()
    print(f"rows stored for {year}: {stored:,}")

    failures = []
    if first["created"] != len(villages) or stored != len(villages):
        failures.append(f"expected {len(villages):,} rows, the first import added {first['created']:,}")
    if second["created"] or second["updated"]:
        failures.append("the second import changed rows; it must change nothing")
    if third["updated"] != len(villages):
        failures.append(f"the changed file updated {third['updated']:,} rows, not {len(villages):,}")
    if first["seconds"] >= LIMIT_SECONDS:
        failures.append(f"the first import took {first['seconds']:.1f} s, over {LIMIT_SECONDS} s")
    return {
        "villages": len(villages),
        "fresh_seconds": first["seconds"],
        "again_seconds": second["seconds"],
        "changed_seconds": third["seconds"],
        "failures": failures,
    }


def write_file(path: Path, villages: list[tuple[str, str, str]], *, seed: int = 83762) -> None:
    """Plausible figures, undotted codes as offices' spreadsheets often have them, Indonesian headers."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Kode Desa",
                "Kecamatan",
                "Nama Desa",
                "Skor IDM",
                "Status IDM",
                "Jumlah Penduduk",
                "Jumlah Rumah Tangga",
                "Rumah Tangga Miskin",
                "KPM BLT Dana Desa",
                "Pagu Dana Desa (Rp)",
                "Status BUMDes",
                "BUMDes Berbadan Hukum",
                "Masalah Prioritas",
            ]
        )
        for code, district, name in villages:
            households = rng.randint(150, 4000)
            poor = rng.randint(0, households // 3)
            writer.writerow(
                [
                    code.replace(".", ""),
                    district,
                    name,
                    f"{rng.uniform(0.4, 0.95):.4f}",
                    "",
                    households * 3,
                    households,
                    poor,
                    rng.randint(0, poor),
                    rng.randrange(600, 2000) * 1_000_000,
                    rng.choice(["Tidak ada", "Tidak aktif", "Perintis", "Pemula", "Berkembang", "Maju"]),
                    rng.choice(["Ya", "Tidak"]),
                    "Air bersih; stunting",
                ]
            )


def timed_import(path: Path, year: int, read_table, import_village_data, label: str = "") -> dict:
    started = time.perf_counter()
    table = read_table(path)
    read = time.perf_counter() - started
    report = import_village_data(table, year=year)
    seconds = time.perf_counter() - started
    if report.errors:
        print(f"errors: {len(report.errors)}, first: {report.errors[0]}")
    print(
        f"import of {report.rows:,} rows{f' ({label})' if label else ''}: {seconds:.1f} s (reading {read:.1f} s) — "
        f"{report.created:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    return {"seconds": seconds, "created": report.created, "updated": report.updated}


if __name__ == "__main__":
    sys.exit(main())

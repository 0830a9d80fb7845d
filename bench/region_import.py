"""The national region import into an empty database, then again: prints one JSON line of seconds.

    DATABASE_URL=<scratch database> python bench/region_import.py

``bench/run.py`` runs it in a child process on a scratch database (a temporary SQLite file, or a
PostgreSQL database made for it), so the fresh import really starts from nothing and the bench
database is not touched. Migrations are applied before the clock starts.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from villages.models import Region
    from villages.regions import existing_codes, import_regions, open_region_file, read_regions

    call_command("migrate", verbosity=0, skip_checks=True)
    if Region.objects.exists():
        raise SystemExit("the scratch database is not empty")

    def once() -> tuple[float, bool]:
        started = time.perf_counter()
        with open_region_file(None) as lines:
            result = import_regions(read_regions(lines, known_codes=existing_codes))
        return time.perf_counter() - started, result.changed

    fresh, _ = once()
    again, changed = once()
    print(json.dumps({"fresh_s": fresh, "again_s": again, "again_changed": changed, "regions": Region.objects.count()}))


if __name__ == "__main__":
    main()

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from villages.models import Region
from villages.regions import RegionFileError, existing_codes, import_regions, open_region_file, read_regions

LEVEL_NAMES = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}


class Command(BaseCommand):
    help = (
        "Load the Kemendagri region list (provinsi, kabupaten/kota, kecamatan, desa/kelurahan) from a "
        "'kode,nama' CSV file, plain or gzipped. Without FILE it loads the national list the project ships "
        "(villages/data/, MIT licence). Idempotent: new codes are added, changed names updated, nothing "
        "duplicated. A malformed line stops the import with its line number and leaves the database as it was. "
        "With --prune, regions of the file's provinces that the file no longer lists are deleted unless "
        "plans, activities, village data or companions use them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", nargs="?", help="CSV file with the header kode,nama (default: the shipped national list)"
        )
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated region codes to keep (with their ancestors), e.g. 34.03,34.01",
        )
        parser.add_argument(
            "--prune", action="store_true", help="Delete regions the file no longer lists (never ones in use)"
        )

    def handle(self, *args, file: str | None, only: str, prune: bool, **options) -> None:
        started = time.monotonic()
        only_codes = [code.strip() for code in only.split(",") if code.strip()]
        source = file or "the shipped national list"
        self.stdout.write(f"Reading {source}{' (only ' + ', '.join(only_codes) + ')' if only_codes else ''} …")
        try:
            with open_region_file(file) as lines:
                rows = read_regions(lines, only=only_codes, known_codes=existing_codes)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source} is not UTF-8 text ({exc.reason}); nothing was imported.") from None
        except (OSError, EOFError) as exc:
            raise CommandError(f"Cannot read {source}: {exc}; nothing was imported.") from None
        except RegionFileError as exc:
            raise CommandError(f"{source}, {exc}. Nothing was imported.") from None
        if not rows:
            raise CommandError(
                f"{source} holds no regions{' inside ' + only if only_codes else ''}; nothing was imported."
            )
        self.stdout.write(f"Checked {len(rows):,} rows; writing …")

        result = import_regions(rows, prune=prune, progress=self.stdout.write)

        for level, name in LEVEL_NAMES.items():
            total = result.created[level] + result.renamed[level] + result.unchanged[level]
            line = (
                f"{name:>15}: {total:>6,} in file · {result.created[level]:,} added · "
                f"{result.renamed[level]:,} renamed · {result.unchanged[level]:,} unchanged"
            )
            if prune:
                line += f" · {result.deleted[level]:,} deleted"
            self.stdout.write(line)
        if prune and result.kept_in_use:
            self.stdout.write(f"Kept {result.kept_in_use:,} unlisted regions that are still in use.")
        elapsed = time.monotonic() - started
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(f"Done in {elapsed:.1f} s; {Region.objects.count():,} regions in the database.")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Nothing changed ({elapsed:.1f} s): the database already matches the file.")
            )

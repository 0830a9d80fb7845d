"""``manage.py import_village_data FILE --year 2026 [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from villages.village_data import ImportReport, VillageDataFileError, import_village_data, read_table

SHOWN = 50  # changes listed one by one in a dry run; the rest are counted


class Command(BaseCommand):
    help = (
        "Import one year of village data (IDM score and status up to 2024; from 2025 the Indeks Desa: its six "
        "dimension scores, total and status as published; population, households, poor and BLT households, "
        "Dana Desa, BUMDes, priority problems) from a CSV or .xlsx file with one row per village. Villages are "
        "found by Kemendagri code (dotted or not), or by village name within the kecamatan column. Headers may "
        "be Indonesian or English, in any order; unknown columns are listed and ignored. Numbers typed as text "
        "are read the Indonesian way (1.500 is fifteen hundred, 0,65 a fraction; 1,500,000.5 is understood "
        "too); number cells are taken as they are. Every row is checked first: if any row has an error "
        "nothing is written. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="CSV (comma or semicolon separated) or .xlsx file")
        parser.add_argument("--year", type=int, required=True, help="the year the figures belong to, e.g. 2026")
        parser.add_argument("--dry-run", action="store_true", help="check the file and show what would change")

    def handle(self, *args, file: str, year: int, dry_run: bool, **options) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year must be between 2000 and 2100, not {year}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            table = read_table(path)
        except VillageDataFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        report = import_village_data(table, year=year, dry_run=dry_run)
        self.show(report, verbosity=options["verbosity"])
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} error(s) in {path}; nothing was imported. The first: {report.errors[0]}"
            )

    def show(self, report: ImportReport, *, verbosity: int) -> None:
        if report.unknown_columns:
            self.stdout.write(f"Ignored columns: {', '.join(report.unknown_columns)}")
        for issue in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {issue}"))
        for issue in report.errors:
            self.stderr.write(self.style.ERROR(f"Error: {issue}"))
        if report.errors:
            return
        if report.dry_run and verbosity >= 1:
            for change in report.changes[:SHOWN]:
                verb = "add" if change.created else "update"
                fields = "; ".join(f"{name}: {old} → {new}" for name, old, new in change.fields if not change.created)
                self.stdout.write(f"  row {change.row}: would {verb} {change.code} {change.name}  {fields}".rstrip())
            if len(report.changes) > SHOWN:
                self.stdout.write(f"  … and {len(report.changes) - SHOWN} more")
        summary = (
            f"{report.rows} rows for {report.year}: {report.created} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} without figures skipped, "
            f"{len(report.warnings)} warning(s)."
        )
        if report.dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported. {summary}"))

"""A year of village data from the spreadsheets offices already hold (CSV or .xlsx).

Two steps, so a bad file changes nothing: :func:`read_table` turns the file into a header row and
rows of cells, then :func:`import_village_data` checks every row against the database and, only
when no row has an error and it is not a dry run, writes the differences in one transaction with
bulk statements. Columns the file does not have are left as they are, so a file of IDM scores
alone does not wipe the population figures; a cell left empty in a column the file has clears it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villages import versions
from villages.batches import LOOKUP_SIZE, chunks
from villages.cells import CellError, cell_text
from villages.columns import FIELDS, INDEKS_DESA_FIELDS, Column, column_for_header, normalise, parse_cell
from villages.formats import format_number, format_rupiah
from villages.models import INDEKS_DESA_FROM, Region, VillageData, uses_indeks_desa
from villages.spreadsheet import Table, VillageDataFileError, read_table

__all__ = ["ImportReport", "Issue", "Change", "Table", "VillageDataFileError", "import_village_data", "read_table"]

BATCH = 1000


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Change:
    row: int
    code: str
    name: str
    created: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (verbose name, old, new) as shown


@dataclass
class ImportReport:
    year: int
    dry_run: bool
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # rows with a village but no figures
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    applied: bool = False
    # Kept with a job's result: the totals, where only the first changes and issues are kept (what a page shows).
    totals: dict[str, int] = field(default_factory=dict)

    # What a page lists at most; the rest is counted ("… and 1,200 more").
    SHOWN_CHANGES: ClassVar[int] = 200
    SHOWN_ISSUES: ClassVar[int] = 500

    @property
    def created(self) -> int:
        return self.totals.get("created", sum(1 for change in self.changes if change.created))

    @property
    def updated(self) -> int:
        return self.totals.get("updated", sum(1 for change in self.changes if not change.created))

    @property
    def change_count(self) -> int:
        return self.totals.get("changes", len(self.changes))

    @property
    def error_count(self) -> int:
        return self.totals.get("errors", len(self.errors))

    @property
    def warning_count(self) -> int:
        return self.totals.get("warnings", len(self.warnings))

    @property
    def ok(self) -> bool:
        return not self.errors

    def stored(self) -> dict[str, Any]:
        """The report as a job keeps it (JSON): the totals, and the changes and issues a page shows."""
        data = asdict(self)
        data["changes"] = data["changes"][: self.SHOWN_CHANGES]
        data["errors"] = data["errors"][: self.SHOWN_ISSUES]
        data["warnings"] = data["warnings"][: self.SHOWN_ISSUES]
        data["totals"] = {
            "created": self.created,
            "updated": self.updated,
            "changes": self.change_count,
            "errors": self.error_count,
            "warnings": self.warning_count,
        }
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> ImportReport:
        return cls(
            **{
                **data,
                "changes": [Change(**{**c, "fields": [tuple(f) for f in c["fields"]]}) for c in data["changes"]],
                "errors": [Issue(**issue) for issue in data["errors"]],
                "warnings": [Issue(**issue) for issue in data["warnings"]],
            }
        )


@dataclass
class _Row:
    number: int
    code: str
    name: str
    district: str
    values: dict[str, Any]
    headers: dict[str, str]
    failed: bool = False


def import_village_data(
    table: Table,
    *,
    year: int,
    user=None,
    dry_run: bool = False,
    is_demo: bool = False,
    language: str = "id",
    progress=None,
) -> ImportReport:
    """Check every row of ``table`` as data of ``year`` and, unless ``dry_run``, write it all or nothing.

    ``user`` limits the villages to those the user may see (None: every village, for the command line).
    Numbers typed as text are read in ``language``: Indonesian unless a page says otherwise, since the
    offices' files are Indonesian ("1.500" is fifteen hundred); number cells are numbers already.
    ``progress(percent, step)``, when given, is told how far it is (a job's bar, from 30 to 95).
    """
    said = progress or (lambda percent, step="": None)
    report = ImportReport(year=year, dry_run=dry_run)
    said(30, _("Reading the figures"))
    columns = _map_columns(table, report)
    rows = _parse_rows(table, columns, report, language)
    report.rows = len(table.rows)
    villages = Region.objects.villages()
    if user is not None:
        villages = villages.visible_to(user)
    said(45, _("Finding the villages"))
    _identify(rows, villages, report)
    present = {column.key for column in columns.values() if column.key in FIELDS}
    with transaction.atomic():
        said(60, _("Comparing with the saved figures"))
        existing = _existing(year, [row.code for row in rows if row.code])
        new, changed = _compare(rows, existing, present, year, is_demo, report)
        report.errors.sort(key=lambda issue: issue.row)
        report.warnings.sort(key=lambda issue: issue.row)
        if report.errors or dry_run:
            return report
        said(75, _("Saving"))
        now = timezone.now()
        for record in changed:
            record.updated_at = now
        VillageData.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            _update(changed, sorted(_stored_fields(present) | {"is_demo", "updated_at"}))
        # Bulk writes send no signals: the pages of the villages written are drawn again.
        versions.bump_areas({record.village_id for record in (*new, *changed)}, village_data=True)
        report.applied = True
    return report


def _update(records: list[VillageData], fields: list[str]) -> None:
    """One prepared UPDATE run for every changed row.

    ``bulk_update`` writes a CASE expression per field over each batch, which SQLite evaluates in
    quadratic time: ten minutes for a year of 83,762 villages, against seconds for this.
    """
    columns = [VillageData._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(VillageData._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    params = [
        [column.get_db_prep_save(getattr(record, column.attname), connection) for column in columns] + [record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        for chunk in chunks(params, BATCH):
            cursor.executemany(sql, chunk)


def _map_columns(table: Table, report: ImportReport) -> dict[int, Column]:
    columns: dict[int, Column] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if not header:
            continue
        column = column_for_header(header, report.year)
        if column is None:
            report.unknown_columns.append(header)
        elif column.key in seen:
            report.errors.append(
                Issue(
                    table.header_row,
                    header,
                    _("This column repeats “%(first)s”; keep one of them.") % {"first": seen[column.key]},
                )
            )
        else:
            seen[column.key] = header
            columns[index] = column
    return columns


def _parse_rows(table: Table, columns: dict[int, Column], report: ImportReport, language: str) -> list[_Row]:
    rows = []
    figures = [index for index, column in columns.items() if column.key in FIELDS]
    for number, cells in table.rows:
        if not any(index < len(cells) and cell_text(cells[index]) for index in figures):
            # A village of the template left blank: not a claim that its figures are empty.
            report.skipped += 1
            continue
        values: dict[str, Any] = {}
        headers: dict[str, str] = {}
        failed = False
        for index, column in columns.items():
            raw = cells[index] if index < len(cells) else None
            headers[column.key] = table.headers[index]
            try:
                values[column.key] = parse_cell(column.key, raw, language)
            except CellError as exc:
                report.errors.append(Issue(number, table.headers[index], str(exc)))
                failed = True
        code = values.pop("code", "")
        if not uses_indeks_desa(report.year):
            for key in INDEKS_DESA_FIELDS:
                if values.get(key) not in (None, ""):
                    report.errors.append(
                        Issue(
                            number,
                            headers[key],
                            _("The Indeks Desa applies from %(first)s; data of %(year)s gives the IDM.")
                            % {"first": INDEKS_DESA_FROM, "year": report.year},
                        )
                    )
                    failed = True
        if "year" in values and values["year"] not in (None, report.year):
            report.errors.append(
                Issue(
                    number,
                    headers["year"],
                    _("This row is for %(row_year)s, but the import is for %(year)s.")
                    % {"row_year": values["year"], "year": report.year},
                )
            )
            failed = True
        values.pop("year", None)
        name, district = values.pop("name", ""), values.pop("district", "")
        rows.append(_Row(number, code, name, district, values, headers, failed))
    return rows


def _identify(rows: list[_Row], villages, report: ImportReport) -> None:
    """Turn each row's code, or its village and kecamatan names, into a village in scope."""
    coded = sorted({row.code for row in rows if row.code})
    names: dict[str, str] = {}
    if len(coded) > 1000:
        # SQLite plans `level = 4 AND code IN (…)` as a scan of the level index, so a big file reads
        # the villages in scope once instead of a few hundred times.
        wanted = set(coded)
        names.update(
            item for item in villages.values_list("code", "name").iterator(chunk_size=5000) if item[0] in wanted
        )
    else:
        for chunk in chunks(coded, LOOKUP_SIZE):
            names.update(villages.filter(code__in=chunk).values_list("code", "name"))
    missing = [code for code in coded if code not in names]
    exists = set()
    for chunk in chunks(missing, LOOKUP_SIZE):
        exists.update(Region.objects.villages().filter(code__in=chunk).values_list("code", flat=True))

    by_name: dict[tuple[str, str], list[tuple[str, str]]] | None = None
    first_row: dict[str, int] = {}
    for row in rows:
        headers = row.headers
        if row.failed and not row.code:
            continue  # its code cell was already reported
        if not row.code:
            district = row.district
            if not (row.name and district):
                report.errors.append(
                    Issue(row.number, "", _("Give the village code, or the village name and its kecamatan."))
                )
                row.failed = True
                continue
            if by_name is None:
                by_name = _name_index(villages)
            matches = by_name.get((normalise(district), _village_name(row.name)), [])
            if len(matches) != 1:
                message = (
                    _("No village “%(name)s” in kecamatan “%(district)s”.")
                    if not matches
                    else _("“%(name)s” in kecamatan “%(district)s” matches several villages; give the code.")
                )
                report.errors.append(
                    Issue(row.number, headers["name"], message % {"name": row.name, "district": district})
                )
                row.failed = True
                continue
            row.code, names[row.code] = matches[0][0], matches[0][1]
        elif row.code not in names:
            message = (
                _("Village %(code)s is outside your area.")
                if row.code in exists
                else _("Unknown village code %(code)s.")
            )
            report.errors.append(Issue(row.number, headers["code"], message % {"code": row.code}))
            row.failed = True
            continue
        elif row.name and _village_name(row.name) != _village_name(names[row.code]):
            report.warnings.append(
                Issue(
                    row.number,
                    headers["name"],
                    _("The name “%(given)s” differs from “%(name)s”, the name of %(code)s; the code was used.")
                    % {"given": row.name, "name": names[row.code], "code": row.code},
                )
            )
        if row.code in first_row:
            report.errors.append(
                Issue(
                    row.number,
                    "",
                    _("Village %(code)s appears twice (first on row %(first)s).")
                    % {"code": row.code, "first": first_row[row.code]},
                )
            )
            row.failed = True
            continue
        first_row[row.code] = row.number
        row.name = names[row.code]


def _village_name(name: str) -> str:
    return re.sub(r"^(desa|kelurahan|kel)\s+", "", normalise(name))


def _name_index(villages) -> dict[tuple[str, str], list[tuple[str, str]]]:
    index: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for code, name, district in villages.values_list("code", "name", "parent__name").iterator(chunk_size=5000):
        index.setdefault((normalise(district), _village_name(name)), []).append((code, name))
    return index


def _existing(year: int, codes: list[str]) -> dict[str, VillageData]:
    rows = VillageData.objects.filter(year=year)
    if len(codes) > 5000:  # one read of the year beats hundreds of IN lists
        wanted = set(codes)
        return {record.village_id: record for record in rows.iterator(chunk_size=5000) if record.village_id in wanted}
    found: dict[str, VillageData] = {}
    for chunk in chunks(codes, LOOKUP_SIZE):
        found.update((record.village_id, record) for record in rows.filter(village_id__in=chunk))
    return found


def _stored_fields(present: set[str]) -> set[str]:
    # A score without a status column still sets the status, from the score's band.
    return present | ({"idm_status"} if "idm_score" in present else set())


def _compare(
    rows: list[_Row], existing: dict[str, VillageData], present: set[str], year: int, is_demo: bool, report
) -> tuple[list[VillageData], list[VillageData]]:
    stored = sorted(_stored_fields(present), key=FIELDS.index)
    # Looked up once: translating a verbose name for each of a million cells costs seconds.
    labels = {key: str(VillageData._meta.get_field(key).verbose_name) for key in [*stored, "is_demo"]}
    defaults = {key: VillageData._meta.get_field(key).get_default() for key in stored}
    new: list[VillageData] = []
    changed: list[VillageData] = []
    for row in rows:
        if row.failed:
            continue
        values, headers = row.values, row.headers
        score, status = values.get("idm_score"), values.get("idm_status", "")
        if score is not None and not status:
            values["idm_status"] = VillageData.status_for_score(score)
        elif score is not None and status != VillageData.status_for_score(score):
            report.warnings.append(
                Issue(
                    row.number,
                    headers["idm_status"],
                    _("The status %(status)s contradicts the score %(score)s, which is in the band of %(band)s.")
                    % {
                        "status": VillageData.IdmStatus(status).label,
                        "score": format_number(score),
                        "band": VillageData.IdmStatus(VillageData.status_for_score(score)).label,
                    },
                )
            )
        record = existing.get(row.code)
        created = record is None
        if created:
            record = VillageData(village_id=row.code, year=year)
        change = Change(row.number, row.code, row.name, created)
        for key in stored:
            new_value = values.get(key, defaults[key])
            if created:
                setattr(record, key, new_value)
            elif getattr(record, key) != new_value:
                change.fields.append((labels[key], _shown(key, getattr(record, key)), _shown(key, new_value)))
                setattr(record, key, new_value)
        if not _consistent(record, row, headers, report):
            continue
        if created:
            record.is_demo = is_demo
        elif record.is_demo != is_demo:
            record.is_demo = is_demo
            change.fields.append((labels["is_demo"], _shown("is_demo", not is_demo), _shown("is_demo", is_demo)))
        if created:
            new.append(record)
        elif change.fields:
            changed.append(record)
        else:
            report.unchanged += 1
            continue
        report.changes.append(change)
    return new, changed


def _shown(key: str, value: Any) -> str:
    """A stored value as a person reads it in a list of changes."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "dana_desa":
        return format_rupiah(value)
    if isinstance(value, int | Decimal):
        return format_number(value)
    choices = VillageData._meta.get_field(key).choices
    return str(dict(choices).get(value, value)) if choices else str(value)


def _consistent(record: VillageData, row: _Row, headers: dict[str, str], report: ImportReport) -> bool:
    """Checks across columns, on the figures as they would be stored (file merged over the database)."""
    ok = True
    if record.households is not None:
        for key in ("poor_households", "blt_households"):
            value = getattr(record, key)
            if value is not None and value > record.households:
                column = headers.get(key) or headers.get("households", "")
                message = (
                    _("Poor households (%(value)s) cannot exceed households (%(households)s).")
                    if key == "poor_households"
                    else _("BLT recipient households (%(value)s) cannot exceed households (%(households)s).")
                )
                report.errors.append(
                    Issue(
                        row.number,
                        column,
                        message % {"value": format_number(value), "households": format_number(record.households)},
                    )
                )
                ok = False
    return ok

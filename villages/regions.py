"""Reading and importing the Kemendagri region list (``kode,nama`` CSV).

The import is two steps so that a bad file changes nothing: :func:`read_regions` parses and
validates every line (code shape, name, duplicates, parents), then :func:`import_regions` writes
the differences in one transaction with bulk statements.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from villages import versions
from villages.batches import LOOKUP_SIZE, chunks
from villages.models import Region
from villages.zones import province_time_zone

SHIPPED_REGIONS = Path(__file__).resolve().parent / "data" / "wilayah-kemendagri-2025.csv.gz"
CODE_SHAPE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
NAME_MAX = Region._meta.get_field("name").max_length
HEADERS = ({"kode", "nama"}, {"code", "name"})
BATCH = 2000


class RegionFileError(ValueError):
    """A line of the file that cannot be imported; nothing has been written."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    level: int
    kind: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    renamed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept_in_use: int = 0

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.renamed.values()) + sum(self.deleted.values()))


def classify(code: str) -> tuple[int, str]:
    """Level and kind from the code's shape: ``34.03`` is a kabupaten, ``34.71`` a kota, and so on."""
    parts = code.split(".")
    level = len(parts)
    if level == 1:
        return level, Region.Kind.PROVINSI
    if level == 2:
        return level, Region.Kind.KOTA if int(parts[1]) >= 71 else Region.Kind.KABUPATEN
    if level == 3:
        return level, Region.Kind.KECAMATAN
    first = parts[3][0]
    kind = {"1": Region.Kind.KELURAHAN, "2": Region.Kind.DESA, "3": Region.Kind.DESA_ADAT}.get(first)
    if kind is None:
        raise ValueError(f"village code {code} starts its last part with {first}, not 1, 2 or 3")
    return level, kind


def open_region_file(path: str | Path | None) -> io.TextIOBase:
    """The named CSV (plain or .gz), or the national list the project ships."""
    path = Path(path) if path else SHIPPED_REGIONS
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _keep(code: str, only: tuple[str, ...]) -> bool:
    """Inside one of the ``only`` regions, or an ancestor of one."""
    return any(code == prefix or code.startswith(prefix + ".") or prefix.startswith(code + ".") for prefix in only)


def read_regions(
    lines: Iterable[str],
    *,
    only: Iterable[str] = (),
    known_codes: Callable[[set[str]], set[str]] | None = None,
) -> list[RegionRow]:
    """Parse and check every line; raise :class:`RegionFileError` at the first bad one.

    ``only`` keeps the rows inside those region codes (and their ancestors). ``known_codes`` answers
    which of a set of parent codes already exist in the database, for files that add to it.
    """
    only = tuple(only)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise RegionFileError(1, "the file is empty") from None
    except csv.Error as exc:
        raise RegionFileError(1, f"not a CSV file ({exc})") from None
    if {cell.strip().lower() for cell in header} not in HEADERS or len(header) != 2:
        raise RegionFileError(1, "the header must be 'kode,nama' (or 'code,name')")

    rows: list[RegionRow] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != 2:
                raise RegionFileError(line, f"expected 2 columns (kode, nama), found {len(record)}")
            code, name = record[0].strip(), " ".join(record[1].split())
            if not CODE_SHAPE.fullmatch(code):
                raise RegionFileError(
                    line, f"{code!r} is not a Kemendagri code like 34 / 34.03 / 34.03.01 / 34.03.01.2001"
                )
            if not name:
                raise RegionFileError(line, f"region {code} has an empty name")
            if len(name) > NAME_MAX:
                raise RegionFileError(line, f"the name of {code} is longer than {NAME_MAX} characters")
            if code in seen:
                raise RegionFileError(line, f"code {code} appears twice (first on line {seen[code]})")
            seen[code] = line
            if only and not _keep(code, only):
                continue
            try:
                level, kind = classify(code)
            except ValueError as exc:
                raise RegionFileError(line, str(exc)) from None
            rows.append(RegionRow(line, code, name, level, kind))
    except csv.Error as exc:
        raise RegionFileError(reader.line_num, f"unreadable CSV ({exc})") from None

    in_file = {row.code for row in rows}
    wanted = {row.parent_code for row in rows if row.parent_code and row.parent_code not in in_file}
    existing = known_codes(wanted) if (wanted and known_codes) else set()
    for row in rows:
        parent = row.parent_code
        if parent and parent not in in_file and parent not in existing:
            raise RegionFileError(
                row.line, f"the parent {parent} of {row.code} is neither in the file nor in the database"
            )
    return rows


def existing_codes(codes: set[str]) -> set[str]:
    return set(Region.objects.filter(code__in=codes).values_list("code", flat=True))


def regions_in_use(codes: Iterable[str]) -> set[str]:
    """Codes that rows of other models point at (plans, activities, village data, companions).

    Asked through the model's own relations so this app needs no knowledge of the others.
    """
    codes = list(codes)
    used: set[str] = set()
    for relation in Region._meta.related_objects:
        if relation.related_model is Region:
            continue  # parent/child links are handled by the caller
        for chunk in chunks(codes, LOOKUP_SIZE):
            if relation.many_to_many:
                through = relation.through
                column = next(f.name for f in through._meta.get_fields() if getattr(f, "related_model", None) is Region)
                used |= set(through.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
            else:
                field_name = relation.field.name
                used |= set(
                    relation.related_model._base_manager.filter(**{f"{field_name}__in": chunk}).values_list(
                        field_name, flat=True
                    )
                )
    return used


@transaction.atomic
def import_regions(
    rows: list[RegionRow], *, prune: bool = False, progress: Callable[[str], None] = lambda message: None
) -> ImportResult:
    """Write the difference between ``rows`` and the database: add new codes, rename changed names.

    With ``prune``, regions below the file's provinces that the file no longer lists are deleted,
    except those still in use, which are kept and counted.
    """
    result = ImportResult()
    existing = dict(Region.objects.values_list("code", "name"))
    new: list[Region] = []
    renamed: list[Region] = []
    for row in sorted(rows, key=lambda r: (r.level, r.code)):
        current = existing.get(row.code)
        if current is None:
            zone = province_time_zone(row.code) if row.level == Region.Level.PROVINCE else ""
            new.append(
                Region(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    kind=row.kind,
                    parent_id=row.parent_code,
                    time_zone=zone,
                )
            )
            result.created[row.level] += 1
        elif current != row.name:
            renamed.append(Region(code=row.code, name=row.name))
            result.renamed[row.level] += 1
        else:
            result.unchanged[row.level] += 1

    for done, chunk in enumerate(chunks(new, BATCH), start=1):
        Region.objects.bulk_create(chunk)
        if done % 10 == 0 or done * BATCH >= len(new):
            progress(f"  added {min(done * BATCH, len(new)):,} of {len(new):,} new regions")
    if renamed:
        Region.objects.bulk_update(renamed, ["name"], batch_size=500)
        progress(f"  renamed {len(renamed):,} regions")

    if prune:
        result.deleted, result.kept_in_use = _prune(rows, existing)
    if new or renamed or result.deleted:
        versions.bump_all()  # bulk writes send no signals; any page may name a region
    return result


def _ancestors(code: str) -> set[str]:
    parts = code.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _prune(rows: list[RegionRow], existing: dict[str, str]) -> tuple[Counter, int]:
    """Delete regions of the file's provinces that the file no longer lists and nothing uses."""
    provinces = {row.code.split(".")[0] for row in rows}
    listed = {row.code for row in rows}
    missing = {code for code in existing if code not in listed and code.split(".")[0] in provinces}
    if not missing:
        return Counter(), 0
    kept = regions_in_use(missing) & missing
    in_use = len(kept)
    # A region stays while anything below it stays, listed or in use.
    for code in kept | listed:
        kept |= _ancestors(code) & missing
    doomed = sorted(missing - kept, key=lambda code: -code.count("."))
    for chunk in chunks(doomed, LOOKUP_SIZE):
        Region.objects.filter(code__in=chunk).delete()
    return Counter(code.count(".") + 1 for code in doomed), in_use

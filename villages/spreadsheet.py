"""Reading a village data spreadsheet (CSV or .xlsx) into a header row and rows of cells.

The format is told by the content, not the file name. Government spreadsheets often carry a title
above the table, so the header row is searched for in the first rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from villages.columns import column_for_header

HEADER_SEARCH_ROWS = 10
# A national village-data workbook (83,762 rows) unpacks to about 40 MB; far more is a zip bomb.
XLSX_MAX_UNPACKED = 300 * 1024 * 1024
XLSX_MAX_MEMBERS = 500


class VillageDataFileError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no header row); nothing was written."""


@dataclass
class Table:
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)


def read_table(source: str | Path | IO[bytes], *, name: str = "") -> Table:
    """The header row and the data rows of a CSV or .xlsx file (by content, not by file name)."""
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
        name = name or str(source)
    else:
        data = source.read()
    if data[:4] == b"PK\x03\x04":
        raw = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise VillageDataFileError(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and try again."))
    else:
        raw = _csv_rows(data)
    return _find_header(raw)


def archive_problem(data: bytes, *, member: str, max_unpacked: int, max_members: int) -> str | None:
    """Why ``data`` must not be handed to a reader of Office files: "not-office" (not a zip holding ``member``),
    "too-big", or None when it may be.

    zipfile never inflates a member past the size its header declares, so the declared sizes are a safe
    bound on what a reader could be made to unpack.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return "not-office"
    with archive:
        members = archive.infolist()
        names = {info.filename for info in members}
        if member not in names or "[Content_Types].xml" not in names:
            return "not-office"
        if len(members) > max_members or sum(info.file_size for info in members) > max_unpacked:
            return "too-big"
    return None


def xlsx_archive_problem(data: bytes, *, max_unpacked: int, max_members: int) -> str | None:
    """:func:`archive_problem` of an .xlsx workbook: "not-xlsx", "too-big" or None."""
    problem = archive_problem(data, member="xl/workbook.xml", max_unpacked=max_unpacked, max_members=max_members)
    return "not-xlsx" if problem == "not-office" else problem


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    problem = xlsx_archive_problem(data, max_unpacked=XLSX_MAX_UNPACKED, max_members=XLSX_MAX_MEMBERS)
    if problem == "not-xlsx":
        raise VillageDataFileError(_("This file is not an Excel workbook (.xlsx) or a CSV file."))
    if problem == "too-big":
        raise VillageDataFileError(_("This workbook unpacks to far more data than village figures need; not opened."))

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise VillageDataFileError(_("The workbook cannot be opened (%(error)s).") % {"error": exc}) from None
    sheet = workbook.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(values)
    workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    if "\x00" in text[:4096]:
        raise VillageDataFileError(_("The file is neither CSV nor .xlsx."))
    first_line = text[:4096].splitlines()[0] if text.strip() else ""
    # Indonesian Excel writes CSV with semicolons, because the comma is the decimal separator.
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise VillageDataFileError(_("Unreadable CSV (%(error)s).") % {"error": exc}) from None


def _find_header(raw: Iterator[tuple[int, list[Any]]]) -> Table:
    """Government spreadsheets often carry a title above the table: look for the header row."""
    for number, values in raw:
        headers = ["" if value is None else str(value).strip() for value in values]
        keys = {column.key for column in map(column_for_header, headers) if column}
        if "code" in keys or {"name", "district"} <= keys:
            rows = [(n, v) for n, v in raw if any(cell not in (None, "") and str(cell).strip() for cell in v)]
            return Table(number, headers, rows)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise VillageDataFileError(
        _(
            "No header row found in the first %(rows)s rows: the table needs a column “Kode Desa” "
            "(or “Village code”), or both “Nama Desa” and “Kecamatan”."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )

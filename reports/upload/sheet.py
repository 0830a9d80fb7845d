"""Reading sheet "RKT" of an uploaded plan workbook into rows of form data.

The file is checked before openpyxl opens it: its size, that it is a zip holding a workbook, and how
much it unpacks to, so a zip bomb is refused unread. Rows are told apart by the hidden marker column
the download writes (see :mod:`reports.workbook`); values are read leniently (a pillar or village by
code or name, months as any mark) and formulas are refused, but whether a row is a valid activity is
left to :class:`pillars.forms.plans.ActivityForm` in :mod:`reports.upload`.

Numbers and yes/no cells are read by :mod:`villages.cells`, as the village data import reads them: a
number cell is a number already; a number typed as text ("2,5", "Rp 1.500.000") is read in the
language of the page that uploads it. The row then carries the number itself (as ``str(Decimal)``), so the
confirmation reads the same value whatever language it is sent in.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import override

from pillars.models import Activity, Pillar, WorkPlan
from reports.workbook import (
    COLUMN_INDEX,
    COLUMNS,
    END_MARKER,
    HEADER_MARKER,
    KEY_COLUMN,
    LAST_VISIBLE,
    ORIGIN_SHEET,
    PILLAR_MARKER,
    RKT_SHEET,
    SUBTOTAL_MARKER,
)
from villages.cells import CellError, read_number, read_yes_no
from villages.spreadsheet import SheetTooLarge, bounded_rows, xlsx_archive_problem

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 300
MAX_ROWS = 1000
# Rows of the sheet, not activities: a title, the header, a row and a subtotal per pillar and up to MAX_ROWS
# activities fit well within it. The end marker stops the reading long before; without it the reading stops here.
MAX_SHEET_ROWS = 2000
HEADER_SEARCH_ROWS = 60

NO_MONTH = {"", "0", "-", "–"}


class UploadError(Exception):
    """The file as a whole cannot be used; one message says why."""


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    """One activity row of the sheet, as form data (plain JSON, so it can wait in the session)."""

    row: int
    key: int | None
    data: dict[str, object]

    def as_json(self) -> dict:
        return {"row": self.row, "key": self.key, "data": self.data}

    @classmethod
    def from_json(cls, value: dict) -> ParsedRow:
        return cls(row=int(value["row"]), key=value["key"], data=dict(value["data"]))


@dataclass
class Origin:
    """The plan and versions a workbook was downloaded at (its very hidden sheet); None for a workbook without it."""

    plan: int
    version: int
    downloaded: datetime | None
    activities: dict[int, int] = field(default_factory=dict)  # activity id -> its version at the download


@dataclass
class SheetContent:
    rows: list[ParsedRow]
    errors: list[RowError]
    origin: Origin | None


# --- the file ----------------------------------------------------------------------------------


def check_archive(content: bytes) -> None:
    """Refuse what is not an .xlsx, or what would unpack to too much, before openpyxl reads it."""
    not_a_workbook = _(
        "This file is not an Excel workbook (.xlsx). Save it in Excel or LibreOffice as "
        "“Excel Workbook (.xlsx)” and upload it again."
    )
    if len(content) > MAX_BYTES:
        raise UploadError(_("The file is larger than 5 MB. Upload only the plan workbook."))
    problem = xlsx_archive_problem(content, max_unpacked=MAX_UNPACKED_BYTES, max_members=MAX_MEMBERS)
    if problem == "not-xlsx":
        raise UploadError(not_a_workbook)
    if problem == "too-big":
        raise UploadError(
            _(
                "This workbook unpacks to far more data than a plan holds, so it was not opened. "
                "Upload the plan workbook."
            )
        )


def read_rows(content: bytes, plan: WorkPlan) -> tuple[list[ParsedRow], list[RowError]]:
    """The activity rows of sheet "RKT" as form data, and problems that no form would see."""
    content = read_workbook(content, plan)
    return content.rows, content.errors


def read_workbook(content: bytes, plan: WorkPlan) -> SheetContent:
    """:func:`read_rows` with where the workbook comes from; a workbook downloaded from another plan is refused."""
    check_archive(content)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types (KeyError, XML errors, InvalidFileException) for a broken file
        raise UploadError(_("This workbook cannot be read; it may be damaged. Save it again as .xlsx.")) from None
    try:
        if RKT_SHEET not in workbook.sheetnames:
            raise UploadError(
                _("The workbook has no sheet named “%(sheet)s”. Upload the plan workbook downloaded from this plan.")
                % {"sheet": RKT_SHEET}
            )
        origin = _read_origin(workbook)
        if origin is not None and origin.plan != plan.pk:
            raise UploadError(
                _(
                    "This workbook was downloaded from another plan, not from the %(year)s plan of %(companion)s. "
                    "Download this plan's workbook and fill that in."
                )
                % {"year": plan.year, "companion": plan.companion.display_name}
            )
        return SheetContent(*_read_sheet(workbook[RKT_SHEET], plan), origin)
    except SheetTooLarge as exc:
        raise UploadError(str(exc)) from None
    finally:
        workbook.close()


def _read_origin(workbook) -> Origin | None:
    """The workbook's origin sheet, read leniently: anything unexpected in it counts as no origin."""
    if ORIGIN_SHEET not in workbook.sheetnames:
        return None
    values: dict[str, object] = {}
    activities: dict[int, int] = {}
    try:
        for row in workbook[ORIGIN_SHEET].iter_rows(max_row=MAX_ROWS + 3, max_col=3, values_only=True):
            if row[0] == "activity":
                activities[int(row[1])] = int(row[2])
            elif row[0]:
                values[str(row[0])] = row[1]
        downloaded = values.get("downloaded")
        return Origin(
            plan=int(values["plan"]),
            version=int(values["version"]),
            downloaded=datetime.fromisoformat(downloaded) if isinstance(downloaded, str) else None,
            activities=activities,
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _read_sheet(ws, plan: WorkPlan) -> tuple[list[ParsedRow], list[RowError]]:
    reader = _RowReader(plan)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    header = None
    pillar = ""
    for number, cells in bounded_rows(ws, max_rows=MAX_SHEET_ROWS, max_columns=KEY_COLUMN + 3):
        values = [cell.value for cell in cells]
        if header is None:
            if HEADER_MARKER in values:
                if values.index(HEADER_MARKER) + 1 != KEY_COLUMN:
                    raise UploadError(
                        _(
                            "Columns were added or removed in sheet “%(sheet)s”. Keep the columns of the "
                            "downloaded workbook; add activities as new rows."
                        )
                        % {"sheet": RKT_SHEET}
                    )
                header = number
            elif number > HEADER_SEARCH_ROWS:
                break
            continue
        if number == header + 1:
            continue  # the month names under the header
        marker = str(values[KEY_COLUMN - 1] or "").strip() if len(values) >= KEY_COLUMN else ""
        if marker == END_MARKER:
            break
        if marker.startswith(PILLAR_MARKER):
            pillar = marker[len(PILLAR_MARKER) :]
            continue
        if marker == SUBTOTAL_MARKER:
            continue
        visible = cells[1:LAST_VISIBLE]
        if all(_blank(cell.value) for cell in visible):
            continue
        if len(rows) >= MAX_ROWS:
            raise UploadError(_("The sheet has more than %(max)s activity rows.") % {"max": MAX_ROWS})
        parsed, row_errors = reader.read(number, cells, pillar)
        rows.append(parsed)
        errors += row_errors
    if header is None:
        raise UploadError(
            _(
                "Sheet “%(sheet)s” does not have the layout of the plan workbook. "
                "Download the workbook again and fill that in."
            )
            % {"sheet": RKT_SHEET}
        )
    return rows, errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_label(field_name: str) -> str:
    return str(COLUMNS[COLUMN_INDEX[field_name] - 1].header) or field_name


class _RowReader:
    """Turns a row's cells into ActivityForm data, accepting codes or names as the issue asks."""

    def __init__(self, plan: WorkPlan):
        self.pillars: dict[str, str] = {}
        for code, name in Pillar.objects.values_list("code", "name"):
            self.pillars[code.casefold()] = code
            self.pillars.setdefault(name.casefold(), code)
        self.villages: dict[str, str] = {}
        self.ambiguous: set[str] = set()
        for code, name in plan.villages.values_list("code", "name"):
            self.villages[code] = code
            self.villages[f"{name} ({code})".casefold()] = code
            key = name.casefold()
            if key in self.villages:
                self.ambiguous.add(key)
            self.villages[key] = code
        self.all_villages = set()
        self.groups: dict[str, str] = {}
        for language in ("id", "en"):
            with override(language):
                self.all_villages.add(_("All villages").casefold())
                for value, label in Activity.TargetGroup.choices:
                    self.groups[str(label).casefold()] = value
        for value in Activity.TargetGroup.values:
            self.groups[value.casefold()] = value

    def read(self, number: int, cells, section_pillar: str) -> tuple[ParsedRow, list[RowError]]:
        errors: list[RowError] = []
        data: dict[str, object] = {}

        def value_of(field_name: str):
            cell = cells[COLUMN_INDEX[field_name] - 1]
            if cell.data_type == "f":
                errors.append(
                    RowError(number, column_label(field_name), _("a formula; type the value itself, not a formula."))
                )
                return None
            return cell.value

        for name in ("title", "objective", "indicator", "unit", "budget_source", "partners"):
            data[name] = _text(value_of(name))
        pillar = _text(value_of("pillar")) or section_pillar
        data["pillar"] = self.pillars.get(pillar.casefold(), pillar)
        village = _text(value_of("village"))
        if village.casefold() in self.ambiguous:
            errors.append(
                RowError(number, column_label("village"), _("several of your villages have this name; write its code."))
            )
        data["village"] = (
            "" if village.casefold() in self.all_villages else self.villages.get(village.casefold(), village)
        )
        group = _text(value_of("target_group"))
        data["target_group"] = self.groups.get(group.casefold(), group)
        goal = value_of("sdg_goal")
        if isinstance(goal, (int, float)):
            data["sdg_goal"] = str(int(goal))
        else:
            match = re.match(r"\s*(\d+)", _text(goal))
            data["sdg_goal"] = match[1] if match else _text(goal)
        for name, money in (("target_quantity", False), ("budget", True)):
            value = value_of(name)
            try:
                # Negative, fractional or oversized numbers are left to the form, whose messages name the field.
                amount = read_number(value, money=money, negative=True)
            except CellError as refusal:
                errors.append(RowError(number, column_label(name), str(refusal)))
                amount = None
            data[name] = "" if amount is None else str(amount)
        months = []
        for m in range(1, 13):
            mark = value_of(f"m{m}")
            if not _blank(mark) and _text(mark).casefold() not in NO_MONTH:
                months.append(m)
        data["months"] = months
        try:
            data["poor_priority"] = read_yes_no(value_of("poor_priority"))
        except CellError as refusal:
            errors.append(RowError(number, column_label("poor_priority"), str(refusal)))
            data["poor_priority"] = False
        key = _text(cells[KEY_COLUMN - 1].value)
        parsed_key = None
        if key:
            if key.isdigit():
                parsed_key = int(key)
            else:
                errors.append(
                    RowError(
                        number, _("key"), _("the hidden key of this row was changed; clear it to add the row as new.")
                    )
                )
        return ParsedRow(number, parsed_key, data), errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

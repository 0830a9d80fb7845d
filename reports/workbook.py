"""The plan workbook (.xlsx): sheet "RKT" laid out like the PDF, "Progres" and "Data Desa".

Sheet "RKT" is also the upload format (:mod:`reports.upload`): the columns below are the contract
between the two. A hidden last column carries markers: the header row, pillar and subtotal rows,
and each activity's key, so that an upload can tell the plan's own rows from decoration and update
an activity instead of adding it twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pillars import figures
from pillars.models import Activity, MonthlyProgress
from reports.documents import DOCUMENT_LANGUAGE, MONTHS, PlanDocument
from villages.formats import month_abbr

RKT_SHEET = "RKT"
PROGRESS_SHEET = "Progres"
VILLAGE_SHEET = "Data Desa"
# Very hidden: the plan and the versions the workbook was downloaded at, which the upload checks
# (:mod:`reports.upload.sheet`): rows of ("plan", id), ("version", n), ("downloaded", ISO time), then
# ("activity", id, version) per row of sheet RKT.
ORIGIN_SHEET = "RKT-asal"

MARK = "x"  # what the workbook writes in a scheduled month; any non-blank mark is read as scheduled
HEADER_MARKER = "rkt:header"
PILLAR_MARKER = "rkt:pillar:"
SUBTOTAL_MARKER = "rkt:subtotal"
END_MARKER = "rkt:end"

RUPIAH_FORMAT = '"Rp" #,##0'
PERCENT_FORMAT = "0.0%"
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"


def number_format(value) -> str:
    """The number format of a quantity cell: grouped, with decimals only when it has them (never General)."""
    if isinstance(value, Decimal):
        value = float(value)
    return DECIMAL_FORMAT if isinstance(value, float) and not value.is_integer() else WHOLE_FORMAT


def percent_value(value: Decimal | None) -> float | None:
    """A percent of :func:`pillars.figures.percent` (62.5) as the fraction a ``0.0%`` cell holds (0.625)."""
    return None if value is None else float(value) / 100


@dataclass(frozen=True)
class Column:
    field: str  # the ActivityForm field it fills, or a month "m1".."m12", or "no"/"key"
    header: str
    width: float
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("no", gettext_lazy("No."), 5),
    Column("pillar", gettext_lazy("Pillar"), 8),
    Column("title", gettext_lazy("Activity"), 38),
    Column("objective", gettext_lazy("Objective"), 30),
    Column("village", gettext_lazy("Village"), 16),
    Column("target_group", gettext_lazy("Target group"), 18),
    Column("sdg_goal", gettext_lazy("SDGs Desa goal"), 8, numeric=True),
    Column("indicator", gettext_lazy("Output indicator"), 24),
    Column("target_quantity", gettext_lazy("Target"), 9, numeric=True),
    Column("unit", gettext_lazy("Unit"), 10),
    *(Column(f"m{m}", "", 4.5) for m in MONTHS),
    Column("budget", gettext_lazy("Budget (Rp)"), 15, numeric=True),
    Column("budget_source", gettext_lazy("Budget source"), 14),
    Column("partners", gettext_lazy("Partners"), 18),
    Column("poor_priority", gettext_lazy("Poor-group priority"), 9),
    Column("key", "key", 10),
)
COLUMN_INDEX = {column.field: index for index, column in enumerate(COLUMNS, start=1)}
KEY_COLUMN = COLUMN_INDEX["key"]
LAST_VISIBLE = KEY_COLUMN - 1
FIRST_MONTH = COLUMN_INDEX["m1"]

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="E6EFE9")
PILLAR_FILL = PatternFill("solid", fgColor="D3E3D9")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F1F5F2")
MONTH_FILL = PatternFill("solid", fgColor="1F5F4A")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


LINE_HEIGHT = 15  # points per line of the default 11 pt font


def print_setup(ws: Worksheet, *, freeze: str, title_rows: str, header: str = "") -> None:
    """Frozen header, header rows repeated on every printed page, A4 landscape fitted to the page width, and a
    printed header (``header``: what and whose) and footer ("Page 1 of 3") on every page."""
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")  # "&" starts a code in a spreadsheet's header
        ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = _("Page &P of &N")
    ws.oddFooter.center.size = 8
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def fit_height(ws: Worksheet, row: int) -> None:
    """Set a row's height to hold its wrapped text: spreadsheets do not grow rows on opening."""
    lines = 1
    for cell in ws[row]:
        if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
            continue
        width = ws.column_dimensions[cell.column_letter].width or 10
        per_line = max(1, int(width * 1.1) - 1)
        needed = sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n"))
        lines = max(lines, needed)
    if lines > 1:
        ws.row_dimensions[row].height = lines * LINE_HEIGHT


def clean_text(value: str) -> str:
    """Text a cell can hold: control characters make Excel refuse the file."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(ws: Worksheet, row: int, column: int, value, **style):
    """Write one cell; text that starts with "=" stays text, never a formula (no formula injection)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def village_label(activity: Activity, ambiguous: set[str]) -> str:
    if activity.village is None:
        return _("All villages")
    name = activity.village.name
    return f"{name} ({activity.village.code})" if name in ambiguous else name


def yes_no(value: bool) -> str:
    return _("yes") if value else ""


def plan_workbook(doc: PlanDocument, progress: dict[int, dict[int, MonthlyProgress]] | None = None) -> bytes:
    """The .xlsx bytes of ``doc``; ``progress`` (see :func:`plan_progress`) is loaded when not given."""
    if progress is None:
        progress = plan_progress(doc)
    with override(DOCUMENT_LANGUAGE):
        wb = Workbook()
        write_plan_sheet(wb.active, doc)
        write_progress_sheet(wb.create_sheet(PROGRESS_SHEET), doc, progress)
        write_village_sheet(wb.create_sheet(VILLAGE_SHEET), doc)
        write_origin_sheet(wb.create_sheet(ORIGIN_SHEET), doc)
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def write_origin_sheet(ws: Worksheet, doc: PlanDocument) -> None:
    """Where the workbook comes from: an upload of another plan's workbook, or of an older version, is told so."""
    ws.sheet_state = "veryHidden"
    ws.append(["plan", doc.plan.pk])
    ws.append(["version", doc.plan.version])
    ws.append(["downloaded", timezone.now().isoformat()])
    for section in doc.sections:
        for activity in section.activities:
            ws.append(["activity", activity.pk, activity.version])


def plan_progress(doc: PlanDocument) -> dict[int, dict[int, MonthlyProgress]]:
    """The progress entries of the document's plan up to its "to date" cut-off, by activity and month, in one query."""
    table: dict[int, dict[int, MonthlyProgress]] = {}
    entries = MonthlyProgress.objects.filter(activity__plan=doc.plan, month__lte=doc.to_date.month)
    for entry in entries.only("activity_id", "month", "status", "quantity"):
        table.setdefault(entry.activity_id, {})[entry.month] = entry
    return table


def _title_rows(ws: Worksheet, doc: PlanDocument, last_column: int) -> int:
    """Title, status and identity rows; returns the next free row."""
    put(ws, 1, 1, doc.title, font=TITLE_FONT, alignment=CENTER)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    ws.row_dimensions[1].height = 22
    put(ws, 2, 1, doc.plan.get_status_display(), alignment=CENTER)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_column)
    identity = doc.identity
    rows = (
        (_("Companion"), identity.companion.display_name),
        (_("Role"), identity.companion.get_role_display()),
        (_("Villages"), ", ".join(v.name for v in identity.villages)),
        (_("District (kecamatan)"), ", ".join(d.name for d in identity.districts)),
        (_("Regency"), ", ".join(r.name for r in identity.regencies)),
    )
    # One cell per line from the wide "Activity" column on, so that no label is cut off.
    for offset, (label, value) in enumerate(rows):
        row = 4 + offset
        put(ws, row, 3, f"{label}: {value}")
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=min(8, last_column))
    return 4 + len(rows) + 1


def write_plan_sheet(ws: Worksheet, doc: PlanDocument) -> None:
    ws.title = RKT_SHEET
    header = _title_rows(ws, doc, LAST_VISIBLE)
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if column.field.startswith("m"):
            continue
        label = str(column.header) if column.field != "key" else HEADER_MARKER
        put(ws, header, index, label, font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BOX)
        put(ws, header + 1, index, None, fill=HEADER_FILL, border=BOX)
        if column.field != "key":
            ws.merge_cells(start_row=header, start_column=index, end_row=header + 1, end_column=index)
    put(ws, header, FIRST_MONTH, _("Schedule %(year)s") % {"year": doc.plan.year}, font=BOLD, fill=HEADER_FILL)
    ws.cell(header, FIRST_MONTH).alignment = CENTER
    ws.merge_cells(start_row=header, start_column=FIRST_MONTH, end_row=header, end_column=FIRST_MONTH + 11)
    for m in MONTHS:
        put(ws, header + 1, FIRST_MONTH + m - 1, month_abbr(m), font=BOLD, fill=HEADER_FILL, border=BOX)
        ws.cell(header + 1, FIRST_MONTH + m - 1).alignment = CENTER
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True

    names = [v.name for v in doc.identity.villages]
    ambiguous = {name for name in names if names.count(name) > 1}
    row = header + 2
    for section in doc.sections:
        put(ws, row, 1, f"{section.pillar.code} · {section.pillar.name}", font=BOLD, fill=PILLAR_FILL, border=BOX)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST_VISIBLE)
        put(ws, row, KEY_COLUMN, f"{PILLAR_MARKER}{section.pillar.code}")
        row += 1
        for number, activity in enumerate(section.activities, start=1):
            _activity_row(ws, row, number, activity, ambiguous)
            row += 1
        _subtotal_row(ws, row, _("Subtotal %(pillar)s") % {"pillar": section.pillar.name}, section.totals)
        row += 1
    _subtotal_row(ws, row, _("Total"), doc.totals, fill=PILLAR_FILL)
    row += 2
    _signature_rows(ws, row, doc)

    print_setup(
        ws, freeze=f"{get_column_letter(COLUMN_INDEX['village'])}{header + 2}", title_rows=f"{header}:{header + 1}"
    )
    ws.print_area = f"A1:{get_column_letter(LAST_VISIBLE)}{row + 6}"


def activity_cells(activity: Activity, ambiguous: set[str]) -> dict[str, object]:
    """What an activity's row holds, by column field: the same values an upload reads back."""
    values: dict[str, object] = {
        "pillar": activity.pillar.code,
        "title": activity.title,
        "objective": activity.objective,
        "village": village_label(activity, ambiguous),
        "target_group": activity.get_target_group_display(),
        "sdg_goal": activity.sdg_goal,
        "indicator": activity.indicator,
        "target_quantity": activity.target_quantity,
        "unit": activity.unit,
        "budget": activity.budget,
        "budget_source": activity.budget_source,
        "partners": activity.partners,
        "poor_priority": yes_no(activity.poor_priority),
        "key": str(activity.pk),
    }
    for m in MONTHS:
        values[f"m{m}"] = MARK if m in activity.months else None
    return values


def _activity_row(ws: Worksheet, row: int, number: int, activity: Activity, ambiguous: set[str]) -> None:
    values = activity_cells(activity, ambiguous)
    put(ws, row, 1, number, border=BOX, alignment=Alignment(horizontal="center", vertical="top"))
    for field, value in values.items():
        index = COLUMN_INDEX[field]
        if field.startswith("m"):
            cell = put(ws, row, index, value, border=BOX, alignment=CENTER)
            if value:
                cell.fill = MONTH_FILL
                cell.font = Font(color="FFFFFF", bold=True)
            continue
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else value
        cell = put(ws, row, index, value, border=BOX, alignment=WRAP)
        if field == "budget":
            cell.number_format = RUPIAH_FORMAT
    ws.cell(row, KEY_COLUMN).border = Border()
    fit_height(ws, row)


def _subtotal_row(ws: Worksheet, row: int, label: str, totals, fill=SUBTOTAL_FILL) -> None:
    text = f"{label}: " + _("%(count)s activities") % {"count": totals.activities}
    put(ws, row, 1, text, font=BOLD, fill=fill, border=BOX)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=FIRST_MONTH - 1)
    for m, count in zip(MONTHS, totals.per_month, strict=True):
        put(ws, row, FIRST_MONTH + m - 1, count or None, font=BOLD, fill=fill, border=BOX, alignment=CENTER)
    budget = int(totals.budget) if totals.budget == totals.budget.to_integral_value() else totals.budget
    put(ws, row, COLUMN_INDEX["budget"], budget, font=BOLD, fill=fill, border=BOX, number_format=RUPIAH_FORMAT)
    for index in range(COLUMN_INDEX["budget"] + 1, LAST_VISIBLE + 1):
        put(ws, row, index, None, fill=fill, border=BOX)
    put(ws, row, KEY_COLUMN, SUBTOTAL_MARKER)


def _signature_rows(ws: Worksheet, row: int, doc: PlanDocument) -> None:
    identity = doc.identity
    put(ws, row, KEY_COLUMN, END_MARKER)
    left, right = 3, FIRST_MONTH
    place_date = f"{identity.place}, {doc.signed_on}" if identity.place else doc.signed_on
    lines = (
        (_("Acknowledged by,"), place_date),
        (identity.coordinator_title, identity.companion.get_role_display()),
        ("", ""),
        ("", ""),
        ("", ""),
        (identity.coordinator.display_name if identity.coordinator else "", identity.companion.display_name),
    )
    for offset, (left_text, right_text) in enumerate(lines):
        bold = offset == len(lines) - 1
        put(
            ws,
            row + offset,
            left,
            left_text,
            alignment=CENTER,
            font=Font(bold=bold, underline="single" if bold else None),
        )
        put(
            ws,
            row + offset,
            right,
            right_text,
            alignment=CENTER,
            font=Font(bold=bold, underline="single" if bold else None),
        )
        ws.merge_cells(start_row=row + offset, start_column=right, end_row=row + offset, end_column=right + 11)


def write_progress_sheet(ws: Worksheet, doc: PlanDocument, progress: dict[int, dict[int, MonthlyProgress]]) -> None:
    fixed = (
        (_("No."), 5),
        (_("Pillar"), 8),
        (_("Activity"), 38),
        (_("Village"), 16),
        (_("Target"), 9),
        (_("Unit"), 10),
    )
    first_month = len(fixed) + 1
    cumulative_col = first_month + 24
    last = cumulative_col + 1
    title = _("Progress %(year)s: %(name)s") % {"year": doc.plan.year, "name": doc.identity.companion.display_name}
    put(ws, 1, 1, f"{title} ({doc.to_date.label})", font=TITLE_FONT)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    header = 3
    for index, (label, width) in enumerate(fixed, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        put(ws, header, index, label, font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
        put(ws, header + 1, index, None, fill=HEADER_FILL, border=BOX)
        ws.merge_cells(start_row=header, start_column=index, end_row=header + 1, end_column=index)
    for m in MONTHS:
        col = first_month + (m - 1) * 2
        put(ws, header, col, month_abbr(m), font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
        put(ws, header, col + 1, None, fill=HEADER_FILL, border=BOX)
        ws.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + 1)
        put(ws, header + 1, col, _("Qty"), font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
        put(ws, header + 1, col + 1, _("Status"), font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
        ws.column_dimensions[get_column_letter(col)].width = 6
        ws.column_dimensions[get_column_letter(col + 1)].width = 11
    for col, label in ((cumulative_col, _("Cumulative")), (last, _("Achievement"))):
        put(ws, header, col, label, font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
        put(ws, header + 1, col, None, fill=HEADER_FILL, border=BOX)
        ws.merge_cells(start_row=header, start_column=col, end_row=header + 1, end_column=col)
        ws.column_dimensions[get_column_letter(col)].width = 13
    row = header + 2
    number = 0
    activities = [activity for section in doc.sections for activity in section.activities]
    numbers = figures.figures_for(activities, through=doc.to_date.month)
    for section in doc.sections:
        for activity in section.activities:
            number += 1
            entries = progress.get(activity.pk, {})
            one = numbers[activity.pk]
            cells = (
                number,
                section.pillar.code,
                activity.title,
                village_label(activity, set()),
                activity.target_quantity,
                activity.unit,
            )
            for index, value in enumerate(cells, start=1):
                cell = put(ws, row, index, _number(value), border=BOX, alignment=WRAP)
                if index == 5:
                    cell.number_format = number_format(cell.value)
            for m in MONTHS:
                col = first_month + (m - 1) * 2
                entry = entries.get(m)
                scheduled = m in activity.months
                qty = put(ws, row, col, _number(entry.quantity) if entry else None, border=BOX, alignment=TOP)
                qty.number_format = number_format(qty.value)
                status = put(
                    ws, row, col + 1, entry.get_status_display() if entry else None, border=BOX, alignment=WRAP
                )
                if scheduled:
                    qty.fill = status.fill = SUBTOTAL_FILL
            achieved = _number(one.achieved)
            put(ws, row, cumulative_col, achieved, border=BOX, alignment=TOP, number_format=number_format(achieved))
            put(
                ws,
                row,
                last,
                percent_value(one.percent),
                border=BOX,
                alignment=TOP,
                number_format=PERCENT_FORMAT,
            )
            fit_height(ws, row)
            row += 1
    print_setup(ws, freeze=f"D{header + 2}", title_rows=f"{header}:{header + 1}")


def _number(value):
    """Decimals as int or float so that spreadsheets treat them as numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_village_sheet(ws: Worksheet, doc: PlanDocument) -> None:
    headers = (
        (_("Code"), 15),
        (_("Village"), 18),
        (_("District (kecamatan)"), 18),
        (_("Data year"), 9),
        (_("Index score"), 9),
        (_("Index status"), 22),
        (_("Population"), 11),
        (_("Households"), 11),
        (_("Poor households"), 11),
        (_("BLT recipients"), 11),
        (_("Dana Desa (Rp)"), 17),
        (_("BUMDes"), 14),
        (_("BUMDes legal entity"), 10),
        (_("Priority problems"), 50),
    )
    put(ws, 1, 1, _("Village data"), font=TITLE_FONT)
    for index, (label, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        put(ws, 3, index, label, font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
    for row, village_row in enumerate(doc.villages, start=4):
        village, data = village_row.village, village_row.data
        values = [village.code, village.name, village.parent.name if village.parent_id else ""]
        if data is not None:
            applies = data.index  # the IDM up to 2024, the Indeks Desa from 2025
            values += [
                data.year,
                _number(applies.score),
                f"{applies.name}: {applies.status_label or '–'}",
                data.population,
                data.households,
                data.poor_households,
                data.blt_households,
                _number(data.dana_desa),
                data.get_bumdes_status_display(),
                yes_no(data.bumdes_legal_entity),
                data.priority_problems,
            ]
        for index, value in enumerate(values, start=1):
            cell = put(ws, row, index, value, border=BOX, alignment=WRAP)
            if index == 11:
                cell.number_format = RUPIAH_FORMAT
        fit_height(ws, row)
    print_setup(ws, freeze="C4", title_rows="3:3")

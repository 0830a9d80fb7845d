"""The recap workbook of a coordinator's scope and year: "Kegiatan", "Per Pendamping", "Per Pilar".

Every figure is the home page's (:func:`reports.dashboard.progress` over the same plans, the same cut-off,
the same per-activity figures of :mod:`pillars.figures`) and every report count the completeness grid's
(:func:`pillars.selectors.completeness.completeness`): a recap forwarded to the kabupaten says what the home page says.
It is written in openpyxl's write-only mode; the activity rows are read ``CHUNK`` activities at a time, so
memory holds one chunk of rows besides the per-activity figures and every activity's sort key (the sheet's
order is found first, a chunk of ids at a time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pillars import figures, selectors
from pillars.figures import Tally
from pillars.models import ACTIVITY_ORDER, Activity, MonthlyProgress, Pillar, WorkPlan
from reports import dashboard
from reports.documents import DOCUMENT_LANGUAGE, MONTHS, ToDate, indonesian_date
from reports.workbook import PERCENT_FORMAT, clean_text, number_format, percent_value, print_setup
from villages.formats import month_abbr
from villages.models import Companion
from villages.scope import viewer_for

ACTIVITY_SHEET = "Kegiatan"
COMPANION_SHEET = "Per Pendamping"
PILLAR_SHEET = "Per Pilar"
CHUNK = 2000  # activities per query of sort keys, and per pair of queries of their rows and progress entries

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="E6EFE9")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
ORDER = ("plan__companion__user__username", "plan_id", *ACTIVITY_ORDER)


class Entry(NamedTuple):
    month: int
    status: str
    quantity: Decimal


def _text(ws, value) -> WriteOnlyCell | object:
    """Text stays text: a title starting with "=" must not become a formula."""
    if isinstance(value, str):
        value = clean_text(value)
        if not value.startswith("="):
            return value  # a plain string is cheaper than a cell object, and most text is plain
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def _number(ws, value: Decimal | int | None, fmt: str | None = None) -> WriteOnlyCell:
    """A number cell with a number format (``#,##0``, or with decimals when it has them), never General."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = WriteOnlyCell(ws, value)
    cell.number_format = fmt or number_format(value)
    return cell


def _percent(ws, value: Decimal | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, percent_value(value))
    cell.number_format = PERCENT_FORMAT
    return cell


def _header(ws, labels: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, label)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER
        cells.append(cell)
    return cells


def _title(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.font = TITLE_FONT
    return cell


class Line(NamedTuple):
    """One activity as the sheet reads it: plain values from one narrow query, not seven model instances."""

    pk: int
    title: str
    target_quantity: Decimal
    unit: str
    pillar_code: str
    plan_status: str
    username: str
    first_name: str
    last_name: str
    village: str | None
    kecamatan: str | None

    @property
    def companion_name(self) -> str:
        """As ``Companion.display_name``: the full name, or the username when there is none."""
        return f"{self.first_name} {self.last_name}".strip() or self.username


COLUMNS = (
    "pk",
    "title",
    "target_quantity",
    "unit",
    "pillar__code",
    "plan__status",
    "plan__companion__user__username",
    "plan__companion__user__first_name",
    "plan__companion__user__last_name",
    "village__name",
    "village__parent__name",
)


def _lines(ids: list[int], through: int) -> Iterator[tuple[Line, dict[int, Entry]]]:
    """Each activity of ``ids`` in the sheet's order with its entries up to the cut-off, a chunk at a time."""
    for chunk in figures.chunks(_ordered(ids), CHUNK):
        lines = {row[0]: Line._make(row) for row in Activity.objects.filter(pk__in=chunk).values_list(*COLUMNS)}
        entries: dict[int, dict[int, Entry]] = defaultdict(dict)
        rows = MonthlyProgress.objects.filter(activity_id__in=chunk, month__lte=through).values_list(
            "activity_id", "month", "status", "quantity"
        )
        for activity_id, month, status, quantity in rows:
            entries[activity_id][month] = Entry(month, status, quantity)
        for pk in chunk:
            yield lines[pk], entries.get(pk, {})


def _ordered(ids: list[int]) -> list[int]:
    """``ids`` in the sheet's order, read a chunk of ids at a time and merged by the order's key."""
    keyed = []
    for chunk in figures.chunks(ids, CHUNK):
        keyed += list(Activity.objects.filter(pk__in=chunk).values_list(*ORDER))
    keyed.sort()
    return [row[-1] for row in keyed]


# For the bar, an estimate: the national bench's recap of 35,000 plans took 202 s in all, most of it in this step.
SECONDS_PER_PLAN = 0.004


def write_recap(user, *, year: int, today: date, out, progress=None) -> None:
    """Write the recap of ``user``'s scope for ``year`` to the file ``out``, figures "to date" at ``today``.

    ``progress(percent, step)``, when given, is told how far it is (a job's bar); its ``during`` moves the bar
    through the figures of every plan, the longest step, at the bench's pace per plan."""
    said = progress or (lambda percent, step="": None)
    selection = dashboard.Selection.of_scope(user, year, today)
    plans = dashboard.scoped_plans(user, selection)
    if hasattr(progress, "during"):
        progress.during(5, 40, 1 + SECONDS_PER_PLAN * plans.count(), _("Reading the plans in scope"))
    else:
        said(5, _("Reading the plans in scope"))
    numbers = dashboard.progress(plans, selection, by_area=False, per_activity=True)
    said(40, _("Reading the monthly reports"))
    grid = {row.companion.pk: row for row in selectors.completeness(user, year)}
    cut_off = ToDate(year, selection.month)
    # Said in the reader's language; the workbook itself is in the documents' language.
    writing = _("Writing the workbook")
    with override(DOCUMENT_LANGUAGE):
        heading = Heading(year, _scope_name(user), indonesian_date(today), cut_off)
        wb = Workbook(write_only=True)
        said(55, writing)
        _activity_sheet(wb, numbers, heading)
        said(70, writing)
        _companion_sheet(wb, plans, numbers, grid, heading)
        said(85, writing)
        _pillar_sheet(wb, numbers, heading)
        said(92, writing)
        wb.save(out)


@dataclass(frozen=True)
class Heading:
    """What every sheet's title and printed header say: the year, whose scope, when, and through which month."""

    year: int
    scope: str
    printed_on: str
    cut_off: ToDate

    def title(self, what: str) -> str:
        return _("%(what)s %(year)s, %(scope)s, %(cut_off)s") % {
            "what": what,
            "year": self.year,
            "scope": self.scope,
            "cut_off": self.cut_off.label,
        }

    @property
    def printed(self) -> str:
        return _("RKT recap %(year)s · %(scope)s · printed %(day)s") % {
            "year": self.year,
            "scope": self.scope,
            "day": self.printed_on,
        }


def _scope_name(user) -> str:
    viewer = viewer_for(user)
    if viewer.is_coordinator:
        region = viewer.companion.scope_region
        return f"{region.name} ({region.code})"
    return _("all regions")


def _activity_sheet(wb, numbers: dashboard.Progress, heading: Heading) -> None:
    ws = wb.create_sheet(ACTIVITY_SHEET)
    fixed = [_("Companion"), _("Plan status"), _("Village"), _("District (kecamatan)"), _("Pillar"), _("Activity")]
    fixed += [_("Target"), _("Unit")]
    widths = (22, 11, 16, 16, 8, 40, 8, 10, *([6, 11] * 12), 11, 12)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    print_setup(ws, freeze="G5", title_rows="3:4", header=heading.printed)
    months_row = [""] * len(fixed)
    labels = list(fixed)
    for m in MONTHS:
        months_row += [month_abbr(m), ""]
        labels += [_("Qty"), _("Status")]
    months_row += ["", ""]
    labels += [_("Cumulative"), _("Achievement")]
    ws.append([_title(ws, heading.title(_("Activities in force")))])
    ws.append([_("Plans in force, their approved versions; months after the cut-off are left out.")])
    ws.append(_header(ws, months_row))
    ws.append(_header(ws, labels))
    # Labels translated once, not once per cell.
    statuses = {value: str(label) for value, label in MonthlyProgress.Status.choices}
    plan_statuses = {value: str(label) for value, label in WorkPlan.Status.choices}
    all_villages = _("All villages")
    ids = [activity.pk for activity in numbers.activities]
    for line, entries in _lines(ids, heading.cut_off.month):
        one = numbers.figures[line.pk]
        row = [
            _text(ws, line.companion_name),
            plan_statuses.get(line.plan_status, line.plan_status),
            _text(ws, line.village if line.village is not None else all_villages),
            _text(ws, line.kecamatan or ""),
            _text(ws, line.pillar_code),
            _text(ws, line.title),
            _number(ws, line.target_quantity),
            _text(ws, line.unit),
        ]
        for m in MONTHS:
            entry = entries.get(m)
            if entry is None:
                row += [None, None]
                continue
            row += [_number(ws, entry.quantity), statuses.get(entry.status, entry.status)]
        row += [_number(ws, one.achieved), _percent(ws, one.percent)]
        ws.append(row)


COUNTED_HEADERS = (
    "Activities",
    "Months scheduled",
    "Months reported",
    "Months done",
    "Average achievement",
)


def _tally_cells(ws, tally: Tally) -> list:
    return [
        tally.activities,
        tally.scheduled,
        tally.reported,
        tally.done,
        _percent(ws, tally.achievement_pct),
    ]


UNOWED = (selectors.Cell.NOT_DUE, selectors.Cell.NOT_HELD)


def _companion_sheet(wb, plans: QuerySet[WorkPlan], numbers: dashboard.Progress, grid: dict, heading: Heading) -> None:
    ws = wb.create_sheet(COMPANION_SHEET)
    for index, width in enumerate((24, 10, 12, 10, 11, 11, 11, 12, 10, 10, 10, 10), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    print_setup(ws, freeze="B4", title_rows="3:3", header=heading.printed)
    ws.append([_title(ws, heading.title(_("Per companion")))])
    ws.append([_("Reports owed by companions active in the year with a plan in force; late: sent after the deadline.")])
    ws.append(
        _header(
            ws,
            [
                _("Companion"),
                _("Role"),
                _("Plan status"),
                *(_(label) for label in COUNTED_HEADERS),
                _("Reports owed"),
                _("Reports sent"),
                _("Sent late"),
                _("Reports missing"),
            ],
        )
    )
    roles = dict(Companion.Role.choices)
    plan_statuses = dict(WorkPlan.Status.choices)
    # A companion's row counts the months they held their plan (a plan handed over is split at the handover).
    for companion_id, row in sorted(grid.items(), key=lambda item: item[1].companion.user.username):
        tally = numbers.companions.get(companion_id, Tally())
        owed = [cell for cell in row.cells if row.owes and cell.state not in UNOWED]
        ws.append(
            [
                _text(ws, row.companion.display_name),
                str(roles.get(row.companion.role, row.companion.role)),
                str(plan_statuses.get(row.plan_status, row.plan_status)) if row.plan_status else _("no plan"),
                *_tally_cells(ws, tally),
                len(owed),
                sum(1 for cell in owed if cell.is_reported),
                sum(1 for cell in owed if cell.shown_late),
                sum(1 for cell in owed if cell.state == selectors.Cell.MISSING),
            ]
        )
    ws.append(_header(ws, [_("Total"), "", ""]) + _tally_cells(ws, numbers.total))


def _pillar_sheet(wb, numbers: dashboard.Progress, heading: Heading) -> None:
    ws = wb.create_sheet(PILLAR_SHEET)
    for index, width in enumerate((8, 26, 11, 12, 12, 12, 11, 12), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    print_setup(ws, freeze="C4", title_rows="3:3", header=heading.printed)
    ws.append([_title(ws, heading.title(_("Per pillar")))])
    ws.append(
        [
            _(
                "The average achievement is the mean of each activity's share of its own target, "
                "no share above the whole target."
            )
        ]
    )
    ws.append(_header(ws, [_("Code"), _("Pillar"), *(_(label) for label in COUNTED_HEADERS), _("Companions")]))
    companions: dict[int, set[int]] = defaultdict(set)
    for activity in numbers.activities:
        companions[activity.pillar_id] |= numbers.holders[activity.plan_id]
    pillars = {pillar.code: pillar for pillar in Pillar.objects.all()}
    for row in numbers.pillars:
        pillar = pillars[row.key]
        ws.append(
            [_text(ws, pillar.code), _text(ws, pillar.name), *_tally_cells(ws, row.tally), len(companions[pillar.pk])]
        )
    ws.append(_header(ws, [_("Total"), ""]) + _tally_cells(ws, numbers.total))

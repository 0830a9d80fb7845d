"""A coordinator's quarterly recap: each companion of the scope with a counted plan of the year, the quarter's plan
against realisation (:attr:`pillars.selectors.PeriodReport.total`, the figure each quarter report shows, through
:func:`pillars.selectors.period_tallies`) and the status of the quarter's narrative. The scope is the recap's
(:func:`reports.dashboard.scoped_plans` with the home page's :class:`~reports.dashboard.Selection`); the page shows it
a page of plans at a time, the workbook (a job, like the yearly recap) all of it, a chunk of plans at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from pillars import selectors
from pillars.figures import CHUNK, PeriodTally, quarter_months
from pillars.models import QuarterReport, WorkPlan
from reports import dashboard
from reports.documents import DOCUMENT_LANGUAGE, indonesian_date
from reports.recap import BOLD, CENTER, HEADER_FILL, TITLE_FONT, _scope_name
from reports.workbook import PERCENT_FORMAT, clean_text, percent_value, print_setup
from villages.batches import chunks

SHEET = "Triwulan"


def scope_plans(user, year: int, today: date) -> QuerySet[WorkPlan]:
    """The plans of the recap: the home page's for ``year`` (visible, counted), by companion."""
    selection = dashboard.Selection.of_scope(user, year, today)
    return (
        dashboard.scoped_plans(user, selection)
        .select_related("companion__user")
        .order_by("companion__user__username", "pk")
    )


@dataclass(frozen=True)
class RecapRow:
    """One companion's plan in the quarter: its figure (None: no plan in force) and its narrative."""

    plan: WorkPlan
    tally: PeriodTally | None
    report: QuarterReport | None

    @property
    def narrative_status(self) -> str:
        return self.report.get_status_display() if self.report else _("Not submitted")

    @property
    def submitted_day(self) -> date | None:
        """The local day the narrative was first submitted."""
        if self.report is None or self.report.submitted_at is None:
            return None
        return timezone.localdate(self.report.submitted_at)

    @property
    def narrative_status_key(self) -> str:
        """The CSS class of its badge."""
        return self.report.status if self.report else "missing"


def recap_rows(plans: Iterable[WorkPlan], quarter: int) -> list[RecapRow]:
    """The rows of ``plans`` (loaded with ``companion__user``): a fixed number of queries for any number of them."""
    plans = list(plans)
    tallies = selectors.period_tallies(plans, quarter_months(quarter))
    reports = {r.plan_id: r for r in QuarterReport.objects.filter(plan__in=[p.pk for p in plans], quarter=quarter)}
    return [RecapRow(plan, tallies.get(plan.pk), reports.get(plan.pk)) for plan in plans]


HEADERS = (
    gettext_lazy("Companion"),
    gettext_lazy("Role"),
    gettext_lazy("Plan status"),
    gettext_lazy("Activities"),
    gettext_lazy("Realisation against the quarter's plan"),
    gettext_lazy("Left out"),
    gettext_lazy("Achievement of the annual targets through the quarter"),
    gettext_lazy("Narrative"),
    gettext_lazy("Narrative submitted"),
)
# The column of the quarter's figure (1-based), which the tests read back.
FIGURE_COLUMN = 5


def _cell(ws, value, *, fmt: str | None = None, header: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, clean_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: a name starting with "=" is no formula
    if fmt:
        cell.number_format = fmt
    if header:
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER
    return cell


def write_quarter_recap(user, *, year: int, quarter: int, today: date, out, progress=None) -> None:
    """Write the quarterly recap of ``user``'s scope to the file ``out``."""
    said = progress or (lambda percent, step="": None)
    said(5, _("Reading the plans in scope"))
    plans = scope_plans(user, year, today)
    ids = list(plans.values_list("pk", flat=True))
    with override(DOCUMENT_LANGUAGE):
        title = _("Quarterly recap, %(period)s, %(scope)s") % {
            "period": selectors.period_label(quarter, year),
            "scope": _scope_name(user),
        }
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(SHEET)
        for index, width in enumerate((26, 12, 12, 10, 14, 9, 14, 14, 16), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        printed = _("printed %(day)s") % {"day": indonesian_date(today)}
        print_setup(ws, freeze="B4", title_rows="3:3", header=f"{title} · {printed}")
        title_cell = WriteOnlyCell(ws, title)
        title_cell.font = TITLE_FONT
        ws.append([title_cell])
        ws.append([printed])
        ws.append([_cell(ws, str(label), header=True) for label in HEADERS])
        roles = {}
        for done, chunk in enumerate(chunks(ids, CHUNK)):
            said(10 + int(80 * done * CHUNK / max(len(ids), 1)), _("Writing the workbook"))
            in_chunk = {p.pk: p for p in plans.filter(pk__in=chunk)}
            for row in recap_rows([in_chunk[pk] for pk in chunk], quarter):
                companion = row.plan.companion
                roles.setdefault(companion.role, companion.get_role_display())
                tally = row.tally
                ws.append(
                    [
                        _cell(ws, companion.display_name),
                        _cell(ws, str(roles[companion.role])),
                        _cell(ws, row.plan.get_status_display()),
                        tally.activities if tally else None,
                        _cell(ws, percent_value(tally.achievement_pct) if tally else None, fmt=PERCENT_FORMAT),
                        tally.left_out if tally else None,
                        _cell(ws, percent_value(tally.to_date.achievement_pct) if tally else None, fmt=PERCENT_FORMAT),
                        _cell(ws, row.narrative_status),
                        _cell(ws, indonesian_date(row.submitted_day) if row.submitted_day else ""),
                    ]
                )
        said(95, _("Writing the workbook"))
        wb.save(out)

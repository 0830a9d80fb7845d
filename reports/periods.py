"""The quarter (triwulan) and annual reports as documents: one builder (:func:`period_document`) that the PDF
and the workbook both read, so the two never disagree with each other nor with the page, which reads the same
:func:`pillars.selectors.period_report`. Indonesian, with the letterhead and the signature block of the monthly
report. ``plan`` comes through ``WorkPlan.objects.visible_to(user)``; nothing here checks scope again."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pillars import selectors
from pillars.models import QuarterReport, WorkPlan
from reports.documents import (
    DOCUMENT_LANGUAGE,
    Approval,
    Identity,
    Letterhead,
    _approval,
    _signed_on,
    identity_for,
    letterhead_for,
)
from reports.workbook import CENTER, PERCENT_FORMAT, TOP, WRAP, number_format, percent_value, print_setup, put

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass
class PeriodDocument:
    plan: WorkPlan
    title: str
    period_label: str
    identity: Identity
    report: selectors.PeriodReport
    signed_on: str
    letterhead: Letterhead
    approval: Approval | None

    @property
    def quarter_report(self) -> QuarterReport | None:
        return self.report.report

    @property
    def is_draft(self) -> bool:
        """A quarter whose narrative is not acknowledged yet; the year once every quarter is."""
        if self.report.quarter is None:
            return any(r is None or not r.is_acknowledged for _q, r in self.report.narratives)
        report = self.quarter_report
        return report is None or not report.is_acknowledged


def period_title(quarter: int | None, year: int) -> str:
    if quarter is None:
        return _("ANNUAL REPORT OF VILLAGE COMMUNITY COMPANIONSHIP, YEAR %(year)s") % {"year": year}
    return _("QUARTERLY REPORT %(roman)s OF VILLAGE COMMUNITY COMPANIONSHIP, YEAR %(year)s") % {
        "roman": ROMAN[quarter],
        "year": year,
    }


def period_document(plan: WorkPlan, quarter: int | None) -> PeriodDocument:
    """The quarter's (or, ``quarter`` None, the year's) report as its PDF and workbook show it."""
    villages = list(plan.villages.select_related("parent__parent").order_by("code"))
    report = selectors.period_report(plan, quarter)
    narrative = report.report
    with override(DOCUMENT_LANGUAGE):
        title = period_title(quarter, plan.year)
        label = selectors.period_label(quarter, plan.year)
    acknowledged = narrative is not None and narrative.is_acknowledged
    return PeriodDocument(
        plan=plan,
        title=title,
        period_label=label,
        identity=identity_for(plan, villages),
        report=report,
        signed_on=_signed_on(narrative.submitted_at if narrative else None, plan.zone),
        letterhead=letterhead_for(villages),
        approval=_approval(gettext_lazy("Acknowledged"), narrative.reviewed_at, narrative.reviewed_by, plan.zone)
        if acknowledged
        else None,
    )


# --- the workbook ------------------------------------------------------------------------------------

SHEET = "Laporan"
PILLAR_FILL = PatternFill("solid", fgColor="E6EFE9")
HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("Pillar"),
    gettext_lazy("Activity"),
    gettext_lazy("Village"),
    gettext_lazy("Annual target"),
    gettext_lazy("Unit"),
    gettext_lazy("Planned in the period"),
    gettext_lazy("Achieved in the period"),
    gettext_lazy("Percent of the period's plan"),
    gettext_lazy("Cumulative"),
    gettext_lazy("Percent of the annual target"),
    gettext_lazy("What was done"),
    gettext_lazy("Problems met"),
    gettext_lazy("Follow-up"),
)
WIDTHS = (5, 16, 36, 18, 11, 9, 12, 12, 12, 11, 12, 40, 30, 30)
# The columns the figures are in (1-based), which the tests read back.
PLANNED_COLUMN, ACHIEVED_COLUMN, PERCENT_COLUMN, CUMULATIVE_COLUMN = 7, 8, 9, 10


def _number(ws: Worksheet, row: int, column: int, value) -> None:
    if value is None:
        put(ws, row, column, "–", alignment=CENTER)
        return
    put(ws, row, column, value, alignment=TOP, number_format=number_format(value))


def _percent(ws: Worksheet, row: int, column: int, value) -> None:
    put(ws, row, column, percent_value(value), alignment=TOP, number_format=PERCENT_FORMAT)


def _notes(row: selectors.PeriodRow, field: str) -> str:
    return "\n".join(f"{note.month_name}: {getattr(note, field)}" for note in row.notes if getattr(note, field))


def period_workbook(doc: PeriodDocument) -> bytes:
    """The .xlsx bytes of ``doc``: one sheet, the activities by pillar with the period's plan and realisation,
    a subtotal per pillar, the total, the narrative and the signatures."""
    with override(DOCUMENT_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET
        _write(ws, doc)
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def _write(ws: Worksheet, doc: PeriodDocument) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    identity = doc.identity
    put(ws, 1, 1, doc.title, font=Font(bold=True, size=13))
    put(ws, 2, 1, f"{identity.companion.display_name} · {', '.join(v.name for v in identity.villages)}")
    put(ws, 3, 1, doc.period_label)
    header_row = 5
    for column, label in enumerate(HEADERS, start=1):
        put(ws, header_row, column, str(label), font=Font(bold=True), fill=PILLAR_FILL, alignment=CENTER)
    print_setup(ws, freeze=f"A{header_row + 1}", title_rows=f"{header_row}:{header_row}", header=doc.title)
    row = header_row + 1
    number = 0
    for block in doc.report.pillars:
        for item in block.rows:
            number += 1
            activity = item.activity
            put(ws, row, 1, number, alignment=TOP)
            put(ws, row, 2, activity.pillar.name, alignment=WRAP)
            put(ws, row, 3, activity.title, alignment=WRAP)
            put(ws, row, 4, activity.village.name if activity.village else _("All villages"), alignment=WRAP)
            _number(ws, row, 5, activity.target_quantity)
            put(ws, row, 6, activity.unit, alignment=TOP)
            _number(ws, row, PLANNED_COLUMN, item.planned)
            _number(ws, row, ACHIEVED_COLUMN, item.achieved)
            _percent(ws, row, PERCENT_COLUMN, item.percent)
            _number(ws, row, CUMULATIVE_COLUMN, item.cumulative)
            _percent(ws, row, 11, item.cumulative_percent)
            for column, name in ((12, "description"), (13, "problems"), (14, "follow_up")):
                put(ws, row, column, _notes(item, name), alignment=WRAP)
            row += 1
        put(ws, row, 3, _("Subtotal %(pillar)s") % {"pillar": block.pillar.name}, font=Font(bold=True))
        _percent(ws, row, PERCENT_COLUMN, block.tally.achievement_pct)
        _percent(ws, row, 11, block.tally.to_date.achievement_pct)
        row += 1
    put(ws, row, 3, _("Total (mean of the activities' capped shares)"), font=Font(bold=True))
    _percent(ws, row, PERCENT_COLUMN, doc.report.total.achievement_pct)
    _percent(ws, row, 11, doc.report.total.to_date.achievement_pct)
    row += 2
    if doc.report.quarter is not None:
        report = doc.quarter_report
        put(ws, row, 1, _("The quarter's narrative"), font=Font(bold=True))
        put(ws, row + 1, 1, report.narrative if report else "", alignment=WRAP)
        ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=11)
        row += 3
    place_date = f"{identity.place}, {doc.signed_on}" if identity.place else doc.signed_on
    if doc.approval:
        put(ws, row, 3, doc.approval.line)
        row += 1
    lines = (
        (_("Acknowledged by,"), place_date),
        (identity.coordinator_title, identity.companion.get_role_display()),
        ("", ""),
        ("", ""),
        (identity.coordinator.display_name if identity.coordinator else "", identity.companion.display_name),
    )
    for offset, (left, right) in enumerate(lines):
        bold = offset == len(lines) - 1
        put(ws, row + offset, 3, left, alignment=CENTER, font=Font(bold=bold))
        put(ws, row + offset, 12, right, alignment=CENTER, font=Font(bold=bold))

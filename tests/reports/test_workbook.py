"""The plan workbook: sheets, layout, numbers, and who may download it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext, override

from pillars.models import Pillar, WorkPlan
from reports import documents
from reports.workbook import COLUMN_INDEX, HEADER_MARKER, KEY_COLUMN, RUPIAH_FORMAT
from tests.factories import VillageDataFactory, region
from tests.reports.exports_helpers import fill_plan, queries_of, record, set_status, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(plan) -> str:
    return reverse("reports:plan-xlsx", args=[plan.pk])


def download(cast, user=None):
    response = cast.client_for(user or cast.companion).get(url(cast.plan))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return workbook(response.content)


def header_row(ws) -> int:
    for row in ws.iter_rows(min_col=KEY_COLUMN, max_col=KEY_COLUMN):
        if row[0].value == HEADER_MARKER:
            return row[0].row
    raise AssertionError("no header row")


def test_it_redirects_anonymous_to_login(cast):
    assert cast.client_for(None).get(url(cast.plan)).status_code == 302


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_other_peoples_workbook_answers_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(url(cast.plan)).status_code == 404


def test_it_rejects_post(cast):
    assert cast.client_for(cast.companion).post(url(cast.plan)).status_code == 405


def test_the_coordinator_in_scope_downloads_it(cast):
    fill_plan(cast.plan, 2)
    book = download(cast, cast.coordinator)
    assert book.sheetnames == ["RKT", "Progres", "Data Desa", "RKT-asal"]
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "visible"] == ["RKT", "Progres", "Data Desa"]


def test_the_rkt_sheet_is_laid_out_like_the_pdf(cast):
    activities = fill_plan(cast.plan, 9)
    ws = download(cast)["RKT"]
    with override(documents.DOCUMENT_LANGUAGE):
        title = documents.plan_title(2026)
        months = [str(MONTHS_3[m]).title() for m in range(1, 13)]
    assert ws["A1"].value == title
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:Z1" in merged
    header = header_row(ws)
    month_row = [ws.cell(header + 1, COLUMN_INDEX[f"m{m}"]).value for m in range(1, 13)]
    assert month_row == months
    assert f"K{header}:V{header}" in merged  # "Schedule 2026" over the twelve months
    # Each pillar opens with a merged row.
    for pillar in Pillar.objects.filter(is_active=True):
        rows = [r for r in range(header, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == f"rkt:pillar:{pillar.code}"]
        assert len(rows) == 1
        assert f"A{rows[0]}:Z{rows[0]}" in merged
        assert pillar.name in ws.cell(rows[0], 1).value
    # Activity rows: numbers stay numbers, months are marks, the key is hidden.
    first = activities[0]
    row = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == str(first.pk))
    assert ws.cell(row, COLUMN_INDEX["title"]).value == first.title
    assert ws.cell(row, COLUMN_INDEX["target_quantity"]).value == 1
    assert ws.cell(row, COLUMN_INDEX["target_quantity"]).data_type == "n"
    marks = [m for m in range(1, 13) if ws.cell(row, COLUMN_INDEX[f"m{m}"]).value]
    assert tuple(marks) == first.months
    assert ws.column_dimensions["AA"].hidden
    budget_row = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == str(activities[1].pk))
    budget = ws.cell(budget_row, COLUMN_INDEX["budget"])
    assert budget.value == 1_000_000 and budget.number_format == RUPIAH_FORMAT
    assert ws.cell(row, COLUMN_INDEX["title"]).alignment.wrap_text


def test_subtotals_count_activities_budget_and_months(cast):
    activities = fill_plan(cast.plan, 8)
    ws = download(cast)["RKT"]
    subtotals = [r for r in range(1, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == "rkt:subtotal"]
    assert len(subtotals) == Pillar.objects.filter(is_active=True).count() + 1  # each pillar and the total
    total_row = subtotals[-1]
    assert ws.cell(total_row, COLUMN_INDEX["budget"]).value == sum(int(a.budget or 0) for a in activities)
    january = sum(1 for a in activities if 1 in a.months)
    assert (ws.cell(total_row, COLUMN_INDEX["m1"]).value or 0) == january


def test_print_setup_freeze_and_print_titles(cast):
    fill_plan(cast.plan, 3)
    ws = download(cast)["RKT"]
    header = header_row(ws)
    assert ws.freeze_panes == f"E{header + 2}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${header}:${header + 1}"


def test_the_progress_sheet_has_quantity_status_cumulative_and_percentage(cast):
    activity = fill_plan(cast.plan, 1)[0]  # target 1
    activity.target_quantity = 4
    activity.save()
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    record(activity, 1, "1")
    record(activity, 2, "2", status="ongoing")
    ws = download(cast)["Progres"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == activity.title)
    with override(documents.DOCUMENT_LANGUAGE):
        done, ongoing = gettext("Done"), gettext("Ongoing")
    assert [ws.cell(row, c).value for c in range(7, 11)] == [1, done, 2, ongoing]
    assert ws.cell(row, 7 + 24).value == 3  # cumulative
    assert ws.cell(row, 8 + 24).value == pytest.approx(0.75)
    assert ws.cell(row, 8 + 24).number_format == "0.0%"


def test_the_village_sheet_uses_the_latest_data_up_to_the_plan_year(cast):
    VillageDataFactory(village=region("34.03.01.2001"), year=2025, poor_households=150, dana_desa=1_250_000_000)
    ws = download(cast)["Data Desa"]
    values = [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)]
    first = next(v for v in values if v[0] == "34.03.01.2001")
    assert first[3] == 2025 and first[8] == 150 and first[10] == 1_250_000_000
    second = next(v for v in values if v[0] == "34.03.01.2002")
    assert second[3:] == [None] * (len(second) - 3) or all(v is None for v in second[3:])


def test_text_that_looks_like_a_formula_stays_text(cast):
    activity = fill_plan(cast.plan, 1)[0]
    activity.title = '=HYPERLINK("http://evil.example","klik")'
    activity.save()
    ws = download(cast)["RKT"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == activity.title)
    assert cell.data_type == "s"


def test_query_count_does_not_grow_with_activities(cast, django_assert_num_queries):
    client = cast.client_for(cast.companion)
    fill_plan(cast.plan, 5)
    client.get(url(cast.plan))
    small = queries_of(lambda: client.get(url(cast.plan)))
    fill_plan(cast.plan, 45)
    with django_assert_num_queries(small):
        assert client.get(url(cast.plan)).status_code == 200


def test_the_export_links_partial_offers_what_each_page_needs(cast):
    from django.template.loader import render_to_string

    plan_links = render_to_string("reports/_export_links.html", {"plan": cast.plan, "can_edit": True})
    assert reverse("reports:plan-pdf", args=[cast.plan.pk]) in plan_links
    assert reverse("reports:plan-xlsx", args=[cast.plan.pk]) in plan_links
    assert reverse("reports:plan-upload", args=[cast.plan.pk]) in plan_links
    locked = render_to_string("reports/_export_links.html", {"plan": cast.plan, "can_edit": False})
    assert reverse("reports:plan-upload", args=[cast.plan.pk]) not in locked
    month = render_to_string("reports/_export_links.html", {"plan": cast.plan, "month": 3})
    assert reverse("reports:month-pdf", args=[cast.plan.pk, 3]) in month
    recap_links = render_to_string("reports/_export_links.html", {"recap_year": 2026})
    assert reverse("reports:recap-xlsx", args=[2026]) in recap_links

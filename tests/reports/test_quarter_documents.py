"""The quarter and annual reports as PDF and workbook, and the coordinator's quarterly recap: each shows the figure the
quarter's page shows, which is the months' figures added up."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.translation import override
from pypdf import PdfReader

from pillars import selectors, services
from pillars.models import QuarterReport
from reports import documents, periods, quarter_recap
from reports.workbook import percent_value
from tests.factories import ActivityFactory
from tests.pillars import quarter_fixtures
from tests.reports.exports_helpers import pdf_text, set_status, workbook
from villages.templatetags.rkt_format import number, percent

pytestmark = pytest.mark.django_db
quarter_world = quarter_fixtures.quarter_world


def in_documents(value, show) -> str:
    with override(documents.DOCUMENT_LANGUAGE):
        return show(value)


# --- PDF --------------------------------------------------------------------------------------------


def test_the_quarter_pdf_opens_and_shows_the_quarters_figures(quarter_world, cast):
    response = cast.client_for(cast.companion).get(reverse("reports:quarter-pdf", args=[quarter_world.plan.pk, 1]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(content)).pages) >= 1
    text = pdf_text(content)
    report = selectors.period_report(quarter_world.plan, 1)
    assert "QUARTERLY REPORT I " in text or "TRIWULAN I " in text
    assert in_documents(report.total.achievement_pct, percent) in text  # 91,7%
    monthly = next(row for row in report.rows if row.activity == quarter_world.monthly)
    assert f"{in_documents(monthly.cumulative, number)} ({in_documents(monthly.cumulative_percent, percent)})" in text
    assert "Rapat desa" in text and "Hujan" in text
    assert cast.companion.get_full_name() in text or cast.companion.username in text  # the signature block


def test_the_annual_pdf_lists_the_quarters_narratives(quarter_world, cast, clock):
    plan = quarter_world.plan
    services.quarter_submit(plan=plan, quarter=1, narrative="Naratif satu", by=cast.companion, now=clock.now)
    response = cast.client_for(cast.coordinator).get(reverse("reports:year-pdf", args=[quarter_world.plan.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Naratif satu" in text
    assert in_documents(selectors.period_report(quarter_world.plan, None).total.achievement_pct, percent) in text


def test_an_acknowledged_quarter_prints_who_acknowledged_it_and_no_draft_mark(quarter_world, cast, clock):
    report = services.quarter_submit(plan=quarter_world.plan, quarter=1, narrative="", by=cast.companion, now=clock.now)
    assert periods.period_document(quarter_world.plan, 1).is_draft
    services.quarter_acknowledge(report=report, by=cast.coordinator, now=clock.now)
    doc = periods.period_document(quarter_world.plan, 1)
    assert not doc.is_draft and doc.approval is not None


@pytest.mark.parametrize("name", ["reports:quarter-pdf", "reports:quarter-xlsx"])
def test_a_quarter_download_of_someone_elses_plan_answers_404(quarter_world, cast, name):
    url = reverse(name, args=[quarter_world.plan.pk, 1])
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    assert cast.client_for(cast.other_companion).get(url).status_code == 404
    assert cast.client_for(None).get(url).status_code == 302
    assert cast.client_for(cast.companion).post(url).status_code == 405


# --- workbook ---------------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> dict[str, list]:
    ws = workbook(content)[periods.SHEET]
    return {row[2]: row for row in ws.iter_rows(min_row=6, values_only=True) if row[2]}


def test_the_quarter_workbook_reads_back_with_the_quarters_numbers(quarter_world, cast):
    response = cast.client_for(cast.companion).get(reverse("reports:quarter-xlsx", args=[quarter_world.plan.pk, 1]))
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    for row in selectors.period_report(quarter_world.plan, 1).rows:
        line = rows[row.activity.title]
        assert line[periods.ACHIEVED_COLUMN - 1] == float(row.achieved)
        planned = line[periods.PLANNED_COLUMN - 1]
        assert planned == (float(row.planned) if row.planned is not None else "–")
        expected = percent_value(row.percent)
        assert line[periods.PERCENT_COLUMN - 1] == (None if expected is None else pytest.approx(expected))
        assert line[periods.CUMULATIVE_COLUMN - 1] == float(row.cumulative)
    total = next(line for title, line in rows.items() if title.startswith("Total"))
    assert total[periods.PERCENT_COLUMN - 1] == pytest.approx(0.917)


def test_the_annual_workbook_plans_the_whole_targets(quarter_world, cast):
    response = cast.client_for(cast.companion).get(reverse("reports:year-xlsx", args=[quarter_world.plan.pk]))
    rows = sheet_rows(response.content)
    assert rows[quarter_world.monthly.title][periods.PLANNED_COLUMN - 1] == 6
    assert rows[quarter_world.monthly.title][periods.ACHIEVED_COLUMN - 1] == 3.5


def test_a_title_starting_with_equals_stays_text(quarter_world, cast):
    ActivityFactory(plan=quarter_world.plan, title="=SUM(A1:A9)", months=(1,))
    url = reverse("reports:quarter-xlsx", args=[quarter_world.plan.pk, 1])
    rows = sheet_rows(cast.client_for(cast.companion).get(url).content)
    assert "=SUM(A1:A9)" in rows


# --- the coordinator's quarterly recap ---------------------------------------------------------------


def recap_url(quarter: int = 1) -> str:
    return reverse("reports:quarter-recap", args=[2026, quarter])


def test_the_recap_page_shows_each_companions_quarter_figure_and_narrative(quarter_world, cast, clock):
    services.quarter_submit(plan=quarter_world.plan, quarter=1, narrative="", by=cast.companion, now=clock.now)
    response = cast.client_for(cast.coordinator).get(recap_url())
    assert response.status_code == 200
    rows = {row.plan.pk: row for row in response.context["rows"]}
    mine = rows[quarter_world.plan.pk]
    assert mine.tally.achievement_pct == selectors.period_report(quarter_world.plan, 1).total.achievement_pct
    assert mine.report.status == QuarterReport.Status.SUBMITTED
    assert rows[cast.other_plan.pk].tally is None  # a draft: no plan in force
    assert cast.outside_plan.pk not in rows
    html = response.content.decode()
    assert "91.7%" in html and "Submitted" in html and "No plan in force" in html


def test_the_recap_is_for_reviewers_only(quarter_world, cast):
    assert cast.client_for(cast.companion).get(recap_url()).status_code == 404
    assert cast.client_for(None).get(recap_url()).status_code == 302
    assert cast.client_for(cast.coordinator).post(recap_url()).status_code == 405
    assert cast.client_for(cast.coordinator).get(recap_url(5)).status_code == 404


def test_the_recap_workbook_is_made_as_a_job_with_the_same_figures(quarter_world, cast):
    set_status(cast.other_plan, "approved")
    client = cast.client_for(cast.coordinator)
    page = client.post(reverse("reports:quarter-recap-xlsx", args=[2026, 1]), follow=True)
    job = page.context["job"]
    assert job.has_download, job.error
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    ws = workbook(content)[quarter_recap.SHEET]
    lines = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    mine = lines[quarter_world.plan.companion.display_name]
    assert mine[quarter_recap.FIGURE_COLUMN - 1] == pytest.approx(0.917)
    other = lines[cast.other_plan.companion.display_name]
    assert other[quarter_recap.FIGURE_COLUMN - 1] is None  # in force, but no activity with a plan in the quarter
    assert other[3] == 0
    assert len(lines) == 2  # the outsider's kabupaten is not in the scope


def test_the_recap_page_runs_the_same_queries_for_more_companions(quarter_world, cast):
    from tests.factories import CompanionFactory, PlanFactory, UserFactory, region
    from tests.reports.exports_helpers import queries_of

    client = cast.client_for(cast.coordinator)

    def grow(start: int, size: int) -> None:
        for n in range(start, start + size):
            village = region(f"34.03.01.{2400 + n}")
            companion = CompanionFactory(user=UserFactory(username=f"q{n}"), villages=[village])
            plan = PlanFactory(companion=companion, villages=[village], status="approved")
            activity = ActivityFactory(plan=plan, months=(1, 2))
            quarter_fixtures.entry(activity, 1, "1")

    grow(0, 2)
    client.get(recap_url())
    small = queries_of(lambda: client.get(recap_url()))
    grow(2, 18)
    assert queries_of(lambda: client.get(recap_url())) == small


def test_the_page_the_pdf_the_workbook_and_the_months_agree(quarter_world, cast):
    plan, client = quarter_world.plan, cast.client_for(cast.companion)
    page = client.get(reverse("pillars:plan-quarter", args=[plan.pk, 1])).context["doc"]
    sheet = sheet_rows(client.get(reverse("reports:quarter-xlsx", args=[plan.pk, 1])).content)
    text = pdf_text(client.get(reverse("reports:quarter-pdf", args=[plan.pk, 1])).content)
    months = [selectors.month_rows(plan, m) for m in (1, 2, 3)]
    for row in page.rows:
        from_months = sum(
            (r.entry.quantity for month in months for r in month.all if r.activity.pk == row.activity.pk and r.entry),
            start=0,
        )
        assert row.achieved == from_months
        assert sheet[row.activity.title][periods.ACHIEVED_COLUMN - 1] == float(from_months)
    total = page.total.achievement_pct
    assert in_documents(total, percent) in text
    figure = next(line for title, line in sheet.items() if title.startswith("Total"))[periods.PERCENT_COLUMN - 1]
    assert figure == pytest.approx(percent_value(total))

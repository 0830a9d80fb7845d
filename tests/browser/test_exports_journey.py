"""Journey 4: the companion downloads the plan PDF, the plan workbook and a monthly PDF (they arrive and
are valid files), edits the workbook and uploads it back through the preview."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pillars.models import MonthlyProgress, Pillar, WorkPlan
from reports.workbook import COLUMN_INDEX, KEY_COLUMN, RKT_SHEET
from tests.clock import local
from tests.factories import ActivityFactory, PlanFactory, ProgressFactory, open_year

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def plans(people):
    """Last year's approved plan with a reported March, and this year's draft with one activity per pillar."""
    companion = people["companion"]
    year = people["year"]
    open_year(year - 1)
    last = PlanFactory(
        companion=companion, year=year - 1, status=WorkPlan.Status.APPROVED, approved_at=local(year - 1, 1, 5, 9)
    )
    meeting = ActivityFactory(plan=last, title="Rapat koordinasi desa", months=(3,), target_quantity=Decimal("1"))
    ProgressFactory(
        activity=meeting,
        month=3,
        status=MonthlyProgress.Status.DONE,
        quantity=Decimal("1"),
        description="Rapat bersama BPD membahas RKP Desa.",
    )
    current = PlanFactory(companion=companion, year=year)
    for position, pillar in enumerate(Pillar.objects.active().order_by("order")):
        ActivityFactory(plan=current, pillar=pillar, title=f"Kegiatan {pillar.code}", position=position)
    return last, current


def download(visitor, link, folder: Path) -> bytes:
    """Click a download link as a person does; the file must arrive whole."""
    with visitor.page.expect_download() as arrival:
        link.click()
    download = arrival.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    return path.read_bytes()


def open_pdf(visitor, link) -> bytes:
    """The PDFs open in the browser (Content-Disposition: inline). Chromium's viewer keeps the bytes to
    itself, so they are fetched again with the same session, as "save" in the viewer would."""
    href = link.get_attribute("href")
    with visitor.watch.allowing(r"/favicon\.ico$"):  # Chromium's PDF viewer asks for one
        with visitor.page.expect_response(lambda response: response.url.endswith(href)) as arrival:
            link.click()
        assert arrival.value.status == 200
        assert arrival.value.headers["content-type"] == "application/pdf"
        visitor.page.go_back()
    again = visitor.page.context.request.get(visitor.url(href))
    assert again.ok and again.headers["content-type"] == "application/pdf"
    return again.body()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_companion_downloads_plan_pdf_workbook_and_month_pdf_then_uploads_an_edited_workbook(
    visit, people, plans, tmp_path
):
    last, current = plans
    companion = visit("pld")
    companion.go(current.get_absolute_url())
    exports = companion.page.locator(".export-links")
    plan_pdf = exports.locator(f"a[href='{reverse('reports:plan-pdf', args=[current.pk])}']")
    plan_xlsx = exports.locator(f"a[href='{reverse('reports:plan-xlsx', args=[current.pk])}']")
    with companion.watch.allowing(r"/reports/plans/\d+/"):  # a download ends the request without a page
        text = pdf_text(open_pdf(companion, plan_pdf))
        assert "Kegiatan ASI" in text and "Kegiatan KAP" in text
        book = load_workbook(io.BytesIO(download(companion, plan_xlsx, tmp_path)))
    sheet = book[RKT_SHEET]
    keys = {str(sheet.cell(row, KEY_COLUMN).value): row for row in range(1, sheet.max_row + 1)}
    changed = current.activities.get(title="Kegiatan ORG")
    assert str(changed.pk) in keys, "every activity has its row, keyed by id"
    companion.look("plan-with-downloads")

    companion.go(reverse("pillars:plan-month", args=[last.pk, 3]))
    month_pdf = companion.page.locator(f".export-links a[href='{reverse('reports:month-pdf', args=[last.pk, 3])}']")
    with companion.watch.allowing(r"/reports/plans/\d+/"):
        text = pdf_text(open_pdf(companion, month_pdf))
        assert "Rapat koordinasi desa" in text and "Rapat bersama BPD" in text
    companion.look("month-with-download")

    # Offline, in a spreadsheet: a new target for one activity.
    sheet.cell(keys[str(changed.pk)], COLUMN_INDEX["target_quantity"]).value = 9
    edited = tmp_path / "rkt-edited.xlsx"
    book.save(edited)

    companion.go(current.get_absolute_url())
    with companion.page.expect_navigation():
        companion.page.locator(f".export-links a[href='{reverse('reports:plan-upload', args=[current.pk])}']").click()
    companion.look("upload-form")
    companion.page.locator("input[type=file][name=file]").set_input_files(edited)
    with companion.page.expect_navigation():
        companion.page.locator("main form[enctype] button[type=submit]").click()
    preview = companion.page.locator("main")
    assert "Kegiatan ORG" in preview.inner_text()
    assert companion.page.locator("ins", has_text="9").count() == 1
    changed.refresh_from_db()
    assert changed.target_quantity == Decimal("4"), "nothing is saved before confirming"
    companion.look("upload-preview")
    with companion.page.expect_navigation():
        companion.page.locator(
            f"form[action='{reverse('reports:plan-upload-confirm', args=[current.pk])}'] button[type=submit]"
        ).click()
    assert companion.page.url.endswith(current.get_absolute_url())
    changed.refresh_from_db()
    assert changed.target_quantity == Decimal("9")
    assert current.activities.count() == 4
    companion.look("plan-after-upload")

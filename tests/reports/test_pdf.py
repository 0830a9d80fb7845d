"""The plan PDF: what it says, who may have it, and that it costs the same queries at any size."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from pillars.models import Pillar, WorkPlan
from reports import documents, pdf
from tests.factories import CoordinatorFactory, UserFactory, VillageDataFactory, region
from tests.reports.exports_helpers import fill_plan, name_region, pdf_pages, pdf_text, queries_of, set_status

pytestmark = pytest.mark.django_db


def url(plan) -> str:
    return reverse("reports:plan-pdf", args=[plan.pk])


def in_document_language(text: str, **params) -> str:
    with override(documents.DOCUMENT_LANGUAGE):
        return gettext(text) % params if params else gettext(text)


def test_it_redirects_anonymous_to_login(cast):
    response = cast.client_for(None).get(url(cast.plan))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_other_peoples_plan_pdf_answers_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(url(cast.plan)).status_code == 404


def test_it_rejects_post(cast):
    assert cast.client_for(cast.companion).post(url(cast.plan)).status_code == 405


@pytest.mark.parametrize("who", ["companion", "coordinator", "admin"])
def test_the_companion_the_coordinator_and_admin_get_the_pdf(cast, who):
    fill_plan(cast.plan, 3)
    response = cast.client_for(getattr(cast, who)).get(url(cast.plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert ".pdf" in response["Content-Disposition"]


def test_it_shows_title_identity_village_data_pillars_and_months(cast):
    VillageDataFactory(village=region("34.03.01.2001"), year=2026, blt_households=41)
    fill_plan(cast.plan, 8)
    text = pdf_text(cast.client_for(cast.companion).get(url(cast.plan)).content)
    flat = " ".join(text.split())
    assert " ".join(documents.plan_title(2026).split()) in flat
    assert cast.companion.get_full_name() in text
    assert "Region 34.03.01.2001" in text and "41" in text
    for pillar in Pillar.objects.filter(is_active=True):
        assert pillar.name in text
    with override(documents.DOCUMENT_LANGUAGE):
        from django.utils.dates import MONTHS_3

        for month in range(1, 13):
            assert str(MONTHS_3[month]).title() in text
    assert "Kegiatan nomor 8" in text


def test_the_signature_block_names_place_date_coordinator_and_companion(cast):
    name_region("34.03.01", "Wonosari")
    name_region("34.03", "Kabupaten Gunungkidul")
    fill_plan(cast.plan, 2)
    WorkPlan.objects.filter(pk=cast.plan.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 1, 20, 9, 0))
    )
    text = " ".join(pdf_text(cast.client_for(cast.companion).get(url(cast.plan)).content).split())
    assert "Wonosari, 20 Januari 2026" in text
    assert cast.coordinator.get_full_name() in text
    assert in_document_language("Coordinator of %(region)s", region="Kabupaten Gunungkidul") in text
    assert cast.companion.get_full_name() in text
    # The coordinator of another kabupaten never signs this plan.
    assert cast.outsider.get_full_name() not in text


def test_the_most_local_coordinator_signs(cast):
    local = CoordinatorFactory(user=UserFactory(username="koord_kec"), scope_region=region("34.03.01"))
    fill_plan(cast.plan, 1)
    text = pdf_text(cast.client_for(cast.companion).get(url(cast.plan)).content)
    assert local.display_name in text
    assert cast.coordinator.get_full_name() not in text


def test_pages_are_numbered_page_x_of_y_and_the_header_repeats(cast):
    fill_plan(cast.plan, 50)
    pages = pdf_pages(cast.client_for(cast.companion).get(url(cast.plan)).content)
    assert len(pages) >= 3
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert in_document_language("Page %(page)s of %(pages)s", page=number, pages=total) in page
    # The activity table's header is on every page after the first that holds activities.
    header = in_document_language("Output indicator")
    assert sum(1 for page in pages if header in page) >= total - 1


def test_a_draft_carries_the_draft_watermark_and_an_approved_plan_does_not(cast):
    fill_plan(cast.plan, 2)
    watermark = in_document_language("DRAFT")
    client = cast.client_for(cast.companion)
    for status in (WorkPlan.Status.DRAFT, WorkPlan.Status.SUBMITTED, WorkPlan.Status.RETURNED):
        set_status(cast.plan, status)
        pages = pdf_pages(client.get(url(cast.plan)).content)
        assert all(watermark in page.split() for page in pages), status
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    text = pdf_text(client.get(url(cast.plan)).content)
    assert watermark not in text.split()


def test_an_empty_pillar_says_so(cast):
    text = pdf_text(cast.client_for(cast.companion).get(url(cast.plan)).content)
    assert in_document_language("No activity under this pillar yet.") in text


def test_query_count_does_not_grow_with_activities(cast, django_assert_num_queries):
    client = cast.client_for(cast.companion)
    fill_plan(cast.plan, 5)
    client.get(url(cast.plan))  # warm the session
    small = queries_of(lambda: client.get(url(cast.plan)))
    fill_plan(cast.plan, 45)
    with django_assert_num_queries(small):
        assert client.get(url(cast.plan)).status_code == 200


def test_without_weasyprint_the_link_answers_with_a_clear_message(cast, monkeypatch):
    def missing(*args, **kwargs):
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "render_pdf", missing)
    response = cast.client_for(cast.companion).get(url(cast.plan))
    assert response.status_code == 503
    assert pdf.unavailable_message() in response.content.decode()


def test_the_fetcher_serves_static_files_only(settings):
    fetcher = pdf.make_fetcher({f"{pdf.BASE_URL}inline/x.jpg": (b"jpeg", "image/jpeg")})
    css = fetcher.fetch(pdf.static_url_prefix() + "css/print.css")
    assert b"@font-face" in css.read()
    assert fetcher.fetch(f"{pdf.BASE_URL}inline/x.jpg").read() == b"jpeg"
    refused = (
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/print.css",
        "file:///etc/passwd",
        pdf.static_url_prefix() + "../rkt/settings.py",
        pdf.static_url_prefix() + "%2e%2e/manage.py",
        pdf.static_url_prefix() + "css/missing.css",
        "data:text/plain,hello",
    )
    for address in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def test_text_from_the_plan_cannot_pull_files_into_the_pdf(cast):
    """An image tag typed into a title is escaped; nothing outside static/ is ever fetched."""
    activity = fill_plan(cast.plan, 1)[0]
    activity.title = '<img src="file:///etc/passwd">'
    activity.save()
    text = pdf_text(cast.client_for(cast.companion).get(url(cast.plan)).content)
    assert '<img src="file:///etc/passwd">' in text


def test_no_activity_row_is_split_across_pages(cast):
    for activity in fill_plan(cast.plan, 40):
        activity.objective = " ".join(["Penjelasan panjang tujuan kegiatan ini."] * 4) + f" Akhir-{activity.pk}."
        activity.save()
    pages = pdf_pages(cast.client_for(cast.companion).get(url(cast.plan)).content)
    assert len(pages) >= 3
    for activity in cast.plan.activities.all():
        holding_title = [i for i, page in enumerate(pages) if f"{activity.title}\n" in page + "\n"]
        holding_end = [i for i, page in enumerate(pages) if f"Akhir-{activity.pk}." in page]
        assert holding_end and holding_end[0] in holding_title, activity.title

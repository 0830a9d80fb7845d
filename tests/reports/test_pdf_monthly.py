"""The monthly report PDF: plan against realisation, narratives, evidence thumbnails, next month."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext, override
from PIL import Image
from pypdf import PdfReader

from pillars import figures
from pillars.models import Evidence, MonthlyProgress, MonthlyReport, WorkPlan
from reports import documents
from tests.reports.exports_helpers import fill_plan, pdf_pages, pdf_text, queries_of, record, set_status
from villages.templatetags.rkt_format import percent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(plan, month: int) -> str:
    return reverse("reports:month-pdf", args=[plan.pk, month])


def in_document_language(text: str) -> str:
    with override(documents.DOCUMENT_LANGUAGE):
        return gettext(text)


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (31, 95, 74)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def approved(cast) -> WorkPlan:
    fill_plan(cast.plan, 12)
    return set_status(cast.plan, WorkPlan.Status.APPROVED)


def test_it_redirects_anonymous_to_login(cast):
    response = cast.client_for(None).get(url(cast.plan, 3))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_other_peoples_monthly_pdf_answers_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(url(cast.plan, 3)).status_code == 404


def test_it_rejects_post(cast):
    assert cast.client_for(cast.companion).post(url(cast.plan, 3)).status_code == 405


def test_a_month_outside_1_to_12_answers_404(cast):
    assert cast.client_for(cast.companion).get(url(cast.plan, 13)).status_code == 404


def test_it_shows_plan_against_realisation_narratives_and_next_month(cast, approved):
    march = [a for a in approved.activities.all() if 3 in a.months]
    record(
        march[0], 3, "2", description="Rapat desa dihadiri 30 orang", problems="Hujan deras", follow_up="Ulang April"
    )
    record(march[0], 1, "1")
    MonthlyReport.objects.create(plan=approved, month=3, summary="Ringkasan Maret", next_month_plan="Fokus BUMDes")
    text = " ".join(pdf_text(cast.client_for(cast.coordinator).get(url(approved, 3)).content).split())
    for activity in march:
        assert activity.title in text
    assert "Rapat desa dihadiri 30 orang" in text and "Hujan deras" in text and "Ulang April" in text
    assert "Ringkasan Maret" in text and "Fokus BUMDes" in text
    # Cumulative: January's 1 and March's 2 against the target.
    target = march[0].target_quantity
    with override("id"):
        assert f"3 ({percent(figures.percent(3, target))})" in text
    for activity in approved.activities.all():
        if 4 in activity.months and 3 not in activity.months:
            assert activity.title in text  # under next month's plan
    assert cast.companion.get_full_name() in text and cast.coordinator.get_full_name() in text


def test_unscheduled_work_recorded_in_the_month_is_listed_too(cast, approved):
    outside = next(a for a in approved.activities.all() if 3 not in a.months)
    record(outside, 3, "1", status=MonthlyProgress.Status.ONGOING)
    text = pdf_text(cast.client_for(cast.companion).get(url(approved, 3)).content)
    assert outside.title in text


def test_evidence_photos_appear_as_thumbnails(cast, approved):
    activity = next(a for a in approved.activities.all() if 3 in a.months)
    entry = record(activity, 3, "1")
    evidence = Evidence(progress=entry, original_name="rapat.jpg", content_type="image/jpeg", size=1)
    evidence.file.save("x.jpg", ContentFile(photo()), save=False)
    evidence.save()
    Evidence.objects.create(
        progress=entry, file="evidence/missing.pdf", original_name="notulen.pdf", content_type="application/pdf", size=1
    )
    content = cast.client_for(cast.companion).get(url(approved, 3)).content
    images = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    assert len(images) == 1
    assert max(images[0].image.size) <= 240  # a thumbnail, not the 640 px photo
    assert "notulen.pdf" in pdf_text(content)


def test_the_watermark_stays_until_the_coordinator_acknowledges(cast, approved):
    client = cast.client_for(cast.companion)
    watermark = in_document_language("DRAFT")
    assert all(watermark in page.split() for page in pdf_pages(client.get(url(approved, 3)).content))
    MonthlyReport.objects.create(plan=approved, month=3, status=MonthlyReport.Status.ACKNOWLEDGED)
    assert watermark not in pdf_text(client.get(url(approved, 3)).content).split()


def test_query_count_does_not_grow_with_activities(cast, approved, django_assert_num_queries):
    client = cast.client_for(cast.companion)
    for activity in approved.activities.all()[:5]:
        record(activity, 3, "1")
    client.get(url(approved, 3))
    small = queries_of(lambda: client.get(url(approved, 3)))
    for activity in fill_plan(approved, 40):
        record(activity, 3, "1")
    with django_assert_num_queries(small):
        assert client.get(url(approved, 3)).status_code == 200


def test_a_photos_time_and_place_are_printed_beside_it_and_another_month_flagged(cast, approved):
    from decimal import Decimal

    from tests.clock import local

    activity = next(a for a in approved.activities.all() if 3 in a.months)
    entry = record(activity, 3, "1")
    evidence = Evidence(
        progress=entry,
        original_name="rapat.jpg",
        content_type="image/jpeg",
        size=1,
        taken_at=local(approved.year, 2, 20, 8, 15),
        latitude=Decimal("-7.97"),
        longitude=Decimal("110.6"),
        place_source=Evidence.PlaceSource.PHOTO,
    )
    evidence.file.save("x.jpg", ContentFile(photo()), save=False)
    evidence.save()
    text = " ".join(pdf_text(cast.client_for(cast.companion).get(url(approved, 3)).content).split())
    # The document is in Indonesian whatever the page's language.
    assert f"Diambil 20 Februari {approved.year} 08:15" in text
    assert f"diambil 20 Februari {approved.year}, di luar Maret" in text
    assert "-7.97000, 110.60000 (dari foto)" in text

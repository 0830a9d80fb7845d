"""Documents made from files in S3-compatible storage (moto's server): the monthly PDF with a photo and the
office's logo from the bucket, the Word report from the office's own template there, and an object gone missing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from pillars.models import Evidence, WorkPlan
from reports.models import Office
from tests.reports.exports_helpers import fill_plan, pdf_text, record, set_status
from tests.reports.test_office_documents import OFFICE_NAME, docx_text, own_template, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (31, 95, 74)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def march(cast, s3) -> WorkPlan:
    """An approved plan whose March entry has a photo in the bucket and a PDF whose object is gone; its office's
    logo in the bucket too."""
    office = Office(region_id="34.03", name=OFFICE_NAME, logo_type="image/png")
    office.logo.save("logo.png", ContentFile(png()), save=False)
    office.save()
    fill_plan(cast.plan, 4)
    plan = set_status(cast.plan, WorkPlan.Status.APPROVED)
    entry = record(next(a for a in plan.activities.all() if 3 in a.months), 3, "1")
    evidence = Evidence(progress=entry, original_name="rapat.jpg", content_type="image/jpeg", size=1)
    evidence.file.save("rapat.jpg", ContentFile(photo()), save=False)
    evidence.save()
    Evidence.objects.create(
        progress=entry, file="evidence/gone.pdf", original_name="notulen.pdf", content_type="application/pdf", size=1
    )
    assert s3.names() == sorted([office.logo.name, evidence.file.name])
    return plan


def test_the_monthly_pdf_carries_the_photo_and_the_logo_from_the_bucket(cast, march):
    response = cast.client_for(cast.companion).get(reverse("reports:month-pdf", args=[march.pk, 3]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    images = [image for page in PdfReader(io.BytesIO(response.content)).pages for image in page.images]
    sizes = sorted(image.image.size for image in images)
    assert len(images) == 2, sizes  # the letterhead's logo and the photo's thumbnail
    assert (120, 140) in sizes and any(max(size) <= 240 and size != (120, 140) for size in sizes)
    text = pdf_text(response.content)
    assert "notulen.pdf" in text and OFFICE_NAME in " ".join(text.split())


def test_objects_gone_from_the_bucket_leave_the_pdf_without_their_pictures(cast, march, s3):
    s3.delete(Office.objects.get().logo.name)
    response = cast.client_for(cast.companion).get(reverse("reports:month-pdf", args=[march.pk, 3]))
    assert response.status_code == 200
    images = [image for page in PdfReader(io.BytesIO(response.content)).pages for image in page.images]
    assert len(images) == 1 and OFFICE_NAME in " ".join(pdf_text(response.content).split())
    s3.delete(Evidence.objects.get(original_name="rapat.jpg").file.name)
    response = cast.client_for(cast.companion).get(reverse("reports:month-pdf", args=[march.pk, 3]))
    assert response.status_code == 200
    assert not [image for page in PdfReader(io.BytesIO(response.content)).pages for image in page.images]
    assert "rapat.jpg" in pdf_text(response.content)  # listed by name instead


def test_the_word_report_uses_the_offices_template_and_photo_from_the_bucket(cast, march, s3):
    office = Office.objects.get()
    office.monthly_template.save("own.docx", ContentFile(own_template("Laporan kantor: {{ companion.name }}")))
    assert office.monthly_template.name in s3.names()
    response = cast.client_for(cast.companion).get(reverse("reports:month-docx", args=[march.pk, 3]))
    assert response.status_code == 200
    assert "Laporan kantor:" in docx_text(response.content)
    # The app's own template, once the office's is gone from the bucket; the photo comes along in it.
    s3.delete(office.monthly_template.name)
    response = cast.client_for(cast.companion).get(reverse("reports:month-docx", args=[march.pk, 3]))
    assert response.status_code == 200 and "Laporan kantor:" not in docx_text(response.content)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        media = sorted(name.rsplit(".", 1)[1] for name in archive.namelist() if name.startswith("word/media/"))
    assert media == ["jpg", "png"]  # the photo's JPEG, the logo's PNG

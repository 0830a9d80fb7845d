"""A plan PDF or monthly PDF too large for a request is made as a background job: the link opens a page with the
button, the job makes the same document, its owner downloads it. The sizes come from the settings (the bench's)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from jobs.models import Job
from pillars.models import Evidence, WorkPlan
from tests.reports.exports_helpers import fill_plan, pdf_text, record, set_status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def approved(cast) -> WorkPlan:
    fill_plan(cast.plan, 4, "Kegiatan besar")
    return set_status(cast.plan, WorkPlan.Status.APPROVED)


def made(client, start_url: str) -> Job:
    answer = client.post(start_url)
    assert answer.status_code == 302
    job = Job.objects.get()
    assert answer["Location"] == job.get_absolute_url()
    return job


def test_a_plan_within_the_size_is_a_pdf_at_once(cast, approved, settings):
    settings.RKT_PDF_JOB_ACTIVITIES = 4
    response = cast.client_for(cast.companion).get(reverse("reports:plan-pdf", args=[approved.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


def test_a_larger_plan_opens_the_page_that_starts_its_job(cast, approved, settings):
    settings.RKT_PDF_JOB_ACTIVITIES = 3
    client = cast.client_for(cast.coordinator)  # a reviewer may ask for it too
    page = client.get(reverse("reports:plan-pdf", args=[approved.pk]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    start = reverse("reports:plan-pdf-job", args=[approved.pk])
    assert f'action="{start}"' in page.content.decode()
    assert not Job.objects.exists()  # a GET starts nothing
    job = made(client, start)
    assert job.owner == cast.coordinator and job.status == Job.Status.DONE
    pdf = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert "Kegiatan besar 4" in pdf_text(pdf)
    assert job.result_name.endswith(".pdf")


def test_the_job_reads_the_plan_through_its_owners_scope_again(cast, approved):
    job = Job.objects.create(owner=cast.outsider, kind="plan_pdf", title="x", params={"plan": approved.pk,
                             "filename": "x.pdf", "language": "en"})  # fmt: skip
    from jobs import runner

    runner.execute(job.pk, beat=False)
    job.refresh_from_db()
    assert job.is_failed and job.error == "This plan is no longer yours to see."
    assert not job.result_file


def test_another_persons_plan_cannot_be_started_as_a_job(cast, approved):
    answer = cast.client_for(cast.outsider).post(reverse("reports:plan-pdf-job", args=[approved.pk]))
    assert answer.status_code == 404
    assert not Job.objects.exists()


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_out_of_range_is_not_found(cast, approved, month):
    answer = cast.client_for(cast.companion).post(reverse("reports:month-pdf-job", args=[approved.pk, month]))
    assert answer.status_code == 404


def test_a_month_with_more_photos_than_the_size_is_made_as_a_job_with_them(cast, approved, settings):
    settings.RKT_PDF_JOB_PHOTOS = 1
    activity = next(a for a in approved.activities.all() if 3 in a.months)
    entry = record(activity, 3, "1")
    for name in ("a.jpg", "b.jpg"):
        out = io.BytesIO()
        Image.new("RGB", (320, 240), (31, 95, 74)).save(out, "JPEG")
        evidence = Evidence(progress=entry, original_name=name, content_type="image/jpeg", size=1)
        evidence.file.save(name, ContentFile(out.getvalue()), save=False)
        evidence.save()
    client = cast.client_for(cast.companion)
    page = client.get(reverse("reports:month-pdf", args=[approved.pk, 3]))
    assert "2 foto" in page.content.decode() or "2 photos" in page.content.decode()
    job = made(client, reverse("reports:month-pdf-job", args=[approved.pk, 3]))
    pdf = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    images = [image for p in PdfReader(io.BytesIO(pdf)).pages for image in p.images]
    assert len(images) == 2

"""Evidence on S3-compatible storage (moto's server, a real S3 API): uploaded through the month's form into the
bucket, private there, streamed back only through the app after its scope check, a missing object a 404."""

from __future__ import annotations

import tracemalloc

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from pillars.models import Evidence
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import PDF_BYTES, activity_titled, entry_data, image_bytes, upload
from tests.reports.exports_helpers import record

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The local folder, which nothing may be written to while the bucket is the storage."""
    settings.MEDIA_ROOT = tmp_path / "media"


def save(client, plan, files):
    activity = activity_titled(plan, "Rakor bulanan")
    data = entry_data(activity)
    data[f"a{activity.pk}-files"] = files
    return client.post(reverse("pillars:progress-save", args=[plan.pk, 3, activity.pk]), data)


@pytest.fixture
def stored(cast, plan, s3) -> tuple[Evidence, Evidence]:
    """A photo and a PDF the companion uploaded through the month's form, into the bucket."""
    files = [upload("foto rapat.jpg", image_bytes("JPEG", size=(64, 48))), upload("notulen.pdf", PDF_BYTES)]
    assert save(cast.client_for(cast.companion), plan, files).status_code == 302
    photo, pdf = Evidence.objects.order_by("pk")
    return photo, pdf


def served(client, evidence) -> tuple[int, bytes]:
    response = client.get(reverse("pillars:evidence-file", args=[evidence.pk]))
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_an_upload_lands_in_the_bucket_under_its_stored_name_and_nowhere_on_disk(stored, s3, tmp_path):
    photo, pdf = stored
    assert photo.file.name.startswith("evidence/") and s3.names() == sorted([photo.file.name, pdf.file.name])
    assert s3.read(pdf.file.name) == PDF_BYTES
    assert s3.read(photo.file.name).startswith(b"\xff\xd8\xff")  # the JPEG copy made at upload
    assert not (tmp_path / "media").exists()


def test_the_owner_and_the_coordinator_get_the_bytes_from_the_bucket(cast, stored, s3):
    photo, pdf = stored
    for user in (cast.companion, cast.coordinator):
        client = cast.client_for(user)
        assert served(client, pdf) == (200, PDF_BYTES)
        assert served(client, photo) == (200, s3.read(photo.file.name))


def test_the_file_is_streamed_with_its_type_length_and_safe_name(cast, stored):
    _photo, pdf = stored
    response = cast.client_for(cast.companion).get(reverse("pillars:evidence-file", args=[pdf.pk]))
    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert 'filename="notulen.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_people_outside_the_plan_get_404_and_no_bytes(cast, stored, who):
    photo, pdf = stored
    client = cast.client_for(getattr(cast, who))
    assert served(client, pdf)[0] == 404
    assert client.get(reverse("pillars:evidence-thumbnail", args=[photo.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(cast, stored):
    _photo, pdf = stored
    url = reverse("pillars:evidence-file", args=[pdf.pk])
    response = cast.client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)) and "next=" in response["Location"]


def test_the_objects_are_private_in_the_bucket(stored, s3):
    photo, pdf = stored
    assert s3.unsigned_get(pdf.file.name) == 403
    assert s3.unsigned_get(photo.file.name) == 403
    # A signed URL (what the admin's links are) opens it, for the configured seconds.
    url = default_storage.url(pdf.file.name)
    assert "Signature=" in url and "X-Amz-Expires=60" in url
    assert s3.signed_get(url) == PDF_BYTES


def test_a_missing_object_answers_404_as_a_missing_local_file_does(cast, stored, s3):
    photo, pdf = stored
    s3.delete(pdf.file.name)
    s3.delete(photo.file.name)
    client = cast.client_for(cast.companion)
    assert served(client, pdf)[0] == 404
    assert client.get(reverse("pillars:evidence-thumbnail", args=[photo.pk])).status_code == 404
    # The month's page still opens, listing the files by name.
    page = client.get(reverse("pillars:plan-month", args=[photo.progress.activity.plan_id, 3]))
    assert page.status_code == 200 and "notulen.pdf" in page.content.decode()


def test_a_photos_thumbnail_is_made_from_the_bucket(cast, stored):
    photo, _pdf = stored
    response = cast.client_for(cast.companion).get(reverse("pillars:evidence-thumbnail", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8\xff")


def test_removing_a_file_removes_its_object(cast, stored, s3, django_capture_on_commit_callbacks):
    photo, pdf = stored
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.companion).post(reverse("pillars:evidence-delete", args=[pdf.pk]))
    assert response.status_code == 302
    assert s3.names() == [photo.file.name]


def test_a_name_taken_in_the_bucket_is_never_overwritten(stored, s3):
    _photo, pdf = stored
    again = default_storage.save(pdf.file.name, ContentFile(b"other bytes"))
    assert again != pdf.file.name
    assert s3.read(pdf.file.name) == PDF_BYTES


def test_a_large_file_is_sent_without_being_held_in_memory(cast, plan, s3):
    """4 MB from the bucket go out in blocks: the app never holds more than a fraction of it at once."""
    entry = record(activity_titled(plan, "Rakor bulanan"), 3, "1")
    big = Evidence(progress=entry, original_name="scan.pdf", content_type="application/pdf", size=4 * 1024 * 1024)
    content = PDF_BYTES + b"%" + bytes(range(256)) * (16 * 1024)  # past the backend's 2 MB kept in memory
    big.file.save("scan.pdf", ContentFile(content), save=False)
    big.save()
    client, url = cast.client_for(cast.companion), reverse("pillars:evidence-file", args=[big.pk])
    client.get(url)  # once, so what a first request sets up is not counted
    size = 0
    tracemalloc.start()
    try:
        response = client.get(url)
        for block in response.streaming_content:
            size += len(block)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200 and size == len(content)
    assert peak < 1024 * 1024, f"{peak} bytes held at once"

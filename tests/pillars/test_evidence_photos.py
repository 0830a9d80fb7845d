"""Evidence photos from phones: WebP and HEIC read, when and where a photo was taken recorded and shown (a photo of
another month flagged), thumbnails served in scope, and a refused file that leaves the rest of the entry saved."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD, Base

from pillars.evidence import check_upload, parse_exif_time
from pillars.models import Evidence, MonthlyProgress, MonthlyReport
from tests.clock import local
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import PDF_BYTES, activity_titled, entry_data, image_bytes, upload

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(kind: str = "JPEG", *, taken: str | None = "2025:03:05 09:59:00", place: bool = True) -> bytes:
    """A small photo as a phone writes it: its time, and its place (7° 58′ 12″ S, 110° 36′ E) when ``place``."""
    exif = Image.Exif()
    if taken:
        exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken
    if place:
        exif.get_ifd(IFD.GPSInfo).update({1: "S", 2: (7.0, 58.0, 12.0), 3: "E", 4: (110.0, 36.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 80)).save(buffer, kind, exif=exif.tobytes())
    return buffer.getvalue()


def save(client, plan, activity, files, *, htmx: bool = False, follow: bool = False, **values):
    data = entry_data(activity, **values)
    data[f"a{activity.pk}-files"] = files
    url = reverse("pillars:progress-save", args=[plan.pk, 3, activity.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers, follow=follow)


def month_page(client, plan) -> str:
    return client.get(reverse("pillars:plan-month", args=[plan.pk, 3])).content.decode()


# --- what a photo says -------------------------------------------------------------------------------------------


def test_a_photos_time_and_place_are_recorded_from_its_exif(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("IMG_1.jpg", photo())])
    evidence = Evidence.objects.get()
    assert evidence.taken_at == local(2025, 3, 5, 9, 59)
    assert (evidence.latitude, evidence.longitude) == (Decimal("-7.970000"), Decimal("110.600000"))
    assert evidence.place_source == Evidence.PlaceSource.PHOTO


def test_a_photo_that_says_nothing_records_nothing(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("IMG_1.jpg", photo(taken=None, place=False))])
    evidence = Evidence.objects.get()
    assert evidence.taken_at is None and evidence.latitude is None and evidence.place_source == ""


def test_a_time_that_is_not_a_time_is_ignored():
    assert parse_exif_time("0000:00:00 00:00:00") is None
    assert parse_exif_time(b"2025:03:05 09:59:00\x00") == local(2025, 3, 5, 9, 59)


def test_the_phones_location_is_recorded_only_for_photos_that_have_none(cast, plan):
    """The companion pressed "Add my location": the photo without a place gets the phone's, marked as such."""
    rakor = activity_titled(plan, "Rakor bulanan")
    files = [upload("with.jpg", photo()), upload("without.jpg", photo(place=False)), upload("n.pdf", PDF_BYTES)]
    save(cast.client_for(cast.companion), plan, rakor, files, latitude="-7.800123", longitude="110.400456")
    by_name = {e.original_name: e for e in Evidence.objects.all()}
    assert by_name["with.jpg"].place_source == Evidence.PlaceSource.PHOTO
    assert by_name["with.jpg"].latitude == Decimal("-7.970000")
    assert by_name["without.jpg"].place_source == Evidence.PlaceSource.DEVICE
    assert (by_name["without.jpg"].latitude, by_name["without.jpg"].longitude) == (
        Decimal("-7.800123"),
        Decimal("110.400456"),
    )
    assert by_name["n.pdf"].latitude is None


def test_a_location_off_the_earth_is_refused_and_nothing_saved(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(cast.client_for(cast.companion), plan, rakor, [], latitude="91", longitude="10")
    assert response.status_code == 422
    assert not MonthlyProgress.objects.exists()


@pytest.mark.parametrize("kind", ["WEBP", "HEIF"])
def test_webp_and_heic_photos_are_read_and_kept_as_jpeg(cast, plan, kind):
    if kind == "HEIF":
        pytest.importorskip("pillow_heif")
    rakor = activity_titled(plan, "Rakor bulanan")
    name = {"WEBP": "foto.webp", "HEIF": "IMG_0001.HEIC"}[kind]
    save(cast.client_for(cast.companion), plan, rakor, [upload(name, photo(kind), "application/octet-stream")])
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/jpeg" and evidence.original_name.endswith(".jpg")
    with evidence.file.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"
    assert evidence.taken_at == local(2025, 3, 5, 9, 59)


def test_a_heic_photo_is_recognised_by_its_content():
    pytest.importorskip("pillow_heif")
    checked = check_upload(upload("tanpa-nama", photo("HEIF"), "application/octet-stream"))
    assert checked.original_type == "image/heic"


# --- a refused file keeps the entry ------------------------------------------------------------------------------


def test_an_oversized_file_is_left_out_and_the_entry_saved_with_its_version(cast, plan, settings):
    """The text and status are saved, the card says which file was refused and why, and the version moves on."""
    settings.RKT_EVIDENCE_MAX_BYTES = 2000
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    big = PDF_BYTES[:-6] + b"\x00" * 3000 + b"%%EOF\n"
    files = [upload("besar.pdf", big), upload("kecil.jpg", image_bytes("JPEG"))]
    response = save(client, plan, rakor, files, htmx=True, status="ongoing", description="Rapat kedua")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The entry is saved, but these files were not added:" in body
    assert "“besar.pdf” is 3.4\xa0KB; the limit is 2.0\xa0KB per file." in body
    entry = MonthlyProgress.objects.get()
    assert (entry.status, entry.description, entry.version) == ("ongoing", "Rapat kedua", 1)
    assert list(entry.evidence.values_list("original_name", flat=True)) == ["kecil.jpg"]
    # The card answered carries the new version: saving from it works, saving from the old one conflicts.
    assert f'name="a{rakor.pk}-version" value="1"' in body
    assert save(client, plan, rakor, [], htmx=True, version="0").status_code == 409
    assert save(client, plan, rakor, [], htmx=True, version="1", description="Lagi").status_code == 200
    assert MonthlyProgress.objects.get().version == 2


def test_without_htmx_the_refusal_is_shown_on_the_month_page(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("x.jpg", b"bukan foto")], follow=True)
    body = response.content.decode()
    assert "Saved: Rakor bulanan" in body
    assert "“x.jpg” is not a JPEG, PNG, WebP or HEIC photo or a PDF" in body
    assert MonthlyProgress.objects.count() == 1


# --- shown beside the photo --------------------------------------------------------------------------------------


def test_the_month_page_shows_a_thumbnail_the_time_and_the_place(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    save(client, plan, rakor, [upload("IMG_1.jpg", photo())])
    evidence = Evidence.objects.get()
    body = month_page(client, plan)
    thumb = reverse("pillars:evidence-thumbnail", args=[evidence.pk])
    assert f'src="{thumb}" width="96" height="96" loading="lazy"' in body
    assert "Taken 5 March 2025 09:59" in body
    assert "-7.97000, 110.60000" in body and "(from the photo)" in body
    assert "outside March" not in body


def test_a_photo_taken_in_another_month_is_flagged_on_the_month_and_report_pages(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    save(client, plan, rakor, [upload("lama.jpg", photo(taken="2025:02:20 08:00:00"))])
    assert "taken 20 February 2025, outside March" in month_page(client, plan)
    report = MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.SUBMITTED)
    body = cast.client_for(cast.coordinator).get(reverse("pillars:report-detail", args=[report.pk])).content.decode()
    assert "taken 20 February 2025, outside March" in body
    assert reverse("pillars:evidence-thumbnail", args=[Evidence.objects.get().pk]) in body


# --- the thumbnail view ------------------------------------------------------------------------------------------


@pytest.fixture
def evidence(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("foto.jpg", photo())])
    return Evidence.objects.get()


def thumb_url(evidence):
    return reverse("pillars:evidence-thumbnail", args=[evidence.pk])


@pytest.mark.parametrize("who", ["companion", "coordinator"])
def test_the_thumbnail_is_a_small_jpeg_for_people_in_scope(cast, evidence, who):
    response = cast.client_for(getattr(cast, who)).get(thumb_url(evidence))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) <= 240


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_people_outside_the_plan_get_404_for_the_thumbnail(cast, evidence, who):
    assert cast.client_for(getattr(cast, who)).get(thumb_url(evidence)).status_code == 404


def test_anonymous_visitors_are_sent_to_login_for_the_thumbnail(cast, evidence):
    assert cast.client_for(None).get(thumb_url(evidence)).status_code == 302


def test_the_thumbnail_view_rejects_post(cast, evidence):
    assert cast.client_for(cast.companion).post(thumb_url(evidence)).status_code == 405


def test_a_pdf_has_no_thumbnail(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("n.pdf", PDF_BYTES)])
    assert cast.client_for(cast.companion).get(thumb_url(Evidence.objects.get())).status_code == 404

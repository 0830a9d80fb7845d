"""No small upload can make a worker decode or keep too much: photos are refused past a pixel limit read from their
header, kept as one upright, downscaled copy without their camera metadata, PDFs must open, the stored and served
name says the type found, and the file limit holds for two saves at once."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD, Base

from pillars import services
from pillars.evidence import check_upload
from pillars.models import Evidence
from pillars.services import WorkflowError
from tests.factories import ProgressFactory
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import PDF_BYTES, activity_titled, entry_data, image_bytes, upload

plan = progress_fixtures.plan
english = progress_fixtures.english
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def save(client, plan, activity, files, follow=False, **values):
    data = entry_data(activity, **values)
    data[f"a{activity.pk}-files"] = files
    return client.post(reverse("pillars:progress-save", args=[plan.pk, 3, activity.pk]), data, follow=follow)


def png_that_says(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (its pixel data is a few bytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def phone_photo(size=(4000, 3000), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: sideways with an orientation tag, the camera, its serial, date and place."""
    exif = Image.Exif()
    exif[Base.Orientation] = orientation
    exif[Base.Make], exif[Base.Model] = "Samsung", "Galaxy A15"
    exif[Base.DateTime] = "2025:03:05 10:00:00"
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = "2025:03:05 09:59:00"
    exif.get_ifd(IFD.Exif)[Base.BodySerialNumber] = "R58T123"
    exif.get_ifd(IFD.GPSInfo).update({1: "S", 2: (7.0, 58.0, 12.0), 3: "E", 4: (110.0, 36.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 80)).save(buffer, "JPEG", exif=exif.tobytes(), quality=60)
    return buffer.getvalue()


# --- photos ------------------------------------------------------------------------------------------------


def test_a_photo_past_the_pixel_limit_is_refused_from_its_header_with_the_limit_named(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    bomb = png_that_says(9400, 9400)
    assert len(bomb) < 100
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("peta.png", bomb, "image/png")], follow=True)
    # The entry is saved; the file is left out and named.
    assert response.redirect_chain and response.status_code == 200
    body = response.content.decode()
    assert "9400 × 9400 pixels (88.4 megapixels); the limit is 40 megapixels" in body
    assert not Evidence.objects.exists()


def test_the_pixel_limit_is_a_setting(settings):
    settings.RKT_EVIDENCE_MAX_PIXELS = 1_000_000
    with pytest.raises(Exception, match="the limit is 1 megapixels"):
        check_upload(upload("foto.jpg", image_bytes("JPEG", size=(1200, 1000))))


def test_a_photo_is_kept_as_one_upright_downscaled_copy_with_only_its_date_and_place(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    original = phone_photo()
    assert save(cast.client_for(cast.companion), plan, rakor, [upload("IMG_0001.JPG", original)]).status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.original_name) == ("image/jpeg", "IMG_0001.jpg")
    with evidence.file.open("rb") as handle:
        stored = handle.read()
    assert evidence.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        # Turned upright (4000 × 3000 sideways is 3000 × 4000), then 1600 on its longest side.
        assert image.size == (1200, 1600)
        exif = image.getexif()
        assert Base.Orientation not in exif and Base.Make not in exif and Base.Model not in exif
        assert exif[Base.DateTime] == "2025:03:05 10:00:00"
        assert exif.get_ifd(IFD.Exif) == {Base.DateTimeOriginal: "2025:03:05 09:59:00"}
        assert exif.get_ifd(IFD.GPSInfo)[2] == (7.0, 58.0, 12.0)
    assert not evidence.original


def test_the_original_is_kept_beside_the_copy_only_when_the_setting_says_so(cast, plan, settings):
    settings.RKT_EVIDENCE_KEEP_ORIGINALS = True
    rakor = activity_titled(plan, "Rakor bulanan")
    original = phone_photo(size=(2000, 1500))
    save(cast.client_for(cast.companion), plan, rakor, [upload("foto.jpg", original)])
    evidence = Evidence.objects.get()
    assert evidence.original.name.endswith(".jpg") and "/originals/" in evidence.original.name
    with evidence.original.open("rb") as handle:
        assert handle.read() == original


def test_a_transparent_png_is_kept_on_white(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    save(cast.client_for(cast.companion), plan, rakor, [upload("denah.png", buffer.getvalue(), "image/png")])
    with Evidence.objects.get().file.open("rb") as handle, Image.open(handle) as image:
        assert image.getpixel((5, 5)) == (255, 255, 255)


# --- PDFs and names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n",
        b"%PDF-1.4\n\x7fELF\x02\x01\x01\x00" + bytes(300) + b"\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["html", "elf", "no-pages"],
)
def test_what_only_looks_like_a_pdf_is_refused(cast, plan, content):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("laporan.pdf", content)], follow=True)
    # The entry is saved; the file is left out and named.
    assert response.redirect_chain and response.status_code == 200
    assert "not a readable PDF" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_password_protected_pdf_is_refused_saying_so(cast, plan):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF_BYTES)))
    writer.encrypt("rahasia")
    buffer = io.BytesIO()
    writer.write(buffer)
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(
        cast.client_for(cast.companion), plan, rakor, [upload("rahasia.pdf", buffer.getvalue())], follow=True
    )
    # The entry is saved; the file is left out and named.
    assert response.redirect_chain and response.status_code == 200
    assert "protected by a password" in response.content.decode()


def test_a_jpeg_html_polyglot_named_html_is_stored_and_served_as_jpg(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    polyglot = image_bytes("JPEG", size=(16, 16)) + b"<html><script>alert(1)</script></html>"
    save(cast.client_for(cast.companion), plan, rakor, [upload("poly.html", polyglot, "text/html")])
    evidence = Evidence.objects.get()
    assert evidence.original_name == "poly.jpg" and evidence.file.name.endswith(".jpg")
    with evidence.file.open("rb") as handle:
        assert b"<script>" not in handle.read()
    response = cast.client_for(cast.companion).get(reverse("pillars:evidence-file", args=[evidence.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert 'filename="poly.jpg"' in response["Content-Disposition"]


def test_a_file_stored_before_names_were_made_safe_is_served_with_its_types_extension(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("foto.jpg", image_bytes("JPEG"))])
    Evidence.objects.update(original_name="poly.html")
    evidence = Evidence.objects.get()
    response = cast.client_for(cast.companion).get(reverse("pillars:evidence-file", args=[evidence.pk]))
    assert 'filename="poly.jpg"' in response["Content-Disposition"]


# --- the file limit under the month's lock ------------------------------------------------------------------------


def test_the_file_limit_is_counted_again_under_the_lock(cast, plan, settings):
    """Two saves at once both pass the form's count (made before the lock); the second is refused by the count made
    with the plan row locked, so the entry never has more than the limit."""
    rakor = activity_titled(plan, "Rakor bulanan")
    entry = ProgressFactory(activity=rakor, month=3, quantity=Decimal("1"))
    first = [check_upload(upload(f"a{i}.pdf", PDF_BYTES)) for i in range(6)]
    second = [check_upload(upload(f"b{i}.pdf", PDF_BYTES)) for i in range(6)]
    # Both forms counted 0 files; the first save stores 6.
    services.progress_save(activity=rakor, month=3, values={}, version=1, files=first, by=cast.companion)
    with pytest.raises(WorkflowError, match="at most 10 files; it has 6 and you added 6"):
        services.progress_save(activity=rakor, month=3, values={}, version=2, files=second, by=cast.companion)
    assert entry.evidence.count() == 6

"""Evidence files: type from content, Pillow-verified images, size and count limits, scoped serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from pillars.models import Evidence, MonthlyProgress, MonthlyReport
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
    url = reverse("pillars:progress-save", args=[plan.pk, 3, activity.pk])
    return client.post(url, data, follow=follow)


def saved_without_the_file(response, says: str) -> None:
    """A refused file is left out and named on the month page; the entry typed with it is saved."""
    assert response.redirect_chain and response.status_code == 200
    assert says in response.content.decode()
    assert MonthlyProgress.objects.count() == 1


def test_a_photo_and_a_pdf_are_stored_under_server_made_names(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    files = [upload("../../etc/foto rapat.jpg", image_bytes("JPEG")), upload("notulen.pdf", PDF_BYTES)]
    response = save(cast.client_for(cast.companion), plan, rakor, files)
    assert response.status_code == 302
    photo, pdf = Evidence.objects.order_by("pk")
    assert (photo.content_type, photo.original_name) == ("image/jpeg", "foto rapat.jpg")
    assert pdf.content_type == "application/pdf"
    assert photo.file.name.startswith(f"evidence/{plan.year}/") and photo.file.name.endswith(".jpg")
    assert "rapat" not in photo.file.name and "notulen" not in pdf.file.name
    assert pdf.file.name.endswith(".pdf")


def test_a_png_is_accepted_and_kept_as_a_jpeg_copy(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("peta.png", image_bytes("PNG"), "image/png")])
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.original_name) == ("image/jpeg", "peta.jpg")
    assert evidence.file.name.endswith(".jpg") and not evidence.original


def test_the_type_comes_from_the_content_not_the_name(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("scan.jpg", PDF_BYTES)])
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 an executable", b"GIF89a\x01\x00\x01\x00"],
    ids=["html", "exe", "gif"],
)
def test_a_wrong_type_renamed_to_jpg_is_refused_and_the_text_is_saved(cast, plan, content):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(
        cast.client_for(cast.companion),
        plan,
        rakor,
        [upload("foto.jpg", content)],
        follow=True,
        description="Teks saya",
    )
    saved_without_the_file(response, "“foto.jpg” is not a JPEG, PNG, WebP or HEIC photo or a PDF")
    assert not Evidence.objects.exists()
    assert MonthlyProgress.objects.get().description == "Teks saya"


def test_a_corrupt_image_is_refused(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    truncated = image_bytes("JPEG", size=(64, 64))[:200]
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("rusak.jpg", truncated)], follow=True)
    saved_without_the_file(response, "not a readable image")
    assert not Evidence.objects.exists()


def test_a_png_header_on_garbage_is_refused(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    fake = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("x.png", fake, "image/png")], follow=True)
    saved_without_the_file(response, "not a readable image")
    assert not Evidence.objects.exists()


def test_a_truncated_pdf_is_refused(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    response = save(
        cast.client_for(cast.companion), plan, rakor, [upload("x.pdf", b"%PDF-1.4\n1 0 obj\n")], follow=True
    )
    saved_without_the_file(response, "not a complete PDF")
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(cast, plan, settings):
    settings.RKT_EVIDENCE_MAX_BYTES = 1000
    rakor = activity_titled(plan, "Rakor bulanan")
    big = image_bytes("PNG", size=(200, 200)) + b"\x00" * 1000
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("besar.png", big, "image/png")], follow=True)
    saved_without_the_file(response, "the limit is")
    assert not Evidence.objects.exists()


def test_the_default_limit_is_5_mb(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    big = PDF_BYTES[:-6] + b"\x00" * (5 * 1024 * 1024) + b"%%EOF\n"
    response = save(cast.client_for(cast.companion), plan, rakor, [upload("besar.pdf", big)], follow=True)
    saved_without_the_file(response, "the limit is 5.0\xa0MB per file")
    assert not Evidence.objects.exists()


def test_files_past_ten_per_entry_are_refused_by_name(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    client = cast.client_for(cast.companion)
    save(client, plan, rakor, [upload(f"f{i}.pdf", PDF_BYTES) for i in range(9)])
    assert Evidence.objects.count() == 9
    files = [upload(f"g{i}.pdf", PDF_BYTES) for i in range(2)]
    response = save(client, plan, rakor, files, follow=True, version="1")
    saved_without_the_file(response, "“g1.pdf” not added: an entry can have at most 10 files")
    assert sorted(Evidence.objects.values_list("original_name", flat=True))[-1] == "g0.pdf"
    assert Evidence.objects.count() == 10


def test_one_bad_file_among_good_ones_is_left_out_and_the_others_stored(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    files = [upload("ok.pdf", PDF_BYTES), upload("bad.jpg", b"not an image")]
    response = save(cast.client_for(cast.companion), plan, rakor, files, follow=True)
    saved_without_the_file(response, "“bad.jpg” is not a JPEG, PNG, WebP or HEIC photo")
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["ok.pdf"]


# --- serving ---------------------------------------------------------------------------------


@pytest.fixture
def evidence(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    save(cast.client_for(cast.companion), plan, rakor, [upload("foto.jpg", image_bytes("JPEG"))])
    return Evidence.objects.get()


def file_url(evidence):
    return reverse("pillars:evidence-file", args=[evidence.pk])


def test_the_companion_gets_the_file_with_its_type(cast, evidence):
    response = cast.client_for(cast.companion).get(file_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_coordinator_in_scope_gets_the_file(cast, evidence):
    assert cast.client_for(cast.coordinator).get(file_url(evidence)).status_code == 200


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_people_outside_the_plan_get_404_for_the_file(cast, evidence, who):
    assert cast.client_for(getattr(cast, who)).get(file_url(evidence)).status_code == 404


def test_anonymous_visitors_are_sent_to_login_for_the_file(cast, evidence):
    response = cast.client_for(None).get(file_url(evidence))
    assert response.status_code == 302


def test_the_file_view_rejects_post(cast, evidence):
    assert cast.client_for(cast.companion).post(file_url(evidence)).status_code == 405


def test_media_files_have_no_public_url_route(cast, evidence, client):
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


# --- removing ------------------------------------------------------------------------------


def delete_url(evidence):
    return reverse("pillars:evidence-delete", args=[evidence.pk])


def test_the_companion_removes_a_file(cast, evidence, django_capture_on_commit_callbacks):
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.companion).post(delete_url(evidence))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not path.exists()


def test_a_file_of_a_locked_month_cannot_be_removed(cast, plan, evidence):
    MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.SUBMITTED)
    cast.client_for(cast.companion).post(delete_url(evidence))
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_coordinator_cannot_remove_a_file(cast, evidence):
    response = cast.client_for(cast.coordinator).post(delete_url(evidence))
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert response.status_code == 403


def test_another_companion_gets_404_on_remove(cast, evidence):
    assert cast.client_for(cast.other_companion).post(delete_url(evidence)).status_code == 404


def test_remove_rejects_get(cast, evidence):
    assert cast.client_for(cast.companion).get(delete_url(evidence)).status_code == 405


def test_an_htmx_upload_keeps_the_card_and_lists_the_file(cast, plan):
    rakor = activity_titled(plan, "Rakor bulanan")
    data = entry_data(rakor)
    data[f"a{rakor.pk}-files"] = [upload("foto.jpg", image_bytes("JPEG"))]
    url = reverse("pillars:progress-save", args=[plan.pk, 3, rakor.pk])
    response = cast.client_for(cast.companion).post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "foto.jpg" in response.content.decode()


def test_files_written_before_a_failure_are_removed(cast, plan, settings, monkeypatch):
    rakor = activity_titled(plan, "Rakor bulanan")

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", broken_save)
    with pytest.raises(RuntimeError):
        save(cast.client_for(cast.companion), plan, rakor, [upload("foto.jpg", image_bytes("JPEG"))])
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    assert not MonthlyProgress.objects.exists()

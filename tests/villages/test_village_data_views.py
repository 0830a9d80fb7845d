"""The village data pages: the blank template workbook, the web upload and the admin import."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from jobs.models import Job
from villages.models import Region, VillageData

IMPORT = reverse("villages:data-import")
TEMPLATE = reverse("villages:data-template")
CONFIRM = reverse("villages:data-import-confirm")
ADMIN_IMPORT = reverse("admin:villages_villagedata_import")


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language; the default language is Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(text: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


# The blank template ----------------------------------------------------------------------------


def test_the_template_holds_the_villages_of_the_coordinators_scope_only(cast):
    Region.objects.filter(code="34.03.01").update(name="Wonosari")
    Region.objects.filter(code="34.03.01.2002").update(name="Kepek")
    client = cast.client_for(cast.coordinator)
    client.cookies["django_language"] = "id"
    response = client.get(TEMPLATE, {"region": "34.03", "year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "data-desa-2026-34.03" in response["Content-Disposition"]
    sheet = workbook(response).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Kode Desa", "Nama Desa", "Kecamatan", "Nilai Indeks Desa", "Status Indeks Desa")
    codes = [row[0] for row in rows[1:] if row[0]]
    assert codes == ["34.03.01.2001", "34.03.01.2002", "34.03.02.2001"]
    assert rows[2][:3] == ("34.03.01.2002", "Kepek", "Wonosari")


def test_the_template_has_lists_for_the_status_columns(cast):
    response = cast.client_for(cast.coordinator).get(TEMPLATE, {"region": "34.03", "year": 2026})
    sheet = workbook(response).worksheets[0]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists["E2:E201"] == '"Sangat Tertinggal,Tertinggal,Berkembang,Maju,Mandiri"'
    assert set(lists) == {"E2:E201", "Q2:Q201", "R2:R201"}


def test_the_template_headers_follow_the_language_and_import_back(cast):
    client = cast.client_for(cast.coordinator)
    client.cookies["django_language"] = "en"
    response = client.get(TEMPLATE, {"region": "34.03", "year": 2026}, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content
    assert load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value == "Village code"
    result = client.post(
        IMPORT,
        {"file": SimpleUploadedFile("t.xlsx", content), "year": 2026, "dry_run": ""},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert result.context["result"]["report"].ok
    assert result.context["result"]["report"].skipped == 3  # a blank template claims nothing
    assert not VillageData.objects.exists()


def test_a_region_outside_scope_is_not_found(cast):
    assert cast.client_for(cast.outsider).get(TEMPLATE, {"region": "34.03", "year": 2026}).status_code == 404


def test_the_template_refuses_companions_and_post(cast):
    assert cast.client_for(cast.companion).get(TEMPLATE, {"region": "34.03", "year": 2026}).status_code == 404
    assert cast.client_for(cast.coordinator).post(TEMPLATE, {"region": "34.03"}).status_code == 405


def test_the_template_asks_anonymous_users_to_log_in(cast):
    response = cast.client_for(None).get(TEMPLATE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_may_download_any_regency(cast):
    response = cast.client_for(cast.admin).get(TEMPLATE, {"region": "34.01", "year": 2026})
    codes = [row[0] for row in workbook(response).worksheets[0].iter_rows(min_row=2, values_only=True) if row[0]]
    assert codes == ["34.01.01.2001"]


# The upload ------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_form_and_the_template_choice(cast):
    response = cast.client_for(cast.coordinator).get(IMPORT)
    assert response.status_code == 200
    assert list(response.context["template_form"].fields["region"].queryset.values_list("code", flat=True)) == ["34.03"]


def test_a_dry_run_upload_reports_and_saves_nothing(cast):
    response = cast.client_for(cast.coordinator).post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026, "dry_run": "on"}, follow=True
    )
    assert response.redirect_chain[0][0].startswith("/jobs/")
    assert response.context["result"]["report"].created == 1
    assert not VillageData.objects.exists()
    assert response.context["result"]["save_url"] == CONFIRM
    assert "Importing this file for 2026 would add 1" in response.content.decode()


def checked_job(client, text: str = "Kode Desa,Skor IDM\n3403012001,0.7\n", year: int = 2026) -> Job:
    client.post(IMPORT, {"file": upload(text), "year": year, "dry_run": "on"})
    return Job.objects.latest("created_at")


def test_a_checked_file_is_saved_without_choosing_it_again(cast):
    client = cast.client_for(cast.coordinator)
    checked = checked_job(client, year=2025)
    response = client.post(CONFIRM, {"job": checked.pk}, follow=True)
    assert response.status_code == 200
    assert response.context["result"]["report"].applied
    assert VillageData.objects.get().year == 2025
    saved = Job.objects.latest("created_at")
    assert saved.pk != checked.pk and saved.params["checked"] == str(checked.pk)
    # The saving job has its own copy of the file: the check's may expire without touching it.
    assert saved.input_file.name != checked.input_file.name
    assert response.context["result"]["save_url"] == ""  # an import is not offered again


def test_a_check_with_errors_cannot_be_saved(cast):
    client = cast.client_for(cast.coordinator)
    checked = checked_job(client, "Kode Desa,Skor IDM\n3403012001,0.7\n3401012001,0.6\n")
    assert checked.result_data["errors"]
    response = client.post(CONFIRM, {"job": checked.pk})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert not VillageData.objects.exists()


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_confirmation_needs_a_check_of_the_users_own(cast, value):
    client = cast.client_for(cast.coordinator)
    checked_job(client)
    assert client.post(CONFIRM, {"job": value}).status_code == 302
    assert not VillageData.objects.exists()


def test_a_confirmation_is_checked_again_against_the_users_scope(cast):
    checked = checked_job(cast.client_for(cast.coordinator))
    # Another user cannot save someone else's check, whatever job id they send.
    assert cast.client_for(cast.outsider).post(CONFIRM, {"job": checked.pk}).status_code == 302
    assert cast.client_for(cast.companion).post(CONFIRM, {"job": checked.pk}).status_code == 404
    assert cast.client_for(cast.coordinator).get(CONFIRM).status_code == 405
    assert not VillageData.objects.exists()
    assert Job.objects.count() == 1


def test_an_upload_saves_and_reports(cast):
    response = cast.client_for(cast.coordinator).post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026}, follow=True
    )
    assert response.context["result"]["report"].applied
    assert VillageData.objects.get().village_id == "34.03.01.2001"
    assert "1 added" in response.content.decode()


def test_an_upload_with_a_row_outside_scope_saves_nothing_and_names_the_row(cast):
    response = cast.client_for(cast.coordinator).post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n3401012001,0.6\n"), "year": 2026}, follow=True
    )
    report = response.context["result"]["report"]
    assert [(issue.row, issue.column) for issue in report.errors] == [(3, "Kode Desa")]
    assert not VillageData.objects.exists()
    assert "outside your area" in response.content.decode()


def test_a_file_that_is_not_a_table_gets_a_message_next_to_the_field(cast):
    response = cast.client_for(cast.coordinator).post(IMPORT, {"file": upload("hello\n"), "year": 2026})
    assert response.status_code == 422
    assert "No header row" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()


def test_a_workbook_that_cannot_be_read_fails_its_job_in_words(cast):
    """What only reading every row tells is said on the job's page, and nothing is saved."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    bad = SimpleUploadedFile("data.xlsx", data.getvalue())
    response = cast.client_for(cast.coordinator).post(IMPORT, {"file": bad, "year": 2026}, follow=True)
    job = response.context["job"]
    assert job.is_failed and "The workbook cannot be opened" in job.error
    assert "Try again" in response.content.decode()
    assert not VillageData.objects.exists()


@pytest.mark.parametrize("year", ["1999", "abc"])
def test_a_bad_year_gets_a_message(cast, year):
    response = cast.client_for(cast.coordinator).post(IMPORT, {"file": upload("Kode Desa\n3403012001\n"), "year": year})
    assert response.context["form"].errors["year"]
    assert not VillageData.objects.exists()


def test_the_upload_is_not_for_companions(cast):
    client = cast.client_for(cast.companion)
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": upload("Kode Desa\n3403012001\n"), "year": 2026}).status_code == 404
    assert not VillageData.objects.exists()


def test_the_upload_asks_anonymous_users_to_log_in(cast):
    for url in (IMPORT, CONFIRM):
        response = cast.client_for(None).post(url, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_upload_refuses_other_methods(cast):
    assert cast.client_for(cast.coordinator).put(IMPORT).status_code == 405


# The admin -------------------------------------------------------------------------------------


def test_the_admin_imports_through_the_same_importer(cast):
    client = cast.client_for(cast.admin)
    assert b"Import from a spreadsheet" in client.get(reverse("admin:villages_villagedata_changelist")).content
    data = {"file": upload("Village code,IDM score\n34.01.01.2001,0.5\n"), "year": 2026}
    response = client.post(ADMIN_IMPORT, data, follow=True)
    assert response.status_code == 200
    assert response.context["result"]["report"].applied
    assert VillageData.objects.get().idm_status == VillageData.IdmStatus.TERTINGGAL


def test_the_admin_import_refuses_an_old_excel_file_next_to_the_field(cast):
    old = SimpleUploadedFile("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    response = cast.client_for(cast.admin).post(ADMIN_IMPORT, {"file": old, "year": 2026})
    assert response.status_code == 200
    assert "old Excel" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()


def test_the_admin_import_is_for_staff_only(cast):
    response = cast.client_for(cast.coordinator).get(ADMIN_IMPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_check_is_saved_once_however_often_the_button_is_pressed(cast):
    client = cast.client_for(cast.coordinator)
    checked = checked_job(client)
    first = client.post(CONFIRM, {"job": checked.pk})
    again = client.post(CONFIRM, {"job": checked.pk})
    assert again.status_code == 302 and again["Location"] in (first["Location"], IMPORT)
    assert Job.objects.filter(params__checked=str(checked.pk)).count() == 1
    page = client.get(checked.get_absolute_url()).content.decode()
    assert first["Location"] in page  # the check's page leads to the import it started


def test_an_import_asked_for_by_a_coordinator_no_longer_one_saves_nothing(cast):
    from jobs import runner
    from villages.models import Companion

    job = Job.objects.create(owner=cast.coordinator, kind="village_import", title="x",
                             params={"year": 2026, "dry_run": False, "language": "en"})  # fmt: skip
    job.input_file.save("data.csv", ContentFile(b"Kode Desa,Skor IDM\n3403012001,0.7\n"))
    Companion.objects.filter(user=cast.coordinator).update(role=Companion.Role.PLD, scope_region=None)
    runner.execute(job.pk, beat=False)
    job.refresh_from_db()
    assert job.is_failed and "no longer import" in job.error
    assert not VillageData.objects.exists()

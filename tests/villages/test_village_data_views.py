"""The village data pages: the blank template workbook, the web upload and the admin import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

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
    assert rows[0][:4] == ("Kode Desa", "Nama Desa", "Kecamatan", "Skor IDM")
    codes = [row[0] for row in rows[1:] if row[0]]
    assert codes == ["34.03.01.2001", "34.03.01.2002", "34.03.02.2001"]
    assert rows[2][:3] == ("34.03.01.2002", "Kepek", "Wonosari")


def test_the_template_has_lists_for_the_status_columns(cast):
    response = cast.client_for(cast.coordinator).get(TEMPLATE, {"region": "34.03", "year": 2026})
    sheet = workbook(response).worksheets[0]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists["E2:E201"] == '"Sangat Tertinggal,Tertinggal,Berkembang,Maju,Mandiri"'
    assert set(lists) == {"E2:E201", "K2:K201", "L2:L201"}


def test_the_template_headers_follow_the_language_and_import_back(cast):
    client = cast.client_for(cast.coordinator)
    client.cookies["django_language"] = "en"
    response = client.get(TEMPLATE, {"region": "34.03", "year": 2026}, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content
    assert load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value == "Village code"
    result = client.post(
        IMPORT, {"file": SimpleUploadedFile("t.xlsx", content), "year": 2026, "dry_run": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert result.context["report"].ok
    assert result.context["report"].skipped == 3  # a blank template claims nothing
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
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026, "dry_run": "on"}
    )
    assert response.status_code == 200
    assert response.context["report"].created == 1
    assert not VillageData.objects.exists()
    assert response.context["confirm"] is not None


def test_a_checked_file_is_saved_without_choosing_it_again(cast):
    client = cast.client_for(cast.coordinator)
    checked = client.post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2025, "dry_run": "on"}
    )
    digest = checked.context["confirm"]["digest"].value()
    response = client.post(CONFIRM, {"digest": digest})
    assert response.status_code == 200
    assert response.context["report"].applied
    assert VillageData.objects.get().year == 2025
    again = client.post(CONFIRM, {"digest": digest})  # used up: nothing waits any more
    assert again.status_code == 302 and again["Location"] == IMPORT


def test_a_confirmation_needs_the_digest_of_the_checked_file(cast):
    client = cast.client_for(cast.coordinator)
    client.post(IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026, "dry_run": "on"})
    assert client.post(CONFIRM, {"digest": "0" * 64}).status_code == 302
    assert not VillageData.objects.exists()


def test_a_confirmation_is_checked_again_against_the_users_scope(cast):
    coordinator = cast.client_for(cast.coordinator)
    checked = coordinator.post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026, "dry_run": "on"}
    )
    digest = checked.context["confirm"]["digest"].value()
    # Another user's session holds no checked file, whatever digest they send.
    assert cast.client_for(cast.outsider).post(CONFIRM, {"digest": digest}).status_code == 302
    assert cast.client_for(cast.companion).post(CONFIRM, {"digest": digest}).status_code == 404
    assert cast.client_for(cast.coordinator).get(CONFIRM).status_code == 405
    assert not VillageData.objects.exists()


def test_an_upload_saves_and_reports(cast):
    response = cast.client_for(cast.coordinator).post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n"), "year": 2026}
    )
    assert response.context["report"].applied
    assert VillageData.objects.get().village_id == "34.03.01.2001"
    assert "1 added" in response.content.decode()


def test_an_upload_with_a_row_outside_scope_saves_nothing_and_names_the_row(cast):
    response = cast.client_for(cast.coordinator).post(
        IMPORT, {"file": upload("Kode Desa,Skor IDM\n3403012001,0.7\n3401012001,0.6\n"), "year": 2026}
    )
    report = response.context["report"]
    assert [(issue.row, issue.column) for issue in report.errors] == [(3, "Kode Desa")]
    assert not VillageData.objects.exists()
    assert "outside your area" in response.content.decode()


def test_a_file_that_is_not_a_table_gets_a_message_next_to_the_field(cast):
    response = cast.client_for(cast.coordinator).post(IMPORT, {"file": upload("hello\n"), "year": 2026})
    assert "No header row" in response.context["form"].errors["file"][0]
    assert response.context["report"] is None


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
    response = client.post(ADMIN_IMPORT, {"file": upload("Village code,IDM score\n34.01.01.2001,0.5\n"), "year": 2026})
    assert response.status_code == 200
    assert response.context["report"].applied
    assert VillageData.objects.get().idm_status == VillageData.IdmStatus.TERTINGGAL


def test_the_admin_import_is_for_staff_only(cast):
    response = cast.client_for(cast.coordinator).get(ADMIN_IMPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

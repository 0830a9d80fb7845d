"""Numbers in a village data file, from CSV and xlsx: text read in the language of the page that uploads it (the
command line reads Indonesian, as offices write), number cells as they are; a refused cell imports nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from tests.number_cases import (
    CASES,
    FRACTIONS,
    LANGUAGES,
    NOT_A_NUMBER,
    NOT_A_NUMBER_MESSAGE,
    READ_AS,
    WHOLE,
    whole_number,
    whole_rupiah,
)
from villages.models import VillageData
from villages.village_data import Change, ImportReport

IMPORT = reverse("villages:data-import")
CONFIRM = reverse("villages:data-import-confirm")
VILLAGE = "34.03.01.2001"
FORMATS = ["csv", "xlsx"]


def as_csv(rows: list[list]) -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    return SimpleUploadedFile("data.csv", text.getvalue().encode("utf-8"), content_type="text/csv")


def as_xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("data.xlsx", out.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def importing(cast, settings):
    """``importing(language, kind, header, cell)``: the coordinator imports one village's cell from a file."""

    def run(language: str, kind: str, header: str, cell, dry_run: bool = False):
        client = cast.client_for(cast.coordinator)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        rows = [["Kode Desa", header], [VILLAGE, cell]]
        data = {"file": (as_csv if kind == "csv" else as_xlsx)(rows), "year": 2026}
        if dry_run:
            data["dry_run"] = "on"
        response = client.post(IMPORT, data, follow=True)  # to the import job's page
        assert response.status_code == 200
        return response.context["result"]["report"]

    return run


def stored(field: str):
    return VillageData.objects.values_list(field, flat=True).get(village_id=VILLAGE, year=2026)


def messages(report) -> list[str]:
    return [issue.message for issue in report.errors]


# --- counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_count_in_thousands_is_stored(importing, kind, language, text):
    report = importing(language, kind, "Jumlah Rumah Tangga", text)
    assert report.applied
    assert stored("households") == 2_500_000


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_count_with_a_fraction_is_refused_and_nothing_is_imported(importing, kind, language, text):
    report = importing(language, kind, "Jumlah Rumah Tangga", text)
    assert messages(report) == [whole_number(language, text)]
    assert not report.applied and not VillageData.objects.exists()


# --- IDM scores ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_score_with_a_decimal_comma_is_stored(importing, kind, language):
    assert importing(language, kind, "Skor IDM", "0,5").applied
    assert stored("idm_score") == Decimal("0.5")


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(("language", "text"), [case for case in CASES if case.values[1] != "0,5"])
def test_a_score_outside_0_to_1_is_refused_saying_what_was_read(importing, kind, language, text):
    read = READ_AS[language].get(text) or {"id": "2.500.000", "en": "2,500,000"}[language]
    expected = {
        "id": f"Skor IDM harus antara 0 dan 1, bukan {read}.",
        "en": f"The IDM score must be between 0 and 1, not {read}.",
    }[language]
    report = importing(language, kind, "Skor IDM", text)
    assert messages(report) == [expected]
    assert not VillageData.objects.exists()


def test_a_score_with_more_places_than_stored_is_refused_not_rounded(importing):
    report = importing("en", "csv", "Skor IDM", "0,65125")
    assert messages(report) == ["Use at most 4 decimal places; 0.65125 has 5."]


# --- Dana Desa -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(("language", "text"), WHOLE)
def test_a_dana_desa_allocation_in_thousands_is_stored(importing, kind, language, text):
    assert importing(language, kind, "Pagu Dana Desa (Rp)", f"Rp {text}").applied
    assert stored("dana_desa") == Decimal("2500000")


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize(("language", "text"), FRACTIONS)
def test_a_dana_desa_allocation_with_a_fraction_is_refused(importing, kind, language, text):
    report = importing(language, kind, "Pagu Dana Desa (Rp)", text)
    assert messages(report) == [whole_rupiah(language, text)]
    assert not VillageData.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_that_is_no_number_is_refused_naming_the_accepted_forms(importing, language):
    report = importing(language, "csv", "Jumlah Rumah Tangga", NOT_A_NUMBER)
    whole = {"id": "Tulis bilangan bulat seperti 12 atau 1.500.", "en": "Type a whole number such as 12 or 1,500."}
    assert messages(report) == [f"“{NOT_A_NUMBER}”: {whole[language]}"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_score_that_is_no_number_is_refused_naming_the_accepted_forms(importing, language):
    report = importing(language, "csv", "Skor IDM", "nol koma lima")
    assert messages(report) == [f"“nol koma lima”: {NOT_A_NUMBER_MESSAGE[language]}"]


# --- the language of the page, the file and the command line ------------------------------------------------


@pytest.mark.parametrize(("language", "households"), [("id", 1500), ("en", None)])
def test_one_dot_is_grouping_on_an_indonesian_page_and_a_decimal_point_on_an_english_one(
    importing, language, households
):
    report = importing(language, "csv", "Jumlah Rumah Tangga", "1.500")
    assert report.applied == (households is not None)
    if households is not None:
        assert stored("households") == households
    else:
        assert messages(report) == ["Type a whole number here, not 1.5."]


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_cells_of_a_workbook_are_numbers_whatever_the_language(importing, language):
    assert importing(language, "xlsx", "Skor IDM", 0.6512).applied
    assert stored("idm_score") == Decimal("0.6512")


def test_a_checked_file_is_saved_as_it_was_read_even_after_switching_language(cast, settings):
    client = cast.client_for(cast.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    file = as_csv([["Kode Desa", "Jumlah Rumah Tangga"], [VILLAGE, "1.500"]])
    checked = client.post(IMPORT, {"file": file, "year": 2026, "dry_run": "on"}, follow=True)
    assert checked.context["result"]["report"].ok and not VillageData.objects.exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(CONFIRM, {"job": checked.context["job"].pk}, follow=True)
    assert response.context["result"]["report"].applied
    assert stored("households") == 1500


def test_the_command_line_reads_text_numbers_the_indonesian_way(cast, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(f"Kode Desa;Jumlah Rumah Tangga;Pagu Dana Desa (Rp)\n{VILLAGE};1.500;Rp 1.025.000.000\n")
    call_command("import_village_data", str(path), year=2026, stdout=io.StringIO())
    assert (stored("households"), stored("dana_desa")) == (1500, Decimal("1025000000"))


@pytest.mark.parametrize(("language", "added", "skipped"), [("id", "1.500", "2.500"), ("en", "1,500", "2,500")])
def test_the_import_report_writes_its_counts_grouped(language, added, skipped):
    report = ImportReport(year=2026, dry_run=True, skipped=2500)
    report.changes = [Change(row, "34.03.01.2001", "Wonosari", created=True) for row in range(1500)]
    with translation.override(language):
        html = render_to_string("villages/_import_report.html", {"report": report})
    assert f" {added}," in html and f"{skipped} " in html and f"{added} " in html

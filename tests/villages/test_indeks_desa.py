"""The Indeks Desa (Permendesa PDTT 9/2024) beside the IDM: which index applies, its import and its template."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tests.factories import VillageDataFactory, region
from villages.models import VillageData, uses_indeks_desa
from villages.village_data import import_village_data, read_table
from villages.village_data_template import template_workbook

# As a Kemendesa file heads its columns.
KEMENDESA = [
    "Kode Desa",
    "Desa",
    "Layanan Dasar",
    "Sosial",
    "Ekonomi",
    "Lingkungan",
    "Aksesibilitas",
    "Tata Kelola Pemerintahan Desa",
    "Nilai Indeks Desa",
    "Status",
]
DIMENSION_FIELDS = [
    "basic_services_score",
    "social_score",
    "economic_score",
    "environment_score",
    "accessibility_score",
    "governance_score",
]


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language; the default language is Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def villages(db):
    region("34.03.01", "Wonosari")
    return [region("34.03.01.2001", "Wonosari"), region("34.03.01.2002", "Kepek"), region("34.01.01.2001", "Jangkaran")]


def csv_file(rows: list[list]) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def run(rows: list[list], *, year: int = 2025, **kwargs):
    return import_village_data(read_table(csv_file(rows)), year=year, **kwargs)


def dimensions(code: str, year: int = 2025) -> list[Decimal | None]:
    data = VillageData.objects.get(village_id=code, year=year)
    return [getattr(data, name) for name in DIMENSION_FIELDS]


# Which index applies ---------------------------------------------------------------------------


def test_the_idm_applies_up_to_2024_and_the_indeks_desa_from_2025(db):
    assert not uses_indeks_desa(2024) and uses_indeks_desa(2025) and uses_indeks_desa(2026)
    old = VillageDataFactory.build(year=2024, idm_score=Decimal("0.6512"), idm_status="berkembang")
    assert (old.index.is_indeks_desa, old.index.name, old.index.score) == (False, "IDM", Decimal("0.6512"))
    assert old.index.status_label == "Berkembang" and old.index.dimensions == ()
    new = VillageDataFactory.build(
        year=2025, indeks_desa_score=Decimal("62.1"), indeks_desa_status="berkembang", environment_score=Decimal("41.2")
    )
    index = new.index
    assert (index.is_indeks_desa, index.name, index.score, index.status_label) == (
        True,
        "Indeks Desa",
        Decimal("62.1"),
        "Berkembang",
    )
    assert [d.label for d in index.dimensions] == [
        "Basic services",
        "Social",
        "Economic",
        "Environment",
        "Accessibility",
        "Village governance",
    ]
    assert (index.weakest.label, index.weakest.score) == ("Environment", Decimal("41.2"))


def test_the_weakest_dimension_is_the_lowest_score_and_none_without_scores(db):
    data = VillageDataFactory.build(year=2026, social_score=Decimal("70"), economic_score=Decimal("55.5"))
    assert data.index.weakest.dimension == VillageData.Dimension.ECONOMIC
    assert VillageDataFactory.build(year=2026).index.weakest is None


def test_a_score_outside_0_to_100_is_refused_by_the_model_and_the_database(villages):
    data = VillageDataFactory.build(village=villages[0], year=2025, governance_score=Decimal("100.5"))
    with pytest.raises(ValidationError, match="100"):
        data.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        data.save()


# Import ----------------------------------------------------------------------------------------


def test_a_2025_kemendesa_csv_fills_the_six_dimensions_by_dotted_and_undotted_codes(villages):
    report = run(
        [
            KEMENDESA,
            ["3403012001", "Wonosari", "72,15", "68,4", "55", "41,2", "80,05", "77", "65,63", "Berkembang"],
            ["34.03.01.2002", "Kepek", "81", "75,5", "70", "66", "58,25", "90", "73,46", "Maju"],
        ]
    )
    assert report.ok and report.applied and report.created == 2
    assert dimensions("34.03.01.2001") == [
        Decimal("72.15"),
        Decimal("68.4"),
        Decimal("55"),
        Decimal("41.2"),
        Decimal("80.05"),
        Decimal("77"),
    ]
    wonosari = VillageData.objects.get(village_id="34.03.01.2001")
    assert (wonosari.indeks_desa_score, wonosari.indeks_desa_status) == (Decimal("65.63"), "berkembang")
    assert wonosari.idm_score is None and wonosari.idm_status == ""  # a bare "Status" of 2025 is the Indeks Desa's
    assert dimensions("34.03.01.2002")[4] == Decimal("58.25")
    assert VillageData.objects.get(village_id="34.03.01.2002").indeks_desa_status == "maju"


def test_an_xlsx_with_number_cells_and_short_headings_fills_the_dimensions(villages):
    rows = [
        ["kode_desa", "Dimensi Layanan Dasar", "skor sosial", "ekonomi", "Lingkungan", "aksesibilitas", "TKPD"],
        [3403012001, 72.5, 68, 55.25, 41.2, 80, 77],
        ["34.03.01.2002", 81, 75.5, 70, 66, 58.25, 90],
    ]
    table = read_table(io.BytesIO(xlsx_bytes([["Indeks Desa 2025"], [], *rows])))
    report = import_village_data(table, year=2025)
    assert report.applied, report.errors
    assert dimensions("34.03.01.2001") == [
        Decimal("72.5"),
        Decimal("68"),
        Decimal("55.25"),
        Decimal("41.2"),
        Decimal("80"),
        Decimal("77"),
    ]
    assert dimensions("34.03.01.2002")[5] == Decimal("90")


def test_the_status_is_imported_as_given_not_derived_from_the_total(villages):
    report = run([["Kode Desa", "Nilai Indeks Desa", "Status Indeks Desa"], ["3403012001", "91,5", "Tertinggal"]])
    assert report.applied and not report.warnings
    data = VillageData.objects.get()
    assert (data.indeks_desa_score, data.indeks_desa_status) == (Decimal("91.5"), "tertinggal")
    assert run([["Kode Desa", "Nilai Indeks Desa"], ["3403012002", "50"]]).applied
    assert VillageData.objects.get(village_id="34.03.01.2002").indeks_desa_status == ""  # a total sets no status


def test_a_bare_score_and_status_heading_is_the_idm_in_2024(villages):
    assert run([["Kode Desa", "Skor", "Status"], ["3403012001", "0,6512", "Berkembang"]], year=2024).applied
    data = VillageData.objects.get()
    assert (data.idm_score, data.idm_status, data.indeks_desa_status) == (Decimal("0.6512"), "berkembang", "")


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (["3403012002", "tinggi", "70", "Maju"], "Sosial", "“tinggi”"),
        (["3403012002", "101", "70", "Maju"], "Sosial", "between 0 and 100, not 101"),
        (["3403012002", "-3", "70", "Maju"], "Sosial", "between 0 and 100, not -3"),
        (["3403012002", "70", "70,12345", "Maju"], "Nilai Indeks Desa", "decimal"),
        (["3403012002", "70", "70", "Hebat"], "Status", "“Hebat” is not one of"),
        (["34.03.1.2002", "70", "70", "Maju"], "Kode Desa", "is not a village code like 34.03.01.2001 or 3403012001"),
        (["340301200", "70", "70", "Maju"], "Kode Desa", "is not a village code"),
        (["3403019999", "70", "70", "Maju"], "Kode Desa", "Unknown village code 34.03.01.9999"),
    ],
)
def test_a_malformed_row_is_refused_with_its_line_and_nothing_is_saved(villages, cells, column, words):
    report = run(
        [
            ["Kode Desa", "Sosial", "Nilai Indeks Desa", "Status"],
            ["3403012001", "68,4", "65,63", "Berkembang"],
            cells,
        ]
    )
    assert not report.applied
    assert [(issue.row, issue.column) for issue in report.errors] == [(3, column)]
    assert words in report.errors[0].message
    assert f"Row 3, column “{column}”" in str(report.errors[0])
    assert not VillageData.objects.exists()


def test_indeks_desa_figures_for_a_year_before_2025_are_refused(villages):
    report = run([["Kode Desa", "Skor IDM", "Lingkungan"], ["3403012001", "0,7", "41"]], year=2024)
    assert [(issue.row, issue.column) for issue in report.errors] == [(2, "Lingkungan")]
    assert "applies from 2025" in report.errors[0].message
    assert not VillageData.objects.exists()


def test_the_command_imports_a_2025_file_with_undotted_codes(villages, tmp_path):
    path = tmp_path / "indeks-desa-2025.csv"
    path.write_text(
        "Kode Desa;Layanan Dasar;Sosial;Ekonomi;Lingkungan;Aksesibilitas;Tata Kelola;Nilai Indeks Desa;Status\n"
        "3403012001;72,15;68,4;55;41,2;80,05;77;65,63;Berkembang\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_village_data", str(path), "--year", "2025", stdout=out)
    assert dimensions("34.03.01.2001")[3] == Decimal("41.2")
    path.write_text("Kode Desa,Lingkungan\n3403012001,141\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_village_data", str(path), "--year", "2025", stdout=StringIO(), stderr=StringIO())
    assert dimensions("34.03.01.2001")[3] == Decimal("41.2")


def test_the_upload_page_saves_a_2025_file_and_refuses_a_bad_one_whole(cast):
    client = cast.client_for(cast.coordinator)
    good = 'Kode Desa,Ekonomi,Lingkungan,Status\n3403012001,55,"41,2",Berkembang\n'
    response = client.post(
        reverse("villages:data-import"),
        {"file": SimpleUploadedFile("id.csv", good.encode()), "year": 2025},
        follow=True,
    )
    assert response.context["result"]["report"].applied
    assert dimensions("34.03.01.2001")[2:4] == [Decimal("55"), Decimal("41.2")]
    bad = "Kode Desa,Ekonomi\n3403012002,60\n3403012001,500\n"
    response = client.post(
        reverse("villages:data-import"),
        {"file": SimpleUploadedFile("id.csv", bad.encode()), "year": 2025},
        follow=True,
    )
    report = response.context["result"]["report"]
    assert not report.applied and [issue.row for issue in report.errors] == [3]
    assert '<td class="text-end">3</td><td>Ekonomi</td>' in response.content.decode()
    assert not VillageData.objects.filter(village_id="34.03.01.2002").exists()
    assert dimensions("34.03.01.2001")[2] == Decimal("55")


# The blank template ----------------------------------------------------------------------------


def test_the_2025_template_has_the_indeks_desa_columns_and_imports_back(villages):
    content = template_workbook([("34.03.01.2001", "Wonosari", "Wonosari")], year=2025, area="Gunungkidul")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[3:11] == [
        "Indeks Desa score",
        "Indeks Desa status",
        "Basic services",
        "Social",
        "Economic",
        "Environment",
        "Accessibility",
        "Village governance",
    ]
    assert "IDM score" not in headers
    ranges = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert ranges["D2:D201"] == ("decimal", "0", "100")
    assert ranges["H2:H201"] == ("decimal", "0", "100")
    assert ranges["E2:E201"][0] == "list"
    sheet["I2"] = 41.2
    sheet["E2"] = "Berkembang"
    filled = io.BytesIO()
    sheet.parent.save(filled)
    filled.seek(0)
    report = import_village_data(read_table(filled), year=2025)
    assert report.applied, report.errors
    assert VillageData.objects.get().environment_score == Decimal("41.2")


def test_the_2024_template_keeps_the_idm_columns(villages):
    content = template_workbook([("34.03.01.2001", "Wonosari", "Wonosari")], year=2024, area="Gunungkidul")
    headers = [cell.value for cell in load_workbook(io.BytesIO(content)).worksheets[0][1]]
    assert headers[3:5] == ["IDM score", "IDM status"]
    assert "Environment" not in headers and "Indeks Desa score" not in headers

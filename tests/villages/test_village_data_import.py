"""The yearly village data import: reading CSV and xlsx, finding villages, checking rows, writing all or nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from tests.factories import VillageDataFactory, region
from villages.columns import COLUMNS, normalise
from villages.models import VillageData
from villages.village_data import VillageDataFileError, import_village_data, read_table

ID_HEADERS = ["Kode Desa", "Nama Desa", "Skor IDM", "Status IDM", "Jumlah Rumah Tangga", "Rumah Tangga Miskin"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language; the default language is Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def csv_file(rows: list[list], delimiter: str = ",") -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def xlsx_file(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def run(rows: list[list], *, year: int = 2026, **kwargs):
    return import_village_data(read_table(csv_file(rows)), year=year, **kwargs)


@pytest.fixture
def villages(db):
    region("34.03.01", "Wonosari")
    region("34.03.02", "Panggang")
    return [
        region("34.03.01.2001", "Wonosari"),
        region("34.03.01.2002", "Kepek"),
        region("34.03.02.2001", "Giripurwo"),
        region("34.01.01.2001", "Jangkaran"),
    ]


def test_it_imports_a_csv_with_indonesian_headers_and_dotted_codes(villages):
    report = run(
        [
            ID_HEADERS + ["Pagu Dana Desa (Rp)", "Status BUMDes", "BUMDes Berbadan Hukum", "Masalah Prioritas"],
            [
                "34.03.01.2001",
                "Wonosari",
                "0,6512",
                "Berkembang",
                1200,
                300,
                "1.025.000.000",
                "Tidak aktif",
                "Ya",
                "Air",
            ],
        ]
    )
    assert report.ok and report.applied and report.created == 1
    data = VillageData.objects.get(village_id="34.03.01.2001", year=2026)
    assert data.idm_score == Decimal("0.6512")
    assert data.idm_status == VillageData.IdmStatus.BERKEMBANG
    assert (data.households, data.poor_households) == (1200, 300)
    assert data.dana_desa == Decimal("1025000000")
    assert data.bumdes_status == VillageData.BumdesStatus.INACTIVE
    assert data.bumdes_legal_entity is True
    assert data.priority_problems == "Air"
    assert data.is_demo is False


def test_it_imports_an_xlsx_with_english_headers_and_undotted_codes(villages):
    table = read_table(
        xlsx_file(
            [
                [
                    "Village code",
                    "IDM score",
                    "IDM status",
                    "Households",
                    "Poor households",
                    "BLT recipient households",
                ],
                [3403012002, 0.72, "Maju", 900, 100, 40],
                ["3403022001", 0.5, "tertinggal", 800, 200, 20],
            ]
        )
    )
    report = import_village_data(table, year=2026)
    assert report.ok and report.created == 2
    kepek = VillageData.objects.get(village_id="34.03.01.2002")
    assert (kepek.idm_score, kepek.idm_status, kepek.blt_households) == (Decimal("0.7200"), "maju", 40)
    assert VillageData.objects.get(village_id="34.03.02.2001").idm_status == "tertinggal"


def test_it_reads_a_semicolon_csv_with_headers_in_any_order(villages):
    table = read_table(csv_file([["skor idm", "KODE_DESA", "jumlah kk"], ["0,81", "3403012001", "1.500"]], ";"))
    report = import_village_data(table, year=2026)
    assert report.ok
    data = VillageData.objects.get(village_id="34.03.01.2001")
    assert (data.idm_score, data.households) == (Decimal("0.8100"), 1500)


def test_it_finds_the_header_below_a_title(villages):
    table = read_table(
        xlsx_file([["Data IDM Kabupaten Gunungkidul 2026"], [], ["Kode Desa", "Skor IDM"], ["34.03.01.2001", 0.7]])
    )
    assert table.header_row == 3
    assert import_village_data(table, year=2026).created == 1


def test_it_lists_unknown_columns_and_ignores_them(villages):
    report = run([["Kode Desa", "Luas Wilayah", "Skor IDM", "Catatan"], ["34.03.01.2001", "12 km2", "0.7", "x"]])
    assert report.ok
    assert report.unknown_columns == ["Luas Wilayah", "Catatan"]


def test_it_finds_a_village_by_name_within_its_kecamatan_when_the_code_is_missing(villages):
    report = run([["Kecamatan", "Nama Desa", "Skor IDM"], [" wonosari ", "KEPEK", "0.7"]])
    assert report.ok
    assert VillageData.objects.filter(village_id="34.03.01.2002").exists()


def test_a_name_that_matches_no_village_of_the_kecamatan_is_an_error(villages):
    report = run([["Kecamatan", "Nama Desa", "Skor IDM"], ["Wonosari", "Giripurwo", "0.7"]])
    assert [issue.row for issue in report.errors] == [2]
    assert "Giripurwo" in str(report.errors[0])


def test_a_name_shared_by_two_villages_of_one_kecamatan_asks_for_the_code(villages):
    region("34.03.01.2099", "Kepek")
    report = run([["Kecamatan", "Nama Desa", "Skor IDM"], ["Wonosari", "Kepek", "0.7"]])
    assert "give the code" in str(report.errors[0])


def test_a_name_that_differs_from_the_code_is_a_warning(villages):
    report = run([["Kode Desa", "Nama Desa", "Skor IDM"], ["34.03.01.2001", "Kepek", "0.7"]])
    assert report.ok and report.applied
    assert "Wonosari" in str(report.warnings[0])


@pytest.mark.parametrize(
    ("headers", "cells", "column", "words"),
    [
        (["Kode Desa", "Skor IDM"], ["34.03.09.2001", "0.5"], "Kode Desa", "Unknown village code 34.03.09.2001"),
        (["Kode Desa", "Skor IDM"], ["34-03-01", "0.5"], "Kode Desa", "is not a village code"),
        (["Kode Desa", "Skor IDM"], ["34.03.01.2001", "1.2"], "Skor IDM", "between 0 and 1"),
        (["Kode Desa", "Skor IDM"], ["34.03.01.2001", "-0.1"], "Skor IDM", "between 0 and 1"),
        (["Kode Desa", "Status IDM"], ["34.03.01.2001", "Maju Sekali"], "Status IDM", "is not one of"),
        (["Kode Desa", "Status BUMDes"], ["34.03.01.2001", "Hebat"], "Status BUMDes", "is not one of"),
        (["Kode Desa", "Jumlah Penduduk"], ["34.03.01.2001", "-5"], "Jumlah Penduduk", "cannot be negative"),
        (["Kode Desa", "Rumah Tangga Miskin"], ["34.03.01.2001", "-1"], "Rumah Tangga Miskin", "cannot be negative"),
        (["Kode Desa", "Jumlah Rumah Tangga"], ["34.03.01.2001", "12,5"], "Jumlah Rumah Tangga", "whole number"),
        (
            ["Kode Desa", "Jumlah Rumah Tangga", "Rumah Tangga Miskin"],
            ["34.03.01.2001", "100", "150"],
            "Rumah Tangga Miskin",
            "cannot exceed households",
        ),
        (
            ["Kode Desa", "Jumlah Rumah Tangga", "KPM BLT Dana Desa"],
            ["34.03.01.2001", "100", "101"],
            "KPM BLT Dana Desa",
            "cannot exceed households",
        ),
        (["Kode Desa", "Pagu Dana Desa"], ["34.03.01.2001", "-1000"], "Pagu Dana Desa", "cannot be negative"),
        (["Kode Desa", "BUMDes Berbadan Hukum"], ["34.03.01.2001", "mungkin"], "BUMDes Berbadan Hukum", "Ya"),
        (["Kode Desa", "Skor IDM", "Tahun"], ["34.03.01.2001", "0.5", "2025"], "Tahun", "for 2025"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_written(villages, headers, cells, column, words):
    good = {"Skor IDM": "0.65", "Status IDM": "Berkembang", "Status BUMDes": "Maju", "Tahun": "2026"}
    report = run([headers, ["34.03.01.2002"] + [good.get(header, "1") for header in headers[1:]], cells])
    assert not report.applied
    assert [(issue.row, issue.column) for issue in report.errors] == [(3, column)]
    assert words in report.errors[0].message
    assert not VillageData.objects.exists()


def test_poor_households_are_checked_against_households_already_stored(villages):
    VillageDataFactory(village=villages[0], households=100, poor_households=10)
    report = run([["Kode Desa", "Rumah Tangga Miskin"], ["34.03.01.2001", "101"]])
    assert "cannot exceed households (100)" in report.errors[0].message


def test_a_village_twice_in_the_file_is_an_error(villages):
    report = run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.7"], ["3403012001", "0.8"]])
    assert "appears twice (first on row 2)" in str(report.errors[0])
    assert report.errors[0].row == 3


def test_status_case_and_spacing_are_forgiven(villages):
    report = run([["Kode Desa", "Status IDM"], ["34.03.01.2001", "  sangat   TERTINGGAL "]])
    assert report.ok
    assert VillageData.objects.get().idm_status == VillageData.IdmStatus.SANGAT_TERTINGGAL


def test_a_status_that_contradicts_the_score_band_is_a_warning_and_is_kept(villages):
    report = run([["Kode Desa", "Skor IDM", "Status IDM"], ["34.03.01.2001", "0.90", "Tertinggal"]])
    assert report.ok and report.applied
    assert [(issue.row, issue.column) for issue in report.warnings] == [(2, "Status IDM")]
    assert "Mandiri" in report.warnings[0].message
    assert VillageData.objects.get().idm_status == VillageData.IdmStatus.TERTINGGAL


@pytest.mark.parametrize(
    ("score", "status"),
    [
        ("0.4909", "sangat_tertinggal"),
        ("0.491", "tertinggal"),
        ("0.5989", "tertinggal"),
        ("0.599", "berkembang"),
        ("0.707", "maju"),
        ("0.8149", "maju"),
        ("0.815", "mandiri"),
    ],
)
def test_a_score_without_a_status_gets_the_status_of_its_band(villages, score, status):
    report = run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", score]])
    assert report.ok and not report.warnings
    assert VillageData.objects.get().idm_status == status


def test_a_dry_run_shows_what_would_change_and_writes_nothing(villages):
    VillageDataFactory(village=villages[0], idm_score=Decimal("0.6500"), households=1000)
    report = run(
        [
            ["Kode Desa", "Skor IDM", "Jumlah Rumah Tangga"],
            ["34.03.01.2001", "0.75", "1000"],
            ["34.03.01.2002", "0.6", ""],
        ],
        dry_run=True,
    )
    assert report.ok and not report.applied
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    update = next(change for change in report.changes if not change.created)
    assert [(old, new) for _, old, new in update.fields] == [("0.65", "0.75"), ("Berkembang", "Maju")]
    assert VillageData.objects.get().idm_score == Decimal("0.6500")


def test_one_bad_row_keeps_every_good_row_out(villages):
    report = run(
        [["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.7"], ["34.03.01.2002", "7"], ["34.03.02.2001", "0.6"]]
    )
    assert [issue.row for issue in report.errors] == [3]
    assert not report.applied
    assert not VillageData.objects.exists()


def test_importing_the_same_file_again_changes_nothing(villages):
    rows = [ID_HEADERS, ["34.03.01.2001", "Wonosari", "0.7", "", "1000", "100"], ["3403012002", "", "0.55", "", "", ""]]
    run(rows)
    before = list(VillageData.objects.order_by("pk").values_list("pk", "updated_at"))
    report = run(rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(VillageData.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_changed_file_updates_only_the_changed_rows(villages):
    run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.7"], ["34.03.01.2002", "0.6"]])
    report = run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.7"], ["34.03.01.2002", "0.65"]])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert VillageData.objects.get(village_id="34.03.01.2002").idm_score == Decimal("0.6500")


def test_columns_the_file_does_not_have_are_left_as_they_are(villages):
    VillageDataFactory(village=villages[0], households=1000, poor_households=150, blt_households=40)
    run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.9"]])
    data = VillageData.objects.get()
    assert (data.households, data.poor_households, data.idm_status) == (1000, 150, "mandiri")


def test_real_figures_replace_demo_figures(villages):
    VillageDataFactory(village=villages[0], is_demo=True)
    run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.65"]])
    assert VillageData.objects.get().is_demo is False


def test_a_coordinator_imports_only_villages_in_their_scope(cast, villages):
    report = run([["Kode Desa", "Skor IDM"], ["34.01.01.2001", "0.7"]], user=cast.coordinator)
    assert "outside your area" in report.errors[0].message
    assert run([["Kode Desa", "Skor IDM"], ["34.03.01.2001", "0.7"]], user=cast.coordinator).applied


def test_a_file_without_a_code_or_name_column_is_refused(villages):
    with pytest.raises(VillageDataFileError, match="No header row"):
        read_table(csv_file([["Desa ke", "Skor"], ["1", "0.5"]]))


def test_an_old_excel_file_is_refused_with_advice():
    with pytest.raises(VillageDataFileError, match=r"\.xlsx or CSV"):
        read_table(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))


def test_a_repeated_column_is_an_error(villages):
    report = run([["Kode Desa", "Skor IDM", "Nilai IDM"], ["34.03.01.2001", "0.7", "0.7"]])
    assert (report.errors[0].row, report.errors[0].column) == (1, "Nilai IDM")


def test_no_header_name_belongs_to_two_columns():
    names = [name for column in COLUMNS for name in column.names()]
    assert len(names) == len(set(names))
    assert normalise(" Pagu Dana_Desa (Rp) ") == "pagu dana desa"


def test_a_village_row_without_figures_is_skipped_and_keeps_what_is_stored(villages):
    VillageDataFactory(village=villages[0], households=1000)
    headers = ["Kode Desa", "Nama Desa", "Jumlah Rumah Tangga", "Status BUMDes"]
    report = run([headers, ["34.03.01.2001", "Wonosari", "", " "]])
    assert (report.skipped, report.created, report.updated) == (1, 0, 0)
    assert VillageData.objects.get().households == 1000


def test_a_zip_bomb_dressed_as_a_workbook_is_refused_before_it_is_unpacked(monkeypatch):
    import io
    import zipfile

    from villages import spreadsheet

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (4 * 1024 * 1024))
    monkeypatch.setattr(spreadsheet, "XLSX_MAX_UNPACKED", 1024 * 1024)
    with pytest.raises(spreadsheet.VillageDataFileError, match="unpacks to far more data"):
        spreadsheet.read_table(io.BytesIO(buffer.getvalue()))


# --- files larger than their table ---------------------------------------------------------------------------


def sparse_xlsx(cells: dict[str, object]) -> io.BytesIO:
    """A workbook with a header and one village, plus ``cells`` wherever they are put (``{"XFD2": "x"}``)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kode Desa", "Jumlah Penduduk"])
    sheet.append(["34.03.01.2001", 1200])
    for where, value in cells.items():
        sheet[where] = value
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def test_a_value_in_column_xfd_is_refused_naming_the_column_limit(villages):
    with pytest.raises(VillageDataFileError, match="more than 100 columns: remove the columns to the right"):
        read_table(sparse_xlsx({"XFD2": "x"}))


def test_cells_right_of_the_header_are_outside_the_table(villages):
    table = read_table(sparse_xlsx({"F2": "catatan", "G3": " "}))
    assert table.headers == ["Kode Desa", "Jumlah Penduduk"]
    assert table.rows == [(2, ["34.03.01.2001", 1200])]


def test_a_sheet_that_does_not_state_its_range_is_still_read_only_within_the_limits(villages):
    with pytest.raises(VillageDataFileError, match="more than 100 columns"):
        read_table(sparse_xlsx({"CW2": "x"}))  # column 101, the first past the limit
    table = read_table(strip_dimension(sparse_xlsx({"XFD2": "x"})))
    assert table.rows == [(2, ["34.03.01.2001", 1200])]


def strip_dimension(source: io.BytesIO) -> io.BytesIO:
    """The same workbook without the ``<dimension>`` of its sheet, as some writers leave it out."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            zout.writestr(item, data)
    out.seek(0)
    return out


def test_a_cell_past_the_row_limit_is_refused_naming_it(villages):
    with pytest.raises(VillageDataFileError, match="more than 100,000 rows: split the file"):
        read_table(sparse_xlsx({"B1048576": " "}))


def test_a_csv_wider_than_the_column_limit_is_refused(villages):
    with pytest.raises(VillageDataFileError, match="more than 100 columns"):
        read_table(csv_file([["Kode Desa", "Jumlah Penduduk"], ["34.03.01.2001", "1200", *([""] * 200), "x"]]))

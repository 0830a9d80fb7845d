"""``manage.py import_village_data`` and the Gunungkidul sample file that seed_demo loads through it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.factories import region
from villages.models import VillageData
from villages.regions import existing_codes, import_regions, open_region_file, read_regions
from villages.village_data import import_village_data, read_table

SAMPLE = Path(__file__).resolve().parents[2] / "villages" / "data" / "demo-village-data-3403.csv"


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language; the default language is Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def village(db):
    return region("34.03.01.2001", "Wonosari")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_imports_a_file_and_says_what_it_did(village, tmp_path):
    out = StringIO()
    call_command(
        "import_village_data", write(tmp_path, "Kode Desa,Skor IDM,Luas\n3403012001,0.7,5\n"), year=2026, stdout=out
    )
    assert str(VillageData.objects.get().idm_score) == "0.7000"
    assert "Ignored columns: Luas" in out.getvalue()
    assert "Imported. 1 rows for 2026: 1 added, 0 updated, 0 unchanged" in out.getvalue()


def test_a_dry_run_lists_the_changes_and_writes_nothing(village, tmp_path):
    out = StringIO()
    call_command(
        "import_village_data",
        write(tmp_path, "Kode Desa,Skor IDM\n34.03.01.2001,0.7\n"),
        year=2026,
        dry_run=True,
        stdout=out,
    )
    assert "row 2: would add 34.03.01.2001 Wonosari" in out.getvalue()
    assert "Dry run, nothing written." in out.getvalue()
    assert not VillageData.objects.exists()


def test_errors_name_their_row_and_nothing_is_imported(village, tmp_path):
    err = StringIO()
    path = write(tmp_path, "Kode Desa,Skor IDM\n34.03.01.2001,0.7\n34.03.01.2999,0.5\n")
    with pytest.raises(CommandError, match=r"1 error\(s\).*nothing was imported.*Row 3.*34\.03\.01\.2999"):
        call_command("import_village_data", path, year=2026, stderr=err, stdout=StringIO())
    assert "Row 3, column “Kode Desa”: Unknown village code 34.03.01.2999." in err.getvalue()
    assert not VillageData.objects.exists()


def test_a_missing_file_or_a_bad_year_is_a_clear_error(village, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_village_data", tmp_path / "nope.csv", year=2026)
    with pytest.raises(CommandError, match="between 2000 and 2100"):
        call_command("import_village_data", write(tmp_path, "Kode Desa\n"), year=26)


def test_a_file_without_a_header_is_a_clear_error(village, tmp_path):
    with pytest.raises(CommandError, match="No header row"):
        call_command("import_village_data", write(tmp_path, "a,b\n1,2\n"), year=2026)


def test_the_gunungkidul_sample_file_imports_cleanly_for_all_144_villages(db):
    with open_region_file(None) as lines:
        import_regions(read_regions(lines, only=["34.03"], known_codes=existing_codes))
    report = import_village_data(read_table(SAMPLE), year=2026, is_demo=True)
    assert report.ok and not report.warnings
    assert report.created == 144
    assert VillageData.objects.filter(village__code__startswith="34.03.", is_demo=True).count() == 144
    assert import_village_data(read_table(SAMPLE), year=2026, is_demo=True).unchanged == 144

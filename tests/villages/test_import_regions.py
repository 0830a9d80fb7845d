"""The region import: good, repeated, renamed, malformed, pruned."""

from __future__ import annotations

import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pillars.models import WorkPlan
from tests.factories import CompanionFactory
from villages.models import Region
from villages.regions import SHIPPED_REGIONS, classify

pytestmark = pytest.mark.django_db

SMALL = """kode,nama
34,Daerah Istimewa Yogyakarta
34.03,Kabupaten Gunungkidul
34.71,Kota Yogyakarta
34.03.01,Wonosari
34.03.01.2001,Wonosari
34.03.01.1001,Kepek Kelurahan
34.03.01.3001,"Adat, Lama"
"""


def write(tmp_path, text: str, name: str = "regions.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out = StringIO()
    call_command("import_regions", *args, stdout=out)
    return out.getvalue()


def test_it_loads_a_file_with_levels_kinds_and_parents(tmp_path):
    output = run(write(tmp_path, SMALL))
    assert Region.objects.count() == 7
    village = Region.objects.get(code="34.03.01.2001")
    assert (village.level, village.kind, village.parent_id) == (4, "desa", "34.03.01")
    assert Region.objects.get(code="34.71").kind == "kota"
    assert Region.objects.get(code="34.03.01.1001").kind == "kelurahan"
    assert Region.objects.get(code="34.03.01.3001").name == "Adat, Lama"
    assert Region.objects.get(code="34.03.01.3001").kind == "desa_adat"
    assert "desa/kelurahan:      3 in file · 3 added" in output


def test_a_second_run_changes_nothing_and_says_so(tmp_path):
    path = write(tmp_path, SMALL)
    run(path)
    output = run(path)
    assert "Nothing changed" in output
    assert Region.objects.count() == 7


def test_a_renamed_region_is_updated_and_new_codes_added(tmp_path):
    run(write(tmp_path, SMALL))
    changed = SMALL.replace("34.03.01,Wonosari", "34.03.01,Wonosari Baru") + "34.03.01.2002,Baleharjo\n"
    output = run(write(tmp_path, changed, "v2.csv"))
    assert Region.objects.get(code="34.03.01").name == "Wonosari Baru"
    assert Region.objects.filter(code="34.03.01.2002").exists()
    assert "1 renamed" in output and Region.objects.count() == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,nama\n34,DIY\n34.3,Salah\n", "line 3: '34.3' is not a Kemendagri code"),
        ("kode,nama\n34,DIY\n34.03,\n", "line 3: region 34.03 has an empty name"),
        ("kode,nama\n34,DIY\n34.03.09.2001,Semin\n", "line 3: the parent 34.03.09 of 34.03.09.2001"),
        ("kode,nama\n34,DIY\n34,DIY lagi\n", "line 3: code 34 appears twice (first on line 2)"),
        ("kode,nama\n34,DIY,extra\n", "line 2: expected 2 columns"),
        ("code;name\n34;DIY\n", "line 1: the header must be"),
        ("", "line 1: the file is empty"),
        ("kode,nama\n34,DIY\n34.03,Gunungkidul\n34.03.01,Wonosari\n34.03.01.5001,X\n", "line 5: village code"),
        ("kode,nama\n34," + "x" * 101 + "\n", "longer than 100 characters"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_changes_nothing(tmp_path, text, message):
    run(write(tmp_path, SMALL))
    before = list(Region.objects.values_list("code", "name"))
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text, "bad.csv"))
    assert message in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert list(Region.objects.values_list("code", "name")) == before


def test_a_file_that_is_not_utf8_or_missing_gets_a_clear_message(tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("kode,nama\n34,Yogyakart\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(bad))
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.csv"))
    assert not Region.objects.exists()


def test_a_gzipped_file_and_a_parent_already_in_the_database_are_accepted(tmp_path):
    run(write(tmp_path, SMALL))
    path = tmp_path / "more.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("kode,nama\n34.03.01.2009,Pulutan\n")
    run(str(path))
    assert Region.objects.get(code="34.03.01.2009").parent_id == "34.03.01"


def test_only_keeps_the_named_regions_and_their_ancestors(tmp_path):
    run(write(tmp_path, SMALL), "--only", "34.71")
    assert set(Region.objects.values_list("code", flat=True)) == {"34", "34.71"}


def test_prune_deletes_unlisted_regions_but_never_one_with_plans(tmp_path):
    run(write(tmp_path, SMALL + "34.03.01.2002,Baleharjo\n34.03.01.2003,Piyaman\n"))
    companion = CompanionFactory(villages=[Region.objects.get(code="34.03.01.2002")])
    plan = WorkPlan.objects.create(companion=companion, year=2026)
    plan.villages.set(["34.03.01.2002"])
    output = run(write(tmp_path, SMALL, "v2.csv"), "--prune")
    assert not Region.objects.filter(code="34.03.01.2003").exists()
    assert Region.objects.filter(code="34.03.01.2002").exists()
    assert "Kept 1 unlisted regions that are still in use." in output


def test_without_prune_nothing_is_deleted(tmp_path):
    run(write(tmp_path, SMALL + "34.03.01.2003,Piyaman\n"))
    run(write(tmp_path, SMALL, "v2.csv"))
    assert Region.objects.filter(code="34.03.01.2003").exists()


def test_the_shipped_national_list_has_the_published_counts_per_level():
    call_command("import_regions", stdout=StringIO())
    counts = {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
    output = run()
    assert "Nothing changed" in output
    assert Region.objects.count() == 91599


def test_the_shipped_list_carries_its_licence():
    licence = SHIPPED_REGIONS.parent / "LICENSE-wilayah.txt"
    assert "Cahya DSN" in licence.read_text()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("11", (1, "provinsi")), ("34.03", (2, "kabupaten")), ("34.71", (2, "kota")), ("34.03.01", (3, "kecamatan"))],
)
def test_classify_reads_the_code_shape(code, expected):
    assert classify(code) == expected

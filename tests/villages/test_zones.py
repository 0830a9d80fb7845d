"""Each province's time zone: from its code when regions are loaded and when the field was first filled (the
migration, forward and back), checked against the Kemendagri list the project ships."""

from __future__ import annotations

import csv
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from villages.models import Region
from villages.regions import open_region_file
from villages.zones import province_time_zone

pytestmark = pytest.mark.django_db

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
MIGRATION = importlib.import_module("villages.migrations.0006_province_time_zone")


def test_every_province_of_the_shipped_list_has_its_zone():
    with open_region_file(None) as handle:
        provinces = {code: name for code, name in csv.reader(handle) if len(code) == 2 and code.isdigit()}
    zones = {code: province_time_zone(code) for code in provinces}
    assert len(zones) == 38
    assert sorted(code for code, zone in zones.items() if zone == WITA) == [
        "51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"
    ]  # fmt: skip
    assert sorted(code for code, zone in zones.items() if zone == WIT) == [
        "81", "82", "91", "92", "93", "94", "95", "96"
    ]  # fmt: skip
    assert [zones[code] for code in ("11", "21", "31", "34", "36", "61", "62")] == [WIB] * 7


def test_loaded_regions_give_the_provinces_their_zone_and_nothing_below(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("kode,nama\n34,DIY\n51,Bali\n94,Papua Tengah\n94.01,Kabupaten Mimika\n", encoding="utf-8")
    call_command("import_regions", str(path), stdout=StringIO())
    assert dict(Region.objects.values_list("code", "time_zone")) == {"34": WIB, "51": WITA, "94": WIT, "94.01": ""}


def test_the_migration_fills_the_provinces_zones_and_clears_them_back():
    for code, name in (("34", "DIY"), ("73", "Sulawesi Selatan"), ("94", "Papua Tengah")):
        Region.objects.create(code=code, name=name, level=1, kind=Region.Kind.PROVINSI)
    MIGRATION.fill_province_zones(apps, None)
    assert dict(Region.objects.values_list("code", "time_zone")) == {"34": WIB, "73": WITA, "94": WIT}
    MIGRATION.clear_province_zones(apps, None)
    assert set(Region.objects.values_list("time_zone", flat=True)) == {""}

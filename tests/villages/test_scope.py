"""Regions, village data and companions through the same scope rule; the grammar of region codes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import VillageDataFactory, region
from villages.models import Companion, Region, VillageData
from villages.scope import below

pytestmark = pytest.mark.django_db


def test_regions_by_kind_of_user(cast):
    assert set(Region.objects.visible_to(cast.companion).values_list("code", flat=True)) == {
        "34.03.01.2001",
        "34.03.01.2002",
    }
    coordinator_codes = set(Region.objects.visible_to(cast.coordinator).values_list("code", flat=True))
    assert "34.03" in coordinator_codes and "34.03.02.2001" in coordinator_codes
    assert not any(code.startswith("34.01") for code in coordinator_codes)
    assert Region.objects.visible_to(cast.admin).count() == Region.objects.count()
    assert not Region.objects.visible_to(AnonymousUser()).exists()


def test_village_data_follows_regions(cast):
    VillageDataFactory(village=region("34.03.01.2001"))
    VillageDataFactory(village=region("34.01.01.2001"))
    assert VillageData.objects.visible_to(cast.companion).count() == 1
    assert VillageData.objects.visible_to(cast.other_companion).count() == 0
    assert VillageData.objects.visible_to(cast.coordinator).count() == 1
    assert VillageData.objects.visible_to(cast.outsider).count() == 1
    assert VillageData.objects.visible_to(cast.admin).count() == 2


def test_companions_by_kind_of_user(cast):
    def names(user):
        return set(Companion.objects.visible_to(user).values_list("user__username", flat=True))

    assert names(cast.companion) == {"pld"}
    assert names(cast.coordinator) == {"koord", "pld", "pld2"}
    assert names(cast.outsider) == {"koord_kp", "pld_kp"}
    assert len(names(cast.admin)) == 5
    assert names(AnonymousUser()) == set()


def test_data_for_a_year_falls_back_to_the_latest_earlier_year(cast):
    village = region("34.03.01.2001")
    VillageDataFactory(village=village, year=2024)
    VillageDataFactory(village=village, year=2025)
    VillageDataFactory(village=village, year=2027)
    assert [d.year for d in VillageData.objects.for_year(2026)] == [2025]
    assert [d.year for d in VillageData.objects.for_year(2027)] == [2027]
    assert list(VillageData.objects.for_year(2023)) == []


def test_below_keeps_exactly_the_villages_under_a_region():
    inside = [region("34.03.01.2001"), region("34.03.02.2005")]
    outside = [region("34.04.01.2001"), region("34.01.01.2001")]
    codes = set(Region.objects.filter(below("code", "34.03"), level=4).values_list("code", flat=True))
    assert codes == {v.code for v in inside}
    assert not codes & {v.code for v in outside}


@pytest.mark.parametrize("code", ["34", "34.03", "34.03.01", "34.03.01.2001"])
def test_a_code_names_its_level_by_its_shape_and_has_the_width_of_that_level(code):
    level = Region.level_of(code)
    assert level == code.count(".") + 1
    assert Region.CODE_LENGTH[level] == len(code)

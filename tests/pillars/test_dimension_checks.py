"""The Indeks Desa on the plan: the index of the plan's year, and the check of each village's weakest dimension."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pillars.checks import plan_checks
from pillars.models import Activity, DimensionFocus, Pillar
from pillars.selectors import dimension_focus, plan_sections, plan_villages
from tests.factories import ActivityFactory, PlanFactory, VillageDataFactory, region
from tests.reports.exports_helpers import pdf_text
from villages.models import Region

pytestmark = pytest.mark.django_db

A, B = "34.03.01.2001", "34.03.01.2002"
# Environment is the weakest dimension of A.
SCORES = {
    "basic_services_score": Decimal("72.15"),
    "social_score": Decimal("68.4"),
    "economic_score": Decimal("55"),
    "environment_score": Decimal("41.2"),
    "accessibility_score": Decimal("80.05"),
    "governance_score": Decimal("77"),
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def indeks_desa(code: str, year: int = 2026, **scores) -> None:
    VillageDataFactory(
        village=region(code),
        year=year,
        indeks_desa_score=Decimal("65.63"),
        indeks_desa_status="berkembang",
        **{**SCORES, **scores},
    )


def dimension_checks(plan):
    villages = plan_villages(plan)
    checks = plan_checks(plan_sections(plan), villages, dimension_focus(villages))
    return [check for check in checks if check.kind == "dimension"]


def pillar(code: str) -> Pillar:
    return Pillar.objects.get(code=code)


def test_the_weakest_dimension_without_an_activity_aimed_at_it_is_named(cast):
    indeks_desa(A)
    Region.objects.filter(code=A).update(name="Wonosari")
    ActivityFactory(plan=cast.plan, village=region(A), pillar=pillar("KAP"))
    [check] = dimension_checks(cast.plan)  # B has no Indeks Desa scores: nothing to check there
    assert not check.ok
    assert check.text == "Wonosari: weakest dimension Environment (41.2) has no activity aimed at it"
    assert check.anchor == f"village-{A}"


def test_it_passes_once_an_activity_aimed_at_the_dimension_covers_the_village(cast):
    indeks_desa(A)
    indeks_desa(B, environment_score=Decimal("90"), social_score=Decimal("30"))
    # The default mapping: Environment is worked on by Assistance (ASI) with the community.
    ActivityFactory(
        plan=cast.plan, village=region(B), pillar=pillar("ASI"), target_group=Activity.TargetGroup.COMMUNITY
    )
    checks = {check.anchor: check for check in dimension_checks(cast.plan)}
    assert not checks[f"village-{A}"].ok  # aimed at Environment, but in B
    assert checks[f"village-{B}"].ok  # B's weakest is Social, and the community is a social target group
    ActivityFactory(plan=cast.plan, village=None, pillar=pillar("ASI"), target_group=Activity.TargetGroup.COMMUNITY)
    checks = {check.anchor: check for check in dimension_checks(cast.plan)}
    assert checks[f"village-{A}"].ok
    assert "weakest dimension Environment (41.2) has an activity aimed at it" in checks[f"village-{A}"].text


def test_editing_the_mapping_changes_the_result(cast):
    indeks_desa(A)
    ActivityFactory(plan=cast.plan, village=region(A), target_group=Activity.TargetGroup.YOUTH)
    assert not dimension_checks(cast.plan)[0].ok
    focus = DimensionFocus.objects.create(dimension="lingkungan", target_group=Activity.TargetGroup.YOUTH)
    assert dimension_checks(cast.plan)[0].ok
    focus.delete()
    DimensionFocus.objects.filter(dimension="lingkungan").delete()
    check = dimension_checks(cast.plan)[0]
    assert not check.ok and check.suggest == (("village", A),)  # nothing is aimed at it until an admin says what


def test_the_suggestion_prefills_the_village_pillar_and_target_group(cast):
    indeks_desa(A)
    [check] = dimension_checks(cast.plan)
    assert check.suggest == (("village", A), ("pillar", "ASI"), ("target_group", "community"))
    page = cast.client_for(cast.companion).get(reverse("pillars:activity-add", args=[cast.plan.pk]) + "?" + check.query)
    form = page.context["form"]
    assert (form.initial["village"], form.initial["pillar"], form.initial["target_group"]) == (A, "ASI", "community")


def test_a_village_with_idm_data_only_gets_no_dimension_check(cast):
    VillageDataFactory(village=region(A), year=2024)
    VillageDataFactory(village=region(B), year=2026)  # an Indeks Desa year without scores
    assert dimension_checks(cast.plan) == []
    with CaptureQueriesContext(connection) as queries:
        assert dimension_focus(plan_villages(cast.plan)) == []
    assert len(queries) == 2  # the plan's villages and their data; the mapping is not read


def test_a_focus_needs_a_pillar_or_a_target_group():
    with pytest.raises(ValidationError, match="pillar, a target group"):
        DimensionFocus(dimension="sosial").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        DimensionFocus.objects.create(dimension="sosial")


def test_the_default_mapping_is_seeded_and_can_be_removed_and_seeded_again():
    migration = import_module("pillars.migrations.0014_dimension_focus")
    seeded = set(DimensionFocus.objects.values_list("dimension", "pillar__code", "target_group"))
    assert {dimension for dimension, _, _ in seeded} == {
        "layanan_dasar",
        "sosial",
        "ekonomi",
        "lingkungan",
        "aksesibilitas",
        "tata_kelola",
    }
    assert ("lingkungan", "ASI", "community") in seeded and ("tata_kelola", "KAP", "") in seeded
    migration.remove_focus(apps, None)
    assert not DimensionFocus.objects.exists()
    migration.add_default_focus(apps, None)
    assert set(DimensionFocus.objects.values_list("dimension", "pillar__code", "target_group")) == seeded


def test_an_admin_edits_the_mapping(cast):
    client = cast.client_for(cast.admin)
    assert client.get(reverse("admin:pillars_dimensionfocus_changelist")).status_code == 200
    response = client.post(
        reverse("admin:pillars_dimensionfocus_add"), {"dimension": "ekonomi", "pillar": "", "target_group": ""}
    )
    assert response.status_code == 200 and "Give a pillar, a target group or both." in response.content.decode()
    response = client.post(
        reverse("admin:pillars_dimensionfocus_add"),
        {"dimension": "ekonomi", "pillar": pillar("ORG").pk, "target_group": ""},
    )
    assert response.status_code == 302
    assert DimensionFocus.objects.filter(dimension="ekonomi", pillar__code="ORG").exists()


# The plan page and the plan PDF ----------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_plan_page_shows_the_indeks_desa_and_its_check_from_2025(cast, year):
    cast.plan.year = year
    cast.plan.save(update_fields=["year"])
    indeks_desa(A, year=year)
    body = cast.client_for(cast.companion).get(cast.plan.get_absolute_url()).content.decode()
    assert "<dt>Indeks Desa</dt><dd>Berkembang (65.63)</dd>" in body
    assert "Environment</dt><dd>41.2</dd>" in body and "Village governance</dt><dd>77</dd>" in body
    assert "weakest dimension Environment (41.2) has no activity aimed at it" in body
    assert "<dt>IDM</dt>" not in body


def test_the_plan_page_shows_the_idm_for_a_2024_plan(cast):
    plan = PlanFactory(companion=cast.plan.companion, year=2024)
    VillageDataFactory(village=region(A), year=2024, idm_score=Decimal("0.6512"), idm_status="berkembang")
    body = cast.client_for(cast.companion).get(plan.get_absolute_url()).content.decode()
    assert "<dt>IDM</dt><dd>Berkembang (0.6512)</dd>" in body
    assert "Indeks Desa" not in body and "weakest dimension" not in body


def test_the_plan_pdf_shows_the_index_of_the_plans_year(cast):
    indeks_desa(A)
    VillageDataFactory(village=region(B), year=2024, idm_score=Decimal("0.6512"), idm_status="berkembang")
    response = cast.client_for(cast.companion).get(reverse("reports:plan-pdf", args=[cast.plan.pk]))
    text = " ".join(pdf_text(b"".join(response.streaming_content) if response.streaming else response.content).split())
    assert "Indeks Desa: Berkembang (65,63)" in text
    assert "Lingkungan 41,2" in text or "Environment 41,2" in text
    assert "IDM: Berkembang (0,6512)" in text  # B's latest data is of 2024


@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_plan_page_costs_the_same_queries_for_2_and_12_villages_with_the_indeks_desa(cast):
    client = cast.client_for(cast.companion)
    url = cast.plan.get_absolute_url()
    indeks_desa(A)
    indeks_desa(B)
    ActivityFactory(plan=cast.plan, village=None)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()  # per-process caches
    small = count()
    for n in range(10):
        code = f"34.03.01.{2100 + n}"
        indeks_desa(code, social_score=Decimal(20 + n))
        cast.plan.villages.add(region(code))
        ActivityFactory(plan=cast.plan, village=region(code), target_group=Activity.TargetGroup.WOMEN)
    body = client.get(url).content.decode()
    assert body.count("weakest dimension") == 12
    assert count() == small

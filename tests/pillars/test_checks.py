"""Plan-quality checks: data-based planning, as warnings."""

from __future__ import annotations

import pytest

from pillars.checks import plan_checks
from pillars.models import Activity, Pillar
from pillars.selectors import plan_sections, plan_villages
from tests.factories import ActivityFactory, VillageDataFactory, region
from villages.models import VillageData

pytestmark = pytest.mark.django_db

A, B = "34.03.01.2001", "34.03.01.2002"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def failing(plan) -> dict[str, list[str]]:
    by_kind: dict[str, list[str]] = {}
    for check in plan_checks(plan_sections(plan), plan_villages(plan)):
        if not check.ok:
            by_kind.setdefault(check.kind, []).append(check.anchor)
    return by_kind


def pillar(code: str) -> Pillar:
    return Pillar.objects.get(code=code)


def test_an_empty_plan_warns_about_every_pillar_village_and_quarter(cast):
    warnings = failing(cast.plan)
    assert warnings["pillar"] == [f"pillar-{p.code}" for p in Pillar.objects.active().order_by("order", "code")]
    assert warnings["village"] == [f"village-{A}", f"village-{B}"]
    assert len(warnings["quarter"]) == 4


def test_a_pillar_added_by_an_admin_is_checked_too(cast):
    Pillar.objects.create(code="FAS", name="Fasilitasi", order=9)
    assert "pillar-FAS" in failing(cast.plan)["pillar"]


def test_an_inactive_pillar_is_not_required(cast):
    Pillar.objects.filter(code="KAP").update(is_active=False)
    assert "pillar-KAP" not in failing(cast.plan)["pillar"]


def test_an_activity_for_all_villages_covers_each_village(cast):
    ActivityFactory(plan=cast.plan, village=None, months=(1, 4, 7, 10))
    warnings = failing(cast.plan)
    assert "village" not in warnings
    assert "quarter" not in warnings


def test_a_village_activity_covers_only_its_village(cast):
    ActivityFactory(plan=cast.plan, village=region(A))
    assert failing(cast.plan)["village"] == [f"village-{B}"]


def test_an_empty_quarter_is_named(cast):
    ActivityFactory(plan=cast.plan, months=(1, 2, 11))
    quarters = [c for c in plan_checks(plan_sections(cast.plan), plan_villages(cast.plan)) if c.kind == "quarter"]
    assert sorted(c.text for c in quarters if not c.ok) == [
        "Nothing is scheduled in quarter 2",
        "Nothing is scheduled in quarter 3",
    ]


def test_poor_households_ask_for_a_poor_group_activity(cast):
    VillageDataFactory(village=region(A), poor_households=120, blt_households=0)
    VillageDataFactory(village=region(B), poor_households=0, blt_households=0)
    ActivityFactory(plan=cast.plan, village=region(B))
    assert failing(cast.plan)["poor"] == [f"village-{A}"]
    ActivityFactory(plan=cast.plan, village=region(A), target_group=Activity.TargetGroup.POOR)
    assert "poor" not in failing(cast.plan)


def test_blt_recipients_alone_ask_for_one_and_the_priority_flag_answers(cast):
    VillageDataFactory(village=region(A), poor_households=None, blt_households=30)
    assert failing(cast.plan)["poor"] == [f"village-{A}"]
    ActivityFactory(plan=cast.plan, village=None, poor_priority=True)
    assert "poor" not in failing(cast.plan)


def test_a_village_without_an_active_bumdes_asks_for_an_organising_activity(cast):
    VillageDataFactory(village=region(A), bumdes_status=VillageData.BumdesStatus.INACTIVE)
    VillageDataFactory(village=region(B), bumdes_status=VillageData.BumdesStatus.MAJU)
    ActivityFactory(plan=cast.plan, village=region(A), pillar=pillar("ASI"), target_group="bumdes")
    assert failing(cast.plan)["bumdes"] == [f"village-{A}"]
    ActivityFactory(plan=cast.plan, village=region(A), pillar=pillar("ORG"))
    assert "bumdes" not in failing(cast.plan)


def test_a_village_without_data_is_not_judged_on_data(cast):
    warnings = failing(cast.plan)
    assert "poor" not in warnings
    assert "bumdes" not in warnings


def test_older_data_is_used_when_the_plans_year_has_none(cast):
    VillageDataFactory(village=region(A), year=2025, bumdes_status=VillageData.BumdesStatus.NONE)
    assert failing(cast.plan)["bumdes"] == [f"village-{A}"]


def test_warnings_come_first_and_suggest_what_to_add(cast):
    VillageDataFactory(village=region(A), bumdes_status=VillageData.BumdesStatus.NONE)
    ActivityFactory(plan=cast.plan, village=None, pillar=pillar("ASI"))
    checks = plan_checks(plan_sections(cast.plan), plan_villages(cast.plan))
    assert [c.ok for c in checks] == sorted(c.ok for c in checks)
    bumdes = next(c for c in checks if c.kind == "bumdes")
    assert bumdes.query == f"village={A}&pillar=ORG&target_group=bumdes"
    assert "no active BUMDes" in bumdes.text


def test_the_checks_are_on_the_plan_page_for_companion_and_coordinator(cast):
    for user in (cast.companion, cast.coordinator):
        page = cast.client_for(user).get(cast.plan.get_absolute_url()).content.decode()
        assert "Plan-quality checks" in page
        assert "has no activity yet" in page
        assert f'href="#village-{A}"' in page

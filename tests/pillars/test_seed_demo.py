"""seed_demo builds a believable Gunungkidul and Kulon Progo, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from pillars.demo import DemoBuilder
from pillars.models import Activity, MonthlyProgress, WorkflowEvent, WorkPlan
from villages.models import Companion, Region, VillageData, VillageOfficial

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "regions": Region.objects.count(),
        "data": VillageData.objects.count(),
        "plans": WorkPlan.objects.count(),
        "activities": Activity.objects.count(),
        "progress": MonthlyProgress.objects.count(),
        "events": WorkflowEvent.objects.count(),
    }


@pytest.fixture
def seeded(clock):
    """The demo as built on 28 November 2026: months reported up to October."""
    clock.set("2026-11-28 10:00")
    DemoBuilder(say=lambda message: None).build()


def test_it_builds_the_accounts_with_the_demo_password(seeded):
    User = get_user_model()
    names = {"admin", "koordinator", "koordinator2", "kades", "camat"} | {f"pendamping{i}" for i in range(1, 9)}
    assert set(User.objects.values_list("username", flat=True)) == names
    assert all(user.check_password("rkt-demo") for user in User.objects.all())
    assert User.objects.get(username="admin").is_superuser
    assert Companion.objects.get(user__username="koordinator").scope_region_id == "34.03"
    assert Companion.objects.get(user__username="koordinator2").scope_region_id == "34.01"
    in_gunungkidul = Companion.objects.filter(user__username__in=[f"pendamping{i}" for i in range(1, 7)])
    assert all(2 <= c.villages.count() <= 4 for c in in_gunungkidul)
    assert all(code.startswith("34.03.") for c in in_gunungkidul for code in c.villages.values_list("code", flat=True))
    assert in_gunungkidul.filter(role=Companion.Role.PD).exists()
    assert Companion.objects.get(user__username="pendamping7").villages.filter(code__startswith="34.01.").exists()
    # A companion just taken on, without a plan: the one a coordinator can hand a leaving companion's plan to.
    newcomer = Companion.objects.get(user__username="pendamping8")
    assert not newcomer.plans.exists() and newcomer.villages.get().code == "34.03.02.2005"


def test_it_has_plans_in_every_state_with_progress_for_past_months(seeded):
    statuses = set(WorkPlan.objects.filter(year=2026).values_list("status", flat=True))
    assert statuses == set(WorkPlan.Status.values)
    returned = WorkPlan.objects.get(status=WorkPlan.Status.RETURNED)
    assert returned.events.filter(to_status="returned").exclude(comment="").exists()
    assert returned.activities.filter(comments__isnull=False).exists()
    approved = WorkPlan.objects.filter(year=2026, status=WorkPlan.Status.APPROVED)
    progress_months = set(MonthlyProgress.objects.filter(activity__plan__in=approved).values_list("month", flat=True))
    assert progress_months and max(progress_months) <= 10
    assert approved.first().snapshots.exists()


def test_it_builds_the_regions_and_demo_village_data_of_both_kabupaten(seeded):
    assert Region.objects.filter(code__startswith="34.03.", level=4).count() == 144
    assert Region.objects.filter(code__startswith="34.01.", level=4).count() > 80
    assert VillageData.objects.filter(is_demo=False).count() == 0
    assert VillageData.objects.filter(village__code__startswith="34.03.", year=2026).count() == 144


def test_the_demo_villages_have_the_indeks_desa_for_2025_and_2026_and_a_plan_shows_it(seeded, client, settings):
    settings.LANGUAGE_CODE = "en"
    for year in (2025, 2026):
        data = VillageData.objects.filter(village__code__startswith="34.03.", year=year)
        assert data.count() == 144
        assert not data.filter(is_demo=False).exists()
        assert not data.filter(indeks_desa_score__isnull=True).exists()
        assert not data.filter(environment_score__isnull=True).exists()
        assert not data.filter(indeks_desa_status="").exists()
        assert all(0 <= score <= 100 for score in data.values_list("governance_score", flat=True))
    plan = WorkPlan.objects.filter(year=2026, companion__user__username="pendamping1").get()
    client.force_login(plan.companion.user)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Indeks Desa" in body and "weakest dimension" in body


def test_running_it_twice_duplicates_nothing(seeded):
    before = counts()
    DemoBuilder(say=lambda message: None).build()
    assert counts() == before


def test_it_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_if_empty_leaves_a_database_with_users_alone(settings):
    get_user_model().objects.create_user("someone")
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert not WorkPlan.objects.exists()


def test_it_has_a_village_head_and_a_camat_who_read_approved_plans_with_progress(seeded):
    kades = VillageOfficial.objects.get(user__username="kades")
    camat = VillageOfficial.objects.get(user__username="camat")
    assert (kades.kind, kades.region.level, camat.kind, camat.region_id) == ("KADES", 4, "CAMAT", "34.03.01")
    assert kades.region_id.startswith("34.03.01.")
    assert kades.user.email == "kades@demo.rkt.invalid" and camat.user.email == "camat@demo.rkt.invalid"
    seen = WorkPlan.objects.visible_to(kades.user)
    assert seen.exists() and all(plan.is_in_force for plan in seen)
    assert MonthlyProgress.objects.visible_to(kades.user).exists()
    assert set(seen) < set(WorkPlan.objects.visible_to(camat.user))
    assert seen.get(year=2026).month_notes.filter(author=kades.user, month=10).exists()

"""The plan's pages write every number in the language of the page: grouped integers, decimal comma or point,
Rupiah with "Rp", dates with the month's name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars import services
from tests.factories import ActivityFactory, ProgressFactory, VillageDataFactory, region
from tests.pillars import progress_fixtures
from tests.pillars.progress_fixtures import activity_titled

plan = progress_fixtures.plan
pytestmark = pytest.mark.django_db

IN = {
    "id": {
        "target": "1.250,5 kegiatan",
        "budget": "Rp 2.500.000",
        "score": "(0,6512)",
        "poor": "1.500",
        "month": "Maret",
    },
    "en": {
        "target": "1,250.5 kegiatan",
        "budget": "Rp 2,500,000",
        "score": "(0.6512)",
        "poor": "1,500",
        "month": "March",
    },
}


@pytest.fixture
def page(settings):
    def speak(language: str) -> dict:
        settings.LANGUAGE_CODE = language
        return IN[language]

    return speak


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_plan_page_writes_targets_budgets_and_village_figures_in_its_language(cast, page, language):
    ActivityFactory(plan=cast.plan, target_quantity=Decimal("1250.50"), budget=Decimal("2500000"))
    VillageDataFactory(
        village=region("34.03.01.2001"),
        year=2024,  # the IDM's last year, shown on the 2026 plan as the latest data
        idm_score=Decimal("0.6512"),
        households=3000,
        poor_households=1500,
    )
    expected = page(language)
    body = cast.client_for(cast.companion).get(cast.plan.get_absolute_url()).content.decode()
    assert expected["target"] in body
    assert expected["budget"] in body
    assert expected["score"] in body
    assert f"<dd>{expected['poor']}</dd>" in body


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_month_view_and_the_report_write_quantities_in_their_language(cast, plan, page, language):
    rakor = activity_titled(plan, "Rakor bulanan")
    rakor.target_quantity = Decimal("1250.5")
    rakor.save()
    ProgressFactory(activity=rakor, month=3, quantity=Decimal("1250.5"))
    expected = page(language)
    client = cast.client_for(cast.companion)
    month = client.get(reverse("pillars:plan-month", args=[plan.pk, 3])).content.decode()
    shown = expected["target"].removesuffix(" kegiatan")
    assert f"{shown} of {shown}" in month or f"{shown} dari {shown}" in month
    report = client.get(reverse("pillars:month-report", args=[plan.pk, 3])).content.decode()
    assert shown in report


@pytest.mark.parametrize(
    ("language", "change"), [("id", "Rp 1.000.000 → Rp 2.500.000"), ("en", "Rp 1,000,000 → Rp 2,500,000")]
)
def test_the_history_writes_a_changed_budget_in_its_language(cast, page, language, change):
    activity = ActivityFactory(plan=cast.plan, budget=Decimal("1000000"))
    activity.budget = Decimal("2500000")
    services.activity_save(activity=activity, by=cast.companion)
    page(language)
    body = cast.client_for(cast.companion).get(reverse("pillars:plan-history", args=[cast.plan.pk])).content.decode()
    before, after = change.split(" → ")
    assert before in body and after in body


@pytest.mark.parametrize(
    ("language", "long", "short"), [("id", "20 Januari 2026", "20 Jan 2026"), ("en", "20 January 2026", "20 Jan 2026")]
)
def test_dates_are_written_with_the_months_name_in_the_language_of_the_page(cast, clock, page, language, long, short):
    ActivityFactory(plan=cast.plan, months=(2,))
    clock.set("2026-01-20 09:00")
    services.plan_submit(plan=cast.plan, by=cast.companion)
    page(language)
    waiting = cast.client_for(cast.coordinator).get(reverse("pillars:plan-list")).content.decode()
    assert f">{short}</time>" in waiting
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Lengkapi")
    returned = cast.client_for(cast.companion).get(cast.plan.get_absolute_url()).content.decode()
    assert f"{long}:" in returned and f"{long} 09:00" in returned

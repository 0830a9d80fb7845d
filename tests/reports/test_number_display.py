"""The village pages write figures in the language of the page; the documents are Indonesian whatever the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, VillageDataFactory, region
from tests.reports.exports_helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(cast):
    return VillageDataFactory(
        village=region("34.03.01.2001"),
        year=2024,  # the IDM's last year
        idm_score=Decimal("0.6512"),
        population=12500,
        households=3000,
        poor_households=1500,
        dana_desa=Decimal("1025000000"),
    )


@pytest.mark.parametrize(
    ("language", "score", "population", "allocation"),
    [("id", "0,6512", "12.500", "Rp 1.025.000.000"), ("en", "0.6512", "12,500", "Rp 1,025,000,000")],
)
def test_the_village_pages_write_figures_in_the_language_of_the_page(
    cast, settings, figures, language, score, population, allocation
):
    settings.LANGUAGE_CODE = language
    client = cast.client_for(cast.coordinator)
    listing = client.get(reverse("reports:village-list")).content.decode()
    assert f"({score})" in listing
    detail = client.get(reverse("reports:village-detail", args=["34.03.01.2001"])).content.decode()
    assert f">{score}<" in detail and f">{population}<" in detail and f">{allocation}<" in detail


def test_the_plan_pdf_is_indonesian_on_an_english_page(cast, settings, figures):
    ActivityFactory(plan=cast.plan, target_quantity=Decimal("2.5"), budget=Decimal("2500000"))
    settings.LANGUAGE_CODE = "en"
    text = pdf_text(cast.client_for(cast.companion).get(reverse("reports:plan-pdf", args=[cast.plan.pk])).content)
    assert "Rp 2.500.000" in text and "2,5" in text and "Rp 1.025.000.000" in text
    assert "2,500,000" not in text

"""Journey 3: the companion reports a month with a photo and submits the monthly report; the coordinator
acknowledges it; completeness and progress on the coordinator's home change."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image

from pillars.models import MonthlyProgress, MonthlyReport, Pillar, WorkPlan
from tests.clock import local
from tests.factories import ActivityFactory, PlanFactory, open_year

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def last_month_over(today: date) -> tuple[int, int]:
    """The most recent month that is over: the one the coordinator's home counts reports for."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def photo_png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (96, 64), (30, 120, 80))
    for x in range(0, 96, 8):
        image.putpixel((x, 32), (250, 250, 250))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def approved_plan(people, clock):
    """The companion's approved plan for the year of the last month that is over."""
    year, month = last_month_over(clock.today)
    open_year(year)
    plan = PlanFactory(
        companion=people["companion"], year=year, status=WorkPlan.Status.APPROVED, approved_at=local(year, 1, 5, 9)
    )
    pillars = list(Pillar.objects.active().order_by("order"))
    ActivityFactory(
        plan=plan,
        pillar=pillars[2],
        title="Rapat koordinasi bulanan",
        months=tuple(range(1, 13)),
        target_quantity=Decimal("12"),
        unit="rapat",
        position=1,
    )
    other_month = 1 if month != 1 else 2
    ActivityFactory(plan=plan, pillar=pillars[3], title="Pelatihan BPD", months=(other_month,), position=2)
    return plan, month


def home_figures(visitor, year: int) -> dict:
    visitor.go(f"{reverse('home')}?year={year}")
    page = visitor.page
    return {
        "missing": int(page.locator("section[aria-labelledby=completeness] .figure-link strong").first.inner_text()),
        # done %, reported %, achieved %
        "reported": page.locator("section[aria-labelledby=by-pillar] .headline-figures strong").nth(1).inner_text(),
        "cells": page.locator("tr", has_text="Rina Lestari")
        .locator("td.heat")
        .evaluate_all(
            "cells => cells.map(cell => [...cell.classList].find(name => name.startsWith('heat-') && name !== 'heat'))"
        ),
    }


def test_companion_reports_a_month_with_a_photo_coordinator_acknowledges_home_figures_change(
    visit, people, approved_plan
):
    plan, month = approved_plan
    activity = plan.activities.get(title="Rapat koordinasi bulanan")

    coordinator = visit("koord")
    before = home_figures(coordinator, plan.year)
    assert before["cells"][month - 1] == "heat-missing"
    coordinator.look("home-before")

    companion = visit("pld")
    companion.go(plan.get_absolute_url())
    companion.go(reverse("pillars:plan-month", args=[plan.pk, month]))
    companion.look("month")
    card = companion.page.locator(f"#activity-{activity.pk}")
    prefix = f"a{activity.pk}-"
    card.locator(f"select[name={prefix}status]").select_option(MonthlyProgress.Status.DONE)
    card.locator(f"input[name={prefix}quantity]").fill("1")
    card.locator(f"textarea[name={prefix}description]").fill("Rapat dengan perangkat desa Kepek, 14 peserta.")
    card.locator(f"input[name={prefix}files]").set_input_files(
        files=[{"name": "rapat-kepek.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    with companion.page.expect_response(lambda r: "/activities/" in r.url and r.request.method == "POST") as answer:
        card.locator("button[type=submit]").click()
    assert answer.value.status == 200
    saved = companion.page.locator(f"#activity-{activity.pk}.state-saved")
    saved.wait_for()
    # Kept as the JPEG copy made at upload, and named for it.
    assert "rapat-kepek.jpg" in saved.inner_text()
    companion.look("month-saved")

    with companion.page.expect_navigation():
        companion.page.locator(f"a[href='{reverse('pillars:month-report', args=[plan.pk, month])}']").click()
    companion.look("report-form")
    companion.page.locator("textarea[name=summary]").fill("Rapat koordinasi berjalan; data BLT diperbarui.")
    confirm = companion.page.locator("input[name=confirm]")
    if confirm.count():  # a month not over yet, or an activity of it without an entry, is confirmed knowingly
        confirm.check()
    with companion.page.expect_navigation():
        companion.page.locator(
            f"form[action='{reverse('pillars:month-report', args=[plan.pk, month])}'] button[type=submit]"
        ).click()
    report = MonthlyReport.objects.get(plan=plan, month=month)
    assert report.status == MonthlyReport.Status.SUBMITTED
    companion.look("month-submitted")

    coordinator.go(f"{reverse('home')}?year={plan.year}")
    detail = reverse("pillars:report-detail", args=[report.pk])
    assert coordinator.page.locator(f".waiting-list a[href$='{detail}']").count() == 1, "home lists it as waiting"
    coordinator.follow_nav(reverse("pillars:report-queue"))
    coordinator.look("report-queue")
    with coordinator.page.expect_navigation():
        coordinator.page.locator(f"main a[href$='{detail}']").click()
    assert "rapat-kepek.jpg" in coordinator.page.locator("main").inner_text()
    coordinator.look("report-detail")
    with coordinator.page.expect_navigation():
        coordinator.page.locator("form[action$='/acknowledge/'] button[type=submit]").click()
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.ACKNOWLEDGED
    coordinator.look("report-acknowledged")

    after = home_figures(coordinator, plan.year)
    coordinator.look("home-after")
    assert after["cells"][month - 1] == "heat-acknowledged"
    assert after["missing"] == before["missing"] - 1
    assert after["reported"] != before["reported"], (before["reported"], after["reported"])

    coordinator.go(f"{reverse('pillars:completeness')}?year={plan.year}")
    row = coordinator.page.locator("tr", has_text="Rina Lestari")
    assert "cell-acknowledged" in row.locator("td").nth(month - 1).inner_html()
    coordinator.look("completeness")
    assert MonthlyProgress.objects.filter(activity=activity, month=month).count() == 1

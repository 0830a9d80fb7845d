"""Journeys 1 and 2: a companion writes and submits the annual plan; the coordinator returns it with a
comment on one activity, the companion fixes and resubmits, the coordinator approves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars import services
from pillars.models import Pillar, WorkPlan
from tests.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def warnings(visitor) -> list[str]:
    return [text.strip() for text in visitor.page.locator("li.check-warn").all_inner_texts()]


def add_activity(visitor, *, pillar: str, title: str, months: tuple[int, ...], keyboard: bool = False) -> None:
    """Fill the add form at the foot of the plan page the way a person does, and wait for the card."""
    page = visitor.page
    form = page.locator("#add-activity form")
    form.locator("select[name=pillar]").select_option(pillar)
    form.locator("input[name=title]").fill(title)
    form.locator("select[name=target_group]").select_option("village_government")
    form.locator("input[name=target_quantity]").fill("4")
    form.locator("input[name=unit]").fill("kegiatan")
    if keyboard:
        # The month grid by keyboard: Tab from box to box, Space ticks the focused one.
        form.locator("input[name=months][value='1']").focus()
        for month in range(1, 13):
            if month in months:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    else:
        for month in months:
            form.locator(f"input[name=months][value='{month}'] + label").click()
    ticked = form.locator("input[name=months]:checked").evaluate_all("boxes => boxes.map(box => Number(box.value))")
    assert tuple(ticked) == months
    with page.expect_response(lambda r: r.url.endswith("/activities/new/") and r.request.method == "POST"):
        form.locator("button[type=submit]").click()
    page.locator(".activity-card", has_text=title).wait_for()


def test_companion_starts_a_plan_adds_activities_in_every_pillar_and_submits(visit, people):
    companion = visit("pld")
    companion.look("home")
    companion.open_menu()
    companion.page.locator(f"nav a[href='{reverse('pillars:plan-list')}']").click()
    companion.page.wait_for_url(f"**{reverse('pillars:plan-list')}")
    companion.look("plan-list-empty")

    companion.page.locator(".start-plan select[name=year]").select_option(str(people["year"]))
    with companion.page.expect_navigation():
        companion.page.locator(".start-plan button[type=submit]").click()
    plan = WorkPlan.objects.get(companion=people["companion"], year=people["year"])
    assert companion.page.url.endswith(plan.get_absolute_url())
    assert companion.page.locator("form[action$='/submit/'] button[type=submit]").is_disabled()
    companion.look("plan-started")

    pillars = list(Pillar.objects.active().order_by("order"))
    assert len(pillars) == 4
    schedule = {0: (1, 2, 3), 1: (4, 5, 6), 2: (7, 8, 9), 3: (10, 11, 12)}
    before = warnings(companion)
    assert any(pillars[0].name in text for text in before), before

    # One activity through the pillar's own "Add" page, the rest through the form at the foot of the plan.
    companion.page.locator(f"#pillar-{pillars[0].code} a[href*='/activities/new/']").click()
    companion.page.wait_for_url("**/activities/new/?pillar=*")
    assert companion.page.locator("select[name=pillar]").input_value() == pillars[0].code
    companion.look("activity-form")
    form = companion.page.locator("form.activity-form")
    form.locator("input[name=title]").fill("Fasilitasi penyusunan RKP Desa")
    form.locator("select[name=target_group]").select_option("village_government")
    form.locator("input[name=target_quantity]").fill("2")
    form.locator("input[name=unit]").fill("dokumen")
    for month in schedule[0]:
        form.locator(f"input[name=months][value='{month}'] + label").click()
    with companion.page.expect_navigation():
        form.locator("button[type=submit]").click()
    after_first = warnings(companion)
    assert len(after_first) < len(before), "the checklist answers the first activity"
    assert not any(pillars[0].name in text for text in after_first)

    for index, pillar in enumerate(pillars[1:], start=1):
        add_activity(
            companion, pillar=pillar.code, title=f"Kegiatan {pillar.name}", months=schedule[index], keyboard=index == 1
        )
        remaining = warnings(companion)
        assert not any(pillar.name in text for text in remaining), remaining
    assert warnings(companion) == [], "every pillar, village and quarter is covered"
    companion.look("plan-complete")

    submit = companion.page.locator("form[action$='/submit/'] button[type=submit]")
    assert submit.is_enabled()
    with companion.page.expect_navigation():
        submit.click()
    companion.look("plan-submitted")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    stored = {activity.pillar.code: tuple(activity.months) for activity in plan.activities.select_related("pillar")}
    assert stored == {pillar.code: schedule[index] for index, pillar in enumerate(pillars)}


@pytest.fixture
def submitted_plan(people):
    """The companion's plan with one activity per pillar, submitted through the workflow service."""
    companion = people["companion"]
    plan = PlanFactory(companion=companion, year=people["year"])
    for position, pillar in enumerate(Pillar.objects.active().order_by("order")):
        ActivityFactory(
            plan=plan,
            pillar=pillar,
            title=f"Kegiatan {pillar.code}",
            months=(1 + position * 3, 2 + position * 3),
            target_quantity=Decimal("3"),
            position=position,
        )
    return services.plan_submit(plan=plan, by=companion.user)


def switch_language(visitor, code: str) -> None:
    toggler = visitor.page.locator(".navbar-toggler")
    if toggler.is_visible():  # on a phone the language buttons are in the menu
        toggler.click()
    with visitor.page.expect_navigation():
        visitor.page.locator(f".language-form button[value={code}] >> visible=true").first.click()


def test_coordinator_returns_with_a_comment_companion_fixes_and_resubmits_coordinator_approves(
    visit, people, submitted_plan
):
    plan = submitted_plan
    commented = plan.activities.get(title="Kegiatan ASI")

    coordinator = visit("koord")
    coordinator.look("coordinator-home")
    waiting = coordinator.page.locator(".waiting-list a", has_text=people["companion"].user.get_full_name())
    with coordinator.page.expect_navigation():
        waiting.first.click()
    assert coordinator.page.url.endswith(plan.get_absolute_url())
    coordinator.look("plan-review")
    coordinator.page.locator(f"textarea[name=note-{commented.pk}]").fill("Sebutkan desa mana yang didampingi.")
    # Returning without a comment: back at the plan's own URL, the error summary on top and focused,
    # the note kept; reloading or switching language there works.
    with coordinator.page.expect_navigation():
        coordinator.page.locator("#review-form button[formaction$='/return/']").click()
    assert coordinator.page.url.endswith(f"{plan.get_absolute_url()}#error-summary")
    assert coordinator.page.evaluate("document.activeElement.id") == "error-summary"
    assert coordinator.page.locator(f"textarea[name=note-{commented.pk}]").input_value().startswith("Sebutkan")
    coordinator.look("plan-review-error")
    switch_language(coordinator, "en")
    assert coordinator.page.url.endswith(plan.get_absolute_url())
    switch_language(coordinator, "id")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    coordinator.page.locator(f"textarea[name=note-{commented.pk}]").fill("Sebutkan desa mana yang didampingi.")
    coordinator.page.locator("#review-form textarea[name=comment]").fill("Lengkapi lokasi kegiatan.")
    with coordinator.page.expect_navigation():
        coordinator.page.locator("#review-form button[formaction$='/return/']").click()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.RETURNED
    coordinator.look("plan-returned")

    companion = visit("pld")
    companion.go(plan.get_absolute_url())
    card = companion.page.locator(f"#activity-{commented.pk}")
    assert "Sebutkan desa mana yang didampingi." in card.inner_text()
    companion.look("plan-with-comment")
    with companion.page.expect_navigation():
        card.locator("a[href$='/edit/']").click()
    assert "Sebutkan desa mana yang didampingi." in companion.page.locator("main").inner_text()
    assert companion.page.locator("select[name=pillar]").input_value() == "ASI", "the edit page shows the pillar"
    companion.look("activity-edit")
    companion.page.locator("select[name=village]").select_option("34.03.01.2001")
    with companion.page.expect_navigation():
        companion.page.locator("form.activity-form button[type=submit]").click()
    commented.refresh_from_db()
    assert commented.village_id == "34.03.01.2001"
    with companion.page.expect_navigation():
        companion.page.locator("form[action$='/submit/'] button[type=submit]").click()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    companion.look("plan-resubmitted")

    coordinator.go(plan.get_absolute_url())
    coordinator.page.locator("#review-form textarea[name=comment]").fill("Disetujui.")
    with coordinator.page.expect_navigation():
        coordinator.page.locator("#review-form button[formaction$='/approve/']").click()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED
    coordinator.look("plan-approved")
    # The villages behind the plan, as the coordinator looks them up.
    coordinator.follow_nav(reverse("reports:village-list"))
    coordinator.look("village-list")
    with coordinator.page.expect_navigation():
        coordinator.page.locator(f"main a[href='{reverse('reports:village-detail', args=['34.03.01.2001'])}']").click()
    assert "Kegiatan ASI" in coordinator.page.locator("main").inner_text(), "the village page lists its activity"
    coordinator.look("village-detail")
    assert list(plan.events.values_list("to_status", flat=True).order_by("pk")) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]

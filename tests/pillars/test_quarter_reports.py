"""Quarter (triwulan) and annual reports: the figures are the months' added up, the page shows them, and the
companion's narrative of a quarter is submitted once the quarter is over and acknowledged or returned by the
coordinator."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications.models import Kind, Notification
from pillars import figures, selectors, services
from pillars.access import quarter_access
from pillars.errors import WorkflowError
from pillars.models import QuarterReport, WorkPlan
from tests.factories import ActivityFactory, CompanionFactory, UserFactory, region
from tests.pillars import quarter_fixtures
from tests.reports.exports_helpers import queries_of

pytestmark = pytest.mark.django_db
quarter_world = quarter_fixtures.quarter_world


def page_url(plan, quarter: int) -> str:
    return reverse("pillars:plan-quarter", args=[plan.pk, quarter])


def cell(html: str, activity, name: str) -> str:
    """The text of one figure of one activity's row on the page."""
    row = re.search(rf'<tr data-activity="{activity.pk}">(.*?)</tr>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.search(rf'class="text-end {name}">(.*?)</td>', row, re.S).group(1)).strip()


# --- the figures ------------------------------------------------------------------------------------


def test_a_quarters_figures_are_the_sum_of_its_months_figures(quarter_world):
    plan = quarter_world.plan
    report = selectors.period_report(plan, 1)
    rows = {row.activity.pk: row for row in report.rows}
    months = {m: {row.activity.pk: row for row in selectors.month_rows(plan, m).all} for m in (1, 2, 3)}
    for activity in quarter_world.activities:
        row = rows[activity.pk]
        month_rows = [months[m][activity.pk] for m in (1, 2, 3)]
        assert row.achieved == sum((r.entry.quantity for r in month_rows if r.entry), Decimal(0))
        planned = [r.planned for r in month_rows if r.planned is not None]
        if activity != quarter_world.cancelled:  # its two months are all its months: the whole target
            assert row.planned == (sum(planned, Decimal(0)) if planned else None)
        assert row.cumulative == months[3][activity.pk].cumulative
        assert row.cumulative_percent == months[3][activity.pk].percent


def test_it_counts_the_quarter_by_the_rules_of_the_month(quarter_world):
    rows = {row.activity.pk: row for row in selectors.period_report(quarter_world.plan, 1).rows}
    monthly, once = rows[quarter_world.monthly.pk], rows[quarter_world.once.pk]
    assert (monthly.planned, monthly.achieved, monthly.percent) == (Decimal("3"), Decimal("2.5"), Decimal("83.3"))
    assert (once.planned, once.achieved, once.percent) == (Decimal("3.33"), Decimal("5"), Decimal("150.2"))
    assert once.over_plan
    assert rows[quarter_world.outside.pk].planned is None
    assert rows[quarter_world.cancelled.pk].is_cancelled


def test_a_pillar_and_the_plan_show_the_mean_of_capped_shares_leaving_out_the_unscheduled_and_cancelled(
    quarter_world,
):
    report = selectors.period_report(quarter_world.plan, 1)
    assert report.total.achievement_pct == figures.mean_percent([Decimal("2.5") / 3, Decimal(1)]) == Decimal("91.7")
    assert report.total.left_out == 2
    assert [block.tally.achievement_pct for block in report.pillars] == [Decimal("91.7"), None]
    through_march = figures.tally(figures.figures_for(quarter_world.activities, 3).values())
    assert report.total.to_date.achievement_pct == through_march.achievement_pct


def test_the_year_plans_the_whole_target_and_counts_every_month(quarter_world):
    rows = {row.activity.pk: row for row in selectors.period_report(quarter_world.plan, None).rows}
    monthly = rows[quarter_world.monthly.pk]
    assert (monthly.planned, monthly.achieved) == (Decimal("6"), Decimal("3.5"))
    assert monthly.percent == figures.figures_for([quarter_world.monthly], 12)[quarter_world.monthly.pk].percent
    assert rows[quarter_world.once.pk].planned == Decimal("10")


def test_the_page_shows_the_quarters_figures_and_the_months_notes(quarter_world, cast):
    response = cast.client_for(cast.companion).get(page_url(quarter_world.plan, 1))
    assert response.status_code == 200
    html = response.content.decode()
    assert cell(html, quarter_world.monthly, "planned") == "3"
    assert cell(html, quarter_world.monthly, "achieved") == "2.5"
    assert cell(html, quarter_world.monthly, "percent") == "83.3%"
    assert cell(html, quarter_world.once, "percent").startswith("150.2%")
    assert cell(html, quarter_world.monthly, "cumulative") == "2.5 (41.7%)"
    assert "91.7%" in html
    assert "Rapat desa" in html and "Hujan" in html and "Jadwal ulang" in html


def test_the_plan_and_month_pages_link_to_the_quarters_and_the_year(quarter_world, cast):
    client = cast.client_for(cast.companion)
    for url in (quarter_world.plan.get_absolute_url(), reverse("pillars:plan-month", args=[quarter_world.plan.pk, 2])):
        html = client.get(url).content.decode()
        assert page_url(quarter_world.plan, 1) in html and page_url(quarter_world.plan, 4) in html
        assert reverse("pillars:plan-year", args=[quarter_world.plan.pk]) in html


def test_a_quarter_outside_one_to_four_is_not_found(quarter_world, cast):
    assert cast.client_for(cast.companion).get(page_url(quarter_world.plan, 5)).status_code == 404


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_a_quarter_of_someone_elses_plan_answers_404(quarter_world, cast, who):
    assert cast.client_for(getattr(cast, who)).get(page_url(quarter_world.plan, 1)).status_code == 404


def test_anonymous_is_sent_to_login(quarter_world, cast):
    response = cast.client_for(None).get(page_url(quarter_world.plan, 1))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_quarter_page_rejects_post(quarter_world, cast):
    assert cast.client_for(cast.companion).post(page_url(quarter_world.plan, 1)).status_code == 405


def test_the_quarter_page_runs_the_same_queries_for_5_and_50_activities(cast, clock):
    plan = cast.plan
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.APPROVED)
    client = cast.client_for(cast.companion)

    def grow(size: int) -> None:
        for n in range(size):
            activity = ActivityFactory(plan=plan, months=(1, 2, 4))
            quarter_fixtures.entry(activity, 1 + n % 3, "1", description=f"Catatan {n}")

    grow(5)
    client.get(page_url(plan, 2))
    five = queries_of(lambda: client.get(page_url(plan, 2)))
    grow(45)
    assert queries_of(lambda: client.get(page_url(plan, 2))) == five


# --- the narrative ----------------------------------------------------------------------------------


def submit_url(plan, quarter: int) -> str:
    return reverse("pillars:quarter-submit", args=[plan.pk, quarter])


def test_the_companion_submits_a_quarter_once_it_is_over(quarter_world, cast, clock):
    response = cast.client_for(cast.companion).post(submit_url(quarter_world.plan, 1), {"narrative": " Baik. "})
    assert response.status_code == 302
    report = QuarterReport.objects.get(plan=quarter_world.plan, quarter=1)
    assert (report.status, report.narrative) == (QuarterReport.Status.SUBMITTED, "Baik.")
    assert report.submitted_at == clock.now


def test_it_refuses_a_quarter_that_is_not_over(quarter_world, cast):
    client = cast.client_for(cast.companion)
    response = client.post(submit_url(quarter_world.plan, 2), {"narrative": "Terlalu awal"}, follow=True)
    assert "The quarter is not over yet" in response.content.decode()
    assert not QuarterReport.objects.exists()


def test_the_second_quarter_opens_when_june_is_over(quarter_world, cast, clock):
    with pytest.raises(WorkflowError):
        services.quarter_submit(plan=quarter_world.plan, quarter=2, narrative="", by=cast.companion, now=clock.now)
    clock.set("2026-07-01 00:05")
    services.quarter_submit(plan=quarter_world.plan, quarter=2, narrative="", by=cast.companion, now=clock.now)
    assert QuarterReport.objects.get().status == QuarterReport.Status.SUBMITTED


def test_it_refuses_a_quarter_of_a_plan_not_in_force(cast, clock):
    with pytest.raises(WorkflowError, match="not approved"):
        services.quarter_submit(plan=cast.plan, quarter=1, narrative="", by=cast.companion, now=clock.now)


def test_a_narrative_too_long_is_refused_beside_the_field_and_nothing_is_saved(quarter_world, cast):
    response = cast.client_for(cast.companion).post(submit_url(quarter_world.plan, 1), {"narrative": "x" * 2001})
    assert response.status_code == 422
    assert "at most 2000 characters" in response.content.decode()
    assert not QuarterReport.objects.exists()


def test_it_refuses_a_second_submission_while_submitted(quarter_world, cast, clock):
    services.quarter_submit(plan=quarter_world.plan, quarter=1, narrative="A", by=cast.companion, now=clock.now)
    with pytest.raises(WorkflowError, match="submitted"):
        services.quarter_submit(plan=quarter_world.plan, quarter=1, narrative="B", by=cast.companion, now=clock.now)
    assert QuarterReport.objects.get().narrative == "A"


def test_only_the_plans_companion_submits(quarter_world, cast):
    assert cast.client_for(cast.coordinator).post(submit_url(quarter_world.plan, 1)).status_code == 403
    assert cast.client_for(cast.other_companion).post(submit_url(quarter_world.plan, 1)).status_code == 404
    assert cast.client_for(cast.companion).get(submit_url(quarter_world.plan, 1)).status_code == 405


@pytest.fixture
def submitted(quarter_world, cast, clock) -> QuarterReport:
    return services.quarter_submit(
        plan=quarter_world.plan, quarter=1, narrative="Triwulan pertama", by=cast.companion, now=clock.now
    )


def decide_url(report: QuarterReport, decision: str) -> str:
    return reverse(f"pillars:quarter-{decision}", args=[report.plan_id, report.quarter])


def test_the_coordinator_acknowledges_a_submitted_quarter(submitted, cast, clock):
    page = cast.client_for(cast.coordinator).get(page_url(submitted.plan, 1))
    assert decide_url(submitted, "acknowledge") in page.content.decode()
    response = cast.client_for(cast.coordinator).post(decide_url(submitted, "acknowledge"), {"comment": "Bagus"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by, submitted.reviewed_at, submitted.note) == (
        QuarterReport.Status.ACKNOWLEDGED,
        cast.coordinator,
        clock.now,
        "Bagus",
    )


def test_the_coordinator_returns_a_quarter_with_a_note_and_the_companion_sends_it_again(submitted, cast, clock):
    first_sent = submitted.submitted_at
    client = cast.client_for(cast.coordinator)
    assert client.post(decide_url(submitted, "return"), {"note": ""}).status_code == 422
    submitted.refresh_from_db()
    assert submitted.status == QuarterReport.Status.SUBMITTED
    client.post(decide_url(submitted, "return"), {"note": "Tambahkan kendala"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.note) == (QuarterReport.Status.RETURNED, "Tambahkan kendala")
    page = cast.client_for(cast.companion).get(page_url(submitted.plan, 1)).content.decode()
    assert "Tambahkan kendala" in page and submit_url(submitted.plan, 1) in page
    clock.set("2026-06-20 09:00")
    services.quarter_submit(plan=submitted.plan, quarter=1, narrative="Lagi", by=cast.companion, now=clock.now)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.submitted_at) == (QuarterReport.Status.SUBMITTED, first_sent)
    trail = selectors.quarter_trail(submitted)
    assert [step.status for step in trail] == ["submitted", "returned", "submitted"]
    assert [step.who for step in trail][:2] == [cast.companion.get_full_name(), cast.coordinator.get_full_name()]


def test_the_companion_may_not_decide_on_their_own_quarter(submitted, cast):
    for decision in ("acknowledge", "return"):
        assert cast.client_for(cast.companion).post(decide_url(submitted, decision), {"note": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == QuarterReport.Status.SUBMITTED


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_a_decision_from_outside_the_scope_answers_404(submitted, cast, who):
    assert cast.client_for(getattr(cast, who)).post(decide_url(submitted, "acknowledge")).status_code == 404


def test_an_acknowledged_quarter_cannot_be_acknowledged_or_returned_again(submitted, cast, clock):
    services.quarter_acknowledge(report=submitted, by=cast.coordinator, now=clock.now)
    with pytest.raises(WorkflowError):
        services.quarter_acknowledge(report=submitted, by=cast.coordinator, now=clock.now)
    with pytest.raises(WorkflowError):
        services.quarter_return(report=submitted, by=cast.coordinator, now=clock.now, note="x")
    with pytest.raises(WorkflowError, match="acknowledged"):
        services.quarter_submit(plan=submitted.plan, quarter=1, narrative="", by=cast.companion, now=clock.now)


def test_acknowledging_without_a_comment_clears_the_return_note_which_stays_in_the_history(submitted, cast, clock):
    services.quarter_return(report=submitted, by=cast.coordinator, now=clock.now, note="Tambahkan kendala")
    services.quarter_submit(plan=submitted.plan, quarter=1, narrative="Lagi", by=cast.companion, now=clock.now)
    submitted.refresh_from_db()
    acknowledged = services.quarter_acknowledge(report=submitted, by=cast.coordinator, now=clock.now)
    assert acknowledged.note == ""
    page = cast.client_for(cast.companion).get(page_url(submitted.plan, 1)).content.decode()
    assert "Coordinator&#x27;s note" not in page and "Coordinator's note" not in page
    assert "Tambahkan kendala" in {record.note for record in submitted.history.all()}


def test_the_page_names_the_reviewer(submitted, cast, clock):
    services.quarter_acknowledge(report=submitted, by=cast.coordinator, now=clock.now)
    page = cast.client_for(cast.companion).get(page_url(submitted.plan, 1)).content.decode()
    assert f"by {cast.coordinator.get_full_name()}" in page


@pytest.mark.parametrize("quarter", [0, 5])
def test_the_service_refuses_a_quarter_outside_one_to_four(quarter_world, cast, clock, quarter):
    with pytest.raises(WorkflowError, match="quarters 1 to 4"):
        services.quarter_submit(
            plan=quarter_world.plan, quarter=quarter, narrative="", by=cast.companion, now=clock.now
        )
    assert not QuarterReport.objects.exists()


def test_the_quarter_links_mark_the_quarter_shown(quarter_world, cast):
    links = cast.client_for(cast.companion).get(page_url(quarter_world.plan, 2)).context["quarters"]
    assert [(q.number, q.label, q.current) for q in links] == [
        (1, "Quarter 1", False),
        (2, "Quarter 2", True),
        (3, "Quarter 3", False),
        (4, "Quarter 4", False),
    ]
    assert links[2].url == page_url(quarter_world.plan, 3)


# --- after a handover: the holder of the quarter's last month writes it ---------------------------------


@pytest.fixture
def handed_over(quarter_world, cast, clock):
    """The plan handed over from May: the predecessor held January–April, the successor holds May on."""
    clock.set("2026-05-02 09:00")
    successor = CompanionFactory(user=UserFactory(username="pld_new"), villages=[region("34.03.02.2002")])
    services.plan_hand_over(
        plan=quarter_world.plan,
        successor=successor,
        from_month=5,
        reason="Pindah tugas",
        by=cast.coordinator,
        today=clock.today,
    )
    clock.set("2026-07-01 09:00")
    return WorkPlan.objects.get(pk=quarter_world.plan.pk), cast.companion, successor.user


def test_after_a_handover_the_first_quarter_is_the_predecessors_to_submit(handed_over, clock):
    plan, predecessor, successor = handed_over
    assert quarter_access(successor, plan, 1, clock.today).can_submit is False
    with pytest.raises(PermissionDenied):
        services.quarter_submit(plan=plan, quarter=1, narrative="Bukan saya", by=successor, now=clock.now)
    assert quarter_access(predecessor, plan, 1, clock.today).can_submit is True
    report = services.quarter_submit(plan=plan, quarter=1, narrative="Triwulan saya", by=predecessor, now=clock.now)
    assert report.status == QuarterReport.Status.SUBMITTED


def test_after_a_handover_the_later_quarters_are_the_successors(handed_over, clock):
    plan, predecessor, successor = handed_over
    assert quarter_access(predecessor, plan, 2, clock.today).can_submit is False
    with pytest.raises(PermissionDenied):
        services.quarter_submit(plan=plan, quarter=2, narrative="Bukan saya", by=predecessor, now=clock.now)
    assert quarter_access(successor, plan, 2, clock.today).can_submit is True
    services.quarter_submit(plan=plan, quarter=2, narrative="Triwulan kedua", by=successor, now=clock.now)
    assert [q for q in (3, 4) if quarter_access(successor, plan, q, clock.today).is_owner] == [3, 4]
    assert not any(quarter_access(predecessor, plan, q, clock.today).is_owner for q in (2, 3, 4))


def test_after_a_handover_the_pages_offer_each_quarter_to_its_holder(handed_over, cast):
    plan, predecessor, successor = handed_over
    first, second = submit_url(plan, 1), submit_url(plan, 2)
    assert first in cast.client_for(predecessor).get(page_url(plan, 1)).content.decode()
    assert first not in cast.client_for(successor).get(page_url(plan, 1)).content.decode()
    assert second in cast.client_for(successor).get(page_url(plan, 2)).content.decode()
    assert cast.client_for(successor).post(first, {"narrative": "x"}).status_code == 403
    assert not QuarterReport.objects.exists()


def test_a_decision_on_the_predecessors_quarter_tells_the_predecessor(handed_over, cast, clock):
    plan, predecessor, successor = handed_over
    report = services.quarter_submit(plan=plan, quarter=1, narrative="Triwulan saya", by=predecessor, now=clock.now)
    services.quarter_return(report=report, by=cast.coordinator, now=clock.now, note="Tambahkan kendala")
    told = Notification.objects.filter(kind=Kind.QUARTER_RETURNED)
    assert [n.recipient for n in told] == [predecessor]

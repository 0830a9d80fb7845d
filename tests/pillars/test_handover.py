"""Handing a companion's plan over to a successor from a month on: who owes what, whose part of the figures each
month is, who may still write, and every refusal."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from notifications import messages
from notifications.models import Kind, Notification
from pillars import figures, selectors, services
from pillars.access import month_access
from pillars.models import Handover, MonthlyProgress, MonthlyReport, WorkflowEvent, WorkPlan
from pillars.selectors import Cell
from pillars.selectors.completeness import MonthTotals
from reports import documents, recap
from tests.factories import (
    ActivityFactory,
    CompanionFactory,
    CoordinatorFactory,
    PlanFactory,
    UserFactory,
    VillageOfficialFactory,
    region,
)
from tests.pillars.progress_fixtures import entry_data
from tests.reports.exports_helpers import recap_bytes, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

YEAR = 2026
UNOWED = (Cell.NOT_DUE, Cell.NOT_OWED, Cell.NOT_HELD)
DONE, ONGOING = MonthlyProgress.Status.DONE, MonthlyProgress.Status.ONGOING


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def approve(plan: WorkPlan) -> WorkPlan:
    plan.status = WorkPlan.Status.APPROVED
    plan.save()
    return plan


@pytest.fixture
def successor(cast):
    """A PLD of the same kabupaten without a plan for 2026 (village D)."""
    return CompanionFactory(user=UserFactory(username="pld_new"), villages=[region("34.03.02.2002")])


@pytest.fixture
def plan(cast):
    plan = approve(cast.plan)
    ActivityFactory(plan=plan, title="Rakor", months=tuple(range(1, 13)), target_quantity=D("12"))
    ActivityFactory(plan=plan, title="Pelatihan", months=(3, 6, 9, 12), target_quantity=D("8"))
    ActivityFactory(plan=plan, title="Musdes", months=(2, 8), target_quantity=D("0"))
    return plan


def save(activity, month: int, quantity: str, status: str, by) -> MonthlyProgress:
    return services.progress_save(
        activity=activity, month=month, values={"status": status, "quantity": D(quantity)}, version=0, by=by
    )


def hand_over(plan, successor, from_month: int, by, reason: str = "Dismissed in June") -> Handover:
    return services.plan_hand_over(
        plan=plan, successor=successor, from_month=from_month, reason=reason, by=by, today=timezone.localdate()
    )


def work_the_months(plan, months, by) -> None:
    """Record each scheduled activity of ``months`` (done in even months, ongoing with 1 in odd ones), then send the
    month's report."""
    for month in months:
        for activity in plan.activities_in_force():
            if month in activity.months:
                save(activity, month, "2" if month % 2 == 0 else "1", DONE if month % 2 == 0 else ONGOING, by)
        services.report_submit(plan=plan, month=month, by=by)


@dataclass
class Year:
    plan: WorkPlan
    predecessor: object  # Companion
    successor: object  # Companion


@pytest.fixture
def handed_year(cast, plan, successor, clock) -> Year:
    """The plan worked and reported January–June by its companion, handed over from July, worked and reported
    July–December by the successor; seen on 20 December 2026 (January–November over)."""
    predecessor = plan.companion
    clock.set("2026-07-01 09:00")
    work_the_months(plan, range(1, 7), cast.companion)
    hand_over(plan, successor, 7, cast.coordinator)
    clock.set("2026-12-20 10:00")
    plan = WorkPlan.objects.get(pk=plan.pk)
    work_the_months(plan, range(7, 13), successor.user)
    return Year(plan, predecessor, successor)


def owed(cells) -> list[int]:
    return [cell.month for cell in cells if cell.state not in UNOWED]


def sent(cells) -> list[int]:
    return [cell.month for cell in cells if cell.is_reported]


# --- The central case: every per-companion figure splits at the handover month -------------------------------


def test_the_predecessor_owes_january_to_june_and_the_successor_july_on(cast, handed_year):
    rows = {row.companion: row for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()}
    before, after = rows[handed_year.predecessor], rows[handed_year.successor]
    assert owed(before.cells) == sent(before.cells) == [1, 2, 3, 4, 5, 6]
    assert [cell.state for cell in before.cells[6:]] == [Cell.NOT_HELD] * 6
    assert owed(after.cells) == sent(after.cells) == [7, 8, 9, 10, 11, 12]
    assert [cell.state for cell in after.cells[:6]] == [Cell.NOT_HELD] * 6
    plan_cells = selectors.plan_cells(handed_year.plan)
    assert owed(before.cells) + owed(after.cells) == owed(plan_cells)


def test_the_grid_totals_count_each_month_once_for_its_holder(cast, handed_year):
    grid = selectors.Completeness(cast.coordinator, YEAR)
    assert grid.owing_count == 2
    assert [total.owed for total in grid.totals[:11]] == [1] * 11
    assert [total.reported for total in grid.totals[:11]] == [1] * 11
    assert sum(total.missing for total in grid.totals) == 0
    added = [MonthTotals() for _ in range(12)]  # the totals are the rows added up
    for row in grid.all_rows():
        for cell in row.cells:
            added[cell.month - 1].count(cell)
    assert grid.totals == added


def test_the_plan_page_of_a_report_month_each_holder_sees_their_own_cells(cast, handed_year):
    predecessor_cells = selectors.plan_cells(handed_year.plan, companion_id=handed_year.predecessor.pk)
    successor_cells = selectors.plan_cells(handed_year.plan, companion_id=handed_year.successor.pk)
    assert owed(predecessor_cells) == [1, 2, 3, 4, 5, 6]
    assert owed(successor_cells) == [7, 8, 9, 10, 11, 12]


def home_of(cast, user):
    response = cast.client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.context


# What adds up: slots and their counts. A part's share is its months' quantity of the whole target, each capped at
# 100 % like the whole's, so shares add up only below the cap (the quantities do: see the parts test).
TALLIED = ("scheduled", "reported", "done")


def parts(tally) -> tuple:
    return tuple(getattr(tally, name) for name in TALLIED)


def test_the_two_homes_add_up_to_the_plan(cast, handed_year):
    before = home_of(cast, cast.companion)["total"]
    after = home_of(cast, handed_year.successor.user)["total"]
    whole = home_of(cast, cast.coordinator)["total"]  # the scope's only plan in force: the whole plan
    assert whole.scheduled == 16  # through November: Rakor 11, Pelatihan 3 (Mar, Jun, Sep), Musdes 2 (Feb, Aug)
    assert (before.scheduled, after.scheduled) == (9, 7)  # January–June 6 + 2 + 1, July–November 5 + 1 + 1
    assert [a + b for a, b in zip(parts(before), parts(after), strict=True)] == list(parts(whole))
    assert before.reported == before.scheduled and after.reported == after.scheduled


def test_each_home_shows_only_the_months_its_companion_held(cast, handed_year):
    before = home_of(cast, cast.companion)
    after = home_of(cast, handed_year.successor.user)
    assert [m.month for m in before["months"] if m.state != Cell.NOT_HELD] == [1, 2, 3, 4, 5, 6]
    assert [m.month for m in after["months"] if m.state != Cell.NOT_HELD] == [7, 8, 9, 10, 11]
    assert "handed over" in before["next_step"].text
    assert before["next_step"].url == handed_year.plan.get_absolute_url()


def test_the_parts_of_each_activity_add_up_to_its_figures(handed_year):
    plan = handed_year.plan
    activities = list(plan.activities_in_force())
    whole = figures.figures_for(activities, through=12)
    holdings = Handover.objects.filter(plan=plan).holdings({plan.pk: plan.companion_id})
    found: dict[int, list] = {}
    for activity, companion_id, part in figures.held_parts(activities, whole, holdings):
        found.setdefault(activity.pk, []).append((companion_id, part))
    for activity in activities:
        (first, before), (second, after) = found[activity.pk]
        assert (first, second) == (handed_year.predecessor.pk, handed_year.successor.pk)
        one = whole[activity.pk]
        assert before.achieved + after.achieved == one.achieved
        assert before.scheduled + after.scheduled == one.scheduled
        assert before.reported + after.reported == one.reported
        assert before.done + after.done == one.done
        assert all(m <= 6 for m in before.slots) and all(m >= 7 for m in after.slots)
    rakor = next(a for a in activities if a.title == "Rakor")
    assert [part.achieved for _c, part in found[rakor.pk]] == [D("9"), D("9")]  # 1+2+1+2+1+2, 2+1+2+1+2+1


def test_the_recap_has_a_row_for_each_holder_and_they_add_up_to_the_total(cast, handed_year):
    book = workbook(recap_bytes(cast.client_for(cast.coordinator), YEAR))
    people = {row[0]: row for row in ([c.value for c in r] for r in book[recap.COMPANION_SHEET].iter_rows())}
    before = people[handed_year.predecessor.display_name]
    after = people[handed_year.successor.display_name]
    with override(documents.DOCUMENT_LANGUAGE):
        total = people[gettext("Total")]
    assert before[3] == after[3] == total[3] == 3  # each holder worked on the plan's three activities
    assert [a + b for a, b in zip(before[4:7], after[4:7], strict=True)] == total[4:7]  # scheduled, reported, done
    assert before[4:7] == [9, 9, 5] and after[4:7] == [7, 7, 3]  # done: the even months' entries
    # Reports owed, sent, late, missing: January–May were sent on 1 July, late; July–November on 20 December,
    # late; December, sent before its month is over, counts as sent as on the grid.
    assert before[8:12] == [6, 6, 5, 0]
    assert after[8:12] == [6, 6, 5, 0]


# --- Who writes, and what stays whose --------------------------------------------------------------------------


def test_the_successor_reports_july_and_the_predecessor_cannot(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    plan = WorkPlan.objects.get(pk=plan.pk)
    rakor = plan.activities.get(title="Rakor")
    with pytest.raises(PermissionDenied):
        save(rakor, 7, "1", DONE, cast.companion)
    with pytest.raises(PermissionDenied):
        services.report_submit(plan=plan, month=7, by=cast.companion)
    assert month_access(cast.companion, plan, 7).can_edit is False
    assert save(rakor, 7, "1", DONE, successor.user).updated_by == successor.user
    assert month_access(successor.user, plan, 7).can_edit is True
    services.report_submit(plan=plan, month=7, by=successor.user)
    assert plan.reports.get(month=7).status == MonthlyReport.Status.SUBMITTED


def test_the_predecessor_saves_and_submits_a_month_they_held_and_did_not_send(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    plan = WorkPlan.objects.get(pk=plan.pk)
    assert month_access(cast.companion, plan, 6).can_edit is True
    entry = save(plan.activities.get(title="Rakor"), 6, "1", DONE, cast.companion)
    assert entry.updated_by == cast.companion
    services.report_submit(plan=plan, month=6, by=cast.companion)
    assert plan.reports.get(month=6).status == MonthlyReport.Status.SUBMITTED
    grid = {row.companion: row for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()}
    assert 6 in sent(grid[cast.companion.companion].cells)


def test_the_predecessor_saves_their_month_through_the_page(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    rakor = plan.activities.get(title="Rakor")
    path = reverse("pillars:progress-save", args=[plan.pk, 6, rakor.pk])
    values = entry_data(rakor)
    assert cast.client_for(successor.user).post(path, values).status_code == 403
    assert not MonthlyProgress.objects.filter(activity=rakor, month=6).exists()
    assert cast.client_for(cast.companion).post(path, values).status_code == 302
    assert MonthlyProgress.objects.get(activity=rakor, month=6).updated_by == cast.companion


def test_a_returned_month_of_the_predecessor_is_theirs_to_fix_and_they_are_told(cast, plan, successor, clock):
    clock.set("2026-06-02 09:00")
    services.report_submit(plan=plan, month=5, by=cast.companion)
    clock.set("2026-06-20 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    plan = WorkPlan.objects.get(pk=plan.pk)
    services.report_return(report=plan.reports.get(month=5), by=cast.coordinator, note="Foto kurang")
    told = Notification.objects.filter(kind=Kind.REPORT_RETURNED)
    assert list(told.values_list("recipient", flat=True)) == [cast.companion.pk]
    assert month_access(cast.companion, plan, 5).can_edit is True
    assert month_access(successor.user, plan, 5).can_edit is False
    services.report_submit(plan=plan, month=5, by=cast.companion)


def test_the_successor_cannot_write_in_the_predecessors_months(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    plan = WorkPlan.objects.get(pk=plan.pk)
    with pytest.raises(PermissionDenied, match="held the plan that month"):
        save(plan.activities.get(title="Rakor"), 6, "1", DONE, successor.user)
    assert month_access(successor.user, plan, 6).can_edit is False
    with pytest.raises(PermissionDenied, match="held the plan that month"):
        services.report_submit(plan=plan, month=6, by=successor.user)
    assert not plan.reports.filter(month=6).exists()
    assert not MonthlyProgress.objects.filter(activity__plan=plan, month=6).exists()


def test_a_note_on_a_month_tells_the_companion_who_held_it(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    plan = WorkPlan.objects.get(pk=plan.pk)
    kades = VillageOfficialFactory(user=UserFactory(username="kades")).user
    services.month_note_add(plan=plan, month=6, text="Juni belum dilaporkan.", by=kades)
    services.month_note_add(plan=plan, month=7, text="Selamat bertugas.", by=kades)
    told = Notification.objects.filter(kind=Kind.MONTH_NOTE)
    assert [(n.params["month"], n.recipient_id) for n in told.order_by("params__month")] == [
        (6, cast.companion.pk),
        (7, successor.user.pk),
    ]


def test_a_month_the_predecessor_sent_stays_locked_and_the_plan_is_not_theirs_to_edit(cast, handed_year):
    client = cast.client_for(cast.companion)
    response = client.get(reverse("pillars:plan-month", args=[handed_year.plan.pk, 3]))
    assert response.status_code == 200
    assert response.context["access"].can_edit is False
    plan_page = client.get(handed_year.plan.get_absolute_url())
    assert plan_page.status_code == 200
    assert plan_page.context["access"].can_edit is False


def test_history_keeps_the_predecessors_name(cast, handed_year):
    plan = handed_year.plan
    assert set(
        MonthlyProgress.objects.filter(activity__plan=plan, month__lte=6).values_list("updated_by", flat=True)
    ) == {cast.companion.pk}
    sent_by = dict(
        WorkflowEvent.objects.filter(
            plan=plan, report__isnull=False, to_status=MonthlyReport.Status.SUBMITTED
        ).values_list("report__month", "actor")
    )
    assert {sent_by[m] for m in range(1, 7)} == {cast.companion.pk}
    assert {sent_by[m] for m in range(7, 13)} == {handed_year.successor.user.pk}
    page = cast.client_for(cast.coordinator).get(plan.get_absolute_url()).content.decode()
    assert cast.companion.get_full_name() in page  # the plan's log names who sent January–June


def test_the_handover_moves_the_plan_and_its_villages_and_is_logged(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    villages = set(plan.villages.values_list("code", flat=True))
    hand_over(plan, successor, 7, cast.coordinator)
    plan.refresh_from_db()
    assert plan.companion == successor
    assert villages <= set(successor.villages.values_list("code", flat=True))
    assert not set(cast.companion.companion.villages.values_list("code", flat=True)) & villages
    event = plan.events.first()
    assert event.actor == cast.coordinator
    assert "Handed over from" in event.comment and "Dismissed in June" in event.comment
    assert [plan.holder_of(m) for m in (1, 6, 7, 12)] == [cast.companion.companion.pk] * 2 + [successor.pk] * 2


def test_a_plan_can_be_handed_over_again_later_in_the_year(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    third = CompanionFactory(user=UserFactory(username="pld_third"), villages=[region("34.03.02.2003")])
    hand_over(plan, successor, 7, cast.coordinator)
    clock.set("2026-09-20 09:00")
    hand_over(WorkPlan.objects.get(pk=plan.pk), third, 10, cast.coordinator, reason="Moved to another kecamatan")
    plan = WorkPlan.objects.get(pk=plan.pk)
    holders = [plan.holder_of(m) for m in range(1, 13)]
    assert holders == [cast.companion.companion.pk] * 6 + [successor.pk] * 3 + [third.pk] * 3
    grid = {row.companion: row for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()}
    assert [c.month for c in grid[successor].cells if c.state != Cell.NOT_HELD] == [7, 8, 9]


def test_the_predecessor_is_not_listed_as_a_companion_without_a_plan(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    predecessor = cast.companion.companion
    predecessor.villages.add(region("34.03.02.2003"))  # still in the coordinator's scope by a village of their own
    hand_over(plan, successor, 7, cast.coordinator)
    context = home_of(cast, cast.coordinator)
    assert predecessor in [row.companion for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()]
    assert predecessor not in context["without_plan"].shown


def test_the_predecessor_stays_in_the_coordinators_scope_and_the_plan_can_be_handed_back(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    predecessor = cast.companion.companion
    hand_over(plan, successor, 7, cast.coordinator)
    assert not predecessor.villages.exists()
    grid = {row.companion: row for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()}
    assert owed(grid[predecessor].cells) == [1, 2, 3, 4, 5, 6]
    clock.set("2026-08-10 09:00")
    plan = WorkPlan.objects.get(pk=plan.pk)
    assert predecessor in cast.client_for(cast.coordinator).get(url(plan)).context["form"].fields["successor"].queryset
    hand_over(plan, predecessor, 9, cast.coordinator, reason="Reinstated")
    plan = WorkPlan.objects.get(pk=plan.pk)
    assert plan.companion == predecessor
    assert [plan.holder_of(m) for m in (6, 7, 8, 9, 12)] == [predecessor.pk, successor.pk, successor.pk] + [
        predecessor.pk
    ] * 2
    assert set(predecessor.villages.all()) >= set(plan.villages.all())
    assert month_access(cast.companion, plan, 9).is_owner is True
    assert month_access(cast.companion, plan, 8).is_owner is False
    assert month_access(successor.user, plan, 8).can_edit is True
    clock.set("2026-12-20 10:00")
    grid = {row.companion: row for row in selectors.Completeness(cast.coordinator, YEAR).all_rows()}
    assert owed(grid[predecessor].cells) == [1, 2, 3, 4, 5, 6, 9, 10, 11]
    assert owed(grid[successor].cells) == [7, 8]
    activities = list(plan.activities_in_force())
    whole = figures.figures_for(activities, through=12)
    holdings = Handover.objects.filter(plan=plan).holdings({plan.pk: plan.companion_id})
    held = list(figures.held_parts(activities, whole, holdings))
    one_part_each = sorted((a.pk, c.pk) for a in activities for c in (predecessor, successor))
    assert sorted((activity.pk, companion_id) for activity, companion_id, _part in held) == one_part_each
    rakor = next(a for a in activities if a.title == "Rakor")
    shares = {companion_id: part.slots for activity, companion_id, part in held if activity == rakor}
    assert shares == {predecessor.pk: (1, 2, 3, 4, 5, 6, 9, 10, 11, 12), successor.pk: (7, 8)}


def test_the_predecessor_keeps_a_village_of_another_plan_of_theirs(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    predecessor = cast.companion.companion
    kept = region("34.03.01.2001")
    PlanFactory(companion=predecessor, year=2025, villages=[kept])
    hand_over(plan, successor, 7, cast.coordinator)
    assert list(predecessor.villages.all()) == [kept]
    assert set(successor.villages.all()) >= set(plan.villages.all())


def test_it_refuses_a_handover_later_than_next_month_and_changes_nothing(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    with pytest.raises(services.WorkflowError, match="this month or the next at the latest; from October"):
        hand_over(plan, successor, 10, cast.coordinator)
    unchanged(plan, cast.companion.companion)
    assert not Notification.objects.filter(kind=Kind.PLAN_HANDED_OVER).exists()
    hand_over(plan, successor, 8, cast.coordinator)  # next month may


def test_a_plan_of_a_past_year_may_be_handed_over_from_any_month(cast, successor, clock):
    clock.set("2027-01-10 09:00")
    plan = approve(PlanFactory(companion=cast.companion.companion, year=2025))
    hand_over(plan, successor, 12, cast.coordinator)
    assert WorkPlan.objects.get(pk=plan.pk).companion == successor


def test_a_plan_started_for_the_successor_meanwhile_is_refused_with_the_message(cast, plan, monkeypatch):
    """Two handovers (or a handover and a new plan) at once: the check passed, the unique constraint answers."""
    other = cast.other_companion.companion
    monkeypatch.setattr("pillars.services.handovers._check", lambda *args: None)
    with pytest.raises(services.WorkflowError, match="already has a plan for 2026"):
        hand_over(plan, other, 7, cast.coordinator)
    unchanged(plan, cast.companion.companion)
    response = cast.client_for(cast.coordinator).post(
        url(plan), {"successor": other.pk, "from_month": 7, "reason": "Dismissed"}
    )
    assert response.status_code == 422
    assert "already has a plan for 2026" in response.content.decode()
    unchanged(plan, cast.companion.companion)


# --- Refusals: a clear message, nothing changed ---------------------------------------------------------------


def unchanged(plan, companion) -> None:
    plan.refresh_from_db()
    assert plan.companion == companion
    assert not Handover.objects.exists()
    assert set(companion.villages.all()) >= set(plan.villages.all())


def test_it_refuses_a_successor_who_has_a_plan_that_year(cast, plan):
    other = cast.other_companion.companion
    with pytest.raises(services.WorkflowError, match="already has a plan for 2026"):
        hand_over(plan, other, 7, cast.coordinator)
    unchanged(plan, cast.companion.companion)


def test_it_refuses_a_successor_outside_the_scope(cast, plan):
    far = CompanionFactory(user=UserFactory(username="pld_far"), villages=[region("34.01.01.2002")])
    with pytest.raises(services.WorkflowError, match="outside your scope"):
        hand_over(plan, far, 7, cast.coordinator)
    unchanged(plan, cast.companion.companion)


def test_it_refuses_a_month_not_after_an_earlier_handover(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    third = CompanionFactory(user=UserFactory(username="pld_third"), villages=[region("34.03.02.2003")])
    plan = WorkPlan.objects.get(pk=plan.pk)
    for month in (5, 7):
        with pytest.raises(services.WorkflowError, match="already handed over from July"):
            hand_over(plan, third, month, cast.coordinator)
    plan.refresh_from_db()
    assert plan.companion == successor and Handover.objects.count() == 1


def test_a_companion_cannot_hand_a_plan_over(cast, plan, successor):
    with pytest.raises(PermissionDenied):
        hand_over(plan, successor, 7, cast.companion)
    unchanged(plan, cast.companion.companion)


def test_it_refuses_a_month_whose_report_is_already_sent(cast, plan, successor, clock):
    clock.set("2026-08-02 09:00")
    services.report_submit(plan=plan, month=7, by=cast.companion)
    with pytest.raises(services.WorkflowError, match="report of July is already sent"):
        hand_over(plan, successor, 7, cast.coordinator)
    unchanged(plan, cast.companion.companion)
    hand_over(plan, successor, 8, cast.coordinator)  # from the month after it, it may


def test_it_refuses_a_plan_not_in_force(cast, successor):
    draft = cast.plan
    with pytest.raises(services.WorkflowError, match="in force"):
        hand_over(draft, successor, 7, cast.coordinator)
    unchanged(draft, cast.companion.companion)


def test_it_refuses_an_empty_reason_and_a_coordinator_as_successor(cast, plan, successor):
    with pytest.raises(services.WorkflowError, match="Say why"):
        hand_over(plan, successor, 7, cast.coordinator, reason="  ")
    with pytest.raises(services.WorkflowError, match="only be handed to a companion"):
        hand_over(plan, cast.coordinator.companion, 7, cast.coordinator)
    unchanged(plan, cast.companion.companion)


# --- The page ------------------------------------------------------------------------------------------------


def url(plan) -> str:
    return reverse("pillars:plan-handover", args=[plan.pk])


def test_it_redirects_anonymous_to_login(cast, plan):
    response = cast.client_for(None).get(url(plan))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_outsider_gets_404(cast, plan):
    assert cast.client_for(cast.outsider).get(url(plan)).status_code == 404


def test_it_rejects_other_methods(cast, plan):
    assert cast.client_for(cast.coordinator).put(url(plan)).status_code == 405


def test_a_companion_is_refused(cast, plan):
    assert cast.client_for(cast.companion).get(url(plan)).status_code == 403
    assert cast.client_for(cast.companion).post(url(plan)).status_code == 403


def test_the_plan_page_links_to_the_form_for_a_reviewer_only(cast, plan):
    assert url(plan) in cast.client_for(cast.coordinator).get(plan.get_absolute_url()).content.decode()
    assert url(plan) not in cast.client_for(cast.companion).get(plan.get_absolute_url()).content.decode()


def test_a_coordinator_hands_the_plan_over_and_the_plan_page_says_so(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    client = cast.client_for(cast.coordinator)
    form = client.get(url(plan)).context["form"]
    assert form["from_month"].value() == 7  # the form opens on this month, the plan's local one
    assert successor in form.fields["successor"].queryset
    assert cast.companion.companion not in form.fields["successor"].queryset
    response = client.post(url(plan), {"successor": successor.pk, "from_month": 7, "reason": "Dismissed"})
    assert response.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    line = f"Handed over from {cast.companion.get_full_name()} to {successor.display_name} from July 2026"
    assert line in page


def test_a_refused_handover_is_shown_beside_the_form_and_changes_nothing(cast, plan):
    client = cast.client_for(cast.coordinator)
    other = cast.other_companion.companion
    response = client.post(url(plan), {"successor": other.pk, "from_month": 7, "reason": "Dismissed"})
    assert response.status_code == 422
    assert "already has a plan for 2026" in response.content.decode()
    response = client.post(url(plan), {"successor": other.pk, "from_month": 1, "reason": ""})
    assert response.status_code == 422
    assert response.context["form"].errors.keys() >= {"from_month", "reason"}
    unchanged(plan, cast.companion.companion)


def test_a_province_home_the_stored_tallies_on_postgresql_is_the_two_parts_added(cast, handed_year):
    """A province is summed from each plan's stored tallies (PostgreSQL): they are per plan, the whole plan, and
    the per-companion figures are read one activity at a time; the two agree."""
    province = CoordinatorFactory(user=UserFactory(username="koord_diy"), scope_region=region("34"))
    whole = home_of(cast, province.user)["total"]
    before = home_of(cast, cast.companion)["total"]
    after = home_of(cast, handed_year.successor.user)["total"]
    assert [a + b for a, b in zip(parts(before), parts(after), strict=True)] == list(parts(whole))
    assert whole.activities == 3


def test_both_companions_are_told(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    hand_over(plan, successor, 7, cast.coordinator)
    told = Notification.objects.filter(kind=Kind.PLAN_HANDED_OVER)
    assert set(told.values_list("recipient", flat=True)) == {cast.companion.pk, successor.user.pk}
    with override("en"):
        words = messages.message(told.get(recipient=successor.user))
    assert "from July on" in words.lines[0] and words.quote == "Dismissed in June"
    page = cast.client_for(cast.companion).get(reverse("notifications:list")).content.decode()
    assert "is handed over to" in page


def test_the_most_behind_count_each_companion_on_the_months_they_held(cast, handed_year, clock):
    other = approve(cast.other_plan)
    for month in range(2, 12):  # everything sent but January
        MonthlyReport.objects.create(
            plan=other, month=month, status=MonthlyReport.Status.SUBMITTED, submitted_at=clock.now
        )
    grid = selectors.Completeness(cast.coordinator, YEAR)
    behind = grid.most_behind(3)
    assert behind[0].companion == cast.other_companion.companion
    assert [row.missing for row in behind] == [1, 0, 0]


def test_the_predecessor_cannot_start_another_plan_for_the_year(cast, plan, successor, clock):
    clock.set("2026-07-10 09:00")
    predecessor = cast.companion.companion
    predecessor.villages.add(region("34.03.02.2003"))  # still assigned a village, besides the plan's
    hand_over(plan, successor, 7, cast.coordinator)
    with pytest.raises(services.WorkflowError, match="was handed over"):
        services.plan_create(companion=predecessor, year=YEAR, by=cast.companion)
    page = cast.client_for(cast.companion).get(reverse("pillars:plan-list"))
    assert page.context["start_form"] is None  # 2026, the one open year, is not offered


@pytest.mark.django_db(transaction=True)
def test_two_plans_handed_to_one_successor_at_once_give_one_handover_and_one_refusal(cast, successor):
    """The successor's row is locked before "has no plan this year" is asked: the second handover waits for the
    first and is refused with the message, never a server error."""
    plans = [approve(cast.plan), approve(cast.other_plan)]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plans))

    def worker(plan) -> None:
        try:
            start.wait()
            hand_over(plan, successor, 7, cast.coordinator)
            outcome = "accepted"
        except services.WorkflowError as refusal:
            outcome = "refused: " + " ".join(refusal.problems)
        except Exception as exc:  # a server error is a failure of the test
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [
        "accepted",
        f"refused: {successor.display_name} already has a plan for 2026; a companion holds one plan a year.",
    ]
    assert WorkPlan.objects.filter(companion=successor, year=YEAR).count() == 1
    assert Handover.objects.count() == 1

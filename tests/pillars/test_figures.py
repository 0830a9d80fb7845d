"""Each definition of pillars.figures, with a case where the rules that came before it gave another number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pillars import figures
from pillars.figures import ActivityFigures, Progress, Tally
from pillars.models import MonthlyProgress
from tests.factories import ActivityFactory, ProgressFactory

D = Decimal


# --- percent: one decimal, half up ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        ("0.67", "2", "33.5"),  # the month view said 34 %, the monthly PDF 33,5 %
        ("2.01", "2", "100.5"),  # 100 % and 100,5 %
        ("1", "8", "12.5"),  # 12 % and 12,5 %
        ("6.25", "10", "62.5"),  # "62 %" by half-even rounding of whole percents
        ("1", "16", "6.3"),  # 6.25: half up, where half-even gives 6.2
        ("1", "3", "33.3"),
        ("2", "3", "66.7"),
        ("5", "8", "62.5"),
        ("3", "2", "150.0"),  # an activity's own percent is not capped
        ("0", "4", "0.0"),
    ],
)
def test_percent_has_one_decimal_rounded_half_up(part, whole, expected):
    assert figures.percent(D(part), D(whole)) == D(expected)


@pytest.mark.parametrize("whole", [D("0"), None, 0])
def test_there_is_no_percent_of_nothing(whole):
    assert figures.percent(D("1"), whole) is None


def test_a_share_is_capped_at_the_whole_target_and_the_mean_is_of_shares():
    assert figures.share(D("3"), D("2")) == 1
    assert figures.share(D("1"), D("4")) == D("0.25")
    assert figures.share(D("1"), D("0")) is None
    # Two activities in different units: 187.523,5 of 1.500.000 Rupiah and 1 of 2 meetings.
    shares = [figures.share(D("187523.5"), D("1500000")), figures.share(D("1"), D("2"))]
    assert figures.mean_percent(shares) == D("31.3")  # not 187.524,5 / 1.500.002 = 12.5 %
    assert figures.mean_percent([]) is None


# --- the cut-off ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2025, date(2026, 1, 1), 12),
        (2026, date(2026, 1, 31), 0),
        (2026, date(2026, 6, 1), 5),
        (2027, date(2026, 6, 1), 0),
    ],
)
def test_to_date_means_through_the_last_complete_month(year, today, expected):
    assert figures.last_complete_month(year, today) == expected


# --- one activity ---------------------------------------------------------------------------------


def progress(achieved="0", entries=(), done=(), cancelled_from=None) -> Progress:
    return Progress(D(achieved), frozenset(entries), frozenset(done), cancelled_from)


def test_slots_are_the_scheduled_months_up_to_the_cut_off():
    one = ActivityFigures.of(D("4"), (1, 3, 6, 9), through=6, progress=progress("2", entries={1, 2, 3}, done={1}))
    assert one.slots == (1, 3, 6)
    assert (one.scheduled, one.reported, one.done) == (3, 2, 1)  # February's entry is off schedule


def test_an_off_schedule_entry_counts_for_the_quantity_only():
    one = ActivityFigures.of(D("2"), (6,), through=12, progress=progress("2", entries={5}, done={5}))
    assert (one.scheduled, one.reported, one.done, one.achieved, one.percent) == (1, 0, 0, D("2"), D("100.0"))


def test_a_cancelled_activity_has_no_slots_from_its_cancellation_and_no_share():
    """Finding 11: a cancelled activity kept adding its scheduled slots and target."""
    one = ActivityFigures.of(D("4"), (1, 4, 7, 10), through=12, progress=progress("1", {1, 4}, {1}, cancelled_from=4))
    assert one.slots == (1,)
    assert (one.scheduled, one.reported, one.done) == (1, 1, 1)
    assert one.is_cancelled and one.share is None
    assert one.percent == D("25.0")  # its own percent still says what it reached


def test_over_target_is_flagged_and_not_capped_for_the_activity_but_capped_in_an_aggregate():
    over = ActivityFigures.of(D("2"), (1,), through=12, progress=progress("3", {1}, {1}))
    assert (over.percent, over.over_target, over.share, over.bar) == (D("150.0"), True, 1, 100)
    half = ActivityFigures.of(D("2"), (1,), through=12, progress=progress("1", {1}))
    total = figures.tally([over, half])
    assert total.achievement_pct == D("75.0")  # (100 % + 50 %) / 2, not 4 of 4
    assert total.over_target == 1


def test_an_aggregate_leaves_out_activities_without_a_target_and_says_how_many():
    with_target = ActivityFigures.of(D("2"), (1,), through=12, progress=progress("1", {1}))
    without = ActivityFigures.of(D("0"), (1,), through=12, progress=progress("5", {1}, {1}))
    cancelled = ActivityFigures.of(D("2"), (1, 2), through=12, progress=progress("0", {1}, cancelled_from=1))
    total = figures.tally([with_target, without, cancelled])
    assert total.achievement_pct == D("50.0")
    assert (total.activities, total.without_target, total.cancelled, total.left_out) == (3, 1, 1, 2)
    assert (total.scheduled, total.reported, total.done) == (2, 2, 1)


def test_an_empty_tally_has_no_percent():
    assert (Tally().reported_pct, Tally().done_pct, Tally().achievement_pct) == (None, None, None)


def test_unfinished_means_achieved_below_the_target_whatever_the_months_say():
    assert figures.is_unfinished(D("1"), D("5"))
    assert not figures.is_unfinished(D("5"), D("5"))
    assert not figures.is_unfinished(D("0"), D("0"))


# --- read from the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_is_read_as_the_definitions_say(cast):
    activity = ActivityFactory(plan=cast.plan, months=(1, 2, 3, 4, 5), target_quantity=D("10"))
    ProgressFactory(activity=activity, month=1, status=MonthlyProgress.Status.DONE, quantity=D("2.5"))
    ProgressFactory(activity=activity, month=2, status=MonthlyProgress.Status.ONGOING, quantity=D("0.5"))
    ProgressFactory(activity=activity, month=3, status=MonthlyProgress.Status.CANCELLED, quantity=D("0"))
    ProgressFactory(activity=activity, month=4, status=MonthlyProgress.Status.CANCELLED, quantity=D("0"))
    ProgressFactory(activity=activity, month=6, status=MonthlyProgress.Status.DONE, quantity=D("4"))
    read = figures.progress_through([activity.pk], through=5)[activity.pk]
    assert read == Progress(D("3.0"), frozenset({1, 2, 3, 4}), frozenset({1}), 3)
    one = figures.figures_for([activity], through=5)[activity.pk]
    assert (one.slots, one.reported, one.done, one.percent) == ((1, 2), 2, 1, D("30.0"))
    # Before March it was not cancelled yet, and June's entry counts only once June is in the cut-off.
    assert figures.figures_for([activity], through=2)[activity.pk].progress.cancelled_from is None
    assert figures.figures_for([activity], through=12)[activity.pk].achieved == D("7.0")
    assert figures.figures_for([activity], through=0)[activity.pk].achieved == 0


@pytest.mark.django_db
def test_progress_of_many_activities_is_read_in_chunks(cast, monkeypatch):
    activities = [ActivityFactory(plan=cast.plan, months=(1,)) for _ in range(5)]
    for activity in activities:
        ProgressFactory(activity=activity, month=1, quantity=D("1"))
    whole = figures.progress_through([a.pk for a in activities], through=12)
    monkeypatch.setattr(figures, "CHUNK", 2)
    assert figures.progress_through([a.pk for a in activities], through=12) == whole
    assert len(whole) == 5

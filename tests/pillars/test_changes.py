"""One change builder: a change reads the same on the history page, in the version diff, in a conflict and in
the upload preview; each kind of value is shown one way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from pillars import services
from pillars.changes import FieldChange, FieldDisplay, conflict_changes, field_changes
from pillars.models import Activity, MonthlyProgress, Pillar, WorkPlan
from reports.workbook import COLUMN_INDEX, MARK
from tests.factories import ActivityFactory
from tests.pillars.test_locking import form_data
from tests.reports.test_upload import as_file, confirm, download, row_of, send

pytestmark = pytest.mark.django_db

# The same change in each language: target 4 → 12.5, budget 8 → 8.5 million, September added.
EXPECTED = {
    "id": {("4", "12,5"), ("Rp 8.000.000", "Rp 8.500.000"), ("Januari, April", "Januari, April, September")},
    "en": {("4", "12.5"), ("Rp 8,000,000", "Rp 8,500,000"), ("January, April", "January, April, September")},
}


def speaking(cast, settings, user, language: str):
    client = cast.client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def by_label(changes: list[FieldChange]) -> dict[str, tuple[str, str]]:
    return {change.label: (change.before, change.after) for change in changes}


def latest_activity_change(client, plan, activity) -> dict[str, tuple[str, str]]:
    """The newest recorded change of ``activity`` with something to show, read from its history page."""
    response = client.get(reverse("pillars:activity-history", args=[plan.pk, activity.pk]))
    assert response.status_code == 200
    entry = next(e for e in response.context["entries"] if e.kind == "activity" and e.diffs)
    return by_label(entry.diffs)


@pytest.fixture
def activity(cast):
    return ActivityFactory(
        plan=cast.plan,
        title="Musdes perencanaan",
        target_quantity=Decimal("4"),
        budget=Decimal("8000000"),
        months=(1, 4),
    )


# --- two surfaces, one text ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_revised_activity_reads_the_same_in_the_version_diff_and_in_its_history(
    cast, clock, settings, activity, language
):
    services.plan_submit(plan=cast.plan, by=cast.companion)
    services.plan_approve(plan=cast.plan, by=cast.coordinator)
    plan = services.plan_reopen(plan=cast.plan, by=cast.coordinator, reason="Program baru.")
    copy = activity.revisions.get()
    copy.target_quantity, copy.budget, copy.months = Decimal("12.5"), Decimal("8500000"), (1, 4, 9)
    services.activity_save(activity=copy, by=cast.companion, version=copy.version)

    client = speaking(cast, settings, cast.coordinator, language)
    page = client.get(reverse("pillars:plan-detail", args=[plan.pk]))
    [changed] = page.context["changes"].changed
    in_the_diff = by_label(changed.fields)
    in_the_history = latest_activity_change(client, plan, activity)

    assert in_the_diff == in_the_history
    assert set(in_the_diff.values()) == EXPECTED[language]
    before, after = next(pair for pair in EXPECTED[language] if pair[0].startswith("Rp"))
    assert f'<del class="text-body-secondary">{before}</del> → <ins>{after}</ins>' in page.content.decode()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_upload_preview_shows_a_change_as_the_history_does_afterwards(cast, settings, activity, language):
    client = speaking(cast, settings, cast.companion, language)
    book = download(client, cast.plan)
    ws = book["RKT"]
    row = row_of(ws, activity)
    ws.cell(row, COLUMN_INDEX["target_quantity"]).value = 12.5
    ws.cell(row, COLUMN_INDEX["budget"]).value = 8500000
    ws.cell(row, COLUMN_INDEX["m9"]).value = MARK
    response = send(client, cast.plan, as_file(book))
    [change] = response.context["preview"].changes
    in_the_preview = by_label(change.fields)

    assert set(in_the_preview.values()) == EXPECTED[language]
    before, after = next(pair for pair in EXPECTED[language] if pair[0].startswith("Rp"))
    assert f'<del class="text-body-secondary">{before}</del> → <ins>{after}</ins>' in response.content.decode()
    assert "E+" not in response.content.decode()

    assert confirm(client, cast.plan).status_code == 302
    assert latest_activity_change(client, cast.plan, activity) == in_the_preview


def test_a_conflict_shows_the_other_save_as_its_history_does(cast, activity):
    companion = cast.client_for(cast.companion)
    edit = reverse("pillars:activity-edit", args=[cast.plan.pk, activity.pk])
    first_tab, second_tab = form_data(companion.get(edit)), form_data(companion.get(edit))
    first_tab.update(months=["1", "4", "9"], budget="8.500.000")
    assert companion.post(edit, first_tab).status_code == 302
    second_tab.update(title="Musdes dari tab kedua")
    response = companion.post(edit, second_tab)
    assert response.status_code == 409

    conflict = by_label(response.context["conflict"])
    history = latest_activity_change(cast.client_for(cast.coordinator), cast.plan, activity)
    # The other tab's save: its "after" is what is saved now; this tab still has the values from before it.
    for label, (before, after) in history.items():
        assert conflict[label] == (after, before)
    assert history["Scheduled months"] == ("January, April", "January, April, September")
    assert history["Estimated budget (Rp)"] == ("Rp 8,000,000", "Rp 8,500,000")


# --- how each kind of value shows ------------------------------------------------------------------


@pytest.fixture
def display() -> FieldDisplay:
    pillar = Pillar.objects.order_by("order").first()
    return FieldDisplay({pillar.pk: pillar}, {"34.03.01.2001": "Kepek"})


def shown(display: FieldDisplay, model, name: str, value) -> str:
    with translation.override("en"):
        return display.text(model._meta.get_field(name), value)


def test_each_kind_of_value_has_one_way_to_show(display):
    pillar = next(iter(display.pillars.values()))
    assert shown(display, Activity, "pillar", pillar.pk) == pillar.name
    assert shown(display, Activity, "village", "34.03.01.2001") == "Kepek"
    assert shown(display, Activity, "village", None) == "All assigned villages"
    assert shown(display, Activity, "target_group", Activity.TargetGroup.BPD) == "BPD (village council)"
    assert shown(display, Activity, "sdg_goal", 1) == str(Activity.SdgGoal(1).label)
    assert shown(display, Activity, "poor_priority", True) == "yes"
    assert shown(display, Activity, "poor_priority", False) == "no"
    assert shown(display, Activity, "budget", "2500000") == "Rp 2,500,000"
    assert shown(display, Activity, "target_quantity", Decimal("1250.50")) == "1,250.5"
    assert shown(display, Activity, "months", [3, 12]) == "March, December"
    assert shown(display, Activity, "position", 0) == "1"
    assert shown(display, MonthlyProgress, "month", 2) == "February"
    assert shown(display, WorkPlan, "status", WorkPlan.Status.APPROVED) == str(WorkPlan.Status.APPROVED.label)
    assert shown(display, WorkPlan, "submitted_at", datetime(2026, 1, 20, 7, 5, tzinfo=UTC)) == "20 January 2026 14:05"
    assert shown(display, Activity, "objective", "") == "–"


def test_the_same_value_stored_two_ways_is_no_change(display):
    before = {"target_quantity": "4", "budget": None, "months": [1, 4], "unit": ""}
    after = {"target_quantity": Decimal("4.00"), "budget": None, "months": (1, 4), "unit": None}
    assert field_changes(Activity, before, after, names=list(before), display=display) == []
    every = field_changes(Activity, before, after, names=list(before), display=display, every=True)
    assert [change.before == change.after for change in every] == [True] * 4


def test_a_new_object_shows_what_it_was_created_with(display):
    created = {"unit": "kali", "title": ""}
    with translation.override("en"):
        [change] = field_changes(Activity, None, created, names=list(created), display=display)
    assert change == FieldChange("Unit", "–", "kali")


def test_a_conflict_lists_every_field_with_the_typed_foreign_key_by_name(cast, activity):
    typed = {"pillar": activity.pillar, "title": "Baru", "months": [1, 4]}
    with translation.override("en"):
        rows = conflict_changes(activity, typed, ["pillar", "title", "months"], FieldDisplay.for_plan(cast.plan))
    assert [(row.label, row.before, row.after) for row in rows] == [
        ("Pillar", activity.pillar.name, activity.pillar.name),
        ("Title", "Musdes perencanaan", "Baru"),
        ("Scheduled months", "January, April", "January, April"),
    ]

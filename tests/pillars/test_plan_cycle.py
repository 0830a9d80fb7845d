"""The whole life of a plan through its pages: draft → submit → return → fix → submit → approve → reopen → approve."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pillars.models import Activity, ActivityComment, PlanSnapshot, WorkflowEvent, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read the English source strings, whatever the catalogues hold.
    settings.LANGUAGE_CODE = "en"


def url(name: str, *args) -> str:
    return reverse(f"pillars:{name}", args=args)


def activity_data(**overrides) -> dict:
    data = {
        "pillar": "ASI",
        "village": "34.03.01.2001",
        "title": "Fasilitasi musyawarah desa",
        "target_group": Activity.TargetGroup.VILLAGE_GOVERNMENT,
        "target_quantity": "2",
        "unit": "kegiatan",
        "months": ["2", "8"],
    }
    data.update(overrides)
    return data


def test_a_plan_goes_through_its_whole_life(cast):
    companion = cast.client_for(cast.companion)
    coordinator = cast.client_for(cast.coordinator)
    plan = cast.plan

    # Draft: two activities, one of them without a month, so submitting is refused first.
    response = companion.post(url("activity-add", plan.pk), activity_data())
    first = plan.activities.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?added={first.pk}#activity-{first.pk}")
    companion.post(url("activity-add", plan.pk), activity_data(title="Pelatihan BPD", pillar="KAP", months=[]))
    second = plan.activities.get(title="Pelatihan BPD")
    response = companion.post(url("plan-submit", plan.pk), follow=True)
    assert "has no scheduled month" in response.content.decode()
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.DRAFT

    second.refresh_from_db()
    companion.post(
        url("activity-edit", plan.pk, second.pk),
        {**activity_data(title="Pelatihan BPD", pillar="KAP"), "version": second.version},
    )
    assert companion.post(url("plan-submit", plan.pk)).status_code == 302
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.SUBMITTED

    # Return with a comment on the plan and one on the second activity.
    response = coordinator.post(
        url("plan-return", plan.pk),
        {"comment": "Tambahkan kegiatan kelompok miskin.", f"note-{second.pk}": "Targetnya kurang jelas."},
    )
    assert response.status_code == 302
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.RETURNED
    note = ActivityComment.objects.get()
    assert (note.activity, note.text, note.author) == (second, "Targetnya kurang jelas.", cast.coordinator)

    # The companion sees the comment beside the activity, and fixes the plan.
    page = companion.get(url("plan-detail", plan.pk)).content.decode()
    assert page.index("Targetnya kurang jelas.") > page.index(f'id="activity-{second.pk}"')
    assert "Tambahkan kegiatan kelompok miskin." in page
    companion.post(
        url("activity-edit", plan.pk, second.pk),
        activity_data(title="Pelatihan BPD", pillar="KAP", target_quantity="12"),
    )
    companion.post(url("plan-submit", plan.pk))
    coordinator.post(url("plan-approve", plan.pk), {"comment": "Baik."})
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED
    assert PlanSnapshot.objects.get(plan=plan).revision == 0

    # Reopen with a reason: a draft revision; the approved version stays viewable.
    assert (
        coordinator.post(url("plan-reopen", plan.pk), {"comment": "Ada tambahan program kabupaten."}).status_code == 302
    )
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == (WorkPlan.Status.DRAFT, 1)

    first.refresh_from_db()
    second.refresh_from_db()
    companion.post(
        url("activity-edit", plan.pk, first.pk), {**activity_data(target_quantity="3"), "version": first.version}
    )
    companion.post(url("activity-delete", plan.pk, second.pk), {"version": second.version})
    companion.post(url("activity-add", plan.pk), activity_data(title="Sosialisasi BLT", target_group="poor"))
    page = companion.get(url("plan-detail", plan.pk)).content.decode()
    changes = page[page.index('id="changes"') : page.index('id="activities"')]
    assert "Sosialisasi BLT" in changes  # added
    assert "<del>Pelatihan BPD</del>" in changes  # removed
    assert "Target quantity" in changes and "<ins>3</ins>" in changes  # changed, field by field
    old = companion.get(url("plan-version", plan.pk, 0)).content.decode()
    assert "Pelatihan BPD" in old

    companion.post(url("plan-submit", plan.pk))
    coordinator.post(url("plan-approve", plan.pk))
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED
    latest = plan.snapshots.first()
    assert latest.revision == 1
    assert [row["title"] for row in latest.data["activities"]] == ["Fasilitasi musyawarah desa", "Sosialisasi BLT"]
    assert Decimal(latest.data["activities"][0]["target_quantity"]) == 3

    # The history, newest first, holds every transition with its comment.
    steps = list(WorkflowEvent.objects.filter(plan=plan).values_list("from_status", "to_status"))
    assert steps == [
        ("submitted", "approved"),
        ("draft", "submitted"),
        ("approved", "draft"),
        ("submitted", "approved"),
        ("returned", "submitted"),
        ("submitted", "returned"),
        ("draft", "submitted"),
    ]
    page = companion.get(url("plan-detail", plan.pk)).content.decode()
    history = page[page.index('id="history"') :]
    assert history.index("Ada tambahan program kabupaten.") < history.index("Tambahkan kegiatan kelompok miskin.")


def test_an_htmx_add_answers_with_the_plan_and_a_bad_one_with_the_form_only(cast):
    companion = cast.client_for(cast.companion)
    response = companion.post(url("activity-add", cast.plan.pk), activity_data(), HTTP_HX_REQUEST="true", follow=True)
    assert 'id="plan-body"' in response.content.decode()
    assert cast.plan.activities.count() == 1

    response = companion.post(url("activity-add", cast.plan.pk), activity_data(title=""), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response["HX-Retarget"] == "#add-activity"
    assert "Give the activity a title." in body
    assert "<html" not in body
    assert cast.plan.activities.count() == 1

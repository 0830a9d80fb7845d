"""Optimistic locking: a save made on a plan or activity that changed since the form was opened is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pillars import services
from pillars.models import Activity, WorkPlan
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"pillars:{name}", args=args)


def form_data(response) -> dict:
    """What the browser would send back from the page's form, untouched."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


@pytest.fixture
def activity(cast):
    return ActivityFactory(
        plan=cast.plan, title="Musdes perencanaan", target_quantity=Decimal("4"), unit="kali", months=(1, 4)
    )


@pytest.fixture
def companion(cast):
    return cast.client_for(cast.companion)


# --- activities ------------------------------------------------------------------------------------


def test_the_edit_form_carries_the_version_it_was_opened_at(cast, companion, activity):
    response = companion.get(url("activity-edit", cast.plan.pk, activity.pk))
    assert f'name="version" value="{activity.version}"' in response.content.decode()


def test_two_tabs_save_the_same_activity_and_the_second_gets_the_conflict(cast, companion, activity):
    edit = url("activity-edit", cast.plan.pk, activity.pk)
    first_tab = form_data(companion.get(edit))
    second_tab = form_data(companion.get(edit))

    first_tab.update(title="Musdes dari tab pertama", target_quantity="6")
    assert companion.post(edit, first_tab).status_code == 302

    second_tab.update(title="Musdes dari tab kedua", unit="orang")
    response = companion.post(edit, second_tab)
    assert response.status_code == 409
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.target_quantity, saved.unit) == ("Musdes dari tab pertama", Decimal("6"), "kali")
    content = response.content.decode()
    assert "Nothing was saved" in content
    # The first tab's values as saved, next to what this tab typed, which stays in the form.
    rows = {row.label: (row.before, row.after) for row in response.context["conflict"]}
    assert rows["Title"] == ("Musdes dari tab pertama", "Musdes dari tab kedua")
    assert rows["Target quantity"] == ("6", "4")
    assert rows["Unit"] == ("kali", "orang")
    assert rows["Scheduled months"] == ("January, April", "January, April")
    assert 'value="Musdes dari tab kedua"' in content
    assert cast.companion.get_full_name() in content


def test_saving_again_after_the_conflict_replaces_the_other_save_knowingly(cast, companion, activity):
    edit = url("activity-edit", cast.plan.pk, activity.pk)
    stale = form_data(companion.get(edit))
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion)
    stale["title"] = "Judul saya"
    conflict = companion.post(edit, stale)
    assert conflict.status_code == 409
    assert companion.post(edit, form_data(conflict)).status_code == 302
    assert Activity.objects.get(pk=activity.pk).title == "Judul saya"


def test_an_htmx_save_on_a_stale_activity_answers_409(cast, companion, activity):
    edit = url("activity-edit", cast.plan.pk, activity.pk)
    stale = form_data(companion.get(edit))
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion)
    stale["title"] = "Judul dari htmx"
    response = companion.post(edit, stale, headers={"HX-Request": "true"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "Saved now:" in content and "Judul dari htmx" in content


def test_the_service_writes_nothing_on_a_stale_version(cast, activity):
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion, version=1)
    stale = Activity.objects.get(pk=activity.pk)
    stale.title = "Terlambat"
    plan_version = WorkPlan.objects.get(pk=cast.plan.pk).version
    history = Activity.history.filter(id=activity.pk).count()
    with pytest.raises(services.VersionConflict) as refused:
        services.activity_save(activity=stale, by=cast.companion, version=1)
    assert refused.value.current.version == 2
    assert Activity.objects.get(pk=activity.pk).title == "Musdes perencanaan"
    assert WorkPlan.objects.get(pk=cast.plan.pk).version == plan_version
    assert Activity.history.filter(id=activity.pk).count() == history


def test_a_bad_version_is_a_message_beside_the_form(cast, companion, activity):
    edit = url("activity-edit", cast.plan.pk, activity.pk)
    data = form_data(companion.get(edit))
    data["version"] = "banyak"
    response = companion.post(edit, data)
    assert response.status_code == 422 and response.context["form"].errors["version"]
    assert Activity.objects.get(pk=activity.pk).version == activity.version


def test_a_save_that_does_not_say_its_version_is_refused_on_every_page_form(cast, companion, activity):
    """A missing version is never taken for "the current one": the activity, the narrative and a delete."""
    edit = url("activity-edit", cast.plan.pk, activity.pk)
    data = form_data(companion.get(edit))
    del data["version"]
    data["title"] = "Tanpa versi"
    response = companion.post(edit, data)
    assert response.status_code == 422 and response.context["form"].errors["version"]

    narrative = url("plan-edit", cast.plan.pk)
    data = form_data(companion.get(narrative))
    del data["version"]
    data["priorities"] = "Tanpa versi"
    response = companion.post(narrative, data)
    assert response.status_code == 422 and response.context["form"].errors["version"]

    response = companion.post(url("activity-delete", cast.plan.pk, activity.pk), follow=True)
    assert "nothing was deleted" in response.content.decode()

    assert Activity.objects.filter(pk=activity.pk, title="Musdes perencanaan", version=activity.version).exists()
    assert WorkPlan.objects.get(pk=cast.plan.pk).priorities != "Tanpa versi"


# --- deleting --------------------------------------------------------------------------------------


def test_deleting_an_activity_changed_since_the_page_was_loaded_is_refused(cast, companion, activity):
    page = companion.get(url("plan-detail", cast.plan.pk)).content.decode()
    assert f'name="version" value="{activity.version}"' in page
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion)
    response = companion.post(url("activity-delete", cast.plan.pk, activity.pk), {"version": str(activity.version)})
    assert response.status_code == 302
    assert Activity.objects.filter(pk=activity.pk).exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "changed after this page was loaded" in message


def test_deleting_an_unchanged_activity_works(cast, companion, activity):
    response = companion.post(url("activity-delete", cast.plan.pk, activity.pk), {"version": str(activity.version)})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


# --- the plan's narrative --------------------------------------------------------------------------


def test_two_tabs_save_the_narrative_and_the_second_gets_the_conflict(cast, companion):
    edit = url("plan-edit", cast.plan.pk)
    first_tab = form_data(companion.get(edit))
    second_tab = form_data(companion.get(edit))
    first_tab.update(priorities="Stunting dan air bersih", data_basis="IDM 2025")
    assert companion.post(edit, first_tab).status_code == 302

    second_tab.update(priorities="BUMDes dulu")
    response = companion.post(edit, second_tab)
    assert response.status_code == 409
    plan = WorkPlan.objects.get(pk=cast.plan.pk)
    assert (plan.priorities, plan.data_basis) == ("Stunting dan air bersih", "IDM 2025")
    rows = {row.label: (row.before, row.after) for row in response.context["conflict"]}
    assert rows == {"Priorities": ("Stunting dan air bersih", "BUMDes dulu"), "Data basis": ("IDM 2025", "–")}
    assert "BUMDes dulu" in response.content.decode()

    # Saving the kept text again is a knowing overwrite.
    assert companion.post(edit, form_data(response)).status_code == 302
    assert WorkPlan.objects.get(pk=cast.plan.pk).priorities == "BUMDes dulu"


def test_a_review_in_between_leaves_an_unchanged_narrative_saveable(cast, companion, activity):
    edit = url("plan-edit", cast.plan.pk)
    opened = form_data(companion.get(edit))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    services.plan_return(plan=cast.plan, by=cast.coordinator, comment="Lengkapi")
    opened["priorities"] = "Sesudah dikembalikan"
    assert companion.post(edit, opened).status_code == 302
    plan = WorkPlan.objects.get(pk=cast.plan.pk)
    assert (plan.priorities, plan.status) == ("Sesudah dikembalikan", WorkPlan.Status.RETURNED)


def test_an_activity_saved_in_another_tab_does_not_make_the_narrative_stale(cast, companion, activity):
    edit = url("plan-edit", cast.plan.pk)
    narrative = form_data(companion.get(edit))
    services.activity_save(activity=Activity.objects.get(pk=activity.pk), by=cast.companion)
    narrative["priorities"] = "Air bersih"
    assert companion.post(edit, narrative).status_code == 302
    assert WorkPlan.objects.get(pk=cast.plan.pk).priorities == "Air bersih"


def test_a_forged_digest_does_not_skip_the_version_check(cast, companion):
    edit = url("plan-edit", cast.plan.pk)
    stale = form_data(companion.get(edit))
    services.plan_update_narrative(plan=cast.plan, by=cast.companion, priorities="Baru", data_basis="")
    stale.update(priorities="Lama", opened="0" * 64)
    assert companion.post(edit, stale).status_code == 409
    assert WorkPlan.objects.get(pk=cast.plan.pk).priorities == "Baru"

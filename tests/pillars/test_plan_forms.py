"""The activity form: the one validation of an activity, for the page and the Excel upload."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from pillars.forms.plans import ActivityForm, PlanReviewForm
from pillars.models import Pillar
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def data(**overrides) -> dict:
    values = {
        "pillar": "ASI",
        "village": "34.03.01.2001",
        "title": "Rakor desa",
        "target_group": "village_government",
        "target_quantity": "4",
        "months": [1, 4, 7, 10],
    }
    values.update(overrides)
    return values


def errors(plan, **overrides) -> dict:
    form = ActivityForm(plan=plan, data=data(**overrides))
    assert not form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def test_a_good_activity_is_saved_with_its_months(cast):
    form = ActivityForm(plan=cast.plan, data=data(sdg_goal="17", budget="1500000", poor_priority="on"))
    assert form.is_valid(), form.errors
    activity = form.save()
    assert (activity.plan, activity.months, activity.target_quantity) == (cast.plan, (1, 4, 7, 10), Decimal("4"))
    assert (activity.sdg_goal, activity.budget, activity.poor_priority) == (17, Decimal("1500000"), True)


def test_an_empty_village_means_all_villages(cast):
    form = ActivityForm(plan=cast.plan, data=data(village=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"] is None


def test_only_the_plans_villages_are_offered(cast):
    form = ActivityForm(plan=cast.plan)
    assert [v.code for v in form.fields["village"].queryset] == ["34.03.01.2001", "34.03.01.2002"]
    assert errors(cast.plan, village="34.03.02.2001") == {"village": ["Choose one of your assigned villages."]}


def test_a_pillar_that_does_not_exist_is_named(cast):
    assert errors(cast.plan, pillar="XYZ") == {"pillar": ["Choose one of the pillars; this one does not exist."]}


def test_an_inactive_pillar_is_refused_for_new_activities_but_kept_for_old_ones(cast):
    old = ActivityFactory(plan=cast.plan, pillar=Pillar.objects.get(code="KAP"))
    Pillar.objects.filter(code="KAP").update(is_active=False)
    assert "pillar" in errors(cast.plan, pillar="KAP")
    assert ActivityForm(plan=cast.plan, instance=old, data=data(pillar="KAP")).is_valid()


@pytest.mark.parametrize("month", ["0", "13", "x"])
def test_a_month_outside_1_to_12_is_refused(cast, month):
    assert errors(cast.plan, months=["2", month]) == {"months": [f"A month must be between 1 and 12; got {month}."]}


def test_no_month_is_allowed_while_drafting(cast):
    assert ActivityForm(plan=cast.plan, data=data(months=[])).is_valid()


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "The target cannot be negative."), ("empat", "Type a number such as 2.5 or 1,500,000.")],
)
def test_a_bad_target_is_refused(cast, value, message):
    assert errors(cast.plan, target_quantity=value) == {"target_quantity": [message]}


def test_a_negative_or_non_numeric_budget_is_refused(cast):
    assert errors(cast.plan, budget="-5") == {"budget": ["The budget cannot be negative."]}
    assert "budget" in errors(cast.plan, budget="1,5 juta")


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(cast, title):
    assert errors(cast.plan, title=title) == {"title": ["Give the activity a title."]}


def test_a_title_over_length_is_refused(cast):
    assert errors(cast.plan, title="x" * 201) == {"title": ["The title can have at most 200 characters (it has 201)."]}


def test_an_sdg_goal_outside_1_to_18_is_refused(cast):
    assert "sdg_goal" in errors(cast.plan, sdg_goal="19")


def test_the_return_form_needs_a_comment_and_keeps_activity_notes(cast):
    first, second = ActivityFactory(plan=cast.plan), ActivityFactory(plan=cast.plan)
    data = {"comment": " ", f"note-{first.pk}": "Perjelas"}
    form = PlanReviewForm(data=data, activities=[first, second], returning=True)
    assert not form.is_valid()
    assert "comment" in form.errors
    data = {"comment": "Perbaiki", f"note-{first.pk}": " Perjelas "}
    form = PlanReviewForm(data=data, activities=[first, second], returning=True)
    assert form.is_valid()
    assert form.activity_comments() == {first.pk: "Perjelas"}


def test_the_approval_needs_no_comment_and_keeps_activity_notes(cast):
    first = ActivityFactory(plan=cast.plan)
    form = PlanReviewForm(data={"comment": " ", f"note-{first.pk}": " Bagus "}, activities=[first])
    assert form.is_valid()
    assert (form.cleaned_data["comment"], form.activity_comments()) == ("", {first.pk: "Bagus"})


def test_the_edit_form_shows_the_activitys_pillar_and_months(cast):
    activity = ActivityFactory(plan=cast.plan, pillar=Pillar.objects.get(code="ORG"), months=(3, 9))
    form = ActivityForm(plan=cast.plan, instance=activity)
    assert form["pillar"].value() == "ORG"
    assert 'value="ORG" selected' in str(form["pillar"])
    assert [int(m) for m in form["months"].value()] == [3, 9]


def test_the_edit_form_shows_a_whole_target_without_decimals(cast):
    activity = ActivityFactory(plan=cast.plan, target_quantity=Decimal("10.00"))
    assert ActivityForm(plan=cast.plan, instance=activity)["target_quantity"].value() == "10"

"""The profile page: a person sees their role, scope and villages, and sets their e-mail, phone, the language of
their messages and, for each kind of notification they can receive, whether it is also e-mailed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from notifications.forms import APP_ONLY, BY_EMAIL, ProfileForm
from notifications.models import COMPANION_KINDS, REVIEWER_KINDS, Kind, Preferences, preferences_of

pytestmark = pytest.mark.django_db

COMMON_KINDS = (Kind.COMMENT_REPLY, Kind.JOB_FINISHED)


def valid_data(user, **changes) -> dict:
    """What the page posts when nothing is changed, with ``changes`` on top."""
    form = ProfileForm(user=get_user_model().objects.get(pk=user.pk))  # as the page reads it now
    data = {name: form[name].value() or "" for name in form.fields}
    return {**data, **changes}


def kind_fields(response) -> set[str]:
    return {name.removeprefix("kind_") for name in response.context["form"].fields if name.startswith("kind_")}


# --- who may open it -----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(db):
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("profile"))
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused_for_everyone(method, cast):
    assert getattr(Client(), method)(reverse("profile")).status_code == 405
    assert getattr(cast.client_for(cast.companion), method)(reverse("profile")).status_code == 405


# --- what it shows -------------------------------------------------------------------------------------------


def test_a_companion_sees_their_role_and_villages_and_the_companions_kinds(cast):
    page = cast.client_for(cast.companion).get(reverse("profile"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "PLD (local village companion)" in html
    assert "34.03.01.2001" in html and "34.03.01.2002" in html
    assert "34.03.02.2001" not in html  # the other companion's village
    assert page.context["scope"] is None
    assert kind_fields(page) == {*COMPANION_KINDS, *COMMON_KINDS}
    assert "phone" in page.context["form"].fields


def test_a_coordinator_sees_their_scope_and_the_reviewers_kinds_only(cast):
    page = cast.client_for(cast.coordinator).get(reverse("profile"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Coordinator" in html
    assert page.context["scope"].code == "34.03" and "(34.03)" in html
    assert kind_fields(page) == {*REVIEWER_KINDS, *COMMON_KINDS}
    assert not kind_fields(page) & set(COMPANION_KINDS)


def test_an_admin_without_a_companion_record_has_no_phone_to_set(cast):
    page = cast.client_for(cast.admin).get(reverse("profile"))
    assert page.status_code == 200
    assert "Administrator" in page.content.decode()
    assert "phone" not in page.context["form"].fields
    assert kind_fields(page) == {*REVIEWER_KINDS, *COMMON_KINDS}


def test_the_form_starts_from_what_was_chosen(cast):
    cast.companion.email = "rina@example.org"
    cast.companion.save()
    Preferences.objects.create(user=cast.companion, language="en", email_kinds={Kind.PLAN_RETURNED: False})
    form = cast.client_for(cast.companion).get(reverse("profile")).context["form"]
    assert form["email"].value() == "rina@example.org"
    assert form["language"].value() == "en"
    assert form["kind_plan_returned"].value() == APP_ONLY
    assert form["kind_plan_approved"].value() == BY_EMAIL  # not chosen: the default
    assert form["kind_job_finished"].value() == APP_ONLY


# --- saving --------------------------------------------------------------------------------------------------


def test_saving_sets_the_e_mail_phone_language_and_choices(cast):
    user = cast.companion
    data = valid_data(
        user,
        email="Rina@Example.ORG",
        phone="0812 3456 7890",
        language="en",
        kind_plan_returned=APP_ONLY,
        kind_job_finished=BY_EMAIL,
    )
    response = cast.client_for(user).post(reverse("profile"), data, follow=True)
    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "Your profile is saved." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "Rina@example.org"  # the domain part in lower case, as Django keeps addresses
    assert user.companion.phone == "0812 3456 7890"
    preferences = Preferences.objects.get(user=user)
    assert preferences.language == "en"
    assert not preferences.wants_email(Kind.PLAN_RETURNED)
    assert preferences.wants_email(Kind.JOB_FINISHED)
    assert preferences.wants_email(Kind.PLAN_APPROVED)


def test_saving_again_changes_the_same_preferences(cast):
    user = cast.coordinator
    client = cast.client_for(user)
    client.post(reverse("profile"), valid_data(user, kind_digest=APP_ONLY))
    client.post(reverse("profile"), valid_data(user, language="en"))
    preferences = Preferences.objects.get(user=user)
    assert preferences.language == "en" and not preferences.wants_email(Kind.DIGEST)


def test_an_empty_e_mail_and_phone_clear_them(cast):
    user = cast.companion
    user.email = "rina@example.org"
    user.save()
    user.companion.phone = "0812 3456 7890"
    user.companion.save()
    cast.client_for(user).post(reverse("profile"), valid_data(user, email="", phone=""))
    user.refresh_from_db()
    assert user.email == "" and user.companion.phone == ""


def test_a_kind_the_person_cannot_receive_is_not_changed_by_posting_it(cast):
    user = cast.companion
    cast.client_for(user).post(reverse("profile"), valid_data(user, kind_plan_submitted=APP_ONLY))
    assert Kind.PLAN_SUBMITTED not in preferences_of(user).email_kinds


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"email": f"{'a' * 250}@example.org"}, "email", "at most 254 characters"),
        ({"phone": "call me"}, "phone", "Enter a phone number of digits"),
        ({"phone": "0812 3456 7890 1234 5"}, "phone", "at most 20 characters"),
        ({"language": "fr"}, "language", "Select a valid choice."),
        ({"kind_plan_returned": "sms"}, "kind_plan_returned", "Select a valid choice."),
        ({"kind_plan_returned": ""}, "kind_plan_returned", "This field is required."),
    ],
    ids=["email", "email-too-long", "phone", "phone-too-long", "language", "choice", "choice-missing"],
)
def test_bad_input_is_said_beside_its_field_and_changes_nothing(cast, changes, field, message):
    user = cast.companion
    user.email = "rina@example.org"
    user.save()
    data = valid_data(user, **{"language": "en", "phone": "0812 1111 2222", **changes})
    response = cast.client_for(user).post(reverse("profile"), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.email == "rina@example.org" and user.companion.phone == ""
    assert not Preferences.objects.filter(user=user).exists()


def test_an_empty_post_is_a_form_with_its_errors(cast):
    response = cast.client_for(cast.companion).post(reverse("profile"), {})
    assert response.status_code == 422
    assert "language" in response.context["form"].errors
    assert not Preferences.objects.exists()

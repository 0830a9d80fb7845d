"""The profile's form: the person's e-mail, phone and language, and per kind of notification whether it is also
e-mailed. Only the kinds the person can receive are offered (a companion is never asked about plans to review)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.models import COMPANION_KINDS, REVIEWER_KINDS, Kind, Preferences, preferences_of
from villages.models import Companion
from villages.scope import viewer_for

APP_ONLY, BY_EMAIL = "app", "email"
CHANNELS = [(APP_ONLY, _("In the app only")), (BY_EMAIL, _("In the app and by e-mail"))]


def kinds_for(user) -> list[Kind]:
    """The kinds of notification ``user`` can receive, in the order the profile lists them."""
    viewer = viewer_for(user)
    kinds = []
    if viewer.is_companion:
        kinds += COMPANION_KINDS
    if viewer.is_reviewer:
        kinds += REVIEWER_KINDS
    return [*kinds, Kind.COMMENT_REPLY, Kind.JOB_FINISHED]


class ProfileForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_("Where notifications and password resets are sent. Empty: nothing is e-mailed."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    language = forms.ChoiceField(
        label=_("Language of messages"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails the app sends you."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.companion = viewer_for(user).companion
        self.preferences = preferences_of(user)
        initial = {
            "email": user.email,
            "phone": self.companion.phone if self.companion else "",
            "language": self.preferences.language,
        }
        for kind in kinds_for(user):
            initial[self.kind_field(kind)] = BY_EMAIL if self.preferences.wants_email(kind) else APP_ONLY
        super().__init__(*args, initial=initial, **kwargs)
        if self.companion is None:
            del self.fields["phone"]
        for kind in kinds_for(user):
            self.fields[self.kind_field(kind)] = forms.ChoiceField(
                label=kind.label, choices=CHANNELS, widget=forms.RadioSelect
            )

    @staticmethod
    def kind_field(kind: str) -> str:
        return f"kind_{kind}"

    def kind_fields(self) -> list:
        return [self[self.kind_field(kind)] for kind in kinds_for(self.user)]

    def clean_email(self) -> str:
        return get_user_model().objects.normalize_email(self.cleaned_data["email"].strip())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        field = Companion._meta.get_field("phone")
        if phone:
            field.run_validators(phone)
        return phone

    @transaction.atomic
    def save(self) -> None:
        data = self.cleaned_data
        self.user.email = data["email"]
        self.user.save(update_fields=["email"])
        if self.companion is not None:
            self.companion.phone = data["phone"]
            self.companion.save(update_fields=["phone"])
        preferences = self.preferences
        preferences.language = data["language"]
        preferences.email_kinds = {
            **preferences.email_kinds,
            **{kind.value: data[self.kind_field(kind)] == BY_EMAIL for kind in kinds_for(self.user)},
        }
        if preferences.pk is None:
            Preferences.objects.update_or_create(
                user=self.user, defaults={"language": preferences.language, "email_kinds": preferences.email_kinds}
            )
        else:
            preferences.save(update_fields=["language", "email_kinds"])

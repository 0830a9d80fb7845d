"""The forms of the month pages: an activity's entry with its evidence, postponing, the monthly report and the
coordinator's decisions on it, the completeness page's year.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pillars.evidence import check_uploads, max_bytes, max_files
from pillars.models import Activity, MonthlyProgress, MonthlyReport, MonthNote
from villages.number_fields import NumberField, ShownLanguageForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args, **kwargs):
        accept = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "class": "evidence-input"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class TypedText(forms.CharField):
    """Text from a textarea, its line breaks counted as the browser counts them for ``maxlength``: one
    character each. The browser sends them as two (CR LF), so without this a text the field let through
    is refused as too long."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class ProgressForm(ShownLanguageForm, forms.ModelForm):
    """One activity's entry for one month. ``version`` is the entry's version when the form was
    opened (0: no entry yet); the service refuses a save made on an older version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    files = MultipleFileField(
        label=_("Add evidence (photos or PDF)"),
        required=False,
    )
    # Where the phone is, asked only when the companion presses "Add my location" (static/js/photos.js).
    latitude = forms.DecimalField(
        widget=forms.HiddenInput, required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        widget=forms.HiddenInput, required=False, min_value=-180, max_value=180, max_digits=10, decimal_places=6
    )

    class Meta:
        model = MonthlyProgress
        fields = ["status", "quantity", "description", "problems", "follow_up"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "quantity": NumberField,
            "description": TypedText,
            "problems": TypedText,
            "follow_up": TypedText,
        }
        error_messages = {"quantity": {"negative": _("The quantity cannot be negative.")}}

    def __init__(self, *args, activity: Activity, evidence_count: int = 0, **kwargs):
        kwargs.setdefault("prefix", f"a{activity.pk}")
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.evidence_count = evidence_count
        self.checked_files = []
        # A message for each file refused: the entry is saved without them (see clean_files).
        self.refused_files: list[str] = []
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["quantity"].label = _("Quantity this month (%(unit)s)") % {"unit": activity.unit or "-"}
        self.fields["files"].help_text = _(
            "Photos (JPEG, PNG, WebP, HEIC) or PDF; up to %(size)s each, %(count)s files per entry. "
            "Photos are made smaller on the phone before they are sent."
        ) % {"size": filesizeformat(max_bytes()), "count": max_files()}
        # What static/js/photos.js needs to make photos smaller and refuse a file before sending it.
        self.fields["files"].widget.attrs.update(
            {
                "data-max-bytes": max_bytes(),
                "data-side": settings.RKT_EVIDENCE_IMAGE_SIDE,
                "data-too-big": _("“{name}” is {size}; the limit is {limit} per file. It was not added."),
                "data-preparing": _("Making the photos smaller…"),
                "data-prepared": _("{count} photo(s) made smaller: {size} in all."),
                "data-limit": filesizeformat(max_bytes()),
            }
        )

    def clean_files(self):
        """Never invalid: a file that does not pass is left out and named in ``refused_files``, so the text and
        status typed with it are saved all the same."""
        files = self.cleaned_data.get("files") or []
        self.checked_files, self.refused_files = check_uploads(files, already=self.evidence_count)
        return files

    def device_place(self):
        latitude, longitude = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if latitude is None or longitude is None:
            return None
        return (latitude, longitude)

    def clean(self):
        cleaned = super().clean()
        status, quantity = cleaned.get("status"), cleaned.get("quantity")
        idle = (MonthlyProgress.Status.NOT_STARTED, MonthlyProgress.Status.POSTPONED, MonthlyProgress.Status.CANCELLED)
        if status in idle and quantity:
            self.add_error(
                "quantity",
                _("An activity that is not started, postponed or cancelled achieved nothing this month; set 0."),
            )
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(None, _("The location came incomplete; press “Add my location” again."))
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PostponeForm(forms.Form):
    # Not required: the page's report can be submitted without postponing anything, so the field shows no
    # required mark; this form alone needs a choice (clean_activities).
    activities = forms.ModelMultipleChoiceField(
        label=_("Mark as postponed"),
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, unreported: list[Activity], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = Activity.objects.filter(pk__in=[a.pk for a in unreported])
        self.fields["activities"].label_from_instance = lambda a: a.title
        if not self.is_bound:
            self.fields["activities"].initial = [a.pk for a in unreported]

    def clean_activities(self):
        chosen = self.cleaned_data["activities"]
        if not chosen:
            raise ValidationError(_("Choose at least one activity."))
        return chosen


class ReportSubmitForm(forms.ModelForm):
    """The month's summary and plan for the next; with ``warnings`` (:func:`pillars.rules.submit_warnings`) it asks
    the companion to confirm, since submitting locks the month."""

    class Meta:
        model = MonthlyReport
        fields = ["summary", "next_month_plan"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "next_month_plan": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("Optional: the month in a few sentences."),
            "next_month_plan": _("Optional: anything beyond the scheduled activities listed above."),
        }

    def __init__(self, *args, warnings: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        if self.warnings:
            self.fields["confirm"] = forms.BooleanField(
                label=_("I know; submit anyway"),
                error_messages={
                    "required": _(
                        "Tick “I know; submit anyway” to submit with these warnings, or go back and complete the month."
                    )
                },
            )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must change"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A note is required to return a report.")},
    )


class ReportReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("A reason is required to reopen a month.")},
    )


class YearForm(forms.Form):
    """The year a page is about: any year 2000–2100 is read; the select offers ``years``."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.Select(attrs={"class": "form-select-sm w-auto"}),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.choices = [(year, year) for year in years]


class MonthNoteForm(forms.Form):
    """A village official's note on a month."""

    text = forms.CharField(
        label=_("Your note on this month"),
        max_length=MonthNote.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write the note first: it cannot be empty."),
            "max_length": _("A note can be at most %(limit_value)d characters long; this one has %(show_value)d."),
        },
    )

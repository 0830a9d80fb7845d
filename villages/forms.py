"""Forms of the village data import: the upload, and which area's blank template to download."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villages.models import Region
from villages.scope import viewer_for
from villages.spreadsheet import first_problem
from villages.village_data import VillageDataFileError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the national list of 83,762 villages is about 9 MB as CSV


def year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year"),
        initial=lambda: timezone.localdate().year,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year the figures belong to."),
    )


class VillageDataImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An .xlsx or CSV file with one row per village: the blank template, or the office's own table "
            "with headers in Indonesian or English."
        ),
    )
    year = year_field()
    dry_run = forms.BooleanField(
        label=_("Only check the file and show what would change; save nothing"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        """What can be told at once (size, an empty or old Excel file); the rows are read by the import's job."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            first_problem(upload)
        except VillageDataFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class ConfirmImportForm(forms.Form):
    """Save the file that a check (a dry-run job of the user's) found without errors."""

    job = forms.UUIDField(widget=forms.HiddenInput)


class TemplateForm(forms.Form):
    """Which area's villages the blank workbook is pre-filled with; only areas the user may see."""

    region = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Region.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose one of the areas in the list.")},
    )
    year = year_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        viewer = viewer_for(user)
        areas = Region.objects.visible_to(user).filter(level__lte=Region.Level.REGENCY)
        if viewer.is_coordinator:
            # A kecamatan coordinator's own area is below the regency level.
            areas = areas | Region.objects.filter(code=viewer.prefix)
            self.fields["region"].initial = viewer.prefix
        self.fields["region"].queryset = areas.order_by("code")

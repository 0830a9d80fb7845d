"""The quarter report's forms: the companion's narrative; the coordinator's decisions reuse the monthly report's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pillars.models import QuarterReport


class QuarterNarrativeForm(forms.ModelForm):
    class Meta:
        model = QuarterReport
        fields = ["narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "narrative": _("The quarter in a few paragraphs: what moved, what held it back, what comes next.")
        }

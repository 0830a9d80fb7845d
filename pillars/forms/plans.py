"""The forms of the plan pages: an activity, the narrative, starting a plan, the review and reopening, moving and
deleting an activity; the edit and delete forms carry the version they were opened at (:class:`VersionedForm`).
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pillars.fields import MonthsFormField
from pillars.models import PILLAR_ORDER, Activity, Pillar, WorkPlan
from pillars.rules import narrative_digest
from pillars.selectors.holders import holders_in_scope
from villages.formats import month_name
from villages.models import Companion
from villages.number_fields import NumberField, RupiahField, ShownLanguageForm


class ActivityForm(ShownLanguageForm, forms.ModelForm):
    """One activity of ``plan``.

    ``pillar`` takes the pillar's code (``ASI``), ``village`` the village code or empty for all the
    plan's villages, ``months`` any of 1–12 (a list, or repeated keys in POST data).
    """

    pillar = forms.ModelChoiceField(
        label=_("Pillar"),
        queryset=Pillar.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose one of the pillars; this one does not exist.")},
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=None,
        required=False,
        empty_label=_("All assigned villages"),
        error_messages={"invalid_choice": _("Choose one of your assigned villages.")},
    )
    months = MonthsFormField(
        label=_("Scheduled months"),
        required=False,
        error_messages={"invalid_choice": _("A month must be between 1 and 12; got %(value)s.")},
    )

    class Meta:
        model = Activity
        fields = (
            "pillar",
            "village",
            "title",
            "objective",
            "target_group",
            "sdg_goal",
            "indicator",
            "target_quantity",
            "unit",
            "months",
            "budget",
            "budget_source",
            "partners",
            "poor_priority",
        )
        widgets = {"objective": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"target_quantity": NumberField, "budget": RupiahField}
        error_messages = {
            "title": {
                "required": _("Give the activity a title."),
                "max_length": _("The title can have at most %(limit_value)d characters (it has %(show_value)d)."),
            },
            # "invalid" is left to the field: its message names the forms accepted in the page's language.
            "target_quantity": {"negative": _("The target cannot be negative.")},
            "budget": {"negative": _("The budget cannot be negative.")},
        }

    def __init__(self, *args, plan: WorkPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        # An inactive pillar stays choosable for an activity that already uses it.
        pillars = Q(is_active=True)
        if self.instance.pillar_id:
            pillars |= Q(pk=self.instance.pillar_id)
        self.fields["pillar"].queryset = Pillar.objects.filter(pillars).order_by(*PILLAR_ORDER)
        if self.instance.pillar_id and self.initial.get("pillar") == self.instance.pillar_id:
            # The instance's initial value is the pk, but the choices are keyed by code (to_field_name);
            # left alone, the edit page would show no pillar selected.
            self.initial["pillar"] = self.instance.pillar.code
        self.fields["village"].queryset = plan.villages.order_by("name")
        self.fields["village"].label_from_instance = lambda village: village.name
        self.fields["pillar"].empty_label = _("Choose a pillar")
        self.fields["sdg_goal"].choices = [("", _("(none)")), *Activity.SdgGoal.choices]
        self.fields["target_group"].choices = [("", _("Choose a target group")), *Activity.TargetGroup.choices]
        self.fields["budget"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div(Field("pillar"), css_class="col-sm-6"),
                Div(Field("village"), css_class="col-sm-6"),
                css_class="row",
            ),
            Field("title"),
            Field("objective"),
            Div(
                Div(Field("target_group"), css_class="col-sm-6"),
                Div(Field("sdg_goal"), css_class="col-sm-6"),
                css_class="row",
            ),
            Field("indicator"),
            Div(
                Div(Field("target_quantity"), css_class="col-6"),
                Div(Field("unit"), css_class="col-6"),
                css_class="row",
            ),
            Field("months", wrapper_class="months-picker"),
            Div(
                Div(Field("budget"), css_class="col-sm-6"),
                Div(Field("budget_source"), css_class="col-sm-6"),
                css_class="row",
            ),
            Field("partners"),
            Field("poor_priority"),
            Field("shown_language"),
        )

    def clean_title(self) -> str:
        title = (self.cleaned_data.get("title") or "").strip()
        if not title:
            raise forms.ValidationError(_("Give the activity a title."), code="required")
        return title


class VersionedForm(forms.Form):
    """A form that carries the version its object had when the form was opened.

    The service compares it with the saved version and refuses a stale save; see
    :class:`pillars.errors.VersionConflict`.
    """

    # Required: a save that does not say which version it was opened at could overwrite anyone's.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=True)

    def set_version(self, version: int) -> None:
        self.fields["version"].initial = version

    def move_to_version(self, current) -> None:
        """After a conflict with ``current`` (the object as saved now): saving again replaces it knowingly."""
        self._set_data("version", str(current.version))
        self.set_version(current.version)

    def _set_data(self, name: str, value: str) -> None:
        if self.is_bound:
            data = self.data.copy()
            data[self.add_prefix(name)] = value
            self.data = data


class ActivityEditForm(VersionedForm, ActivityForm):
    """The activity form of the edit page: :class:`ActivityForm` plus the version it was opened at."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance.version)
        self.helper.layout.append(Field("version"))


class ActivityDeleteForm(VersionedForm):
    """The delete button of an activity card: the version the page showed."""


class PlanNarrativeForm(forms.ModelForm):
    """The plan's short narrative: priorities and the data they rest on."""

    class Meta:
        model = WorkPlan
        fields = ("priorities", "data_basis")
        widgets = {
            "priorities": forms.Textarea(attrs={"rows": 3}),
            "data_basis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PlanNarrativeEditForm(VersionedForm, PlanNarrativeForm):
    """The narrative form of the edit page, with the plan's version and narrative digest when it was opened."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance.version)
        self.fields["opened"].initial = narrative_digest(self.instance)

    def move_to_version(self, current: WorkPlan) -> None:
        super().move_to_version(current)
        self._set_data("opened", narrative_digest(current))


class StartPlanForm(forms.Form):
    """Start a plan for one of the open years the companion has no plan for yet."""

    year = forms.TypedChoiceField(label=_("Start a plan for the year"), coerce=int, choices=())

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = _("That year is not open for a new plan.")


class PlanReopenForm(forms.Form):
    """Reopen an approved plan as a draft revision: the reason, kept in its history."""

    comment = forms.CharField(
        label=_("Reason for reopening"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].error_messages["required"] = _("Write a reason; it is kept in the plan's history.")

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return comment


class PlanReviewForm(forms.Form):
    """The coordinator's decision on a submitted plan: one comment, and a note per activity (``note-<id>``) kept
    with the decision, an approval or a return. A return must say what must change (``returning``)."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, activities: list[Activity], returning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.returning = returning
        self.fields["comment"].help_text = _("Optional to approve; to return, say what must change.")
        self.fields["comment"].error_messages["required"] = _(
            "Say what must change: a comment is required to return a plan."
        )
        self.activity_ids = [activity.pk for activity in activities]
        for activity in activities:
            self.fields[self.note_name(activity.pk)] = forms.CharField(
                label=_("Note for the companion on “%(title)s” (optional)") % {"title": activity.title},
                required=False,
                max_length=2000,
                # Drawn beside each activity card, outside the review form it belongs to.
                widget=forms.Textarea(attrs={"rows": 1, "form": "review-form", "class": "form-control-sm"}),
            )

    @staticmethod
    def note_name(pk: int) -> str:
        return f"note-{pk}"

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.returning and not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return comment

    def activity_comments(self) -> dict[int, str]:
        notes = {pk: self.cleaned_data.get(self.note_name(pk), "").strip() for pk in self.activity_ids}
        return {pk: text for pk, text in notes.items() if text}


class MoveForm(forms.Form):
    direction = forms.TypedChoiceField(choices=(("-1", _("Up")), ("1", _("Down"))), coerce=int)


class PlanHandoverForm(forms.Form):
    """Hand a plan in force to another companion from a month on, with the reason."""

    successor = forms.ModelChoiceField(label=_("Successor"), queryset=Companion.objects.none())
    from_month = forms.TypedChoiceField(
        label=_("From month"),
        coerce=int,
        help_text=_(
            "The successor reports this month and the ones after it; the months before stay with the companion."
        ),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            holders_in_scope(user, plan.year)
            .active_in(plan.year)
            .filter(role__in=Companion.COMPANION_ROLES)
            .exclude(pk=plan.companion_id)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        self.fields["successor"].label_from_instance = lambda companion: str(companion)
        self.fields["from_month"].choices = [(m, month_name(m)) for m in range(2, 13)]
        self.fields["reason"].error_messages["required"] = _("Say why the plan is handed over.")

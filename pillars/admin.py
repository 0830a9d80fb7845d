from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pillars import rules, services
from pillars.fields import MonthsField
from pillars.models import (
    Activity,
    ActivityComment,
    DimensionFocus,
    Evidence,
    Handover,
    MonthlyProgress,
    MonthlyReport,
    Pillar,
    PlanSnapshot,
    PlanYear,
    QuarterReport,
    WorkflowEvent,
    WorkPlan,
)
from villages.formats import format_number
from villages.number_fields import NumberFieldsAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """Admin lists go through the same ``visible_to`` rule as every page. Old versions can be read, not restored."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an old version would write its status, revision and version back past the workflow and its
        # locks (simple-history asks only for view permission to do it).
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- the workflow's promises, kept in the admin ----------------------------------------------------------
#
# Plans, activities, progress entries and monthly reports carry a version that every page checks before a save.
# An admin form carries the version it was opened at and is refused when the row moved since, or when the
# workflow has locked it (pillars.rules, which the services ask too); every admin change moves the version, so a
# page opened before it is refused in turn. What ties a row to its owner (plan, month, activity, companion) is
# read-only.


def lock_reason(obj) -> str | None:
    """Why the workflow does not let ``obj`` change now (:mod:`pillars.rules`); None when it may."""
    if isinstance(obj, WorkPlan):
        return rules.plan_lock_reason(obj)
    if isinstance(obj, Activity):
        return rules.activity_lock_reason(obj)
    if isinstance(obj, MonthlyProgress):
        return rules.entry_lock_reason(obj)
    if isinstance(obj, MonthlyReport):
        return rules.report_lock_reason(obj)
    return None


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden field the admin shows in a fieldset: the fieldset gives every field a label, and a label for a
    hidden input is not valid HTML; with no id to point at, the label has no ``for`` and names nothing."""

    def id_for_label(self, id_):
        return ""


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select with its empty choice written as Django's plain select writes it
    ("---------"): an empty ``<option>`` without a label is not valid HTML. Select2 shows its placeholder
    for that choice all the same."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        if value == "" and not label:
            label = BLANK_CHOICE_DASH[0][1]
        return super().create_option(name, value, label, selected, index, subindex, attrs)


class ConformingAutocomplete:
    """An admin (or inline) whose autocomplete selects are valid HTML (see LabelledAutocompleteSelect)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VersionedForm(forms.ModelForm):
    """A change form that saves only onto the version it was opened at, and only what the workflow leaves open."""

    opened_version = forms.IntegerField(widget=UnlabelledHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Required for a change: a save that does not say which version it was opened at is not taken.
            self.fields["opened_version"].initial = self.instance.version
            self.fields["opened_version"].required = True

    def clean(self):
        cleaned = super().clean()
        # An unchanged row of an inline is not saved, so it may stand in a locked month or plan.
        if self.instance.pk and self.has_changed():
            model = type(self.instance)
            try:
                # The admin's save runs in one transaction: the row stays locked from this check to the save.
                current = services.locked_current(model, self.instance.pk, cleaned.get("opened_version"))
            except services.VersionConflict as conflict:
                raise ValidationError(
                    gettext(
                        "Someone saved this %(what)s after you opened it (it is now at version %(version)s); "
                        "open it again to see their change, then make yours."
                    )
                    % {"what": model._meta.verbose_name, "version": conflict.current.version},
                    code="conflict",
                ) from None
            reason = lock_reason(current)
            if reason:
                raise ValidationError(reason, code="locked")
        return cleaned


class VersionedAdmin(ConformingAutocomplete):
    """An admin (or inline) of a versioned model: its form checks the version and the lock, its saves move the
    version, and a row the workflow has locked is shown read-only and cannot be deleted."""

    form = VersionedForm
    owner_fields: tuple[str, ...] = ()

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "opened_version" in fields else [*fields, "opened_version"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [name for name in self.owner_fields if name not in readonly]

    def has_change_permission(self, request, obj=None) -> bool:
        return self.may_change(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.may_change(obj) and super().has_delete_permission(request, obj)

    def may_change(self, obj) -> bool:
        return obj is None or lock_reason(obj) is None


def moved(obj) -> None:
    """Save ``obj``, a versioned row, with its version moved on (an existing row) and read the new version back."""
    if obj.pk is not None:
        obj.version = F("version") + 1
    obj.save()
    obj.refresh_from_db(fields=["version"])


class VersionedModelAdmin(VersionedAdmin):
    def get_actions(self, request):
        # "Delete selected" deletes a queryset without asking about each row's lock; rows are deleted one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change) -> None:
        if change and not form.has_changed():
            return  # nothing to write: the version stays, and a page opened on it can still save
        moved(obj)
        if isinstance(obj, Activity):
            services.plan_touch(plan=obj.plan, by=request.user)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        if isinstance(obj, Activity):
            services.plan_touch(plan=obj.plan, by=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        if not issubclass(formset.form, VersionedForm):
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, Activity) and obj.pk is None:
                # Added while a revision is under way: part of the revision, in force once it is approved.
                obj.pending = obj.plan.under_revision
            moved(obj)
        formset.save_m2m()
        touched = instances or formset.deleted_objects
        if touched and isinstance(form.instance, WorkPlan) and formset.model is Activity:
            services.plan_touch(plan=form.instance, by=request.user)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name"]


@admin.register(DimensionFocus)
class DimensionFocusAdmin(admin.ModelAdmin):
    """What counts as an activity aimed at an Indeks Desa dimension, for the weakest-dimension plan check."""

    list_display = ["dimension", "pillar", "target_group"]
    list_filter = ["dimension", "pillar", "target_group"]
    list_select_related = ["pillar"]


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_open"]
    list_editable = ["is_open"]


class LockedPlanInline(VersionedAdmin):
    """An inline that cannot change the activities of a plan the workflow has locked (submitted or approved):
    those change only through the plan's own pages, where the services check state and versions. ``obj`` is
    the plan; each row's form checks its own version."""

    def may_change(self, obj) -> bool:
        return obj is None or rules.plan_lock_reason(obj) is None

    def has_add_permission(self, request, obj=None) -> bool:
        return self.may_change(obj) and super().has_add_permission(request, obj)

    def get_queryset(self, request):
        # A plan under revision shows the revision's copies: the approved rows stay as approved.
        return super().get_queryset(request).written()


# The admin gives every integer field a number input; an activity's months (a set kept in one integer)
# need their own checkboxes, or the form could not be saved.
MONTHS_AS_CHECKBOXES = {MonthsField: {"widget": forms.CheckboxSelectMultiple}}


class ActivityInline(NumberFieldsAdmin, LockedPlanInline, admin.StackedInline):
    model = Activity
    rupiah_fields = ("budget",)
    formfield_overrides = MONTHS_AS_CHECKBOXES
    extra = 0
    autocomplete_fields = ["village"]
    show_change_link = True
    fields = [
        ("pillar", "village", "position"),
        "title",
        "objective",
        ("target_group", "sdg_goal", "poor_priority"),
        ("indicator", "target_quantity", "unit"),
        "months",
        ("budget", "budget_source", "partners"),
        "carried_forward",
    ]


@admin.display(description=_("from"))
def from_label(event: WorkflowEvent) -> str:
    return event.from_label


@admin.display(description=_("to"))
def to_label(event: WorkflowEvent) -> str:
    return event.to_label


class WorkflowEventInline(ReadOnlyInline):
    model = WorkflowEvent
    fields = ["created_at", "actor", from_label, to_label, "report", "comment"]
    readonly_fields = fields


@admin.register(WorkPlan)
class WorkPlanAdmin(VersionedModelAdmin, ScopedHistoryAdmin):
    list_display = ["__str__", "companion", "year", "status", "revision", "submitted_at"]  # more are cut off at 1280 px
    list_filter = ["status", "year", "companion__role"]
    search_fields = ["companion__user__username", "companion__user__first_name", "companion__user__last_name"]
    autocomplete_fields = ["companion", "villages"]
    list_select_related = ["companion__user"]
    # Status moves only through the workflow (submit, return, approve, reopen), which logs and snapshots it.
    readonly_fields = ["status", "submitted_at", "approved_at", "revision"]
    owner_fields = ("companion", "year")
    inlines = [ActivityInline, WorkflowEventInline]

    def get_readonly_fields(self, request, obj=None):
        # A new plan is given its companion and year; an existing one keeps them.
        return super().get_readonly_fields(request, obj) if obj else self.readonly_fields


class MonthlyProgressInline(ReadOnlyInline):
    """An activity's entries, read-only: progress is recorded on an activity in force, whose own page the workflow
    has locked, so each entry is changed on its own page, where its month's lock and version are checked."""

    model = MonthlyProgress
    fields = ["month", "status", "quantity", "description", "problems", "follow_up"]
    readonly_fields = fields
    show_change_link = True


class ActivityCommentInline(ReadOnlyInline):
    model = ActivityComment
    fields = ["created_at", "author", "kind", "text", "resolved_at", "resolved_by"]
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(NumberFieldsAdmin, VersionedModelAdmin, ScopedHistoryAdmin):
    list_display = ["title", "plan", "pillar", "village", "target", "unit", "poor_priority"]
    rupiah_fields = ("budget",)
    formfield_overrides = MONTHS_AS_CHECKBOXES
    list_filter = ["pillar", "target_group", "poor_priority", "plan__year"]
    search_fields = ["title", "village__name", "plan__companion__user__username"]
    autocomplete_fields = ["plan", "village"]
    list_select_related = ["plan__companion__user", "pillar", "village"]
    owner_fields = ("plan",)
    inlines = [MonthlyProgressInline, ActivityCommentInline]

    @admin.display(description=_("target quantity"), ordering="target_quantity")
    def target(self, obj: Activity) -> str:
        return format_number(obj.target_quantity)

    def has_add_permission(self, request) -> bool:
        # Activities are added in their plan's rows, where the plan's lock and revision are known.
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # ``obj`` is the entry: its files go with the month's lock.
        return (obj is None or lock_reason(obj) is None) and super().has_delete_permission(request, obj)


@admin.register(MonthlyProgress)
class MonthlyProgressAdmin(NumberFieldsAdmin, VersionedModelAdmin, ScopedHistoryAdmin):
    list_display = ["activity", "month", "status", "achieved", "updated_at"]
    list_filter = ["status", "month", "activity__plan__year"]
    search_fields = ["activity__title"]
    autocomplete_fields = ["activity"]
    list_select_related = ["activity"]
    owner_fields = ("activity", "month", "updated_by")
    inlines = [EvidenceInline]

    def has_add_permission(self, request) -> bool:
        # An entry is the companion's record of a month, made on the month's page.
        return False

    @admin.display(description=_("quantity achieved"), ordering="quantity")
    def achieved(self, obj: MonthlyProgress) -> str:
        return format_number(obj.quantity)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(VersionedModelAdmin, ScopedHistoryAdmin):
    list_display = ["plan", "month", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "month", "plan__year"]
    search_fields = ["plan__companion__user__username"]
    list_select_related = ["plan__companion__user"]
    # Status moves only through submit, acknowledge, return and reopen, which log it.
    readonly_fields = ["status", "submitted_at", "reviewed_at", "reviewed_by"]
    owner_fields = ("plan", "month")

    def has_add_permission(self, request) -> bool:
        # A report is made when the companion submits the month.
        return False


@admin.register(QuarterReport)
class QuarterReportAdmin(ScopedHistoryAdmin):
    """Quarter reports are read here, never written: the narrative, its status and the coordinator's note move only
    through submit, acknowledge and return (``pillars.services.quarters``), which check the quarter's state and tell
    the other side."""

    list_display = ["plan", "quarter", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "quarter", "plan__year"]
    search_fields = ["plan__companion__user__username"]
    list_select_related = ["plan__companion__user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    """The status an event led to, in words, for plans and monthly reports apart (their statuses differ)."""

    title = _("to")
    parameter_name = "to"

    def lookups(self, request, model_admin):
        plans = [
            (f"plan:{value}", _("Plan: %(status)s") % {"status": label}) for value, label in WorkPlan.Status.choices
        ]
        reports = [
            (f"report:{value}", _("Monthly report: %(status)s") % {"status": label})
            for value, label in MonthlyReport.Status.choices
        ]
        return plans + reports

    def queryset(self, request, queryset):
        kind, _sep, status = (self.value() or "").partition(":")
        if kind not in ("plan", "report"):
            return queryset
        return queryset.filter(to_status=status, report__isnull=kind == "plan")


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    """The workflow log is a record: it can be read, never edited."""

    list_display = ["created_at", "plan", "report", "actor", from_label, to_label, "comment"]
    list_filter = [StatusFilter]
    search_fields = ["plan__companion__user__username", "comment"]
    list_select_related = ["plan__companion__user", "report", "actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanSnapshot)
class PlanSnapshotAdmin(WorkflowEventAdmin):
    list_display = ["plan", "revision", "approved_at", "approved_by"]
    list_filter = []
    search_fields = ["plan__companion__user__username"]
    list_select_related = ["plan__companion__user", "approved_by"]


@admin.register(Handover)
class HandoverAdmin(WorkflowEventAdmin):
    """Handovers are history, read here; a plan is handed over from its page (``services.plan_hand_over``), which
    also moves the plan's villages and logs the event."""

    list_display = ["plan", "predecessor", "successor", "from_month", "by", "at"]
    list_filter = []
    search_fields = ["predecessor__user__username", "successor__user__username", "reason"]
    list_select_related = ["plan__companion__user", "predecessor__user", "successor__user", "by"]

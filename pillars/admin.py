from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pillars.fields import MonthsField
from pillars.models import (
    Activity,
    ActivityComment,
    Evidence,
    MonthlyProgress,
    MonthlyReport,
    Pillar,
    PlanSnapshot,
    PlanYear,
    WorkflowEvent,
    WorkPlan,
)
from villages.formats import format_number
from villages.number_fields import NumberFieldsAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """Admin lists go through the same ``visible_to`` rule as every page."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


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


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_open"]
    list_editable = ["is_open"]


class LockedPlanInline:
    """An inline that cannot change the activities of a plan the workflow has locked (submitted or approved):
    those change only through the plan's own pages, where the services check state and versions."""

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


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
class WorkPlanAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "companion", "year", "status", "revision", "submitted_at", "updated_at"]
    list_filter = ["status", "year", "companion__role"]
    search_fields = ["companion__user__username", "companion__user__first_name", "companion__user__last_name"]
    autocomplete_fields = ["companion", "villages"]
    list_select_related = ["companion__user"]
    # Status moves only through the workflow (submit, return, approve, reopen), which logs and snapshots it.
    readonly_fields = ["status", "submitted_at", "approved_at", "revision"]
    inlines = [ActivityInline, WorkflowEventInline]


class MonthlyProgressInline(NumberFieldsAdmin, admin.TabularInline):
    model = MonthlyProgress
    extra = 0
    fields = ["month", "status", "quantity", "description", "problems", "follow_up"]


class ActivityCommentInline(ReadOnlyInline):
    model = ActivityComment
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(NumberFieldsAdmin, ScopedHistoryAdmin):
    list_display = ["title", "plan", "pillar", "village", "target", "unit", "poor_priority"]
    rupiah_fields = ("budget",)
    formfield_overrides = MONTHS_AS_CHECKBOXES
    list_filter = ["pillar", "target_group", "poor_priority", "plan__year"]
    search_fields = ["title", "village__name", "plan__companion__user__username"]
    autocomplete_fields = ["plan", "village"]
    list_select_related = ["plan__companion__user", "pillar", "village"]
    inlines = [MonthlyProgressInline, ActivityCommentInline]

    @admin.display(description=_("target quantity"), ordering="target_quantity")
    def target(self, obj: Activity) -> str:
        return format_number(obj.target_quantity)

    def has_change_permission(self, request, obj=None) -> bool:
        # An activity of a submitted or approved plan changes only through the plan's workflow.
        return (obj is None or obj.plan.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.plan.is_editable) and super().has_delete_permission(request, obj)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthlyProgress)
class MonthlyProgressAdmin(NumberFieldsAdmin, ScopedHistoryAdmin):
    list_display = ["activity", "month", "status", "achieved", "updated_at"]
    list_filter = ["status", "month", "activity__plan__year"]
    search_fields = ["activity__title"]
    autocomplete_fields = ["activity"]
    list_select_related = ["activity"]
    inlines = [EvidenceInline]

    @admin.display(description=_("quantity achieved"), ordering="quantity")
    def achieved(self, obj: MonthlyProgress) -> str:
        return format_number(obj.quantity)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedHistoryAdmin):
    list_display = ["plan", "month", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "month", "plan__year"]
    search_fields = ["plan__companion__user__username"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan__companion__user"]
    # Status moves only through submit, acknowledge, return and reopen, which log it.
    readonly_fields = ["status", "submitted_at", "reviewed_at", "reviewed_by"]


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

"""What changed, by whom and when: the recorded history of a plan, its activities, progress and reports.

django-simple-history keeps one row per save or delete of :class:`WorkPlan`, :class:`Activity`,
:class:`MonthlyProgress` and :class:`MonthlyReport`. This module puts the rows of one plan (or one
activity) into one list, newest first, and compares each row with the previous row of the same
object, field by field, through the one change builder (:mod:`pillars.changes`).

A page costs the same number of queries however many rows it shows: one union query pages the rows
of all four tables by date, then each table is read once for the page's rows and once for the rows
they are compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pillars.changes import FieldChange, FieldDisplay, field_changes, stored_values
from pillars.models import Activity, MonthlyProgress, MonthlyReport, WorkPlan
from villages.formats import month_name

# Bookkeeping the reader does not need: the row's identity, timestamps and users the history row has itself,
# the version counter, the parent an object never leaves, and a revision's and a report's own records.
HIDDEN = {
    *("id", "created_at", "updated_at", "version", "plan", "companion", "activity", "updated_by", "reviewed_by"),
    *("pending", "revises", "plan_in_force"),
}
MODELS: dict[str, type[Model]] = {
    "plan": WorkPlan,
    "activity": Activity,
    "progress": MonthlyProgress,
    "report": MonthlyReport,
}
ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


@dataclass
class HistoryEntry:
    """One recorded save or delete, ready to show."""

    kind: str
    record: Model
    action: str
    subject: str
    activity_id: int | None = None
    diffs: list[FieldChange] = field(default_factory=list)

    @property
    def when(self):
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user

    @property
    def is_addition(self) -> bool:
        return self.record.history_type == "+"

    @property
    def is_deletion(self) -> bool:
        return self.record.history_type == "-"


def shown_fields(model: type[Model]) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN]


def _changes(model: type[Model], record: Model, previous: Model | None, display: FieldDisplay) -> list[FieldChange]:
    """What ``record`` changed since ``previous``; a deletion shows what was there."""
    names = [f.name for f in shown_fields(model)]
    if record.history_type == "-":
        before, after = stored_values(record, names), None
    else:
        before = stored_values(previous, names) if previous is not None else None
        after = stored_values(record, names)
    return field_changes(model, before, after, names=names, display=display)


def _history(model: type[Model]):
    return model.history.model.objects


def plan_history_rows(plan: WorkPlan, activity_id: int | None = None) -> QuerySet:
    """``(kind, history_id, history_date)`` of every recorded change of ``plan`` (or of one activity), newest first."""
    # A revision's copy of an activity is made when the plan is reopened and dropped when the revision is
    # approved: bookkeeping, left out; what the companion changes in it, and what the approval then changes
    # in force, are shown (on the approved activity's page too).
    activities = _history(Activity).filter(plan_id=plan.pk).exclude(revises__isnull=False, history_type__in=("+", "-"))
    if activity_id is not None:
        activities = activities.filter(Q(id=activity_id) | Q(revises_id=activity_id))
    parts = [
        activities,
        _history(MonthlyProgress).filter(activity_id__in=activities.values("id")),
    ]
    if activity_id is None:
        parts += [_history(WorkPlan).filter(id=plan.pk), _history(MonthlyReport).filter(plan_id=plan.pk)]
    kinds = ["activity", "progress", "plan", "report"]
    queries = [
        part.order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", "history_id", "history_date")
        for kind, part in zip(kinds, parts, strict=False)
    ]
    first, *rest = queries
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def _records(model: type[Model], ids: list[int]) -> tuple[dict[int, Model], dict[int, Model]]:
    """The history rows ``ids`` and, for each, the previous row of the same object."""
    history = _history(model)
    previous_id = (
        history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    records = {
        r.history_id: r
        for r in history.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(previous_id=Subquery(previous_id))
    }
    wanted = [r.previous_id for r in records.values() if r.previous_id]
    previous = {r.history_id: r for r in history.filter(history_id__in=wanted)} if wanted else {}
    return records, {pk: previous.get(r.previous_id) for pk, r in records.items()}


def history_page(plan: WorkPlan, page_number, activity_id: int | None = None) -> tuple[Page, list[HistoryEntry]]:
    """One page of the history of ``plan`` (or of one of its activities, deleted or not)."""
    page = Paginator(plan_history_rows(plan, activity_id), settings.RKT_PAGE_SIZE).get_page(page_number)
    ids: dict[str, list[int]] = {}
    for kind, history_id, _when in page.object_list:
        ids.setdefault(kind, []).append(history_id)
    loaded = {kind: _records(MODELS[kind], kind_ids) for kind, kind_ids in ids.items()}
    titles = _activity_titles(plan, loaded)
    display = FieldDisplay.for_plan(plan)
    entries = []
    for kind, history_id, _when in page.object_list:
        records, previous = loaded[kind]
        record = records[history_id]
        model = MODELS[kind]
        action = ACTIONS.get(record.history_type, record.history_type)
        if record.history_type == "~" and previous[history_id] is None:
            # Rows written before history was kept (or by a bulk import) have no earlier state.
            action = _("Changed; earlier values not recorded")
        entries.append(
            HistoryEntry(
                kind=kind,
                record=record,
                action=str(action),
                subject=_subject(kind, record, titles),
                activity_id=record.id if kind == "activity" else getattr(record, "activity_id", None),
                diffs=_changes(model, record, previous[history_id], display),
            )
        )
    return page, entries


def _activity_titles(plan: WorkPlan, loaded: dict) -> dict[int, str]:
    """The latest recorded title of each activity a progress row on the page belongs to (deleted ones too)."""
    titles = {r.id: r.title for r in loaded.get("activity", ({}, {}))[0].values()}
    wanted = {r.activity_id for r in loaded.get("progress", ({}, {}))[0].values()} - set(titles)
    if wanted:
        for pk, title in _history(Activity).filter(id__in=wanted).order_by("history_id").values_list("id", "title"):
            titles[pk] = title
    return titles


def _subject(kind: str, record: Model, titles: dict[int, str]) -> str:
    if kind == "plan":
        return _("Plan")
    if kind == "activity":
        return _("Activity “%(title)s”") % {"title": record.title}
    if kind == "progress":
        return _("Progress of “%(title)s”, %(month)s") % {
            "title": titles.get(record.activity_id, "?"),
            "month": month_name(record.month),
        }
    return _("Monthly report, %(month)s") % {"month": month_name(record.month)}

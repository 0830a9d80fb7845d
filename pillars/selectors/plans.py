"""What the plan pages read: a plan's activities by pillar with their comment threads, its villages, counts for
the lists, and the changes since its approved version and since it was last returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from pillars.changes import FieldChange, FieldDisplay, field_changes
from pillars.models import (
    PILLAR_ORDER,
    Activity,
    ActivityComment,
    DimensionFocus,
    MonthlyProgress,
    Pillar,
    WorkflowEvent,
    WorkPlan,
    under_revision_condition,
)
from pillars.selectors.snapshots import CONTENT_FIELDS, plan_snapshot_data
from villages.models import Region, VillageData


@dataclass
class PillarSection:
    pillar: Pillar
    activities: list[Activity] = field(default_factory=list)


@dataclass
class VillageRow:
    village: Region
    data: VillageData | None
    plan_year: int

    @property
    def data_is_older(self) -> bool:
        """The plan's year has no data yet and an earlier year's is shown."""
        return self.data is not None and self.data.year < self.plan_year


def plan_sections(plan: WorkPlan, activities: QuerySet[Activity] | None = None) -> list[PillarSection]:
    """Every active pillar (empty ones too) and any inactive pillar the plan still uses, with ``activities``
    (by default the version being written: the revision's while one is under way)."""
    if activities is None:
        activities = plan.written_activities()
    # A revision's copy has the progress of the approved activity it revises.
    progress_of = Coalesce(OuterRef("revises_id"), OuterRef("pk"))
    activities = (
        activities.select_related("village")
        .annotate(has_progress=Exists(MonthlyProgress.objects.filter(activity=progress_of)))
        .prefetch_related(Prefetch("comments", queryset=comment_threads(), to_attr="review_comments"))
        .in_plan_order()
    )
    by_pillar: dict[int, list[Activity]] = {}
    for activity in activities:
        by_pillar.setdefault(activity.pillar_id, []).append(activity)
    pillars = Pillar.objects.filter(is_active=True) | Pillar.objects.filter(pk__in=list(by_pillar))
    return [
        PillarSection(pillar, by_pillar.get(pillar.pk, [])) for pillar in pillars.distinct().order_by(*PILLAR_ORDER)
    ]


def comment_threads() -> QuerySet[ActivityComment]:
    """The review comments that start a thread, newest first, each with who resolved it and its rows in the order
    they were written (``thread_rows``): two queries however many threads and replies."""
    rows = ActivityComment.objects.select_related("author").order_by("created_at", "pk")
    return (
        ActivityComment.objects.filter(parent=None)
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("thread", queryset=rows, to_attr="thread_rows"))
    )


def plan_villages(plan: WorkPlan) -> list[VillageRow]:
    """The plan's villages with their data for the plan's year, or the latest earlier year."""
    villages = list(plan.villages.select_related("parent__parent").order_by("code"))
    data = {row.village_id: row for row in VillageData.objects.filter(village__in=villages).for_year(plan.year)}
    return [VillageRow(village, data.get(village.code), plan.year) for village in villages]


def dimension_focus(villages: list[VillageRow]) -> list[DimensionFocus]:
    """What aims an activity at each Indeks Desa dimension, for the plan's weakest-dimension checks: one query, and
    none when no village of the plan has Indeks Desa scores."""
    if not any(row.data is not None and row.data.index.weakest is not None for row in villages):
        return []
    return list(DimensionFocus.objects.select_related("pillar"))


def status_counts(plans: QuerySet[WorkPlan]) -> dict[str, int]:
    """Plans per status in one aggregate query."""
    return plans.aggregate(**{value: Count("pk", filter=Q(status=value)) for value in WorkPlan.Status.values})


def written_count(condition: Q | None = None) -> Count:
    """How many activities a plan has in the version being written (its revision's, while one is under way)."""
    written = Q(activities__pending=True) | (~under_revision_condition() & Q(activities__pending=False))
    return Count("activities", filter=written & condition if condition is not None else written)


def with_pillar_counts(plans, pillars: list[Pillar]) -> list[WorkPlan]:
    """``plans`` (a page of them, or a queryset) with ``activity_count`` and ``pillar_counts`` (aligned with
    ``pillars``): one grouped query over these plans' activities only, however many plans the scope has."""
    rows = list(plans)
    counts = {f"pillar_{p.pk}": written_count(Q(activities__pillar=p)) for p in pillars}
    found = (
        {
            row["pk"]: row
            for row in WorkPlan.objects.filter(pk__in=[plan.pk for plan in rows])
            .values("pk")
            .annotate(activity_count=written_count(), **counts)
            .order_by()
        }
        if rows
        else {}
    )
    for plan in rows:
        numbers = found[plan.pk]
        plan.activity_count = numbers["activity_count"]
        plan.pillar_counts = [numbers[f"pillar_{p.pk}"] for p in pillars]
        plan.pillar_pairs = list(zip(pillars, plan.pillar_counts, strict=True))
    return rows


@dataclass
class ActivityChange:
    title: str
    activity_id: int | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class PlanChanges:
    """What differs between an approved version and the plan as it is now."""

    added: list[ActivityChange] = field(default_factory=list)
    removed: list[ActivityChange] = field(default_factory=list)
    changed: list[ActivityChange] = field(default_factory=list)
    narrative: list[FieldChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.narrative)


COMPARED_FIELDS = ("months", *CONTENT_FIELDS)


# A snapshot row keeps a foreign key under its column (``pillar_id``); the change builder names fields.
COMPARED_NAMES = tuple(key.removesuffix("_id") for key in COMPARED_FIELDS)


NARRATIVE_FIELDS = ("priorities", "data_basis")


def _by_name(row: dict) -> dict:
    return {name: row.get(key) for key, name in zip(COMPARED_FIELDS, COMPARED_NAMES, strict=True)}


def plan_changes(before: dict, after: dict, display: FieldDisplay) -> PlanChanges:
    """Compare two snapshot dicts (see :func:`pillars.selectors.snapshots.plan_snapshot_data`), field by field."""
    changes = PlanChanges()
    old = {row["id"]: row for row in before.get("activities", [])}
    new = {row["id"]: row for row in after.get("activities", [])}
    for pk, row in new.items():
        # Linked to the row on the page (a revision's copy has an id of its own).
        shown_id = row.get("row", pk)
        if pk not in old:
            changes.added.append(ActivityChange(row["title"], shown_id))
            continue
        fields = field_changes(Activity, _by_name(old[pk]), _by_name(row), names=COMPARED_NAMES, display=display)
        if fields:
            changes.changed.append(ActivityChange(row["title"], shown_id, fields))
    changes.removed = [ActivityChange(row["title"]) for pk, row in old.items() if pk not in new]
    changes.narrative = field_changes(WorkPlan, before, after, names=NARRATIVE_FIELDS, display=display)
    return changes


def answered_return(plan: WorkPlan, events: list[WorkflowEvent]) -> WorkflowEvent | None:
    """The return that the plan's submission now waiting answers: None unless the plan is submitted and was
    returned just before (a first submission answers nothing). ``events`` are the plan's, newest first."""
    if plan.status != WorkPlan.Status.SUBMITTED:
        return None
    plan_events = [event for event in events if event.report_id is None]
    if not plan_events or plan_events[0].from_status != WorkPlan.Status.RETURNED:
        return None
    return next((event for event in plan_events[1:] if event.to_status == WorkPlan.Status.RETURNED), None)


def changes_since_return(
    plan: WorkPlan, returned: WorkflowEvent, activities: list[Activity], display: FieldDisplay
) -> PlanChanges:
    """What the companion changed after ``returned``, field by field: the version written then, read from the
    history records as of that moment (two queries), against ``activities``, the version submitted now."""
    records = (
        Activity.history.filter(plan_id=plan.pk, history_date__lte=returned.created_at)
        .latest_of_each()
        .exclude(history_type="-")
        .filter(pending=plan.under_revision)
        .order_by("position", "id")
    )
    # The records as activities, built here: simple_history's own would read each live row for its version.
    names = [field.attname for field in Activity._meta.concrete_fields if field.attname != "version"]
    then = [Activity(**{name: getattr(record, name) for name in names}) for record in records]
    narrative = plan.history.filter(history_date__lte=returned.created_at).order_by("-history_date", "-pk").first()
    return plan_changes(plan_snapshot_data(narrative or plan, then), plan_snapshot_data(plan, activities), display)


def snapshot_sections(data: dict, pillars: dict[int, Pillar], display: FieldDisplay) -> list[tuple[Pillar, list]]:
    """An approved version's activities grouped by pillar, each row a dict with readable values (by snapshot key)."""
    fields = [(key, Activity._meta.get_field(name)) for key, name in zip(COMPARED_FIELDS, COMPARED_NAMES, strict=True)]
    grouped: dict[int, list[dict]] = {}
    for row in data.get("activities", []):
        shown = {key: display.text(model_field, row.get(key)) for key, model_field in fields}
        shown["months_list"] = row.get("months") or []
        shown["title"] = row.get("title", "")
        shown["has_indicator"], shown["has_unit"] = bool(row.get("indicator")), bool(row.get("unit"))
        grouped.setdefault(row.get("pillar_id"), []).append(shown)
    ordered = sorted(pillars.values(), key=lambda p: (p.order, p.code))
    return [(pillar, grouped.get(pillar.pk, [])) for pillar in ordered if pillar.pk in grouped or pillar.is_active]

"""A plan as approved: the data kept in its :class:`PlanSnapshot`, read from its activities, and the fields
that make up what an activity says (copied into next year's plan, carried by a revision's copy).
"""

from __future__ import annotations

from pillars.models import Activity, WorkPlan

# What an activity says (not where it stands or its bookkeeping): copied into next year's plan, kept in an
# approved version's snapshot, compared field by field with the revision.
CONTENT_FIELDS = (
    "pillar_id",
    "village_id",
    "title",
    "objective",
    "target_group",
    "sdg_goal",
    "indicator",
    "target_quantity",
    "unit",
    "budget",
    "budget_source",
    "partners",
    "poor_priority",
)


# What a revision's copy carries and its approval writes back: the content, the schedule and the place in the list.
REVISED_FIELDS = (*CONTENT_FIELDS, "months", "position", "carried_forward")


def activity_snapshot(activity: Activity) -> dict:
    """One activity as plain JSON values, as stored in a :class:`PlanSnapshot`; a revision's copy under the id
    of the approved activity it revises, so that the two versions compare activity by activity."""
    row = {"id": activity.approved_id, "row": activity.pk, "months": list(activity.months)}
    for field in CONTENT_FIELDS:
        value = getattr(activity, field)
        row[field] = str(value) if value is not None and field in ("target_quantity", "budget") else value
    return row


def plan_snapshot_data(plan: WorkPlan, activities: list[Activity] | None = None) -> dict:
    """The plan's narrative and activities as plain JSON: what an approval keeps in its :class:`PlanSnapshot`,
    and what the plan page compares with the last one.

    ``activities`` may be passed when the caller has them loaded already (the plan page does); the villages are
    then left out, as the comparison does not look at them.
    """
    if activities is None:
        activities = list(plan.written_activities().in_plan_order())
        villages = sorted(plan.villages.values_list("code", flat=True))
    else:
        villages = None
    data = {
        "priorities": plan.priorities,
        "data_basis": plan.data_basis,
        "activities": [activity_snapshot(activity) for activity in activities],
    }
    if villages is not None:
        data["villages"] = villages
    return data

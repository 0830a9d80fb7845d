"""Plans reopened before revisions were kept apart: restore the approved version, keep the revision as copies.

Until now a reopened plan's activities were edited in place, so the figures showed the unapproved revision.
For each plan under revision, every activity gets its approved values back from the last approved snapshot
and a pending copy carries what the revision has made of it; an activity added in the revision becomes
pending (unless progress was already recorded against it, which keeps it in force); an approved activity
the revision deleted comes back in force, without a copy, so approving the revision removes it again.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Q

# What an activity says, as in services.CONTENT_FIELDS when this migration was written.
CONTENT = (
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
COPIED = (*CONTENT, "months", "position", "carried_forward")


def _restore(activity, row) -> None:
    for name in CONTENT:
        value = row.get(name)
        if name in ("target_quantity", "budget") and value is not None:
            value = Decimal(str(value))
        setattr(activity, name, value)
    activity.months = tuple(sorted(int(m) for m in row.get("months") or ()))


def split(apps, schema_editor):
    WorkPlan = apps.get_model("pillars", "WorkPlan")
    Activity = apps.get_model("pillars", "Activity")
    MonthlyProgress = apps.get_model("pillars", "MonthlyProgress")
    PlanSnapshot = apps.get_model("pillars", "PlanSnapshot")
    for plan in WorkPlan.objects.filter(revision__gt=0).exclude(status="approved"):
        snapshot = PlanSnapshot.objects.filter(plan=plan, revision__lt=plan.revision).order_by("-revision").first()
        if snapshot is None:
            continue
        approved = {row["id"]: row for row in snapshot.data.get("activities", [])}
        reported = set(
            MonthlyProgress.objects.filter(activity__plan=plan).values_list("activity_id", flat=True).distinct()
        )
        for activity in Activity.objects.filter(plan=plan, pending=False):
            row = approved.pop(activity.pk, None)
            if row is None:
                if activity.pk not in reported:
                    activity.pending = True
                    activity.save(update_fields=["pending"])
                continue
            copy = Activity(plan=plan, pending=True, revises=activity)
            for name in COPIED:
                setattr(copy, name, getattr(activity, name))
            copy.save()
            _restore(activity, row)
            activity.save()
        for position, row in enumerate(approved.values()):
            removed = Activity(plan=plan, position=position, pending=False)
            _restore(removed, row)
            removed.save()


def join(apps, schema_editor):
    """Back to editing in place: each copy's values onto its approved activity, as approving it would."""
    Activity = apps.get_model("pillars", "Activity")
    for copy in Activity.objects.filter(pending=True, revises__isnull=False).select_related("revises"):
        original = copy.revises
        for name in COPIED:
            setattr(original, name, getattr(copy, name))
        copy.delete()
        original.save()
    Activity.objects.filter(Q(pending=True)).update(pending=False)


class Migration(migrations.Migration):
    dependencies = [("pillars", "0004_activity_revisions")]

    operations = [migrations.RunPython(split, join)]

"""Handing a companion's plan in force, and its villages, to a successor from a month on.

What was done stays with whoever did it: the entries, reports, evidence and comments keep their people. The
successor holds the plan from the month on (:meth:`pillars.models.WorkPlan.holder_of`), owes those months' reports
and writes in them; the predecessor keeps reading the plan, owes the months before and still writes and reports them
(:func:`pillars.access.owns_month`). The plan's own pages (narrative, activities, quarters) are the successor's.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from notifications import notify
from pillars.access import require_reviewer
from pillars.errors import WorkflowError
from pillars.models import Handover, MonthlyReport, WorkflowEvent, WorkPlan
from pillars.rules import ANSWERED
from pillars.selectors.holders import holders_in_scope
from pillars.services.plans import locked_plan, save_plan
from villages.formats import month_name
from villages.models import Companion


def plan_hand_over(*, plan: WorkPlan, successor: Companion, from_month: int, reason: str, by, today: date) -> Handover:
    """Hand ``plan`` from its companion to ``successor`` from ``from_month`` on; refused with a clear message (and
    nothing changed) when the plan is not in force, ``by`` does not review it, the successor cannot take it, the
    month is later than the month after ``today``, not after an earlier handover's, or its report (or a later one)
    was already sent."""
    require_reviewer(plan, by)
    with transaction.atomic():
        plan = locked_plan(plan)
        # The successor's row is locked before "has no plan this year" is asked: two handovers to them run one at a
        # time, and the second is refused with the message.
        successor = Companion.objects.select_for_update().get(pk=successor.pk)
        _check(plan, successor, from_month, reason, by, today)
        predecessor = plan.companion
        handover = Handover.objects.create(
            plan=plan, predecessor=predecessor, successor=successor, from_month=from_month, reason=reason.strip(), by=by
        )
        plan.companion = successor
        try:
            with transaction.atomic():
                save_plan(plan, "companion", by=by)
        except IntegrityError:
            # A plan of the year started for the successor meanwhile (workplan_one_per_companion_year).
            raise WorkflowError(_already_has_a_plan(successor, plan.year)) from None
        villages = list(plan.villages.all())
        # The predecessor keeps a village of the plan that is in another plan of theirs (another year's).
        others = WorkPlan.villages.through.objects.filter(workplan__companion=predecessor).exclude(workplan=plan)
        kept = set(others.values_list("region_id", flat=True))
        predecessor.villages.remove(*[village for village in villages if village.pk not in kept])
        successor.villages.add(*villages)
        WorkflowEvent.objects.create(
            plan=plan,
            actor=by,
            from_status=plan.status,
            to_status=plan.status,
            comment=handover_line(handover) + f": {handover.reason}",
        )
        notify.plan_handed_over(handover)
    return handover


def handover_line(handover: Handover) -> str:
    """ "Handed over from X to Y from Juli 2026", as the plan page and the history say it."""
    return _("Handed over from %(predecessor)s to %(successor)s from %(month)s %(year)s") % {
        "predecessor": handover.predecessor.display_name,
        "successor": handover.successor.display_name,
        "month": month_name(handover.from_month),
        "year": handover.plan.year,
    }


def _already_has_a_plan(successor: Companion, year: int) -> str:
    return _("%(name)s already has a plan for %(year)s; a companion holds one plan a year.") % {
        "name": successor.display_name,
        "year": year,
    }


def _check(plan: WorkPlan, successor: Companion, from_month: int, reason: str, by, today: date) -> None:
    if not plan.is_in_force:
        raise WorkflowError(_("Only a plan in force (approved) can be handed over."))
    if not reason.strip():
        raise WorkflowError(_("Say why the plan is handed over."))
    if not 2 <= from_month <= 12:
        raise WorkflowError(_("A plan is handed over from a month between February and December."))
    # From this month or the next at the latest: a later month would leave the months until then to a companion
    # who is leaving.
    latest = (today.year - plan.year) * 12 + today.month + 1
    if from_month > latest:
        raise WorkflowError(
            _(
                "A plan is handed over from this month or the next at the latest; from %(month)s, the months before "
                "would be left to a companion who is leaving."
            )
            % {"month": month_name(from_month)}
        )
    if successor.pk == plan.companion_id:
        raise WorkflowError(_("The plan already belongs to this companion."))
    if successor.role not in Companion.COMPANION_ROLES:
        raise WorkflowError(_("A plan can only be handed to a companion (PLD or PD)."))
    if not successor.is_active_in(plan.year):
        raise WorkflowError(
            _("%(name)s is not active in %(year)s.") % {"name": successor.display_name, "year": plan.year}
        )
    if not holders_in_scope(by, plan.year).filter(pk=successor.pk).exists():
        raise WorkflowError(_("%(name)s is outside your scope.") % {"name": successor.display_name})
    last = plan.handovers.order_by("-from_month").first()
    if last is not None and from_month <= last.from_month:
        raise WorkflowError(
            _("The plan was already handed over from %(month)s: a later handover must start after that month.")
            % {"month": month_name(last.from_month)}
        )
    sent = MonthlyReport.objects.filter(ANSWERED, plan=plan, month__gte=from_month).order_by("month").first()
    if sent is not None:
        raise WorkflowError(
            _("The report of %(month)s is already sent: hand the plan over from a later month.")
            % {"month": month_name(sent.month)}
        )
    # Handing the plan back to a companion who held it before is allowed: it is their one plan of the year.
    held = Handover.objects.filter(predecessor=successor, plan__year=plan.year).exclude(plan=plan).exists()
    if held or WorkPlan.objects.filter(companion=successor, year=plan.year).exists():
        raise WorkflowError(_already_has_a_plan(successor, plan.year))

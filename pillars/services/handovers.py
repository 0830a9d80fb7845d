"""Handing a companion's plan in force, and its villages, to a successor from a month on.

What was done stays with whoever did it: the entries, reports, evidence and comments keep their people. The
successor holds the plan from the month on (:meth:`pillars.models.WorkPlan.holder_of`), owes those months' reports
and writes in them; the predecessor keeps reading the plan and owes the months before.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from notifications import notify
from pillars.access import require_reviewer
from pillars.errors import WorkflowError
from pillars.models import Handover, MonthlyReport, WorkflowEvent, WorkPlan
from pillars.rules import ANSWERED
from pillars.services.plans import locked_plan, save_plan
from villages.formats import month_name
from villages.models import Companion


def plan_hand_over(*, plan: WorkPlan, successor: Companion, from_month: int, reason: str, by) -> Handover:
    """Hand ``plan`` from its companion to ``successor`` from ``from_month`` on; refused with a clear message (and
    nothing changed) when the plan is not in force, ``by`` does not review it, the successor cannot take it, the
    month is not after an earlier handover's or its report (or a later one) was already sent."""
    require_reviewer(plan, by)
    with transaction.atomic():
        plan = locked_plan(plan)
        _check(plan, successor, from_month, reason, by)
        predecessor = plan.companion
        handover = Handover.objects.create(
            plan=plan, predecessor=predecessor, successor=successor, from_month=from_month, reason=reason.strip(), by=by
        )
        plan.companion = successor
        save_plan(plan, "companion", by=by)
        villages = list(plan.villages.all())
        predecessor.villages.remove(*villages)
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


def _check(plan: WorkPlan, successor: Companion, from_month: int, reason: str, by) -> None:
    if not plan.is_in_force:
        raise WorkflowError(_("Only a plan in force (approved) can be handed over."))
    if not reason.strip():
        raise WorkflowError(_("Say why the plan is handed over."))
    if not 2 <= from_month <= 12:
        raise WorkflowError(_("A plan is handed over from a month between February and December."))
    if successor.pk == plan.companion_id:
        raise WorkflowError(_("The plan already belongs to this companion."))
    if successor.role not in Companion.COMPANION_ROLES:
        raise WorkflowError(_("A plan can only be handed to a companion (PLD or PD)."))
    if not successor.is_active_in(plan.year):
        raise WorkflowError(
            _("%(name)s is not active in %(year)s.") % {"name": successor.display_name, "year": plan.year}
        )
    if not Companion.objects.visible_to(by).filter(pk=successor.pk).exists():
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
    held = Handover.objects.filter(predecessor=successor, plan__year=plan.year).exists()
    if held or WorkPlan.objects.filter(companion=successor, year=plan.year).exists():
        raise WorkflowError(
            _("%(name)s already has a plan for %(year)s; a companion holds one plan a year.")
            % {"name": successor.display_name, "year": plan.year}
        )

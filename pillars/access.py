"""What a user may do with a plan, one of its months or one of its monthly reports: answered once, with the object.

A view loads a plan through :func:`plan_for` and gets the plan *and* its :class:`PlanAccess`; the template reads
the access's flags and never works a permission out again. The services ask the same rules through
:func:`require_owner` and :func:`require_reviewer` before they write, so a page that shows a button and the
transition it posts to cannot disagree.

Who sees what at all is one queryset per model (``visible_to``, :mod:`villages.scope`); who reviews is
:attr:`villages.scope.Viewer.is_reviewer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pillars.figures import is_quarter, quarter_months
from pillars.models import MonthlyReport, QuarterReport, WorkPlan
from pillars.rules import month_lock_reason, quarter_submit_refusal
from villages.scope import Viewer, viewer_for


def owns(viewer: Viewer, plan: WorkPlan) -> bool:
    """The plan is the viewer's own (the companion who writes it)."""
    return viewer.companion is not None and viewer.companion.pk == plan.companion_id


def owns_month(viewer: Viewer, plan: WorkPlan, month: int) -> bool:
    """``month`` of the plan is the viewer's: they held the plan that month (:meth:`WorkPlan.holder_of`), so they
    write its entries and report it. After a handover the predecessor still finishes the months they held, and a
    returned or reopened one of them is theirs to fix; the successor writes from the handover's month on."""
    return viewer.companion is not None and viewer.companion.pk == plan.holder_of(month)


@dataclass(frozen=True)
class PlanAccess:
    """What the viewer may do with one plan they can see."""

    plan: WorkPlan
    viewer: Viewer

    @property
    def is_owner(self) -> bool:
        return owns(self.viewer, self.plan)

    @property
    def is_reviewer(self) -> bool:
        # The plan was read through visible_to: it is in the reviewer's scope.
        return self.viewer.is_reviewer

    @property
    def can_edit(self) -> bool:
        """Write its narrative, villages and activities, upload a workbook, submit it."""
        return self.is_owner and self.plan.is_editable

    @property
    def is_waiting_for_review(self) -> bool:
        return self.plan.status == WorkPlan.Status.SUBMITTED

    @property
    def shows_next_step(self) -> bool:
        """The companion's "next step" card: submit while editable, wait while submitted."""
        return self.can_edit or (self.is_owner and self.is_waiting_for_review)

    @property
    def can_review(self) -> bool:
        """Approve or return it."""
        return self.is_reviewer and self.is_waiting_for_review

    @property
    def can_reopen(self) -> bool:
        return self.is_reviewer and self.plan.status == WorkPlan.Status.APPROVED

    @property
    def can_hand_over(self) -> bool:
        """Hand it, from a month on, to another companion (:func:`pillars.services.plan_hand_over` checks the rest)."""
        return self.is_reviewer and self.plan.is_in_force

    @property
    def can_discuss(self) -> bool:
        """Answer a comment on one of its activities, mark it resolved or open it again: the two sides of the
        review, whatever the plan's state. Twin of :func:`require_discussant`."""
        return self.is_owner or self.is_reviewer

    @property
    def can_note(self) -> bool:
        """Leave a dated note on one of its months: a village official reading it (every other flag is false for
        them). Twin of :func:`require_noter`."""
        return self.viewer.is_village_official

    @property
    def can_read_review(self) -> bool:
        """Read the plan's working record: the review's comment threads, the workflow log with its return comments
        and the history pages of the plan and its activities. Not a village official, who reads the plan in force
        and not how it was written (the history pages answer them 404). Twin of
        :meth:`pillars.models.ActivityCommentQuerySet.visible_to`."""
        return not self.viewer.is_village_official

    @property
    def reads_approved_version(self) -> bool:
        """Shown the approved version of a plan under revision instead of the revision being written: a village
        official reads the plan in force, never a draft."""
        return self.viewer.is_village_official and self.plan.under_revision


def _plan_access(user, plan: WorkPlan) -> PlanAccess:
    # Only for a plan read through ``visible_to``: the access takes its scope for granted.
    return PlanAccess(plan, viewer_for(user))


def visible_plan(user, pk: int) -> WorkPlan:
    """The plan if ``user`` may see it, else 404: guessing an id reveals nothing."""
    return get_object_or_404(WorkPlan.objects.visible_to(user).select_related("companion__user"), pk=pk)


def plan_for(user, pk: int) -> tuple[WorkPlan, PlanAccess]:
    """The plan if ``user`` may see it (else 404), and what they may do with it."""
    plan = visible_plan(user, pk)
    return plan, _plan_access(user, plan)


def own_plan_for(user, pk: int) -> WorkPlan:
    """A plan the user may see (else 404) and owns (else 403)."""
    plan = visible_plan(user, pk)
    require_owner(plan, user)
    return plan


@dataclass(frozen=True)
class MonthAccess:
    """What the viewer may do with one month of a plan, and why not."""

    plan: PlanAccess
    month: int
    reason: str | None  # why the month's entries cannot change now (pillars.rules.month_lock_reason); None if they can
    report: MonthlyReport | None

    @property
    def is_owner(self) -> bool:
        """The viewer held the plan this month (:func:`owns_month`). Twin of :func:`require_month_owner`."""
        return owns_month(self.plan.viewer, self.plan.plan, self.month)

    @property
    def locked(self) -> bool:
        """Locked by its report, sent or acknowledged (the page says so in its own words)."""
        return self.report is not None and self.report.is_locked

    @property
    def can_edit(self) -> bool:
        return self.is_owner and self.reason is None

    @property
    def can_note(self) -> bool:
        return self.plan.can_note


def month_access(user, plan: WorkPlan, month: int) -> MonthAccess:
    """What ``user`` may do with ``month`` of ``plan``, a plan read through ``visible_to``."""
    report = plan.reports.filter(month=month).first()
    return MonthAccess(_plan_access(user, plan), month, month_lock_reason(plan, month, report), report)


@dataclass(frozen=True)
class ReportAccess:
    """What the viewer may do with one monthly report they can see."""

    report: MonthlyReport
    viewer: Viewer

    @property
    def is_reviewer(self) -> bool:
        return self.viewer.is_reviewer

    @property
    def can_decide(self) -> bool:
        """Acknowledge it or return it."""
        return self.is_reviewer and self.report.status == MonthlyReport.Status.SUBMITTED

    @property
    def can_reopen(self) -> bool:
        return self.is_reviewer and self.report.status == MonthlyReport.Status.ACKNOWLEDGED


def report_access(user, report: MonthlyReport) -> ReportAccess:
    return ReportAccess(report, viewer_for(user))


def quarter_or_404(quarter: int) -> int:
    """``quarter`` if it names a quarter (1–4), else 404: every page and document of a quarter asks this."""
    if not is_quarter(quarter):
        raise Http404("no such quarter")
    return quarter


def holds_quarter(viewer: Viewer, plan: WorkPlan, quarter: int) -> bool:
    """The viewer is the companion who held the quarter's last month: after a handover the quarter's narrative is
    theirs to write, the predecessor's for the quarters they finished, the successor's from then on."""
    return viewer.companion is not None and viewer.companion.pk == plan.holder_of(quarter_months(quarter)[-1])


@dataclass(frozen=True)
class QuarterAccess:
    """What the viewer may do with one quarter of a plan they can see: write and submit its narrative (the
    companion who held the quarter's last month, once the quarter is over), acknowledge or return it (a coordinator
    in scope, once submitted)."""

    plan: PlanAccess
    quarter: int
    report: QuarterReport | None
    refusal: str | None  # why the narrative cannot be submitted now (pillars.rules.quarter_submit_refusal)

    @property
    def is_owner(self) -> bool:
        """The quarter's narrative is the viewer's to write (:func:`holds_quarter`)."""
        return holds_quarter(self.plan.viewer, self.plan.plan, self.quarter)

    @property
    def can_submit(self) -> bool:
        return self.is_owner and self.refusal is None

    @property
    def can_decide(self) -> bool:
        """Acknowledge it or return it. Twin of the check in :mod:`pillars.services.quarters`."""
        return self.plan.is_reviewer and self.is_waiting

    @property
    def is_waiting(self) -> bool:
        """Submitted and not decided yet: the companion waits."""
        return self.report is not None and self.report.is_waiting


def quarter_access(user, plan: WorkPlan, quarter: int, today: date) -> QuarterAccess:
    """What ``user`` may do with ``quarter`` of ``plan`` (a plan read through ``visible_to``) on ``today``."""
    report = plan.quarter_reports.filter(quarter=quarter).first()
    refusal = quarter_submit_refusal(plan, quarter, report, today)
    return QuarterAccess(_plan_access(user, plan), quarter, report, refusal)


def require_quarter_holder(plan: WorkPlan, quarter: int, by) -> None:
    """Only the companion who held the quarter's last month writes its narrative. Twin of
    :attr:`QuarterAccess.is_owner`."""
    if not holds_quarter(viewer_for(by), plan, quarter):
        raise PermissionDenied(_("Only the companion who held the quarter's last month may write its narrative."))


def require_owner(plan: WorkPlan, by) -> None:
    """Only the plan's own companion writes in the plan (its narrative, villages, activities, quarters); a month's
    entries and report are the month's holder's (:func:`require_month_owner`)."""
    if not owns(viewer_for(by), plan):
        raise PermissionDenied(_("Only the plan's own companion may do this."))


def require_month_owner(plan: WorkPlan, month: int, by) -> None:
    """Only the companion who held the plan in ``month`` writes its entries and reports it (:func:`owns_month`)."""
    if not owns_month(viewer_for(by), plan, month):
        raise PermissionDenied(_("Only the companion who held the plan that month may do this."))


def require_discussant(plan: WorkPlan, by) -> None:
    """Only the plan's own companion, or a coordinator (or an admin) with the plan in scope, answers the comments
    on its activities. Twin of :attr:`PlanAccess.can_discuss`."""
    viewer = viewer_for(by)
    if owns(viewer, plan):
        return
    if not viewer.is_reviewer:
        raise PermissionDenied(_("Only the plan's companion and its coordinator may answer its comments."))
    if not WorkPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("This plan is outside your scope."))


def may_discuss(plan: WorkPlan, user) -> bool:
    """:func:`require_discussant` as a yes or no: whether ``user`` is told of an answer in the plan's threads."""
    try:
        require_discussant(plan, user)
    except PermissionDenied:
        return False
    return True


def require_noter(plan: WorkPlan, by) -> None:
    """Only a village official who reads the plan (its plan in force has a village of theirs) notes its months. Twin
    of :attr:`PlanAccess.can_note`."""
    if not viewer_for(by).is_village_official:
        raise PermissionDenied(_("Only the village's or kecamatan's head may leave a note on a month."))
    if not WorkPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("This plan is outside your village or kecamatan."))


def require_reviewer(plan: WorkPlan, by) -> None:
    """Only a coordinator (or an admin) with the plan in scope reviews it and its monthly reports."""
    if not viewer_for(by).is_reviewer:
        raise PermissionDenied(_("Only a coordinator may review plans and reports."))
    if not WorkPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("This plan is outside your scope."))

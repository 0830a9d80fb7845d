"""Every write of the plans app: a transition or an edit, one keyword-only function in a transaction each.

Split by what they write (plans, their activities, the threads of review comments, months and their reports,
the version check); callers use ``from pillars import services`` and ``services.plan_approve(...)``, whichever
module holds it. The errors they raise (:mod:`pillars.errors`) are here too, and :func:`locked_current`, the
version check the admin's own saves make.
"""

from pillars.errors import ProgressConflict, SubmitProblem, VersionConflict, WorkflowError
from pillars.services.activities import activity_delete, activity_move, activity_save
from pillars.services.comments import comment_reopen, comment_reply, comment_resolve
from pillars.services.handovers import handover_line, plan_hand_over
from pillars.services.locking import locked_current
from pillars.services.months import (
    evidence_delete,
    mark_postponed,
    offline_saves_prune,
    progress_save,
    report_acknowledge,
    report_reopen,
    report_return,
    report_submit,
)
from pillars.services.notes import month_note_add
from pillars.services.plans import (
    plan_approve,
    plan_create,
    plan_reopen,
    plan_return,
    plan_start_next,
    plan_submit,
    plan_touch,
    plan_update_narrative,
)
from pillars.services.quarters import quarter_acknowledge, quarter_return, quarter_submit

__all__ = [
    "ProgressConflict",
    "SubmitProblem",
    "VersionConflict",
    "WorkflowError",
    "activity_delete",
    "activity_move",
    "activity_save",
    "comment_reopen",
    "comment_reply",
    "comment_resolve",
    "evidence_delete",
    "handover_line",
    "locked_current",
    "mark_postponed",
    "month_note_add",
    "offline_saves_prune",
    "plan_approve",
    "plan_create",
    "plan_hand_over",
    "plan_reopen",
    "plan_return",
    "plan_start_next",
    "plan_submit",
    "plan_touch",
    "plan_update_narrative",
    "progress_save",
    "quarter_acknowledge",
    "quarter_return",
    "quarter_submit",
    "report_acknowledge",
    "report_reopen",
    "report_return",
    "report_submit",
]

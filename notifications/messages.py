"""The words of each kind of notification, written from its facts in the active language.

The list page writes them in the page's language, an e-mail in its recipient's (``translation.override``), so the
same notification reads "Rencana dikembalikan" to one person and "Plan returned" to another. Dates and months are
written by :mod:`villages.formats`, the numbers the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Kind, Notification
from pillars.selectors.quarters import period_label
from villages.formats import format_date, month_name


@dataclass(frozen=True)
class Message:
    subject: str
    lines: list[str] = field(default_factory=list)  # paragraphs below the subject
    quote: str = ""  # the comment or note that came with a decision, shown as a quote
    action: str = ""  # the link's label


def _plan(params: dict) -> dict:
    return {"companion": params.get("companion", ""), "year": params.get("year", ""), "actor": params.get("actor", "")}


def _month(params: dict) -> dict:
    return {**_plan(params), "month": month_name(params.get("month", 1))}


def _plan_submitted(p: dict) -> Message:
    return Message(
        _("Plan %(year)s of %(companion)s is waiting for your review") % _plan(p),
        [_("%(companion)s submitted the annual plan for %(year)s.") % _plan(p)],
        action=_("Review the plan"),
    )


def _plan_returned(p: dict) -> Message:
    return Message(
        _("Your plan %(year)s is returned") % _plan(p),
        [
            _("%(actor)s returned your annual plan for %(year)s. Change what the comment asks, then submit it again.")
            % _plan(p)
        ],
        quote=p.get("comment", ""),
        action=_("Open the plan"),
    )


def _plan_approved(p: dict) -> Message:
    return Message(
        _("Your plan %(year)s is approved") % _plan(p),
        [_("%(actor)s approved your annual plan for %(year)s. It is now the plan in force.") % _plan(p)],
        quote=p.get("comment", ""),
        action=_("Open the plan"),
    )


def _plan_reopened(p: dict) -> Message:
    return Message(
        _("Your plan %(year)s is reopened for a revision") % _plan(p),
        [
            _(
                "%(actor)s reopened your approved plan for %(year)s. The approved version stays in force until the "
                "revision is approved."
            )
            % _plan(p)
        ],
        quote=p.get("comment", ""),
        action=_("Open the plan"),
    )


def _report_submitted(p: dict) -> Message:
    return Message(
        _("Monthly report %(month)s %(year)s of %(companion)s is waiting for your review") % _month(p),
        [_("%(companion)s submitted the report for %(month)s %(year)s.") % _month(p)],
        action=_("Review the report"),
    )


def _report_acknowledged(p: dict) -> Message:
    return Message(
        _("Your report for %(month)s %(year)s is acknowledged") % _month(p),
        [_("%(actor)s acknowledged your monthly report for %(month)s %(year)s.") % _month(p)],
        quote=p.get("comment", ""),
        action=_("Open the month"),
    )


def _report_returned(p: dict) -> Message:
    return Message(
        _("Your report for %(month)s %(year)s is returned") % _month(p),
        [
            _(
                "%(actor)s returned your monthly report for %(month)s %(year)s. Correct what the note asks, then "
                "submit it again."
            )
            % _month(p)
        ],
        quote=p.get("comment", ""),
        action=_("Open the month"),
    )


def _report_reopened(p: dict) -> Message:
    return Message(
        _("Your report for %(month)s %(year)s is reopened") % _month(p),
        [
            _(
                "%(actor)s reopened your acknowledged report for %(month)s %(year)s so you can correct it; submit it "
                "again when done."
            )
            % _month(p)
        ],
        quote=p.get("comment", ""),
        action=_("Open the month"),
    )


def _comment_reply(p: dict) -> Message:
    values = {**_plan(p), "activity": p.get("activity", "")}
    return Message(
        _("%(actor)s answered a comment on “%(activity)s”") % values,
        [_("On the plan %(year)s of %(companion)s.") % values],
        quote=p.get("text", ""),
        action=_("Open the comment"),
    )


def _month_note(p: dict) -> Message:
    values = {**_month(p), "office": p.get("office", "")}
    return Message(
        _("%(actor)s, %(office)s, left a note on %(month)s %(year)s") % values,
        [_("On your monthly progress for %(month)s %(year)s.") % values],
        quote=p.get("text", ""),
        action=_("Open the month"),
    )


def _job_finished(p: dict) -> Message:
    values = {"title": p.get("title", "")}
    if p.get("failed"):
        return Message(_("Failed: %(title)s") % values, [p.get("error", "")], action=_("Open the job"))
    return Message(_("Ready: %(title)s") % values, [_("Your background job is done.")], action=_("Open the job"))


def _report_reminder(p: dict) -> Message:
    deadline = date.fromisoformat(p["deadline"])
    values = {**_month(p), "deadline": format_date(deadline)}
    days = p.get("days", 0)
    if days:
        subject = ngettext(
            "Reminder: your report for %(month)s %(year)s is due in %(days)s day",
            "Reminder: your report for %(month)s %(year)s is due in %(days)s days",
            days,
        ) % {**values, "days": days}
    else:
        subject = _("Today is the last day for your report for %(month)s %(year)s") % values
    return Message(
        subject,
        [
            _(
                "Your monthly report for %(month)s %(year)s has not been submitted yet. The last day is %(deadline)s; "
                "a report submitted later counts as late."
            )
            % values
        ],
        action=_("Open the month"),
    )


def _digest(p: dict) -> Message:
    lines = []
    if p.get("plans"):
        lines.append(
            ngettext("%(count)s plan waits for your review.", "%(count)s plans wait for your review.", p["plans"])
            % {"count": p["plans"]}
        )
    if p.get("reports"):
        lines.append(
            ngettext(
                "%(count)s monthly report waits for your review.",
                "%(count)s monthly reports wait for your review.",
                p["reports"],
            )
            % {"count": p["reports"]}
        )
    if p.get("late"):
        lines.append(
            ngettext(
                "%(count)s monthly report is past its deadline and not submitted.",
                "%(count)s monthly reports are past their deadline and not submitted.",
                p["late"],
            )
            % {"count": p["late"]}
        )
    day = date.fromisoformat(p["date"])
    return Message(
        _("What waits for you on %(date)s") % {"date": format_date(day)}, lines, action=_("Open the home page")
    )


def _plan_handed_over(p: dict) -> Message:
    facts = {
        **_plan(p),
        "predecessor": p.get("predecessor", ""),
        "successor": p.get("successor", ""),
        "month": month_name(p.get("from_month", 2)),
    }
    return Message(
        _("Plan %(year)s of %(predecessor)s is handed over to %(successor)s") % facts,
        [
            _(
                "%(actor)s handed the annual plan for %(year)s and its villages from %(predecessor)s to %(successor)s "
                "from %(month)s on. %(successor)s reports that month and the ones after it; the months before stay "
                "with %(predecessor)s."
            )
            % facts
        ],
        quote=p.get("comment", ""),
        action=_("Open the plan"),
    )


def _quarter(params: dict) -> dict:
    """The facts of a quarter's message; the quarter is named as its page names it ("Quarter 1 (January–March)
    2026")."""
    return {**_plan(params), "period": period_label(params.get("quarter", 1), params.get("year", ""))}


def _quarter_submitted(p: dict) -> Message:
    return Message(
        _("%(period)s of %(companion)s is waiting for your review") % _quarter(p),
        [_("%(companion)s submitted the narrative of %(period)s.") % _quarter(p)],
        action=_("Review the quarter"),
    )


def _quarter_acknowledged(p: dict) -> Message:
    return Message(
        _("Your narrative of %(period)s is acknowledged") % _quarter(p),
        [_("%(actor)s acknowledged your narrative of %(period)s.") % _quarter(p)],
        quote=p.get("comment", ""),
        action=_("Open the quarter"),
    )


def _quarter_returned(p: dict) -> Message:
    return Message(
        _("Your narrative of %(period)s is returned") % _quarter(p),
        [
            _("%(actor)s returned your narrative of %(period)s. Change what the note asks, then submit it again.")
            % _quarter(p)
        ],
        quote=p.get("comment", ""),
        action=_("Open the quarter"),
    )


WRITERS = {
    Kind.PLAN_SUBMITTED: _plan_submitted,
    Kind.PLAN_RETURNED: _plan_returned,
    Kind.PLAN_APPROVED: _plan_approved,
    Kind.PLAN_REOPENED: _plan_reopened,
    Kind.REPORT_SUBMITTED: _report_submitted,
    Kind.REPORT_ACKNOWLEDGED: _report_acknowledged,
    Kind.REPORT_RETURNED: _report_returned,
    Kind.REPORT_REOPENED: _report_reopened,
    Kind.COMMENT_REPLY: _comment_reply,
    Kind.JOB_FINISHED: _job_finished,
    Kind.REPORT_REMINDER: _report_reminder,
    Kind.DIGEST: _digest,
    Kind.MONTH_NOTE: _month_note,
    Kind.PLAN_HANDED_OVER: _plan_handed_over,
    Kind.QUARTER_SUBMITTED: _quarter_submitted,
    Kind.QUARTER_ACKNOWLEDGED: _quarter_acknowledged,
    Kind.QUARTER_RETURNED: _quarter_returned,
}


def out_of_sight() -> Message:
    """A notification about a plan the reader no longer sees: that there was one, not what it said."""
    return Message(_("About a plan you no longer see"))


def message(notification: Notification) -> Message:
    """The notification in words, in the active language."""
    writer = WRITERS.get(notification.kind)
    if writer is None:  # a kind this version no longer writes
        return Message(notification.get_kind_display())
    return writer(notification.params or {})

"""Who is told what: the recipients of each event, and the one function that records notifications.

The services call these inside their transactions (a transition that rolls back tells nobody). :func:`notify` writes
the rows and, once the transaction commits, hands the e-mails to :mod:`notifications.delivery`: a slow or broken
SMTP server never holds or breaks the request that caused it.

Recipients follow the rules of who sees what: a plan's reviewers are the coordinators whose scope holds the plan
(``WorkPlan.objects.visible_to``, asked for each candidate), its companion is its owner, a comment's thread is told to
the people in it who may still discuss the plan. The person who acted is never told of their own act.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification, Preferences
from pillars.figures import quarter_months
from pillars.models import ActivityComment, Handover, MonthlyReport, QuarterReport, WorkflowEvent, WorkPlan
from villages.batches import chunks
from villages.models import Companion, Region

User = get_user_model()

# Scheduled messages read and written per slice of this many.
BATCH = 500


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _wants_email(user, kind: str, preferences: dict[int, Preferences]) -> bool:
    chosen = preferences.get(user.pk) or Preferences(user=user)
    return bool(user.email) and user.is_active and chosen.wants_email(kind)


def _row(
    user, kind: str, link: str, params: dict, now, preferences: dict, *, actor=None, key: str = ""
) -> Notification:
    """One notification, waiting for its e-mail if the person has an address and chose e-mail for ``kind``."""
    wanted = _wants_email(user, kind, preferences)
    return Notification(
        recipient=user,
        kind=kind,
        actor=actor,
        link=link,
        params=params,
        key=key,
        created_at=now,
        email=Notification.Email.WAITING if wanted else Notification.Email.NONE,
    )


def notify(recipients: Iterable, kind: str, *, link: str, params: dict, actor=None) -> list[Notification]:
    """Record a notification of ``kind`` for each of ``recipients`` (users; the actor and inactive people left out),
    and send the e-mails of those who chose them once the transaction commits."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    preferences = {p.user_id: p for p in Preferences.objects.filter(user__in=list(people))}
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        _row(user, kind, link, params, now, preferences, actor=actor) for user in people.values()
    )
    _send_after_commit([row.pk for row in rows if row.email == Notification.Email.WAITING])
    return rows


@transaction.atomic
def notify_once(kind: str, messages: list[tuple], *, now=None) -> int:
    """Record scheduled messages, each ``(recipient, key, link, params)``, unless one with its key was recorded for
    its person before (a constraint: recorded once whatever runs it); returns how many are new. E-mails go out for
    the new ones, once (:func:`notifications.delivery.send_waiting` claims each). Read and written in slices, so a
    country's reminders stay within SQLite's bound of query parameters. Called inside a claimed round
    (:mod:`notifications.schedule`), so no other round records the same keys meanwhile."""
    now = now or timezone.now()
    new = 0
    for chunk in chunks(messages, BATCH):
        people = [user for user, *_rest in chunk]
        keys = [key for _user, key, *_rest in chunk]
        recorded = set(Notification.objects.filter(kind=kind, key__in=keys).values_list("recipient_id", "key"))
        fresh = [message for message in chunk if (message[0].pk, message[1]) not in recorded]
        preferences = {p.user_id: p for p in Preferences.objects.filter(user__in=people)}
        Notification.objects.bulk_create(
            [_row(user, kind, link, params, now, preferences, key=key) for user, key, link, params in fresh],
            ignore_conflicts=True,
        )
        waiting = Notification.objects.filter(kind=kind, key__in=keys, email=Notification.Email.WAITING)
        _send_after_commit(list(waiting.values_list("pk", flat=True)))
        new += len(fresh)
    return new


def _send_after_commit(ids: list[int]) -> None:
    if ids:
        from notifications import delivery

        # robust: the transition has committed; a failure to hand the e-mails on is logged, never the request's 500
        # (the tick sends what still waits).
        transaction.on_commit(lambda: delivery.dispatch(ids), robust=True)


# --- Who is told of what ---------------------------------------------------------------------------------------


def reviewers_of(plan: WorkPlan) -> list:
    """The coordinators who review ``plan``: active in its year, with one of its villages in scope (the scope rule
    itself decides, not a copy of it)."""
    codes = set(plan.villages.values_list("code", flat=True))
    above = {ancestor for code in codes for ancestor in Region(code=code).ancestor_codes()}
    candidates = (
        Companion.objects.filter(role__in=Companion.COORDINATOR_ROLES, scope_region_id__in=above, user__is_active=True)
        .active_in(plan.year)
        .select_related("user")
    )
    return [c.user for c in candidates if WorkPlan.objects.visible_to(c.user).filter(pk=plan.pk).exists()]


def _plan_facts(plan: WorkPlan, by, comment: str = "") -> dict:
    """The facts of a message about ``plan``; ``plan`` is how the list and the sender check it is still the
    reader's to see."""
    return {
        "plan": plan.pk,
        "companion": plan.companion.display_name,
        "year": plan.year,
        "actor": _name(by),
        "comment": comment,
    }


PLAN_KINDS = {
    WorkPlan.Status.SUBMITTED: Kind.PLAN_SUBMITTED,
    WorkPlan.Status.RETURNED: Kind.PLAN_RETURNED,
    WorkPlan.Status.APPROVED: Kind.PLAN_APPROVED,
}
REPORT_KINDS = {
    MonthlyReport.Status.SUBMITTED: Kind.REPORT_SUBMITTED,
    MonthlyReport.Status.ACKNOWLEDGED: Kind.REPORT_ACKNOWLEDGED,
    MonthlyReport.Status.RETURNED: Kind.REPORT_RETURNED,
}


def workflow_event(event: WorkflowEvent) -> list[Notification]:
    """Tell the other side of a plan's or a monthly report's transition (called where the event is logged)."""
    plan = WorkPlan.objects.select_related("companion__user").get(pk=event.plan_id)
    companion = plan.companion
    if event.report_id is None:
        kind = PLAN_KINDS.get(event.to_status)
        if event.from_status == WorkPlan.Status.APPROVED and event.to_status == WorkPlan.Status.DRAFT:
            kind = Kind.PLAN_REOPENED
        if kind is None:
            return []  # a plan started: nobody to tell
        facts = _plan_facts(plan, event.actor, event.comment)
        link = reverse("pillars:plan-detail", args=[plan.pk])
    else:
        report = event.report
        kind = REPORT_KINDS.get(event.to_status)
        if event.from_status == MonthlyReport.Status.ACKNOWLEDGED and event.to_status == MonthlyReport.Status.DRAFT:
            kind = Kind.REPORT_REOPENED
        if kind is None:
            return []
        facts = {**_plan_facts(plan, event.actor, event.comment), "month": report.month}
        if plan.holder_of(report.month) != companion.pk:
            # A month held before a handover: returned or reopened, it is its holder's to fix.
            companion = Companion.objects.select_related("user").get(pk=plan.holder_of(report.month))
        link = (
            reverse("pillars:report-detail", args=[report.pk])
            if kind == Kind.REPORT_SUBMITTED
            else reverse("pillars:plan-month", args=[plan.pk, report.month])
        )
    to_reviewers = kind in (Kind.PLAN_SUBMITTED, Kind.REPORT_SUBMITTED)
    recipients = reviewers_of(plan) if to_reviewers else [companion.user]
    return notify(recipients, kind, link=link, params=facts, actor=event.actor)


QUARTER_KINDS = {
    QuarterReport.Status.SUBMITTED: Kind.QUARTER_SUBMITTED,
    QuarterReport.Status.ACKNOWLEDGED: Kind.QUARTER_ACKNOWLEDGED,
    QuarterReport.Status.RETURNED: Kind.QUARTER_RETURNED,
}


def quarter_report(report: QuarterReport, *, by, comment: str = "") -> list[Notification]:
    """Tell the other side of a quarter's transition, by the status it reached: a submitted narrative the plan's
    reviewers, a decision on it (with the coordinator's note) the companion who wrote it, the holder of the quarter's
    last month (:func:`pillars.access.holds_quarter`). Called by the quarter services after their write; quarters
    log no :class:`WorkflowEvent` (their own history records them)."""
    kind = QUARTER_KINDS[report.status]
    plan = WorkPlan.objects.select_related("companion__user").get(pk=report.plan_id)
    facts = {**_plan_facts(plan, by, comment), "quarter": report.quarter}
    if kind == Kind.QUARTER_SUBMITTED:
        recipients = reviewers_of(plan)
    else:
        writer = Companion.objects.select_related("user").get(pk=plan.holder_of(quarter_months(report.quarter)[-1]))
        recipients = [writer.user]
    return notify(recipients, kind, link=report.get_absolute_url(), params=facts, actor=by)


def plan_handed_over(handover: Handover) -> list[Notification]:
    """Tell the companion who handed the plan over and the one who takes it (called where it is logged)."""
    plan = handover.plan
    facts = {
        **_plan_facts(plan, handover.by, handover.reason),
        "predecessor": handover.predecessor.display_name,
        "successor": handover.successor.display_name,
        "from_month": handover.from_month,
    }
    recipients = [handover.predecessor.user, handover.successor.user]
    link = reverse("pillars:plan-detail", args=[plan.pk])
    return notify(recipients, Kind.PLAN_HANDED_OVER, link=link, params=facts, actor=handover.by)


def comment_reply(reply: ActivityComment) -> list[Notification]:
    """Tell the people of a thread that it was answered: whoever wrote in it and the plan's companion, if they may
    still discuss the plan (a coordinator moved out of scope is not told)."""
    from pillars.access import may_discuss

    thread = ActivityComment.objects.select_related("activity__plan__companion__user").get(pk=reply.parent_id)
    plan = thread.activity.plan
    authors = ActivityComment.objects.filter(Q(pk=thread.pk) | Q(parent=thread), author__isnull=False)
    people = list(User.objects.filter(pk__in=authors.values("author")))
    people.append(plan.companion.user)
    recipients = [user for user in people if may_discuss(plan, user)]
    facts = {**_plan_facts(plan, reply.author), "activity": thread.activity.title, "text": reply.text}
    link = reverse("pillars:plan-detail", args=[plan.pk]) + f"#comment-{thread.pk}"
    return notify(recipients, Kind.COMMENT_REPLY, link=link, params=facts, actor=reply.author)


def month_note(note) -> list[Notification]:
    """Tell the companion who held the plan in the note's month (:meth:`WorkPlan.holder_of`; after a handover the
    predecessor for the months before it) that a village official left a note on it."""
    plan = WorkPlan.objects.select_related("companion__user").get(pk=note.plan_id)
    holder = Companion.objects.select_related("user").get(pk=plan.holder_of(note.month))
    official = note.author.village_official
    facts = {**_plan_facts(plan, note.author), "month": note.month, "office": official.office, "text": note.text}
    link = reverse("pillars:plan-month", args=[plan.pk, note.month]) + f"#note-{note.pk}"
    return notify([holder.user], Kind.MONTH_NOTE, link=link, params=facts, actor=note.author)


def job_finished(job) -> list[Notification]:
    """Tell a job's owner it is done or failed."""
    from jobs.models import Job

    failed = job.status == Job.Status.FAILED
    facts = {"title": job.title, "failed": failed, "error": job.error if failed else ""}
    return notify([job.owner], Kind.JOB_FINISHED, link=reverse("jobs:detail", args=[job.pk]), params=facts)

"""The threads of the comments a review leaves on single activities: answer one, mark it resolved, open it again.

Each is one keyword-only function run in a transaction: it re-reads the thread's first comment under a row lock
(two people marking it at once cannot both win), checks that the person is one of the two sides of the review
(:func:`pillars.access.require_discussant`), and writes one row under the comment saying who did what and when.
Nothing here changes the plan or its version: a conversation about an activity is not an edit of it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import notify
from pillars.access import require_discussant
from pillars.errors import WorkflowError
from pillars.models import ActivityComment

REPLY_MAX_LENGTH = ActivityComment._meta.get_field("text").max_length


def _locked_thread(comment: ActivityComment, by) -> ActivityComment:
    comment = ActivityComment.objects.select_for_update().select_related("activity__plan").get(pk=comment.pk)
    if comment.parent_id is not None:
        raise WorkflowError(_("Answer the comment itself, not one of its replies."))
    require_discussant(comment.activity.plan, by)
    return comment


def _add(comment: ActivityComment, by, kind: str, text: str = "") -> ActivityComment:
    return ActivityComment.objects.create(
        activity_id=comment.activity_id, parent=comment, kind=kind, author=by, text=text
    )


@transaction.atomic
def comment_reply(*, comment: ActivityComment, by, text: str) -> ActivityComment:
    """Answer ``comment``; refused when the text is empty or too long, or the thread is resolved."""
    comment = _locked_thread(comment, by)
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Write a reply: it cannot be empty."))
    if len(text) > REPLY_MAX_LENGTH:
        raise WorkflowError(
            _("A reply can be at most %(limit)s characters long; this one has %(length)s.")
            % {"limit": REPLY_MAX_LENGTH, "length": len(text)}
        )
    if comment.is_resolved:
        raise WorkflowError(_("This comment is resolved; reopen it to answer it again."))
    reply = _add(comment, by, ActivityComment.Kind.REPLY, text)
    notify.comment_reply(reply)
    return reply


@transaction.atomic
def comment_resolve(*, comment: ActivityComment, by) -> ActivityComment:
    """Mark the thread resolved: the point is settled."""
    comment = _locked_thread(comment, by)
    if comment.is_resolved:
        raise WorkflowError(_("This comment is already resolved."))
    comment.resolved_at, comment.resolved_by = timezone.now(), by
    comment.save(update_fields=["resolved_at", "resolved_by"])
    _add(comment, by, ActivityComment.Kind.RESOLVED)
    return comment


@transaction.atomic
def comment_reopen(*, comment: ActivityComment, by) -> ActivityComment:
    """Open a resolved thread again, so it can be answered."""
    comment = _locked_thread(comment, by)
    if not comment.is_resolved:
        raise WorkflowError(_("This comment is open already."))
    comment.resolved_at, comment.resolved_by = None, None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    _add(comment, by, ActivityComment.Kind.REOPENED)
    return comment

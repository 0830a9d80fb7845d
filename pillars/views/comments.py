"""The threads of review comments: answer one, mark it resolved, open it again. Both sides of the review act here,
from the plan page or the activity's edit page, and come back to the thread. Thin: load the thread through the
plan's scope (404 outside it, or for a comment of another plan), validate with a form, call one service, redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pillars import services
from pillars.access import plan_for
from pillars.forms.comments import ACTIVITY_PAGE, CommentActionForm, CommentReplyForm
from pillars.models import ActivityComment, WorkPlan


def _thread(request, pk: int, comment_pk: int) -> tuple[WorkPlan, ActivityComment]:
    """A thread's first comment on an activity of this plan that the user sees (404 otherwise: a village official
    sees none), for someone who may answer it (403)."""
    plan, access = plan_for(request.user, pk)
    threads = ActivityComment.objects.visible_to(request.user).filter(activity__plan=plan, parent=None)
    comment = get_object_or_404(threads.select_related("activity"), pk=comment_pk)
    if not access.can_discuss:
        raise PermissionDenied(_("Only the plan's companion and its coordinator may answer its comments."))
    return plan, comment


def _back(plan: WorkPlan, comment: ActivityComment, form: CommentActionForm, *, done: bool):
    """The page the form came from, at the thread once done; at its top (where the message shows) when refused."""
    if form.back_page == ACTIVITY_PAGE and plan.is_editable:
        url = reverse("pillars:activity-edit", args=[plan.pk, comment.activity_id])
    else:
        url = plan.get_absolute_url()
    return redirect(f"{url}#comment-{comment.pk}" if done else url)


def _refused(request, comment: ActivityComment, problems) -> None:
    for problem in problems:
        messages.error(
            request,
            _("Nothing was sent on the comment on “%(title)s”: %(problem)s")
            % {"title": comment.activity.title, "problem": problem},
        )


@require_POST
@login_required
def comment_reply(request, pk: int, comment_pk: int):
    plan, comment = _thread(request, pk, comment_pk)
    form = CommentReplyForm(request.POST)
    if not form.is_valid():
        _refused(request, comment, form.errors.get("text", []))
        return _back(plan, comment, form, done=False)
    try:
        services.comment_reply(comment=comment, by=request.user, text=form.cleaned_data["text"])
    except services.WorkflowError as error:
        _refused(request, comment, error.problems)
        return _back(plan, comment, form, done=False)
    messages.success(request, _("Reply sent."))
    return _back(plan, comment, form, done=True)


def _mark(request, pk: int, comment_pk: int, *, resolve: bool):
    plan, comment = _thread(request, pk, comment_pk)
    form = CommentActionForm(request.POST)
    form.is_valid()  # only says which page to go back to; the plan's page when it does not
    mark = services.comment_resolve if resolve else services.comment_reopen
    try:
        mark(comment=comment, by=request.user)
    except services.WorkflowError as error:
        _refused(request, comment, error.problems)
        return _back(plan, comment, form, done=False)
    messages.success(request, _("Comment marked resolved.") if resolve else _("Comment reopened."))
    return _back(plan, comment, form, done=True)


@require_POST
@login_required
def comment_resolve(request, pk: int, comment_pk: int):
    return _mark(request, pk, comment_pk, resolve=True)


@require_POST
@login_required
def comment_reopen(request, pk: int, comment_pk: int):
    return _mark(request, pk, comment_pk, resolve=False)

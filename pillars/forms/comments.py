"""The forms of a comment thread: a reply, and marking the thread resolved or open again. Each says which page
it was sent from (``back``), so the answer returns there."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pillars.models import ActivityComment

PLAN_PAGE, ACTIVITY_PAGE = "plan", "activity"
REPLY_MAX_LENGTH = ActivityComment._meta.get_field("text").max_length


class CommentActionForm(forms.Form):
    back = forms.ChoiceField(
        choices=[(PLAN_PAGE, PLAN_PAGE), (ACTIVITY_PAGE, ACTIVITY_PAGE)], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, comment_id: int | None = None, back: str = PLAN_PAGE, **kwargs):
        # Several threads on one page: every id names its comment.
        kwargs.setdefault("auto_id", f"id_{comment_id}_%s" if comment_id else "id_%s")
        kwargs.setdefault("initial", {"back": back})
        super().__init__(*args, **kwargs)

    @property
    def back_page(self) -> str:
        """The page to return to once validated; the plan's when the field was missing or unknown."""
        return getattr(self, "cleaned_data", {}).get("back") or PLAN_PAGE


class CommentReplyForm(CommentActionForm):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Write a reply: it cannot be empty."),
            "max_length": _("A reply can be at most %(limit_value)d characters long; this one has %(show_value)d."),
        },
    )

    def __init__(self, *args, comment_id: int | None = None, back: str = PLAN_PAGE, **kwargs):
        kwargs.setdefault("auto_id", f"id_reply_{comment_id}_%s" if comment_id else "id_%s")
        super().__init__(*args, comment_id=comment_id, back=back, **kwargs)


def with_thread_forms(comments: list[ActivityComment], back: str) -> list[ActivityComment]:
    """``comments`` (first comments of threads) each with the form its page shows: a reply while it is open, the
    resolve or reopen button's form."""
    for comment in comments:
        comment.reply_form = None if comment.is_resolved else CommentReplyForm(comment_id=comment.pk, back=back)
        comment.action_form = CommentActionForm(comment_id=comment.pk, back=back)
    return comments

"""Notifications: what the app tells a person (a plan to review, a returned report, a reminder), and how they want
to be told.

A :class:`Notification` is one message to one person, kept in the app (the bell, the list) and, if they chose it,
sent by e-mail from a background task after the transaction that caused it commits. Its words are not stored: the
kind and the facts (``params``) are, and :mod:`notifications.messages` writes them in the reader's language when
shown or sent. A scheduled message (a reminder, a digest) carries a ``key`` unique for its person, so it is recorded,
and sent, once however many times the schedule runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PLAN_SUBMITTED = "plan_submitted", _("A plan is submitted for my review")
    PLAN_RETURNED = "plan_returned", _("My plan is returned")
    PLAN_APPROVED = "plan_approved", _("My plan is approved")
    PLAN_REOPENED = "plan_reopened", _("My plan is reopened for a revision")
    REPORT_SUBMITTED = "report_submitted", _("A monthly report is submitted for my review")
    REPORT_ACKNOWLEDGED = "report_acknowledged", _("My monthly report is acknowledged")
    REPORT_RETURNED = "report_returned", _("My monthly report is returned")
    REPORT_REOPENED = "report_reopened", _("My monthly report is reopened")
    COMMENT_REPLY = "comment_reply", _("A reply to a review comment")
    JOB_FINISHED = "job_finished", _("A background job of mine is finished")
    REPORT_REMINDER = "report_reminder", _("Reminder: a monthly report is due")
    DIGEST = "digest", _("Daily digest of what waits for my review")
    MONTH_NOTE = "month_note", _("The village head leaves a note on one of my months")
    PLAN_HANDED_OVER = "plan_handed_over", _("A plan is handed over to me or from me")
    QUARTER_SUBMITTED = "quarter_submitted", _("A quarter's narrative is submitted for my review")
    QUARTER_ACKNOWLEDGED = "quarter_acknowledged", _("My quarter's narrative is acknowledged")
    QUARTER_RETURNED = "quarter_returned", _("My quarter's narrative is returned")


# What a person gets by e-mail until they choose otherwise: everything but the end of a job they usually watch.
EMAILED_BY_DEFAULT = frozenset(Kind) - {Kind.JOB_FINISHED}
# The kinds only a coordinator (or an admin) receives, and only a companion: the profile offers each person theirs.
REVIEWER_KINDS = (Kind.PLAN_SUBMITTED, Kind.REPORT_SUBMITTED, Kind.QUARTER_SUBMITTED, Kind.DIGEST)
COMPANION_KINDS = (
    Kind.PLAN_RETURNED,
    Kind.PLAN_APPROVED,
    Kind.PLAN_REOPENED,
    Kind.REPORT_ACKNOWLEDGED,
    Kind.REPORT_RETURNED,
    Kind.REPORT_REOPENED,
    Kind.REPORT_REMINDER,
    Kind.MONTH_NOTE,
    Kind.PLAN_HANDED_OVER,
    Kind.QUARTER_ACKNOWLEDGED,
    Kind.QUARTER_RETURNED,
)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A person's own notifications, nobody else's (admins included)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "", _("not e-mailed")
        WAITING = "waiting", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The page it is about, a path of this site (reversed when the notification was made).
    link = models.CharField(_("link"), max_length=300)
    params = models.JSONField(_("facts"), default=dict, blank=True)
    # A scheduled message's identity for its person ("reminder:PLAN:MONTH:DAYS"): recorded at most once.
    key = models.CharField(_("key"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=Email, blank=True, default=Email.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_after = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["email", "email_after"], name="notification_email_due_idx", condition=~Q(email="")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_key_once_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Round(models.Model):
    """A scheduled round done: the reminders of one month and day, the digests of one date, one day's pruning. A
    round is claimed by inserting its row in the transaction that does it, so two schedulers at once do it once and
    a round that fails is done again by the next tick."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    done_at = models.DateTimeField(_("done"))

    class Meta:
        verbose_name = _("scheduled round")
        verbose_name_plural = _("scheduled rounds")

    def __str__(self) -> str:
        return self.key


class Preferences(models.Model):
    """How one person wants to be told: the language of their messages, and e-mail or not, per kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # {kind: true (in the app and by e-mail) | false (in the app only)}; a kind not named takes EMAILED_BY_DEFAULT.
    email_kinds = models.JSONField(_("e-mail per kind"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def wants_email(self, kind: str) -> bool:
        chosen = self.email_kinds.get(kind)
        return kind in EMAILED_BY_DEFAULT if chosen is None else bool(chosen)


def preferences_of(user) -> Preferences:
    """The person's preferences, the defaults (unsaved) until they choose."""
    try:
        return user.notification_preferences
    except Preferences.DoesNotExist:
        return Preferences(user=user)


def remember_language(user, language: str) -> None:
    """The language ``user`` chose with the switcher becomes the language of their messages."""
    Preferences.objects.update_or_create(user=user, defaults={"language": language})


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, kept an hour for the rate limit (:mod:`notifications.password_reset`).

    Every request is recorded, whether or not an account has the address, so the limit answers the same for both.
    The address is kept as a keyed hash: the addresses strangers type are not stored.
    """

    address = models.CharField(_("address (hashed)"), max_length=64)
    client = models.CharField(_("client address"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("requested"), db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["address", "created_at"], name="password_reset_address_idx"),
            models.Index(fields=["client", "created_at"], name="password_reset_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.client}"

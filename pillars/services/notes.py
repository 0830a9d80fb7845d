"""The notes village officials leave on a plan's months: add one.

A note is the only thing a Kepala Desa, Lurah or Camat writes (:func:`pillars.access.require_noter`); it changes
nothing of the plan, its entries or its report, and its companion is told of it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import notify
from pillars.access import require_noter
from pillars.errors import WorkflowError
from pillars.models import MonthNote, WorkPlan


@transaction.atomic
def month_note_add(*, plan: WorkPlan, month: int, text: str, by) -> MonthNote:
    """Leave ``text`` on ``month`` of ``plan``, dated now; refused when it is empty or too long, or the month is not
    one of the plan's twelve."""
    require_noter(plan, by)
    text = text.strip()
    if not 1 <= month <= 12:
        raise WorkflowError(_("There is no month %(month)s.") % {"month": month})
    if not text:
        raise WorkflowError(_("Write the note first: it cannot be empty."))
    if len(text) > MonthNote.MAX_LENGTH:
        raise WorkflowError(
            _("A note may have at most %(limit)s characters (this one has %(count)s).")
            % {"limit": MonthNote.MAX_LENGTH, "count": len(text)}
        )
    note = MonthNote.objects.create(plan=plan, month=month, author=by, text=text, created_at=timezone.now())
    notify.month_note(note)
    return note

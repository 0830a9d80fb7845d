"""How the plans app's pages answer what they could not do: one status for a form with errors, one for a save
made on an old version, one for a refusal; a refused transition as a message beside the plan; a conflict as the
form with the saved values beside what was typed.
"""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect

from pillars import services
from pillars.changes import FieldDisplay, conflict_changes
from pillars.models import Pillar, WorkPlan

INVALID = HTTPStatus.UNPROCESSABLE_ENTITY  # a form with errors, shown again with its messages
CONFLICT = HTTPStatus.CONFLICT  # a save made on a version that is no longer current; the form shows both
REFUSED = HTTPStatus.FORBIDDEN  # a transition the plan's state or the person's role does not allow


def form_status(request) -> int:
    """A form page's status: a POST that reaches the page again was invalid."""
    return INVALID if request.method == "POST" else HTTPStatus.OK


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request, plan: WorkPlan, error: services.WorkflowError):
    for problem in error.problems:
        messages.error(request, problem)
    return redirect(plan)


def conflict_context(form, current, names: list[str], villages: dict[str, str]) -> dict:
    """The form as the user typed it, now on the current version, and the saved values beside it.

    Saving again replaces the other save knowingly; reloading keeps it.
    """
    rows = conflict_changes(current, form.cleaned_data, names, FieldDisplay(Pillar.objects.in_bulk(), villages))
    form.move_to_version(current)
    who = current.history.select_related("history_user").order_by("-history_id").first()
    return {
        "form": form,
        "conflict": rows,
        "conflict_by": who.history_user if who else None,
        "conflict_at": who.history_date if who else None,
    }

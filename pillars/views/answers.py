"""How the plans app's pages answer what they could not do: one status for a form with errors, one for a save
made on an old version, one for a refusal; a refused transition as a message beside the plan; a conflict as the
form with the saved values beside what was typed; a form with errors posted to an action URL of its own, kept
for the page it came from (:func:`keep_form`, :func:`kept_form_data`), with the errors summed up at the top
(:func:`error_summary`); what became of a save, in a header for a phone sending its offline queue (:class:`Outcome`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

from django.contrib import messages
from django.forms import Form, RadioSelect
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect

from pillars import services
from pillars.changes import FieldDisplay, conflict_changes
from pillars.models import Pillar, WorkPlan

INVALID = HTTPStatus.UNPROCESSABLE_ENTITY  # a form with errors, shown again with its messages
CONFLICT = HTTPStatus.CONFLICT  # a save made on a version that is no longer current; the form shows both
REFUSED = HTTPStatus.FORBIDDEN  # a transition the plan's state or the person's role does not allow
BAD_KEY = HTTPStatus.BAD_REQUEST  # an offline save's key that is not a UUID


class Outcome(StrEnum):
    """What became of a save, in the ``RKT-Outcome`` header of its answer: a phone sending its offline queue tells
    a rule's answer (a locked month's 403) from a failed CSRF check or a login redirect, which carry none."""

    SAVED = "saved"
    CONFLICT = "conflict"  # 409
    INVALID = "invalid"  # 422
    REFUSED = "refused"  # 403
    REPLAYED = "replayed"  # a save already made with this key: answered as saved, nothing written again
    BAD_KEY = "bad-key"  # 400


OUTCOME_HEADER = "RKT-Outcome"


def with_outcome(response: HttpResponse, outcome: Outcome) -> HttpResponse:
    # The plain text: a WSGI server takes a header value of type str only, not a subclass.
    response[OUTCOME_HEADER] = outcome.value
    return response


def form_status(request) -> int:
    """A form page's status: a POST that reaches the page again was invalid."""
    return INVALID if request.method == "POST" else HTTPStatus.OK


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request, plan: WorkPlan, error: services.WorkflowError):
    for problem in error.problems:
        messages.error(request, problem)
    return redirect(plan)


# The session key of a form kept for the next page; one at a time, shown once.
KEPT_FORM = "rkt-kept-form"
# The id of the error summary at the top of a page (templates/includes/_error_summary.html).
ERROR_SUMMARY = "error-summary"


def keep_form(request, key: str, form: Form, url: str, /, **extra) -> HttpResponseRedirect:
    """Send the browser back to ``url`` (a page that answers GET) with ``form``'s data kept for it, opened at the
    error summary. A decision posted to an action URL of its own answers this way, not with the page drawn at that
    URL, where a reload or the language switch would ask for the action with GET and get 405."""
    data = {name: values for name, values in form.data.lists() if name != "csrfmiddlewaretoken"}
    request.session[KEPT_FORM] = {"key": key, "data": data, "extra": extra}
    return redirect(f"{url}#{ERROR_SUMMARY}")


def kept_form_data(request, key: str) -> tuple[QueryDict, dict] | None:
    """The data (and ``extra``) :func:`keep_form` kept under ``key``, taken out of the session; None when none."""
    kept = request.session.get(KEPT_FORM)
    if not kept or kept.get("key") != key:
        return None
    del request.session[KEPT_FORM]
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data, kept.get("extra", {})


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: the message, and the field (or form) it links to."""

    message: str
    href: str


def error_summary(*forms: Form | None, anchor: str = "main") -> list[ErrorLink]:
    """The errors of ``forms`` for the summary at the top of the page, each linking to its field; an error of no
    shown field (of the whole form, or a hidden one) links to ``anchor``."""
    links = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            shown = name != NON_FIELD_ERRORS and name in form.fields and not form[name].is_hidden
            href = f"#{_field_id(form[name])}" if shown else f"#{anchor}"
            links += [ErrorLink(str(error), href) for error in errors]
    return links


def _field_id(bound) -> str:
    # A list of radio buttons or checkboxes has no element of the field's own id: its first choice has "<id>_0".
    if isinstance(bound.field.widget, RadioSelect):
        return f"{bound.auto_id}_0"
    return bound.auto_id


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

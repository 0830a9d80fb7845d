"""A plan's months: the month view, its per-activity cards (posted on their own, by htmx answered with the card
only, or as a plain form answered with a redirect), evidence, postponing, and sending the month's report. A save
a phone queued offline comes with a key and is made once, however often it is sent; every answer to a save says
what became of it in its ``RKT-Outcome`` header.

Every object is loaded through ``visible_to`` (404 outside scope); writes are :mod:`pillars.services`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pillars import evidence as evidence_rules
from pillars import rules, selectors, services, versions
from pillars.access import month_access, require_month_owner, visible_plan
from pillars.forms.months import MonthNoteForm, PostponeForm, ProgressForm, ReportSubmitForm
from pillars.models import Activity, Evidence, MonthlyProgress, WorkPlan
from pillars.services import WorkflowError
from pillars.views.answers import (
    BAD_KEY,
    CONFLICT,
    INVALID,
    REFUSED,
    Outcome,
    error_summary,
    is_htmx,
    keep_form,
    kept_form_data,
    with_outcome,
)
from rkt.pages import versioned_page
from rkt.storage import open_stream


def _check_month(month: int) -> int:
    if not 1 <= month <= 12:
        raise Http404("no such month")
    return month


def _month_url(plan: WorkPlan, month: int, anchor: str = "") -> str:
    url = reverse("pillars:plan-month", args=[plan.pk, month])
    return f"{url}#{anchor}" if anchor else url


@dataclass
class Card:
    """One activity in one month. The entry form is built on first use: a month the companion cannot edit
    (locked, or a reviewer reading it) shows entries only, and twenty unused forms cost a fifth of the page."""

    # A save's states are its outcomes (the answer's header); "clean" is a card no save was tried from.
    CLEAN = "clean"
    SAVED, INVALID, CONFLICT, REFUSED = Outcome.SAVED, Outcome.INVALID, Outcome.CONFLICT, Outcome.REFUSED

    row: selectors.ActivityMonth
    bound_form: ProgressForm | None = None
    state: str = CLEAN  # also the card's CSS class, state-<state>
    message: str = ""
    current: MonthlyProgress | None = None
    # Files refused from a save that stored the rest of the entry: one message each, naming the file and why.
    refused_files: list[str] = field(default_factory=list)
    # Saved by an earlier send of the same offline key: shown as saved, told apart in the answer's header only.
    replayed: bool = False

    @property
    def is_clean(self) -> bool:
        """Shown as loaded: no save was tried from this card."""
        return self.state == self.CLEAN

    @property
    def is_saved(self) -> bool:
        return self.state == self.SAVED

    @property
    def is_invalid(self) -> bool:
        return self.state == self.INVALID

    @property
    def is_conflict(self) -> bool:
        """Someone else saved the entry after this form was opened."""
        return self.state == self.CONFLICT

    @property
    def is_refused(self) -> bool:
        return self.state == self.REFUSED

    @property
    def save_failed(self) -> bool:
        """A save was tried and nothing was written (invalid, conflict or refused)."""
        return self.state in (self.INVALID, self.CONFLICT, self.REFUSED)

    @property
    def outcome(self) -> Outcome:
        """What the answer's ``RKT-Outcome`` header says of the save tried from this card."""
        return Outcome.REPLAYED if self.replayed else Outcome(self.state)

    @property
    def form(self) -> ProgressForm:
        if self.bound_form is None:
            row = self.row
            entry = row.entry or MonthlyProgress(activity=row.activity, month=row.month)
            evidence_count = len(row.evidence)
            self.bound_form = ProgressForm(instance=entry, activity=row.activity, evidence_count=evidence_count)
        return self.bound_form


def _month_context(
    request, plan: WorkPlan, month: int, *, replace: Card | None = None, note_form: MonthNoteForm | None = None
) -> dict:
    page = selectors.month_rows(plan, month)
    access = month_access(request.user, plan, month)
    cards = {row.activity.pk: Card(row) for row in page.all}
    if replace is not None:
        cards[replace.row.activity.pk] = replace
    cells = selectors.plan_cells(plan)
    return {
        "plan": plan,
        "month": month,
        "months": cells,
        "cell": cells[month - 1],
        "page": page,
        "access": access,
        "notes": selectors.month_notes(plan, month),
        "note_form": (note_form or MonthNoteForm()) if access.can_note else None,
        "scheduled": [cards[row.activity.pk] for row in page.scheduled],
        "others": [cards[row.activity.pk] for row in page.others],
        "unreported": page.unreported,
        "offline_budget": settings.RKT_OFFLINE_PHOTO_MB * 1024 * 1024,
    }


def default_month(plan: WorkPlan) -> int:
    today = rules.local_today(plan)
    if plan.year == today.year:
        return today.month
    return 12 if plan.year < today.year else 1


@require_GET
@login_required
def month_redirect(request, pk: int):
    plan = visible_plan(request.user, pk)
    return redirect("pillars:plan-month", pk=plan.pk, month=default_month(plan))


@require_GET
@login_required
def month_detail(request, pk: int, month: int):
    plan = visible_plan(request.user, pk)
    month = _check_month(month)
    return versioned_page(
        request,
        versions.of_plan(plan.pk),
        lambda: render(request, "pillars/month_detail.html", _month_context(request, plan, month)),
    )


@require_POST
@login_required
def month_note(request, pk: int, month: int):
    """A village official leaves a dated note on the month (anyone else: 403)."""
    plan = visible_plan(request.user, pk)
    month = _check_month(month)
    if not month_access(request.user, plan, month).can_note:
        raise PermissionDenied(_("Only the village's or kecamatan's head may leave a note on a month."))
    form = MonthNoteForm(request.POST)
    if not form.is_valid():
        context = _month_context(request, plan, month, note_form=form)
        return render(request, "pillars/month_detail.html", context, status=INVALID)
    try:
        note = services.month_note_add(plan=plan, month=month, text=form.cleaned_data["text"], by=request.user)
    except WorkflowError as refusal:
        for problem in refusal.problems:
            form.add_error("text", problem)
        context = _month_context(request, plan, month, note_form=form)
        return render(request, "pillars/month_detail.html", context, status=INVALID)
    messages.success(request, _("Your note is added to the month; the companion is told of it."))
    return redirect(_month_url(plan, month, f"note-{note.pk}"))


def _render_card(request, plan: WorkPlan, month: int, card: Card, status: int = 200) -> HttpResponse:
    if is_htmx(request):
        access = month_access(request.user, plan, month)
        context = {"card": card, "plan": plan, "access": access}
        response = render(request, "pillars/_progress_card.html", context, status=status)
    else:
        context = _month_context(request, plan, month, replace=card)
        response = render(request, "pillars/month_detail.html", context, status=status)
    return with_outcome(response, card.outcome)


# A UUID's text as RFC 4122 writes it (crypto.randomUUID() in the browser), in either case.
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _offline_key(request) -> uuid.UUID | None:
    """The key a phone sends with a save it queued offline (``Idempotency-Key``); None without one.

    ValueError: the header is there, but not a UUID."""
    text = request.headers.get("Idempotency-Key")
    if text is None:
        return None
    if not _UUID_TEXT.fullmatch(text):
        raise ValueError(f"not a UUID: {text!r}")
    return uuid.UUID(text)


def _answer_saved(
    request, plan: WorkPlan, month: int, activity: Activity, refused_files: list[str], *, replayed: bool
) -> HttpResponse:
    if not is_htmx(request):
        messages.success(request, _("Saved: %(title)s") % {"title": activity.title})
        for refusal in refused_files:
            messages.warning(request, refusal)
        response = redirect(_month_url(plan, month, f"activity-{activity.pk}"))
        return with_outcome(response, Outcome.REPLAYED if replayed else Outcome.SAVED)
    row = selectors.month_row(plan, month, activity.pk)
    return _render_card(
        request, plan, month, Card(row, state=Card.SAVED, refused_files=refused_files, replayed=replayed)
    )


@require_POST
@login_required
def progress_save(request, pk: int, month: int, activity_pk: int):
    plan = visible_plan(request.user, pk)
    month = _check_month(month)
    # Any activity of the plan (404 otherwise); the service says why one not in force cannot be reported.
    activity = get_object_or_404(plan.activities.all(), pk=activity_pk)
    require_month_owner(plan, month, request.user)  # 403 for a reviewer before any form is read
    try:
        key = _offline_key(request)
    except ValueError:
        text = _("This save's key is not valid; nothing was saved.")
        response = HttpResponse(text, status=BAD_KEY, content_type="text/plain; charset=utf-8")
        return with_outcome(response, Outcome.BAD_KEY)
    row = selectors.month_row(plan, month, activity.pk)
    # A resend of a save already made: answered before the form is read, as its files would be counted again on
    # top of themselves. The service looks again with the plan locked: of two sends at once one saves, and the other
    # (its form read before the first was stored) is answered "saved" with that entry.
    saved = selectors.offline_saved(request.user, key) if key is not None else None
    if saved is not None and saved == row.entry:
        return _answer_saved(request, plan, month, activity, [], replayed=True)
    entry = row.entry or MonthlyProgress(activity=activity, month=month)
    form = ProgressForm(
        request.POST,
        request.FILES,
        instance=entry,
        activity=activity,
        evidence_count=len(row.entry.evidence.all()) if row.entry else 0,
    )
    if not form.is_valid():
        return _render_card(request, plan, month, Card(row, form, Card.INVALID), INVALID)
    try:
        services.progress_save(
            activity=activity,
            month=month,
            values=form.values(),
            version=form.cleaned_data["version"],
            files=form.checked_files,
            device_place=form.device_place(),
            by=request.user,
            key=key,
        )
    except services.ProgressConflict as conflict:
        current = conflict.current
        data = request.POST.copy()
        # Saving again now overwrites the other tab's values, knowingly: the form moves to their version.
        data[form.add_prefix("version")] = str(current.version)
        fresh = selectors.month_row(plan, month, activity.pk)
        form = ProgressForm(data, instance=current, activity=activity, evidence_count=len(current.evidence.all()))
        return _render_card(request, plan, month, Card(fresh, form, Card.CONFLICT, current=current), CONFLICT)
    except (WorkflowError, PermissionDenied) as refusal:
        message = "; ".join(refusal.problems) if isinstance(refusal, WorkflowError) else str(refusal)
        return _render_card(request, plan, month, Card(row, form, Card.REFUSED, message), REFUSED)
    return _answer_saved(request, plan, month, activity, form.refused_files, replayed=False)


@require_GET
@login_required
def evidence_file(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    try:
        # Streamed as it is read, from the disk or the bucket: the bucket itself is never shown to the browser.
        handle = open_stream(evidence.file.storage, evidence.file.name)
    except FileNotFoundError:
        raise Http404("file missing") from None
    # The name's extension is the type's: a file stored before names were made safe may still say ".html".
    filename = evidence_rules.safe_name(evidence.original_name, evidence.content_type)
    response = FileResponse(handle, content_type=evidence.content_type, filename=filename)
    response.setdefault("Content-Length", str(handle.size))
    response["Cache-Control"] = "private, max-age=3600"
    if evidence.content_type.startswith("image/"):
        # An image shown on its own needs nothing else; a PDF is left to the browser's viewer, which
        # a strict policy can break.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@require_GET
@login_required
def evidence_thumbnail(request, pk: int):
    """A photo's thumbnail for the month and report pages, made from the stored copy (a PDF has none: 404)."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    if not evidence.is_image:
        raise Http404("no thumbnail")
    try:
        with evidence.file.open("rb") as handle:
            small = evidence_rules.thumbnail(handle)
    except (FileNotFoundError, OSError):
        raise Http404("file missing") from None
    if small is None:
        raise Http404("not a readable image")
    response = HttpResponse(small, content_type="image/jpeg")
    # The stored copy never changes (a new photo is a new row), so the browser may keep it a day.
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_POST
@login_required
def evidence_delete(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related("progress__activity__plan"), pk=pk
    )
    entry = evidence.progress
    plan, month = entry.activity.plan, entry.month
    require_month_owner(plan, month, request.user)
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except (WorkflowError, PermissionDenied) as refusal:
        message = "; ".join(refusal.problems) if isinstance(refusal, WorkflowError) else str(refusal)
        if is_htmx(request):
            card = Card(selectors.month_row(plan, month, entry.activity_id), state=Card.REFUSED)
            card.message = message
            return _render_card(request, plan, month, card, REFUSED)
        messages.error(request, message)
        return redirect(_month_url(plan, month, f"activity-{entry.activity_id}"))
    if is_htmx(request):
        card = Card(selectors.month_row(plan, month, entry.activity_id), state=Card.SAVED)
        return _render_card(request, plan, month, card)
    messages.success(request, _("File removed: %(name)s") % {"name": evidence.original_name})
    return redirect(_month_url(plan, month, f"activity-{entry.activity_id}"))


def _report_context(request, plan: WorkPlan, month: int, **extra) -> dict:
    page = selectors.month_rows(plan, month)
    access = month_access(request.user, plan, month)
    warnings = rules.submit_warnings(plan, month, page.unreported)
    postpone_form = PostponeForm(unreported=page.unreported)
    kept = kept_form_data(request, _kept_key(plan, month)) if request.method == "GET" else None
    if kept is not None:
        postpone_form = PostponeForm(kept[0], unreported=page.unreported)
    context = {
        "plan": plan,
        "month": month,
        "page": page,
        "access": access,
        "report": access.report,
        "next_month": month + 1 if month < 12 else None,
        "next_activities": selectors.next_month_activities(plan, month, access.report),
        "postpone_form": postpone_form,
        "form": ReportSubmitForm(instance=access.report, warnings=warnings),
    }
    context.update(extra)
    context["error_summary"] = error_summary(context["postpone_form"], context["form"])
    return context


def _kept_key(plan: WorkPlan, month: int) -> str:
    return f"month-{plan.pk}-{month}"


@require_http_methods(["GET", "POST"])
@login_required
def month_report(request, pk: int, month: int):
    """Review a month and submit its report."""
    plan = visible_plan(request.user, pk)
    month = _check_month(month)
    if request.method == "GET":
        return render(request, "pillars/report_submit.html", _report_context(request, plan, month))
    require_month_owner(plan, month, request.user)  # 403 for a reviewer before any form is read
    report = plan.reports.filter(month=month).first()
    refusal = rules.month_lock_reason(plan, month, report)
    if refusal is not None:
        context = _report_context(request, plan, month, refusal=[refusal])
        return render(request, "pillars/report_submit.html", context, status=REFUSED)
    warnings = rules.submit_warnings(plan, month, selectors.month_rows(plan, month).unreported)
    form = ReportSubmitForm(request.POST, instance=report, warnings=warnings)
    if not form.is_valid():
        context = _report_context(request, plan, month, form=form)
        return render(request, "pillars/report_submit.html", context, status=INVALID)
    try:
        services.report_submit(
            plan=plan,
            month=month,
            by=request.user,
            summary=form.cleaned_data["summary"],
            next_month_plan=form.cleaned_data["next_month_plan"],
        )
    except WorkflowError as refusal:
        context = _report_context(request, plan, month, form=form, refusal=refusal.problems)
        return render(request, "pillars/report_submit.html", context, status=REFUSED)
    messages.success(request, _("The report is submitted; the month is now locked."))
    return redirect(_month_url(plan, month))


@require_POST
@login_required
def month_postpone(request, pk: int, month: int):
    plan = visible_plan(request.user, pk)
    month = _check_month(month)
    require_month_owner(plan, month, request.user)
    page = selectors.month_rows(plan, month)
    form = PostponeForm(request.POST, unreported=page.unreported)
    report_url = reverse("pillars:month-report", args=[plan.pk, month])
    if not form.is_valid():
        # Back to the report page (this URL answers POST only), with the choice kept and the error at the top.
        return keep_form(request, _kept_key(plan, month), form, report_url)
    try:
        count = services.mark_postponed(
            plan=plan, month=month, activities=list(form.cleaned_data["activities"]), by=request.user
        )
    except WorkflowError as refusal:
        for problem in refusal.problems:
            messages.error(request, problem)
        return redirect(report_url)
    messages.success(request, _("%(count)s activities marked as postponed.") % {"count": count})
    return redirect("pillars:month-report", pk=plan.pk, month=month)

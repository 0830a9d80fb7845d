"""The person's notifications: the list (newest first, unread marked), opening one (read, then its page), and
marking them read. Everything goes through ``Notification.objects.visible_to``: another person's is 404."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.forms import ProfileForm
from notifications.messages import Message, message, out_of_sight
from notifications.models import Notification
from pillars.models import WorkPlan
from villages.scope import viewer_for


@dataclass(frozen=True)
class Row:
    notification: Notification
    message: Message


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)


@require_GET
@login_required
def notification_list(request):
    notifications = Notification.objects.visible_to(request.user).only(
        "pk", "kind", "params", "created_at", "read_at", "link"
    )
    page = Paginator(notifications, settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # What the person was told of a plan stays theirs only while they see the plan (a coordinator moved to another
    # area keeps the line, not the names and comments of the old one).
    plans = {n.params["plan"] for n in shown if "plan" in n.params}
    seen = set(WorkPlan.objects.visible_to(request.user).filter(pk__in=plans).values_list("pk", flat=True))
    hidden = {n.pk for n in shown if "plan" in n.params and n.params["plan"] not in seen}
    rows = [Row(n, out_of_sight() if n.pk in hidden else message(n)) for n in shown]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@require_GET
@login_required
def notification_open(request, pk):
    """Mark it read and go to the page it is about."""
    notification = _own(request, pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    link = notification.link
    if not link.startswith("/") or not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(link)


@require_POST
@login_required
def notification_read(request, pk):
    notification = _own(request, pk)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    Notification.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:list")


def _role(viewer) -> str:
    """The person's role in words: their companion role, their office (a village official's, "Kepala Desa Bleberan"),
    or Administrator."""
    if viewer.companion:
        return viewer.companion.get_role_display()
    if viewer.official:
        return viewer.official.office
    return _("Administrator") if viewer.is_admin else ""


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    """The person's own page: their role, scope and villages (set by an admin), and what they may change: e-mail,
    phone, the language of their messages and which notifications are also e-mailed."""
    # A POST is a bound form even when empty (``request.POST or None`` would show it as if nothing was sent).
    form = ProfileForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    viewer = viewer_for(request.user)
    companion = viewer.companion
    context = {
        "form": form,
        "kind_fields": form.kind_fields(),
        "companion": companion,
        "role": _role(viewer),
        "scope": companion.scope_region if companion and companion.scope_region_id else None,
        "villages": list(companion.villages.order_by("code")) if companion else [],
        "email_on": settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend",
    }
    # A form with errors is shown again as 422, like every other form of the app.
    status = HTTPStatus.UNPROCESSABLE_ENTITY if form.is_bound else HTTPStatus.OK
    return render(request, "notifications/profile.html", context, status=status)

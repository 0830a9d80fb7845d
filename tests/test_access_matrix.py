"""Every URL of the project, requested by every kind of person, GET and POST.

The routes come from the URL resolver, so a new view cannot escape this table: a route missing from
EXPECTED fails the test. Anonymous visitors are sent to a login page, people outside the object's scope
get 404, people in scope who may not act get 403, a wrong method gets 405.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from jobs.models import Job
from notifications.models import Kind, Notification
from pillars import services
from pillars.models import ActivityComment, Evidence, MonthlyReport, WorkPlan
from tests.factories import ActivityFactory, PlanFactory, ProgressFactory, UserFactory, VillageOfficialFactory, region
from villages.models import VillageOfficial

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other", "coordinator", "outsider", "admin", "village_head", "camat")
L = "login"  # a redirect to a login page
R = "redirect"  # a redirect elsewhere (done, or refused with a message on the page it leads to)


def routes(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            names += routes(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern):
            # An unnamed route of ours shows up as such and fails the table check: every view gets a name.
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.append(f"{namespace}:{name}" if namespace else name)
    return names


@dataclass
class World:
    draft: WorkPlan
    plan: WorkPlan  # approved, with progress, evidence and a submitted report for January
    users: dict
    job: Job  # the owner's, done, with a file to download
    notification: Notification  # the owner's, unread

    def kwargs(self, name: str) -> dict:
        draft_activity = self.draft.activities.first()
        activity = self.plan.activities.first()
        evidence = Evidence.objects.get()
        report = MonthlyReport.objects.get(plan=self.plan, month=1)
        # A thread on the plan in force: the officials reading it are answered 404 (the review is not theirs to see).
        comment = ActivityComment.objects.get(activity=activity)
        by_name = {
            "pillars:plan-detail": {"pk": self.draft.pk},
            "pillars:plan-start-next": {"pk": self.plan.pk},
            "pillars:plan-edit": {"pk": self.draft.pk},
            "pillars:plan-submit": {"pk": self.draft.pk},
            "pillars:plan-approve": {"pk": self.draft.pk},
            "pillars:plan-return": {"pk": self.draft.pk},
            "pillars:plan-reopen": {"pk": self.plan.pk},
            "pillars:plan-handover": {"pk": self.plan.pk},
            "pillars:plan-version": {"pk": self.plan.pk, "revision": 0},
            "pillars:plan-history": {"pk": self.plan.pk},
            "pillars:activity-add": {"pk": self.draft.pk},
            "pillars:activity-edit": {"pk": self.draft.pk, "activity_pk": draft_activity.pk},
            "pillars:activity-delete": {"pk": self.draft.pk, "activity_pk": draft_activity.pk},
            "pillars:activity-move": {"pk": self.draft.pk, "activity_pk": draft_activity.pk},
            "pillars:activity-history": {"pk": self.plan.pk, "activity_pk": activity.pk},
            "pillars:comment-reply": {"pk": self.plan.pk, "comment_pk": comment.pk},
            "pillars:comment-resolve": {"pk": self.plan.pk, "comment_pk": comment.pk},
            "pillars:comment-reopen": {"pk": self.plan.pk, "comment_pk": comment.pk},
            "pillars:plan-months": {"pk": self.plan.pk},
            "pillars:plan-month": {"pk": self.plan.pk, "month": 2},
            "pillars:progress-save": {"pk": self.plan.pk, "month": 2, "activity_pk": activity.pk},
            "pillars:month-report": {"pk": self.plan.pk, "month": 2},
            "pillars:month-postpone": {"pk": self.plan.pk, "month": 2},
            "pillars:month-note": {"pk": self.plan.pk, "month": 2},
            "pillars:evidence-file": {"pk": evidence.pk},
            "pillars:evidence-thumbnail": {"pk": evidence.pk},
            "pillars:evidence-delete": {"pk": evidence.pk},
            "pillars:report-detail": {"pk": report.pk},
            "pillars:report-acknowledge": {"pk": report.pk},
            "pillars:report-return": {"pk": report.pk},
            "pillars:report-reopen": {"pk": report.pk},
            "pillars:plan-quarter": {"pk": self.plan.pk, "quarter": 1},
            "pillars:quarter-submit": {"pk": self.plan.pk, "quarter": 1},
            "pillars:quarter-acknowledge": {"pk": self.plan.pk, "quarter": 1},
            "pillars:quarter-return": {"pk": self.plan.pk, "quarter": 1},
            "pillars:plan-year": {"pk": self.plan.pk},
            "reports:quarter-pdf": {"pk": self.plan.pk, "quarter": 1},
            "reports:quarter-xlsx": {"pk": self.plan.pk, "quarter": 1},
            "reports:year-pdf": {"pk": self.plan.pk},
            "reports:year-xlsx": {"pk": self.plan.pk},
            "reports:quarter-recap": {"year": 2025, "quarter": 1},
            "reports:quarter-recap-xlsx": {"year": 2025, "quarter": 1},
            "reports:village-detail": {"code": "34.03.01.2001"},
            "reports:plan-pdf": {"pk": self.plan.pk},
            "reports:plan-xlsx": {"pk": self.plan.pk},
            "reports:month-pdf": {"pk": self.plan.pk, "month": 1},
            "reports:month-docx": {"pk": self.plan.pk, "month": 1},
            "reports:plan-upload": {"pk": self.draft.pk},
            "reports:plan-upload-confirm": {"pk": self.draft.pk},
            "reports:recap-xlsx": {"year": 2026},
            "reports:plan-pdf-job": {"pk": self.plan.pk},
            "reports:month-pdf-job": {"pk": self.plan.pk, "month": 1},
            "jobs:detail": {"pk": self.job.pk},
            "jobs:download": {"pk": self.job.pk},
            "jobs:retry": {"pk": self.job.pk},
            "notifications:open": {"pk": self.notification.pk},
            "notifications:read": {"pk": self.notification.pk},
            # A link whose token is wrong: the page that says so, for everyone.
            "password_reset_confirm": {"uidb64": "MQ", "token": "abc-123"},
        }
        return by_name.get(name, {})


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(cast, settings, tmp_path, clock) -> World:
    settings.MEDIA_ROOT = tmp_path
    owner = cast.plan.companion
    draft_activity = ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"))
    ActivityComment.objects.create(activity=draft_activity, author=cast.coordinator, text="Tambah target.")
    approved = PlanFactory(companion=owner, year=2025)
    activity = ActivityFactory(plan=approved, months=(1, 2, 3))
    services.plan_submit(plan=approved, by=cast.companion)
    services.plan_approve(plan=approved, by=cast.coordinator)
    ActivityComment.objects.create(activity=activity, author=cast.coordinator, text="Tambah target.")
    entry = ProgressFactory(activity=activity, month=1)
    evidence = Evidence(progress=entry, original_name="foto.png", content_type="image/png", size=100)
    evidence.file.save("upload", ContentFile(png()), save=False)
    evidence.save()
    MonthlyReport.objects.create(plan=approved, month=1, status=MonthlyReport.Status.SUBMITTED)
    users = {
        "anonymous": None,
        "owner": cast.companion,
        "other": cast.other_companion,
        "coordinator": cast.coordinator,
        "outsider": cast.outsider,
        "admin": cast.admin,
        # The Kepala Desa of one of the approved plan's villages, and the Camat of its kecamatan: they read it (not
        # the draft), and write nothing but a note on a month.
        "village_head": VillageOfficialFactory(user=UserFactory(username="kades")).user,
        "camat": VillageOfficialFactory(
            user=UserFactory(username="camat"), kind=VillageOfficial.Kind.CAMAT, region=region("34.03.01")
        ).user,
    }
    job = Job.objects.create(
        owner=cast.companion, kind="plan_pdf", title="RKT", status=Job.Status.DONE, result_name="rkt.pdf"
    )
    job.result_file.save("rkt.pdf", ContentFile(b"%PDF-1.4"))
    notification = Notification.objects.create(
        recipient=cast.companion,
        kind=Kind.PLAN_APPROVED,
        link=approved.get_absolute_url(),
        params={"year": 2025, "actor": "koord"},
        created_at=clock.now,
    )
    return World(draft=cast.plan, plan=approved, users=users, job=job, notification=notification)


def outcome(response) -> str | int:
    if response.status_code == 302:
        location = response.headers["Location"]
        return L if "/login/" in location else R
    return response.status_code


# (GET, POST) outcome per role, in ROLES order: anonymous, owner, other, coordinator, outsider, admin, village_head,
# camat. The owner is the companion of both plans; "other" a companion of the same kabupaten; "outsider" the
# coordinator of another kabupaten; "admin" a superuser (who sees everything but writes no plan); "village_head" the
# Kepala Desa of one of the approved plan's villages and "camat" the Camat of its kecamatan (they read the approved
# plan, never the draft, and write nothing but month notes).
# Empty POSTs: a 4xx between 400 and 422 is a form error shown beside the field; R is a redirect back
# with a message (a refused or a completed transition), or, for a decision posted to a URL of its own, back
# to its page with the form kept and its errors at the top.
EXPECTED = {
    "home": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "login": ((200, R, R, R, R, R, R, R), (200, R, R, R, R, R, R, R)),
    "logout": ((405, 405, 405, 405, 405, 405, 405, 405), (L, L, L, L, L, L, L, L)),
    "password_change": ((L, 200, 200, 200, 200, 200, 200, 200), (L, 200, 200, 200, 200, 200, 200, 200)),
    "password_change_done": ((L, 200, 200, 200, 200, 200, 200, 200), (L, 405, 405, 405, 405, 405, 405, 405)),
    # Password reset: open to everyone, signed in or not; an empty request is a form error on the page.
    "password_reset": ((200, 200, 200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200, 200, 200)),
    "password_reset_done": ((200, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "password_reset_confirm": ((200, 200, 200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200, 200, 200)),
    "password_reset_complete": ((200, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "profile": ((L, 200, 200, 200, 200, 200, 200, 200), (L, 422, 422, 422, 422, 422, 422, 422)),
    "set_language": ((R, R, R, R, R, R, R, R), (R, R, R, R, R, R, R, R)),
    # The installable app: the worker, the manifest and the page shown offline name nobody; the list of pages a
    # phone keeps is the person's own.
    "service-worker": ((200, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "manifest": ((200, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "offline": ((200, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "offline-pages": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:plan-list": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:plan-detail": ((L, 200, 404, 200, 404, 200, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:plan-start": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, R, 403, 403, 403, 403, 403)),
    "pillars:plan-start-next": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 403, 403)),
    "pillars:plan-edit": ((L, 200, 404, 403, 404, 403, 404, 404), (L, 422, 404, 403, 404, 403, 404, 404)),
    "pillars:plan-submit": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 404, 404)),
    "pillars:plan-approve": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 404, 404)),
    "pillars:plan-return": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, 403, 404, 403, 404, 404)),
    "pillars:plan-reopen": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 403, 403)),
    "pillars:plan-handover": ((L, 403, 404, 200, 404, 200, 403, 403), (L, 403, 404, 422, 404, 422, 403, 403)),
    "pillars:plan-version": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    # The history pages are the companion's and the reviewers' record: a village official is answered 404.
    "pillars:plan-history": ((L, 200, 404, 200, 404, 200, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:activity-add": ((L, 200, 404, 403, 404, 403, 404, 404), (L, 422, 404, 403, 404, 403, 404, 404)),
    "pillars:activity-edit": ((L, 200, 404, 403, 404, 403, 404, 404), (L, 422, 404, 403, 404, 403, 404, 404)),
    "pillars:activity-delete": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 404, 404)),
    "pillars:activity-move": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 422, 404, 403, 404, 403, 404, 404)),
    "pillars:activity-history": ((L, 200, 404, 200, 404, 200, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    # A comment thread: the plan's companion and a reviewer in scope answer it; an empty reply, or resolving twice,
    # is refused with a message on the page it came from. A village official reading the plan is answered 404.
    "pillars:comment-reply": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, R, 404, R, 404, 404)),
    "pillars:comment-resolve": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, R, 404, R, 404, 404)),
    "pillars:comment-reopen": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, R, 404, R, 404, 404)),
    "pillars:plan-months": ((L, R, 404, R, 404, R, R, R), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:plan-month": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:progress-save": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 422, 404, 403, 404, 403, 403, 403)),
    "pillars:month-report": ((L, 200, 404, 200, 404, 200, 200, 200), (L, 422, 404, 403, 404, 403, 403, 403)),
    # A note on a month: only a village official who reads the plan writes one; an empty note is a form error.
    "pillars:month-note": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, 403, 404, 403, 422, 422)),
    "pillars:month-postpone": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 403, 403)),
    "pillars:evidence-file": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:evidence-thumbnail": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:evidence-delete": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 403, 403)),
    "pillars:report-queue": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:report-detail": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:report-acknowledge": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 403, 403)),
    "pillars:report-return": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 403, 403)),
    "pillars:report-reopen": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 403, 403)),
    "pillars:completeness": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    # A quarter (triwulan) of the approved 2025 plan, over: the companion submits its narrative, a reviewer in scope
    # decides (an empty return is the form's error on the page; acknowledging what was never submitted is refused
    # with a message).
    "pillars:plan-quarter": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:plan-year": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "pillars:quarter-submit": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 403, 403)),
    "pillars:quarter-acknowledge": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, R, 404, R, 403, 403)),
    "pillars:quarter-return": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 403, 404, 422, 404, 422, 403, 403)),
    "villages:data-import": ((L, 404, 404, 200, 200, 200, 404, 404), (L, 404, 404, 422, 422, 422, 404, 404)),
    "villages:data-import-confirm": ((405, 405, 405, 405, 405, 405, 405, 405), (L, 404, 404, R, R, R, 404, 404)),
    "villages:data-template": ((L, 404, 404, R, R, R, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:village-list": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:village-detail": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:plan-pdf": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:plan-xlsx": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:month-pdf": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:month-docx": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:plan-upload": ((L, 200, 404, 403, 404, 403, 404, 404), (L, 422, 404, 403, 404, 403, 404, 404)),
    "reports:plan-upload-confirm": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 403, 404, 403, 404, 404)),
    "reports:recap-xlsx": ((L, 404, 404, 200, 200, 200, 404, 404), (L, 404, 404, R, R, R, 404, 404)),
    "reports:quarter-pdf": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:quarter-xlsx": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:year-pdf": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:year-xlsx": ((L, 200, 404, 200, 404, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    # The quarterly recap of the reviewer's scope: the page, and its workbook made as a job.
    "reports:quarter-recap": ((L, 404, 404, 200, 200, 200, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "reports:quarter-recap-xlsx": ((L, 404, 404, 200, 200, 200, 404, 404), (L, 404, 404, R, R, R, 404, 404)),
    "reports:plan-pdf-job": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, R, 404, R, R, R)),
    "reports:month-pdf-job": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, R, 404, R, R, R)),
    # A job is its owner's alone: to anyone else, coordinators and admins included, it does not exist.
    "jobs:list": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "jobs:detail": ((L, 200, 404, 404, 404, 404, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "jobs:download": ((L, 200, 404, 404, 404, 404, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "jobs:retry": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 404, 404, 404, 404, 404)),
    # A notification is its recipient's alone, as a job is; marking all read marks one's own.
    "notifications:list": ((L, 200, 200, 200, 200, 200, 200, 200), (405, 405, 405, 405, 405, 405, 405, 405)),
    "notifications:open": ((L, R, 404, 404, 404, 404, 404, 404), (405, 405, 405, 405, 405, 405, 405, 405)),
    "notifications:read": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, 404, 404, 404, 404, 404, 404)),
    "notifications:read-all": ((405, 405, 405, 405, 405, 405, 405, 405), (L, R, R, R, R, R, R, R)),
}

# Django admin: everyone but staff is sent to the admin login; its own login page answers everyone, and its
# logout sends a non-staff visitor to the admin index (which sends them to the login).
ADMIN_OPEN = {"admin:login"}
ADMIN_BOUNCE = {"admin:logout": "/admin/"}
ADMIN_KWARGS = {
    "object_id": "1",
    "id": "1",
    "app_label": "pillars",
    "content_type_id": "1",
    "url": "x",
    "history_id": "1",
}


def admin_url(name: str) -> str:
    pattern = next(p for p in _admin_patterns() if f"admin:{p.name}" == name)
    regex = pattern.pattern.regex
    if regex.groups and not regex.groupindex:  # re_path with positional groups (django-simple-history)
        return reverse(name, args=["1"] * regex.groups)
    return reverse(name, kwargs={key: value for key, value in ADMIN_KWARGS.items() if key in regex.groupindex})


def _admin_patterns():
    from django.contrib import admin

    found = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                found.append(pattern)

    walk(admin.site.urls[0])
    return found


def request(client: Client, method: str, url: str):
    # Each request in its own rolled-back transaction: one person's POST must not change the state the
    # next request meets.
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def clients(world: World, cast) -> dict[str, Client]:
    return {role: cast.client_for(user) if user else Client() for role, user in world.users.items()}


def test_every_route_of_the_project_is_in_the_table():
    ours = {name for name in routes() if not name.startswith("admin:")}
    assert sorted(ours - set(EXPECTED)) == [], "add the new route to EXPECTED"
    assert sorted(set(EXPECTED) - ours) == [], "a route in EXPECTED no longer exists"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_route_answers_each_person_as_declared(name, world, cast):
    url = reverse(name, kwargs=world.kwargs(name))
    people = clients(world, cast)
    actual = tuple(tuple(outcome(request(people[role], method, url)) for role in ROLES) for method in ("get", "post"))
    assert actual == EXPECTED[name]


def test_no_admin_page_opens_for_anyone_but_staff(world, cast):
    people = clients(world, cast)
    for name in routes():
        if not name.startswith("admin:") or name in ADMIN_OPEN or "<unnamed" in name:
            continue  # unnamed admin routes are Django's redirects and catch-all
        url = admin_url(name)
        for role in ("anonymous", "owner", "other", "coordinator", "outsider", "village_head", "camat"):
            for method in ("get", "post"):
                response = request(people[role], method, url)
                location = response.headers.get("Location", "")
                expected = ADMIN_BOUNCE.get(name)
                assert response.status_code == 302 and (location == expected or "/admin/login/" in location), (
                    name,
                    role,
                    method,
                    response.status_code,
                )

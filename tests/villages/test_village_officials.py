"""Village officials (Kepala Desa, Lurah, Camat): what they read, that they write nothing but month notes, and the
notes themselves.

The world: the cast's companion ``pld`` works in 34.03.01.2001 and 34.03.01.2002, ``pld2`` in 34.03.02.2001 (the next
kecamatan), ``pld_kp`` in Kulon Progo. The Kepala Desa heads 34.03.01.2001, the Camat the kecamatan 34.03.01.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Kind, Notification
from pillars import services
from pillars.access import month_access, plan_for
from pillars.models import (
    Activity,
    ActivityComment,
    Evidence,
    MonthlyProgress,
    MonthlyReport,
    MonthNote,
    WorkflowEvent,
    WorkPlan,
)
from tests.clock import local
from tests.factories import (
    ActivityFactory,
    CompanionFactory,
    PlanFactory,
    ProgressFactory,
    UserFactory,
    VillageOfficialFactory,
    region,
)
from tests.reports.exports_helpers import pdf_text
from villages.models import Companion, Region, VillageData, VillageOfficial
from villages.scope import viewer_for

pytestmark = pytest.mark.django_db


@dataclass
class Village:
    kades: object  # the Kepala Desa of 34.03.01.2001
    camat: object  # the Camat of 34.03.01
    plan: WorkPlan  # pld's 2026 plan, approved, with an activity scheduled in January to April and an entry in January
    activity: Activity


def approve(plan: WorkPlan, cast) -> WorkPlan:
    """``plan`` submitted and approved by the coordinator (with an activity, if it had none)."""
    if not plan.activities.exists():
        ActivityFactory(plan=plan)
    services.plan_submit(plan=plan, by=plan.companion.user)
    services.plan_approve(plan=plan, by=cast.coordinator)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def village(cast, clock) -> Village:
    activity = ActivityFactory(plan=cast.plan, village=region("34.03.01.2001"), months=(1, 2, 3, 4))
    approve(cast.plan, cast)
    ProgressFactory(activity=activity, month=1)
    Region.objects.filter(code="34.03.01.2001").update(name="Bleberan")
    Region.objects.filter(code="34.03.01").update(name="Playen")
    kades = VillageOfficialFactory(user=UserFactory(username="kades", first_name="Sugeng", last_name="Riyanto"))
    camat = VillageOfficialFactory(
        user=UserFactory(username="camat", first_name="Endang", last_name="Purwaningsih"),
        kind=VillageOfficial.Kind.CAMAT,
        region=region("34.03.01"),
    )
    return Village(kades=kades.user, camat=camat.user, plan=cast.plan, activity=activity)


def visible_plans(user) -> set[int]:
    return set(WorkPlan.objects.visible_to(user).values_list("pk", flat=True))


# --- The account ---------------------------------------------------------------------------------------------------


def test_a_kepala_desa_heads_a_village_and_a_camat_a_kecamatan(cast):
    user = UserFactory(username="someone")
    with pytest.raises(ValidationError, match="kecamatan"):
        VillageOfficial(user=user, kind=VillageOfficial.Kind.CAMAT, region=region("34.03.01.2001")).full_clean()
    with pytest.raises(ValidationError, match="village"):
        VillageOfficial(user=user, kind=VillageOfficial.Kind.KADES, region=region("34.03.01")).full_clean()
    VillageOfficial(user=user, kind=VillageOfficial.Kind.LURAH, region=region("34.03.01.2001")).full_clean()


def test_the_database_refuses_a_camat_of_a_village(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageOfficial.objects.create(
            user=UserFactory(username="someone"), kind=VillageOfficial.Kind.CAMAT, region=region("34.03.01.2001")
        )


def test_the_official_names_their_office(village):
    official = VillageOfficial.objects.select_related("region").get(user=village.kades)
    assert official.office == "Kepala Desa Bleberan"
    assert VillageOfficial.objects.get(user=village.camat).office == "Camat Playen"


def test_an_official_is_neither_reviewer_nor_companion(village):
    viewer = viewer_for(village.kades)
    assert viewer.is_village_official and viewer.watches == "34.03.01.2001"
    assert not (viewer.is_reviewer or viewer.is_companion or viewer.is_coordinator or viewer.is_admin)
    assert not viewer_for(village.plan.companion.user).is_village_official


# --- What they read ------------------------------------------------------------------------------------------------


def test_a_village_head_sees_only_plans_in_force_touching_their_village(village, cast):
    draft_here = PlanFactory(
        companion=CompanionFactory(villages=[region("34.03.01.2001")]), villages=[region("34.03.01.2001")]
    )
    neighbour = approve(
        PlanFactory(companion=CompanionFactory(villages=[region("34.03.01.2002")]), villages=[region("34.03.01.2002")]),
        cast,
    )
    ActivityFactory(plan=draft_here)
    assert visible_plans(village.kades) == {village.plan.pk}
    assert draft_here.pk not in visible_plans(village.kades) and neighbour.pk not in visible_plans(village.kades)
    assert set(Region.objects.visible_to(village.kades).values_list("code", flat=True)) == {"34.03.01.2001"}


def test_a_plan_reopened_for_a_revision_stays_visible_as_the_approved_version(village, cast, clock):
    services.plan_reopen(plan=village.plan, by=cast.coordinator, reason="Tambah kegiatan BUMDes.")
    assert village.plan.pk in visible_plans(village.kades)
    response = cast.client_for(village.kades).get(reverse("pillars:plan-detail", args=[village.plan.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("pillars:plan-version", args=[village.plan.pk, 0])


SECRET = "SECRET DRAFT TITLE"


@pytest.fixture
def revision(village, cast) -> Activity:
    """``village.plan`` reopened, its activity's pending copy renamed, a comment on it and one on the approved
    activity, the return reason in the workflow log: the revision's draft, which no official may read."""
    ActivityComment.objects.create(activity=village.activity, author=cast.coordinator, text="Komentar peninjauan.")
    services.plan_reopen(plan=village.plan, by=cast.coordinator, reason="Alasan pembukaan kembali.")
    village.plan.refresh_from_db()
    copy = village.plan.activities.get(pending=True, revises=village.activity)
    copy.title = SECRET
    return services.activity_save(activity=copy, by=cast.companion, version=copy.version)


def test_an_official_reads_no_activity_of_a_revision_being_written(village, revision):
    for official in (village.kades, village.camat):
        visible = Activity.objects.visible_to(official)
        assert list(visible.values_list("pk", flat=True)) == [village.activity.pk]
        assert not visible.filter(title=SECRET).exists()
    assert Activity.objects.visible_to(village.plan.companion.user).filter(pk=revision.pk).exists()


@pytest.mark.parametrize("who", ["kades", "camat"])
def test_the_history_pages_answer_an_official_404(village, revision, cast, who):
    client = cast.client_for(getattr(village, who))
    plan = village.plan.pk
    urls = [
        reverse("pillars:plan-history", args=[plan]),
        reverse("pillars:activity-history", args=[plan, village.activity.pk]),
        reverse("pillars:activity-history", args=[plan, revision.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    companion = cast.client_for(cast.companion).get(reverse("pillars:activity-history", args=[plan, revision.pk]))
    assert companion.status_code == 200 and SECRET in companion.content.decode()


@pytest.mark.parametrize("who", ["kades", "camat"])
def test_the_revision_appears_nowhere_an_official_can_open(village, revision, cast, who):
    client = cast.client_for(getattr(village, who))
    plan = village.plan.pk
    report = MonthlyReport.objects.create(plan=village.plan, month=1, status=MonthlyReport.Status.SUBMITTED)
    pages = {
        "plan": client.get(reverse("pillars:plan-detail", args=[plan]), follow=True),
        "version": client.get(reverse("pillars:plan-version", args=[plan, 0])),
        "month": client.get(reverse("pillars:plan-month", args=[plan, 2])),
        "report": client.get(reverse("pillars:report-detail", args=[report.pk])),
        "quarter": client.get(reverse("pillars:plan-quarter", args=[plan, 1])),
        "year": client.get(reverse("pillars:plan-year", args=[plan])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = response.content.decode()
        assert SECRET not in page, name
        assert "Komentar peninjauan." not in page and "Alasan pembukaan kembali." not in page, name
        assert reverse("pillars:plan-history", args=[plan]) not in page, name
    for name in ("month", "report"):
        assert village.activity.title in pages[name].content.decode(), name
    pdf = client.get(reverse("reports:plan-pdf", args=[plan]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert village.activity.title in text and SECRET not in text


def test_an_approved_plan_shows_an_official_neither_the_workflow_log_nor_the_threads(village, cast):
    ActivityComment.objects.create(activity=village.activity, author=cast.coordinator, text="Komentar peninjauan.")
    url = reverse("pillars:plan-detail", args=[village.plan.pk])
    page = cast.client_for(village.kades).get(url).content.decode()
    assert village.activity.title in page
    assert "Komentar peninjauan." not in page
    assert reverse("pillars:plan-history", args=[village.plan.pk]) not in page
    assert reverse("pillars:activity-history", args=[village.plan.pk, village.activity.pk]) not in page
    coordinator = cast.client_for(cast.coordinator).get(url).content.decode()
    assert (
        "Komentar peninjauan." in coordinator and reverse("pillars:plan-history", args=[village.plan.pk]) in coordinator
    )


def test_a_camat_sees_every_village_of_the_kecamatan_and_not_the_next_one(village, cast):
    other_village = approve(
        PlanFactory(companion=CompanionFactory(villages=[region("34.03.01.2003")]), villages=[region("34.03.01.2003")]),
        cast,
    )
    next_kecamatan = approve(cast.other_plan, cast)
    assert visible_plans(village.camat) == {village.plan.pk, other_village.pk}
    assert next_kecamatan.pk not in visible_plans(village.camat)
    codes = set(Region.objects.visible_to(village.camat).villages().values_list("code", flat=True))
    assert codes == {"34.03.01.2001", "34.03.01.2002", "34.03.01.2003"}
    assert set(Companion.objects.visible_to(village.camat).values_list("user__username", flat=True)) == {
        "pld",
        other_village.companion.user.username,
    }


def test_what_hangs_below_a_plan_follows_the_plan(village, cast):
    other = ActivityFactory(plan=cast.outside_plan)
    ProgressFactory(activity=other, month=1)
    MonthlyReport.objects.create(plan=village.plan, month=1, status=MonthlyReport.Status.SUBMITTED)
    for model in (Activity, MonthlyProgress, MonthlyReport, WorkflowEvent):
        plans = set(model.objects.visible_to(village.kades).values_list(_plan_path(model), flat=True))
        assert plans == {village.plan.pk}, model
    assert not Evidence.objects.visible_to(village.kades).exclude(progress__activity__plan=village.plan).exists()


def test_the_review_comment_threads_are_not_for_an_official(village, cast):
    comment = ActivityComment.objects.create(activity=village.activity, author=cast.coordinator, text="Tambah target.")
    ActivityComment.objects.create(
        activity=village.activity, author=cast.companion, parent=comment, kind=ActivityComment.Kind.REPLY, text="Baik."
    )
    assert not ActivityComment.objects.visible_to(village.kades).exists()
    assert not ActivityComment.objects.visible_to(village.camat).exists()
    assert ActivityComment.objects.visible_to(cast.coordinator).filter(pk=comment.pk).exists()
    assert ActivityComment.objects.visible_to(cast.companion).filter(pk=comment.pk).exists()


def _plan_path(model) -> str:
    return {MonthlyProgress: "activity__plan", Activity: "plan"}.get(model, "plan")


def test_nobody_elses_notifications_or_jobs_reach_an_official(village, cast, clock):
    Notification.objects.create(recipient=cast.companion, kind=Kind.PLAN_APPROVED, params={}, created_at=clock.now)
    from jobs.models import Job

    Job.objects.create(owner=cast.companion, kind="plan_pdf", title="RKT")
    assert not Notification.objects.visible_to(village.kades).exists()
    assert not Job.objects.visible_to(village.kades).exists()
    assert not VillageData.objects.visible_to(village.kades).exclude(village_id="34.03.01.2001").exists()


def test_every_flag_is_false_but_noting(village):
    plan, access = plan_for(village.kades, village.plan.pk)
    flags = ("is_owner", "is_reviewer", "can_edit", "can_review", "can_reopen", "can_discuss", "shows_next_step")
    assert not any(getattr(access, flag) for flag in flags)
    assert access.can_note
    assert not access.can_read_review
    assert plan_for(village.plan.companion.user, village.plan.pk)[1].can_read_review
    month = month_access(village.kades, plan, 2)
    assert not month.can_edit and month.can_note
    assert not plan_for(village.plan.companion.user, village.plan.pk)[1].can_note


# --- They write nothing else ----------------------------------------------------------------------------------------


def state() -> tuple:
    return (
        list(WorkPlan.objects.values_list("pk", "status", "version", "revision")),
        list(Activity.objects.values_list("pk", "version", "title")),
        list(MonthlyProgress.objects.values_list("pk", "version", "quantity")),
        list(MonthlyReport.objects.values_list("pk", "status")),
        WorkflowEvent.objects.count(),
        ActivityComment.objects.count(),
        Evidence.objects.count(),
    )


def test_every_write_endpoint_refuses_an_official_and_changes_nothing(village, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan, activity = village.plan, village.activity
    report = MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.SUBMITTED)
    comment = ActivityComment.objects.create(activity=activity, author=cast.coordinator, text="Tambah target.")
    entry = MonthlyProgress.objects.get(activity=activity, month=1)
    evidence = Evidence.objects.create(
        progress=entry, file="e/x.png", original_name="x.png", content_type="image/png", size=1
    )
    posts = [
        ("pillars:plan-start", [], {"year": 2027}),
        ("pillars:plan-start-next", [plan.pk], {}),
        ("pillars:plan-edit", [plan.pk], {"priorities": "x", "version": plan.version}),
        ("pillars:plan-submit", [plan.pk], {}),
        ("pillars:plan-approve", [plan.pk], {}),
        ("pillars:plan-return", [plan.pk], {"comment": "x"}),
        ("pillars:plan-reopen", [plan.pk], {"reason": "x"}),
        ("pillars:activity-add", [plan.pk], {"title": "x"}),
        ("pillars:activity-edit", [plan.pk, activity.pk], {"title": "x"}),
        ("pillars:activity-delete", [plan.pk, activity.pk], {}),
        ("pillars:activity-move", [plan.pk, activity.pk], {"direction": "up"}),
        ("pillars:comment-reply", [plan.pk, comment.pk], {"text": "Baik."}),
        ("pillars:comment-resolve", [plan.pk, comment.pk], {}),
        ("pillars:comment-reopen", [plan.pk, comment.pk], {}),
        ("pillars:progress-save", [plan.pk, 2, activity.pk], {"status": "done", "quantity": "1"}),
        ("pillars:month-report", [plan.pk, 2], {"summary": "x"}),
        ("pillars:month-postpone", [plan.pk, 2], {"activities": [activity.pk]}),
        ("pillars:evidence-delete", [evidence.pk], {}),
        ("pillars:report-acknowledge", [report.pk], {"note": "x"}),
        ("pillars:report-return", [report.pk], {"note": "x"}),
        ("pillars:report-reopen", [report.pk], {"note": "x"}),
        ("reports:plan-upload", [plan.pk], {}),
        ("reports:plan-upload-confirm", [plan.pk], {}),
        ("reports:recap-xlsx", [2026], {}),
        ("villages:data-import", [], {}),
        ("villages:data-import-confirm", [], {}),
    ]
    before = state()
    for user in (village.kades, village.camat):
        client = cast.client_for(user)
        for name, args, data in posts:
            response = client.post(reverse(name, args=args), data)
            assert response.status_code in (403, 404), (name, response.status_code)
    assert state() == before
    assert not MonthNote.objects.exists()


def test_the_service_refuses_an_official_directly(village):
    with pytest.raises(PermissionDenied):
        services.progress_save(
            activity=village.activity, month=2, values={"status": "done"}, version=0, files=[], by=village.kades
        )
    with pytest.raises(PermissionDenied):
        services.plan_reopen(plan=village.plan, by=village.kades, reason="x")


# --- Notes on a month ----------------------------------------------------------------------------------------------


def note_url(plan: WorkPlan, month: int) -> str:
    return reverse("pillars:month-note", args=[plan.pk, month])


def test_a_village_head_leaves_a_dated_note_and_the_companion_is_told(village, cast, clock):
    clock.set("2026-02-20 09:30")
    response = cast.client_for(village.kades).post(note_url(village.plan, 2), {"text": "  Musdes berjalan baik.  "})
    note = MonthNote.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("pillars:plan-month", args=[village.plan.pk, 2]) + f"#note-{note.pk}"
    assert (note.plan, note.month, note.author, note.text) == (village.plan, 2, village.kades, "Musdes berjalan baik.")
    assert note.created_at == local(2026, 2, 20, 9, 30)
    told = Notification.objects.get(kind=Kind.MONTH_NOTE)
    assert told.recipient == cast.companion and told.params["office"] == "Kepala Desa Bleberan"
    assert told.link.endswith(f"#note-{note.pk}")


@pytest.mark.parametrize("who", ["companion", "coordinator", "admin", "kades", "camat"])
def test_the_note_shows_on_the_month_with_date_author_and_office(village, cast, clock, who):
    clock.set("2026-02-20 09:30")
    services.month_note_add(plan=village.plan, month=2, text="Mohon dilanjutkan.", by=village.kades)
    user = getattr(village, who, None) or getattr(cast, who)
    page = cast.client_for(user).get(reverse("pillars:plan-month", args=[village.plan.pk, 2])).content.decode()
    assert "Mohon dilanjutkan." in page
    assert "Sugeng Riyanto, Kepala Desa Bleberan" in page
    assert "20 February 2026" in page
    # Only an official is offered the form.
    assert (note_url(village.plan, 2) in page) == (who in ("kades", "camat"))


def test_a_month_page_shows_an_official_entries_and_no_entry_form(village, cast):
    page = cast.client_for(village.kades).get(reverse("pillars:plan-month", args=[village.plan.pk, 1])).content.decode()
    assert reverse("pillars:progress-save", args=[village.plan.pk, 1, village.activity.pk]) not in page
    assert reverse("pillars:month-report", args=[village.plan.pk, 1]) + '"' not in page


def test_a_note_on_a_plan_they_do_not_see_is_404_and_nothing_is_saved(village, cast):
    approve(cast.other_plan, cast)
    for plan in (cast.other_plan, cast.outside_plan):
        response = cast.client_for(village.kades).post(note_url(plan, 2), {"text": "Catatan."})
        assert response.status_code == 404
    assert not MonthNote.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "it cannot be empty"), ("   ", "it cannot be empty"), ("x" * 1001, "at most 1000 characters")],
)
def test_an_empty_or_too_long_note_is_refused_with_a_message(village, cast, text, message):
    response = cast.client_for(village.kades).post(note_url(village.plan, 2), {"text": text})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not MonthNote.objects.exists() and not Notification.objects.filter(kind=Kind.MONTH_NOTE).exists()


def test_a_note_at_the_limit_is_kept(village, cast):
    assert cast.client_for(village.kades).post(note_url(village.plan, 3), {"text": "x" * 1000}).status_code == 302
    assert len(MonthNote.objects.get().text) == 1000


def test_nobody_but_an_official_notes_a_month(village, cast):
    for user in (cast.companion, cast.coordinator, cast.admin):
        assert cast.client_for(user).post(note_url(village.plan, 2), {"text": "x"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.month_note_add(plan=village.plan, month=2, text="x", by=user)
    assert not MonthNote.objects.exists()


def test_the_note_endpoint_wants_a_login_a_post_and_a_month(village, cast):
    from django.test import Client

    response = Client().post(note_url(village.plan, 2), {"text": "x"})
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert cast.client_for(village.kades).get(note_url(village.plan, 2)).status_code == 405
    assert cast.client_for(village.kades).post(note_url(village.plan, 13), {"text": "x"}).status_code == 404
    assert not MonthNote.objects.exists()


def test_a_camat_notes_a_month_of_a_plan_in_the_kecamatan(village, cast):
    assert cast.client_for(village.camat).post(note_url(village.plan, 4), {"text": "Bagus."}).status_code == 302
    note = MonthNote.objects.select_related("author__village_official__region").get()
    assert note.author_office == "Camat Playen"


# --- Their home ----------------------------------------------------------------------------------------------------


def test_the_home_shows_the_plans_in_force_with_months_and_documents(village, cast, clock):
    MonthlyReport.objects.create(
        plan=village.plan, month=1, status=MonthlyReport.Status.ACKNOWLEDGED, submitted_at=local(2026, 2, 2, 9)
    )
    page = cast.client_for(village.kades).get(reverse("home")).content.decode()
    assert "Kepala Desa Bleberan" in page
    assert village.plan.companion.display_name in page
    assert reverse("pillars:plan-month", args=[village.plan.pk, 1]) in page
    assert reverse("reports:plan-pdf", args=[village.plan.pk]) in page
    assert reverse("pillars:plan-detail", args=[cast.plan.pk]) in page
    # The top bar offers what they may open, and no companion's or reviewer's page.
    assert reverse("pillars:plan-list") in page
    assert reverse("pillars:report-queue") not in page and reverse("pillars:completeness") not in page


def test_the_home_says_when_no_plan_is_in_force(village, cast):
    page = cast.client_for(village.kades).get(reverse("home"), {"year": 2027}).content.decode()
    assert "No plan is in force here for 2027 yet." in page


def _grow(size: int, start: int, cast) -> None:
    for n in range(start, start + size):
        village = region(f"34.03.01.{3000 + n}", f"Desa {n}")
        companion = CompanionFactory(user=UserFactory(username=f"grown{n}"), villages=[village])
        plan = PlanFactory(companion=companion, villages=[village], status=WorkPlan.Status.APPROVED)
        activity = ActivityFactory(plan=plan, village=village)
        ProgressFactory(activity=activity, month=1)
        MonthlyReport.objects.create(plan=plan, month=1, status=MonthlyReport.Status.SUBMITTED)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_home_runs_as_many_queries_for_50_plans_as_for_5(village, cast):
    _grow(4, 0, cast)
    client = cast.client_for(village.camat)
    _queries(client)
    small = _queries(client)
    _grow(45, 4, cast)
    assert len(visible_plans(village.camat)) == 50
    assert _queries(client) == small


# --- Programme staff make the accounts ------------------------------------------------------------------------------


def test_programme_staff_create_an_official_in_the_admin_and_a_misfit_region_is_refused(village, cast):
    client = cast.client_for(cast.admin)
    add = reverse("admin:villages_villageofficial_add")
    assert client.get(reverse("admin:villages_villageofficial_changelist")).status_code == 200
    user = UserFactory(username="lurah")
    misfit = client.post(add, {"user": user.pk, "kind": "CAMAT", "region": "34.03.01.2001", "phone": ""})
    assert misfit.status_code == 200 and "A Camat heads a kecamatan" in misfit.content.decode()
    assert not VillageOfficial.objects.filter(user=user).exists()
    made = client.post(add, {"user": user.pk, "kind": "LURAH", "region": "34.03.01.2002", "phone": "0812 3456 7890"})
    assert made.status_code == 302
    assert VillageOfficial.objects.get(user=user).region_id == "34.03.01.2002"


def test_the_profile_names_the_office(village, cast):
    page = cast.client_for(village.kades).get(reverse("profile")).content.decode()
    assert "Kepala Desa Bleberan" in page


def test_the_completeness_page_offers_an_official_no_recap_they_may_not_make(village, cast):
    page = cast.client_for(village.camat).get(reverse("pillars:completeness")).content.decode()
    assert reverse("reports:recap-xlsx", args=[2026]) not in page
    assert (
        reverse("reports:recap-xlsx", args=[2026])
        in cast.client_for(cast.coordinator).get(reverse("pillars:completeness")).content.decode()
    )


def test_the_companion_reads_the_note_in_their_notifications(village, cast, clock):
    clock.set("2026-02-20 09:30")
    services.month_note_add(plan=village.plan, month=2, text="Mohon dilanjutkan.", by=village.kades)
    page = cast.client_for(cast.companion).get(reverse("notifications:list")).content.decode()
    assert "Sugeng Riyanto, Kepala Desa Bleberan, left a note on February 2026" in page
    assert "Mohon dilanjutkan." in page
    assert not Notification.objects.filter(recipient=cast.coordinator, kind=Kind.MONTH_NOTE).exists()

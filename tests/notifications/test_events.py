"""Each event of the workflow tells the right people and nobody else, in the app and by e-mail through a real SMTP
server: the coordinators in scope of a submitted plan or report, the companion of a decision on theirs (with the
comment), the other people of an answered thread, the owner of a finished job. Nobody is told of their own act; a
coordinator out of scope, another companion and the admin hear nothing."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from jobs import runner
from jobs.models import Job
from notifications.messages import message
from notifications.models import Kind, Notification
from pillars import services
from pillars.models import ActivityComment, MonthlyReport
from tests.factories import ActivityFactory, CoordinatorFactory, UserFactory, region
from tests.notifications.people import address, assert_links_to, choose, mailed, rows, with_addresses
from tests.pillars.progress_fixtures import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, clock, smtp):
    """The cast with addresses (the companion reads English, the coordinator Indonesian), a plan with an activity."""
    with_addresses(cast)
    cast.activity = ActivityFactory(plan=cast.plan, title="Rapat koordinasi", months=(1, 2), target_quantity=Decimal(4))
    return cast


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a service as a request does: the e-mails go out once its transaction commits."""

    def run(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**arguments)

    return run


def only(kind: str, *usernames: str) -> Counter:
    return Counter({(username, kind): 1 for username in usernames})


def written_in(language: str, notification: Notification) -> str:
    with translation.override(language):
        return f"[RKT] {message(notification).subject}"


# --- plans ---------------------------------------------------------------------------------------------------------


def test_a_submitted_plan_tells_the_coordinators_in_scope_and_nobody_else(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    assert rows() == only(Kind.PLAN_SUBMITTED, "koord")  # not koord_kp, pld2, root, nor pld who submitted
    assert mailed(smtp) == [address(people.coordinator)]
    (sent,) = smtp.messages
    notification = Notification.objects.get()
    assert sent.subject == written_in("id", notification)
    assert '<html lang="id">' in sent.html
    assert people.companion.get_full_name() in sent.text
    assert_links_to(sent, reverse("pillars:plan-detail", args=[people.plan.pk]))
    assert (notification.actor, notification.email) == (people.companion, Notification.Email.SENT)


def test_a_second_coordinator_in_scope_without_an_address_gets_the_row_only(people, act, smtp):
    second = CoordinatorFactory(user=UserFactory(username="koord2", email=""), scope_region=region("34.03.01"))
    act(services.plan_submit, plan=people.plan, by=people.companion)
    assert rows() == only(Kind.PLAN_SUBMITTED, "koord", "koord2")
    assert Notification.objects.get(recipient=second.user).email == Notification.Email.NONE
    assert mailed(smtp) == [address(people.coordinator)]


def test_a_coordinator_who_chose_the_app_only_gets_the_row_and_no_email(people, act, smtp):
    choose(people.coordinator, plan_submitted=False)
    act(services.plan_submit, plan=people.plan, by=people.companion)
    assert rows() == only(Kind.PLAN_SUBMITTED, "koord")
    assert Notification.objects.get().email == Notification.Email.NONE
    assert smtp.messages == []


def test_a_returned_plan_tells_its_companion_with_the_comment(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    Notification.objects.all().delete()
    smtp.clear()
    act(services.plan_return, plan=people.plan, by=people.coordinator, comment="Targetnya terlalu kecil.")
    assert rows() == only(Kind.PLAN_RETURNED, "pld")
    assert mailed(smtp) == [address(people.companion)]
    (sent,) = smtp.messages
    assert sent.subject == "[RKT] Your plan 2026 is returned"
    assert "Targetnya terlalu kecil." in sent.text and "Targetnya terlalu kecil." in sent.html
    assert people.coordinator.get_full_name() in sent.text
    assert '<html lang="en">' in sent.html
    assert_links_to(sent, reverse("pillars:plan-detail", args=[people.plan.pk]))


def test_a_companion_who_chose_the_app_only_for_returns_gets_the_row_and_no_email(people, act, smtp):
    choose(people.companion, plan_returned=False)
    act(services.plan_submit, plan=people.plan, by=people.companion)
    smtp.clear()
    act(services.plan_return, plan=people.plan, by=people.coordinator, comment="Perbaiki.")
    assert Notification.objects.get(kind=Kind.PLAN_RETURNED).recipient == people.companion
    assert smtp.messages == []


def test_an_approved_plan_tells_its_companion_with_the_comment(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    Notification.objects.all().delete()
    smtp.clear()
    act(services.plan_approve, plan=people.plan, by=people.coordinator, comment="Bagus, lanjutkan.")
    assert rows() == only(Kind.PLAN_APPROVED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(people.companion)]
    assert sent.subject == "[RKT] Your plan 2026 is approved"
    assert "Bagus, lanjutkan." in sent.text and "Bagus, lanjutkan." in sent.html
    assert_links_to(sent, reverse("pillars:plan-detail", args=[people.plan.pk]))


def test_a_plan_approved_by_the_admin_tells_its_companion_only(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    Notification.objects.all().delete()
    smtp.clear()
    act(services.plan_approve, plan=people.plan, by=people.admin)
    assert rows() == only(Kind.PLAN_APPROVED, "pld")
    assert mailed(smtp) == [address(people.companion)]


def test_a_reopened_plan_tells_its_companion_with_the_reason(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    act(services.plan_approve, plan=people.plan, by=people.coordinator)
    Notification.objects.all().delete()
    smtp.clear()
    act(services.plan_reopen, plan=people.plan, by=people.coordinator, reason="Ada desa baru.")
    assert rows() == only(Kind.PLAN_REOPENED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(people.companion)]
    assert sent.subject == "[RKT] Your plan 2026 is reopened for a revision"
    assert "Ada desa baru." in sent.text and "Ada desa baru." in sent.html
    assert_links_to(sent, reverse("pillars:plan-detail", args=[people.plan.pk]))


def test_a_resubmitted_revision_tells_the_coordinator_again(people, act, smtp):
    act(services.plan_submit, plan=people.plan, by=people.companion)
    act(services.plan_approve, plan=people.plan, by=people.coordinator)
    act(services.plan_reopen, plan=people.plan, by=people.coordinator, reason="Ada desa baru.")
    Notification.objects.all().delete()
    smtp.clear()
    act(services.plan_submit, plan=people.plan, by=people.companion)
    assert rows() == only(Kind.PLAN_SUBMITTED, "koord")
    assert mailed(smtp) == [address(people.coordinator)]


# --- monthly reports -----------------------------------------------------------------------------------------------


@pytest.fixture
def reporting(people):
    """The plan approved for 2025, every month of it over at the clock's June 2026."""
    approve(people.plan)
    return people


def submit_march(people, act, smtp) -> MonthlyReport:
    report = act(services.report_submit, plan=people.plan, month=3, by=people.companion)
    Notification.objects.all().delete()
    smtp.clear()
    return report


def test_a_submitted_report_tells_the_coordinators_in_scope_in_their_language(reporting, act, smtp):
    report = act(services.report_submit, plan=reporting.plan, month=3, by=reporting.companion)
    assert rows() == only(Kind.REPORT_SUBMITTED, "koord")
    (sent,) = smtp.messages
    assert sent.recipients == [address(reporting.coordinator)]
    assert "Maret 2025" in sent.subject and "March" not in sent.subject  # the month in Indonesian
    assert sent.subject == written_in("id", Notification.objects.get())
    assert_links_to(sent, reverse("pillars:report-detail", args=[report.pk]))


def test_an_acknowledged_report_tells_its_companion_with_the_comment(reporting, act, smtp):
    report = submit_march(reporting, act, smtp)
    act(services.report_acknowledge, report=report, by=reporting.coordinator, comment="Terima kasih.")
    assert rows() == only(Kind.REPORT_ACKNOWLEDGED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(reporting.companion)]
    assert sent.subject == "[RKT] Your report for March 2025 is acknowledged"  # the companion reads English
    assert "Terima kasih." in sent.text and "Terima kasih." in sent.html
    assert_links_to(sent, reverse("pillars:plan-month", args=[reporting.plan.pk, 3]))


def test_a_returned_report_tells_its_companion_with_the_note(reporting, act, smtp):
    report = submit_march(reporting, act, smtp)
    act(services.report_return, report=report, by=reporting.coordinator, note="Foto kegiatan belum ada.")
    assert rows() == only(Kind.REPORT_RETURNED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(reporting.companion)]
    assert sent.subject == "[RKT] Your report for March 2025 is returned"
    assert "Foto kegiatan belum ada." in sent.text and "Foto kegiatan belum ada." in sent.html
    assert_links_to(sent, reverse("pillars:plan-month", args=[reporting.plan.pk, 3]))


def test_a_reopened_report_tells_its_companion_with_the_reason(reporting, act, smtp):
    report = submit_march(reporting, act, smtp)
    act(services.report_acknowledge, report=report, by=reporting.coordinator)
    Notification.objects.all().delete()
    smtp.clear()
    act(services.report_reopen, report=report, by=reporting.coordinator, reason="Angkanya salah.")
    assert rows() == only(Kind.REPORT_REOPENED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(reporting.companion)]
    assert sent.subject == "[RKT] Your report for March 2025 is reopened"
    assert "Angkanya salah." in sent.text and "Angkanya salah." in sent.html
    assert_links_to(sent, reverse("pillars:plan-month", args=[reporting.plan.pk, 3]))


def test_a_resubmitted_report_tells_the_coordinator_again(reporting, act, smtp):
    report = submit_march(reporting, act, smtp)
    act(services.report_return, report=report, by=reporting.coordinator, note="Lengkapi.")
    Notification.objects.all().delete()
    smtp.clear()
    act(services.report_submit, plan=reporting.plan, month=3, by=reporting.companion)
    assert rows() == only(Kind.REPORT_SUBMITTED, "koord")
    assert mailed(smtp) == [address(reporting.coordinator)]


# --- a reply in a review thread ------------------------------------------------------------------------------------


@pytest.fixture
def thread(people, act, smtp):
    """The plan returned by the coordinator with a note on its activity: the thread."""
    act(services.plan_submit, plan=people.plan, by=people.companion)
    act(
        services.plan_return,
        plan=people.plan,
        by=people.coordinator,
        comment="Perbaiki target.",
        activity_comments={people.activity.pk: "Target 4?"},
    )
    Notification.objects.all().delete()
    smtp.clear()
    return ActivityComment.objects.get(activity=people.activity)


def test_a_reply_tells_the_other_people_of_the_thread_not_the_replier(people, act, smtp, thread):
    act(services.comment_reply, comment=thread, by=people.companion, text="Target jadi 6.")
    assert rows() == only(Kind.COMMENT_REPLY, "koord")
    (sent,) = smtp.messages
    assert sent.recipients == [address(people.coordinator)]
    assert "Target jadi 6." in sent.text and "Target jadi 6." in sent.html
    assert "Rapat koordinasi" in sent.subject
    assert_links_to(sent, reverse("pillars:plan-detail", args=[people.plan.pk]) + f"#comment-{thread.pk}")


def test_a_reply_is_not_told_to_a_coordinator_moved_out_of_scope(people, act, smtp, thread):
    second = CoordinatorFactory(user=UserFactory(username="koord2", email="koord2@example.org"))
    act(services.comment_reply, comment=thread, by=second.user, text="Saya setuju dengan target 4.")
    assert rows() == only(Kind.COMMENT_REPLY, "koord", "pld")
    second.scope_region = region("34.01")
    second.save()
    Notification.objects.all().delete()
    smtp.clear()
    act(services.comment_reply, comment=thread, by=people.coordinator, text="Baik, target 6.")
    assert rows() == only(Kind.COMMENT_REPLY, "pld")  # not koord2 (out of scope now), not koord (the replier)
    assert mailed(smtp) == [address(people.companion)]


# --- a finished job ------------------------------------------------------------------------------------------------


def probe(job: Job, progress: runner.Progress) -> runner.Outcome:
    if job.params.get("fail"):
        raise runner.JobFailed("Tidak ada data untuk tahun itu.")
    return runner.Outcome(filename="probe.txt", content_type="text/plain", content=b"made")


@pytest.fixture
def probe_kind(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    runner.register("probe")(probe)
    yield
    runner.KINDS.pop("probe", None)


@pytest.mark.parametrize(("fail", "subject"), [(False, "[RKT] Siap: Rekap 2026"), (True, "[RKT] Gagal: Rekap 2026")])
def test_a_finished_job_tells_its_owner_only(people, act, smtp, probe_kind, fail, subject):
    choose(people.coordinator, job_finished=True)  # by default a job's end is in the app only
    with translation.override("en"):
        job = act(runner.start, owner=people.coordinator, kind="probe", title="Rekap 2026", params={"fail": fail})
    job.refresh_from_db()
    assert job.status == (Job.Status.FAILED if fail else Job.Status.DONE)
    assert rows() == only(Kind.JOB_FINISHED, "koord")
    (sent,) = smtp.messages
    assert sent.recipients == [address(people.coordinator)]
    assert sent.subject == subject
    assert ("Tidak ada data untuk tahun itu." in sent.text) is fail
    assert_links_to(sent, reverse("jobs:detail", args=[job.pk]))


def test_a_finished_job_is_in_the_app_only_by_default(people, act, smtp, probe_kind):
    act(runner.start, owner=people.companion, kind="probe", title="PDF rencana", params={})
    assert rows() == only(Kind.JOB_FINISHED, "pld")
    assert Notification.objects.get().email == Notification.Email.NONE
    assert smtp.messages == []

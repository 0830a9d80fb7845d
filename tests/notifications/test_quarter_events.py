"""A quarter's narrative is told like a monthly report: its submission tells the coordinators whose scope holds the
plan, its acknowledgement or return (with the note) tells the companion, each with the quarter's page, in the
reader's language, in the app's list and by e-mail when the reader chose it. No workflow event is logged for a
quarter. The admin lists quarter reports and shows them read-only."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import Kind, Notification
from pillars import services
from pillars.errors import WorkflowError
from pillars.models import QuarterReport, WorkflowEvent
from tests.notifications.people import address, assert_links_to, choose, mailed, rows, with_addresses
from tests.pillars import quarter_fixtures

pytestmark = pytest.mark.django_db
quarter_world = quarter_fixtures.quarter_world

# How each language names the first quarter (the quarter page's own words).
FIRST_QUARTER = {"en": "Quarter 1 (January–March) 2026", "id": "Triwulan 1 (Januari–Maret) 2026"}


@pytest.fixture
def people(cast, quarter_world, clock, smtp):
    """The cast with addresses (the companion reads English, the coordinator in scope Indonesian), on 15 June 2026
    with a plan in force whose first quarter is over."""
    with_addresses(cast)
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


def quarter_page(plan, quarter: int = 1) -> str:
    return reverse("pillars:plan-quarter", args=[plan.pk, quarter])


def submit(people, act, clock, narrative: str = "Triwulan pertama berjalan baik."):
    return act(
        services.quarter_submit, plan=people.plan, quarter=1, narrative=narrative, by=people.companion, now=clock.now
    )


def submitted(people, act, clock, smtp) -> QuarterReport:
    """A submitted first quarter, with what its submission told cleared away."""
    report = submit(people, act, clock)
    Notification.objects.all().delete()
    smtp.clear()
    return report


# --- submitted: the coordinators in scope --------------------------------------------------------------------------


def test_a_submitted_quarter_tells_the_coordinator_in_scope_and_not_one_out_of_scope(people, act, clock, smtp):
    submit(people, act, clock)
    assert rows() == only(Kind.QUARTER_SUBMITTED, "koord")  # not koord_kp, pld2, root, nor pld who submitted
    assert mailed(smtp) == [address(people.coordinator)]
    notification = Notification.objects.get()
    assert (notification.actor, notification.email) == (people.companion, Notification.Email.SENT)
    assert notification.link == quarter_page(people.plan)
    assert notification.params["plan"] == people.plan.pk and notification.params["quarter"] == 1


def test_the_coordinator_reading_indonesian_gets_the_submission_in_indonesian_with_the_quarters_page(
    people, act, clock, smtp
):
    submit(people, act, clock)
    (sent,) = smtp.messages
    assert FIRST_QUARTER["id"] in sent.subject
    assert FIRST_QUARTER["en"] not in sent.text
    assert '<html lang="id">' in sent.html
    assert people.companion.get_full_name() in sent.subject
    assert_links_to(sent, quarter_page(people.plan))


def test_a_quarter_submitted_again_after_a_return_tells_the_coordinator_again(people, act, clock, smtp):
    report = submitted(people, act, clock, smtp)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Tambahkan kendala.")
    submit(people, act, clock, narrative="Dengan kendala.")
    assert rows() == only(Kind.QUARTER_RETURNED, "pld") + only(Kind.QUARTER_SUBMITTED, "koord")


def test_a_coordinator_who_chose_the_app_only_gets_the_row_and_no_email(people, act, clock, smtp):
    choose(people.coordinator, quarter_submitted=False)
    submit(people, act, clock)
    assert rows() == only(Kind.QUARTER_SUBMITTED, "koord")
    assert Notification.objects.get().email == Notification.Email.NONE
    assert smtp.messages == []


def test_a_refused_submission_tells_nobody(people, act, clock, smtp):
    with pytest.raises(WorkflowError):  # the second quarter ends on 30 June; the clock says 15 June
        act(services.quarter_submit, plan=people.plan, quarter=2, narrative="", by=people.companion, now=clock.now)
    assert rows() == Counter()
    assert smtp.messages == []


# --- acknowledged and returned: the companion ----------------------------------------------------------------------


def test_an_acknowledged_quarter_tells_its_companion_in_english(people, act, clock, smtp):
    report = submitted(people, act, clock, smtp)
    act(services.quarter_acknowledge, report=report, by=people.coordinator, now=clock.now, comment="Lengkap.")
    assert rows() == only(Kind.QUARTER_ACKNOWLEDGED, "pld")
    assert mailed(smtp) == [address(people.companion)]
    (sent,) = smtp.messages
    # strip: Python folds a subject with a non-ASCII character (the en dash) onto a line of its own
    assert sent.subject.strip() == f"[RKT] Your narrative of {FIRST_QUARTER['en']} is acknowledged"
    assert '<html lang="en">' in sent.html
    assert people.coordinator.get_full_name() in sent.text
    assert "Lengkap." in sent.text
    assert_links_to(sent, quarter_page(people.plan))


def test_a_returned_quarter_tells_its_companion_with_the_note(people, act, clock, smtp):
    report = submitted(people, act, clock, smtp)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Tambahkan kendala.")
    assert rows() == only(Kind.QUARTER_RETURNED, "pld")
    (sent,) = smtp.messages
    assert sent.recipients == [address(people.companion)]
    assert sent.subject.strip() == f"[RKT] Your narrative of {FIRST_QUARTER['en']} is returned"
    assert "Tambahkan kendala." in sent.text and "Tambahkan kendala." in sent.html
    assert Notification.objects.get().params["comment"] == "Tambahkan kendala."
    assert_links_to(sent, quarter_page(people.plan))


def test_an_acknowledgement_without_a_comment_does_not_quote_the_earlier_return_note(people, act, clock, smtp):
    report = submitted(people, act, clock, smtp)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Tambahkan kendala.")
    report = submit(people, act, clock, narrative="Dengan kendala.")
    smtp.clear()
    act(services.quarter_acknowledge, report=report, by=people.coordinator, now=clock.now)
    (sent,) = smtp.messages
    assert "acknowledged" in sent.subject
    assert "Tambahkan kendala." not in sent.text


def test_a_companion_who_chose_the_app_only_for_returns_gets_the_row_and_no_email(people, act, clock, smtp):
    choose(people.companion, quarter_returned=False)
    report = submitted(people, act, clock, smtp)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Perbaiki.")
    assert Notification.objects.get().recipient == people.companion
    assert Notification.objects.get().email == Notification.Email.NONE
    assert smtp.messages == []


def test_a_quarters_transitions_log_no_workflow_event(people, act, clock, smtp):
    before = WorkflowEvent.objects.count()
    report = submitted(people, act, clock, smtp)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Perbaiki.")
    report = submit(people, act, clock)
    act(services.quarter_acknowledge, report=report, by=people.coordinator, now=clock.now)
    assert WorkflowEvent.objects.count() == before


# --- the app's list ------------------------------------------------------------------------------------------------


def test_the_list_shows_each_reader_the_message_in_their_language_with_the_quarters_page(people, act, clock, smtp):
    report = submit(people, act, clock)
    act(services.quarter_return, report=report, by=people.coordinator, now=clock.now, note="Tambahkan kendala.")
    list_url = reverse("notifications:list")
    coordinator, companion = people.client_for(people.coordinator), people.client_for(people.companion)
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    companion.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    coordinator, companion = coordinator.get(list_url), companion.get(list_url)
    assert coordinator.status_code == companion.status_code == 200
    assert FIRST_QUARTER["id"] in coordinator.content.decode()
    page = companion.content.decode()
    assert f"Your narrative of {FIRST_QUARTER['en']} is returned" in page
    assert "Tambahkan kendala." in page
    opened = people.client_for(people.companion).get(
        reverse("notifications:open", args=[Notification.objects.get(recipient=people.companion).pk])
    )
    assert opened.status_code == 302 and opened.url == quarter_page(people.plan)


# --- the admin -----------------------------------------------------------------------------------------------------


def test_the_admin_lists_quarter_reports(people, act, clock, smtp):
    report = submit(people, act, clock)
    response = people.client_for(people.admin).get(reverse("admin:pillars_quarterreport_changelist"))
    assert response.status_code == 200
    assert reverse("admin:pillars_quarterreport_change", args=[report.pk]) in response.content.decode()


def test_the_admin_shows_a_quarter_report_read_only(people, act, clock, smtp):
    report = submit(people, act, clock, narrative="Triwulan pertama berjalan baik.")
    client = people.client_for(people.admin)
    url = reverse("admin:pillars_quarterreport_change", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Triwulan pertama berjalan baik." in html
    assert 'name="narrative"' not in html and 'name="status"' not in html and 'name="note"' not in html
    assert 'name="_save"' not in html  # no save button
    assert client.post(url, {"narrative": "Diubah", "status": "acknowledged"}).status_code == 403
    report.refresh_from_db()
    assert (report.narrative, report.status) == ("Triwulan pertama berjalan baik.", QuarterReport.Status.SUBMITTED)
    assert client.get(reverse("admin:pillars_quarterreport_add")).status_code == 403

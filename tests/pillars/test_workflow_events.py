"""A workflow event says its statuses in words, in the language of the page: a monthly report's in the report's
words, a plan's in the plan's; no page or admin list shows a raw status code."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from pillars.models import MonthlyReport, WorkflowEvent, WorkPlan
from tests.pillars import progress_fixtures

plan = progress_fixtures.plan
pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast, plan):
    report = MonthlyReport.objects.create(plan=plan, month=3, status=MonthlyReport.Status.ACKNOWLEDGED)
    for before, after in (("draft", "submitted"), ("submitted", "acknowledged")):
        WorkflowEvent.objects.create(
            plan=plan, report=report, actor=cast.coordinator, from_status=before, to_status=after
        )
    return report


def event(**values) -> WorkflowEvent:
    return WorkflowEvent(from_status=values.pop("from_status", "submitted"), **values)


def test_a_monthly_reports_event_uses_the_reports_labels(report):
    last = report.events.get(to_status="acknowledged")
    with translation.override("id"):
        assert (last.from_label, last.to_label, str(last)) == ("Diajukan", "Diterima", "Diajukan → Diterima")
    with translation.override("en"):
        assert str(last) == "Submitted → Acknowledged"
        assert report.events.get(to_status="submitted").from_label == "Open"  # a report's draft is "Open"


def test_a_plans_event_uses_the_plans_labels(cast):
    returned = event(plan=cast.plan, to_status=WorkPlan.Status.RETURNED)
    with translation.override("id"):
        assert str(returned) == "Diajukan → Dikembalikan"
        assert event(plan=cast.plan, from_status="returned", to_status="draft").to_label == "Draf"


def test_the_first_event_has_no_from_label_and_an_unknown_status_is_shown_as_it_is(cast):
    assert event(plan=cast.plan, from_status="", to_status="draft").from_label == ""
    assert event(plan=cast.plan, to_status="archived").to_label == "archived"


@pytest.mark.parametrize(("language", "shown"), [("id", "Diajukan → Diterima"), ("en", "Submitted → Acknowledged")])
def test_the_report_page_history_shows_the_labels(cast, settings, report, language, shown):
    settings.LANGUAGE_CODE = language
    body = cast.client_for(cast.coordinator).get(reverse("pillars:report-detail", args=[report.pk])).content.decode()
    assert shown in body
    assert "submitted → acknowledged" not in body


def test_the_plan_page_history_shows_a_reports_events_in_the_reports_words(cast, settings, plan, report):
    settings.LANGUAGE_CODE = "id"
    body = cast.client_for(cast.companion).get(plan.get_absolute_url()).content.decode()
    assert "Diajukan → <strong>Diterima</strong>" in body
    assert "acknowledged" not in body


def test_the_admins_list_of_events_shows_the_labels_and_filters_by_them(cast, settings, report):
    settings.LANGUAGE_CODE = "id"
    client = cast.client_for(cast.admin)
    listing = client.get(reverse("admin:pillars_workflowevent_changelist")).content.decode()
    assert ">Diterima<" in listing and ">acknowledged<" not in listing
    assert "Laporan bulanan: Diterima" in listing  # the filter's choice
    filtered = client.get(reverse("admin:pillars_workflowevent_changelist"), {"to": "report:acknowledged"})
    assert [e.to_status for e in filtered.context["cl"].result_list] == ["acknowledged"]
    assert (
        not client.get(reverse("admin:pillars_workflowevent_changelist"), {"to": "plan:acknowledged"})
        .context["cl"]
        .result_list
    )


def test_the_plans_admin_page_lists_its_events_in_words(cast, settings, plan, report):
    settings.LANGUAGE_CODE = "id"
    page = cast.client_for(cast.admin).get(reverse("admin:pillars_workplan_change", args=[plan.pk])).content.decode()
    assert "Diterima" in page and ">acknowledged<" not in page

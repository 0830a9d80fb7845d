"""The recap workbook of a coordinator's scope and year."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from pillars.models import MonthlyReport, Pillar, WorkPlan
from reports import documents, recap
from tests.factories import PlanFactory
from tests.reports.exports_helpers import fill_plan, queries_of, record, set_status, workbook

pytestmark = pytest.mark.django_db


def url(year: int = 2026) -> str:
    return reverse("reports:recap-xlsx", args=[year])


def download(client, year: int = 2026):
    response = client.get(url(year))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return workbook(b"".join(response.streaming_content))


def rows(ws) -> list[list]:
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_it_redirects_anonymous_to_login(cast):
    assert cast.client_for(None).get(url()).status_code == 302


def test_a_companion_has_no_recap(cast):
    assert cast.client_for(cast.companion).get(url()).status_code == 404


def test_it_rejects_post(cast):
    assert cast.client_for(cast.coordinator).post(url()).status_code == 405


def test_it_has_one_row_per_activity_in_scope_only(cast):
    mine = fill_plan(cast.plan, 4, "Mine")
    other = fill_plan(cast.other_plan, 3, "Other")
    outside = fill_plan(cast.outside_plan, 2, "Outside")
    book = download(cast.client_for(cast.coordinator))
    assert book.sheetnames == ["Kegiatan", "Per Pendamping", "Per Pilar"]
    titles = [row[5] for row in rows(book["Kegiatan"])[3:]]
    assert sorted(titles) == sorted(a.title for a in mine + other)
    assert not set(titles) & {a.title for a in outside}


def test_the_outsider_sees_only_their_own_scope(cast):
    fill_plan(cast.plan, 2, "Mine")
    outside = fill_plan(cast.outside_plan, 2, "Outside")
    titles = [row[5] for row in rows(download(cast.client_for(cast.outsider))["Kegiatan"])[3:]]
    assert sorted(titles) == sorted(a.title for a in outside)


def test_another_year_is_left_out(cast):
    fill_plan(cast.plan, 2)
    older = PlanFactory(companion=cast.plan.companion, year=2025)
    fill_plan(older, 3)
    assert len(rows(download(cast.client_for(cast.coordinator), 2026)["Kegiatan"])) == 3 + 2
    assert len(rows(download(cast.client_for(cast.coordinator), 2025)["Kegiatan"])) == 3 + 3


def test_each_month_has_quantity_and_status_then_cumulative_and_percentage(cast):
    activity = fill_plan(cast.plan, 1)[0]
    activity.target_quantity = 4
    activity.save()
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    record(activity, 1, "1")
    record(activity, 3, "2", status="ongoing")
    sheet = rows(download(cast.client_for(cast.coordinator))["Kegiatan"])
    with override(documents.DOCUMENT_LANGUAGE):
        done, ongoing = gettext("Done"), gettext("Ongoing")
        assert sheet[1][8] == "Jan" and sheet[2][8] == gettext("Qty") and sheet[2][9] == gettext("Status")
    row = next(r for r in sheet if r[5] == activity.title)
    assert row[0] == cast.companion.get_full_name()
    assert row[6] == 4
    assert row[8:14] == [1, done, None, None, 2, ongoing]
    assert row[-2] == 3 and row[-1] == pytest.approx(0.75)


def test_the_summary_sheets_total_per_companion_and_per_pillar(cast):
    mine = fill_plan(cast.plan, 4)
    fill_plan(cast.other_plan, 2)
    set_status(cast.plan, WorkPlan.Status.APPROVED)
    record(mine[0], mine[0].months[0], str(mine[0].target_quantity))  # one activity fully done
    MonthlyReport.objects.create(plan=cast.plan, month=1, status=MonthlyReport.Status.ACKNOWLEDGED)
    book = download(cast.client_for(cast.coordinator))
    people = {row[0]: row for row in rows(book["Per Pendamping"])[1:]}
    me = people[cast.companion.get_full_name()]
    assert me[3] == 4  # activities
    assert me[4] == sum(len(a.months) for a in mine)  # months scheduled
    assert me[5] == 1  # months done
    assert me[6] == pytest.approx(0.25)  # average achievement: one of four activities complete
    assert me[7:9] == [1, 1]
    assert people[cast.other_companion.get_full_name()][3] == 2
    with override(documents.DOCUMENT_LANGUAGE):
        total = people[gettext("Total")]
    assert total[3] == 6
    pillars = {row[0]: row for row in rows(book["Per Pilar"])[1:]}
    assert set(pillars) == set(Pillar.objects.filter(is_active=True).values_list("code", flat=True))
    assert sum(row[2] for row in pillars.values()) == 6
    first = Pillar.objects.order_by("order").first()
    assert pillars[first.code][3] == 2  # both companions have an activity under the first pillar


def test_it_is_written_in_write_only_mode(cast, monkeypatch):
    """Write-only mode keeps memory flat: the workbook must be opened that way."""
    opened = []
    original = recap.Workbook

    def spy(*args, **kwargs):
        opened.append(kwargs.get("write_only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(recap, "Workbook", spy)
    recap.write_recap(WorkPlan.objects.all(), year=2026, out=io.BytesIO())
    assert opened == [True]


def test_query_count_does_not_grow_with_activities(cast, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)
    fill_plan(cast.plan, 5)
    download(client)
    small = queries_of(lambda: b"".join(client.get(url()).streaming_content))
    fill_plan(cast.plan, 45)
    fill_plan(cast.other_plan, 50)
    with django_assert_num_queries(small):
        response = client.get(url())
        b"".join(response.streaming_content)


def test_plans_read_in_chunks_give_the_same_rows_in_the_same_order(cast, monkeypatch):
    fill_plan(cast.plan, 3, "Mine")
    fill_plan(cast.other_plan, 2, "Other")
    client = cast.client_for(cast.coordinator)
    whole = rows(download(client)["Kegiatan"])
    monkeypatch.setattr(recap, "PLAN_CHUNK", 1)
    assert rows(download(client)["Kegiatan"]) == whole
    companions = [row[0] for row in whole[3:]]
    assert len(set(companions)) == 2 and companions == sorted(companions, key=companions.index)  # grouped


def test_text_that_looks_like_a_formula_stays_text(cast):
    activity = fill_plan(cast.plan, 1)[0]
    activity.title = "=1+1"
    activity.save()
    ws = download(cast.client_for(cast.coordinator))["Kegiatan"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"

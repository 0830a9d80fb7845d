"""The recap workbook of a coordinator's scope and year."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from pillars.models import MonthlyReport, Pillar, WorkPlan
from reports import documents, recap
from tests.factories import PlanFactory
from tests.reports.exports_helpers import fill_plan, queries_of, recap_bytes, record, set_status, workbook

# Seen on 15 June 2026 (the clock's default): the 2026 figures run January to May.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
FIRST_ROW = 4  # title, note, month names, column headers


def url(year: int = 2026) -> str:
    return reverse("reports:recap-xlsx", args=[year])


def download(client, year: int = 2026):
    return workbook(recap_bytes(client, year))


def rows(ws) -> list[list]:
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def activity_rows(book) -> list[list]:
    return rows(book["Kegiatan"])[FIRST_ROW:]


def approve(*plans: WorkPlan) -> None:
    for plan in plans:
        set_status(plan, WorkPlan.Status.APPROVED)


def test_it_redirects_anonymous_to_login(cast):
    assert cast.client_for(None).get(url()).status_code == 302


def test_a_companion_has_no_recap(cast):
    assert cast.client_for(cast.companion).get(url()).status_code == 404


def test_it_rejects_other_methods(cast):
    assert cast.client_for(cast.coordinator).put(url()).status_code == 405


def test_a_get_shows_the_button_that_starts_it(cast):
    response = cast.client_for(cast.coordinator).get(url())
    assert response.status_code == 200
    assert f'action="{url()}"' in response.content.decode()
    assert not response.wsgi_request.user.jobs.exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_not_found(cast, year):
    assert cast.client_for(cast.coordinator).post(url(year)).status_code == 404


def test_it_has_one_row_per_activity_in_force_in_scope_only(cast):
    mine = fill_plan(cast.plan, 4, "Mine")
    other = fill_plan(cast.other_plan, 3, "Other")
    outside = fill_plan(cast.outside_plan, 2, "Outside")
    approve(cast.plan, cast.other_plan, cast.outside_plan)
    book = download(cast.client_for(cast.coordinator))
    assert book.sheetnames == ["Kegiatan", "Per Pendamping", "Per Pilar"]
    titles = [row[5] for row in activity_rows(book)]
    assert sorted(titles) == sorted(a.title for a in mine + other)
    assert not set(titles) & {a.title for a in outside}


def test_a_plan_not_in_force_has_no_activity_rows(cast):
    """Finding 5: the recap took every plan of the year in any status; the home page only plans in force."""
    fill_plan(cast.plan, 2, "Draft")
    approve(cast.other_plan)
    fill_plan(cast.other_plan, 1, "Approved")
    assert [row[5] for row in activity_rows(download(cast.client_for(cast.coordinator)))] == ["Approved 1"]


def test_the_outsider_sees_only_their_own_scope(cast):
    fill_plan(cast.plan, 2, "Mine")
    outside = fill_plan(cast.outside_plan, 2, "Outside")
    approve(cast.plan, cast.outside_plan)
    titles = [row[5] for row in activity_rows(download(cast.client_for(cast.outsider)))]
    assert sorted(titles) == sorted(a.title for a in outside)


def test_another_year_is_left_out(cast):
    fill_plan(cast.plan, 2)
    older = PlanFactory(companion=cast.plan.companion, year=2025)
    fill_plan(older, 3)
    approve(cast.plan, older)
    assert len(activity_rows(download(cast.client_for(cast.coordinator), 2026))) == 2
    assert len(activity_rows(download(cast.client_for(cast.coordinator), 2025))) == 3


def test_each_month_has_quantity_and_status_then_cumulative_and_percentage(cast):
    activity = fill_plan(cast.plan, 1)[0]
    activity.target_quantity = 4
    activity.save()
    approve(cast.plan)
    record(activity, 1, "1")
    record(activity, 3, "2", status="ongoing")
    record(activity, 6, "1", status="ongoing")  # June is not over on 15 June: after the cut-off
    book = download(cast.client_for(cast.coordinator))
    sheet = rows(book["Kegiatan"])
    with override(documents.DOCUMENT_LANGUAGE):
        done, ongoing = gettext("Done"), gettext("Ongoing")
        assert sheet[2][8] == "Jan" and sheet[3][8] == gettext("Qty") and sheet[3][9] == gettext("Status")
    row = next(r for r in sheet if r[5] == activity.title)
    assert row[0] == cast.companion.get_full_name()
    assert row[6] == 4
    assert row[8:14] == [1, done, None, None, 2, ongoing]
    assert row[18:20] == [None, None]  # June
    assert row[-2] == 3 and row[-1] == pytest.approx(0.75)
    cells = list(book["Kegiatan"].iter_rows(min_row=FIRST_ROW + 1, max_row=FIRST_ROW + 1))[0]
    assert cells[6].number_format == "#,##0" and cells[-1].number_format == "0.0%"


def test_the_summary_sheets_total_per_companion_and_per_pillar(cast):
    mine = fill_plan(cast.plan, 4)
    others = fill_plan(cast.other_plan, 2)
    approve(cast.plan, cast.other_plan)
    for activity in mine + others:  # every month scheduled by May, so that each activity has slots
        activity.months = (1, 2)
        activity.save()
    record(mine[0], 1, str(mine[0].target_quantity))  # one activity fully done
    MonthlyReport.objects.create(plan=cast.plan, month=1, status=MonthlyReport.Status.ACKNOWLEDGED)
    book = download(cast.client_for(cast.coordinator))
    people = {row[0]: row for row in rows(book["Per Pendamping"])[3:]}
    me = people[cast.companion.get_full_name()]
    assert me[3:7] == [4, 8, 1, 1]  # activities, months scheduled, reported, done
    assert me[7] == pytest.approx(0.25)  # average achievement: one of four activities complete
    assert me[8:12] == [5, 1, 0, 4]  # January to May owed; January sent on time; February to May missing
    assert people[cast.other_companion.get_full_name()][3] == 2
    with override(documents.DOCUMENT_LANGUAGE):
        total = people[gettext("Total")]
    assert total[3:7] == [6, 12, 1, 1]
    assert total[7] == pytest.approx(1 / 6, abs=0.0005)
    pillars = {row[0]: row for row in rows(book["Per Pilar"])[3:]}
    with override(documents.DOCUMENT_LANGUAGE):
        pillar_total = pillars.pop(gettext("Total"))
    assert set(pillars) == set(Pillar.objects.filter(is_active=True).values_list("code", flat=True))
    assert sum(row[2] for row in pillars.values()) == 6 == pillar_total[2]
    first = Pillar.objects.order_by("order").first()
    assert pillars[first.code][7] == 2  # both companions have an activity under the first pillar


def test_it_is_written_in_write_only_mode(cast, monkeypatch, clock):
    """Write-only mode keeps memory flat: the workbook must be opened that way."""
    opened = []
    original = recap.Workbook

    def spy(*args, **kwargs):
        opened.append(kwargs.get("write_only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(recap, "Workbook", spy)
    recap.write_recap(cast.coordinator, year=2026, today=clock.today, out=io.BytesIO())
    assert opened == [True]


def test_query_count_does_not_grow_with_activities(cast, django_assert_num_queries):
    client = cast.client_for(cast.coordinator)
    approve(cast.plan, cast.other_plan)
    fill_plan(cast.plan, 5)
    download(client)
    small = queries_of(lambda: recap_bytes(client, 2026))
    fill_plan(cast.plan, 45)
    fill_plan(cast.other_plan, 50)
    with django_assert_num_queries(small):
        recap_bytes(client, 2026)


def test_activities_read_in_chunks_give_the_same_rows_in_the_same_order(cast, monkeypatch):
    fill_plan(cast.plan, 3, "Mine")
    fill_plan(cast.other_plan, 2, "Other")
    approve(cast.plan, cast.other_plan)
    client = cast.client_for(cast.coordinator)
    whole = activity_rows(download(client))
    monkeypatch.setattr(recap, "CHUNK", 1)
    assert activity_rows(download(client)) == whole
    companions = [row[0] for row in whole]
    assert len(set(companions)) == 2 and companions == sorted(companions, key=companions.index)  # grouped


def test_text_that_looks_like_a_formula_stays_text(cast):
    activity = fill_plan(cast.plan, 1)[0]
    activity.title = "=1+1"
    activity.save()
    approve(cast.plan)
    ws = download(cast.client_for(cast.coordinator))["Kegiatan"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


def test_every_sheet_is_ready_to_print(cast):
    approve(cast.plan)
    fill_plan(cast.plan, 1)
    book = download(cast.client_for(cast.coordinator))
    for ws in book.worksheets:
        assert ws.freeze_panes and ws.print_title_rows, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title

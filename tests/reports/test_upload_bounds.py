"""A plan workbook is read only as far as its own rows go: a stray cell far below a cleared end marker does not make
the reader walk a million rows, and the limit is named. Time and memory of these files are measured by the bench
(``bench/crafted_files.py``), not here."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.upload.sheet import MAX_SHEET_ROWS
from reports.workbook import END_MARKER, KEY_COLUMN, RKT_SHEET
from tests.reports.exports_helpers import fill_plan, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(cast, settings):
    fill_plan(cast.plan, 3)
    client = cast.client_for(cast.companion)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def downloaded(client, plan):
    return workbook(client.get(reverse("reports:plan-xlsx", args=[plan.pk])).content)


def without_end_marker(book):
    ws = book[RKT_SHEET]
    end = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == END_MARKER)
    ws.cell(end, KEY_COLUMN).value = None
    return ws


def send(client, plan, book):
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("rkt.xlsx", out.getvalue(), content_type="application/octet-stream")
    return client.post(reverse("reports:plan-upload", args=[plan.pk]), {"file": upload})


def test_a_space_in_the_last_row_below_a_cleared_end_marker_is_refused_naming_the_limit(cast, client):
    book = downloaded(client, cast.plan)
    without_end_marker(book)["B1048576"] = " "
    response = send(client, cast.plan, book)
    assert response.status_code == 422
    assert "The sheet has more than 2,000 rows: split the file." in response.content.decode()
    assert MAX_SHEET_ROWS == 2000


def test_a_sheet_without_its_end_marker_that_stops_within_the_limit_is_read_to_its_last_row(cast, client):
    book = downloaded(client, cast.plan)
    without_end_marker(book)
    response = send(client, cast.plan, book)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The sheet has more than" not in body
    # Read as far as the sheet goes: the rows below the plan (its totals) are read as rows and listed.
    assert "nothing was saved" in body


def test_the_limit_is_named_in_indonesian_on_an_indonesian_page(cast, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    book = downloaded(client, cast.plan)
    without_end_marker(book)["B1048576"] = " "
    assert (
        "Lembar ini memiliki lebih dari 2.000 baris: pecah berkasnya." in send(client, cast.plan, book).content.decode()
    )

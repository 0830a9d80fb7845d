"""Uploading a plan workbook: round trips, previews, all-or-nothing, and who may upload."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pillars import services
from pillars.models import Activity, WorkPlan
from reports.workbook import COLUMN_INDEX, KEY_COLUMN
from tests.reports.exports_helpers import fill_plan, record, set_status, workbook

pytestmark = pytest.mark.django_db


def upload_url(plan) -> str:
    return reverse("reports:plan-upload", args=[plan.pk])


def confirm_url(plan) -> str:
    return reverse("reports:plan-upload-confirm", args=[plan.pk])


def download(client, plan):
    return workbook(client.get(reverse("reports:plan-xlsx", args=[plan.pk])).content)


def as_file(book, name: str = "rkt.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def row_of(ws, activity: Activity) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == str(activity.pk))


def send(client, plan, file):
    return client.post(upload_url(plan), {"file": file})


def confirm(client, plan):
    fingerprint = client.session[f"rkt-upload-{plan.pk}"]["fingerprint"]
    return client.post(confirm_url(plan), {"fingerprint": fingerprint})


def state(plan) -> list[tuple]:
    return list(
        plan.activities.order_by("pk").values_list(
            "pk", "pillar__code", "village", "title", "target_group", "target_quantity", "months", "budget", "version"
        )
    )


@pytest.fixture
def filled(cast) -> WorkPlan:
    fill_plan(cast.plan, 6)
    return cast.plan


@pytest.fixture
def client(cast, settings):
    """The companion, reading the app in English so that messages can be compared word for word."""
    client = cast.client_for(cast.companion)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- who may upload ------------------------------------------------------------------------------


def test_it_redirects_anonymous_to_login(cast):
    assert cast.client_for(None).get(upload_url(cast.plan)).status_code == 302
    assert cast.client_for(None).post(confirm_url(cast.plan)).status_code == 302


@pytest.mark.parametrize("who", ["other_companion", "outsider"])
def test_other_peoples_plan_answers_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(upload_url(cast.plan)).status_code == 404
    assert cast.client_for(getattr(cast, who)).post(confirm_url(cast.plan)).status_code == 404


def test_the_coordinator_may_not_upload_into_a_companions_plan(cast):
    assert cast.client_for(cast.coordinator).get(upload_url(cast.plan)).status_code == 403


def test_the_confirmation_rejects_get(cast, client):
    assert client.get(confirm_url(cast.plan)).status_code == 405


def test_the_upload_page_rejects_put(cast, client):
    assert client.put(upload_url(cast.plan)).status_code == 405


def test_the_companion_sees_the_upload_form(cast, client):
    response = client.get(upload_url(cast.plan))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.parametrize("status", [WorkPlan.Status.SUBMITTED, WorkPlan.Status.APPROVED])
def test_a_locked_plan_refuses_uploads(cast, client, filled, status):
    book = download(client, filled)
    set_status(filled, status)
    before = state(filled)
    response = send(client, filled, as_file(book))
    assert response.status_code == 302
    assert state(filled) == before


def test_a_returned_plan_accepts_uploads(cast, client, filled):
    book = download(client, filled)
    book["RKT"].cell(row_of(book["RKT"], filled.activities.first()), COLUMN_INDEX["unit"]).value = "sesi"
    set_status(filled, WorkPlan.Status.RETURNED)
    send(client, filled, as_file(book))
    assert confirm(client, filled).status_code == 302
    assert filled.activities.order_by("pk").first().unit == "sesi"


# --- round trips ---------------------------------------------------------------------------------


def test_uploading_the_downloaded_workbook_unchanged_changes_nothing(cast, client, filled):
    before = state(filled)
    history = Activity.history.count()
    response = send(client, filled, as_file(download(client, filled)))
    assert response.status_code == 200
    assert response.context["preview"].errors == []
    assert not response.context["preview"].has_changes
    assert f"rkt-upload-{filled.pk}" not in client.session
    assert state(filled) == before
    assert Activity.history.count() == history


def test_editing_one_cell_changes_exactly_that(cast, client, filled):
    target = filled.activities.order_by("pk")[2]
    before = {row[0]: row for row in state(filled)}
    book = download(client, filled)
    book["RKT"].cell(row_of(book["RKT"], target), COLUMN_INDEX["target_quantity"]).value = 12
    response = send(client, filled, as_file(book))
    preview = response.context["preview"]
    assert not preview.errors and not preview.additions and not preview.removals
    assert [c.activity.pk for c in preview.changes] == [target.pk]
    assert [f.after for f in preview.changes[0].fields] == ["12"]
    assert "12" in response.content.decode()
    assert state(filled) == list(before.values())  # nothing saved before confirming

    assert confirm(client, filled).status_code == 302
    after = {row[0]: row for row in state(filled)}
    for pk, row in after.items():
        if pk == target.pk:
            assert row[5] == Decimal("12") and row[8] == before[pk][8] + 1
        else:
            assert row == before[pk]
    # History records the upload as an ordinary change.
    assert target.history.first().target_quantity == Decimal("12")


def test_a_new_row_adds_an_activity_and_a_deleted_row_removes_one(cast, client, filled):
    gone = filled.activities.order_by("pk").last()
    book = download(client, filled)
    ws = book["RKT"]
    ws.delete_rows(row_of(ws, gone))
    new = row_of(ws, filled.activities.order_by("pk").first()) + 1
    ws.insert_rows(new)
    for field, value in {
        "pillar": "ORG",
        "title": "Pelatihan BUMDes dari Excel",
        "village": "34.03.01.2002",
        "target_group": "bumdes",
        "target_quantity": "2,5",
        "unit": "sesi",
        "m3": "x",
        "m9": "v",
        "budget": "Rp 1.500.000",
        "poor_priority": "ya",
    }.items():
        ws.cell(new, COLUMN_INDEX[field]).value = value
    preview = send(client, filled, as_file(book)).context["preview"]
    assert not preview.errors, [str(e) for e in preview.errors]
    assert [a.title for a in preview.additions] == ["Pelatihan BUMDes dari Excel"]
    assert [a.pk for a in preview.removals] == [gone.pk]
    confirm(client, filled)
    added = filled.activities.get(title="Pelatihan BUMDes dari Excel")
    assert added.pillar.code == "ORG" and added.village_id == "34.03.01.2002"
    assert added.target_quantity == Decimal("2.5") and added.months == (3, 9)
    assert added.budget == Decimal("1500000") and added.poor_priority
    assert not filled.activities.filter(pk=gone.pk).exists()
    assert gone.history.model.objects.filter(id=gone.pk, history_type="-").exists()


def test_reuploading_updates_instead_of_duplicating(cast, client, filled):
    book = download(client, filled)
    ws = book["RKT"]
    first = filled.activities.order_by("pk").first()
    ws.cell(row_of(ws, first), COLUMN_INDEX["title"]).value = "Judul baru"
    for _ in range(2):
        send(client, filled, as_file(book))
        if f"rkt-upload-{filled.pk}" in client.session:
            confirm(client, filled)
    assert filled.activities.count() == 6
    assert filled.activities.filter(title="Judul baru").count() == 1


def test_a_row_without_pillar_takes_the_pillar_of_its_section(cast, client, filled):
    book = download(client, filled)
    ws = book["RKT"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, KEY_COLUMN).value == "rkt:pillar:KAP") + 1
    ws.insert_rows(row)
    ws.cell(row, COLUMN_INDEX["title"]).value = "Tanpa kode pilar"
    ws.cell(row, COLUMN_INDEX["target_group"]).value = "cadres"
    ws.cell(row, COLUMN_INDEX["target_quantity"]).value = 1
    preview = send(client, filled, as_file(book)).context["preview"]
    assert not preview.errors
    assert [(a.title, a.pillar) for a in preview.additions] == [("Tanpa kode pilar", "KAP")]


# --- rows with errors ----------------------------------------------------------------------------


def test_every_row_error_is_listed_by_row_and_column_and_nothing_is_saved(cast, client, filled):
    before = state(filled)
    book = download(client, filled)
    ws = book["RKT"]
    first, second = filled.activities.order_by("pk")[:2]
    ws.cell(row_of(ws, first), COLUMN_INDEX["target_quantity"]).value = "banyak"
    ws.cell(row_of(ws, second), COLUMN_INDEX["village"]).value = "Desa Lain"
    ws.cell(row_of(ws, second), COLUMN_INDEX["unit"]).value = "kali"  # a valid change beside the errors
    response = send(client, filled, as_file(book))
    messages = [str(e) for e in response.context["preview"].errors]
    assert any(m.startswith(f"row {row_of(ws, first)}, column Target:") for m in messages), messages
    assert any(m.startswith(f"row {row_of(ws, second)}, column Village:") for m in messages), messages
    assert f"rkt-upload-{filled.pk}" not in client.session
    assert state(filled) == before
    assert client.post(confirm_url(filled), {"fingerprint": "x" * 64}).status_code == 302
    assert state(filled) == before


def test_a_formula_where_a_number_is_expected_is_refused(cast, client, filled):
    book = download(client, filled)
    ws = book["RKT"]
    row = row_of(ws, filled.activities.first())
    ws.cell(row, COLUMN_INDEX["target_quantity"]).value = "=2+2"
    messages = [str(e) for e in send(client, filled, as_file(book)).context["preview"].errors]
    assert any(f"row {row}, column Target:" in m and "formula" in m for m in messages), messages


def test_a_copied_row_with_the_same_key_is_an_error(cast, client, filled):
    book = download(client, filled)
    ws = book["RKT"]
    source = row_of(ws, filled.activities.first())
    ws.insert_rows(source + 1)
    for column in range(1, KEY_COLUMN + 1):
        ws.cell(source + 1, column).value = ws.cell(source, column).value
    messages = [str(e) for e in send(client, filled, as_file(book)).context["preview"].errors]
    assert any(m.startswith(f"row {source + 1}, column key:") for m in messages), messages


def test_a_key_of_another_plan_is_an_error(cast, client, filled):
    foreign = fill_plan(cast.other_plan, 1)[0]
    book = download(client, filled)
    ws = book["RKT"]
    ws.cell(row_of(ws, filled.activities.first()), KEY_COLUMN).value = str(foreign.pk)
    errors = send(client, filled, as_file(book)).context["preview"].errors
    assert errors
    foreign.refresh_from_db()
    assert foreign.plan_id == cast.other_plan.pk


def test_an_activity_with_progress_cannot_be_removed(cast, client, filled):
    kept = filled.activities.first()
    record(kept, 1, "1")
    book = download(client, filled)
    book["RKT"].delete_rows(row_of(book["RKT"], kept))
    preview = send(client, filled, as_file(book)).context["preview"]
    assert any(kept.title in str(e) for e in preview.errors)


def test_a_change_after_the_preview_is_caught_at_confirmation(cast, client, filled):
    book = download(client, filled)
    book["RKT"].cell(row_of(book["RKT"], filled.activities.first()), COLUMN_INDEX["unit"]).value = "paket"
    send(client, filled, as_file(book))
    other = filled.activities.order_by("pk").last()
    Activity.objects.filter(pk=other.pk).update(version=other.version + 1)
    response = confirm(client, filled)
    assert response.status_code == 302 and response["Location"] == upload_url(filled)
    assert not filled.activities.filter(unit="paket").exists()


# --- where the workbook comes from ----------------------------------------------------------------


def test_the_workbook_carries_the_plan_its_version_and_each_rows_version(cast, client, filled):
    first = filled.activities.order_by("pk").first()
    Activity.objects.filter(pk=first.pk).update(version=4)
    origin = download(client, filled)["RKT-asal"]
    assert origin.sheet_state == "veryHidden"
    values = {row[0]: row[1:] for row in origin.iter_rows(values_only=True) if row[0] != "activity"}
    assert values["plan"][0] == filled.pk
    assert values["version"][0] == filled.version
    versions = {row[1]: row[2] for row in origin.iter_rows(values_only=True) if row[0] == "activity"}
    assert len(versions) == 6
    assert versions[first.pk] == 4


def test_a_workbook_of_another_plan_is_refused_with_one_message(cast, client, filled):
    fill_plan(cast.other_plan, 23)
    book = download(cast.client_for(cast.other_companion), cast.other_plan)
    before = state(filled)
    response = send(client, filled, as_file(book))
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        f"This workbook was downloaded from another plan, not from the {filled.year} plan of "
        f"{filled.companion.display_name}. Download this plan's workbook and fill that in."
    ]
    assert state(filled) == before


def test_a_workbook_of_another_plan_without_its_origin_gets_one_message_too(cast, client, filled):
    fill_plan(cast.other_plan, 23)
    book = download(cast.client_for(cast.other_companion), cast.other_plan)
    del book["RKT-asal"]  # an older download, or a copy that lost the hidden sheet
    preview = send(client, filled, as_file(book)).context["preview"]
    assert [str(error) for error in preview.errors] == [
        "None of the workbook's rows is an activity of this plan: it was downloaded from another plan. "
        "Download this plan's workbook and fill that in."
    ]
    assert not preview.has_changes


def test_an_older_workbook_says_so_and_marks_the_rows_changed_since(cast, client, filled):
    book = download(client, filled)
    downloaded_at = filled.version
    changed = filled.activities.order_by("pk")[1]
    changed.title = "Judul baru sesudah unduhan"
    services.activity_save(activity=changed, by=cast.companion)
    added = services.activity_save(
        activity=Activity(
            plan=filled,
            pillar=changed.pillar,
            title="Kegiatan baru",
            target_group=changed.target_group,
            target_quantity=Decimal(1),
            months=[5],
        ),
        by=cast.companion,
    )
    filled.refresh_from_db()
    response = send(client, filled, as_file(book))
    preview = response.context["preview"]
    assert preview.stale.downloaded_version == downloaded_at
    assert preview.stale.plan_version == filled.version > downloaded_at
    assert [a.pk for a in preview.stale.changed] == [changed.pk]
    assert [a.pk for a in preview.stale.added] == [added.pk]
    # The old row would undo the new title; the activity added since would be removed.
    assert [(c.activity.pk, c.newer_in_plan) for c in preview.changes] == [(changed.pk, True)]
    assert [(a.pk, a.added_after_download) for a in preview.removals] == [(added.pk, True)]
    body = response.content.decode()
    assert f"This workbook was downloaded at version {downloaded_at}; the plan is at version {filled.version}" in body
    assert "Changed since the download: “Judul baru sesudah unduhan”" in body
    assert "Added since the download: “Kegiatan baru”" in body


def test_a_workbook_of_the_current_version_says_nothing_of_age(cast, client, filled):
    book = download(client, filled)
    book["RKT"].cell(row_of(book["RKT"], filled.activities.first()), COLUMN_INDEX["unit"]).value = "paket"
    response = send(client, filled, as_file(book))
    assert response.context["preview"].stale is None
    assert [c.newer_in_plan for c in response.context["preview"].changes] == [False]
    assert "was downloaded at version" not in response.content.decode()


# --- bad files -----------------------------------------------------------------------------------


def refused(client, plan, file) -> str:
    before = state(plan)
    response = send(client, plan, file)
    assert response.status_code == 422
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert state(plan) == before
    return errors[0]


def test_a_file_that_is_not_a_workbook_is_refused(cast, client, filled):
    message = refused(client, filled, SimpleUploadedFile("rkt.xlsx", b"\x00\x01 not a zip at all"))
    assert ".xlsx" in message


def test_a_renamed_csv_is_refused(cast, client, filled):
    csv = b"No.,Pillar,Activity\n1,ASI,Rapat\n"
    assert ".xlsx" in refused(client, filled, SimpleUploadedFile("rkt.xlsx", csv, content_type="text/csv"))


def test_a_zip_that_is_not_a_workbook_is_refused(cast, client, filled):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert ".xlsx" in refused(client, filled, SimpleUploadedFile("rkt.xlsx", out.getvalue()))


def test_a_workbook_without_the_rkt_sheet_is_refused(cast, client, filled):
    book = download(client, filled)
    del book["RKT"]
    assert "RKT" in refused(client, filled, as_file(book))


def test_a_workbook_with_a_different_layout_is_refused(cast, client, filled):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "RKT"
    book.active.append(["Kegiatan", "Target"])
    assert "RKT" in refused(client, filled, as_file(book))


def test_inserted_columns_are_refused(cast, client, filled):
    book = download(client, filled)
    book["RKT"].insert_cols(3)
    assert refused(client, filled, as_file(book))


def test_a_file_over_5_mb_is_refused(cast, client, filled):
    big = SimpleUploadedFile("rkt.xlsx", b"PK" + b"\x00" * (5 * 1024 * 1024 + 10))
    assert "5 MB" in refused(client, filled, big)


def test_a_zip_bomb_is_refused_before_it_is_opened(cast, client, filled, monkeypatch):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 5 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    assert "unpacks" in refused(client, filled, SimpleUploadedFile("rkt.xlsx", out.getvalue()))

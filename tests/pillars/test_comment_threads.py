"""A review comment is a thread: the companion and a reviewer in scope answer it, either marks it resolved or opens
it again, both see it on the plan page and the companion on the activity's edit page; nobody else reaches it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pillars import services
from pillars.models import ActivityComment, WorkPlan
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("comment-reply", "comment-resolve", "comment-reopen")


@pytest.fixture
def returned(cast, clock):
    """The cast's plan returned by the coordinator with a note on one activity."""
    clock.set("2026-01-10 09:00")
    activity = ActivityFactory(plan=cast.plan, title="Rapat koordinasi", months=(1, 2))
    services.plan_submit(plan=cast.plan, by=cast.companion)
    clock.set("2026-01-12 09:00")
    services.plan_return(
        plan=cast.plan, by=cast.coordinator, comment="Perbaiki target.", activity_comments={activity.pk: "Target 4?"}
    )
    cast.activity = activity
    cast.comment = ActivityComment.objects.get(activity=activity)
    clock.set("2026-01-13 09:00")
    return cast


def url(name: str, plan, comment) -> str:
    return reverse(f"pillars:{name}", args=[plan.pk, comment.pk])


def replies(comment) -> list[str]:
    return list(comment.thread.filter(kind=ActivityComment.Kind.REPLY).values_list("text", flat=True))


@pytest.mark.parametrize("name", ACTIONS)
def test_it_sends_anonymous_visitors_to_the_login(client, returned, name):
    response = client.post(url(name, returned.plan, returned.comment), {"text": "Siap."})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not returned.comment.thread.exists()


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("who", ["outsider", "other_companion"])
def test_it_hides_the_thread_outside_the_plans_scope(returned, name, who):
    # Another companion of the same kabupaten sees no plan but their own: 404, as for a coordinator elsewhere.
    client = returned.client_for(getattr(returned, who))
    assert client.post(url(name, returned.plan, returned.comment), {"text": "Siap."}).status_code == 404
    assert not returned.comment.thread.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_it_rejects_get(returned, name):
    client = returned.client_for(returned.companion)
    assert client.get(url(name, returned.plan, returned.comment)).status_code == 405


def test_the_companion_replies_and_both_sides_see_the_thread(returned):
    client = returned.client_for(returned.companion)
    response = client.post(
        url("comment-reply", returned.plan, returned.comment), {"text": "Target jadi 6.", "back": "plan"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{returned.plan.get_absolute_url()}#comment-{returned.comment.pk}"
    reply = returned.comment.thread.get()
    assert (reply.author, reply.text, reply.activity) == (returned.companion, "Target jadi 6.", returned.activity)
    for user in (returned.companion, returned.coordinator):
        page = returned.client_for(user).get(returned.plan.get_absolute_url()).content.decode()
        assert "Target 4?" in page and "Target jadi 6." in page
        assert f'id="comment-{returned.comment.pk}"' in page
        assert f'id="id_reply_{returned.comment.pk}_text"' in page


def test_the_coordinator_replies_too(returned):
    client = returned.client_for(returned.coordinator)
    client.post(url("comment-reply", returned.plan, returned.comment), {"text": "Baik, lanjutkan."})
    assert replies(returned.comment) == ["Baik, lanjutkan."]


def test_an_admin_replies_as_a_reviewer(returned, cast):
    returned.client_for(cast.admin).post(url("comment-reply", returned.plan, returned.comment), {"text": "Dicatat."})
    assert replies(returned.comment) == ["Dicatat."]


def test_another_companion_is_refused_by_the_service_too(returned):
    with pytest.raises(PermissionDenied):
        services.comment_reply(comment=returned.comment, by=returned.other_companion, text="Saya juga.")
    assert not returned.comment.thread.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a reply: it cannot be empty."),
        ("   \n ", "Write a reply: it cannot be empty."),
        ("x" * 2001, "A reply can be at most 2000 characters long; this one has 2001."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_an_empty_or_too_long_reply_is_refused_with_a_message(returned, text, message):
    client = returned.client_for(returned.companion)
    response = client.post(url("comment-reply", returned.plan, returned.comment), {"text": text}, follow=True)
    page = response.content.decode()
    assert "Nothing was sent on the comment on “Rapat koordinasi”" in page and message in page
    assert not returned.comment.thread.exists()


def test_the_service_refuses_an_empty_or_too_long_reply(returned):
    for text in ("  ", "x" * 2001):
        with pytest.raises(services.WorkflowError):
            services.comment_reply(comment=returned.comment, by=returned.companion, text=text)
    assert not returned.comment.thread.exists()


def test_a_comment_of_another_plans_activity_is_not_found(returned, cast):
    # The coordinator sees both plans; a comment id of one under the other's URL is still 404.
    other = ActivityFactory(plan=cast.other_plan, title="Lain")
    foreign = ActivityComment.objects.create(activity=other, author=cast.coordinator, text="Catatan lain.")
    for user in (cast.companion, cast.coordinator):
        response = cast.client_for(user).post(url("comment-reply", cast.plan, foreign), {"text": "Siap."})
        assert response.status_code == 404
    assert not foreign.thread.exists()


def test_a_reply_is_not_answered_as_a_thread_of_its_own(returned):
    reply = services.comment_reply(comment=returned.comment, by=returned.companion, text="Siap.")
    client = returned.client_for(returned.coordinator)
    assert client.post(url("comment-reply", returned.plan, reply), {"text": "Oke."}).status_code == 404
    with pytest.raises(services.WorkflowError):
        services.comment_reply(comment=reply, by=returned.coordinator, text="Oke.")
    assert replies(returned.comment) == ["Siap."]


def test_either_side_resolves_and_reopens_and_each_step_is_recorded(returned, clock):
    companion, coordinator = (returned.client_for(user) for user in (returned.companion, returned.coordinator))
    # Within a session's eight hours, so the clients stay logged in.
    clock.set("2026-01-13 10:00")
    response = companion.post(url("comment-resolve", returned.plan, returned.comment))
    assert response["Location"] == f"{returned.plan.get_absolute_url()}#comment-{returned.comment.pk}"
    returned.comment.refresh_from_db()
    assert returned.comment.resolved_by == returned.companion
    assert returned.comment.resolved_at == clock.now
    page = coordinator.get(returned.plan.get_absolute_url()).content.decode()
    assert "resolved by" in page and "Reopen" in page
    assert f'id="id_reply_{returned.comment.pk}_text"' not in page  # a resolved thread takes no reply

    clock.set("2026-01-13 11:00")
    coordinator.post(url("comment-reopen", returned.plan, returned.comment))
    returned.comment.refresh_from_db()
    assert not returned.comment.is_resolved and returned.comment.resolved_by is None
    steps = [(row.kind, row.author, row.created_at) for row in returned.comment.thread.order_by("created_at")]
    assert steps == [
        ("resolved", returned.companion, clock.now.replace(hour=10)),
        ("reopened", returned.coordinator, clock.now),
    ]
    assert "Mark resolved" in companion.get(returned.plan.get_absolute_url()).content.decode()


def test_a_resolved_thread_takes_no_reply_and_is_not_resolved_twice(returned):
    services.comment_resolve(comment=returned.comment, by=returned.coordinator)
    client = returned.client_for(returned.companion)
    page = client.post(url("comment-reply", returned.plan, returned.comment), {"text": "Siap."}, follow=True)
    assert "reopen it to answer it again" in page.content.decode()
    page = client.post(url("comment-resolve", returned.plan, returned.comment), follow=True)
    assert "already resolved" in page.content.decode()
    assert list(returned.comment.thread.values_list("kind", flat=True)) == ["resolved"]


def test_the_activity_edit_page_shows_the_thread_and_answers_there(returned):
    client = returned.client_for(returned.companion)
    edit = reverse("pillars:activity-edit", args=[returned.plan.pk, returned.activity.pk])
    services.comment_reply(comment=returned.comment, by=returned.coordinator, text="Sudah dicek?")
    page = client.get(edit).content.decode()
    assert "Target 4?" in page and "Sudah dicek?" in page
    assert f'id="id_reply_{returned.comment.pk}_text"' in page
    response = client.post(
        url("comment-reply", returned.plan, returned.comment), {"text": "Sudah.", "back": "activity"}
    )
    assert response["Location"] == f"{edit}#comment-{returned.comment.pk}"
    assert replies(returned.comment) == ["Sudah dicek?", "Sudah."]


def test_a_thread_does_not_change_the_plan(returned):
    version = WorkPlan.objects.get(pk=returned.plan.pk).version
    services.comment_reply(comment=returned.comment, by=returned.companion, text="Siap.")
    services.comment_resolve(comment=returned.comment, by=returned.companion)
    assert WorkPlan.objects.get(pk=returned.plan.pk).version == version


def _plan_page_queries(client, plan) -> int:
    client.get(plan.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(plan.get_absolute_url()).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["companion", "coordinator"])
@pytest.mark.usefixtures("pages_drawn")  # what drawing the page costs, not what keeping it saves
def test_the_plan_page_costs_the_same_queries_for_ten_times_the_threads(returned, who):
    client = returned.client_for(getattr(returned, who))

    def grow(size: int) -> None:
        for n in range(size):
            activity = ActivityFactory(plan=returned.plan, title=f"Tambahan {n}", target_quantity=Decimal("2"))
            comment = ActivityComment.objects.create(activity=activity, author=returned.coordinator, text=f"C{n}")
            services.comment_reply(comment=comment, by=returned.companion, text=f"R{n}")
            services.comment_resolve(comment=comment, by=returned.coordinator)

    grow(2)
    small = _plan_page_queries(client, returned.plan)
    grow(18)
    assert _plan_page_queries(client, returned.plan) == small


def test_the_homes_answer_button_opens_the_first_open_thread(returned):
    step = returned.client_for(returned.companion).get(reverse("home")).context["next_step"]
    assert step.url == f"{returned.plan.get_absolute_url()}#comment-{returned.comment.pk}"
    assert step.note == "1 activity has a comment."
    services.comment_resolve(comment=returned.comment, by=returned.companion)
    step = returned.client_for(returned.companion).get(reverse("home")).context["next_step"]
    assert (step.url, step.note) == (returned.plan.get_absolute_url(), "")

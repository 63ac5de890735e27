"""Concurrent ticks on one problem: one row, no errors, and a history without lost updates.

These commit for real (transactional_db) and run eight threads at once, each with its own
database connection, the way eight gunicorn workers would.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from prep.models import (
    ChapterDone,
    LearnChapter,
    Problem,
    ProblemEvent,
    ProblemProgress,
    ReviewCard,
    Status,
)
from tests.threads import logged_in_clients, run_in_threads

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalog"),
]

THREADS = 8
STATUS_URL = reverse("prep:problem-status")
NEETCODE = reverse("prep:list-detail", args=["neetcode-150"])
# Every thread asks for a different status than its neighbours, so most ticks are real changes.
STATUSES = [Status.ATTEMPTED, Status.SOLVED, Status.NEEDS_REVIEW, Status.SKIPPED]


def _assert_history_is_unbroken(user, problem: Problem) -> list[ProblemEvent]:
    """Each event starts where the one before ended, ending at the row's status."""
    events = list(ProblemEvent.objects.filter(user=user, problem=problem).order_by("id"))
    row = ProblemProgress.objects.get(user=user, problem=problem)
    chain = [Status.NOT_STARTED] + [e.status for e in events]
    assert [e.old_status for e in events] == chain[:-1]
    assert all(e.old_status != e.status for e in events)
    assert row.status == chain[-1]
    return events


def test_concurrent_status_posts_leave_one_row_and_one_event_per_change(alice):
    problem = Problem.objects.get(slug="two-sum")
    clients = logged_in_clients(alice, THREADS)

    def post(i: int) -> int:
        data = {"problem": "two-sum", "status": STATUSES[i % len(STATUSES)], "next": NEETCODE}
        return clients[i].post(STATUS_URL, data).status_code

    codes = run_in_threads(post, THREADS)

    assert codes == [302] * THREADS
    assert ProblemProgress.objects.filter(user=alice, problem=problem).count() == 1
    events = _assert_history_is_unbroken(alice, problem)
    assert 1 <= len(events) <= THREADS


def test_concurrent_htmx_posts_from_a_list_all_answer_with_the_row(alice):
    clients = logged_in_clients(alice, THREADS)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{NEETCODE}"}

    def post(i: int) -> tuple[int, bool]:
        data = {"problem": "two-sum", "status": STATUSES[i % 2], "list": "neetcode-150"}
        response = clients[i].post(STATUS_URL, data, **headers)
        return response.status_code, b'<tr id="problem-two-sum"' in response.content

    assert run_in_threads(post, THREADS) == [(200, True)] * THREADS
    assert ProblemProgress.objects.filter(user=alice).count() == 1
    _assert_history_is_unbroken(alice, Problem.objects.get(slug="two-sum"))


def test_concurrent_first_clicks_with_the_same_status_record_one_change(alice):
    clients = logged_in_clients(alice, THREADS)

    def post(i: int) -> int:
        data = {"problem": "two-sum", "status": "solved"}
        return clients[i].post(STATUS_URL, data).status_code

    assert run_in_threads(post, THREADS) == [302] * THREADS
    assert ProblemProgress.objects.get(user=alice).status == Status.SOLVED
    assert ProblemEvent.objects.filter(user=alice).count() == 1


def test_locked_marks_report_exactly_the_changes_they_recorded(alice):
    """The view's code path, called directly: mark() says True once per event written."""
    problem = Problem.objects.get(slug="two-sum")

    def tick(i: int) -> bool:
        with transaction.atomic():
            progress = ProblemProgress.objects.lock(alice, problem)
            return progress.mark(STATUSES[i % len(STATUSES)])

    changed = run_in_threads(tick, THREADS)

    events = _assert_history_is_unbroken(alice, problem)
    assert len(events) == sum(changed)
    assert ProblemProgress.objects.filter(user=alice, problem=problem).count() == 1


def test_two_users_ticking_at_once_keep_their_own_rows(alice, charlie):
    problem = Problem.objects.get(slug="two-sum")
    users = [alice, charlie]

    def tick(i: int) -> bool:
        with transaction.atomic():
            progress = ProblemProgress.objects.lock(users[i % 2], problem)
            return progress.mark(Status.SOLVED if i % 2 == 0 else Status.ATTEMPTED)

    run_in_threads(tick, THREADS)

    assert ProblemProgress.objects.get(user=alice).status == Status.SOLVED
    assert ProblemProgress.objects.get(user=charlie).status == Status.ATTEMPTED
    assert ProblemEvent.objects.filter(user=alice).count() == 1
    assert ProblemEvent.objects.filter(user=charlie).count() == 1


def test_concurrent_chapter_ticks_keep_one_row(alice):
    chapter = LearnChapter.objects.order_by("card__position", "position").first()
    clients = logged_in_clients(alice, THREADS)

    def post(i: int) -> int:
        data = {"chapter": chapter.pk, "done": "1"}
        return clients[i].post(reverse("prep:chapter-done"), data).status_code

    assert run_in_threads(post, THREADS) == [302] * THREADS
    assert ChapterDone.objects.filter(user=alice, chapter=chapter).count() == 1


def test_ratings_and_status_ticks_on_one_problem_at_once_never_deadlock(alice):
    """A rating locks the progress row, then the review card, as a status tick does: taken in
    the same order, concurrent requests queue instead of deadlocking (a 500 on PostgreSQL)."""
    clients = logged_in_clients(alice, THREADS)
    rate_url = reverse("prep:review-rate")

    def post(i: int) -> int:
        if i % 2:
            data = {"problem": "two-sum", "rating": ["again", "hard", "good", "easy"][i % 4]}
            return clients[i].post(rate_url, data).status_code
        data = {"problem": "two-sum", "status": [Status.SOLVED, Status.NEEDS_REVIEW][i % 4 // 2]}
        return clients[i].post(STATUS_URL, data).status_code

    for _ in range(3):
        assert run_in_threads(post, THREADS) == [302] * THREADS
    card = ReviewCard.objects.get(user=alice)
    assert card.reviews.count() == 1  # one review a day, however many ratings

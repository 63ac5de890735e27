"""Ticking a problem's status: from a list row (htmx or a plain form) and from the dashboard."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from prep.models import (
    ChapterDone,
    LearnChapter,
    ListSection,
    Problem,
    ProblemEvent,
    ProblemProgress,
    Status,
)

pytestmark = pytest.mark.usefixtures("catalog")

URL = reverse("prep:problem-status")
NEETCODE = reverse("prep:list-detail", args=["neetcode-150"])


def _htmx(page: str = NEETCODE) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _tick(client, status="solved", problem="two-sum", **extra):
    headers = extra.pop("headers", {})
    return client.post(URL, {"problem": problem, "status": status, **extra}, **headers)


def _selected_status(page: str, slug: str) -> str:
    select = re.search(rf'<select id="status-{slug}".*?</select>', page, re.S)
    assert select, f"no status control for {slug}"
    return re.search(r'<option value="(\w+)" selected>', select.group(0)).group(1)


def _counts() -> tuple[int, int]:
    return ProblemProgress.objects.count(), ProblemEvent.objects.count()


# --- Recording a status -----------------------------------------------------------------------


def test_first_status_change_creates_one_progress_row_and_one_event(alice_client, alice):
    response = _tick(alice_client, "attempted", next=NEETCODE)

    assert response.status_code == 302
    progress = ProblemProgress.objects.get()
    assert (progress.user, progress.problem.slug, progress.status) == (
        alice,
        "two-sum",
        Status.ATTEMPTED,
    )
    event = ProblemEvent.objects.get()
    assert (event.user, event.old_status, event.status) == (
        alice,
        Status.NOT_STARTED,
        Status.ATTEMPTED,
    )


def test_each_change_adds_an_event_from_the_old_status_to_the_new(alice_client):
    _tick(alice_client, "attempted")
    _tick(alice_client, "solved")

    events = ProblemEvent.objects.order_by("created_at", "id")
    assert [(e.old_status, e.status) for e in events] == [
        ("not_started", "attempted"),
        ("attempted", "solved"),
    ]
    assert ProblemProgress.objects.count() == 1


def test_setting_the_same_status_again_adds_no_event(alice_client):
    _tick(alice_client, "solved")

    response = _tick(alice_client, "solved", headers=_htmx())

    assert response.status_code == 200
    assert _counts() == (1, 1)


def test_solving_sets_first_solved_and_last_practised_to_today(alice_client):
    _tick(alice_client, "solved")

    progress = ProblemProgress.objects.get()
    assert progress.first_solved_on == timezone.localdate()
    assert progress.last_practised_on == timezone.localdate()


def test_first_solved_date_is_kept_through_needs_review_and_back(alice_client):
    _tick(alice_client, "solved")
    long_ago = timezone.localdate() - timedelta(days=30)
    ProblemProgress.objects.update(first_solved_on=long_ago, last_practised_on=long_ago)

    _tick(alice_client, "needs_review")
    _tick(alice_client, "solved")

    progress = ProblemProgress.objects.get()
    assert progress.status == Status.SOLVED
    assert progress.first_solved_on == long_ago
    assert progress.last_practised_on == timezone.localdate()


def test_attempting_does_not_set_a_first_solved_date(alice_client):
    _tick(alice_client, "attempted")

    progress = ProblemProgress.objects.get()
    assert progress.first_solved_on is None
    assert progress.last_practised_on == timezone.localdate()


def test_one_record_per_problem_shows_in_every_list_that_holds_it(alice_client):
    _tick(alice_client, "solved", list="neetcode-150", headers=_htmx())

    assert ProblemProgress.objects.count() == 1
    for slug in ["meta-top-100-six-months", "blind-75", "neetcode-150"]:
        page = alice_client.get(reverse("prep:list-detail", args=[slug])).content.decode()
        assert _selected_status(page, "two-sum") == "solved", slug


# --- The htmx response ------------------------------------------------------------------------


def test_htmx_tick_returns_the_row_and_out_of_band_counters(alice_client):
    section = ListSection.objects.get(problem_list__slug="neetcode-150", slug="arrays-hashing")

    response = _tick(alice_client, "solved", list="neetcode-150", headers=_htmx())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<nav" not in html
    assert html.count('<tr id="problem-two-sum"') == 1
    assert '<label class="visually-hidden" for="status-two-sum">Status of Two Sum</label>' in html
    assert _selected_status(html, "two-sum") == "solved"
    counters = re.search(r'<section id="list-counters"[^>]*>.*?</section>', html, re.S).group(0)
    assert 'hx-swap-oob="true"' in counters
    assert "1 of 150 solved" in counters
    assert re.search(
        rf'<span id="section-counter-{section.pk}"[^>]*hx-swap-oob="true"[^>]*>1 of 9 solved<', html
    )


def test_htmx_tick_sends_no_event_that_nothing_listens_for(alice_client):
    response = _tick(alice_client, "attempted", list="blind-75", headers=_htmx())

    assert response.status_code == 200
    assert "HX-Trigger" not in response


def test_htmx_tick_on_a_list_without_sections_sends_no_section_counter(alice_client):
    page = reverse("prep:list-detail", args=["meta-top-100-six-months"])

    response = _tick(alice_client, list="meta-top-100-six-months", headers=_htmx(page))

    html = response.content.decode()
    assert '<tr id="problem-two-sum"' in html
    assert "1 of 100 solved" in html
    assert "section-counter" not in html


def test_htmx_tick_from_the_dashboard_refreshes_readiness_next_up_and_activity(
    alice_client, alice_e5
):
    response = _tick(alice_client, "solved", headers=_htmx("/dashboard/"))

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#dashboard-panels"
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="dashboard-panels"')
    assert '<dd id="coding-readiness">1%</dd>' in html
    activity = re.search(r'<h2 id="activity-title">.*?</section>', html, re.S).group(0)
    assert "Two Sum</a>:\n          solved" in activity
    assert re.search(r'aria-label="NeetCode 150: 1 of 150 solved"', html)


def test_htmx_tick_of_an_attempt_from_the_dashboard_keeps_it_in_next_up(alice_client, alice_e5):
    # Learn chapters come first in "Next up": finish them so problems show.
    for chapter in LearnChapter.objects.all():
        ChapterDone.objects.create(user=alice_e5.user, chapter=chapter)
    assert (
        _selected_status(alice_client.get("/dashboard/").content.decode(), "two-sum")
        == "not_started"
    )

    response = _tick(alice_client, "attempted", headers=_htmx("/dashboard/"))

    assert _selected_status(response.content.decode(), "two-sum") == "attempted"


def test_htmx_tick_from_another_page_without_a_list_sends_no_readiness_panel(
    alice_client, alice_e5
):
    response = _tick(alice_client, "solved", headers=_htmx("/problems/two-sum/"))

    assert response.status_code == 200
    assert 'id="readiness"' not in response.content.decode()


# --- Without JavaScript: a plain form post ----------------------------------------------------


def test_plain_post_redirects_back_to_next_at_the_row(alice_client):
    response = _tick(alice_client, next=NEETCODE + "?difficulty=easy")

    assert response.status_code == 302
    assert response["Location"] == NEETCODE + "?difficulty=easy#problem-two-sum"


def test_plain_post_replaces_an_anchor_already_in_next(alice_client):
    response = _tick(alice_client, next=NEETCODE + "#problem-valid-anagram")

    assert response["Location"] == NEETCODE + "#problem-two-sum"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/lists/",
        "javascript:alert(1)",
        "",
        "settings",
        "prep:dashboard",
        "\\evil.example",
    ],
    ids=[
        "other-host",
        "scheme-relative",
        "javascript",
        "missing",
        "bare-word",
        "url-name",
        "backslashes",
    ],
)
def test_plain_post_never_redirects_off_the_site(alice_client, next_url):
    response = _tick(alice_client, next=next_url)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == ""
    assert urlsplit(response["Location"]).path == "/"
    assert ProblemProgress.objects.get().status == Status.SOLVED


# --- Access -----------------------------------------------------------------------------------


def test_anonymous_post_is_sent_to_log_in_and_nothing_is_saved(client):
    response = _tick(client, next=NEETCODE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert _counts() == (0, 0)


def test_anonymous_htmx_post_gets_a_full_page_redirect_back_to_the_list(client):
    page = NEETCODE + "?status=solved"

    response = _tick(client, list="neetcode-150", headers=_htmx(page))

    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [page]
    assert b"password" not in response.content
    assert _counts() == (0, 0)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_get_405_even_when_anonymous(client, alice_client, method):
    assert getattr(alice_client, method)(URL).status_code == 405
    alice_client.logout()
    assert getattr(client, method)(URL).status_code == 405


def test_a_strangers_tick_never_changes_alices_row(alice_client, alice, charlie, client):
    _tick(alice_client, "solved")
    client.force_login(charlie)

    _tick(client, "attempted", list="neetcode-150", headers=_htmx())

    assert ProblemProgress.objects.get(user=alice).status == Status.SOLVED
    assert ProblemProgress.objects.get(user=charlie).status == Status.ATTEMPTED
    assert ProblemEvent.objects.filter(user=alice).count() == 1


def test_a_stranger_does_not_see_alices_status_in_the_htmx_row(alice_client, charlie, client):
    _tick(alice_client, "solved")
    client.force_login(charlie)

    response = _tick(
        client, "skipped", problem="valid-anagram", list="neetcode-150", headers=_htmx()
    )

    # charlie's counters count charlie's work only.
    assert "0 of 150 solved" in response.content.decode()


# --- Bad input --------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        {"problem": "no-such-problem", "status": "solved"},
        "There is no such problem in the catalogue.",
        id="unknown-problem",
    ),
    pytest.param(
        {"problem": "two-sum", "status": "bogus"},
        "“bogus” is not a status. Pick one from the menu.",
        id="invalid-status",
    ),
    pytest.param(
        {"problem": "two-sum", "status": "solved", "list": "no-such-list"},
        "There is no such list in the catalogue.",
        id="unknown-list",
    ),
    pytest.param({"status": "solved"}, "This field is required.", id="missing-problem"),
    pytest.param({"problem": "two-sum"}, "This field is required.", id="missing-status"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_answers_400_with_a_readable_page_and_saves_nothing(alice_client, data, message):
    response = alice_client.post(URL, {**data, "next": NEETCODE})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved." in response.content.decode()
    assert _counts() == (0, 0)


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_over_htmx_answers_400_with_a_fragment_for_the_error_area(
    alice_client, data, message
):
    response = alice_client.post(URL, data, **_htmx())

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<html" not in html
    assert "<nav" not in html
    assert response["HX-Retarget"] == "#htmx-errors"
    assert _counts() == (0, 0)


def test_bad_status_over_htmx_from_a_row_shows_the_message_in_the_row(alice_client):
    data = {"problem": "two-sum", "status": "bogus", "list": "neetcode-150"}

    response = alice_client.post(URL, data, **_htmx())

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    row = re.search(r'<tr id="problem-two-sum".*?</tr>', html, re.S).group(0)
    assert "“bogus” is not a status. Pick one from the menu. Nothing was saved." in row
    assert _selected_status(row, "two-sum") == "not_started"
    assert _counts() == (0, 0)


def test_bad_status_does_not_change_an_existing_status(alice_client):
    _tick(alice_client, "solved")

    response = _tick(alice_client, "bogus", list="neetcode-150", headers=_htmx())

    assert response.status_code == 400
    assert ProblemProgress.objects.get().status == Status.SOLVED
    assert _selected_status(response.content.decode(), "two-sum") == "solved"
    assert _counts() == (1, 1)


def test_an_archived_problem_cannot_be_ticked(alice_client):
    Problem.objects.filter(slug="two-sum").update(is_archived=True)

    response = _tick(alice_client)

    assert response.status_code == 400
    assert "There is no such problem in the catalogue." in response.content.decode()
    assert _counts() == (0, 0)


def test_a_problem_that_is_not_in_the_list_answers_400_and_saves_nothing(alice_client):
    # two-sum is on NeetCode 150 but not on Meta's class-design list.
    response = _tick(alice_client, list="meta-design", headers=_htmx())

    assert response.status_code == 400
    assert _counts() == (0, 0)

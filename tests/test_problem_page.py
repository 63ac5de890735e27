"""A problem's own page: its status history, and the candidate's confidence, minutes and notes."""

import re
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from prep import reviews
from prep.forms import NOTES_MAX
from prep.list_rows import memberships
from prep.models import (
    Company,
    ListEntry,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    ReviewCard,
    Status,
)

pytestmark = pytest.mark.usefixtures("catalog")

PAGE = reverse("prep:problem-detail", args=["two-sum"])
SAVE = reverse("prep:problem-progress", args=["two-sum"])
STATUS_URL = reverse("prep:problem-status")


def _htmx(page: str = PAGE) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _save(client, **data):
    return client.post(SAVE, {"confidence": "3", "minutes_spent": "25", "notes": "", **data})


def _tick(client, status: str) -> None:
    client.post(STATUS_URL, {"problem": "two-sum", "status": status, "next": PAGE})


def _notes_html(html: str) -> str:
    return re.search(r'<div class="prose rendered-notes">(.*?)</div>', html, re.S).group(1)


# --- The page ---------------------------------------------------------------------------------


def test_problem_page_shows_the_problem_and_the_lists_holding_it(alice_client):
    response = alice_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>1. Two Sum</h1>" in html
    assert 'href="https://leetcode.com/problems/two-sum/"' in html
    for short_name in ["NeetCode 150", "Blind 75", "Meta top 100 #1"]:
        assert f"{short_name}</a>" in html
    assert "No status changes yet." in html


def test_problem_page_shows_the_history_of_status_changes(alice_client):
    _tick(alice_client, "attempted")
    _tick(alice_client, "solved")

    html = alice_client.get(PAGE).content.decode()

    history = re.search(r'<ol class="history">(.*?)</ol>', html, re.S).group(1)
    changes = re.findall(r"</time>: ([\w ]+) → <strong>([\w ]+)</strong>", history)
    assert changes == [("Attempted", "Solved"), ("Not started", "Attempted")]
    assert re.search(r"<dt>First solved</dt><dd>\d+ \w+ \d{4}</dd>", html)


def test_problem_page_status_control_shows_the_current_status(alice_client):
    _tick(alice_client, "needs_review")

    html = alice_client.get(PAGE).content.decode()

    assert '<option value="needs_review" selected>' in html
    assert '<label class="visually-hidden" for="status-two-sum">Status of Two Sum</label>' in html
    assert 'name="list"' not in html


def test_unknown_problem_is_404(alice_client):
    assert alice_client.get(reverse("prep:problem-detail", args=["no-such"])).status_code == 404


def test_archived_problem_is_404(alice_client):
    Problem.objects.filter(slug="two-sum").update(is_archived=True)

    assert alice_client.get(PAGE).status_code == 404


def test_a_stranger_sees_none_of_alices_notes_status_or_history(alice_client, charlie, client):
    _tick(alice_client, "solved")
    _save(alice_client, notes="Alice's secret approach", confidence="4")
    client.force_login(charlie)

    html = client.get(PAGE).content.decode()

    assert "Alice&#x27;s secret approach" not in html
    assert "secret approach" not in html
    assert "No status changes yet." in html
    assert '<option value="not_started" selected>' in html
    assert "First solved" not in html


# --- Saving confidence, minutes and notes -----------------------------------------------------


def test_saving_notes_stores_them_and_redirects_to_the_page(alice_client, alice):
    response = _save(alice_client, confidence="4", minutes_spent="35", notes="Use a hash map.")

    assert response.status_code == 302
    assert response["Location"] == PAGE
    progress = ProblemProgress.objects.get(user=alice, problem__slug="two-sum")
    assert (progress.confidence, progress.minutes_spent, progress.notes) == (
        4,
        35,
        "Use a hash map.",
    )
    html = alice_client.get(PAGE).content.decode()
    assert "Saved your notes." in html
    assert '<option value="4" selected>4 of 5</option>' in html
    assert "<p>Use a hash map.</p>" in _notes_html(html)


def test_saving_notes_keeps_the_status_and_adds_no_history(alice_client):
    _tick(alice_client, "solved")

    _save(alice_client, notes="Again, faster.")

    progress = ProblemProgress.objects.get()
    assert progress.status == Status.SOLVED
    assert progress.notes == "Again, faster."
    assert ProblemEvent.objects.count() == 1


def test_saving_twice_updates_the_one_record(alice_client):
    _save(alice_client, notes="First")
    _save(alice_client, notes="Second", confidence="")

    progress = ProblemProgress.objects.get()
    assert (progress.notes, progress.confidence) == ("Second", None)


def test_a_strangers_notes_never_change_alices(alice_client, alice, charlie, client):
    _save(alice_client, notes="Alice's")
    client.force_login(charlie)

    _save(client, notes="Charlie's", confidence="1")

    assert ProblemProgress.objects.get(user=alice).notes == "Alice's"
    assert ProblemProgress.objects.get(user=alice).confidence == 3
    assert ProblemProgress.objects.get(user=charlie).notes == "Charlie's"


def test_notes_are_rendered_as_markdown(alice_client):
    _save(alice_client, notes="**bold** and `code`\n\n- one\n- two")

    notes = _notes_html(alice_client.get(PAGE).content.decode())

    assert "<strong>bold</strong>" in notes
    assert "<code>code</code>" in notes
    assert "<li>one</li>" in notes


@pytest.mark.parametrize(
    ("notes", "forbidden", "kept"),
    [
        ("Hi <script>alert(1)</script>", "<script", "Hi"),
        ("[click](javascript:alert(1))", "javascript:", "click</a>"),
        ('<a href="javascript:alert(1)">here</a>', "javascript:", "here</a>"),
        ('<img src="x.png" onerror="alert(1)">', "onerror", "<img"),
        ("<iframe src='https://evil.example/'></iframe> after", "<iframe", "after"),
    ],
    ids=["script", "markdown-js-link", "html-js-link", "onerror", "iframe"],
)
def test_notes_are_sanitised(alice_client, notes, forbidden, kept):
    _save(alice_client, notes=notes)

    rendered = _notes_html(alice_client.get(PAGE).content.decode())

    assert forbidden not in rendered
    assert kept in rendered


def test_links_in_notes_are_kept_and_marked_nofollow(alice_client):
    _save(alice_client, notes="[editorial](https://leetcode.com/problems/two-sum/editorial/)")

    rendered = _notes_html(alice_client.get(PAGE).content.decode())

    link = re.search(r"<a [^>]*>editorial</a>", rendered).group(0)
    assert 'href="https://leetcode.com/problems/two-sum/editorial/"' in link
    assert "nofollow" in link


def test_notes_of_exactly_the_limit_are_saved(alice_client):
    response = _save(alice_client, notes="x" * NOTES_MAX)

    assert response.status_code == 302
    assert len(ProblemProgress.objects.get().notes) == NOTES_MAX


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"confidence": "0"}, "Confidence goes from 1 to 5."),
        ({"confidence": "6"}, "Confidence goes from 1 to 5."),
        ({"confidence": "x"}, "Confidence goes from 1 to 5."),
        ({"minutes_spent": "abc"}, "Minutes must be a whole number, like 25."),
        ({"minutes_spent": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"notes": "x" * (NOTES_MAX + 1)}, "Ensure this value has at most 20000 characters"),
    ],
    ids=["confidence-0", "confidence-6", "confidence-x", "minutes-abc", "minutes-negative", "long"],
)
def test_bad_input_answers_400_with_the_message_and_saves_nothing(alice_client, data, message):
    _save(alice_client, notes="Before")

    response = _save(alice_client, **{"notes": "After", **data})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "field-invalid" in html
    progress = ProblemProgress.objects.get()
    assert (progress.confidence, progress.minutes_spent, progress.notes) == (3, 25, "Before")


def test_bad_input_on_a_first_save_creates_no_record(alice_client):
    response = _save(alice_client, confidence="9")

    assert response.status_code == 400
    assert ProblemProgress.objects.count() == 0


def test_saving_notes_on_an_unknown_problem_is_404(alice_client):
    url = reverse("prep:problem-progress", args=["no-such"])

    assert alice_client.post(url, {"minutes_spent": "1"}).status_code == 404
    assert ProblemProgress.objects.count() == 0


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, SAVE], ids=["page", "save"])
def test_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.post(url, {"minutes_spent": "1"}) if url == SAVE else client.get(url)

    assert response.status_code == 302
    # Saving sends the user back to the problem's page, never to the address that takes POSTs.
    assert response["Location"] == f"{reverse('login')}?next={PAGE}"
    assert ProblemProgress.objects.count() == 0


def test_anonymous_htmx_save_gets_a_full_page_redirect_back_to_the_problem(client):
    response = client.post(SAVE, {"minutes_spent": "1"}, **_htmx())

    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [PAGE]
    assert b"password" not in response.content


@pytest.mark.parametrize(
    ("url", "method"),
    [(PAGE, "post"), (PAGE, "put"), (SAVE, "get"), (SAVE, "put"), (SAVE, "delete")],
)
def test_other_methods_get_405_even_when_anonymous(client, alice, url, method):
    assert getattr(client, method)(url).status_code == 405
    client.force_login(alice)
    assert getattr(client, method)(url).status_code == 405


def test_a_status_change_on_the_problem_page_refreshes_its_history_in_place(alice_client):
    response = alice_client.post(
        STATUS_URL, {"problem": "two-sum", "status": Status.ATTEMPTED}, **_htmx()
    )

    html = response.content.decode()
    assert response.status_code == 200
    history = html[html.index('id="problem-history"') :]
    assert 'hx-swap-oob="true"' in html[html.index('<div id="problem-history"') :][:80]
    assert "Not started → <strong>Attempted</strong>" in history


def test_a_status_change_from_another_page_sends_no_history(alice_client):
    response = alice_client.post(
        STATUS_URL, {"problem": "two-sum", "status": Status.ATTEMPTED}, **_htmx("/dashboard/")
    )

    assert 'id="problem-history"' not in response.content.decode()


@pytest.mark.parametrize("status", [None, *Status.values])
def test_the_page_says_reviews_are_paused_exactly_when_the_card_no_longer_comes_up(
    alice_client, alice, status
):
    """The page works out whether the card is paused from the progress row it reads anyway;
    it must say what `reviews.active` says, for every status and for no progress at all."""
    problem = Problem.objects.get(slug="two-sum")
    card = ReviewCard.objects.create(user=alice, problem=problem, due_on="2026-12-01")
    if status is not None:
        ProblemProgress.objects.create(user=alice, problem=problem, status=status)

    html = alice_client.get(PAGE).content.decode()

    comes_up = reviews.active(alice).filter(pk=card.pk).exists()
    assert ("Reviews are paused while" in html) is (not comes_up)
    assert comes_up is (status in (Status.ATTEMPTED, Status.SOLVED, Status.NEEDS_REVIEW))


def _ties_and_archives() -> None:
    """Two entries at one position of a list, an archived entry, a list whose company is
    archived, and a list moved last: each changes what `with_place` counts, or the order."""
    blind = ProblemList.objects.get(slug="blind-75")
    blind.position = 1 + max(ProblemList.objects.values_list("position", flat=True))
    blind.save()
    first = blind.entries.order_by("position").first()
    second = blind.entries.order_by("position")[1]
    second.position = first.position
    second.save()
    archived = blind.entries.order_by("position")[5]
    archived.is_archived = True
    archived.save()
    Company.objects.filter(slug="amazon").update(is_archived=True)


def test_every_problem_lists_what_the_databases_own_count_of_places_says():
    """The problem page's lists and places come from one map kept per catalogue version; for
    every problem they are what `ListEntry.with_place` counts, ties and archives included."""
    _ties_and_archives()
    places = (
        ListEntry.objects.active()
        .with_place()
        .order_by("problem_list__position", "problem_list_id")
        .values_list("problem_id", "problem_list_id", "place", "rank")
    )
    expected = defaultdict(list)
    for problem_id, list_id, place, rank in places:
        expected[problem_id].append((list_id, place, rank))

    for problem in Problem.objects.all():
        found = [(m.problem_list.pk, m.place, m.rank) for m in memberships(problem.pk)]
        assert found == expected.get(problem.pk, []), problem.slug
    assert any(len(held) > 1 for held in expected.values())


def test_a_list_reordered_by_an_admin_shows_its_new_place_at_once(alice_client):
    assert "Meta top 100 #1</a>" in alice_client.get(PAGE).content.decode()
    meta = ProblemList.objects.get(slug="meta-top-100-six-months")
    two_sum = meta.entries.get(problem__slug="two-sum")
    two_sum.position = meta.entries.order_by("-position").first().position + 1
    two_sum.save()

    html = alice_client.get(PAGE).content.decode()

    assert f"Meta top 100 #{meta.entries.active().count()}</a>" in html

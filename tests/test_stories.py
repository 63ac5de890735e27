"""The behavioral story bank: writing, editing and deleting stories, the list with its
previews, the coverage grid, and the rehearsal timer on each story's page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from prep.models import FocusArea, Level, Story
from tests.factories import ProfileFactory, StoryFactory

pytestmark = pytest.mark.usefixtures("catalog")

STORIES = reverse("prep:stories")
CREATE = reverse("prep:story-create")
CONFLICT = "resolving-conflict"
RESULTS = "driving-results"

# Measured on SQLite and PostgreSQL; the same with one story or thirty.
STORIES_PAGE_QUERIES = 7


def _edit(story: Story) -> str:
    return reverse("prep:story-edit", args=[story.pk])


def _delete(story: Story) -> str:
    return reverse("prep:story-delete", args=[story.pk])


def _area(slug: str) -> FocusArea:
    return FocusArea.objects.get(slug=slug)


def _form(*areas: str, **fields) -> dict:
    data = {
        "title": "Settling the feature-store migration",
        "situation": "Two teams wanted different schemas.",
        "task": "Agree on one.",
        "action": "I ran a design review with both.",
        "result": "One schema, shipped in a quarter.",
        "learned": "Write the trade-offs down first.",
        "focus_areas": list(areas),
        "state": Story.State.REHEARSED,
    }
    return {**data, **fields}


def _page(client, url: str = STORIES) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, slug: str) -> str:
    """One focus area's row of the coverage grid."""
    match = re.search(rf'<tr id="area-{slug}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no coverage row for {slug}"
    return match.group(1)


def _counts(page: str, slug: str) -> dict[str, int]:
    """A focus area's counts: rehearsed, written but not rehearsed, unfinished."""
    cells = re.findall(r'data-label="([^"]+)">(\d+)<', _row(page, slug))
    return {label: int(count) for label, count in cells}


def _counted(rehearsed: int = 0, written: int = 0, unfinished: int = 0) -> dict[str, int]:
    return {
        "Rehearsed": rehearsed,
        "Written, not rehearsed": written,
        "Unfinished": unfinished,
    }


def _card(page: str, story: Story) -> str:
    """One story's card in the list."""
    match = re.search(
        rf'<li class="card story-card" id="story-{story.pk}">(.*?)</li>\s*(<li|</ul>)', page, re.S
    )
    assert match, f"no card for {story.title}"
    return match.group(1)


@pytest.fixture
def bobs_story(bob) -> Story:
    return StoryFactory(user=bob, title="Bob's secret story", focus_areas=[_area(CONFLICT)])


@pytest.fixture
def alices_story(alice) -> Story:
    return StoryFactory(user=alice, title="Alice's first story", focus_areas=[_area(CONFLICT)])


# --- The coverage grid ------------------------------------------------------------------------


def test_with_no_stories_every_focus_area_says_no_story_yet(alice_client):
    page = _page(alice_client)

    for area in FocusArea.objects.active():
        assert "No story yet" in _row(page, area.slug)


def test_a_rehearsed_story_fills_its_areas_gap_and_no_other(alice_client, alice):
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[_area(CONFLICT)])

    page = _page(alice_client)

    assert "No story yet" not in _row(page, CONFLICT)
    assert "Drafts only" not in _row(page, CONFLICT)
    assert "Ready" in _row(page, CONFLICT)
    assert _counts(page, CONFLICT) == _counted(rehearsed=1)
    for area in FocusArea.objects.active().exclude(slug=CONFLICT):
        assert "No story yet" in _row(page, area.slug)
        assert _counts(page, area.slug) == _counted()


def test_an_area_with_only_drafted_stories_says_drafts_only(alice_client, alice):
    StoryFactory(user=alice, state=Story.State.DRAFTED, focus_areas=[_area(CONFLICT)])
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[_area(RESULTS)])

    page = _page(alice_client)

    assert "Drafts only" in _row(page, CONFLICT)
    assert "No story yet" not in _row(page, CONFLICT)
    assert _counts(page, CONFLICT) == _counted(written=1)
    assert "Drafts only" not in _row(page, RESULTS)


def test_one_story_can_cover_several_areas(alice_client, alice):
    StoryFactory(user=alice, focus_areas=[_area(CONFLICT), _area(RESULTS)])

    page = _page(alice_client)

    assert "No story yet" not in _row(page, CONFLICT)
    assert "No story yet" not in _row(page, RESULTS)
    assert "No story yet" in _row(page, "embracing-ambiguity")


def test_a_strangers_stories_neither_show_nor_fill_gaps(alice_client, bobs_story):
    page = _page(alice_client)

    assert "Bob&#x27;s secret story" not in page
    assert "No story yet" in _row(page, CONFLICT)


# --- Level guidance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [
        ("e6", "scope_e6", "scope_e5"),
        ("e4", "scope_e4", "scope_e6"),
        ("e5", "scope_e5", "scope_e6"),
    ],
)
def test_the_scope_guidance_matches_the_profiles_level(alice_client, alice, level, shown, hidden):
    ProfileFactory(user=alice, target_level=Level.objects.get(slug=level))

    page = _page(alice_client)

    assert f"The scope expected at {level.upper()}" in page
    for area in FocusArea.objects.active():
        assert escape(getattr(area, shown)) in page
        assert escape(getattr(area, hidden)) not in page


# --- Writing, editing, deleting ---------------------------------------------------------------


def test_writing_a_story_saves_it_and_fills_the_grid(alice_client, alice):
    response = alice_client.post(CREATE, _form(CONFLICT))

    assert response.status_code == 302
    assert response["Location"] == STORIES
    story = Story.objects.get()
    assert (story.user, story.title, story.state) == (
        alice,
        "Settling the feature-store migration",
        Story.State.REHEARSED,
    )
    assert [a.slug for a in story.focus_areas.all()] == [CONFLICT]
    page = _page(alice_client)
    assert "Saved “Settling the feature-store migration”." in page
    assert "No story yet" not in _row(page, CONFLICT)


def test_the_new_story_form_shows_every_focus_area(alice_client):
    page = _page(alice_client, CREATE)

    for area in FocusArea.objects.active():
        assert f'value="{area.slug}"' in page
        assert area.name in page


def test_editing_a_story_changes_its_text_areas_and_state(alice_client, alices_story):
    assert "Alice&#x27;s first story" in _page(alice_client, _edit(alices_story))

    response = alice_client.post(
        _edit(alices_story), _form(RESULTS, title="Renamed", state=Story.State.DRAFTED)
    )

    assert response.status_code == 302
    alices_story.refresh_from_db()
    assert alices_story.title == "Renamed"
    assert alices_story.state == Story.State.DRAFTED
    assert [a.slug for a in alices_story.focus_areas.all()] == [RESULTS]
    page = _page(alice_client)
    assert "No story yet" in _row(page, CONFLICT)
    assert "Drafts only" in _row(page, RESULTS)


def test_deleting_a_story_asks_first_and_deletes_nothing_until_confirmed(
    alice_client, alices_story
):
    response = alice_client.post(_delete(alices_story))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete “Alice&#x27;s first story”?" in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'action="{_delete(alices_story)}"' in html
    assert Story.objects.filter(pk=alices_story.pk).exists()


def test_the_story_form_asks_before_deleting_with_javascript_on(alice_client, alices_story):
    html = alice_client.get(reverse("prep:story-edit", args=[alices_story.pk])).content.decode()

    assert 'data-confirm="Delete “Alice&#x27;s first story”? This cannot be undone."' in html


def test_deleting_a_story_removes_it_and_reopens_the_gap(alice_client, alices_story):
    response = alice_client.post(_delete(alices_story), {"confirmed": "yes"})

    assert response.status_code == 302
    assert response["Location"] == STORIES
    assert not Story.objects.exists()
    page = _page(alice_client)
    assert "Deleted “Alice&#x27;s first story”." in page
    assert "No story yet" in _row(page, CONFLICT)


# --- Bad input --------------------------------------------------------------------------------


def test_a_story_with_no_focus_area_answers_400_and_saves_nothing(alice_client):
    response = alice_client.post(CREATE, _form())

    assert response.status_code == 400
    assert "Tag the story with at least one focus area." in response.content.decode()
    assert not Story.objects.exists()


def test_a_story_with_no_title_answers_400_and_saves_nothing(alice_client):
    response = alice_client.post(CREATE, _form(CONFLICT, title=""))

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"state": "perfect"}, "Select a valid choice."),
        ({"focus_areas": ["no-such-area"]}, "Select a valid choice."),
        ({"focus_areas": ["999999999999999999999999999999"]}, "Select a valid choice."),
        ({"situation": "x" * 5_001}, "at most 5000 characters"),
    ],
    ids=["unknown-state", "unknown-area", "huge-number-area", "long-situation"],
)
def test_other_bad_story_input_answers_400_and_saves_nothing(alice_client, bad, message):
    response = alice_client.post(CREATE, _form(CONFLICT, **bad))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Story.objects.exists()


def test_an_archived_focus_area_cannot_be_tagged(alice_client):
    FocusArea.objects.filter(slug=CONFLICT).update(is_archived=True)

    assert alice_client.post(CREATE, _form(CONFLICT)).status_code == 400
    assert not Story.objects.exists()


def test_a_bad_edit_answers_400_and_leaves_the_story_as_it_was(alice_client, alices_story):
    response = alice_client.post(_edit(alices_story), _form(title="", state="drafted"))

    assert response.status_code == 400
    alices_story.refresh_from_db()
    assert alices_story.title == "Alice's first story"
    assert [a.slug for a in alices_story.focus_areas.all()] == [CONFLICT]


# --- Who may do what --------------------------------------------------------------------------


def test_a_strangers_story_is_404_to_view_edit_or_delete(alice_client, bobs_story):
    assert alice_client.get(_edit(bobs_story)).status_code == 404
    assert alice_client.post(_edit(bobs_story), _form(RESULTS, title="Mine")).status_code == 404
    assert alice_client.post(_delete(bobs_story)).status_code == 404

    bobs_story.refresh_from_db()
    assert bobs_story.title == "Bob's secret story"
    assert [a.slug for a in bobs_story.focus_areas.all()] == [CONFLICT]


def test_the_owner_still_sees_their_story_after_a_stranger_tried(alice_client, bob, bobs_story):
    alice_client.post(_delete(bobs_story))
    client = Client()
    client.force_login(bob)

    assert "Bob&#x27;s secret story" in _page(client)


ANONYMOUS = [
    ("get", "stories"),
    ("get", "story-create"),
    ("post", "story-create"),
    ("get", "story-edit"),
    ("post", "story-edit"),
    ("post", "story-delete"),
]


@pytest.mark.parametrize(("method", "name"), ANONYMOUS)
def test_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(
    client, alices_story, method, name
):
    args = [alices_story.pk] if name in {"story-edit", "story-delete"} else []

    response = getattr(client, method)(reverse(f"prep:{name}", args=args), _form(RESULTS))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert Story.objects.get().title == "Alice's first story"


WRONG_METHOD = [
    ("post", "stories"),
    ("put", "story-create"),
    ("delete", "story-edit"),
    ("get", "story-delete"),
]


@pytest.mark.parametrize(("method", "name"), WRONG_METHOD)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "alice"])
def test_wrong_method_is_405(client, alice, alices_story, method, name, logged_in):
    if logged_in:
        client.force_login(alice)
    args = [alices_story.pk] if name in {"story-edit", "story-delete"} else []

    assert getattr(client, method)(reverse(f"prep:{name}", args=args)).status_code == 405
    assert Story.objects.filter(pk=alices_story.pk).exists()


# --- Query budget -----------------------------------------------------------------------------


@pytest.mark.parametrize("stories", [1, 30])
def test_stories_page_query_budget_is_the_same_with_one_or_thirty_stories(
    alice_client, alice, alice_e5, django_assert_max_num_queries, stories
):
    areas = list(FocusArea.objects.active())
    for n in range(stories):
        StoryFactory(
            user=alice,
            state=[Story.State.DRAFTED, Story.State.REHEARSED][n % 2],
            focus_areas=areas[n % len(areas) : n % len(areas) + 2],
        )

    with django_assert_max_num_queries(STORIES_PAGE_QUERIES):
        page = _page(alice_client)

    assert page.count('class="card story-card"') == stories
    tagged = sum(len(areas[n % len(areas) : n % len(areas) + 2]) for n in range(stories))
    assert sum(sum(_counts(page, area.slug).values()) for area in areas) == tagged


def test_an_unfinished_story_says_so_in_the_coverage_grid(alice_client, alice):
    StoryFactory(
        user=alice,
        title="Half written",
        task="",
        state=Story.State.REHEARSED,
        focus_areas=[FocusArea.objects.get(slug=CONFLICT)],
    )

    page = _page(alice_client)
    row = _row(page, CONFLICT)

    assert "Not finished" in row
    assert "no complete story yet: write all four parts to count it" in row
    assert _counts(page, CONFLICT) == _counted(unfinished=1)


# --- The list: a preview of every story -------------------------------------------------------


def test_each_story_shows_its_title_state_areas_and_a_preview_of_every_part(alice_client, alice):
    story = StoryFactory(
        user=alice,
        title="The schema fight",
        situation="S" * 300,
        task="Agree on one schema.",
        action="",
        result="Shipped in a quarter.",
        state=Story.State.REHEARSED,
        focus_areas=[_area(CONFLICT), _area(RESULTS)],
    )

    card = _card(_page(alice_client), story)

    assert "The schema fight" in card
    assert "Rehearsed" in card
    assert "Resolving Conflict" in card
    assert "Driving Results" in card
    # A long part is cut to about 140 characters; a short one is shown whole.
    assert "S" * 139 + "…" in card
    assert "S" * 141 not in card
    assert "Agree on one schema." in card
    assert "Shipped in a quarter." in card
    assert card.count("Not written yet") == 1
    assert "Unfinished" in card


def test_a_story_with_all_four_parts_says_it_is_complete(alice_client, alice):
    story = StoryFactory(user=alice, focus_areas=[_area(CONFLICT)])

    card = _card(_page(alice_client), story)

    assert "Complete" in card
    assert "Unfinished" not in card
    assert "Not written yet" not in card


def test_with_no_stories_the_list_says_so(alice_client):
    assert "No stories yet." in _page(alice_client)


def test_the_grid_has_the_same_columns_with_one_story_or_thirty(alice_client, alice):
    areas = list(FocusArea.objects.active())
    StoryFactory(user=alice, focus_areas=areas)
    one = _page(alice_client)
    for _ in range(29):
        StoryFactory(user=alice, focus_areas=areas)
    thirty = _page(alice_client)

    def columns(page: str) -> int:
        table = re.search(r'<table class="coverage-counts">(.*?)</table>', page, re.S).group(1)
        return table.count('<th scope="col">')

    assert columns(one) == columns(thirty) == 5
    assert _counts(thirty, CONFLICT) == _counted(written=30)


# --- The form ---------------------------------------------------------------------------------


def test_each_focus_area_checkbox_sits_inside_its_own_label(alice_client):
    page = _page(alice_client, CREATE)

    labels = re.findall(r'<label class="choice"[^>]*>(.*?)</label>', page, re.S)
    assert len(labels) == FocusArea.objects.active().count()
    for area, label in zip(FocusArea.objects.active(), labels, strict=True):
        assert re.search(rf'<input type="checkbox" name="focus_areas" value="{area.slug}"', label)
        assert area.name in label
    assert "<legend>Focus areas</legend>" in page


def test_a_failed_save_keeps_the_ticked_areas_and_says_nothing_was_saved(alice_client):
    response = alice_client.post(CREATE, _form(CONFLICT, title=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html
    assert re.search(rf'value="{CONFLICT}"[^>]*checked', html)


# --- Rehearsing against the clock -------------------------------------------------------------


def _timer_url(story: Story) -> str:
    return reverse("prep:story-timer", args=[story.pk])


def _clock(page: str) -> tuple[str, int]:
    match = re.search(r'data-state="([\w-]+)" data-elapsed="(\d+)"', page)
    assert match, "no timer on the page"
    return match.group(1), int(match.group(2))


def test_a_story_page_offers_a_three_minute_rehearsal_timer_as_a_suggestion(
    alice_client, alices_story
):
    page = _page(alice_client, _edit(alices_story))

    assert "Rehearsal timer" in page
    assert _clock(page) == ("not-started", 0)
    assert "Start the 3-minute timer" in page
    assert "of 3:00" in page
    assert "not a rule" in page
    assert f'action="{_timer_url(alices_story)}"' in page


def test_a_new_story_has_no_timer_until_it_is_saved(alice_client):
    page = _page(alice_client, CREATE)

    assert "data-timer" not in page
    assert "Once saved, it gets a rehearsal timer." in " ".join(page.split())


def test_starting_the_timer_keeps_it_running_across_a_reload(alice_client, alices_story):
    response = alice_client.post(_timer_url(alices_story), {"action": "start"})

    assert response.status_code == 302
    assert response["Location"] == f"{_edit(alices_story)}#timer"
    assert _clock(_page(alice_client, _edit(alices_story)))[0] == "running"


def test_htmx_start_returns_only_the_running_timer(alice_client, alices_story):
    response = alice_client.post(
        _timer_url(alices_story), {"action": "start"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="timer"')
    assert "<html" not in html
    assert _clock(html)[0] == "running"
    assert "Pause" in html


def test_pausing_stops_the_clock_and_resuming_starts_it_again(alice_client, alices_story):
    alice_client.post(_timer_url(alices_story), {"action": "start"})
    alice_client.post(_timer_url(alices_story), {"action": "pause"})

    assert _clock(_page(alice_client, _edit(alices_story)))[0] == "paused"

    alice_client.post(_timer_url(alices_story), {"action": "resume"})

    assert _clock(_page(alice_client, _edit(alices_story)))[0] == "running"


def _started(client, story: Story, seconds_ago: int) -> None:
    session = client.session
    started = timezone.now() - timedelta(seconds=seconds_ago)
    session[f"rehearsal:{story.pk}"] = {"started_at": started.isoformat(), "paused_seconds": 0}
    session.save()


def test_past_three_minutes_the_page_says_time_is_up(alice_client, alices_story):
    _started(alice_client, alices_story, 200)

    page = _page(alice_client, _edit(alices_story))

    assert re.search(r'<section id="timer" class="card timer overtime"', page)
    assert re.search(r"Time is up: 0:2\d over\.", page)
    assert 'data-over-message="Time is up' in page


def test_within_three_minutes_nothing_is_up(alice_client, alices_story):
    _started(alice_client, alices_story, 60)

    page = _page(alice_client, _edit(alices_story))

    assert not re.search(r"Time is up: \d", page)
    assert 'class="card timer"' in page
    assert _clock(page)[0] == "running"


def test_stopping_says_how_long_it_took_and_resets_the_clock(alice_client, alices_story):
    _started(alice_client, alices_story, 200)

    response = alice_client.post(_timer_url(alices_story), {"action": "end"}, follow=True)

    page = response.content.decode()
    assert "You took 3:2" in page
    assert "longer than the suggested 3 minutes" in page
    assert _clock(page) == ("not-started", 0)


def test_stopping_within_the_time_says_so(alice_client, alices_story):
    _started(alice_client, alices_story, 150)

    response = alice_client.post(_timer_url(alices_story), {"action": "end"}, follow=True)

    assert "within the suggested 3 minutes" in response.content.decode()


def test_each_story_keeps_its_own_clock(alice_client, alice, alices_story):
    other = StoryFactory(user=alice, focus_areas=[_area(RESULTS)])

    alice_client.post(_timer_url(alices_story), {"action": "start"})

    assert _clock(_page(alice_client, _edit(other))) == ("not-started", 0)


def test_an_unknown_timer_action_answers_400_and_starts_nothing(alice_client, alices_story):
    response = alice_client.post(_timer_url(alices_story), {"action": "explode"})

    assert response.status_code == 400
    assert "The timer can start, pause, resume or end." in response.content.decode()
    assert f"rehearsal:{alices_story.pk}" not in alice_client.session


def test_an_unknown_timer_action_over_htmx_answers_with_an_error_fragment(
    alice_client, alices_story
):
    response = alice_client.post(
        _timer_url(alices_story), {"action": "explode"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#htmx-errors"
    assert "<html" not in response.content.decode()


def test_a_strangers_story_timer_is_404(alice_client, bobs_story):
    response = alice_client.post(_timer_url(bobs_story), {"action": "start"})

    assert response.status_code == 404
    assert f"rehearsal:{bobs_story.pk}" not in alice_client.session


def test_the_story_timer_sends_anonymous_visitors_to_log_in(client, alices_story):
    response = client.post(_timer_url(alices_story), {"action": "start"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "alice"])
def test_the_story_timer_refuses_get(client, alice, alices_story, logged_in):
    if logged_in:
        client.force_login(alice)

    assert client.get(_timer_url(alices_story)).status_code == 405


def test_stopping_over_htmx_reloads_the_whole_page(alice_client, alices_story):
    _started(alice_client, alices_story, 30)

    response = alice_client.post(
        _timer_url(alices_story), {"action": "end"}, HTTP_HX_REQUEST="true"
    )

    assert response["HX-Redirect"] == f"{_edit(alices_story)}#timer"
    assert f"rehearsal:{alices_story.pk}" not in alice_client.session

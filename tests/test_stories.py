"""The behavioral story bank: writing, editing and deleting stories, and the coverage grid."""

import re

import pytest
from django.test import Client
from django.urls import reverse
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
    """One focus area's row of the coverage grid (a table row, or a list item with no stories)."""
    match = re.search(rf'<(tr|li) id="area-{slug}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no coverage row for {slug}"
    return match.group(2)


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
    assert "covers Resolving Conflict" in _row(page, CONFLICT)
    for area in FocusArea.objects.active().exclude(slug=CONFLICT):
        assert "No story yet" in _row(page, area.slug)


def test_an_area_with_only_drafted_stories_says_drafts_only(alice_client, alice):
    StoryFactory(user=alice, state=Story.State.DRAFTED, focus_areas=[_area(CONFLICT)])
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[_area(RESULTS)])

    page = _page(alice_client)

    assert "Drafts only" in _row(page, CONFLICT)
    assert "No story yet" not in _row(page, CONFLICT)
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

    assert page.count("covers") == sum(
        len(areas[n % len(areas) : n % len(areas) + 2]) for n in range(stories)
    )


def test_an_unfinished_story_says_so_in_the_coverage_grid(alice_client, alice):
    StoryFactory(
        user=alice,
        title="Half written",
        task="",
        state=Story.State.REHEARSED,
        focus_areas=[FocusArea.objects.get(slug=CONFLICT)],
    )

    row = _row(_page(alice_client), CONFLICT)

    assert "Not finished" in row
    assert "write all four parts to count it" in row

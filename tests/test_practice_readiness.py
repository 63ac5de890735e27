"""Readiness from practice: ML system design sessions and the behavioral story bank, as the
dashboard shows them and explains them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prep.models import (
    Company,
    DesignStage,
    FocusArea,
    Level,
    PracticePrompt,
    StageStudied,
    Story,
)
from tests.factories import (
    DesignAttemptFactory,
    ProfileFactory,
    StageWorkFactory,
    StoryFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

HOME = reverse("prep:dashboard")
PROMPT = "people-you-may-follow"
CLARIFY = "clarify-requirements"

# Measured on SQLite and PostgreSQL; the same with one session and story or thirty (no mocks,
# so one query fewer than with them). It includes the target company's primary list and its loop.
DASHBOARD_QUERIES = 29


def _profile(user, level: str):
    return ProfileFactory(
        user=user,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug=level),
    )


@pytest.fixture
def alice_e6(alice):
    return _profile(alice, "e6")


def _dashboard(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _part(page: str, part: str) -> str:
    return re.search(rf'<dd id="{part}-readiness">([^<]*)</dd>', page).group(1)


def _overall(page: str) -> str:
    return re.search(r'<span class="big-number">(\d+)%</span>', page).group(1)


def _rounds(page: str, kind: str) -> list[str]:
    return re.findall(rf'<span class="percent" data-round="{kind}">(\d+)%</span>', page)


def _formula(page: str) -> str:
    block = re.search(r'<details class="formula">(.*?)</details>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block))


def _practise(client, stage: str = CLARIFY, rating: str = "5", done: bool = True) -> None:
    """Save a stage of the prompt through the workspace, as the candidate would."""
    data = {f"{stage}-notes": "Notes.", f"{stage}-rating": rating}
    if done:
        data[f"{stage}-is_done"] = "on"
    response = client.post(reverse("prep:stage-work", args=[PROMPT, stage]), data)
    assert response.status_code == 302


def _end_session(client) -> None:
    response = client.post(reverse("prep:prompt-timer", args=[PROMPT]), {"action": "end"})
    assert response.status_code == 302


def _area(slug: str) -> FocusArea:
    return FocusArea.objects.get(slug=slug)


# --- ML system design -------------------------------------------------------------------------


def test_without_practice_ml_design_is_0_percent_with_no_stage_practised(alice_client, alice_e5):
    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "0%"
    assert "Stages practised so far: 0 of 7." in _formula(page)


def test_one_stage_done_and_rated_5_makes_ml_design_14_percent(alice_client, alice_e5):
    _practise(alice_client, rating="5")

    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "14%"  # 5 of 7 stages x 5 points
    assert _rounds(page, "ml_design") == ["14"]
    formula = _formula(page)
    assert "ML system design is 14%" in formula
    assert "each of the 7 stages scores its best self-rating" in formula
    assert "Stages practised so far: 1 of 7." in formula


def test_a_stage_done_without_a_rating_scores_1(alice_client, alice_e5):
    _practise(alice_client, rating="")

    assert _part(_dashboard(alice_client), "ml-design") == "3%"  # 1 of 35


def test_a_rated_stage_counts_whether_or_not_it_is_ticked_done(alice_client, alice_e5):
    _practise(alice_client, rating="4", done=False)

    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "11%"  # 4 of 5 on one stage of seven
    assert "Stages practised so far: 1 of 7." in _formula(page)


def test_a_stage_with_notes_only_counts_for_nothing(alice_client, alice_e5):
    _practise(alice_client, rating="", done=False)

    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "0%"
    assert "Stages practised so far: 0 of 7." in _formula(page)


def test_a_stage_only_studied_scores_1(alice_client, alice, alice_e5):
    StageStudied.objects.create(user=alice, stage=DesignStage.objects.get(slug=CLARIFY))

    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "3%"
    assert "Stages practised so far: 0 of 7." in _formula(page)


def test_a_studied_stage_practised_scores_its_rating_not_more(alice_client, alice, alice_e5):
    StageStudied.objects.create(user=alice, stage=DesignStage.objects.get(slug=CLARIFY))
    _practise(alice_client, rating="4")

    assert _part(_dashboard(alice_client), "ml-design") == "11%"  # 4 of 35


def test_each_stage_keeps_its_best_rating_across_sessions(alice_client, alice_e5):
    _practise(alice_client, rating="5")
    _end_session(alice_client)
    _practise(alice_client, rating="2")
    _practise(alice_client, "serving", rating="3")

    page = _dashboard(alice_client)

    assert _part(page, "ml-design") == "23%"  # (5 + 3) of 35
    assert "Stages practised so far: 2 of 7." in _formula(page)


def test_every_stage_rated_5_makes_ml_design_100_percent(alice_client, alice_e5):
    for stage in DesignStage.objects.active():
        _practise(alice_client, stage.slug, rating="5")

    assert _part(_dashboard(alice_client), "ml-design") == "100%"


def test_another_users_sessions_do_not_count(alice_client, bob, alice_e5):
    bob_client = Client()
    bob_client.force_login(bob)
    _practise(bob_client, rating="5")

    assert _part(_dashboard(alice_client), "ml-design") == "0%"


# --- Behavioral -------------------------------------------------------------------------------


def test_without_stories_behavioral_is_not_started(alice_client, alice_e5):
    page = _dashboard(alice_client)

    assert _part(page, "behavioral") == "Not started"
    assert _rounds(page, "behavioral") == []
    assert "Behavioral is not started until you write a story" in _formula(page)


def test_one_rehearsed_story_on_one_area_makes_behavioral_20_percent(alice_client, alice, alice_e5):
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[_area("resolving-conflict")])

    page = _dashboard(alice_client)

    assert _part(page, "behavioral") == "20%"
    assert _rounds(page, "behavioral") == ["20"]
    formula = _formula(page)
    assert "Behavioral is 20%" in formula
    assert "Covered: 1 of 5." in formula


def test_an_area_with_only_drafts_counts_half(alice_client, alice, alice_e5):
    StoryFactory(user=alice, state=Story.State.DRAFTED, focus_areas=[_area("resolving-conflict")])

    page = _dashboard(alice_client)

    assert _part(page, "behavioral") == "10%"
    assert "Covered: 0 of 5." in _formula(page)


def test_a_draft_next_to_a_rehearsed_story_adds_nothing_to_its_area(alice_client, alice, alice_e5):
    conflict = _area("resolving-conflict")
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[conflict])
    StoryFactory(user=alice, state=Story.State.DRAFTED, focus_areas=[conflict])

    assert _part(_dashboard(alice_client), "behavioral") == "20%"


def test_writing_a_story_through_the_form_moves_the_dashboard(alice_client, alice_e5):
    assert _part(_dashboard(alice_client), "behavioral") == "Not started"
    data = {
        "title": "The migration",
        "focus_areas": ["driving-results", "embracing-ambiguity"],
        "state": Story.State.REHEARSED,
    }
    assert alice_client.post(reverse("prep:story-create"), data).status_code == 302
    # A title is not a story yet: no credit until its four STAR parts are written.
    assert _part(_dashboard(alice_client), "behavioral") == "0%"

    story = Story.objects.get(title="The migration")
    star = {
        "situation": "Two stores.",
        "task": "Move one.",
        "action": "Dual writes.",
        "result": "Done.",
    }
    response = alice_client.post(reverse("prep:story-edit", args=[story.pk]), {**data, **star})
    assert response.status_code == 302

    assert _part(_dashboard(alice_client), "behavioral") == "40%"


def test_a_one_word_story_tagged_with_every_area_is_not_behavioral_readiness(
    alice_client, alice, alice_e5
):
    StoryFactory(
        user=alice,
        situation="x",
        task="",
        action="",
        result="",
        state=Story.State.REHEARSED,
        focus_areas=list(FocusArea.objects.all()),
    )

    assert _part(_dashboard(alice_client), "behavioral") == "0%"


def test_another_users_stories_do_not_count(alice_client, bob, alice_e5):
    StoryFactory(user=bob, state=Story.State.REHEARSED, focus_areas=[_area("driving-results")])

    assert _part(_dashboard(alice_client), "behavioral") == "Not started"


# --- The overall figure -----------------------------------------------------------------------


def _rate_every_stage_5(client) -> None:
    for stage in DesignStage.objects.active():
        _practise(client, stage.slug, rating="5")


def test_at_e5_ml_design_is_one_round_of_five(alice_client, alice_e5):
    _rate_every_stage_5(alice_client)

    page = _dashboard(alice_client)

    assert _overall(page) == "20"
    assert _rounds(page, "ml_design") == ["100"]
    assert "at E5 ML system design counts for 1 of 5" in _formula(page)


def test_at_e6_ml_design_is_two_rounds_of_six_and_weighs_more(alice_client, alice_e6):
    _rate_every_stage_5(alice_client)

    page = _dashboard(alice_client)

    assert _overall(page) == "33"
    assert _rounds(page, "ml_design") == ["100", "100"]
    assert "Onsite ML system design 2" in page
    assert "at E6 ML system design counts for 2 of 6" in _formula(page)


def test_the_same_practice_scores_higher_overall_at_e6_than_at_e5(alice_client, alice):
    _practise(alice_client, rating="5")
    profile = _profile(alice, "e5")
    at_e5 = int(_overall(_dashboard(alice_client)))

    profile.target_level = Level.objects.get(slug="e6")
    profile.save()
    at_e6 = int(_overall(_dashboard(alice_client)))

    assert (at_e5, at_e6) == (3, 5)  # 14% over 5 rounds, and twice over 6


def test_an_e6_phone_screen_weighs_behavioral_by_its_15_of_40_minutes(
    alice_client, alice, alice_e6
):
    StoryFactory(
        user=alice, state=Story.State.REHEARSED, focus_areas=list(FocusArea.objects.active())
    )

    page = _dashboard(alice_client)

    assert _rounds(page, "phone") == ["38"]  # 100% x 15 / (25 + 15), coding still 0%
    assert "25 min coding + 15 min behavioral" in page


# --- Query budget -----------------------------------------------------------------------------


@pytest.mark.usefixtures("user_pages_built")
@pytest.mark.parametrize("size", [1, 30])
def test_dashboard_query_budget_is_the_same_with_one_or_thirty_sessions_and_stories(
    alice_client, alice, alice_e6, django_assert_max_num_queries, size
):
    prompt = PracticePrompt.objects.get(slug=PROMPT)
    stages = list(DesignStage.objects.active())
    areas = list(FocusArea.objects.active())
    for n in range(size):
        ended = timezone.now() - timedelta(days=n + 1)
        attempt = DesignAttemptFactory(user=alice, prompt=prompt, ended_at=ended)
        for stage in stages:
            StageWorkFactory(attempt=attempt, stage=stage, rating=1 + n % 5)
        StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[areas[n % len(areas)]])

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        page = _dashboard(alice_client)

    assert _part(page, "ml-design") == ("20%" if size == 1 else "100%")

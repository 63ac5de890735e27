"""Timed mock phone screens: picking problems, the plan on the clock, re-rolls and recording."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from prep import mocks
from prep.models import (
    SOLVED_STATUSES,
    Company,
    FocusArea,
    Level,
    MockProblem,
    MockRound,
    PhoneScreenSegment,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Status,
    Story,
)
from prep.timers import whole_minutes
from tests.factories import (
    CompanyFactory,
    LevelFactory,
    ListEntryFactory,
    MockProblemFactory,
    MockRoundFactory,
    PhoneScreenSegmentFactory,
    ProblemFactory,
    ProblemListFactory,
    ProfileFactory,
    StoryFactory,
)
from tests.threads import logged_in_clients, run_in_threads

pytestmark = pytest.mark.usefixtures("catalog")

START = reverse("prep:mock-start")
HOME = reverse("prep:home")
DASHBOARD = reverse("prep:dashboard")
META_LIST = "meta-top-100-six-months"
HTMX = {"HTTP_HX_REQUEST": "true"}

# Measured on SQLite and PostgreSQL; the same with one mock or thirty. The dashboard's include
# the target company's primary list and its loop.
MOCK_PAGE_QUERIES = 6
DASHBOARD_QUERIES = 30


def _url(name: str, mock: MockRound) -> str:
    return reverse(f"prep:{name}", args=[mock.pk])


def _meta_candidates() -> set[int]:
    """Easy and medium problems on Meta's company list: what a mock may ever pick."""
    return set(
        Problem.objects.filter(
            entries__problem_list__slug=META_LIST,
            difficulty__in=[Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM],
        ).values_list("pk", flat=True)
    )


def _solve_all_but(user, keep: int) -> list[int]:
    """Mark every candidate solved (or needs review) except `keep` of them; return those kept."""
    candidates = sorted(_meta_candidates())
    kept, solved = candidates[:keep], candidates[keep:]
    ProblemProgress.objects.bulk_create(
        ProblemProgress(user=user, problem_id=pk, status=SOLVED_STATUSES[n % 2])
        for n, pk in enumerate(solved)
    )
    return kept


def _start(client) -> MockRound:
    response = client.post(START)
    assert response.status_code == 302
    mock = MockRound.objects.order_by("-pk").first()
    assert response["Location"] == mock.get_absolute_url()
    return mock


def _picked(mock: MockRound) -> list[int]:
    return list(mock.problems.order_by("position").values_list("problem_id", flat=True))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _plan(page: str) -> list[dict]:
    steps = re.search(r'data-steps="([^"]*)"', page).group(1)
    return json.loads(html.unescape(steps))


def _minutes(plan: list[dict], prefix: str = "") -> int:
    """Whole minutes of the plan's steps whose label starts with `prefix` (all by default)."""
    seconds = sum(step["seconds"] for step in plan if step["label"].startswith(prefix))
    assert seconds % 60 == 0
    return seconds // 60


def _record_data(mock: MockRound, **overrides) -> dict:
    data = {}
    for item, outcome, minutes in zip(
        mock.problems.order_by("position"), ["unaided", "hints"], [20, 15], strict=False
    ):
        data[f"outcome_{item.position}"] = outcome
        data[f"minutes_{item.position}"] = str(minutes)
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def _snapshot(user, mock: MockRound) -> tuple:
    """Everything recording a mock may change."""
    mock.refresh_from_db()
    return (
        mock.is_recorded,
        mock.ended_at,
        list(mock.problems.values_list("problem_id", "outcome", "minutes")),
        list(ProblemProgress.objects.filter(user=user).values_list("problem_id", "status")),
        list(ProblemProgress.objects.filter(user=user).values_list("minutes_spent", flat=True)),
        ProblemEvent.objects.filter(user=user).count(),
    )


def _profile(user, level: str):
    return ProfileFactory(
        user=user,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug=level),
    )


@pytest.fixture
def alice_e6(alice):
    """alice aiming for Meta at E6: a phone screen with a behavioral part."""
    return _profile(alice, "e6")


@pytest.fixture
def bobs_mock(bob) -> MockRound:
    _profile(bob, "e5")
    client = Client()
    client.force_login(bob)
    return _start(client)


# --- Starting a mock --------------------------------------------------------------------------


def test_a_mock_picks_two_unsolved_easy_or_medium_problems_from_metas_list(
    alice_client, alice, alice_e5
):
    unsolved = set(_solve_all_but(alice, keep=5))
    # Attempted is not solved: those two stay in the draw.
    ProblemProgress.objects.bulk_create(
        ProblemProgress(user=alice, problem_id=pk, status=Status.ATTEMPTED)
        for pk in sorted(unsolved)[:2]
    )

    # Meta's hard problems and every problem off its list are unsolved too, yet never drawn.
    for _ in range(6):
        picked = _picked(_start(alice_client))

        assert len(picked) == 2
        assert len(set(picked)) == 2
        assert set(picked) <= unsolved


def test_a_mock_draws_from_the_all_time_list_when_the_six_month_one_is_short(alice_client, alice):
    acme = CompanyFactory(name="Acme")
    six = ProblemListFactory(kind=ProblemList.Kind.COMPANY, company=acme, window="six-months")
    ListEntryFactory(problem_list=six, problem=ProblemFactory(difficulty=Problem.Difficulty.EASY))
    all_time = ProblemListFactory(kind=ProblemList.Kind.COMPANY, company=acme, window="all-time")
    drawn = ProblemFactory.create_batch(2, difficulty=Problem.Difficulty.EASY)
    for problem in drawn:
        ListEntryFactory(problem_list=all_time, problem=problem)
    ProfileFactory(user=alice, target_company=acme, target_level=Level.objects.get(slug="e5"))

    # Were the six-month list drawn from too, six draws would all miss its problem 1 time in 729.
    for _ in range(6):
        assert set(_picked(_start(alice_client))) == {problem.pk for problem in drawn}


def test_the_mock_page_shows_the_problems_with_links_and_re_rolls(alice_client, alice, alice_e5):
    mock = _start(alice_client)

    page = _page(alice_client, mock.get_absolute_url())

    assert "Mock phone screen, E5 at Meta" in page
    for item in mock.problems.select_related("problem"):
        assert f'href="{item.problem.url}"' in page
        assert f"Swap {escape(item.problem.title)} for another problem" in page
    assert page.count('name="position"') == 2
    assert "Behavioral part" not in page


def test_a_mock_without_a_profile_sends_the_user_to_onboarding(alice_client):
    response = alice_client.post(START)

    assert response.status_code == 302
    assert response["Location"] == reverse("prep:onboarding")
    assert not MockRound.objects.exists()


def test_with_every_candidate_solved_the_mock_says_so(alice_client, alice, alice_e5):
    _solve_all_but(alice, keep=0)

    mock = _start(alice_client)

    assert not mock.problems.exists()
    # Meta's all-time list still has unsolved ones, but only its primary list is drawn from.
    left = Problem.objects.filter(
        entries__problem_list__slug="meta-all-time",
        difficulty__in=[Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM],
    ).exclude(progress__user=alice)
    assert left.exists()
    page = _page(alice_client, mock.get_absolute_url())
    assert "There are no easy or medium problems to pick from yet." in page
    assert "Every easy and medium problem on your company" in page


# --- The plan on the clock --------------------------------------------------------------------


@pytest.mark.parametrize("level", ["e4", "e5"])
def test_an_e4_or_e5_plan_is_45_whole_minutes_with_two_problems_of_18_and_17(
    alice_client, alice, level
):
    _profile(alice, level)
    mock = _start(alice_client)

    plan = _plan(_page(alice_client, mock.get_absolute_url()))

    assert all(step["seconds"] > 0 and step["seconds"] % 60 == 0 for step in plan)
    assert _minutes(plan, "Problem 1:") == 18
    assert _minutes(plan, "Problem 2:") == 17
    assert len([step for step in plan if step["label"].startswith("Problem ")]) == 10
    assert _minutes(plan) == 45
    assert not any(step["label"].startswith("Behavioral") for step in plan)
    assert plan[0] == {"label": "Introduction", "seconds": 5 * 60}


def test_an_e5_mock_clock_reads_exactly_45_minutes(alice_client, alice_e5):
    mock = _start(alice_client)

    page = _page(alice_client, mock.get_absolute_url())

    coding = [step for step in _plan(page) if step["label"].startswith("Problem ")]
    assert sum(step["seconds"] for step in coding) == 35 * 60
    assert "of 45:00" in page


def test_an_e6_plan_has_15_minutes_of_behavioral_and_25_of_coding_in_two_by_five_steps(
    alice_client, alice_e6
):
    mock = _start(alice_client)

    page = _page(alice_client, mock.get_absolute_url())
    plan = _plan(page)

    coding = [step for step in plan if step["label"].startswith("Problem ")]
    assert [step["label"] for step in coding] == [
        f"Problem {n}: {name}"
        for n in (1, 2)
        for name in ["Clarify", "Plan", "Code", "Dry run", "Close"]
    ]
    # Two problems unless the candidate asks for one: 13 and 12 whole minutes.
    assert (_minutes(plan, "Problem 1:"), _minutes(plan, "Problem 2:")) == (13, 12)
    (behavioral,) = [step for step in plan if step["label"].startswith("Behavioral")]
    assert behavioral["seconds"] == 15 * 60
    assert _minutes(plan) == 45
    assert plan[0] == {"label": "Introduction", "seconds": 2 * 60}


def test_an_e6_mock_asks_for_a_story_on_an_area_with_none_yet(alice_client, alice, alice_e6):
    covered = list(FocusArea.objects.active().exclude(slug="driving-results"))
    StoryFactory(user=alice, focus_areas=covered)

    mock = _start(alice_client)

    assert mock.focus_area.slug == "driving-results"
    page = _page(alice_client, mock.get_absolute_url())
    assert "Tell a story about driving results" in page
    assert "Behavioral: a story about driving results" in html.unescape(page)


def test_an_e6_mock_with_every_area_covered_asks_for_one_of_the_stories(
    alice_client, alice, alice_e6
):
    story = StoryFactory(
        user=alice, title="The migration", focus_areas=list(FocusArea.objects.active())
    )

    mock = _start(alice_client)

    assert mock.story == story
    page = _page(alice_client, mock.get_absolute_url())
    assert "Tell your story “The migration”." in page


STEP_TARGETS = [3, 5, 5, 2, 2]


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (18, STEP_TARGETS, [3, 6, 5, 2, 2]),
        (17, STEP_TARGETS, [3, 5, 5, 2, 2]),
        (13, STEP_TARGETS, [2, 4, 4, 2, 1]),
        (25, STEP_TARGETS, [5, 7, 7, 3, 3]),
        (35, [1, 1], [18, 17]),
        (25, [1, 1], [13, 12]),
        (10, [1, 1, 1], [4, 3, 3]),
        (5, STEP_TARGETS, [1, 1, 1, 1, 1]),  # too short to share out: a minute each
        (6, [0, 0], [3, 3]),  # no targets at all: an even split
        (3, [], []),
    ],
)
def test_whole_minutes_follow_the_targets_and_add_up(total, weights, shares):
    assert whole_minutes(total, weights) == shares


def test_whole_minutes_always_add_up_and_stay_within_a_minute_of_the_share():
    for weights in ([3, 5, 5, 2, 2], [1, 1], [1, 1, 1], [7, 1], [2, 9, 4, 1, 3, 3]):
        for total in range(0, 121):
            shares = whole_minutes(total, weights)

            assert sum(shares) == total
            if total >= len(weights):
                assert min(shares) >= 1
            if total >= sum(weights):  # No share is rounded down to nothing here.
                exact = [total * w / sum(weights) for w in weights]
                assert all(abs(s - e) < 1 for s, e in zip(shares, exact, strict=True))


def test_the_plan_follows_the_levels_data_in_whole_minutes(alice_client, alice, alice_e5):
    # A curator gives E5 three problems in a 31-minute coding part.
    Level.objects.filter(slug="e5").update(phone_screen_problems=3)
    PhoneScreenSegment.objects.filter(level__slug="e5", kind="coding").update(minutes=31)

    mock = _start(alice_client)
    page = _page(alice_client, mock.get_absolute_url())
    plan = _plan(page)

    assert [_minutes(plan, f"Problem {n}:") for n in (1, 2, 3)] == [11, 10, 10]
    assert all(step["seconds"] > 0 and step["seconds"] % 60 == 0 for step in plan)
    assert _minutes(plan) == 41
    assert "of 41:00" in page
    assert "Three problems in the 31-minute coding part" in page


# --- How many problems: the candidate's choice where the level allows one --------------------


def _choices(page: str) -> list[tuple[str, bool]]:
    """The start form's choices of how many problems: (label, checked)."""
    radios = re.findall(
        r'<input type="radio" name="problems" value="(\d)" id="([^"]+)"( checked)?>\s*'
        r'<label for="\2">([^<]+)</label>',
        page,
    )
    return [(label, bool(checked)) for _, _, checked, label in radios]


def test_choices_come_from_the_levels_data_with_its_own_number_as_the_default():
    level = LevelFactory(phone_screen_problems=3, phone_screen_min_problems=2)
    PhoneScreenSegmentFactory(level=level, kind="coding", minutes=30)

    choices = mocks.problem_choices(level)

    assert [(c.count, c.minutes, c.is_default) for c in choices] == [
        (2, [15, 15], False),
        (3, [10, 10, 10], True),
    ]
    assert [c.label for c in choices] == ["two problems", "three problems"]
    assert choices[1].split == "10, 10 and 10 min"


@pytest.mark.parametrize("url", [START, DASHBOARD])
def test_an_e6_start_form_offers_one_or_two_problems_with_two_ticked(alice_client, alice_e6, url):
    page = _page(alice_client, url)

    assert "<legend>Problems in the coding part</legend>" in page
    assert _choices(page) == [("One problem, 25 min", False), ("Two problems, 13 and 12 min", True)]


@pytest.mark.parametrize("url", [START, DASHBOARD])
@pytest.mark.parametrize("level", ["e4", "e5"])
def test_at_e4_and_e5_the_start_form_has_no_choice(alice_client, alice, url, level):
    _profile(alice, level)

    page = _page(alice_client, url)

    assert _choices(page) == []
    assert "Start a mock phone screen" in page


def test_an_e6_candidate_who_picks_one_problem_gets_the_whole_coding_part_for_it(
    alice_client, alice_e6
):
    response = alice_client.post(START, {"problems": "1"})

    mock = MockRound.objects.get()
    assert response["Location"] == mock.get_absolute_url()
    assert len(_picked(mock)) == 1
    page = _page(alice_client, mock.get_absolute_url())
    plan = _plan(page)
    assert [step["label"] for step in plan if step["label"].startswith("Problem ")] == [
        f"Problem 1: {name}" for name in ["Clarify", "Plan", "Code", "Dry run", "Close"]
    ]
    assert _minutes(plan, "Problem 1:") == 25
    assert _minutes(plan) == 45
    assert "One problem in the 25-minute coding part" in page
    assert page.count('name="position"') == 1


def test_an_e6_candidate_who_picks_two_problems_gets_13_and_12_minutes(alice_client, alice_e6):
    alice_client.post(START, {"problems": "2"})

    mock = MockRound.objects.get()
    page = _page(alice_client, mock.get_absolute_url())
    plan = _plan(page)
    assert (_minutes(plan, "Problem 1:"), _minutes(plan, "Problem 2:")) == (13, 12)
    assert "Two problems in the 25-minute coding part" in page
    items = re.findall(r'<span class="muted small">(\d+) min</span>', page)
    assert items == ["13", "12"]


def test_a_re_roll_keeps_the_number_of_problems_chosen(alice_client, alice_e6):
    alice_client.post(START, {"problems": "1"})
    mock = MockRound.objects.get()
    before = _picked(mock)

    alice_client.post(_url("mock-reroll", mock), {"position": "1"})

    after = _picked(mock)
    assert len(after) == 1
    assert after != before
    assert _minutes(_plan(_page(alice_client, mock.get_absolute_url())), "Problem 1:") == 25


BAD_CHOICES = [
    ("e6", "3", "A mock at your level holds 1 or 2 problems: choose one of those."),
    ("e6", "0", "A mock at your level holds 1 or 2 problems: choose one of those."),
    ("e6", "two", "A mock at your level holds 1 or 2 problems: choose one of those."),
    ("e4", "1", "A mock at your level holds 2 problems."),
]


@pytest.mark.parametrize(("level", "value", "message"), BAD_CHOICES)
def test_a_number_of_problems_the_level_does_not_offer_answers_400_and_starts_nothing(
    alice_client, alice, level, value, message
):
    _profile(alice, level)

    response = alice_client.post(START, {"problems": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MockRound.objects.exists()
    assert not MockProblem.objects.exists()


def test_an_htmx_start_with_a_bad_choice_gets_only_the_error_fragment(alice_client, alice_e6):
    response = alice_client.post(START, {"problems": "9"}, **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert "A mock at your level holds 1 or 2 problems" in body
    assert response["HX-Retarget"] == "#htmx-errors"
    assert not MockRound.objects.exists()


# --- How pages describe a mock: from the level's segments and minutes --------------------------

DESCRIPTIONS = {
    "e4": "45 minutes, as at E4: 5 min introduction; 35 min coding: two problems in 18 and 17 "
    "min; 5 min questions for the interviewer.",
    "e5": "45 minutes, as at E5: 5 min introduction; 35 min coding: two problems in 18 and 17 "
    "min; 5 min questions for the interviewer.",
    "e6": "45 minutes, as at E6: 2 min introduction; 25 min coding: one problem in 25 min, or "
    "two in 13 and 12 min (your choice); 15 min behavioral; 3 min questions for the interviewer.",
}


def _text(page: str) -> str:
    """The page's text with tags dropped and white space collapsed, as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("level", ["e4", "e5", "e6"])
@pytest.mark.parametrize("url", [START, DASHBOARD])
def test_the_mock_is_described_from_the_levels_phone_screen(alice_client, alice, level, url):
    _profile(alice, level)

    assert DESCRIPTIONS[level] in _text(_page(alice_client, url))


def test_the_description_follows_an_edit_of_the_levels_data(alice_client, alice_e5):
    PhoneScreenSegment.objects.filter(level__slug="e5", kind="coding").update(minutes=42)
    PhoneScreenSegment.objects.filter(level__slug="e5", kind="questions").update(is_archived=True)

    text = _text(_page(alice_client, DASHBOARD))

    assert (
        "47 minutes, as at E5: 5 min introduction; 42 min coding: two problems in 21 and 21 min."
        in text
    )


def test_the_loops_page_shows_each_levels_mock_coding_part(alice_client, alice_e5):
    text = _text(_page(alice_client, reverse("prep:loops")))

    assert (
        text.count("In a mock phone screen the timer walks through two problems in 18 and 17 min")
        == 2
    )
    assert (
        "In a mock phone screen the timer walks through one problem in 25 min, or two in 13 and "
        "12 min (your choice)"
    ) in text
    assert "Their targets add up to 17 minutes a problem" in text


# --- Re-rolls ---------------------------------------------------------------------------------


def test_a_re_roll_swaps_the_problem_for_the_one_not_in_the_mock(alice_client, alice, alice_e5):
    kept = _solve_all_but(alice, keep=3)
    mock = _start(alice_client)
    first, second = _picked(mock)
    (spare,) = set(kept) - {first, second}

    response = alice_client.post(_url("mock-reroll", mock), {"position": "1"})

    assert response.status_code == 302
    assert response["Location"] == mock.get_absolute_url()
    assert _picked(mock) == [spare, second]
    alice_client.post(_url("mock-reroll", mock), {"position": "2"})
    assert _picked(mock) == [spare, first]


def test_re_rolls_never_repeat_a_problem_already_in_the_mock(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    candidates = _meta_candidates()

    for position in [1, 2] * 6:
        before = _picked(mock)
        alice_client.post(_url("mock-reroll", mock), {"position": str(position)})
        after = _picked(mock)

        assert after[position - 1] not in before
        assert after[2 - position] == before[2 - position]
        assert set(after) <= candidates


def test_a_re_roll_with_nothing_left_keeps_the_problem_and_says_why(alice_client, alice, alice_e5):
    _solve_all_but(alice, keep=2)
    mock = _start(alice_client)
    before = _picked(mock)

    response = alice_client.post(_url("mock-reroll", mock), {"position": "1"}, follow=True)

    assert _picked(mock) == before
    assert "No other unsolved easy or medium problem is left" in response.content.decode()


@pytest.mark.parametrize(
    ("position", "message"),
    [("3", "less than or equal to 2"), ("0", "greater than or equal to 1"), ("x", "whole number")],
)
def test_a_re_roll_of_a_position_not_in_the_mock_answers_400(
    alice_client, alice, alice_e5, position, message
):
    mock = _start(alice_client)
    before = _picked(mock)

    response = alice_client.post(_url("mock-reroll", mock), {"position": position})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _picked(mock) == before


def test_a_recorded_mock_cannot_be_re_rolled(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    alice_client.post(_url("mock-record", mock), _record_data(mock))
    before = _picked(mock)

    response = alice_client.post(_url("mock-reroll", mock), {"position": "1"})

    assert response.status_code == 400
    assert "This mock is already recorded." in response.content.decode()
    assert _picked(mock) == before


# --- The mock's clock -------------------------------------------------------------------------


def test_a_mock_starts_its_clock_at_once(alice_client, alice, alice_e5):
    before = timezone.now()
    mock = _start(alice_client)

    assert before <= mock.started_at <= timezone.now()
    page = _page(alice_client, mock.get_absolute_url())
    assert 'data-state="running"' in page


def test_htmx_pause_and_resume_return_only_the_timer(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    MockRound.objects.update(started_at=timezone.now() - timedelta(minutes=10))

    response = alice_client.post(_url("mock-timer", mock), {"action": "pause"}, **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<section id="timer"')
    assert 'data-state="paused"' in body
    assert f'hx-post="{_url("mock-timer", mock)}"' in body
    MockRound.objects.update(paused_at=timezone.now() - timedelta(minutes=3))

    body = alice_client.post(_url("mock-timer", mock), {"action": "resume"}, **HTMX).content
    assert b'data-state="running"' in body
    mock.refresh_from_db()
    assert 179 <= mock.paused_seconds <= 181
    assert 418 <= mock.elapsed_seconds() <= 422


def test_a_plain_timer_post_redirects_back_to_the_clock(alice_client, alice, alice_e5):
    mock = _start(alice_client)

    response = alice_client.post(_url("mock-timer", mock), {"action": "pause"})

    assert response.status_code == 302
    assert response["Location"] == f"{mock.get_absolute_url()}#timer"
    mock.refresh_from_db()
    assert mock.is_paused


def test_an_unknown_timer_action_answers_400_and_changes_nothing(alice_client, alice, alice_e5):
    mock = _start(alice_client)

    response = alice_client.post(_url("mock-timer", mock), {"action": "explode"})

    assert response.status_code == 400
    assert "The timer can start, pause, resume or end." in response.content.decode()
    mock.refresh_from_db()
    assert mock.is_running


# --- Recording --------------------------------------------------------------------------------


def test_recording_moves_each_problems_status_and_adds_its_minutes(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    first, second = _picked(mock)
    ProblemProgress.objects.create(user=alice, problem_id=first, minutes_spent=10)

    response = alice_client.post(_url("mock-record", mock), _record_data(mock))

    assert response.status_code == 302
    assert response["Location"] == HOME
    progress = {p.problem_id: p for p in ProblemProgress.objects.filter(user=alice)}
    assert (progress[first].status, progress[first].minutes_spent) == (Status.SOLVED, 30)
    assert (progress[second].status, progress[second].minutes_spent) == (Status.NEEDS_REVIEW, 15)
    assert progress[first].first_solved_on == timezone.localdate()
    assert progress[second].last_practised_on == timezone.localdate()
    events = ProblemEvent.objects.filter(user=alice).order_by("problem_id")
    assert sorted((e.problem_id, e.old_status, e.status) for e in events) == sorted(
        [
            (first, Status.NOT_STARTED, Status.SOLVED),
            (second, Status.NOT_STARTED, Status.NEEDS_REVIEW),
        ]
    )
    mock.refresh_from_db()
    assert mock.is_recorded
    assert mock.ended_at is not None
    assert list(mock.problems.values_list("outcome", "minutes")) == [
        (MockProblem.Outcome.UNAIDED, 20),
        (MockProblem.Outcome.HINTS, 15),
    ]


def test_not_solved_marks_the_problem_attempted(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    first, _ = _picked(mock)

    alice_client.post(_url("mock-record", mock), _record_data(mock, outcome_1="not_solved"))

    assert ProblemProgress.objects.get(user=alice, problem_id=first).status == Status.ATTEMPTED
    event = ProblemEvent.objects.get(user=alice, problem_id=first)
    assert (event.old_status, event.status) == (Status.NOT_STARTED, Status.ATTEMPTED)


def test_an_unchanged_status_records_no_event_but_still_counts_the_minutes(
    alice_client, alice, alice_e5
):
    mock = _start(alice_client)
    first, _ = _picked(mock)
    ProblemProgress.objects.create(
        user=alice, problem_id=first, status=Status.ATTEMPTED, minutes_spent=7
    )

    alice_client.post(
        _url("mock-record", mock), _record_data(mock, outcome_1="not_solved", minutes_1="5")
    )

    progress = ProblemProgress.objects.get(user=alice, problem_id=first)
    assert (progress.status, progress.minutes_spent) == (Status.ATTEMPTED, 12)
    assert progress.last_practised_on == timezone.localdate()
    assert not ProblemEvent.objects.filter(user=alice, problem_id=first).exists()


def test_the_recorded_mock_page_shows_outcomes_and_no_more_forms(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    alice_client.post(_url("mock-record", mock), _record_data(mock))

    page = _page(alice_client, mock.get_absolute_url())

    assert "This mock is recorded." in page
    assert "Solved unaided, 20 min" in page
    assert "Solved with hints, 15 min" in page
    assert _url("mock-record", mock) not in page
    assert _url("mock-reroll", mock) not in page


def test_recording_twice_is_refused_and_changes_nothing(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    alice_client.post(_url("mock-record", mock), _record_data(mock))
    before = _snapshot(alice, mock)

    response = alice_client.post(
        _url("mock-record", mock), _record_data(mock, outcome_1="not_solved", minutes_1="90")
    )

    assert response.status_code == 400
    assert "This mock is already recorded." in response.content.decode()
    assert _snapshot(alice, mock) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome_1": None}, "Say how {title} went."),
        ({"outcome_2": "perfect"}, "Select a valid choice."),
        ({"minutes_1": "abc"}, "Minutes must be a whole number, like 18."),
        ({"minutes_2": None}, "This field is required."),
        ({"minutes_1": "-1"}, "greater than or equal to 0"),
        ({"minutes_1": "241"}, "less than or equal to 240"),
    ],
    ids=["missing-outcome", "unknown-outcome", "minutes-abc", "missing-minutes", "-1", "241"],
)
def test_bad_record_input_answers_400_and_changes_no_status(
    alice_client, alice, alice_e5, overrides, message
):
    mock = _start(alice_client)
    before = _snapshot(alice, mock)
    first = mock.problems.select_related("problem").get(position=1).problem

    response = alice_client.post(_url("mock-record", mock), _record_data(mock, **overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was recorded" in page
    assert escape(message.format(title=first.title)) in page
    assert _snapshot(alice, mock) == before
    assert not ProblemProgress.objects.filter(user=alice).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_of_one_mock_count_its_minutes_once(alice, alice_e5):
    clients = logged_in_clients(alice, 6)
    mock = _start(clients[0])
    data = _record_data(mock)

    def record(i: int) -> int:
        return clients[i].post(_url("mock-record", mock), data).status_code

    results = run_in_threads(record, len(clients))

    assert set(results) <= {302, 400}, results
    assert 302 in results
    minutes = ProblemProgress.objects.filter(user=alice).values_list("minutes_spent", flat=True)
    assert sorted(minutes) == [15, 20]
    assert ProblemEvent.objects.filter(user=alice).count() == 2


# --- Where recorded mocks show up -------------------------------------------------------------


def test_the_dashboard_lists_the_mock_with_its_problems_and_outcomes(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    items = list(mock.problems.select_related("problem").order_by("position"))
    page = _page(alice_client, DASHBOARD)
    assert "finish and record" in page
    assert f'href="{mock.get_absolute_url()}"' in page

    alice_client.post(_url("mock-record", mock), _record_data(mock))

    history = re.search(
        r'<ul class="activity mock-history">(.*?)</ul>', _page(alice_client, DASHBOARD), re.S
    )
    assert history
    history = history.group(1)
    assert f"{escape(items[0].problem.title)} (solved unaided)" in history
    assert f"{escape(items[1].problem.title)} (solved with hints)" in history
    assert "finish and record" not in history


def test_the_problem_page_lists_the_mocks_it_was_recorded_in(alice_client, alice, alice_e5):
    mock = _start(alice_client)
    problem = mock.problems.select_related("problem").get(position=1).problem
    url = reverse("prep:problem-detail", args=[problem.slug])
    assert "In mock phone screens" not in _page(alice_client, url)

    alice_client.post(_url("mock-record", mock), _record_data(mock))

    page = _page(alice_client, url)
    assert "In mock phone screens" in page
    assert f'href="{mock.get_absolute_url()}"' in page
    assert "Solved unaided, 20 min" in page


def test_a_strangers_recorded_mock_never_shows_on_the_problem_page(alice_client, bob, bobs_mock):
    item = bobs_mock.problems.select_related("problem").get(position=1)
    MockProblem.objects.filter(mock=bobs_mock).update(outcome="unaided", minutes=5)
    MockRound.objects.filter(pk=bobs_mock.pk).update(is_recorded=True)

    page = _page(alice_client, reverse("prep:problem-detail", args=[item.problem.slug]))

    assert "In mock phone screens" not in page


# --- Who may do what --------------------------------------------------------------------------


def test_a_strangers_mock_is_404_everywhere_and_unchanged(alice_client, bob, bobs_mock):
    before = _snapshot(bob, bobs_mock)
    picked = _picked(bobs_mock)

    assert alice_client.get(_url("mock-detail", bobs_mock)).status_code == 404
    assert alice_client.post(_url("mock-reroll", bobs_mock), {"position": "1"}).status_code == 404
    assert alice_client.post(_url("mock-timer", bobs_mock), {"action": "pause"}).status_code == 404
    response = alice_client.post(_url("mock-record", bobs_mock), _record_data(bobs_mock))
    assert response.status_code == 404

    assert _picked(bobs_mock) == picked
    assert _snapshot(bob, bobs_mock) == before
    assert bobs_mock.paused_at is None


ANONYMOUS = [
    ("post", "mock-start"),
    ("get", "mock-start"),
    ("get", "mock-detail"),
    ("post", "mock-reroll"),
    ("post", "mock-timer"),
    ("post", "mock-record"),
]


@pytest.mark.parametrize(("method", "name"), ANONYMOUS)
def test_anonymous_visitor_is_sent_to_log_in(client, bob, bobs_mock, method, name):
    url = START if name == "mock-start" else _url(name, bobs_mock)
    before = _snapshot(bob, bobs_mock)

    response = getattr(client, method)(url, {"position": "1", "action": "pause"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert _snapshot(bob, bobs_mock) == before
    assert MockRound.objects.count() == 1


WRONG_METHOD = [
    ("put", "mock-start"),
    ("post", "mock-detail"),
    ("get", "mock-reroll"),
    ("get", "mock-timer"),
    ("get", "mock-record"),
]


@pytest.mark.parametrize(("method", "name"), WRONG_METHOD)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "bob"])
def test_wrong_method_is_405(client, bob, bobs_mock, method, name, logged_in):
    if logged_in:
        client.force_login(bob)
    url = START if name == "mock-start" else _url(name, bobs_mock)

    assert getattr(client, method)(url).status_code == 405
    assert MockRound.objects.count() == 1


# --- Query budgets ----------------------------------------------------------------------------


def _past_mocks(user, count: int) -> None:
    """`count` recorded mocks of two problems each, and stories to choose from."""
    level, company = Level.objects.get(slug="e6"), Company.objects.get(slug="meta")
    problems = list(Problem.objects.filter(pk__in=_meta_candidates())[: 2 * count])
    areas = list(FocusArea.objects.active())
    for n in range(count):
        story = StoryFactory(user=user, state=Story.State.REHEARSED, focus_areas=areas[:2])
        mock = MockRoundFactory(
            user=user,
            level=level,
            company=company,
            story=story,
            started_at=timezone.now() - timedelta(days=n + 1),
            ended_at=timezone.now() - timedelta(days=n + 1) + timedelta(minutes=45),
            is_recorded=True,
        )
        for position in (1, 2):
            MockProblemFactory(
                mock=mock,
                problem=problems[2 * n + position - 1],
                position=position,
                outcome=MockProblem.Outcome.HINTS,
                minutes=20,
            )


@pytest.mark.parametrize("mocks", [1, 30])
def test_mock_page_query_budget_is_the_same_with_one_or_thirty_mocks(
    alice_client, alice, alice_e6, django_assert_max_num_queries, mocks
):
    _past_mocks(alice, mocks)
    mock = _start(alice_client)

    with django_assert_max_num_queries(MOCK_PAGE_QUERIES):
        page = _page(alice_client, mock.get_absolute_url())

    assert page.count('name="position"') == 2


@pytest.mark.usefixtures("user_pages_built")
@pytest.mark.parametrize("mocks", [1, 30])
def test_dashboard_query_budget_is_the_same_with_one_or_thirty_mocks(
    alice_client, alice, alice_e6, django_assert_max_num_queries, mocks
):
    _past_mocks(alice, mocks)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        page = _page(alice_client, DASHBOARD)

    assert page.count("(solved with hints)") == 2 * min(mocks, 5)


# --- The history page --------------------------------------------------------------------------


def test_the_mocks_page_lists_every_mock_newest_first_with_how_it_went(
    alice_client, alice, alice_e5, bob, bobs_mock
):
    problems = list(Problem.objects.filter(pk__in=_meta_candidates())[:3])
    older = MockRoundFactory(user=alice, started_at=timezone.now() - timedelta(days=3))
    MockProblem.objects.create(
        mock=older, problem=problems[0], position=1, outcome="hints", minutes=22
    )
    newer = MockRoundFactory(user=alice, started_at=timezone.now() - timedelta(hours=1))
    MockProblem.objects.create(mock=newer, problem=problems[1], position=1)

    response = alice_client.get(START)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(newer.get_absolute_url()) < html.index(older.get_absolute_url())
    assert f'{problems[0].title} <span class="muted">(solved with hints, 22 min)' in html
    assert "Finish and record" in html
    assert bobs_mock.get_absolute_url() not in html  # bob's mocks are bob's
    assert 'aria-current="page">Mocks</a>' in html


def test_the_mocks_page_costs_the_same_with_one_or_thirty_mocks(
    alice_client, alice, alice_e5, django_assert_max_num_queries
):
    _past_mocks(alice, 1)
    with CaptureQueriesContext(connection) as one:
        alice_client.get(START)
    _past_mocks(alice, 29)

    with django_assert_max_num_queries(len(one)):
        response = alice_client.get(START)

    assert response.content.decode().count("<tr>") == 30 + 1  # the header row too


def test_a_head_request_to_the_mocks_page_never_starts_a_mock(alice_client, alice_e5):
    from prep.models import MockRound

    response = alice_client.head(reverse("prep:mock-start"))

    assert response.status_code == 200
    assert not MockRound.objects.exists()

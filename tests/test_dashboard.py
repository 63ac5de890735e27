"""The dashboard: readiness per round, the countdown, what to do next and recent activity."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from prep.models import (
    ChapterDone,
    Company,
    LearnChapter,
    Level,
    Problem,
    ProblemList,
    ProblemProgress,
    Status,
)
from tests.factories import (
    CompanyFactory,
    LevelFactory,
    ListEntryFactory,
    PhoneScreenSegmentFactory,
    ProblemListFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

HOME = reverse("prep:dashboard")
STATUS_URL = reverse("prep:problem-status")


def _dashboard(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _tick(client, problem: str, status: str = "solved") -> None:
    response = client.post(STATUS_URL, {"problem": problem, "status": status, "next": HOME})
    assert response.status_code == 302


def _readiness(html: str, part: str) -> str:
    return re.search(rf'<dd id="{part}-readiness">([^<]*)</dd>', html).group(1)


def _next_up(html: str) -> list[str]:
    """Names of the items under Next up, in order."""
    block = re.search(r'<ol class="next-up">(.*?)</ol>', html, re.S).group(1)
    return re.findall(r"<li>\s*<span><a [^>]*>([^<]+)</a>", block)


def _finish_all_chapters(user) -> None:
    chapters = LearnChapter.objects.all()
    ChapterDone.objects.bulk_create([ChapterDone(user=user, chapter=c) for c in chapters])


# --- Who sees what ----------------------------------------------------------------------------


def test_anonymous_visitor_gets_the_landing_page(client):
    html = client.get(reverse("prep:home")).content.decode()

    assert "Create a free account" in html
    assert "Readiness" not in html


def test_anonymous_visitor_to_the_dashboard_is_sent_to_log_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_a_profile_is_sent_to_onboarding(alice_client):
    response = alice_client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == reverse("prep:onboarding")


def test_dashboard_names_the_target_loop(alice_client, alice_e5):
    html = _dashboard(alice_client)

    assert "<h1>Your E5 loop at Meta</h1>" in html
    assert '<section id="readiness"' in html
    assert "hx-swap-oob" not in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_get_405_even_when_anonymous(client, alice, method):
    assert getattr(client, method)(HOME).status_code == 405
    client.force_login(alice)
    assert getattr(client, method)(HOME).status_code == 405


def test_a_stranger_sees_none_of_alices_progress(alice_client, alice_e5, charlie, client):
    _tick(alice_client, "two-sum")
    ProfileFactory(
        user=charlie, target_company=alice_e5.target_company, target_level=alice_e5.target_level
    )
    client.force_login(charlie)

    html = _dashboard(client)

    assert "Nothing yet. Mark a problem in a list and it shows up here." in html
    assert "Two Sum</a>:" not in html
    assert _readiness(html, "coding") == "0%"
    assert "NeetCode 150: 0 of 150 solved" in html


# --- Readiness --------------------------------------------------------------------------------


def test_coding_readiness_rises_after_solving_a_neetcode_problem(alice_client, alice_e5):
    before = _dashboard(alice_client)
    assert _readiness(before, "coding") == "0%"
    assert "NeetCode roadmap problems solved (0 of 150)" in before

    _tick(alice_client, "two-sum")

    after = _dashboard(alice_client)
    # two-sum is on the roadmap and on Meta's top 100: 45% * 1/150 + 30% * 1/100 rounds to 1%.
    assert _readiness(after, "coding") == "1%"
    assert "NeetCode roadmap problems solved (1 of 150)" in after
    assert "Meta's most frequent problems solved (1 of 100)" in after
    assert re.search(r'data-round="coding">1%<', after)


def test_attempted_does_not_count_towards_readiness(alice_client, alice_e5):
    _tick(alice_client, "two-sum", "attempted")

    assert "NeetCode roadmap problems solved (0 of 150)" in _dashboard(alice_client)


def test_solving_many_problems_moves_the_coding_number_by_the_formula(
    alice_client, alice, alice_e5
):
    neetcode = Problem.objects.filter(entries__problem_list__slug="neetcode-150")
    ProblemProgress.objects.bulk_create(
        [ProblemProgress(user=alice, problem=p, status=Status.SOLVED) for p in neetcode]
    )

    html = _dashboard(alice_client)

    # All 150 roadmap problems (45%), and whatever share of Meta's lists they cover.
    assert "NeetCode roadmap problems solved (150 of 150)" in html
    company = re.search(r"most frequent problems solved \((\d+) of 100\)", html).group(1)
    design = re.search(r"class-design problems solved \((\d+) of (\d+)\)", html).groups()
    expected = 45 + 30 * int(company) / 100 + 10 * int(design[0]) / int(design[1])
    assert _readiness(html, "coding") == f"{round(expected)}%"


def test_the_formula_is_explained(alice_client, alice_e5):
    html = _dashboard(alice_client)

    formula = re.search(r'<details class="formula">(.*?)</details>', html, re.S).group(1)
    assert "How these numbers are worked out" in formula
    assert "15% for Learn card chapters finished" in formula
    assert "45% for NeetCode roadmap problems solved" in formula
    assert "30% for Meta's most frequent problems solved" in formula
    primary = reverse("prep:list-detail", args=["meta-top-100-six-months"])
    assert re.search(rf'\(0 of \d+\) on <a href="{primary}">[^<]+</a>', formula)
    assert "Meta&#x27;s six-month list counts for readiness" in formula
    assert "10% for its class-design problems solved" in formula
    assert "each of the 7 stages scores its best self-rating, out of 5" in formula
    assert "Stages practised so far: 0 of 7." in formula
    assert "focus areas covered by a rehearsed story" in formula
    assert "average of the 5 rounds of the E5 loop" in formula


def test_without_a_class_design_list_the_formula_shares_its_weight_among_the_rest(
    alice_client, alice_e5
):
    acme = CompanyFactory(name="Acme")
    acme_list = ProblemListFactory(
        name="Acme: all time", kind=ProblemList.Kind.COMPANY, company=acme, window="all-time"
    )
    ListEntryFactory(problem_list=acme_list, problem=Problem.objects.get(slug="two-sum"))
    alice_e5.target_company = acme
    alice_e5.save()
    _tick(alice_client, "two-sum")

    html = _dashboard(alice_client)

    formula = re.search(r'<details class="formula">(.*?)</details>', html, re.S).group(1)
    # 15 : 45 : 30 of the 90 left: 17%, 50% and 33%.
    assert "17% for Learn card chapters finished" in formula
    assert "50% for NeetCode roadmap problems solved" in formula
    assert "33% for Acme's most frequent problems solved (1 of 1)" in formula
    assert f'on <a href="{acme_list.get_absolute_url()}">Acme: all time</a>' in formula
    assert "class-design problems solved" not in formula
    assert "no class-design list for Acme" in formula
    # (45 x 1/150 + 30 x 1) / 90, as the NeetCode roadmap holds 150 problems.
    assert _readiness(html, "coding") == "34%"


def test_finishing_a_learn_chapter_raises_coding_readiness(alice_client, alice, alice_e5):
    _finish_all_chapters(alice)

    # All Learn cards done is worth the full 15%.
    assert _readiness(_dashboard(alice_client), "coding") == "15%"


def test_behavioral_shows_not_started(alice_client, alice_e5):
    assert _readiness(_dashboard(alice_client), "behavioral") == "Not started"


# --- Countdown --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (10, "<strong>10 days</strong> until your interview on"),
        (1, "Your interview is <strong>tomorrow</strong>."),
        (0, "Your interview is <strong>today</strong>."),
        (-3, "has passed."),
    ],
    ids=["ten-days", "tomorrow", "today", "passed"],
)
def test_days_left_until_the_interview(alice_client, alice_e5, days, text):
    alice_e5.interview_date = timezone.localdate() + timedelta(days=days)
    alice_e5.save()

    assert text in _dashboard(alice_client)


def test_without_an_interview_date_the_dashboard_asks_for_one(alice_client, alice_e5):
    html = _dashboard(alice_client)

    assert "No interview date yet." in html
    assert f'<a href="{reverse("prep:settings")}">Add it in settings</a>' in html


# --- Next up ----------------------------------------------------------------------------------


def test_next_up_starts_with_learn_chapters(alice_client, alice_e5):
    html = _dashboard(alice_client)

    first_chapters = LearnChapter.objects.filter(card__slug="fun-with-arrays").order_by("position")
    assert _next_up(html) == [c.name for c in first_chapters[:5]]
    assert "Arrays 101 card" in html


def test_next_up_skips_chapters_already_done(alice_client, alice, alice_e5):
    first = LearnChapter.objects.filter(card__slug="fun-with-arrays").order_by("position")[0]
    ChapterDone.objects.create(user=alice, chapter=first)

    assert first.name not in _next_up(_dashboard(alice_client))


def test_next_up_moves_on_to_problems_once_every_chapter_is_done(alice_client, alice, alice_e5):
    _finish_all_chapters(alice)

    html = _dashboard(alice_client)

    assert _next_up(html) == [
        "Contains Duplicate",
        "Valid Anagram",
        "Two Sum",
        "Group Anagrams",
        "Top K Frequent Elements",
    ]
    assert '<label class="visually-hidden" for="status-two-sum">Status of Two Sum</label>' in html


def test_next_up_drops_solved_and_skipped_problems_but_keeps_attempted(
    alice_client, alice, alice_e5
):
    _finish_all_chapters(alice)
    _tick(alice_client, "contains-duplicate", "solved")
    _tick(alice_client, "valid-anagram", "skipped")
    _tick(alice_client, "two-sum", "attempted")

    html = _dashboard(alice_client)

    names = _next_up(html)
    assert names[:3] == ["Two Sum", "Group Anagrams", "Top K Frequent Elements"]
    assert "Contains Duplicate" not in names
    assert "Valid Anagram" not in names
    select = re.search(r'<select id="status-two-sum".*?</select>', html, re.S).group(0)
    assert '<option value="attempted" selected>' in select


def test_next_up_lists_a_problem_once_even_when_two_lists_hold_it(alice_client, alice, alice_e5):
    _finish_all_chapters(alice)

    names = _next_up(_dashboard(alice_client))

    assert len(names) == len(set(names))


# --- Recent activity and list bars ------------------------------------------------------------


def test_recent_activity_lists_the_latest_status_change_first(alice_client, alice_e5):
    assert "Nothing yet." in _dashboard(alice_client)
    _tick(alice_client, "valid-anagram", "attempted")
    _tick(alice_client, "two-sum", "solved")

    html = _dashboard(alice_client)

    activity = re.search(r'<ul class="activity">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r">([^<]+)</a>:\s*([\w ]+?)\s*<time", activity)
    assert items == [("Two Sum", "solved"), ("Valid Anagram", "attempted")]
    assert f'href="{reverse("prep:problem-detail", args=["two-sum"])}"' in activity


def test_list_bars_count_solved_problems(alice_client, alice_e5):
    _tick(alice_client, "two-sum")

    html = _dashboard(alice_client)

    assert "NeetCode 150: 1 of 150 solved" in html
    assert "Blind 75: 1 of 75 solved" in html
    # The target company's lists; other companies' are on the Companies page.
    assert re.search(r"Meta: top 100, last six months: 1 of \d+ solved", html)
    assert re.search(r"Meta: top 100, all time: 1 of \d+ solved", html)
    assert "Google: top 100" not in html
    assert "Learn cards: 0 of 11 done" in html
    assert re.search(r"Arrays &amp; Hashing</a>\s*<span class=\"bar-count\">1/9</span>", html)


def test_activity_from_a_moment_ago_reads_just_now(alice_client, alice_e5):
    _tick(alice_client, "two-sum")

    html = _dashboard(alice_client)

    assert "just now</time>" in html
    assert "0\xa0minutes ago" not in html


# --- The mock card ------------------------------------------------------------------------------


def _profile(user, level: str):
    return ProfileFactory(
        user=user,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug=level),
    )


def _mock_card(html: str) -> str:
    """The mock card's text, tags dropped and white space collapsed, as a reader sees it."""
    card = re.search(r'<h2 id="mock-title">.*?</form>', html, re.S).group(0)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())


@pytest.mark.parametrize(
    ("level", "plan", "choice"),
    [
        ("e4", "5 min introduction; 35 min coding: two problems in 18 and 17 min;", False),
        ("e5", "5 min introduction; 35 min coding: two problems in 18 and 17 min;", False),
        (
            "e6",
            "2 min introduction; 25 min coding: one problem in 25 min, or two in 13 and 12 min "
            "(your choice); 15 min behavioral; 3 min questions",
            True,
        ),
    ],
)
def test_the_mock_card_describes_the_levels_phone_screen(alice_client, alice, level, plan, choice):
    _profile(alice, level)

    card = _mock_card(_dashboard(alice_client))

    assert f"45 minutes, as at {level.upper()}: {plan}" in card
    assert ("One problem, 25 min Two problems, 13 and 12 min" in card) is choice
    assert "from Meta's list" in card


def test_the_mock_card_reads_minutes_from_the_data_not_from_the_level_name(alice_client, alice):
    level = LevelFactory(name="L7", phone_screen_problems=3)
    for position, (kind, minutes) in enumerate([("introduction", 4), ("coding", 31)], 1):
        PhoneScreenSegmentFactory(level=level, position=position, kind=kind, minutes=minutes)
    ProfileFactory(user=alice, target_company=Company.objects.get(slug="meta"), target_level=level)

    card = _mock_card(_dashboard(alice_client))

    assert (
        "35 minutes, as at L7: 4 min introduction; "
        "31 min coding: three problems in 11, 10 and 10 min." in card
    )


def test_a_tick_from_the_dashboard_redraws_the_mock_card_with_its_choice(alice_client, alice):
    _profile(alice, "e6")
    chapter = LearnChapter.objects.order_by("card__position", "position").first()
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{HOME}"}

    response = alice_client.post(
        reverse("prep:chapter-done"), {"chapter": chapter.pk, "done": "1"}, **headers
    )

    assert response.status_code == 200
    card = _mock_card(response.content.decode())
    assert "25 min coding: one problem in 25 min, or two in 13 and 12 min" in card
    assert "One problem, 25 min Two problems, 13 and 12 min" in card

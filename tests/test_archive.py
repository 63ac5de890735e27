"""Archiving: an archived list, section, Learn card or problem is gone from every count and list a
user sees, and nothing of the user's is lost; a list numbers its entries in the order it shows.

The real catalogue is set aside (bare_catalogue) and each test works on the small one below, so
every number here is the test's own:

    Starter Roadmap (SR)  Arrays: Anagram Pairs, Binary Ladder   Graphs: Coin Heap
    Extra Roadmap (XR)    Dune Walk
    Acme Top (AT)         Echo Path, Anagram Pairs               (Acme's list; alice aims at Acme)
    Acme Design (AD)      Fox Trie                               (only where a test asks for it)
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from prep import mocks, readiness
from prep.models import (
    ChapterDone,
    LearnCard,
    ListEntry,
    ListSection,
    Problem,
    ProblemList,
    ProblemProgress,
    Profile,
    Status,
)
from tests.factories import (
    CompanyFactory,
    LearnCardFactory,
    LearnChapterFactory,
    LevelFactory,
    ListEntryFactory,
    ListSectionFactory,
    MockProblemFactory,
    MockRoundFactory,
    PhoneScreenSegmentFactory,
    ProblemFactory,
    ProblemListFactory,
    ProfileFactory,
    ShareLinkFactory,
)

HOME = reverse("prep:dashboard")
STATUS_URL = reverse("prep:problem-status")
NO_LIST = "This problem is no longer in any list."


@dataclass
class Catalogue:
    roadmap: ProblemList
    extra: ProblemList
    acme_top: ProblemList
    arrays: ListSection
    graphs: ListSection
    profile: Profile


@pytest.fixture
def small(bare_catalogue, alice) -> Catalogue:
    acme = CompanyFactory(slug="acme", name="Acme")
    level = LevelFactory(name="L5", phone_screen_problems=2)
    PhoneScreenSegmentFactory(level=level, minutes=35)
    ProfileFactory(user=alice, target_company=acme, target_level=level)
    problem = {
        slug: ProblemFactory(slug=slug, title=slug.replace("-", " ").title(), difficulty=difficulty)
        for slug, difficulty in [
            ("anagram-pairs", Problem.Difficulty.EASY),
            ("binary-ladder", Problem.Difficulty.MEDIUM),
            ("coin-heap", Problem.Difficulty.MEDIUM),
            ("dune-walk", Problem.Difficulty.EASY),
            ("echo-path", Problem.Difficulty.MEDIUM),
        ]
    }
    roadmap = ProblemListFactory(name="Starter Roadmap", short_name="SR", position=1)
    arrays = ListSectionFactory(problem_list=roadmap, slug="arrays", name="Arrays", position=1)
    graphs = ListSectionFactory(problem_list=roadmap, slug="graphs", name="Graphs", position=2)
    # Ranked, so problem pages number the badges; ranks match positions until a test moves one.
    for n, (slug, section) in enumerate(
        [("anagram-pairs", arrays), ("binary-ladder", arrays), ("coin-heap", graphs)], 1
    ):
        ListEntryFactory(
            problem_list=roadmap, problem=problem[slug], section=section, position=n, rank=n
        )
    extra = ProblemListFactory(name="Extra Roadmap", short_name="XR", position=2)
    ListEntryFactory(problem_list=extra, problem=problem["dune-walk"], position=1, rank=1)
    acme_top = ProblemListFactory(
        name="Acme Top", short_name="AT", kind=ProblemList.Kind.COMPANY, company=acme, position=3
    )
    for n, slug in enumerate(["echo-path", "anagram-pairs"], 1):
        ListEntryFactory(problem_list=acme_top, problem=problem[slug], position=n, rank=n)
    return Catalogue(roadmap, extra, acme_top, arrays, graphs, Profile.objects.for_user(alice))


@pytest.fixture
def acme_design(small) -> ProblemList:
    """Acme's class-design list, its one problem unsolved: with it coding keeps all four parts
    at their own weights (15/45/30/10), as these tests' numbers assume."""
    design = ProblemListFactory(
        name="Acme Design",
        short_name="AD",
        kind=ProblemList.Kind.DESIGN,
        company=small.profile.target_company,
    )
    ListEntryFactory(
        problem_list=design, problem=ProblemFactory(slug="fox-trie", title="Fox Trie"), position=1
    )
    return design


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _list_page(client, problem_list: ProblemList) -> str:
    return _page(client, problem_list.get_absolute_url())


def _problem_url(slug: str) -> str:
    return reverse("prep:problem-detail", args=[slug])


def _tick(client, slug: str, status: str = Status.SOLVED) -> None:
    response = client.post(STATUS_URL, {"problem": slug, "status": status, "next": HOME})
    assert response.status_code == 302


def _archive(slug: str) -> None:
    Problem.objects.filter(slug=slug).update(is_archived=True)


def _rows(html: str) -> list[str]:
    """Problem slugs of a list page's rows, in page order."""
    return re.findall(r'<tr id="problem-([\w-]+)"', html)


def _places(html: str) -> dict[str, str]:
    """The number in each row's # column, by problem slug."""
    return dict(re.findall(r'<tr id="problem-([\w-]+)"[^>]*>\s*<td class="num">(\d+)</td>', html))


def _counter(html: str) -> str:
    return re.search(r'<p class="counter-main"><strong>([^<]+)</strong>', html).group(1)


def _next_up(html: str) -> list[str]:
    """Names of the items under Next up on the dashboard, in order."""
    block = re.search(r'<ol class="next-up">(.*?)</ol>', html, re.S)
    return re.findall(r"<li>\s*<span><a [^>]*>([^<]+)</a>", block.group(1)) if block else []


def _badges(html: str) -> list[str]:
    """The lists named on a problem page, as their badges read (e.g. "SR #2")."""
    return re.findall(r'<a class="badge" href="[^"]*">([^<]+)</a>', html)


def _roadmap(alice, profile: Profile) -> tuple[int, int]:
    part = readiness.readiness_for(alice, profile).parts["roadmap"]
    return part.solved, part.total


# --- Lists ------------------------------------------------------------------------------------


def test_an_archived_roadmap_list_leaves_the_dashboard_and_the_study_path(alice_client, small):
    assert "Extra Roadmap: 0 of 1 solved" in _page(alice_client, HOME)
    assert "Extra Roadmap</a></h2>" in _page(alice_client, reverse("prep:study-path"))

    ProblemList.objects.filter(pk=small.extra.pk).update(is_archived=True)

    dashboard = _page(alice_client, HOME)
    assert "Extra Roadmap" not in dashboard
    assert "Starter Roadmap: 0 of 3 solved" in dashboard
    assert "Extra Roadmap" not in _page(alice_client, reverse("prep:study-path"))


@pytest.mark.usefixtures("acme_design")
def test_an_archived_roadmap_list_leaves_coding_readiness(alice_client, alice, small):
    _tick(alice_client, "anagram-pairs")
    _tick(alice_client, "dune-walk")
    assert _roadmap(alice, small.profile) == (2, 4)

    ProblemList.objects.filter(pk=small.extra.pk).update(is_archived=True)

    assert _roadmap(alice, small.profile) == (1, 3)
    # Roadmap 45% x 1/3, Acme's list 30% x 1/2 (anagram-pairs is on both).
    assert readiness.readiness_for(alice, small.profile).coding == pytest.approx(0.30)
    assert "(1 of 3)" in _page(alice_client, HOME)


def test_an_archived_roadmap_list_leaves_next_up(alice_client, small):
    assert _next_up(_page(alice_client, HOME)) == [
        "Anagram Pairs",
        "Binary Ladder",
        "Coin Heap",
        "Dune Walk",
        "Echo Path",
    ]

    ProblemList.objects.filter(pk=small.roadmap.pk).update(is_archived=True)

    assert _next_up(_page(alice_client, HOME)) == ["Dune Walk", "Echo Path", "Anagram Pairs"]


def test_unarchiving_a_list_brings_back_the_users_progress_on_it(alice_client, small):
    _tick(alice_client, "dune-walk")
    ProblemList.objects.filter(pk=small.extra.pk).update(is_archived=True)
    assert "Extra Roadmap" not in _page(alice_client, HOME)

    ProblemList.objects.filter(pk=small.extra.pk).update(is_archived=False)

    assert "Extra Roadmap: 1 of 1 solved" in _page(alice_client, HOME)


# --- Sections ---------------------------------------------------------------------------------


def test_an_archived_section_hides_its_entries_and_their_counts_on_the_list_page(
    alice_client, small
):
    _tick(alice_client, "anagram-pairs")
    _tick(alice_client, "coin-heap")
    before = _list_page(alice_client, small.roadmap)
    assert _rows(before) == ["anagram-pairs", "binary-ladder", "coin-heap"]
    assert _counter(before) == "2 of 3 solved"

    ListSection.objects.filter(pk=small.graphs.pk).update(is_archived=True)

    after = _list_page(alice_client, small.roadmap)
    assert _rows(after) == ["anagram-pairs", "binary-ladder"]
    assert _counter(after) == "1 of 2 solved"
    assert "Graphs" not in after


def test_an_archived_section_leaves_the_dashboard_readiness_and_next_up(alice_client, alice, small):
    before = _page(alice_client, HOME)
    assert "Graphs: 0 of 1 solved" in before
    assert "Coin Heap" in _next_up(before)
    assert _roadmap(alice, small.profile) == (0, 4)

    ListSection.objects.filter(pk=small.graphs.pk).update(is_archived=True)

    after = _page(alice_client, HOME)
    assert "Graphs" not in after
    assert "Starter Roadmap: 0 of 2 solved" in after
    assert "Coin Heap" not in _next_up(after)
    assert _roadmap(alice, small.profile) == (0, 3)


# --- Learn cards ------------------------------------------------------------------------------


@pytest.fixture
def cards() -> LearnCard:
    """Two Learn cards; returns the first, Arrays, whose two chapters open the study path."""
    arrays = LearnCardFactory(name="Arrays Card", position=1)
    LearnChapterFactory(card=arrays, name="Meet the Array", position=1)
    LearnChapterFactory(card=arrays, name="Insert and Delete", position=2)
    strings = LearnCardFactory(name="Strings Card", position=2)
    LearnChapterFactory(card=strings, name="Meet the String", position=1)
    return arrays


@pytest.mark.usefixtures("acme_design")
def test_an_archived_learn_card_leaves_next_up_and_the_card_counts(
    alice_client, alice, small, cards
):
    strings = LearnCard.objects.get(name="Strings Card")
    ChapterDone.objects.create(user=alice, chapter=strings.chapters.get())
    before = _page(alice_client, HOME)
    assert _next_up(before)[:2] == ["Meet the Array", "Insert and Delete"]
    assert "Learn cards: 1 of 2 done" in before
    # Learn is worth 15%, and half the cards are done.
    assert readiness.readiness_for(alice, small.profile).coding == pytest.approx(0.075)

    LearnCard.objects.filter(pk=cards.pk).update(is_archived=True)

    after = _page(alice_client, HOME)
    assert _next_up(after)[0] == "Anagram Pairs"
    assert "Meet the Array" not in after
    assert "Learn cards: 1 of 1 done" in after
    assert readiness.readiness_for(alice, small.profile).coding == pytest.approx(0.15)
    learn_page = _page(alice_client, reverse("prep:learn-cards"))
    assert "1 of 1 cards done." in learn_page
    assert "Meet the Array" not in learn_page


def test_chapters_done_on_an_archived_card_come_back_with_it(alice, small, cards):
    ChapterDone.objects.create(user=alice, chapter=cards.chapters.get(name="Meet the Array"))
    LearnCard.objects.filter(pk=cards.pk).update(is_archived=True)
    assert [p.card.name for p in readiness.card_progress(alice)] == ["Strings Card"]

    LearnCard.objects.filter(pk=cards.pk).update(is_archived=False)

    progress = {p.card.name: (p.done, p.total) for p in readiness.card_progress(alice)}
    assert progress == {"Arrays Card": (1, 2), "Strings Card": (0, 1)}


# --- Problems: gone from every list and count ---------------------------------------------------


def test_a_candidate_whose_level_was_archived_still_sees_its_phone_screen(alice_client, small):
    """Archiving a level stops it being offered; a candidate already aiming at it keeps its
    loop on the dashboard, phone screen and all (a 35-minute one here), and an archived
    segment of it still leaves."""
    level = small.profile.target_level
    PhoneScreenSegmentFactory(level=level, minutes=10, position=2, is_archived=True)
    level.is_archived = True
    level.save()

    html = _page(alice_client, reverse("prep:dashboard"))

    assert "Phone screen, 35 minutes" in html


def test_an_archived_problem_leaves_the_list_pages_and_their_counts(alice_client, small):
    _tick(alice_client, "anagram-pairs")
    assert _counter(_list_page(alice_client, small.roadmap)) == "1 of 3 solved"
    assert _counter(_list_page(alice_client, small.acme_top)) == "1 of 2 solved"

    _archive("anagram-pairs")

    roadmap = _list_page(alice_client, small.roadmap)
    assert _rows(roadmap) == ["binary-ladder", "coin-heap"]
    assert _counter(roadmap) == "0 of 2 solved"
    acme_top = _list_page(alice_client, small.acme_top)
    assert _rows(acme_top) == ["echo-path"]
    assert _counter(acme_top) == "0 of 1 solved"


def test_an_archived_problem_leaves_readiness(alice_client, alice, small):
    _tick(alice_client, "anagram-pairs")
    before = readiness.readiness_for(alice, small.profile).parts
    assert [(p.solved, p.total) for p in before.values()] == [(1, 4), (1, 2), (0, 0)]

    _archive("anagram-pairs")

    after = readiness.readiness_for(alice, small.profile).parts
    assert [(p.solved, p.total) for p in after.values()] == [(0, 3), (0, 1), (0, 0)]
    assert "Starter Roadmap: 0 of 2 solved" in _page(alice_client, HOME)


def test_an_archived_problem_leaves_next_up(alice_client, small):
    _archive("binary-ladder")

    assert _next_up(_page(alice_client, HOME)) == [
        "Anagram Pairs",
        "Coin Heap",
        "Dune Walk",
        "Echo Path",
    ]


@pytest.mark.parametrize(
    ("archive", "left"),
    [
        (lambda s: Problem.objects.filter(slug="echo-path"), ["anagram-pairs"]),
        (lambda s: s.acme_top.entries.filter(problem__slug="echo-path"), ["anagram-pairs"]),
    ],
    ids=["problem", "entry"],
)
def test_a_mock_never_picks_an_archived_problem(alice, small, archive, left):
    before = mocks._candidates(alice, small.profile, [])
    assert {p.slug for p in before} == {"anagram-pairs", "echo-path"}

    archive(small).update(is_archived=True)

    assert [p.slug for p in mocks._candidates(alice, small.profile, [])] == left
    mock = mocks.start_mock(alice, small.profile)
    assert [item.problem.slug for item in mock.problems.all()] == left


def test_with_its_company_list_archived_a_mock_draws_from_the_roadmaps(alice, small):
    ProblemList.objects.filter(pk=small.acme_top.pk).update(is_archived=True)
    easy_or_medium = [Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM]
    roadmap = ListEntry.objects.active().filter(
        problem_list__kind=ProblemList.Kind.ROADMAP, problem__difficulty__in=easy_or_medium
    )

    picked = {p.slug for p in mocks._candidates(alice, small.profile, [])}

    assert picked == set(roadmap.values_list("problem__slug", flat=True))
    assert "echo-path" not in picked


def test_an_archived_problem_leaves_the_mentors_pages(alice_client, alice, small):
    _tick(alice_client, "anagram-pairs")
    ProblemProgress.objects.filter(user=alice).update(notes="Sort both words.")
    link = ShareLinkFactory(user=alice, shows_notes=True)
    mentor = Client()
    shared_list = reverse("prep:share-list", args=[link.token, small.roadmap.slug])
    before = _page(mentor, shared_list)
    assert "Sort both words." in before
    assert _counter(before) == "1 of 3 solved"

    _archive("anagram-pairs")

    after = _page(mentor, shared_list)
    assert _rows(after) == ["binary-ladder", "coin-heap"]
    assert _counter(after) == "0 of 2 solved"
    assert "Sort both words." not in after
    dashboard = _page(mentor, reverse("prep:share-dashboard", args=[link.token]))
    assert "Starter Roadmap: 0 of 2 solved" in dashboard
    assert "Acme Top: 0 of 1 solved" in dashboard


# --- Problems: nothing of the user's is lost ----------------------------------------------------


@pytest.fixture
def worked_on(alice_client, small) -> str:
    """alice attempted then solved anagram-pairs and wrote notes on it; then it was archived."""
    _tick(alice_client, "anagram-pairs", Status.ATTEMPTED)
    _tick(alice_client, "anagram-pairs", Status.SOLVED)
    response = alice_client.post(
        reverse("prep:problem-progress", args=["anagram-pairs"]),
        {"confidence": "4", "minutes_spent": "20", "notes": "Sort **both** words."},
    )
    assert response.status_code == 302
    _archive("anagram-pairs")
    return "anagram-pairs"


def test_alice_still_opens_an_archived_problem_she_worked_on(alice_client, worked_on):
    page = _page(alice_client, _problem_url(worked_on))

    assert NO_LIST in page
    assert _badges(page) == []
    assert "Sort <strong>both</strong> words." in page
    changes = re.findall(r"</time>: ([\w ]+) → <strong>([\w ]+)</strong>", page)
    assert changes == [("Attempted", "Solved"), ("Not started", "Attempted")]
    assert '<span class="status-text status-solved">Solved</span>' in page
    assert 'id="status-anagram-pairs"' not in page  # A status it can no longer be ticked in.


def test_alice_can_still_save_notes_on_an_archived_problem(alice_client, alice, worked_on):
    response = alice_client.post(
        reverse("prep:problem-progress", args=[worked_on]),
        {"confidence": "5", "minutes_spent": "30", "notes": "Or count letters."},
    )

    assert response.status_code == 302
    assert response["Location"] == _problem_url(worked_on)
    mine = ProblemProgress.objects.get(user=alice, problem__slug=worked_on)
    assert (mine.notes, mine.confidence, mine.status) == ("Or count letters.", 5, Status.SOLVED)


def test_an_archived_problem_stays_in_alices_recent_activity(alice_client, worked_on):
    page = _page(alice_client, HOME)

    activity = re.search(r'<ul class="activity">(.*?)</ul>', page, re.S).group(1)
    assert f'<a href="{_problem_url(worked_on)}">Anagram Pairs</a>' in activity


def test_a_stranger_gets_404_for_an_archived_problem_and_saves_nothing(client, charlie, worked_on):
    client.force_login(charlie)

    assert client.get(_problem_url(worked_on)).status_code == 404
    response = client.post(
        reverse("prep:problem-progress", args=[worked_on]),
        {"confidence": "1", "minutes_spent": "1", "notes": "Mine now."},
    )
    assert response.status_code == 404
    assert not ProblemProgress.objects.filter(user=charlie).exists()


def test_a_mock_attempt_alone_keeps_an_archived_problem_reachable(alice_client, alice, small):
    mock = MockRoundFactory(user=alice, company=small.acme_top.company)
    MockProblemFactory(mock=mock, problem=Problem.objects.get(slug="echo-path"))
    _archive("echo-path")

    assert NO_LIST in _page(alice_client, _problem_url("echo-path"))


def test_an_active_problem_whose_lists_are_all_archived_says_so(alice_client, small):
    assert _badges(_page(alice_client, _problem_url("dune-walk"))) == ["XR #1"]

    ProblemList.objects.filter(pk=small.extra.pk).update(is_archived=True)

    page = _page(alice_client, _problem_url("dune-walk"))
    assert NO_LIST in page
    assert _badges(page) == []


# --- Places: numbered in the order shown, whatever is stored ----------------------------------


def _move(problem_list: ProblemList, slug: str, **fields) -> None:
    """Change a problem's entry in a list the way an admin would: its position or rank."""
    ListEntry.objects.filter(problem_list=problem_list, problem__slug=slug).update(**fields)


def test_rows_are_numbered_in_order_whatever_the_stored_positions_and_ranks(alice_client, small):
    _move(small.roadmap, "anagram-pairs", position=10, rank=7)
    _move(small.roadmap, "binary-ladder", position=20, rank=42)
    _move(small.roadmap, "coin-heap", position=30, rank=3)

    page = _list_page(alice_client, small.roadmap)

    assert _places(page) == {"anagram-pairs": "1", "binary-ladder": "2", "coin-heap": "3"}
    assert _badges(_page(alice_client, _problem_url("binary-ladder"))) == ["SR #2"]


def test_moving_an_entry_changes_its_place_on_the_list_and_problem_pages(alice_client, small):
    assert _places(_list_page(alice_client, small.acme_top)) == {
        "echo-path": "1",
        "anagram-pairs": "2",
    }
    assert "AT #2" in _badges(_page(alice_client, _problem_url("anagram-pairs")))

    _move(small.acme_top, "anagram-pairs", position=0)

    page = _list_page(alice_client, small.acme_top)
    assert _rows(page) == ["anagram-pairs", "echo-path"]
    assert _places(page) == {"anagram-pairs": "1", "echo-path": "2"}
    assert "AT #1" in _badges(_page(alice_client, _problem_url("anagram-pairs")))
    assert _badges(_page(alice_client, _problem_url("echo-path"))) == ["AT #2"]


@pytest.mark.parametrize(
    ("archive", "places"),
    [
        (
            lambda s: ListEntry.objects.filter(
                problem__slug="anagram-pairs", problem_list=s.roadmap
            ),
            {"binary-ladder": "1", "coin-heap": "2"},
        ),
        (
            lambda s: Problem.objects.filter(slug="anagram-pairs"),
            {"binary-ladder": "1", "coin-heap": "2"},
        ),
        (lambda s: ListSection.objects.filter(pk=s.arrays.pk), {"coin-heap": "1"}),
    ],
    ids=["entry", "problem", "section"],
)
def test_archiving_closes_the_gap_in_the_numbers(alice_client, small, archive, places):
    archive(small).update(is_archived=True)

    assert _places(_list_page(alice_client, small.roadmap)) == places
    assert _badges(_page(alice_client, _problem_url("coin-heap"))) == [f"SR #{places['coin-heap']}"]

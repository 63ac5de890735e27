"""Readiness, computed: the functions of prep/readiness.py on small catalogues built here, checked
against numbers worked out by hand. How the dashboard shows them is in test_dashboard.py and
test_practice_readiness.py.

The real catalogue is set aside (bare_catalogue), so every list, card, stage and focus area a
function sees is one a test made.
"""

import pytest

from prep import readiness
from prep.companies import PRIMARY_MIN_PROBLEMS
from prep.models import Loop, PhoneScreenSegment, ProblemList, Profile, Status, Story
from tests.factories import (
    CardDoneFactory,
    ChapterDoneFactory,
    CompanyFactory,
    DesignAttemptFactory,
    DesignStageFactory,
    FocusAreaFactory,
    LearnCardFactory,
    LearnChapterFactory,
    LevelFactory,
    ListEntryFactory,
    ListSectionFactory,
    LoopFactory,
    PhoneScreenSegmentFactory,
    ProblemFactory,
    ProblemListFactory,
    ProblemProgressFactory,
    ProfileFactory,
    StageStudiedFactory,
    StageWorkFactory,
    StoryFactory,
)

pytestmark = pytest.mark.usefixtures("bare_catalogue")

ROADMAP, COMPANY, DESIGN = (
    ProblemList.Kind.ROADMAP,
    ProblemList.Kind.COMPANY,
    ProblemList.Kind.DESIGN,
)
SIX_MONTHS, ALL_TIME = ProblemList.Window.SIX_MONTHS, ProblemList.Window.ALL_TIME
CODING, BEHAVIORAL = PhoneScreenSegment.Kind.CODING, PhoneScreenSegment.Kind.BEHAVIORAL


def _level(name: str, ml_design_rounds: int, phone_screen: list[tuple[str, int]]):
    """A level with two onsite coding rounds and one behavioral, and the phone screen given as
    (kind, minutes) segments."""
    level = LevelFactory(name=name, loop__rounds=(2, ml_design_rounds, 1))
    for kind, minutes in phone_screen:
        PhoneScreenSegmentFactory(level=level, kind=kind, minutes=minutes)
    return level


# Shaped like the real E5 and E6 loops, whose rounds these tests must not depend on.
E5_PHONE = [("introduction", 5), (CODING, 35), ("questions", 5)]
E6_PHONE = [("introduction", 2), (CODING, 25), (BEHAVIORAL, 15), ("questions", 3)]


@pytest.fixture
def acme(db):
    return CompanyFactory(name="Acme")


@pytest.fixture
def profile(alice, acme) -> Profile:
    """alice aims at Acme, at an E5-shaped level."""
    ProfileFactory(user=alice, target_company=acme, target_level=_level("E5", 1, E5_PHONE))
    return Profile.objects.for_user(alice)


@pytest.fixture
def acme_design(bare_catalogue, acme) -> ProblemList:
    """Acme's class-design list and a company list, one unsolved problem each, so coding keeps
    all four parts at their own weights (a company without a design list, or without any list,
    shares that part's weight among the others)."""
    _list(COMPANY, _problems(1), company=acme)
    return _list(DESIGN, _problems(1), company=acme)


def _at(alice, level) -> Profile:
    Profile.objects.filter(user=alice).update(target_level=level)
    return Profile.objects.for_user(alice)


def _list(kind: str = ROADMAP, problems=(), company=None, **fields) -> ProblemList:
    problem_list = ProblemListFactory(kind=kind, company=company, **fields)
    for position, problem in enumerate(problems, 1):
        ListEntryFactory(problem_list=problem_list, problem=problem, position=position)
    return problem_list


def _problems(n: int, **fields) -> list:
    return ProblemFactory.create_batch(n, **fields)


def _solve(user, *problems, status: str = Status.SOLVED) -> None:
    for problem in problems:
        ProblemProgressFactory(user=user, problem=problem, status=status)


def _part(tally: readiness.Tally) -> tuple[int, int]:
    return tally.solved, tally.total


# --- Coding -----------------------------------------------------------------------------------


def test_coding_weighs_learn_15_roadmap_45_company_30_and_design_10(alice, acme, profile):
    card = LearnCardFactory()
    first, _ = LearnChapterFactory.create_batch(2, card=card)
    ChapterDoneFactory(user=alice, chapter=first)  # Learn: 1 of 2 chapters of the one card.
    roadmap, company, design = _problems(4), _problems(2), _problems(1)
    _list(ROADMAP, roadmap)
    _list(COMPANY, company, company=acme)
    _list(DESIGN, design, company=acme)
    _solve(alice, roadmap[0], company[0], design[0])

    result = readiness.readiness_for(alice, profile)

    parts = {name: _part(tally) for name, tally in result.parts.items()}
    assert parts == {"roadmap": (1, 4), "company": (1, 2), "design": (1, 1)}
    assert result.weights == readiness.CODING_WEIGHTS
    # (15 x 1/2 + 45 x 1/4 + 30 x 1/2 + 10 x 1) / 100
    assert result.coding == pytest.approx(0.4375)
    assert result.coding_percent == 44


def test_without_a_design_list_its_weight_is_shared_among_the_other_parts_in_proportion(
    alice, acme, profile
):
    card = LearnCardFactory()
    first, _ = LearnChapterFactory.create_batch(2, card=card)
    ChapterDoneFactory(user=alice, chapter=first)  # Learn: 1 of 2 chapters of the one card.
    roadmap, company, theirs, archived = _problems(4), _problems(2), _problems(1), _problems(1)
    _list(ROADMAP, roadmap)
    _list(COMPANY, company, company=acme)
    _list(DESIGN, theirs, company=CompanyFactory())  # Another company's design list.
    _list(DESIGN, archived, company=acme, is_archived=True)  # Archived: as good as none.
    _solve(alice, roadmap[0], company[0], *theirs, *archived)

    result = readiness.readiness_for(alice, profile)

    assert _part(result.parts["design"]) == (0, 0)
    # 15 : 45 : 30 of the 90 left.
    assert result.weights == pytest.approx(
        {"learn": 1500 / 90, "roadmap": 50, "company": 3000 / 90}
    )
    assert result.weights == readiness.coding_weights(missing=["design"])
    assert result.weight_percents == {"learn": 17, "roadmap": 50, "company": 33}
    # (15 x 1/2 + 45 x 1/4 + 30 x 1/2) / 90
    assert result.coding == pytest.approx(0.375)
    assert result.coding_percent == 38


@pytest.mark.usefixtures("acme_design")
def test_a_problem_on_two_roadmap_lists_counts_once(alice, profile):
    shared, only_second = _problems(2)
    _list(ROADMAP, [shared])
    _list(ROADMAP, [shared, only_second])
    _solve(alice, shared)

    result = readiness.readiness_for(alice, profile)

    assert _part(result.parts["roadmap"]) == (1, 2)
    assert result.coding == pytest.approx(0.45 / 2)


def test_needs_review_counts_as_solved_and_attempted_and_skipped_do_not(alice, profile):
    problems = _problems(4)
    _list(ROADMAP, problems)
    for problem, status in zip(
        problems,
        [Status.SOLVED, Status.NEEDS_REVIEW, Status.ATTEMPTED, Status.SKIPPED],
        strict=True,
    ):
        _solve(alice, problem, status=status)

    assert _part(readiness.readiness_for(alice, profile).parts["roadmap"]) == (2, 4)


def test_only_the_target_companys_lists_count_as_company_and_design(alice, acme, profile):
    mine, design, theirs, their_design = _problems(4)
    other = CompanyFactory()
    _list(COMPANY, [mine], company=acme)
    _list(DESIGN, [design], company=acme)
    _list(COMPANY, [theirs], company=other)
    _list(DESIGN, [their_design], company=other)
    _solve(alice, mine, design, theirs, their_design)

    parts = readiness.readiness_for(alice, profile).parts

    assert {name: _part(t) for name, t in parts.items()} == {
        "roadmap": (0, 0),
        "company": (1, 1),
        "design": (1, 1),
    }


def test_another_users_progress_counts_for_nothing(alice, charlie, profile):
    problems = _problems(2)
    _list(ROADMAP, problems)
    _solve(charlie, *problems)
    LearnChapterFactory(card=LearnCardFactory())
    CardDoneFactory(user=charlie, card=LearnCardFactory())

    result = readiness.readiness_for(alice, profile)

    assert _part(result.parts["roadmap"]) == (0, 2)
    assert result.coding == 0.0


def test_an_empty_catalogue_gives_zero_everywhere_and_behavioral_not_started(alice, profile):
    result = readiness.readiness_for(alice, profile)

    assert (result.coding, result.ml_design, result.behavioral) == (0.0, 0.0, None)
    assert [_part(t) for t in result.parts.values()] == [(0, 0), (0, 0), (0, 0)]
    assert (result.stages_total, result.areas_total, result.overall) == (0, 0, 0)


# --- The company's primary list ---------------------------------------------------------------


def _titled(prefix: str, n: int) -> list:
    return [ProblemFactory(title=f"{prefix} {k}") for k in range(n)]


def test_a_six_month_list_of_50_problems_is_the_company_part(alice, acme, profile):
    six = _list(COMPANY, _problems(PRIMARY_MIN_PROBLEMS), company=acme, window=SIX_MONTHS)
    all_time = _list(COMPANY, _problems(3), company=acme, window=ALL_TIME)
    _solve(alice, six.entries.first().problem, *[e.problem for e in all_time.entries.all()])

    result = readiness.readiness_for(alice, profile)

    assert result.company.primary == six
    assert _part(result.parts["company"]) == (1, 50)
    assert "six-month list counts" in result.company.reason
    assert "it holds 50 problems" in result.company.reason


def test_a_six_month_list_of_49_problems_leaves_the_all_time_list_as_the_company_part(
    alice, acme, profile
):
    six = _list(COMPANY, _problems(PRIMARY_MIN_PROBLEMS - 1), company=acme, window=SIX_MONTHS)
    all_time = _list(COMPANY, _problems(3), company=acme, window=ALL_TIME)
    _solve(alice, six.entries.first().problem, all_time.entries.first().problem)

    result = readiness.readiness_for(alice, profile)

    assert result.company.primary == all_time
    assert _part(result.parts["company"]) == (1, 3)
    assert (
        "Acme's six-month list holds only 49 problems, fewer than 50, so its all-time list "
        "counts" in result.company.reason
    )


def test_an_archived_entry_does_not_count_towards_the_50(alice, acme, profile):
    six = _list(COMPANY, _problems(PRIMARY_MIN_PROBLEMS), company=acme, window=SIX_MONTHS)
    all_time = _list(COMPANY, _problems(3), company=acme, window=ALL_TIME)
    six.entries.filter(pk=six.entries.first().pk).update(is_archived=True)

    assert readiness.readiness_for(alice, profile).company.primary == all_time


def test_a_company_without_windowed_lists_counts_its_first_company_list(alice, acme, profile):
    first = _list(COMPANY, _problems(2), company=acme, position=1)
    _list(COMPANY, _problems(5), company=acme, position=2)

    result = readiness.readiness_for(alice, profile)

    assert result.company.primary == first
    assert _part(result.parts["company"]) == (0, 2)
    assert f"so {first.name} counts for readiness" in result.company.reason


def test_a_company_without_any_list_has_an_empty_company_part(alice, profile):
    result = readiness.readiness_for(alice, profile)

    assert result.company.primary is None
    assert _part(result.parts["company"]) == (0, 0)


def test_next_up_follows_the_primary_list_not_the_companys_other_one(alice, acme, profile):
    _list(COMPANY, _titled("All time", 1), company=acme, window=ALL_TIME, position=1)
    _list(
        COMPANY, _titled("Six", PRIMARY_MIN_PROBLEMS), company=acme, window=SIX_MONTHS, position=2
    )

    assert _names(readiness.next_up(alice, profile)) == [f"Six {k}" for k in range(5)]


# --- Learn cards ------------------------------------------------------------------------------


def test_card_progress_counts_active_chapters_done_per_card_in_card_order(alice, charlie):
    later = LearnCardFactory(name="Later", position=2)
    first = LearnCardFactory(name="First", position=1)
    done, todo = LearnChapterFactory.create_batch(2, card=first)
    gone = LearnChapterFactory(card=first, is_archived=True)
    ChapterDoneFactory(user=alice, chapter=done)
    ChapterDoneFactory(user=alice, chapter=gone)  # Archived: neither done nor to do.
    ChapterDoneFactory(user=charlie, chapter=todo)
    CardDoneFactory(user=alice, card=later)  # No chapters: the card is one item.
    LearnCardFactory(name="Whole", position=3)
    LearnCardFactory(name="Archived", position=4, is_archived=True)

    cards = readiness.card_progress(alice)

    assert [(c.card.name, c.done, c.total, c.is_done) for c in cards] == [
        ("First", 1, 2, False),
        ("Later", 1, 1, True),
        ("Whole", 0, 1, False),
    ]
    assert [c.fraction for c in cards] == [0.5, 1.0, 0.0]


@pytest.mark.usefixtures("acme_design")
def test_learn_is_the_average_of_the_cards_fractions(alice, profile):
    halfway = LearnCardFactory()
    chapter, _ = LearnChapterFactory.create_batch(2, card=halfway)
    ChapterDoneFactory(user=alice, chapter=chapter)
    CardDoneFactory(user=alice, card=LearnCardFactory())
    LearnCardFactory()

    # (1/2 + 1 + 0) / 3 cards, at 15%.
    assert readiness.readiness_for(alice, profile).coding == pytest.approx(0.15 / 2)


# --- Counters per list and section ------------------------------------------------------------


def test_list_tallies_count_solved_of_total_per_list_and_difficulty(alice, charlie):
    easy, easy_too = _problems(2, difficulty="easy")
    medium, hard = _problems(1, difficulty="medium") + _problems(1, difficulty="hard")
    mixed = _list(ROADMAP, [easy, easy_too, medium, hard])
    ListEntryFactory(problem_list=mixed, problem=ProblemFactory(), is_archived=True)
    small = _list(COMPANY, [medium])
    _solve(alice, easy, medium)
    _solve(alice, hard, status=Status.ATTEMPTED)
    _solve(charlie, easy_too)

    tallies = readiness.list_tallies(alice)

    assert (tallies[mixed.pk].solved, tallies[mixed.pk].total) == (2, 4)
    assert tallies[mixed.pk].by_difficulty == {"easy": [1, 2], "medium": [1, 1], "hard": [0, 1]}
    assert tallies[mixed.pk].difficulties() == [("Easy", 1, 2), ("Medium", 1, 1), ("Hard", 0, 1)]
    assert tallies[mixed.pk].percent == 50
    assert (tallies[small.pk].solved, tallies[small.pk].total) == (1, 1)
    only_small = readiness.list_tallies(alice, ProblemList.objects.filter(pk=small.pk))
    assert list(only_small) == [small.pk]


def test_section_tallies_count_each_section_and_leave_out_unsectioned_entries(alice):
    problem_list = _list(ROADMAP)
    arrays = ListSectionFactory(problem_list=problem_list, position=1)
    graphs = ListSectionFactory(problem_list=problem_list, position=2)
    gone = ListSectionFactory(problem_list=problem_list, position=3, is_archived=True)
    a1, a2, g1, loose, hidden = _problems(5)
    for position, (problem, section) in enumerate(
        [(a1, arrays), (a2, arrays), (g1, graphs), (loose, None), (hidden, gone)], 1
    ):
        ListEntryFactory(
            problem_list=problem_list, problem=problem, section=section, position=position
        )
    _solve(alice, a1, g1, loose, hidden)

    tallies = readiness.section_tallies(alice, problem_list)

    assert {pk: _part(t) for pk, t in tallies.items()} == {arrays.pk: (1, 2), graphs.pk: (1, 1)}


def test_an_empty_tally_is_0_percent():
    assert (readiness.Tally().percent, readiness.Tally().fraction) == (0, 0.0)


# --- Next up ----------------------------------------------------------------------------------


def _names(items: list[readiness.NextItem]) -> list[str]:
    return [item.chapter.name if item.chapter else item.entry.problem.title for item in items]


def test_next_up_offers_unfinished_chapters_first_in_study_path_order(alice, profile):
    second = LearnCardFactory(position=2)
    first = LearnCardFactory(position=1)
    LearnChapterFactory(card=second, name="B1", position=1)
    done = LearnChapterFactory(card=first, name="A1", position=1)
    LearnChapterFactory(card=first, name="A3", position=3)
    LearnChapterFactory(card=first, name="A2", position=2)
    ChapterDoneFactory(user=alice, chapter=done)
    _list(ROADMAP, [ProblemFactory(title="Roadmap problem")])

    items = readiness.next_up(alice, profile)

    assert _names(items) == ["A2", "A3", "B1", "Roadmap problem"]
    assert [item.kind for item in items] == ["chapter", "chapter", "chapter", "problem"]


def test_next_up_follows_the_roadmap_and_the_target_companys_lists_in_list_order(
    alice, acme, profile
):
    p1, p2, p3, p4, p5 = (ProblemFactory(title=f"P{n}") for n in range(1, 6))
    _list(COMPANY, [p4], company=CompanyFactory(), position=0)  # Another company's list.
    _list(ROADMAP, [p1, p2], position=1)
    _list(COMPANY, [p3, p1], company=acme, position=2)
    _list(DESIGN, [p5], company=acme, position=3)

    assert _names(readiness.next_up(alice, profile)) == ["P1", "P2", "P3", "P5"]
    assert _names(readiness.next_up(alice, profile, limit=2)) == ["P1", "P2"]


def test_next_up_drops_finished_problems_and_keeps_attempted_ones_with_their_status(alice, profile):
    solved, review, skipped, attempted, fresh = (ProblemFactory(title=t) for t in "SRKAF")
    _list(ROADMAP, [solved, review, skipped, attempted, fresh])
    _solve(alice, solved)
    _solve(alice, review, status=Status.NEEDS_REVIEW)
    _solve(alice, skipped, status=Status.SKIPPED)
    _solve(alice, attempted, status=Status.ATTEMPTED)

    items = readiness.next_up(alice, profile)

    assert [(item.entry.problem.title, item.status) for item in items] == [
        ("A", Status.ATTEMPTED),
        ("F", Status.NOT_STARTED),
    ]


# --- ML system design -------------------------------------------------------------------------


def test_ml_design_averages_each_stages_best_rating_out_of_5(alice, profile):
    best_of_two, done_unrated, studied, rated_not_done = DesignStageFactory.create_batch(4)
    StageWorkFactory(attempt=DesignAttemptFactory(user=alice), stage=best_of_two, rating=3)
    StageWorkFactory(attempt=DesignAttemptFactory(user=alice), stage=best_of_two, rating=5)
    StageWorkFactory(attempt__user=alice, stage=done_unrated, rating=None)
    StageStudiedFactory(user=alice, stage=studied)
    StageWorkFactory(attempt__user=alice, stage=rated_not_done, rating=4, is_done=False)

    result = readiness.readiness_for(alice, profile)

    # (5 + 1 + 1 + 4) / (5 x 4): a rating counts whether or not the stage was ticked done
    assert result.ml_design == pytest.approx(11 / 20)
    assert (result.stages_practised, result.stages_total) == (3, 4)


def test_a_studied_stage_practised_scores_its_rating_and_archived_stages_do_not_count(
    alice, charlie, profile
):
    stage = DesignStageFactory()
    StageStudiedFactory(user=alice, stage=stage)
    StageWorkFactory(attempt__user=alice, stage=stage, rating=3)
    StageWorkFactory(attempt__user=charlie, stage=stage, rating=5)
    StageWorkFactory(attempt__user=alice, stage=DesignStageFactory(is_archived=True), rating=5)

    result = readiness.readiness_for(alice, profile)

    assert result.ml_design == pytest.approx(3 / 5)
    assert (result.stages_practised, result.stages_total) == (1, 1)


# --- Behavioral -------------------------------------------------------------------------------


def test_behavioral_is_not_started_until_the_first_story(alice, profile):
    FocusAreaFactory.create_batch(2)
    assert readiness.readiness_for(alice, profile).behavioral is None

    StoryFactory(user=alice)  # Tagged with no area yet: started, but covering nothing.

    assert readiness.readiness_for(alice, profile).behavioral == 0.0


def test_a_rehearsed_story_covers_its_area_and_drafts_count_half(alice, charlie, profile):
    rehearsed, drafted, both, untouched = FocusAreaFactory.create_batch(4)
    archived = FocusAreaFactory(is_archived=True)
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[rehearsed, both, archived])
    StoryFactory(user=alice, state=Story.State.DRAFTED, focus_areas=[drafted, both])
    StoryFactory(user=charlie, state=Story.State.REHEARSED, focus_areas=[drafted, untouched])

    result = readiness.readiness_for(alice, profile)

    # (1 + 1/2 + 1 + 0) / 4
    assert result.behavioral == pytest.approx(2.5 / 4)
    assert (result.areas_covered, result.areas_total) == (2, 4)


# --- Rounds -----------------------------------------------------------------------------------


@pytest.fixture
def practised(alice, profile, acme_design) -> None:
    """Coding 45% (the one roadmap problem; Acme's design problem unsolved), ML design 60% (the
    one stage rated 3), behavioral 50% (one of two areas rehearsed)."""
    problem = ProblemFactory()
    _list(ROADMAP, [problem])
    _solve(alice, problem)
    StageWorkFactory(attempt__user=alice, stage=DesignStageFactory(), rating=3)
    covered, _ = FocusAreaFactory.create_batch(2)
    StoryFactory(user=alice, state=Story.State.REHEARSED, focus_areas=[covered])


def _rounds(result: readiness.Readiness) -> list[tuple[str, str, float | None]]:
    return [(r.name, r.kind, r.readiness) for r in result.rounds]


def test_an_e5_loop_has_a_coding_phone_screen_and_four_onsite_rounds(alice, profile, practised):
    result = readiness.readiness_for(alice, profile)

    assert _rounds(result) == [
        ("Phone screen", "phone", pytest.approx(0.45)),
        ("Onsite coding 1", "coding", pytest.approx(0.45)),
        ("Onsite coding 2", "coding", pytest.approx(0.45)),
        ("Onsite ML system design", "ml_design", pytest.approx(0.6)),
        ("Onsite behavioral", "behavioral", pytest.approx(0.5)),
    ]
    assert result.rounds[0].detail == "35 min coding"
    assert result.overall == 49  # (0.45 x 3 + 0.6 + 0.5) / 5


def test_an_e6_loop_has_two_ml_design_rounds_and_weighs_its_phone_screen_by_minutes(
    alice, practised
):
    result = readiness.readiness_for(alice, _at(alice, _level("E6", 2, E6_PHONE)))

    # (0.45 x 25 min coding + 0.5 x 15 min behavioral) / 40 min
    assert _rounds(result) == [
        ("Phone screen", "phone", pytest.approx(0.46875)),
        ("Onsite coding 1", "coding", pytest.approx(0.45)),
        ("Onsite coding 2", "coding", pytest.approx(0.45)),
        ("Onsite ML system design 1", "ml_design", pytest.approx(0.6)),
        ("Onsite ML system design 2", "ml_design", pytest.approx(0.6)),
        ("Onsite behavioral", "behavioral", pytest.approx(0.5)),
    ]
    assert result.rounds[0].detail == "25 min coding + 15 min behavioral"
    assert result.overall == 51  # (0.46875 + 0.45 x 2 + 0.6 x 2 + 0.5) / 6


@pytest.mark.usefixtures("acme_design")
def test_before_any_story_behavioral_rounds_are_not_started_and_weigh_0(alice, profile):
    problem = ProblemFactory()
    _list(ROADMAP, [problem])
    _solve(alice, problem)

    result = readiness.readiness_for(alice, _at(alice, _level("E6", 2, E6_PHONE)))

    assert result.rounds[0].readiness == pytest.approx(0.45 * 25 / 40)
    assert [(r.name, r.percent) for r in result.rounds if r.kind == "behavioral"] == [
        ("Onsite behavioral", None)
    ]
    assert result.overall == 20  # (0.28125 + 0.45 x 2 + 0 x 3) / 6


def test_archived_segments_and_untimed_ones_leave_the_phone_screen_to_coding(alice, practised):
    level = _level("E4", 1, [("introduction", 10), ("questions", 5)])
    PhoneScreenSegmentFactory(level=level, kind=BEHAVIORAL, minutes=15, is_archived=True)

    result = readiness.readiness_for(alice, _at(alice, level))

    assert result.rounds[0].readiness == pytest.approx(0.45)
    assert result.rounds[0].detail == ""


# --- Loops ------------------------------------------------------------------------------------


def _round_names(result: readiness.Readiness) -> list[str]:
    return [r.name for r in result.rounds]


def test_a_company_without_its_own_loop_prepares_for_metas_as_typical(alice, acme):
    # Meta's loop at this level: one coding round, two ML design rounds, no behavioral round.
    level = LevelFactory(name="L7", loop__rounds=(1, 2, 0))
    profile = ProfileFactory(user=alice, target_company=acme, target_level=level)

    result = readiness.readiness_for(alice, profile)

    assert result.loop.company.slug == "meta"
    assert result.loop.is_typical
    assert _round_names(result) == [
        "Phone screen",
        "Onsite coding",
        "Onsite ML system design 1",
        "Onsite ML system design 2",
    ]


def test_a_curated_company_loop_wins_over_metas(alice, acme, profile):
    LoopFactory(
        company=acme,
        level=profile.target_level,
        onsite_coding_rounds=3,
        onsite_ml_design_rounds=0,
        onsite_behavioral_rounds=2,
    )

    result = readiness.readiness_for(alice, profile)

    assert result.loop.company == acme
    assert not result.loop.is_typical
    assert _round_names(result) == [
        "Phone screen",
        "Onsite coding 1",
        "Onsite coding 2",
        "Onsite coding 3",
        "Onsite behavioral 1",
        "Onsite behavioral 2",
    ]


def test_an_archived_company_loop_leaves_metas_in_its_place(alice, acme, profile):
    LoopFactory(company=acme, level=profile.target_level, onsite_coding_rounds=5, is_archived=True)

    result = readiness.readiness_for(alice, profile)

    assert result.loop.is_typical
    assert len(result.rounds) == 5  # The phone screen and Meta's 2 + 1 + 1.


def test_without_any_loop_the_phone_screen_is_the_only_round(alice, practised):
    level = _level("L8", 1, E5_PHONE)
    Loop.objects.filter(level=level).delete()

    result = readiness.readiness_for(alice, _at(alice, level))

    assert result.loop is None
    assert _rounds(result) == [("Phone screen", "phone", pytest.approx(0.45))]
    assert result.overall == 45

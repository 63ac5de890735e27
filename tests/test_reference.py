"""The loaded catalogue matches the reference facts the product teaches (shared/CONTENT.md).

These read the catalogue the session loaded from fixtures/, so a fixture that drifts from the
reference data fails here, with the fact that drifted in the test's name.
"""

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from prep import companies
from prep.models import (
    CodingStep,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    Level,
    Loop,
    PracticePrompt,
    Problem,
    ProblemList,
)
from tests._requirements import skip_unless_required

pytestmark = pytest.mark.usefixtures("catalog")

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference"
REFERENCE_CSV = REFERENCE / "problems.csv"
NEETCODE_CSV = REFERENCE / "neetcode150.csv"
# Every LeetCode problem (slug, number, difficulty, title): for the problems of company lists,
# which came from the LeetCode index rather than from problems.csv.
LEETCODE_TSV = REFERENCE / "leetcode_all.tsv"
SNAPSHOT_DAY = date(2026, 7, 12)
COMPANIES = [
    "meta",
    "airbnb",
    "amazon",
    "apple",
    "bloomberg",
    "databricks",
    "doordash",
    "google",
    "linkedin",
    "microsoft",
    "netflix",
    "nvidia",
    "openai",
    "pinterest",
    "tiktok",
    "uber",
]
SIX_MONTH_PRIMARY = ["amazon", "apple", "bloomberg", "google", "meta", "microsoft", "uber"]


def _entries(slug: str):
    return ProblemList.objects.get(slug=slug).entries.active().select_related("problem")


def _difficulties(slug: str) -> dict[str, int]:
    counts = Counter(entry.problem.get_difficulty_display() for entry in _entries(slug))
    return dict(counts)


def test_the_catalogue_holds_731_problems():
    # 456 from the roadmaps and Meta's lists, 275 more from the sixteen companies' lists.
    assert Problem.objects.active().count() == 731


def test_neetcode_150_has_150_problems_in_18_sections():
    neetcode = ProblemList.objects.get(slug="neetcode-150")

    assert _entries("neetcode-150").count() == 150
    assert neetcode.sections.filter(is_archived=False).count() == 18
    assert not _entries("neetcode-150").filter(section__isnull=True).exists()


def test_neetcode_150_sections_hold_the_roadmap_counts_in_roadmap_order():
    neetcode = ProblemList.objects.get(slug="neetcode-150")
    counts = [
        (section.name, section.entries.active().count())
        for section in neetcode.sections.filter(is_archived=False).order_by("position")
    ]

    assert counts == [
        ("Arrays & Hashing", 9),
        ("Two Pointers", 5),
        ("Sliding Window", 6),
        ("Stack", 7),
        ("Binary Search", 7),
        ("Linked List", 11),
        ("Trees", 15),
        ("Tries", 3),
        ("Heap / Priority Queue", 7),
        ("Backtracking", 9),
        ("Graphs", 13),
        ("Advanced Graphs", 6),
        ("1-D Dynamic Programming", 12),
        ("2-D Dynamic Programming", 11),
        ("Greedy", 8),
        ("Intervals", 6),
        ("Math & Geometry", 8),
        ("Bit Manipulation", 7),
    ]


def test_neetcode_150_splits_28_easy_101_medium_21_hard():
    assert _difficulties("neetcode-150") == {"Easy": 28, "Medium": 101, "Hard": 21}


def test_blind_75_has_75_problems_19_easy_49_medium_7_hard():
    assert _entries("blind-75").count() == 75
    assert _difficulties("blind-75") == {"Easy": 19, "Medium": 49, "Hard": 7}


def test_every_blind_75_problem_is_also_in_neetcode_150():
    blind = {entry.problem.slug for entry in _entries("blind-75")}
    neetcode = {entry.problem.slug for entry in _entries("neetcode-150")}

    assert blind - neetcode == set()


def test_meta_six_month_list_has_100_problems_starting_with_two_sum():
    entries = list(_entries("meta-top-100-six-months").order_by("position"))

    assert len(entries) == 100
    assert entries[0].rank == 1
    assert entries[0].problem.slug == "two-sum"
    assert [e.rank for e in entries] == list(range(1, 101))


def test_meta_six_month_list_splits_32_easy_59_medium_9_hard():
    assert _difficulties("meta-top-100-six-months") == {"Easy": 32, "Medium": 59, "Hard": 9}


def test_meta_six_month_list_records_its_window_and_snapshot_date():
    meta = ProblemList.objects.get(slug="meta-top-100-six-months")

    assert meta.kind == ProblemList.Kind.COMPANY
    assert meta.company.slug == "meta"
    assert meta.window == ProblemList.Window.SIX_MONTHS
    assert "six months" in meta.time_window.lower()
    # The date lives on the list's snapshot, not on the list.
    assert meta.snapshots.newest_first().first().as_of == SNAPSHOT_DAY
    assert ProblemList.objects.with_as_of().get(pk=meta.pk).as_of == SNAPSHOT_DAY


def test_meta_all_time_list_has_100_problems():
    meta = ProblemList.objects.get(slug="meta-all-time")

    assert (meta.company.slug, meta.window) == ("meta", ProblemList.Window.ALL_TIME)
    assert _entries("meta-all-time").count() == 100


# --- Companies and their lists ----------------------------------------------------------------


def test_sixteen_companies():
    assert list(Company.objects.active().values_list("slug", flat=True)) == COMPANIES


def test_every_company_has_a_six_month_and_an_all_time_list_of_at_most_100_problems():
    lists = ProblemList.objects.company_lists().with_size()

    windows = sorted((pl.company.slug, pl.window) for pl in lists)
    assert windows == sorted(
        (company, window)
        for company in COMPANIES
        for window in [ProblemList.Window.SIX_MONTHS, ProblemList.Window.ALL_TIME]
    )
    assert len(windows) == 32
    assert all(0 < pl.size <= 100 for pl in lists), {pl.slug: pl.size for pl in lists}


def test_every_company_list_holds_one_snapshot_of_12_july_2026_and_its_problems():
    for problem_list in ProblemList.objects.company_lists():
        (snapshot,) = problem_list.snapshots.all()
        assert snapshot.as_of == SNAPSHOT_DAY, problem_list.slug
        in_snapshot = list(snapshot.entries.order_by("rank").values_list("problem__slug", "rank"))
        in_list = list(
            _entries(problem_list.slug).order_by("position").values_list("problem__slug", "rank")
        )
        assert in_list == in_snapshot, problem_list.slug


@pytest.mark.parametrize("company", COMPANIES)
def test_each_company_has_its_primary_list_and_says_why(company):
    found = companies.lists_of(Company.objects.get(slug=company))
    six = found.by_window(ProblemList.Window.SIX_MONTHS)

    if company in SIX_MONTH_PRIMARY:
        assert found.primary == six
        assert f"it holds {six.size} problems" in found.reason
    else:
        assert found.primary == found.by_window(ProblemList.Window.ALL_TIME)
        assert f"holds only {six.size} problems, fewer than 50" in found.reason


def test_primary_lists_are_six_month_for_seven_companies_and_all_time_for_nine():
    primaries = [c.primary.window for c in companies.company_lists().values()]

    assert primaries.count("six-months") == 7
    assert primaries.count("all-time") == 9


def test_meta_is_the_only_company_with_a_class_design_list():
    design = ProblemList.objects.active().filter(kind=ProblemList.Kind.DESIGN)

    assert [(pl.slug, pl.company.slug) for pl in design] == [("meta-design", "meta")]


def test_meta_design_list_has_59_problems_starting_with_lru_cache():
    entries = list(_entries("meta-design").order_by("position"))

    assert len(entries) == 59
    assert entries[0].problem.slug == "lru-cache"
    assert ProblemList.objects.get(slug="meta-design").kind == ProblemList.Kind.DESIGN


def test_learn_cards_come_in_the_study_order():
    assert [card.name for card in LearnCard.objects.active()] == [
        "Arrays 101",
        "Linked List",
        "Queue & Stack",
        "Array and String",
        "Binary Tree",
        "Binary Search",
        "Binary Search Tree",
        "Heap",
        "Graph",
        "Sorting",
        "Dynamic Programming",
    ]


def test_arrays_101_links_to_the_fun_with_arrays_card():
    card = LearnCard.objects.get(name="Arrays 101")

    assert card.url == "https://leetcode.com/explore/learn/card/fun-with-arrays/"


def test_there_are_seven_design_stages_from_clarifying_requirements_to_serving():
    stages = list(DesignStage.objects.active())

    assert len(stages) == 7
    assert stages[0].name == "Clarify requirements"
    assert stages[-1].name == "Serving"
    assert [s.position for s in stages] == sorted(s.position for s in stages)
    assert all(stage.checklist_items for stage in stages)


def test_design_stages_follow_the_guide_order():
    names = [stage.name.lower() for stage in DesignStage.objects.active()]
    keywords = ["clarify", "ml task", "label", "feature", "loss", "evaluation", "serving"]

    assert all(keyword in name for keyword, name in zip(keywords, names, strict=True)), names


def test_at_least_ten_practice_prompts_with_people_you_may_follow_first():
    prompts = list(PracticePrompt.objects.active())

    assert len(prompts) >= 10
    assert "people you may follow" in prompts[0].title.lower()


def test_levels_are_e4_e5_e6_and_say_what_they_mean():
    levels = [(level.slug, level.label) for level in Level.objects.active()]

    assert levels == [
        ("e4", "E4, mid-level engineer"),
        ("e5", "E5, senior engineer"),
        ("e6", "E6, staff engineer"),
    ]


def test_metas_three_loops_hold_their_onsite_rounds():
    rounds = [
        (
            loop.slug,
            loop.company.slug,
            loop.level.slug,
            loop.onsite_coding_rounds,
            loop.onsite_ml_design_rounds,
            loop.onsite_behavioral_rounds,
        )
        for loop in Loop.objects.active().order_by("level__position")
    ]

    assert rounds == [
        ("meta-e4", "meta", "e4", 2, 1, 1),
        ("meta-e5", "meta", "e5", 2, 1, 1),
        ("meta-e6", "meta", "e6", 2, 2, 1),
    ]


@pytest.mark.parametrize(
    ("slug", "agenda"),
    [
        ("e4", [("introduction", 5), ("coding", 35), ("questions", 5)]),
        ("e5", [("introduction", 5), ("coding", 35), ("questions", 5)]),
        ("e6", [("introduction", 2), ("coding", 25), ("behavioral", 15), ("questions", 3)]),
    ],
)
def test_phone_screen_agenda_per_level(slug, agenda):
    level = Level.objects.get(slug=slug)
    segments = level.phone_screen.filter(is_archived=False).order_by("position")

    assert [(s.kind, s.minutes) for s in segments] == agenda
    assert level.phone_screen_minutes == sum(minutes for _, minutes in agenda)


def test_only_e6_has_a_behavioral_phone_screen():
    assert [level.slug for level in Level.objects.all() if level.has_behavioral_phone_screen] == [
        "e6"
    ]


def test_five_coding_steps_with_their_minute_targets():
    steps = [(step.name, step.minutes) for step in CodingStep.objects.active()]

    assert steps == [("Clarify", 3), ("Plan", 5), ("Code", 5), ("Dry run", 2), ("Close", 2)]


def test_five_behavioral_focus_areas():
    assert [area.name for area in FocusArea.objects.active()] == [
        "Resolving Conflict",
        "Growing Continuously",
        "Embracing Ambiguity",
        "Driving Results",
        "Communicating Effectively",
    ]


@pytest.mark.parametrize(
    ("slug", "title", "difficulty", "is_premium"),
    [
        ("two-sum", "Two Sum", "easy", False),
        ("lru-cache", "LRU Cache", "medium", False),
        ("median-of-two-sorted-arrays", "Median of Two Sorted Arrays", "hard", False),
        (
            "minimum-remove-to-make-valid-parentheses",
            "Minimum Remove to Make Valid Parentheses",
            "medium",
            False,
        ),
        ("valid-word-abbreviation", "Valid Word Abbreviation", "easy", True),
        ("alien-dictionary", "Alien Dictionary", "hard", True),
        ("meeting-rooms-ii", "Meeting Rooms II", "medium", True),
        ("design-tic-tac-toe", "Design Tic-Tac-Toe", "medium", True),
        ("moving-average-from-data-stream", "Moving Average from Data Stream", "easy", True),
        ("insert-delete-getrandom-o1", "Insert Delete GetRandom O(1)", "medium", False),
        ("combination-sum", "Combination Sum", "medium", False),
    ],
)
def test_sample_problems_have_the_right_title_difficulty_and_premium_flag(
    slug, title, difficulty, is_premium
):
    problem = Problem.objects.get(slug=slug)

    assert (problem.title, problem.difficulty, problem.is_premium) == (
        title,
        difficulty,
        is_premium,
    )


def _read_rows(path: Path, **options) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file, **options))
    except OSError as error:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {path}: {error.strerror}")


def test_every_problem_matches_the_reference_csv():
    rows = _read_rows(REFERENCE_CSV)
    expected = {
        row["slug"]: (
            row["title"],
            row["difficulty"].lower(),
            row["premium"] == "true",
            int(row["leetcode_id"]),
        )
        for row in rows
    }
    loaded = {
        p.slug: (p.title, p.difficulty, p.is_premium, p.leetcode_id)
        for p in Problem.objects.active()
    }

    assert len(rows) == 456
    mismatches = {
        slug: (expected[slug], loaded.get(slug))
        for slug in expected
        if loaded.get(slug) != expected[slug]
    }
    assert mismatches == {}
    # The rest came with the companies' lists: LeetCode's index says what they are (it has no
    # premium flag to check).
    index = {
        row["slug"]: (row["title"], row["difficulty"].lower(), int(row["leetcode_id"]))
        for row in _read_rows(LEETCODE_TSV, delimiter="\t")
    }
    others = {slug: (t, d, n) for slug, (t, d, _, n) in loaded.items() if slug not in expected}
    assert len(others) == 275
    assert {
        slug: (index.get(slug), found) for slug, found in others.items() if index.get(slug) != found
    } == {}


def test_every_neetcode_150_problem_links_to_its_video_and_no_other_problem_has_one():
    rows = _read_rows(NEETCODE_CSV)
    expected = {row["slug"]: row["neetcode_video_id"] for row in rows}
    loaded = dict(
        Problem.objects.active()
        .exclude(neetcode_video_id="")
        .values_list("slug", "neetcode_video_id")
    )

    assert len(rows) == 150
    assert loaded == expected
    assert set(expected) == {entry.problem.slug for entry in _entries("neetcode-150")}


def test_two_sums_video_is_neetcodes():
    assert Problem.objects.get(slug="two-sum").video_url == (
        "https://www.youtube.com/watch?v=KLlXCFG5TnA"
    )

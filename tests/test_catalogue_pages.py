"""The catalogue pages a candidate reads: the study path, the problem lists, Learn cards, ML
design, behavioral and the loop per level."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prep.models import PhoneScreenSegment, ProblemList, Status
from tests.factories import (
    ChapterDoneFactory,
    DesignStageFactory,
    FocusAreaFactory,
    LearnCardFactory,
    LearnChapterFactory,
    ListEntryFactory,
    ListSectionFactory,
    MockRoundFactory,
    ProblemFactory,
    ProblemListFactory,
    ProblemProgressFactory,
    StageStudiedFactory,
    StoryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

# Queries the list page may make, however many problems the list holds, once its rows are built;
# building them (the entries, their topics, their other lists) is a few more, as many at any size.
QUERY_BUDGET = 14
ROW_BUILD_QUERIES = 3
# The study path: session and user, the profile, the lists with their sizes, the company's lists,
# the lists' tallies (2), design stages, focus areas, Learn progress (4), stages studied, focus
# areas with a story, mocks recorded, resources. Measured after one visit (what only changes
# with the catalogue is then kept: prep/fragments.py); the same at any amount of work.
STUDY_PATH_QUERIES = 15  # 17 before the catalogue cache

PAGES = [
    "/path/",
    "/lists/neetcode-150/",
    "/lists/blind-75/",
    "/lists/meta-top-100-six-months/",
    "/lists/meta-design/",
    "/learn/",
    "/ml-design/",
    "/behavioral/",
    "/loops/",
]


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, slug: str) -> str:
    """The table row of one problem on a list page."""
    match = re.search(rf'<tr id="problem-{re.escape(slug)}"[^>]*>.*?</tr>', page, re.S)
    assert match, f"no row for {slug}"
    return match.group(0)


def _section(page: str, element_id: str) -> str:
    """The <section> labelled by the heading with this id."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{re.escape(element_id)}"[^>]*>.*?</section>', page, re.S
    )
    assert match, f"no section labelled {element_id}"
    return match.group(0)


# --- Who may see the pages --------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_candidate_can_read_every_catalogue_page(alice_client, path):
    assert alice_client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_every_catalogue_page_has_the_site_layout(alice_client, path):
    page = _page(alice_client, path)

    assert page.count("<html") == 1
    assert re.search(r"<title>[^<]+ · MLE Prep</title>", page)
    assert '<nav class="nav" aria-label="Main">' in page
    assert len(page) < 500_000


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login_and_back(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(path)}"


@pytest.mark.parametrize("path", ["/", *PAGES])
def test_post_is_refused_with_405_even_when_anonymous(client, path):
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", ["/", *PAGES])
def test_post_is_refused_with_405_when_logged_in(alice_client, path):
    assert alice_client.post(path).status_code == 405


def test_unknown_list_is_404(alice_client):
    response = alice_client.get("/lists/no-such-list/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_archived_list_is_404(alice_client):
    ProblemList.objects.filter(slug="blind-75").update(is_archived=True)

    assert alice_client.get("/lists/blind-75/").status_code == 404


def test_anonymous_home_is_the_landing_page_inviting_sign_up(client):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<a [^>]*href="/accounts/signup/"[^>]*>Create a free account</a>', page)
    assert 'href="/accounts/login/"' in page


def test_logged_in_home_is_not_the_landing_page(alice_client):
    response = alice_client.get("/", follow=True)

    assert response.status_code == 200
    assert "Create a free account" not in response.content.decode()


# --- What each page shows ---------------------------------------------------------------------


def test_study_path_walks_from_learn_cards_through_every_list_to_behavioral(alice_client):
    page = _page(alice_client, "/path/")

    steps = re.findall(r'<li class="path-step">\s*<h2><a href="([^"]+)"', page)
    assert steps[0] == "/learn/"
    assert set(steps[1:5]) == {
        "/lists/neetcode-150/",
        "/lists/blind-75/",
        "/lists/meta-top-100-six-months/",
        "/lists/meta-design/",
    }
    assert steps[5:7] == ["/ml-design/", "/behavioral/"]
    assert "150 problems." in page
    assert "Last six months, snapshot of 12 July 2026." in page


def test_study_path_keeps_the_lists_in_curated_order(alice_client):
    warm_up = ProblemListFactory(position=0, name="Warm-up")
    ListEntryFactory(problem_list=warm_up)

    page = _page(alice_client, "/path/")

    steps = re.findall(r'<li class="path-step">\s*<h2><a href="/lists/([^/"]+)/"', page)
    assert steps == [
        warm_up.slug,
        "neetcode-150",
        "blind-75",
        "meta-top-100-six-months",
        "meta-design",
    ]


def _step(page: str, href: str) -> str:
    """The study path step whose heading links to `href`."""
    match = re.search(
        rf'<li class="path-step">\s*<h2><a href="{re.escape(href)}".*?</li>', page, re.S
    )
    assert match, f"no step for {href}"
    return match.group(0)


def _progress(step: str) -> tuple[str, str, str]:
    """(value, max, the text that names the bar) of a step's progress bar."""
    bar = re.search(
        r'<progress max="(\d+)" value="(\d+)" aria-labelledby="([^"]+)"></progress>', step
    )
    assert bar, "no progress bar"
    text = re.search(rf'<span id="{bar.group(3)}"[^>]*>([^<]+)</span>', step)
    assert text, "the bar's label is not in the step"
    return bar.group(2), bar.group(1), text.group(1)


def _path_progress(user, size: int) -> ProblemList:
    """Learn chapters, a roadmap, design stages and focus areas of `size` items each, and work
    on about half of each."""
    card = LearnCardFactory()
    roadmap = ProblemListFactory(position=0)
    areas = [FocusAreaFactory() for _ in range(size)]
    for n in range(size):
        chapter = LearnChapterFactory(card=card)
        problem = ProblemFactory()
        ListEntryFactory(problem_list=roadmap, problem=problem)
        stage = DesignStageFactory()
        if n % 2 == 0:
            ChapterDoneFactory(user=user, chapter=chapter)
            status = Status.NEEDS_REVIEW if n % 4 else Status.SOLVED
            ProblemProgressFactory(user=user, problem=problem, status=status)
            StageStudiedFactory(user=user, stage=stage)
            StoryFactory(user=user, focus_areas=[areas[n]])
            MockRoundFactory(user=user, is_recorded=True)
    return roadmap


@pytest.mark.usefixtures("bare_catalogue")
def test_study_path_shows_progress_on_each_step(alice_client, alice):
    roadmap = _path_progress(alice, 4)
    area = FocusAreaFactory()
    StoryFactory(user=alice, focus_areas=[area], result="")  # unfinished: not counted
    ProblemProgressFactory(
        user=alice, problem=roadmap.entries.last().problem, status=Status.ATTEMPTED
    )

    page = _page(alice_client, "/path/")

    assert _progress(_step(page, "/learn/")) == ("2", "4", "2 of 4 chapters done")
    # Needs review counts as solved, as on the list page; attempted does not.
    assert _progress(_step(page, roadmap.get_absolute_url())) == ("2", "4", "2 of 4 solved")
    assert _progress(_step(page, "/ml-design/")) == ("2", "4", "2 of 4 stages studied")
    behavioral = _progress(_step(page, "/behavioral/"))
    assert behavioral[:2] == ("2", "5")
    assert behavioral[2].startswith("2 of 5 focus areas")
    assert "2 mock phone screens recorded so far." in _step(page, "/loops/")


@pytest.mark.usefixtures("bare_catalogue")
def test_study_path_with_no_work_yet_says_zero(alice_client):
    roadmap = ProblemListFactory()
    ListEntryFactory(problem_list=roadmap)

    page = _page(alice_client, "/path/")

    assert _progress(_step(page, roadmap.get_absolute_url())) == ("0", "1", "0 of 1 solved")
    assert "No mock phone screens recorded yet." in _step(page, "/loops/")


@pytest.mark.usefixtures("bare_catalogue")
@pytest.mark.parametrize("size", [2, 40])
def test_study_path_makes_the_same_queries_however_much_work_there_is(alice_client, alice, size):
    _path_progress(alice, size)
    # Warm up the session, the user and what only changes with the catalogue.
    alice_client.get("/path/")

    with CaptureQueriesContext(connection) as queries:
        page = _page(alice_client, "/path/")

    assert f"{size // 2} of {size} solved" in page
    assert len(queries) == STUDY_PATH_QUERIES


def test_problem_page_links_to_neetcodes_video(alice_client):
    problem = ProblemFactory(title="Pair Sums", neetcode_video_id="abcDEF12_-9")

    page = _page(alice_client, problem.get_absolute_url())

    name = 'aria-label="NeetCode video: Pair Sums"'
    link = re.search(rf"<a [^>]*{name}[^>]*>NeetCode video</a>", page)
    assert link
    assert 'href="https://www.youtube.com/watch?v=abcDEF12_-9"' in link.group(0)
    assert 'rel="noopener"' in link.group(0)


def test_problem_page_without_a_video_has_no_video_link(alice_client):
    page = _page(alice_client, ProblemFactory().get_absolute_url())

    assert "NeetCode video" not in page


def test_neetcode_page_shows_the_18_category_headings_in_order(alice_client):
    page = _page(alice_client, "/lists/neetcode-150/")

    headings = re.findall(r'<h2 id="section-\d+">\s*([^<]+?)\s*<', page)
    assert headings == [
        "Arrays &amp; Hashing",
        "Two Pointers",
        "Sliding Window",
        "Stack",
        "Binary Search",
        "Linked List",
        "Trees",
        "Tries",
        "Heap / Priority Queue",
        "Backtracking",
        "Graphs",
        "Advanced Graphs",
        "1-D Dynamic Programming",
        "2-D Dynamic Programming",
        "Greedy",
        "Intervals",
        "Math &amp; Geometry",
        "Bit Manipulation",
    ]
    assert len(re.findall(r'<tr id="problem-', page)) == 150


def test_neetcode_page_links_two_sum_to_leetcode_in_a_new_tab(alice_client):
    row = _row(_page(alice_client, "/lists/neetcode-150/"), "two-sum")

    link = re.search(r'<a [^>]*href="https://leetcode.com/problems/two-sum/"[^>]*>', row)
    assert link, row
    assert 'target="_blank"' in link.group(0)
    assert 'rel="noopener' in link.group(0)
    assert ">Two Sum</a>" in row


def test_neetcode_page_marks_premium_problems(alice_client):
    page = _page(alice_client, "/lists/neetcode-150/")

    assert "Premium" in _row(page, "alien-dictionary")
    assert "Premium" not in _row(page, "two-sum")


def test_neetcode_page_shows_topic_tags_and_difficulty(alice_client):
    row = _row(_page(alice_client, "/lists/neetcode-150/"), "two-sum")

    assert '<span class="tag">Array</span>' in row
    assert '<span class="tag">Hash Table</span>' in row
    assert "Easy" in row


def test_neetcode_page_badges_problems_that_are_also_in_blind_75(alice_client):
    page = _page(alice_client, "/lists/neetcode-150/")

    also_in = re.compile(r'<a [^>]*href="/lists/blind-75/"[^>]*>Blind 75</a>')
    assert also_in.search(_row(page, "two-sum"))
    # Valid Sudoku is in NeetCode 150 but not in the Blind 75.
    assert not also_in.search(_row(page, "valid-sudoku"))


def test_blind_75_page_shows_75_problems_each_also_in_neetcode_150(alice_client):
    page = _page(alice_client, "/lists/blind-75/")

    rows = re.findall(r'<tr id="problem-.*?</tr>', page, re.S)
    assert len(rows) == 75
    assert all('href="/lists/neetcode-150/"' in row for row in rows)


def test_meta_page_shows_the_window_and_snapshot_date(alice_client):
    page = _page(alice_client, "/lists/meta-top-100-six-months/")

    assert "Last six months" in page
    assert "12 July 2026" in page
    assert len(re.findall(r'<tr id="problem-', page)) == 100
    # Ranked most frequent first.
    assert page.find('id="problem-two-sum"') < page.find('id="problem-valid-word-abbreviation"')


def test_meta_design_page_lists_59_problems_from_lru_cache(alice_client):
    page = _page(alice_client, "/lists/meta-design/")

    slugs = re.findall(r'<tr id="problem-([^"]+)"', page)
    assert len(slugs) == 59
    assert slugs[0] == "lru-cache"


def test_list_page_hides_archived_entries_and_archived_problems(alice_client):
    problem_list = ProblemListFactory()
    shown = ListEntryFactory(problem_list=problem_list)
    archived_entry = ListEntryFactory(problem_list=problem_list, is_archived=True)
    archived_problem = ListEntryFactory(
        problem_list=problem_list, problem=ProblemFactory(is_archived=True)
    )

    page = _page(alice_client, problem_list.get_absolute_url())

    assert f'id="problem-{shown.problem.slug}"' in page
    assert f'id="problem-{archived_entry.problem.slug}"' not in page
    assert f'id="problem-{archived_problem.problem.slug}"' not in page


LEARN_CARDS = [
    "Arrays 101",
    "Linked List",
    "Queue &amp; Stack",
    "Array and String",
    "Binary Tree",
    "Binary Search",
    "Binary Search Tree",
    "Heap",
    "Graph",
    "Sorting",
    "Dynamic Programming",
]


def _card_names(page: str) -> list[str]:
    return re.findall(r"<h2>\s*<a [^>]*>\s*([^<]+?)\s*</a>", page)


def test_learn_page_lists_the_11_cards_with_their_links(alice_client):
    page = _page(alice_client, "/learn/")

    assert sorted(_card_names(page)) == sorted(LEARN_CARDS)
    assert 'href="https://leetcode.com/explore/learn/card/fun-with-arrays/"' in page
    assert 'href="https://leetcode.com/explore/learn/card/fun-with-arrays/521/introduction/"' in (
        page
    )


def test_learn_page_keeps_the_cards_in_study_order(alice_client):
    LearnCardFactory(position=0, name="Big-O basics")

    names = _card_names(_page(alice_client, "/learn/"))

    assert names == ["Big-O basics", *LEARN_CARDS]


def test_ml_design_page_shows_the_seven_stages_and_the_prompts(alice_client):
    page = _page(alice_client, "/ml-design/")

    stages = re.findall(r'<li class="card stage" id="stage-([^"]+)"', page)
    assert len(stages) == 7
    assert stages[0] == "clarify-requirements"
    assert stages[-1] == "serving"
    assert "Design a People You May Follow recommender" in page
    assert page.find("Clarify requirements") < page.find("Serving")


def test_behavioral_page_shows_the_five_focus_areas_with_scope_per_level(alice_client):
    page = _page(alice_client, "/behavioral/")

    for area in [
        "Resolving Conflict",
        "Growing Continuously",
        "Embracing Ambiguity",
        "Driving Results",
        "Communicating Effectively",
    ]:
        assert area in page
    conflict = _section(page, "area-resolving-conflict")
    for level in ("E4", "E5", "E6"):
        assert f"<dt>{level}</dt>" in conflict


@pytest.mark.parametrize(
    ("level", "agenda", "design_rounds"),
    [
        ("e4", ["5 min", "35 min", "5 min"], "1 ML system design round<"),
        ("e5", ["5 min", "35 min", "5 min"], "1 ML system design round<"),
        ("e6", ["2 min", "25 min", "15 min", "3 min"], "2 ML system design rounds"),
    ],
)
def test_loops_page_shows_each_levels_phone_screen_and_onsite(
    alice_client, level, agenda, design_rounds
):
    card = _section(_page(alice_client, "/loops/"), f"level-{level}")

    assert re.findall(r'<span class="minutes">([^<]+)</span>', card) == agenda
    assert "Phone screen, 45 minutes" in card
    assert "2 coding rounds" in card
    assert design_rounds in card
    assert "1 behavioral round<" in card


def test_loops_page_leaves_out_an_archived_phone_screen_segment(alice_client):
    PhoneScreenSegment.objects.filter(level__slug="e6", kind="behavioral").update(is_archived=True)

    card = _section(_page(alice_client, "/loops/"), "level-e6")

    assert "15 min" not in card
    assert "Phone screen, 30 minutes" in card


def test_loops_page_shows_the_five_coding_steps(alice_client):
    page = _page(alice_client, "/loops/")

    steps = re.findall(r"<strong>([^<]+)</strong> <span class=\"muted\">about (\d+) min", page)
    assert steps == [
        ("Clarify", "3"),
        ("Plan", "5"),
        ("Code", "5"),
        ("Dry run", "2"),
        ("Close", "2"),
    ]


# --- Query budget -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
def test_list_page_makes_the_same_few_queries_at_any_size(
    alice_client, django_assert_max_num_queries, size
):
    problem_list = ProblemListFactory()
    other_list = ProblemListFactory()
    sections = [ListSectionFactory(problem_list=problem_list) for _ in range(3)]
    topics = [TopicFactory() for _ in range(3)]
    for n in range(size):
        problem = ProblemFactory(is_premium=n % 7 == 0)
        problem.topics.set(topics[: 1 + n % 3])
        ListEntryFactory(problem_list=problem_list, problem=problem, section=sections[n % 3])
        if n % 2:
            ListEntryFactory(problem_list=other_list, problem=problem)
    alice_client.get("/learn/")  # Warm up the session and the user outside the budget.
    # The first visit builds the rows for the catalogue's version; they cost as much at any size.
    with django_assert_max_num_queries(QUERY_BUDGET + ROW_BUILD_QUERIES):
        alice_client.get(problem_list.get_absolute_url())

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = alice_client.get(problem_list.get_absolute_url())

    assert response.status_code == 200
    assert len(re.findall(r'<tr id="problem-', response.content.decode())) == size

    # Sorted, filtered and with the tags hidden, it costs the same.
    params = {"sort": "title", "premium": "free", "hide_topics": "on", "status": "solved"}
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = alice_client.get(problem_list.get_absolute_url(), params)

    assert response.status_code == 200
    assert "Showing 0 of" in response.content.decode()

"""Query budgets: a page or a tick costs the same number of queries at any catalogue size.

Each test builds a list of 50 problems or of 2,000 (with sections, topics, a second list
holding half of them, and progress, notes and history on most), on top of the real catalogue,
and holds the endpoint to one budget for both sizes. A query per row would blow the budget
at 2,000 long before anyone notices it at 50.

The company tests do the same with the number of companies: 16 (as shipped) or 200, each asking
a few problems of a NeetCode-150-like list over six months and all time, so a row's "Asked at"
chips, the filter's companies and the Companies page grow with them.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from prep.models import (
    SOLVED_STATUSES,
    Activity,
    ChapterDone,
    Company,
    LearnChapter,
    ListEntry,
    ListSection,
    ListSnapshot,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Review,
    ReviewCard,
    SnapshotEntry,
    Status,
    Topic,
)

# What a page works out from the candidate's rows is kept until they change (the dashboard's
# figures, the plan); the budgets here are for working it out, on a visit after a change.
# tests/test_user_fragments.py holds the budgets of the kept pages.
pytestmark = pytest.mark.usefixtures("catalog", "user_pages_built")

SIZES = [pytest.param(50, id="50-problems"), pytest.param(2_000, id="2000-problems")]
SECTIONS = 5
LIST_URL = reverse("prep:list-detail", args=["budget-list"])

# Measured with CaptureQueriesContext on SQLite and PostgreSQL; the same at both sizes. Raise one
# only with a reason, never to make room for a query per row.
#
# Each is measured with the page visited once before: what changes only with the catalogue
# (a list's rows and filters, list and section totals, Learn cards, stages, focus areas, the
# loop, a company's lists) is then read from memory under the catalogue's version, which is
# itself one query a request (prep/fragments.py). A first visit after a catalogue change costs
# a fixed few more, at any size (ROW_BUILD_QUERIES for a list page).
DASHBOARD_QUERIES = 20  # 30 before the catalogue's parts were kept
DASHBOARD_WITH_PROBLEMS_NEXT_QUERIES = 22  # 33 before
LIST_PAGE_QUERIES = 8  # 15 before
ROW_BUILD_QUERIES = 6
# A tick to Solved also makes the problem a review card with a Good review (the profile's time
# zone, insert or get the card locked, today's review, the review, the card's new date, the
# activity log) and the row then offers "How did it go?" with the next review date; the status
# change itself is logged as activity. Every write to a candidate's rows gives them a new data
# version (prep/models/owned.py): one more query for the tick's writes together.
STATUS_TICK_QUERIES = 27  # 29 before the catalogue cache, 26 before the data version
# Ticking a chapter done is logged as activity, for the heatmap; each of the two writes gives a
# new data version (outside a transaction, so no BEGIN and COMMIT to save one of them).
CHAPTER_TICK_QUERIES = 11  # 9 before the data version
# A tick from the dashboard re-renders its panels (readiness, bars, next up, activity): about
# the dashboard's own cost plus the write.
# The data version's two writes, and one read of it before the panels are kept.
CHAPTER_TICK_FROM_DASHBOARD_QUERIES = 26  # 33 before the catalogue cache, 23 before the version
# Sorting by a company's frequency reads that company and its primary list.
SORTED_LIST_PAGE_QUERIES = LIST_PAGE_QUERIES + 2
# A company list's page adds its snapshots (the current one's size, the problems dropped since
# the previous one).
COMPANY_LIST_PAGE_QUERIES = 10  # 18 before
COMPANIES_PAGE_QUERIES = 7
# Today builds the plan from what is left (Learn chapters and cards, problems, stages, prompts,
# focus areas, stories, recent mocks), the reviews due and ahead, today's work and the week's
# work per round, and the heatmap. The plan page is the same work, shown by week. The review
# cards are read once as plain rows, for the new work, the reviews due and ahead and today's
# work done, and only today's few cards whole.
TODAY_QUERIES = 18  # 24 before the cards, the activity and the progress were read once each
PLAN_PAGE_QUERIES = TODAY_QUERIES

# A problem's page: the session and user, the problem (visible to the candidate) with its
# topics, their progress row, its status history, its review card and that card's reviews,
# their mock attempts at it, and the catalogue version; the lists holding it, and its place in
# each, are kept with the catalogue. Whether its reviews are paused comes from the progress row.
PROBLEM_PAGE_QUERIES = 10  # 11 before: the lists, with a count per place, and "paused" asked

COMPANY_COUNTS = [pytest.param(16, id="16-companies"), pytest.param(200, id="200-companies")]
ROADMAP_SIZE = 150
JULY, APRIL = datetime.date(2026, 7, 12), datetime.date(2026, 4, 1)

PROGRESS_CYCLE = [Status.SOLVED, Status.ATTEMPTED, Status.NEEDS_REVIEW, Status.SKIPPED, None]
DIFFICULTIES = [Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM, Problem.Difficulty.HARD]


def _htmx(page: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _build_catalogue(size: int, user) -> list[Problem]:
    """A roadmap list of `size` problems in five sections, and the user's work on most of them."""
    budget = ProblemList.objects.create(
        slug="budget-list",
        name="Budget list",
        short_name="Budget",
        kind=ProblemList.Kind.ROADMAP,
        position=50,
    )
    other = ProblemList.objects.create(
        slug="budget-company",
        name="Budget company list",
        short_name="Budget company",
        kind=ProblemList.Kind.COMPANY,
        company=Company.objects.get(slug="meta"),
        position=51,
    )
    sections = ListSection.objects.bulk_create(
        ListSection(problem_list=budget, slug=f"part-{n}", name=f"Part {n}", position=n)
        for n in range(SECTIONS)
    )
    topics = Topic.objects.bulk_create(
        Topic(slug=f"budget-topic-{n}", name=f"Budget topic {n}") for n in range(4)
    )
    problems = Problem.objects.bulk_create(
        Problem(
            leetcode_id=900_000 + n,
            slug=f"budget-problem-{n}",
            title=f"Budget problem {n}",
            difficulty=DIFFICULTIES[n % 3],
        )
        for n in range(size)
    )
    Tagging = Problem.topics.through
    Tagging.objects.bulk_create(
        Tagging(problem_id=p.pk, topic_id=topics[(n + k) % 4].pk)
        for n, p in enumerate(problems)
        for k in range(2)
    )
    ListEntry.objects.bulk_create(
        ListEntry(
            problem_list=budget,
            problem=p,
            section=sections[n * SECTIONS // size],
            position=n + 1,
        )
        for n, p in enumerate(problems)
    )
    ListEntry.objects.bulk_create(
        ListEntry(problem_list=other, problem=p, position=n + 1, rank=n + 1, frequency=50)
        for n, p in enumerate(problems[::2])
    )
    mine = [(p, PROGRESS_CYCLE[n % 5]) for n, p in enumerate(problems)]
    ProblemProgress.objects.bulk_create(
        ProblemProgress(user=user, problem=p, status=status, notes="Tried a heap." * (n % 2))
        for n, (p, status) in enumerate(mine)
        if status
    )
    ProblemEvent.objects.bulk_create(
        ProblemEvent(user=user, problem=p, old_status=Status.NOT_STARTED, status=status)
        for p, status in mine
        if status
    )
    return problems


def _solved(size: int) -> int:
    return sum(PROGRESS_CYCLE[n % 5] in (Status.SOLVED, Status.NEEDS_REVIEW) for n in range(size))


def _history(user, problems: list[Problem]) -> None:
    """Review cards with a year of reviews for the problems solved, and two years of activity."""
    today = datetime.date.today()
    solved = ProblemProgress.objects.filter(user=user, status__in=SOLVED_STATUSES)
    cards = ReviewCard.objects.bulk_create(
        ReviewCard(user=user, problem_id=pk, due_on=today - datetime.timedelta(days=n % 9))
        for n, pk in enumerate(solved.values_list("problem_id", flat=True))
    )
    Review.objects.bulk_create(
        Review(
            card=card,
            rating=1 + k % 4,
            reviewed_on=today - datetime.timedelta(days=30 * k + 1),
            due_on=today,
        )
        for card in cards
        for k in range(3)
    )
    now = timezone.now()
    Activity.objects.bulk_create(
        Activity(user=user, item=f"problem:{p.pk}", at=now - datetime.timedelta(hours=11 * n))
        for n, p in enumerate(problems * 2)
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", ["prep:home", "prep:plan"])
def test_today_and_plan_budget(
    alice_client, alice, alice_e5, size, url, django_assert_max_num_queries
):
    problems = _build_catalogue(size, alice)
    _history(alice, problems)
    alice_client.get(reverse(url))  # What only changes with the catalogue is then built.

    with django_assert_max_num_queries(TODAY_QUERIES if url == "prep:home" else PLAN_PAGE_QUERIES):
        response = alice_client.get(reverse(url))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Budget problem" in html  # the catalogue's problems are planned, whatever its size
    if url == "prep:home":
        assert "more reviews are due" in html  # hundreds due, spread over the coming days


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_budget(alice_client, alice, alice_e5, size, django_assert_max_num_queries):
    _build_catalogue(size, alice)
    alice_client.get(reverse("prep:dashboard"))

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(reverse("prep:dashboard"))

    assert response.status_code == 200
    assert f"Budget list: {_solved(size)} of {size} solved" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_budget_once_next_up_lists_problems(
    alice_client, alice, alice_e5, size, django_assert_max_num_queries
):
    _build_catalogue(size, alice)
    ChapterDone.objects.bulk_create(
        ChapterDone(user=alice, chapter=chapter) for chapter in LearnChapter.objects.all()
    )
    alice_client.get(reverse("prep:dashboard"))

    with django_assert_max_num_queries(DASHBOARD_WITH_PROBLEMS_NEXT_QUERIES):
        response = alice_client.get(reverse("prep:dashboard"))

    assert response.status_code == 200
    assert (
        'for="status-contains-duplicate">Status of Contains Duplicate<' in response.content.decode()
    )


@pytest.mark.parametrize("size", SIZES)
def test_problem_page_budget(alice_client, alice, size, django_assert_max_num_queries):
    problems = _build_catalogue(size, alice)
    _history(alice, problems)
    solved = ProblemProgress.objects.filter(user=alice, status=Status.SOLVED).first().problem
    page = reverse("prep:problem-detail", args=[solved.slug])
    alice_client.get(page)

    with django_assert_max_num_queries(PROBLEM_PAGE_QUERIES):
        response = alice_client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    # The lists holding it, its place on the ranked one: kept with the catalogue.
    assert ">Budget company #1</a>" in html
    assert 'aria-label="Review history"' in html


@pytest.mark.parametrize("size", SIZES)
def test_list_page_budget(alice_client, alice, size, django_assert_max_num_queries):
    _build_catalogue(size, alice)
    with django_assert_max_num_queries(LIST_PAGE_QUERIES + ROW_BUILD_QUERIES):
        first = alice_client.get(LIST_URL)

    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        response = alice_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    # Rows built and rows from memory read the same, token for token.
    assert _without_tokens(html) == _without_tokens(first.content.decode())
    assert html.count('<tr id="problem-') == size
    assert f"<strong>{_solved(size)} of {size} solved</strong>" in html
    assert html.count(">Budget company</a>") == size // 2


@pytest.mark.parametrize("size", SIZES)
def test_filtered_list_page_budget(
    alice_client, alice, alice_e5, size, django_assert_max_num_queries
):
    # "Not in list" offers the target company's lists: alice aims at Meta.
    _build_catalogue(size, alice)
    params = {"status": "solved", "topic": "budget-topic-1", "not_in": "budget-company"}
    alice_client.get(LIST_URL)

    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        response = alice_client.get(
            LIST_URL, params, **_htmx(LIST_URL) | {"HTTP_HX_TARGET": "list-body"}
        )

    assert response.status_code == 200
    assert '<tr id="problem-' in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_status_tick_budget(alice_client, alice, size, django_assert_max_num_queries):
    problems = _build_catalogue(size, alice)
    # The last problem has no progress yet (the cycle ends with None): a first tick, the costliest.
    data = {"problem": problems[-1].slug, "status": "solved", "list": "budget-list"}
    alice_client.get(LIST_URL)

    with django_assert_max_num_queries(STATUS_TICK_QUERIES):
        response = alice_client.post(reverse("prep:problem-status"), data, **_htmx(LIST_URL))

    assert response.status_code == 200
    assert f"{_solved(size) + 1} of {size} solved" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_chapter_tick_budget(alice_client, alice, size, django_assert_max_num_queries):
    _build_catalogue(size, alice)
    chapter = LearnChapter.objects.order_by("card__position", "position").first()
    data = {"chapter": chapter.pk, "done": "1"}
    alice_client.get(reverse("prep:learn-cards"))

    with django_assert_max_num_queries(CHAPTER_TICK_QUERIES):
        response = alice_client.post(
            reverse("prep:chapter-done"), data, **_htmx(reverse("prep:learn-cards"))
        )

    assert response.status_code == 200
    assert "1 of 6 chapters" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_chapter_tick_from_the_dashboard_budget(
    alice_client, alice, alice_e5, size, django_assert_max_num_queries
):
    _build_catalogue(size, alice)
    chapter = LearnChapter.objects.order_by("card__position", "position").first()
    data = {"chapter": chapter.pk, "done": "1"}
    alice_client.get(reverse("prep:dashboard"))

    with django_assert_max_num_queries(CHAPTER_TICK_FROM_DASHBOARD_QUERIES):
        response = alice_client.post(reverse("prep:chapter-done"), data, **_htmx("/dashboard/"))

    assert response.status_code == 200
    assert 'id="readiness"' in response.content.decode()


# --- Many companies ---------------------------------------------------------------------------


def _build_companies(count: int, problems: list[Problem]) -> list[Company]:
    """`count` companies, Meta (as shipped, the candidate's target) and `count - 1` made here,
    the others shipped archived. Each made one asks 3 of `problems` over six months and 5 all
    time, from a snapshot of 12 July; the first one's six-month list also has an older snapshot
    of April, with one problem that has dropped out since."""
    shipped = Company.objects.exclude(slug="meta")
    ProblemList.objects.filter(company__in=shipped).update(is_archived=True)
    shipped.update(is_archived=True)
    companies = Company.objects.bulk_create(
        Company(slug=f"budget-co-{k}", name=f"Budget Co {k}", position=100 + k)
        for k in range(count - 1)
    )
    windows = [(ProblemList.Window.SIX_MONTHS, 3), (ProblemList.Window.ALL_TIME, 5)]
    lists = ProblemList.objects.bulk_create(
        ProblemList(
            slug=f"{company.slug}-{window}",
            name=f"{company.name}: top 100, {ProblemList.Window(window).label}",
            short_name=f"{company.name} {window}",
            kind=ProblemList.Kind.COMPANY,
            company=company,
            window=window,
            position=200 + k,
        )
        for k, company in enumerate(companies)
        for window, _ in windows
    )
    asked = {
        problem_list.pk: [problems[(7 * k + 3 * j) % len(problems)] for j in range(n)]
        for k, (problem_list, (_, n)) in enumerate(
            zip(lists, windows * len(companies), strict=True)
        )
    }
    ListEntry.objects.bulk_create(
        ListEntry(problem_list_id=pk, problem=problem, position=rank, rank=rank, frequency=100)
        for pk, picked in asked.items()
        for rank, problem in enumerate(picked, 1)
    )
    snapshots = ListSnapshot.objects.bulk_create(
        ListSnapshot(problem_list=problem_list, as_of=JULY, source_name="Budget files")
        for problem_list in lists
    )
    april = ListSnapshot.objects.create(problem_list=lists[0], as_of=APRIL)
    dropped = problems[-1]
    SnapshotEntry.objects.bulk_create(
        [
            *(
                SnapshotEntry(snapshot=snapshot, problem=problem, rank=rank, frequency=100)
                for snapshot in snapshots
                for rank, problem in enumerate(asked[snapshot.problem_list_id], 1)
            ),
            # April: the first problem of July and one that has gone since, so July's others
            # are new and the page lists one dropped problem.
            SnapshotEntry(snapshot=april, problem=asked[lists[0].pk][0], rank=1, frequency=100),
            SnapshotEntry(snapshot=april, problem=dropped, rank=2, frequency=50),
        ]
    )
    return companies


@pytest.fixture
def companies(request, alice, alice_e5) -> list[Company]:
    """A NeetCode-150-like roadmap (budget-list) and `request.param` companies asking its
    problems; alice aims at Meta and has worked on most of them."""
    problems = _build_catalogue(ROADMAP_SIZE, alice)
    return _build_companies(request.param, problems)


def _without_tokens(html: str) -> str:
    # CSRF tokens are masked afresh for every page.
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", html)


def _chips(html: str) -> int:
    return html.count('class="company-chip"')


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_a_roadmap_page_costs_the_same_however_many_companies_ask_its_problems(
    alice_client, companies, django_assert_max_num_queries
):
    alice_client.get(LIST_URL)

    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        response = alice_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="problem-') == ROADMAP_SIZE
    # One chip per problem a made company asks: 3 + 5 of them, all different.
    assert _chips(html) == 8 * len(companies)
    assert len(re.findall(r'<option value="budget-co-\d+">', html)) == len(companies)


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_a_filtered_and_sorted_roadmap_page_costs_the_same_however_many_companies(
    alice_client, companies, django_assert_max_num_queries
):
    params = {"company": companies[0].slug, "sort": "frequency"}
    alice_client.get(LIST_URL, params)

    with django_assert_max_num_queries(SORTED_LIST_PAGE_QUERIES):
        response = alice_client.get(LIST_URL, params)

    assert response.status_code == 200
    assert response.content.decode().count('<tr id="problem-') == 8  # 3 + 5, none shared


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_a_company_list_page_costs_the_same_however_many_companies(
    alice_client, companies, django_assert_max_num_queries
):
    six_months = ProblemList.objects.get(slug=f"{companies[0].slug}-six-months")
    alice_client.get(six_months.get_absolute_url())

    with django_assert_max_num_queries(COMPANY_LIST_PAGE_QUERIES):
        response = alice_client.get(six_months.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="problem-') == 3
    assert html.count('class="badge badge-new"') == 2
    assert "1 problem dropped out since the snapshot of 1 April 2026" in html
    assert "2 snapshots of this list" in html


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_the_dashboard_costs_the_same_however_many_companies(
    alice_client, companies, django_assert_max_num_queries
):
    alice_client.get(reverse("prep:dashboard"))

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(reverse("prep:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Budget list: {_solved(ROADMAP_SIZE)} of {ROADMAP_SIZE} solved" in html
    assert "Budget Co" not in html  # Only the target company's lists.


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_a_status_tick_costs_the_same_however_many_companies(
    alice_client, companies, django_assert_max_num_queries
):
    # No progress on it yet (a first tick, the costliest), and asked at one company of 16, at
    # several of 200: the row it re-renders carries their chips.
    data = {"problem": "budget-problem-9", "status": "solved", "list": "budget-list"}
    alice_client.get(LIST_URL)

    with django_assert_max_num_queries(STATUS_TICK_QUERIES):
        response = alice_client.post(reverse("prep:problem-status"), data, **_htmx(LIST_URL))

    assert response.status_code == 200
    assert f"{_solved(ROADMAP_SIZE) + 1} of {ROADMAP_SIZE} solved" in response.content.decode()


@pytest.mark.parametrize("companies", COMPANY_COUNTS, indirect=True)
def test_the_companies_page_costs_the_same_however_many_companies(
    alice_client, companies, django_assert_max_num_queries
):
    alice_client.get(reverse("prep:companies"))

    with django_assert_max_num_queries(COMPANIES_PAGE_QUERIES):
        response = alice_client.get(reverse("prep:companies"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="company-') == len(companies) + 1  # and Meta, the target
    assert html.index('id="company-meta"') < html.index(f'id="company-{companies[0].slug}"')

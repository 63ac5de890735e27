"""A list page: its rows with the candidate's status, its counters, and its filters."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models.functions import Lower
from django.urls import reverse

from prep.fragments import catalogue_change
from prep.models import ListEntry, ProblemList, ProblemProgress, Status
from tests.factories import (
    CompanyFactory,
    ListEntryFactory,
    ListSectionFactory,
    ProblemFactory,
    ProblemListFactory,
    ProblemProgressFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

NEETCODE = reverse("prep:list-detail", args=["neetcode-150"])
STATUS_URL = reverse("prep:problem-status")
COMPANY, DESIGN = ProblemList.Kind.COMPANY, ProblemList.Kind.DESIGN
SIX_MONTHS, ALL_TIME = ProblemList.Window.SIX_MONTHS, ProblemList.Window.ALL_TIME


def _htmx(page: str = NEETCODE, target: str | None = None) -> dict:
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


def _rows(html: str) -> list[str]:
    """Problem slugs of the rows shown, in page order."""
    return re.findall(r'<tr id="problem-([\w-]+)"', html)


def _row(html: str, slug: str) -> str:
    return re.search(rf'<tr id="problem-{slug}".*?</tr>', html, re.S).group(0)


def _selected_status(html: str, slug: str) -> str:
    select = re.search(rf'<select id="status-{slug}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def _entries(slug: str = "neetcode-150"):
    return ListEntry.objects.active().filter(problem_list__slug=slug)


def _get(client, slug: str = "neetcode-150", **params):
    return client.get(reverse("prep:list-detail", args=[slug]), params)


def _solve(user, *slugs: str, status: str = Status.SOLVED) -> None:
    from prep.models import Problem

    for problem in Problem.objects.filter(slug__in=slugs):
        ProblemProgressFactory(user=user, problem=problem, status=status)


# --- The page ---------------------------------------------------------------------------------


def test_list_page_shows_every_active_problem_with_its_status_control(alice_client):
    response = _get(alice_client)

    assert response.status_code == 200
    html = response.content.decode()
    assert len(_rows(html)) == 150
    assert '<label class="visually-hidden" for="status-two-sum">Status of Two Sum</label>' in html
    assert _selected_status(html, "two-sum") == "not_started"


def test_list_page_shows_the_users_status(alice_client, alice):
    _solve(alice, "two-sum")
    _solve(alice, "valid-anagram", status=Status.NEEDS_REVIEW)

    html = _get(alice_client).content.decode()

    assert _selected_status(html, "two-sum") == "solved"
    assert _selected_status(html, "valid-anagram") == "needs_review"
    assert _selected_status(html, "contains-duplicate") == "not_started"


def test_counter_goes_from_0_to_1_of_150_solved_after_a_tick(alice_client):
    assert "<strong>0 of 150 solved</strong>" in _get(alice_client).content.decode()

    alice_client.post(STATUS_URL, {"problem": "two-sum", "status": "solved", "list": "blind-75"})

    assert "<strong>1 of 150 solved</strong>" in _get(alice_client).content.decode()
    assert "<strong>1 of 75 solved</strong>" in _get(alice_client, "blind-75").content.decode()


def test_needs_review_counts_as_solved_and_attempted_does_not(alice_client, alice):
    _solve(alice, "two-sum", status=Status.NEEDS_REVIEW)
    _solve(alice, "valid-anagram", status=Status.ATTEMPTED)

    assert "<strong>1 of 150 solved</strong>" in _get(alice_client).content.decode()


def test_counters_per_difficulty(alice_client, alice):
    totals = {
        label: _entries().filter(problem__difficulty=value).count()
        for value, label in [("easy", "Easy"), ("medium", "Medium"), ("hard", "Hard")]
    }
    _solve(alice, "two-sum", "valid-anagram", "group-anagrams")  # easy, easy, medium

    html = _get(alice_client).content.decode()

    counters = re.search(r'<ul class="counter-difficulties">.*?</ul>', html, re.S).group(0)
    assert f"Easy</span> 2 of {totals['Easy']}<" in counters
    assert f"Medium</span> 1 of {totals['Medium']}<" in counters
    assert f"Hard</span> 0 of {totals['Hard']}<" in counters
    assert sum(totals.values()) == 150


def test_section_headings_carry_their_own_counters(alice_client, alice):
    _solve(alice, "two-sum")

    html = _get(alice_client).content.decode()

    assert re.search(r"Arrays &amp; Hashing\s*<span [^>]*>1 of 9 solved</span>", html)
    assert re.search(r"Sliding Window\s*<span [^>]*>0 of 6 solved</span>", html)


def test_archived_entry_is_not_shown_nor_counted(alice_client):
    # A bulk update, as the admin's Archive action makes: it says the catalogue changed.
    with catalogue_change():
        ListEntry.objects.filter(problem_list__slug="neetcode-150", problem__slug="two-sum").update(
            is_archived=True
        )

    html = _get(alice_client).content.decode()

    assert "two-sum" not in _rows(html)
    assert "<strong>0 of 149 solved</strong>" in html
    # Still on Blind 75, where its entry is active.
    assert "two-sum" in _rows(_get(alice_client, "blind-75").content.decode())


def _lists_holding(problem, *lists: dict) -> list[ProblemList]:
    """One list per dict of fields, in that order along the study path, each holding `problem`."""
    made = []
    for position, fields in enumerate(lists, 1):
        problem_list = ProblemListFactory(position=position, **fields)
        ListEntryFactory(problem_list=problem_list, problem=problem, position=1)
        made.append(problem_list)
    return made


def _badges(row: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="badge" href="([^"]+)">([^<]+)</a>', row)


def _chips(row: str) -> list[tuple[str, str, str]]:
    """(link, company, window) of each "Asked at" chip."""
    return re.findall(
        r'<a class="company-chip" href="([^"]+)"[^>]*>([^<]+) <span class="muted">([^<]+)</span>',
        row,
    )


def test_badges_name_the_other_roadmaps_and_design_lists_holding_the_problem(alice_client):
    problem, acme = ProblemFactory(), CompanyFactory(name="Acme")
    here, other, design, _ = _lists_holding(
        problem,
        {"short_name": "Here"},
        {"short_name": "Other roadmap"},
        {"short_name": "Acme design", "kind": DESIGN, "company": acme},
        {"short_name": "Acme 6 mo", "kind": COMPANY, "company": acme, "window": SIX_MONTHS},
    )

    row = _row(_get(alice_client, here.slug).content.decode(), problem.slug)

    # Company lists are not badges: they are the "Asked at" chips.
    assert _badges(row) == [
        (other.get_absolute_url(), "Other roadmap"),
        (design.get_absolute_url(), "Acme design"),
    ]


def test_companies_asking_the_problem_are_chips_one_per_company_at_its_shortest_window(
    alice_client,
):
    problem = ProblemFactory()
    acme, zeta = CompanyFactory(name="Acme"), CompanyFactory(name="Zeta")
    here, acme_all, acme_six, zeta_all = _lists_holding(
        problem,
        {"short_name": "Here"},
        {"kind": COMPANY, "company": acme, "window": ALL_TIME},
        {"kind": COMPANY, "company": acme, "window": SIX_MONTHS},
        {"kind": COMPANY, "company": zeta, "window": ALL_TIME},
    )

    row = _row(_get(alice_client, here.slug).content.decode(), problem.slug)

    assert "Asked at" in row
    assert _chips(row) == [
        (acme_six.get_absolute_url(), "Acme", "6 mo"),
        (zeta_all.get_absolute_url(), "Zeta", "all time"),
    ]
    # On Acme's own list, Acme is left out, whichever of its windows holds the problem.
    row = _row(_get(alice_client, acme_all.slug).content.decode(), problem.slug)
    assert _chips(row) == [(zeta_all.get_absolute_url(), "Zeta", "all time")]


def test_past_four_companies_the_chips_fold_away(alice_client):
    problem = ProblemFactory()
    here, *_ = _lists_holding(
        problem,
        {"short_name": "Here"},
        *[{"kind": COMPANY, "company": CompanyFactory(), "window": ALL_TIME} for _ in range(6)],
    )

    row = _row(_get(alice_client, here.slug).content.decode(), problem.slug)

    assert len(_chips(row)) == 6
    folded = re.search(r'<details class="more-companies">(.*?)</details>', row, re.S).group(1)
    assert "<summary>2 more companies</summary>" in folded
    assert len(_chips(folded)) == 2


def test_notes_link_says_notes_when_the_user_has_notes(alice_client, alice):
    from prep.models import Problem

    ProblemProgressFactory(user=alice, problem=Problem.objects.get(slug="two-sum"), notes="Hash.")

    html = _get(alice_client).content.decode()

    assert re.search(r'class="notes-link has-notes"[^>]*>Notes</a>', _row(html, "two-sum"))
    assert re.search(r'class="notes-link"[^>]*>Add notes</a>', _row(html, "valid-anagram"))


def test_a_strangers_page_shows_none_of_alices_work(alice, charlie, client):
    from prep.models import Problem

    ProblemProgressFactory(
        user=alice, problem=Problem.objects.get(slug="two-sum"), status="solved", notes="Mine."
    )
    client.force_login(charlie)

    html = _get(client).content.decode()

    assert _selected_status(html, "two-sum") == "not_started"
    assert "<strong>0 of 150 solved</strong>" in html
    assert ">Notes</a>" not in html
    assert not _get(client, status="solved").content.decode().count('<tr id="problem-')


# --- Filters ----------------------------------------------------------------------------------


def test_filter_controls_have_labels(alice_client):
    html = _get(alice_client).content.decode()

    for name, label in [
        ("q", "Search titles"),
        ("status", "Status"),
        ("difficulty", "Difficulty"),
        ("section", "Section"),
        ("topic", "Topic"),
        ("not_in", "Not in list"),
    ]:
        assert f'<label for="id_{name}">{label}</label>' in html
        assert re.search(rf'<(input|select)[^>]*name="{name}"[^>]*id="id_{name}"', html), name


def test_filter_by_status_shows_only_those(alice_client, alice):
    _solve(alice, "two-sum", "valid-anagram")
    _solve(alice, "group-anagrams", status=Status.ATTEMPTED)

    html = _get(alice_client, status="solved").content.decode()

    assert sorted(_rows(html)) == ["two-sum", "valid-anagram"]
    assert _selected_status(html, "two-sum") == "solved"


def test_filter_by_not_started_includes_problems_without_a_record(alice_client, alice):
    _solve(alice, "two-sum")

    rows = _rows(_get(alice_client, status="not_started").content.decode())

    assert len(rows) == 149
    assert "two-sum" not in rows


def test_filter_by_difficulty(alice_client):
    rows = _rows(_get(alice_client, difficulty="hard").content.decode())

    expected = _entries().filter(problem__difficulty="hard").values_list("problem__slug", flat=True)
    assert sorted(rows) == sorted(expected)
    assert rows


def test_filter_by_section(alice_client):
    rows = _rows(_get(alice_client, section="sliding-window").content.decode())

    assert rows == list(
        _entries()
        .filter(section__slug="sliding-window")
        .order_by("position")
        .values_list("problem__slug", flat=True)
    )
    assert "longest-substring-without-repeating-characters" in rows
    assert len(rows) == 6


def test_filter_by_topic(alice_client):
    rows = _rows(_get(alice_client, topic="hash-table").content.decode())

    expected = _entries().filter(problem__topics__slug="hash-table")
    assert sorted(rows) == sorted(expected.values_list("problem__slug", flat=True))
    assert "two-sum" in rows
    assert len(rows) == len(set(rows))


def test_search_is_case_insensitive(alice_client):
    rows = _rows(_get(alice_client, q="SUM").content.decode())

    expected = _entries().filter(problem__title__icontains="sum")
    assert sorted(rows) == sorted(expected.values_list("problem__slug", flat=True))
    assert {"two-sum", "3sum"} <= set(rows)


def test_not_in_blind_75_leaves_the_other_75(alice_client):
    rows = _rows(_get(alice_client, not_in="blind-75").content.decode())

    assert len(rows) == 75
    assert "two-sum" not in rows


def test_not_in_ignores_an_archived_membership(alice_client):
    ListEntry.objects.filter(problem_list__slug="blind-75", problem__slug="two-sum").update(
        is_archived=True
    )

    rows = _rows(_get(alice_client, not_in="blind-75").content.decode())

    assert "two-sum" in rows
    assert len(rows) == 76


def test_filters_combine(alice_client, alice):
    _solve(alice, "two-sum", "3sum")

    rows = _rows(_get(alice_client, q="sum", status="solved", difficulty="medium").content.decode())

    assert rows == ["3sum"]


def test_filters_with_no_match_say_so(alice_client):
    html = _get(alice_client, q="no problem is called this").content.decode()

    assert _rows(html) == []
    assert "No problems match these filters." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "bogus"}, "Status: Select a valid choice. bogus is not one of"),
        ({"difficulty": "extreme"}, "Difficulty: Select a valid choice. extreme is not one of"),
        ({"section": "nope"}, "Section: Select a valid choice. nope is not one of"),
        ({"topic": "nope"}, "Topic: Select a valid choice. nope is not one of"),
        ({"not_in": "neetcode-150"}, "Not in list: Select a valid choice."),
        ({"q": "x" * 101}, "Search titles: Ensure this value has at most 100 characters"),
        ({"premium": "maybe"}, "Premium: Select a valid choice. maybe is not one of"),
        ({"sort": "random"}, "Order: Select a valid choice. random is not one of"),
    ],
    ids=[
        "status",
        "difficulty",
        "section",
        "topic",
        "not-in-itself",
        "q-too-long",
        "premium",
        "sort",
    ],
)
def test_invalid_filter_answers_400_with_a_readable_message(alice_client, params, message):
    response = _get(alice_client, **params)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters were not understood" in html
    assert message in html
    assert _rows(html) == []


def test_invalid_filter_page_still_shows_the_lists_counter(alice_client):
    html = _get(alice_client, status="bogus").content.decode()

    assert "<strong>0 of 150 solved</strong>" in html


def test_invalid_filter_status_line_says_nothing_is_shown(alice_client):
    html = _get(alice_client, premium="maybe").content.decode()

    assert "No problems are shown until the filters are fixed." in _status_line(html)


# --- What "solved" means ----------------------------------------------------------------------


def test_the_solved_filter_keeps_needs_review_as_the_counter_does(alice_client, alice):
    _solve(alice, "two-sum")
    _solve(alice, "valid-anagram", status=Status.NEEDS_REVIEW)
    _solve(alice, "group-anagrams", status=Status.ATTEMPTED)

    html = _get(alice_client, status="solved").content.decode()

    assert sorted(_rows(html)) == ["two-sum", "valid-anagram"]
    assert "<strong>2 of 150 solved</strong>" in html
    assert "Showing 2 of 150 problems." in _status_line(html)


def test_the_needs_review_filter_keeps_only_those(alice_client, alice):
    _solve(alice, "two-sum")
    _solve(alice, "valid-anagram", status=Status.NEEDS_REVIEW)

    rows = _rows(_get(alice_client, status="needs_review").content.decode())

    assert rows == ["valid-anagram"]


def test_the_page_says_what_counts_as_solved(alice_client):
    html = _get(alice_client).content.decode()

    assert "Solved here means marked Solved or Needs review" in html
    assert '<option value="solved">Solved or needs review</option>' in html


# --- Order ------------------------------------------------------------------------------------


def _headings(html: str) -> list[str]:
    """The section headings a sighted reader sees, in page order."""
    return re.findall(r'<h2 id="section-\d+">([^<]+?)\s*<span', html)


def test_sort_by_title_runs_a_to_z_across_the_sections(alice_client):
    html = _get(alice_client, sort="title").content.decode()

    expected = _entries().order_by(Lower("problem__title"), "position")
    assert _rows(html) == list(expected.values_list("problem__slug", flat=True))
    assert _headings(html) == []
    assert '<option value="title" selected>' in html


def test_sort_by_difficulty_puts_easy_first_then_keeps_list_order(alice_client):
    html = _get(alice_client, sort="difficulty").content.decode()

    rows = _rows(html)
    by_slug = dict(_entries().values_list("problem__slug", "problem__difficulty"))
    position = dict(_entries().values_list("problem__slug", "position"))
    rank = {"easy": 0, "medium": 1, "hard": 2}
    assert rows == sorted(rows, key=lambda slug: (rank[by_slug[slug]], position[slug]))
    assert [by_slug[rows[0]], by_slug[rows[-1]]] == ["easy", "hard"]
    assert _headings(html) == []


def test_list_order_keeps_the_sections(alice_client):
    html = _get(alice_client).content.decode()

    assert _headings(html)[:2] == ["Arrays &amp; Hashing", "Two Pointers"]


def _sectioned_roadmap_and_company(frequencies: list[int]):
    """A roadmap of two sections holding one problem per frequency (half in each section), and
    a company list asking all of them at those frequencies."""
    roadmap = ProblemListFactory()
    sections = [ListSectionFactory(problem_list=roadmap, position=n) for n in (1, 2)]
    company = CompanyFactory(name="Initech", slug="initech")
    asked = ProblemListFactory(kind=COMPANY, company=company, window=SIX_MONTHS)
    problems = []
    for n, frequency in enumerate(frequencies):
        problem = ProblemFactory()
        section = sections[n * 2 // len(frequencies)]
        ListEntryFactory(problem_list=roadmap, problem=problem, section=section, position=n + 1)
        ListEntryFactory(problem_list=asked, problem=problem, frequency=frequency, position=n + 1)
        problems.append(problem)
    return roadmap, problems


def test_sort_by_a_companys_frequency_runs_across_the_sections(alice_client):
    roadmap, p = _sectioned_roadmap_and_company([50, 70, 90, 60])

    html = _get(alice_client, roadmap.slug, sort="frequency", company="initech").content.decode()

    assert _rows(html) == [p[2].slug, p[1].slug, p[3].slug, p[0].slug]
    assert _headings(html) == []
    assert "Most frequent first at Initech" in html


def test_sort_by_frequency_with_no_company_to_sort_by_keeps_the_list_and_says_so(alice_client):
    roadmap, p = _sectioned_roadmap_and_company([50, 70, 90, 60])

    html = _get(alice_client, roadmap.slug, sort="frequency").content.decode()

    assert _rows(html) == [problem.slug for problem in p]
    assert len(_headings(html)) == 2
    assert "There is no company list to sort by" in html


# --- Premium and topic tags -------------------------------------------------------------------


def test_premium_filter_keeps_free_or_premium_problems(alice_client):
    premium = set(
        _entries().filter(problem__is_premium=True).values_list("problem__slug", flat=True)
    )
    assert premium  # the roadmap has some, or this test proves nothing

    free_rows = _rows(_get(alice_client, premium="free").content.decode())
    premium_rows = _rows(_get(alice_client, premium="premium").content.decode())

    assert set(premium_rows) == premium
    assert not set(free_rows) & premium
    assert len(free_rows) + len(premium_rows) == 150


def test_hide_topic_tags_hides_the_topics_column_and_stays_ticked(alice_client):
    html = _get(alice_client, hide_topics="on").content.decode()

    assert '<div id="list-body" class="hide-topics">' in html
    assert re.search(r'<input type="checkbox" name="hide_topics"[^>]*checked', html)
    # The column and its chips are in the markup (a tick re-renders a row) but hidden by CSS.
    assert '<th scope="col" class="topics">Topics</th>' in html


def test_topic_tags_show_unless_hidden(alice_client):
    html = _get(alice_client).content.decode()

    assert '<div id="list-body">' in html
    assert not re.search(r'<input type="checkbox" name="hide_topics"[^>]*checked', html)


def test_a_shared_url_restores_every_control(alice_client):
    params = {"sort": "difficulty", "premium": "free", "hide_topics": "on", "q": "sum"}

    html = _get(alice_client, **params).content.decode()

    assert '<option value="difficulty" selected>' in html
    assert '<option value="free" selected>' in html
    assert re.search(r'<input type="text" name="q" value="sum"', html)
    assert re.search(r'<input type="checkbox" name="hide_topics"[^>]*checked', html)


# --- The status line and the video link ------------------------------------------------------


def _status_line(html: str) -> str:
    return re.search(r'<p id="list-status"[^>]*>.*?</p>', html, re.S).group(0)


def test_the_status_line_says_how_many_problems_the_filters_keep(alice_client):
    html = _get(alice_client, difficulty="hard").content.decode()

    line = _status_line(html)
    assert 'role="status"' in line
    assert 'aria-live="polite"' in line
    assert f"Showing {len(_rows(html))} of 150 problems." in line
    assert "Showing 150 of 150 problems." in _status_line(_get(alice_client).content.decode())


def test_a_row_links_to_neetcodes_video_naming_the_problem(alice_client):
    roadmap = ProblemListFactory()
    with_video = ProblemFactory(title="Pair Sums", neetcode_video_id="abcDEF12_-9")
    without = ProblemFactory()
    ListEntryFactory(problem_list=roadmap, problem=with_video)
    ListEntryFactory(problem_list=roadmap, problem=without)

    html = _get(alice_client, roadmap.slug).content.decode()

    link = re.search(r'<a class="video-link"[^>]*>Video</a>', _row(html, with_video.slug)).group(0)
    assert 'href="https://www.youtube.com/watch?v=abcDEF12_-9"' in link
    assert 'aria-label="NeetCode video: Pair Sums"' in link
    assert 'rel="noopener"' in link
    assert "video-link" not in _row(html, without.slug)


# --- htmx -------------------------------------------------------------------------------------


def test_htmx_filter_request_returns_only_the_list_body(alice_client):
    response = alice_client.get(NEETCODE, {"difficulty": "hard"}, **_htmx(target="list-body"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-body">')
    assert "<html" not in html
    assert "<nav" not in html
    assert 'id="list-counters"' not in html
    assert len(_rows(html)) == _entries().filter(problem__difficulty="hard").count()
    assert "HX-Request" in response["Vary"]


def test_htmx_filter_request_updates_the_status_line_in_place(alice_client):
    response = alice_client.get(NEETCODE, {"difficulty": "hard"}, **_htmx(target="list-body"))

    html = response.content.decode()
    shown = _entries().filter(problem__difficulty="hard").count()
    line = _status_line(html)
    # Swapped inside the live region already on the page, so screen readers announce it.
    assert 'hx-swap-oob="innerHTML"' in line
    assert f"Showing {shown} of 150 problems." in line


def test_the_filter_form_pushes_each_filtered_url_into_the_history(alice_client):
    html = _get(alice_client).content.decode()

    form = re.search(r"<form[^>]*data-list-filters[^>]*>", html).group(0)
    assert 'hx-push-url="true"' in form
    assert 'hx-target="#list-body"' in form
    assert 'hx-swap="outerHTML"' in form
    assert 'method="get"' in form


def test_htmx_filter_request_with_an_invalid_value_returns_only_the_list_body(alice_client):
    response = alice_client.get(NEETCODE, {"status": "bogus"}, **_htmx(target="list-body"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Status: Select a valid choice." in html
    assert "<html" not in html
    assert "<nav" not in html


def test_htmx_request_for_another_target_gets_the_whole_page(alice_client):
    response = alice_client.get(NEETCODE, **_htmx(target="main"))

    assert "<html" in response.content.decode()


# --- Access -----------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(NEETCODE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={NEETCODE}"


def test_anonymous_htmx_request_gets_a_full_page_redirect_to_log_in(client):
    page = NEETCODE + "?difficulty=hard"

    response = client.get(NEETCODE, {"difficulty": "easy"}, **_htmx(page, target="list-body"))

    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [page]
    assert b"password" not in response.content


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_get_405_even_when_anonymous(client, alice_client, method):
    assert getattr(alice_client, method)(NEETCODE).status_code == 405
    alice_client.logout()
    assert getattr(client, method)(NEETCODE).status_code == 405


def test_unknown_list_is_404(alice_client):
    assert _get(alice_client, "no-such-list").status_code == 404


def test_archived_list_is_404(alice_client):
    ProblemList.objects.filter(slug="blind-75").update(is_archived=True)

    assert _get(alice_client, "blind-75").status_code == 404


def test_viewing_a_list_writes_nothing(alice_client):
    _get(alice_client)
    _get(alice_client, status="solved")

    assert ProblemProgress.objects.count() == 0

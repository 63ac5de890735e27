"""What the pages keep of a candidate's rows is never stale: every write shows at once on every
page that keeps something of it (prep/fragments.py `cached_for_user`): the candidate's dashboard
and Today, and the mentor's dashboard.

Each test opens the pages first, so what they work out is kept, checks what they show, makes the
change the way the candidate (or an admin) does, through the real view and with htmx where the
page uses it, and opens the pages again. `pages.assert_as_built_afresh()` then checks that what
was found kept is exactly what building the pages again from nothing gives.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from html import escape, unescape

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prep import fragments, portability
from prep.models import (
    BreadthQuestion,
    Company,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnChapter,
    Level,
    MockRound,
    PracticePrompt,
    Problem,
    ProblemProgress,
    Profile,
    ReviewCard,
    ShareLink,
    Status,
    Story,
)
from prep.models.owned import UserData
from tests.factories import (
    ChapterDoneFactory,
    DesignAttemptFactory,
    LearnCardFactory,
    ProblemEventFactory,
    ProblemProgressFactory,
    ProfileFactory,
    ShareLinkFactory,
    StageStudiedFactory,
    StageWorkFactory,
    StoryFactory,
)
from tests.test_fragments import admin_rename
from tests.test_stories import _form as _story_form

pytestmark = pytest.mark.usefixtures("catalog")

DASHBOARD = reverse("prep:dashboard")
TODAY = reverse("prep:home")
STATUS_URL = reverse("prep:problem-status")
RATE_URL = reverse("prep:review-rate")
NEETCODE = "neetcode-150"
PROMPT = "people-you-may-follow"
CONFLICT, RESULTS = "resolving-conflict", "driving-results"

# A second visit finds the figures kept, with or without progress: measured on SQLite. The
# candidate's dashboard and Today read the session, the user, the profile and the catalogue
# version (the level's phone screen, a fifth, is kept with the catalogue since the profile
# stopped prefetching it). The mentor's reads the link instead of the session and the
# user, counts the visit against the link's rate limit (two statements, prep/ratecount.py;
# twelve in Django's database cache before) and counts the visit on the link; the stories and
# design notes its link shows are kept too (four queries more before).
CANDIDATE_KEPT_QUERIES = 4
MENTOR_KEPT_QUERIES = 6


def _htmx(page: str) -> dict:
    """The headers htmx sends with a post from `page`."""
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def _without_csrf(html: str) -> str:
    """A page less its CSRF tokens, which Django masks afresh on every response."""
    return re.sub(r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+', r"\1", html)


@dataclass
class Seen:
    """The three pages as one visit found them."""

    dashboard: str
    today: str
    mentor: str

    def comparable(self) -> tuple[str, str, str]:
        return tuple(_without_csrf(page) for page in (self.dashboard, self.today, self.mentor))


@dataclass
class Pages:
    """alice's pages: her dashboard and Today, and her mentor's dashboard through her link."""

    client: Client
    link: ShareLink
    mentor_client: Client

    def dashboard(self) -> str:
        return _get(self.client, DASHBOARD)

    def today(self) -> str:
        return _get(self.client, TODAY)

    def mentor(self) -> str:
        return _get(self.mentor_client, reverse("prep:share-dashboard", args=[self.link.token]))

    def visit(self) -> Seen:
        return Seen(self.dashboard(), self.today(), self.mentor())

    def assert_as_built_afresh(self) -> None:
        """What a visit finds kept is what the pages show once nothing is kept."""
        kept = self.visit()
        fragments._user_fragments.clear()
        assert self.visit().comparable() == kept.comparable()


@pytest.fixture
def link(alice, alice_e5) -> ShareLink:
    """A link that shows everything, so the mentor's page keeps stories and design notes too."""
    return ShareLinkFactory(user=alice, shows_stories=True, shows_design_notes=True)


@pytest.fixture
def pages(alice_client, link) -> Pages:
    return Pages(alice_client, link, Client())


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


# --- What the pages show --------------------------------------------------------------------------


def _text(html: str) -> str:
    """The words a reader sees, without tags, one space apart (none before punctuation)."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([:;,.)])", r"\1", words)


def _section(html: str, title_id: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', html, re.S)
    assert found, f"no section {title_id}"
    return found.group(0)


def _solved(html: str, list_name: str = "NeetCode 150") -> int:
    """Problems solved on a list, by its bar on the dashboard (the candidate's or the mentor's)."""
    found = re.search(rf'aria-label="{re.escape(escape(list_name))}: (\d+) of \d+ solved"', html)
    assert found, f"no bar for {list_name}"
    return int(found.group(1))


def _readiness(html: str, part: str) -> str:
    """A round type's readiness ("3%", "Not started"): part is coding, ml-design or behavioral."""
    return re.search(rf'<dd id="{part}-readiness">([^<]+)</dd>', html).group(1)


def _activity(html: str) -> str:
    return _text(_section(html, "activity-title"))


def _plan(html: str) -> list[str]:
    """The titles of Today's plan."""
    section = _section(html, "plan-today-title")
    return re.findall(
        r'<span class="item-title">\s*(?:<a [^>]*>)?([^<]+?)\s*(?:</a>|<span)', section
    )


def _reviews(html: str) -> list[str]:
    section = _section(html, "reviews-title")
    return re.findall(r'<span class="item-title"><a href="[^"]+">([^<]+)</a>', section)


def _done_today(html: str) -> str:
    return _text(_section(html, "done-title"))


def _needed(html: str) -> int:
    """Minutes of everything left on the plan, as the pace line says ("needs about 1 h 20 min")."""
    said = re.search(r"What is left needs about ([^;]+);", _text(html))
    assert said, "the pace line says nothing of what is left"
    hours = re.search(r"(\d+) h", said.group(1))
    minutes = re.search(r"(\d+) min", said.group(1))
    return int(hours.group(1) if hours else 0) * 60 + int(minutes.group(1) if minutes else 0)


def _today_cell(html: str) -> str:
    """Today's cell of the activity heatmap: "No items on 2 Dec", "1 item on 2 Dec"."""
    return re.search(r'<td class="heat-\d is-today" title="([^"]+)"', html).group(1)


def _recent_mocks(html: str) -> str:
    found = re.search(r'<ul class="activity mock-history">.*?</ul>', html, re.S)
    return _text(found.group(0)) if found else ""


def _stories_shown(html: str) -> str:
    """The mentor's section of the candidate's stories, as text."""
    return _text(_section(html, "stories-title"))


def _design_notes_shown(html: str) -> str:
    """The mentor's section of the candidate's design write-ups, as text."""
    return _text(_section(html, "design-title"))


def _first_planned_problem(html: str) -> Problem:
    slug = re.search(r'name="problem" value="([^"]+)"', _section(html, "plan-today-title"))
    return Problem.objects.get(slug=slug.group(1))


def _day(profile: Profile) -> str:
    """A day as the heatmap's cells name it: "2 Dec"."""
    day = profile.today()
    return f"{day.day} {day:%b}"


# --- Problems: a status tick, notes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        pytest.param({"list": NEETCODE}, {}, id="plain-form-on-the-list"),
        pytest.param({"list": NEETCODE}, _htmx(f"/lists/{NEETCODE}/"), id="htmx-on-the-list"),
        pytest.param({}, _htmx(DASHBOARD), id="htmx-on-the-dashboard"),
        pytest.param({}, _htmx("/problems/two-sum/"), id="htmx-on-the-problem-page"),
    ],
)
def test_a_status_tick_shows_on_every_page_at_once(pages, alice_e5, data, headers):
    before = pages.visit()
    assert _solved(before.dashboard) == _solved(before.mentor) == 0
    assert "Nothing yet." in _activity(before.dashboard)
    assert "Nothing yet." in _done_today(before.today)
    assert _today_cell(before.today) == f"No items on {_day(alice_e5)}"

    # A plain form's redirect is followed, as the browser does.
    response = pages.client.post(
        STATUS_URL, {"problem": "two-sum", "status": "solved", **data}, follow=True, **headers
    )

    assert response.status_code == 200
    after = pages.visit()
    assert _solved(after.dashboard) == _solved(after.mentor) == 1
    assert 'id="solved-count">1 of 150</strong>' in after.mentor
    assert "Two Sum: solved" in _activity(after.dashboard)
    assert "Two Sum: solved" in _activity(after.mentor)
    assert "How did Two Sum go?" in _done_today(after.today)
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


def test_a_status_tick_on_today_takes_the_problem_off_its_plan_everywhere(pages):
    before = pages.visit()
    problem = _first_planned_problem(before.today)
    assert problem.title in _plan(before.today)
    solved = _solved(before.dashboard)

    response = pages.client.post(
        STATUS_URL, {"problem": problem.slug, "status": "solved"}, **_htmx(TODAY)
    )

    # The tick answers with Today's panels, built after the write.
    assert response.status_code == 200
    assert problem.title not in _plan(response.content.decode())
    after = pages.visit()
    assert problem.title not in _plan(after.today)
    assert f"How did {problem.title} go?" in _done_today(after.today)
    assert _solved(after.dashboard) == _solved(after.mentor) == solved + 1
    assert f"{problem.title}: solved" in _activity(after.dashboard)
    assert f"{problem.title}: solved" in _activity(after.mentor)
    pages.assert_as_built_afresh()


def test_notes_saved_on_the_problem_page_count_as_work_done_today(pages, alice_e5):
    before = pages.visit()
    assert "Nothing yet." in _done_today(before.today)
    assert _today_cell(before.mentor) == f"No items on {_day(alice_e5)}"

    response = pages.client.post(
        reverse("prep:problem-progress", args=["two-sum"]),
        {"notes": "A map of complements.", "minutes_spent": "20"},
        follow=True,
    )

    assert "Saved your notes." in response.content.decode()
    after = pages.visit()
    # Two Sum is easy: 18 minutes by the published estimate.
    assert "About 18 min of work so far today." in _done_today(after.today)
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


# --- Learn cards: a chapter, a card ---------------------------------------------------------------


def test_ticking_a_chapter_and_unticking_it_shows_each_time(pages, alice_e5):
    chapter = LearnChapter.objects.get(card__slug="fun-with-arrays", slug="introduction")
    mark_done = "Introduction (Arrays 101): mark done"
    before = pages.visit()
    assert mark_done in _section(before.dashboard, "next-title")
    needed = _needed(before.today)
    assert _needed(before.mentor) == needed

    # Ticked where the dashboard offers it, in Next up.
    tick = pages.client.post(
        reverse("prep:chapter-done"), {"chapter": chapter.pk, "done": "1"}, **_htmx(DASHBOARD)
    )

    assert tick.status_code == 200
    ticked = pages.visit()
    assert mark_done not in _section(ticked.dashboard, "next-title")
    # A chapter is twenty minutes of the plan, and a piece of work done today.
    assert _needed(ticked.today) == _needed(ticked.mentor) == needed - 20
    assert "About 20 min of work so far today." in _done_today(ticked.today)
    assert _today_cell(ticked.mentor) == f"1 item on {_day(alice_e5)}"

    untick = pages.client.post(
        reverse("prep:chapter-done"), {"chapter": chapter.pk, "done": "0"}, **_htmx("/learn/")
    )

    assert untick.status_code == 200
    unticked = pages.visit()
    assert mark_done in _section(unticked.dashboard, "next-title")
    assert _needed(unticked.today) == _needed(unticked.mentor) == needed
    pages.assert_as_built_afresh()


def test_ticking_a_learn_card_counts_it_done_on_every_page(pages):
    # Every card in the catalogue has chapters, which count instead: one without any.
    card = LearnCardFactory(name="Tries 101")
    before = pages.visit()
    assert "Learn cards: 0 of 12 done" in before.dashboard
    assert "Learn cards: 0 of 12 done" in before.mentor
    needed = _needed(before.today)

    response = pages.client.post(
        reverse("prep:card-done"), {"card": card.slug, "done": "1"}, **_htmx("/learn/")
    )

    assert response.status_code == 200
    after = pages.visit()
    assert "Learn cards: 1 of 12 done" in after.dashboard
    assert "Learn cards: 1 of 12 done" in after.mentor
    # A whole card is an hour of the plan.
    assert _needed(after.today) == _needed(after.mentor) == needed - 60
    pages.assert_as_built_afresh()


# --- ML system design: a stage studied, work on a prompt, the session's clock ---------------------


def test_marking_a_stage_studied_shows_on_every_page(pages):
    before = pages.visit()
    assert "Study stage 1: Clarify requirements" in _plan(before.today)
    assert _readiness(before.dashboard, "ml-design") == _readiness(before.mentor, "ml-design")
    assert _readiness(before.dashboard, "ml-design") == "0%"

    response = pages.client.post(
        reverse("prep:stage-studied"),
        {"stage": "clarify-requirements", "done": "1"},
        **_htmx(TODAY),
    )

    assert response.status_code == 200
    after = pages.visit()
    assert "Study stage 1: Clarify requirements" not in _plan(after.today)
    # Studied scores 1 of 5 for one of seven stages.
    assert _readiness(after.dashboard, "ml-design") == "3%"
    assert _readiness(after.mentor, "ml-design") == "3%"
    pages.assert_as_built_afresh()


def test_saving_a_stages_work_on_a_prompt_shows_on_every_page(pages, alice_e5):
    before = pages.visit()
    assert "Stages practised so far: 0 of 7." in _text(before.dashboard)
    needed = _needed(before.today)
    prompt_page = reverse("prep:prompt-detail", args=[PROMPT])
    notes = {"notes": "Who follows whom, and why.", "is_done": "on", "rating": "4"}

    response = pages.client.post(
        reverse("prep:stage-work", args=[PROMPT, "clarify-requirements"]),
        {f"clarify-requirements-{name}": value for name, value in notes.items()},
        **_htmx(prompt_page),
    )

    assert response.status_code == 200
    after = pages.visit()
    assert "Who follows whom, and why." not in before.mentor
    assert "Who follows whom, and why." in _design_notes_shown(after.mentor)
    # Rated 4 of 5 on one stage of seven.
    assert "Stages practised so far: 1 of 7." in _text(after.dashboard)
    assert _readiness(after.dashboard, "ml-design") == "11%"
    assert _readiness(after.mentor, "ml-design") == "11%"
    # The prompt is practised now: its hour-long session leaves the plan.
    assert _needed(after.today) == _needed(after.mentor) == needed - 60
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


def test_starting_a_session_takes_its_prompt_off_the_plan(pages):
    needed = _needed(pages.today())
    assert _needed(pages.mentor()) == needed
    pages.dashboard()

    response = pages.client.post(
        reverse("prep:prompt-timer", args=[PROMPT]),
        {"action": "start"},
        **_htmx(reverse("prep:prompt-detail", args=[PROMPT])),
    )

    assert response.status_code == 200
    after = pages.visit()
    assert _needed(after.today) == _needed(after.mentor) == needed - 60
    pages.assert_as_built_afresh()


def test_ending_a_session_gives_the_pages_a_new_version(pages, alice):
    """No kept figure shows whether a session has ended: what can be checked is that the pages
    are not found under the version from before the end, and are right."""
    pages.client.post(reverse("prep:prompt-timer", args=[PROMPT]), {"action": "start"}, follow=True)
    before = pages.visit()
    version = Profile.objects.get(user=alice).data_version

    # End session is a plain form on the prompt's page, which the browser then loads.
    response = pages.client.post(
        reverse("prep:prompt-timer", args=[PROMPT]), {"action": "end"}, follow=True
    )

    assert "Session saved." in response.content.decode()
    assert DesignAttempt.objects.get(user=alice).ended_at is not None
    assert Profile.objects.get(user=alice).data_version != version
    assert pages.visit().comparable() == before.comparable()
    pages.assert_as_built_afresh()


# --- Behavioral stories: written, edited, rehearsed, deleted --------------------------------------


def _story(alice, *areas: str, **fields) -> Story:
    found = FocusArea.objects.filter(slug__in=areas)
    return StoryFactory(user=alice, title="The schema truce", focus_areas=list(found), **fields)


def test_writing_a_story_shows_on_every_page(pages):
    before = pages.visit()
    assert _readiness(before.dashboard, "behavioral") == "Not started"
    assert _readiness(before.mentor, "behavioral") == "Not started"
    assert "Write a story on resolving conflict" in _plan(before.today)
    needed = _needed(before.today)

    response = pages.client.post(reverse("prep:story-create"), _story_form(CONFLICT), follow=True)

    assert "Saved “Settling the feature-store migration”." in response.content.decode()
    after = pages.visit()
    assert "Settling the feature-store migration" not in before.mentor
    assert "Settling the feature-store migration" in _stories_shown(after.mentor)
    # One rehearsed story covers one focus area of five.
    assert _readiness(after.dashboard, "behavioral") == "20%"
    assert _readiness(after.mentor, "behavioral") == "20%"
    assert "Write a story on resolving conflict" not in _plan(after.today)
    # Writing (30 min) and rehearsing (10 min) a story on it leave the plan.
    assert _needed(after.today) == _needed(after.mentor) == needed - 40
    assert "How did Settling the feature-store migration go?" in _done_today(after.today)
    pages.assert_as_built_afresh()


def test_renaming_a_story_renames_its_review_on_today(pages, alice, alice_e5):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    ReviewCard.objects.create(user=alice, story=story, due_on=alice_e5.today())
    assert _reviews(pages.today()) == ["The schema truce"]
    pages.visit()

    response = pages.client.post(
        reverse("prep:story-edit", args=[story.pk]),
        _story_form(CONFLICT, title="Two teams, one schema"),
        follow=True,
    )

    assert response.status_code == 200
    assert _reviews(pages.today()) == ["Two teams, one schema"]
    pages.assert_as_built_afresh()


def test_tagging_a_story_with_another_focus_area_shows_on_every_page(pages, alice):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    before = pages.visit()
    assert "Covered: 1 of 5." in _text(before.dashboard)
    assert _readiness(before.mentor, "behavioral") == "20%"
    needed = _needed(before.today)

    pages.client.post(
        reverse("prep:story-edit", args=[story.pk]),
        _story_form(CONFLICT, RESULTS, title=story.title),
        follow=True,
    )

    after = pages.visit()
    assert "Covered: 2 of 5." in _text(after.dashboard)
    assert _readiness(after.dashboard, "behavioral") == "40%"
    assert _readiness(after.mentor, "behavioral") == "40%"
    assert _needed(after.today) == _needed(after.mentor) == needed - 40
    pages.assert_as_built_afresh()


def test_marking_a_story_rehearsed_shows_on_every_page(pages, alice):
    story = _story(alice, CONFLICT, state=Story.State.DRAFTED)
    before = pages.visit()
    # A drafted story covers its area by half.
    assert _readiness(before.dashboard, "behavioral") == "10%"
    assert _readiness(before.mentor, "behavioral") == "10%"
    needed = _needed(before.today)

    pages.client.post(
        reverse("prep:story-edit", args=[story.pk]),
        _story_form(CONFLICT, title=story.title, state=Story.State.REHEARSED),
        follow=True,
    )

    after = pages.visit()
    assert _readiness(after.dashboard, "behavioral") == "20%"
    assert _readiness(after.mentor, "behavioral") == "20%"
    # Its rehearsal (10 min) leaves the plan, and counts as done today.
    assert _needed(after.today) == _needed(after.mentor) == needed - 10
    assert "How did The schema truce go?" in _done_today(after.today)
    pages.assert_as_built_afresh()


def test_deleting_a_story_shows_on_every_page(pages, alice):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    before = pages.visit()
    assert _readiness(before.dashboard, "behavioral") == "20%"
    assert "Write a story on resolving conflict" not in _plan(before.today)
    needed = _needed(before.today)

    response = pages.client.post(
        reverse("prep:story-delete", args=[story.pk]), {"confirmed": "yes"}, follow=True
    )

    assert "Deleted “The schema truce”." in response.content.decode()
    after = pages.visit()
    assert "The schema truce" in _stories_shown(before.mentor)
    assert "The schema truce" not in after.mentor
    assert _readiness(after.dashboard, "behavioral") == "Not started"
    assert _readiness(after.mentor, "behavioral") == "Not started"
    assert "Write a story on resolving conflict" in _plan(after.today)
    assert _needed(after.today) == _needed(after.mentor) == needed + 40
    pages.assert_as_built_afresh()


# --- Mock phone screens: started, re-rolled, recorded ---------------------------------------------


def _start_mock(pages: Pages) -> MockRound:
    response = pages.client.post(reverse("prep:mock-start"), follow=True)
    assert response.status_code == 200
    return MockRound.objects.get(user=pages.link.user_id)


def _mock_titles(mock: MockRound) -> list[str]:
    return list(mock.problems.order_by("position").values_list("problem__title", flat=True))


def test_starting_a_mock_lists_it_on_both_dashboards(pages):
    before = pages.visit()
    assert _recent_mocks(before.dashboard) == _recent_mocks(before.mentor) == ""

    mock = _start_mock(pages)

    first, second = _mock_titles(mock)
    after = pages.visit()
    assert _recent_mocks(after.dashboard).endswith(f"{first}, {second} finish and record")
    assert _recent_mocks(after.mentor).endswith(f"{first}, {second} not recorded")
    pages.assert_as_built_afresh()


def test_a_rerolled_problem_shows_on_both_dashboards(pages):
    mock = _start_mock(pages)
    old = _mock_titles(mock)[0]
    before = pages.visit()
    assert old in _recent_mocks(before.dashboard)
    assert old in _recent_mocks(before.mentor)

    response = pages.client.post(
        reverse("prep:mock-reroll", args=[mock.pk]), {"position": "1"}, follow=True
    )

    assert response.status_code == 200
    new = _mock_titles(mock)[0]
    assert new != old
    after = pages.visit()
    for page in (after.dashboard, after.mentor):
        assert new in _recent_mocks(page)
        assert old not in _recent_mocks(page)
    pages.assert_as_built_afresh()


def test_recording_a_mock_shows_on_every_page(pages):
    mock = _start_mock(pages)
    first, second = _mock_titles(mock)
    before = pages.visit()
    solved = _solved(before.dashboard, "Meta: top 100, last six months")
    assert "Nothing yet." in _done_today(before.today)

    response = pages.client.post(
        reverse("prep:mock-record", args=[mock.pk]),
        {"outcome_1": "unaided", "minutes_1": "20", "outcome_2": "hints", "minutes_2": "15"},
        follow=True,
    )

    assert "Mock recorded." in response.content.decode()
    after = pages.visit()
    recorded = f"{first} (solved unaided), {second} (solved with hints)"
    assert _recent_mocks(after.dashboard).endswith(recorded)
    assert _recent_mocks(after.mentor).endswith(recorded)
    meta = "Meta: top 100, last six months"
    # Both solved: the mock picks from the company's list.
    assert _solved(after.dashboard, meta) == _solved(after.mentor, meta) == solved + 2
    assert f"{first}: solved" in _activity(after.dashboard)
    assert f"How did {first} go?" in _done_today(after.today)
    pages.assert_as_built_afresh()


# --- Reviews and ML breadth: a rating on Today, an answer, a question rated -----------------------


def test_rating_a_problems_review_on_today_shows_on_every_page(pages, alice, alice_e5):
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(user=alice, problem=two_sum, status=Status.NEEDS_REVIEW)
    ReviewCard.objects.create(user=alice, problem=two_sum, due_on=alice_e5.today())
    before = pages.visit()
    assert _reviews(before.today) == ["Two Sum"]
    assert "Nothing yet." in _activity(before.mentor)

    response = pages.client.post(RATE_URL, {"problem": "two-sum", "rating": "good"}, **_htmx(TODAY))

    assert response.status_code == 200
    after = pages.visit()
    assert _reviews(after.today) == []
    assert "How did Two Sum go?" in _done_today(after.today)
    # Rated Good, a problem that needed review is solved again.
    assert "Two Sum: solved" in _activity(after.dashboard)
    assert "Two Sum: solved" in _activity(after.mentor)
    pages.assert_as_built_afresh()


def test_rating_a_storys_rehearsal_on_today_shows_on_every_page(pages, alice, alice_e5):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    ReviewCard.objects.create(user=alice, story=story, due_on=alice_e5.today())
    before = pages.visit()
    assert _reviews(before.today) == ["The schema truce"]
    assert _today_cell(before.mentor) == f"No items on {_day(alice_e5)}"

    response = pages.client.post(RATE_URL, {"story": story.pk, "rating": "easy"}, **_htmx(TODAY))

    assert response.status_code == 200
    after = pages.visit()
    assert _reviews(after.today) == []
    assert "How did The schema truce go?" in _done_today(after.today)
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


@pytest.fixture
def question() -> BreadthQuestion:
    return (
        BreadthQuestion.objects.active()
        .select_related("topic")
        .filter(topic__is_archived=False)
        .first()
    )


def test_an_ml_breadth_answer_counts_as_work_done_today(pages, alice_e5, question):
    before = pages.visit()
    assert "Nothing yet." in _done_today(before.today)

    response = pages.client.post(
        reverse("prep:breadth-notes", args=[question.slug]),
        {"notes": "The chance a random positive outranks a random negative."},
        follow=True,
    )

    assert "Saved your answer." in response.content.decode()
    after = pages.visit()
    assert "About 10 min of work so far today." in _done_today(after.today)
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


def test_rating_an_ml_breadth_question_shows_on_today_and_the_mentors_page(
    pages, alice_e5, question
):
    before = pages.visit()
    assert f"How did {question.title} go?" not in _done_today(before.today)

    response = pages.client.post(
        RATE_URL,
        {"question": question.slug, "rating": "hard"},
        **_htmx(question.get_absolute_url()),
    )

    assert response.status_code == 200
    after = pages.visit()
    assert f"How did {question.title} go?" in _done_today(after.today)
    assert _today_cell(after.today) == _today_cell(after.mentor) == f"1 item on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


# --- Settings: the target, the interview date, the hours, the time zone ---------------------------


def _save_settings(pages: Pages, profile: Profile, **changes) -> None:
    """The settings page's target form, posted with what it shows changed as given."""
    data = {
        "target_company": profile.target_company_id,
        "target_level": profile.target_level_id,
        "interview_date": profile.interview_date or "",
        "hours_per_week": profile.hours_per_week or "",
        "time_zone": profile.time_zone,
        **changes,
    }
    response = pages.client.post(reverse("prep:settings"), data, follow=True)
    assert "Settings saved." in response.content.decode()


def _zone_on_another_day() -> str:
    """A time zone whose date differs from UTC's right now."""
    return "Pacific/Kiritimati" if timezone.now().hour >= 10 else "Pacific/Pago_Pago"


def test_a_new_target_level_shows_on_every_page(pages, alice_e5):
    plan_page = reverse("prep:plan")
    before = pages.visit()
    for page in (before.dashboard, before.mentor):
        assert "Phone screen (35 min coding)" in _text(page)
    assert "(coding 3, ML system design 1, behavioral 1)" in _get(pages.client, plan_page)

    _save_settings(pages, alice_e5, target_level=Level.objects.get(slug="e6").pk)

    after = pages.visit()
    for page in (after.dashboard, after.mentor):
        # E6's phone screen has a behavioral part, and its onsite two design rounds.
        assert "Phone screen (25 min coding + 15 min behavioral)" in _text(page)
        assert "Onsite ML system design 2" in _text(page)
    # Today's plan is kept with the plan page's: it weighs the rounds of the new loop.
    assert "(coding 2.6, ML system design 2, behavioral 1.4)" in _get(pages.client, plan_page)
    pages.assert_as_built_afresh()


def test_a_new_target_company_shows_on_every_page(pages, alice_e5):
    before = pages.visit()
    assert _solved(before.dashboard, "Meta: top 100, last six months") == 0
    assert "Google: top 100" not in before.mentor
    needed = _needed(before.today)

    _save_settings(pages, alice_e5, target_company=Company.objects.get(slug="google").pk)

    after = pages.visit()
    for page in (after.dashboard, after.mentor):
        assert _solved(page, "Google: top 100, last six months") == 0
        assert "Meta: top 100" not in page
    # Google's lists make a different path to the interview.
    assert _needed(after.today) == _needed(after.mentor) != needed
    pages.assert_as_built_afresh()


def test_an_interview_date_shows_on_every_page(pages, alice_e5):
    eight_weeks = "No interview date yet, so this plans eight weeks"
    before = pages.visit()
    assert eight_weeks in _text(before.today)
    assert eight_weeks in _text(before.mentor)
    assert "No interview date yet." in _text(before.dashboard)

    _save_settings(pages, alice_e5, interview_date=alice_e5.today() + timedelta(days=30))

    after = pages.visit()
    assert "30 days until your interview" in _text(after.dashboard)
    assert "30 days until your interview" in _text(after.today)
    assert "Interview in 30 days." in _text(after.mentor)
    assert eight_weeks not in _text(after.today)
    assert eight_weeks not in _text(after.mentor)
    pages.assert_as_built_afresh()


def test_hours_per_week_show_on_every_page(pages, alice_e5):
    before = pages.visit()
    assert "your day of about 69 minutes (8 hours a week, assumed" in _text(before.today)
    assert "8 hours a week (assumed: none set)" in _text(before.mentor)

    _save_settings(pages, alice_e5, hours_per_week=10)

    after = pages.visit()
    assert "You plan 10 hours a week." in _text(after.dashboard)
    assert "your day of about 86 minutes (10 hours a week)" in _text(after.today)
    assert "10 hours a week;" in _text(after.mentor)
    pages.assert_as_built_afresh()


@pytest.mark.parametrize("same_day", [False, True], ids=["zone-on-another-day", "zone-on-utcs-day"])
def test_a_time_zone_shows_on_today_and_the_mentors_page(pages, alice_e5, same_day):
    # Africa/Abidjan always has UTC's date: then only the data version tells the kept plan from
    # the new one, not the candidate's date.
    zone = "Africa/Abidjan" if same_day else _zone_on_another_day()
    utc_day = alice_e5.today()
    before = pages.visit()
    for page in (before.today, before.mentor):
        assert "in UTC time" in _text(page)

    _save_settings(pages, alice_e5, time_zone=zone)

    alice_e5.refresh_from_db()
    day = alice_e5.today()
    assert (day == utc_day) is same_day
    after = pages.visit()
    assert f"Today {day:%A} {day.day} {day:%B}" in _text(after.today)
    assert "Your days follow UTC." not in _text(after.today)
    for page in (after.today, after.mentor):
        assert f"in {zone} time" in _text(page)
        assert _today_cell(page) == f"No items on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


# --- The mentor's link: what it shows -------------------------------------------------------------


def test_the_share_options_hide_and_show_stories_on_the_mentors_page(pages, alice):
    _story(alice, CONFLICT, state=Story.State.REHEARSED)
    settings_page = reverse("prep:settings")
    assert "The schema truce" in pages.mentor()
    pages.visit()

    hidden = pages.client.post(
        reverse("prep:share-link-options"), {"expiry_days": "0"}, **_htmx(settings_page)
    )

    assert hidden.status_code == 200
    page = pages.mentor()
    assert "Behavioral stories" not in page
    assert "The schema truce" not in page

    shown = pages.client.post(
        reverse("prep:share-link-options"),
        {"expiry_days": "0", "shows_stories": "on"},
        **_htmx(settings_page),
    )

    assert shown.status_code == 200
    page = pages.mentor()
    assert "Behavioral stories" in page
    assert "The schema truce" in page
    pages.assert_as_built_afresh()


# --- An admin's edit of the catalogue -------------------------------------------------------------


def test_an_admin_renaming_a_problem_renames_it_on_every_page(pages, alice, staff_client):
    problem = _first_planned_problem(pages.today())
    ProblemEventFactory(user=alice, problem=problem, status=Status.ATTEMPTED)
    before = pages.visit()
    assert problem.title in _plan(before.today)
    for page in (before.dashboard, before.mentor):
        assert f"{problem.title}: attempted" in _activity(page)
    admin_rename(staff_client, problem, "Anagrams, renamed")

    after = pages.visit()
    assert "Anagrams, renamed" in _plan(after.today)
    assert problem.title not in _plan(after.today)
    for page in (after.dashboard, after.mentor):
        assert "Anagrams, renamed: attempted" in _activity(page)
        assert problem.title not in _activity(page)
    pages.assert_as_built_afresh()


# --- An import of the candidate's data file -------------------------------------------------------


def _bobs_file(bob) -> SimpleUploadedFile:
    """bob's data file: Two Sum solved, twelve hours a week, a story."""
    ProfileFactory(
        user=bob,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug="e5"),
        hours_per_week=12,
    )
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(user=bob, problem=two_sum, status=Status.SOLVED)
    ProblemEventFactory(user=bob, problem=two_sum, status=Status.SOLVED)
    _story(bob, CONFLICT, state=Story.State.REHEARSED)
    content = json.dumps(portability.export_data(bob)).encode()
    return SimpleUploadedFile("mle-prep-data.json", content, content_type="application/json")


def test_importing_a_data_file_shows_on_every_page(pages, bob):
    upload = _bobs_file(bob)
    before = pages.visit()
    assert _solved(before.dashboard) == _solved(before.mentor) == 0
    assert "(8 hours a week, assumed" in _text(before.today)

    response = pages.client.post(
        reverse("prep:data-import"), {"file": upload, "replace": "on"}, follow=True
    )

    assert "Your data was imported" in response.content.decode()
    after = pages.visit()
    assert _solved(after.dashboard) == _solved(after.mentor) == 1
    assert "Two Sum: solved" in _activity(after.dashboard)
    assert _readiness(after.dashboard, "behavioral") == "20%"
    assert "your day of about 103 minutes (12 hours a week)" in _text(after.today)
    assert "12 hours a week;" in _text(after.mentor)
    pages.assert_as_built_afresh()


# --- A new day ------------------------------------------------------------------------------------


def test_a_new_day_shows_its_own_plan_on_today_and_the_mentors_page(
    pages, alice, alice_e5, monkeypatch
):
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: noon)
    day = alice_e5.today()
    Profile.objects.filter(pk=alice_e5.pk).update(interview_date=day + timedelta(days=10))
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(user=alice, problem=two_sum, status=Status.SOLVED)
    ReviewCard.objects.create(user=alice, problem=two_sum, due_on=day + timedelta(days=1))
    before = pages.visit()
    assert f"Today {day:%A} {day.day} {day:%B}" in _text(before.today)
    assert _reviews(before.today) == []
    assert "10 days until your interview" in _text(before.today)
    assert "Interview in 10 days." in _text(before.mentor)

    monkeypatch.setattr("django.utils.timezone.now", lambda: noon + timedelta(days=1))

    after = pages.visit()
    alice_e5.refresh_from_db()
    day = alice_e5.today()
    assert f"Today {day:%A} {day.day} {day:%B}" in _text(after.today)
    assert _reviews(after.today) == ["Two Sum"]
    for page in (after.dashboard, after.today):
        assert "9 days until your interview" in _text(page)
    assert "Interview in 9 days." in _text(after.mentor)
    for page in (after.today, after.mentor):
        assert _today_cell(page) == f"No items on {_day(alice_e5)}"
    pages.assert_as_built_afresh()


# --- One candidate's pages are theirs alone -------------------------------------------------------


def test_one_candidates_write_never_changes_anothers_kept_pages(pages, alice, bob):
    ProfileFactory(
        user=bob,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug="e5"),
    )
    bobs_client = Client()
    bobs_client.force_login(bob)
    bobs = Pages(bobs_client, ShareLinkFactory(user=bob), Client())
    alices_before, bobs_before = pages.visit(), bobs.visit()
    assert alices_before.comparable() != bobs_before.comparable()  # Named after their owners.

    bobs.client.post(STATUS_URL, {"problem": "two-sum", "status": "solved"}, **_htmx(DASHBOARD))

    bobs_after = bobs.visit()
    assert _solved(bobs_after.dashboard) == _solved(bobs_after.mentor) == 1
    assert pages.visit().comparable() == alices_before.comparable()
    assert _solved(alices_before.dashboard) == 0

    pages.client.post(STATUS_URL, {"problem": "contains-duplicate", "status": "solved"})

    alices_after = pages.visit()
    assert _solved(alices_after.dashboard) == _solved(alices_after.mentor) == 1
    assert "Contains Duplicate: solved" in _activity(alices_after.dashboard)
    assert "Two Sum" not in _activity(alices_after.dashboard)
    assert bobs.visit().comparable() == bobs_after.comparable()
    assert "Contains Duplicate" not in _activity(bobs_after.dashboard)
    pages.assert_as_built_afresh()
    bobs.assert_as_built_afresh()


# --- Writes outside a view: a shell, a management command -----------------------------------------


def _write_progress(kind: str, alice, attempted: ProblemProgress, solved: ProblemProgress) -> None:
    """Mark Two Sum (attempted) solved, or take Contains Duplicate (solved) away, as `kind` says."""
    if kind == "save":
        attempted.status = Status.SOLVED
        attempted.save()
    elif kind == "update":
        ProblemProgress.objects.filter(pk=attempted.pk).update(status=Status.SOLVED)
    elif kind == "update-out-of-its-filter":
        # The rows it changes no longer match its filter once changed.
        ProblemProgress.objects.filter(user=alice, status=Status.ATTEMPTED).update(
            status=Status.SOLVED
        )
    elif kind == "bulk-update":
        attempted.status = Status.SOLVED
        ProblemProgress.objects.bulk_update([attempted], ["status"])
    elif kind == "bulk-create":
        valid_anagram = Problem.objects.get(slug="valid-anagram")
        ProblemProgress.objects.bulk_create(
            [ProblemProgress(user=alice, problem=valid_anagram, status=Status.SOLVED)]
        )
    elif kind == "delete":
        solved.delete()
    elif kind == "queryset-delete":
        ProblemProgress.objects.filter(pk=solved.pk).delete()
    elif kind == "related-manager-delete":
        alice.problem_progress.filter(status=Status.SOLVED).delete()


@pytest.mark.parametrize(
    ("kind", "solved_after"),
    [
        ("save", 2),
        ("update", 2),
        # The update takes the rows out of its own filter: whose they were is read first.
        ("update-out-of-its-filter", 2),
        ("bulk-update", 2),
        ("bulk-create", 2),
        ("delete", 0),
        ("queryset-delete", 0),
        ("related-manager-delete", 0),
    ],
)
def test_every_kind_of_write_through_the_orm_shows_at_once(pages, alice, kind, solved_after):
    attempted = ProblemProgressFactory(
        user=alice, problem=Problem.objects.get(slug="two-sum"), status=Status.ATTEMPTED
    )
    solved = ProblemProgressFactory(
        user=alice, problem=Problem.objects.get(slug="contains-duplicate"), status=Status.SOLVED
    )
    before = pages.visit()
    assert _solved(before.dashboard) == _solved(before.mentor) == 1

    _write_progress(kind, alice, attempted, solved)

    after = pages.visit()
    assert _solved(after.dashboard) == _solved(after.mentor) == solved_after
    pages.assert_as_built_afresh()


def _tag(kind: str, story: Story) -> None:
    """Change the story's focus areas from one side or the other, as `kind` says."""
    conflict, results = FocusArea.objects.get(slug=CONFLICT), FocusArea.objects.get(slug=RESULTS)
    if kind == "add":
        story.focus_areas.add(results)
    elif kind == "set":
        story.focus_areas.set([conflict, results])
    elif kind == "remove":
        story.focus_areas.remove(conflict)
    elif kind == "clear":
        story.focus_areas.clear()
    elif kind == "area-adds":
        results.stories.add(story)
    elif kind == "area-removes":
        conflict.stories.remove(story)
    elif kind == "area-clears":
        conflict.stories.clear()


@pytest.mark.parametrize(
    ("kind", "covered_after"),
    [
        ("add", 2),
        ("set", 2),
        ("remove", 0),
        ("clear", 0),
        ("area-adds", 2),
        ("area-removes", 0),
        ("area-clears", 0),
    ],
)
def test_every_kind_of_change_to_a_storys_focus_areas_shows_at_once(
    pages, alice, kind, covered_after
):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    before = pages.visit()
    assert "Covered: 1 of 5." in _text(before.dashboard)
    assert "Covered: 1 of 5." in _text(before.mentor)

    _tag(kind, story)

    after = pages.visit()
    assert f"Covered: {covered_after} of 5." in _text(after.dashboard)
    assert f"Covered: {covered_after} of 5." in _text(after.mentor)
    pages.assert_as_built_afresh()


# --- A write that is undone -----------------------------------------------------------------------


def test_an_import_that_fails_midway_leaves_the_pages_as_they_were(pages, alice, bob, monkeypatch):
    ProblemProgressFactory(
        user=alice, problem=Problem.objects.get(slug="contains-duplicate"), status=Status.SOLVED
    )
    upload = _bobs_file(bob)
    before = pages.visit()
    assert _solved(before.dashboard) == 1
    create = portability._create

    def fail_at_stories(model, rows, **owner):
        # By now alice's rows are deleted and bob's profile and progress written.
        if model is Story:
            raise IntegrityError("as if a tick from another tab had landed")
        create(model, rows, **owner)

    monkeypatch.setattr(portability, "_create", fail_at_stories)

    response = pages.client.post(reverse("prep:data-import"), {"file": upload, "replace": "on"})

    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert pages.visit().comparable() == before.comparable()
    pages.assert_as_built_afresh()


def test_a_write_rolled_back_leaves_the_pages_as_they_were(pages, alice):
    before = pages.visit()
    assert _solved(before.dashboard) == 0

    class Undone(Exception):
        pass

    try:
        with transaction.atomic():
            ProblemProgress.objects.create(
                user=alice, problem=Problem.objects.get(slug="two-sum"), status=Status.SOLVED
            )
            # Pages opened inside the doomed transaction are kept under its doomed version.
            doomed = pages.visit()
            assert _solved(doomed.dashboard) == _solved(doomed.mentor) == 1
            raise Undone
    except Undone:
        pass

    assert pages.visit().comparable() == before.comparable()
    pages.assert_as_built_afresh()


# --- A page opened while a write is under way -----------------------------------------------------


class MidWrite:
    """Opens the mentor's dashboard of alice's, once armed, just as the next delete or update of
    her rows is about to run."""

    def __init__(self, pages: Pages):
        self.pages = pages
        self.armed = False
        self.page = ""
        # The test's own transaction: a write inside a transaction of its own is deeper.
        self.outside = len(connection.atomic_blocks)

    def arm(self) -> None:
        self.armed = True

    def before_write(self, model) -> None:
        # A mentor's visit counts itself on the link: no page shows that count.
        if not self.armed or not issubclass(model, UserData) or model is ShareLink:
            return
        if len(connection.atomic_blocks) > self.outside:
            return  # Another connection sees nothing of the write yet.
        self.armed = False
        self.page = self.pages.mentor()


@pytest.fixture
def mid_write(pages, monkeypatch) -> MidWrite:
    """Outside a transaction every statement commits on its own, so another connection sees
    whatever version a write gave before its rows change. A version given before the rows change
    would keep a page opened in between, old rows and all, under the new version."""
    from django.db.models.deletion import Collector
    from django.db.models.sql.compiler import SQLUpdateCompiler

    found = MidWrite(pages)
    real_delete, real_update = Collector.delete, SQLUpdateCompiler.execute_sql

    def delete(collector):
        for model in [*collector.data, *(query.model for query in collector.fast_deletes)]:
            found.before_write(model)
        return real_delete(collector)

    def execute_sql(compiler, *args, **kwargs):
        found.before_write(compiler.query.model)
        return real_update(compiler, *args, **kwargs)

    monkeypatch.setattr(Collector, "delete", delete)
    monkeypatch.setattr(SQLUpdateCompiler, "execute_sql", execute_sql)
    return found


def test_a_page_opened_while_a_chapter_is_unticked_is_not_kept_ticked(pages, mid_write):
    chapter = LearnChapter.objects.get(card__slug="fun-with-arrays", slug="introduction")
    needed = _needed(pages.today())
    pages.client.post(reverse("prep:chapter-done"), {"chapter": chapter.pk, "done": "1"})
    assert _needed(pages.today()) == _needed(pages.mentor()) == needed - 20
    mid_write.arm()

    pages.client.post(
        reverse("prep:chapter-done"), {"chapter": chapter.pk, "done": "0"}, **_htmx(DASHBOARD)
    )

    assert mid_write.page, "no page was opened during the untick"
    after = pages.visit()
    assert _needed(after.today) == _needed(after.mentor) == needed
    assert "Introduction (Arrays 101): mark done" in _section(after.dashboard, "next-title")


def test_a_page_opened_while_a_story_is_deleted_is_not_kept_with_it(pages, alice, mid_write):
    story = _story(alice, CONFLICT, state=Story.State.REHEARSED)
    assert _readiness(pages.mentor(), "behavioral") == "20%"
    mid_write.arm()

    pages.client.post(reverse("prep:story-delete", args=[story.pk]), {"confirmed": "yes"})

    assert mid_write.page, "no page was opened during the delete"
    assert _readiness(pages.mentor(), "behavioral") == "Not started"
    assert _readiness(pages.dashboard(), "behavioral") == "Not started"


def test_a_page_opened_while_rows_are_updated_in_bulk_is_not_kept_with_the_old_rows(
    pages, alice, mid_write
):
    ProblemProgressFactory(
        user=alice, problem=Problem.objects.get(slug="two-sum"), status=Status.ATTEMPTED
    )
    assert _solved(pages.mentor()) == 0
    mid_write.arm()

    ProblemProgress.objects.filter(user=alice).update(status=Status.SOLVED)

    assert mid_write.page, "no page was opened during the update"
    assert _solved(pages.mentor()) == _solved(pages.dashboard()) == 1


# --- What a kept page costs -----------------------------------------------------------------------


def _some_progress(alice, profile: Profile) -> None:
    """Work on every kind of thing the pages show, so a kept page has something to keep."""
    for slug in ("two-sum", "contains-duplicate", "valid-anagram"):
        problem = Problem.objects.get(slug=slug)
        ProblemProgressFactory(user=alice, problem=problem, status=Status.SOLVED)
        ProblemEventFactory(user=alice, problem=problem, status=Status.SOLVED)
        ReviewCard.objects.create(user=alice, problem=problem, due_on=profile.today())
    _story(alice, CONFLICT, RESULTS, state=Story.State.REHEARSED)
    MockRound.objects.create(user=alice, level=profile.target_level, company=profile.target_company)


@pytest.mark.parametrize("progress", [False, True], ids=["no-progress", "some-progress"])
@pytest.mark.parametrize("page", ["dashboard", "today", "mentor"])
def test_a_second_visit_finds_the_page_kept(pages, alice, alice_e5, page, progress):
    if progress:
        _some_progress(alice, alice_e5)
    visit = getattr(pages, page)
    first = visit()

    with CaptureQueriesContext(connection) as queries:
        second = visit()

    budget = MENTOR_KEPT_QUERIES if page == "mentor" else CANDIDATE_KEPT_QUERIES
    assert len(queries) <= budget, "\n".join(q["sql"] for q in queries)
    assert _without_csrf(second) == _without_csrf(first)


# --- What a status tick leaves kept ---------------------------------------------------------------


def _practice_log_tables() -> set[str]:
    models = apps.get_app_config("prep").get_models()
    return {m._meta.db_table for m in models if issubclass(m, UserData) and m.in_practice_log}


@pytest.fixture
def rest_builds(monkeypatch) -> list[tuple[str, list[str]]]:
    """Each piece built under a candidate's rest version (`practice=False`, prep/fragments.py):
    its name, and the SQL it ran."""
    built = []
    keep = fragments._user_fragments.get

    def get(key, build):
        slot, versions = key
        if ":rest-" not in versions:
            return keep(key, build)

        def traced():
            with CaptureQueriesContext(connection) as queries:
                value = build()
            built.append((slot.split(":")[0], [query["sql"] for query in queries]))
            return value

        return keep(key, traced)

    monkeypatch.setattr(fragments._user_fragments, "get", get)
    return built


def _work_on_everything(alice, profile: Profile) -> None:
    """Rows of every kind the pages show, practice log and beyond."""
    _some_progress(alice, profile)
    chapter = LearnChapter.objects.order_by("pk").first()
    ChapterDoneFactory(user=alice, chapter=chapter)
    StageStudiedFactory(user=alice, stage=DesignStage.objects.order_by("position").first())
    attempt = DesignAttemptFactory(user=alice, prompt=PracticePrompt.objects.get(slug=PROMPT))
    StageWorkFactory(attempt=attempt, stage=DesignStage.objects.order_by("position").last())
    _story(alice, RESULTS, state=Story.State.DRAFTED)


REST_PIECES = {"plan-rest", "figures-rest", "mentor-stories", "mentor-design"}


def test_what_is_kept_past_a_tick_reads_none_of_the_practice_log(
    pages, alice, alice_e5, rest_builds
):
    _work_on_everything(alice, alice_e5)

    pages.visit()

    assert {name for name, _ in rest_builds} == REST_PIECES
    tables = _practice_log_tables()
    assert "prep_problemprogress" in tables
    for name, statements in rest_builds:
        assert statements, f"{name} read nothing: a piece with no rows to read proves nothing"
        for sql in statements:
            read = {table for table in tables if f'"{table}"' in sql}
            assert not read, f"{name} reads the practice log ({', '.join(read)}): {sql}"


@pytest.mark.parametrize(
    ("write", "solved"),
    [
        pytest.param({"problem": "climbing-stairs", "status": "solved"}, 1, id="solved"),
        pytest.param({"problem": "two-sum", "status": "attempted"}, -1, id="back-to-attempted"),
    ],
)
def test_a_status_tick_leaves_what_it_does_not_change_kept(
    pages, alice, alice_e5, rest_builds, write, solved
):
    _work_on_everything(alice, alice_e5)
    before = pages.visit()
    built = len(rest_builds)
    assert built == len(REST_PIECES)

    response = pages.client.post(STATUS_URL, write, **_htmx(DASHBOARD))

    assert response.status_code == 200
    after = pages.visit()
    assert rest_builds[built:] == [], "a tick built again what only the rest of the data says"
    assert _solved(after.mentor) == _solved(before.mentor) + solved
    assert _solved(after.dashboard) == _solved(before.dashboard) + solved
    pages.assert_as_built_afresh()


def test_rating_a_review_leaves_what_it_does_not_change_kept(pages, alice, alice_e5, rest_builds):
    _work_on_everything(alice, alice_e5)
    pages.visit()
    built = len(rest_builds)

    response = pages.client.post(RATE_URL, {"problem": "two-sum", "rating": "good"}, **_htmx(TODAY))

    assert response.status_code == 200
    pages.visit()
    assert rest_builds[built:] == []
    pages.assert_as_built_afresh()

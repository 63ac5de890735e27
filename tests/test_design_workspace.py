"""The ML system design workspace: notes per stage, the server-side session timer, past sessions,
and a candidate's own private prompts."""

import html
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import RestrictedError
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from prep.models import DesignAttempt, DesignStage, PracticePrompt, StageWork
from tests.factories import DesignAttemptFactory, PracticePromptFactory, StageWorkFactory
from tests.threads import logged_in_clients, run_in_threads

pytestmark = pytest.mark.usefixtures("catalog")

PROMPT = "people-you-may-follow"
PAGE = reverse("prep:prompt-detail", args=[PROMPT])
TIMER = reverse("prep:prompt-timer", args=[PROMPT])
ML_DESIGN = reverse("prep:ml-design")
CREATE = reverse("prep:prompt-create")
CLARIFY = "clarify-requirements"
FRAME = "frame-as-ml-task"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{PAGE}"}

# Measured on SQLite and PostgreSQL; the same with one past session or thirty.
PROMPT_PAGE_QUERIES = 8


def _stage_url(stage: str, prompt: str = PROMPT) -> str:
    return reverse("prep:stage-work", args=[prompt, stage])


def _save(client, stage: str = CLARIFY, prompt: str = PROMPT, headers=None, **fields):
    """Post one stage's form the way the page does: every field carries the stage's prefix."""
    data = {"notes": "Ask who follows whom.", "is_done": "on", "rating": "4", **fields}
    data = {f"{stage}-{name}": value for name, value in data.items() if value is not None}
    return client.post(_stage_url(stage, prompt), data, **(headers or {}))


def _timer(client, action: str, headers=None):
    return client.post(TIMER, {"action": action}, **(headers or {}))


def _page(client, url: str = PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _clock(page: str) -> tuple[str, int]:
    """The timer's state and elapsed seconds, as the page hands them to timer.js."""
    match = re.search(r'data-state="([\w-]+)" data-elapsed="(\d+)"', page)
    assert match, "no timer on the page"
    return match.group(1), int(match.group(2))


def _plan(page: str) -> list[dict]:
    steps = re.search(r'data-steps="([^"]*)"', page).group(1)
    return json.loads(html.unescape(steps))


def _rendered_notes(page: str, stage: str) -> str:
    block = re.search(rf'<div class="stage-work" id="work-{stage}">(.*?)<form', page, re.S)
    assert block, f"no work area for {stage}"
    return block.group(1)


def _open_attempt(user) -> DesignAttempt:
    return DesignAttempt.objects.get(user=user, ended_at__isnull=True)


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def bobs_prompt(bob) -> PracticePrompt:
    return PracticePromptFactory(owner=bob, slug="bobs-secret-prompt", title="Bob's own prompt")


# --- The workspace ----------------------------------------------------------------------------


def test_owner_sees_every_stage_with_a_form_and_a_timer_not_yet_started(alice_client):
    page = _page(alice_client)

    for stage in DesignStage.objects.active():
        assert f'id="work-{stage.slug}"' in page
        assert f'action="{_stage_url(stage.slug)}"' in page
    assert _clock(page) == ("not-started", 0)
    assert "No finished sessions yet." in page


def test_the_timer_plan_walks_the_seven_stages_in_45_minutes(alice_client):
    page = _page(alice_client)

    plan = _plan(page)
    stages = list(DesignStage.objects.active())
    # The round opens with an introduction and ends with the candidate's own questions, as the
    # guide's rounds do; the stages share what is left.
    labels = [step["label"] for step in plan]
    assert labels == [
        "Introduction",
        *[s.name for s in stages],
        "Your questions for the interviewer",
    ]
    assert [step["seconds"] for step in plan[1:-1]] == [s.minutes * 60 for s in stages]
    assert plan[0]["seconds"] == plan[-1]["seconds"] == 5 * 60
    assert sum(step["seconds"] for step in plan) == 45 * 60
    assert "of 45:00" in page
    assert "Start the 45-minute timer" in page


def test_the_timer_plan_follows_an_admins_change_to_a_stages_minutes(alice_client):
    DesignStage.objects.filter(slug=CLARIFY).update(minutes=10)

    plan = _plan(_page(alice_client))

    assert plan[1] == {"label": "Clarify requirements", "seconds": 10 * 60}
    assert "Start the 51-minute timer" in _page(alice_client)


def test_saving_notes_for_two_stages_makes_one_open_attempt_with_two_rows(alice_client, alice):
    assert _save(alice_client, CLARIFY).status_code == 302
    assert _save(alice_client, FRAME, notes="Edge prediction.", rating="3").status_code == 302

    attempt = _open_attempt(alice)
    assert attempt.prompt.slug == PROMPT
    work = {w.stage.slug: (w.notes, w.is_done, w.rating) for w in attempt.work.all()}
    assert work == {
        CLARIFY: ("Ask who follows whom.", True, 4),
        FRAME: ("Edge prediction.", True, 3),
    }


def test_saving_redirects_back_to_the_stage_with_a_message(alice_client):
    response = _save(alice_client, FRAME)

    assert response["Location"] == f"{PAGE}#stage-{FRAME}"
    page = _page(alice_client)
    assert "Saved your notes on Frame it as an ML task." in page
    assert "Ask who follows whom." in page


def test_saving_the_same_stage_twice_keeps_one_row_with_the_latest_notes(alice_client, alice):
    _save(alice_client, notes="First draft.", rating="2")
    _save(alice_client, notes="Second draft.", is_done=None, rating="")

    work = StageWork.objects.get()
    assert (work.notes, work.is_done, work.rating) == ("Second draft.", False, None)
    assert DesignAttempt.objects.filter(user=alice).count() == 1


def test_notes_are_rendered_as_markdown_and_sanitised(alice_client):
    notes = (
        "Frame it as **edge prediction**.\n\n"
        "<script>alert(1)</script>\n\n"
        "[click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    _save(alice_client, FRAME, notes=notes)

    rendered = _rendered_notes(_page(alice_client), FRAME)
    assert "<strong>edge prediction</strong>" in rendered
    assert "<script" not in rendered
    assert "javascript:" not in rendered
    assert "onerror" not in rendered


def test_htmx_save_returns_only_the_stage_fragment_with_rendered_notes(alice_client):
    response = _save(alice_client, FRAME, notes="Use **two towers**.", headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith(f'<div class="stage-work" id="work-{FRAME}">')
    assert "<strong>two towers</strong>" in body
    assert "Saved." in body


def test_two_users_on_the_same_prompt_keep_separate_attempts(alice_client, alice, bob, bob_client):
    _save(alice_client, notes="Alice's notes.")
    _save(bob_client, notes="Bob's notes.")

    assert _open_attempt(alice).work.get().notes == "Alice's notes."
    assert _open_attempt(bob).work.get().notes == "Bob's notes."
    assert "Bob's notes." not in _page(alice_client)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["0", "6", "x"])
def test_a_rating_outside_1_to_5_answers_400_and_saves_nothing(alice_client, rating):
    response = _save(alice_client, rating=rating)

    assert response.status_code == 400
    assert "A rating goes from 1 to 5." in response.content.decode()
    assert not DesignAttempt.objects.exists()
    assert not StageWork.objects.exists()


def test_a_bad_rating_over_htmx_answers_400_with_the_stage_fragment_saying_why(alice_client):
    response = _save(alice_client, rating="6", headers=HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert f'id="work-{CLARIFY}"' in body
    assert "Nothing was saved" in body
    assert "A rating goes from 1 to 5." in body
    assert not StageWork.objects.exists()


def test_notes_over_20000_characters_answer_400_and_save_nothing(alice_client):
    response = _save(alice_client, notes="x" * 20_001)

    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    assert not StageWork.objects.exists()
    assert _save(alice_client, notes="x" * 20_000).status_code == 302


def test_a_failed_save_leaves_earlier_notes_untouched(alice_client):
    _save(alice_client, notes="Keep me.", rating="4")

    assert _save(alice_client, notes="Lose me.", rating="9").status_code == 400

    work = StageWork.objects.get()
    assert (work.notes, work.rating) == ("Keep me.", 4)


def test_an_unknown_stage_is_404_and_saves_nothing(alice_client):
    response = _save(alice_client, "no-such-stage")

    assert response.status_code == 404
    assert not DesignAttempt.objects.exists()


def test_an_archived_stage_cannot_be_saved(alice_client):
    DesignStage.objects.filter(slug=CLARIFY).update(is_archived=True)

    assert _save(alice_client).status_code == 404
    assert not StageWork.objects.exists()


def test_an_unknown_timer_action_answers_400_and_starts_nothing(alice_client):
    response = _timer(alice_client, "explode")

    assert response.status_code == 400
    assert "The timer can start, pause, resume or end." in response.content.decode()
    assert not DesignAttempt.objects.exists()


def test_an_unknown_timer_action_over_htmx_answers_with_an_error_fragment(alice_client):
    response = _timer(alice_client, "explode", headers=HTMX)

    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert response["HX-Retarget"] == "#htmx-errors"
    assert not DesignAttempt.objects.exists()


# --- The session timer ------------------------------------------------------------------------


def test_starting_the_timer_records_the_start_on_the_server(alice_client, alice):
    before = timezone.now()
    response = _timer(alice_client, "start")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#timer"
    attempt = _open_attempt(alice)
    assert before <= attempt.started_at <= timezone.now()


def test_htmx_start_returns_only_the_running_timer(alice_client):
    response = _timer(alice_client, "start", headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<section id="timer"')
    assert _clock(body)[0] == "running"
    assert 'value="pause"' in body


def test_a_reload_shows_the_clock_still_running_at_the_servers_time(alice_client, alice):
    _timer(alice_client, "start")
    DesignAttempt.objects.update(started_at=timezone.now() - timedelta(minutes=10))

    state, elapsed = _clock(_page(alice_client))

    assert state == "running"
    assert abs(elapsed - _open_attempt(alice).elapsed_seconds()) <= 2
    assert 598 <= elapsed <= 602


def test_pausing_then_resuming_adds_the_pause_to_paused_seconds(alice_client, alice):
    _timer(alice_client, "start")
    DesignAttempt.objects.update(started_at=timezone.now() - timedelta(minutes=10))
    _timer(alice_client, "pause")
    assert _clock(_page(alice_client))[0] == "paused"
    # The pause began two minutes ago, eight minutes into the session.
    DesignAttempt.objects.update(paused_at=timezone.now() - timedelta(minutes=2))

    _timer(alice_client, "resume")

    attempt = _open_attempt(alice)
    assert attempt.paused_at is None
    assert 119 <= attempt.paused_seconds <= 121
    state, elapsed = _clock(_page(alice_client))
    assert state == "running"
    assert 478 <= elapsed <= 482


def test_a_second_pause_adds_to_the_first(alice_client, alice):
    _timer(alice_client, "start")
    DesignAttempt.objects.update(started_at=timezone.now() - timedelta(minutes=30))
    for _ in range(2):
        _timer(alice_client, "pause")
        DesignAttempt.objects.update(paused_at=timezone.now() - timedelta(minutes=5))
        _timer(alice_client, "resume")

    assert 599 <= _open_attempt(alice).paused_seconds <= 601


def test_a_paused_clock_does_not_move(alice_client, alice):
    _timer(alice_client, "start")
    DesignAttempt.objects.update(started_at=timezone.now() - timedelta(minutes=10))
    _timer(alice_client, "pause")
    DesignAttempt.objects.update(paused_at=timezone.now() - timedelta(minutes=4))

    state, elapsed = _clock(_page(alice_client))

    assert state == "paused"
    assert 359 <= elapsed <= 361


def test_ending_a_session_lists_it_under_past_sessions_and_opens_a_fresh_one(alice_client, alice):
    _timer(alice_client, "start")
    _save(alice_client, CLARIFY, notes="Ask who follows whom.", rating="4")
    _save(alice_client, FRAME, notes="Edge prediction.", rating="2")

    response = _timer(alice_client, "end")

    assert response.status_code == 302
    attempt = DesignAttempt.objects.get(user=alice)
    assert attempt.ended_at is not None
    page = _page(alice_client)
    assert "Session saved." in page
    past = page.split('id="past-title"')[1]
    day = dateformat.format(timezone.localtime(attempt.ended_at), "j M Y")
    assert f"<td>{day}</td>" in past
    assert "Clarify requirements: 4/5" in past
    assert "Frame it as an ML task: 2/5" in past
    assert reverse("prep:attempt-detail", args=[attempt.pk]) in past
    # The workspace above is empty again, its clock not started.
    assert _clock(page) == ("not-started", 0)
    assert "Ask who follows whom." not in page


def test_saving_after_the_end_starts_a_new_attempt(alice_client, alice):
    _save(alice_client, notes="Session one.")
    _timer(alice_client, "end")

    _save(alice_client, notes="Session two.")

    assert DesignAttempt.objects.filter(user=alice).count() == 2
    assert _open_attempt(alice).work.get().notes == "Session two."


def test_ending_twice_does_not_add_an_empty_past_session(alice_client, alice):
    _timer(alice_client, "start")
    _save(alice_client, notes="The real session.")
    _timer(alice_client, "end")

    _timer(alice_client, "end")

    assert _page(alice_client).count("Open session of") == 1
    assert DesignAttempt.objects.filter(user=alice).count() == 1


def test_a_session_page_shows_its_notes_rendered(alice_client, alice):
    _save(alice_client, CLARIFY, notes="Ask about **cold start**.", rating="5")
    attempt = _open_attempt(alice)
    _timer(alice_client, "end")

    page = _page(alice_client, reverse("prep:attempt-detail", args=[attempt.pk]))

    assert "<strong>cold start</strong>" in page
    assert "5/5" in page
    assert page.count("No notes.") == DesignStage.objects.active().count() - 1


# --- Own prompts ------------------------------------------------------------------------------


def test_a_user_adds_a_private_prompt_and_practises_it(alice_client, alice):
    response = alice_client.post(
        CREATE, {"title": "Design spam detection for WhatsApp", "brief": "Billions of messages."}
    )

    prompt = PracticePrompt.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == prompt.get_absolute_url()
    assert prompt.slug.startswith("design-spam-detection-for-whatsapp-")
    page = _page(alice_client, prompt.get_absolute_url())
    assert "Your own prompt, visible only to you" in page
    assert _save(alice_client, prompt=prompt.slug).status_code == 302
    assert _open_attempt(alice).prompt == prompt


def test_a_private_prompt_is_listed_only_for_its_owner(alice_client, bob_client, bobs_prompt):
    assert "Bob&#x27;s own prompt" in _page(bob_client, ML_DESIGN)
    assert "Bob&#x27;s own prompt" not in _page(alice_client, ML_DESIGN)
    assert "None yet." in _page(alice_client, ML_DESIGN)


def test_load_catalog_never_archives_a_private_prompt(bob_client, bobs_prompt):
    call_command("load_catalog", stdout=StringIO())

    bobs_prompt.refresh_from_db()
    assert not bobs_prompt.is_archived
    assert bob_client.get(bobs_prompt.get_absolute_url()).status_code == 200
    assert bobs_prompt.title in _page(bob_client, ML_DESIGN).replace("&#x27;", "'")


def test_a_prompt_without_a_title_answers_400_and_saves_nothing(alice_client):
    response = alice_client.post(CREATE, {"title": "", "brief": "Something."})

    assert response.status_code == 400
    assert "Give the prompt a title" in response.content.decode()
    assert not PracticePrompt.objects.filter(owner__isnull=False).exists()


# --- Who may do what --------------------------------------------------------------------------


def test_a_strangers_private_prompt_is_404_everywhere(alice_client, bobs_prompt):
    slug = bobs_prompt.slug

    assert alice_client.get(reverse("prep:prompt-detail", args=[slug])).status_code == 404
    assert _save(alice_client, prompt=slug).status_code == 404
    response = alice_client.post(reverse("prep:prompt-timer", args=[slug]), {"action": "start"})
    assert response.status_code == 404
    assert not DesignAttempt.objects.exists()


def test_an_archived_catalogue_prompt_is_404(alice_client):
    PracticePrompt.objects.filter(slug=PROMPT).update(is_archived=True)

    assert alice_client.get(PAGE).status_code == 404
    assert _save(alice_client).status_code == 404


def test_a_strangers_session_is_404(alice_client, bob):
    attempt = DesignAttemptFactory(user=bob, prompt=PracticePrompt.objects.get(slug=PROMPT))

    response = alice_client.get(reverse("prep:attempt-detail", args=[attempt.pk]))

    assert response.status_code == 404


ANONYMOUS = [
    ("get", PAGE),
    ("post", _stage_url(CLARIFY)),
    ("post", TIMER),
    ("get", CREATE),
    ("post", CREATE),
    ("get", reverse("prep:attempt-detail", args=[1])),
]


@pytest.mark.parametrize(("method", "url"), ANONYMOUS)
def test_anonymous_visitor_is_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url, {"action": "start"} if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert not DesignAttempt.objects.exists()


def test_anonymous_htmx_save_gets_a_full_page_redirect_to_log_in(client):
    response = _save(client, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={PAGE}"
    assert not StageWork.objects.exists()


WRONG_METHOD = [
    ("post", PAGE),
    ("get", _stage_url(CLARIFY)),
    ("get", TIMER),
    ("put", CREATE),
    ("post", reverse("prep:attempt-detail", args=[1])),
]


@pytest.mark.parametrize(("method", "url"), WRONG_METHOD)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "alice"])
def test_wrong_method_is_405(client, alice, method, url, logged_in):
    if logged_in:
        client.force_login(alice)

    assert getattr(client, method)(url).status_code == 405


# --- Concurrency and query budgets ------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_stage_share_one_attempt_and_one_row(alice):
    threads_count = 6
    clients = logged_in_clients(alice, threads_count)

    def save(i: int) -> int:
        return _save(clients[i], notes=f"Tab {i}.").status_code

    results = run_in_threads(save, threads_count)

    assert results == [302] * threads_count
    assert DesignAttempt.objects.filter(user=alice).count() == 1
    work = StageWork.objects.get()
    assert work.notes in {f"Tab {i}." for i in range(threads_count)}


@pytest.mark.parametrize("sessions", [1, 30])
def test_prompt_page_query_budget_is_the_same_with_one_or_thirty_sessions(
    alice_client, alice, django_assert_max_num_queries, sessions
):
    prompt = PracticePrompt.objects.get(slug=PROMPT)
    stages = list(DesignStage.objects.active())
    for n in range(sessions):
        ended = timezone.now() - timedelta(days=n + 1)
        attempt = DesignAttemptFactory(
            user=alice, prompt=prompt, started_at=ended - timedelta(minutes=45), ended_at=ended
        )
        for stage in stages:
            StageWorkFactory(attempt=attempt, stage=stage, rating=1 + n % 5)
    open_attempt = DesignAttemptFactory(user=alice, prompt=prompt, started_at=timezone.now())
    for stage in stages:
        StageWorkFactory(attempt=open_attempt, stage=stage, notes="Some **notes**.")

    with django_assert_max_num_queries(PROMPT_PAGE_QUERIES):
        page = _page(alice_client)

    assert page.count("Open session of") == min(sessions, 20)


def test_deleting_an_account_takes_its_own_practised_prompts_with_it(alice_client, alice):
    alice_client.post(CREATE, {"title": "Design Reels ranking", "brief": "Rank short videos."})
    prompt = PracticePrompt.objects.get(owner=alice)
    _save(alice_client, prompt=prompt.slug)

    response = alice_client.post(
        reverse("prep:account-delete"), {"password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert not PracticePrompt.objects.filter(pk=prompt.pk).exists()
    assert not DesignAttempt.objects.filter(user_id=alice.pk).exists()


def test_a_catalogue_prompt_with_attempts_cannot_be_deleted(alice_client):
    _save(alice_client)
    prompt = PracticePrompt.objects.get(slug=PROMPT)

    with pytest.raises(RestrictedError):
        prompt.delete()


def test_a_session_past_its_45_minutes_says_time_is_up(alice_client, alice):
    DesignAttemptFactory(
        user=alice,
        prompt=PracticePrompt.objects.get(slug=PROMPT),
        started_at=timezone.now() - timedelta(minutes=50),
    )

    page = alice_client.get(PAGE).content.decode()

    assert re.search(r'<section id="timer" class="card timer overtime"', page)
    assert re.search(r"Time is up: 5:0\d over\.", page)


def test_a_session_within_its_time_says_nothing_is_up(alice_client, alice):
    DesignAttemptFactory(
        user=alice,
        prompt=PracticePrompt.objects.get(slug=PROMPT),
        started_at=timezone.now() - timedelta(minutes=10),
    )

    page = alice_client.get(PAGE).content.decode()

    assert "Time is up" not in page
    assert 'class="card timer"' in page

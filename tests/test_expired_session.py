"""A session that ends while the user is working: nothing is lost silently.

A change posted after the session ended is not saved, and the user is told so on the login page;
the login sends them back to the page they were on (never to an address that answers POST only);
text typed into a notes form waits for them on that page, unsaved, to save.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from prep.http import STASH_KEY, STASH_MAX_CHARS
from prep.models import (
    BreadthAnswer,
    BreadthQuestion,
    DesignStage,
    FocusArea,
    PracticePrompt,
    ProblemProgress,
    StageWork,
    Story,
)
from tests.conftest import PASSWORD
from tests.factories import StoryFactory

PAGE = reverse("prep:problem-detail", args=["two-sum"])
SAVE_NOTES = reverse("prep:problem-progress", args=["two-sum"])
NOTES = "Hash map from value to index; one pass.\n\nWatch the duplicate case."
FORM = {"confidence": "", "minutes_spent": "0", "notes": NOTES}


def _from(page: str) -> dict:
    return {"HTTP_REFERER": f"http://testserver{page}"}


def _htmx(page: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _next(response) -> str:
    location = response["HX-Redirect"] if "HX-Redirect" in response else response["Location"]
    parts = urlsplit(location)
    assert parts.path == reverse("login")
    return parse_qs(parts.query)["next"][0]


def _warnings(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _area() -> str:
    return FocusArea.objects.active().first().slug


def _log_in(client: Client, alice, next_page: str):
    return client.post(
        reverse("login"), {"username": alice.username, "password": PASSWORD, "next": next_page}
    )


# --- Plain forms -----------------------------------------------------------------------------


def test_saving_notes_after_the_session_ended_leads_to_login_and_back_to_the_page(client, alice):
    response = client.post(SAVE_NOTES, FORM, **_from(PAGE))

    assert response.status_code == 302
    assert _next(response) == PAGE
    assert not ProblemProgress.objects.exists()
    assert any("not saved yet" in text for text in _warnings(response))


def test_the_login_page_says_what_happened(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))

    page = client.get(reverse("login") + f"?next={PAGE}").content.decode()

    assert "Your session had ended, so what you typed was not saved yet" in page


def test_after_logging_in_the_notes_are_back_in_the_form_and_unsaved(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))

    response = _log_in(client, alice, PAGE)
    assert response["Location"] == PAGE
    page = client.get(PAGE).content.decode()

    assert "Hash map from value to index; one pass." in page
    assert "It is not saved yet" in page
    assert "data-draft-unsaved" in page
    assert not ProblemProgress.objects.exists()


def test_the_kept_notes_come_back_once_only(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))
    _log_in(client, alice, PAGE)
    client.get(PAGE)

    again = client.get(PAGE).content.decode()

    assert "Hash map from value to index" not in again
    assert "data-draft-unsaved" not in again


def test_saving_the_restored_notes_saves_them(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))
    _log_in(client, alice, PAGE)
    client.get(PAGE)

    client.post(SAVE_NOTES, FORM)

    assert ProblemProgress.objects.get(user=alice).notes == NOTES


def test_kept_notes_are_not_put_into_another_problems_form(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))
    _log_in(client, alice, PAGE)

    other = client.get(reverse("prep:problem-detail", args=["valid-anagram"])).content.decode()

    assert "Hash map from value to index" not in other
    assert STASH_KEY in client.session


def test_a_stranger_logging_in_on_the_same_browser_gets_the_text_in_their_own_form_only(
    client, alice, charlie
):
    """The text lives in the browser's session; whoever logs in next sees it in the form (not
    saved to anyone). It is what that browser typed, so this is no leak between accounts."""
    client.post(SAVE_NOTES, FORM, **_from(PAGE))
    _log_in(client, charlie, PAGE)

    client.get(PAGE)

    assert not ProblemProgress.objects.exists()


def test_without_a_referer_the_login_goes_to_the_page_that_shows_the_form(client, alice):
    response = client.post(SAVE_NOTES, FORM)

    assert _next(response) == PAGE


def test_without_a_referer_a_tick_leads_to_the_home_page(client, alice):
    response = client.post(reverse("prep:problem-status"), {"problem": "two-sum"})

    assert _next(response) == "/"


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/problems/two-sum/",
        "//evil.example/",
        "javascript:alert(1)",
        "http://testserver/no/such/page/",
        "http://testserver/accounts/login/",
    ],
    ids=["other-host", "scheme-relative", "javascript", "unknown-path", "login-page"],
)
def test_a_referer_that_is_not_a_page_of_the_site_is_not_used(client, alice, referer):
    response = client.post(SAVE_NOTES, FORM, HTTP_REFERER=referer)

    assert response.status_code == 302
    assert _next(response) == PAGE


def test_a_plain_tick_is_not_kept_and_the_message_says_it_was_not_saved(client, alice):
    page = reverse("prep:list-detail", args=["neetcode-150"])
    response = client.post(
        reverse("prep:problem-status"),
        {"problem": "two-sum", "status": "solved", "next": page},
        **_from(page),
    )

    assert _next(response) == page
    assert STASH_KEY not in client.session
    assert any("your last change was not saved" in text for text in _warnings(response))
    assert not ProblemProgress.objects.exists()


def test_an_empty_form_is_not_kept_and_the_message_says_nothing_was_saved(client, alice):
    response = client.post(SAVE_NOTES, {"notes": "   "}, **_from(PAGE))

    assert STASH_KEY not in client.session
    assert any("your last change was not saved" in text for text in _warnings(response))


def test_an_oversized_body_is_not_kept(client, alice):
    client.post(SAVE_NOTES, {**FORM, "notes": "x" * (STASH_MAX_CHARS + 1)}, **_from(PAGE))

    assert STASH_KEY not in client.session


def test_a_story_typed_after_the_session_ended_comes_back_in_the_new_story_form(
    client, alice, catalog
):
    new_story = reverse("prep:story-create")
    client.post(
        new_story,
        {"title": "Shipped the ranking rewrite", "situation": "Latency doubled."},
        **_from(new_story),
    )
    _log_in(client, alice, new_story)

    page = client.get(new_story).content.decode()

    assert "Shipped the ranking rewrite" in page
    assert "Latency doubled." in page
    assert not Story.objects.exists()


def test_a_saved_story_tells_the_browser_to_forget_its_draft(alice_client, alice, catalog):
    story = StoryFactory(user=alice, title="Old title")

    response = alice_client.post(
        reverse("prep:story-edit", args=[story.pk]),
        {"title": "New title", "focus_areas": [_area()], "state": Story.State.DRAFTED},
        follow=True,
    )

    assert f'data-saved-draft="story:{story.pk}"' in response.content.decode()


def test_a_new_story_saved_forgets_the_new_story_draft(alice_client, catalog):
    response = alice_client.post(
        reverse("prep:story-create"),
        {"title": "A story", "focus_areas": [_area()], "state": Story.State.DRAFTED},
        follow=True,
    )

    assert 'data-saved-draft="story:new"' in response.content.decode()


def test_stage_notes_posted_after_the_session_ended_come_back_in_their_stage(
    client, alice, catalog
):
    prompt = PracticePrompt.objects.active().filter(owner=None).first()
    stages = list(DesignStage.objects.active()[:2])
    page = prompt.get_absolute_url()
    action = reverse("prep:stage-work", args=[prompt.slug, stages[1].slug])
    client.post(action, {f"{stages[1].slug}-notes": "Offline metric: NDCG@10."}, **_from(page))
    _log_in(client, alice, page)

    html = client.get(page).content.decode()

    assert "Offline metric: NDCG@10." in html
    assert html.count("data-draft-unsaved") == 1
    assert not StageWork.objects.exists()


# --- htmx ------------------------------------------------------------------------------------


def test_an_htmx_tick_after_the_session_ended_is_reported_as_not_saved(client, alice):
    page = reverse("prep:list-detail", args=["neetcode-150"])

    response = client.post(
        reverse("prep:problem-status"),
        {"problem": "two-sum", "status": "solved", "list": "neetcode-150"},
        **_htmx(page),
    )

    assert response.status_code == 200
    assert _next(response) == page
    assert not ProblemProgress.objects.exists()
    login_page = client.get(response["HX-Redirect"]).content.decode()
    assert "your last change was not saved" in login_page


def test_an_htmx_save_of_stage_notes_goes_back_to_the_prompt_page(client, alice, catalog):
    prompt = PracticePrompt.objects.active().filter(owner=None).first()
    stage = DesignStage.objects.active().first()
    page = prompt.get_absolute_url()

    response = client.post(
        reverse("prep:stage-work", args=[prompt.slug, stage.slug]),
        {f"{stage.slug}-notes": "Clarify: is following one-way?"},
        **_htmx(page),
    )

    assert _next(response) == page
    assert not StageWork.objects.exists()


def test_an_anonymous_get_still_goes_to_login_with_its_own_address(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert _next(response) == PAGE


# --- Logged out in another tab: the CSRF token changed ----------------------------------------


def test_a_form_posted_after_logging_out_elsewhere_leads_to_login_not_a_bare_403(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("login"))  # A CSRF cookie, as the old page had.

    response = browser.post(SAVE_NOTES, {**FORM, "csrfmiddlewaretoken": "stale"}, **_from(PAGE))

    assert response.status_code == 302
    assert _next(response) == PAGE
    assert STASH_KEY not in browser.session  # No valid token: the text is not trusted.
    assert not ProblemProgress.objects.exists()


def test_a_csrf_failure_while_logged_in_is_still_a_403(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post(SAVE_NOTES, {**FORM, "csrfmiddlewaretoken": "stale"})

    assert response.status_code == 403
    assert not ProblemProgress.objects.exists()


def test_a_csrf_failure_on_the_sign_up_form_is_still_a_403(db):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("signup"), {"username": "x", "csrfmiddlewaretoken": "stale"})

    assert response.status_code == 403


def test_a_head_request_does_not_use_up_the_kept_text(client, alice):
    client.post(SAVE_NOTES, FORM, **_from(PAGE))
    _log_in(client, alice, PAGE)

    client.head(PAGE)

    assert "Hash map from value to index; one pass." in client.get(PAGE).content.decode()


def test_an_ml_breadth_answer_typed_after_the_session_ended_comes_back(client, alice, catalog):
    question = BreadthQuestion.objects.active().first()
    page = reverse("prep:breadth-detail", args=[question.slug])
    answer = "Bias is error from wrong assumptions; variance from sensitivity to the sample."

    response = client.post(reverse("prep:breadth-notes", args=[question.slug]), {"notes": answer})

    assert _next(response) == page  # No Referer: the page that shows the form.
    assert _log_in(client, alice, page)["Location"] == page
    assert answer in client.get(page).content.decode()
    assert not BreadthAnswer.objects.exists()

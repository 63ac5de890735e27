"""A candidate's own ML design prompts: editing and deleting them, their length limits, and the
ML design page that lists them (the prompts first, the stages one link away)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from prep.models import DesignAttempt, DesignStage, PracticePrompt
from prep.timers import DESIGN_INTRO, DESIGN_QUESTIONS
from tests.factories import DesignAttemptFactory, PracticePromptFactory

pytestmark = pytest.mark.usefixtures("catalog")

ML_DESIGN = reverse("prep:ml-design")
CREATE = reverse("prep:prompt-create")
CATALOGUE_PROMPT = "people-you-may-follow"
TITLE = "Design spam detection for WhatsApp"
BRIEF = "Billions of messages a day, most of them end-to-end encrypted."


def _edit(slug: str) -> str:
    return reverse("prep:prompt-edit", args=[slug])


def _delete(slug: str) -> str:
    return reverse("prep:prompt-delete", args=[slug])


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def alices_prompt(alice) -> PracticePrompt:
    return PracticePromptFactory(owner=alice, slug="alices-prompt", title=TITLE, brief=BRIEF)


@pytest.fixture
def bobs_prompt(bob) -> PracticePrompt:
    return PracticePromptFactory(owner=bob, slug="bobs-prompt", title="Bob's own prompt")


# --- The ML design page -----------------------------------------------------------------------


def test_the_prompts_come_first_and_the_stages_are_one_link_away(alice_client):
    page = _page(alice_client, ML_DESIGN)

    assert page.index('id="prompts-title"') < page.index('id="stages-title"')
    assert page.index('href="#stages-title"') < page.index('id="prompts-title"')
    assert "Read the 7 stages first" in page


def test_every_stage_keeps_its_studied_toggle_as_a_plain_form_and_for_htmx(alice_client):
    page = _page(alice_client, ML_DESIGN)

    toggle = reverse("prep:stage-studied")
    for stage in DesignStage.objects.active():
        assert f'value="{stage.slug}"' in page
    assert page.count(f'action="{toggle}"') == DesignStage.objects.active().count()
    assert page.count(f'hx-post="{toggle}"') == DesignStage.objects.active().count()


def test_the_round_length_comes_from_the_stages(alice_client):
    DesignStage.objects.filter(slug="serving").update(minutes=10)
    stages = sum(stage.minutes for stage in DesignStage.objects.active())
    # The stages, with the introduction before them and your questions after.
    total = stages + (DESIGN_INTRO["seconds"] + DESIGN_QUESTIONS["seconds"]) // 60

    page = _page(alice_client, ML_DESIGN)

    assert f"A {total}-minute round" in page


def test_own_prompts_are_listed_with_an_edit_link_and_catalogue_prompts_without(
    alice_client, alices_prompt
):
    page = _page(alice_client, ML_DESIGN)

    assert f'href="{_edit(alices_prompt.slug)}"' in page
    assert f'aria-label="Edit {TITLE}"' in page
    assert page.count('aria-label="Edit ') == 1


def test_a_strangers_prompt_is_not_listed(alice_client, bobs_prompt):
    page = _page(alice_client, ML_DESIGN)

    assert "Bob&#x27;s own prompt" not in page
    assert "None yet." in page


def test_the_prompt_page_links_to_editing_only_for_its_owner(alice_client, alices_prompt):
    own = _page(alice_client, alices_prompt.get_absolute_url())
    catalogue = _page(alice_client, reverse("prep:prompt-detail", args=[CATALOGUE_PROMPT]))

    assert f'href="{_edit(alices_prompt.slug)}"' in own
    assert "Edit or delete this prompt" in own
    assert "Edit or delete this prompt" not in catalogue


# --- Editing ----------------------------------------------------------------------------------


def test_the_edit_form_shows_the_prompt_as_saved(alice_client, alices_prompt):
    page = _page(alice_client, _edit(alices_prompt.slug))

    assert f'value="{TITLE}"' in page
    assert BRIEF in page
    assert "Up to 120 characters." in page
    assert "Up to 4,000 characters" in page


def test_editing_saves_the_title_and_brief_and_keeps_the_address(alice_client, alices_prompt):
    response = alice_client.post(
        _edit(alices_prompt.slug), {"title": "Design spam detection", "brief": "Short brief."}
    )

    assert response.status_code == 302
    assert response["Location"] == alices_prompt.get_absolute_url()
    alices_prompt.refresh_from_db()
    assert (alices_prompt.slug, alices_prompt.title, alices_prompt.brief) == (
        "alices-prompt",
        "Design spam detection",
        "Short brief.",
    )
    page = _page(alice_client, alices_prompt.get_absolute_url())
    assert "Saved your changes to “Design spam detection”." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "x" * 121}, "Keep the title to 120 characters; it has 121."),
        ({"brief": "y" * 4_001}, "Keep the brief to 4000 characters; it has 4001."),
        ({"title": ""}, "Give the prompt a title"),
        ({"title": "   "}, "Give the prompt a title"),
        ({"brief": ""}, "Write a short brief"),
    ],
    ids=["long-title", "long-brief", "no-title", "blank-title", "no-brief"],
)
def test_bad_edits_answer_400_with_a_message_and_change_nothing(
    alice_client, alices_prompt, fields, message
):
    response = alice_client.post(
        _edit(alices_prompt.slug), {"title": "A new title", "brief": "A new brief.", **fields}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Nothing was saved" in page
    # The heading still names the prompt as it is saved.
    assert f"Edit “{TITLE}”" in page
    alices_prompt.refresh_from_db()
    assert (alices_prompt.title, alices_prompt.brief) == (TITLE, BRIEF)


def test_titles_and_briefs_at_the_limits_are_accepted(alice_client, alices_prompt):
    response = alice_client.post(
        _edit(alices_prompt.slug), {"title": "x" * 120, "brief": "y" * 4_000}
    )

    assert response.status_code == 302
    alices_prompt.refresh_from_db()
    assert len(alices_prompt.title) == 120
    assert len(alices_prompt.brief) == 4_000


def test_a_new_prompt_has_the_same_limits(alice_client, alice):
    response = alice_client.post(CREATE, {"title": "x" * 121, "brief": "Something."})

    assert response.status_code == 400
    assert "Keep the title to 120 characters; it has 121." in response.content.decode()
    assert not PracticePrompt.objects.filter(owner=alice).exists()


# --- Deleting ---------------------------------------------------------------------------------


def test_the_edit_page_asks_before_deleting_with_javascript_on(alice_client, alices_prompt):
    page = _page(alice_client, _edit(alices_prompt.slug))

    assert f'action="{_delete(alices_prompt.slug)}"' in page
    assert f'data-confirm="Delete “{TITLE}”? This cannot be undone."' in page


def test_deleting_asks_first_and_deletes_nothing_until_confirmed(alice_client, alices_prompt):
    response = alice_client.post(_delete(alices_prompt.slug))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Delete “{TITLE}”?" in html
    assert "no design sessions on it" in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert PracticePrompt.objects.filter(pk=alices_prompt.pk).exists()


def test_a_confirmed_delete_removes_the_prompt(alice_client, alices_prompt):
    response = alice_client.post(_delete(alices_prompt.slug), {"confirmed": "yes"})

    assert response.status_code == 302
    assert response["Location"] == ML_DESIGN
    assert not PracticePrompt.objects.filter(pk=alices_prompt.pk).exists()
    page = _page(alice_client, ML_DESIGN)
    assert f"Deleted “{TITLE}”." in page
    assert alice_client.get(alices_prompt.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("confirmed", [{}, {"confirmed": "yes"}], ids=["asked", "confirmed"])
def test_a_practised_prompt_is_kept_with_its_sessions(
    alice_client, alice, alices_prompt, confirmed
):
    DesignAttemptFactory(user=alice, prompt=alices_prompt, ended_at=timezone.now())
    DesignAttemptFactory(user=alice, prompt=alices_prompt)

    response = alice_client.post(_delete(alices_prompt.slug), confirmed, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(alices_prompt.get_absolute_url(), 302)]
    assert "was not deleted" in page
    assert "2 design sessions" in page
    assert PracticePrompt.objects.filter(pk=alices_prompt.pk).exists()
    assert DesignAttempt.objects.filter(prompt=alices_prompt).count() == 2


def test_the_edit_page_of_a_practised_prompt_says_it_stays_and_offers_no_delete(
    alice_client, alice, alices_prompt
):
    DesignAttemptFactory(user=alice, prompt=alices_prompt)

    page = _page(alice_client, _edit(alices_prompt.slug))

    assert "1 design session)" in page
    assert "cannot be deleted" in page
    assert f'action="{_delete(alices_prompt.slug)}"' not in page


# --- Who may do what --------------------------------------------------------------------------


def test_a_strangers_prompt_is_404_to_edit_or_delete(alice_client, bobs_prompt):
    assert alice_client.get(_edit(bobs_prompt.slug)).status_code == 404
    response = alice_client.post(_edit(bobs_prompt.slug), {"title": "Mine", "brief": "Mine."})
    assert response.status_code == 404
    assert alice_client.post(_delete(bobs_prompt.slug), {"confirmed": "yes"}).status_code == 404

    bobs_prompt.refresh_from_db()
    assert bobs_prompt.title == "Bob's own prompt"


def test_a_catalogue_prompt_is_404_to_edit_or_delete(alice_client):
    prompt = PracticePrompt.objects.get(slug=CATALOGUE_PROMPT)

    assert alice_client.get(_edit(CATALOGUE_PROMPT)).status_code == 404
    response = alice_client.post(_edit(CATALOGUE_PROMPT), {"title": "Mine", "brief": "Mine."})
    assert response.status_code == 404
    assert alice_client.post(_delete(CATALOGUE_PROMPT), {"confirmed": "yes"}).status_code == 404

    assert PracticePrompt.objects.get(slug=CATALOGUE_PROMPT).title == prompt.title


@pytest.mark.parametrize(
    ("method", "name"), [("get", "prompt-edit"), ("post", "prompt-edit"), ("post", "prompt-delete")]
)
def test_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(
    client, alices_prompt, method, name
):
    url = reverse(f"prep:{name}", args=[alices_prompt.slug])

    response = getattr(client, method)(
        url, {"title": "Changed", "brief": "Changed.", "confirmed": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    alices_prompt.refresh_from_db()
    assert alices_prompt.title == TITLE


@pytest.mark.parametrize(("method", "name"), [("put", "prompt-edit"), ("get", "prompt-delete")])
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "alice"])
def test_wrong_method_is_405(client, alice, alices_prompt, method, name, logged_in):
    if logged_in:
        client.force_login(alice)

    url = reverse(f"prep:{name}", args=[alices_prompt.slug])

    assert getattr(client, method)(url).status_code == 405
    assert PracticePrompt.objects.filter(pk=alices_prompt.pk).exists()

"""Ticking Learn card chapters, whole cards and ML system design stages."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from prep.models import (
    CardDone,
    ChapterDone,
    Company,
    DesignStage,
    LearnCard,
    LearnChapter,
    StageStudied,
)
from tests.factories import ChapterDoneFactory, LearnCardFactory, ProfileFactory

pytestmark = pytest.mark.usefixtures("catalog")

CHAPTER_URL = reverse("prep:chapter-done")
CARD_URL = reverse("prep:card-done")
STAGE_URL = reverse("prep:stage-studied")
LEARN = reverse("prep:learn-cards")
ML_DESIGN = reverse("prep:ml-design")


def _htmx(page: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def _chapters(card_slug: str = "fun-with-arrays") -> list[LearnChapter]:
    return list(LearnChapter.objects.filter(card__slug=card_slug).order_by("position"))


def _tick_chapter(client, chapter: LearnChapter, done: str = "1", **headers):
    return client.post(CHAPTER_URL, {"chapter": chapter.pk, "done": done, "next": LEARN}, **headers)


def _tick_stage(client, slug: str = "clarify-requirements", done: str = "1", **headers):
    return client.post(STAGE_URL, {"stage": slug, "done": done, "next": ML_DESIGN}, **headers)


def _counts() -> tuple[int, int, int]:
    return ChapterDone.objects.count(), CardDone.objects.count(), StageStudied.objects.count()


@pytest.fixture
def bare_card() -> LearnCard:
    """A Learn card with no chapter data, ticked as a whole."""
    return LearnCardFactory(slug="recursion-i", name="Recursion I")


# --- Chapters ---------------------------------------------------------------------------------


def test_ticking_a_chapter_records_it_and_redirects_back_to_its_card(alice_client, alice):
    chapter = _chapters()[0]

    response = _tick_chapter(alice_client, chapter)

    assert response.status_code == 302
    assert response["Location"] == f"{LEARN}#card-fun-with-arrays"
    assert ChapterDone.objects.get().chapter == chapter
    assert ChapterDone.objects.get().user == alice


def test_ticking_a_chapter_twice_keeps_one_row(alice_client):
    chapter = _chapters()[0]

    _tick_chapter(alice_client, chapter)
    response = _tick_chapter(alice_client, chapter)

    assert response.status_code == 302
    assert ChapterDone.objects.count() == 1


def test_unticking_a_chapter_removes_it_and_repeating_is_harmless(alice_client):
    chapter = _chapters()[0]
    _tick_chapter(alice_client, chapter)

    _tick_chapter(alice_client, chapter, done="0")
    response = _tick_chapter(alice_client, chapter, done="0")

    assert response.status_code == 302
    assert ChapterDone.objects.count() == 0


def test_learn_page_shows_chapters_done_and_the_card_count(alice_client):
    first, second, *_ = _chapters()
    _tick_chapter(alice_client, first)

    html = alice_client.get(LEARN).content.decode()

    card = re.search(r'<li class="card" id="card-fun-with-arrays">.*?</li>\s*</ol>', html, re.S)
    assert "1 of 6 chapters" in card.group(0)
    assert f"{first.name} (Arrays 101): done, mark not done" in html
    assert f"{second.name} (Arrays 101): mark done" in html
    assert "<strong>0 of 11 cards done.</strong>" in html


def test_a_card_is_done_when_all_its_chapters_are(alice_client):
    chapters = _chapters()
    for chapter in chapters[:-1]:
        _tick_chapter(alice_client, chapter)
    assert "<strong>0 of 11 cards done.</strong>" in alice_client.get(LEARN).content.decode()

    _tick_chapter(alice_client, chapters[-1])

    html = alice_client.get(LEARN).content.decode()
    card = LearnCard.objects.get(slug="fun-with-arrays")
    assert re.search(rf'<span id="card-count-{card.pk}"[^>]*>Done</span>', html)
    assert "<strong>1 of 11 cards done.</strong>" in html


def test_an_archived_chapter_does_not_hold_its_card_back(alice_client):
    *kept, archived = _chapters()
    for chapter in kept:
        _tick_chapter(alice_client, chapter)

    LearnChapter.objects.filter(pk=archived.pk).update(is_archived=True)

    assert "<strong>1 of 11 cards done.</strong>" in alice_client.get(LEARN).content.decode()


def test_htmx_chapter_tick_from_the_learn_page_returns_the_toggle_and_the_card_count(
    alice_client,
):
    chapter = _chapters()[0]

    response = _tick_chapter(alice_client, chapter, **_htmx(LEARN))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<nav" not in html
    assert html.lstrip().startswith("<form")
    assert 'aria-pressed="true"' in html
    assert '<input type="hidden" name="done" value="0">' in html
    assert re.search(
        rf'<span id="card-count-{chapter.card_id}"[^>]*hx-swap-oob="true"[^>]*>1 of 6 chapters<',
        html,
    )
    assert re.search(r'<p id="cards-done" hx-swap-oob="true"><strong>0 of 11 cards done', html)
    assert "HX-Trigger" not in response  # No event that nothing on the page listens for.


def test_htmx_chapter_tick_from_the_dashboard_refreshes_its_panels(alice_client, alice_e5):
    chapter = _chapters()[0]
    assert chapter.name in alice_client.get("/dashboard/").content.decode()  # first in "Next up"

    response = _tick_chapter(alice_client, chapter, **_htmx("/dashboard/"))

    html = response.content.decode()
    assert response["HX-Retarget"] == "#dashboard-panels"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<div id="dashboard-panels"')
    assert '<section id="readiness"' in html
    assert "<nav" not in html
    assert "card-count" not in html
    # The ticked chapter leaves "Next up", and the Learn cards bar counts it.
    next_up = re.search(r'<ol class="next-up">.*?</ol>', html, re.S).group(0)
    assert f"{chapter.name} ({chapter.card.name}): mark done" not in next_up
    assert _chapters()[1].name in next_up


# --- Whole cards ------------------------------------------------------------------------------


def test_a_card_without_chapters_is_ticked_as_a_whole(alice_client, alice, bare_card):
    html = alice_client.get(LEARN).content.decode()
    assert "Recursion I card: mark done" in html
    assert "<strong>0 of 12 cards done.</strong>" in html

    response = alice_client.post(CARD_URL, {"card": "recursion-i", "done": "1", "next": LEARN})

    assert response.status_code == 302
    assert response["Location"] == f"{LEARN}#card-recursion-i"
    assert CardDone.objects.get().user == alice
    html = alice_client.get(LEARN).content.decode()
    assert "Recursion I card: done, mark not done" in html
    assert "<strong>1 of 12 cards done.</strong>" in html


def test_card_tick_is_idempotent_both_ways(alice_client, bare_card):
    for _ in range(2):
        alice_client.post(CARD_URL, {"card": "recursion-i", "done": "1"})
    assert CardDone.objects.count() == 1

    for _ in range(2):
        alice_client.post(CARD_URL, {"card": "recursion-i", "done": "0"})
    assert CardDone.objects.count() == 0


def test_htmx_card_tick_from_the_learn_page_returns_the_toggle_and_the_card_count(
    alice_client, bare_card
):
    response = alice_client.post(CARD_URL, {"card": "recursion-i", "done": "1"}, **_htmx(LEARN))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Recursion I card: done, mark not done" in html
    assert re.search(
        rf'<span id="card-count-{bare_card.pk}"[^>]*hx-swap-oob="true"[^>]*>Done<', html
    )
    assert re.search(r'<p id="cards-done" hx-swap-oob="true"><strong>1 of 12 cards done', html)


# --- Design stages ----------------------------------------------------------------------------


def test_studying_a_stage_records_it_and_redirects_back_to_the_stage(alice_client, alice):
    response = _tick_stage(alice_client)

    assert response.status_code == 302
    assert response["Location"] == f"{ML_DESIGN}#stage-clarify-requirements"
    assert StageStudied.objects.get().user == alice
    assert StageStudied.objects.get().stage.slug == "clarify-requirements"


def test_ml_design_page_shows_which_stages_the_user_studied(alice_client, charlie, client):
    _tick_stage(alice_client)

    html = alice_client.get(ML_DESIGN).content.decode()
    client.force_login(charlie)  # alice_client is this same client, now charlie's
    strangers = client.get(ML_DESIGN).content.decode()

    assert "<h1>ML system design</h1>" in html
    assert 'stages-studied">1 of 7 stages studied.</strong>' in html
    assert "Clarify requirements: studied, mark not studied" in html
    assert html.count(': mark studied"') == 6
    assert 'stages-studied">0 of 7 stages studied.</strong>' in strangers
    assert "studied, mark not studied" not in strangers


def test_studying_a_stage_twice_keeps_one_row_and_unstudying_removes_it(alice_client):
    _tick_stage(alice_client)
    _tick_stage(alice_client)
    assert StageStudied.objects.count() == 1

    _tick_stage(alice_client, done="0")
    _tick_stage(alice_client, done="0")
    assert StageStudied.objects.count() == 0


def test_studying_a_stage_raises_ml_system_design_readiness(alice_client, alice_e5):
    html = alice_client.get("/dashboard/").content.decode()
    assert '<dd id="ml-design-readiness">0%</dd>' in html

    _tick_stage(alice_client)

    # A stage only marked studied scores 1 of 5 points; 1 of 7 stages: 1/35, shown as 3%.
    html = alice_client.get("/dashboard/").content.decode()
    assert '<dd id="ml-design-readiness">3%</dd>' in html
    assert re.search(r'<span class="percent" data-round="ml_design">3%</span>', html)


def test_every_stage_studied_makes_ml_system_design_20_percent_ready(alice_client, alice_e5):
    for stage in DesignStage.objects.active():
        _tick_stage(alice_client, stage.slug)

    html = alice_client.get("/dashboard/").content.decode()

    assert '<dd id="ml-design-readiness">20%</dd>' in html


def test_unstudying_a_stage_lowers_readiness_again(alice_client, alice_e5):
    _tick_stage(alice_client)
    _tick_stage(alice_client, done="0")

    assert (
        '<dd id="ml-design-readiness">0%</dd>' in alice_client.get("/dashboard/").content.decode()
    )


def test_htmx_stage_tick_from_the_dashboard_sends_the_new_readiness(alice_client, alice_e5):
    response = _tick_stage(alice_client, **_htmx("/dashboard/"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<nav" not in html
    assert response["HX-Retarget"] == "#dashboard-panels"
    assert '<section id="readiness"' in html
    assert '<dd id="ml-design-readiness">3%</dd>' in html


def test_htmx_stage_tick_from_the_ml_design_page_sends_the_toggle_and_the_count(alice_client):
    response = _tick_stage(alice_client, **_htmx(ML_DESIGN))

    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "Clarify requirements: studied, mark not studied" in html
    assert re.search(r'<strong id="stages-studied" hx-swap-oob="true">1 of 7 stages studied', html)
    assert "readiness" not in html


# --- Strangers --------------------------------------------------------------------------------


def test_a_strangers_ticks_never_change_alices(alice_client, alice, charlie, client, bare_card):
    chapter = _chapters()[0]
    _tick_chapter(alice_client, chapter)
    _tick_stage(alice_client)
    alice_client.post(CARD_URL, {"card": "recursion-i", "done": "1"})
    client.force_login(charlie)

    _tick_chapter(client, chapter, done="0")
    _tick_stage(client, done="0")
    client.post(CARD_URL, {"card": "recursion-i", "done": "0"})

    assert ChapterDone.objects.filter(user=alice, chapter=chapter).exists()
    assert StageStudied.objects.filter(user=alice).count() == 1
    assert CardDone.objects.filter(user=alice).count() == 1


def test_a_stranger_sees_none_of_alices_ticks(alice, charlie, client):
    ChapterDoneFactory(user=alice, chapter=_chapters()[0])
    StageStudied.objects.create(user=alice, stage=DesignStage.objects.get(position=1))
    ProfileFactory(user=charlie, target_company=Company.objects.get(slug="meta"))
    client.force_login(charlie)

    assert "done, mark not done" not in client.get(LEARN).content.decode()
    html = client.get("/dashboard/").content.decode()
    assert '<dd id="ml-design-readiness">0%</dd>' in html
    assert "Learn cards: 0 of 11 done" in html


# --- Bad input and access ---------------------------------------------------------------------

ENDPOINTS = [
    pytest.param(CHAPTER_URL, id="chapter-done"),
    pytest.param(CARD_URL, id="card-done"),
    pytest.param(STAGE_URL, id="stage-studied"),
]


def _valid(url: str) -> dict:
    if url == CHAPTER_URL:
        return {"chapter": _chapters()[0].pk, "done": "1"}
    if url == CARD_URL:
        return {"card": LearnCardFactory(slug="recursion-i").slug, "done": "1"}
    return {"stage": "clarify-requirements", "done": "1"}


BAD_INPUT = [
    pytest.param(CHAPTER_URL, {"chapter": "99999999"}, "There is no such chapter.", id="chapter"),
    pytest.param(CHAPTER_URL, {"chapter": "abc"}, "There is no such chapter.", id="chapter-abc"),
    pytest.param(CHAPTER_URL, {"done": "maybe"}, "Say 1 for done or 0", id="chapter-maybe"),
    pytest.param(CHAPTER_URL, {"done": ""}, "This field is required.", id="chapter-no-done"),
    pytest.param(CARD_URL, {"card": "no-such-card"}, "There is no such Learn card.", id="card"),
    pytest.param(CARD_URL, {"done": "maybe"}, "Say 1 for done or 0", id="card-maybe"),
    pytest.param(STAGE_URL, {"stage": "no-such"}, "There is no such design stage.", id="stage"),
    pytest.param(STAGE_URL, {"done": "maybe"}, "Say 1 for done or 0", id="stage-maybe"),
]


@pytest.mark.parametrize(("url", "bad", "message"), BAD_INPUT)
def test_bad_input_answers_400_with_a_readable_page_and_saves_nothing(
    alice_client, url, bad, message
):
    data = {**_valid(url), **bad, "next": LEARN}

    response = alice_client.post(url, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved." in html
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(("url", "bad", "message"), BAD_INPUT)
def test_bad_input_over_htmx_answers_400_with_a_fragment_for_the_error_area(
    alice_client, url, bad, message
):
    response = alice_client.post(url, {**_valid(url), **bad}, **_htmx(LEARN))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<html" not in html
    assert "<nav" not in html
    assert response["HX-Retarget"] == "#htmx-errors"
    assert _counts() == (0, 0, 0)


def test_an_archived_chapter_or_stage_cannot_be_ticked(alice_client):
    chapter = _chapters()[0]
    LearnChapter.objects.filter(pk=chapter.pk).update(is_archived=True)
    DesignStage.objects.filter(slug="clarify-requirements").update(is_archived=True)

    assert _tick_chapter(alice_client, chapter).status_code == 400
    assert _tick_stage(alice_client).status_code == 400
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_post_is_sent_to_log_in_and_saves_nothing(client, url):
    response = client.post(url, _valid(url))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_htmx_post_gets_a_full_page_redirect_back_to_the_page(client, url):
    response = client.post(url, _valid(url), **_htmx(LEARN))

    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [LEARN]
    assert b"password" not in response.content
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_get_405_even_when_anonymous(client, alice, url, method):
    assert getattr(client, method)(url).status_code == 405
    client.force_login(alice)
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("url", [LEARN, ML_DESIGN], ids=["learn", "ml-design"])
def test_pages_send_anonymous_visitors_to_log_in_and_refuse_posts(client, url):
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"
    assert client.post(url).status_code == 405

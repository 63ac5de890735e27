"""Sharing progress with a mentor: the candidate's controls in Settings, and what the mentor sees.

alice is the candidate and creates the link; bob is her mentor, an anonymous browser holding it;
charlie is a stranger with an account who must never affect alice's link. The security rules of
the link itself (token, hashing, one 404 page, headers, logs) are in test_share_security.py.
"""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prep.models import (
    SOLVED_STATUSES,
    CardDone,
    ChapterDone,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    MockProblem,
    MockRound,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemProgress,
    ShareLink,
    StageStudied,
    StageWork,
    Status,
    Story,
)
from tests.conftest import PASSWORD
from tests.factories import (
    DesignAttemptFactory,
    ProblemProgressFactory,
    ShareLinkFactory,
    StageWorkFactory,
    StoryFactory,
)
from tests.test_query_budgets import ROW_BUILD_QUERIES

pytestmark = pytest.mark.usefixtures("catalog")

SETTINGS_URL = reverse("prep:settings")
CREATE_URL = reverse("prep:share-link-create")
ROTATE_URL = reverse("prep:share-link-rotate")
REVOKE_URL = reverse("prep:share-link-revoke")
CONFIRMED = {"confirmed": "yes"}
OPTIONS_URL = reverse("prep:share-link-options")
DELETE_URL = reverse("prep:account-delete")
SHARE_ENDPOINTS = [CREATE_URL, ROTATE_URL, REVOKE_URL, OPTIONS_URL]
CANDIDATE_ENDPOINTS = [*SHARE_ENDPOINTS, DELETE_URL]
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/settings/"}

NOT_AVAILABLE = "This link is not available"
# Measured with no progress and with work on everything: the same 29 for the dashboard either
# way (with progress, mock rounds prefetch their problems, +1, while "has a story" is answered
# without a query, -1; a mentor gets no "next up"). It includes the target company's primary
# list and its loop. The list page reads the "Asked at" filter's companies and the candidate's
# target company, whose frequency "Most frequent first" sorts by. Raise a budget only with a
# reason, never to make room for a query per row.
# The mentor also sees the pacing and the activity heatmap: the candidate's plan from what is
# left (Learn, problems, design, stories), reviews ahead, today's work, the week's work per
# round, recent mocks and the heatmap, +17 (company lists and loop come from readiness).
# Measured 32 once the plan read the review cards once, for new work, reviews and today's work,
# 29 once the figures a mentor shares stopped working out "next up", 26 once the plan read
# the activity once for the heatmap, today's work and the week's, 25 once the estimates came
# from the same progress rows as the statuses (the budget was 44); on PostgreSQL one more, which
# counts the heatmap's days itself (coach.activity_days).
# Each view also counts itself against the link's rate limit (prep/ratecount.py), +2: 5 in
# Django's database cache before.
RATE_LIMIT_QUERIES = 2
SHARE_DASHBOARD_QUERIES = 26 + RATE_LIMIT_QUERIES
SHARE_LIST_QUERIES = 8 + RATE_LIMIT_QUERIES  # 15 before


def _options(expiry_days="0", **flags: bool) -> dict:
    return {"expiry_days": expiry_days, **{name: "on" for name, on in flags.items() if on}}


def _issued_token(response) -> str:
    """The token in the read-only "Share link" field of a create or rotate response."""
    field = re.search(
        r'<input id="share-link" type="url" value="([^"]+)"', response.content.decode()
    )
    assert field, "the response shows no Share link field"
    url = html.unescape(field.group(1))
    match = re.fullmatch(r"http://testserver/share/([A-Za-z0-9_-]+)/", url)
    assert match, f"not a share link: {url}"
    return match.group(1)


def _dashboard(token: str) -> str:
    return reverse("prep:share-dashboard", args=[token])


def _list(token: str, slug: str = "neetcode-150") -> str:
    return reverse("prep:share-list", args=[token, slug])


@pytest.fixture
def mentor() -> Client:
    """bob, alice's mentor: a browser with no account and no cookies, holding her link."""
    return Client()


@pytest.fixture
def alice_link(alice, alice_e5) -> ShareLink:
    return ShareLinkFactory(user=alice)


@pytest.fixture
def charlie_client(charlie) -> Client:
    client = Client()
    client.force_login(charlie)
    return client


# The settings page: create, copy, rotate, revoke, expiry and what the link shows


def test_creating_a_link_shows_it_once_in_a_read_only_field_with_a_copy_button(
    alice_client, alice, alice_e5, mentor
):
    response = alice_client.post(CREATE_URL, _options())

    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="share-link">Share link</label>' in page
    assert re.search(r'<input id="share-link" type="url" value="[^"]+" readonly', page)
    assert re.search(
        r'<button type="button"[^>]*data-copy="#share-link"[^>]*>Copy link</button>', page
    )
    token = _issued_token(response)
    assert mentor.get(_dashboard(token)).status_code == 200
    # Only a hash is kept, so the settings page cannot show the link again.
    later = alice_client.get(SETTINGS_URL).content.decode()
    assert token not in later
    assert "Your link is active" in later


def test_settings_page_offers_to_create_a_link_with_the_options(alice_client, alice_e5):
    response = alice_client.get(SETTINGS_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Create share link" in page
    assert re.search(r'<label for="id_expiry_days">Link expires</label>', page)
    for value in ("0", "7", "30", "90"):
        assert f'<option value="{value}"' in page
    for label in (
        "Show my problem notes",
        "Show my ML design write-ups",
        "Show my behavioral stories",
    ):
        assert re.search(
            rf'<input type="checkbox"[^>]*>\s*<label for="id_\w+">{label}</label>', page
        )
    assert "Rotate link" not in page
    assert "Revoke link" not in page


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_link_can_expire_after_7_30_or_90_days(alice_client, alice, alice_e5, days):
    before = timezone.now()

    alice_client.post(CREATE_URL, _options(str(days)))

    link = ShareLink.objects.get(user=alice)
    assert link.expiry_days == days
    assert before + timedelta(days=days) <= link.expires_at <= timezone.now() + timedelta(days=days)
    page = alice_client.get(SETTINGS_URL).content.decode()
    assert f"<dt>Expires</dt><dd>{link.expires_at:%-d %b %Y}</dd>" in page


def test_a_link_can_never_expire(alice_client, alice, alice_e5):
    alice_client.post(CREATE_URL, _options("0"))

    link = ShareLink.objects.get(user=alice)
    assert link.expiry_days == 0
    assert link.expires_at is None
    assert "<dt>Expires</dt><dd>Never</dd>" in alice_client.get(SETTINGS_URL).content.decode()


def test_progress_only_by_default_each_extra_is_off(alice_client, alice, alice_e5):
    alice_client.post(CREATE_URL, _options())

    link = ShareLink.objects.get(user=alice)
    assert (link.shows_notes, link.shows_design_notes, link.shows_stories) == (False,) * 3


@pytest.mark.parametrize("flag", ["shows_notes", "shows_design_notes", "shows_stories"])
def test_each_extra_is_opted_into_separately(alice_client, alice, alice_e5, flag):
    alice_client.post(CREATE_URL, _options(**{flag: True}))

    link = ShareLink.objects.get(user=alice)
    chosen = {
        name: getattr(link, name) for name in ("shows_notes", "shows_design_notes", "shows_stories")
    }
    assert chosen == {name: name == flag for name in chosen}


def test_options_change_what_the_link_shows_and_keep_it_working(
    alice_client, alice, alice_link, mentor
):
    response = alice_client.post(OPTIONS_URL, _options("30", shows_stories=True))

    assert response.status_code == 302
    assert response.url == SETTINGS_URL + "#share"
    link = ShareLink.objects.get(user=alice)
    assert (link.shows_notes, link.shows_design_notes, link.shows_stories) == (False, False, True)
    assert link.expiry_days == 30
    assert link.expires_at > timezone.now() + timedelta(days=29)
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    assert "Sharing options saved." in alice_client.get(SETTINGS_URL).content.decode()


def test_options_can_turn_an_extra_back_off(alice_client, alice, alice_e5):
    link = ShareLinkFactory(user=alice, shows_notes=True, shows_design_notes=True)

    alice_client.post(OPTIONS_URL, _options(shows_design_notes=True))

    link.refresh_from_db()
    assert (link.shows_notes, link.shows_design_notes, link.shows_stories) == (False, True, False)


def test_notes_reach_the_mentor_only_when_the_candidate_shares_them(
    alice_client, alice, alice_link, mentor
):
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(
        user=alice, problem=two_sum, status=Status.SOLVED, notes="Keep a map of complements."
    )

    hidden = mentor.get(_list(alice_link.token)).content.decode()
    alice_client.post(OPTIONS_URL, _options(shows_notes=True))
    shown = mentor.get(_list(alice_link.token)).content.decode()
    alice_client.post(OPTIONS_URL, _options(shows_notes=False))
    hidden_again = mentor.get(_list(alice_link.token)).content.decode()

    assert "Keep a map of complements." not in hidden
    assert "Keep a map of complements." in shown
    assert "Keep a map of complements." not in hidden_again


def test_stories_and_design_write_ups_never_reach_the_mentor_unless_opted_in(
    alice, alice_e5, mentor
):
    link = ShareLinkFactory(user=alice, shows_notes=True)
    story = Story.objects.create(user=alice, title="Led the Kafka migration", action="Wrote RFC 7")
    story.focus_areas.add(FocusArea.objects.first())
    attempt = DesignAttempt.objects.create(user=alice, prompt=PracticePrompt.objects.first())
    StageWork.objects.create(
        attempt=attempt, stage=DesignStage.objects.first(), notes="Two-tower retrieval, ANN index"
    )

    pages = [mentor.get(_dashboard(link.token)), mentor.get(_list(link.token))]

    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "Kafka migration" not in body
        assert "Wrote RFC 7" not in body
        assert "Two-tower retrieval" not in body


def test_rotating_gives_a_new_link_and_the_old_one_stops_at_once(alice_client, alice_link, mentor):
    old = alice_link.token
    assert mentor.get(_dashboard(old)).status_code == 200

    response = alice_client.post(ROTATE_URL, CONFIRMED)

    assert response.status_code == 200
    new = _issued_token(response)
    assert new != old
    assert mentor.get(_dashboard(old)).status_code == 404
    page = mentor.get(_dashboard(new))
    assert page.status_code == 200
    # The lists it links to are under the new token: nothing kept from the old page shows.
    body = page.content.decode()
    assert reverse("prep:share-list", args=[new, "neetcode-150"]) in body
    assert old not in body


def test_rotating_keeps_the_options(alice_client, alice, alice_e5):
    ShareLinkFactory(user=alice, shows_notes=True, expiry_days=7)

    alice_client.post(ROTATE_URL, CONFIRMED)

    link = ShareLink.objects.get(user=alice)
    assert link.shows_notes is True
    assert link.expiry_days == 7
    assert link.expires_at > timezone.now() + timedelta(days=6)


def test_revoking_stops_the_link_and_offers_to_create_a_new_one(alice_client, alice_link, mentor):
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200

    response = alice_client.post(REVOKE_URL, CONFIRMED)

    assert response.status_code == 302
    assert response.url == SETTINGS_URL + "#share"
    assert mentor.get(_dashboard(alice_link.token)).status_code == 404
    page = alice_client.get(SETTINGS_URL).content.decode()
    assert "Share link revoked. It stopped working immediately." in page
    assert "Create share link" in page
    assert "Revoke link" not in page


def test_creating_again_after_revoking_gives_a_fresh_working_link(alice_client, alice_link, mentor):
    alice_client.post(REVOKE_URL, CONFIRMED)

    token = _issued_token(alice_client.post(CREATE_URL, _options()))

    assert token != alice_link.token
    assert mentor.get(_dashboard(token)).status_code == 200
    assert mentor.get(_dashboard(alice_link.token)).status_code == 404


def test_an_expired_link_is_reported_on_the_settings_page(alice_client, alice, alice_link, mentor):
    ShareLink.objects.filter(user=alice).update(expires_at=timezone.now() - timedelta(days=1))

    page = alice_client.get(SETTINGS_URL).content.decode()

    assert "Your link expired on" in page
    assert "no longer works" in page
    assert mentor.get(_dashboard(alice_link.token)).status_code == 404


def test_three_mentor_visits_are_counted_and_shown_in_settings(
    alice_client, alice, alice_link, mentor
):
    page = alice_client.get(SETTINGS_URL).content.decode()
    assert '<dd id="share-open-count">0 times</dd>' in page
    assert '<dd id="share-last-opened">Not yet</dd>' in page
    before = timezone.now()

    mentor.get(_dashboard(alice_link.token))
    mentor.get(_list(alice_link.token))
    mentor.get(_dashboard(alice_link.token))

    link = ShareLink.objects.get(user=alice)
    assert link.open_count == 3
    assert before <= link.last_opened_at <= timezone.now()
    page = alice_client.get(SETTINGS_URL).content.decode()
    assert '<dd id="share-open-count">3 times</dd>' in page
    assert re.search(r'<dd id="share-last-opened">just now</dd>', page)


def test_a_wrong_token_is_not_counted_as_a_visit(alice, alice_link, mentor):
    mentor.get(_dashboard("x" * 43))

    assert ShareLink.objects.get(user=alice).open_count == 0


def test_rotating_starts_the_count_again(alice_client, alice, alice_link, mentor):
    mentor.get(_dashboard(alice_link.token))

    alice_client.post(ROTATE_URL, CONFIRMED)

    link = ShareLink.objects.get(user=alice)
    assert link.open_count == 0
    assert link.last_opened_at is None


# Every candidate endpoint: anonymous, wrong method, htmx, bad input, no link, a stranger


@pytest.mark.parametrize("url", CANDIDATE_ENDPOINTS)
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.post(url, _options())

    # Back to the settings page after logging in, never to the address that takes POSTs.
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('prep:settings')}"


@pytest.mark.parametrize("url", CANDIDATE_ENDPOINTS)
def test_anonymous_htmx_request_is_sent_to_log_in_with_a_full_page_load(client, url):
    response = client.post(url, _options(), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("url", CANDIDATE_ENDPOINTS)
def test_wrong_method_is_405(alice_client, alice_link, url):
    assert alice_client.get(url).status_code == 405
    assert alice_client.put(url).status_code == 405


@pytest.mark.parametrize("url", CANDIDATE_ENDPOINTS)
def test_wrong_method_is_405_even_when_anonymous(client, url):
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("url", SHARE_ENDPOINTS)
def test_htmx_request_returns_only_the_share_panel(alice_client, alice_link, url):
    response = alice_client.post(url, {**_options(), **CONFIRMED}, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<section id="share"')
    assert page.rstrip().endswith("</section>")


def test_htmx_create_returns_the_panel_with_the_new_link(alice_client, alice_e5, mentor):
    response = alice_client.post(CREATE_URL, _options(), headers=HTMX)

    assert "<html" not in response.content.decode()
    assert mentor.get(_dashboard(_issued_token(response))).status_code == 200


def test_htmx_revoke_says_the_link_is_revoked(alice_client, alice_link):
    response = alice_client.post(REVOKE_URL, CONFIRMED, headers=HTMX)

    assert "Link revoked. It stopped working immediately." in response.content.decode()


@pytest.mark.parametrize("expiry", ["5", "x", "", "-7"])
def test_create_with_a_bad_expiry_is_400_and_creates_nothing(alice_client, alice, alice_e5, expiry):
    response = alice_client.post(CREATE_URL, _options(expiry, shows_notes=True))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Pick 7, 30 or 90 days, or never." in page or "This field is required." in page
    assert not ShareLink.objects.filter(user=alice).exists()


def test_htmx_create_with_a_bad_expiry_is_400_with_the_message_in_the_panel(
    alice_client, alice, alice_e5
):
    response = alice_client.post(CREATE_URL, _options("5"), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in page
    assert 'role="alert"' in page
    assert "Pick 7, 30 or 90 days, or never." in page
    assert not ShareLink.objects.filter(user=alice).exists()


@pytest.mark.parametrize("expiry", ["5", "x"])
def test_options_with_a_bad_expiry_is_400_and_changes_nothing(
    alice_client, alice, alice_link, mentor, expiry
):
    before = ShareLink.objects.filter(user=alice).values().get()

    response = alice_client.post(
        OPTIONS_URL, _options(expiry, shows_notes=True, shows_stories=True)
    )

    assert response.status_code == 400
    assert "Pick 7, 30 or 90 days, or never." in response.content.decode()
    assert ShareLink.objects.filter(user=alice).values().get() == before
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200


@pytest.mark.parametrize("url", [ROTATE_URL, REVOKE_URL, OPTIONS_URL])
def test_rotate_revoke_and_options_without_a_link_are_404(alice_client, alice, alice_e5, url):
    response = alice_client.post(url, _options())

    assert response.status_code == 404
    assert not ShareLink.objects.filter(user=alice).exists()


@pytest.mark.parametrize("url", [ROTATE_URL, REVOKE_URL, OPTIONS_URL])
def test_charlie_without_a_link_gets_404_and_alices_link_is_untouched(
    charlie_client, alice, alice_link, mentor, url
):
    before = ShareLink.objects.filter(user=alice).values().get()

    response = charlie_client.post(url, _options("7", shows_notes=True))

    assert response.status_code == 404
    assert ShareLink.objects.filter(user=alice).values().get() == before
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200


@pytest.mark.parametrize("url", SHARE_ENDPOINTS)
def test_charlie_acts_on_his_own_link_only(charlie_client, charlie, alice, alice_link, mentor, url):
    ShareLinkFactory(user=charlie)
    before = ShareLink.objects.filter(user=alice).values().get()

    response = charlie_client.post(url, _options("7", shows_notes=True))

    assert response.status_code in (200, 302)
    assert ShareLink.objects.filter(user=alice).values().get() == before
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    assert ShareLink.objects.count() == 2


def test_charlie_creating_a_link_does_not_reach_alices_progress(
    charlie_client, alice, alice_link, mentor
):
    token = _issued_token(charlie_client.post(CREATE_URL, _options()))

    page = mentor.get(_dashboard(token)).content.decode()

    assert "charlie's progress" in page
    assert "alice" not in page
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200


# Deleting the account


def test_deleting_the_account_with_the_password_removes_the_user_and_the_link(
    alice_client, alice, alice_link, mentor
):
    response = alice_client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("prep:home")
    assert not User.objects.filter(username="alice").exists()
    assert not ShareLink.objects.exists()
    gone = mentor.get(_dashboard(alice_link.token))
    assert gone.status_code == 404
    assert NOT_AVAILABLE in gone.content.decode()


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_deleting_with_a_wrong_password_is_400_and_keeps_everything(
    alice_client, alice, alice_link, mentor, password
):
    response = alice_client.post(DELETE_URL, {"password": password})

    assert response.status_code == 400
    page = response.content.decode()
    assert "That is not your password. Nothing was deleted." in page or "required" in page
    assert User.objects.filter(pk=alice.pk, is_active=True).exists()
    assert ShareLink.objects.filter(user=alice).exists()
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    assert alice_client.get(SETTINGS_URL).status_code == 200


def test_charlie_deleting_his_account_leaves_alices_link_working(
    charlie_client, charlie, alice, alice_link, mentor
):
    charlie_client.post(DELETE_URL, {"password": PASSWORD})

    assert not User.objects.filter(pk=charlie.pk).exists()
    assert User.objects.filter(pk=alice.pk).exists()
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200


# What the mentor sees


def test_mentor_sees_alices_dashboard_under_her_username_never_her_email(alice, alice_link, mentor):
    response = mentor.get(_dashboard(alice_link.token))

    page = response.content.decode()
    assert response.status_code == 200
    assert "alice's progress" in page
    assert "Read-only view of alice's preparation. Nothing here can be changed." in page
    assert 'id="solved-count">0 of 150</strong>' in page
    assert "alice@example.com" not in page
    assert "example.com" not in page


def test_mentor_sees_alices_list_progress(alice, alice_link, mentor):
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(user=alice, problem=two_sum, status=Status.SOLVED)

    dashboard = mentor.get(_dashboard(alice_link.token)).content.decode()
    listing = mentor.get(_list(alice_link.token)).content.decode()

    assert 'id="solved-count">1 of 150</strong>' in dashboard
    assert "1 of 150 solved" in listing
    row = re.search(r'<tr id="problem-two-sum".*?</tr>', listing, re.S).group(0)
    assert '<span class="status-text status-solved">Solved</span>' in row
    assert "Read-only view of alice's preparation" in listing
    assert "alice@example.com" not in listing


def test_mentor_of_a_candidate_without_a_target_sees_a_plain_message(alice, mentor):
    link = ShareLinkFactory(user=alice)

    response = mentor.get(_dashboard(link.token))

    assert response.status_code == 200
    assert "alice has not chosen a target company and level yet" in response.content.decode()


@pytest.mark.parametrize("page", ["dashboard", "list"])
def test_mentor_pages_have_no_controls_no_post_forms_and_no_csrf_token(
    alice, alice_link, mentor, page
):
    ProblemProgressFactory(user=alice, problem=Problem.objects.get(slug="two-sum"))
    url = _dashboard(alice_link.token) if page == "dashboard" else _list(alice_link.token)

    response = mentor.get(url)

    body = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in body
    assert "Status of " not in body
    assert "status-select" not in body
    assert not re.search(r"hx-(post|put|patch|delete)", body)
    assert re.findall(r"<button\b", body) == (["<button"] if page == "list" else []), (
        "only the list's Filter button may be on a mentor page"
    )
    for form in re.findall(r"<form\b[^>]*>", body):
        assert 'method="get"' in form
        assert "/share/" in form


@pytest.mark.parametrize("page", ["dashboard", "list"])
def test_mentor_links_stay_inside_the_read_only_pages(alice, alice_link, mentor, page):
    url = _dashboard(alice_link.token) if page == "dashboard" else _list(alice_link.token)

    body = mentor.get(url).content.decode()

    for href in re.findall(r'href="([^"]+)"', body):
        href = html.unescape(href)
        assert (
            href.startswith(f"/share/{alice_link.token}/")
            or href.startswith("https://")
            or href.startswith("/static/")
        ), href


def test_dashboard_links_each_list_to_its_read_only_page(alice, alice_link, mentor):
    body = mentor.get(_dashboard(alice_link.token)).content.decode()

    assert f'href="{_list(alice_link.token)}"' in body
    assert f'href="{reverse("prep:list-detail", args=["neetcode-150"])}"' not in body


def test_mentor_can_filter_a_list_with_the_get_form(alice, alice_link, mentor):
    ProblemProgressFactory(user=alice, problem=Problem.objects.get(slug="two-sum"), status="solved")

    response = mentor.get(_list(alice_link.token), {"status": "solved"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="problem-two-sum"' in body
    assert len(re.findall(r'<tr id="problem-', body)) == 1


@pytest.mark.parametrize("page", ["dashboard", "list"])
def test_opening_the_link_needs_no_account_and_creates_no_session(alice, alice_link, mentor, page):
    url = _dashboard(alice_link.token) if page == "dashboard" else _list(alice_link.token)
    sessions = Session.objects.count()

    response = mentor.get(url)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert not mentor.cookies
    assert Session.objects.count() == sessions


def test_the_candidate_herself_can_open_her_link_while_logged_in(alice_client, alice_link):
    response = alice_client.get(_dashboard(alice_link.token))

    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "Set-Cookie" not in response.headers


# Query budget


def _lots_of_progress(user, profile) -> None:
    """Work on every problem, chapter, card and stage of the real catalogue, stories on every
    focus area, a design attempt on every prompt, and a pile of recorded mock rounds."""
    cycle = [Status.SOLVED, Status.ATTEMPTED, Status.NEEDS_REVIEW, Status.SKIPPED]
    problems = list(Problem.objects.active().order_by("pk"))
    ProblemProgress.objects.bulk_create(
        ProblemProgress(user=user, problem=p, status=cycle[n % 4], notes="Two pointers." * (n % 2))
        for n, p in enumerate(problems)
    )
    ProblemEvent.objects.bulk_create(
        ProblemEvent(user=user, problem=p, old_status=Status.NOT_STARTED, status=cycle[n % 4])
        for n, p in enumerate(problems)
    )
    ChapterDone.objects.bulk_create(
        ChapterDone(user=user, chapter=c) for c in LearnChapter.objects.all()
    )
    CardDone.objects.bulk_create(CardDone(user=user, card=c) for c in LearnCard.objects.all())
    stages = list(DesignStage.objects.all())
    StageStudied.objects.bulk_create(StageStudied(user=user, stage=s) for s in stages)
    for prompt in PracticePrompt.objects.all():
        attempt = DesignAttempt.objects.create(user=user, prompt=prompt)
        StageWork.objects.bulk_create(
            StageWork(attempt=attempt, stage=s, notes="Design notes.", is_done=True, rating=4)
            for s in stages
        )
    for area in FocusArea.objects.all():
        story = Story.objects.create(
            user=user,
            title=f"Story {area.pk}",
            state="rehearsed",
            **dict.fromkeys(Story.STAR_PARTS, "Written."),
        )
        story.focus_areas.add(area)
    for n in range(6):
        mock = MockRound.objects.create(
            user=user,
            level=profile.target_level,
            company=profile.target_company,
            started_at=timezone.now() - timedelta(days=n),
            is_recorded=True,
        )
        MockProblem.objects.bulk_create(
            MockProblem(mock=mock, problem=p, position=k, outcome="hints")
            for k, p in enumerate(problems[2 * n : 2 * n + 2])
        )


def _roadmap_solved(user) -> int:
    return ProblemProgress.objects.filter(
        user=user,
        problem__entries__problem_list__slug="neetcode-150",
        status__in=SOLVED_STATUSES,
    ).count()


@pytest.mark.usefixtures("user_pages_built")
@pytest.mark.parametrize("progress", ["no-progress", "lots-of-progress"])
def test_mentor_dashboard_has_one_query_budget(
    alice, alice_e5, alice_link, mentor, progress, django_assert_max_num_queries
):
    if progress == "lots-of-progress":
        _lots_of_progress(alice, alice_e5)
    mentor.get(_dashboard(alice_link.token))  # What only changes with the catalogue is built.

    with django_assert_max_num_queries(SHARE_DASHBOARD_QUERIES):
        response = mentor.get(_dashboard(alice_link.token))

    assert response.status_code == 200
    solved = _roadmap_solved(alice)
    assert (solved == 0) == (progress == "no-progress")
    assert f'id="solved-count">{solved} of 150</strong>' in response.content.decode()


@pytest.mark.parametrize("progress", ["no-progress", "lots-of-progress"])
def test_mentor_list_has_one_query_budget(
    alice, alice_e5, progress, mentor, django_assert_max_num_queries
):
    link = ShareLinkFactory(user=alice, shows_notes=True)
    if progress == "lots-of-progress":
        _lots_of_progress(alice, alice_e5)

    # The list's rows are built once per catalogue version, for candidates and mentors alike
    # (tests/test_query_budgets.py): the first look may build them, the next only reads.
    with django_assert_max_num_queries(SHARE_LIST_QUERIES + ROW_BUILD_QUERIES):
        mentor.get(_list(link.token))
    with django_assert_max_num_queries(SHARE_LIST_QUERIES):
        response = mentor.get(_list(link.token))

    assert response.status_code == 200
    assert f"{_roadmap_solved(alice)} of 150 solved" in response.content.decode()


def test_creating_a_link_without_javascript_leaves_the_target_form_untouched(
    alice_client, alice_e5
):
    response = alice_client.post(reverse("prep:share-link-create"), _options("30"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" not in page
    assert "selected>E5, senior engineer</option>" in page


def test_saving_other_options_keeps_the_expiry_date(alice_client, alice, alice_e5):
    alice_client.post(reverse("prep:share-link-create"), _options("7"))
    link = ShareLink.objects.get(user=alice)
    link.expires_at -= timedelta(days=6)
    link.save()

    alice_client.post(reverse("prep:share-link-options"), _options("7", shows_notes=True))

    link.refresh_from_db()
    assert link.shows_notes
    assert link.expires_at - timezone.now() < timedelta(days=1, minutes=1)


def test_opted_in_stories_and_design_notes_reach_the_mentor(alice_client, alice, alice_e5, mentor):
    story = StoryFactory(user=alice, title="The schema truce", situation="Two teams disagreed.")
    first_area, *_, last_area = FocusArea.objects.active()
    story.focus_areas.add(last_area, first_area)
    attempt = DesignAttemptFactory(
        user=alice, prompt=PracticePrompt.objects.get(slug="people-you-may-follow")
    )
    for position, notes in [(3, "Two towers, then a ranker."), (1, "Ask about **DAU**.")]:
        StageWorkFactory(
            attempt=attempt, stage=DesignStage.objects.get(position=position), notes=notes
        )
    token = _issued_token(
        alice_client.post(
            reverse("prep:share-link-create"),
            _options("0", shows_stories=True, shows_design_notes=True),
        )
    )

    page = mentor.get(_dashboard(token)).content.decode()

    assert story.title in page
    assert "Two teams disagreed." in page
    assert f"{first_area.name} · {last_area.name}" in page  # in the catalogue's order
    assert "<strong>DAU</strong>" in page
    first, third = (DesignStage.objects.get(position=n).name for n in (1, 3))
    assert page.index(first) < page.index("DAU") < page.index(third) < page.index("Two towers")


@pytest.mark.parametrize(
    ("url", "question"),
    [(ROTATE_URL, "Rotate your share link?"), (REVOKE_URL, "Revoke your share link?")],
)
def test_rotating_or_revoking_asks_first_without_javascript(alice_client, alice, url, question):
    link = ShareLinkFactory(user=alice)
    before = ShareLink.objects.values_list("token_hash", flat=True).get(pk=link.pk)

    response = alice_client.post(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert question in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert ShareLink.objects.values_list("token_hash", flat=True).get(pk=link.pk) == before


def test_the_share_panel_asks_before_rotating_or_revoking_with_htmx(alice_client, alice):
    ShareLinkFactory(user=alice)

    html = alice_client.get(reverse("prep:settings")).content.decode()

    assert html.count('hx-vals=\'{"confirmed": "yes"}\'') == 2
    assert 'hx-confirm="Revoke the link?' in html
    assert 'hx-confirm="Rotate the link?' in html


@pytest.mark.parametrize("url", [ROTATE_URL, REVOKE_URL])
def test_an_unconfirmed_htmx_rotate_or_revoke_changes_nothing(alice_client, alice_link, url):
    before = ShareLink.objects.values_list("token_hash", flat=True).get(pk=alice_link.pk)

    response = alice_client.post(url, headers=HTMX)

    assert response.status_code == 400
    assert "Confirm first: nothing was changed." in response.content.decode()
    assert ShareLink.objects.values_list("token_hash", flat=True).get(pk=alice_link.pk) == before


def test_creating_over_a_live_link_asks_first_and_keeps_it(alice_client, alice_link):
    before = ShareLink.objects.values_list("token_hash", flat=True).get(pk=alice_link.pk)

    response = alice_client.post(CREATE_URL, _options())

    assert response.status_code == 200
    assert "Replace your share link?" in response.content.decode()
    assert ShareLink.objects.values_list("token_hash", flat=True).get(pk=alice_link.pk) == before

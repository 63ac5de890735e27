"""The share link's security rules: what a token is, where it is kept, and what it opens.

A token is 256 random bits, stored only as a hash and compared in constant time. Every way a
token can be dead answers the very same 404 page, so a guesser learns nothing. The token opens
two read-only pages and nothing else, the responses are never cached, indexed or leaked through
Referer, and the token never reaches a log line.
"""

import base64
import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prep.models import Problem, ProblemProgress, ShareLink
from tests.conftest import PASSWORD
from tests.factories import ProblemProgressFactory, ShareLinkFactory, UserFactory

pytestmark = pytest.mark.usefixtures("catalog")

CREATE_URL = reverse("prep:share-link-create")
ROTATE_URL = reverse("prep:share-link-rotate")
REVOKE_URL = reverse("prep:share-link-revoke")
CONFIRMED = {"confirmed": "yes"}
DELETE_URL = reverse("prep:account-delete")
NOT_AVAILABLE = "This link is not available"
URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _dashboard(token: str) -> str:
    return reverse("prep:share-dashboard", args=[token])


def _list(token: str, slug: str = "neetcode-150") -> str:
    return reverse("prep:share-list", args=[token, slug])


PAGES = {"dashboard": _dashboard, "list": _list}


def _issued_token(response) -> str:
    match = re.search(
        r'<input id="share-link" type="url" value="http://testserver/share/([^/"]+)/"',
        response.content.decode(),
    )
    assert match, "the response shows no Share link field"
    return match.group(1)


def _assert_share_headers(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.fixture
def mentor() -> Client:
    """bob, alice's mentor: a browser with no account and no cookies, holding her link."""
    return Client()


@pytest.fixture
def alice_link(alice, alice_e5) -> ShareLink:
    return ShareLinkFactory(user=alice)


@pytest.fixture
def not_found_body(mentor) -> bytes:
    """The page a token that never existed gets: every dead token must get exactly this."""
    response = mentor.get(_dashboard(secrets.token_urlsafe(32)))
    assert response.status_code == 404
    assert NOT_AVAILABLE in response.content.decode()
    return response.content


# The token


def test_token_is_256_random_bits_as_43_url_safe_characters(alice_client, alice_e5):
    tokens = [_issued_token(alice_client.post(CREATE_URL, {"expiry_days": "0"}))]
    tokens += [_issued_token(alice_client.post(ROTATE_URL, CONFIRMED)) for _ in range(9)]

    for token in tokens:
        assert URL_SAFE_TOKEN.fullmatch(token)
        assert len(base64.urlsafe_b64decode(token + "=")) == 32
    assert len(set(tokens)) == len(tokens)


def test_only_a_hash_of_the_token_is_stored(alice_client, alice, alice_e5):
    token = _issued_token(alice_client.post(CREATE_URL, {"expiry_days": "7"}))

    link = ShareLink.objects.get(user=alice)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.token_prefix == token[:8]
    assert token not in {str(value) for value in ShareLink.objects.values().get().values()}


def test_no_column_of_any_table_holds_the_token(alice_client, alice, alice_e5, mentor):
    create = alice_client.post(CREATE_URL, {"expiry_days": "30", "shows_notes": "on"})
    token = _issued_token(create)
    mentor.get(_dashboard(token))
    mentor.get(_list(token))
    mentor.get(_list(token), {"status": "bogus"})
    alice_client.get(reverse("prep:settings"))

    text_fields = (models.CharField, models.TextField)
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, text_fields)]
        for field in fields:
            holding = model._default_manager.filter(**{f"{field.attname}__contains": token})
            assert not holding.exists(), f"{model._meta.label}.{field.name} holds the token"
    for session in Session.objects.all():
        assert token not in session.session_data
        assert token not in repr(session.get_decoded())
    assert all(token not in morsel.value for morsel in create.cookies.values())
    assert all(token not in morsel.value for morsel in alice_client.cookies.values())


def test_tokens_are_compared_in_constant_time(alice_link, mentor, monkeypatch):
    calls = []

    def spy(a, b):
        calls.append((a, b))
        return hmac_compare_digest(a, b)

    hmac_compare_digest = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", spy)

    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    stored = ShareLink.objects.get(pk=alice_link.pk).token_hash
    assert (stored, hashlib.sha256(alice_link.token.encode()).hexdigest()) in {
        *calls,
        *((b, a) for a, b in calls),
    }


def test_access_rests_on_the_constant_time_comparison(alice_link, mentor, monkeypatch):
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)

    response = mentor.get(_dashboard(alice_link.token))

    assert response.status_code == 404


def test_a_token_sharing_the_prefix_is_compared_and_refused(alice_link, mentor, monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    forged = alice_link.token[:8] + ("A" if alice_link.token[8] != "A" else "B") * 35

    response = mentor.get(_dashboard(forged))

    assert response.status_code == 404
    assert calls


# Every dead token answers the same 404 page


def _wrong(link, owner_client) -> str:
    return secrets.token_urlsafe(32)


def _same_prefix(link, owner_client) -> str:
    return link.token[:8] + secrets.token_urlsafe(32)[8:]


def _one_character_short(link, owner_client) -> str:
    return link.token[:-1]


def _one_character_long(link, owner_client) -> str:
    return link.token + "A"


def _revoked(link, owner_client) -> str:
    assert owner_client.post(REVOKE_URL, CONFIRMED).status_code == 302
    return link.token


def _expired(link, owner_client) -> str:
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return link.token


def _rotated(link, owner_client) -> str:
    assert owner_client.post(ROTATE_URL, CONFIRMED).status_code == 200
    return link.token


def _account_deleted(link, owner_client) -> str:
    assert owner_client.post(DELETE_URL, {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=link.user_id).exists()
    return link.token


def _account_deactivated(link, owner_client) -> str:
    User.objects.filter(pk=link.user_id).update(is_active=False)
    return link.token


DEAD_TOKENS = [
    _wrong,
    _same_prefix,
    _one_character_short,
    _one_character_long,
    _revoked,
    _expired,
    _rotated,
    _account_deleted,
    _account_deactivated,
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kill", DEAD_TOKENS, ids=lambda f: f.__name__.strip("_"))
def test_every_dead_token_answers_the_same_404_page(
    alice_client, alice_link, mentor, not_found_body, kill, page
):
    url = PAGES[page]
    assert mentor.get(url(alice_link.token)).status_code == 200

    token = kill(alice_link, alice_client)
    response = mentor.get(url(token))

    assert response.status_code == 404
    assert response.content == not_found_body
    _assert_share_headers(response)
    assert "Set-Cookie" not in response.headers


def test_an_expired_link_is_dead_the_moment_it_expires(alice, alice_link, mentor):
    ShareLink.objects.filter(pk=alice_link.pk).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200

    ShareLink.objects.filter(pk=alice_link.pk).update(expires_at=timezone.now())

    assert mentor.get(_dashboard(alice_link.token)).status_code == 404


def test_an_unknown_list_behind_a_live_token_answers_the_same_404_page(
    alice_link, mentor, not_found_body
):
    response = mentor.get(_list(alice_link.token, "no-such-list"))

    assert response.status_code == 404
    _assert_share_headers(response)
    assert "Set-Cookie" not in response.headers
    assert response.content == not_found_body


def test_revoking_takes_effect_on_the_very_next_request(alice_client, alice_link, mentor):
    assert mentor.get(_list(alice_link.token)).status_code == 200

    alice_client.post(REVOKE_URL, CONFIRMED, headers={"HX-Request": "true"})

    assert mentor.get(_list(alice_link.token)).status_code == 404
    assert mentor.get(_dashboard(alice_link.token)).status_code == 404


def test_revoking_one_candidates_link_leaves_anothers_working(alice_client, alice_link, mentor):
    dana = ShareLinkFactory(user=UserFactory(username="dana"))

    alice_client.post(REVOKE_URL, CONFIRMED)

    assert mentor.get(_dashboard(dana.token)).status_code == 200


# The token opens two read-only pages and nothing else


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_mentor_urls_accept_only_get(alice, alice_link, mentor, method, page):
    before = ShareLink.objects.filter(pk=alice_link.pk).values().get()

    response = getattr(mentor, method)(PAGES[page](alice_link.token), {"status": "solved"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert ShareLink.objects.filter(pk=alice_link.pk).values().get() == before
    assert not ProblemProgress.objects.filter(user=alice).exists()


@pytest.mark.parametrize("page", PAGES)
def test_a_wrong_method_is_405_whether_the_token_is_live_or_not(mentor, alice_link, page):
    live = mentor.post(PAGES[page](alice_link.token))
    dead = mentor.post(PAGES[page](secrets.token_urlsafe(32)))

    assert live.status_code == dead.status_code == 405
    assert live.content == dead.content


def _with_token(token: str) -> list[dict]:
    return [
        {},
        {"query": {"token": token}},
        {"headers": {"Authorization": f"Bearer {token}"}},
        {"headers": {"Referer": f"http://testserver{_dashboard(token)}"}},
    ]


@pytest.mark.parametrize("how", range(4), ids=["visited", "query", "bearer", "referer"])
def test_the_token_opens_no_candidate_page(alice, alice_link, mentor, how):
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    carry = _with_token(alice_link.token)[how]
    headers = carry.get("headers", {})
    login = reverse("login")

    for url in (
        reverse("prep:home"),
        reverse("prep:settings"),
        reverse("prep:list-detail", args=["neetcode-150"]),
        reverse("prep:problem-detail", args=["two-sum"]),
    ):
        response = mentor.get(url, carry.get("query"), headers=headers)
        if url == reverse("prep:home"):
            assert "alice" not in response.content.decode()
        else:
            assert response.status_code == 302, url
            assert response.url.startswith(login + "?next=")


@pytest.mark.parametrize("how", range(4), ids=["visited", "query", "bearer", "referer"])
def test_the_token_cannot_change_anything(alice, alice_link, mentor, how):
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgressFactory(user=alice, problem=two_sum, status="attempted")
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200
    carry = _with_token(alice_link.token)[how]
    data = {"problem": "two-sum", "status": "solved", "token": alice_link.token}

    for url in (
        reverse("prep:problem-status"),
        reverse("prep:problem-progress", args=["two-sum"]),
        REVOKE_URL,
        ROTATE_URL,
        DELETE_URL,
    ):
        query = "?token=" + alice_link.token if carry.get("query") else ""
        response = mentor.post(url + query, data, headers=carry.get("headers", {}))
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next=")

    assert ProblemProgress.objects.get(user=alice, problem=two_sum).status == "attempted"
    assert User.objects.filter(pk=alice.pk).exists()
    assert mentor.get(_dashboard(alice_link.token)).status_code == 200


# Headers: never cached, never indexed, never leaked through Referer


def _cases(token: str) -> dict[str, tuple[str, dict | None, int]]:
    return {
        "dashboard-200": (_dashboard(token), None, 200),
        "list-200": (_list(token), None, 200),
        "filtered-list-200": (_list(token), {"status": "solved", "q": "sum"}, 200),
        "bad-filter-400": (_list(token), {"status": "bogus"}, 400),
        "dashboard-404": (_dashboard(secrets.token_urlsafe(32)), None, 404),
        "list-404": (_list(secrets.token_urlsafe(32)), None, 404),
    }


CASES = list(_cases("x"))


@pytest.mark.parametrize("case", CASES)
def test_every_mentor_response_is_no_store_noindex_no_referrer(alice_link, mentor, case):
    url, query, status = _cases(alice_link.token)[case]

    response = mentor.get(url, query)

    assert response.status_code == status
    _assert_share_headers(response)


@pytest.mark.parametrize("case", CASES)
def test_no_mentor_response_sets_a_cookie_or_a_session(alice_link, mentor, case):
    url, query, status = _cases(alice_link.token)[case]
    sessions = Session.objects.count()

    response = mentor.get(url, query)

    assert response.status_code == status
    assert "Set-Cookie" not in response.headers
    assert "csrftoken" not in response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert Session.objects.count() == sessions


def test_a_bad_filter_says_what_was_wrong(alice_link, mentor):
    response = mentor.get(_list(alice_link.token), {"status": "bogus"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Some filters were not understood" in body
    assert "Status:" in body


# Logs


def _log_all_requests(mentor: Client, token: str) -> list[int]:
    return [
        mentor.get(_dashboard(secrets.token_urlsafe(32))).status_code,
        mentor.get(_dashboard(token[:8] + secrets.token_urlsafe(32)[8:])).status_code,
        mentor.post(_dashboard(token)).status_code,
        mentor.delete(_list(token)).status_code,
        mentor.get(_list(token), {"status": "bogus"}).status_code,
        mentor.get(_dashboard(token)).status_code,
    ]


def test_the_token_never_reaches_a_log_message(alice_link, mentor, caplog):
    # Everything at DEBUG, django.* included, with a debug cursor so SQL is logged too.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    token = alice_link.token

    with CaptureQueriesContext(connection):
        statuses = _log_all_requests(mentor, token)

    assert statuses == [404, 404, 405, 405, 400, 200]
    messages = [record.getMessage() for record in caplog.records]
    assert any(record.name == "django.db.backends" for record in caplog.records)
    for record, message in zip(caplog.records, messages, strict=True):
        assert token not in message, record.name
        request = getattr(record, "request", None)
        assert request is None or token not in request.get_full_path()
    assert "Not Found: /share/[redacted]/" in messages
    assert "Method Not Allowed (POST): /share/[redacted]/" in messages
    assert "Method Not Allowed (DELETE): /share/[redacted]/lists/neetcode-150/" in messages
    assert "Bad Request: /share/[redacted]/lists/neetcode-150/" in messages


def test_no_printed_log_line_holds_the_token_even_with_log_level_debug(alice_link, mentor, caplog):
    # LOG_LEVEL=DEBUG lowers the root logger only; django.* keep the levels config/settings.py
    # gives them. Check the whole printed record, traceback included.
    caplog.set_level(logging.DEBUG)

    statuses = _log_all_requests(mentor, alice_link.token)

    assert statuses == [404, 404, 405, 405, 400, 200]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert caplog.records
    for record in caplog.records:
        assert alice_link.token not in formatter.format(record), record.name


def test_the_runserver_request_line_is_redacted(alice_link, caplog):
    caplog.set_level(logging.INFO)
    token = alice_link.token

    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /share/{token}/lists/blind-75/?status=solved HTTP/1.1", "200", "1234"
    )

    (record,) = [r for r in caplog.records if r.name == "django.server"]
    assert token not in record.getMessage()
    assert "/share/[redacted]/lists/blind-75/" in record.getMessage()


def test_the_candidates_own_share_controls_are_logged_as_they_are(alice_client, caplog):
    caplog.set_level(logging.INFO)

    alice_client.post(ROTATE_URL, CONFIRMED)

    assert "Not Found: /settings/share/rotate/" in [r.getMessage() for r in caplog.records]

"""Headers every response carries: a strict Content-Security-Policy, private pages kept out of
caches, the share pages' privacy headers on everything under /share/, and a favicon."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ShareLinkFactory


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/no/such/page/"])
def test_signed_out_responses_carry_a_strict_policy(client, db, url):
    policy = _csp(client.get(url))

    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in " ".join(policy.values())
    assert "unsafe-eval" not in " ".join(policy.values())


def test_signed_in_pages_carry_it_too_and_are_never_cached(alice_client, alice_e5):
    for url in [reverse("prep:home"), reverse("prep:dashboard"), reverse("prep:settings")]:
        response = alice_client.get(url)

        assert response.status_code == 200, url
        assert _csp(response)["script-src"] == "'self'"
        cache = response["Cache-Control"]
        assert "private" in cache, url
        assert "no-store" in cache, url


def test_an_htmx_fragment_is_not_cached_either(alice_client, alice_e5):
    response = alice_client.post(
        reverse("prep:problem-status"),
        {"problem": "two-sum", "status": "solved"},
        HTTP_HX_REQUEST="true",
    )

    assert "no-store" in response["Cache-Control"]


def test_pages_have_no_inline_script_or_style(alice_client, alice_e5):
    """What the policy forbids must not be in our own pages (it would silently not run)."""
    for url in [reverse("prep:home"), reverse("prep:dashboard"), "/lists/neetcode-150/"]:
        page = alice_client.get(url).content.decode()

        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page, url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url


def test_htmx_is_told_not_to_inject_styles_or_eval(client, db):
    page = client.get(reverse("login")).content.decode()

    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_an_unmatched_share_path_404_carries_the_share_headers(client, alice, catalog):
    token = ShareLinkFactory(user=alice).token

    for url in [f"/share/{token}/no/such/thing/", "/share/", f"/share/{token}/lists/"]:
        response = client.get(url)

        assert response.status_code == 404, url
        assert response["Cache-Control"] == "no-store", url
        assert response["X-Robots-Tag"] == "noindex, nofollow", url
        assert response["Referrer-Policy"] == "no-referrer", url


def test_a_favicon_is_served_at_the_root(db):
    response = Client().get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


def test_pages_link_the_svg_favicon(client, db):
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()


def test_every_page_that_answers_get_answers_head(alice_client, alice_e5):
    """Monitors and link checkers use HEAD: wherever GET works, HEAD does too, with no body."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue
                yield from patterns(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and not entry.pattern.converters:
                yield "/" + prefix + str(entry.pattern)

    checked = 0
    for url in patterns(get_resolver()):
        if alice_client.get(url).status_code == 405:
            continue  # POST-only
        response = alice_client.head(url)
        assert response.status_code != 405, url
        assert response.content == b"", url
        checked += 1
    assert checked >= 15


def test_healthz_answers_head(db):
    response = Client().head(reverse("healthz"))

    assert response.status_code == 200

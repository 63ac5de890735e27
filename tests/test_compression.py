"""Pages are sent compressed to browsers that accept it, and safely so (BREACH)."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("catalog")


def test_a_list_page_is_gzipped_for_a_browser_that_accepts_it(alice_client, alice_e5):
    url = reverse("prep:list-detail", args=["neetcode-150"])
    plain = alice_client.get(url)

    response = alice_client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = gzip.decompress(response.content)
    assert b"NeetCode 150" in body
    assert len(response.content) * 5 < len(plain.content)


def test_a_client_that_does_not_ask_gets_plain_html(alice_client, alice_e5):
    response = alice_client.get(reverse("prep:dashboard"))

    assert "Content-Encoding" not in response
    assert b"Readiness" in response.content


def test_the_csrf_token_in_a_compressed_page_changes_every_response(alice_client, alice_e5):
    # BREACH needs a secret that repeats across responses; Django masks the token each time.
    url = reverse("prep:settings")
    tokens = set()
    for _ in range(2):
        response = alice_client.get(url, headers={"Accept-Encoding": "gzip"})
        body = gzip.decompress(response.content).decode()
        start = body.index('name="csrfmiddlewaretoken" value="') + 34
        tokens.add(body[start : body.index('"', start)])

    assert len(tokens) == 2

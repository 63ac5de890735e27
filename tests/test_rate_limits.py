"""Rate limits where abuse is cheap: each answers 429 with Retry-After and a readable page, and
the request over the limit is not handled."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from prep.limits import client_ip
from prep.models import RateCount
from tests.factories import ShareLinkFactory

LOW = {
    "login-ip": "3/15m",
    "login-username": "2/h",
    "signup-ip": "2/h",
    "password-reset-ip": "3/h",
    "password-reset-email": "1/h",
    "share-token": "3/h",
}


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.RATE_LIMITS = LOW


def _client(ip: str = "203.0.113.7") -> Client:
    return Client(REMOTE_ADDR=ip)


def _login(client: Client, username: str, password: str = "wrong"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _assert_limited(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60 * 60
    assert "Too many requests" in response.content.decode()


def test_logins_from_one_address_across_usernames_are_limited(db):
    client = _client()
    statuses = [_login(client, f"user{n}").status_code for n in range(3)]

    assert statuses == [200, 200, 200]  # wrong passwords: the form again
    _assert_limited(_login(client, "user9"))


def test_the_limit_is_per_address(db):
    for n in range(3):
        _login(_client("203.0.113.7"), f"user{n}")

    assert _login(_client("198.51.100.2"), "user9").status_code == 200


def test_logins_to_one_username_from_many_addresses_are_limited(alice):
    _login(_client("203.0.113.1"), "alice")
    _login(_client("203.0.113.2"), "ALICE")

    response = _login(_client("203.0.113.3"), "alice", password="correct horse battery staple")

    _assert_limited(response)
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_limited_login_page_still_shows_on_get(db):
    client = _client()
    for n in range(4):
        _login(client, f"user{n}")

    assert client.get(reverse("login")).status_code == 200


def test_signups_from_one_address_are_limited_and_the_third_makes_no_account(db):
    client = _client()
    for n in range(2):
        client.post(
            reverse("signup"),
            {"username": f"new{n}", "password1": "a long unusual pass 42", "password2": "x"},
        )

    response = client.post(
        reverse("signup"),
        {
            "username": "third",
            "password1": "a long unusual pass 42",
            "password2": "a long unusual pass 42",
        },
    )

    _assert_limited(response)
    assert not User.objects.filter(username="third").exists()


def test_reset_mails_to_one_address_are_limited(alice):
    alice.email = "alice@example.com"
    alice.save()

    _client("203.0.113.1").post(reverse("password_reset"), {"email": "alice@example.com"})
    response = _client("203.0.113.2").post(
        reverse("password_reset"), {"email": "Alice@Example.com"}
    )

    _assert_limited(response)
    assert len(mail.outbox) == 1


def test_reset_requests_from_one_address_are_limited(db):
    client = _client()
    for n in range(3):
        client.post(reverse("password_reset"), {"email": f"x{n}@example.com"})

    _assert_limited(client.post(reverse("password_reset"), {"email": "y@example.com"}))


def test_share_page_views_per_link_are_limited_with_share_headers(alice, catalog):
    token = ShareLinkFactory(user=alice).token
    url = reverse("prep:share-dashboard", args=[token])
    for n in range(3):
        assert _client(f"203.0.113.{n}").get(url).status_code == 200

    response = _client("203.0.113.99").get(url)

    _assert_limited(response)
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_htmx_request_over_a_limit_gets_429_for_the_error_region(db):
    client = _client()
    for n in range(3):
        _login(client, f"user{n}")

    response = client.post(reverse("login"), {"username": "x"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 429
    assert response["Retry-After"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1", "10.0.0.1"),  # no proxy: the header is a client's claim
        (1, "1.1.1.1, 9.9.9.9", "10.0.0.1", "9.9.9.9"),  # the address our proxy saw
        (2, "1.1.1.1, 9.9.9.9", "10.0.0.1", "1.1.1.1"),
        (1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    settings, rf, proxies, forwarded, remote, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected


def test_a_users_own_successful_logins_never_use_up_the_username_limit(alice):
    for n in range(4):
        client = _client(f"203.0.113.{n}")
        response = _login(client, "alice", password="correct horse battery staple")
        assert response.status_code == 302, n


def test_the_admin_login_is_limited_too(db):
    client = _client()
    for n in range(3):
        client.post("/admin/login/", {"username": f"user{n}", "password": "x"})

    _assert_limited(client.post("/admin/login/", {"username": "user9", "password": "x"}))


def test_axes_reads_the_client_address_the_same_way(settings, rf):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post("/accounts/login/", HTTP_X_FORWARDED_FOR="9.9.9.9", REMOTE_ADDR="10.0.0.1")

    assert get_client_ip_address(request) == "9.9.9.9"


def test_unknown_share_tokens_leave_no_rate_limit_rows(db):
    for n in range(5):
        assert _client().get(f"/share/guess{n}xxxxxxxxxxxxxxxxxxxx/").status_code == 404

    assert not RateCount.objects.exists()

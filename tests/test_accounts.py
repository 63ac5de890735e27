"""Accounts: sign up, log in (with django-axes lockout), log out, change and reset a password."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
NEW_PASSWORD = "purple elephant tangerine 42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 takes most of a second per login; these tests are about the flows, not the hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _signup(client, **overrides):
    data = {
        "username": "dana",
        "email": "dana@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def _logged_in_user_id(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id is not None else None


# --- Sign up ----------------------------------------------------------------------------------


def test_signup_page_shows_labelled_fields(client):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    page = response.content.decode()
    for field, label in [
        ("username", "Username"),
        ("email", "Email"),
        ("password1", "Password"),
        ("password2", "Password confirmation"),
    ]:
        assert re.search(rf'<label for="id_{field}"[^>]*>\s*{label}\b', page), label
        assert f'id="id_{field}"' in page


def test_valid_signup_creates_the_user_logs_them_in_and_redirects(client):
    response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get(username="dana")
    assert user.email == "dana@example.com"
    assert user.check_password(NEW_PASSWORD)
    assert _logged_in_user_id(client) == user.pk
    assert client.get(response["Location"], follow=True).status_code == 200


def test_signup_without_an_email_works(client):
    response = _signup(client, email="")

    assert response.status_code == 302
    assert User.objects.get(username="dana").email == ""


def test_signup_with_mismatched_passwords_is_refused_and_creates_nobody(client):
    response = _signup(client, password2=NEW_PASSWORD + "!")

    assert response.status_code == 400
    assert "The two password fields didn\u2019t match." in response.content.decode()
    assert not User.objects.filter(username="dana").exists()
    assert _logged_in_user_id(client) is None


def test_signup_with_a_too_common_password_is_refused_and_creates_nobody(client):
    response = _signup(client, password1="password123", password2="password123")

    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_signup_with_a_taken_username_in_another_case_is_refused(client, alice):
    response = _signup(client, username="ALICE")

    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_signup_with_a_bad_email_is_refused(client):
    response = _signup(client, email="not-an-email")

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_logged_in_user_visiting_signup_is_redirected(alice_client):
    response = alice_client.get(SIGNUP)

    assert response.status_code == 302


def test_signup_answers_405_to_other_methods(client):
    assert client.put(SIGNUP).status_code == 405


# --- Log in and lockout -----------------------------------------------------------------------


def test_login_with_the_right_password_logs_in_and_redirects(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == alice.pk


def test_login_goes_back_to_next(client, alice):
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD, "next": "/lists/blind-75/"}
    )

    assert response["Location"] == "/lists/blind-75/"


def test_login_with_a_wrong_password_shows_an_error(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert _logged_in_user_id(client) is None


def _fail_logins(client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong"})


def test_after_too_many_failures_even_the_right_password_is_refused(client, alice):
    _fail_logins(client, "alice", settings.AXES_FAILURE_LIMIT)

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "is paused" in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_one_failure_short_of_the_limit_the_right_password_still_works(client, alice):
    _fail_logins(client, "alice", settings.AXES_FAILURE_LIMIT - 1)

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == alice.pk


def test_a_locked_username_does_not_lock_another_user(client, alice, bob):
    _fail_logins(client, "alice", settings.AXES_FAILURE_LIMIT)

    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == bob.pk


def test_a_locked_username_can_still_log_in_from_another_address(client, alice):
    _fail_logins(client, "alice", settings.AXES_FAILURE_LIMIT)

    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 302
    assert _logged_in_user_id(client) == alice.pk


# --- Log out ----------------------------------------------------------------------------------


def test_logout_by_get_is_refused_and_keeps_the_user_logged_in(alice_client, alice):
    response = alice_client.get(LOGOUT)

    assert response.status_code == 405
    assert _logged_in_user_id(alice_client) == alice.pk


def test_logout_by_post_logs_out(alice_client):
    response = alice_client.post(LOGOUT)

    assert response.status_code == 302
    assert _logged_in_user_id(alice_client) is None


# --- Password change and reset ----------------------------------------------------------------


def test_password_change_sets_the_new_password_and_keeps_the_user_logged_in(alice_client, alice):
    response = alice_client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert _logged_in_user_id(alice_client) == alice.pk


def test_password_change_with_a_wrong_old_password_changes_nothing(alice_client, alice):
    response = alice_client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "Your old password was entered incorrectly" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_needs_a_login(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, alice, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    # The emailed link swaps the token into the session and redirects to the form.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    client.logout()
    login = client.post(LOGIN, {"username": "alice", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_password_reset_link_works_only_once(client, alice, mailoutbox):
    client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    link = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", mailoutbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "This link no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []

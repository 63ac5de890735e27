"""Sessions end after an idle period and after an absolute lifetime, both settings."""

import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from prep.http import SESSION_SEEN, SESSION_STARTED


def _set(client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


def test_the_idle_period_is_the_cookie_and_session_age():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_DAYS * 24 * 60 * 60


def test_a_session_older_than_its_lifetime_is_logged_out_with_a_message(alice_client, alice_e5):
    too_old = int(time.time()) - (settings.SESSION_MAX_DAYS * 24 * 60 * 60 + 60)
    _set(alice_client, **{SESSION_STARTED: too_old})

    response = alice_client.get(reverse("prep:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in alice_client.session
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("logged out" in text and str(settings.SESSION_MAX_DAYS) in text for text in texts)


def test_a_session_within_its_lifetime_carries_on(alice_client, alice_e5):
    _set(alice_client, **{SESSION_STARTED: int(time.time()) - 24 * 60 * 60})

    assert alice_client.get(reverse("prep:dashboard")).status_code == 200


def test_a_first_visit_after_login_records_when_the_session_started(alice_client, alice_e5):
    alice_client.get(reverse("prep:dashboard"))

    # Recorded at the login the fixture made, moments ago (a loaded machine may cross a second).
    started = alice_client.session[SESSION_STARTED]
    assert int(time.time()) - 60 <= started <= int(time.time())


def test_a_visit_renews_the_idle_window_at_most_hourly(alice_client, alice_e5):
    recent = int(time.time()) - 60
    _set(alice_client, **{SESSION_STARTED: recent, SESSION_SEEN: recent})

    alice_client.get(reverse("prep:dashboard"))
    assert alice_client.session[SESSION_SEEN] == recent  # no write this time

    _set(alice_client, **{SESSION_SEEN: recent - 2 * 60 * 60})
    alice_client.get(reverse("prep:dashboard"))
    assert alice_client.session[SESSION_SEEN] > recent

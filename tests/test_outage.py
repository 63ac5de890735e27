"""A database outage answers 503 with Retry-After everywhere, and service resumes without a
restart when the database is back.

The outage is simulated by making every attempt to use a database connection fail the way a
refused connection does (OperationalError), for the length of a `with` block.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from prep.http import OUTAGE_RETRY_AFTER
from prep.models import ProblemProgress


@contextmanager
def database_down(error=OperationalError):
    failure = error("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=failure):
        yield


@pytest.fixture
def browser(alice, alice_e5) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


PAGES = [
    reverse("prep:home"),
    reverse("prep:dashboard"),
    reverse("prep:list-detail", args=["neetcode-150"]),
    reverse("prep:problem-detail", args=["two-sum"]),
    reverse("prep:settings"),
]


@pytest.mark.parametrize("url", PAGES)
def test_a_signed_in_page_answers_503_with_retry_after_while_the_database_is_down(
    browser, catalog, url
):
    with database_down():
        response = browser.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert "briefly unavailable" in response.content.decode()


def test_logging_in_answers_503_and_pages_that_need_no_database_still_serve(alice):
    client = Client(raise_request_exception=False)

    with database_down():
        login = client.post(reverse("login"), {"username": "alice", "password": "x"})
        signup = client.post(reverse("signup"), {"username": "newcomer"})
        landing = client.get(reverse("prep:home"))

    assert (login.status_code, signup.status_code) == (503, 503)
    assert login["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    # The signed-out landing page reads nothing from the database: it is not an error.
    assert landing.status_code == 200


def test_an_interface_error_is_an_outage_too(browser, catalog):
    with database_down(InterfaceError):
        assert browser.get(reverse("prep:dashboard")).status_code == 503


def test_an_htmx_tick_answers_503_and_saves_nothing(browser, catalog):
    with database_down():
        response = browser.post(
            reverse("prep:problem-status"),
            {"problem": "two-sum", "status": "solved"},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert not ProblemProgress.objects.exists()


def test_healthz_answers_503_while_down_and_ok_after(db):
    client = Client(raise_request_exception=False)

    with database_down():
        down = client.get(reverse("healthz"))
    up = client.get(reverse("healthz"))

    assert down.status_code == 503
    assert down["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert up.status_code == 200


def test_service_resumes_when_the_database_is_back(browser, catalog):
    with database_down():
        assert browser.get(reverse("prep:dashboard")).status_code == 503

    assert browser.get(reverse("prep:dashboard")).status_code == 200
    response = browser.post(
        reverse("prep:problem-status"), {"problem": "two-sum", "status": "solved"}
    )
    assert response.status_code == 302
    assert ProblemProgress.objects.get().status == "solved"


def test_other_errors_are_still_a_plain_500(browser, catalog):
    with mock.patch("prep.views.progress.render", side_effect=ValueError("a bug")):
        response = browser.get(reverse("prep:dashboard"))

    assert response.status_code == 500
    assert "Retry-After" not in response

"""/healthz: what the load balancer and docker-compose poll to know the site can serve."""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_database(monkeypatch):
    def cursor(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(type(connections[DEFAULT_DB_ALIAS]), "cursor", cursor)


def test_healthz_answers_ok_without_a_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, broken_database):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] != "ok"


def test_healthz_refuses_post_with_405(client):
    assert client.post("/healthz").status_code == 405

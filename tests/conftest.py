"""The cast and the catalogue, shared by every test module.

alice is the candidate, bob will hold alice's share link, charlie is a stranger to both.
"""

import sqlite3
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from prep.fragments import catalogue_change
from prep.models import DesignStage, FocusArea, LearnCard, Problem, ProblemList
from tests._requirements import skip_unless_required
from tests.browser._chromium import chromium_status
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def pytest_report_header(config) -> list[str]:
    return [f"database: {_database_version()}", f"browser: {_browser_line()}"]


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (set DATABASE_URL to test on PostgreSQL)"
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
    except Exception as exc:  # The header must never stop the run; the tests will say more.
        return f"{connection.display_name} (version unknown: {exc})"
    return f"{connection.display_name} {version}"


def _browser_line() -> str:
    version, reason = chromium_status()
    return version or f"none, browser tests will skip: {reason}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # tryfirst: decided before any fixture opens a transaction or starts a thread.
    if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
        # The SQLite test database lives in shared-cache memory, where a second connection gets
        # "database table is locked" at once instead of waiting; production SQLite (a file, with
        # BEGIN IMMEDIATE) queues instead. Row locks are what these tests are about.
        skip_unless_required(
            "REQUIRE_POSTGRES",
            "needs PostgreSQL row locks; set DATABASE_URL to a PostgreSQL database",
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real catalogue once; each test's transaction rolls back around it."""
    with django_db_blocker.unblock():
        load_catalogue()


# Every prep row the first load wrote, by model: what a transactional test's flush empties and
# load_catalogue() puts back in a second, where running load_catalog again takes several.
_loaded: list[tuple[type, list[str], list[tuple]]] = []


def load_catalogue() -> None:
    """The real catalogue: loaded by `load_catalog` the first time in this process, copied
    back row for row after that (the same ids, so nothing can tell the two apart)."""
    if not _loaded:
        call_command("load_catalog", stdout=StringIO())
        for model in apps.get_app_config("prep").get_models(include_auto_created=True):
            fields = [f.attname for f in model._meta.concrete_fields]
            rows = list(model._base_manager.order_by("pk").values_list(*fields))
            if rows:
                _loaded.append((model, fields, rows))
        return
    with transaction.atomic(), catalogue_change():
        for model, fields, rows in _loaded:
            objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
            model._base_manager.bulk_create(objects, batch_size=500)
        # Rows came with their ids: the next id a sequence gives must follow them.
        models = [model for model, _, _ in _loaded]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _catalogue_back(request: pytest.FixtureRequest, django_db_blocker) -> None:
    """A transactional test's flush empties the catalogue; whatever test comes next (in any
    order, on any worker) finds it back, committed, before its own transaction starts."""
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    with django_db_blocker.unblock():
        if not Problem.objects.exists():
            load_catalogue()


@pytest.fixture
def user_pages_built(monkeypatch) -> None:
    """Pages kept per candidate (prep/fragments.py `cached_for_user`) are built on every visit,
    so a test measures what building one costs: query budgets, mostly."""
    from prep import fragments

    monkeypatch.setattr(fragments, "_user_fragments", fragments._Slots(0))


@pytest.fixture
def catalog(db) -> None:
    """The real catalogue, reloaded where a transactional test flushed it."""
    if not Problem.objects.exists():
        load_catalogue()


@pytest.fixture
def bare_catalogue(catalog) -> None:
    """The real lists, Learn cards, design stages and focus areas archived, so the rows a test
    makes with factories are all that readiness, counters and next-up see: exact, readable
    numbers that no edit of the fixtures can change. The test's transaction undoes it."""
    for model in [ProblemList, LearnCard, DesignStage, FocusArea]:
        model.objects.update(is_archived=True)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", email="charlie@example.com")


@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def alice_e5(catalog, alice):
    """alice's Profile: aiming for Meta at E5, no interview date yet."""
    from prep.models import Company, Level
    from tests.factories import ProfileFactory

    return ProfileFactory(
        user=alice,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug="e5"),
    )

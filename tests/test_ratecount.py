"""The rate-limit counter store (prep/ratecount.py): a window's count starts at 1, climbs by one
per request without losing any, ends when its window does, and costs two statements a request."""

import datetime

import pytest
from django.core.cache import InvalidCacheKey, caches
from django.core.checks import Tags, run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from prep.limits import by_ip
from prep.models import RateCount
from tests.factories import ShareLinkFactory
from tests.threads import run_in_threads

TABLE = RateCount._meta.db_table


@pytest.fixture
def counts():
    return caches["ratelimit"]


def _row(counts, key: str, count: int, seconds: float) -> RateCount:
    """A row as the store would have written it, its window ending `seconds` from now."""
    expires = timezone.now() + datetime.timedelta(seconds=seconds)
    return RateCount.objects.create(key=counts.make_key(key), count=count, expires=expires)


def _table_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if TABLE in q["sql"]]


def test_a_new_key_is_added_once_and_a_live_one_is_left_alone(db, counts):
    assert counts.add("k", 1, 60) is True
    assert counts.add("k", 5, 60) is False

    assert counts.get("k") == 1


def test_incr_adds_to_a_live_count_and_returns_it(db, counts):
    counts.add("k", 1, 60)

    assert counts.incr("k") == 2
    assert counts.incr("k", 5) == 7
    assert counts.decr("k") == 6
    assert counts.get("k") == 6


def test_incr_of_a_missing_or_ended_count_raises_value_error(db, counts):
    _row(counts, "ended", 4, -1)

    with pytest.raises(ValueError, match="not found"):
        counts.incr("missing")
    with pytest.raises(ValueError, match="not found"):
        counts.incr("ended")
    assert RateCount.objects.get(key=counts.make_key("ended")).count == 4


def test_get_reads_live_counts_only(db, counts):
    _row(counts, "live", 3, 60)
    _row(counts, "ended", 3, -1)

    assert counts.get("live") == 3
    assert counts.get("ended") is None
    assert counts.get("ended", 0) == 0
    assert counts.get("missing", 0) == 0
    assert counts.has_key("live")
    assert not counts.has_key("ended")


def test_a_window_that_ended_starts_again_at_one(db, counts):
    _row(counts, "k", 300, -1)

    assert counts.add("k", 1, 60) is True
    assert counts.get("k") == 1
    assert counts.incr("k") == 2
    row = RateCount.objects.get(key=counts.make_key("k"))
    assert timezone.now() + datetime.timedelta(seconds=55) < row.expires


def test_a_new_window_removes_the_rows_whose_windows_ended(db, counts):
    _row(counts, "ended-1", 9, -1)
    _row(counts, "ended-2", 9, -3600)
    _row(counts, "live", 9, 60)

    counts.add("new", 1, 60)

    keys = set(RateCount.objects.values_list("key", flat=True))
    assert keys == {counts.make_key("live"), counts.make_key("new")}


def test_an_add_that_writes_nothing_removes_nothing(db, counts):
    _row(counts, "live", 1, 60)
    _row(counts, "ended", 9, -1)

    with CaptureQueriesContext(connection) as queries:
        assert counts.add("live", 1, 60) is False

    assert len(queries) == 1
    assert RateCount.objects.count() == 2


def test_set_touch_delete_and_clear(db, counts):
    counts.set("k", 4, 60)
    counts.set("k", 8, 60)
    assert counts.get("k") == 8

    assert counts.touch("k", 600) is True
    assert counts.touch("missing", 600) is False
    row = RateCount.objects.get(key=counts.make_key("k"))
    assert row.expires > timezone.now() + datetime.timedelta(seconds=590)

    assert counts.delete("k") is True
    assert counts.delete("k") is False
    assert counts.get("k") is None

    counts.set("a", 1, 60)
    counts.set("b", 1, None)  # never expires
    counts.clear()
    assert not RateCount.objects.exists()


def test_timeouts_none_and_zero(db, counts):
    counts.set("forever", 1, None)
    counts.set("gone", 1, 0)

    assert counts.get("forever") == 1
    assert counts.get("gone") is None


@pytest.mark.parametrize("value", ["1", 1.5, None, True])
def test_only_integers_are_stored(db, counts, value):
    with pytest.raises(TypeError, match="integers only"):
        counts.add("k", value, 60)
    with pytest.raises(TypeError, match="integers only"):
        counts.set("k", value, 60)
    counts.add("n", 1, 60)
    with pytest.raises(TypeError, match="integers only"):
        counts.incr("n", value)

    assert counts.get("n") == 1
    assert not RateCount.objects.filter(key=counts.make_key("k")).exists()


def test_a_key_wider_than_the_column_is_refused(db, counts):
    with pytest.raises(InvalidCacheKey):
        counts.add("k" * 255, 1, 60)  # the key prefix and version make it 258


def test_requests_count_one_by_one_through_django_ratelimit(db, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")

    usages = [
        get_usage(request, group="g", key=by_ip, rate="5/m", method=ALL, increment=True)
        for _ in range(7)
    ]
    unchanged = get_usage(request, group="g", key=by_ip, rate="5/m", method=ALL)

    assert [u["count"] for u in usages] == [1, 2, 3, 4, 5, 6, 7]
    assert [u["should_limit"] for u in usages] == [False] * 5 + [True] * 2
    assert unchanged["count"] == 7
    assert RateCount.objects.get().count == 7


@pytest.mark.parametrize("increment", [True, False])
def test_a_counted_request_costs_two_statements(db, rf, increment):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")

    def usage():
        with CaptureQueriesContext(connection) as queries:
            get_usage(request, group="g", key=by_ip, rate="5/m", method=ALL, increment=increment)
        return queries

    opening, counted = usage(), usage()  # the window's first request, then one inside it

    # The window's first: the insert, and the sweep of ended windows (in a savepoint of its
    # own, which a test's transaction shows as two statements more).
    assert len(_table_statements(opening.captured_queries)) == 2
    assert len(opening) <= 4
    assert len(counted) == 2


def test_a_sweep_that_fails_leaves_the_count_and_the_request_alone(db, monkeypatch):
    """Two sweeps at once may deadlock on PostgreSQL; the one the database aborts gives up."""
    from django.db import DatabaseError

    store = caches["ratelimit"]
    real = store._execute

    def deadlocked(sql, params, fetch=True):
        if sql.startswith("DELETE FROM {table} WHERE {expires}"):
            real(sql, params, fetch)  # the statement runs, then the database aborts it
            raise DatabaseError("deadlock detected")
        return real(sql, params, fetch)

    monkeypatch.setattr(store, "_execute", deadlocked)

    assert store.add("k", 1, 60) is True
    assert store.incr("k") == 2
    assert RateCount.objects.get().count == 2


def test_a_mentor_page_view_costs_two_rate_limit_statements(alice, catalog, client):
    url = reverse("prep:share-dashboard", args=[ShareLinkFactory(user=alice).token])

    for _ in range(2):  # the window's first view, then one inside it
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(_table_statements(queries.captured_queries)) == 2
        assert not [q for q in queries.captured_queries if "prep_cache" in q["sql"]]

    assert RateCount.objects.get().count == 2


def test_the_rate_limit_store_passes_django_ratelimits_checks():
    assert [m.id for m in run_checks(tags=[Tags.caches])] == ["django_ratelimit.W001"]


THREADS = 8
PER_THREAD = 10


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_lose_no_counts(rf):
    # The window's first requests race to add the key: one adds it, the others increment it.
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")

    def count(_: int) -> list[int]:
        return [
            get_usage(request, group="g", key=by_ip, rate="1000/h", method=ALL, increment=True)[
                "count"
            ]
            for _ in range(PER_THREAD)
        ]

    seen = sorted(n for counts in run_in_threads(count, THREADS) for n in counts)

    assert seen == list(range(1, THREADS * PER_THREAD + 1))
    assert RateCount.objects.get().count == THREADS * PER_THREAD


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_adds_of_one_key_write_it_once():
    def add(_: int) -> bool:
        return caches["ratelimit"].add("k", 1, 60)

    assert sorted(run_in_threads(add, THREADS)) == [False] * (THREADS - 1) + [True]


@pytest.mark.django_db(transaction=True)
def test_migrating_forgets_the_counts_left_in_the_database_cache():
    """Migration 0023: the rate limits' old counts go, whatever else the cache holds stays."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    rows = [(":1:rl:abc", "gAVLAS4="), (":1:rl:def", "gAVLAi4="), (":1:other", "gAVLAy4=")]
    try:
        executor.migrate([("prep", "0022_ratecount")])
        with connection.cursor() as cursor:
            for key, value in rows:
                cursor.execute(
                    "INSERT INTO prep_cache (cache_key, value, expires) VALUES (%s, %s, %s)",
                    [key, value, timezone.now() + datetime.timedelta(hours=1)],
                )
        executor = MigrationExecutor(connection)
        executor.migrate([("prep", "0023_forget_old_rate_counts")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM prep_cache ORDER BY cache_key")
            assert [key for (key,) in cursor.fetchall()] == [":1:other"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM prep_cache")
        MigrationExecutor(connection).migrate(latest)

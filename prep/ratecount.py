"""A cache backend for rate-limit counts: integers in the RateCount table, one statement each.

django-ratelimit counts a request with `cache.add(key, 1, window)` and, when the key is already
there, `cache.incr(key)`. Django's DatabaseCache spends about ten statements and two write
transactions on that (a read-then-write increment that can lose counts under load, and a
`SELECT COUNT(*)` of the whole table on every write, to decide whether to cull). Here each
operation is one statement that the database applies atomically, on SQLite (3.35+, for
RETURNING) and PostgreSQL alike:

- add: INSERT ... ON CONFLICT DO UPDATE ... WHERE the old row has expired, so a new key or an
  ended window writes a row and a live one is left alone;
- incr: UPDATE ... SET count = count + delta ... RETURNING count, which takes the row's lock.

A counted request therefore costs two statements: the add, then either the incr (the window was
already open) or the removal of rows whose windows have ended (it has just opened).

It stores integers only (TypeError otherwise): it is a counter store, not a general cache.
"""

import datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache, InvalidCacheKey
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from prep.models import RateCount

# What a timeout of None ("never expires") is stored as: the column is not nullable.
FOREVER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
KEY_LENGTH = RateCount._meta.get_field("key").max_length


class CounterCache(BaseCache):
    """Integer counts with an expiry each, in RateCount's table."""

    def __init__(self, location, params):
        super().__init__(params)

    # -- BaseCache's contract -----------------------------------------------------------------

    def validate_key(self, key: str) -> None:
        # The memcached warnings BaseCache gives do not apply; the column's width does.
        if len(key) > KEY_LENGTH:
            raise InvalidCacheKey(f"Cache key is longer than {KEY_LENGTH} characters: {key!r}")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Write the count unless the key holds a live one; True when a row was written."""
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        written = self._execute(
            "INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, %s, %s) "
            "ON CONFLICT ({key}) DO UPDATE "
            "SET {count} = excluded.{count}, {expires} = excluded.{expires} "
            "WHERE {table}.{expires} <= %s RETURNING 1",
            [key, _integer(value), self._expiry(now, timeout), now],
        )
        if written:
            self._sweep(now)
        return bool(written)

    def _sweep(self, now: datetime.datetime) -> None:
        """Delete the rows whose windows have ended. A window has just started, so this runs
        once per key and window, never on a request that only increments. It stays cheap:
        `expires` is indexed, and since every new window sweeps, the rows it finds are only
        those whose windows ended since the last sweep, so the table holds live windows and a
        few just ended.

        Best effort: two sweeps at once on PostgreSQL may lock the same rows in opposite orders,
        and the database then aborts one. That one gives up (its savepoint rolls back, the count
        stands) and a later window sweeps instead, rather than the request failing."""
        try:
            with transaction.atomic(using=router.db_for_write(RateCount)):
                self._execute("DELETE FROM {table} WHERE {expires} <= %s", [now], fetch=False)
        except DatabaseError:
            pass

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            "SELECT {count} FROM {table} WHERE {key} = %s AND {expires} > %s",
            [key, timezone.now()],
        )
        return rows[0][0] if rows else default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._execute(
            "INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, %s, %s) "
            "ON CONFLICT ({key}) DO UPDATE "
            "SET {count} = excluded.{count}, {expires} = excluded.{expires}",
            [key, _integer(value), self._expiry(timezone.now(), timeout)],
            fetch=False,
        )

    def incr(self, key, delta=1, version=None) -> int:
        """Add delta to a live count and return the new count; ValueError when there is none."""
        key = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            "UPDATE {table} SET {count} = {count} + %s "
            "WHERE {key} = %s AND {expires} > %s RETURNING {count}",
            [_integer(delta), key, timezone.now()],
        )
        if not rows:
            raise ValueError(f"Key '{key}' not found.")
        return rows[0][0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        rows = self._execute(
            "UPDATE {table} SET {expires} = %s WHERE {key} = %s AND {expires} > %s RETURNING 1",
            [self._expiry(now, timeout), key, now],
        )
        return bool(rows)

    def has_key(self, key, version=None) -> bool:
        return self.get(key, version=version) is not None

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self._execute("DELETE FROM {table} WHERE {key} = %s RETURNING 1", [key]))

    def clear(self) -> None:
        self._execute("DELETE FROM {table}", [], fetch=False)

    # -- Helpers ------------------------------------------------------------------------------

    def _expiry(self, now: datetime.datetime, timeout) -> datetime.datetime:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return FOREVER
        # A timeout of 0 (or less) means expired at once, as for Django's own backends.
        return now + datetime.timedelta(seconds=timeout if timeout > 0 else -1)

    def _execute(self, sql: str, params: list, fetch: bool = True) -> list[tuple]:
        """Run one statement on the model's database, its {names} quoted for that database."""
        connection = connections[router.db_for_write(RateCount)]
        quote = connection.ops.quote_name
        sql = sql.format(
            table=quote(RateCount._meta.db_table),
            key=quote("key"),
            count=quote("count"),
            expires=quote("expires"),
        )
        # Datetimes as the ORM stores them (on SQLite, UTC text), so comparisons hold.
        params = [
            connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime.datetime) else p
            for p in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # fetchall: SQLite finishes a statement with RETURNING only once its rows are read.
            return cursor.fetchall() if fetch else []


def _integer(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"CounterCache stores integers only, not {type(value).__name__}")
    return value

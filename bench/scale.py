"""`make bench-scale`: do the dashboard and a tick stay fast with 10,000 candidates' history?

Loads BENCH_SCALE_USERS candidates (10,000) with about BENCH_SCALE_PROGRESS progress rows each
(500), plus the status changes, review cards, reviews and activity rows that much progress leaves,
into a throwaway PostgreSQL database (COPY in batches: a few minutes). Then, for one of them, it
times the dashboard, Today, the NeetCode 150 list and a status tick, captures the queries each
runs, and EXPLAINs every one (ANALYZE and BUFFERS for reads): any sequential scan of the tables
that grow with users is flagged, and the database time of a dashboard is held to 5 ms.

The PostgreSQL is a scratch database on DATABASE_URL's server when it names one, else a
throwaway cluster on 127.0.0.1 (bench/pg.py). The loader itself (`load`) runs on any database,
which is how the tests try it on a tiny count.
"""

import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from io import StringIO
from pathlib import Path

from bench import report

USERS = int(os.environ.get("BENCH_SCALE_USERS", "10000"))
PROGRESS_PER_USER = int(os.environ.get("BENCH_SCALE_PROGRESS", "500"))
SAMPLES = int(os.environ.get("BENCH_SCALE_SAMPLES", "20"))
DB_TIME_TARGET_MS = 5.0
# The tables that grow with every candidate's work: a sequential scan of one is a page that
# slows down as the site grows.
WATCHED = {
    "prep_problemprogress",
    "prep_problemevent",
    "prep_reviewcard",
    "prep_review",
    "prep_activity",
}
USERNAME = "scale-{:05d}"
# Status mix of a busy candidate's progress rows, in percent.
STATUS_MIX = [
    ("solved", 45),
    ("needs_review", 10),
    ("attempted", 25),
    ("skipped", 5),
    ("not_started", 15),
]
DEFAULT_OUT = Path(__file__).resolve().parent / "scale-results.json"

# --- Loading -----------------------------------------------------------------------------------


class Writer:
    """Rows into a table: COPY on PostgreSQL, bulk_create elsewhere. Rows are tuples in the
    order of `fields` (attribute names, such as user_id)."""

    def __init__(self, connection):
        self.connection = connection
        self.copy = connection.vendor == "postgresql"

    def write(self, model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        if self.copy:
            columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)
            with self.connection.cursor() as cursor:
                copy = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
                with cursor.cursor.copy(copy) as out:
                    for row in rows:
                        out.write_row(row)
        else:
            objs = (model(**dict(zip(fields, row, strict=True))) for row in rows)
            model.objects.bulk_create(objs, batch_size=500)
        return len(rows)


def load(
    users: int = USERS,
    per_user: int = PROGRESS_PER_USER,
    *,
    seed: int = 14,
    batch: int = 250,
    log: Callable[[str], None] = print,
    defer_indexes: bool = False,
) -> dict[str, int]:
    """Make `users` candidates (aiming at Meta E5), each with `per_user` progress rows (fewer if
    the catalogue has fewer problems) and the history that progress leaves. Returns the number
    of rows made per table. Needs the catalogue loaded. `defer_indexes` (PostgreSQL only)
    builds the tables' non-unique indexes after loading instead of row by row."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from prep.models import (
        Activity,
        Company,
        Level,
        Problem,
        ProblemEvent,
        ProblemProgress,
        Profile,
        Review,
        ReviewCard,
    )

    User = get_user_model()
    writer = Writer(connection)
    rng = random.Random(seed)
    problem_ids = list(Problem.objects.active().values_list("pk", flat=True))
    per_user = min(per_user, len(problem_ids))
    meta, e5 = Company.objects.get(slug="meta"), Level.objects.get(slug="e5")
    now = timezone.now()
    next_card = (ReviewCard.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    made = dict.fromkeys(["users", "progress", "events", "review_cards", "reviews", "activity"], 0)
    first = User.objects.filter(username__startswith="scale-").count()
    started = time.monotonic()
    grown = [ProblemProgress, ProblemEvent, ReviewCard, Review, Activity]
    deferred = defer_indexes and writer.copy
    with _indexes_deferred(connection, grown, log) if deferred else nullcontext():
        for offset in range(0, users, batch):
            names = [USERNAME.format(first + n) for n in range(offset, min(offset + batch, users))]
            with transaction.atomic():
                made_users = User.objects.bulk_create(
                    User(username=name, password="!", date_joined=now) for name in names
                )
                if made_users[0].pk is None:  # a backend that does not return ids
                    made_users = list(User.objects.filter(username__in=names).order_by("pk"))
                Profile.objects.bulk_create(
                    Profile(user=u, target_company=meta, target_level=e5) for u in made_users
                )
                ids = [u.pk for u in made_users]
                rows = _history(rng, ids, problem_ids, per_user, now, next_card)
                next_card += len(rows["cards"])
                made["users"] += len(made_users)
                made["progress"] += writer.write(ProblemProgress, PROGRESS_FIELDS, rows["progress"])
                made["events"] += writer.write(ProblemEvent, EVENT_FIELDS, rows["events"])
                made["review_cards"] += writer.write(ReviewCard, CARD_FIELDS, rows["cards"])
                made["reviews"] += writer.write(Review, REVIEW_FIELDS, rows["reviews"])
                made["activity"] += writer.write(Activity, ACTIVITY_FIELDS, rows["activity"])
            done = offset + len(names)
            if done % 1000 < batch or done == users:
                rate = sum(made.values()) / max(time.monotonic() - started, 1e-9)
                total = sum(made.values())
                log(f"  {done:>6} of {users} candidates, {total:,} rows ({rate:,.0f}/s)")
    if writer.copy:
        # Cards were given their ids here: move the id sequence past them.
        with connection.cursor() as cursor:
            table = ReviewCard._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    return made


@contextmanager
def _indexes_deferred(connection, models: list, log: Callable[[str], None]) -> Iterator[None]:
    """Drop the tables' non-unique indexes for the load and build them again after: one build
    over the whole table is several times faster than updating each index row by row. The
    unique ones stay, so every row is still checked against them. PostgreSQL only."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef NOT LIKE %s",
            [tables, "CREATE UNIQUE INDEX%"],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        clock = time.monotonic()
        with connection.cursor() as cursor:
            # Inside a caller's transaction, foreign-key checks still pending would block the
            # build: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
        log(f"  built {len(indexes)} indexes again in {time.monotonic() - clock:.0f} s")


PROGRESS_FIELDS = (
    "user_id",
    "problem_id",
    "status",
    "first_solved_on",
    "last_practised_on",
    "confidence",
    "minutes_spent",
    "notes",
    "updated_at",
)
EVENT_FIELDS = ("user_id", "problem_id", "old_status", "status", "created_at")
CARD_FIELDS = ("id", "user_id", "problem_id", "due_on", "created_at")
REVIEW_FIELDS = ("card_id", "rating", "source", "reviewed_at", "reviewed_on", "due_on")
ACTIVITY_FIELDS = ("user_id", "item", "at")


def _history(rng: random.Random, user_ids, problem_ids, per_user: int, now, next_card: int):
    """Rows for these users, shaped as the app makes them: a status change is an event and
    (unless it sets the problem aside) an activity; solving makes a review card with a
    review, itself an activity; some cards were reviewed again later."""
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    rows = {name: [] for name in ("progress", "events", "cards", "reviews", "activity")}
    today = now.date()
    for user_id in user_ids:
        for n, problem_id in enumerate(rng.sample(problem_ids, per_user)):
            status = rng.choice(statuses)
            # Most work is recent and some of it today, as on a busy site: a query for "today"
            # that is not narrowed to one candidate first has a whole day's rows to read.
            days = min(int(rng.expovariate(1 / 45)), 239)
            at = now - timedelta(days=days, seconds=rng.randrange(86_400 if days else 3_600))
            day = at.date()
            solved = status in ("solved", "needs_review")
            rows["progress"].append(
                (
                    user_id,
                    problem_id,
                    status,
                    day if solved else None,
                    day if status != "not_started" else None,
                    rng.randint(1, 5) if solved and n % 2 else None,
                    rng.randrange(0, 60),
                    "",
                    at,
                )
            )
            # Every third problem was attempted a few days before it reached its status.
            before = "attempted" if n % 3 == 0 and status != "attempted" else None
            changes = []
            if before:
                changes.append(("not_started", before, at - timedelta(days=3)))
            if status != "not_started" or before:
                changes.append((before or "not_started", status, at))
            for old, new, when in changes:
                rows["events"].append((user_id, problem_id, old, new, when))
                if new not in ("not_started", "skipped"):
                    rows["activity"].append((user_id, f"problem:{problem_id}", when))
            if not solved:
                continue
            card = next_card + len(rows["cards"])
            reviewed, due = day, day + timedelta(days=2)
            for k in range(1 + (n % 3 == 1) + (n % 5 == 2)):
                if reviewed > today:
                    break
                when = now - timedelta(days=(today - reviewed).days)
                source = "solved" if k == 0 else "rated"
                rating = 3 if k == 0 else rng.randint(1, 4)
                due = reviewed + timedelta(days=(2, 1, 1, 2, 8)[rating] * (k + 1))
                rows["reviews"].append((card, rating, source, when, reviewed, due))
                rows["activity"].append((user_id, f"problem:{problem_id}", when))
                reviewed = due
            rows["cards"].append((card, user_id, problem_id, due, at))
    return rows


# --- Reporting ---------------------------------------------------------------------------------


def plan_nodes(plan: dict) -> Iterable[dict]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, depth first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def seq_scans(plan: dict) -> list[str]:
    """The tables a plan reads with a sequential scan."""
    return [
        node["Relation Name"]
        for node in plan_nodes(plan)
        if node.get("Node Type") == "Seq Scan" and "Relation Name" in node
    ]


def scans(plan: dict) -> list[str]:
    """How each table is read, briefly: "Index Scan prep_activity (prep_activ_user_id_...)"."""
    found = []
    for node in plan_nodes(plan):
        if "Relation Name" in node:
            index = f" ({node['Index Name']})" if "Index Name" in node else ""
            found.append(f"{node['Node Type']} {node['Relation Name']}{index}")
    return found


def _explainable(sql: str) -> str | None:
    """How to EXPLAIN a statement: "analyze" a read, only "plan" an UPDATE or DELETE (the plan
    shows how rows are found, without running it), None for what has no scan to look at."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if head in ("SELECT", "WITH"):
        return "analyze"
    if head in ("UPDATE", "DELETE"):
        return "plan"
    return None


def explain(sql: str) -> dict | None:
    """EXPLAIN one captured statement in a transaction that is rolled back, so a SELECT ... FOR
    UPDATE locks nothing for long and nothing is written."""
    from django.db import connection, transaction

    kind = _explainable(sql)
    if kind is None:
        return None
    options = "ANALYZE, BUFFERS, FORMAT JSON" if kind == "analyze" else "FORMAT JSON"
    text_options = "ANALYZE, BUFFERS" if kind == "analyze" else "COSTS"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            (raw,) = cursor.fetchone()
            cursor.execute(f"EXPLAIN ({text_options}) {sql}")
            text = "\n".join(line for (line,) in cursor.fetchall())
        transaction.set_rollback(True)
    result = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    plan = result["Plan"]
    return {
        "sql": sql,
        "kind": kind,
        "planning_ms": result.get("Planning Time"),
        "execution_ms": result.get("Execution Time"),
        "rows": plan.get("Actual Rows", plan.get("Plan Rows")),
        "scans": scans(plan),
        "seq_scans": seq_scans(plan),
        "plan": text,
    }


def measure_page(
    client, name: str, send: Callable, samples: int = SAMPLES, before: Callable | None = None
) -> dict:
    """Time a request, capture its queries, and EXPLAIN each of them. `before` runs ahead of
    each request, untimed and uncaptured (a change of the candidate's data, so the page builds
    what it keeps per candidate afresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = before or (lambda: None)
    for _ in range(3):
        before()
        send()
    before()
    with CaptureQueriesContext(connection) as captured:
        send()
    sql = [q["sql"] for q in captured.captured_queries]
    timings = []
    with report.database_time() as db_times:
        for _ in range(samples):
            db_times.append(0.0)
            before()
            db_times[-1] = 0.0  # the change is not the page's own database time
            start = time.perf_counter()
            send()
            timings.append(time.perf_counter() - start)
    plans = [p for p in map(explain, sql) if p is not None]
    server_ms = sum((p["planning_ms"] or 0) + (p["execution_ms"] or 0) for p in plans)
    flagged = sorted({t for p in plans for t in p["seq_scans"] if t in WATCHED})
    others = sorted({t for p in plans for t in p["seq_scans"] if t not in WATCHED})
    return {
        "page": name,
        **report.summary(timings),
        "queries": len(sql),
        "db_ms_server": round(server_ms, 2),
        "db_ms_client": report.summary(db_times)["median_ms"],
        "seq_scans_watched": flagged,
        "seq_scans_other": others,
        "explained": sorted(plans, key=lambda p: -(p["execution_ms"] or 0)),
    }


def candidate_report(username: str, samples: int = SAMPLES) -> list[dict]:
    """Time and explain the pages of one candidate: dashboard, Today, the list, a tick."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from prep.models import ListEntry, ProblemProgress
    from prep.models.owned import versions_of

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    list_path = "/lists/neetcode-150/"
    on_list = ListEntry.objects.active().filter(problem_list__slug="neetcode-150")
    mine = ProblemProgress.objects.filter(
        user=user, status="solved", problem__in=on_list.values("problem")
    )
    slug = mine.values_list("problem__slug", flat=True).first()
    flips = iter(range(10**9))

    def tick():
        status = ("attempted", "solved")[next(flips) % 2]
        form = {"problem": slug, "status": status, "list": "neetcode-150"}
        headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver" + list_path}
        return _ok(client.post("/progress/problem-status/", form, headers=headers))

    def change():
        # A write to the candidate's data, as a tick elsewhere would be: a new data version.
        versions_of({user.pk})

    dashboard, today = (lambda: _ok(client.get("/dashboard/"))), (lambda: _ok(client.get("/")))
    pages = [
        ("dashboard", dashboard, None),
        ("dashboard, after a change", dashboard, change),
        ("Today", today, None),
        ("Today, after a change", today, change),
        ("NeetCode 150 list", lambda: _ok(client.get(list_path)), None),
        ("status tick, htmx", tick, None),
    ]
    return [measure_page(client, name, send, samples, before) for name, send, before in pages]


def _ok(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return response


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        return {
            table: _count(cursor, table)
            for table in sorted(WATCHED | {"auth_user", "prep_profile"})
        }


def _count(cursor, table: str) -> int:
    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
    return cursor.fetchone()[0]


def print_report(pages: list[dict], top: int = 3) -> None:
    headers = ["page", "median ms", "p95 ms", "queries", "db ms (server)", "db ms (client)"]
    headers += ["seq scans of growing tables"]
    body = [
        [
            p["page"],
            report.ms(p["median_ms"]),
            report.ms(p["p95_ms"]),
            p["queries"],
            report.ms(p["db_ms_server"]),
            report.ms(p["db_ms_client"]),
            ", ".join(p["seq_scans_watched"]) or "none",
        ]
        for p in pages
    ]
    print(report.table(headers, body))
    for p in pages:
        print(f"\n-- {p['page']}: the {top} slowest of its {p['queries']} queries")
        for plan in p["explained"][:top]:
            print(f"\n{_short(plan['sql'])}\n{plan['plan']}")
        if p["seq_scans_other"]:
            print(f"\n   (sequential scans of small tables: {', '.join(p['seq_scans_other'])})")


def _short(sql: str, width: int = 300) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return sql if len(sql) <= width else sql[: width - 3] + "..."


def verdicts(pages: list[dict]) -> list[str]:
    """What misses the targets: a sequential scan of a growing table anywhere, or a dashboard
    (kept, or after a change) whose queries take the database more than 5 ms."""
    missed = [
        f"{p['page']}: sequential scan of {', '.join(p['seq_scans_watched'])}"
        for p in pages
        if p["seq_scans_watched"]
    ]
    # Kept (nothing changed since the last visit) and built afresh after a change: both.
    for dashboard in (p for p in pages if p["page"].startswith("dashboard")):
        if dashboard["db_ms_server"] > DB_TIME_TARGET_MS:
            missed.append(
                f"{dashboard['page']}: {dashboard['db_ms_server']:.2f} ms of database time > "
                f"{DB_TIME_TARGET_MS:g} ms"
            )
    return missed


def main() -> None:
    import signal

    from bench.pg import postgres_for_bench
    from bench.run import bench_env

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out = Path(os.environ.get("BENCH_SCALE_OUT") or DEFAULT_OUT)
    started = time.monotonic()
    # A server with its data cached as a production one would be: 10,000 candidates' rows are
    # about 3 GB, and a throwaway cluster's default cache is 128 MB.
    cluster = {"shared_buffers": "'1GB'"}
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        postgres_for_bench(required=True, settings=cluster) as url,
    ):
        if url is None:
            raise SystemExit(
                "bench-scale needs PostgreSQL: set DATABASE_URL to a server, or install one "
                "(/usr/lib/postgresql/*/bin) for a throwaway cluster"
            )
        os.environ.update(bench_env(url, Path(tmp)))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_catalog", stdout=StringIO())
        print(f"Loading {USERS:,} candidates with {PROGRESS_PER_USER} progress rows each")
        clock = time.monotonic()
        made = load(USERS, PROGRESS_PER_USER, defer_indexes=True)
        loaded_s = time.monotonic() - clock
        print(f"Loaded {sum(made.values()):,} rows in {loaded_s:.0f} s; VACUUM ANALYZE")
        clock = time.monotonic()
        with connection.cursor() as cursor:
            for table in sorted(WATCHED):
                cursor.execute(f'VACUUM ANALYZE "{table}"')
        vacuum_s = time.monotonic() - clock
        sizes = table_sizes()
        username = USERNAME.format(USERS // 2)
        print(f"Rows: {sizes}\nMeasuring for {username} ({SAMPLES} requests a page)\n")
        pages = candidate_report(username)
        version = ".".join(map(str, connection.get_database_version()))
    print_report(pages)
    missed = verdicts(pages)
    result = {
        "postgresql": version,
        "users": USERS,
        "progress_per_user": PROGRESS_PER_USER,
        "rows_made": made,
        "rows": sizes,
        "load_seconds": round(loaded_s, 1),
        "vacuum_seconds": round(vacuum_s, 1),
        "candidate": username,
        "db_time_target_ms": DB_TIME_TARGET_MS,
        "pages": pages,
        "targets_met": not missed,
        "seconds": round(time.monotonic() - started, 1),
    }
    report.write_json(out, result)
    print(f"\nWrote {out} in {result['seconds']:.0f} s.")
    print("Targets NOT met:\n  " + "\n  ".join(missed) if missed else "Every target met.")
    if missed and os.environ.get("BENCH_STRICT") == "1":
        sys.exit(1)


if __name__ == "__main__":
    main()

"""The benchmark's pieces (bench/): its URLconf, its candidate, its arithmetic, its scale loader.

No timing is asserted here: timings belong to `make bench`. These only prove the instruments
measure what they say they measure.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bench import part_a, report, run, scale
from bench.pages import TICK_STATUSES, TRIVIAL_PATH, Page, build_pages, trivial
from bench.pg import is_postgres_url
from bench.seed import TICK_PROBLEMS, seed_candidate
from prep.models import (
    Activity,
    ChapterDone,
    DesignAttempt,
    MockRound,
    ProblemEvent,
    ProblemProgress,
    Profile,
    Review,
    ReviewCard,
    ShareLink,
    Status,
    Story,
)
from prep.models.owned import versions_of

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.fixture
def seeded(db):
    return seed_candidate("bench", password="bench-password-1234")


# --- The bench URLconf -------------------------------------------------------------------------


def test_the_bench_urls_add_a_trivial_view(bench_urls, client):
    response = client.get(TRIVIAL_PATH)

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_bench_urls_keep_every_page_of_the_site(bench_urls, client):
    assert client.get("/healthz").status_code == 200
    assert reverse("prep:dashboard") == "/dashboard/"


def test_the_trivial_view_answers_only_reads(bench_urls, client):
    assert client.post(TRIVIAL_PATH).status_code == 405


def test_the_site_itself_has_no_trivial_view(client):
    assert client.get(TRIVIAL_PATH).status_code == 404


# --- The seeded candidate ----------------------------------------------------------------------


def test_seeding_makes_a_candidate_with_a_history(seeded):
    user = Profile.objects.get(user__username="bench").user
    solved = ProblemProgress.objects.filter(user=user, status=Status.SOLVED)

    assert 85 <= solved.count() <= 105
    assert ProblemProgress.objects.filter(user=user).count() >= 115
    # Ticks went through mark(): each change is an event and, where it is work, an activity.
    assert ProblemEvent.objects.filter(user=user).count() > solved.count()
    assert Activity.objects.filter(user=user, item__startswith="problem:").exists()
    assert ReviewCard.objects.filter(user=user, problem__isnull=False).count() >= solved.count()
    assert Review.objects.filter(card__user=user).count() >= solved.count()
    assert ChapterDone.objects.filter(user=user).count() > 0
    assert Story.objects.filter(user=user).count() == 4
    assert DesignAttempt.objects.filter(user=user, ended_at__isnull=False).count() == 1
    assert DesignAttempt.objects.filter(user=user, ended_at__isnull=True).count() == 1
    assert MockRound.objects.filter(user=user, is_recorded=True).count() == 1
    assert ShareLink.objects.find(seeded.token).user == user
    assert seeded.counts["solved"] == solved.count()


def test_the_problems_the_bench_ticks_start_solved_and_differ(seeded):
    slugs = seeded.tick_slugs

    assert len(slugs) == len(set(slugs)) == TICK_PROBLEMS
    assert seeded.problem_slug not in slugs
    statuses = ProblemProgress.objects.filter(user__username="bench", problem__slug__in=slugs)
    assert set(statuses.values_list("status", flat=True)) == {Status.SOLVED}


def test_the_candidate_can_log_in_with_the_password_it_reports(seeded, client):
    form = {"username": seeded.username, "password": seeded.password}

    response = client.post(reverse("login"), form)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_every_measured_page_answers_as_it_should_and_ticks_write(seeded, bench_urls):
    client = Client()
    client.force_login(Profile.objects.get(user__username="bench").user)
    pages = build_pages(seeded.as_dict(), part="a")
    events = ProblemEvent.objects.count()

    rows = part_a.measure(client, pages, rounds=1, seconds=0, warmup=0, db_samples=1)

    assert [r["key"] for r in rows] == ["trivial", *(p.key for p in pages)]
    by_key = {r["key"]: r for r in rows}
    assert by_key["trivial"]["ratio"] == 1
    assert all(r["queries"] > 0 for r in rows if r["key"] != "trivial")
    assert by_key["list"]["gzipped"]
    assert by_key["list"]["gzip_bytes"] < by_key["list"]["bytes"]
    # Each tick changed the status (1 capture + 1 gzip + 1 timed + 1 round): every one wrote.
    assert ProblemEvent.objects.count() - events == 2 * 4


def test_a_page_that_answers_wrongly_stops_the_bench(seeded, bench_urls):
    client = Client()  # not logged in: the dashboard redirects to the login page
    page = Page("dashboard", "dashboard", "/dashboard/")

    with pytest.raises(part_a.BenchError, match="answered 302, not 200"):
        part_a.send(client, page)


# --- Pages and their forms ---------------------------------------------------------------------


SEED = {
    "list_slug": "neetcode-150",
    "tick_slugs": [f"p{n}" for n in range(TICK_PROBLEMS)],
    "problem_slug": "two-sum",
    "prompt_slug": "feed",
    "token": "t" * 43,
}


def test_a_tick_alternates_statuses_so_every_tick_writes():
    tick = next(p for p in build_pages(SEED) if p.key == "tick-htmx")

    statuses = [tick.form()["status"] for _ in range(4)]

    assert statuses == [*TICK_STATUSES, *TICK_STATUSES]


def test_concurrent_clients_tick_problems_of_their_own():
    tick = next(p for p in build_pages(SEED, part="b") if p.key == "tick-htmx")

    problems = {tick.form(client)["problem"] for client in range(4)}

    assert len(problems) == 4


def test_parts_a_and_b_tick_different_problems():
    def ticked(part: str) -> set[str]:
        return {slug for page in build_pages(SEED, part=part) for slug in page.ticks}

    assert ticked("a")
    assert ticked("b")
    assert not ticked("a") & ticked("b")


def test_an_htmx_tick_names_the_list_page_it_came_from_and_a_plain_one_where_to_go_back():
    pages = {p.key: p for p in build_pages(SEED)}

    htmx, plain = pages["tick-htmx"], pages["tick-plain"]

    assert htmx.headers("http://127.0.0.1:8000")["HX-Current-URL"] == (
        "http://127.0.0.1:8000/lists/neetcode-150/"
    )
    assert htmx.form()["list"] == "neetcode-150"
    assert plain.headers("http://x") == {}
    assert plain.form()["next"] == "/lists/neetcode-150/"
    assert plain.expect == 302


# --- Figures, tables, JSON ---------------------------------------------------------------------


def test_summary_gives_the_median_and_95th_percentile_in_milliseconds():
    seconds = [n / 1000 for n in range(1, 101)]  # 1 ms .. 100 ms

    figures = report.summary(seconds)

    assert figures == {"n": 100, "median_ms": 50.5, "p95_ms": 95.0}
    assert report.summary([])["median_ms"] is None


def test_ratios_and_verdicts():
    assert report.ratio(30.0, 2.0) == 15
    assert report.ratio(1.0, 0) is None
    assert report.verdict(15, 15) == "met"
    assert report.verdict(15.1, 15) == "NOT met"
    assert report.verdict(None, 15) == "NOT met"
    assert report.verdict(99, None) == ""
    assert report.times(12.5) == "12.5x"


def test_rows_put_each_page_against_the_trivial_view_and_its_target():
    pages = [trivial(), Page("dashboard", "dashboard", "/dashboard/")]
    samples = {"trivial": [0.001] * 3, "dashboard": [0.010, 0.020, 0.030]}

    kept = {"trivial": [0.001] * 3, "dashboard": [0.002, 0.003, 0.004]}
    afresh = {"trivial": [0.002] * 3, "dashboard": [0.030, 0.040, 0.050]}
    rows = part_a.rows(pages, samples, {}, kept, afresh)

    assert rows[0]["ratio"] == 1
    assert rows[1]["ratio"] == 20
    assert rows[1]["kept_ratio"] == 3
    assert rows[1]["afresh_ratio"] == 20
    assert rows[0]["kept_ratio"] is None
    assert rows[1]["target"] == 15
    assert rows[1]["verdict"] == "NOT met"


def test_missed_targets_are_named_with_their_database():
    runs = [
        {
            "database": "sqlite",
            "part_a": {
                "pages": [
                    {"label": "dashboard", "ratio": 20, "target": 15, "verdict": "NOT met"},
                    {"label": "problem page", "ratio": 9, "target": 15, "verdict": "met"},
                ]
            },
        }
    ]

    assert run.missed(runs) == ["sqlite: dashboard 20x > 15x"]


def test_the_summary_puts_both_parts_of_every_database_side_by_side():
    def run_of(database: str, ratio: float, rps: float) -> dict:
        part_a_rows = [
            {"key": "trivial", "label": "trivial", "median_ms": 0.5, "ratio": 1, "target": None},
            {
                "key": "dashboard",
                "label": "dashboard",
                "median_ms": 5,
                "ratio": ratio,
                "kept_ratio": 3,
                "afresh_ratio": 18,
                "target": 15,
            },
        ]
        for row in part_a_rows:
            row.update(queries=2, gzip_bytes=2048, gzipped=True)
        return {
            "database": database,
            "part_a": {"pages": part_a_rows},
            "part_b": [{"rps": 400.0}, {"rps": rps}],
        }

    text = run.summary_table([run_of("sqlite", 12.5, 30.0), run_of("postgresql", 20, 25.0)])

    lines = text.splitlines()
    assert "sqlite x trivial" in lines[0]
    assert "postgresql req/s" in lines[0]
    assert "0.50 ms" in lines[2]
    cells = [cell.strip() for cell in lines[3].split("|")[1:-1]]
    assert cells == [
        "dashboard",
        "<= 15x",
        "12.5x",
        "3x",
        "18x",
        "30.0",
        "20x",
        "3x",
        "18x",
        "25.0",
        "2",
        "2.0",
    ]


def test_a_table_is_markdown_with_numbers_right_aligned():
    text = report.table(["page", "ms"], [["dashboard", "12.50"], ["list", "150.00"]])

    lines = text.splitlines()
    assert lines[0] == "| page      |     ms |"
    assert lines[1] == "| --------- | -----: |"
    assert lines[3] == "| list      | 150.00 |"


def test_results_are_written_as_json(tmp_path):
    path = tmp_path / "deep" / "results.json"

    report.write_json(path, {"targets_met": False})

    assert json.loads(path.read_text()) == {"targets_met": False}


def test_the_bench_environment_is_production_without_mail_or_https(tmp_path):
    env = run.bench_env("sqlite:///x.sqlite3", tmp_path)

    assert env["DEBUG"] == "false"
    assert len(env["SECRET_KEY"]) >= 50
    assert env["PASSWORD_RESET"] == "false"
    assert env["DJANGO_SETTINGS_MODULE"] == "config.bench_settings"
    assert "testserver" in env["ALLOWED_HOSTS"].split(",")
    assert run.bench_env("sqlite:///x", tmp_path)["SECRET_KEY"] != env["SECRET_KEY"]


def test_only_postgres_urls_count_as_postgres():
    assert is_postgres_url("postgres://postgres@127.0.0.1:5499/postgres")
    assert is_postgres_url("postgresql://u@h/db")
    assert not is_postgres_url("sqlite:////tmp/db.sqlite3")
    assert not is_postgres_url(None)


# --- The scale loader and its report -----------------------------------------------------------


def test_the_scale_loader_makes_candidates_with_consistent_histories(db):
    made = scale.load(users=3, per_user=20, batch=2, log=lambda line: None)

    users = Profile.objects.filter(user__username__startswith="scale-")
    assert users.count() == made["users"] == 3
    progress = ProblemProgress.objects.filter(user__username__startswith="scale-")
    assert progress.count() == made["progress"] == 60
    for user_id in progress.values_list("user_id", flat=True).distinct():
        assert progress.filter(user_id=user_id).values("problem").distinct().count() == 20
    solved = progress.filter(status__in=[Status.SOLVED, Status.NEEDS_REVIEW])
    cards = ReviewCard.objects.filter(user__username__startswith="scale-")
    assert cards.count() == solved.count() == made["review_cards"]
    assert Review.objects.filter(card__in=cards).count() == made["reviews"] >= cards.count()
    assert ProblemEvent.objects.filter(user__in=users.values("user")).count() == made["events"]
    assert Activity.objects.filter(user__in=users.values("user")).count() == made["activity"]
    # Each problem's latest status change ends at the status its progress row holds.
    for row in progress.exclude(status=Status.NOT_STARTED):
        latest = ProblemEvent.objects.filter(user=row.user, problem=row.problem).first()
        assert latest.status == row.status


def test_a_loaded_candidate_gets_a_dashboard(db, client):
    scale.load(users=1, per_user=30, log=lambda line: None)
    client.force_login(Profile.objects.get(user__username="scale-00000").user)

    response = client.get(reverse("prep:dashboard"))

    assert response.status_code == 200


def test_a_second_load_adds_candidates_instead_of_clashing(db):
    scale.load(users=1, per_user=5, log=lambda line: None)
    scale.load(users=1, per_user=5, log=lambda line: None)

    assert Profile.objects.filter(user__username__startswith="scale-").count() == 2
    cards = ReviewCard.objects.filter(user__username__startswith="scale-")
    assert cards.count() == len(set(cards.values_list("pk", flat=True)))


PLAN = {
    "Node Type": "Nested Loop",
    "Plans": [
        {"Node Type": "Seq Scan", "Relation Name": "prep_activity"},
        {
            "Node Type": "Index Scan",
            "Relation Name": "prep_problemprogress",
            "Index Name": "unique_user_problem",
        },
    ],
}


def test_sequential_scans_are_found_anywhere_in_a_plan():
    assert scale.seq_scans(PLAN) == ["prep_activity"]
    assert scale.scans(PLAN) == [
        "Seq Scan prep_activity",
        "Index Scan prep_problemprogress (unique_user_problem)",
    ]


def test_only_reads_are_run_by_explain_and_writes_only_planned():
    assert scale._explainable('SELECT 1 FROM "prep_activity"') == "analyze"
    assert scale._explainable("  UPDATE prep_reviewcard SET due_on = NULL") == "plan"
    assert scale._explainable('INSERT INTO "prep_activity" VALUES (1)') is None
    assert scale._explainable("SAVEPOINT s1") is None


def test_a_scan_of_a_growing_table_or_a_slow_dashboard_misses_the_targets():
    quick = {"page": "dashboard", "db_ms_server": 1.0, "seq_scans_watched": []}
    slow = {"page": "dashboard", "db_ms_server": 7.5, "seq_scans_watched": []}
    scans = {"page": "Today", "db_ms_server": 1.0, "seq_scans_watched": ["prep_activity"]}

    assert scale.verdicts([quick]) == []
    assert scale.verdicts([slow]) == ["dashboard: 7.50 ms of database time > 5 ms"]
    assert scale.verdicts([quick, scans]) == ["Today: sequential scan of prep_activity"]
    rebuilt = {**slow, "page": "dashboard, after a change"}
    assert scale.verdicts([quick, rebuilt]) == [
        "dashboard, after a change: 7.50 ms of database time > 5 ms"
    ]


@pytest.mark.postgresql
def test_the_scale_report_explains_every_query_of_a_page(db):
    scale.load(users=2, per_user=40, log=lambda line: None)
    client = Client()
    client.force_login(Profile.objects.get(user__username="scale-00001").user)

    page = scale.measure_page(client, "dashboard", lambda: client.get("/dashboard/"), samples=1)

    assert connection.vendor == "postgresql"
    assert page["queries"] > 0
    assert page["explained"]
    assert all(p["plan"] for p in page["explained"])
    assert page["db_ms_server"] > 0
    assert "Execution Time" in page["explained"][0]["plan"]


@pytest.mark.postgresql
def test_after_a_change_the_scale_report_measures_the_page_built_afresh(db):
    scale.load(users=2, per_user=40, log=lambda line: None)
    profile = Profile.objects.get(user__username="scale-00001")
    client = Client()
    client.force_login(profile.user)
    dashboard = lambda: client.get("/dashboard/")  # noqa: E731
    changes = []

    kept = scale.measure_page(client, "dashboard", dashboard, samples=2)
    fresh = scale.measure_page(
        client,
        "dashboard, after a change",
        dashboard,
        2,
        before=lambda: changes.append(1) or versions_of({profile.user_id}),
    )

    assert len(changes) == 3 + 1 + 2  # warm-up, the captured request, each sample
    assert fresh["queries"] > kept["queries"]  # the figures are read again, not found kept


@pytest.mark.postgresql
def test_a_load_with_indexes_deferred_leaves_every_index_as_it_was(db):
    def indexes() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'prep%'")
            return sorted(definition for (definition,) in cursor.fetchall())

    before = indexes()
    made = scale.load(users=2, per_user=10, defer_indexes=True, log=lambda line: None)

    assert indexes() == before
    assert ProblemProgress.objects.filter(user__username__startswith="scale-").count() == 20
    assert made["progress"] == 20

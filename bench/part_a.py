"""Part A: each page in one process through Django's test client, DEBUG off, in interleaved
rounds with the trivial view, so every page's time is a multiple of the same floor.

`python -m bench.part_a OUT.json` (run by bench.run in a child process with the environment of
one database) migrates, loads the catalogue, seeds a candidate, measures, and writes OUT.json.
"""

import os
import random
import sys
import time
from io import StringIO
from pathlib import Path

from bench import report
from bench.pages import Page, build_pages, trivial

# Each round requests every page once in a shuffled order, each right after the trivial view.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
MIN_ROUNDS = 8
SECONDS = float(os.environ.get("BENCH_SECONDS", "45"))
WARMUP_ROUNDS = 2
# Rounds of the second look: each page read twice in a row, the second timed, no write between.
KEPT_ROUNDS = int(os.environ.get("BENCH_KEPT_ROUNDS", "12"))
DB_TIME_SAMPLES = 5
ORIGIN = "http://testserver"


class BenchError(Exception):
    """A page answered something other than what it should: its timings would mean nothing."""


def send(client, page: Page, *, gzip: bool = False):
    headers = page.headers(ORIGIN)
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    if page.method == "POST":
        response = client.post(page.path, page.form(), headers=headers)
    else:
        response = client.get(page.path, headers=headers)
    if response.status_code != page.expect:
        raise BenchError(
            f"{page.label} ({page.method} {page.path}) answered {response.status_code}, "
            f"not {page.expect}"
        )
    return response


def timed(client, page: Page) -> float:
    start = time.perf_counter()
    send(client, page)
    return time.perf_counter() - start


def forget_candidates() -> None:
    """Drop what pages keep per candidate (prep/fragments.py), as a change of their data would:
    the next read builds it afresh. What is kept per catalogue version stays."""
    from prep import fragments

    fragments._user_fragments.clear()


def shape(client, page: Page, db_samples: int = DB_TIME_SAMPLES) -> dict:
    """What one request costs apart from time: queries, database time, bytes plain and gzipped,
    for the page built afresh (nothing kept for the candidate), the same for every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget_candidates()
    with CaptureQueriesContext(connection) as captured:
        plain = send(client, page)
    # Read now: the next request's start clears the connection's query log.
    sql = [query["sql"] for query in captured.captured_queries]
    gzipped = send(client, page, gzip=True)
    with report.database_time() as spent:
        for _ in range(db_samples):
            forget_candidates()
            spent.append(0.0)
            send(client, page)
    return {
        "queries": len(sql),
        "db_ms": report.summary(spent)["median_ms"],
        "bytes": len(plain.content),
        "gzip_bytes": len(gzipped.content),
        "gzipped": gzipped.get("Content-Encoding") == "gzip",
        "sql": [statement[:400] for statement in sql],
    }


def measure(
    client,
    pages: list[Page],
    *,
    rounds: int = ROUNDS,
    seconds: float = SECONDS,
    warmup: int = WARMUP_ROUNDS,
    db_samples: int = DB_TIME_SAMPLES,
) -> list:
    """Rows of figures for the trivial view and each page, ratios to the trivial view's median.
    Stops after `rounds`, or after `seconds` once MIN_ROUNDS are done.

    The ticks are among the pages of every round, so most reads follow a write of the
    candidate's: the first of Today, the dashboard and the mentor's dashboard after a tick
    builds what they keep per candidate (prep/fragments.py), and the next finds some of it
    kept, as when a candidate ticks and then looks around. The ratios and verdicts are these.
    Two more looks time each read alone: read again with nothing changed ("kept_ratio"), and
    built afresh, nothing kept for the candidate ("afresh_ratio")."""
    floor = trivial()
    everything = [floor, *pages]
    for _ in range(warmup):
        for page in everything:
            send(client, page)
    shapes = {page.key: shape(client, page, db_samples) for page in everything}
    samples: dict[str, list[float]] = {page.key: [] for page in everything}
    order, shuffle = list(pages), random.Random(14).shuffle
    deadline = time.monotonic() + seconds
    for done in range(1, rounds + 1):
        shuffle(order)
        for page in order:
            samples[floor.key].append(timed(client, floor))
            samples[page.key].append(timed(client, page))
        if done >= MIN_ROUNDS and time.monotonic() > deadline:
            break
    reads = [page for page in pages if page.method == "GET"]
    kept: dict[str, list[float]] = {page.key: [] for page in [floor, *reads]}
    afresh: dict[str, list[float]] = {page.key: [] for page in [floor, *reads]}
    for _ in range(KEPT_ROUNDS):
        for page in reads:
            send(client, page)
            kept[floor.key].append(timed(client, floor))
            kept[page.key].append(timed(client, page))
            forget_candidates()
            afresh[floor.key].append(timed(client, floor))
            afresh[page.key].append(timed(client, page))
    return rows(everything, samples, shapes, kept, afresh)


def rows(
    pages: list[Page],
    samples: dict[str, list[float]],
    shapes: dict[str, dict],
    kept: dict[str, list[float]] | None = None,
    afresh: dict[str, list[float]] | None = None,
) -> list:
    floor = report.summary(samples["trivial"])

    def alone(timings: dict[str, list[float]] | None, page: Page) -> float | None:
        """A page's median read alone, as a multiple of the trivial view's in the same look."""
        if not timings or page.key == "trivial" or page.key not in timings:
            return None
        page_ms = report.summary(timings[page.key])["median_ms"]
        return report.ratio(page_ms, report.summary(timings["trivial"])["median_ms"])

    result = []
    for page in pages:
        figures = report.summary(samples[page.key])
        times = report.ratio(figures["median_ms"], floor["median_ms"])
        result.append(
            {
                "key": page.key,
                "label": page.label,
                "method": page.method,
                **figures,
                "ratio": times,
                "p95_ratio": report.ratio(figures["p95_ms"], floor["median_ms"]),
                "kept_ratio": alone(kept, page),
                "afresh_ratio": alone(afresh, page),
                "target": page.target,
                "verdict": report.verdict(times, page.target),
                **shapes.get(page.key, {}),
            }
        )
    return result


def print_table(title: str, result: list) -> None:
    headers = ["page", "median ms", "p95 ms", "x trivial", "p95 x", "target", "", "kept x"]
    headers += ["afresh x", "queries"]
    headers += ["db ms", "KB", "KB gzip"]
    body = [
        [
            r["label"],
            report.ms(r["median_ms"]),
            report.ms(r["p95_ms"]),
            report.times(r["ratio"]),
            report.times(r["p95_ratio"]),
            f"<= {r['target']}x" if r["target"] else "",
            r["verdict"],
            report.times(r.get("kept_ratio")),
            report.times(r.get("afresh_ratio")),
            r.get("queries", ""),
            report.ms(r.get("db_ms")),
            report.kb(r.get("bytes")),
            report.kb(r.get("gzip_bytes")) if r.get("gzipped") else "",
        ]
        for r in result
    ]
    print(f"\n{title}\n{report.table(headers, body)}", flush=True)


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.bench_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.seed import seed_candidate

    if settings.DEBUG:
        raise SystemExit("part A measures with DEBUG off: run it through `make bench`")
    clock = time.perf_counter()
    setup = {}
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    setup["migrate_s"] = round(time.perf_counter() - clock, 1)
    call_command("load_catalog", stdout=StringIO())
    setup["catalogue_s"] = round(time.perf_counter() - clock - setup["migrate_s"], 1)
    seeded = seed_candidate()
    setup["seed_s"] = round(time.perf_counter() - clock - sum(setup.values()), 1)
    client = Client()
    client.force_login(client_user(seeded.username))
    result = measure(client, build_pages(seeded.as_dict(), part="a"))
    database = f"{connection.display_name} {'.'.join(map(str, connection.get_database_version()))}"
    report.write_json(
        out,
        {"database": database, "setup": setup, "seed": seeded.as_dict(), "pages": result},
    )


def client_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Part B: the site as production runs it (gunicorn, DEBUG off) over HTTP on 127.0.0.1.

For each page, and the trivial view: single requests in interleaved rounds (median, p95), then
requests per second from a fixed number of client threads. Every loop stops at a request count
or a time limit, whichever comes first. Needs no Django: it speaks HTTP with the standard
library, logs in with the seeded candidate's password and keeps the session cookie.
"""

import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench import report
from bench.pages import Page, build_pages, trivial
from bench.pg import free_port

HOST = "127.0.0.1"  # the only address the benchmark ever talks to
ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SINGLE_ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "15"))
SINGLE_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "25"))
LOAD_REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "400"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "4"))
WARMUP = 2 * WORKERS


class Session:
    """A browser's worth of HTTP: cookies, a CSRF header on posts, gzip accepted."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form=None, headers=None, keep_cookies=True):
        """One request on a new connection, as gunicorn's sync workers close each one.
        Returns the status, the body as sent (gzipped if the server chose to), the headers."""
        sent = {"Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        if keep_cookies:
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    self.cookies[name] = morsel.value
        return response.status, content, response.headers

    def log_in(self, username: str, password: str) -> None:
        status, content, _ = self.request("GET", "/accounts/login/")
        page = _text(content)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"the login page answered {status} without a CSRF token")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": match[1]}
        status, _, _ = self.request("POST", "/accounts/login/", form=form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"logging in answered {status}, not a redirect with a session")

    def send(self, page: Page, client: int = 0, keep_cookies: bool = True):
        status, content, _ = self.request(
            page.method,
            page.path,
            form=page.form(client),
            headers=page.headers(self.origin),
            keep_cookies=keep_cookies,
        )
        return status, content


def _text(content: bytes) -> str:
    import gzip

    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    return content.decode(errors="replace")


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = WORKERS) -> Iterator[int]:
    """gunicorn with the project's gunicorn.conf.py on 127.0.0.1 and a free port; yields the
    port once /healthz answers, and stops the server (by its process id) on leaving."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(workers)]
    with open(log, "ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait_for(server, f"http://{HOST}:{port}/healthz", log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within a minute")


def _timed(session: Session, page: Page) -> float:
    start = time.perf_counter()
    status, _ = session.send(page)
    elapsed = time.perf_counter() - start
    if status != page.expect:
        raise RuntimeError(f"{page.label} answered {status} over HTTP, not {page.expect}")
    return elapsed


def load(session: Session, page: Page, *, concurrency: int, requests: int, seconds: float) -> dict:
    """Requests per second from `concurrency` threads, each sending its next request as soon as
    its last is answered, until `requests` are sent or `seconds` have passed."""
    lock = threading.Lock()
    state = {"issued": 0, "done": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        while True:
            with lock:
                if state["issued"] >= requests or time.monotonic() >= deadline:
                    return
                state["issued"] += 1
            try:
                status, _ = session.send(page, client=n, keep_cookies=False)
            except OSError:
                status = None
            with lock:
                state["done"] += 1
                state["errors"] += status != page.expect

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": state["done"],
        "errors": state["errors"],
        "seconds": round(elapsed, 2),
        "rps": round(state["done"] / elapsed, 1) if elapsed else None,
    }


def measure(port: int, seeded: dict) -> list[dict]:
    """Part B's rows for the trivial view and each page, against a running server."""
    session = Session(port)
    session.log_in(seeded["username"], seeded["password"])
    floor, pages = trivial(), build_pages(seeded, part="b")
    everything = [floor, *pages]
    for _ in range(WARMUP):  # every worker loads its templates and connects first
        for page in everything:
            _timed(session, page)
    sizes = {page.key: len(session.send(page)[1]) for page in everything}
    samples: dict[str, list[float]] = {page.key: [] for page in everything}
    order, shuffle = list(pages), random.Random(14).shuffle
    deadline = time.monotonic() + SINGLE_SECONDS
    for _ in range(SINGLE_ROUNDS):
        shuffle(order)
        for page in order:
            samples[floor.key].append(_timed(session, floor))
            samples[page.key].append(_timed(session, page))
        if time.monotonic() > deadline:
            break
    loads = {
        page.key: load(
            session,
            page,
            concurrency=CONCURRENCY,
            requests=LOAD_REQUESTS,
            seconds=LOAD_SECONDS,
        )
        for page in everything
    }
    median = report.summary(samples[floor.key])["median_ms"]
    trivial_rps = loads[floor.key]["rps"]
    return [
        {
            "key": page.key,
            "label": page.label,
            **(figures := report.summary(samples[page.key])),
            "ratio": report.ratio(figures["median_ms"], median),
            "bytes_sent": sizes[page.key],
            **loads[page.key],
            "rps_ratio": report.ratio(trivial_rps, loads[page.key]["rps"]),
        }
        for page in everything
    ]


def print_table(title: str, rows: list[dict]) -> None:
    headers = ["page", "median ms", "p95 ms", "x trivial", "req/s", "x fewer", "errors"]
    headers += ["KB sent"]
    body = [
        [
            r["label"],
            report.ms(r["median_ms"]),
            report.ms(r["p95_ms"]),
            report.times(r["ratio"]),
            r["rps"],
            report.times(r["rps_ratio"]),
            r["errors"],
            report.kb(r["bytes_sent"]),
        ]
        for r in rows
    ]
    print(f"\n{title}\n{report.table(headers, body)}", flush=True)

"""Every line the site writes to its log, whatever logger it comes from, holds no share-link or
password-reset token: driven through each path that logs, with a live token, and grepped."""

import contextlib
import io
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from prep.log_filters import RedactSecrets, redact
from tests.factories import ShareLinkFactory


@pytest.fixture
def written():
    """What the site's console handler writes, captured from the handler itself (after its
    filters), at DEBUG so nothing is held back."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if any(isinstance(f, RedactSecrets) for f in h.filters))
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)


@pytest.fixture
def token(alice, catalog) -> str:
    return ShareLinkFactory(user=alice).token


def test_every_path_that_logs_writes_no_token(written, token, db):
    share = f"/share/{token}/"
    reset = f"/accounts/reset/MQ/{secrets.token_hex(10)}-{secrets.token_hex(16)}/"
    browser = Client(raise_request_exception=False)
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)

    statuses = [
        browser.get(f"/share/{token[:-4]}zzzz/").status_code,  # 404
        browser.post(share).status_code,  # 405
        browser.get(share + "lists/neetcode-150/", {"status": "bogus"}).status_code,  # 400
        strict.post(share + "lists/neetcode-150/").status_code,  # CSRF failure
        browser.get(share, HTTP_HOST="evil.example").status_code,  # DisallowedHost
        browser.get(reset).status_code,  # the reset page itself
        browser.get(reset.replace("/MQ/", "/!!/")).status_code,
    ]

    text = written.getvalue()
    assert statuses[:3] == [404, 405, 400]
    assert statuses[4] == 400
    assert token not in text
    assert reset.split("/")[-2] not in text
    assert "/share/[redacted]/" in text
    assert "Forbidden (CSRF" in text
    assert "Invalid HTTP_HOST header" in text


def test_disallowed_host_logs_one_line_not_a_traceback(written, db):
    Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")

    lines = [line for line in written.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Invalid HTTP_HOST header: 'evil.example'" in lines[0]
    assert "Traceback" not in written.getvalue()


def test_an_exception_whose_text_holds_a_token_is_written_redacted(written):
    token = secrets.token_urlsafe(32)
    try:
        raise ValueError(f"could not serve /share/{token}/")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /share/%s/", token)

    text = written.getvalue()
    assert token not in text
    assert "Traceback" in text
    assert "could not serve /share/[redacted]/" in text


def test_the_candidates_own_share_settings_are_written_as_they_are(written):
    logging.getLogger("django.request").warning("Not Found: %s", "/settings/share/rotate/")

    assert "/settings/share/rotate/" in written.getvalue()


@pytest.mark.parametrize(
    "line",
    [
        '"GET /share/abcDEF123_-x/lists/blind-75/?status=solved HTTP/1.1" 200 1234',
        '"GET /accounts/reset/MQ/c3x9ab-0123456789abcdef/ HTTP/1.1" 302 0',
        '"GET /accounts/reset/MQ/set-password/ HTTP/1.1" 200 900',
    ],
)
def test_request_lines_lose_their_tokens(line):
    cleaned = redact(line)

    assert "abcDEF123_-x" not in cleaned
    assert "c3x9ab" not in cleaned
    assert "/MQ/" not in cleaned
    assert "[redacted]" in cleaned


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorns_access_log_holds_no_token(tmp_path):
    """gunicorn, as production runs it (gunicorn.conf.py from the project folder)."""
    port = _free_port()
    token = secrets.token_urlsafe(32)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port)
            for path in [f"/share/{token}/", f"/accounts/reset/MQ/{token}/"]:
                # 404, or 500 without tables: the log line is what matters.
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    text = log.read_text()
    assert "/share/[redacted]/" in text, text
    assert token not in text


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start within 30 s")

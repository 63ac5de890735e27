"""Take the README's screenshots: a demo candidate's dashboard and list page, light and dark.

Run with `make screenshots`. It builds a throwaway SQLite database, serves it with runserver on a
free loopback port, drives the system Chromium with Playwright, and writes docs/*.png.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser._chromium import CHROMIUM, LAUNCH_ARGS  # noqa: E402

DEMO_SETUP = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from prep.models import *
from prep import reviews
user = User.objects.create_user("demo", password="demo-password-123")
profile = Profile.objects.create(user=user, target_company=Company.objects.get(slug="meta"),
    target_level=Level.objects.get(slug="e5"), hours_per_week=12, time_zone="Europe/London",
    interview_date=timezone.localdate() + timedelta(days=38))
for chapter in LearnChapter.objects.filter(card__position__lte=4):
    ChapterDone.objects.create(user=user, chapter=chapter)
for stage in DesignStage.objects.filter(position__lte=2):
    StageStudied.objects.create(user=user, stage=stage)
entries = ListEntry.objects.filter(problem_list__slug="neetcode-150").order_by("position")
for n, entry in enumerate(entries[:34]):
    with transaction.atomic():
        status = Status.NEEDS_REVIEW if n % 7 == 3 else Status.SOLVED
        ProblemProgress.objects.lock(user, entry.problem).mark(status)
        # Solved over the past weeks, so some reviews are due today and the heatmap has a past.
        when = timezone.now() - timedelta(days=1 + (n * 5) % 40)
        if status == Status.SOLVED:
            reviews.rate(reviews.problem_card(user, entry.problem, today=when.date()), 3,
                         profile=profile, source="solved", now=when)
        else:
            reviews.needs_review(user, entry.problem, profile=profile)
        Activity.objects.filter(item=f"problem:{entry.problem.pk}").update(at=when)
        ProblemEvent.objects.filter(problem=entry.problem).update(created_at=when)
for n in range(60):
    at = timezone.now() - timedelta(days=(n * 7) % 90, hours=n % 5)
    Activity.objects.create(user=user, item=f"learnchapter:{n % 23}", at=at)
prompt = PracticePrompt.objects.get(slug="people-you-may-follow")
with transaction.atomic():
    attempt = DesignAttempt.objects.open_for(user, prompt)
    attempt.start()
    attempt.started_at -= timedelta(minutes=12)
    attempt.save()
notes = {
    "clarify-requirements": "Threads, one-way follows. **Goal:** more follows that lead to "
    "engagement, not just more follows. 200M DAU, ~150 follows per user.",
    "frame-as-ml-task": "Candidate generation (2-hop graph, embeddings) then a ranker predicting "
    "P(follow) and P(engage | follow).",
}
for stage in DesignStage.objects.filter(slug__in=notes):
    StageWork.objects.create(attempt=attempt, stage=stage, notes=notes[stage.slug], is_done=True,
                             rating=4)
story = Story.objects.create(user=user, title="Feature store migration", state="rehearsed",
    situation="Two teams needed different schemas.")
story.focus_areas.set(FocusArea.objects.filter(slug__in=["resolving-conflict", "driving-results"]))
link = ShareLink(user=user)
print("TOKEN=" + link.issue())
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, "manage.py"]
        for args in (["migrate", "-v0"], ["load_catalog"]):
            subprocess.run(manage + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        demo = subprocess.run(
            [*manage, "shell", "-c", DEMO_SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = demo.stdout.split("TOKEN=")[1].strip()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(base + "/healthz")
            _shoot(base, token)
        finally:
            server.terminate()
            server.wait()


WIDE = {"width": 1280, "height": 1000}


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer at {url}")


def _shoot(base: str, token: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        shots = [
            ("today.png", "/", "light", {"width": 1280, "height": 1100}),
            ("plan.png", "/plan/", "light", {"width": 1280, "height": 1000}),
            ("dashboard.png", "/dashboard/", "light", {"width": 1280, "height": 1000}),
            ("list.png", "/lists/neetcode-150/", "light", {"width": 1280, "height": 900}),
            ("dashboard-dark.png", "/dashboard/", "dark", {"width": 1280, "height": 1000}),
            ("today-phone.png", "/", "dark", {"width": 390, "height": 844}),
            ("phone.png", "/lists/neetcode-150/", "light", {"width": 390, "height": 844}),
            ("workspace.png", "/ml-design/prompts/people-you-may-follow/", "light", WIDE),
            ("stories.png", "/stories/", "dark", {"width": 1280, "height": 800}),
            ("companies.png", "/companies/", "light", {"width": 1280, "height": 900}),
            ("company-list.png", "/lists/google-six-months/", "light", WIDE),
        ]
        for name, path, scheme, viewport in shots:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.get_by_label("Username").fill("demo")
            page.get_by_label("Password").fill("demo-password-123")
            page.get_by_role("button", name="Log in").click()
            page.goto(base + path)
            page.screenshot(path=ROOT / "docs" / name)
            context.close()
        # The mentor: a fresh context with no account, opening the shared link.
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/share/{token}/")
        page.screenshot(path=ROOT / "docs" / "mentor.png")
        context.close()
        browser.close()


if __name__ == "__main__":
    main()

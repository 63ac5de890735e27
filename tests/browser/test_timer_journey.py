"""A practice session's timer says when its time is up, on the page and to screen readers."""

import re
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from prep.models import DesignAttempt, DesignStage, MockRound, PracticePrompt
from prep.timers import design_timer
from tests.browser.journeys import onboard, sign_up

PROMPT = "people-you-may-follow"


def test_the_session_timer_says_time_is_up_when_the_round_runs_out(page, live_server, catalog):
    sign_up(page, live_server.url, "timekeeper")
    onboard(page)
    # The whole round: introduction, the stages' suggested minutes, then the candidate's questions.
    total = design_timer(None, list(DesignStage.objects.active())).total_seconds
    # A session started so long ago that its 45 minutes run out three seconds after loading.
    DesignAttempt.objects.create(
        user=User.objects.get(username="timekeeper"),
        prompt=PracticePrompt.objects.get(slug=PROMPT),
        started_at=timezone.now() - timedelta(seconds=total - 3),
    )

    page.goto(f"{live_server.url}/ml-design/prompts/{PROMPT}/")
    timer = page.get_by_role("region", name="Session timer")
    expect(timer).not_to_contain_text("Time is up")

    expect(timer).to_contain_text(re.compile(r"Time is up: 0:0\d over\."), timeout=10_000)
    expect(timer).to_have_class(re.compile(r"\bovertime\b"))
    expect(timer.locator("[data-clock-announce]")).to_have_text("Time is up for the whole round.")


def test_the_mock_timer_moves_on_at_a_whole_minute_and_says_so(page, live_server, catalog):
    sign_up(page, live_server.url, "minutehand")
    onboard(page, "Meta", "E5")
    page.goto(f"{live_server.url}/mocks/")
    page.get_by_role("button", name="Start a mock phone screen").click()
    # The introduction is the plan's first 5 whole minutes: it runs out three seconds in.
    mock = MockRound.objects.get()
    MockRound.objects.filter(pk=mock.pk).update(
        started_at=timezone.now() - timedelta(seconds=5 * 60 - 3)
    )

    page.reload()
    timer = page.get_by_role("region", name="Mock timer")
    expect(timer.locator('[aria-current="step"]')).to_contain_text("Introduction")

    clarify = timer.locator("[data-step]", has_text="Problem 1: Clarify")
    expect(clarify).to_have_attribute("aria-current", "step", timeout=10_000)
    expect(clarify).to_contain_text("5 min")
    expect(timer.locator("[data-clock-announce]")).to_have_text(
        "Time is up for Introduction. Now: Problem 1: Clarify."
    )
    expect(timer).not_to_contain_text("Time is up:")

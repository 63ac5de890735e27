"""Writing a story, finding it in the story bank with its preview and in the coverage counts,
and rehearsing it against the three-minute clock until it says time is up."""

import re
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from prep.models import Story
from tests.browser.journeys import onboard, sign_up

LONG_WORD = "Re" + "architecting" * 12


def _backdate_rehearsal(page: Page, story: Story, seconds: int) -> None:
    """Move the story's rehearsal clock back, as if it had been started `seconds` ago."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    started = timezone.now() - timedelta(seconds=seconds)
    session[f"rehearsal:{story.pk}"] = {"started_at": started.isoformat(), "paused_seconds": 0}
    session.save()


def _fits_the_width(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_written_story_is_previewed_counted_and_rehearsed_until_time_is_up(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "storyteller")
    onboard(page)
    page.get_by_role("link", name="Stories").click()
    expect(page.locator("#area-resolving-conflict")).to_contain_text("No story yet")

    page.get_by_role("link", name="Write a story").click()
    page.get_by_label("Title").fill("Settling the feature-store migration")
    page.get_by_label("Situation").fill("Two teams wanted different schemas before a freeze.")
    page.get_by_label("Task", exact=True).fill("Get both to agree on one.")
    page.get_by_label("Action").fill("I ran a design review with both teams and wrote it up.")
    page.get_by_label("Result", exact=True).fill("One schema, shipped in a quarter.")
    page.get_by_role("group", name="Focus areas").get_by_label("Resolving Conflict").check()
    page.get_by_label("Status").select_option(label="Rehearsed")
    page.get_by_role("button", name="Save story").click()

    expect(page.get_by_text("Saved “Settling the feature-store migration”.")).to_be_visible()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Settling the feature-store migration")
    )
    expect(card).to_contain_text("Two teams wanted different schemas before a freeze.")
    expect(card).to_contain_text("One schema, shipped in a quarter.")
    expect(card).to_contain_text("Complete")
    expect(card).to_contain_text("Resolving Conflict")
    row = page.locator("#area-resolving-conflict")
    expect(row).not_to_contain_text("No story yet")
    expect(row.locator('[data-label="Rehearsed"]')).to_have_text("1")
    expect(page.locator("#area-driving-results")).to_contain_text("No story yet")

    card.get_by_role("link", name=re.compile(r"^Rehearse .* with the timer$")).click()
    timer = page.get_by_role("region", name="Rehearsal timer")
    expect(timer).to_contain_text("of 3:00")
    timer.get_by_role("button", name="Start the 3-minute timer").click()
    expect(timer).to_contain_text("Running")
    expect(timer.get_by_role("button", name="Pause")).to_be_visible()

    # The clock was started three minutes less three seconds ago: time runs out on this page.
    story = Story.objects.get(title="Settling the feature-store migration")
    _backdate_rehearsal(page, story, 177)
    page.reload()
    expect(timer).not_to_contain_text("Time is up")
    expect(timer).to_contain_text(re.compile(r"Time is up: 0:0\d over\."), timeout=10_000)
    expect(timer).to_have_class(re.compile(r"\bovertime\b"))
    expect(timer.locator("[data-clock-announce]")).to_have_text(
        "Time is up: that was the suggested 3 minutes."
    )

    timer.get_by_role("button", name="Stop rehearsing").click()
    # Stopped at about 3:00: within or just past the suggestion, but the time taken is said.
    expect(page.get_by_text(re.compile(r"^You took 3:0\d, .* suggested 3 minutes"))).to_be_visible()
    expect(timer).to_contain_text("Not started")


def test_the_story_pages_fit_a_phone_even_with_a_long_unbroken_title(page, live_server, catalog):
    sign_up(page, live_server.url, "narrowteller")
    onboard(page)
    story = Story.objects.create(
        user=User.objects.get(username="narrowteller"),
        title=LONG_WORD,
        situation=LONG_WORD * 3,
    )
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_role("heading", name=LONG_WORD)).to_be_visible()
    assert _fits_the_width(page)

    page.goto(live_server.url + story.get_absolute_url())
    expect(page.get_by_role("region", name="Rehearsal timer")).to_be_visible()
    assert _fits_the_width(page)
    # Each focus-area checkbox sits on the same line as its label.
    box = page.get_by_label("Resolving Conflict").bounding_box()
    label = page.locator("label", has_text="Resolving Conflict").bounding_box()
    assert label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + label["height"]


def test_without_javascript_the_rehearsal_timer_still_starts(
    js_disabled_page, live_server, catalog
):
    page = js_disabled_page
    sign_up(page, live_server.url, "quietteller")
    onboard(page)
    story = Story.objects.create(
        user=User.objects.get(username="quietteller"),
        title="The migration",
    )

    page.goto(live_server.url + story.get_absolute_url())
    timer = page.get_by_role("region", name="Rehearsal timer")
    expect(timer).to_contain_text("Not started")
    timer.get_by_role("button", name="Start the 3-minute timer").click()

    expect(timer).to_contain_text("Running")
    expect(timer.get_by_role("button", name="Pause")).to_be_visible()

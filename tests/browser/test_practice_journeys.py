import re

from playwright.sync_api import expect

from prep.models import MockProblem
from tests.browser.journeys import onboard, open_dashboard, sign_up


def test_stage_notes_for_people_you_may_follow_survive_a_reload(page, live_server, catalog):
    sign_up(page, live_server.url, "designer")
    onboard(page)
    page.get_by_role("link", name="ML design").click()
    page.get_by_role("link", name=re.compile("People You May Follow")).click()

    page.get_by_role("button", name=re.compile("Start the 45-minute timer")).click()
    expect(page.locator("#timer")).to_contain_text("Running")

    page.get_by_label("Your notes on Clarify requirements").fill(
        "Ask whether following is one-way."
    )
    page.get_by_role("button", name="Save clarify requirements").click()
    expect(page.locator("#work-clarify-requirements")).to_contain_text("Saved")

    stage_two = page.locator("#stage-frame-as-ml-task")
    stage_two.get_by_label(re.compile("^Your notes on")).fill("Frame it as **edge prediction**.")
    stage_two.get_by_label(re.compile("done$")).check()
    stage_two.get_by_label(re.compile("^Self-rating")).select_option(label="4 of 5")
    stage_two.get_by_role("button", name=re.compile("^Save")).click()
    expect(stage_two.locator("strong", has_text="edge prediction")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Your notes on Clarify requirements")).to_have_value(
        "Ask whether following is one-way."
    )
    expect(stage_two.locator("strong", has_text="edge prediction")).to_be_visible()
    expect(stage_two.get_by_label(re.compile("^Self-rating"))).to_have_value("4")
    # The clock kept running on the server across the reload.
    expect(page.locator("#timer")).to_contain_text("Running")


def test_a_story_tagged_resolving_conflict_fills_the_gap_in_the_grid(page, live_server, catalog):
    sign_up(page, live_server.url, "storyteller")
    onboard(page)
    page.get_by_role("link", name="Stories").click()
    expect(page.locator("#area-resolving-conflict")).to_contain_text("No story yet")

    page.get_by_role("link", name="Write a story").click()
    page.get_by_label("Title").fill("Settling the feature-store migration")
    page.get_by_label("Situation").fill("Two teams wanted different schemas.")
    page.get_by_label("Action").fill("I ran a design review with both.")
    page.get_by_label("Resolving Conflict").check()
    page.get_by_label("Status").select_option(label="Rehearsed")
    page.get_by_role("button", name="Save story").click()

    # Two of the four parts written: the area has a story, but not one that counts yet.
    row = page.locator("#area-resolving-conflict")
    expect(row).not_to_contain_text("No story yet")
    expect(row.locator('[data-label="Unfinished"]')).to_have_text("1")
    expect(row).to_contain_text("Not finished")
    expect(page.locator("#area-driving-results")).to_contain_text("No story yet")


def test_a_mock_phone_screen_recorded_updates_the_problem_and_dashboard(page, live_server, catalog):
    sign_up(page, live_server.url, "mocker")
    onboard(page, "Meta", "E5")
    open_dashboard(page)
    page.get_by_role("button", name="Start a mock phone screen").click()

    expect(page.get_by_role("heading", name="Mock phone screen, E5 at Meta")).to_be_visible()
    expect(page.locator("#timer")).to_contain_text("Problem 1: Clarify")
    first, second = MockProblem.objects.order_by("position")
    page.get_by_role("button", name="Stop the clock").click()
    expect(page.locator("#timer")).to_contain_text("Ended")

    page.get_by_role("group", name=first.problem.title).get_by_label("Solved unaided").check()
    page.get_by_label(f"Minutes on {first.problem.title}").fill("17")
    page.get_by_role("group", name=second.problem.title).get_by_label("Not solved").check()
    page.get_by_label(f"Minutes on {second.problem.title}").fill("20")
    page.get_by_role("button", name="Record the mock").click()

    expect(page.get_by_text("Mock recorded.")).to_be_visible()
    open_dashboard(page)
    history = page.locator(".mock-history")
    expect(history).to_contain_text(f"{first.problem.title} (solved unaided)")
    # The problem came from Meta's top 100, so the readiness formula now counts it there.
    expect(page.locator("#readiness")).to_contain_text("most frequent problems solved (1 of 100)")

    page.goto(f"{live_server.url}/problems/{first.problem.slug}/")
    expect(page.get_by_label(f"Status of {first.problem.title}", exact=True)).to_have_value(
        "solved"
    )
    expect(page.get_by_role("region", name="Status")).to_contain_text("Solved unaided, 17 min")

"""A mock phone screen at E6: the candidate chooses one or two problems, and the plan's parts,
in whole minutes, add up to the round."""

import re

from playwright.sync_api import Page, expect

from prep.models import MockRound
from tests.browser.journeys import onboard, sign_up


def _part_minutes(page: Page) -> list[int]:
    """The minutes of every part the timer lists, as the candidate reads them."""
    parts = page.locator("#timer [data-step]").all_inner_texts()
    return [int(re.search(r"\((\d+) min\)\s*$", part).group(1)) for part in parts]


def test_an_e6_candidate_runs_a_mock_with_two_problems_whose_parts_add_up(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "staffcandidate")
    onboard(page, "Meta", "E6")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mocks").click()
    expect(page.get_by_role("heading", level=1, name="Mock phone screens")).to_be_visible()
    expect(
        page.get_by_text("25 min coding: one problem in 25 min, or two in 13 and 12 min")
    ).to_be_visible()

    choice = page.get_by_role("group", name="Problems in the coding part")
    choice.get_by_label("One problem, 25 min").check()
    choice.get_by_label("Two problems, 13 and 12 min").check()
    page.get_by_role("button", name="Start a mock phone screen").click()

    expect(page.get_by_role("heading", name="Mock phone screen, E6 at Meta")).to_be_visible()
    problems = page.get_by_role("region", name="Your problems")
    expect(problems).to_contain_text("Two problems in the 25-minute coding part")
    expect(problems.get_by_role("listitem")).to_have_count(2)
    expect(problems.get_by_role("listitem").nth(0)).to_contain_text("13 min")
    expect(problems.get_by_role("listitem").nth(1)).to_contain_text("12 min")

    timer = page.get_by_role("region", name="Mock timer")
    expect(timer).to_contain_text("of 45:00")
    expect(timer).to_contain_text("Problem 2: Close")
    minutes = _part_minutes(page)
    assert sum(minutes) == 45
    assert (
        len(minutes) == 1 + 2 * 5 + 2
    )  # introduction, five steps a problem, behavioral, questions
    assert all(m >= 1 for m in minutes)

    # The clock is running: it counts on, pauses, and resumes where it stopped.
    clock = timer.locator("[data-clock-elapsed]")
    expect(clock).not_to_have_text("0:00", timeout=5_000)
    timer.get_by_role("button", name="Pause").click()
    expect(timer).to_contain_text("Paused.")
    paused_at = clock.inner_text()
    page.wait_for_timeout(1_500)
    expect(clock).to_have_text(paused_at)
    timer.get_by_role("button", name="Resume").click()
    expect(timer).to_contain_text("Running.")
    assert MockRound.objects.get().problems.count() == 2


def test_without_javascript_one_problem_gets_the_whole_coding_part(
    js_disabled_page, live_server, catalog
):
    page = js_disabled_page
    sign_up(page, live_server.url, "onetask")
    onboard(page, "Meta", "E6")
    page.goto(live_server.url + "/dashboard/")

    page.get_by_label("One problem, 25 min").check()
    page.get_by_role("button", name="Start a mock phone screen").click()

    expect(page.get_by_role("region", name="Your problems")).to_contain_text(
        "One problem in the 25-minute coding part"
    )
    timer = page.get_by_role("region", name="Mock timer")
    expect(timer).not_to_contain_text("Problem 2")
    minutes = _part_minutes(page)
    assert minutes == [2, 5, 7, 7, 3, 3, 15, 3]
    assert sum(minutes) == 45

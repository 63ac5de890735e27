"""Steering a list: sorting, filtering, hiding the topic tags, and the Back and Forward buttons
keeping the filter controls in step with the page they return to."""

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import onboard, sign_up

NEETCODE = "/lists/neetcode-150/"


def _titles(page: Page) -> list[str]:
    """The problem titles in the order the page shows them."""
    return page.locator("tr.problem-row td.title > a:first-child").all_inner_texts()


def _showing(page: Page) -> int:
    """How many problems the status line says are shown, checked against the rows."""
    line = page.locator("#list-status")
    expect(line).to_have_text(re.compile(r"^Showing \d+ of 150 problems\.$"))
    shown = int(re.search(r"Showing (\d+)", line.inner_text()).group(1))
    expect(page.locator("tr.problem-row")).to_have_count(shown)
    return shown


def _controls(page: Page) -> tuple[str, str, bool]:
    return (
        page.get_by_label("Difficulty", exact=True).input_value(),
        page.get_by_label("Order", exact=True).input_value(),
        page.get_by_label("Hide topic tags").is_checked(),
    )


def test_sort_filter_and_back_and_forward_keep_the_controls_in_step(page, live_server, catalog):
    sign_up(page, live_server.url, "steerer")
    onboard(page)
    page.goto(live_server.url + NEETCODE)
    page.evaluate("window.notReloaded = true")
    assert _showing(page) == 150
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Arrays & Hashing"))
    ).to_be_visible()

    page.get_by_label("Difficulty", exact=True).select_option(label="Hard")
    # Only the filters in use go into the address, so it can be shared as it is.
    expect(page).to_have_url(re.compile(r"/lists/neetcode-150/\?difficulty=hard$"))
    hard = _showing(page)
    assert 0 < hard < 150

    page.get_by_label("Order", exact=True).select_option(label="Title, A to Z")
    expect(page).to_have_url(re.compile(r"\?difficulty=hard&sort=title$"))
    titles = _titles(page)
    assert titles == sorted(titles, key=str.lower)
    # Sorted across the whole list: no section headings break the order up.
    expect(page.get_by_role("heading", level=2, name=re.compile("Arrays & Hashing"))).to_have_count(
        0
    )

    expect(page.locator("tr.problem-row .tag").first).to_be_visible()
    page.get_by_label("Hide topic tags").check()
    expect(page).to_have_url(re.compile(r"hide_topics=on"))
    expect(page.locator("tr.problem-row .tag").first).to_be_hidden()
    expect(page.get_by_role("columnheader", name="Topics").first).to_be_hidden()

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?difficulty=hard&sort=title$"))
    expect(page.get_by_label("Hide topic tags")).not_to_be_checked()
    assert _controls(page) == ("hard", "title", False)
    expect(page.locator("tr.problem-row .tag").first).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?difficulty=hard$"))
    expect(page.get_by_label("Order", exact=True)).to_have_value("")
    assert _controls(page) == ("hard", "", False)
    assert _showing(page) == hard

    page.go_back()
    expect(page).to_have_url(re.compile(r"/lists/neetcode-150/$"))
    expect(page.get_by_label("Difficulty", exact=True)).to_have_value("")
    assert _controls(page) == ("", "", False)
    assert _showing(page) == 150

    page.go_forward()
    expect(page).to_have_url(re.compile(r"\?difficulty=hard$"))
    expect(page.get_by_label("Difficulty", exact=True)).to_have_value("hard")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"\?difficulty=hard&sort=title$"))
    expect(page.get_by_label("Order", exact=True)).to_have_value("title")
    page.go_forward()
    expect(page.get_by_label("Hide topic tags")).to_be_checked()
    expect(page.locator("tr.problem-row .tag").first).to_be_hidden()

    # All of it happened in the one page: htmx swapped the list, nothing reloaded it.
    assert page.evaluate("window.notReloaded") is True


def test_premium_filter_difficulty_order_and_the_video_link(page, live_server, catalog):
    sign_up(page, live_server.url, "premium")
    onboard(page)
    page.goto(live_server.url + NEETCODE)

    video = page.get_by_role("link", name="NeetCode video: Two Sum", exact=True)
    expect(video).to_have_attribute("href", re.compile(r"^https://www\.youtube\.com/watch\?v="))
    expect(video).to_have_attribute("target", "_blank")

    page.get_by_label("Premium", exact=True).select_option(label="Premium only")
    expect(page).to_have_url(re.compile(r"\?premium=premium$"))
    shown = _showing(page)
    assert shown > 0
    expect(page.locator("tr.problem-row .badge-premium")).to_have_count(shown)

    page.get_by_label("Premium", exact=True).select_option(label="Free only")
    page.get_by_label("Order", exact=True).select_option(label="Difficulty, easy first")
    expect(page).to_have_url(re.compile(r"\?premium=free&sort=difficulty$"))
    _showing(page)
    expect(page.locator("tr.problem-row .badge-premium")).to_have_count(0)
    difficulties = page.locator("tr.problem-row td:nth-child(4)").all_inner_texts()
    rank = {"Easy": 0, "Medium": 1, "Hard": 2}
    assert [rank[d.strip()] for d in difficulties] == sorted(rank[d.strip()] for d in difficulties)


def test_the_filters_work_with_javascript_off(js_disabled_page, page, live_server, catalog):
    sign_up(page, live_server.url, "plain")
    onboard(page)
    js_disabled_page.context.add_cookies(page.context.cookies())
    nojs = js_disabled_page

    nojs.goto(live_server.url + NEETCODE)
    nojs.get_by_label("Order", exact=True).select_option(label="Difficulty, easy first")
    nojs.get_by_label("Hide topic tags").check()
    nojs.get_by_role("button", name="Apply filters").click()

    expect(nojs).to_have_url(re.compile(r"sort=difficulty.*hide_topics=on"))
    expect(nojs.get_by_label("Order", exact=True)).to_have_value("difficulty")
    expect(nojs.get_by_label("Hide topic tags")).to_be_checked()
    expect(nojs.locator("tr.problem-row td:nth-child(4)").first).to_have_text("Easy")
    expect(nojs.locator("tr.problem-row .tag").first).to_be_hidden()
    expect(nojs.locator("#list-status")).to_have_text("Showing 150 of 150 problems.")

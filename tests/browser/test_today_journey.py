"""Today: the day's share of the plan to the interview, rating how a problem went, and the
activity it leaves, clicked through the way a candidate does."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.browser.journeys import onboard, sign_up

TODAY_HEADING = re.compile(r"^Today\b")
MINUTES = re.compile(r"· (\d+) min\b")


def _today_in(zone: str) -> date:
    """The candidate's today: the app counts days in the zone saved in their settings."""
    return datetime.now(ZoneInfo(zone)).date()


def _saved_zone(page: Page) -> str:
    page.get_by_role("link", name="Settings", exact=True).click()
    zone = page.get_by_label("Time zone").input_value()
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=TODAY_HEADING)).to_be_visible()
    return zone


def _region(page: Page, title: str) -> Locator:
    # The sections' headings carry counts after the title ("Today's plan 3 items, 76 min").
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(title)}\b"))


def _day_of(time: Locator) -> date:
    return date.fromisoformat(time.get_attribute("datetime"))


def _tick_solved_and_rate_hard(page: Page) -> tuple[str, str, date]:
    """On Today, tick the first problem of today's plan Solved, then rate it Hard under Done
    today. Returns its title, its page's address and the next review date shown."""
    plan = _region(page, "Today's plan")
    status = plan.get_by_role("combobox", name=re.compile(r"^Status of ")).first
    expect(status).to_be_visible()
    label = plan.get_by_text(re.compile(r"^Status of ")).first.inner_text()
    title = label.removeprefix("Status of ")
    href = plan.get_by_role("link", name=title, exact=True).get_attribute("href")

    status.select_option(label="Solved")

    # htmx swaps Today's panels: the problem leaves the plan and waits under Done today.
    done = _region(page, "Done today")
    rating = done.get_by_role("group", name=f"How did {title} go?")
    expect(rating).to_be_visible()
    expect(plan.get_by_role("combobox", name=f"Status of {title}", exact=True)).to_have_count(0)

    # A marker on the panels, gone once the rating's response has replaced them.
    page.locator("#today-panels").evaluate("panels => panels.dataset.beforeRating = '1'")
    rating.get_by_role("button", name="Hard", exact=True).click()
    expect(page.locator("#today-panels[data-before-rating]")).to_have_count(0)
    # The clicked button is gone with the old panels: focus goes to today's plan, not the page,
    # and the change is announced.
    expect(page.locator("#plan-today-title")).to_be_focused()
    expect(page.locator("#today-announce")).to_contain_text("Today is updated")

    next_review = done.get_by_role("status").filter(has_text="Next review:")
    expect(next_review).to_be_visible()
    return title, href, _day_of(next_review.locator("time"))


def test_a_six_week_plan_at_ten_hours_a_week_fits_each_day(page, live_server, catalog):
    sign_up(page, live_server.url, "planner")
    onboard(page, "Meta", "E5")

    page.get_by_role("link", name="Settings", exact=True).click()
    zone = page.get_by_label("Time zone").input_value()
    interview = _today_in(zone) + timedelta(days=42)
    page.get_by_label("Interview date").fill(interview.isoformat())
    page.get_by_label("Hours per week").fill("10")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("heading", level=1, name=TODAY_HEADING)).to_be_visible()
    expect(page.get_by_text("42 days", exact=True)).to_be_visible()
    total = page.get_by_text(re.compile(r"^\d+ minutes? today$"))
    expect(total).to_be_visible()
    minutes_today = int(total.inner_text().split()[0])
    day = round(10 * 60 / 7)  # 86 minutes: ten hours a week, over seven days
    assert 0 < minutes_today <= day, (minutes_today, day)

    # Each item, review or plan, says how long it takes; together they make the day's total.
    listed = []
    for title in ["Reviews due", "Today's plan"]:
        items = _region(page, title).get_by_role("listitem")
        listed += [int(m) for text in items.all_inner_texts() for m in MINUTES.findall(text)]
    assert listed, "Today lists no items"
    assert sum(listed) == minutes_today, (listed, minutes_today)

    pace = re.compile(r"^(On track\.|Behind by about \d+ hours?\.)$")
    expect(page.get_by_text(pace)).to_be_visible()

    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Your plan"))).to_be_visible()
    weeks = page.get_by_role("heading", level=2, name=re.compile(r"^Week \d+\b"))
    # Six weeks to the interview: Week 1 to Week 6, in order, and no more.
    expect(weeks).to_have_text([re.compile(rf"^Week {n}\b") for n in range(1, 7)])


def test_a_problem_solved_on_today_is_rated_hard_and_comes_back_soon(page, live_server, catalog):
    sign_up(page, live_server.url, "rater")
    onboard(page, "Meta", "E5")
    today = _today_in(_saved_zone(page))

    title, href, due = _tick_solved_and_rate_hard(page)
    assert timedelta(days=1) <= due - today <= timedelta(days=3), (today, due)

    page.goto(live_server.url + href)
    heading = re.compile(rf"^\d+\. {re.escape(title)}$")
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.get_by_label(f"Status of {title}", exact=True)).to_have_value("solved")
    next_review = page.get_by_text("Next review:")
    expect(next_review).to_be_visible()
    assert _day_of(next_review.locator("time")) == due
    history = page.get_by_role("list", name="Review history")
    expect(history.get_by_role("listitem").first).to_contain_text("Hard")


def test_the_activity_heatmap_counts_today_s_work(page, live_server, catalog):
    sign_up(page, live_server.url, "streaker")
    onboard(page, "Meta", "E5")
    today = _today_in(_saved_zone(page))
    activity = _region(page, "Activity")
    expect(activity).to_contain_text("0 active days")

    _tick_solved_and_rate_hard(page)

    label = re.compile(rf"^(\d+) items? on {today.day} {today:%b}$")
    cell = activity.get_by_role("cell", name=label)
    expect(cell).to_have_count(1)
    expect(cell).to_have_attribute("title", label)
    count = int(label.match(cell.get_attribute("title")).group(1))
    assert count >= 1
    expect(activity.get_by_text(re.compile(r"^([1-9]\d*) active days?$"))).to_be_visible()

    # On a phone the page reads without sideways scrolling; the heatmap scrolls in its own box.
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_rating_a_problem_on_its_page_works_without_javascript(
    js_disabled_page, page, live_server, catalog
):
    sign_up(page, live_server.url, "plainrater")
    onboard(page)
    today = _today_in(_saved_zone(page))
    # Carry the signed-in session over to a browser context with JavaScript disabled.
    js_disabled_page.context.add_cookies(page.context.cookies())
    nojs = js_disabled_page

    nojs.goto(live_server.url + "/problems/two-sum/")
    expect(nojs.get_by_text("Next review:")).to_have_count(0)
    nojs.get_by_role("group", name="How did Two Sum go?").get_by_role(
        "button", name="Hard", exact=True
    ).click()

    expect(nojs).to_have_url(re.compile(r"/problems/two-sum/#rate-two-sum$"))
    next_review = nojs.get_by_text("Next review:")
    expect(next_review).to_be_visible()
    due = _day_of(next_review.locator("time"))
    assert timedelta(days=1) <= due - today <= timedelta(days=3), (today, due)
    expect(nojs.get_by_role("list", name="Review history")).to_contain_text("Hard")
    # A rating says the problem was attempted.
    expect(nojs.get_by_label("Status of Two Sum", exact=True)).to_have_value("attempted")

import re

from playwright.sync_api import expect

from tests.browser.journeys import onboard, open_dashboard, sign_up


def test_marking_two_sum_solved_updates_every_list_and_the_dashboard(page, live_server, catalog):
    sign_up(page, live_server.url, "candidate")
    onboard(page, "Meta", "E5")
    open_dashboard(page)
    expect(page.locator("#coding-readiness")).to_have_text("0%")

    page.goto(live_server.url + "/lists/neetcode-150/")
    # A marker on window survives only if the page is never reloaded.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")

    expect(page.locator("#list-counters")).to_contain_text("1 of 150 solved")
    expect(page.locator("#section-counter-1, [id^=section-counter-]").first).to_contain_text(
        "1 of 9 solved"
    )
    assert page.evaluate("window.notReloaded") is True

    page.goto(live_server.url + "/lists/meta-top-100-six-months/")
    expect(page.get_by_label("Status of Two Sum", exact=True)).to_have_value("solved")
    expect(page.locator("#list-counters")).to_contain_text("1 of 100 solved")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#coding-readiness")).not_to_have_text("0%")
    expect(page.locator("#coding-readiness")).to_have_text(re.compile(r"^[1-9]\d*%$"))
    expect(page.get_by_role("region", name="Recent activity")).to_contain_text("Two Sum")

    page.reload()
    expect(page.locator("#coding-readiness")).to_have_text(re.compile(r"^[1-9]\d*%$"))
    page.goto(live_server.url + "/lists/blind-75/")
    expect(page.get_by_label("Status of Two Sum", exact=True)).to_have_value("solved")


def test_the_same_status_change_works_with_javascript_off(
    js_disabled_page, page, live_server, catalog
):
    sign_up(page, live_server.url, "nojs")
    onboard(page)
    # Carry the signed-in session over to a browser context with JavaScript disabled.
    js_disabled_page.context.add_cookies(page.context.cookies())
    nojs = js_disabled_page

    nojs.goto(live_server.url + "/lists/neetcode-150/")
    nojs.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")
    row = nojs.locator("#problem-two-sum")
    row.get_by_role("button", name="Save").click()

    expect(nojs).to_have_url(re.compile(r"/lists/neetcode-150/#problem-two-sum$"))
    expect(nojs.get_by_label("Status of Two Sum", exact=True)).to_have_value("solved")
    expect(nojs.locator("#list-counters")).to_contain_text("1 of 150 solved")


def test_ticks_on_the_dashboard_and_learn_page_update_everything_they_change(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "ticker")
    onboard(page, "Meta", "E5")
    open_dashboard(page)
    page.evaluate("window.notReloaded = true")
    next_up = page.get_by_role("region", name="Next up")
    first = next_up.get_by_role("button", name=re.compile(r": mark done$")).first
    label = first.get_attribute("aria-label")
    chapter = label.split(" (")[0]

    first.click()

    # The ticked chapter leaves "Next up" and the next one takes its place, without a reload.
    expect(next_up.get_by_role("button", name=label)).to_have_count(0)
    expect(next_up).not_to_contain_text(chapter)
    expect(next_up.get_by_role("button", name=re.compile(r": mark done$"))).to_have_count(5)
    assert page.evaluate("window.notReloaded") is True

    page.goto(live_server.url + "/learn/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#cards-done")).to_contain_text("0 of 11 cards done")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Binary Tree"))
    buttons = card.get_by_role("button", name=re.compile(r": mark done$"))
    names = [button.get_attribute("aria-label") for button in buttons.all()]
    for name in names:
        card.get_by_role("button", name=name, exact=True).click()
        done = name.replace(": mark done", ": done, mark not done")
        expect(card.get_by_role("button", name=done, exact=True)).to_be_visible()
    expect(page.locator("#cards-done")).to_contain_text("1 of 11 cards done")
    assert page.evaluate("window.notReloaded") is True

    page.goto(live_server.url + "/ml-design/")
    page.get_by_role("button", name="Clarify requirements: mark studied").click()
    expect(page.locator("#stages-studied")).to_have_text("1 of 7 stages studied.")

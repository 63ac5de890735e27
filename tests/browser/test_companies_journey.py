"""A candidate retargets Google, works from Google's list and sees where that work counts."""

import re

from playwright.sync_api import expect

from tests.browser.journeys import onboard, open_dashboard, sign_up


def test_choosing_google_and_solving_from_its_list_counts_on_the_companies_page(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "googler")
    onboard(page, "Meta", "E5")

    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Target company").select_option(label="Google")
    page.get_by_role("button", name="Save settings").click()
    # Saving lands on Today; the dashboard is one nav link away.
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Today\b"))).to_be_visible()
    open_dashboard(page, "Google", "E5")
    # Google has no loop of its own here: the dashboard says whose it shows.
    expect(page.get_by_role("region", name="Your loop")).to_contain_text("typical big-tech loop")

    page.get_by_role("link", name="Companies", exact=True).click()
    google = page.get_by_role("row", name="Google")
    expect(google).to_contain_text("Your target")
    expect(google).to_contain_text("0 of 100")
    google.get_by_role("link", name="Google: top 100, last six months").click()

    expect(page.get_by_role("heading", name="Google: top 100, last six months")).to_be_visible()
    expect(page.get_by_text("This is Google's primary list.")).to_be_visible()
    page.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")
    expect(page.locator("#list-counters")).to_contain_text("1 of 100 solved")

    page.get_by_role("link", name="Companies", exact=True).click()
    expect(page.get_by_role("row", name="Google")).to_contain_text("1 of 100")
    # Two Sum is asked at other companies too: the one tick counts there as well.
    expect(page.get_by_role("row", name="Amazon")).to_contain_text("1 of 100")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.locator(".formula")).to_contain_text(
        "Google's most frequent problems solved (1 of 100)"
    )

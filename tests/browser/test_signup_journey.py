from playwright.sync_api import expect

from tests.browser.journeys import onboard, sign_up


def test_a_new_user_signs_up_and_opens_the_neetcode_150(page, live_server, catalog):
    sign_up(page, live_server.url, "newcomer")
    onboard(page)

    page.get_by_role("link", name="Study path").click()
    page.get_by_role("link", name="NeetCode 150").click()

    expect(page.get_by_role("heading", level=1, name="NeetCode 150")).to_be_visible()
    expect(page.locator("#list-counters")).to_contain_text("0 of 150 solved")
    for category in ["Arrays & Hashing", "Sliding Window", "Bit Manipulation"]:
        expect(page.get_by_role("heading", level=2, name=category)).to_be_visible()
    two_sum = page.get_by_role("link", name="Two Sum", exact=True)
    expect(two_sum).to_have_attribute("href", "https://leetcode.com/problems/two-sum/")
    expect(two_sum).to_have_attribute("rel", "noopener")
    expect(page.get_by_label("Status of Two Sum", exact=True)).to_have_value("not_started")

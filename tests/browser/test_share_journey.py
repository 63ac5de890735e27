"""A candidate shares a read-only link with a mentor, then takes it back."""

import re

from playwright.sync_api import Page, expect

from prep.models import ShareLink
from tests.browser.journeys import onboard, sign_up


def _solve_two_sum(page: Page, base_url: str) -> None:
    page.goto(base_url + "/lists/neetcode-150/")
    page.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")
    expect(page.locator("#list-counters")).to_contain_text("1 of 150 solved")


def test_mentor_sees_progress_through_the_link_until_it_is_revoked(
    page, new_context, live_server, catalog
):
    sign_up(page, live_server.url, "candidate")
    onboard(page, "Meta", "E5")
    _solve_two_sum(page, live_server.url)

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Create share link").click()
    share_link = page.get_by_label("Share link", exact=True)
    expect(share_link).to_have_value(re.compile(r"/share/[A-Za-z0-9_-]{43}/$"))
    expect(share_link).not_to_be_editable()
    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()
    copy.click()
    copied = re.compile(r"^(Copied|Press Ctrl\+C to copy)$")
    expect(page.get_by_role("button", name=copied)).to_be_visible()
    url = share_link.input_value()
    assert url.startswith(live_server.url + "/share/")

    mentor = new_context().new_page()
    mentor.goto(url)
    expect(mentor.get_by_role("heading", name="candidate's progress")).to_be_visible()
    expect(mentor.get_by_role("note")).to_contain_text("Read-only view of candidate's preparation")
    expect(mentor.locator("#solved-count")).to_have_text("1 of 150")
    expect(mentor.get_by_role("combobox", name="Status of Two Sum")).to_have_count(0)
    assert mentor.context.cookies() == []

    mentor.get_by_role("link", name="NeetCode 150").first.click()
    expect(mentor.locator("#list-counters")).to_contain_text("1 of 150 solved")
    expect(mentor.locator("#problem-two-sum")).to_contain_text("Solved")
    expect(mentor.get_by_label("Status of Two Sum", exact=True)).to_have_count(0)

    # A dialog asks first; dismissing it changes nothing, accepting it revokes.
    dismissed = []
    page.once("dialog", lambda dialog: (dismissed.append(1), dialog.dismiss()))
    page.get_by_role("button", name="Revoke link").click()
    expect(page.get_by_role("button", name="Revoke link")).to_be_visible()
    assert dismissed == [1]
    assert ShareLink.objects.get(user__username="candidate").is_active  # nothing was revoked
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Revoke link").click()
    expect(page.get_by_text("Link revoked. It stopped working immediately.")).to_be_visible()
    assert questions == ["Revoke the link? It stops working at once for whoever has it."]
    expect(page.get_by_role("button", name="Create share link")).to_be_visible()

    mentor.goto(url)
    expect(mentor.get_by_role("heading", name="This link is not available")).to_be_visible()
    expect(mentor.get_by_role("heading", name="candidate's progress")).to_have_count(0)
    mentor.go_back()
    mentor.reload()
    expect(mentor.get_by_role("heading", name="This link is not available")).to_be_visible()


def test_rotating_in_the_browser_stops_the_old_link(page, new_context, live_server, catalog):
    sign_up(page, live_server.url, "rotator")
    onboard(page)
    page.goto(live_server.url + "/settings/")
    page.get_by_label("Link expires").select_option(label="After 7 days")
    page.get_by_label("Show my problem notes").check()
    page.get_by_role("button", name="Create share link").click()
    old = page.get_by_label("Share link", exact=True).input_value()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate link").click()
    expect(page.get_by_label("Share link", exact=True)).not_to_have_value(old)
    new = page.get_by_label("Share link", exact=True).input_value()

    mentor = new_context().new_page()
    mentor.goto(old)
    expect(mentor.get_by_role("heading", name="This link is not available")).to_be_visible()
    mentor.goto(new)
    expect(mentor.get_by_role("heading", name="rotator's progress")).to_be_visible()
    page.reload()
    expect(page.locator("#share-open-count")).to_have_text("1 time")
    expect(page.get_by_label("Show my problem notes")).to_be_checked()


def test_without_javascript_there_is_no_dead_copy_button(
    js_disabled_page, page, live_server, catalog
):
    sign_up(page, live_server.url, "nocopy")
    onboard(page)
    js_disabled_page.context.add_cookies(page.context.cookies())

    js_disabled_page.goto(live_server.url + "/settings/")
    js_disabled_page.get_by_role("button", name="Create share link").click()

    expect(js_disabled_page.get_by_label("Share link", exact=True)).to_be_visible()
    expect(js_disabled_page.get_by_role("button", name="Copy link")).to_be_hidden()


def test_sharing_works_with_javascript_off(
    js_disabled_page, page, new_context, live_server, catalog
):
    sign_up(page, live_server.url, "nojs")
    onboard(page)
    js_disabled_page.context.add_cookies(page.context.cookies())
    nojs = js_disabled_page

    nojs.goto(live_server.url + "/settings/")
    nojs.get_by_role("button", name="Create share link").click()
    share_link = nojs.get_by_label("Share link", exact=True)
    expect(share_link).to_be_visible()
    expect(share_link).not_to_be_editable()
    url = share_link.input_value()

    mentor = new_context(java_script_enabled=False).new_page()
    mentor.goto(url)
    expect(mentor.locator("#solved-count")).to_have_text("0 of 150")

    nojs.get_by_role("button", name="Revoke link").click()
    # Without JavaScript a page asks first.
    expect(nojs.get_by_role("heading", name="Revoke your share link?")).to_be_visible()
    nojs.get_by_role("button", name="Revoke the link").click()
    expect(nojs).to_have_url(re.compile(r"/settings/#share$"))
    expect(nojs.get_by_text("Share link revoked. It stopped working immediately.")).to_be_visible()
    mentor.reload()
    expect(mentor.get_by_role("heading", name="This link is not available")).to_be_visible()

"""A candidate downloads their data and restores it into a new account, where their progress
is waiting; a file that is not theirs is refused and changes nothing."""

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import onboard, sign_up


def _solve_two_sum(page: Page, base_url: str) -> None:
    page.goto(base_url + "/lists/neetcode-150/")
    page.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")
    expect(page.locator("#list-counters")).to_contain_text("1 of 150 solved")


def _import(page: Page, files) -> None:
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Data file").set_input_files(files)
    page.get_by_label("Replace what this account holds with the file's contents").check()
    page.get_by_role("button", name="Import my data").click()


def test_downloaded_data_restores_into_a_new_account(page, new_context, live_server, catalog):
    sign_up(page, live_server.url, "mover")
    onboard(page, "Meta", "E5")
    _solve_two_sum(page, live_server.url)

    page.get_by_role("link", name="Settings", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"mle-prep-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    saved = download.path()
    document = json.loads(saved.read_text())
    assert [row["problem"] for row in document["problems"]] == ["two-sum"]

    fresh = new_context().new_page()
    sign_up(fresh, live_server.url, "newhome")
    onboard(fresh, "Meta", "E4")
    _import(fresh, saved)

    expect(
        fresh.get_by_text(re.compile(r"^Your data was imported: 1 problem status"))
    ).to_be_visible()
    expect(fresh.get_by_label("Target level")).to_have_value(re.compile(r".+"))
    expect(fresh.get_by_label("Target level").locator("option:checked")).to_have_text(
        re.compile(r"^E5,")
    )
    fresh.goto(live_server.url + "/lists/neetcode-150/")
    expect(fresh.locator("#list-counters")).to_contain_text("1 of 150 solved")
    expect(fresh.get_by_label("Status of Two Sum", exact=True)).to_have_value("solved")

    # Something that is not a data file is refused, with the reason, and nothing changes.
    _import(fresh, {"name": "notes.json", "mimeType": "application/json", "buffer": b"oops"})
    expect(fresh.get_by_role("alert").filter(has_text="it is not JSON")).to_be_visible()
    fresh.goto(live_server.url + "/lists/neetcode-150/")
    expect(fresh.locator("#list-counters")).to_contain_text("1 of 150 solved")

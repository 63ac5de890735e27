"""The theme menu: dark or light whatever the system says, kept from page to page."""

from playwright.sync_api import expect

from tests.browser.journeys import onboard, sign_up


def _background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_a_chosen_theme_overrides_the_system_and_persists(new_context, live_server, catalog):
    page = new_context(color_scheme="light").new_page()
    sign_up(page, live_server.url, "nightowl")
    onboard(page)
    light = _background(page)

    page.get_by_label("Theme").select_option("dark")
    dark = _background(page)
    assert dark != light

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_label("Theme")).to_have_value("dark")
    assert _background(page) == dark

    page.get_by_label("Theme").select_option("system")
    assert _background(page) == light


def test_without_javascript_the_menu_is_hidden_and_the_system_theme_applies(
    new_context, live_server, catalog
):
    page = new_context(color_scheme="dark", java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")

    expect(page.get_by_label("Theme")).to_be_hidden()
    assert _background(page) == "rgb(15, 18, 23)"  # the dark theme's --bg

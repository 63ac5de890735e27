"""Layout on phones and wide screens: a header that folds its links into a menu on a phone, and
dashboard panels that fill their columns without holes or overlaps, in light and dark."""

import itertools

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import onboard, sign_up

PHONE = {"width": 375, "height": 740}


def _nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def _box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_on_a_phone_the_links_fold_into_a_menu_that_opens_and_leads_on(
    new_context, live_server, catalog
):
    page = new_context(viewport=PHONE).new_page()
    sign_up(page, live_server.url, "pocket")
    onboard(page)

    # One short line: the brand and the menu button; the links wait behind the button.
    brand, button = _box(page, ".brand"), _box(page, ".nav-menu-button")
    assert abs(brand["y"] + brand["height"] / 2 - (button["y"] + button["height"] / 2)) < 4
    assert _box(page, ".site-header")["height"] < 80
    expect(_nav(page).get_by_role("link", name="Mocks")).to_be_hidden()
    expect(_nav(page).get_by_role("link", name="Today")).to_be_hidden()

    _nav(page).get_by_text("Menu", exact=True).click()
    expect(_nav(page).get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    expect(_nav(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_label("Theme")).to_be_visible()
    _nav(page).get_by_role("link", name="Mocks").click()

    expect(page.get_by_role("heading", level=1, name="Mock phone screens")).to_be_visible()
    expect(_nav(page).get_by_role("link", name="Mocks")).to_be_hidden()  # closed on the new page
    _nav(page).get_by_text("Menu", exact=True).click()
    expect(_nav(page).get_by_role("link", name="Mocks")).to_have_attribute("aria-current", "page")


def test_the_phone_menu_works_from_the_keyboard(new_context, live_server, catalog):
    page = new_context(viewport=PHONE).new_page()
    sign_up(page, live_server.url, "keyboarder")
    onboard(page)

    page.locator(".brand").focus()
    page.keyboard.press("Tab")
    expect(page.locator(".nav-menu-button")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(_nav(page).get_by_role("link", name="Today")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Your plan")).to_be_visible()


def test_without_javascript_the_phone_menu_still_opens(new_context, live_server, catalog):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    sign_up(page, live_server.url, "nojs")
    onboard(page)

    _nav(page).get_by_text("Menu", exact=True).click()
    _nav(page).get_by_role("link", name="Loops").click()

    expect(
        page.get_by_role("heading", level=1, name="The loop at each level at Meta")
    ).to_be_visible()


def test_on_a_wide_screen_every_link_shows_without_a_menu_button(page, live_server, catalog):
    sign_up(page, live_server.url, "widescreen")
    onboard(page)

    expect(_nav(page).get_by_text("Menu", exact=True)).to_be_hidden()
    for name in ["Today", "Plan", "Dashboard", "Study path", "Mocks", "Companies", "Loops"]:
        expect(_nav(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(_nav(page).get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")


# Each card's box, and the grid's, as the page lays them out.
PANELS = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom};
  };
  const grid = document.querySelector(".dashboard-grid");
  return {grid: box(grid), cards: [...grid.children].map(box)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "columns"), [(375, 1), (768, 2), (1024, 3), (1440, 3)])
def test_dashboard_panels_fill_their_columns_without_holes_or_overlaps(
    new_context, live_server, catalog, width, columns, scheme
):
    page = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_up(page, live_server.url, f"grid{width}{scheme}")
    onboard(page, "Meta", "E6")
    page.goto(live_server.url + "/dashboard/")

    layout = page.evaluate(PANELS)
    grid, cards = layout["grid"], layout["cards"]
    by_column: dict[int, list[dict]] = {}
    for card in cards:
        by_column.setdefault(round(card["x"]), []).append(card)
        assert grid["x"] - 1 <= card["x"]
        assert card["right"] <= grid["right"] + 1

    assert len(by_column) == columns
    for column in by_column.values():
        column.sort(key=lambda card: card["y"])
        # Each column starts at the top of the grid, and its cards follow one another with
        # only the usual 1rem between them: no hole beside a taller neighbour.
        assert abs(column[0]["y"] - grid["y"]) <= 1
        for above, below in itertools.pairwise(column):
            assert 0 <= below["y"] - above["bottom"] <= 17
    for n, one in enumerate(cards):
        for other in cards[n + 1 :]:
            overlap_x = min(one["right"], other["right"]) - max(one["x"], other["x"])
            overlap_y = min(one["bottom"], other["bottom"]) - max(one["y"], other["y"])
            assert overlap_x <= 0 or overlap_y <= 0

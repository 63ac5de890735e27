"""Steps that several journeys share, done the way a person does them."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "a long and unusual passphrase 42"


def sign_up(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What are you aiming for?")).to_be_visible()


def onboard(page: Page, company: str = "Meta", level: str = "E5") -> None:
    page.get_by_label("Target company").select_option(label=company)
    # Levels read "E5, senior engineer": pick the one named `level`.
    levels = page.get_by_label("Target level")
    levels.select_option(label=levels.locator("option", has_text=f"{level},").first.inner_text())
    page.get_by_role("button", name="Show my plan").click()
    # Onboarding lands on Today; the loop's dashboard is one nav link away.
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Today\b"))).to_be_visible()


def open_dashboard(page: Page, company: str = "Meta", level: str = "E5") -> None:
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name=f"Your {level} loop at {company}")).to_be_visible()

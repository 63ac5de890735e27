"""Fixtures for the browser journeys: Playwright's sync API driving the system Chromium.

Tests take `live_server` (which brings `transactional_db`, so the server thread sees the test's
rows) and `page`, then `page.goto(live_server.url + "/...")`. Without Chromium they are skipped
with the reason, unless REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests._requirements import skip_unless_required
from tests.browser._chromium import CHROMIUM, LAUNCH_ARGS, chromium_status

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
# calls from a thread with a running loop. The tests are sequential, so the check is moot here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest sees every collected item here, not only its own; mark just ours.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Called only for items under this folder; tryfirst so no fixture starts before the check.
    version, reason = chromium_status()
    if version is None:
        skip_unless_required("REQUIRE_BROWSER", reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    # Keep each phase's report on the item, so `page` can tell at teardown whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(playwright_browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """A factory for extra contexts with no shared cookies, e.g. a mentor opening a share link."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = playwright_browser.new_context(**{"viewport": VIEWPORT, **options})
        context.set_default_timeout(TIMEOUT_MS)
        # Loading a whole page (the NeetCode 150 list is ~430 KB before gzip) can take longer
        # than a click on a loaded CI machine; a slow load is issue 14's, not a journey's.
        context.set_default_navigation_timeout(3 * TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


def _screenshot_if_failed(request: pytest.FixtureRequest, page: Page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    except Exception as error:  # A failed screenshot must not hide the test's own failure.
        print(f"could not save a screenshot for {request.node.nodeid}: {error}")


@pytest.fixture
def page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = browser_context.new_page()
    yield page
    _screenshot_if_failed(request, page)


@pytest.fixture
def js_disabled_page(
    new_context: Callable[..., BrowserContext], request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A page with JavaScript off, to check that every htmx control still works as plain HTML."""
    page = new_context(java_script_enabled=False).new_page()
    yield page
    _screenshot_if_failed(request, page)

"""ML breadth: a candidate opens the bank, writes an answer to a question, saves it, rates it, and
meets it again on Today once it is due, clicked through the way a person does."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from prep.models import BreadthAnswer
from tests.browser.journeys import onboard, sign_up

ANSWER = (
    "Bias: too simple a model. Variance: too sensitive to the sample. **Learning curves** tell."
)
QUESTION = "Bias and variance"


def _today_in(zone: str) -> date:
    """The candidate's today: the app counts days in the zone saved in their settings."""
    return datetime.now(ZoneInfo(zone)).date()


def _saved_zone(page: Page) -> str:
    page.get_by_role("link", name="Settings", exact=True).click()
    return page.get_by_label("Time zone").input_value()


def _region(page: Page, title: str) -> Locator:
    # Today's sections carry counts after their titles ("Reviews due 1, 10 min").
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(title)}\b"))


def _next_review(scope: Locator) -> date:
    line = scope.get_by_text("Next review:")
    expect(line).to_be_visible()
    return date.fromisoformat(line.locator("time").get_attribute("datetime"))


def _nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def _open_the_question(page: Page) -> None:
    _nav(page).get_by_role("link", name="ML breadth", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="ML breadth")).to_be_visible()
    page.get_by_role("link", name=QUESTION, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()


def test_an_answer_is_written_saved_rated_and_comes_back_on_today_when_due(
    page, live_server, catalog, monkeypatch
):
    sign_up(page, live_server.url, "generalist")
    onboard(page)
    today = _today_in(_saved_zone(page))

    _nav(page).get_by_role("link", name="ML breadth", exact=True).click()
    expect(page.get_by_role("note")).to_contain_text("Beyond the guide.")
    expect(page.get_by_text(re.compile(r"^0 of \d+ answered$"))).to_be_visible()
    page.get_by_role("link", name=QUESTION, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()

    # Answer first; the points a good answer covers stay folded until asked for.
    points = page.get_by_role("listitem").filter(has_text="Learning curve")
    expect(points.first).to_be_hidden()
    answer = page.get_by_role("textbox", name="Your answer")
    answer.fill(ANSWER)
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Save answer").click()

    expect(page.get_by_text("Saved your answer.")).to_be_visible()
    expect(answer).to_have_value(ANSWER)
    expect(page.locator(".rendered-notes strong")).to_have_text("Learning curves")
    assert BreadthAnswer.objects.get(user__username="generalist").notes == ANSWER
    page.get_by_text("Show the points").click()
    expect(points.first).to_be_visible()

    # Rated Good: a new card, back in two days (no learning steps), and not due before.
    reviews = page.locator("#question-reviews")
    reviews.get_by_role("group", name=f"How did {QUESTION} go?").get_by_role(
        "button", name="Good", exact=True
    ).click()
    expect(reviews.get_by_role("list", name="Review history")).to_contain_text("Good")
    due = _next_review(reviews)
    assert due == today + timedelta(days=2), (today, due)

    _nav(page).get_by_role("link", name="ML breadth", exact=True).click()
    expect(page.get_by_text(re.compile(r"^1 of \d+ answered$"))).to_be_visible()
    page.get_by_role("link", name="Today", exact=True).click()
    expect(_region(page, "Reviews due").get_by_role("link", name=QUESTION)).to_have_count(0)

    # Two days on, by the app's clock: Today lists the question with the other reviews due.
    now = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: now() + (due - today))
    page.reload()
    due_now = _region(page, "Reviews due")
    expect(due_now.get_by_role("link", name=QUESTION, exact=True)).to_be_visible()
    expect(due_now).to_contain_text("ML breadth question")
    due_now.get_by_role("group", name=f"How did {QUESTION} go?").get_by_role(
        "button", name="Easy", exact=True
    ).click()

    done = _region(page, "Done today")
    expect(done.get_by_role("group", name=f"How did {QUESTION} go?")).to_be_visible()
    expect(due_now.get_by_role("link", name=QUESTION, exact=True)).to_have_count(0)
    assert _next_review(done) > due


def test_answering_and_rating_work_without_javascript(js_disabled_page, page, live_server, catalog):
    sign_up(page, live_server.url, "plaingeneralist")
    onboard(page)
    js_disabled_page.context.add_cookies(page.context.cookies())
    nojs = js_disabled_page
    nojs.goto(live_server.url + "/")
    _open_the_question(nojs)

    nojs.get_by_role("textbox", name="Your answer").fill(ANSWER)
    nojs.get_by_role("button", name="Save answer").click()
    expect(nojs.get_by_text("Saved your answer.")).to_be_visible()
    nojs.get_by_role("group", name=f"How did {QUESTION} go?").get_by_role(
        "button", name="Hard", exact=True
    ).click()

    expect(nojs).to_have_url(re.compile(r"/breadth/bias-variance/#rate-question-bias-variance$"))
    _next_review(nojs.locator("#question-reviews"))
    expect(nojs.get_by_role("list", name="Review history")).to_contain_text("Hard")


def test_the_question_page_reads_on_a_phone(page, live_server, catalog):
    sign_up(page, live_server.url, "phonegeneralist")
    onboard(page)
    page.set_viewport_size({"width": 375, "height": 800})
    _nav(page).get_by_text("Menu", exact=True).click()
    _open_the_question(page)

    page.get_by_text("Show the points").click()

    assert page.evaluate("document.documentElement.scrollWidth") <= 375

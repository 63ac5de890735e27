"""axe-core on every page a person can reach, and the test fails on any violation.

One candidate with data (a target, solved problems with notes, a story, an ML design session, a
mock, a share link) is built once for the module, and each page is checked signed out, signed
in or as the mentor opening the share link, in the light and the dark theme, and the main pages
at phone width too. `test_every_page_has_axe_coverage` fails when a URL answers GET but no page
here opens it, so a new page gets checked from the day it is added.

Once for the module, not once per test as `live_server` usually has it (pytest-django empties
the database after each test that uses it): building the data for each of the hundred-odd checks
would not fit the time a CI run has. axe.min.js comes inside axe-playwright-python: no network.
"""

import contextlib
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from prep import mocks, reviews
from prep.models import (
    ChapterDone,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    Level,
    ListSnapshot,
    MockProblem,
    PracticePrompt,
    Problem,
    ProblemList,
    ProblemProgress,
    Status,
    Story,
)
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD, load_catalogue
from tests.factories import (
    DesignAttemptFactory,
    PracticePromptFactory,
    ProfileFactory,
    ShareLinkFactory,
    StageWorkFactory,
    StoryFactory,
    UserFactory,
)

AXE = Axe()
THEME_KEY = "mle-prep-theme"  # static/js/theme.js
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}

# Markdown a candidate might write: an image, a code block wider than a phone, a table, a link.
NOTES = """Two pointers from both ends; **O(n)** time.

![Sketch of the two pointers meeting](/static/missing-sketch.png)

```python
def two_sum(numbers: list[int], target: int) -> tuple[int, int]:  # a line too long to fit a phone
    left, right = 0, len(numbers) - 1
```

| Case | Answer |
| ---- | ------ |
| empty | none |

See [the discussion](https://example.com/discussion).
"""


@dataclass(frozen=True)
class Variant:
    """How the browser looks at a page: its theme, how the theme is chosen, and its width."""

    name: str
    viewport: dict
    color_scheme: str
    chosen_theme: str | None = None  # set with the header's theme menu, kept in localStorage


VARIANTS = {
    "light": Variant("light", DESKTOP, "light"),
    # The dark theme chosen in the menu, and at phone width the system's: the dark colours are
    # written twice in app.css ([data-theme=dark] and a media query), so each copy is checked.
    "dark": Variant("dark", DESKTOP, "light", chosen_theme="dark"),
    "phone-light": Variant("phone-light", PHONE, "light"),
    "phone-dark": Variant("phone-dark", PHONE, "dark"),
}
EVERY_VARIANT = tuple(VARIANTS)
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Seen:
    """A page to check: `path` is formatted with the data's ids; `visit` gets there some other
    way (a form post) and names the URL it covers in `covers`."""

    name: str
    path: str = ""
    signed_in: bool = True
    variants: tuple[str, ...] = THEMES
    visit: Callable[[Page, "Site"], None] | None = None
    covers: str = ""


def _post(page: Page, action: str, fields: dict[str, str]) -> None:
    """Submit a plain form from the page, the way a browser with JavaScript off would."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("[name=csrfmiddlewaretoken]");
                if (token) fields.csrfmiddlewaretoken = token.value;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, fields],
        )


def _confirm_story_delete(page: Page, site: "Site") -> None:
    page.goto(site.url("/stories/{story}/"))
    _post(page, site.format("/stories/{story}/delete/"), {})


def _bad_reroll(page: Page, site: "Site") -> None:
    page.goto(site.url("/mocks/{mock}/"))
    _post(page, site.format("/mocks/{mock}/reroll/"), {"position": "99"})


def _log_in_wrongly(page: Page, site: "Site", username: str) -> None:
    page.goto(site.url("/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()


def _login_with_errors(page: Page, site: "Site") -> None:
    _log_in_wrongly(page, site, "trudy")  # once per theme: far from the lockout
    expect(page.locator(".form-errors")).to_be_visible()


def _locked_out(page: Page, site: "Site") -> None:
    heading = page.get_by_role("heading", name="Too many failed logins")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in_wrongly(page, site, "mallory")
        if heading.count():
            break
    expect(heading).to_be_visible()


def _signup_with_errors(page: Page, site: "Site") -> None:
    page.goto(site.url("/accounts/signup/"))
    page.get_by_label("Username").fill("alice")  # taken
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".errorlist").first).to_be_visible()


def _story_with_errors(page: Page, site: "Site") -> None:
    page.goto(site.url("/stories/new/"))
    _post(page, site.format("/stories/new/"), {"title": "", "state": "nonsense"})


def _settings_with_a_new_link(page: Page, site: "Site") -> None:
    """Rotating shows the new link once; the module's mentor pages then use the new token."""
    page.goto(site.url("/settings/"))
    _post(page, site.format("/settings/share/rotate/"), {"confirmed": "yes"})
    link = page.get_by_label("Share link").input_value()
    site.ids["token"] = re.search(r"/share/([\w-]+)/", link).group(1)


def _settings_import_without_a_file(page: Page, site: "Site") -> None:
    page.goto(site.url("/settings/"))
    _post(page, site.format("/settings/data/import/"), {})


def _list_filtered_by_typing(page: Page, site: "Site") -> None:
    """The list after htmx swapped in the rows that match and updated the status line."""
    page.goto(site.url("/lists/blind-75/"))
    status = page.locator("#list-status")
    before = status.inner_text()
    page.get_by_label("Search titles").press_sequentially("sum")
    expect(status).not_to_have_text(before)


def _list_after_a_tick(page: Page, site: "Site") -> None:
    """A row ticked Solved, swapped by htmx with its rating buttons, and the counters with it."""
    page.goto(site.url("/lists/blind-75/"))
    row = page.locator(f"#problem-{site.ids['untouched_roadmap_problem']}")
    row.evaluate("row => row.setAttribute('data-before-the-tick', '')")
    row.get_by_label(re.compile("^Status of ")).select_option("solved")
    expect(page.locator("[data-before-the-tick]")).to_have_count(0)


def _breadth_answered(page: Page, site: "Site") -> None:
    """A breadth question with an answer in Markdown and a rating, as its page then shows."""
    page.goto(site.url("/breadth/bias-variance/"))
    _post(page, site.format("/breadth/bias-variance/notes/"), {"notes": NOTES})
    rating = {"question": "bias-variance", "rating": "good", "next": "/breadth/bias-variance/"}
    _post(page, site.format("/reviews/rate/"), rating)


MAIN = EVERY_VARIANT
PAGES = [
    # Signed out, and what a mentor sees with the share link.
    Seen("landing", "/", signed_in=False, variants=MAIN),
    Seen("login", "/accounts/login/", signed_in=False, variants=MAIN),
    Seen("signup", "/accounts/signup/", signed_in=False, variants=MAIN),
    Seen("signup with errors", visit=_signup_with_errors, signed_in=False, covers="signup"),
    Seen("login with errors", visit=_login_with_errors, signed_in=False),
    Seen("locked out", visit=_locked_out, signed_in=False),
    Seen("password reset", "/accounts/password_reset/", signed_in=False),
    Seen("password reset sent", "/accounts/password_reset/done/", signed_in=False),
    Seen("password reset form", "/accounts/reset/{uid}/{reset_token}/", signed_in=False),
    Seen("password reset complete", "/accounts/reset/done/", signed_in=False),
    Seen("not found", "/no-such-page/", signed_in=False),
    Seen("share not found", "/share/not-a-live-token/", signed_in=False),
    Seen("mentor dashboard", "/share/{token}/", signed_in=False, variants=MAIN),
    Seen("mentor list", "/share/{token}/lists/neetcode-150/", signed_in=False, variants=MAIN),
    Seen(
        "mentor list filtered", "/share/{token}/lists/neetcode-150/?status=solved", signed_in=False
    ),
    # Signed in as the candidate.
    Seen("today", "/", variants=MAIN),
    Seen("plan", "/plan/", variants=MAIN),
    Seen("dashboard", "/dashboard/", variants=MAIN),
    Seen("study path", "/path/", variants=MAIN),
    Seen("list", "/lists/neetcode-150/", variants=MAIN),
    Seen("list filtered", "/lists/neetcode-150/?status=solved&difficulty=easy&q=a"),
    Seen("list filtered by typing", visit=_list_filtered_by_typing),
    Seen("list after a tick", visit=_list_after_a_tick, covers="prep:problem-status"),
    Seen("list with no match", "/lists/neetcode-150/?q=no+such+title+anywhere"),
    Seen("list with a bad filter", "/lists/neetcode-150/?status=nonsense"),
    Seen("company list", "/lists/meta-top-100-six-months/?sort=frequency"),
    Seen("list snapshot", "/lists/meta-top-100-six-months/snapshots/{snapshot}/"),
    Seen("problem", "/problems/{problem}/", variants=MAIN),
    Seen("problem never opened", "/problems/{untouched_problem}/"),
    Seen("learn cards", "/learn/", variants=MAIN),
    Seen("ml design", "/ml-design/", variants=MAIN),
    Seen("new prompt", "/ml-design/prompts/new/"),
    Seen("prompt in progress", "/ml-design/prompts/{prompt}/", variants=MAIN),
    Seen("own prompt", "/ml-design/prompts/{own_prompt}/"),
    Seen("own prompt edit", "/ml-design/prompts/{own_prompt}/edit/"),
    Seen("design session", "/ml-design/sessions/{attempt}/"),
    Seen("ml breadth", "/breadth/", variants=MAIN),
    Seen("ml breadth bad filter", "/breadth/?show=nonsense"),
    Seen("ml breadth question", "/breadth/bias-variance/", variants=MAIN),
    Seen("ml breadth answered", visit=_breadth_answered, covers="prep:breadth-notes"),
    Seen("stories", "/stories/", variants=MAIN),
    Seen("new story", "/stories/new/"),
    Seen("new story with errors", visit=_story_with_errors),
    Seen("story", "/stories/{story}/", variants=MAIN),
    Seen("confirm delete", visit=_confirm_story_delete, covers="prep:story-delete"),
    Seen("behavioral", "/behavioral/", variants=MAIN),
    Seen("mocks", "/mocks/", variants=MAIN),
    Seen("mock in progress", "/mocks/{mock}/", variants=MAIN),
    Seen("mock recorded", "/mocks/{recorded_mock}/"),
    Seen("bad request", visit=_bad_reroll, covers="prep:mock-reroll"),
    Seen("companies", "/companies/", variants=MAIN),
    Seen("loops", "/loops/", variants=MAIN),
    Seen("settings", "/settings/", variants=MAIN),
    Seen("settings, new link", visit=_settings_with_a_new_link, covers="prep:share-link-rotate"),
    Seen("settings, bad import", visit=_settings_import_without_a_file, covers="prep:data-import"),
    Seen("onboarding", "/welcome/"),
    Seen("password change", "/accounts/password_change/"),
    Seen("password changed", "/accounts/password_change/done/"),
    Seen("not found, signed in", "/problems/no-such-problem/"),
]

# What answers GET but is not a page to check, and why.
NOT_PAGES = {
    "healthz": "a JSON health check for the load balancer",
    "logout": "answers GET with 405; logging out is a POST",
    "prep:data-export": "a JSON file to download",
}
# Django's admin is for the staff who curate the catalogue; its pages are Django's own.
NOT_CHECKED_NAMESPACES = {"admin"}


class Site:
    """The module's server, its data, and one browser context per (signed in, variant)."""

    def __init__(self, base_url: str, ids: dict[str, str], browser: Browser) -> None:
        self.base_url = base_url
        self.ids = ids
        self.browser = browser
        self.pages: dict[tuple[bool, str], Page] = {}
        self.contexts: list[BrowserContext] = []
        self.session_state: dict | None = None
        self.offsite: list[str] = []  # requests to anywhere but the live server: there are none

    def format(self, path: str) -> str:
        return path.format(**self.ids)

    def url(self, path: str) -> str:
        return self.base_url + self.format(path)

    def page(self, signed_in: bool, variant_name: str) -> Page:
        key = (signed_in, variant_name)
        if key not in self.pages:
            variant = VARIANTS[variant_name]
            state = self._signed_in_state() if signed_in else None
            context = self.browser.new_context(
                viewport=variant.viewport, color_scheme=variant.color_scheme, storage_state=state
            )
            context.set_default_timeout(TIMEOUT_MS)
            if variant.chosen_theme:
                context.add_init_script(
                    f"localStorage.setItem({THEME_KEY!r}, {variant.chosen_theme!r})"
                )
            context.on("request", self._note_offsite)
            self.contexts.append(context)
            self.pages[key] = context.new_page()
        return self.pages[key]

    def _note_offsite(self, request) -> None:
        if not request.url.startswith((self.base_url, "data:", "about:")):
            self.offsite.append(request.url)

    def _signed_in_state(self) -> dict:
        """Log in once, through the login form, and hand its cookie to every other context."""
        if self.session_state is None:
            context = self.browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            page.goto(self.url("/accounts/login/"))
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            assert "/accounts/login/" not in page.url, "alice could not log in"
            self.session_state = context.storage_state()
            context.close()
        return self.session_state

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _build_data() -> dict[str, str]:
    """alice, a candidate a few weeks into preparing for Meta at E5, with a share link."""
    if not Problem.objects.exists():
        load_catalogue()
    now = timezone.now()
    alice = UserFactory(username="alice", email="alice@example.com")
    profile = ProfileFactory(
        user=alice,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug="e5"),
        interview_date=timezone.localdate() + datetime.timedelta(days=40),
        hours_per_week=10,
    )
    roadmap = ProblemList.objects.get(slug="neetcode-150")
    problems = [entry.problem for entry in roadmap.entries.active().select_related("problem")]
    statuses = [Status.SOLVED] * 5 + [Status.NEEDS_REVIEW, Status.ATTEMPTED, Status.SKIPPED]
    for day, (problem, status) in enumerate(zip(problems, statuses, strict=False)):
        progress = ProblemProgress.objects.create(user=alice, problem=problem)
        progress.mark(status, today=timezone.localdate() - datetime.timedelta(days=day))
        if status == Status.SOLVED:
            reviews.solved(alice, problem, profile=profile, now=now - datetime.timedelta(days=day))
    ProblemProgress.objects.filter(user=alice, problem=problems[0]).update(
        notes=NOTES, confidence=4, minutes_spent=25
    )
    card = LearnCard.objects.active().first()
    ChapterDone.objects.create(user=alice, chapter=card.chapters.first())

    areas = list(FocusArea.objects.active()[:3])
    story = StoryFactory(user=alice, title="Shipping the ranking migration", focus_areas=areas)
    StoryFactory(user=alice, title="A half-written story", action="", result="")
    Story.objects.filter(pk=story.pk).update(state=Story.State.REHEARSED)

    prompt = PracticePrompt.objects.filter(owner__isnull=True).first()
    stages = list(DesignStage.objects.active())
    finished = DesignAttemptFactory(user=alice, prompt=prompt)
    for stage in stages[:3]:
        StageWorkFactory(attempt=finished, stage=stage, notes=NOTES, rating=4)
    finished.start()
    finished.end()
    finished.save()
    current = DesignAttemptFactory(user=alice, prompt=prompt)
    current.start()
    current.save()
    StageWorkFactory(attempt=current, stage=stages[0], notes="Clarify: who follows whom?")
    own = PracticePromptFactory(owner=alice, title="Design a feed for my team", slug="own-feed")

    recorded = mocks.start_mock(alice, profile)
    outcomes = {}
    for item in recorded.problems.all():
        outcomes[f"outcome_{item.position}"] = MockProblem.Outcome.HINTS
        outcomes[f"minutes_{item.position}"] = 20
    mocks.record_mock(recorded, outcomes)
    mock = mocks.start_mock(alice, profile)

    link = ShareLinkFactory(
        user=alice, shows_notes=True, shows_design_notes=True, shows_stories=True
    )
    snapshot = ListSnapshot.objects.filter(problem_list__slug="meta-top-100-six-months").first()
    untouched = Problem.objects.active().exclude(progress__user=alice).first()
    blind = (
        ProblemList.objects.get(slug="blind-75")
        .entries.active()
        .exclude(problem__progress__user=alice)
    )
    return {
        "token": link.token,
        "problem": problems[0].slug,
        "untouched_problem": untouched.slug,
        "untouched_roadmap_problem": blind.first().problem.slug,
        "prompt": prompt.slug,
        "own_prompt": own.slug,
        "attempt": str(finished.pk),
        "story": str(story.pk),
        "mock": str(mock.pk),
        "recorded_mock": str(recorded.pk),
        "snapshot": snapshot.as_of.isoformat(),
        "uid": urlsafe_base64_encode(force_bytes(alice.pk)),
        "reset_token": default_token_generator.make_token(alice),
    }


def _is_test_database(connection) -> bool:
    """What Django's test set-up points the connection at: the TEST name, a test_ prefixed name
    or SQLite in memory; never the database a developer runs the site on."""
    name = str(connection.settings_dict["NAME"])
    return (
        name == connection.settings_dict.get("TEST", {}).get("NAME")
        or Path(name).name.startswith(TEST_DATABASE_PREFIX)
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
    )


# The data is built once, for the whole module, so pytest-django's autouse helper, which would
# empty the database after every test using `live_server`, is replaced here.


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    pass


@pytest.fixture(scope="module")
def site(django_db_setup, live_server, django_db_blocker, playwright_browser) -> Iterator[Site]:
    # django_db_setup first: the server must start on the test database, not the real one.
    for alias in connections:
        if not _is_test_database(connections[alias]):
            pytest.fail(f"{alias} is not a test database; refusing to write to it or flush it")
    # Unblocked for the whole module: the server thread reads and writes the same database.
    with django_db_blocker.unblock():
        caches["ratelimit"].clear()  # the module's many page views count from zero
        ids = _build_data()
        live_server._live_server_modified_settings.enable()  # ALLOWED_HOSTS gains its host
        site = Site(live_server.url, ids, playwright_browser)
        try:
            yield site
        finally:
            site.close()
            live_server._live_server_modified_settings.disable()
            # As transactional tests leave it: empty, for the next test to fill as it needs.
            # (Rate-limit counts too: prep_ratecount is a model's table.)
            for alias in connections:
                call_command("flush", database=alias, interactive=False, verbosity=0)


def _report(page_name: str, url: str, variant: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {page_name!r} ({variant}) at {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            detail = (node.get("failureSummary") or "").splitlines()
            lines.append(f"    {', '.join(map(str, node['target']))}  {' '.join(detail[1:2])}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def _assert_theme(page: Page, variant: str) -> None:
    """The page really shows the variant's theme, so a pass in "dark" means the dark colours."""
    wanted = VARIANTS[variant]
    is_dark = "dark" in (wanted.chosen_theme, wanted.color_scheme)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(c) for c in re.findall(r"\d+", background)[:3])
    shown = "dark" if red + green + blue < 3 * 128 else "light"
    assert shown == ("dark" if is_dark else "light"), f"{variant}: the background is {background}"


def _check(page: Page, name: str, variant: str) -> None:
    violations = AXE.run(page).response["violations"]
    assert not violations, _report(name, page.url, variant, violations)


CASES = [
    pytest.param(seen, variant, id=f"{seen.name}-{variant}".replace(" ", "_"))
    for seen in PAGES
    for variant in seen.variants
]


@pytest.mark.parametrize(("seen", "variant"), CASES)
def test_page_has_no_axe_violations(site: Site, seen: Seen, variant: str) -> None:
    page = site.page(seen.signed_in, variant)
    if seen.visit:
        seen.visit(page, site)
    else:
        page.goto(site.url(seen.path))
    _assert_theme(page, variant)
    assert not site.offsite, f"requests off the site, which CI may not reach: {site.offsite}"
    if VARIANTS[variant].viewport == PHONE:
        # Reflow (WCAG 1.4.10), which axe leaves alone: nothing pushes a phone page sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{seen.name} is {width} px wide on a 375 px phone"
    _check(page, seen.name, variant)


@pytest.mark.parametrize("variant", THEMES)
def test_the_server_error_page_has_no_axe_violations(site: Site, variant: str) -> None:
    page = site.page(False, variant)
    page.goto(site.url("/accounts/login/"))  # any page of the site, for its origin
    page.set_content(render_to_string("500.html"))
    _check(page, "server error", variant)


def test_a_violation_fails_with_the_rule_the_element_and_the_page(site: Site) -> None:
    """The check itself can fail: a page with an unlabelled field and an image with no text."""
    page = site.page(False, "light")
    page.goto(site.url("/accounts/login/"))
    page.set_content(
        '<html lang="en"><title>Broken</title><main><h1>Broken</h1>'
        '<img src="/static/x.png" id="bare"><input id="nameless"></main></html>'
    )

    with pytest.raises(AssertionError) as failure:
        _check(page, "a broken page", "light")

    report = str(failure.value)
    assert "on 'a broken page' (light)" in report
    assert "- image-alt (critical)" in report
    assert "#bare" in report
    assert "#nameless" in report


# --- Changes made in place are announced ------------------------------------------------------


def _announced_in_place(region: Locator, change: Callable[[], None]) -> None:
    """`change` alters the text of `region`, a polite live region (role status), and the region
    is the node that was on the page before: a live region added with the news is often not read.
    """
    region.evaluate("region => region.setAttribute('data-before-the-change', '')")
    before = region.inner_text()
    change()
    expect(region).not_to_have_text(before)
    expect(region).to_have_attribute("data-before-the-change", "")


def test_filter_results_are_announced_politely(site: Site) -> None:
    page = site.page(True, "light")
    page.goto(site.url("/lists/blind-75/"))
    status = page.get_by_role("status").filter(has_text="Showing")

    _announced_in_place(
        status, lambda: page.get_by_label("Search titles").press_sequentially("tree")
    )


def test_a_finished_learn_card_is_announced_politely(site: Site) -> None:
    page = site.page(True, "light")
    page.goto(site.url("/learn/"))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Sorting"))
    buttons = card.get_by_role("button", name=re.compile(r": mark done$"))

    def tick_every_chapter() -> None:
        for name in [button.get_attribute("aria-label") for button in buttons.all()]:
            card.get_by_role("button", name=name, exact=True).click()
            done = name.replace(": mark done", ": done, mark not done")
            expect(card.get_by_role("button", name=done, exact=True)).to_be_visible()

    count = page.get_by_role("status").filter(has_text="cards done")
    _announced_in_place(count, tick_every_chapter)


def _url_names(resolvers: list, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NOT_CHECKED_NAMESPACES:
                continue
            yield from _url_names(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_path(name: str, pattern: URLPattern) -> str:
    """The pattern's URL with made-up arguments: enough to learn whether it answers GET."""
    converters = getattr(pattern.pattern, "converters", {})
    return reverse(name, kwargs=dict.fromkeys(converters, "1") or None)


class _AnyId(dict):
    """Fills every {id} of a page's path with "1", which every converter here accepts."""

    def __missing__(self, key: str) -> str:
        return "1"


def _covered_names() -> set[str]:
    names = {seen.covers for seen in PAGES if seen.covers}
    for seen in PAGES:
        if seen.path:
            with contextlib.suppress(Resolver404):  # the 404 pages resolve to nothing
                names.add(resolve(seen.path.split("?")[0].format_map(_AnyId())).view_name)
    return names


def test_every_page_has_axe_coverage(db) -> None:
    """Every URL that answers GET is opened by a page above: a new page fails here until it is
    added (with data that makes it show what a candidate would see)."""
    covered = _covered_names()
    client = Client()
    missing = []
    for name, pattern in _url_names(get_resolver().url_patterns):
        if name in covered or name in NOT_PAGES:
            continue
        # Method checks come first in every view, so a 405 means POST only, whatever the args.
        if client.get(_sample_path(name, pattern)).status_code != 405:
            missing.append(name)
    assert not missing, f"answer GET but no axe check opens them: {', '.join(sorted(missing))}"

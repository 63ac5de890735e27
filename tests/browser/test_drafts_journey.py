"""Never lose typing: drafts that survive a reload, a warning before leaving, and a session that
ends while the user is writing."""

import re

from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from prep.models import ProblemProgress, StageWork
from tests.browser.journeys import PASSWORD, onboard, sign_up

NOTES = "Hash map from value to index, one pass."


def _end_every_session() -> None:
    """What an expired session looks like to the server: the cookie no longer finds one."""
    Session.objects.all().delete()


def _log_in(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _notes(page: Page):
    return page.get_by_role("textbox", name="Notes")


def test_notes_survive_a_reload_and_say_whether_they_are_saved(page, live_server, catalog):
    sign_up(page, live_server.url, "drafter")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")

    _notes(page).fill(NOTES)
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    page.reload()

    expect(_notes(page)).to_have_value(NOTES)
    expect(page.get_by_text(re.compile("Restored your unsaved draft"))).to_be_visible()
    page.get_by_role("button", name="Save notes").click()

    expect(page.get_by_text("Saved your notes.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Saved$"))).to_be_visible()
    assert ProblemProgress.objects.get(user__username="drafter").notes == NOTES
    page.reload()
    expect(page.get_by_text("Restored your unsaved draft")).to_have_count(0)


def test_discarding_a_draft_puts_back_the_saved_notes(page, live_server, catalog):
    sign_up(page, live_server.url, "discarder")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")
    _notes(page).fill(NOTES)
    page.reload()

    page.get_by_role("button", name="Discard draft").click()

    expect(_notes(page)).to_have_value("")
    page.reload()
    expect(_notes(page)).to_have_value("")


def test_leaving_with_unsaved_changes_asks_first(page, live_server, catalog):
    sign_up(page, live_server.url, "leaver")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")
    _notes(page).press_sequentially("Two pointers?")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Plan", exact=True).click()

    expect(_notes(page)).to_have_value("Two pointers?")
    assert asked == ["beforeunload"]
    assert page.url.endswith("/problems/two-sum/")


def test_notes_typed_when_the_session_has_ended_wait_after_logging_in(page, live_server, catalog):
    sign_up(page, live_server.url, "sleeper")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")
    _notes(page).fill(NOTES)

    _end_every_session()
    page.get_by_role("button", name="Save notes").click()

    ended = page.get_by_text(re.compile("Your session had ended, so what you typed"))
    expect(ended).to_be_visible()
    _log_in(page, "sleeper")
    expect(page).to_have_url(re.compile(r"/problems/two-sum/$"))
    kept = page.get_by_text(re.compile("Here is what you typed before your session ended"))
    expect(kept).to_be_visible()
    expect(_notes(page)).to_have_value(NOTES)
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    assert not ProblemProgress.objects.filter(user__username="sleeper").exists()

    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Saved your notes.")).to_be_visible()
    assert ProblemProgress.objects.get(user__username="sleeper").notes == NOTES


def test_stage_notes_saved_with_htmx_after_the_session_ended_come_back(page, live_server, catalog):
    sign_up(page, live_server.url, "designer")
    onboard(page)
    page.goto(live_server.url + "/ml-design/")
    page.locator("a[href^='/ml-design/prompts/']").filter(has_not_text="new").first.click()
    notes = page.get_by_role("textbox", name=re.compile("^Your notes on")).first
    notes.fill("Is following one-way? How many accounts does a user follow?")
    prompt_url = page.url

    _end_every_session()
    page.get_by_role("button", name=re.compile("^Save ")).first.click()

    expect(page.get_by_text(re.compile("your last change was not saved"))).to_be_visible()
    _log_in(page, "designer")
    expect(page).to_have_url(prompt_url)
    expect(notes).to_have_value("Is following one-way? How many accounts does a user follow?")
    expect(page.get_by_text(re.compile("Restored your unsaved draft")).first).to_be_visible()
    assert not StageWork.objects.exists()

    page.get_by_role("button", name=re.compile("^Save ")).first.click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert StageWork.objects.get().notes.startswith("Is following one-way?")
    page.reload()
    expect(page.get_by_text("Restored your unsaved draft")).to_have_count(0)


def test_a_tick_made_after_the_session_ended_is_reported_not_saved(page, live_server, catalog):
    sign_up(page, live_server.url, "ticker")
    onboard(page)
    page.goto(live_server.url + "/lists/neetcode-150/")

    _end_every_session()
    page.get_by_label("Status of Two Sum", exact=True).select_option(label="Solved")

    expect(page.get_by_text(re.compile("your last change was not saved"))).to_be_visible()
    _log_in(page, "ticker")
    expect(page).to_have_url(re.compile(r"/lists/neetcode-150/$"))
    expect(page.get_by_label("Status of Two Sum", exact=True)).to_have_value("not_started")
    assert not ProblemProgress.objects.filter(user__username="ticker").exists()


def test_notes_ending_in_a_blank_line_read_as_saved_after_saving(page, live_server, catalog):
    sign_up(page, live_server.url, "trailing")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")

    _notes(page).fill(NOTES + "\n\n")
    page.get_by_role("button", name="Save notes").click()

    expect(page.get_by_text("Saved your notes.")).to_be_visible()
    expect(page.get_by_text("Restored your unsaved draft")).to_have_count(0)
    expect(page.get_by_text("Unsaved changes")).to_have_count(0)


def test_a_draft_older_than_the_saved_notes_is_offered_not_forced(page, live_server, catalog):
    sign_up(page, live_server.url, "twotabs")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")
    _notes(page).fill("Draft typed in this tab.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Saved your notes.")).to_be_visible()
    _notes(page).fill("A second thought, not saved.")
    page.wait_for_timeout(800)  # the draft is kept after a short pause
    # Meanwhile the notes are saved from another device.
    ProblemProgress.objects.filter(user__username="twotabs").update(notes="Saved on my phone.")

    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()

    expect(_notes(page)).to_have_value("Saved on my phone.")
    expect(page.get_by_text(re.compile("but this was saved since"))).to_be_visible()
    page.get_by_role("button", name="Restore draft").click()
    expect(_notes(page)).to_have_value("A second thought, not saved.")


def test_logging_out_asks_about_unsaved_changes_and_then_forgets_the_drafts(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "leaving")
    onboard(page)
    page.goto(live_server.url + "/problems/two-sum/")
    _notes(page).fill("Private thoughts.")
    page.wait_for_timeout(800)
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    assert any("unsaved changes" in message for message in asked)
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('mleprep:draft:'))")
    assert keys == []

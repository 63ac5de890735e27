"""Deleting a story asks first: a dialog with JavaScript, a page without it."""

from django.contrib.auth.models import User
from playwright.sync_api import expect

from prep.models import Story
from tests.browser.journeys import PASSWORD, onboard, sign_up


def _story(username: str) -> Story:
    return Story.objects.create(user=User.objects.get(username=username), title="The migration")


def test_deleting_a_story_asks_in_a_dialog_and_only_an_accepted_one_deletes(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "storyteller")
    onboard(page)
    story = _story("storyteller")
    page.goto(live_server.url + story.get_absolute_url())

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete this story").click()
    expect(page.get_by_role("button", name="Delete this story")).to_be_visible()
    assert Story.objects.filter(pk=story.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this story").click()
    expect(page.get_by_text("Deleted “The migration”.")).to_be_visible()
    assert not Story.objects.filter(pk=story.pk).exists()


def test_deleting_the_account_asks_in_a_dialog_as_well_as_for_the_password(
    page, live_server, catalog
):
    sign_up(page, live_server.url, "leaver")
    onboard(page)
    page.goto(live_server.url + "/settings/")
    page.get_by_text("Delete your account").click()
    page.get_by_label("Your password").fill(PASSWORD)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("button", name="Delete my account")).to_be_visible()
    assert User.objects.filter(username="leaver").exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete my account").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    assert not User.objects.filter(username="leaver").exists()

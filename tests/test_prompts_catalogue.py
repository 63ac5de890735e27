"""The ML design practice prompts: the shipped catalogue's facts, "what a strong answer covers"
folded away on the prompt page, and load_catalog syncing it while keeping admin edits.

This is the one module that pins facts of the shipped prompts (how many, each with a brief and
covers, sources only where named); the page and sync tests use prompts they make or edit.
"""

import importlib
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from prep.models import PracticePrompt, SyncRecord
from tests._requirements import skip_unless_required
from tests.factories import PracticePromptFactory

pytestmark = pytest.mark.usefixtures("catalog")

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "design.json"
BOOK = Path(settings.BASE_DIR).parent / "shared" / "reference" / "mlsd_book.md"
BOOK_URL = "https://bytebytego.com/courses/machine-learning-system-design-interview/"
COVERS_SUMMARY = "What a strong answer covers"


def _shipped() -> list[dict]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [item["fields"] for item in data if item["model"] == "prep.practiceprompt"]


def _catalogue() -> list[PracticePrompt]:
    return list(PracticePrompt.objects.catalogue().active())


def _page(client, prompt: PracticePrompt) -> str:
    response = client.get(prompt.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- The shipped prompts -----------------------------------------------------------------------


def test_at_least_22_prompts_are_shipped_and_all_are_loaded():
    slugs = [fields["slug"] for fields in _shipped()]

    assert len(slugs) >= 22
    assert {p.slug for p in _catalogue()} == set(slugs)


def test_every_shipped_prompt_has_a_unique_title():
    titles = [p.title.strip().lower() for p in _catalogue()]

    assert len(set(titles)) == len(titles)


def test_every_shipped_prompt_has_a_brief_and_what_a_strong_answer_covers():
    for prompt in _catalogue():
        assert len(prompt.brief.split()) >= 20, prompt.slug
        assert len(prompt.covers_points) >= 5, prompt.slug


def test_no_brief_gives_away_what_a_strong_answer_covers():
    # The brief is shown above the timer; the answer's points live in the folded section.
    for prompt in _catalogue():
        assert "strong answer" not in prompt.brief.lower(), prompt.slug


def test_a_source_link_only_where_a_source_is_named():
    for prompt in _catalogue():
        if prompt.source_url:
            assert prompt.source_name.strip(), prompt.slug
            assert prompt.source_url.startswith("https://"), prompt.slug


def test_the_shipped_prompts_include_the_new_themes():
    slugs = {p.slug for p in _catalogue()}

    assert {
        "notification-ranking",
        "fake-account-detection",
        "ads-conversion-prediction",
        "query-autocomplete",
        "feed-integrity",
        "translation-quality",
    } <= slugs


def _book_chapters() -> dict[str, str]:
    """Chapter number -> its course page slug, from the book's reference table."""
    try:
        text = BOOK.read_text(encoding="utf-8")
    except OSError as error:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {BOOK}: {error.strerror}")
    return dict(re.findall(r"^\| (\d+) \| [^|]+ \| ([a-z0-9-]+) \|$", text, flags=re.MULTILINE))


def test_a_book_link_goes_to_the_chapter_the_source_names():
    chapters = _book_chapters()
    linked = [p for p in _catalogue() if p.source_url.startswith(BOOK_URL)]

    assert linked
    for prompt in linked:
        (number,) = re.findall(r"chapter (\d+)", prompt.source_name, flags=re.IGNORECASE)
        assert prompt.source_url == BOOK_URL + chapters[number], prompt.slug


# --- The prompt page ---------------------------------------------------------------------------


def test_the_prompt_page_folds_away_what_a_strong_answer_covers(alice_client):
    prompt = PracticePromptFactory(covers="Name the label\n\n  Say how it is served  \n")

    page = _page(alice_client, prompt)

    # Folded (no "open"), and in the HTML itself, so it reads with JavaScript off.
    assert '<details class="prompt-covers">' in page
    assert f"<summary>{COVERS_SUMMARY}</summary>" in page
    assert "<li>Name the label</li>" in page
    assert "<li>Say how it is served</li>" in page
    assert page.count("<li></li>") == 0
    assert page.index(COVERS_SUMMARY) < page.index('id="timer"')


def test_a_prompt_without_covers_shows_no_covers_section(alice_client, alice):
    prompt = PracticePromptFactory(owner=alice, covers="")

    assert COVERS_SUMMARY not in _page(alice_client, prompt)


def test_a_shipped_prompt_page_shows_its_points(alice_client):
    prompt = PracticePrompt.objects.get(slug="notification-ranking")

    page = _page(alice_client, prompt)

    assert COVERS_SUMMARY in page
    assert prompt.covers_points[0] in page


def test_the_admin_edits_what_a_strong_answer_covers(client, staff):
    client.force_login(staff)
    prompt = PracticePrompt.objects.get(slug="people-you-may-follow")

    response = client.get(reverse("admin:prep_practiceprompt_change", args=[prompt.pk]))

    page = response.content.decode()
    assert 'name="covers"' in page
    assert "What a strong answer covers" in page


# --- load_catalog ------------------------------------------------------------------------------


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """A private copy of fixtures/ that the test may edit as upstream."""
    folder = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", folder)
    return folder


def _load(folder: Path) -> str:
    out = StringIO()
    call_command("load_catalog", "--fixtures", str(folder), stdout=out)
    return out.getvalue()


def _upstream_covers(folder: Path, slug: str, covers: str) -> None:
    path = folder / "design.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    prompts = [i for i in data if i["model"] == "prep.practiceprompt"]
    (item,) = [i for i in prompts if i["fields"]["slug"] == slug]
    item["fields"]["covers"] = covers
    path.write_text(json.dumps(data), encoding="utf-8")


def _before_covers() -> None:
    """The prompts as a database migrated to 0016 holds them before its next sync: no covers,
    and (as the migration leaves them) sync records saying the last sync wrote none."""
    PracticePrompt.objects.catalogue().update(covers="")
    for record in SyncRecord.objects.filter(model="prep.practiceprompt"):
        record.values["covers"] = ""
        record.save()


def _covers(slug: str) -> str:
    return PracticePrompt.objects.get(slug=slug).covers


def test_the_next_sync_fills_in_covers_for_every_prompt(fixtures):
    _before_covers()

    output = _load(fixtures)

    assert "Kept" not in output
    assert all(p.covers_points for p in _catalogue())
    assert "0 created, 0 updated, 0 archived" in _load(fixtures)


def test_covers_an_admin_wrote_before_the_sync_are_kept_and_named(fixtures):
    _before_covers()
    PracticePrompt.objects.filter(slug="visual-search").update(covers="My own point")

    output = _load(fixtures)

    assert "prompt visual-search (what a strong answer covers" in output
    assert _covers("visual-search") == "My own point"
    assert _covers("video-search").strip()


def test_an_upstream_change_to_covers_reaches_a_prompt_nobody_edited(fixtures):
    _upstream_covers(fixtures, "event-recommendation", "First point\nSecond point")

    output = _load(fixtures)

    assert "Kept" not in output
    assert PracticePrompt.objects.get(slug="event-recommendation").covers_points == [
        "First point",
        "Second point",
    ]


def test_an_admin_edit_of_covers_survives_an_upstream_change(fixtures):
    PracticePrompt.objects.filter(slug="event-recommendation").update(covers="Edited here")
    _upstream_covers(fixtures, "event-recommendation", "Upstream point")

    output = _load(fixtures)

    assert "prompt event-recommendation (what a strong answer covers" in output
    assert _covers("event-recommendation") == "Edited here"


def test_a_prompt_whose_brief_an_admin_edited_keeps_its_covers_too(fixtures):
    before = _covers("ad-click-prediction")
    PracticePrompt.objects.filter(slug="ad-click-prediction").update(brief="Our own brief.")
    _upstream_covers(fixtures, "ad-click-prediction", "Upstream point")

    output = _load(fixtures)

    assert "prompt ad-click-prediction (brief" in output
    prompt = PracticePrompt.objects.get(slug="ad-click-prediction")
    assert (prompt.brief, prompt.covers) == ("Our own brief.", before)


def test_the_migration_records_covers_empty_so_the_sync_can_tell_an_edit(fixtures):
    migration = importlib.import_module("prep.migrations.0016_practiceprompt_covers")
    PracticePrompt.objects.catalogue().update(covers="")
    for record in SyncRecord.objects.filter(model="prep.practiceprompt"):
        del record.values["covers"]
        record.save()
    PracticePrompt.objects.filter(slug="visual-search").update(covers="My own point")

    migration.record_the_empty_field(apps, None)
    output = _load(fixtures)

    assert _covers("news-feed-ranking").strip()
    assert _covers("visual-search") == "My own point"
    assert "prompt visual-search (what a strong answer covers" in output

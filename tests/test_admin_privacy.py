"""Staff curate the catalogue in the admin, but a candidate's own writing is theirs: private
prompts, stories and notes are never shown there, on any page; staff see how many, not what."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from prep.models import PracticePrompt
from prep.portability import OWNED_MODELS
from tests.factories import (
    DesignAttemptFactory,
    DesignStageFactory,
    FocusAreaFactory,
    LevelFactory,
    MockRoundFactory,
    PracticePromptFactory,
    ProblemFactory,
    ProblemProgressFactory,
    ProfileFactory,
    StageWorkFactory,
    StoryFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

# What alice wrote: none of it may appear on any admin page.
SECRETS = {
    "prompt_title": "Quokka ranking for my onsite",
    "prompt_brief": "Quokka brief: rank a feed of quokkas",
    "story_title": "Quokka story about the outage",
    "story_action": "Quokka action: I rolled it back",
    "notes": "Quokka notes: sliding window",
    "stage_notes": "Quokka stage notes: label leakage",
}


@pytest.fixture
def private(alice) -> dict:
    """alice's private prompt, a story, problem notes and stage notes, and the catalogue rows
    they point at (whose delete pages list what would go with them)."""
    stage, area, level, problem = (
        DesignStageFactory(),
        FocusAreaFactory(),
        LevelFactory(loop=False),
        ProblemFactory(),
    )
    ProfileFactory(user=alice, target_level=level)
    prompt = PracticePromptFactory(
        owner=alice, title=SECRETS["prompt_title"], brief=SECRETS["prompt_brief"]
    )
    attempt = DesignAttemptFactory(user=alice, prompt=prompt, started_at=timezone.now())
    StageWorkFactory(attempt=attempt, stage=stage, notes=SECRETS["stage_notes"])
    story = StoryFactory(
        user=alice,
        title=SECRETS["story_title"],
        action=SECRETS["story_action"],
        focus_areas=[area],
    )
    MockRoundFactory(user=alice, level=level, story=story, focus_area=area)
    ProblemProgressFactory(user=alice, problem=problem, notes=SECRETS["notes"])
    return {"prompt": prompt, "stage": stage, "area": area, "level": level, "problem": problem}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _assert_private(response) -> None:
    page = response.content.decode()
    shown = [name for name, text in SECRETS.items() if text in page]
    assert not shown, f"{response.request['PATH_INFO']} shows alice's {shown}"


def _admin_url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_no_changelist_shows_or_finds_private_text(staff_client, private, model):
    url = _admin_url(model, "changelist")

    for query in ["", "?q=Quokka", "?q=rank", "?all="]:
        response = staff_client.get(url + query, follow=True)
        assert response.status_code == 200
        _assert_private(response)


def test_the_admin_index_shows_no_private_text(staff_client, private):
    _assert_private(staff_client.get(reverse("admin:index")))


@pytest.mark.parametrize(
    "model",
    sorted(OWNED_MODELS - {PracticePrompt}, key=lambda m: m._meta.model_name),
    ids=lambda m: m._meta.label,
)
def test_users_own_rows_have_no_admin_pages(staff_client, private, model):
    assert not admin.site.is_registered(model)
    with pytest.raises(NoReverseMatch):
        _admin_url(model, "changelist")
    row = model.objects.first()
    for path in ["", f"{row.pk}/change/" if row else "1/change/"]:
        response = staff_client.get(f"/admin/prep/{model._meta.model_name}/{path}")
        assert response.status_code == 404
        _assert_private(response)


def test_private_prompts_are_not_in_the_prompt_admin(staff_client, private):
    catalogue = PracticePromptFactory(title="Catalogue feed ranking")
    prompt = private["prompt"]

    listing = staff_client.get(_admin_url(PracticePrompt, "changelist"))

    assert "Catalogue feed ranking" in listing.content.decode()
    assert list(listing.context["cl"].queryset.filter(owner__isnull=False)) == []
    for view in ["change", "history", "delete"]:
        response = staff_client.get(_admin_url(PracticePrompt, view, prompt.pk))
        assert response.status_code in (302, 404)
        _assert_private(response)
        _assert_private(staff_client.get(_admin_url(PracticePrompt, view, prompt.pk), follow=True))
    # Editing a catalogue prompt cannot hand it to a user either.
    form = staff_client.get(_admin_url(PracticePrompt, "change", catalogue.pk)).context["adminform"]
    assert "owner" not in form.form.fields


def test_a_users_admin_page_shows_counts_not_text(staff_client, alice, private):
    response = staff_client.get(_admin_url(get_user_model(), "change", alice.pk))

    assert response.status_code == 200
    _assert_private(response)
    page = response.content.decode()
    assert (
        "Problem statuses: 1, with notes: 1, Stories: 1, Private prompts: 1, "
        "Design sessions: 1, with stage notes: 1"
    ) in page


@pytest.mark.parametrize("kind", ["user", "designstage", "focusarea", "level", "problem"])
def test_delete_pages_count_a_users_rows_instead_of_naming_them(staff_client, alice, private, kind):
    keys = {"designstage": "stage", "focusarea": "area"}
    obj = alice if kind == "user" else private[keys.get(kind, kind)]

    response = staff_client.get(_admin_url(type(obj), "delete", obj.pk))

    assert response.status_code == 200
    _assert_private(response)
    assert "of users (private: counted, not shown)" in response.content.decode()


def test_deleting_users_in_bulk_names_none_of_their_writing(staff_client, alice, private):
    response = staff_client.post(
        _admin_url(get_user_model(), "changelist"),
        {"action": "delete_selected", "_selected_action": [alice.pk]},
    )

    assert response.status_code == 200
    _assert_private(response)
    assert "stories of users (private: counted, not shown)" in response.content.decode()


def test_staff_deleting_an_account_forgets_its_login_attempts(staff_client, alice, bob):
    for name in ["alice", "bob"]:
        AccessAttempt.objects.create(
            username=name, ip_address="127.0.0.1", user_agent="pytest", failures_since_start=1
        )
        AccessLog.objects.create(username=name, ip_address="127.0.0.1", user_agent="pytest")

    response = staff_client.post(_admin_url(get_user_model(), "delete", alice.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="alice").exists()
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert not AccessLog.objects.filter(username="alice").exists()
    assert AccessAttempt.objects.filter(username="bob").exists()


def test_staff_deleting_accounts_in_bulk_forgets_their_login_attempts(staff_client, alice, bob):
    for name in ["alice", "bob"]:
        AccessLog.objects.create(username=name, ip_address="127.0.0.1", user_agent="pytest")

    staff_client.post(
        _admin_url(get_user_model(), "changelist"),
        {"action": "delete_selected", "_selected_action": [alice.pk, bob.pk], "post": "yes"},
    )

    assert not get_user_model().objects.filter(username__in=["alice", "bob"]).exists()
    assert not AccessLog.objects.filter(username__in=["alice", "bob"]).exists()

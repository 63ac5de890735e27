"""Setting a target (company, level, date, hours) on onboarding and in settings."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from prep.models import Company, Level, Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("catalog")

ONBOARDING = reverse("prep:onboarding")
SETTINGS = reverse("prep:settings")
HOME = reverse("prep:home")
DASHBOARD = reverse("prep:dashboard")
SOON = timezone.localdate() + timedelta(days=120)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _target(level: str = "e5", **extra) -> dict:
    return {
        "target_company": Company.objects.get(slug="meta").pk,
        "target_level": Level.objects.get(slug=level).pk,
        "interview_date": "",
        "hours_per_week": "",
        **extra,
    }


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r"<option [^>]*selected>([^<]+)</option>", select).group(1)


def _rounds(html: str) -> list[str]:
    """The round names of the readiness panel, with their detail in brackets."""
    names = re.findall(r'<span class="round-name">(.*?)</span>\n', html)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", name)).strip() for name in names]


# --- Onboarding -------------------------------------------------------------------------------


def test_after_sign_up_the_user_lands_on_onboarding(client):
    data = {"username": "dana", "password1": PASSWORD, "password2": PASSWORD}

    response = client.post(reverse("signup"), data, follow=True)

    assert response.redirect_chain[-1] == (ONBOARDING, 302)
    assert "What are you aiming for?" in response.content.decode()


def test_onboarding_suggests_meta_and_e5(alice_client):
    response = alice_client.get(ONBOARDING)

    assert response.status_code == 200
    html = response.content.decode()
    assert _selected(html, "target_company") == "Meta"
    assert _selected(html, "target_level") == "E5, senior engineer"


def test_the_level_menu_says_what_each_level_means(alice_client):
    html = alice_client.get(ONBOARDING).content.decode()

    select = re.search(r'<select name="target_level".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option [^>]*>([^<]+)</option>", select) == [
        "E4, mid-level engineer",
        "E5, senior engineer",
        "E6, staff engineer",
    ]
    # Rounds depend on the company too, so the level's help no longer counts them per level.
    helptext = re.search(r'id="id_target_level_helptext">(.*?)</div>', html, re.S).group(1)
    assert "pick the seniority you are interviewing for" in helptext
    assert "design round" not in helptext


def test_onboarding_fields_are_labelled(alice_client):
    html = alice_client.get(ONBOARDING).content.decode()

    for name, label in [
        ("target_company", "Target company"),
        ("target_level", "Target level"),
        ("interview_date", "Interview date"),
        ("hours_per_week", "Hours per week"),
    ]:
        assert re.search(rf'<label for="id_{name}"[^>]*>{label}', html), label
        assert f'id="id_{name}"' in html


def test_saving_onboarding_creates_one_profile_and_opens_the_dashboard(alice_client, alice):
    data = _target("e6", interview_date=SOON.isoformat(), hours_per_week="12")

    response = alice_client.post(ONBOARDING, data)

    assert response.status_code == 302
    assert response["Location"] == HOME
    profile = Profile.objects.get()
    assert profile.user == alice
    assert (profile.target_company.slug, profile.target_level.slug) == ("meta", "e6")
    assert profile.interview_date == SOON
    assert profile.hours_per_week == 12
    html = alice_client.get(DASHBOARD).content.decode()
    assert "Your target is set. Here is your plan." in html
    assert "<h1>Your E6 loop at Meta</h1>" in html
    assert "You plan 12 hours a week." in html


def test_posting_onboarding_again_edits_the_same_profile(alice_client):
    alice_client.post(ONBOARDING, _target("e5"))

    alice_client.post(ONBOARDING, _target("e4"))

    assert Profile.objects.get().target_level.slug == "e4"


def test_onboarding_shows_the_saved_target_when_revisited(alice_client):
    alice_client.post(ONBOARDING, _target("e6"))

    assert (
        _selected(alice_client.get(ONBOARDING).content.decode(), "target_level")
        == "E6, staff engineer"
    )


# --- Settings ---------------------------------------------------------------------------------


def test_settings_shows_the_current_target(alice_client, alice_e5):
    alice_e5.hours_per_week = 9
    alice_e5.interview_date = date(2031, 1, 2)
    alice_e5.save()

    html = alice_client.get(SETTINGS).content.decode()

    assert _selected(html, "target_level") == "E5, senior engineer"
    assert 'value="9"' in html
    assert 'value="2031-01-02"' in html


def test_settings_edits_the_profile(alice_client, alice_e5):
    response = alice_client.post(SETTINGS, _target("e6", hours_per_week="20"))

    assert response.status_code == 302
    assert response["Location"] == HOME
    profile = Profile.objects.get()
    assert profile.pk == alice_e5.pk
    assert (profile.target_level.slug, profile.hours_per_week) == ("e6", 20)
    assert "Settings saved." in alice_client.get(DASHBOARD).content.decode()


def test_settings_can_clear_the_interview_date(alice_client, alice_e5):
    alice_e5.interview_date = date(2031, 1, 2)
    alice_e5.save()

    alice_client.post(SETTINGS, _target("e5"))

    assert Profile.objects.get().interview_date is None


def test_a_strangers_settings_never_show_or_change_alices_target(alice_e5, charlie, client):
    alice_e5.hours_per_week = 37
    alice_e5.save()
    client.force_login(charlie)

    assert 'value="37"' not in client.get(SETTINGS).content.decode()
    client.post(SETTINGS, _target("e4", hours_per_week="5"))

    alice_e5.refresh_from_db()
    assert (alice_e5.target_level.slug, alice_e5.hours_per_week) == ("e5", 37)
    assert Profile.objects.get(user=charlie).target_level.slug == "e4"


# --- Bad input --------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param({"hours_per_week": "0"}, "greater than or equal to 1", id="hours-0"),
    pytest.param({"hours_per_week": "81"}, "less than or equal to 80", id="hours-81"),
    pytest.param({"hours_per_week": "many"}, "Enter a whole number.", id="hours-word"),
    pytest.param({"interview_date": "2031-02-30"}, "Enter a valid date.", id="bad-date"),
    pytest.param({"interview_date": "next week"}, "Enter a valid date.", id="words-date"),
    pytest.param({"target_level": "999999"}, "Select a valid choice.", id="unknown-level"),
    pytest.param({"target_company": ""}, "This field is required.", id="no-company"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_INPUT)
def test_bad_onboarding_input_answers_400_and_creates_no_profile(alice_client, bad, message):
    response = alice_client.post(ONBOARDING, {**_target(), **bad})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "field-invalid" in html
    assert Profile.objects.count() == 0


@pytest.mark.parametrize(("bad", "message"), BAD_INPUT)
def test_bad_settings_input_answers_400_and_changes_nothing(alice_client, alice_e5, bad, message):
    response = alice_client.post(SETTINGS, {**_target("e6", hours_per_week="10"), **bad})

    assert response.status_code == 400
    assert message in response.content.decode()
    alice_e5.refresh_from_db()
    assert (alice_e5.target_level.slug, alice_e5.hours_per_week) == ("e5", None)


def test_an_archived_level_cannot_be_chosen(alice_client):
    Level.objects.filter(slug="e6").update(is_archived=True)

    html = alice_client.get(ONBOARDING).content.decode()
    response = alice_client.post(ONBOARDING, _target("e6"))

    assert ">E6, staff engineer</option>" not in html
    assert ">E5, senior engineer</option>" in html
    assert response.status_code == 400
    assert Profile.objects.count() == 0


# --- The level shapes the dashboard -----------------------------------------------------------


def test_e5_dashboard_has_one_ml_design_round_and_a_coding_phone_screen(alice_client, alice_e5):
    html = alice_client.get(DASHBOARD).content.decode()

    rounds = _rounds(html)
    assert len(rounds) == 5
    assert sum(r.lower().startswith("onsite ml system design") for r in rounds) == 1
    assert rounds[0].startswith("Phone screen (35 min coding)")
    assert "1 ML system design round<" in html
    assert "behavioral)" not in rounds[0]


def test_changing_the_level_to_e6_changes_the_dashboard(alice_client, alice_e5):
    alice_client.post(SETTINGS, _target("e6"))

    html = alice_client.get(DASHBOARD).content.decode()

    rounds = _rounds(html)
    assert len(rounds) == 6
    assert sum(r.lower().startswith("onsite ml system design") for r in rounds) == 2
    assert rounds[0].startswith("Phone screen (25 min coding + 15 min behavioral)")
    assert "2 ML system design rounds<" in html
    assert "<h1>Your E6 loop at Meta</h1>" in html
    assert "average of the 6 rounds of the E6 loop" in html


def test_e6_round_names_spell_ml_in_capitals(alice_client, alice_e5):
    alice_client.post(SETTINGS, _target("e6"))

    rounds = _rounds(alice_client.get(DASHBOARD).content.decode())

    assert rounds[1:] == [
        "Onsite coding 1",
        "Onsite coding 2",
        "Onsite ML system design 1",
        "Onsite ML system design 2",
        "Onsite behavioral",
    ]


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [ONBOARDING, SETTINGS], ids=["onboarding", "settings"])
def test_anonymous_visitor_is_sent_to_log_in(client, url):
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"
    response = client.post(url, _target())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Profile.objects.count() == 0


@pytest.mark.parametrize("url", [ONBOARDING, SETTINGS], ids=["onboarding", "settings"])
def test_anonymous_htmx_request_gets_a_full_page_redirect_to_log_in(client, url):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{url}"}

    response = client.post(url, _target(), **headers)

    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [url]
    assert b"password" not in response.content


@pytest.mark.parametrize("url", [ONBOARDING, SETTINGS], ids=["onboarding", "settings"])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_get_405_even_when_anonymous(client, alice, url, method):
    assert getattr(client, method)(url).status_code == 405
    client.force_login(alice)
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-5, "That date has passed."),
        (3 * 365, "That is more than two years away."),
    ],
)
def test_an_interview_date_in_the_past_or_years_away_is_refused(
    alice_client, alice_e5, days, message
):
    day = timezone.localdate() + timedelta(days=days)
    data = {
        "target_company": alice_e5.target_company.pk,
        "target_level": alice_e5.target_level.pk,
        "interview_date": day.isoformat(),
        "hours_per_week": "",
        "time_zone": "UTC",
    }

    response = alice_client.post(SETTINGS, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    alice_e5.refresh_from_db()
    assert alice_e5.interview_date != day


def test_a_saved_date_that_has_passed_does_not_block_other_settings(alice_client, alice_e5):
    passed = timezone.localdate() - timedelta(days=10)
    Profile.objects.filter(pk=alice_e5.pk).update(interview_date=passed)
    data = {
        "target_company": alice_e5.target_company.pk,
        "target_level": alice_e5.target_level.pk,
        "interview_date": passed.isoformat(),
        "hours_per_week": "12",
        "time_zone": "UTC",
    }

    assert alice_client.post(SETTINGS, data).status_code == 302
    alice_e5.refresh_from_db()
    assert alice_e5.hours_per_week == 12

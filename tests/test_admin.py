"""The admin is the curation UI: staff can browse, search and filter every catalogue model."""

import pytest

from prep.models import Problem, ProblemList

pytestmark = pytest.mark.usefixtures("catalog")

# Catalogue models with their own changelist (the others are inlines of these).
CHANGELISTS = [
    "company",
    "level",
    "codingstep",
    "topic",
    "problem",
    "problemlist",
    "listentry",
    "learncard",
    "designstage",
    "practiceprompt",
    "focusarea",
    "resource",
]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_sees_the_admin_index(staff_client):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert "Curate the study catalogue" in response.content.decode()


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("query", ["", "?q=two", "?is_archived__exact=1"])
def test_staff_can_open_every_changelist_with_search_and_archive_filter(staff_client, model, query):
    response = staff_client.get(f"/admin/prep/{model}/{query}")

    assert response.status_code == 200
    # An unknown lookup makes the admin redirect with ?e=1; a 200 means it was applied.
    assert "cl" in response.context


def test_problem_search_finds_the_problem_by_title(staff_client):
    response = staff_client.get("/admin/prep/problem/?q=lru")

    page = response.content.decode()
    assert "LRU Cache" in page
    assert "Two Sum" not in page


def test_problem_search_finds_a_problem_by_its_leetcode_number(staff_client):
    response = staff_client.get("/admin/prep/problem/?q=146")

    assert list(response.context["cl"].queryset) == [Problem.objects.get(slug="lru-cache")]


def test_archived_filter_shows_only_archived_rows(staff_client):
    Problem.objects.filter(slug="two-sum").update(is_archived=True)

    response = staff_client.get("/admin/prep/problem/?is_archived__exact=1")

    assert [p.slug for p in response.context["cl"].queryset] == ["two-sum"]


def test_neetcode_change_page_shows_its_entries_inline(staff_client):
    neetcode = ProblemList.objects.get(slug="neetcode-150")

    response = staff_client.get(f"/admin/prep/problemlist/{neetcode.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="entries-TOTAL_FORMS" value="150"' in page
    assert 'name="sections-TOTAL_FORMS" value="18"' in page
    assert "217. Contains Duplicate" in page


def test_neetcode_change_page_makes_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    neetcode = ProblemList.objects.get(slug="neetcode-150")

    with django_assert_max_num_queries(60):
        staff_client.get(f"/admin/prep/problemlist/{neetcode.pk}/change/")


def test_staff_can_open_a_problem_change_page(staff_client):
    problem = Problem.objects.get(slug="two-sum")

    response = staff_client.get(f"/admin/prep/problem/{problem.pk}/change/")

    assert response.status_code == 200
    assert 'value="Two Sum"' in response.content.decode()


def test_archive_action_hides_the_selected_problems(staff_client):
    problem = Problem.objects.get(slug="two-sum")

    response = staff_client.post(
        "/admin/prep/problem/",
        {"action": "archive", "_selected_action": [problem.pk]},
    )

    assert response.status_code == 302
    assert not Problem.objects.active().filter(slug="two-sum").exists()


@pytest.mark.parametrize("path", ["/admin/", "/admin/prep/problem/"])
def test_a_candidate_is_sent_to_the_admin_login(alice_client, path):
    response = alice_client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", ["/admin/", "/admin/prep/problem/"])
def test_anonymous_is_sent_to_the_admin_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

"""Cached list rows are never stale: every way the catalogue changes makes the next page show it,
and what is the candidate's own (statuses, notes) is never cached at all.

Each test opens a page first, so its rows are in the cache, then changes something the way a
user or an admin does, and opens the page again.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from prep.fragments import catalogue_change, catalogue_version
from prep.models import Company, ListEntry, Problem, ProblemList, ProblemProgress, Topic
from tests.factories import ShareLinkFactory
from tests.test_snapshots import company_csv, do_import

pytestmark = pytest.mark.usefixtures("catalog")

NEETCODE = "/lists/neetcode-150/"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _rows(client, url=NEETCODE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<tbody>") : html.rindex("</tbody>")]


def _row(html: str, slug: str) -> str:
    match = re.search(rf'<tr id="problem-{slug}".*?</tr>', html, re.S)
    return match.group(0) if match else ""


# --- The candidate's own writes: never cached -------------------------------------------------


def test_a_tick_shows_on_the_next_page_load(alice_client, alice):
    assert 'status-row-not_started"' in _row(_rows(alice_client), "two-sum")

    alice_client.post(
        reverse("prep:problem-status"),
        {"problem": "two-sum", "status": "solved", "list": "neetcode-150"},
    )

    row = _row(_rows(alice_client), "two-sum")
    assert 'class="problem-row status-row-solved"' in row
    assert '<option value="solved" selected>' in row


def test_notes_saved_on_the_problem_page_show_on_the_list(alice_client):
    assert ">Add notes<" in _row(_rows(alice_client), "two-sum")

    alice_client.post(
        reverse("prep:problem-progress", args=["two-sum"]),
        {"notes": "Hash map.", "minutes_spent": "20"},
    )

    assert ">Notes<" in _row(_rows(alice_client), "two-sum")


def test_one_candidates_rows_never_show_anothers_progress(alice_client, bob):
    two_sum = Problem.objects.get(slug="two-sum")
    ProblemProgress.objects.create(user=bob, problem=two_sum, status="solved")
    bobs = Client()  # Not the `client` fixture: that one is alice's.
    bobs.force_login(bob)
    assert 'status-row-solved"' in _row(_rows(bobs), "two-sum")

    assert 'status-row-not_started"' in _row(_rows(alice_client), "two-sum")


# --- The catalogue's writes: a new version, new rows --------------------------------------------


def admin_rename(staff_client, problem: Problem, title: str) -> None:
    """Rename a problem through the admin's change form, as an admin would."""
    change = reverse("admin:prep_problem_change", args=[problem.pk])
    form = staff_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title=title, topics=[t.pk for t in problem.topics.all()])

    response = staff_client.post(change, data)

    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_admin_edit_of_a_problem_title_shows_at_once(alice_client, staff_client):
    _rows(alice_client)
    problem = Problem.objects.get(slug="two-sum")
    admin_rename(staff_client, problem, "Two Sum, renamed")

    assert ">Two Sum, renamed</a>" in _row(_rows(alice_client), "two-sum")


def test_the_admins_archive_action_removes_the_row_at_once(alice_client, staff_client):
    assert _row(_rows(alice_client), "two-sum")
    entry = ListEntry.objects.get(problem_list__slug="neetcode-150", problem__slug="two-sum")

    staff_client.post(
        reverse("admin:prep_listentry_changelist"),
        {"action": "archive_entries", "_selected_action": [entry.pk]},
    )

    assert not _row(_rows(alice_client), "two-sum")
    # And it is counted out too.
    assert "<strong>0 of 149 solved</strong>" in alice_client.get(NEETCODE).content.decode()


def test_renaming_a_topic_renames_its_tags(alice_client):
    assert '<span class="tag">Hash Table</span>' in _row(_rows(alice_client), "two-sum")

    topic = Topic.objects.get(name="Hash Table")
    topic.name = "Hashing"
    topic.save()

    assert '<span class="tag">Hashing</span>' in _row(_rows(alice_client), "two-sum")


def test_changing_a_problems_topics_shows_at_once(alice_client):
    _rows(alice_client)

    Problem.objects.get(slug="two-sum").topics.clear()

    assert 'class="tag"' not in _row(_rows(alice_client), "two-sum")


def test_renaming_another_list_renames_its_badge(alice_client):
    assert ">Blind 75</a>" in _row(_rows(alice_client), "two-sum")

    blind = ProblemList.objects.get(slug="blind-75")
    blind.short_name = "Blind"
    blind.save()

    assert ">Blind</a>" in _row(_rows(alice_client), "two-sum")


def test_a_company_snapshot_import_shows_its_chips_at_once(alice_client):
    _rows(alice_client)
    acme = Company.objects.create(slug="acme", name="Acme")

    do_import(acme, company_csv(Problem.objects.get(slug="two-sum")), datetime.date(2026, 7, 12))

    assert ">Acme <span" in _row(_rows(alice_client), "two-sum")


def test_load_catalog_brings_back_an_unedited_title(alice_client):
    # Renamed by a sync long ago, so the next sync restores the fixture's title.
    Problem.objects.filter(slug="two-sum").update(title="Old name")
    with catalogue_change():
        pass
    assert ">Old name</a>" in _row(_rows(alice_client), "two-sum")

    call_command("load_catalog", "--take-upstream", "problem:two-sum", stdout=StringIO())

    assert ">Two Sum</a>" in _row(_rows(alice_client), "two-sum")


def test_a_change_rolled_back_leaves_no_trace(alice_client):
    before = catalogue_version()
    _rows(alice_client)

    class Undone(Exception):
        pass

    try:
        with transaction.atomic():
            problem = Problem.objects.get(slug="two-sum")
            problem.title = "Never saved"
            problem.save()
            assert catalogue_version() != before
            # A page rendered inside the doomed transaction caches under the doomed version.
            assert "Never saved" in _rows(alice_client)
            raise Undone
    except Undone:
        pass

    assert catalogue_version() == before
    assert ">Two Sum</a>" in _row(_rows(alice_client), "two-sum")


def test_the_mentors_rows_follow_the_catalogue_too(alice, alice_e5, client):
    link = ShareLinkFactory(user=alice)
    url = reverse("prep:share-list", args=[link.token, "neetcode-150"])
    assert ">Two Sum</a>" in _row(_rows(client, url), "two-sum")

    Problem.objects.filter(slug="two-sum").update(title="Two Sum II")
    with catalogue_change():
        pass

    row = _row(_rows(client, url), "two-sum")
    assert ">Two Sum II</a>" in row
    assert "<form" not in row  # Still the read-only variant.


def test_a_bulk_update_of_the_catalogue_shows_at_once(alice_client):
    _rows(alice_client)

    Problem.objects.filter(slug="two-sum").update(title="Renamed in bulk")

    assert ">Renamed in bulk</a>" in _row(_rows(alice_client), "two-sum")


def test_a_candidates_own_prompt_is_not_a_catalogue_change(alice):
    from prep.models import PracticePrompt

    before = catalogue_version()

    prompt = PracticePrompt.objects.create(
        slug="alices-own", title="My prompt", brief="Mine.", owner=alice
    )
    prompt.delete()

    assert catalogue_version() == before


def test_deleting_an_account_deletes_its_activity_in_bulk(alice):
    """Only catalogue models have receivers, so a cascade through a user's rows is one DELETE,
    not a SELECT of every row to send signals nobody listens to."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from prep.models import Activity

    Activity.objects.bulk_create(Activity(user=alice, item=f"problem:{n}") for n in range(50))

    with CaptureQueriesContext(connection) as captured:
        alice.delete()

    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "prep_activity"')]
    assert reads == []
    assert not Activity.objects.exists()


def test_a_rows_status_form_is_the_same_markup_as_the_template_elsewhere(rf, alice):
    """RowRenderer writes the list's status forms in Python for speed; the dashboard and the
    problem page render templates/prep/_status_form.html. They must not drift apart."""
    from django.template.loader import render_to_string

    from prep.list_rows import RowRenderer

    request = rf.get(NEETCODE)
    request.user = alice
    problem_list = ProblemList.objects.get(slug="neetcode-150")
    problem = Problem.objects.get(slug="two-sum")

    python = RowRenderer(request, problem_list).status_form(problem, "attempted")
    template = render_to_string(
        "prep/_status_form.html",
        {
            "problem": problem,
            "problem_list": problem_list,
            "status": "attempted",
            "target": "closest tr",
        },
        request,
    )

    def normal(html: str) -> str:
        html = re.sub(r'value="[A-Za-z0-9]{64}"', 'value="token"', html)
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert normal(python) == normal(template)


@pytest.mark.django_db
def test_a_named_catalogue_query_is_found_again_without_writing_out_its_sql(monkeypatch):
    """Writing out a query's SQL costs as much as compiling it: a query named by its caller is
    looked up by that name alone, and one without a name by its SQL."""
    from django.db.models.sql.compiler import SQLCompiler

    from prep.fragments import cached_query

    compiled = []
    real = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        if self.query.model is Topic:
            compiled.append(self.query.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    first = cached_query(Topic.objects.order_by("pk"), key=("topics-by-pk",))
    compiled.clear()

    assert cached_query(Topic.objects.order_by("pk"), key=("topics-by-pk",)) is first
    assert compiled == []
    assert cached_query(Topic.objects.order_by("pk")) == first
    assert compiled  # keyed by its SQL: written out


@pytest.mark.django_db
def test_a_named_query_made_by_a_function_is_made_only_when_not_kept():
    """Making a query with joins costs a few tenths of a millisecond before any SQL: a caller
    that names its query can pass the function that makes it, called only on a miss."""
    from prep.fragments import cached_query

    made = []

    def topics():
        made.append(1)
        return Topic.objects.order_by("pk")

    first = cached_query(topics, key=("topics-made",))
    again = cached_query(topics, key=("topics-made",))

    assert again is first
    assert first
    assert first == list(Topic.objects.order_by("pk"))
    assert len(made) == 1
    assert cached_query(topics) == first  # unnamed: made, then keyed by its SQL
    assert len(made) == 2

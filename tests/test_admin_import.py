"""The admin's "Import a company list" page, and the read-only list snapshots around it.

Upload, preview, apply: the preview carries the file to Apply, and Apply imports only if the plan
is still the one previewed. Each test makes its own company and problems with factories.
"""

import base64
import datetime
import hashlib
import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prep.admin import IMPORT_MAX_BYTES
from prep.models import ListEntry, ListSnapshot, Problem, ProblemList
from prep.snapshots import snapshot_import, snapshot_plan
from tests.factories import CompanyFactory, ProblemFactory, UserFactory

pytestmark = pytest.mark.usefixtures("catalog")

URL = reverse("admin:prep_listsnapshot_import")
JULY = datetime.date(2026, 7, 12)


def company_csv(*problems) -> bytes:
    """A file in snehasishroy's format listing the problems in rank order."""
    lines = ["ID,URL,Title,Difficulty,Acceptance %,Frequency %"]
    for n, p in enumerate(problems):
        link = f"https://leetcode.com/problems/{p.slug}"
        lines.append(f"{p.leetcode_id},{link},{p.title},Medium,50.0%,{100 - n}%")
    return "\n".join(lines).encode() + b"\n"


def fields(for_company, **overrides) -> dict:
    values = {
        "company": for_company.pk,
        "window": "six-months",
        "as_of": "2026-07-12",
        "source_name": "acme/lists",
        "source_url": "https://github.com/acme/lists",
    }
    return {**values, **overrides}


def upload(client, company, data: bytes, name: str = "acme.csv", changes: dict | None = None):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(URL, {"file": file, **fields(company, **(changes or {}))})


def hidden_fields(response) -> dict:
    """What the preview page's Apply form posts, read from its HTML as a browser would."""
    page = response.content.decode()
    found = re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in found if name != "csrfmiddlewaretoken"}


def state(company) -> tuple:
    """Everything an import could write, to show that nothing was."""
    return (
        list(ListSnapshot.objects.values_list("pk", "as_of")),
        list(
            ListEntry.objects.filter(problem_list__company=company).values_list("problem", "rank")
        ),
        ProblemList.objects.count(),
        Problem.objects.count(),
        list(Problem.objects.filter(is_archived=True).values_list("pk", flat=True)),
    )


def message_texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def acme():
    return CompanyFactory(name="Acme")


@pytest.fixture
def problems():
    return ProblemFactory.create_batch(5)


# What an import writes: a snapshot, problems new to the catalogue, a new list, the list's entries.
IMPORT_CODENAMES = ["add_listsnapshot", "add_problem", "add_problemlist", "change_listentry"]


def staff_with(*codenames: str, username: str = "curator"):
    permissions = Permission.objects.filter(content_type__app_label="prep", codename__in=codenames)
    assert len(permissions) == len(codenames)
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(*permissions)
    return user


@pytest.fixture
def curator(db):
    """Staff who may import lists and see snapshots, and nothing else."""
    return staff_with(*IMPORT_CODENAMES, "view_listsnapshot")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def july(acme, problems):
    """Acme's six-month list as of 12 July: a, b, c, d in that order."""
    plan = snapshot_plan(
        company_csv(*problems[:4]), "july.csv", company=acme, window="six-months", as_of=JULY
    )
    return snapshot_import(plan)


# --- Who may import -------------------------------------------------------------------------


def test_a_curator_with_the_import_permission_gets_the_form(curator_client, acme):
    archived = CompanyFactory(name="Gone Corp", is_archived=True)

    response = curator_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Import a company list</h1>" in page
    assert 'type="file" name="file"' in page
    assert f'<option value="{acme.pk}">Acme</option>' in page
    assert f'<option value="{archived.pk}">' not in page
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


def test_staff_without_the_import_permission_get_403(client):
    helper = UserFactory(username="helper", is_staff=True)
    helper.user_permissions.add(Permission.objects.get(codename="view_listsnapshot"))
    client.force_login(helper)

    assert client.get(URL).status_code == 403


def test_staff_who_may_only_add_snapshots_get_403_and_import_nothing(client, acme, problems):
    client.force_login(staff_with("add_listsnapshot", "view_listsnapshot"))
    before = state(acme)

    assert client.get(URL).status_code == 403
    assert upload(client, acme, company_csv(*problems)).status_code == 403
    assert state(acme) == before


@pytest.mark.parametrize("missing", IMPORT_CODENAMES)
def test_staff_missing_any_one_import_permission_get_403(client, acme, problems, missing):
    granted = [codename for codename in IMPORT_CODENAMES if codename != missing]
    client.force_login(staff_with(*granted, "view_listsnapshot"))
    before = state(acme)

    assert client.get(URL).status_code == 403
    assert upload(client, acme, company_csv(*problems)).status_code == 403
    assert state(acme) == before


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_candidate_is_sent_to_the_admin_login(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("logged_in", [True, False])
def test_a_wrong_method_gets_405(client, staff, logged_in):
    if logged_in:
        client.force_login(staff)

    assert client.put(URL).status_code == 405


def test_apply_needs_the_csrf_token(curator, acme, problems):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    before = state(acme)

    response = client.post(URL, {**fields(acme), "digest": "x", "text": "x", "file_name": "x"})

    assert response.status_code == 403
    assert state(acme) == before


# --- Preview and apply ----------------------------------------------------------------------


def test_an_upload_shows_the_plan_and_saves_nothing(curator_client, acme, problems, july):
    a, b, c, d, e = problems
    before = state(acme)

    response = upload(curator_client, acme, company_csv(b, a, e), changes={"as_of": "2026-08-20"})

    assert response.status_code == 200
    assert state(acme) == before
    page = html.unescape(response.content.decode())
    assert "List: Acme: most frequent, last six months" in page
    assert "File: acme.csv, snehasishroy format, 3 problems; all are imported." in page
    assert "newer than the snapshot of 12 July 2026, so it becomes the current list" in page
    assert "1 added, 2 dropped, 2 moved, 0 unchanged" in page
    assert f"<li>#3 {e}</li>" in page
    assert f"<li>was #3 {c}</li>" in page
    assert f"<li>#2 → #1 {b}</li>" in page
    leaving = "<h2>In no list any more (their pages, statuses and notes stay) (2)</h2>"
    assert f"{leaving}\n      <ul><li>{c}</li><li>{d}</li></ul>" in page
    assert "Archived in the catalogue" not in page
    assert 'value="Apply: import Acme: most frequent, last six months"' in page


def test_the_preview_names_listed_problems_the_catalogue_archived_and_apply_keeps_them_so(
    curator_client, acme, problems, july
):
    a, b, c, d, _ = problems
    Problem.objects.filter(pk=b.pk).update(is_archived=True)  # archived in the admin
    preview = upload(curator_client, acme, company_csv(a, b, c, d), changes={"as_of": "2026-08-20"})

    page = html.unescape(preview.content.decode())
    hidden = "Archived in the catalogue, so hidden on the list until restored in the admin (1)"
    assert f"<h2>{hidden}</h2>\n      <ul><li>{b}</li></ul>" in page

    response = curator_client.post(URL, hidden_fields(preview))

    assert response.status_code == 302
    b.refresh_from_db()
    assert b.is_archived
    assert ListSnapshot.objects.filter(problem_list__company=acme).count() == 2


def test_the_preview_of_a_new_list_says_it_creates_it(curator_client, acme, problems):
    response = upload(curator_client, acme, company_csv(*problems))

    page = html.unescape(response.content.decode())
    assert "List: Acme: most frequent, last six months (creates the list)" in page
    assert "5 added, 0 dropped, 0 moved, 0 unchanged" in page
    assert not ProblemList.objects.filter(company=acme).exists()


def test_a_get_with_the_preview_fields_does_not_apply(curator_client, acme, problems):
    preview = upload(curator_client, acme, company_csv(*problems))
    before = state(acme)

    response = curator_client.get(URL, hidden_fields(preview))

    assert response.status_code == 200
    assert 'type="file" name="file"' in response.content.decode()
    assert state(acme) == before


def test_apply_imports_the_file_and_shows_the_snapshot_with_a_message(
    curator_client, curator, acme, problems
):
    preview = upload(curator_client, acme, company_csv(*problems))

    response = curator_client.post(URL, hidden_fields(preview), follow=True)

    snapshot = ListSnapshot.objects.get(problem_list__company=acme)
    assert response.redirect_chain == [
        (reverse("admin:prep_listsnapshot_change", args=[snapshot.pk]), 302)
    ]
    assert message_texts(response) == [
        "Imported Acme: most frequent, last six months as of 12 July 2026: "
        "5 added, 0 dropped, 0 moved, 0 unchanged."
    ]
    assert (snapshot.as_of, snapshot.file_name, snapshot.imported_by) == (JULY, "acme.csv", curator)
    assert (snapshot.source_name, snapshot.source_url) == (
        "acme/lists",
        "https://github.com/acme/lists",
    )
    entries = ListEntry.objects.filter(problem_list__company=acme).order_by("position")
    assert [entry.problem for entry in entries] == problems


def test_apply_carries_a_file_in_any_encoding_detail_back_exactly(curator_client, acme, problems):
    # A byte order mark, CRLF endings and a title with a quote and an accent survive the trip.
    data = company_csv(*problems).replace(b"\n", b"\r\n")
    data = b"\xef\xbb\xbf" + data.replace(problems[0].title.encode(), '"Café ""β"""'.encode())
    preview = upload(curator_client, acme, data)

    response = curator_client.post(URL, hidden_fields(preview))

    assert response.status_code == 302
    assert ListEntry.objects.filter(problem_list__company=acme).count() == 5


def test_without_permission_to_view_snapshots_apply_returns_to_the_import_page(
    client, acme, problems
):
    client.force_login(staff_with(*IMPORT_CODENAMES, username="importer"))
    preview = upload(client, acme, company_csv(*problems))

    response = client.post(URL, hidden_fields(preview))

    assert response.status_code == 302
    assert response["Location"] == URL
    assert ListSnapshot.objects.filter(problem_list__company=acme).exists()


def test_a_stale_preview_is_shown_again_and_nothing_is_written(
    curator_client, acme, problems, july
):
    a, b, _, _, e = problems
    preview = upload(curator_client, acme, company_csv(e, a, b), changes={"as_of": "2026-08-20"})
    # Meanwhile someone else replaces July's snapshot with another file.
    replaced = snapshot_plan(
        company_csv(a, e), "july-fixed.csv", company=acme, window="six-months", as_of=JULY
    )
    snapshot_import(replaced)
    before = state(acme)

    response = curator_client.post(URL, hidden_fields(preview))

    assert response.status_code == 200
    assert state(acme) == before
    assert message_texts(response) == [
        "The list or the catalogue changed since that preview, so nothing was imported. "
        "This is what importing the file does now; apply it if it still looks right."
    ]
    page = html.unescape(response.content.decode())
    assert "1 added, 2 dropped, 2 moved, 0 unchanged" not in page  # what the old preview said
    assert "1 added, 0 dropped, 2 moved, 0 unchanged" in page
    assert f"<li>#3 {b}</li>" in page
    assert f"<li>#2 → #1 {e}</li>" in page
    assert hidden_fields(response)["digest"] != hidden_fields(preview)["digest"]

    again = curator_client.post(URL, hidden_fields(response))

    assert again.status_code == 302
    entries = ListEntry.objects.filter(problem_list__company=acme).order_by("position")
    assert [entry.problem for entry in entries] == [e, a, b]


def test_a_file_altered_between_preview_and_apply_is_refused(curator_client, acme, problems):
    preview = upload(curator_client, acme, company_csv(*problems))
    posted = hidden_fields(preview)
    posted["text"] = posted["text"][:-3] + "abc"
    before = state(acme)

    response = curator_client.post(URL, posted)

    assert response.status_code == 400
    assert "came back altered; upload the file again" in response.content.decode()
    assert 'type="file" name="file"' in response.content.decode()
    assert state(acme) == before


# --- Bad uploads ----------------------------------------------------------------------------

OVER_2_MB = b"problem_link,problem_name,num_occur\n" + b"x" * (2 * 1024 * 1024)
HEADER_ONLY = b"Difficulty,Title,Frequency,Acceptance Rate,Link\n"


@pytest.mark.parametrize(
    ("data", "name", "overrides", "message"),
    [
        (b"Name,Link\nTwo Sum,x\n", "acme.csv", {}, "acme.csv, line 1: the header row"),
        (b"ID,Title\n\xff\xfe\n", "acme.csv", {}, "acme.csv, line 2: the file is not UTF-8"),
        (b"", "acme.csv", {}, "acme.csv: the file is empty"),
        (OVER_2_MB, "acme.csv", {}, "acme.csv is larger than the 2.0\xa0MB limit"),
        (
            HEADER_ONLY,
            "acme.csv",
            {},
            "acme.csv: the file lists no problems, so there is nothing to import",
        ),
        (b"x", "acme.xlsx", {}, "acme.xlsx is not a .csv file"),
        (
            b"problem_link,problem_name,num_occur\n"
            b"https://leetcode.com/problems/no-such-problem-anywhere/,Mystery,4\n",
            "acme.csv",
            {},
            "acme.csv, line 2: no-such-problem-anywhere is not in the catalogue",
        ),
        (None, "acme.csv", {"company": ""}, "This field is required."),
        (None, "acme.csv", {"window": "fortnight"}, "Select a valid choice."),
        (None, "acme.csv", {"as_of": "2026-13-45"}, "Enter a valid date."),
        (None, "acme.csv", {"source_url": "not a link"}, "Enter a valid URL."),
    ],
)
def test_a_bad_upload_answers_400_with_a_message_and_saves_nothing(
    curator_client, acme, problems, data, name, overrides, message
):
    before = state(acme)
    data = company_csv(*problems) if data is None else data

    response = upload(curator_client, acme, data, name, overrides)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Nothing was imported" in page
    assert state(acme) == before


def test_a_header_only_file_for_a_list_answers_400_and_leaves_the_list_alone(
    curator_client, acme, problems, july
):
    before = state(acme)

    response = upload(curator_client, acme, HEADER_ONLY, changes={"as_of": "2026-08-20"})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert (
        "acme.csv: the file lists no problems, so there is nothing to import; importing it "
        "would empty Acme: most frequent, last six months"
    ) in page
    assert state(acme) == before
    assert ListEntry.objects.filter(problem_list__company=acme).count() == 4


def test_a_file_just_under_the_size_limit_previews_and_applies(curator_client, acme, problems):
    # Apply posts the file back in a form field, which Django caps (DATA_UPLOAD_MAX_MEMORY_SIZE,
    # 2.5 MB): whatever the upload form accepts must fit. Titles of random-looking text keep the
    # file from compressing away (at the old 5 MB limit this file would not fit); the top 100
    # become the list, the rest are only counted.
    rows = [company_csv(*problems).decode()]
    n = 0
    while sum(map(len, rows)) < IMPORT_MAX_BYTES - 200:
        title = base64.b64encode(hashlib.shake_256(str(n).encode()).digest(225), b"xy").decode()
        rows.append(f"{990_000 + n},https://leetcode.com/problems/acme-{n},{title},Easy,1%,0.5%\n")
        n += 1
    data = "".join(rows).encode()
    assert IMPORT_MAX_BYTES - 200 <= len(data) <= IMPORT_MAX_BYTES

    preview = upload(curator_client, acme, data)
    assert preview.status_code == 200
    response = curator_client.post(URL, hidden_fields(preview))

    assert response.status_code == 302
    entries = ListEntry.objects.filter(problem_list__company=acme).order_by("position")
    assert [entry.problem for entry in entries[:5]] == problems
    assert entries.count() == 100


def test_a_future_date_answers_400(curator_client, acme, problems):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    changes = {"as_of": tomorrow.isoformat()}

    response = upload(curator_client, acme, company_csv(*problems), changes=changes)

    assert response.status_code == 400
    assert f"{tomorrow:%Y-%m-%d} is in the future" in response.content.decode()
    assert not ListSnapshot.objects.filter(problem_list__company=acme).exists()


def test_an_upload_without_a_file_answers_400(curator_client, acme):
    response = curator_client.post(URL, fields(acme))

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_rows_left_out_are_listed_in_the_preview(curator_client, acme, problems):
    data = company_csv(*problems) + b"9,https://example.com/x,X,Easy,50.0%,1%\n"

    response = upload(curator_client, acme, data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Rows of the file left out (1)" in page
    assert "<li>line 7: the link 'https://example.com/x' is not a LeetCode problem link" in page


# --- The snapshots themselves ---------------------------------------------------------------


def test_the_snapshot_list_links_to_the_import_page_and_filters(curator_client, acme, july):
    response = curator_client.get(
        reverse("admin:prep_listsnapshot_changelist"),
        {"problem_list__company__id__exact": acme.pk, "from_fixtures__exact": 0},
    )

    assert response.status_code == 200
    assert f'href="{URL}"' in response.content.decode()
    assert list(response.context["cl"].queryset) == [july]


def test_the_problem_list_changelist_links_to_the_import_page(staff_client):
    response = staff_client.get(reverse("admin:prep_problemlist_changelist"))

    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_a_snapshot_page_shows_its_problems_in_rank_order_read_only(
    staff_client, acme, size, django_assert_max_num_queries
):
    catalogue = ProblemFactory.create_batch(size)
    plan = snapshot_plan(
        company_csv(*catalogue), "acme.csv", company=acme, window="six-months", as_of=JULY
    )
    snapshot = snapshot_import(plan)
    url = reverse("admin:prep_listsnapshot_change", args=[snapshot.pk])

    with django_assert_max_num_queries(12):
        response = staff_client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    places = [page.index(f">{problem}</a>") for problem in catalogue]
    assert places == sorted(places)
    assert 'name="_save"' not in page
    assert "deletelink" not in page


def test_snapshots_cannot_be_added_edited_or_deleted_by_hand(staff_client, acme, july):
    change = reverse("admin:prep_listsnapshot_change", args=[july.pk])
    delete = reverse("admin:prep_listsnapshot_delete", args=[july.pk])

    assert staff_client.get(reverse("admin:prep_listsnapshot_add")).status_code == 403
    assert staff_client.post(change, {"as_of": "2020-01-01"}).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    july.refresh_from_db()
    assert july.as_of == JULY


# --- A company list for a window follows its snapshots --------------------------------------

EDITABLE_ENTRY = re.compile(
    # A row's inputs, and the blank row the admin's "Add another" copies.
    r'name="entries-(\d+|__prefix__)-(position|problem|section|rank|frequency|is_archived|DELETE)"'
)


def entry_fields(entry: ListEntry, **changes) -> dict:
    """What the entry's admin change form posts, with some values changed."""
    values = {
        "problem_list": entry.problem_list_id,
        "problem": entry.problem_id,
        "section": entry.section_id or "",
        "position": entry.position,
        "rank": entry.rank if entry.rank is not None else "",
        "frequency": entry.frequency if entry.frequency is not None else "",
        "_save": "Save",
    }
    if entry.is_archived:
        values["is_archived"] = "on"
    return {**values, **changes}


def test_a_company_list_for_a_window_shows_its_entries_with_nothing_to_edit(staff_client):
    google = ProblemList.objects.get(slug="google-six-months")
    assert google.follows_snapshots
    first = google.entries.order_by("position").select_related("problem").first()

    response = staff_client.get(reverse("admin:prep_problemlist_change", args=[google.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f">{first.problem}</a>" in page
    assert EDITABLE_ENTRY.search(page) is None


def test_a_roadmap_list_still_shows_editable_entries(staff_client):
    neetcode = ProblemList.objects.get(slug="neetcode-150")

    response = staff_client.get(reverse("admin:prep_problemlist_change", args=[neetcode.pk]))

    assert EDITABLE_ENTRY.search(response.content.decode()) is not None


def test_an_entry_of_a_company_list_for_a_window_cannot_be_changed_in_the_admin(staff_client):
    entry = ListEntry.objects.filter(problem_list__slug="google-six-months").order_by("pk")[0]
    before = list(ListEntry.objects.filter(pk=entry.pk).values())
    url = reverse("admin:prep_listentry_change", args=[entry.pk])

    response = staff_client.post(url, entry_fields(entry, position=999, rank=999))

    assert response.status_code == 403
    assert list(ListEntry.objects.filter(pk=entry.pk).values()) == before
    assert 'name="_save"' not in staff_client.get(url).content.decode()


def test_an_entry_cannot_be_added_to_a_company_list_for_a_window_in_the_admin(staff_client):
    google = ProblemList.objects.get(slug="google-six-months")
    outsider = ProblemFactory()
    before = google.entries.count()

    response = staff_client.post(
        reverse("admin:prep_listentry_add"),
        {"problem_list": google.pk, "problem": outsider.pk, "position": 500, "_save": "Save"},
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"{google.name} follows its snapshots: import a file to change it." in page
    assert google.entries.count() == before


def test_an_entry_of_a_roadmap_list_is_still_editable(staff_client):
    entry = ListEntry.objects.filter(problem_list__slug="neetcode-150").order_by("pk")[0]
    url = reverse("admin:prep_listentry_change", args=[entry.pk])

    response = staff_client.post(url, entry_fields(entry, position=999))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.position == 999


def test_the_archive_action_leaves_company_list_entries_alone(staff_client):
    google = ListEntry.objects.filter(problem_list__slug="google-six-months").first()
    roadmap = ListEntry.objects.filter(problem_list__slug="neetcode-150").first()

    response = staff_client.post(
        reverse("admin:prep_listentry_changelist"),
        {"action": "archive_entries", "_selected_action": [google.pk, roadmap.pk]},
        follow=True,
    )

    google.refresh_from_db()
    roadmap.refresh_from_db()
    assert not google.is_archived
    assert roadmap.is_archived
    assert "Left 1 entry of company lists alone" in response.content.decode()


def test_a_company_list_entry_cannot_be_deleted_in_the_admin(staff_client):
    entry = ListEntry.objects.filter(problem_list__slug="google-six-months").first()

    response = staff_client.post(
        reverse("admin:prep_listentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert ListEntry.objects.filter(pk=entry.pk).exists()

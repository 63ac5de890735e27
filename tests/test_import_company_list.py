"""`import_company_list`: a downloaded company list in, a dated snapshot out, the plan printed.

The four public format samples are read from shared/reference; without it those tests skip (and
fail in CI, where REQUIRE_REFERENCE is set). The other tests use small files written here.
"""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from prep.company_files import read_company_file
from prep.models import ListEntry, ListSnapshot, Problem, ProblemList
from tests._requirements import skip_unless_required
from tests.factories import CompanyFactory, ProblemFactory

pytestmark = pytest.mark.usefixtures("catalog")

FORMATS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "companies" / "formats"
SAMPLES = [
    ("liquidslr_Google_3. Six Months.csv", "liquidslr"),
    ("krishnadey30_google_6months.csv", "krishnadey30"),
    ("hxu296_Google.csv", "hxu296"),
]
HEADER_ONLY_SAMPLE = "liquidslr_header_only_AMD_1. Thirty Days.csv"


def company_csv(*problems) -> bytes:
    """A file in snehasishroy's format listing the problems in rank order."""
    lines = ["ID,URL,Title,Difficulty,Acceptance %,Frequency %"]
    for n, row in enumerate(problems):
        if isinstance(row, Problem):
            row = (row.slug, row.leetcode_id, row.title)
        slug, number, title = row
        link = f"https://leetcode.com/problems/{slug}"
        lines.append(f"{number},{link},{title},Medium,50.0%,{100 - n}%")
    return "\n".join(lines).encode() + b"\n"


def run(path: Path, company, *args: str, as_of: str = "2026-07-12") -> str:
    out = StringIO()
    call_command(
        "import_company_list",
        str(path),
        "--company",
        company.slug,
        "--window",
        "six-months",
        "--as-of",
        as_of,
        *args,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def acme():
    return CompanyFactory(name="Acme", slug="acme")


@pytest.fixture
def problems():
    return ProblemFactory.create_batch(5)


@pytest.fixture
def write(tmp_path):
    def write(data: bytes, name: str = "acme.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def _sample(name: str) -> bytes:
    try:
        return (FORMATS / name).read_bytes()
    except OSError as error:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {FORMATS / name}: {error.strerror}")


@pytest.mark.parametrize(("name", "file_format"), SAMPLES)
def test_each_public_format_imports(acme, write, name, file_format):
    data = _sample(name)
    rows = len(read_company_file(data, name).rows)

    out = run(write(data, name), acme)

    assert f"File: {name}, {file_format} format, {rows} problem" in out
    # Each sample lists 100 problems or more, so the new list is a top 100.
    assert "List: Acme: top 100, last six months (creates the list)" in out
    assert out.strip().splitlines()[-1].startswith("Imported Acme: top 100, last six months as of")
    snapshot = ListSnapshot.objects.get(problem_list__company=acme)
    assert (snapshot.file_name, snapshot.file_rows, snapshot.imported_by) == (name, rows, None)
    assert snapshot.entries.count() == 100
    assert ListEntry.objects.filter(problem_list=snapshot.problem_list).count() == 100


def test_the_header_only_sample_is_refused_and_changes_nothing(acme, write):
    path = write(_sample(HEADER_ONLY_SAMPLE), HEADER_ONLY_SAMPLE)
    before = _state(acme), ProblemList.objects.count()

    with pytest.raises(CommandError) as caught:
        run(path, acme)

    assert str(caught.value) == (
        f"{HEADER_ONLY_SAMPLE}: the file lists no problems, so there is nothing to import"
    )
    assert (_state(acme), ProblemList.objects.count()) == before


def test_a_header_only_file_for_a_list_says_it_would_empty_the_list(acme, problems, write, july):
    before = _state(acme)

    with pytest.raises(CommandError) as caught:
        run(write(b"ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"), acme, as_of="2026-08-20")

    assert str(caught.value) == (
        "acme.csv: the file lists no problems, so there is nothing to import; importing it "
        "would empty Acme: most frequent, last six months"
    )
    assert _state(acme) == before


def test_the_import_records_its_source(acme, problems, write):
    url = "https://github.com/acme/lists/blob/main/acme.csv"

    run(write(company_csv(*problems)), acme, "--source-name", "acme/lists", "--source-url", url)

    snapshot = ListSnapshot.objects.get(problem_list__company=acme)
    assert (snapshot.source_name, snapshot.source_url) == ("acme/lists", url)
    assert snapshot.as_of == datetime.date(2026, 7, 12)


@pytest.fixture
def july(acme, problems, write):
    """Acme's list as of 12 July: a, b, c, d in that order."""
    run(write(company_csv(*problems[:4]), "july.csv"), acme)


def _state(acme) -> tuple:
    return (
        list(ListSnapshot.objects.filter(problem_list__company=acme).values_list("pk", "as_of")),
        list(ListEntry.objects.filter(problem_list__company=acme).values_list("problem", "rank")),
        list(Problem.objects.filter(is_archived=True).values_list("pk", flat=True)),
        Problem.objects.count(),
    )


def test_dry_run_prints_the_diff_and_saves_nothing(acme, problems, write, july):
    a, b, c, d, e = problems
    before = _state(acme)

    out = run(write(company_csv(b, a, e)), acme, "--dry-run", as_of="2026-08-20")

    assert _state(acme) == before
    assert "newer than the snapshot of 12 July 2026, so it becomes the current list" in out
    assert "1 added, 2 dropped, 2 moved, 0 unchanged" in out
    assert f"Added (1):\n  #3 {e}\n" in out
    assert f"Dropped (2):\n  was #3 {c}\n  was #4 {d}\n" in out
    assert f"Moved (2):\n  #2 → #1 {b}\n  #1 → #2 {a}\n" in out
    assert f"In no list any more (their pages, statuses and notes stay) (2):\n  {c}\n  {d}\n" in out
    assert out.strip().endswith("Dry run, nothing saved.")


def test_without_dry_run_the_list_becomes_the_file(acme, problems, write, july):
    a, b, _, _, e = problems

    out = run(write(company_csv(b, a, e)), acme, as_of="2026-08-20")

    assert "Imported Acme: most frequent, last six months as of 20 August 2026: 1 added" in out
    entries = ListEntry.objects.filter(problem_list__company=acme).order_by("position")
    assert [entry.problem for entry in entries] == [b, a, e]
    assert not Problem.objects.filter(pk__in=[p.pk for p in problems], is_archived=True).exists()


def test_every_move_is_printed(acme, write):
    catalogue = ProblemFactory.create_batch(30)
    run(write(company_csv(*catalogue), "july.csv"), acme)

    out = run(write(company_csv(*reversed(catalogue))), acme, "--dry-run", as_of="2026-08-20")

    assert "Moved (30):" in out
    assert f"#30 → #1 {catalogue[-1]}" in out
    assert f"#16 → #15 {catalogue[15]}" in out


def test_new_renamed_leaving_and_hidden_problems_are_printed(acme, problems, write, july):
    a, b, c, _, _ = problems
    run(write(company_csv(a, b), "august.csv"), acme, as_of="2026-08-20")  # c and d leave
    Problem.objects.filter(pk=c.pk).update(is_archived=True)  # an admin archives c
    renamed_a = ("old-name-of-a", a.leetcode_id, "Old A")
    new = ("acme-frobnicator", 987_654, "Acme Frobnicator")

    out = run(write(company_csv(renamed_a, c, new)), acme, "--dry-run", as_of="2026-09-01")

    assert f"Matched by number under a renamed slug (1):\n  old-name-of-a is {a} ({a.slug})" in out
    assert "New to the catalogue (1):\n  987654. Acme Frobnicator (medium)" in out
    hidden = "Archived in the catalogue, so hidden on the list until restored in the admin"
    assert f"{hidden} (1):\n  {c}\n" in out
    assert f"In no list any more (their pages, statuses and notes stay) (1):\n  {b}\n" in out


def test_an_older_date_is_printed_as_history(acme, problems, write, july):
    before = _state(acme)[1]

    out = run(write(company_csv(*problems[2:])), acme, as_of="2026-06-01")

    assert "older than the current snapshot of 12 July 2026, so it is kept as history" in out
    assert "Imported Acme: most frequent, last six months as of 1 June 2026 as history" in out
    assert _state(acme)[1] == before


def test_the_same_date_says_it_replaces_that_snapshot(acme, problems, write, july):
    out = run(write(company_csv(*problems[1:])), acme, "--dry-run")

    assert "As of 12 July 2026: replaces the snapshot of that date" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Name,Link\nTwo Sum,x\n", "acme.csv, line 1: the header row 'Name,Link' is not one"),
        (
            b"ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"
            b"2,https://example.com/add-two-numbers,Add Two Numbers,Medium,50%,8%\n",
            "acme.csv: 1 of 1 rows cannot be read; the first, line 2: the link",
        ),
        (b"\xff\xfeID", "acme.csv, line 1: the file is not UTF-8 text"),
        (b"", "acme.csv: the file is empty"),
        (
            b"Difficulty,Title,Frequency,Acceptance Rate,Link\n",
            "acme.csv: the file lists no problems, so there is nothing to import$",
        ),
        (
            b"problem_link,problem_name,num_occur\n"
            b"https://leetcode.com/problems/no-such-problem-anywhere/,Mystery,4\n",
            "acme.csv, line 2: no-such-problem-anywhere is not in the catalogue",
        ),
    ],
)
def test_a_file_it_cannot_read_stops_with_the_file_line_and_reason(acme, write, content, message):
    before = _state(acme)

    with pytest.raises(CommandError, match=message):
        run(write(content), acme)

    assert _state(acme) == before


def test_a_row_left_out_is_printed_and_the_rest_imports(acme, problems, write):
    data = company_csv(*problems[:3]) + b"9,https://example.com/x,X,Easy,50.0%,1%\n"

    out = run(write(data), acme)

    assert "File: acme.csv, snehasishroy format, 3 problems (1 more row left out" in out
    assert "Rows of the file left out (1):\n  line 5: the link 'https://example.com/x'" in out
    assert ListEntry.objects.filter(problem_list__company=acme).count() == 3


def test_a_missing_file_is_named(acme, tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv: cannot read the file"):
        run(tmp_path / "nowhere.csv", acme)


def test_an_unknown_company_lists_the_companies(write, problems):
    archived = CompanyFactory(slug="gone-corp", is_archived=True)

    with pytest.raises(CommandError) as caught:
        run(write(company_csv(*problems)), archived)

    message = str(caught.value)
    assert message.startswith("Unknown company 'gone-corp'; the companies are: ")
    assert "google" in message
    assert "meta" in message
    assert "gone-corp" not in message.split(":", 1)[1]
    assert not ProblemList.objects.filter(company=archived).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "fortnight"], "argument --window: invalid choice: 'fortnight'"),
        (["--as-of", "12/07/2026"], "'12/07/2026' is not a date; write it as YYYY-MM-DD"),
        (["--source-url", "not a link"], "--source-url 'not a link' is not an http"),
        (["--source-name", "x" * 201], "--source-name is longer than 200 characters"),
    ],
)
def test_bad_options_are_refused_with_a_readable_message(acme, problems, write, args, message):
    path = write(company_csv(*problems))
    base = ["--company", "acme", "--window", "six-months", "--as-of", "2026-07-12"]

    with pytest.raises(CommandError, match=message):
        call_command("import_company_list", str(path), *base, *args, stdout=StringIO())

    assert not ListSnapshot.objects.filter(problem_list__company=acme).exists()


def test_a_future_date_is_refused(acme, problems, write):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(CommandError, match="is in the future"):
        run(write(company_csv(*problems)), acme, as_of=tomorrow.isoformat())

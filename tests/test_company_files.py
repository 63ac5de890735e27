"""Reading company-wise problem lists: the four public formats, their quirks, the rows left out
and every refusal.

The parser is pure, so nothing here touches the database. The format samples and the shipped
snehasishroy files are read from shared/reference; without it those tests skip (fail in CI).
"""

import contextlib
import csv
import io
import random
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from prep.company_files import (
    MAX_ROWS,
    CompanyFile,
    CompanyFileError,
    FileRow,
    SkippedRow,
    rank_rows,
    read_company_file,
)
from prep.leetcode_index import IndexedProblem, leetcode_index
from tests._requirements import skip_unless_required

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference"
COMPANIES = REFERENCE / "companies"

SNEHASISHROY_HEADER = "ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"
LIQUIDSLR_HEADER = "Difficulty,Title,Frequency,Acceptance Rate,Link,Topics\n"
KRISHNADEY30_HEADER = "ID,Title,Acceptance,Difficulty,Frequency,Leetcode Question Link\n"
HXU296_HEADER = "problem_link,problem_name,num_occur\n"
TWO_SUM = "1,https://leetcode.com/problems/two-sum,Two Sum,Easy,57.8%,100.0%\n"
# Two good rows per format, for a bad row to sit between; neither is two-sum, the bad rows' problem.
SNEHASISHROY_GOOD = (
    "2,https://leetcode.com/problems/add-two-numbers,Add Two Numbers,Medium,48.8%,75.0%\n",
    '50,https://leetcode.com/problems/powx-n,"Pow(x, n)",Medium,36.5%,40.0%\n',
)
LIQUIDSLR_GOOD = (
    "MEDIUM,Add Two Numbers,73.8,0.46,https://leetcode.com/problems/add-two-numbers,Linked List\n",
    'MEDIUM,"Pow(x, n)",40.0,0.37,https://leetcode.com/problems/powx-n,Math\n',
)
HXU296_GOOD = (
    "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,4\n",
    'https://leetcode.com/problems/powx-n/,"Pow(x, n)",2\n',
)


def _reference_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {path}: {error.strerror}")


def _read(text: str | bytes, filename: str = "acme.csv"):
    data = text.encode() if isinstance(text, str) else text
    return read_company_file(data, filename)


def _refusal(text: str | bytes, filename: str = "acme.csv") -> CompanyFileError:
    with pytest.raises(CompanyFileError) as caught:
        _read(text, filename)
    return caught.value


def _skipped_between(header: str, good: tuple[str, str], bad: str) -> SkippedRow:
    """The one row left out when `bad` sits on line 3 between two good rows, which are kept."""
    company_file = _read(header + good[0] + bad + good[1])

    assert [(row.line, row.slug) for row in company_file.rows] == [
        (2, "add-two-numbers"),
        (4, "powx-n"),
    ]
    (skipped,) = company_file.skipped
    assert skipped.line == 3
    return skipped


def _row(slug: str, frequency: float, leetcode_id: int | None = None) -> FileRow:
    return FileRow(
        line=2,
        slug=slug,
        title=slug.title(),
        difficulty=None,
        leetcode_id=leetcode_id,
        frequency=frequency,
    )


# The format samples, byte for byte as published


def test_liquidslr_sample_reads_capital_difficulties_and_quoted_topics():
    sample = read_company_file(
        _reference_bytes(COMPANIES / "formats" / "liquidslr_Google_3. Six Months.csv"),
        "liquidslr_Google_3. Six Months.csv",
    )

    assert sample.format == "liquidslr"
    assert len(sample.rows) == 100
    assert sample.skipped == ()
    assert sample.rows[0] == FileRow(
        line=2,
        slug="two-sum",
        title="Two Sum",
        difficulty="easy",
        leetcode_id=None,
        frequency=100.0,
    )
    # Its topics cell, "Linked List, Math, Recursion", is quoted: the commas split nothing.
    assert sample.rows[2] == FileRow(
        line=4,
        slug="add-two-numbers",
        title="Add Two Numbers",
        difficulty="medium",
        leetcode_id=None,
        frequency=73.8,
    )


def test_liquidslr_header_only_sample_reads_as_an_empty_list():
    filename = "liquidslr_header_only_AMD_1. Thirty Days.csv"
    sample = read_company_file(_reference_bytes(COMPANIES / "formats" / filename), filename)

    assert sample.format == "liquidslr"
    assert sample.rows == ()
    assert sample.skipped == ()


def test_krishnadey30_sample_reads_crlf_lines_and_links_with_a_leading_space():
    data = _reference_bytes(COMPANIES / "formats" / "krishnadey30_google_6months.csv")
    assert b"\r\n" in data
    assert b", https://leetcode.com/problems/guess-the-word" in data

    sample = read_company_file(data, "krishnadey30_google_6months.csv")

    assert sample.format == "krishnadey30"
    assert len(sample.rows) == 350
    assert sample.skipped == ()
    assert sample.rows[0] == FileRow(
        line=2,
        slug="guess-the-word",
        title="Guess the Word",
        difficulty="hard",
        leetcode_id=843,
        frequency=1.2138391004755573,
    )
    assert sample.rows[1].slug == "expressive-words"
    assert sample.rows[1].difficulty == "medium"


def _hxu296_sample():
    data = _reference_bytes(COMPANIES / "formats" / "hxu296_Google.csv")
    return read_company_file(data, "hxu296_Google.csv")


def test_hxu296_sample_leaves_out_the_row_where_a_company_name_stands_in_for_the_count():
    sample = _hxu296_sample()

    assert sample.skipped == (SkippedRow(39, "the frequency 'Directi' is not a number"),)
    assert "largest-submatrix-with-rearrangements" not in {row.slug for row in sample.rows}
    assert {row.line for row in sample.rows} >= {38, 40}


def test_hxu296_sample_reads_links_with_a_trailing_slash_and_no_difficulty():
    sample = _hxu296_sample()

    assert sample.format == "hxu296"
    assert len(sample.rows) == 487
    assert sample.rows[0] == FileRow(
        line=2,
        slug="minimum-consecutive-cards-to-pick-up",
        title="Minimum Consecutive Cards to Pick Up",
        difficulty=None,
        leetcode_id=None,
        frequency=1.0,
    )
    assert sample.rows[-1].slug == "two-sum"
    assert sample.rows[-1].frequency == 44.0
    assert "Pow(x, n)" in {row.title for row in sample.rows}


# The shipped snehasishroy snapshot


def _snehasishroy_files() -> list[Path]:
    folder = COMPANIES / "snehasishroy"
    files = sorted(folder.glob("*/*.csv"))
    if not files:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {folder}: no CSV files in it")
    return files


def test_every_snehasishroy_file_parses_with_one_row_per_line():
    files = _snehasishroy_files()

    # 16 companies, each with the windows that exist upstream (four lack thirty-days.csv).
    assert len(files) == 76
    assert len({path.parent.name for path in files}) == 16
    for path in files:
        data = path.read_bytes()
        company_file = read_company_file(data, f"{path.parent.name}/{path.name}")
        assert company_file.format == "snehasishroy", path
        assert len(company_file.rows) == data.count(b"\n") - 1, path
        assert company_file.skipped == (), path
        assert all(row.leetcode_id and row.difficulty for row in company_file.rows), path


def _meta_six_months():
    path = COMPANIES / "snehasishroy" / "meta" / "six-months.csv"
    return rank_rows(read_company_file(_reference_bytes(path), "meta/six-months.csv").rows)


def test_meta_six_months_ranks_two_sum_first_of_366():
    ranked = _meta_six_months()

    assert len(ranked) == 366
    assert (ranked[0].rank, ranked[0].slug, ranked[0].frequency) == (1, "two-sum", Decimal("100.0"))
    assert [row.rank for row in ranked] == list(range(1, 367))


def test_meta_six_months_ranks_by_frequency_then_by_number():
    ranked = _meta_six_months()

    for above, below in pairwise(ranked):
        assert (-above.frequency, above.leetcode_id) < (-below.frequency, below.leetcode_id)


def test_meta_six_months_ranking_matches_the_reference_list():
    ranked = _meta_six_months()
    data = _reference_bytes(REFERENCE / "meta_six_months.csv").decode()
    reference = list(csv.DictReader(io.StringIO(data, newline="")))

    assert [(row.slug, str(row.frequency)) for row in ranked] == [
        (row["slug"], row["frequency"]) for row in reference
    ]


# Quirks every format may have


def test_a_byte_order_mark_before_the_header_is_ignored():
    company_file = _read(b"\xef\xbb\xbf" + (SNEHASISHROY_HEADER + TWO_SUM).encode())

    assert company_file.format == "snehasishroy"
    assert [row.slug for row in company_file.rows] == ["two-sum"]


def test_header_cells_match_whatever_their_case_and_spaces():
    header = " id , URL,title,DIFFICULTY,Acceptance %, frequency % \n"

    assert _read(header + TWO_SUM).format == "snehasishroy"


def test_crlf_lines_read_like_lf_lines():
    crlf = (SNEHASISHROY_HEADER + TWO_SUM).replace("\n", "\r\n")

    assert _read(crlf).rows == _read(SNEHASISHROY_HEADER + TWO_SUM).rows


def test_liquidslr_without_the_topics_column_is_read():
    text = (
        "Difficulty,Title,Frequency,Acceptance Rate,Link\n"
        "HARD,Trapping Rain Water,87.5,0.63,https://leetcode.com/problems/trapping-rain-water\n"
    )

    (row,) = _read(text).rows

    assert (row.slug, row.difficulty, row.frequency) == ("trapping-rain-water", "hard", 87.5)


def test_percent_strings_give_the_number_before_the_percent_sign():
    text = (
        SNEHASISHROY_HEADER
        + "2,https://leetcode.com/problems/add-two-numbers,Add,Medium,48.8%,75.0%\n"
    )

    (row,) = _read(text).rows

    assert row.frequency == 75.0
    assert row.leetcode_id == 2


def test_a_link_with_a_leading_space_gives_its_slug():
    text = KRISHNADEY30_HEADER + "1,Two Sum,45.9%,Easy,2.5, https://leetcode.com/problems/two-sum\n"

    (row,) = _read(text).rows

    assert row.slug == "two-sum"


@pytest.mark.parametrize(
    "link",
    [
        "https://leetcode.com/problems/two-sum/",
        "http://leetcode.com/problems/two-sum",
        "https://www.leetcode.com/problems/two-sum",
        "https://leetcode.com/problems/two-sum/description/",
        "https://leetcode.com/problems/two-sum?envType=study-plan",
        " https://leetcode.com/problems/two-sum/ ",
    ],
)
def test_link_variants_give_the_same_slug(link):
    (row,) = _read(f"{HXU296_HEADER}{link},Two Sum,3\n").rows

    assert row.slug == "two-sum"
    assert row.frequency == 3.0


def test_a_header_only_file_is_a_valid_empty_list():
    company_file = _read(KRISHNADEY30_HEADER)

    assert company_file.format == "krishnadey30"
    assert company_file.rows == ()
    assert company_file.skipped == ()


def test_headerless_krishnadey30_file_starts_its_rows_on_line_1():
    text = (
        "843,Guess the Word,46.1%,Hard,1.21, https://leetcode.com/problems/guess-the-word\r\n"
        "809,Expressive Words,47.0%,Medium,1.13, https://leetcode.com/problems/expressive-words\r\n"
    )

    company_file = _read(text)

    assert company_file.format == "krishnadey30"
    assert [(row.line, row.slug, row.leetcode_id) for row in company_file.rows] == [
        (1, "guess-the-word", 843),
        (2, "expressive-words", 809),
    ]


def test_blank_lines_are_skipped_and_lines_keep_their_numbers_in_the_file():
    text = (
        HXU296_HEADER
        + "https://leetcode.com/problems/two-sum/,Two Sum,4\n"
        + "\n,,\n"
        + 'https://leetcode.com/problems/powx-n/,"Pow(x,\nn)",2\n'
        + "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,1\n\n"
    )

    rows = _read(text).rows

    assert [(row.line, row.slug) for row in rows] == [
        (2, "two-sum"),
        (5, "powx-n"),
        (7, "add-two-numbers"),
    ]
    assert rows[1].title == "Pow(x,\nn)"


def test_exactly_the_row_limit_is_accepted():
    rows = "".join(f"https://leetcode.com/problems/p{n},P{n},1\n" for n in range(MAX_ROWS))

    assert len(_read(HXU296_HEADER + rows).rows) == MAX_ROWS


# Refusals of the whole file: each names the file, the line and the reason


def test_error_message_names_the_file_and_line():
    error = CompanyFileError("meta/all.csv", "the frequency 'x' is not a number", line=7)

    assert str(error) == "meta/all.csv, line 7: the frequency 'x' is not a number"
    assert (error.filename, error.line, error.reason) == (
        "meta/all.csv",
        7,
        "the frequency 'x' is not a number",
    )
    assert str(CompanyFileError("meta/all.csv", "empty")) == "meta/all.csv: empty"


@pytest.mark.parametrize("data", [b"", b"\n\r\n", b"\xef\xbb\xbf", b"  \n"])
def test_an_empty_file_is_refused(data):
    error = _refusal(data)

    assert str(error) == "acme.csv: the file is empty: a company list starts with a header row"
    assert error.line is None


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_bad_byte():
    data = (SNEHASISHROY_HEADER + TWO_SUM).encode() + "3,Caf\xe9\n".encode("latin-1")

    error = _refusal(data)

    assert error.line == 3
    assert str(error).startswith("acme.csv, line 3: the file is not UTF-8 text")


def test_a_file_holding_nul_characters_is_refused_as_binary():
    error = _refusal(SNEHASISHROY_HEADER + "1,\x00\x01\n")

    assert str(error) == (
        "acme.csv, line 2: the file holds binary data (a NUL character), not CSV text"
    )


def test_an_unknown_header_is_refused_with_the_headers_that_are_understood():
    error = _refusal("Name,Link,Score\nTwo Sum,https://leetcode.com/problems/two-sum,1\n")

    assert str(error).startswith("acme.csv, line 1: the header row 'Name,Link,Score' is not one")
    for header in (
        "snehasishroy",
        "ID,URL,Title,Difficulty,Acceptance %,Frequency %",
        "liquidslr",
        "Difficulty,Title,Frequency,Acceptance Rate,Link,Topics",
        "krishnadey30",
        "ID,Title,Acceptance,Difficulty,Frequency,Leetcode Question Link",
        "hxu296",
        "problem_link,problem_name,num_occur",
    ):
        assert header in error.reason


def test_more_rows_than_the_limit_are_refused():
    rows = "".join(f"https://leetcode.com/problems/p{n},P{n},1\n" for n in range(MAX_ROWS + 1))

    error = _refusal(HXU296_HEADER + rows)

    assert error.line == MAX_ROWS + 2
    assert "more than 20,000 problems" in str(error)


def test_rows_left_out_count_towards_the_row_limit():
    # Three in four rows good: fewer than the limit on their own, and under half left out.
    rows = "".join(
        f"https://leetcode.com/problems/p{n},P{n},{'often' if n % 4 == 0 else 1}\n"
        for n in range(MAX_ROWS + 1)
    )

    error = _refusal(HXU296_HEADER + rows)

    assert error.line == MAX_ROWS + 2
    assert "more than 20,000 problems" in str(error)


# Rows left out: each recorded with its line and reason, and the good rows around it kept


def test_a_row_with_the_wrong_number_of_cells_is_left_out():
    bad = "EASY,Two Sum,100.0,0.55,https://leetcode.com/problems/two-sum,Array, Hash\n"

    skipped = _skipped_between(LIQUIDSLR_HEADER, LIQUIDSLR_GOOD, bad)

    assert skipped.reason.startswith("this row has 7 cells but the liquidslr format has 6")


@pytest.mark.parametrize(
    "link",
    [
        "https://leetcode.cn/problems/two-sum",
        "https://github.com/problems/two-sum",
        "leetcode.com/problems/two-sum",
        "two-sum",
        "https://leetcode.com/problems/",
        "https://leetcode.com/tag/array/",
        "",
    ],
)
def test_a_link_that_is_not_a_leetcode_problem_is_left_out(link):
    skipped = _skipped_between(HXU296_HEADER, HXU296_GOOD, f"{link},Two Sum,3\n")

    assert skipped.reason == (
        f"the link {link!r} is not a LeetCode problem link "
        "like https://leetcode.com/problems/two-sum"
    )


@pytest.mark.parametrize("slug", ["Two-Sum", "two_sum", "two%20sum", "tw\u00f6-sum"])
def test_a_slug_that_is_not_lowercase_letters_digits_and_hyphens_is_left_out(slug):
    bad = f"https://leetcode.com/problems/{slug}/,Two Sum,3\n"

    skipped = _skipped_between(HXU296_HEADER, HXU296_GOOD, bad)

    assert skipped.reason.startswith(f"the problem name {slug!r} in the link")


@pytest.mark.parametrize("difficulty", ["Extreme", "", "Med"])
def test_an_unknown_difficulty_is_left_out(difficulty):
    bad = f"1,https://leetcode.com/problems/two-sum,Two Sum,{difficulty},1%,1%\n"

    skipped = _skipped_between(SNEHASISHROY_HEADER, SNEHASISHROY_GOOD, bad)

    assert skipped.reason == f"the difficulty {difficulty!r} is not Easy, Medium or Hard"


@pytest.mark.parametrize(
    ("frequency", "why"),
    [
        ("often", "is not a number"),
        ("", "is not a number"),
        ("12.5.0%", "is not a number"),
        ("nan", "is not a number"),
        ("inf%", "is not a number"),
        ("1e999", "is not a number"),
        ("-12.5%", "is negative"),
    ],
)
def test_a_frequency_that_is_not_a_usable_number_is_left_out(frequency, why):
    bad = f"1,https://leetcode.com/problems/two-sum,T,Easy,1%,{frequency}\n"

    skipped = _skipped_between(SNEHASISHROY_HEADER, SNEHASISHROY_GOOD, bad)

    assert skipped.reason == f"the frequency {frequency!r} {why}"


@pytest.mark.parametrize("leetcode_id", ["0", "-3", "1.5", "abc", "", "1" * 5000])
def test_an_id_that_is_not_a_positive_whole_number_is_left_out(leetcode_id):
    bad = f"{leetcode_id},https://leetcode.com/problems/two-sum,T,Easy,1%,1%\n"

    skipped = _skipped_between(SNEHASISHROY_HEADER, SNEHASISHROY_GOOD, bad)

    assert skipped.reason.startswith("the ID ")
    assert skipped.reason.endswith(" is not a positive whole number")
    assert len(skipped.reason) < 200  # a 5,000-digit ID is cut short, not repeated in full


def test_the_same_problem_twice_keeps_the_first_and_names_its_line():
    text = (
        HXU296_HEADER
        + "https://leetcode.com/problems/two-sum/,Two Sum,4\n"
        + "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,1\n"
        + "https://leetcode.com/problems/two-sum,Two Sum,2\n"
    )

    company_file = _read(text)

    assert [(row.line, row.slug, row.frequency) for row in company_file.rows] == [
        (2, "two-sum", 4.0),
        (3, "add-two-numbers", 1.0),
    ]
    assert company_file.skipped == (
        SkippedRow(
            4, "two-sum is listed twice: it first appears on line 2; this later row was left out"
        ),
    )


def test_a_problem_whose_first_row_was_left_out_is_kept_from_its_next_row():
    text = (
        HXU296_HEADER
        + "https://leetcode.com/problems/two-sum/,Two Sum,often\n"
        + "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,1\n"
        + "https://leetcode.com/problems/two-sum/,Two Sum,2\n"
    )

    company_file = _read(text)

    assert [(row.line, row.slug) for row in company_file.rows] == [
        (3, "add-two-numbers"),
        (4, "two-sum"),
    ]
    assert [skipped.line for skipped in company_file.skipped] == [2]


def test_rows_left_out_are_listed_in_file_order():
    text = (
        HXU296_HEADER
        + "https://leetcode.com/problems/two-sum/,Two Sum,4\n"
        + "https://leetcode.com/problems/x/,X,often\n"
        + "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,1\n"
        + "https://leetcode.com/problems/powx-n/,Pow,2\n"
        + "https://leetcode.com/problems/two-sum/,Two Sum,3\n"
        + "not-a-link,Y,1\n"
    )

    company_file = _read(text)

    assert len(company_file.rows) == 3
    assert [skipped.line for skipped in company_file.skipped] == [3, 6, 7]


# Files mostly left out are refused: a wrong or mangled file must not import as a handful of rows


def test_a_file_where_no_row_can_be_read_is_refused_with_the_first_reason():
    text = HXU296_HEADER + "x,Two Sum,1\n" + "y,Add,2\n" + "z,Pow,3\n"

    error = _refusal(text)

    assert str(error) == (
        "acme.csv: 3 of 3 rows cannot be read; the first, line 2: the link 'x' is not a "
        "LeetCode problem link like https://leetcode.com/problems/two-sum"
    )


def test_a_file_whose_only_row_is_bad_is_refused():
    error = _refusal(f"{SNEHASISHROY_HEADER}1,https://leetcode.com/problems/two-sum,T,Easy,1%,x\n")

    assert error.reason == (
        "1 of 1 rows cannot be read; the first, line 2: the frequency 'x' is not a number"
    )


def test_rows_of_another_format_under_a_header_are_refused():
    # A krishnadey30 file's rows pasted under an hxu296 header: six cells where three belong.
    rows = "".join(
        f"{n},P{n},45.9%,Easy,2.5, https://leetcode.com/problems/p{n}\n" for n in range(1, 21)
    )

    error = _refusal(HXU296_HEADER + rows)

    assert error.reason.startswith(
        "20 of 20 rows cannot be read; the first, line 2: this row has 6 cells but the hxu296 "
        "format has 3"
    )


def test_a_file_with_more_than_half_its_rows_bad_is_refused_from_the_first_bad_row():
    text = (
        HXU296_HEADER
        + HXU296_GOOD[0]
        + "https://leetcode.com/problems/x/,X,often\n"
        + HXU296_GOOD[1]
        + "https://leetcode.com/problems/y/,Y,-1\n"
        + "https://leetcode.com/problems/z/,Z,\n"
    )

    error = _refusal(text)

    assert str(error) == (
        "acme.csv: 3 of 5 rows cannot be read; "
        "the first, line 3: the frequency 'often' is not a number"
    )


def test_a_file_with_exactly_half_its_rows_bad_is_read():
    text = (
        HXU296_HEADER
        + HXU296_GOOD[0]
        + "https://leetcode.com/problems/x/,X,often\n"
        + "\n,,\n"  # blank rows are not rows: they count neither way
        + HXU296_GOOD[1]
        + "https://leetcode.com/problems/add-two-numbers/,Add Two Numbers,9\n"
    )

    company_file = _read(text)

    assert [row.slug for row in company_file.rows] == ["add-two-numbers", "powx-n"]
    assert [skipped.line for skipped in company_file.skipped] == [3, 7]


# Garbage raises nothing but CompanyFileError


@pytest.mark.parametrize(
    "data",
    [
        b"\x00",
        b"\xff\xfe" + "ID,Title\n".encode("utf-16-le"),
        b"x" * 1_000_000,
        b"a," * 200_000,
        SNEHASISHROY_HEADER.encode() + bytes(range(256)),
        SNEHASISHROY_HEADER.encode() + b'1,"https://leetcode.com/problems/two-sum,T,Easy,1%,1%\n',
        b'"',
        b"\r\r\r,,,\r",
        b"PK\x03\x04\x14\x00\x06\x00",
    ],
    ids=[
        "nul",
        "utf-16",
        "huge-line",
        "huge-header",
        "header-then-binary",
        "unclosed-quote",
        "quote",
        "carriage-returns",
        "xlsx",
    ],
)
def test_garbage_is_refused_with_a_company_file_error(data):
    _refusal(data)


@pytest.mark.parametrize("seed", range(200))
def test_random_bytes_are_refused_with_a_company_file_error(seed):
    generator = random.Random(seed)

    _refusal(generator.randbytes(generator.randrange(1, 300)))


def test_damaged_copies_of_a_good_file_raise_nothing_but_company_file_error():
    good = (
        SNEHASISHROY_HEADER + TWO_SUM
    ).encode() + b'2,"https://leetcode.com/problems/x",X,Hard,1%,2%\n'
    generator = random.Random(0)
    for _ in range(2000):
        damaged = bytearray(good)
        for _ in range(generator.randrange(1, 4)):
            damaged[generator.randrange(len(damaged))] = generator.choice(b'",\r\n%-.0a\xff \x00')
        with contextlib.suppress(CompanyFileError):
            _assert_consistent(_read(bytes(damaged)))


def _assert_consistent(company_file: CompanyFile) -> None:
    """What every file that was read promises: each data row is either kept or left out, in
    file order, and no more than half are left out."""
    kept = [row.line for row in company_file.rows]
    left_out = [skipped.line for skipped in company_file.skipped]
    assert kept == sorted(set(kept))
    assert left_out == sorted(set(left_out))
    assert not set(kept) & set(left_out)
    assert 2 * len(left_out) <= len(kept) + len(left_out)


@pytest.mark.parametrize("seed", range(200))
def test_random_rows_under_a_real_header_raise_nothing_but_company_file_error(seed):
    generator = random.Random(seed)
    cells = [
        "",
        " ",
        "1",
        "0",
        "-1",
        "1e999",
        "nan",
        "75.0%",
        "Easy",
        "HARD",
        "Directi",
        '"a, b"',
        '"',
        "https://leetcode.com/problems/two-sum/",
        "https://leetcode.com/problems/Two_Sum",
        "https://leetcode.com/problems/p1",
        "https://leetcode.com/problems/",
        "\u00e9",
    ]
    header = generator.choice(
        [SNEHASISHROY_HEADER, LIQUIDSLR_HEADER, KRISHNADEY30_HEADER, HXU296_HEADER]
    )
    width = header.count(",") + 1
    lines = [
        ",".join(generator.choice(cells) for _ in range(width + generator.choice((-1, 0, 0, 1))))
        for _ in range(generator.randrange(1, 12))
    ]

    with contextlib.suppress(CompanyFileError):
        _assert_consistent(_read(header + "\n".join(lines)))


# rank_rows


def test_frequencies_are_rescaled_so_the_top_problem_reads_100():
    ranked = rank_rows([_row("b", 75.0, 2), _row("a", 87.5, 1), _row("c", 0.0, 3)])

    assert [(row.rank, row.slug, row.frequency) for row in ranked] == [
        (1, "a", Decimal("100.0")),
        (2, "b", Decimal("85.7")),
        (3, "c", Decimal("0.0")),
    ]


def test_raw_frequencies_are_rescaled_to_one_decimal_place():
    ranked = rank_rows([_row("a", 1.2138391004755573, 1), _row("b", 0.0016620272243229827, 2)])

    assert [row.frequency for row in ranked] == [Decimal("100.0"), Decimal("0.1")]


def test_a_rescaled_half_rounds_up_as_a_person_would():
    ranked = rank_rows([_row("a", 40.0, 1), _row("b", 0.5, 2), _row("c", 0.02, 3)])

    # 0.5 of 40 is 1.25 and 0.02 of 40 is 0.05: both halves round up, not to even.
    assert [row.frequency for row in ranked] == [Decimal("100.0"), Decimal("1.3"), Decimal("0.1")]


def test_ties_are_ranked_by_leetcode_number():
    ranked = rank_rows([_row("c", 50.0, 20), _row("a", 50.0, 7), _row("b", 50.0, 3)])

    assert [(row.rank, row.leetcode_id) for row in ranked] == [(1, 3), (2, 7), (3, 20)]


def test_rows_without_a_number_take_it_from_numbers_and_unknown_ones_come_last_by_slug():
    rows = [_row("zeta", 2.0), _row("unknown-b", 2.0), _row("unknown-a", 2.0), _row("alpha", 2.0)]

    ranked = rank_rows(rows, numbers={"zeta": 1, "alpha": 9})

    assert [row.slug for row in ranked] == ["zeta", "alpha", "unknown-a", "unknown-b"]
    assert all(row.leetcode_id is None for row in ranked)


def test_a_row_with_its_own_number_ignores_the_numbers_mapping():
    ranked = rank_rows([_row("a", 1.0, 5), _row("b", 1.0, 4)], numbers={"a": 1})

    assert [row.slug for row in ranked] == ["b", "a"]


def test_all_zero_frequencies_rank_by_number_and_read_zero():
    ranked = rank_rows([_row("b", 0.0, 2), _row("a", 0.0, 1)])

    assert [(row.slug, row.frequency) for row in ranked] == [
        ("a", Decimal("0.0")),
        ("b", Decimal("0.0")),
    ]


def test_no_rows_rank_to_an_empty_list():
    assert rank_rows([]) == []


# leetcode_index


def test_index_knows_two_sum():
    assert leetcode_index()["two-sum"] == IndexedProblem(
        slug="two-sum", leetcode_id=1, title="Two Sum", difficulty="easy"
    )


def test_index_holds_3580_problems_one_per_line():
    lines = (
        (Path(settings.BASE_DIR) / "fixtures" / "leetcode_index.tsv")
        .read_text("utf-8")
        .splitlines()
    )

    assert len(leetcode_index()) == 3580
    assert len(lines) == 3581  # the header, then one slug per line: no slug repeats
    assert {problem.difficulty for problem in leetcode_index().values()} == {
        "easy",
        "medium",
        "hard",
    }


def test_index_is_a_copy_of_the_reference_table():
    reference = _reference_bytes(REFERENCE / "leetcode_all.tsv")

    assert (Path(settings.BASE_DIR) / "fixtures" / "leetcode_index.tsv").read_bytes() == reference

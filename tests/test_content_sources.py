"""Every number and ranked order the catalogue ships traces to a source, or says it is ours; and
every content page tells the reader which is which.

The first half reads the shipped fixtures themselves (fixtures/*.json and the company files), not
the database, and compares them with the reference files in ../shared/reference and the guide's
summary in ../shared/CONTENT.md. Each fixture field that holds a number, a date, a position or a
path with an id in it is classified below: in SOURCED, with a check that compares its values with
a reference file, or in OURS, with the reason we chose the value. A new numeric field that nobody
classified fails `test_every_numeric_field_is_sourced_or_ours`, so none slips in unexamined.

Without ../shared these skip; with REQUIRE_REFERENCE=1 (CI) they fail instead.
"""

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from prep import timers
from prep.models import DesignStage, PracticePrompt
from tests._requirements import skip_unless_required
from tests.factories import PracticePromptFactory, ShareLinkFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SHARED = Path(settings.BASE_DIR).parent / "shared"
REFERENCE = SHARED / "reference"
GUIDE = SHARED / "CONTENT.md"


# --- Reading the fixtures and the references ------------------------------------------------


@cache
def _fixture_objects() -> tuple[tuple[str, str, dict], ...]:
    """(file, model, fields) for every object of every shipped fixture file."""
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            found.append((path.name, item["model"], item["fields"]))
    return tuple(found)


def _objects(model: str) -> list[dict]:
    return [fields for _, name, fields in _fixture_objects() if name == model]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        skip_unless_required("REQUIRE_REFERENCE", f"cannot read {path}: {error.strerror}")


def _rows(name: str, **options) -> list[dict[str, str]]:
    return list(csv.DictReader(_read(REFERENCE / name).splitlines(), **options))


def _guide_section(number: int) -> str:
    """Section `number` of the guide's summary, CONTENT.md."""
    text = _read(GUIDE)
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, re.M | re.S)
    assert match, f"CONTENT.md has no section {number}"
    return match.group(0)


def _loop_table(kind: str) -> str:
    """The guide's table of phone screen agendas ("phone") or of onsite rounds ("onsite")."""
    phone, onsite = _guide_section(1).split("Onsite rounds", 1)
    return phone if kind == "phone" else onsite


def _table(text: str, first_cell: str) -> list[str]:
    """The cells of the markdown table row whose first cell is `first_cell`."""
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starting with {first_cell!r}")


def _is_numeric(value) -> bool:
    """A number, a number written as text (frequencies), a date, a list holding a number, or a
    path with an id in it (a Learn chapter's 521/introduction)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        return bool(
            re.fullmatch(r"-?\d+(\.\d+)?", value)
            or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
            or re.fullmatch(r"\d+/[a-z0-9-]+", value)
        )
    if isinstance(value, list):
        return any(_is_numeric(item) for item in value)
    return False


def _numeric_fields() -> set[tuple[str, str]]:
    return {
        (model, name)
        for _, model, fields in _fixture_objects()
        for name, value in fields.items()
        if _is_numeric(value)
    }


def _freq(value: str) -> str | None:
    """A frequency as the fixtures write it ("75.0"), None for a blank."""
    return f"{Decimal(value.rstrip('%')):.1f}" if value.strip() else None


# --- The checks: each returns what disagrees with the reference (empty when all agree) --------


def _problem_numbers() -> dict:
    known = {row["slug"]: int(row["leetcode_id"]) for row in _rows("problems.csv")}
    index = {
        row["slug"]: int(row["leetcode_id"]) for row in _rows("leetcode_all.tsv", delimiter="\t")
    }
    return {
        p["slug"]: p["leetcode_id"]
        for p in _objects("prep.problem")
        if p["leetcode_id"] != known.get(p["slug"], index.get(p["slug"]))
    }


def _expected_entries() -> dict[str, dict[str, dict]]:
    """For each list the fixtures fill entry by entry: each problem's position, rank and
    frequencies as its reference file gives them."""
    neetcode = _rows("neetcode150.csv")
    blind = _rows("blind75.csv")
    design = _rows("meta_design.csv")
    # The design list is shown in its file's order: all-time frequency, then LeetCode number.
    order = sorted(
        design, key=lambda r: (-Decimal(r["meta_frequency_all_time"]), int(r["leetcode_id"]))
    )
    assert order == design, "meta_design.csv is no longer ranked by all-time frequency"
    return {
        "neetcode-150": {r["slug"]: {"position": int(r["order"])} for r in neetcode},
        "blind-75": {r["slug"]: {"position": n} for n, r in enumerate(blind, 1)},
        "meta-design": {
            r["slug"]: {
                "position": n,
                "rank": n,
                "frequency": _freq(r["meta_frequency_all_time"]),
                "frequency_six_months": _freq(r["meta_frequency_six_months"]),
            }
            for n, r in enumerate(design, 1)
        },
    }


def _entry_field(name: str) -> Callable[[], dict]:
    def check() -> dict:
        expected = _expected_entries()
        wrong = {}
        for entry in _objects("prep.listentry"):
            list_slug, problem = entry["problem_list"][0], entry["problem"][0]
            if list_slug not in expected:
                wrong[(list_slug, problem)] = "no reference file for this list"
                continue
            want = expected[list_slug].get(problem)
            if want is None:
                wrong[(list_slug, problem)] = "not in the list's reference file"
            elif entry.get(name) != want.get(name):
                wrong[(list_slug, problem)] = (entry.get(name), want.get(name))
        return wrong

    check.__name__ = f"entry_{name}"
    return check


def _section_positions() -> dict:
    neetcode = list(dict.fromkeys(r["category"] for r in _rows("neetcode150.csv")))
    # SOURCES.md names the original post's ten categories in the post's order.
    post = re.search(
        r"category in the ORIGINAL Blind list \(([^)]+)\)", _read(REFERENCE / "SOURCES.md")
    )
    assert post, "SOURCES.md no longer names the Blind 75 categories"
    expected = {
        "neetcode-150": neetcode,
        "blind-75": [name.strip() for name in post.group(1).split(",")],
    }
    wrong = {}
    for section in _objects("prep.listsection"):
        order = expected.get(section["problem_list"][0], [])
        want = order.index(section["name"]) + 1 if section["name"] in order else None
        if section["position"] != want:
            wrong[(section["problem_list"][0], section["name"])] = (section["position"], want)
    return wrong


def _snapshot_dates() -> dict:
    said = re.search(
        r"snapshot of (\d{1,2} \w+ \d{4})", _read(REFERENCE / "companies" / "README.md")
    )
    day = datetime.strptime(said.group(1), "%d %B %Y").date().isoformat()
    dates = {pl["slug"]: pl["snapshot_date"] for pl in _objects("prep.problemlist")}
    return {slug: (value, day) for slug, value in dates.items() if value not in (None, day)}


def _learn_card_order() -> dict:
    said = re.search(r"in this order: (.+?)\. \(Card slugs", _guide_section(2), re.S)
    guide = [name.strip() for name in " ".join(said.group(1).split()).split(",")]
    shipped = [c["name"] for c in sorted(_objects("prep.learncard"), key=lambda c: c["position"])]
    return {} if shipped == guide else {"shipped": shipped, "guide": guide}


def _learn_chapters() -> dict:
    """Each chapter's number and path as learn_cards.md gives them: a numbered line carrying
    the path, or (for the Heap card, whose titles are not confirmed) the n-th observed path."""
    text = _read(REFERENCE / "learn_cards.md")
    wrong = {}
    for chapter in _objects("prep.learnchapter"):
        card, position, path = chapter["card"][0], chapter["position"], chapter["leetcode_path"]
        section = re.search(rf"^## [^\n]*\({re.escape(card)}\).*?(?=^## |\Z)", text, re.M | re.S)
        if not section:
            wrong[(card, chapter["slug"])] = "card not in learn_cards.md"
            continue
        body = section.group(0)
        line = re.search(rf"^{position}\. (.*)$", body, re.M)
        observed = re.search(r"^Observed chapter slugs: (.*)$", body, re.M)
        if line and (path in line.group(1) if path else chapter["name"] in line.group(1)):
            continue
        if observed and path:
            paths = re.findall(r"\b\d+/[a-z0-9-]+", observed.group(1))
            if position <= len(paths) and paths[position - 1] == path:
                continue
        wrong[(card, chapter["slug"])] = (position, path)
    return wrong


# Our stage slugs and the guide's names for them (CONTENT.md section 3).
GUIDE_STAGES = {
    "clarify-requirements": "Clarify requirements",
    "frame-as-ml-task": "Frame it as an ML task",
    "labels-and-data": "Training labels and data sources",
    "features": "Data preparation and feature engineering",
    "loss-function": "Loss function",
    "evaluation": "Evaluation",
    "serving": "Serving",
}


def _stage_positions() -> dict:
    guide = {
        name: int(number)
        for number, name in re.findall(r"^(\d)\. \*\*([^*]+)\*\*", _guide_section(3), re.M)
    }
    return {
        s["slug"]: (s["position"], guide.get(GUIDE_STAGES.get(s["slug"], "")))
        for s in _objects("prep.designstage")
        if s["position"] != guide.get(GUIDE_STAGES.get(s["slug"], ""))
    }


def _focus_area_positions() -> dict:
    table = {
        name.strip(): int(number)
        for number, name in re.findall(
            r"^\| (\d) \| ([^|]+) \|", _read(REFERENCE / "behavioral.md"), re.M
        )
    }
    return {
        a["slug"]: (a["position"], table.get(a["name"]))
        for a in _objects("prep.focusarea")
        if a["position"] != table.get(a["name"])
    }


def _coding_steps() -> dict:
    rows = re.findall(r"^\| (\w[\w ]*?) \| ~(\d+) \|", _guide_section(2), re.M)
    guide = {name: (n, int(minutes)) for n, (name, minutes) in enumerate(rows, 1)}
    return {
        s["name"]: ((s["position"], s["minutes"]), guide.get(s["name"]))
        for s in _objects("prep.codingstep")
        if (s["position"], s["minutes"]) != guide.get(s["name"])
    }


KINDS = {"introduction": "introduction", "coding": "coding", "behavioral": "behavioral"}


def _guide_agenda(level: str) -> list[tuple[str, int]]:
    """A level's phone screen as the guide gives it: [(kind, minutes), ...]."""
    row = "E6" if level == "E6" else "E4, E5"
    agenda = _table(_loop_table("phone"), row)[1]
    found = []
    for part in agenda.split("·"):
        minutes, text = part.strip().split(" ", 1)
        kind = next((k for word, k in KINDS.items() if word in text), None)
        found.append((kind or ("questions" if "questions" in text else text), int(minutes)))
    return found


def _phone_screens() -> dict:
    names = {lv["slug"]: lv["name"] for lv in _objects("prep.level")}
    shipped = defaultdict(list)
    for segment in sorted(_objects("prep.phonescreensegment"), key=lambda s: s["position"]):
        shipped[segment["level"][0]].append((segment["kind"], segment["minutes"]))
    return {
        level: (agenda, _guide_agenda(names[level]))
        for level, agenda in shipped.items()
        if agenda != _guide_agenda(names[level])
    }


def _fewest_problems() -> dict:
    # The guide's E6 phone screen gives "one or two" coding problems; the others always two.
    agenda = _table(_loop_table("phone"), "E6")[1]
    assert "one or two coding problems" in agenda
    shipped = {lv["slug"]: lv.get("phone_screen_min_problems") for lv in _objects("prep.level")}
    expected = {"e4": None, "e5": None, "e6": 1}
    return {} if shipped == expected else {"shipped": shipped, "guide": expected}


def _onsite_rounds(field: str) -> Callable[[], dict]:
    column = {
        "onsite_coding_rounds": 1,
        "onsite_ml_design_rounds": 2,
        "onsite_behavioral_rounds": 3,
    }

    def check() -> dict:
        names = {lv["slug"]: lv["name"] for lv in _objects("prep.level")}
        wrong = {}
        for loop in _objects("prep.loop"):
            assert loop["company"] == ["meta"], "only Meta's loops come from the guide"
            level = names[loop["level"][0]]
            row = _table(_loop_table("onsite"), "E6" if level == "E6" else "E4, E5")
            if loop[field] != int(row[column[field]]):
                wrong[loop["slug"]] = (loop[field], row[column[field]])
        return wrong

    check.__name__ = field
    return check


SOURCED: dict[tuple[str, str], Callable[[], dict]] = {
    ("prep.problem", "leetcode_id"): _problem_numbers,
    ("prep.listentry", "position"): _entry_field("position"),
    ("prep.listentry", "rank"): _entry_field("rank"),
    ("prep.listentry", "frequency"): _entry_field("frequency"),
    ("prep.listentry", "frequency_six_months"): _entry_field("frequency_six_months"),
    ("prep.listsection", "position"): _section_positions,
    ("prep.problemlist", "snapshot_date"): _snapshot_dates,
    ("prep.learncard", "position"): _learn_card_order,
    ("prep.learnchapter", "position"): _learn_chapters,
    ("prep.learnchapter", "leetcode_path"): _learn_chapters,
    ("prep.designstage", "position"): _stage_positions,
    ("prep.focusarea", "position"): _focus_area_positions,
    ("prep.codingstep", "position"): _coding_steps,
    ("prep.codingstep", "minutes"): _coding_steps,
    ("prep.phonescreensegment", "position"): _phone_screens,
    ("prep.phonescreensegment", "minutes"): _phone_screens,
    ("prep.level", "phone_screen_min_problems"): _fewest_problems,
    ("prep.loop", "onsite_coding_rounds"): _onsite_rounds("onsite_coding_rounds"),
    ("prep.loop", "onsite_ml_design_rounds"): _onsite_rounds("onsite_ml_design_rounds"),
    ("prep.loop", "onsite_behavioral_rounds"): _onsite_rounds("onsite_behavioral_rounds"),
}

# Numbers and orders that are our own choice, each with the reason. The pages say so too.
OURS: dict[tuple[str, str], str] = {
    # The guide gives the round 45 minutes and no agenda: a suggested split, labelled as ours on
    # the design pages, with room for the introduction and the candidate's questions (checked in
    # test_the_design_split_leaves_room_for_the_introduction_and_questions).
    ("prep.designstage", "minutes"): "our suggested split of the 45-minute round",
    # The guide's order is roadmap, then the company's list, then its design list (checked in
    # test_the_study_path_keeps_the_guides_order); NeetCode 150 before Blind 75 and the other
    # companies' lists after Meta's are ours.
    ("prep.problemlist", "position"): "study-path order: the guide's steps, the rest ours",
    # Meta first because the guide is about Meta's loop, then alphabetical.
    ("prep.company", "position"): "display order",
    # E4, E5, E6 by seniority.
    ("prep.level", "position"): "display order, by seniority",
    # The guide's own example prompt comes first; the rest are in an order we chose.
    ("prep.practiceprompt", "position"): "display order of our prompts",
    # The order resources are listed in on the study path.
    ("prep.resource", "position"): "display order",
    # The ML breadth bank is beyond the guide and labelled so; its order is ours.
    ("prep.breadthtopic", "position"): "display order of our question bank",
    ("prep.breadthquestion", "position"): "display order of our question bank",
}


# --- What the fixtures hold ---------------------------------------------------------------------


def test_every_numeric_field_is_sourced_or_ours():
    unclassified = _numeric_fields() - set(SOURCED) - set(OURS)

    assert unclassified == set(), (
        "These fixture fields hold numbers or orders but are neither checked against a "
        "reference (SOURCED) nor marked as our suggestion with a reason (OURS)"
    )


def test_no_field_is_both_sourced_and_ours_and_none_is_stale():
    assert set(SOURCED) & set(OURS) == set()
    # A field that left the fixtures leaves these lists too, so they stay a true account.
    assert (set(SOURCED) | set(OURS)) - _numeric_fields() == set()


@pytest.mark.parametrize("field", sorted(SOURCED), ids=lambda key: ".".join(key))
def test_sourced_field_matches_its_reference(field):
    assert SOURCED[field]() == {}


def test_every_field_detector_sees_what_it_should():
    assert all(_is_numeric(v) for v in [3, 62.5, "87.5", "2026-07-12", "521/introduction", [1]])
    assert not any(_is_numeric(v) for v in [True, "3Sum", "e4", ["meta"], None, "1-D DP"])


def test_the_design_split_leaves_room_for_the_introduction_and_questions():
    minutes = sum(stage["minutes"] for stage in _objects("prep.designstage"))
    intro = timers.DESIGN_INTRO["seconds"] // 60
    questions = timers.DESIGN_QUESTIONS["seconds"] // 60
    round_minutes = int(re.search(r"(\d+) minutes, one or two rounds", _guide_section(3)).group(1))

    assert minutes + intro + questions == round_minutes == 45
    # The guide's agendas give the candidate's questions 3 to 5 minutes.
    assert 3 <= questions <= 5
    assert intro >= 2


def test_the_study_path_keeps_the_guides_order():
    position = {pl["slug"]: pl["position"] for pl in _objects("prep.problemlist")}

    assert (
        max(position["neetcode-150"], position["blind-75"])
        < position["meta-top-100-six-months"]
        < position["meta-design"]
    )


def test_each_book_prompt_names_the_chapter_it_is_based_on():
    chapters = {
        slug: (int(number), title.strip())
        for number, title, slug in re.findall(
            r"^\| (\d+) \| ([^|]+) \| ([a-z0-9-]+) \|", _read(REFERENCE / "mlsd_book.md"), re.M
        )
    }
    base = "https://bytebytego.com/courses/machine-learning-system-design-interview/"
    book = [p for p in _objects("prep.practiceprompt") if p["source_url"].startswith(base)]
    wrong = {}
    for prompt in book:
        number, title = chapters.get(prompt["source_url"].removeprefix(base), (None, None))
        if f"chapter {number} ({title}) of Machine Learning" not in prompt["source_name"]:
            wrong[prompt["slug"]] = (prompt["source_name"], number, title)

    assert len(book) >= 10
    assert wrong == {}


def test_the_meta_description_names_the_tied_groups_of_the_reference():
    rows = _rows("meta_six_months.csv")[:100]
    groups: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        groups[row["frequency"]].append(int(row["rank"]))
    (meta,) = [pl for pl in _objects("prep.problemlist") if pl["slug"] == "meta-top-100-six-months"]
    said = re.findall(r"ranks (\d+) to (\d+) at ([\d.]+)", meta["description"])
    alone = [ranks for ranks in groups.values() if len(ranks) == 1]

    assert [(int(a), int(b), f"{Decimal(f):.1f}") for a, b, f in said] == [
        (ranks[0], ranks[-1], frequency) for frequency, ranks in groups.items() if len(ranks) > 1
    ]
    assert alone == [[1]]
    assert "Only rank 1" in meta["description"]
    assert "stand on their own" not in meta["description"]


def test_shipped_company_files_are_the_reference_files_byte_for_byte():
    manifest = json.loads((FIXTURES / "companies" / "manifest.json").read_text(encoding="utf-8"))
    said = re.search(
        r"snapshot of (\d{1,2} \w+ \d{4})", _read(REFERENCE / "companies" / "README.md")
    )
    day = datetime.strptime(said.group(1), "%d %B %Y").date().isoformat()

    for item in manifest:
        shipped = (FIXTURES / "companies" / item["file"]).read_bytes()
        assert shipped == (REFERENCE / "companies" / "snehasishroy" / item["file"]).read_bytes()
        assert item["as_of"] == day, item["file"]


# --- What the pages say -------------------------------------------------------------------------

SOURCES_LINE = re.compile(r'<p class="sources[^"]*"><strong>Sources\.</strong>(.*?)</p>', re.S)


def _sources(page: str) -> str:
    match = SOURCES_LINE.search(page)
    assert match, "no sources line on the page"
    return match.group(1)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _words(html: str) -> str:
    """The page with its whitespace collapsed, to find a sentence that wraps in the template."""
    return " ".join(html.split())


CONTENT_PAGES = {
    "loops": ("prep:loops", "From the interview guide:", "Our suggestion"),
    "learn": ("prep:learn-cards", "LeetCode Explore", "Our suggestion"),
    "path": ("prep:study-path", "From the interview guide:", "Our suggestion"),
    "ml-design": ("prep:ml-design", "Machine Learning System Design Interview", "Our suggestion"),
    "behavioral": ("prep:behavioral", "former Meta interviewers", "Our suggestion"),
    "stories": ("prep:stories", "former Meta interviewers", "Our suggestion"),
    "companies": (
        "prep:companies",
        "snehasishroy/leetcode-companywise-interview-questions",
        "12 July 2026",
    ),
    "dashboard": ("prep:dashboard", "From the interview guide:", "every weight above"),
}


@pytest.mark.usefixtures("catalog", "alice_e5")
@pytest.mark.parametrize("page", sorted(CONTENT_PAGES))
def test_each_content_page_says_where_its_facts_come_from(alice_client, page):
    name, *phrases = CONTENT_PAGES[page]

    line = _sources(_get(alice_client, reverse(name)))

    assert all(phrase in line for phrase in phrases), line


@pytest.mark.usefixtures("catalog")
def test_the_landing_page_says_where_its_facts_come_from(client):
    assert "NeetCode" in _sources(_get(client, "/"))


@pytest.mark.usefixtures("catalog")
def test_a_book_prompt_says_it_is_based_on_a_chapter_and_names_its_sources(alice_client):
    page = _get(alice_client, reverse("prep:prompt-detail", args=["video-recommendation"]))

    assert re.search(
        r"Based on <a [^>]*>chapter 6 \(Video Recommendation System\) of Machine Learning", page
    )
    assert "Worked through" not in page
    assert "the timer's split" in _sources(page)


@pytest.mark.usefixtures("catalog")
def test_a_prompt_with_no_source_says_it_is_ours(alice_client):
    page = _get(alice_client, reverse("prep:prompt-detail", args=["search-ranking"]))

    assert "A prompt of ours, with no outside source." in page
    assert "Our suggestion" in _sources(page)


@pytest.mark.usefixtures("catalog")
def test_a_users_own_prompt_claims_no_source(alice_client, alice):
    prompt = PracticePromptFactory(owner=alice, source_name="", source_url="")

    page = _get(alice_client, prompt.get_absolute_url())

    assert "Based on" not in page
    assert "A prompt of ours" not in page
    assert "Our suggestion" in _sources(page)


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize("slug", ["neetcode-150", "meta-top-100-six-months", "meta-design"])
def test_each_list_page_names_its_source(alice_client, slug):
    page = _get(alice_client, reverse("prep:list-detail", args=[slug]))

    assert re.search(r"<dt>Source</dt><dd>(<a [^>]*>)?[^<]+", page)


@pytest.mark.usefixtures("catalog", "alice_e5")
def test_the_mentor_sees_the_readiness_sources_too(client, alice):
    link = ShareLinkFactory(user=alice)

    page = _get(client, reverse("prep:share-dashboard", args=[link.token]))

    assert "every weight above" in _sources(page)


@pytest.mark.usefixtures("catalog")
def test_ml_design_page_labels_the_time_split_as_ours_and_leaves_room_for_questions(
    alice_client,
):
    page = _get(alice_client, reverse("prep:ml-design"))

    split = _words(re.search(r'<p class="time-split">(.*?)</p>', page, re.S).group(1))
    assert "our suggestion" in split
    assert "5 for the introduction" in split
    assert re.search(r"and 5 at the end for <a [^>]*>your own questions</a>", split)
    assert "Interviewers expect you to move through every stage" not in page
    assert "The guide's advice is to lead the interviewer through every stage" in _words(page)
    assert "Excalidraw" in page
    stages = list(DesignStage.objects.active())
    assert all(f"suggested {stage.minutes} min" in page for stage in stages)


@pytest.mark.usefixtures("catalog")
def test_ml_design_page_folds_model_development_into_the_loss_stage(alice_client):
    page = _get(alice_client, reverse("prep:ml-design"))

    stage = page[page.index('id="stage-loss-function"') : page.index('id="stage-evaluation"')]
    assert "A simple baseline to beat" in stage
    assert "model development" in stage
    assert "has no stage of its own in the guide" in _words(page)


@pytest.mark.usefixtures("catalog")
def test_clarify_stage_asks_the_guides_questions(alice_client):
    page = _get(alice_client, reverse("prep:ml-design"))

    clarify = re.search(r'id="stage-clarify-requirements">.*?</ul>', page, re.S).group(0)
    assert "Is following one-way or mutual?" in clarify
    assert "How many accounts a user follows on average" in clarify


@pytest.mark.usefixtures("catalog")
def test_no_stage_claims_classification_is_calibrated_for_free():
    frame = DesignStage.objects.get(slug="frame-as-ml-task")

    assert "gives calibrated probabilities" not in frame.guidance
    assert "as long as they stay calibrated" in frame.guidance


@pytest.mark.usefixtures("catalog")
def test_loops_page_has_a_bank_of_questions_to_ask_labelled_as_ours(alice_client):
    page = _get(alice_client, reverse("prep:loops"))

    section = re.search(r'<section aria-labelledby="questions-title">.*?</section>', page, re.S)
    assert "questions: 5 minutes, and 3 in the E6 phone screen" in _words(section.group(0))
    assert "(our suggestion)" in section.group(0)
    assert len(re.findall(r"<li>", section.group(0))) >= 5
    # Each level's card points there.
    assert page.count('href="#questions-title"') == 3
    assert "Every loop starts with a phone screen" not in page


@pytest.mark.usefixtures("catalog")
def test_mock_interviews_are_described_as_the_guide_does_with_no_vendor_invented(alice_client):
    loops = _get(alice_client, reverse("prep:loops"))
    path = _get(alice_client, reverse("prep:study-path"))

    assert "paid mock interviews with engineers from big-tech companies" in _words(loops)
    assert "It names no particular service." in _words(loops)
    assert "interviewing.io" not in path


@pytest.mark.usefixtures("catalog")
def test_learn_cards_follow_the_guides_order_without_claiming_each_builds_on_the_last(
    alice_client,
):
    page = _get(alice_client, reverse("prep:learn-cards"))

    assert "builds on the ones before it" not in page
    assert "The guide recommends these cards, in this order." in _words(page)


@pytest.mark.usefixtures("catalog", "alice_e5")
def test_the_readiness_weights_are_labelled_as_ours(alice_client):
    page = _get(alice_client, reverse("prep:dashboard"))

    assert "These weights are our suggestion, not the guide's" in _words(page)


@pytest.mark.usefixtures("catalog")
def test_behavioral_scope_by_level_is_labelled_as_ours(alice_client):
    page = _get(alice_client, reverse("prep:behavioral"))

    assert (
        page.count('Scope expected by level <span class="muted small">(our suggestion)</span>') == 5
    )


@pytest.mark.usefixtures("catalog")
def test_prompts_keep_their_catalogue_source_after_a_sync():
    prompt = PracticePrompt.objects.get(slug="people-you-may-follow")

    assert "example prompt the interview guide gives" in prompt.source_name

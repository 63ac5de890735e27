"""A candidate's data as one JSON file, to download and to restore here or on another site.

The file names catalogue rows by their slugs, never by database ids, so it imports into any
installation with the same catalogue. The candidate's own rows that other rows point at (stories,
private prompts, mock rounds) carry a number, `ref`, that only means something inside the file.

Importing restores: in one transaction, everything the account holds is deleted and the file's
rows are written in its place, so importing a file twice gives the same account, and a file that
is refused (a newer format, a broken row, a slug this site does not know) changes nothing. Two
things stay as they are: the login (username, email, password), and a live share link, whose
token the file never holds; the file's sharing options apply only when no link is live.
"""

import dataclasses
import functools
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from prep.models import (
    Activity,
    BreadthAnswer,
    BreadthQuestion,
    CardDone,
    ChapterDone,
    Company,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    MockProblem,
    MockRound,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemProgress,
    Profile,
    Review,
    ReviewCard,
    ShareLink,
    StageStudied,
    StageWork,
    Story,
)
from prep.models.owned import one_change_for

FORMAT = "mle-prep-data"
# 2 added ML breadth answers, and review cards about a breadth question; a file of format 1
# (which has neither) still imports, read as having none.
SCHEMA_VERSION = 2
MAX_BYTES = 5 * 1024 * 1024
# Far more than years of daily practice make (a review and an activity row a day for a decade
# is under 10,000), and few enough that checking a file takes a moment, not minutes.
MAX_ROWS = 50_000

TIMED = ("started_at", "paused_at", "paused_seconds", "ended_at")


@dataclass(frozen=True)
class Kind:
    """One kind of row a user owns: where it sits in the file and which fields it carries."""

    model: type[models.Model]
    section: str  # a child's section is inside its parent's rows: "mocks.problems"
    owner: str  # the field tying a row to its user, or to its parent row
    fields: tuple[str, ...]  # written as they are
    refs: tuple[str, ...] = ()  # written as slugs, or as a `ref` to another row of the file
    left_out: tuple[str, ...] = ()  # never in the file


KINDS = (
    Kind(
        Profile,
        "profile",
        "user",
        ("interview_date", "hours_per_week", "time_zone", "created_at", "updated_at"),
        ("target_company", "target_level"),
        # The keys this site's cache keeps the candidate's pages under: an import gets new ones.
        left_out=("data_version", "rest_version"),
    ),
    Kind(
        ProblemProgress,
        "problems",
        "user",
        (
            "status",
            "first_solved_on",
            "last_practised_on",
            "confidence",
            "minutes_spent",
            "notes",
            "updated_at",
        ),
        ("problem",),
    ),
    Kind(
        ProblemEvent, "problem_events", "user", ("old_status", "status", "created_at"), ("problem",)
    ),
    Kind(ChapterDone, "chapters_done", "user", ("done_at",), ("chapter",)),
    Kind(CardDone, "cards_done", "user", ("done_at",), ("card",)),
    Kind(StageStudied, "stages_studied", "user", ("studied_at",), ("stage",)),
    Kind(
        PracticePrompt,
        "prompts",
        "owner",
        ("slug", "title", "brief", "position", "source_name", "source_url", "is_archived"),
        # The catalogue's answer points; a user's own prompt has no way to fill them in.
        left_out=("covers",),
    ),
    Kind(
        Story,
        "stories",
        "user",
        (
            "title",
            "situation",
            "task",
            "action",
            "result",
            "learned",
            "state",
            "created_at",
            "updated_at",
        ),
        ("focus_areas",),
    ),
    Kind(DesignAttempt, "design_attempts", "user", ("created_at", *TIMED), ("prompt",)),
    Kind(
        StageWork,
        "design_attempts.work",
        "attempt",
        ("notes", "is_done", "rating", "updated_at"),
        ("stage",),
    ),
    Kind(
        MockRound,
        "mocks",
        "user",
        ("is_recorded", *TIMED),
        ("level", "company", "story", "focus_area"),
    ),
    Kind(MockProblem, "mocks.problems", "mock", ("position", "outcome", "minutes"), ("problem",)),
    Kind(BreadthAnswer, "breadth_answers", "user", ("notes", "updated_at"), ("question",)),
    Kind(
        ReviewCard,
        "review_cards",
        "user",
        ("due_on", "created_at"),
        ("problem", "story", "question"),
    ),
    Kind(
        Review,
        "review_cards.reviews",
        "card",
        ("rating", "source", "reviewed_at", "reviewed_on", "due_on"),
    ),
    # `item` names what was worked on as kind:id; the file says it with a slug or a ref instead.
    Kind(Activity, "activity", "user", ("at",), ("item",)),
    Kind(
        ShareLink,
        "share_link",
        "user",
        ("expiry_days", "shows_notes", "shows_design_notes", "shows_stories"),
        # The token, and what only means something with it: the file must open nothing.
        left_out=(
            "token_prefix",
            "token_hash",
            "created_at",
            "expires_at",
            "last_opened_at",
            "open_count",
        ),
    ),
)
KIND = {kind.model: kind for kind in KINDS}
# Every model holding a user's own rows: the admin shows these as counts only.
OWNED_MODELS = frozenset(KIND)

SECTIONS = {
    "format",
    "schema_version",
    "exported_at",
    "account",
    *(kind.section for kind in KINDS if "." not in kind.section),
}
# Written for the candidate to read; an import leaves the login as it is.
INFORMATIONAL = {"exported_at", "account"}


class ImportRefused(Exception):
    """A file this site will not import; the message says why, in a sentence for the user."""


# Export -------------------------------------------------------------------------------------


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _fields(obj: models.Model, names) -> dict:
    return {name: _json(getattr(obj, name)) for name in names}


def _chapter_key(card_slug: str, chapter_slug: str) -> str:
    # Slugs never hold a slash, so "card/chapter" names a chapter without ambiguity.
    return f"{card_slug}/{chapter_slug}"


def export_data(user) -> dict:
    """Everything `user` owns, as a JSON-ready dict: a fixed number of queries, however much."""
    profile = Profile.objects.select_related("target_company", "target_level")
    profile = profile.filter(user=user).first()
    prompts = list(PracticePrompt.objects.filter(owner=user).order_by("pk"))
    areas = models.Prefetch("focus_areas", FocusArea.objects.order_by("slug"))
    stories = list(Story.objects.filter(user=user).prefetch_related(areas).order_by("pk"))
    mocks = list(
        MockRound.objects.filter(user=user)
        .select_related("level", "company", "focus_area")
        .prefetch_related(
            models.Prefetch(
                "problems", MockProblem.objects.select_related("problem").order_by("position")
            )
        )
        .order_by("pk")
    )
    refs = {
        "practiceprompt": {p.pk: n for n, p in enumerate(prompts, 1)},
        "story": {s.pk: n for n, s in enumerate(stories, 1)},
        "mockround": {m.pk: n for n, m in enumerate(mocks, 1)},
    }
    work = models.Prefetch("work", StageWork.objects.select_related("stage").order_by("pk"))
    attempts = (
        DesignAttempt.objects.filter(user=user)
        .select_related("prompt")
        .prefetch_related(work)
        .order_by("pk")
    )
    cards = (
        ReviewCard.objects.filter(user=user)
        .select_related("problem", "question")
        .prefetch_related(models.Prefetch("reviews", Review.objects.order_by("pk")))
        .order_by("pk")
    )
    link = ShareLink.objects.filter(user=user).first()

    def own_or_slug(prompt: PracticePrompt) -> dict:
        if prompt.owner_id is None:
            return {"prompt": prompt.slug, "prompt_ref": None}
        return {"prompt": None, "prompt_ref": refs["practiceprompt"][prompt.pk]}

    def rows(model, key: str, natural, related: str) -> list[dict]:
        queryset = model.objects.filter(user=user).select_related(related).order_by("pk")
        return [{key: natural(row), **_fields(row, KIND[model].fields)} for row in queryset]

    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _json(user.date_joined),
        },
        "profile": profile
        and {
            "target_company": profile.target_company.slug,
            "target_level": profile.target_level.slug,
            **_fields(profile, KIND[Profile].fields),
        },
        "problems": rows(ProblemProgress, "problem", lambda r: r.problem.slug, "problem"),
        "problem_events": rows(ProblemEvent, "problem", lambda r: r.problem.slug, "problem"),
        "chapters_done": rows(
            ChapterDone,
            "chapter",
            lambda r: _chapter_key(r.chapter.card.slug, r.chapter.slug),
            "chapter__card",
        ),
        "cards_done": rows(CardDone, "card", lambda r: r.card.slug, "card"),
        "stages_studied": rows(StageStudied, "stage", lambda r: r.stage.slug, "stage"),
        "breadth_answers": rows(BreadthAnswer, "question", lambda r: r.question.slug, "question"),
        "prompts": [
            {"ref": n, **_fields(p, KIND[PracticePrompt].fields)} for n, p in enumerate(prompts, 1)
        ],
        "stories": [
            {
                "ref": n,
                **_fields(s, KIND[Story].fields),
                "focus_areas": [area.slug for area in s.focus_areas.all()],
            }
            for n, s in enumerate(stories, 1)
        ],
        "design_attempts": [
            {
                **own_or_slug(a.prompt),
                **_fields(a, KIND[DesignAttempt].fields),
                "work": [
                    {"stage": w.stage.slug, **_fields(w, KIND[StageWork].fields)}
                    for w in a.work.all()
                ],
            }
            for a in attempts
        ],
        "mocks": [
            {
                "ref": n,
                "level": m.level.slug,
                "company": m.company.slug,
                "story_ref": refs["story"].get(m.story_id),
                "focus_area": m.focus_area.slug if m.focus_area else None,
                **_fields(m, KIND[MockRound].fields),
                "problems": [
                    {"problem": p.problem.slug, **_fields(p, KIND[MockProblem].fields)}
                    for p in m.problems.all()
                ],
            }
            for n, m in enumerate(mocks, 1)
        ],
        "review_cards": [
            {
                "problem": c.problem.slug if c.problem else None,
                "story_ref": refs["story"].get(c.story_id),
                "question": c.question.slug if c.question else None,
                **_fields(c, KIND[ReviewCard].fields),
                "reviews": [_fields(r, KIND[Review].fields) for r in c.reviews.all()],
            }
            for c in cards
        ],
        "activity": _export_activity(user, refs),
        "share_link": link and _fields(link, KIND[ShareLink].fields),
    }


# What an activity row's kind names, and how the file says which one: by slug.
ACTIVITY_CATALOGUE = {
    "problem": Problem.objects.all(),
    "learncard": LearnCard.objects.all(),
    "designstage": DesignStage.objects.all(),
    "practiceprompt": PracticePrompt.objects.catalogue(),
    "breadthquestion": BreadthQuestion.objects.all(),
}
ACTIVITY_BY_SLUG = {*ACTIVITY_CATALOGUE, "learnchapter"}
ACTIVITY_OWN = ("practiceprompt", "story", "mockround")
ACTIVITY_KINDS = {*ACTIVITY_BY_SLUG, *ACTIVITY_OWN}


def _export_activity(user, refs: dict[str, dict[int, int]]) -> list[dict]:
    """Each moment of work, naming its item by slug or by ref. An item deleted since (a story,
    a mock) still counted on its day, so it gets a number of its own, `gone`, to stay distinct."""
    rows = list(Activity.objects.filter(user=user).order_by("pk").values_list("item", "at"))
    wanted: dict[str, set[int]] = {}
    for item, _ in rows:
        kind, _, pk = item.partition(":")
        if pk.isdigit():
            wanted.setdefault(kind, set()).add(int(pk))
    slugs: dict[str, dict[int, str]] = {}
    for kind, queryset in ACTIVITY_CATALOGUE.items():
        if wanted.get(kind):
            slugs[kind] = dict(queryset.filter(pk__in=wanted[kind]).values_list("pk", "slug"))
    if wanted.get("learnchapter"):
        chapters = LearnChapter.objects.filter(pk__in=wanted["learnchapter"])
        slugs["learnchapter"] = {
            pk: _chapter_key(card, slug)
            for pk, card, slug in chapters.values_list("pk", "card__slug", "slug")
        }
    gone: dict[str, int] = {}
    found = []
    for item, at in rows:
        kind, _, pk = item.partition(":")
        pk = int(pk) if pk.isdigit() else None
        if pk in slugs.get(kind, {}):
            named = {"key": slugs[kind][pk]}
        elif pk in refs.get(kind, {}):
            named = {"ref": refs[kind][pk]}
        else:
            named = {"gone": gone.setdefault(item, len(gone) + 1)}
        found.append({"kind": kind, **named, "at": _json(at)})
    return found


def export_filename(day: date) -> str:
    return f"mle-prep-data-{day:%Y-%m-%d}.json"


# Import -------------------------------------------------------------------------------------

NOT_JSON = "That file is not a data file from MLE Prep: it is not JSON. Nothing was imported."
NOT_OURS = (
    "That file is JSON, but not a data file from MLE Prep (use the file “Download my data” "
    "gives you). Nothing was imported."
)


def too_big(size: int) -> str:
    return (
        f"That file is {filesizeformat(size)}; a data file can be at most "
        f"{filesizeformat(MAX_BYTES)}. Nothing was imported."
    )


def read_document(data: bytes) -> dict:
    """The file's JSON, checked for its format and version only; raises ImportRefused."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(too_big(len(data)))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ImportRefused(NOT_JSON) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(NOT_OURS)
    version = document.get("schema_version")
    if type(version) is not int or version < 1:
        raise ImportRefused(NOT_OURS)
    if version > SCHEMA_VERSION:
        raise ImportRefused(
            f"That file was made by a newer version of MLE Prep (format {version}; this site "
            f"reads up to format {SCHEMA_VERSION}). Nothing was imported: import it on a site "
            "that is up to date."
        )
    _upgrade(document, version)
    missing = SECTIONS - INFORMATIONAL - document.keys()
    unknown = document.keys() - SECTIONS
    if missing or unknown:
        odd = ", ".join(sorted(missing | unknown))
        raise ImportRefused(
            f"That file does not have the shape of an MLE Prep data file ({odd}). "
            "Nothing was imported."
        )
    return document


def _upgrade(document: dict, version: int) -> None:
    """Bring a file of an older format up to this one, in place: what it could not hold is
    read as empty, so an old download restores exactly what it had."""
    if version < 2:
        document.setdefault("breadth_answers", [])
        cards = document.get("review_cards")
        for row in cards if isinstance(cards, list) else []:
            if isinstance(row, dict):
                row.setdefault("question", None)


@functools.cache
def _form_fields() -> dict[tuple[type[models.Model], str], forms.Field]:
    """The fields whose forms are stricter than their columns: an import passes what the
    forms would. Imported here, as the forms import this module for its limits."""
    from prep.forms import (
        BreadthAnswerForm,
        ProfileForm,
        ProgressForm,
        PromptForm,
        StageWorkForm,
        time_zone_choices,
    )

    return {
        (Profile, "hours_per_week"): ProfileForm.base_fields["hours_per_week"],
        (Profile, "time_zone"): forms.ChoiceField(choices=time_zone_choices),
        (ProblemProgress, "minutes_spent"): ProgressForm.base_fields["minutes_spent"],
        (ProblemProgress, "notes"): ProgressForm.base_fields["notes"],
        (PracticePrompt, "title"): PromptForm.base_fields["title"],
        (PracticePrompt, "brief"): PromptForm.base_fields["brief"],
        (PracticePrompt, "source_url"): forms.URLField(
            max_length=200, required=False, assume_scheme="https"
        ),
        (StageWork, "notes"): StageWorkForm.base_fields["notes"],
        (BreadthAnswer, "notes"): BreadthAnswerForm.base_fields["notes"],
        (MockProblem, "minutes"): forms.IntegerField(min_value=0, max_value=240, required=False),
    }


# The JSON type each kind of column takes: a list where a word belongs is refused, not str()'d.
JSON_TYPES = {
    "BooleanField": (bool, "true or false"),
    "IntegerField": (int, "a whole number"),
    "PositiveIntegerField": (int, "a whole number"),
    "PositiveSmallIntegerField": (int, "a whole number"),
}


@functools.cache
def _form_field(model: type[models.Model], name: str) -> forms.Field:
    return _form_fields().get((model, name)) or model._meta.get_field(name).formfield()


def _clean_value(field: models.Field, raw):
    """A value from the file through the form field for its column and the column's own
    validators: the same limits as typing it in. Raises ValidationError."""
    if raw is None:
        if field.null:
            return None
        raise ValidationError("it needs a value")
    expected, described = JSON_TYPES.get(field.get_internal_type(), (str, "text"))
    if type(raw) is not expected:
        raise ValidationError(f"it should be {described}")
    value = _form_field(field.model, field.name).clean(raw)
    if value is None and not field.null:
        raise ValidationError("it needs a value")
    if isinstance(value, datetime):
        try:
            value.astimezone(UTC)  # the database stores UTC: year 1 at +05:00 has no UTC
        except OverflowError:
            raise ValidationError("it is not a date this site can store") from None
    if value is not None:
        field.run_validators(value)
    return value


class _Reader:
    """Reads a document into unsaved rows, collecting every problem; nothing is written."""

    MAX_ERRORS = 5

    def __init__(self):
        self.errors: list[str] = []
        self.error_count = 0
        self.unknown: dict[str, None] = {}
        self._catalogue: dict[str, dict[str, int]] = {}

    def error(self, where: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.MAX_ERRORS:
            self.errors.append(f"{where}: {message}")

    def rows(self, document: dict, section: str, where: str | None = None) -> list[dict]:
        value = document.get(section)
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            return value
        self.error(where or section, "it should be a list of rows")
        return []

    def clean(self, model, row: dict, where: str, extra: tuple[str, ...] = ()) -> dict | None:
        """The row's fields, cleaned; None if any is missing or wrong (recorded as errors)."""
        kind = KIND[model]
        expected = {*kind.fields, *extra}
        if row.keys() != expected:
            odd = ", ".join(sorted(row.keys() ^ expected))
            self.error(where, f"it does not have the fields this format gives it ({odd})")
            return None
        values, ok = {}, True
        for name in kind.fields:
            field = model._meta.get_field(name)
            try:
                values[name] = _clean_value(field, row[name])
            except ValidationError as exc:
                self.error(where, f"{field.verbose_name}: {' '.join(exc.messages)}")
                ok = False
        return values if ok else None

    def catalogue(self, label: str, slug, where: str, *, optional: bool = False) -> int | None:
        """The id of a catalogue row by its slug; None if `optional` and the slug is null, or
        if there is no such row (noted as unknown) or no slug (noted as an error)."""
        if slug is None and optional:
            return None
        if not isinstance(slug, str):
            self.error(where, f"the {CATALOGUE_NAMES[label]} should be named by its slug")
            return None
        if label not in self._catalogue:
            self._catalogue[label] = _catalogue_ids(label)
        if slug not in self._catalogue[label]:
            self.unknown[f"{CATALOGUE_NAMES[label]} “{slug}”"] = None
        return self._catalogue[label].get(slug)


CATALOGUE_NAMES = {
    "problem": "problem",
    "company": "company",
    "level": "level",
    "learncard": "Learn card",
    "learnchapter": "Learn chapter",
    "designstage": "design stage",
    "focusarea": "focus area",
    "practiceprompt": "design prompt",
    "breadthquestion": "ML breadth question",
}


def _catalogue_ids(label: str) -> dict[str, int]:
    """Every row of a catalogue model by slug (archived ones too: progress on them stays)."""
    if label == "learnchapter":
        rows = LearnChapter.objects.values_list("card__slug", "slug", "pk")
        return {_chapter_key(card, slug): pk for card, slug, pk in rows}
    queryset = {
        "problem": Problem.objects.all(),
        "company": Company.objects.all(),
        "level": Level.objects.all(),
        "learncard": LearnCard.objects.all(),
        "designstage": DesignStage.objects.all(),
        "focusarea": FocusArea.objects.all(),
        "practiceprompt": PracticePrompt.objects.catalogue(),
        "breadthquestion": BreadthQuestion.objects.all(),
    }[label]
    return dict(queryset.values_list("slug", "pk"))


@dataclass
class _Plan:
    """The unsaved rows of a document, in the order they are written."""

    profile: Profile | None = None
    share_options: dict | None = None
    singles: dict = dataclasses.field(default_factory=dict)  # model -> rows without children
    prompts: list = dataclasses.field(default_factory=list)
    stories: list = dataclasses.field(default_factory=list)
    story_areas: list = dataclasses.field(default_factory=list)  # (story, focus area id)
    attempts: list = dataclasses.field(default_factory=list)
    work: list = dataclasses.field(default_factory=list)
    mocks: list = dataclasses.field(default_factory=list)
    mock_problems: list = dataclasses.field(default_factory=list)
    cards: list = dataclasses.field(default_factory=list)
    reviews: list = dataclasses.field(default_factory=list)
    # (Activity, kind, how it is named: key, ref or gone, and the catalogue id, row or number)
    activity: list = dataclasses.field(default_factory=list)


def _read(document: dict) -> _Plan:
    """Check every row of a document against the forms and the catalogue; the plan, or
    ImportRefused naming what is wrong."""
    rows = sum(len(value) for value in document.values() if isinstance(value, list))
    if rows > MAX_ROWS:
        raise ImportRefused(
            f"The file holds {rows:,} rows; an account's data is at most {MAX_ROWS:,}. "
            "Nothing was imported."
        )
    reader = _Reader()
    plan = _Plan()

    profile = document.get("profile")
    if profile is not None:
        if not isinstance(profile, dict):
            reader.error("profile", "it should be one row")
        elif values := reader.clean(
            Profile, profile, "profile", ("target_company", "target_level")
        ):
            company = reader.catalogue("company", profile["target_company"], "profile")
            level = reader.catalogue("level", profile["target_level"], "profile")
            plan.profile = Profile(target_company_id=company, target_level_id=level, **values)

    singles = [
        (ProblemProgress, "problems", "problem", "problem"),
        (ProblemEvent, "problem_events", "problem", "problem"),
        (ChapterDone, "chapters_done", "chapter", "learnchapter"),
        (CardDone, "cards_done", "card", "learncard"),
        (StageStudied, "stages_studied", "stage", "designstage"),
        (BreadthAnswer, "breadth_answers", "question", "breadthquestion"),
    ]
    for model, section, ref, label in singles:
        plan.singles[model] = []
        seen: set = set()
        for n, row in enumerate(reader.rows(document, section), 1):
            where = f"{section}, row {n}"
            values = reader.clean(model, row, where, (ref,))
            if values is None:
                continue
            target = reader.catalogue(label, row[ref], where)
            if model is not ProblemEvent and repr(row[ref]) in seen:
                reader.error(where, f"“{row[ref]}” is listed twice")
            seen.add(repr(row[ref]))
            plan.singles[model].append(model(**{f"{ref}_id": target}, **values))

    prompts = _read_prompts(reader, document, plan)
    stories = _read_stories(reader, document, plan)
    _read_attempts(reader, document, plan, prompts)
    mocks = _read_mocks(reader, document, plan, stories)
    _read_review_cards(reader, document, plan, stories)
    own = {"practiceprompt": prompts, "story": stories, "mockround": mocks}
    _read_activity(reader, document, plan, own)

    link = document.get("share_link")
    if link is not None:
        if not isinstance(link, dict):
            reader.error("share_link", "it should be one row")
        else:
            plan.share_options = reader.clean(ShareLink, link, "share_link")

    if reader.unknown:
        names = list(reader.unknown)
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        raise ImportRefused(
            "That file refers to catalogue items this site does not have: "
            f"{', '.join(names[:5])}{more}. Nothing was imported."
        )
    if reader.error_count:
        more = reader.error_count - len(reader.errors)
        extra = f" (and {more} more)" if more else ""
        raise ImportRefused(
            "That file has values this site would not accept, so nothing was imported. "
            f"{'; '.join(reader.errors)}{extra}."
        )
    return plan


def _refs(reader: _Reader, rows, section: str) -> list[int | None]:
    """Each row's `ref`, which must be a number used once in its section (None if not)."""
    found, seen = [], set()
    for n, row in enumerate(rows, 1):
        ref = row.get("ref")
        if type(ref) is not int or ref in seen:
            reader.error(f"{section}, row {n}", "its ref should be a number used once")
            ref = None
        else:
            seen.add(ref)
        found.append(ref)
    return found


def _lookup(reader: _Reader, own: dict, ref, where: str, what: str):
    if ref is None:
        return None
    if type(ref) is int and ref in own:
        return own[ref]
    reader.error(where, f"it names {what} {ref!r}, which is not in the file")
    return None


def _read_prompts(reader: _Reader, document: dict, plan: _Plan) -> dict:
    rows = reader.rows(document, "prompts")
    own, slugs = {}, set()
    for n, (row, ref) in enumerate(zip(rows, _refs(reader, rows, "prompts"), strict=True), 1):
        where = f"prompts, row {n}"
        values = reader.clean(PracticePrompt, row, where, ("ref",))
        if values is None:
            continue
        if values["slug"] in slugs:
            reader.error(where, f"the slug “{values['slug']}” is used twice")
        slugs.add(values["slug"])
        own[ref] = PracticePrompt(**values)
        plan.prompts.append(own[ref])
    return own


def _read_stories(reader: _Reader, document: dict, plan: _Plan) -> dict:
    rows = reader.rows(document, "stories")
    own = {}
    for n, (row, ref) in enumerate(zip(rows, _refs(reader, rows, "stories"), strict=True), 1):
        where = f"stories, row {n}"
        values = reader.clean(Story, row, where, ("ref", "focus_areas"))
        if values is None:
            continue
        areas = row["focus_areas"]
        if not isinstance(areas, list) or len(set(map(repr, areas))) != len(areas):
            reader.error(where, "its focus areas should be a list of slugs, each once")
            continue
        own[ref] = story = Story(**values)
        plan.stories.append(story)
        plan.story_areas += [(story, reader.catalogue("focusarea", a, where)) for a in areas]
    return own


def _read_attempts(reader: _Reader, document: dict, plan: _Plan, prompts: dict) -> None:
    open_prompts: set = set()
    for n, row in enumerate(reader.rows(document, "design_attempts"), 1):
        where = f"design_attempts, row {n}"
        values = reader.clean(DesignAttempt, row, where, ("prompt", "prompt_ref", "work"))
        if values is None:
            continue
        if (row["prompt"] is None) == (row["prompt_ref"] is None):
            reader.error(where, "it should name one prompt: a slug or a ref")
            continue
        prompt = _lookup(reader, prompts, row["prompt_ref"], where, "prompt")
        attempt = DesignAttempt(**values)
        if row["prompt"] is not None:
            attempt.prompt_id = reader.catalogue("practiceprompt", row["prompt"], where)
        elif prompt is not None:
            attempt.prompt = prompt
        if values["ended_at"] is None:
            key = repr((row["prompt"], row["prompt_ref"]))
            if key in open_prompts:
                reader.error(where, "a prompt can have one unfinished session, and this is two")
            open_prompts.add(key)
        plan.attempts.append(attempt)
        stages: set = set()
        for m, item in enumerate(reader.rows(row, "work", f"{where}, work"), 1):
            at = f"{where}, work {m}"
            work = reader.clean(StageWork, item, at, ("stage",))
            if work is None:
                continue
            if repr(item["stage"]) in stages:
                reader.error(at, f"the stage “{item['stage']}” is listed twice")
            stages.add(repr(item["stage"]))
            stage = reader.catalogue("designstage", item["stage"], at)
            plan.work.append(StageWork(attempt=attempt, stage_id=stage, **work))


def _read_mocks(reader: _Reader, document: dict, plan: _Plan, stories: dict) -> dict:
    rows = reader.rows(document, "mocks")
    own = {}
    extra = ("ref", "level", "company", "story_ref", "focus_area", "problems")
    for n, (row, ref) in enumerate(zip(rows, _refs(reader, rows, "mocks"), strict=True), 1):
        where = f"mocks, row {n}"
        values = reader.clean(MockRound, row, where, extra)
        if values is None:
            continue
        own[ref] = mock = MockRound(
            level_id=reader.catalogue("level", row["level"], where),
            company_id=reader.catalogue("company", row["company"], where),
            story=_lookup(reader, stories, row["story_ref"], where, "story"),
            focus_area_id=reader.catalogue("focusarea", row["focus_area"], where, optional=True),
            **values,
        )
        plan.mocks.append(mock)
        positions: set = set()
        for m, item in enumerate(reader.rows(row, "problems", f"{where}, problems"), 1):
            at = f"{where}, problem {m}"
            problem = reader.clean(MockProblem, item, at, ("problem",))
            if problem is None:
                continue
            if problem["position"] in positions:
                reader.error(at, f"position {problem['position']} is used twice")
            positions.add(problem["position"])
            target = reader.catalogue("problem", item["problem"], at)
            plan.mock_problems.append(MockProblem(mock=mock, problem_id=target, **problem))
    return own


def _read_review_cards(reader: _Reader, document: dict, plan: _Plan, stories: dict) -> None:
    subjects: set = set()
    for n, row in enumerate(reader.rows(document, "review_cards"), 1):
        where = f"review_cards, row {n}"
        extra = ("problem", "story_ref", "question", "reviews")
        values = reader.clean(ReviewCard, row, where, extra)
        if values is None:
            continue
        named = [row[name] is not None for name in ("problem", "story_ref", "question")]
        if sum(named) != 1:
            reader.error(
                where, "it should be about one problem or one story (or one breadth question)"
            )
            continue
        subject = repr((row["problem"], row["story_ref"], row["question"]))
        if subject in subjects:
            reader.error(where, "two review cards are about the same thing")
        subjects.add(subject)
        card = ReviewCard(
            problem_id=reader.catalogue("problem", row["problem"], where, optional=True),
            story=_lookup(reader, stories, row["story_ref"], where, "story"),
            question_id=reader.catalogue("breadthquestion", row["question"], where, optional=True),
            **values,
        )
        plan.cards.append(card)
        days: set = set()
        for m, item in enumerate(reader.rows(row, "reviews", f"{where}, reviews"), 1):
            at = f"{where}, review {m}"
            review = reader.clean(Review, item, at)
            if review is None:
                continue
            if review["reviewed_on"] in days:
                reader.error(at, "a card has one review a day, and this day has two")
            days.add(review["reviewed_on"])
            plan.reviews.append(Review(card=card, **review))


def _read_activity(reader: _Reader, document: dict, plan: _Plan, own: dict) -> None:
    for n, row in enumerate(reader.rows(document, "activity"), 1):
        where = f"activity, row {n}"
        kind = row.get("kind") if isinstance(row.get("kind"), str) else None
        named = row.keys() & {"key", "ref", "gone"}
        (how,) = named if len(named) == 1 else (None,)
        if how is None or kind not in (ACTIVITY_OWN if how == "ref" else ACTIVITY_KINDS):
            reader.error(where, "it should name a kind of item and one key, ref or gone")
            continue
        if how == "key" and kind not in ACTIVITY_BY_SLUG:
            reader.error(where, f"a {kind} is named by its ref, not a key")
            continue
        values = reader.clean(Activity, row, where, ("kind", how))
        if values is None:
            continue
        target = row[how]
        if how == "key":
            target = reader.catalogue(kind, target, where)
        elif how == "ref":
            if target is None:  # _lookup reads a null ref as "none", which an activity cannot be
                reader.error(where, f"it names {kind} None, which is not in the file")
                continue
            target = _lookup(reader, own.get(kind, {}), target, where, kind)
        elif type(target) is not int or not 0 < target < 10**9:
            reader.error(where, "gone should be a number from 1 up")
            continue
        plan.activity.append((Activity(**values), kind, how, target))


def _delete_all(user) -> None:
    """Everything the user owns, children before what they point at."""
    for model in (Activity, ReviewCard, MockRound, DesignAttempt, Story, ProblemEvent):
        model.objects.filter(user=user).delete()
    PracticePrompt.objects.filter(owner=user).delete()
    for model in (ProblemProgress, ChapterDone, CardDone, StageStudied, BreadthAnswer, Profile):
        model.objects.filter(user=user).delete()


def _create(model, rows: list, **owner) -> None:
    """Insert rows in bulk, keeping the file's timestamps where the model stamps its own."""
    if not rows:
        return
    for row in rows:
        for name, value in owner.items():
            setattr(row, name, value)
    fields = model._meta.concrete_fields
    stamped = [
        f.name for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    kept = [[getattr(row, name) for name in stamped] for row in rows]
    model.objects.bulk_create(rows, batch_size=500)
    if stamped:
        for row, values in zip(rows, kept, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(row, name, value)
        model.objects.bulk_update(rows, stamped, batch_size=500)


# As prompt_create names a private prompt: its title, then a random tail.
PRIVATE_SLUG = re.compile(r"[-a-z0-9_]*-[0-9a-f]{8}")


def _fresh_slug(prompt: PracticePrompt) -> str:
    return f"{slugify(prompt.title)[:90] or 'prompt'}-{random.randbytes(4).hex()}"


def _write(user, plan: _Plan) -> Counter:
    if plan.profile is not None:
        _create(Profile, [plan.profile], user=user)
    for model, rows in plan.singles.items():
        _create(model, rows, user=user)
    # A private prompt keeps its slug, and so its address, if it has the shape the site gives
    # private ones (a random tail) and nobody's has it here. Any other slug gets a fresh one: a
    # file must not claim a slug the catalogue may ship, which load_catalog matches rows by.
    taken = set(
        PracticePrompt.objects.filter(slug__in=[p.slug for p in plan.prompts]).values_list(
            "slug", flat=True
        )
    )
    for prompt in plan.prompts:
        if prompt.slug in taken or not PRIVATE_SLUG.fullmatch(prompt.slug):
            prompt.slug = _fresh_slug(prompt)
    _create(PracticePrompt, plan.prompts, owner=user)
    _create(Story, plan.stories, user=user)
    Story.focus_areas.through.objects.bulk_create(
        [Story.focus_areas.through(story=s, focusarea_id=a) for s, a in plan.story_areas]
    )
    _create(DesignAttempt, plan.attempts, user=user)
    _create(StageWork, plan.work)
    _create(MockRound, plan.mocks, user=user)
    _create(MockProblem, plan.mock_problems)
    _create(ReviewCard, plan.cards, user=user)
    _create(Review, plan.reviews)
    for activity, kind, how, target in plan.activity:
        # A gone item gets an id no row has (negative), so it counts on its day, matching nothing.
        pk = target.pk if how == "ref" else -target if how == "gone" else target
        activity.item = f"{kind}:{pk}"
    _create(Activity, [a for a, *_ in plan.activity], user=user)
    if plan.share_options is not None:
        link = ShareLink.objects.select_for_update().filter(user=user).first()
        if link is None or not link.is_active:
            ShareLink.objects.update_or_create(user=user, defaults=plan.share_options)
    return Counter(
        problems=len(plan.singles[ProblemProgress]),
        stories=len(plan.stories),
        prompts=len(plan.prompts),
        design_sessions=len(plan.attempts),
        mocks=len(plan.mocks),
        review_cards=len(plan.cards),
        breadth_answers=len(plan.singles[BreadthAnswer]),
    )


def import_data(user, document: dict) -> Counter:
    """Replace everything `user` owns with a document's rows, in one transaction: how many of
    each were imported. Raises ImportRefused, having changed nothing."""
    # Checked before the transaction: reading a large file must not hold the database's write
    # lock (SQLite takes it at BEGIN) while other users wait.
    plan = _read(document)
    try:
        with transaction.atomic():
            # One import at a time per account: a second waits for the first to finish.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            with one_change_for(user):
                _delete_all(user)
                return _write(user, plan)
    except DatabaseError as exc:
        # A tick from another tab landing mid-import, say: the transaction is undone whole.
        raise ImportRefused(
            "The file could not be stored, so nothing was imported. If the site is open in "
            "another tab, leave it alone for a moment and import again."
        ) from exc


def import_summary(counts: Counter) -> str:
    """A sentence saying what an import brought in."""
    names = {
        "problems": ("problem status", "problem statuses"),
        "stories": ("story", "stories"),
        "prompts": ("private prompt", "private prompts"),
        "design_sessions": ("design session", "design sessions"),
        "mocks": ("mock round", "mock rounds"),
        "review_cards": ("review card", "review cards"),
        "breadth_answers": ("ML breadth answer", "ML breadth answers"),
    }
    parts = [f"{n} {names[key][n != 1]}" for key, n in counts.items() if n]
    if not parts:
        return "Your data was imported. The file held no progress, so the account is now empty."
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Your data was imported: {listed}, with their notes and history."


def erase_account(user) -> None:
    """Delete an account with everything in it, and the login attempts kept under its name."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    username = user.get_username()
    with transaction.atomic():
        user.delete()
        # django-axes keeps attempts by username, with no key to the user, so nothing cascades.
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=username).delete()

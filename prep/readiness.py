"""How far a candidate has come: counts per list and section, readiness per round, what's next.

Every function here makes a fixed number of queries, whatever the size of the catalogue or of
the candidate's progress: counts are aggregated in the database, never by looping over rows.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from prep import companies
from prep.fragments import cached_fragment, cached_query
from prep.models import (
    SOLVED_STATUSES,
    CardDone,
    ChapterDone,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    ListEntry,
    Loop,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Profile,
    StageStudied,
    StageWork,
    Status,
    Story,
)
from prep.models.catalogue import count_of

DIFFICULTIES = [choice for choice, _ in Problem.Difficulty.choices]

# Coding readiness: how much each part of the study path weighs, in percent. Our suggestion,
# not the guide's (it gives no formula); the dashboard says so beside the numbers.
CODING_WEIGHTS = {"learn": 15, "roadmap": 45, "company": 30, "design": 10}


@dataclass
class Tally:
    """Solved out of total, overall and by difficulty."""

    solved: int = 0
    total: int = 0
    by_difficulty: dict[str, list[int]] = field(
        default_factory=lambda: {d: [0, 0] for d in DIFFICULTIES}
    )

    @property
    def percent(self) -> int:
        return round(100 * self.solved / self.total) if self.total else 0

    @property
    def fraction(self) -> float:
        return self.solved / self.total if self.total else 0.0

    def difficulties(self) -> list[tuple[str, int, int]]:
        labels = dict(Problem.Difficulty.choices)
        return [(labels[d], s, t) for d, (s, t) in self.by_difficulty.items() if t]


def solved_problem_ids(user) -> frozenset[int]:
    """The problems the user has solved (shaky or not): one query, for all the counts of a page,
    which the catalogue's rows (kept per catalogue version) are then counted against."""
    mine = ProblemProgress.objects.filter(user=user, status__in=SOLVED_STATUSES)
    return frozenset(mine.values_list("problem_id", flat=True))


def _tallies(
    user,
    entries: Callable[[], QuerySet],
    key: str,
    solved: frozenset | None = None,
    *,
    named=None,
) -> dict:
    """Tally entries (a function that makes their query) grouped by `key` (a field of
    ListEntry): the entries once per catalogue version (`named` as cached_query's key, when the
    caller can name them), the user's solved problems in one query (or `solved`, read
    already)."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    rows = cached_query(
        lambda: entries().values_list(key, "problem__difficulty", "problem_id"), key=named
    )
    solved = solved_problem_ids(user) if solved is None else solved
    for group, difficulty, problem_id in rows:
        tally = tallies[group]
        counts = tally.by_difficulty[difficulty]
        tally.total += 1
        counts[1] += 1
        if problem_id in solved:
            tally.solved += 1
            counts[0] += 1
    return tallies


def list_tallies(user, lists=None, *, solved: frozenset | None = None) -> dict[int, Tally]:
    entries = ListEntry.objects.active
    named = ("list-tallies", "all")
    if lists is not None:
        entries = lambda: ListEntry.objects.active().filter(problem_list__in=lists)  # noqa: E731
        # A query of lists is named by its SQL: reading its ids would cost a query.
        named = None if isinstance(lists, QuerySet) else ("list-tallies", *(pl.pk for pl in lists))
    return _tallies(user, entries, "problem_list_id", solved, named=named)


def section_tallies(
    user, problem_list: ProblemList, *, solved: frozenset | None = None
) -> dict[int, Tally]:
    entries = lambda: ListEntry.objects.active().filter(  # noqa: E731
        problem_list=problem_list, section__isnull=False
    )
    return _tallies(user, entries, "section_id", solved, named=("section-tallies", problem_list.pk))


def _problem_shares(
    user,
    parts: dict[str, tuple[Q, tuple] | None],
    solved: frozenset | None = None,
) -> dict[str, Tally]:
    """For each part (a filter of the active entries and the key that names it, or None for a
    part with none): its distinct problems, and how many of them the user solved. The problems
    once per catalogue version; the user's solved problems in one query for all parts (or
    `solved`, read already)."""
    solved = solved_problem_ids(user) if solved is None else solved
    shares = {}
    for name, part in parts.items():
        if part is None:
            shares[name] = Tally()
            continue
        where, key = part
        # The entries are active, so their problems are too.
        problems = cached_query(
            lambda where=where: (
                ListEntry.objects.active()
                .filter(where)
                .values_list("problem_id", flat=True)
                .distinct()
            ),
            set,
            key=("shares", *key),
        )
        shares[name] = Tally(solved=len(problems & solved), total=len(problems))
    return shares


@dataclass
class CardProgress:
    card: LearnCard
    done: int
    total: int

    @property
    def is_done(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def card_progress(user) -> list[CardProgress]:
    """Chapters done per Learn card; a card without chapters counts as one item: four queries."""
    chapters = lambda: LearnChapter.objects.active().filter(card=OuterRef("pk"))  # noqa: E731
    cards = cached_query(
        lambda: LearnCard.objects.active().annotate(n_chapters=count_of(chapters())),
        key=("learn-cards",),
    )
    done = dict(
        ChapterDone.objects.filter(user=user, chapter__in=LearnChapter.objects.active())
        .values_list("chapter__card_id")
        .annotate(n=Count("id"))
    )
    whole = set(CardDone.objects.filter(user=user).values_list("card_id", flat=True))
    return [
        CardProgress(c, done.get(c.pk, 0), c.n_chapters)
        if c.n_chapters
        else CardProgress(card=c, done=int(c.pk in whole), total=1)
        for c in cards
    ]


@dataclass
class Round:
    name: str
    kind: str
    readiness: float | None
    detail: str = ""

    @property
    def percent(self) -> int | None:
        return None if self.readiness is None else round(100 * self.readiness)


@dataclass
class Readiness:
    coding: float
    ml_design: float
    behavioral: float | None
    rounds: list[Round]
    parts: dict[str, Tally]
    stages_practised: int
    stages_total: int
    areas_covered: int
    areas_total: int
    weights: dict[str, float] = field(default_factory=lambda: dict(CODING_WEIGHTS))
    company: "companies.CompanyLists | None" = None
    loop: Loop | None = None

    @property
    def weight_percents(self) -> dict[str, int]:
        return {name: round(w) for name, w in self.weights.items()}

    @property
    def overall(self) -> int:
        values = [r.readiness or 0.0 for r in self.rounds]
        return round(100 * sum(values) / len(values)) if values else 0

    @property
    def coding_percent(self) -> int:
        return round(100 * self.coding)

    @property
    def ml_design_percent(self) -> int:
        return round(100 * self.ml_design)

    @property
    def behavioral_percent(self) -> int | None:
        return None if self.behavioral is None else round(100 * self.behavioral)


class RestScores(NamedTuple):
    """What readiness takes from the candidate's rows beyond problems: chapters done per Learn
    card, and the ML design and behavioral scores. None of it reads their practice log."""

    cards: list[CardProgress]
    design: tuple[float, int, int]
    behavioral: tuple[float | None, int, int]


def rest_scores(user) -> RestScores:
    return RestScores(card_progress(user), _design_score(user), _behavioral_score(user))


def readiness_for(
    user,
    profile: Profile,
    rest: RestScores | None = None,
    *,
    solved: frozenset | None = None,
) -> Readiness:
    """Readiness per round of the profile's loop, from progress along the study path."""
    rest = rest_scores(user) if rest is None else rest
    cards = rest.cards
    learn = sum(c.fraction for c in cards) / len(cards) if cards else 0.0
    company = companies.lists_of(profile.target_company)
    # Each part's entries are made only when its problems are not kept for this version yet.
    parts = _problem_shares(
        user,
        solved=solved,
        parts={
            "roadmap": (Q(problem_list__kind=ProblemList.Kind.ROADMAP), ("roadmap",)),
            "company": (
                (Q(problem_list=company.primary), ("list", company.primary.pk))
                if company.primary
                else None
            ),
            "design": (
                Q(
                    problem_list__company=profile.target_company,
                    problem_list__kind=ProblemList.Kind.DESIGN,
                ),
                ("design", profile.target_company_id),
            ),
        },
    )
    # Most companies have no class-design list (and a new one may have no list yet): the weight
    # of a part with nothing in it goes to the other parts.
    weights = coding_weights(missing=[n for n in ("company", "design") if not parts[n].total])
    fractions = {"learn": learn, **{name: tally.fraction for name, tally in parts.items()}}
    coding = sum(weights.get(name, 0) * f for name, f in fractions.items()) / 100

    ml_design, practised, stages_total = rest.design
    behavioral, areas_covered, areas_total = rest.behavioral
    loop = loop_for(profile)

    return Readiness(
        coding=coding,
        ml_design=ml_design,
        behavioral=behavioral,
        rounds=_rounds(profile, loop, coding, ml_design, behavioral),
        parts=parts,
        stages_practised=practised,
        stages_total=stages_total,
        areas_covered=areas_covered,
        areas_total=areas_total,
        weights=weights,
        company=company,
        loop=loop,
    )


def loop_for(profile: Profile) -> Loop | None:
    """The loop the candidate prepares for: one query, once per catalogue version (shared: read
    it, never change it)."""
    company, level = profile.target_company, profile.target_level
    build = lambda: Loop.objects.for_target(company, level)  # noqa: E731
    return cached_fragment("loop", build, company.pk, level.pk)


def coding_weights(missing: list[str] = ()) -> dict[str, float]:
    """CODING_WEIGHTS without the `missing` parts, their weight shared among the rest in
    proportion."""
    kept = {name: w for name, w in CODING_WEIGHTS.items() if name not in missing}
    total = sum(kept.values())
    return {name: 100 * w / total for name, w in kept.items()} if total else {}


def _count(queryset) -> int:
    return queryset.count()


def _design_score(user) -> tuple[float, int, int]:
    """Each stage scores its best self-rating out of 5 across practice sessions, whether or not
    it was ticked done (a stage done without a rating, or only studied, scores 1); the readiness
    is their average."""
    stage_ids = cached_query(
        DesignStage.objects.active().values_list("pk", flat=True), key=("stage-ids",)
    )
    worked = Q(is_done=True) | Q(rating__isnull=False)
    best = dict(
        StageWork.objects.filter(worked, attempt__user=user, stage_id__in=stage_ids)
        .values("stage_id")
        .annotate(best=Max(Coalesce("rating", 1)))
        .values_list("stage_id", "best")
    )
    studied = set(
        StageStudied.objects.filter(user=user, stage_id__in=stage_ids).values_list(
            "stage_id", flat=True
        )
    )
    scores = [best.get(pk) or (1 if pk in studied else 0) for pk in stage_ids]
    score = sum(scores) / (5 * len(stage_ids)) if stage_ids else 0.0
    return score, len(best), len(stage_ids)


def _behavioral_score(user) -> tuple[float | None, int, int]:
    """A focus area with a rehearsed story counts fully, one with only drafts counts half; only
    stories whose four STAR parts are written count (a title tagged with every area is not a
    story yet). None until the user has written a story."""
    areas = cached_query(FocusArea.objects.active().values_list("pk", flat=True), key=("area-ids",))
    tagged = Story.focus_areas.through.objects.filter(
        story__in=Story.objects.complete().filter(user=user), focusarea_id__in=areas
    )
    states = defaultdict(set)
    for area_id, state in tagged.values_list("focusarea_id", "story__state"):
        states[area_id].add(state)
    if not states and not Story.objects.filter(user=user).exists():
        return None, 0, len(areas)
    covered = sum(1 for pk in areas if Story.State.REHEARSED in states.get(pk, ()))
    drafted = sum(1 for pk in areas if states.get(pk) == {Story.State.DRAFTED})
    score = (covered + drafted / 2) / len(areas) if areas else 0.0
    return score, covered, len(areas)


def _rounds(
    profile: Profile, loop: Loop | None, coding: float, ml: float, behavioral: float | None
) -> list[Round]:
    level = profile.target_level
    segments = level.phone_screen_segments
    by_kind = {"coding": coding, "behavioral": behavioral or 0.0}
    timed = [s for s in segments if s.kind in by_kind]
    minutes = sum(s.minutes for s in timed)
    phone = sum(by_kind[s.kind] * s.minutes for s in timed) / minutes if minutes else coding
    phone_detail = " + ".join(f"{s.minutes} min {s.get_kind_display().lower()}" for s in timed)
    rounds = [Round("Phone screen", "phone", phone, phone_detail)]
    if loop is None:
        return rounds
    for kind, name, count, value in [
        ("coding", "coding", loop.onsite_coding_rounds, coding),
        ("ml_design", "ML system design", loop.onsite_ml_design_rounds, ml),
        ("behavioral", "behavioral", loop.onsite_behavioral_rounds, behavioral),
    ]:
        for n in range(1, count + 1):
            rounds.append(Round(f"Onsite {name}{f' {n}' if count > 1 else ''}", kind, value))
    return rounds


@dataclass
class NextItem:
    kind: str  # "chapter" or "problem"
    chapter: LearnChapter | None = None
    entry: ListEntry | None = None
    status: str = Status.NOT_STARTED


def next_up(
    user, profile: Profile, limit: int = 5, *, company: "companies.CompanyLists | None" = None
) -> list[NextItem]:
    """The next few items along the study path: unfinished Learn chapters, then problems.
    `company` is the target company's lists, if the caller has them already."""
    done_chapters = ChapterDone.objects.filter(user=user, chapter=OuterRef("pk"))
    chapters = (
        LearnChapter.objects.active()
        .exclude(Exists(done_chapters))
        .select_related("card")
        .order_by("card__position", "position")[:limit]
    )
    items = [NextItem("chapter", chapter=c) for c in chapters]
    if len(items) >= limit:
        return items
    finished = ProblemProgress.objects.filter(
        user=user,
        problem=OuterRef("problem"),
        status__in=[*SOLVED_STATUSES, Status.SKIPPED],
    )
    # The roadmap, then the company's primary list and its class-design problems.
    path = Q(problem_list__kind=ProblemList.Kind.ROADMAP) | Q(
        problem_list__company=profile.target_company, problem_list__kind=ProblemList.Kind.DESIGN
    )
    company = company or companies.lists_of(profile.target_company)
    if company.primary is not None:
        path |= Q(problem_list=company.primary)
    # Lists overlap (Blind 75 sits inside NeetCode 150): fetch a few extra, keep the first of each.
    entries = (
        ListEntry.objects.active()
        .filter(path)
        .exclude(Exists(finished))
        .select_related("problem", "problem_list")
        .order_by("problem_list__position", "position")[: limit * 4]
    )
    seen = set()
    for entry in entries:
        if entry.problem_id not in seen and len(items) < limit:
            seen.add(entry.problem_id)
            items.append(NextItem("problem", entry=entry))
    statuses = ProblemProgress.objects.statuses(user, seen)
    for item in items:
        if item.entry:
            item.status = statuses.get(item.entry.problem_id, Status.NOT_STARTED)
    return items


def recent_activity(user, limit: int = 8) -> list[ProblemEvent]:
    return list(
        ProblemEvent.objects.filter(user=user)
        .select_related("problem")
        .order_by("-created_at")[:limit]
    )


def coverage_grid(stories: list[Story], areas: list[FocusArea]) -> list[tuple]:
    """Rows of (area, [(story, tagged?) ...], rehearsed count, drafted count, unfinished count):
    a story counts as rehearsed or drafted only once its four STAR parts are written."""
    rows = []
    for area in areas:
        cells = [(story, area in story.focus_areas.all()) for story in stories]
        tagged = [story for story, hit in cells if hit]
        whole = [story for story in tagged if story.is_complete]
        rehearsed = sum(1 for story in whole if story.state == Story.State.REHEARSED)
        rows.append((area, cells, rehearsed, len(whole) - rehearsed, len(tagged) - len(whole)))
    return rows


@dataclass
class Coverage:
    """How many of a company's primary-list problems a candidate has solved."""

    company: Company
    primary: ProblemList | None
    tally: Tally
    is_target: bool = False


def coverage_for(user, target: Company | None = None) -> list[Coverage]:
    """Every active company with the candidate's progress on its primary list: four queries."""
    found = companies.company_lists()
    primaries = [c.primary.pk for c in found.values() if c.primary is not None]
    tallies = defaultdict(Tally)
    if primaries:
        tallies.update(list_tallies(user, ProblemList.objects.filter(pk__in=primaries)))
    return [
        Coverage(
            company=c.company,
            primary=c.primary,
            tally=tallies[c.primary.pk] if c.primary else Tally(),
            is_target=target is not None and c.company.pk == target.pk,
        )
        for c in found.values()
    ]

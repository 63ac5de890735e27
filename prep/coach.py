"""The coach: what is left of a candidate's study path, as items with estimated minutes, planned
to their interview date (`prep/plan.py` does the planning), the reviews due, and their activity.

Every function here makes a fixed number of queries, whatever the size of the catalogue or of the
candidate's history. Estimates are ours, and the pages say so.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from prep import companies, plan
from prep.fragments import cached_for_user, cached_fragment
from prep.models import (
    SOLVED_STATUSES,
    BreadthQuestion,
    CardDone,
    ChapterDone,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    ListEntry,
    Loop,
    MockRound,
    PhoneScreenSegment,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Profile,
    Review,
    ReviewCard,
    StageStudied,
    Status,
    Story,
)
from prep.models.coach import Activity
from prep.readiness import Readiness, loop_for
from prep.reviews import SET_ASIDE

# Minutes per problem by difficulty: Grind 75's published estimates average about these.
PROBLEM_MINUTES = {"easy": 18, "medium": 28, "hard": 37}
# A candidate's own average replaces a difficulty's estimate once they recorded this many.
OWN_MINUTES_AFTER = 5
# Our own suggestions, not the guide's: shown as such on the plan page.
CHAPTER_MINUTES = 20
CARD_MINUTES = 60
STAGE_MINUTES = 20
DESIGN_SESSION_MINUTES = 45 + 15  # the round, then reviewing your answer
STORY_WRITE_MINUTES = 30
STORY_REHEARSE_MINUTES = 10
# Saying an ML breadth answer out loud again, or writing it the first time: about as long as a
# story's rehearsal.
BREADTH_MINUTES = STORY_REHEARSE_MINUTES
MOCK_REVIEW_MINUTES = 15
MAX_MOCKS = 4
# Mocks recorded this recently count towards the ones the plan asks for.
RECENT_MOCK_DAYS = 28
# Reviews may take up to this share of a day; the rest of what is due waits for the next days.
REVIEW_SHARE_OF_DAY = 0.5

# When not everything fits, lower comes first: the company's most frequent problems, then the
# core of the roadmap, the company's class-design problems, the rest of the roadmap, Learn cards.
COMPANY_PRIORITY, ROADMAP_PRIORITY, DESIGN_PRIORITY, LEARN_PRIORITY = 1000, 3000, 2500, 4000

# Typical rounds when a target has no loop in the catalogue: phone screen plus a Meta E5 onsite.
FALLBACK_WEIGHTS = {"coding": 3.0, "ml_design": 1.0, "behavioral": 1.0}

HEATMAP_WEEKS = 26
# What a planned problem shows (its title and links) and needs (difficulty, for its minutes).
PROBLEM_FIELDS = ("slug", "title", "difficulty", "is_archived", "leetcode_id")
ROUND_NAMES = {"coding": "coding", "ml_design": "ML system design", "behavioral": "behavioral"}


def progress_rows(user) -> list[tuple[int, str, int]]:
    """(problem id, status, minutes spent) of each of the candidate's problems: one query, for
    the estimates, the new work and the statuses Today shows."""
    rows = ProblemProgress.objects.filter(user=user)
    return list(rows.values_list("problem_id", "status", "minutes_spent"))


def estimates(progress: list[tuple[int, str, int]]) -> dict[str, int]:
    """Minutes per problem by difficulty: the candidate's own average where they recorded
    enough (in `progress`, progress_rows), else the published estimate."""
    of = difficulties()
    spent: dict[str, list[int]] = defaultdict(list)
    for problem, _, minutes in progress:
        if minutes and minutes > 0:
            spent[of.get(problem)].append(minutes)
    found = dict(PROBLEM_MINUTES)
    for difficulty, minutes in spent.items():
        if len(minutes) >= OWN_MINUTES_AFTER and difficulty in found:
            found[difficulty] = max(1, round(sum(minutes) / len(minutes)))
    return found


def difficulties() -> dict[int, str]:
    """Every problem's difficulty by its id, archived ones too: read once per catalogue
    version. Shared between requests: read it, never change it."""
    build = lambda: dict(Problem.objects.values_list("pk", "difficulty"))  # noqa: E731
    return cached_fragment("difficulties", build)


def round_weights(profile: Profile, loop: Loop | None) -> dict[str, float]:
    """How much each kind of round weighs in the loop: one per onsite round, and the phone
    screen split between coding and behavioral by its minutes."""
    if loop is None:
        return dict(FALLBACK_WEIGHTS)
    segments = profile.target_level.phone_screen_segments
    coding = sum(s.minutes for s in segments if s.kind == PhoneScreenSegment.Kind.CODING)
    talk = sum(s.minutes for s in segments if s.kind == PhoneScreenSegment.Kind.BEHAVIORAL)
    phone_coding = coding / (coding + talk) if coding + talk else 1.0
    return {
        "coding": loop.onsite_coding_rounds + phone_coding,
        "ml_design": float(loop.onsite_ml_design_rounds),
        "behavioral": loop.onsite_behavioral_rounds + (1 - phone_coding),
    }


def _problem_item(
    problem: Problem, track: str, priority: int, minutes: dict, url_prefix: str
) -> plan.Item:
    return plan.Item(
        key=f"problem:{problem.pk}",
        track=track,
        title=problem.title,
        minutes=minutes.get(problem.difficulty, PROBLEM_MINUTES["medium"]),
        priority=priority,
        url=f"{url_prefix}{problem.slug}/",
        payload=problem,
    )


def _learn_items(user) -> list[plan.Item]:
    """Chapters not finished, and cards without chapters not ticked, in card order: the
    catalogue's once per version, the candidate's ticks in two queries."""
    done = {
        "learnchapter": set(
            ChapterDone.objects.filter(user=user).values_list("chapter_id", flat=True)
        ),
        "learncard": set(CardDone.objects.filter(user=user).values_list("card_id", flat=True)),
    }
    found = [
        row for row in cached_fragment("learn-rows", _learn_rows) if row[1] not in done[row[0]]
    ]
    return [
        plan.Item(f"{kind}:{pk}", "learn", title, minutes, LEARN_PRIORITY + n, payload=obj)
        for n, (kind, pk, title, minutes, obj) in enumerate(found)
    ]


def _learn_rows() -> list[tuple]:
    """(kind, id, title, minutes, row) of every active chapter, and of every active card
    without chapters, in card order. Shared between requests: read them, never change them."""
    chapters = LearnChapter.objects.active().select_related("card")
    with_chapters = LearnChapter.objects.active().filter(card=OuterRef("pk"))
    cards = LearnCard.objects.active().exclude(Exists(with_chapters))
    found = [
        ((c.card.position, c.position), ("learnchapter", c.pk, c.name, CHAPTER_MINUTES, c))
        for c in chapters
    ]
    found += [((c.position, 0), ("learncard", c.pk, c.name, CARD_MINUTES, c)) for c in cards]
    found.sort(key=lambda row: row[0])
    return [row for _, row in found]


def _path_entries(target_company_id, primary_id) -> list[ListEntry]:
    """Every active entry of the study path's lists (the roadmaps, the target company's primary
    and class-design lists), in path order: the same for everyone aiming at that company, so
    built once per catalogue version. Shared between requests: read them, never change them."""
    core = (
        ListEntry.objects.active()
        .filter(problem_list__kind=ProblemList.Kind.ROADMAP, problem=OuterRef("problem"))
        .values("problem")
        .annotate(n=Count("id"))
        .values("n")
    )
    path = Q(problem_list__kind=ProblemList.Kind.ROADMAP) | Q(
        problem_list__company=target_company_id, problem_list__kind=ProblemList.Kind.DESIGN
    )
    if primary_id is not None:
        path |= Q(problem_list=primary_id)
    return list(
        ListEntry.objects.active()
        .filter(path)
        .annotate(roadmaps=core, kind=F("problem_list__kind"))
        .select_related("problem")
        .only("problem_id", "position", "rank", *(f"problem__{f}" for f in PROBLEM_FIELDS))
        .order_by("problem_list__position", "position")
    )


def _problem_items(
    profile: Profile, company, minutes: dict, statuses: dict[int, str], active: list["CardRow"]
) -> list[plan.Item]:
    """Roadmap, company list and class-design problems not yet done, each problem once, under
    the first track of the path that holds it and the best priority any list gives it.
    `statuses` are the candidate's, `active` their review cards that still come up."""
    primary = company.primary.pk if company.primary is not None else None
    target = profile.target_company_id
    path = cached_fragment("path-entries", lambda: _path_entries(target, primary), target, primary)
    # Solved or set aside: no longer on the plan.
    finished = {Status.SOLVED, Status.NEEDS_REVIEW, Status.SKIPPED}
    done = {problem for problem, status in statuses.items() if status in finished}
    # A problem with a review card that still comes up (an attempt rated Again, a mock not
    # solved) comes back as a review, so it is not new work as well.
    done.update(card.problem_id for card in active if card.problem_id is not None)
    entries = [entry for entry in path if entry.problem_id not in done]
    track_order = {"roadmap": 0, "company": 1, "class_design": 2}
    best: dict[int, tuple] = {}
    for n, entry in enumerate(entries):
        kind = entry.kind
        if kind == ProblemList.Kind.ROADMAP:
            # A problem on more roadmaps is more central (Blind 75 sits inside NeetCode 150).
            track, priority = "roadmap", ROADMAP_PRIORITY - 500 * ((entry.roadmaps or 1) - 1) + n
        elif kind == ProblemList.Kind.DESIGN:
            track, priority = "class_design", DESIGN_PRIORITY + entry.position
        else:
            track, priority = "company", COMPANY_PRIORITY + (entry.rank or entry.position)
        seen = best.get(entry.problem_id)
        if seen is None:
            best[entry.problem_id] = (track_order[track], n, track, priority, entry.problem)
        else:
            first = min(seen[:3], (track_order[track], n, track))
            best[entry.problem_id] = (*first, min(seen[3], priority), entry.problem)
    rows = sorted(best.values(), key=lambda row: row[:2])
    # Reversed once, not once per problem: a plan holds hundreds of them.
    prefix = reverse("prep:problem-detail", args=["-"]).removesuffix("-/")
    return [
        _problem_item(problem, track, priority, minutes, prefix)
        for *_, track, priority, problem in rows
    ]


def _design_items(user) -> list[plan.Item]:
    """Stages not studied, then catalogue prompts never practised: the catalogue's once per
    version, the candidate's in two queries."""
    studied = set(StageStudied.objects.filter(user=user).values_list("stage_id", flat=True))
    tried = set(DesignAttempt.objects.filter(user=user).values_list("prompt_id", flat=True))
    stages, prompts = cached_fragment("design-rows", _design_rows)
    items = [
        plan.Item(
            f"designstage:{s.pk}",
            "ml_design",
            f"Study stage {s.position}: {s.name}",
            STAGE_MINUTES,
            100 + s.position,
            payload=s,
        )
        for s in stages
        if s.pk not in studied
    ]
    items += [
        plan.Item(
            f"practiceprompt:{p.pk}",
            "ml_design",
            f"Practise: {p.title}",
            DESIGN_SESSION_MINUTES,
            200 + n,
            url=url,
            payload=p,
        )
        for n, (p, url) in enumerate((p, url) for p, url in prompts if p.pk not in tried)
    ]
    return items


def _design_rows() -> tuple[list, list]:
    """The active stages, and the catalogue's active prompts with their addresses. Shared
    between requests: read them, never change them."""
    prompts = PracticePrompt.objects.active().catalogue()
    return list(DesignStage.objects.active()), [(p, p.get_absolute_url()) for p in prompts]


def _story_items(user) -> list[plan.Item]:
    """A story to write for each focus area without one, then rehearsed; drafted stories to
    rehearse."""
    # An area counts as covered once a whole story (all four STAR parts) is tagged with it.
    whole = Story.objects.complete().filter(user=user)
    tagged = Story.focus_areas.through.objects.filter(story__in=whole)
    covered = set(tagged.values_list("focusarea_id", flat=True))
    areas = cached_fragment("plan-areas", lambda: list(FocusArea.objects.active()))
    items = []
    for area in (area for area in areas if area.pk not in covered):
        write = f"write:{area.pk}"
        items.append(
            plan.Item(
                write,
                "stories",
                f"Write a story on {area.name.lower()}",
                STORY_WRITE_MINUTES,
                100 + area.position,
                payload=area,
            )
        )
        items.append(
            plan.Item(
                f"rehearse:{area.pk}",
                "stories",
                f"Rehearse your {area.name.lower()} story",
                STORY_REHEARSE_MINUTES,
                150 + area.position,
                after=write,
                payload=area,
            )
        )
    drafted = Story.objects.filter(user=user, state=Story.State.DRAFTED).order_by("created_at")
    items += [
        plan.Item(
            f"story:{s.pk}",
            "stories",
            f"Rehearse “{s.title}”",
            STORY_REHEARSE_MINUTES,
            120 + n,
            url=s.get_absolute_url(),
            payload=s,
        )
        for n, s in enumerate(drafted)
    ]
    return items


def _mock_items(user, profile: Profile, today: date, weeks: int) -> list[plan.Item]:
    """Mock phone screens for the last weeks: about one a week over the second half, up to
    four, less the ones recorded over the last four weeks. One query."""
    wanted = max(1, min(MAX_MOCKS, math.ceil(weeks / 2))) if weeks else 0
    # From the start of the candidate's day four weeks ago, so the count holds all day.
    first_day = today - timedelta(days=RECENT_MOCK_DAYS)
    since = datetime.combine(first_day, time.min, tzinfo=profile.zone)
    done = MockRound.objects.filter(user=user, is_recorded=True, started_at__gte=since).count()
    count = max(0, wanted - done)
    minutes = (profile.target_level.phone_screen_minutes or 45) + MOCK_REVIEW_MINUTES
    return [
        plan.Item(f"mock:{n}", "mocks", "Mock phone screen", minutes, 500 + n)
        for n in range(1, count + 1)
    ]


@dataclass
class Coach:
    """Everything Today, the plan page and the mentor's copy show."""

    profile: Profile
    today: date
    plan: plan.Plan
    due_today: list[tuple[int, int]]  # the ids of the cards due today, with their minutes
    reviews_waiting: int
    done_ids: list[int]  # cards of what was done today, to rate
    done_minutes: int
    heatmap: "Heatmap"
    estimates: dict[str, int] = field(default_factory=dict)
    weights: list[tuple[str, float]] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)

    @property
    def active_days(self) -> int:
        """Days with any work in the last four weeks, today included."""
        return self.heatmap.active_days(self.today - timedelta(days=27))

    @property
    def days_left(self) -> int | None:
        return self.profile.days_left(self.today)

    @property
    def review_minutes(self) -> int:
        return sum(minutes for _, minutes in self.reviews_today)

    @cached_property
    def _cards(self) -> dict[int, ReviewCard]:
        """Today's cards whole, for their rating forms: one query for those due and those done,
        made by the page that shows them (Today), not by others sharing the plan (the
        mentor's). Read under the same data version as the rest, so the same cards."""
        wanted = [pk for pk, _ in self.due_today] + self.done_ids
        whole = ReviewCard.objects.select_related("problem", "story", "question")
        return whole.in_bulk(wanted) if wanted else {}

    @property
    def reviews_today(self) -> list[tuple[ReviewCard, int]]:
        return [(self._cards[pk], each) for pk, each in self.due_today if pk in self._cards]

    @property
    def done_today(self) -> list[ReviewCard]:
        return [self._cards[pk] for pk in self.done_ids if pk in self._cards]

    @property
    def today_minutes(self) -> int:
        return self.review_minutes + self.plan.today_minutes

    @property
    def day_minutes(self) -> int:
        return round(self.profile.weekly_hours * 60 / 7)

    @property
    def behind_hours(self) -> int:
        return max(1, round(self.plan.shortfall / 60)) if self.plan.shortfall else 0

    @cached_property
    def heatmap_html(self) -> str:
        """The activity heatmap (some 180 cells), rendered once while the plan is kept: it shows
        figures only, no form, so the same HTML serves every page and visit until it changes."""
        context = {
            "title_id": "heatmap-title",
            "heatmap": self.heatmap,
            "today": self.today,
            "active_days": self.active_days,
            "zone_name": self.profile.time_zone,
            "head": self.heatmap.head_html(),
            "body": self.heatmap.body_html(self.today),
        }
        return render_to_string("prep/_heatmap.html", context)


def left_out_by_track(planned: plan.Plan) -> list[tuple[str, int, int]]:
    """(track, items, minutes) of what the plan leaves out, in path order of the tracks."""
    found: dict[str, list[int]] = {track: [0, 0] for track in plan.TRACKS}
    for item in planned.left_out:
        found[item.track][0] += 1
        found[item.track][1] += item.minutes
    return [(track, n, minutes) for track, (n, minutes) in found.items() if n]


def plan_weeks(profile: Profile, today: date) -> int:
    end = profile.interview_date
    days = (end - today).days if end and end >= today else plan.DEFAULT_WEEKS * 7
    return math.ceil(days / 7)


def coach_for(user, profile: Profile, *, readiness: "Readiness | None" = None) -> "Coach":
    """The candidate's plan from today, reviews due, what they did today, and their activity.
    A page that worked out `readiness` already passes it, for its company lists and loop.

    Kept until the candidate's data or the catalogue change, or their day does: everything
    here is worked out by the day, never by the minute."""
    today = profile.today()
    return cached_for_user(
        "coach", profile, lambda: _coach_for(user, profile, today, readiness), today
    )


def _coach_for(user, profile: Profile, today: date, readiness: "Readiness | None") -> "Coach":
    progress = progress_rows(user)
    minutes = estimates(progress)
    if readiness is not None:
        company, loop = readiness.company, readiness.loop
    else:
        company = companies.lists_of(profile.target_company)
        loop = loop_for(profile)
    statuses = {problem: status for problem, status, _ in progress}
    cards = card_rows(user)
    active = active_cards(cards, statuses)
    learn, design, stories, mocks = cached_for_user(
        "plan-rest", profile, lambda: _rest_items(user, profile, today), today, practice=False
    )
    items = [
        *learn,
        *_problem_items(profile, company, minutes, statuses, active),
        *design,
        *stories,
        *mocks,
    ]
    day_minutes = round(profile.weekly_hours * 60 / 7)
    until = today + timedelta(days=7 * plan_weeks(profile, today))
    reserved, due_today, waiting = _review_days(active, today, until, minutes, day_minutes)
    week_start = today - timedelta(days=6)
    per_day, activity = activity_days(user, profile.zone, heatmap_start(today), week_start)
    done, done_minutes = done_on(user, profile, today, minutes, cards, activity)
    recent = recent_by_round(activity, today, minutes)
    interview = profile.interview_date
    given = plan.PlanInput(
        today=today,
        interview_date=interview if interview and interview >= today else None,
        minutes_per_week=profile.weekly_hours * 60,
        round_weights=round_weights(profile, loop),
        reserved=reserved,
        done_today=done_minutes,
        recent=recent,
    )
    planned = plan.build_plan(items, given)
    # A card due today is listed under Reviews due, not again under Done today.
    listed = {pk for pk, _ in due_today}
    problems_today = [i.payload.pk for i in planned.today if i.key.startswith("problem:")]
    return Coach(
        profile=profile,
        today=today,
        plan=planned,
        due_today=due_today,
        reviews_waiting=waiting,
        done_ids=[card.pk for card in done if card.pk not in listed],
        done_minutes=done_minutes,
        heatmap=heatmap(per_day, today),
        estimates=minutes,
        weights=[(ROUND_NAMES[kind], w) for kind, w in given.round_weights.items() if w],
        statuses={pk: statuses[pk] for pk in problems_today if pk in statuses},
    )


def _rest_items(user, profile: Profile, today: date) -> tuple[list[plan.Item], ...]:
    """The plan's items beyond problems: Learn, design, stories and mocks. They read none of
    the candidate's practice log, so a status tick leaves them kept."""
    weeks = plan_weeks(profile, today)
    return (
        _learn_items(user),
        _design_items(user),
        _story_items(user),
        _mock_items(user, profile, today, weeks),
    )


class CardRow(NamedTuple):
    """A review card as the plan needs it, without its subject: read as a plain row."""

    pk: int
    problem_id: int | None
    story_id: int | None
    question_id: int | None
    due_on: date
    difficulty: str | None  # its problem's
    created_at: datetime


def card_rows(user) -> list[CardRow]:
    """Every review card of the candidate's, as plain rows: one query, which the plan's new
    work, its reviews and today's work done all read."""
    fields = ("pk", "problem_id", "story_id", "question_id", "due_on", "created_at")
    rows = ReviewCard.objects.filter(user=user).values_list(*fields)
    of = difficulties()
    return [
        CardRow(pk, problem, story, question, due_on, of.get(problem), created_at)
        for pk, problem, story, question, due_on, created_at in rows
    ]


def active_cards(cards: list[CardRow], statuses: dict[int, str]) -> list[CardRow]:
    """Those of `cards` (rows, or whole cards) that still come up, as `reviews.active` says,
    worked out from rows at hand: a story's always, a problem's while its progress (`statuses`)
    is not set aside, a breadth question's while it is in the bank."""
    bank = cached_fragment("bank-questions", _bank_questions)
    return [
        card
        for card in cards
        if card.story_id is not None
        or (
            card.problem_id is not None
            and statuses.get(card.problem_id, SET_ASIDE[0]) not in SET_ASIDE
        )
        or (card.question_id is not None and card.question_id in bank)
    ]


def _bank_questions() -> frozenset[int]:
    """The breadth questions in the bank: active, in an active topic."""
    active = BreadthQuestion.objects.filter(is_archived=False, topic__is_archived=False)
    return frozenset(active.values_list("pk", flat=True))


def _review_days(active: list[CardRow], today: date, until: date, minutes: dict, day_minutes: int):
    """The ids of cards due today with their minutes, the minutes reviews take on each day
    ahead, and how many due reviews wait for the coming days, from the `active` cards.

    Reviews take at most half of any day, oldest due first, and a review never moves before
    its due day: a pile of overdue reviews, or a crowded day ahead, spills over into the next
    days instead of crowding out all new work."""
    cap = max(1, round(day_minutes * REVIEW_SHARE_OF_DAY))
    due = sorted((c for c in active if c.due_on <= today), key=lambda c: (c.due_on, c.pk))
    ahead: dict[tuple[date, str], int] = defaultdict(int)
    for card in active:
        if today < card.due_on <= until:
            ahead[card.due_on, card.difficulty or ""] += 1
    # (due day, minutes each, how many, the card when due today)
    queue = [
        (
            today,
            _review_minutes_for(card.difficulty if card.problem_id else None, minutes),
            1,
            card.pk,
        )
        for card in due
    ]
    for (due_on, difficulty), count in sorted(ahead.items()):
        queue.append((due_on, _review_minutes_for(difficulty or None, minutes), count, None))
    reserved: dict[date, int] = defaultdict(int)
    todays: list[tuple[int, int]] = []
    day, used = today, 0
    for due_on, each, count, card in queue:
        if due_on > day:
            day, used = due_on, 0
        for _ in range(count):
            if used and used + each > cap:
                day, used = day + timedelta(days=1), 0
            used += each
            reserved[day] += each
            if day == today and card is not None:
                todays.append((card, each))
    return dict(reserved), todays, len(due) - len(todays)


def _review_minutes_for(difficulty: str | None, minutes: dict) -> int:
    """A review is a quicker second go: half the problem's estimate, at least ten minutes; a
    story's rehearsal and a breadth question's answer (no difficulty) take their usual ten."""
    if not difficulty:
        return STORY_REHEARSE_MINUTES
    return max(10, minutes.get(difficulty, PROBLEM_MINUTES["medium"]) // 2)


ROUND_OF_ITEM = {
    "problem": "coding",
    "learnchapter": "coding",
    "learncard": "coding",
    "mockround": "coding",
    "designstage": "ml_design",
    "practiceprompt": "ml_design",
    "story": "behavioral",
    "breadthquestion": "ml_design",
}


def recent_by_round(activity: list[tuple[date, str]], today: date, minutes: dict) -> dict[str, int]:
    """Estimated minutes of work per round over the last seven days, today included, for
    Today to start with the round that is furthest behind, from the candidate's `activity`
    (activity_days, since six days ago at least)."""
    since = today - timedelta(days=6)
    keys = {item for day, item in activity if day >= since}
    found: dict[str, int] = defaultdict(int)
    for key in keys:
        kind = key.split(":", 1)[0]
        each = minutes.get("medium", 28) if kind == "problem" else ITEM_MINUTES.get(kind, 0)
        found[ROUND_OF_ITEM.get(kind, "coding")] += each
    return dict(found)


ITEM_MINUTES = {
    "learnchapter": CHAPTER_MINUTES,
    "learncard": CARD_MINUTES,
    "designstage": STAGE_MINUTES,
    "practiceprompt": DESIGN_SESSION_MINUTES,
    "story": STORY_WRITE_MINUTES,
    "mockround": MOCK_REVIEW_MINUTES,  # its problems count on their own
    "breadthquestion": BREADTH_MINUTES,
}


def _day_bounds(zone, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def done_on(
    user,
    profile: Profile,
    day: date,
    minutes: dict,
    cards: list[CardRow],
    activity: list[tuple[date, str]],
) -> tuple[list[CardRow], int]:
    """Of the candidate's `cards`, those of problems solved and of anything rated on a day, to
    rate or re-rate them, and the estimated minutes of everything worked on that day (in their
    `activity`, activity_days): a problem whose status changed at its full estimate, one only
    reviewed at a review's, a story rehearsed at ten minutes and one written at thirty. Two
    queries."""
    start, end = _day_bounds(profile.zone, day)
    keys = {item for worked_on, item in activity if worked_on == day}
    changed = dict(
        ProblemEvent.objects.filter(user=user, created_at__gte=start, created_at__lt=end)
        .order_by("created_at")
        .values_list("problem_id", "status")
    )
    reviewed = set(
        Review.objects.filter(card__user=user, reviewed_on=day).values_list("card_id", flat=True)
    )
    solved = {pk for pk, status in changed.items() if status in SOLVED_STATUSES}
    # Ticked and then set aside again (an undone tick): not work done today.
    undone = {pk for pk, status in changed.items() if status in SET_ASIDE}
    done = sorted(
        (
            card
            for card in cards
            if card.problem_id not in undone and (card.problem_id in solved or card.pk in reviewed)
        ),
        key=lambda card: (card.created_at, card.pk),
    )
    by_problem = {c.problem_id: c for c in done if c.problem_id}
    rehearsed = {c.story_id for c in done if c.story_id and c.pk in reviewed}
    problem_ids = [int(k.split(":")[1]) for k in keys if k.startswith("problem:")]
    problem_ids = [pk for pk in problem_ids if pk not in undone]
    total = 0
    of = difficulties()
    for pk in problem_ids:
        if pk not in of:
            continue  # a problem since deleted
        difficulty = of[pk]
        only_reviewed = pk not in changed and pk in by_problem
        total += (
            _review_minutes_for(difficulty, minutes)
            if only_reviewed
            else minutes.get(difficulty, PROBLEM_MINUTES["medium"])
        )
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind == "story" and int(pk) in rehearsed:
            total += STORY_REHEARSE_MINUTES
        else:
            total += ITEM_MINUTES.get(kind, 0)
    return done, total


# Month names as the heatmap writes them ("%b" in the C locale), without a strftime a cell.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Cell:
    day: date
    count: int
    is_future: bool = False

    @property
    def label(self) -> str:
        when = f"{self.day.day} {MONTHS[self.day.month - 1]}"
        if not self.count:
            return f"No items on {when}"
        return f"{self.count} item{'s' if self.count != 1 else ''} on {when}"

    @property
    def level(self) -> int:
        """0 to 4, for the shade: none, 1, 2-3, 4-6, 7 or more items."""
        if self.count <= 0:
            return 0
        return 1 if self.count == 1 else 2 if self.count <= 3 else 3 if self.count <= 6 else 4


@dataclass
class Heatmap:
    weeks: list[list[Cell]]  # each week Monday to Sunday

    @property
    def rows(self) -> list[tuple[str, list[Cell]]]:
        """Day-of-week rows, for a table with weeks as columns."""
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return [(names[d], [week[d] for week in self.weeks]) for d in range(7)]

    @property
    def columns(self) -> list[tuple[date, str]]:
        """Each week's Monday, and the month's name where a month starts (and first)."""
        found = []
        for n, week in enumerate(self.weeks):
            monday = week[0].day
            starts = n == 0 or any(cell.day.day == 1 for cell in week)
            month = MONTHS[(week[-1].day if n and week[-1].day.day < 7 else monday).month - 1]
            found.append((monday, month if starts else ""))
        return found

    @property
    def total(self) -> int:
        return sum(cell.count for week in self.weeks for cell in week)

    def active_days(self, since: date) -> int:
        return sum(1 for w in self.weeks for c in w if c.day >= since and c.count)

    def head_html(self) -> str:
        """The header row, a column a week: written here, as the rows are."""
        ths = [
            f'<th scope="col"><span class="visually-hidden">Week of {monday.day} '
            f'{MONTHS[monday.month - 1]}</span><span aria-hidden="true">{month}</span></th>'
            for monday, month in self.columns
        ]
        # Safe: digits and month names of ours.
        return mark_safe(f"<tr><td></td>{''.join(ths)}</tr>")

    def body_html(self, today: date) -> str:
        """The table's rows, some 180 cells: written here rather than by a template loop, which
        took most of the heatmap's time. The labels are ours, of digits and month names."""
        rows = []
        for name, cells in self.rows:
            tds = []
            for cell in cells:
                if cell.is_future:
                    tds.append('<td class="heat-future"></td>')
                    continue
                label = escape(cell.label)
                marked = " is-today" if cell.day == today else ""
                tds.append(
                    f'<td class="heat-{cell.level}{marked}" title="{label}">'
                    f'<span class="visually-hidden">{label}</span>'
                    f'<span aria-hidden="true">{cell.count or ""}</span></td>'
                )
            rows.append(f'<tr><th scope="row">{name}</th>{"".join(tds)}</tr>')
        # Safe: every value above is escaped, or a number, a date or a name of ours.
        return mark_safe("\n".join(rows))


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday the heatmap starts on: `weeks` weeks of Mondays to Sundays, today's last."""
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))


def activity_days(
    user, zone, first: date, recent_from: date
) -> tuple[dict[date, int], list[tuple[date, str]]]:
    """How many distinct items the candidate worked on each day since `first`, and (day, item)
    for everything since `recent_from`, days in their time zone: what the heatmap, today's work
    and the week's work read.

    PostgreSQL counts per day itself, in the zone, and the recent rows are a second query. On
    SQLite Django converts each row's time zone in Python (TruncDate with a zone), more slowly
    than here, so one query reads the rows and Python counts them."""
    mine = Activity.objects.filter(user=user)
    if connection.vendor != "sqlite":
        start, _ = _day_bounds(zone, first)
        counts = dict(
            mine.filter(at__gte=start)
            .annotate(day=TruncDate("at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("item", distinct=True))
            .values_list("day", "n")
        )
        recent_start, _ = _day_bounds(zone, recent_from)
        rows = mine.filter(at__gte=recent_start).values_list("at", "item")
        return counts, [(at.astimezone(zone).date(), item) for at, item in rows]
    start, _ = _day_bounds(zone, min(first, recent_from))
    rows = mine.filter(at__gte=start).values_list("at", "item")
    found = [(at.astimezone(zone).date(), item) for at, item in rows]
    items: dict[date, set[str]] = defaultdict(set)
    for day, item in found:
        if day >= first:
            items[day].add(item)
    counts = {day: len(distinct) for day, distinct in items.items()}
    return counts, [(day, item) for day, item in found if day >= recent_from]


def heatmap(counts: dict[date, int], today: date, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    """Distinct items worked on per day over the last `weeks` weeks, Monday-first, from the
    candidate's `counts` per day (activity_days, from heatmap_start)."""
    first = heatmap_start(today, weeks)
    grid = []
    for w in range(weeks):
        monday = first + timedelta(days=7 * w)
        days = [monday + timedelta(days=d) for d in range(7)]
        grid.append([Cell(day, counts.get(day, 0), day > today) for day in days])
    return Heatmap(grid)

"""A study plan from today to the interview, week by week: pure and deterministic.

The caller turns the database into `Item`s, given in the guide's path order (learn chapters, the
roadmap, company problems, class design, ML design, stories, mocks); `build_plan` decides what
fits and when. It reads no clock and no database, so the same input always gives the same plan.

How a plan is made:
1. Weeks: rolling 7-day chunks from today to the day before the interview, each with a budget
   (the weekly time pro rata, less reviews already due and less work already done today).
2. Choice: when not everything fits, each round keeps its most valuable items (lowest priority)
   within its weighted share of the whole capacity; what a round cannot use goes to the others.
3. Schedule: mocks go first, into the last weeks; then each week takes the kept items of each
   round in path order, giving the next slot to the round most behind its weighted share of all
   the minutes planned so far. A kept item that cannot be placed is left out too.
4. Order: each week's items interleave the rounds; today's share is taken from week 1's head.

An `after` must name an item earlier in the given order (a prerequisite comes first on a path):
one naming the item itself or a later item is contradictory, and the item is left out. Mocks are
placed by their own rule (the last weeks), so path order binds them only among themselves; in a
week they come after its other coding items, so an item `after` a mock waits for the next week.
"""

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

TRACKS = ("learn", "roadmap", "company", "class_design", "ml_design", "stories", "mocks")
ROUND_OF_TRACK = {
    "learn": "coding",
    "roadmap": "coding",
    "company": "coding",
    "class_design": "coding",
    "mocks": "coding",
    "ml_design": "ml_design",
    "stories": "behavioral",
}
ROUNDS = ("coding", "ml_design", "behavioral")  # Ties between rounds go in this order.
DEFAULT_WEEKS = 8


@dataclass(frozen=True)
class Item:
    """One thing to study, with the caller's estimate of its time and value."""

    key: str  # unique among the items given
    track: str  # one of TRACKS
    title: str
    minutes: int  # estimated minutes, > 0
    priority: int  # lower is more valuable: what is kept first when not everything fits
    url: str = ""
    after: str | None = None  # key of an item that must be done before this one
    payload: object = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class PlanInput:
    """What a plan is made from: the dates, the time per week and the weight of each round."""

    today: date
    interview_date: date | None
    minutes_per_week: int  # > 0
    round_weights: dict[str, float]  # "coding" / "ml_design" / "behavioral" -> weight >= 0
    reserved: dict[date, int] = field(default_factory=dict)  # minutes already spoken for on a day
    done_today: int = 0  # minutes of work already done today
    recent: dict[str, int] = field(default_factory=dict)  # round -> minutes done in the last week


@dataclass
class Week:
    """Seven days of the plan (the last week may be shorter) and what to study in them."""

    number: int  # 1-based
    start: date
    end: date  # inclusive
    budget: int  # minutes available for plan items this week
    reserved: int  # minutes reserved this week (reviews), already taken out of budget
    items: list[Item]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


@dataclass
class Plan:
    """The weeks up to the interview, what did not fit, and what to do today."""

    weeks: list[Week]
    left_out: list[Item]  # items that did not fit, in priority order
    today: list[Item]  # today's share (a subset of week 1, in week-1 order)
    day_budget: int  # minutes for plan items today
    start: date
    end: date | None  # last day planned (the day before the interview); None if no days
    assumed_end: bool  # no (future) interview date was given, so DEFAULT_WEEKS were planned
    needed: int  # minutes of all items given

    @property
    def planned(self) -> int:
        return sum(week.minutes for week in self.weeks)

    @property
    def capacity(self) -> int:
        return sum(week.budget for week in self.weeks)

    @property
    def fits(self) -> bool:
        return not self.left_out

    @property
    def shortfall(self) -> int:
        return sum(item.minutes for item in self.left_out)

    @property
    def today_minutes(self) -> int:
        return sum(item.minutes for item in self.today)


def build_plan(items: Sequence[Item], given: PlanInput) -> Plan:
    """Plan `items` (in path order) from `given.today` to the day before the interview."""
    items = list(items)
    _check(items)
    days, assumed_end = _days_planned(given)
    weeks = _weeks(given, days)
    after = _after_indexes(items)
    biggest = max((week.budget for week in weeks), default=0)
    plannable = _plannable(items, after, biggest)
    shares = _shares(given.round_weights, {_round(items[i]) for i in plannable})
    capacity = sum(week.budget for week in weeks)
    kept = _choose(items, after, plannable, shares, capacity)
    placed = _Scheduler(items, after, kept, shares).run(weeks)
    for week, indexes in zip(weeks, placed, strict=True):
        week.items = [items[i] for i in _order_week(items, after, indexes, shares)]
    in_weeks = {i for indexes in placed for i in indexes}
    left_out = sorted(
        (i for i in range(len(items)) if i not in in_weeks), key=lambda i: (items[i].priority, i)
    )
    day_budget = _day_budget(given, weeks)
    return Plan(
        weeks=weeks,
        left_out=[items[i] for i in left_out],
        today=_todays_share(weeks[0].items, day_budget, _first_round(given, shares))
        if weeks
        else [],
        day_budget=day_budget,
        start=given.today,
        end=given.today + timedelta(days=days - 1) if days else None,
        assumed_end=assumed_end,
        needed=sum(item.minutes for item in items),
    )


def _check(items: list[Item]) -> None:
    """Refuse items the planner cannot reason about: they are the caller's bug, not the user's."""
    keys = set()
    for item in items:
        if item.track not in ROUND_OF_TRACK:
            raise ValueError(f"Item {item.key!r} has an unknown track {item.track!r}.")
        if item.minutes < 1:
            raise ValueError(f"Item {item.key!r} must take at least a minute, not {item.minutes}.")
        if item.key in keys:
            raise ValueError(f"Two items have the key {item.key!r}.")
        keys.add(item.key)


def _round(item: Item) -> str:
    return ROUND_OF_TRACK[item.track]


def _days_planned(given: PlanInput) -> tuple[int, bool]:
    """How many days to plan, and whether the end was assumed for want of a future interview."""
    if given.interview_date is None or given.interview_date < given.today:
        return DEFAULT_WEEKS * 7, True
    return (given.interview_date - given.today).days, False


def _weeks(given: PlanInput, days: int) -> list[Week]:
    """Rolling 7-day weeks from today, each budget pro rata less its reviews (and, in week 1,
    overdue reviews and the work already done today)."""
    overdue = sum(minutes for day, minutes in given.reserved.items() if day < given.today)
    weeks: list[Week] = []
    for number, offset in enumerate(range(0, days, 7), start=1):
        length = min(7, days - offset)
        start = given.today + timedelta(days=offset)
        end = start + timedelta(days=length - 1)
        reserved = sum(minutes for day, minutes in given.reserved.items() if start <= day <= end)
        done = 0
        if number == 1:
            reserved += overdue
            done = given.done_today
        budget = max(0, round(given.minutes_per_week * length / 7) - reserved - done)
        weeks.append(Week(number, start, end, budget, reserved, items=[]))
    return weeks


def _after_indexes(items: list[Item]) -> list[int | None]:
    """For each item, the index of its `after` item, or None when that is not among the items
    (then it counts as done)."""
    index_of = {item.key: i for i, item in enumerate(items)}
    return [None if item.after is None else index_of.get(item.after) for item in items]


def _plannable(items: list[Item], after: list[int | None], biggest: int) -> list[int]:
    """Indexes of the items that could be planned at all: they fit some week, and their `after`
    item comes earlier on the path and is plannable itself."""
    ok: list[bool] = []
    for i, item in enumerate(items):
        prerequisite = after[i]
        fits = item.minutes <= biggest
        if prerequisite is not None:
            fits = fits and prerequisite < i and ok[prerequisite]
        ok.append(fits)
    return [i for i, fits in enumerate(ok) if fits]


def _shares(weights: dict[str, float], rounds: set[str]) -> dict[str, float]:
    """Each round's share of the time, counting only the rounds that have items. When none of
    them has a positive weight, they share equally."""
    raw = {name: max(0.0, float(weights.get(name, 0.0))) for name in ROUNDS if name in rounds}
    total = sum(raw.values())
    if total == 0:
        return {name: 1 / len(raw) for name in raw}
    return {name: weight / total for name, weight in raw.items()}


def _choose(
    items: list[Item],
    after: list[int | None],
    candidates: list[int],
    shares: dict[str, float],
    capacity: int,
) -> set[int]:
    """The items worth keeping: first each round's most valuable within its share of the
    capacity; then what the rounds left unused goes to the rest, the round most behind first."""
    kept: set[int] = set()
    room = {name: share * capacity for name, share in shares.items()}
    by_round = {name: name for name in shares}
    _take_best_first(items, after, candidates, kept, shares, room, by_round)
    unused = {"all": capacity - sum(items[i].minutes for i in kept)}
    _take_best_first(items, after, candidates, kept, shares, unused, dict.fromkeys(shares, "all"))
    return kept


def _take_best_first(
    items: list[Item],
    after: list[int | None],
    candidates: list[int],
    kept: set[int],
    shares: dict[str, float],
    room: dict[str, float],
    pool: dict[str, str],
) -> None:
    """Add to `kept`, round by round (the round most behind its share first), each round's most
    valuable candidates that fit the room of its pool. An item can only be kept after its
    `after` item, so it becomes a candidate as soon as that one is kept."""
    best: dict[str, list[tuple[int, int]]] = {name: [] for name in shares}  # heaps
    waiting: dict[int, list[int]] = {}
    for i in candidates:
        if i in kept:
            continue
        prerequisite = after[i]
        if prerequisite is None or prerequisite in kept:
            heapq.heappush(best[_round(items[i])], (items[i].priority, i))
        else:
            waiting.setdefault(prerequisite, []).append(i)
    used = dict.fromkeys(shares, 0)
    for i in kept:
        used[_round(items[i])] += items[i].minutes
    while True:
        ready = []
        for name, heap in best.items():
            # What does not fit now never will: the room only shrinks.
            while heap and items[heap[0][1]].minutes > room[pool[name]]:
                heapq.heappop(heap)
            if heap:
                ready.append(name)
        name = _most_behind(ready, used, shares)
        if name is None:
            return
        _, i = heapq.heappop(best[name])
        kept.add(i)
        used[name] += items[i].minutes
        room[pool[name]] -= items[i].minutes
        for dependent in waiting.get(i, []):
            heapq.heappush(best[_round(items[dependent])], (items[dependent].priority, dependent))


def _mock_weeks(count: int, weeks: int) -> list[int]:
    """The week (0-based) of each mock, in path order: one per week from the last week
    backwards, wrapping around to the last week again; earlier mocks in earlier weeks."""
    return sorted(weeks - 1 - j % weeks for j in range(count))


def _most_behind(rounds: list[str], used: dict[str, int], shares: dict[str, float]) -> str | None:
    """Of `rounds`, the one furthest below its share of the minutes so far. Rounds weighing
    nothing come last: they only get time that no weighted round can use."""
    total = sum(used.values())
    best, best_key = None, None
    for name in rounds:
        key = (shares[name] > 0, shares[name] * total - used[name])
        if best_key is None or key > best_key:
            best, best_key = name, key
    return best


class _Scheduler:
    """Places the kept items week by week; what it cannot place is left out."""

    def __init__(
        self, items: list[Item], after: list[int | None], kept: set[int], shares: dict[str, float]
    ) -> None:
        self.items = items
        self.after = after
        self.shares = shares
        self.is_mock = [item.track == "mocks" for item in items]
        self.queues: dict[str, deque[int]] = {name: deque() for name in ROUNDS}
        self.mocks: deque[int] = deque()
        for i in sorted(kept):
            if self.is_mock[i]:
                self.mocks.append(i)
            else:
                self.queues[_round(items[i])].append(i)
        self.week_of: dict[int, int] = {}  # placed item -> week index
        self.left_out = set(range(len(items))) - kept

    def run(self, weeks: list[Week]) -> list[list[int]]:
        """For each week, the indexes of its items in the order they were placed."""
        targets = deque(_mock_weeks(len(self.mocks), len(weeks)))
        placed: list[list[int]] = []
        # Minutes planned so far per round, all weeks together: a round that could not use its
        # share of one week (the next item too big for what was left) catches up in the next.
        used = dict.fromkeys(ROUNDS, 0)
        for w, week in enumerate(weeks):
            largest = max(later.budget for later in weeks[w:])
            here: list[int] = []
            room = week.budget
            # Mocks first, so the last weeks keep room for them.
            room -= self._place_mocks(targets, w, largest, room, here, used)
            # Then the rounds, the next slot to the round most behind whose next item fits.
            while True:
                ready = []
                for name in ROUNDS:
                    head = self._head(name, w, largest)
                    if head is not None and self.items[head].minutes <= room:
                        ready.append(name)
                name = _most_behind(ready, used, self.shares)
                if name is None:
                    break
                room -= self._place(self.queues[name].popleft(), w, here, used)
            # A mock that waited for its `after` item may go now; if not, it tries next week.
            room -= self._place_mocks(targets, w, largest, room, here, used)
            placed.append(here)
        return placed

    def _place_mocks(
        self,
        targets: deque[int],
        w: int,
        largest: int,
        room: int,
        here: list[int],
        used: dict[str, int],
    ) -> int:
        """Place, in order, the mocks due by week `w` that are ready and fit; return their
        minutes. The first that cannot go yet holds back the ones after it."""
        minutes = 0
        while self.mocks and targets[0] <= w:
            i = self.mocks[0]
            status = self._status(i, w)
            if status == "dead" or self.items[i].minutes > largest:
                self.left_out.add(self.mocks.popleft())
                targets.popleft()
                continue
            if status == "wait" or self.items[i].minutes > room - minutes:
                break
            self.mocks.popleft()
            targets.popleft()
            minutes += self._place(i, w, here, used)
        return minutes

    def _place(self, i: int, w: int, here: list[int], used: dict[str, int]) -> int:
        self.week_of[i] = w
        here.append(i)
        used[_round(self.items[i])] += self.items[i].minutes
        return self.items[i].minutes

    def _status(self, i: int, w: int) -> str:
        """Whether item `i` may be placed now in week `w`: "ready"; "wait" while its `after` item
        is still to be placed; "dead" once that one is left out."""
        prerequisite = self.after[i]
        if prerequisite is None:
            return "ready"
        if prerequisite in self.left_out:
            return "dead"
        if prerequisite not in self.week_of:
            return "wait"
        # A week's mocks are ordered after its other items, so what follows a mock waits a week.
        same_week = self.week_of[prerequisite] == w
        if same_week and self.is_mock[prerequisite] and not self.is_mock[i]:
            return "wait"
        return "ready"

    def _head(self, name: str, w: int, largest: int) -> int | None:
        """The round's next item if it is ready; items that can never be placed (too big for
        every week left, or after a left-out item) are left out on the way."""
        queue = self.queues[name]
        while queue:
            i = queue[0]
            status = self._status(i, w)
            if status == "dead" or self.items[i].minutes > largest:
                self.left_out.add(queue.popleft())
                continue
            return i if status == "ready" else None
        return None


def _order_week(
    items: list[Item], after: list[int | None], placed: list[int], shares: dict[str, float]
) -> list[int]:
    """A week's items interleaved so each round stays close to its share at every point, each
    round in its own order (a week's mocks after its other coding items) and `after` honoured.

    The placement order, with the mocks moved to the end, satisfies every constraint, so some
    round can always go next."""
    sequences: dict[str, list[int]] = {name: [] for name in ROUNDS}
    for i in placed:
        if items[i].track != "mocks":
            sequences[_round(items[i])].append(i)
    sequences["coding"] += [i for i in placed if items[i].track == "mocks"]
    in_week = set(placed)
    done: set[int] = set()
    used = dict.fromkeys(ROUNDS, 0)
    position = dict.fromkeys(ROUNDS, 0)
    order: list[int] = []
    while len(order) < len(placed):
        ready = []
        for name in ROUNDS:
            if position[name] < len(sequences[name]):
                prerequisite = after[sequences[name][position[name]]]
                if prerequisite not in in_week or prerequisite in done:
                    ready.append(name)
        name = _most_behind(ready, used, shares)
        i = sequences[name][position[name]]
        position[name] += 1
        used[name] += items[i].minutes
        done.add(i)
        order.append(i)
    return order


def _day_budget(given: PlanInput, weeks: list[Week]) -> int:
    """Minutes for plan items today: a seventh of the week, less today's and overdue reviews and
    the work already done, and never more than week 1 has."""
    if not weeks:
        return 0
    due = sum(minutes for day, minutes in given.reserved.items() if day <= given.today)
    budget = max(0, round(given.minutes_per_week / 7) - due - given.done_today)
    return min(budget, weeks[0].budget)


def _first_round(given: PlanInput, shares: dict[str, float]) -> str | None:
    """The round furthest behind its share of the work done over the last week: today starts
    with it, so a long item (a design session, a mock) gets a day of its own in turn instead
    of never fitting after the day's first problem."""
    weighted = [name for name, share in shares.items() if share > 0]
    if not weighted:
        return None
    done = {name: max(0, given.recent.get(name, 0)) for name in weighted}
    total = sum(done.values())
    return min(weighted, key=lambda name: (done[name] - shares[name] * total) / shares[name])


def _todays_share(week_items: list[Item], day_budget: int, first: str | None = None) -> list[Item]:
    """Week 1's items that fit today, in week order: the first item of the `first` round (a
    mock, for coding, when one is this week) before anything else, then the rest in order,
    skipping what does not fit; one whose `after` item is in week 1 but not taken waits."""
    in_week = {item.key for item in week_items}

    def ready(item: Item, taken: set[str]) -> bool:
        return not (item.after in in_week and item.after not in taken)

    taken: set[str] = set()
    left = day_budget
    mine = [i for i in week_items if _round(i) == first and ready(i, taken)]
    mine.sort(key=lambda i: i.track != "mocks")  # stable: a mock first, then week order
    lead = next((i for i in mine if i.minutes <= left), None)
    if lead is not None:
        taken.add(lead.key)
        left -= lead.minutes
    for item in week_items:
        if item.key not in taken and ready(item, taken) and item.minutes <= left:
            taken.add(item.key)
            left -= item.minutes
    return [item for item in week_items if item.key in taken]

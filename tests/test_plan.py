"""The study-plan generator on its own: no database, just items and dates in, a plan out."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.plan import (
    DEFAULT_WEEKS,
    ROUND_OF_TRACK,
    TRACKS,
    Item,
    Plan,
    PlanInput,
    build_plan,
)

TODAY = date(2025, 3, 3)
E4 = {"coding": 3, "ml_design": 1, "behavioral": 1}
E6 = {"coding": 3, "ml_design": 2, "behavioral": 1}


def item(key: str, track: str, minutes: int = 30, priority: int = 100, **extra) -> Item:
    return Item(key, track, key.title(), minutes, priority, **extra)


def plan_input(days: int | None = 42, hours: float = 10, weights=None, **extra) -> PlanInput:
    """Input for a plan from TODAY, the interview `days` away (None: no date given)."""
    return PlanInput(
        today=TODAY,
        interview_date=None if days is None else TODAY + timedelta(days=days),
        minutes_per_week=round(hours * 60),
        round_weights=E4 if weights is None else weights,
        **extra,
    )


def guide(learn=4, roadmap=10, company=10, class_design=2, ml=6, stories=4, mocks=3) -> list[Item]:
    """Items in the caller's path order; company problems are the most valuable, the most
    frequent first."""
    items = [item(f"learn-{n}", "learn", 45, 300 + n) for n in range(learn)]
    items += [item(f"roadmap-{n}", "roadmap", 30, 200 + n) for n in range(roadmap)]
    items += [item(f"company-{n}", "company", 30, 1 + n) for n in range(company)]
    items += [item(f"class-{n}", "class_design", 60, 400 + n) for n in range(class_design)]
    items += [item(f"ml-{n}", "ml_design", 60, 100 + n) for n in range(ml)]
    items += [item(f"story-{n}", "stories", 30, 100 + n) for n in range(stories)]
    items += [item(f"mock-{n}", "mocks", 60, 50 + n) for n in range(mocks)]
    return items


def week_of(plan: Plan, key: str) -> int | None:
    for week in plan.weeks:
        if any(planned.key == key for planned in week.items):
            return week.number
    return None


def keys(items: list[Item]) -> list[str]:
    return [planned.key for planned in items]


def minutes_of_round(plan: Plan, round_name: str) -> int:
    return sum(
        planned.minutes
        for week in plan.weeks
        for planned in week.items
        if ROUND_OF_TRACK[planned.track] == round_name
    )


# Examples


def test_six_weeks_at_ten_hours_fit_everything():
    items = guide()
    plan = build_plan(items, plan_input(days=42, hours=10))

    assert len(plan.weeks) == 6
    assert [week.budget for week in plan.weeks] == [600] * 6
    assert all(week.minutes <= week.budget for week in plan.weeks)
    assert plan.fits
    assert plan.left_out == []
    assert plan.shortfall == 0
    assert plan.planned == plan.needed == sum(planned.minutes for planned in items)
    assert plan.start == TODAY
    assert plan.end == TODAY + timedelta(days=41)
    assert not plan.assumed_end


def test_weeks_roll_from_today_and_the_last_one_is_short():
    plan = build_plan(guide(), plan_input(days=10, hours=7))

    assert [(week.start, week.end) for week in plan.weeks] == [
        (TODAY, TODAY + timedelta(days=6)),
        (TODAY + timedelta(days=7), TODAY + timedelta(days=9)),
    ]
    assert [week.budget for week in plan.weeks] == [420, 180]


@pytest.mark.parametrize("days", [None, -3])
def test_without_a_future_interview_date_default_weeks_are_planned(days):
    plan = build_plan(guide(), plan_input(days=days))

    assert len(plan.weeks) == DEFAULT_WEEKS
    assert plan.assumed_end
    assert plan.end == TODAY + timedelta(days=DEFAULT_WEEKS * 7 - 1)


def test_interview_today_plans_nothing():
    items = guide()
    plan = build_plan(items, plan_input(days=0))

    assert plan.weeks == []
    assert plan.today == []
    assert plan.day_budget == 0
    assert plan.end is None
    assert not plan.assumed_end
    assert not plan.fits
    assert keys(plan.left_out) == keys(sorted(items, key=lambda planned: planned.priority))


def test_interview_in_two_days_keeps_the_most_frequent_company_problems():
    items = guide(learn=10, roadmap=40, company=40, ml=10, stories=10, mocks=0)
    plan = build_plan(items, plan_input(days=2, hours=10, weights={"coding": 1}))

    assert len(plan.weeks) == 1
    assert plan.end == TODAY + timedelta(days=1)
    assert plan.weeks[0].budget == round(600 * 2 / 7)
    assert plan.weeks[0].minutes <= plan.weeks[0].budget
    planned = keys(plan.weeks[0].items)
    assert planned == [f"company-{n}" for n in range(len(planned))]
    assert len(planned) == plan.weeks[0].budget // 30
    priorities = [(left.priority, items.index(left)) for left in plan.left_out]
    assert priorities == sorted(priorities)
    assert plan.shortfall == plan.needed - plan.planned


def test_senior_weights_plan_more_ml_design_than_mid_level():
    items = guide(learn=10, roadmap=40, company=40, ml=30, stories=20, mocks=2)

    senior = build_plan(items, plan_input(days=28, hours=6, weights=E6))
    mid = build_plan(items, plan_input(days=28, hours=6, weights=E4))

    assert not senior.fits
    assert minutes_of_round(senior, "ml_design") > minutes_of_round(mid, "ml_design")


def test_ml_design_and_stories_start_in_week_one():
    plan = build_plan(guide(roadmap=60, company=60), plan_input(days=56, hours=5))

    tracks = {planned.track for planned in plan.weeks[0].items}
    assert {"ml_design", "stories"} <= tracks


def test_week_interleaves_the_rounds():
    items = [item(f"c{n}", "roadmap") for n in range(6)]
    items += [item(f"m{n}", "ml_design") for n in range(6)]
    items += [item(f"s{n}", "stories") for n in range(6)]
    weights = {"coding": 1, "ml_design": 1, "behavioral": 1}
    plan = build_plan(items, plan_input(days=7, weights=weights))

    assert keys(plan.weeks[0].items)[:6] == ["c0", "m0", "s0", "c1", "m1", "s1"]


def test_mocks_land_in_the_last_weeks():
    items = guide(mocks=3)
    plan = build_plan(items, plan_input(days=56, hours=10))

    assert [week_of(plan, f"mock-{n}") for n in range(3)] == [6, 7, 8]
    assert not any(planned.track == "mocks" for planned in plan.weeks[0].items)


def test_more_mocks_than_weeks_wrap_around_to_the_last_weeks():
    plan = build_plan(guide(mocks=5), plan_input(days=21, hours=10))

    assert [week_of(plan, f"mock-{n}") for n in range(5)] == [1, 2, 2, 3, 3]


def test_mocks_come_after_the_weeks_other_coding_work():
    plan = build_plan(guide(mocks=1), plan_input(days=7, hours=20))

    week_one = plan.weeks[0].items
    coding = [planned.track for planned in week_one if ROUND_OF_TRACK[planned.track] == "coding"]
    assert coding[-1] == "mocks"


def test_a_round_weighing_nothing_only_gets_spare_time():
    weights = {"coding": 1, "ml_design": 1, "behavioral": 0}

    tight = build_plan(guide(roadmap=60, company=60), plan_input(days=14, hours=5, weights=weights))
    roomy = build_plan(guide(), plan_input(days=42, hours=10, weights=weights))

    assert minutes_of_round(tight, "behavioral") == 0
    assert minutes_of_round(roomy, "behavioral") == 4 * 30


def test_reserved_reviews_reduce_their_weeks_budget_and_todays():
    reserved = {
        TODAY - timedelta(days=3): 10,  # overdue: counts on today
        TODAY: 20,
        TODAY + timedelta(days=2): 30,
        TODAY + timedelta(days=8): 40,
        TODAY + timedelta(days=60): 50,  # after the interview: not planned
    }
    plan = build_plan(guide(), plan_input(days=14, hours=10, reserved=reserved))

    assert [week.reserved for week in plan.weeks] == [60, 40]
    assert [week.budget for week in plan.weeks] == [540, 560]
    assert plan.day_budget == round(600 / 7) - 30
    assert all(week.minutes <= week.budget for week in plan.weeks)


def test_done_today_reduces_todays_share_and_week_one():
    plan = build_plan(guide(), plan_input(days=14, hours=10, done_today=60))

    assert plan.weeks[0].budget == 540
    assert plan.day_budget == round(600 / 7) - 60
    assert plan.today_minutes <= plan.day_budget


def test_after_is_honoured_and_a_left_out_after_drops_its_dependents():
    items = [
        item("big", "learn", minutes=700, priority=1),
        item("needs-big", "roadmap", minutes=30, priority=1, after="big"),
        item("then-needs-big", "roadmap", minutes=30, priority=1, after="needs-big"),
        item("study", "ml_design", minutes=60, priority=5),
        item("practice", "ml_design", minutes=60, priority=1, after="study"),
        item("solo", "roadmap", minutes=30, priority=2, after="not-a-key"),
    ]
    plan = build_plan(items, plan_input(days=14, hours=10))

    assert keys(plan.left_out) == ["big", "needs-big", "then-needs-big"]
    week_one = keys(plan.weeks[0].items)
    assert week_one.index("study") < week_one.index("practice")
    assert "solo" in week_one


def test_after_pointing_forward_is_contradictory_and_left_out():
    items = [item("first", "learn", after="second"), item("second", "learn")]
    plan = build_plan(items, plan_input(days=14))

    assert keys(plan.left_out) == ["first"]


def test_an_item_bigger_than_any_week_is_left_out():
    items = [item("huge", "class_design", minutes=601, priority=0), item("small", "learn")]
    plan = build_plan(items, plan_input(days=28, hours=10))

    assert keys(plan.left_out) == ["huge"]
    assert week_of(plan, "small") == 1


def test_todays_share_is_within_week_one_and_the_day_budget():
    plan = build_plan(guide(), plan_input(days=28, hours=10))

    assert plan.day_budget == round(600 / 7)
    assert 0 < plan.today_minutes <= plan.day_budget
    week_one = keys(plan.weeks[0].items)
    positions = [week_one.index(key) for key in keys(plan.today)]
    assert positions == sorted(positions)


def test_todays_share_skips_what_waits_for_an_item_not_done_today():
    items = [
        item("long", "learn", minutes=80),
        item("after-long", "learn", minutes=5, after="long"),
        item("short", "roadmap", minutes=5),
    ]
    plan = build_plan(items, plan_input(days=28, hours=7, done_today=10))

    assert plan.day_budget == 50
    assert keys(plan.today) == ["short"]


def test_bad_items_are_refused():
    with pytest.raises(ValueError, match="unknown track"):
        build_plan([item("a", "cooking")], plan_input())
    with pytest.raises(ValueError, match="at least a minute"):
        build_plan([item("a", "learn", minutes=0)], plan_input())
    with pytest.raises(ValueError, match="Two items"):
        build_plan([item("a", "learn"), item("a", "roadmap")], plan_input())


# Properties over random dates, budgets and progress


@st.composite
def items_strategy(draw, path_order: bool = False) -> list[Item]:
    """Up to 300 items, some `after` an earlier one; in the caller's track order if
    `path_order`, else with the tracks mixed."""
    size = draw(st.integers(0, 300))  # Drawn first, or Hypothesis keeps lists short.
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TRACKS),
                st.integers(5, 120),
                st.integers(0, 30),
                st.one_of(st.none(), st.integers(0, 10_000)),
            ),
            min_size=size,
            max_size=size,
        )
    )
    if path_order:
        rows.sort(key=lambda row: TRACKS.index(row[0]))
    items = []
    for n, (track, minutes, priority, link) in enumerate(rows):
        after = None
        if link is not None and n > 0:
            # Mostly an earlier item; now and then a key that is not among the items.
            after = items[link % n].key if link % 10 else "gone"
        items.append(item(f"i{n}", track, minutes, priority, after=after))
    return items


@st.composite
def input_strategy(draw, minutes_per_week: int | None = None) -> PlanInput:
    """Any today; no interview date, a past one, today or up to 200 days ahead; random
    weights, reviews and work done today. Minutes per week 60..3000 unless given."""
    today = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    interview = draw(
        st.one_of(
            st.none(),
            st.integers(-400, -1),
            st.just(0),
            st.integers(1, 200),
        )
    )
    weights = draw(
        st.dictionaries(
            st.sampled_from(["coding", "ml_design", "behavioral"]),
            st.floats(0, 5, allow_nan=False, allow_infinity=False),
        )
    )
    reserved = draw(st.dictionaries(st.integers(-10, 60), st.integers(0, 200), max_size=10))
    return PlanInput(
        today=today,
        interview_date=None if interview is None else today + timedelta(days=interview),
        minutes_per_week=minutes_per_week or draw(st.integers(60, 3000)),
        round_weights=weights,
        reserved={today + timedelta(days=offset): minutes for offset, minutes in reserved.items()},
        done_today=draw(st.integers(0, 300)),
    )


def positions(plan: Plan) -> dict[str, tuple[int, int]]:
    return {
        planned.key: (week.number, at)
        for week in plan.weeks
        for at, planned in enumerate(week.items)
    }


@settings(max_examples=200, deadline=None)
@given(items=items_strategy(), given_input=input_strategy())
def test_plan_invariants(items, given_input):
    plan = build_plan(items, given_input)
    where = positions(plan)
    by_key = {planned.key: planned for planned in items}

    # Every item exactly once, across the weeks and what was left out.
    placed = [planned.key for week in plan.weeks for planned in week.items]
    assert sorted(placed + keys(plan.left_out)) == sorted(by_key)
    assert len(set(placed)) == len(placed)
    order = {planned.key: n for n, planned in enumerate(items)}
    assert keys(plan.left_out) == sorted(
        keys(plan.left_out), key=lambda key: (by_key[key].priority, order[key])
    )

    # No week over its budget, and budgets as the rules say.
    for week in plan.weeks:
        assert 0 <= week.minutes <= week.budget
        days = (week.end - week.start).days + 1
        done = given_input.done_today if week.number == 1 else 0
        gross = round(given_input.minutes_per_week * days / 7)
        assert week.budget == max(0, gross - week.reserved - done)

    # `after` honoured: the after item comes first, and a left-out one takes its dependents.
    for key, (week_number, at) in where.items():
        after = by_key[key].after
        if after in by_key:
            assert after in where
            assert where[after] < (week_number, at)

    # Path order within a round (mocks only among themselves).
    for round_name in ("coding", "ml_design", "behavioral"):
        for mocks in (True, False):
            in_path_order = [
                where[planned.key]
                for planned in items
                if planned.key in where
                and ROUND_OF_TRACK[planned.track] == round_name
                and (planned.track == "mocks") == mocks
            ]
            assert in_path_order == sorted(in_path_order)

    # Today's share: a subset of week 1, in its order, within the day budget.
    if plan.weeks:
        week_one = keys(plan.weeks[0].items)
        assert all(key in week_one for key in keys(plan.today))
        today_at = [week_one.index(key) for key in keys(plan.today)]
        assert today_at == sorted(today_at)
        assert plan.day_budget <= plan.weeks[0].budget
    else:
        assert plan.today == []
    assert plan.today_minutes <= plan.day_budget

    # The plan's dates and totals.
    assert plan.start == given_input.today
    assert plan.planned <= plan.capacity
    assert plan.planned + plan.shortfall == plan.needed
    assert plan.fits == (plan.left_out == [])


@settings(max_examples=50, deadline=None)
@given(items=items_strategy(), given_input=input_strategy())
def test_plan_is_deterministic(items, given_input):
    assert build_plan(items, given_input) == build_plan(items, given_input)


@settings(max_examples=100, deadline=None)
@given(
    items=items_strategy(path_order=True),
    given_input=input_strategy(minutes_per_week=1_000_000),
)
def test_with_a_huge_budget_everything_fits(items, given_input):
    plan = build_plan(items, given_input)

    if given_input.interview_date == given_input.today:
        assert plan.weeks == []
        assert len(plan.left_out) == len(items)
    else:
        assert plan.left_out == []
        assert plan.fits
        assert plan.planned == plan.needed


def test_today_starts_with_the_round_furthest_behind_over_the_last_week():
    items = [item(f"p-{n}", "roadmap", 18, 10 + n) for n in range(40)]
    items += [item(f"ml-{n}", "ml_design", 60, 100 + n) for n in range(5)]

    fresh = build_plan(items, plan_input(hours=8, weights=E6))
    after_coding = build_plan(items, plan_input(hours=8, weights=E6, recent={"coding": 100}))

    assert fresh.today[0].track == "roadmap"
    assert keys(after_coding.today) == ["ml-0"]  # a whole 60-minute session in a 69-minute day


def test_a_month_of_doing_what_today_says_covers_every_round_in_proportion():
    """Follow Today for 28 days at 8 hours a week: every round gets done, roughly in the
    proportion of its weight, and the mocks of the last weeks are reached."""
    items = [item(f"p-{n}", "roadmap", 18 + 10 * (n % 2), 10 + n) for n in range(200)]
    items += [item(f"ml-{n}", "ml_design", 60, 100 + n) for n in range(12)]
    items += [item(f"story-{n}", "stories", 30, 100 + n) for n in range(8)]
    items += [item(f"mock-{n}", "mocks", 60, n) for n in range(2)]  # kept first, as coach does
    done: list[tuple[date, Item]] = []
    for day in range(28):
        today = TODAY + timedelta(days=day)
        recent: dict[str, int] = {}
        for when, finished in done:
            if today - when < timedelta(days=7):
                name = ROUND_OF_TRACK[finished.track]
                recent[name] = recent.get(name, 0) + finished.minutes
        finished_keys = {finished.key for _, finished in done}
        left = [i for i in items if i.key not in finished_keys]
        given = PlanInput(
            today=today,
            interview_date=TODAY + timedelta(days=28),
            minutes_per_week=8 * 60,
            round_weights=E6,
            recent=recent,
        )
        done += [(today, planned) for planned in build_plan(left, given).today]

    minutes = {"coding": 0, "ml_design": 0, "behavioral": 0}
    for _, finished in done:
        minutes[ROUND_OF_TRACK[finished.track]] += finished.minutes
    total = sum(minutes.values())
    assert minutes["ml_design"] / total > 0.2  # E6: two of six rounds are ML design
    assert minutes["behavioral"] > 0
    assert {"mock-0", "mock-1"} <= {finished.key for _, finished in done}

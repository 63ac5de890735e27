"""Spaced reviews: when a rated problem or story comes back, and which cards are due."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction

from prep import reviews
from prep.models import Activity, MockProblem, Rating, Review, ReviewCard, Status
from tests.factories import ProblemFactory, ProblemProgressFactory, ProfileFactory, StoryFactory
from tests.threads import run_in_threads

# Noon UTC on a Monday; every rating below happens at a fixed moment, so dates are exact.
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DAY = date(2025, 3, 10)


def days(n: int) -> date:
    return DAY + timedelta(days=n)


@pytest.fixture
def profile(alice):
    return ProfileFactory(user=alice, time_zone="UTC")


@pytest.fixture
def problem(db):
    return ProblemFactory()


def _card(user, problem) -> ReviewCard:
    with transaction.atomic():
        return reviews.problem_card(user, problem, today=DAY)


def _kept(user, problem, status=Status.SOLVED):
    """A problem the candidate has not set aside, as the due list requires."""
    return ProblemProgressFactory(user=user, problem=problem, status=status)


# --- Rating a card ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rating", "due_in"),
    [(Rating.AGAIN, 1), (Rating.HARD, 1), (Rating.GOOD, 2), (Rating.EASY, 8)],
)
def test_a_new_card_comes_back_1_1_2_or_8_days_later(alice, profile, problem, rating, due_in):
    card = _card(alice, problem)

    review = reviews.rate(card, rating, profile=profile, now=NOW)

    assert (review.reviewed_on, review.due_on) == (DAY, days(due_in))
    card.refresh_from_db()
    assert card.due_on == days(due_in)


@pytest.mark.django_db
def test_a_second_rating_the_same_day_replaces_the_first(alice, profile, problem):
    card = _card(alice, problem)
    reviews.rate(card, Rating.HARD, profile=profile, now=NOW)

    later = NOW + timedelta(hours=3)
    reviews.rate(card, Rating.EASY, profile=profile, now=later)

    review = Review.objects.get(card=card)
    assert (review.rating, review.reviewed_at, review.due_on) == (Rating.EASY, later, days(8))
    card.refresh_from_db()
    assert card.due_on == days(8)


@pytest.mark.django_db
def test_a_rating_on_a_later_day_adds_a_review_and_good_intervals_grow(alice, profile, problem):
    card = _card(alice, problem)
    reviewed_on = DAY
    intervals = []
    for _ in range(3):
        now = datetime.combine(reviewed_on, NOW.timetz())
        review = reviews.rate(card, Rating.GOOD, profile=profile, now=now)
        intervals.append((review.due_on - reviewed_on).days)
        reviewed_on = review.due_on

    assert card.reviews.count() == 3
    assert intervals[0] == 2
    assert intervals[0] < intervals[1] < intervals[2]


@pytest.mark.django_db
def test_again_after_good_brings_the_card_back_tomorrow(alice, profile, problem):
    card = _card(alice, problem)
    reviews.rate(card, Rating.GOOD, profile=profile, now=NOW)

    review = reviews.rate(card, Rating.AGAIN, profile=profile, now=NOW + timedelta(days=2))

    assert review.due_on == days(3)


@pytest.mark.django_db
def test_a_card_is_never_due_again_on_the_day_it_was_rated(alice, problem):
    # London falls back an hour on 26 October 2025, a 25-hour day: FSRS's "one day later" for a
    # rating at 00:30 that morning is 23:30 the same evening.
    london = ProfileFactory(user=alice, time_zone="Europe/London")
    card = _card(alice, problem)
    half_past_midnight = datetime(2025, 10, 25, 23, 30, tzinfo=UTC)

    review = reviews.rate(card, Rating.AGAIN, profile=london, now=half_past_midnight)

    assert review.reviewed_on == date(2025, 10, 26)
    assert review.due_on == date(2025, 10, 27)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [0, 5, -1, "3", True])
def test_a_rating_outside_1_to_4_is_refused_and_nothing_is_saved(alice, profile, problem, bad):
    card = _card(alice, problem)

    with pytest.raises(ValueError, match="a rating is 1 to 4"):
        reviews.rate(card, bad, profile=profile, now=NOW)

    assert not Review.objects.exists()
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_rating_records_activity_on_the_problem(alice, profile, problem):
    reviews.rate(_card(alice, problem), Rating.GOOD, profile=profile, now=NOW)

    assert list(Activity.objects.values_list("user", "item")) == [
        (alice.pk, f"problem:{problem.pk}")
    ]


# --- The interview date -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_card_due_after_the_interview_comes_back_the_day_before_it(alice, problem):
    profile = ProfileFactory(user=alice, interview_date=days(5))

    review = reviews.rate(_card(alice, problem), Rating.EASY, profile=profile, now=NOW)

    assert review.due_on == days(4)


@pytest.mark.django_db
def test_with_the_interview_tomorrow_a_card_is_still_due_tomorrow_not_today(alice, problem):
    profile = ProfileFactory(user=alice, interview_date=days(1))

    review = reviews.rate(_card(alice, problem), Rating.GOOD, profile=profile, now=NOW)

    assert review.due_on == days(1)


@pytest.mark.django_db
def test_an_interview_after_the_due_date_changes_nothing(alice, problem):
    profile = ProfileFactory(user=alice, interview_date=days(30))

    review = reviews.rate(_card(alice, problem), Rating.EASY, profile=profile, now=NOW)

    assert review.due_on == days(8)


# --- Time zones -------------------------------------------------------------------------------


LATE_EVENING_UTC = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)  # 08:30 on 11 March in Tokyo


@pytest.mark.django_db
def test_a_rating_late_in_the_utc_day_counts_on_the_tokyo_date(alice, problem):
    tokyo = ProfileFactory(user=alice, time_zone="Asia/Tokyo")

    review = reviews.rate(_card(alice, problem), Rating.GOOD, profile=tokyo, now=LATE_EVENING_UTC)

    assert (review.reviewed_on, review.due_on) == (date(2025, 3, 11), date(2025, 3, 13))


@pytest.mark.django_db
def test_two_ratings_on_one_utc_date_are_two_days_in_tokyo(alice, problem):
    tokyo = ProfileFactory(user=alice, time_zone="Asia/Tokyo")
    card = _card(alice, problem)

    reviews.rate(card, Rating.HARD, profile=tokyo, now=NOW)  # 21:00 on 10 March in Tokyo
    reviews.rate(card, Rating.GOOD, profile=tokyo, now=LATE_EVENING_UTC)

    assert list(card.reviews.values_list("reviewed_on", "rating")) == [
        (DAY, Rating.HARD),
        (date(2025, 3, 11), Rating.GOOD),
    ]


@pytest.mark.django_db
def test_a_new_card_is_due_today_in_the_candidates_time_zone(alice, problem, monkeypatch):
    ProfileFactory(user=alice, time_zone="Asia/Tokyo")
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATE_EVENING_UTC)

    with transaction.atomic():
        card = reviews.problem_card(alice, problem)

    assert card.due_on == date(2025, 3, 11)


# --- Marking a problem solved or needing review -----------------------------------------------


@pytest.mark.django_db
def test_solving_a_problem_makes_a_card_with_a_good_review(alice, profile, problem):
    card = reviews.solved(alice, problem, profile=profile, now=NOW)

    review = Review.objects.get(card__user=alice, card__problem=problem)
    assert (review.rating, review.source) == (Rating.GOOD, Review.Source.SOLVED)
    assert card.due_on == days(2)


@pytest.mark.django_db
def test_solving_leaves_a_rating_given_earlier_that_day_alone(alice, profile, problem):
    reviews.rate(_card(alice, problem), Rating.HARD, profile=profile, now=NOW)

    card = reviews.solved(alice, problem, profile=profile, now=NOW + timedelta(hours=1))

    review = Review.objects.get(card=card)
    assert (review.rating, review.source) == (Rating.HARD, Review.Source.RATED)
    assert card.due_on == days(1)


@pytest.mark.django_db
def test_solving_again_the_next_day_adds_a_review(alice, profile, problem):
    reviews.solved(alice, problem, profile=profile, now=NOW)
    card = reviews.solved(alice, problem, profile=profile, now=NOW + timedelta(days=1))

    assert card.reviews.count() == 2
    assert ReviewCard.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_needs_review_makes_a_solved_problem_due_today_without_a_review(alice, profile, problem):
    reviews.solved(alice, problem, profile=profile)

    card = reviews.needs_review(alice, problem, profile=profile)

    card.refresh_from_db()
    assert card.due_on == profile.today()
    assert card.reviews.count() == 1


@pytest.mark.django_db
def test_needs_review_on_a_problem_without_a_card_makes_one_due_today(alice, profile, problem):
    card = reviews.needs_review(alice, problem, profile=profile)

    assert card.due_on == profile.today()
    assert not card.reviews.exists()


# --- Mock phone screens and stories -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "rating", "due_in"),
    [
        (MockProblem.Outcome.UNAIDED, Rating.GOOD, 2),
        (MockProblem.Outcome.HINTS, Rating.HARD, 1),
        (MockProblem.Outcome.NOT_SOLVED, Rating.AGAIN, 1),
    ],
)
def test_a_mock_outcome_is_a_review_of_the_problem(
    alice, profile, problem, outcome, rating, due_in
):
    card = reviews.mock_outcome(alice, problem, outcome, profile=profile, now=NOW)

    review = Review.objects.get(card=card)
    assert (review.rating, review.source) == (rating, Review.Source.MOCK)
    assert card.due_on == days(due_in)


@pytest.mark.django_db
def test_a_mock_outcome_replaces_a_rating_from_earlier_that_day(alice, profile, problem):
    reviews.solved(alice, problem, profile=profile, now=NOW)

    card = reviews.mock_outcome(
        alice, problem, MockProblem.Outcome.NOT_SOLVED, profile=profile, now=NOW
    )

    assert list(card.reviews.values_list("rating", "source")) == [
        (Rating.AGAIN, Review.Source.MOCK)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["", "nailed_it"])
def test_an_unknown_mock_outcome_is_refused(alice, profile, problem, outcome):
    with pytest.raises(ValueError, match="not a mock outcome"):
        reviews.mock_outcome(alice, problem, outcome, profile=profile, now=NOW)

    assert not ReviewCard.objects.exists()


@pytest.mark.django_db
def test_rehearsing_a_story_makes_a_card_with_a_good_review(alice, profile):
    story = StoryFactory(user=alice)

    card = reviews.rehearsed(alice, story, profile=profile, now=NOW)

    review = Review.objects.get(card=card)
    assert (card.story, review.rating, review.source) == (
        story,
        Rating.GOOD,
        Review.Source.REHEARSED,
    )
    assert card.due_on == days(2)
    assert Activity.objects.filter(user=alice, item=f"story:{story.pk}").exists()


@pytest.mark.django_db
def test_rehearsing_again_the_same_day_keeps_that_days_rating(alice, profile):
    story = StoryFactory(user=alice)
    with transaction.atomic():
        card = reviews.story_card(alice, story, today=DAY)
    reviews.rate(card, Rating.EASY, profile=profile, now=NOW)

    reviews.rehearsed(alice, story, profile=profile, now=NOW + timedelta(hours=1))

    assert list(card.reviews.values_list("rating", flat=True)) == [Rating.EASY]


# --- What is due ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_lists_the_candidates_due_cards_oldest_first(alice, bob, profile):
    overdue, today, later = ProblemFactory(), ProblemFactory(), ProblemFactory()
    for problem, due_on in [(today, DAY), (overdue, days(-3)), (later, days(1))]:
        _kept(alice, problem)
        ReviewCard.objects.create(user=alice, problem=problem, due_on=due_on)
    _kept(bob, today)
    ReviewCard.objects.create(user=bob, problem=today, due_on=days(-5))
    story = StoryFactory(user=alice)
    ReviewCard.objects.create(user=alice, story=story, due_on=days(-1))

    due = list(reviews.due(alice, DAY))

    assert [card.subject for card in due] == [overdue, story, today]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.NOT_STARTED, Status.SKIPPED, None])
def test_due_leaves_out_problems_the_candidate_set_aside(alice, profile, problem, status):
    if status is not None:
        _kept(alice, problem, status)
    ReviewCard.objects.create(user=alice, problem=problem, due_on=DAY)

    assert list(reviews.due(alice, DAY)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.ATTEMPTED, Status.SOLVED, Status.NEEDS_REVIEW])
def test_due_keeps_problems_the_candidate_is_working_on(alice, profile, problem, status):
    _kept(alice, problem, status)
    card = ReviewCard.objects.create(user=alice, problem=problem, due_on=DAY)

    assert list(reviews.due(alice, DAY)) == [card]


def _due_cards(user, n: int) -> None:
    problems = ProblemFactory.create_batch(n)
    stories = StoryFactory.create_batch(n, user=user)
    for problem in problems:
        _kept(user, problem)
    ReviewCard.objects.bulk_create(
        [ReviewCard(user=user, problem=p, due_on=DAY) for p in problems]
        + [ReviewCard(user=user, story=s, due_on=DAY) for s in stories]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_due_takes_one_query_however_many_cards(alice, django_assert_num_queries, n):
    _due_cards(alice, n)

    with django_assert_num_queries(1):
        titles = [str(card.subject) for card in reviews.due(alice, DAY)]

    assert len(titles) == 2 * n


@pytest.mark.django_db
def test_next_review_is_the_card_for_that_problem_in_one_query(
    alice, bob, profile, problem, django_assert_num_queries
):
    card = reviews.solved(alice, problem, profile=profile, now=NOW)

    with django_assert_num_queries(1):
        assert reviews.next_review(alice, problem).due_on == card.due_on
    assert reviews.next_review(bob, problem) is None


@pytest.mark.django_db
def test_history_lists_reviews_newest_first(alice, profile, problem):
    card = _card(alice, problem)
    for offset, rating in [(0, Rating.HARD), (1, Rating.GOOD), (3, Rating.EASY)]:
        reviews.rate(card, rating, profile=profile, now=NOW + timedelta(days=offset))

    assert [r.rating for r in reviews.history(card)] == [Rating.EASY, Rating.GOOD, Rating.HARD]


# --- Concurrency ------------------------------------------------------------------------------

THREADS = 8


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_same_day_ratings_leave_one_review(alice):
    profile = ProfileFactory(user=alice)
    card = _card(alice, ProblemFactory())
    ratings = [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY]

    def rate(i: int) -> int:
        # Fetched without a lock, as a view holding only the card's id would.
        mine = ReviewCard.objects.get(pk=card.pk)
        return reviews.rate(mine, ratings[i % 4], profile=profile, now=NOW).rating

    given = run_in_threads(rate, THREADS)

    review = Review.objects.get(card=card)
    assert review.rating in given
    card.refresh_from_db()
    assert card.due_on == review.due_on


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_solves_of_a_problem_needing_review_add_one_review(alice):
    profile = ProfileFactory(user=alice)
    problem = ProblemFactory()
    reviews.needs_review(alice, problem, profile=profile)

    run_in_threads(lambda i: reviews.solved(alice, problem, profile=profile, now=NOW), THREADS)

    card = ReviewCard.objects.get(user=alice, problem=problem)
    assert card.reviews.count() == 1


@pytest.mark.django_db
def test_the_plan_picks_out_the_same_active_cards_as_reviews_active(alice, bob, profile):
    """The coach works out which cards come up from rows it reads anyway (coach.active_cards):
    it must agree with reviews.active, the rule written as one query."""
    from prep.coach import active_cards, card_rows
    from prep.models import BreadthQuestion, BreadthTopic

    open_topic = BreadthTopic.objects.create(slug="t-open", name="Open", position=91)
    shut_topic = BreadthTopic.objects.create(slug="t-shut", name="Shut", position=92)
    shut_topic.is_archived = True
    shut_topic.save()

    def question(topic, n, **fields):
        return BreadthQuestion.objects.create(
            topic=topic, slug=f"{topic.slug}-{n}", title=f"Q {n}", question="Why?", **fields
        )

    subjects = [{"story": StoryFactory(user=alice)}]
    for status in [*Status.values, None]:  # every status, and no progress at all
        problem = ProblemFactory()
        if status is not None:
            _kept(alice, problem, status)
        subjects.append({"problem": problem})
    subjects += [
        {"question": question(open_topic, 1)},
        {"question": question(open_topic, 2, is_archived=True)},
        {"question": question(shut_topic, 3)},
    ]
    for n, subject in enumerate(subjects):
        ReviewCard.objects.create(user=alice, due_on=days(n - 3), **subject)
    ReviewCard.objects.create(user=bob, story=StoryFactory(user=bob), due_on=DAY)
    statuses = dict(alice.problem_progress.values_list("problem_id", "status"))

    found = {card.pk for card in active_cards(card_rows(alice), statuses)}

    expected = set(reviews.active(alice).values_list("pk", flat=True))
    assert found == expected
    # The story, the three problems in progress or solved, and the question in the bank.
    assert len(expected) == 5

"""Spaced reviews: when a candidate should next look again at a problem they solved, a story, or
an ML breadth question they answered.

The schedule comes from the maintained `fsrs` package, not from a scheduler of our own. Decisions:

- Replay, not stored state. A card keeps no FSRS memory state; its `Review` rows are the truth.
  Whenever a card is rated, all its reviews are replayed in order from a fresh `fsrs.Card()`, each
  at its `reviewed_at`, and the resulting `due` becomes the card's `due_on`. Editing or replacing a
  review can never leave a stale state behind, and a change of FSRS parameters applies to all.
- One review per card per day, the candidate's day (`Profile.zone`). Rating a card again on the
  same day replaces that day's review; it does not add one. The card's row lock, taken before
  today's review is looked up, makes two same-day ratings queue instead of racing the
  `one_review_per_day` constraint.
- No learning steps and no fuzzing, so the schedule is whole days and predictable: a new card rated
  Again, Hard, Good or Easy is due 1, 1, 2 or 8 days later, and tests can pin it.
- Never due twice in one day: `due_on` is at least the day after the review.
- Capped before the interview: a card that would fall due on or after `Profile.interview_date` is
  due the day before it instead, though still never before the day after the review.
"""

from datetime import UTC, date, datetime, timedelta

import fsrs
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from prep.models import (
    BreadthQuestion,
    MockProblem,
    Problem,
    ProblemProgress,
    Profile,
    Rating,
    Review,
    ReviewCard,
    Status,
    Story,
    record_activity,
)

RATING_FOR_OUTCOME = {
    MockProblem.Outcome.UNAIDED: Rating.GOOD,
    MockProblem.Outcome.HINTS: Rating.HARD,
    MockProblem.Outcome.NOT_SOLVED: Rating.AGAIN,
}

# A problem in one of these states was set aside by the candidate; its card waits until it is not.
SET_ASIDE = (Status.NOT_STARTED, Status.SKIPPED)

ONE_DAY = timedelta(days=1)


def scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def problem_card(user, problem: Problem, *, today: date | None = None) -> ReviewCard:
    """The user's card for a problem, created due `today` if missing, locked until the transaction
    ends: call inside `transaction.atomic()`. `today` defaults to the profile's today."""
    return _card(user, today, problem=problem)


def story_card(user, story: Story, *, today: date | None = None) -> ReviewCard:
    """The user's card for a story; as `problem_card`."""
    return _card(user, today, story=story)


def question_card(user, question: BreadthQuestion, *, today: date | None = None) -> ReviewCard:
    """The user's card for an ML breadth question; as `problem_card`."""
    return _card(user, today, question=question)


def rate(
    card: ReviewCard,
    rating: int,
    *,
    profile: Profile,
    source: str = Review.Source.RATED,
    now: datetime | None = None,
) -> Review:
    """Rate a card (1 Again .. 4 Easy): today's review, added or replaced, and the card rescheduled.

    The card is locked and refreshed here, so a card fetched without a lock is fine.
    """
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in Rating.values:
        raise ValueError(f"a rating is 1 to 4, got {rating!r}")
    with transaction.atomic():
        card.refresh_from_db(from_queryset=ReviewCard.objects.select_for_update())
        return _review(card, rating, source, profile, now, replace=True)


def solved(user, problem: Problem, *, profile: Profile, now: datetime | None = None) -> ReviewCard:
    """A problem ticked Solved: its card, with a Good review today unless it already has one."""
    good, source = Rating.GOOD, Review.Source.SOLVED
    return _problem_review(user, problem, good, source, profile, now, replace=False)


def needs_review(user, problem: Problem, *, profile: Profile) -> ReviewCard:
    """A problem ticked Needs review is due now: its card, due today, with no review added."""
    today = profile.today()
    with transaction.atomic():
        card = problem_card(user, problem, today=today)
        if card.due_on != today:
            card.due_on = today
            card.save(update_fields=["due_on"])
    return card


def mock_outcome(
    user, problem: Problem, outcome: str, *, profile: Profile, now: datetime | None = None
) -> ReviewCard:
    """How a problem went in a mock phone screen, as today's review of its card."""
    if outcome not in RATING_FOR_OUTCOME:
        raise ValueError(f"not a mock outcome: {outcome!r}")
    rating = RATING_FOR_OUTCOME[outcome]
    return _problem_review(user, problem, rating, Review.Source.MOCK, profile, now, replace=True)


def rehearsed(user, story: Story, *, profile: Profile, now: datetime | None = None) -> ReviewCard:
    """A story marked rehearsed: its card, with a Good review today unless it already has one."""
    now = now or timezone.now()
    with transaction.atomic():
        card = story_card(user, story, today=_day(now, profile))
        _review(card, Rating.GOOD, Review.Source.REHEARSED, profile, now, replace=False)
    return card


def active(user) -> QuerySet[ReviewCard]:
    """The user's cards that still come up: a problem's only while its progress says the
    candidate has not set it aside, a breadth question's only while it is in the bank. The
    pages work this out from rows they read anyway (`coach.active_cards`); tests hold that to
    this query."""
    kept = ProblemProgress.objects.filter(user=user, problem=OuterRef("problem")).exclude(
        status__in=SET_ASIDE
    )
    in_bank = Q(question__is_archived=False, question__topic__is_archived=False)
    return ReviewCard.objects.filter(user=user).filter(
        Q(story__isnull=False) | Exists(kept) | (Q(question__isnull=False) & in_bank)
    )


def due(user, today: date) -> QuerySet[ReviewCard]:
    """The user's active cards due on or before `today`, oldest first, in one query."""
    return (
        active(user)
        .filter(due_on__lte=today)
        .select_related("problem", "story", "question")
        .order_by("due_on", "id")
    )


def next_review(user, problem: Problem) -> ReviewCard | None:
    return ReviewCard.objects.filter(user=user, problem=problem).first()


def question_review(user, question: BreadthQuestion) -> ReviewCard | None:
    return ReviewCard.objects.filter(user=user, question=question).first()


def history(card: ReviewCard) -> list[Review]:
    """The card's reviews, newest first."""
    return list(card.reviews.order_by("-reviewed_at", "-id"))


def _card(user, today: date | None, **subject: Problem | Story | BreadthQuestion) -> ReviewCard:
    if today is None:
        profile = Profile.objects.filter(user=user).first()
        today = profile.today() if profile else timezone.localdate()
    # INSERT ... ON CONFLICT DO NOTHING, so two first ratings at once share one card.
    ReviewCard.objects.bulk_create(
        [ReviewCard(user=user, due_on=today, **subject)], ignore_conflicts=True
    )
    return ReviewCard.objects.select_for_update().get(user=user, **subject)


def _problem_review(user, problem, rating, source, profile, now, *, replace: bool) -> ReviewCard:
    now = now or timezone.now()
    with transaction.atomic():
        card = problem_card(user, problem, today=_day(now, profile))
        _review(card, rating, source, profile, now, replace=replace)
    return card


def _review(
    card: ReviewCard, rating: int, source: str, profile: Profile, now, *, replace: bool
) -> Review:
    """Today's review of a locked card, added, replaced or (replace=False) left alone."""
    now = now or timezone.now()
    day = _day(now, profile)
    reviews = list(card.reviews.all())
    review = next((r for r in reviews if r.reviewed_on == day), None)
    if review is not None and not replace:
        return review
    if review is None:
        review = Review(card=card, reviewed_on=day)
        reviews.append(review)
    review.rating, review.source, review.reviewed_at = rating, source, now
    reviews.sort(key=lambda r: r.reviewed_at)
    review.due_on = card.due_on = _due_on(_replay(reviews), day, profile)
    review.save()
    card.save(update_fields=["due_on"])
    # Stand-ins: record_activity only needs the keys, and these cost no query.
    if card.problem_id:
        subject = Problem(pk=card.problem_id)
    elif card.story_id:
        subject = Story(pk=card.story_id)
    else:
        subject = BreadthQuestion(pk=card.question_id)
    record_activity(get_user_model()(pk=card.user_id), subject)
    return review


def _replay(reviews: list[Review]) -> datetime:
    """When FSRS says a card with these reviews, oldest first, is next due."""
    schedule, card = scheduler(), fsrs.Card()
    for review in reviews:
        at = review.reviewed_at.astimezone(UTC)  # fsrs accepts UTC datetimes only
        card, _ = schedule.review_card(card, fsrs.Rating(review.rating), at)
    return card.due


def _due_on(due_at: datetime, day: date, profile: Profile) -> date:
    earliest = day + ONE_DAY
    due_on = max(timezone.localdate(due_at, profile.zone), earliest)
    interview = profile.interview_date
    # Only before the interview: once it has passed, the schedule runs on as FSRS says.
    if interview is not None and day < interview and due_on >= interview:
        due_on = max(interview - ONE_DAY, earliest)
    return due_on


def _day(now: datetime, profile: Profile) -> date:
    return timezone.localdate(now, profile.zone)


def cap_to_interview(user, profile: Profile) -> int:
    """Bring the reviews that would fall on or after a new interview date to the day before
    it (never earlier than tomorrow), as rating them would: one query. Returns how many."""
    interview, today = profile.interview_date, profile.today()
    if interview is None or interview <= today:
        return 0
    day = max(interview - ONE_DAY, today + ONE_DAY)
    return ReviewCard.objects.filter(user=user, due_on__gte=interview).update(due_on=day)

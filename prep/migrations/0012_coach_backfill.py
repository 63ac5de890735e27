"""Carry what candidates already did into the coach: their past work becomes activity on the
heatmap, and the problems they solved and stories they rehearsed become review cards.

A card gets one review on the day the work was last done, as if rated then: Good for a solved
problem or a rehearsed story, Hard for a problem marked Needs review. Its next review falls where
FSRS's default first intervals put it (two days after Good, one after Hard), except that Needs
review means due today. Reversing empties the three new tables (reversing 0011 drops them
anyway), including reviews made since; nothing older is touched.
"""

from datetime import datetime, time, timedelta, timezone
from itertools import islice

from django.db import migrations

GOOD, HARD = 3, 2
FIRST_INTERVAL = {GOOD: 2, HARD: 1}
BATCH = 1000


def _noon(day):
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def backfill(apps, schema_editor):
    Activity = apps.get_model("prep", "Activity")
    today = datetime.now(timezone.utc).date()

    def log(rows):
        # In batches: bulk_create would otherwise hold every row of a big table in memory.
        rows = (Activity(user_id=u, item=item, at=at) for u, item, at in rows if at)
        while batch := list(islice(rows, BATCH)):
            Activity.objects.bulk_create(batch)

    model = apps.get_model
    log(
        (u, f"problem:{p}", at)
        for u, p, at in model("prep", "ProblemEvent")
        .objects.values_list("user_id", "problem_id", "created_at")
        .iterator()
    )
    for name, field, kind, stamp in [
        ("ChapterDone", "chapter_id", "learnchapter", "done_at"),
        ("CardDone", "card_id", "learncard", "done_at"),
        ("StageStudied", "stage_id", "designstage", "studied_at"),
    ]:
        rows = model("prep", name).objects.values_list("user_id", field, stamp).iterator()
        log((u, f"{kind}:{pk}", at) for u, pk, at in rows)
    work = model("prep", "StageWork").objects.values_list(
        "attempt__user_id", "attempt__prompt_id", "updated_at"
    )
    log((u, f"practiceprompt:{p}", at) for u, p, at in work.iterator())
    for u, pk, created, updated in (
        model("prep", "Story").objects.values_list("user_id", "pk", "created_at", "updated_at")
    ).iterator():
        log([(u, f"story:{pk}", created), (u, f"story:{pk}", updated)])
    mocks = model("prep", "MockRound").objects.values_list("user_id", "pk", "started_at")
    log((u, f"mockround:{pk}", at) for u, pk, at in mocks.iterator())

    ReviewCard = model("prep", "ReviewCard")
    Review = model("prep", "Review")

    def card(day, rating, source, *, due_today=False, **subject):
        due = today if due_today else day + timedelta(days=FIRST_INTERVAL[rating])
        made = ReviewCard.objects.create(due_on=due, created_at=_noon(day), **subject)
        Review.objects.create(
            card=made,
            rating=rating,
            source=source,
            reviewed_at=_noon(day),
            reviewed_on=day,
            due_on=due,
        )

    progress = model("prep", "ProblemProgress").objects.filter(
        status__in=["solved", "needs_review"]
    )
    for row in progress.iterator():
        day = row.last_practised_on or row.first_solved_on or row.updated_at.date()
        shaky = row.status == "needs_review"
        card(
            day,
            HARD if shaky else GOOD,
            "solved",
            due_today=shaky,
            user_id=row.user_id,
            problem_id=row.problem_id,
        )
    for story in model("prep", "Story").objects.filter(state="rehearsed").iterator():
        card(
            story.updated_at.date(), GOOD, "rehearsed", user_id=story.user_id, story_id=story.pk
        )


def remove(apps, schema_editor):
    for name in ("Activity", "Review", "ReviewCard"):
        apps.get_model("prep", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("prep", "0011_coach")]

    operations = [migrations.RunPython(backfill, remove)]

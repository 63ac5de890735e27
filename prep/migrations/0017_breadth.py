"""ML breadth: topics and questions in the catalogue, candidates' answers, and review cards that
may be about a question.

Every existing review card is about a problem or a story, with no question, so it satisfies the
new check (exactly one of problem, story or question) as it stands: no data moves.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("prep", "0016_practiceprompt_covers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BreadthTopic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=120, unique=True)),
                (
                    "is_archived",
                    models.BooleanField(
                        default=False,
                        help_text="Archived items are hidden from users but kept for their "
                        "progress.",
                        verbose_name="archived",
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("summary", models.CharField(blank=True, max_length=300)),
            ],
            options={"ordering": ["position", "name"]},
        ),
        migrations.CreateModel(
            name="BreadthQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=120, unique=True)),
                (
                    "is_archived",
                    models.BooleanField(
                        default=False,
                        help_text="Archived items are hidden from users but kept for their "
                        "progress.",
                        verbose_name="archived",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="questions",
                        to="prep.breadthtopic",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "title",
                    models.CharField(
                        help_text="A short name, shown in lists and on Today.", max_length=120
                    ),
                ),
                (
                    "question",
                    models.TextField(help_text="The question as an interviewer might ask it."),
                ),
                (
                    "hints",
                    models.TextField(
                        blank=True,
                        help_text="One point per line.",
                        verbose_name="what a good answer covers",
                    ),
                ),
                (
                    "source_name",
                    models.CharField(
                        blank=True,
                        help_text="Somewhere to read more, shown as further reading.",
                        max_length=200,
                    ),
                ),
                ("source_url", models.URLField(blank=True)),
            ],
            options={"ordering": ["topic__position", "position", "title"]},
        ),
        migrations.CreateModel(
            name="BreadthAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="breadth_answers",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="answers",
                        to="prep.breadthquestion",
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "question"), name="one_answer_per_question"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="reviewcard",
            name="question",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review_cards",
                to="prep.breadthquestion",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="reviewcard",
            name="review_card_problem_or_story",
        ),
        migrations.AddConstraint(
            model_name="reviewcard",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("problem__isnull", False),
                        ("question__isnull", True),
                        ("story__isnull", True),
                    ),
                    models.Q(
                        ("problem__isnull", True),
                        ("question__isnull", True),
                        ("story__isnull", False),
                    ),
                    models.Q(
                        ("problem__isnull", True),
                        ("question__isnull", False),
                        ("story__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="review_card_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcard",
            constraint=models.UniqueConstraint(
                condition=models.Q(("question__isnull", False)),
                fields=("user", "question"),
                name="one_review_card_per_question",
            ),
        ),
    ]

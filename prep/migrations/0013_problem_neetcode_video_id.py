"""Problem.neetcode_video_id: the YouTube id of NeetCode's video on a roadmap problem.

Each problem's sync record gains the field's empty value, which is what the last sync left in it,
so the next load_catalog can tell the two cases apart: a problem still as synced takes its video
id from the fixtures, and one an admin gives an id before that sync is an edit and is kept.
"""

import django.core.validators
from django.db import migrations, models

FIELD = "neetcode_video_id"


def record_the_empty_field(apps, schema_editor):
    SyncRecord = apps.get_model("prep", "SyncRecord")
    records = list(SyncRecord.objects.filter(model="prep.problem"))
    for record in records:
        record.values.setdefault(FIELD, "")
    SyncRecord.objects.bulk_update(records, ["values"], batch_size=500)


def forget_the_field(apps, schema_editor):
    SyncRecord = apps.get_model("prep", "SyncRecord")
    records = list(SyncRecord.objects.filter(model="prep.problem"))
    for record in records:
        record.values.pop(FIELD, None)
    SyncRecord.objects.bulk_update(records, ["values"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("prep", "0012_coach_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name=FIELD,
            field=models.CharField(
                blank=True,
                help_text=(
                    "The YouTube id of NeetCode's explanation, for problems on NeetCode's roadmap."
                ),
                max_length=11,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9_-]{11}$", "A YouTube video id is 11 letters, digits, - or _."
                    )
                ],
                verbose_name="NeetCode video",
            ),
        ),
        migrations.RunPython(record_the_empty_field, forget_the_field),
    ]

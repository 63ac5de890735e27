"""PracticePrompt.covers: what a strong answer to the prompt covers, one point per line.

Each prompt's sync record gains the field's empty value, which is what the last sync left in it,
so the next load_catalog can tell the two cases apart: a prompt still as synced takes its points
from the fixtures, and one an admin fills in before that sync is an edit and is kept.
"""

from django.db import migrations, models

FIELD = "covers"


def record_the_empty_field(apps, schema_editor):
    SyncRecord = apps.get_model("prep", "SyncRecord")
    records = list(SyncRecord.objects.filter(model="prep.practiceprompt"))
    for record in records:
        record.values.setdefault(FIELD, "")
    SyncRecord.objects.bulk_update(records, ["values"], batch_size=500)


def forget_the_field(apps, schema_editor):
    SyncRecord = apps.get_model("prep", "SyncRecord")
    records = list(SyncRecord.objects.filter(model="prep.practiceprompt"))
    for record in records:
        record.values.pop(FIELD, None)
    SyncRecord.objects.bulk_update(records, ["values"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("prep", "0015_level_phone_screen_min_problems"),
    ]

    operations = [
        migrations.AddField(
            model_name="practiceprompt",
            name=FIELD,
            field=models.TextField(
                blank=True,
                help_text="One point per line; shown folded away on the prompt page.",
                verbose_name="what a strong answer covers",
            ),
        ),
        migrations.RunPython(record_the_empty_field, forget_the_field),
    ]

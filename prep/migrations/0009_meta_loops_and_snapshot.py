"""Carry data into the models 0008 added, before 0010 drops the level fields it comes from.

- Each level's onsite rounds become Meta's loop for that level (the guide describes Meta's loop),
  keeping whatever an admin had set on the level.
- Meta's six-month list gets its window, and its current entries become its first snapshot, so a
  later catalogue sync finds that snapshot already there and leaves the list as it is.
- Sync records of that list's entries are dropped: snapshots manage those entries from now on.
"""

from django.db import migrations

GUIDE = "The interview guide: the loop by target level"


def forward(apps, schema_editor):
    Company = apps.get_model("prep", "Company")
    Level = apps.get_model("prep", "Level")
    Loop = apps.get_model("prep", "Loop")
    ProblemList = apps.get_model("prep", "ProblemList")
    ListSnapshot = apps.get_model("prep", "ListSnapshot")
    SnapshotEntry = apps.get_model("prep", "SnapshotEntry")
    SyncRecord = apps.get_model("prep", "SyncRecord")

    # Before this migration the catalogue had one company, Meta; if an admin changed its slug,
    # the first company is still the one whose loop the levels describe.
    meta = (
        Company.objects.filter(slug="meta").first()
        or Company.objects.order_by("position", "pk").first()
    )
    if meta is None:
        return  # a database with no catalogue yet: load_catalog will bring it all
    for level in Level.objects.all():
        Loop.objects.get_or_create(
            company=meta,
            level=level,
            defaults={
                "slug": f"{meta.slug}-{level.slug}"[:120],
                "onsite_coding_rounds": level.onsite_coding_rounds,
                "onsite_ml_design_rounds": level.onsite_ml_design_rounds,
                "onsite_behavioral_rounds": level.onsite_behavioral_rounds,
                "source_name": GUIDE,
            },
        )

    six_months = ProblemList.objects.filter(slug="meta-top-100-six-months").first()
    if six_months is None:
        return
    six_months.window = "six-months"
    six_months.save(update_fields=["window"])
    if six_months.snapshot_date and not ListSnapshot.objects.filter(problem_list=six_months):
        entries = six_months.entries.filter(is_archived=False).order_by("position")
        snapshot = ListSnapshot.objects.create(
            problem_list=six_months,
            as_of=six_months.snapshot_date,
            source_name=six_months.source_name,
            source_url=six_months.source_url,
            from_fixtures=True,
        )
        SnapshotEntry.objects.bulk_create(
            SnapshotEntry(
                snapshot=snapshot,
                problem_id=entry.problem_id,
                rank=rank,
                frequency=entry.frequency or 0,
            )
            for rank, entry in enumerate(entries, start=1)
        )
    SyncRecord.objects.filter(
        model="prep.listentry", natural_key__startswith='["meta-top-100-six-months", '
    ).delete()


def backward(apps, schema_editor):
    """Give the levels back the rounds of Meta's loops, the ones the guide describes."""
    Level = apps.get_model("prep", "Level")
    Loop = apps.get_model("prep", "Loop")
    for loop in Loop.objects.filter(company__slug="meta"):
        Level.objects.filter(pk=loop.level_id).update(
            onsite_coding_rounds=loop.onsite_coding_rounds,
            onsite_ml_design_rounds=loop.onsite_ml_design_rounds,
            onsite_behavioral_rounds=loop.onsite_behavioral_rounds,
        )


class Migration(migrations.Migration):
    dependencies = [("prep", "0008_companies_loops_snapshots")]

    operations = [migrations.RunPython(forward, backward)]

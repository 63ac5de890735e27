"""Drop the onsite rounds from Level: 0009 moved them into Meta's loops.

Each field first gets a default, so that migrating backwards can add it again to a table that
has rows; 0009's reverse then copies Meta's loops back into it.
"""

from django.db import migrations, models

ROUNDS = ["onsite_coding_rounds", "onsite_ml_design_rounds", "onsite_behavioral_rounds"]


class Migration(migrations.Migration):
    dependencies = [("prep", "0009_meta_loops_and_snapshot")]

    operations = [
        *(
            migrations.AlterField(
                model_name="level", name=name, field=models.PositiveSmallIntegerField(default=0)
            )
            for name in ROUNDS
        ),
        *(migrations.RemoveField(model_name="level", name=name) for name in ROUNDS),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("prep", "0017_breadth")]

    operations = [
        migrations.AddField(
            model_name="listentry",
            name="frequency_six_months",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text=(
                    "For a list over a longer window: how often the company asked it in the "
                    "last six months, 0 to 100; empty if it was not asked then."
                ),
                max_digits=5,
                null=True,
            ),
        ),
    ]

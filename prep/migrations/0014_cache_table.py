"""The database cache's table (settings.CACHES), which rate limits count in.

Django creates it with `createcachetable`; doing that here means every deploy that migrates has
it, with no extra command to forget. The test runner makes it for test databases itself.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("prep", "0013_problem_neetcode_video_id")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

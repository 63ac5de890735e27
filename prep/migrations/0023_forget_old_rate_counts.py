from django.db import migrations

# Rate limits count in prep_ratecount since 0022. Their counts in the database cache (keys
# ":1:rl:...") are read by nothing now, and the cache only culls on writes, which nothing makes
# any more: delete them. The cache's table stays, empty of them.
FORGET = "DELETE FROM prep_cache WHERE cache_key LIKE ':1:rl:%'"


class Migration(migrations.Migration):
    dependencies = [
        ("prep", "0022_ratecount"),
    ]

    operations = [migrations.RunSQL(FORGET, reverse_sql=migrations.RunSQL.noop)]

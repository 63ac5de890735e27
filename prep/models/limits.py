"""Rate-limit counts: one row per key and window, written only by prep.ratecount.CounterCache."""

from django.db import models


class RateCount(models.Model):
    """How many requests one rate-limit key made in its current window, and when that ends."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.BigIntegerField()
    # Indexed: each new window deletes the rows whose windows have ended.
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

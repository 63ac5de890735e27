"""The read-only link a candidate shares with a mentor."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from prep.models.owned import UserData, UserDataQuerySet


class ShareLinkQuerySet(UserDataQuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(token_hash__isnull=False).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def find(self, token: str) -> "ShareLink | None":
        """The active link for a token, or None; the hashes are compared in constant time."""
        if not isinstance(token, str) or len(token) != SHARE_TOKEN_LENGTH:
            return None
        digest = _token_digest(token)
        for link in self.active().filter(token_prefix=token[:SHARE_PREFIX_LENGTH]):
            if hmac.compare_digest(link.token_hash, digest):
                return link
        return None


# secrets.token_urlsafe(32): 32 random bytes, 256 bits, as 43 URL-safe characters.
SHARE_TOKEN_BYTES = 32
SHARE_TOKEN_LENGTH = 43
SHARE_PREFIX_LENGTH = 8


def _token_digest(token: str) -> str:
    # A fast hash is enough: the token has 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLink(UserData):
    """A candidate's read-only link for a mentor; only a hash of its token is stored."""

    class Expiry(models.IntegerChoices):
        NEVER = 0, "Never"
        WEEK = 7, "After 7 days"
        MONTH = 30, "After 30 days"
        QUARTER = 90, "After 90 days"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_link"
    )
    token_prefix = models.CharField(max_length=SHARE_PREFIX_LENGTH, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expiry_days = models.PositiveSmallIntegerField(choices=Expiry.choices, default=Expiry.NEVER)
    created_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    shows_notes = models.BooleanField("show my problem notes", default=False)
    shows_design_notes = models.BooleanField("show my ML design write-ups", default=False)
    shows_stories = models.BooleanField("show my behavioral stories", default=False)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()
    # A mentor's visit is counted without changing the candidate's data version: no page keeps
    # these, and the mentor's dashboard would never be found kept otherwise.
    version_ignores = ("last_opened_at", "open_count")

    def __str__(self) -> str:
        return f"Share link of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.token_hash is not None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def is_expired(self) -> bool:
        return self.token_hash is not None and not self.is_active

    def issue(self) -> str:
        """Give the link a new token, which stops the old one at once; returns the token."""
        token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        now = timezone.now()
        self.token_prefix = token[:SHARE_PREFIX_LENGTH]
        self.token_hash = _token_digest(token)
        self.created_at = now
        self.expires_at = now + timedelta(days=self.expiry_days) if self.expiry_days else None
        self.last_opened_at = None
        self.open_count = 0
        self.save()
        return token

    def revoke(self) -> None:
        self.token_prefix = ""
        self.token_hash = None
        self.expires_at = None
        self.save()

    def set_expiry(self, days: int) -> None:
        self.expiry_days = days
        if self.created_at and self.token_hash:
            self.expires_at = timezone.now() + timedelta(days=days) if days else None

    def record_visit(self) -> None:
        # One UPDATE with F(), so simultaneous visits are all counted.
        ShareLink.objects.filter(pk=self.pk).update(
            open_count=F("open_count") + 1, last_opened_at=timezone.now()
        )

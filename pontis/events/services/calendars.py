"""Personal calendar feeds: a signed-in person creates a secret feed address for their calendar program, and
revokes it (a revoked address answers 404 for good)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from pontis.core import audit
from pontis.core.errors import IllegalTransition
from pontis.core.permissions import ensure

from ..models import CalendarFeed

FEEDS_PER_PERSON = 10


@transaction.atomic
def calendar_feed_create(*, by) -> CalendarFeed:
    """A new feed for ``by`` (a signed-in person). Raises NotAllowed, IllegalTransition beyond
    ``FEEDS_PER_PERSON`` live feeds."""
    ensure(by, "create", CalendarFeed)
    if CalendarFeed.objects.filter(user=by, revoked_at__isnull=True).count() >= FEEDS_PER_PERSON:
        raise IllegalTransition(code="too_many_feeds")
    feed = CalendarFeed.objects.create(user=by, token=secrets.token_urlsafe(32))
    audit.record_create(feed, by=by)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, by) -> CalendarFeed:
    """Revoke the feed (its address stops working). Revoking twice changes nothing. Raises NotAllowed."""
    ensure(by, "revoke", feed)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        before = audit.snapshot(feed, m2m=False)
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record_update(feed, by=by, before=before)
    return feed

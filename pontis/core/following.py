"""Following: people who asked to hear the news of an object (a request, an Action), and who hears it.

``news_audience(obj, owner=..., region=...)`` is the one answer to "which staff are told": the owning officer and
the object's followers; when nobody owns it, the region's coordinator; when the region has none either, every
active programme officer (as before ownership existed). Partner focal points and experts keep receiving what
concerns them directly; the services add them themselves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from . import audit
from .awaiting import prepared_rows
from .errors import NotAllowed
from .models import Follow
from .permissions import can, ensure
from .roles import Role


def _key(obj) -> dict:
    return {"target_type": ContentType.objects.get_for_model(obj), "target_id": obj.pk}


@transaction.atomic
def follow(user, obj, *, by) -> Follow:
    """``user`` follows ``obj`` (idempotent: following twice keeps one row and one audit row).

    Raises NotAllowed when ``by`` may not follow the object, or sets someone else following it who may not."""
    ensure(by, "follow", obj)
    if user.pk != by.pk and not can(user, "follow", obj):
        raise NotAllowed()
    existing = Follow.objects.filter(user=user, **_key(obj)).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Follow.objects.create(user=user, **_key(obj))
    except IntegrityError:  # a second click that raced the first
        return Follow.objects.get(user=user, **_key(obj))
    audit.record(obj, action="update", by=by, changes={"followers": ["", str(user)]}, note="follow")
    return row


@transaction.atomic
def unfollow(user, obj, *, by) -> bool:
    """``user`` stops following ``obj`` (idempotent). Answers whether a row was removed.

    Raises NotAllowed unless ``by`` is ``user`` (anyone may stop following) or may make people follow it."""
    if user.pk != by.pk:
        ensure(by, "follow", obj)
    removed, _detail = Follow.objects.filter(user=user, **_key(obj)).delete()
    if removed:
        audit.record(obj, action="update", by=by, changes={"followers": [str(user), ""]}, note="unfollow")
    return bool(removed)


def is_following(user, obj) -> bool:
    """Whether ``user`` follows ``obj`` (one query; asked by the follow button of every object page, so its
    statement is written once per worker and kind of object, see ``core.awaiting.prepared_rows``: its values are
    then the reader's id and the object's, which a page about the object reads ahead with its own statements)."""
    if not getattr(user, "is_authenticated", False):
        return False
    key = _key(obj)
    if not isinstance(obj.pk, int):
        return Follow.objects.filter(user=user, **key).exists()
    values = {"user": user.pk, "target_id": obj.pk}
    return bool(prepared_rows("core.following.is_following", _follow_row, values,
                              constants={"target_type": key["target_type"].pk}))


def _follow_row(*, user, target_type, target_id):
    return Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).order_by().values_list("pk")[:1]


def followers(obj):
    """The active people following ``obj``."""
    ids = Follow.objects.filter(**_key(obj)).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def active_officers():
    return get_user_model().objects.filter(is_active=True, roles__role=Role.OFFICER).distinct()


def news_audience(obj, *, owner, region=None) -> list:
    """The staff told about ``obj``: its owner and followers; with no owner, the region's coordinator; with
    neither, every active programme officer. Each person once, inactive people left out."""
    people = {}
    if owner is not None and owner.is_active:
        people[owner.pk] = owner
    else:
        coordinator = getattr(region, "coordinator", None) if region is not None else None
        if coordinator is not None and coordinator.is_active:
            people[coordinator.pk] = coordinator
        else:
            people.update({u.pk: u for u in active_officers()})
    for user in followers(obj):
        people.setdefault(user.pk, user)
    return list(people.values())

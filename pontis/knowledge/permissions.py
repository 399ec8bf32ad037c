"""Who sees and changes the library, the thesaurus and the portal's Actions.

Visibility before everything: search, facet counts, suggestions, similar items, the sitemap and the API all start
from ``visibility_levels(user)`` or a policy's ``visible_to(user)``, so that an item the reader may not open is
never counted, listed, suggested or hinted at.
"""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import Concept, LibraryFile, LibraryItem, PublishedAction, Visibility


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def visibility_levels(user) -> tuple[str, ...]:
    """The visibility levels ``user`` may read: public for everyone, members once signed in, staff for staff."""
    if is_staff(user):
        return (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.STAFF)
    if _signed_in(user):
        return (Visibility.PUBLIC, Visibility.MEMBERS)
    return (Visibility.PUBLIC,)


def reader_class(user) -> str:
    """What decides which library items, published Actions and search documents ``user`` may see: whether they
    are staff, and the visibility levels they read (the policies below depend on nothing else). Readers of one
    class see the same items, so what is computed from those alone may be kept per class, never per person."""
    return f"{'staff' if is_staff(user) else 'other'}:{','.join(visibility_levels(user))}"


@register
class LibraryItemPolicy(Policy):
    model = LibraryItem

    def visible_to(self, user):
        if is_staff(user):
            return LibraryItem.objects.all()  # drafts and withdrawn items too: staff write them
        return LibraryItem.objects.filter(status=LibraryItem.Status.PUBLISHED, visibility__in=visibility_levels(user))

    def can_view(self, user, obj):
        if obj is None:
            return False
        if is_staff(user):
            return True
        return obj.status == LibraryItem.Status.PUBLISHED and obj.visibility in visibility_levels(user)

    def can_create(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user)

    def can_publish(self, user, obj):
        return is_staff(user)


@register
class LibraryFilePolicy(Policy):
    model = LibraryFile

    def visible_to(self, user):
        return LibraryFile.objects.filter(item__in=LibraryItemPolicy().visible_to(user))

    def can_view(self, user, obj):
        return obj is not None and LibraryItemPolicy().can_view(user, obj.item)

    def can_change(self, user, obj):
        return is_staff(user)


@register
class PublishedActionPolicy(Policy):
    model = PublishedAction

    def visible_to(self, user):
        if is_staff(user):
            return PublishedAction.objects.all()
        return PublishedAction.objects.filter(is_published=True)

    def can_view(self, user, obj):
        return obj is not None and (obj.is_published or is_staff(user))

    def can_change(self, user, obj):
        return is_staff(user)


@register
class ConceptPolicy(Policy):
    model = Concept

    def visible_to(self, user):
        return Concept.objects.all()

    def can_view(self, user, obj):
        return obj is not None

    def can_change(self, user, obj):
        return is_staff(user)

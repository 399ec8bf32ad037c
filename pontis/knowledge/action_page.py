"""What the library panel of an Action's page reads, through a kept statement (``core.awaiting.prepared_rows``), so
that the page reads it in the same round trip as its own lists."""

from __future__ import annotations

from pontis.core.awaiting import prepared_rows

from .models import LibraryItem
from .permissions import LibraryItemPolicy, reader_class


def library_items_of_action(user, action) -> list[LibraryItem]:
    """The library items linked to ``action`` that ``user`` may see, as ``selectors.items_for_action`` answers
    them. The policy's list depends on the reader's class alone (``permissions.reader_class``), so its statement is
    kept per class; the items are read on every request."""
    policy = LibraryItemPolicy()

    def linked(*, action):
        return policy.visible_to(user).filter(actions=action).order_by("-year", "slug")

    return prepared_rows(("knowledge.action_page.library_items", reader_class(user)), linked, {"action": action.pk})

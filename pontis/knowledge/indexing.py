"""The one call every write to searchable content makes: the search documents and the meaning vector follow."""

from __future__ import annotations

from . import meaning
from .search import index as search_index


def item_changed(kind: str, object_id: int) -> None:
    """``kind`` is a LibraryItem kind, "action" (a published Action) or "request"; call inside the writing
    transaction: the work is queued when it commits, and dropped if it rolls back."""
    if kind != "request":
        search_index.schedule(kind, object_id)
    meaning.schedule(kind, object_id)

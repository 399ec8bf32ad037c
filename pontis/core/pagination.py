"""Pagination helpers for the HTML lists."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator that stops counting at ``cap``.

    Counting every match of a broad search (a third of a 100,000-expert roster, say) costs far more than the page
    itself, and nobody pages through thousands of rows: past ``cap`` the list says "more than <cap>" and offers
    the first ``cap`` rows, and a narrower search shows the exact figure again.
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @cached_property
    def is_capped(self) -> bool:
        """More rows match than were counted."""
        return self._bounded_count > self.cap

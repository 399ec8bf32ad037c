"""Registrations of the search part of the knowledge app, called from apps.ready()."""

from pontis.core import registry
from pontis.knowledge.search.index import rebuild_all


def load_demo_search_documents(stdout=None):
    """Build every search document now, so that the demo finds things before the task worker has run the queue."""
    written = rebuild_all()
    return f"{sum(written.values())} search documents"


def register():
    """No menu entry of its own: the library page and the portal lead to search (the menu stays short)."""
    # After the library's demo items (60) and published Actions; before meaning (90), which does not need them.
    registry.demo_loader("search", load_demo_search_documents, order=85)

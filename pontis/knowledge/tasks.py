"""Background work of the knowledge app's search: thin wrappers, each safe to run twice."""

from django_tasks import task


@task()
def rebuild_search_documents(kind: str, object_id: int) -> int:
    """Rebuild the search documents of one item from what is stored now; answers how many documents it holds."""
    from .search.index import build_documents

    return build_documents(kind, object_id)

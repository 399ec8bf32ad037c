"""Background work of search by meaning: thin and idempotent (an unchanged text is not encoded again)."""

from django_tasks import task


# The meaning module queues these tasks and the tasks call it: the task side imports it when it runs.
@task()
def compute_embedding(kind: str, object_id: int) -> bool:
    """Bring one item's meaning vector up to date; safe to run any number of times (True if it was encoded)."""
    from .meaning import embedding_compute  # noqa: PLC0415 - see above

    return embedding_compute(kind, object_id)


@task()
def refresh_embeddings() -> int:
    """Catch up with texts changed where no write calls ``indexing.item_changed``: requests (written by intake, which
    cannot call the knowledge app) and the Action titles of published Actions. Answers how many were encoded."""
    from .meaning import ACTION, REQUEST, embeddings_backfill  # noqa: PLC0415 - see above

    return sum(embeddings_backfill(kind, batch_size=256)["encoded"] for kind in (REQUEST, ACTION))

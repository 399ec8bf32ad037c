"""Registrations of the meaning part of the knowledge app (navigation, panels, demo data), called from apps.ready()."""

import datetime

from pontis.core import registry

from .. import meaning
from ..tasks_meaning import refresh_embeddings


def load_demo_meaning(stdout=None):
    """The meaning vectors of the demo's library items, published Actions and requests (unchanged texts are kept)."""
    if not meaning.is_on():
        return "search by meaning is off"
    counts = {"encoded": 0, "unchanged": 0}
    for kind in meaning.KINDS:
        done = meaning.embeddings_backfill(kind)
        counts = {key: counts[key] + done[key] for key in counts}
    return f"{counts['encoded']} texts encoded, {counts['unchanged']} unchanged"


def register():
    # Requests and Action titles change in apps that cannot tell the knowledge app: their vectors catch up here.
    registry.periodic_task(refresh_embeddings, every=datetime.timedelta(minutes=15))
    # After every loader that writes texts (the library's demo is 60).
    registry.demo_loader("meaning", load_demo_meaning, order=90)

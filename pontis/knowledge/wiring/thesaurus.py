"""Registrations of the thesaurus part of the knowledge app (navigation, demo data), called from apps.ready()."""


from pontis.core import registry
from pontis.knowledge.thesaurus import load_thesaurus


def load_demo_thesaurus(stdout=None):
    """The shipped thesaurus, before the library's demo items that are tagged with its concepts."""
    counts = load_thesaurus()
    return f"{counts['concepts']} concepts ({counts['created']} new), {counts['labels_added']} labels added"


def register():
    # Before the knowledge demo (order 55), whose items are tagged with concepts.
    registry.demo_loader("thesaurus", load_demo_thesaurus, order=54)

"""Registrations of the demo part of the knowledge app (navigation, panels, demo data), called from apps.ready()."""

from pontis.core import registry

from ..demo import load_knowledge_demo


def register():
    # After the events (50) and the thesaurus (55): case studies link to demo meetings and tag thesaurus concepts.
    registry.demo_loader("knowledge", load_knowledge_demo, order=60)

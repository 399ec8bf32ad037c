"""Registrations of the panels part of the events app with core.registry (menu, panels, demo loaders, tasks)."""


def register() -> None:
    pass

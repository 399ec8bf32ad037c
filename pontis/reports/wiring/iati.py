"""Registrations of the iati part of the reports app with core.registry."""

from __future__ import annotations


def register() -> None:
    pass

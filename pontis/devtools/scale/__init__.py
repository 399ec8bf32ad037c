"""Stress data for load tests: ``manage.py generate_scale_data`` (see ``registry`` for how steps are added).

Each module below registers its steps when imported; a later app adds a module here and one import line.
"""

from . import feedback, library, steps  # noqa: F401  (register the steps; the order they run in is their own)
from .registry import Context, Step, scale_step
from .registry import steps as registered_steps

__all__ = ["Context", "Step", "scale_step", "registered_steps"]

"""Every figure of the facility, registered once (figures/registry.py). One query each.

The figures live by subject in the modules imported here; importing this module registers them all (apps.py).
How the filters apply, the same way for every figure: figures/common.py and docs/reports.md.
"""

from __future__ import annotations

from . import actions, deliverables, feedback, people, requests  # noqa: F401  (each registers its figures)
from .common import actions_in, actions_of_place  # noqa: F401  (the Actions a filter selects, for the other parts)

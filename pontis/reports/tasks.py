"""Background work of the reports app (django-tasks): thin wrappers that load a job by id and call its builder.
Idempotent: a job already finished or cancelled is left alone."""

from __future__ import annotations

from django_tasks import task  # noqa: F401

# -- annual report (annual.py) --

# -- large exports (exports.py) --

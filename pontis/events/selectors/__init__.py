"""Every read of the events app that is more than a ``get()``, one module per sub-topic."""

from .meetings import meeting_agenda, meeting_detail_queryset, meeting_years, meetings_for  # noqa: F401

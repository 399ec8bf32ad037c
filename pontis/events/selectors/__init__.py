"""Every read of the events app that is more than a ``get()``, one module per sub-topic."""

from .meetings import (  # noqa: F401
    meeting_agenda,
    meeting_agenda_rows,
    meeting_detail_queryset,
    meeting_hosts,
    meeting_list_rows,
    meeting_page_queryset,
    meeting_reference_names,
    meeting_years,
    meetings_for,
)

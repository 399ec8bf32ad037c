"""The API's list of meetings (``GET /meetings``) answered in its schema as built.

A page of meetings read as model instances (with their country, region and panel, and every long text of the
meeting) and then validated again field by field by django-ninja cost about 350 Python calls per row. Here a page
reads only the columns its rows show, builds each row in the route's own schema (``Schema.model_construct``, from
the schema's own types: the tests compare the bytes with those of the validated answer), and the page's schema is
answered as it is (``core.api_helpers.answered_as_built``). The declared schemas, and so the OpenAPI document, are unchanged; who
sees which meetings is still ``meetings_for`` (the policy, on every request)."""

from __future__ import annotations

from pontis.core.api_helpers import LazyRows
from pontis.core.i18n import translate

from .models import Meeting

# What a row of ``MeetingOut`` shows, in the order ``BuiltMeetingRows`` reads it.
_COLUMNS = ("id", "slug", "kind", "title", "start_date", "end_date", "time_zone", "city", "country__code",
            "region__code", "panel__slug", "activity_id", "status", "access")


def _labels(name: str) -> dict:
    return dict(Meeting._meta.get_field(name).flatchoices)


_KIND_LABELS = _labels("kind")
_STATUS_LABELS = _labels("status")


def host_codes_of(ids) -> dict:
    """``{meeting id: [code, ...]}``: the host countries' codes of the meetings ``ids``, sorted. One query (none
    without ids)."""
    codes: dict = {pk: [] for pk in ids}
    if codes:
        for meeting_id, code in (Meeting.host_countries.through.objects.filter(meeting_id__in=list(codes))
                                 .values_list("meeting_id", "country__code").order_by("country__code")):
            codes[meeting_id].append(code)
    return codes


class BuiltMeetingRows(LazyRows):
    """A page of the meetings of ``queryset`` (``selectors.meetings_for``), each built in ``schema`` (the route's
    ``MeetingOut``) as the route's ``_meeting`` shapes a meeting: the paginator counts and slices first, then only
    the page's rows are read, their host countries in one more query."""

    def __getitem__(self, item):
        rows = list(self.queryset.values_list(*_COLUMNS)[item])
        hosts = host_codes_of([row[0] for row in rows])
        schema = self.shape
        kinds: dict = {}
        statuses: dict = {}
        built = []
        for (pk, slug, kind, title, start_date, end_date, time_zone, city, country, region, panel, activity, status,
             access) in rows:
            kind_label = kinds.get(kind)
            if kind_label is None:
                kind_label = kinds[kind] = str(_KIND_LABELS.get(kind, kind))
            status_label = statuses.get(status)
            if status_label is None:
                status_label = statuses[status] = str(_STATUS_LABELS.get(status, status))
            built.append(schema.model_construct(
                id=pk, slug=slug, kind=kind, kind_label=kind_label, title=title, title_text=str(translate(title)),
                start_date=start_date, end_date=end_date, time_zone=time_zone, city=city, country=country,
                region=region, host_countries=sorted(hosts[pk]), panel=panel, activity=activity, status=status,
                status_label=status_label, access=access))
        return built

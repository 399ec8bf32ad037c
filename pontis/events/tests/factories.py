import datetime

from pontis.core.models import Country, Region
from pontis.events.models import Meeting, Session
from pontis.events.services import contribution_create, meeting_create, session_create

_counter = {"n": 0}


def make_meeting(*, slug=None, kind="round_table", is_public=True, held=True, start=datetime.date(2018, 3, 5),
                 days=2, country="TH", region=None, **extra) -> Meeting:
    """A meeting created through the service (as the system), so its audit row exists like in real use."""
    _counter["n"] += 1
    country_obj = Country.objects.get(code=country) if country else None
    return meeting_create(
        by=None, slug=slug or f"meeting-{_counter['n']}", kind=kind, title={"en": f"Meeting {_counter['n']}"},
        start_date=start, end_date=start + datetime.timedelta(days=days - 1), city="Bangkok" if country else "",
        country=country_obj, region=Region.objects.get(code=region) if region else None, is_public=is_public, held=held,
        **extra,
    )


def make_agenda(meeting, sessions=2, contributions=2) -> list[Session]:
    made = []
    for i in range(sessions):
        session = session_create(meeting=meeting, by=None, title={"en": f"Session {i + 1}"}, day=meeting.start_date,
                                 number=i + 1, moderator="Ms Moderator")
        for j in range(contributions):
            contribution_create(session=session, by=None, speaker_name=f"Speaker {i}-{j}", speaker_role="Ministry",
                                country=Country.objects.get(code="PE"), title={"en": f"Talk {i}-{j}"})
        made.append(session)
    return made

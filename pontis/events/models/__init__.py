"""Meetings, panels, agendas, materials, registration, attendance, calendars and minutes.

One module per sub-topic; everything is importable from ``pontis.events.models``.
"""

from .access import ACCESS_ORDER, AccessLevel, RestrictedDisplay
from .materials import Material
from .meetings import Contribution, DiscussionNote, Meeting, Session
from .minutes import Minutes, MinutesComment
from .panels import HostOffer, Panel, PanelDelegate, PanelMember, WorkProgramme, WorkProgrammeTopic
from .registration import Attendance, CalendarFeed, MeetingInvitation, Registration

__all__ = [
    "ACCESS_ORDER", "AccessLevel", "RestrictedDisplay",
    "Meeting", "Session", "Contribution", "DiscussionNote",
    "Material",
    "Minutes", "MinutesComment",
    "Panel", "PanelMember", "PanelDelegate", "WorkProgramme", "WorkProgrammeTopic", "HostOffer",
    "MeetingInvitation", "Registration", "Attendance", "CalendarFeed",
]

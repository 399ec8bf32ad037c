"""The reader's time zone: times are shown where the reader is, with the zone named ("14:30 CET").

Which zone, first that applies: the person's own setting (``User.time_zone``, on their profile page); the zone
their browser reported (``pontis/js/widgets.js`` sets the ``pontis_tz`` cookie once, from
``Intl.DateTimeFormat``); the site's ``TIME_ZONE``. A name that is not a known IANA zone is ignored, so a forged
cookie can do nothing but fall back.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone

from .forms import time_zone_names

COOKIE_NAME = "pontis_tz"


def known_zone(name) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``, or ``None`` when it is empty or not a zone this machine knows."""
    if not name or not isinstance(name, str) or name not in time_zone_names():
        return None
    return zoneinfo.ZoneInfo(name)


def zone_for(request) -> zoneinfo.ZoneInfo:
    """The zone in which ``request``'s reader sees times (see the module's docstring for the order)."""
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        zone = known_zone(getattr(user, "time_zone", ""))
        if zone is not None:
            return zone
    zone = known_zone(request.COOKIES.get(COOKIE_NAME))
    if zone is not None:
        return zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class TimeZoneMiddleware:
    """Activates the reader's zone for the request (after the authentication middleware: it reads the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zone_for(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

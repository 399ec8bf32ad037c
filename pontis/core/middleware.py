"""What a request answers while the database is away: 503, quickly, in the reader's language.

A database that is restarting, refuses connections, dropped ours or stops answering (see ``pontis.core.dbbackend``)
raises ``OperationalError`` or ``InterfaceError``. That is not a fault of the page: the reader gets a short
"unavailable, try again shortly" page (JSON under ``/api/`` and for ``/healthz``) with ``Retry-After``, never the
generic 500 page. Two paths lead here: ``DatabaseUnavailableMiddleware.process_exception`` for errors raised by a
view, and the 500 handler (``pontis.core.views.error_500``) for errors raised in another middleware (loading the
session or the signed-in user). The answer is built without touching the database, so it cannot fail the same way.
Once the database is back, the next request opens a new connection (CONN_HEALTH_CHECKS): nothing needs restarting.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("pontis.database")

DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
JSON_PREFIXES = ("/api/", "/healthz")


def is_database_unavailable(exception: BaseException | None) -> bool:
    """True for a database outage, also when it surfaces as another error: saving the session turns any database
    error into ``UpdateError`` and then ``SessionInterrupted`` (a 400), with the outage as their context."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return False


def database_unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON for the API and the health check, a self-contained page otherwise."""
    path = getattr(request, "path", "") or ""
    message = _("Pontis is briefly unavailable. Please try again in a few moments.")
    if path.startswith(JSON_PREFIXES) or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "status": "unavailable"}, status=503)
    else:
        # Rendered without the request: the context processors read the database.
        response = HttpResponse(render_to_string("errors/503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a view into the 503 answer above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable while serving %s: %s", request.path, exception)
        return database_unavailable_response(request)

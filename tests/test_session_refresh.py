"""Sessions slide without a database write on every request (pontis.accounts.middleware.SessionRefreshMiddleware).

Before: SESSION_SAVE_EVERY_REQUEST rewrote the session row on every page, the busiest write under load.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pontis.accounts.middleware import SESSION_TOUCHED_KEY


def session_writes(client, url="/"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


@pytest.mark.django_db
def test_pages_do_not_rewrite_the_session_row(client, officer):
    client.force_login(officer)
    client.get("/")  # the first request after sign-in may save once (the refresh mark)

    assert session_writes(client) == []
    assert session_writes(client) == []


@pytest.mark.django_db
def test_an_active_session_still_slides_after_the_refresh_interval(client, officer, settings):
    client.force_login(officer)
    client.get("/")
    session = Session.objects.get()
    session.expire_date = timezone.now() + datetime.timedelta(minutes=30)
    data = session.get_decoded()
    data[SESSION_TOUCHED_KEY] = int(timezone.now().timestamp()) - settings.PONTIS_SESSION_REFRESH_SECONDS - 1
    session.session_data = Session.objects.encode(data)
    session.save()

    assert len(session_writes(client)) == 1
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.django_db
def test_visitors_get_no_session(client):
    assert session_writes(client) == []
    assert Session.objects.count() == 0

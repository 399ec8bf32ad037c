"""The reference-data version is read from the shared cache once per request, and at every call outside one."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import Client

from pontis.core import forms
from pontis.core.forms import REFERENCE_VERSION_KEY, bump_reference_version, reference_version
from pontis.events.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _version_reads():
    real_get = cache.get
    reads = []

    def get(key, *args, **kwargs):
        if key == REFERENCE_VERSION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    return reads, mock.patch.object(cache, "get", side_effect=get)


def test_outside_a_request_every_call_reads_the_cache_and_sees_another_process_change():
    first = reference_version()
    reads, patched = _version_reads()
    with patched:
        assert reference_version() == first
        cache.set(REFERENCE_VERSION_KEY, "changed elsewhere", None)  # another worker's bump
        assert reference_version() == "changed elsewhere"
    assert len(reads) == 2


def test_within_a_request_the_version_is_read_once_and_a_change_saved_in_it_is_seen_at_once():
    reads, patched = _version_reads()
    request_started.send(sender=None, environ={})
    try:
        with patched:
            first = reference_version()
            assert reference_version() == first and reference_version() == first
            assert len(reads) == 1
            bump_reference_version()
            second = reference_version()
            assert second != first and reference_version() == second
            assert len(reads) == 2
    finally:
        request_finished.send(sender=None)
    assert forms._version_of_request.get() is None
    with patched:
        cache.set(REFERENCE_VERSION_KEY, "after the request", None)
        assert reference_version() == "after the request"


def _reads_per_page(client, path) -> int:
    client.get(path)
    reads, patched = _version_reads()
    with patched:
        assert client.get(path).status_code == 200
    return len(reads)


def test_a_page_that_asks_the_version_several_times_reads_it_once():
    make_meeting(is_public=True)  # the list then names countries as well as regions: two parts ask the version
    client = Client()
    assert _reads_per_page(client, "/events/") == 1
    assert forms._version_of_request.get() is None
    request_started.disconnect(dispatch_uid="reference-version-request-started")
    try:
        assert _reads_per_page(client, "/events/") > 1  # what the page asks without the per-request reading
    finally:
        request_started.connect(forms.reference_version_request_started,
                                dispatch_uid="reference-version-request-started")

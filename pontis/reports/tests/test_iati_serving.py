"""How the public IATI file is served: a conditional request is answered 304 from the kept file's row alone (its
13 MB at size never read), and a client that accepts gzip gets the file compressed once per build, with its own
ETag and ``Vary: Accept-Encoding``."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from pontis.reports import api_iati
from pontis.reports.iati import publish
from pontis.reports.models import IatiFile

from .test_iati_build import make_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"


@pytest.fixture(autouse=True)
def _empty_caches():
    cache.clear()
    publish._local.clear()
    yield
    cache.clear()
    publish._local.clear()


def _built() -> IatiFile:
    make_action("2016-01")
    make_action("2016-02")
    assert publish.build_run() is True
    return IatiFile.objects.get()


def _forget_everything():
    """A web process that has not read the file yet, with the shared cache emptied (evicted, restarted)."""
    cache.clear()
    publish._local.clear()


def _reads_the_bytes(queries) -> bool:
    return any('"content"' in query["sql"].split(" FROM ")[0] for query in queries)


@pytest.mark.parametrize("recheck", [0, 60])
def test_a_conditional_request_is_answered_without_reading_the_file(recheck):
    state = _built()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=recheck):
        for headers, etag in (
            ({"HTTP_IF_NONE_MATCH": state.etag}, state.etag),
            ({"HTTP_IF_NONE_MATCH": api_iati.gzip_etag(state.etag), "HTTP_ACCEPT_ENCODING": "gzip"},
             api_iati.gzip_etag(state.etag)),
            ({"HTTP_IF_MODIFIED_SINCE": "Fri, 31 Dec 2100 00:00:00 GMT"}, state.etag),
        ):
            _forget_everything()
            with CaptureQueriesContext(connection) as captured:
                response = Client().get(URL, **headers)
            assert response.status_code == 304 and response.content == b""
            assert response["ETag"] == etag and "Accept-Encoding" in response["Vary"]
            assert not _reads_the_bytes(captured.captured_queries)
        # The same client without a validator gets the file (read from the row this once).
        _forget_everything()
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(URL)
        assert response.status_code == 200 and response.content == bytes(state.content)
        assert _reads_the_bytes(captured.captured_queries)


def test_a_client_that_accepts_gzip_gets_the_file_compressed_with_its_own_etag():
    state = _built()
    client = Client()
    plain = client.get(URL)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert plain["ETag"] == state.etag and "Accept-Encoding" in plain["Vary"]
    for accepted in ("gzip", "gzip, deflate, br", "deflate, x-gzip;q=0.5", "br;q=1.0, GZIP ; q=0.8"):
        compressed = client.get(URL, HTTP_ACCEPT_ENCODING=accepted)
        assert compressed.status_code == 200 and compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(compressed.content) == plain.content
        assert len(compressed.content) < len(plain.content) / 3
        assert compressed["ETag"] == api_iati.gzip_etag(state.etag) == state.etag[:-1] + '-gzip"'
        assert compressed["Last-Modified"] == plain["Last-Modified"]
        assert compressed["Content-Type"] == plain["Content-Type"] == "application/xml; charset=utf-8"
        assert "Accept-Encoding" in compressed["Vary"]
    for refused in ("", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.0, deflate", "gzip;q=junk", "xgzip"):
        response = client.get(URL, HTTP_ACCEPT_ENCODING=refused)
        assert "Content-Encoding" not in response and response.content == plain.content, refused
        assert response["ETag"] == state.etag
    # Each form's ETag is answered 304 for that form only.
    assert client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 304
    assert client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 200
    assert client.get(URL, HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 200


def test_the_gzip_form_is_made_once_per_file(monkeypatch):
    made = []
    real = publish.gzipped

    def counting(content):
        made.append(len(content))
        return real(content)

    monkeypatch.setattr(publish, "gzipped", counting)
    state = _built()  # the build makes it and keeps it in the shared cache
    assert len(made) == 1
    client = Client()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        publish._local.clear()  # another web process: the shared cache's copy
        second = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        assert len(made) == 1
        _forget_everything()  # evicted: made again from the row, once, then kept
        third = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        fourth = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        publish._local.clear()
        fifth = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert len(made) == 2
    assert {first.content, second.content, third.content, fourth.content, fifth.content} == {first.content}
    assert gzip.decompress(first.content) == bytes(state.content)


def test_the_bytes_sent_are_always_those_of_the_etag_sent():
    """A build stored between reading the kept file's row and reading its bytes: the newer file is sent, whole,
    with its own ETag and date."""
    old = _built()
    kept = publish.file_state()
    assert kept["etag"] == old.etag and "content" not in kept
    make_action("2016-03")
    publish.refresh()  # stored in the row; this process has not seen it yet
    cache.clear()
    new = IatiFile.objects.get()
    assert new.etag != old.etag
    assert publish.file_body(kept, compressed=True) == publish.gzipped(bytes(new.content))
    assert kept["etag"] == new.etag and kept["last_modified"] == new.last_modified
    assert publish.file_body(kept) == bytes(new.content)


def test_the_file_is_served_the_same_way_to_every_reader_in_one_query_or_none(officer):
    _built()
    anonymous, staff = Client(), Client()
    staff.force_login(officer)
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        anonymous.get(URL)
        for client in (anonymous, staff):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
            assert [query["sql"] for query in captured.captured_queries if "reports_" in query["sql"]] == []

"""How the public IATI file is served: a conditional request is answered 304 from the kept file's row alone (its
13 MB at size never read), a client that accepts gzip gets the file compressed once per build, with its own ETag and
``Vary: Accept-Encoding``, and the bytes are streamed from the web host's own copy on disk (written once per build
and host, atomically; the copies of earlier builds removed), never read into the process."""

from __future__ import annotations

import gzip
import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from pontis.reports import api_iati
from pontis.reports.iati import publish
from pontis.reports.models import IatiFile

from .test_iati_build import make_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"


@pytest.fixture(autouse=True)
def copies(settings, tmp_path):
    """This host's copies of the file (``publish.file_dir()``): the test's own directory."""
    settings.PONTIS_IATI_FILE_DIR = str(tmp_path / "iati-copies")
    return tmp_path / "iati-copies"


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


def body(response) -> bytes:
    """The bytes of an answer, streamed (the file) or not; read once and remembered on the response."""
    if not hasattr(response, "_read_body"):
        response._read_body = response.getvalue()
    return response._read_body


def _on_disk(directory) -> list[str]:
    return sorted(os.listdir(directory)) if directory.exists() else []


def _forget_everything():
    """A web process of a new host that has not read the file yet (no copy on its disk), with the shared cache
    emptied (evicted, restarted)."""
    cache.clear()
    publish._local.clear()
    directory = publish.file_dir()
    for name in _on_disk(directory):
        os.unlink(directory / name)


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
            assert response.status_code == 304 and body(response) == b""
            assert response["ETag"] == etag and "Accept-Encoding" in response["Vary"]
            assert not _reads_the_bytes(captured.captured_queries)
        # The same client without a validator gets the file (read from the row this once).
        _forget_everything()
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(URL)
        assert response.status_code == 200 and body(response) == bytes(state.content)
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
        assert gzip.decompress(body(compressed)) == body(plain)
        assert len(body(compressed)) < len(body(plain)) / 3
        assert compressed["ETag"] == api_iati.gzip_etag(state.etag) == state.etag[:-1] + '-gzip"'
        assert compressed["Last-Modified"] == plain["Last-Modified"]
        assert compressed["Content-Type"] == plain["Content-Type"] == "application/xml; charset=utf-8"
        assert "Accept-Encoding" in compressed["Vary"]
    for refused in ("", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.0, deflate", "gzip;q=junk", "xgzip"):
        response = client.get(URL, HTTP_ACCEPT_ENCODING=refused)
        assert "Content-Encoding" not in response and body(response) == body(plain), refused
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
        first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")  # this host's copy, from the shared cache's
        publish._local.clear()  # another web process of the same host: its copy on disk
        second = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        cache.clear()  # evicted: this host's copy is still there
        third = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        assert len(made) == 1
        _forget_everything()  # a new host, the cache evicted: made again from the row, once, then kept
        fourth = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        fifth = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
        publish._local.clear()
        sixth = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert len(made) == 2
    answers = (first, second, third, fourth, fifth, sixth)
    assert {body(answer) for answer in answers} == {body(first)}
    assert gzip.decompress(body(first)) == bytes(state.content)


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


def _copy(etag: str, *, compressed: bool = False) -> str:
    return publish.copy_path(etag, compressed=compressed).name


def test_the_file_is_streamed_from_this_hosts_copy_written_once_per_file(copies, monkeypatch):
    state = _built()
    written = []
    real = publish._write_copy

    def counting(path, content):
        written.append(path.name)
        return real(path, content)

    opened = []
    real_open = publish.file_open

    def recording(kept, *, compressed=False):
        opened.append(real_open(kept, compressed=compressed))
        return opened[-1]

    monkeypatch.setattr(publish, "_write_copy", counting)
    monkeypatch.setattr(publish, "file_open", recording)
    client = Client()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        for _ in range(2):
            for accepted in ("", "gzip"):
                response = client.get(URL, HTTP_ACCEPT_ENCODING=accepted)
                assert isinstance(response, FileResponse) and response.streaming
                # A file on this host's disk, which the WSGI server hands to sendfile: no bytes built in the process.
                assert opened[-1].fileno() >= 0 and opened[-1].name == str(copies / _copy(state.etag, compressed=bool(accepted)))
                assert int(response["Content-Length"]) == len(body(response))
                assert opened[-1].closed  # closed with the response
        publish._local.clear()  # another web process of this host: the same copies, not written again
        assert body(client.get(URL)) == bytes(state.content)
    assert written == [_copy(state.etag), _copy(state.etag, compressed=True)]
    assert _on_disk(copies) == sorted(written)
    assert (copies / _copy(state.etag)).read_bytes() == bytes(state.content)
    assert (copies / _copy(state.etag, compressed=True)).read_bytes() == publish.gzipped(bytes(state.content))


def test_the_answer_is_the_same_as_before_the_copies_on_disk():
    """Every header the route sent when it answered the bytes from memory, for both forms."""
    state = _built()
    client = Client()
    for accepted, etag, content in (
        ("", state.etag, bytes(state.content)),
        ("gzip", api_iati.gzip_etag(state.etag), publish.gzipped(bytes(state.content))),
    ):
        response = client.get(URL, HTTP_ACCEPT_ENCODING=accepted)
        assert response.status_code == 200 and body(response) == content
        assert response["ETag"] == etag
        assert response["Last-Modified"] == http_date(state.last_modified.timestamp())
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response["Content-Disposition"] == 'inline; filename="activities.xml"'
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response["Vary"] == "Accept-Encoding, Accept-Language, Cookie"
        assert response["Content-Length"] == str(len(content))
        assert response.get("Content-Encoding") == ("gzip" if accepted else None)


def test_a_conditional_request_and_the_503_touch_no_copy(copies):
    client = Client()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        assert client.get(URL).status_code == 503  # nothing built yet (the build is queued, not run)
    state = _built()
    for headers in ({"HTTP_IF_NONE_MATCH": state.etag},
                    {"HTTP_IF_NONE_MATCH": api_iati.gzip_etag(state.etag), "HTTP_ACCEPT_ENCODING": "gzip"}):
        assert client.get(URL, **headers).status_code == 304
    assert _on_disk(copies) == []


def test_a_new_build_replaces_the_copies_of_the_one_before(copies):
    old = _built()
    client = Client()
    client.get(URL)
    client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert _on_disk(copies) == sorted([_copy(old.etag), _copy(old.etag, compressed=True)])
    (copies / ".tmp-left-by-a-dead-process").write_bytes(b"half")
    os.utime(copies / ".tmp-left-by-a-dead-process", (0, 0))
    make_action("2016-03")
    assert publish.build_run() is True
    new = IatiFile.objects.get()
    assert new.etag != old.etag
    response = client.get(URL)
    assert response["ETag"] == new.etag and body(response) == bytes(new.content)
    assert _on_disk(copies) == [_copy(new.etag)]  # the earlier copies and the dead temporary file are gone


def test_a_process_that_still_has_the_old_file_in_mind_sends_the_new_one_whole():
    """Another web process of this host wrote the new build's copy and removed the old ones: a process whose note
    (kept for ``recheck_seconds()``) still names the old file answers the new one, with its ETag and date, and
    never writes the old copy again."""
    old = _built()
    client = Client()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        assert client.get(URL)["ETag"] == old.etag
        note = publish._local["file"]
        make_action("2016-03")
        assert publish.build_run() is True  # clears this process's note: put it back, as in another process
        new = IatiFile.objects.get()
        publish.file_open(dict(etag=new.etag, last_modified=new.last_modified)).close()  # the other process
        publish._local["file"] = note
        for accepted, etag, content in (
            ("", new.etag, bytes(new.content)),
            ("gzip", api_iati.gzip_etag(new.etag), publish.gzipped(bytes(new.content))),
        ):
            response = client.get(URL, HTTP_ACCEPT_ENCODING=accepted)
            assert response["ETag"] == etag and body(response) == content
            assert response["Last-Modified"] == http_date(new.last_modified.timestamp())
    assert _on_disk(publish.file_dir()) == sorted([_copy(new.etag), _copy(new.etag, compressed=True)])


def test_each_host_writes_its_own_copy_from_the_shared_database(tmp_path):
    state = _built()
    answers = []
    for host in ("web-1", "web-2"):
        with override_settings(PONTIS_IATI_FILE_DIR=str(tmp_path / host)):
            _forget_everything()  # and nothing in the shared cache: read from the row
            answers.append(body(Client().get(URL)))
            assert _on_disk(tmp_path / host) == [_copy(state.etag)]
    assert answers == [bytes(state.content)] * 2


def test_a_copy_is_never_seen_half_written(copies, monkeypatch):
    state = _built()

    def failing(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(publish.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        Client().get(URL)
    assert _on_disk(copies) == []  # neither a copy nor the temporary file
    monkeypatch.undo()
    assert body(Client().get(URL)) == bytes(state.content)

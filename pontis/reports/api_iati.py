"""The IATI file: ``GET /api/v1/iati/activities.xml`` (public; IATI standard 2.03).

It holds only what the facility publishes (the Actions shown on the portal, and those withdrawn since, as
cancelled), each checked against the schema, the codelists and the standard's rules; an Action that fails is left
out and listed for staff on /reports/iati/. The route never builds: it serves the last file built by the task
worker (``iati.publish.file_state``), from a copy on the web host's local disk (``iati.publish.file_open``, sent
by gunicorn with sendfile) and, when its sources changed since (read again at most once a minute),
queues a build and keeps serving that file until the new one is ready. ``ETag`` and ``Last-Modified`` let a
harvester ask again cheaply (304, decided before the file's bytes are read). A client that accepts gzip gets the
file compressed once per build (a sixteenth of its size), with its own ETag. Before the first file is built it
answers 503 with ``Retry-After``.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import Router

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth

from .iati import publish

router = Router(tags=["reports"], auth=optional_auth())

XML = "application/xml"
RETRY_AFTER_SECONDS = 120  # the first build checks every public Action: minutes at size


@router.get(
    "/iati/activities.xml",
    openapi_extra={
        **OPTIONAL_AUTH,
        "responses": {
            200: {"description": "The IATI activity file (IATI standard 2.03)", "content": {XML: {}}},
            304: {"description": "Not modified since the ETag or date the client sent"},
            503: {"description": "No file was built yet; it is being prepared (see Retry-After)", "content": {"text/plain": {}}},
        },
    },
    summary="The facility's published Actions as an IATI 2.03 activity file (public)",
)
def iati_activities(request: HttpRequest):
    """The ``<iati-activities version="2.03">`` file. Send ``If-None-Match`` (the ``ETag``) or
    ``If-Modified-Since`` to receive 304 while nothing changed; send ``Accept-Encoding: gzip`` to receive it
    compressed (with its own ``ETag``). 503 with ``Retry-After`` until the first file is built."""
    kept = publish.file_state(exact=False)
    if kept is None:
        response = HttpResponse(
            _("The IATI file is being prepared. Please try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    compressed = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = gzip_etag(kept["etag"]) if compressed else kept["etag"]
    last_modified = int(kept["last_modified"].timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        # This host's copy on disk, streamed (gunicorn hands it to sendfile): the 13 MB never pass through Python.
        stream = publish.file_open(kept, compressed=compressed)  # may have moved ``kept`` to a newer file
        etag = gzip_etag(kept["etag"]) if compressed else kept["etag"]
        last_modified = int(kept["last_modified"].timestamp())
        response = FileResponse(stream, content_type=f"{XML}; charset=utf-8", filename="activities.xml")
        response["Content-Disposition"] = 'inline; filename="activities.xml"'
        if compressed:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (``gzip`` or ``x-gzip``, not with ``q=0``)."""
    for part in header.split(","):
        coding, *params = (item.strip() for item in part.split(";"))
        if coding.lower() not in ("gzip", "x-gzip"):
            continue
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def gzip_etag(etag: str) -> str:
    """The gzip form's own strong ETag (another representation of the same file): ``"<hash>"`` -> ``"<hash>-gzip"``."""
    return etag[:-1] + '-gzip"'

"""Text that no database can store is refused at the door, for every page, form and query string.

A NUL character (``\\x00``) is the one character a browser can send that PostgreSQL refuses in every text and
JSON column ("PostgreSQL text fields cannot contain NUL (0x00) bytes", "unsupported Unicode escape sequence"):
SQLite stores it, so it passes every test there and answers 500 in production. Django's form ``CharField``
refuses it, but a value read from ``request.POST`` or ``request.GET`` without a form (a reason, a note, the Action
Fiche editor's sections, a filter) does not, and neither does a URL part. ``RefuseUnstorableTextMiddleware``
checks them all before any view runs: a 400 page saying why (under ``/api/``, the API's own 422 ``ErrorOut``),
and nothing is written. No person types a NUL; only broken or hostile clients send one.

A lone surrogate (half of a UTF-16 pair, which no UTF-8 database can store) cannot arrive this way: form and
query data are decoded from UTF-8 with replacement, so its bytes become U+FFFD. It can only arrive as a JSON
escape (``"\\ud800"``): the API's ``Text`` type (``pontis.core.api_helpers``) and the translated-text field
(``pontis.core.i18n``) refuse it there.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api_helpers import error_body

NUL = "\x00"


def _values(request, view_kwargs):
    yield from (str(v) for v in view_kwargs.values())
    for key, values in request.GET.lists():
        yield key
        yield from values
    if request.method == "POST":
        for key, values in request.POST.lists():  # form fields only; uploaded files are checked by content
            yield key
            yield from values


def holds_unstorable_text(request, view_kwargs=None) -> bool:
    return any(NUL in value for value in _values(request, view_kwargs or {}))


class RefuseUnstorableTextMiddleware:
    """Answer 400 (422 under ``/api/``) to a request whose URL, query or form data holds a NUL character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not holds_unstorable_text(request, view_kwargs):
            return None
        message = _("The text sent holds a NUL character (\\0), which cannot be stored. Remove it and try again.")
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(message, "invalid"), status=422)
        return render(request, "errors/400.html", {"message": message}, status=400)

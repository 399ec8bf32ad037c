"""Statements of the meeting pages written once per worker, with a meeting's slug or a person's id put in.

A meeting's page and its list of registrations ask the same few queries on every visit; only the meeting (its
slug, then its id) and the reader change. Building and compiling each queryset cost more Python than reading its
answer, so each is compiled once per worker and database with stand-ins (``pontis.core.awaiting.prepared_rows``,
for ids, lists of ids and texts). Only the statement is kept, never an answer. A statement whose compiled SQL does
not carry each stand-in exactly where a value goes is not kept: it then runs as an ordinary queryset.
"""

from __future__ import annotations

from pontis.core.awaiting import forget_prepared, prepared_rows


def kept_rows(key: str, build, values: dict, *, texts: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> list:
    """The rows ``build(**values)`` answers (model instances, or tuples for ``values_list()``), its statement
    compiled once per worker. ``build`` takes one keyword per entry of ``values``: an entry named in ``texts`` is a
    text compared with ``=``, one in ``lists`` a non-empty list of integers (the statement is kept per length),
    any other an integer. ``key`` names the statement."""
    return prepared_rows((__name__, key), build, values, texts=texts, lists=lists)


def forget_kept_statements() -> None:
    """Drop every kept statement (tests that change what a statement is built from)."""
    forget_prepared()

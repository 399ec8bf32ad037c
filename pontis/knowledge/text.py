"""Words for search in five languages: case-folded, accents removed, stemmed with Snowball.

The same function prepares the stored search documents and the query, on SQLite and PostgreSQL alike, so both
databases see the same terms and rank the same way.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

import snowballstemmer

STEMMER_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese", "ru": "russian"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents ("Éducation" -> "education"); Cyrillic й and ё keep their letter base."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    # ``filterfalse`` calls ``combining`` from C: one call per text, not one per character.
    return "".join(itertools.filterfalse(unicodedata.combining, decomposed))


@functools.lru_cache(maxsize=8)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(STEMMER_LANGUAGES.get(lang, "english"))


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded and without accents, in order."""
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=50_000)
def _stem(word: str, lang: str) -> str:
    # The same few thousand words come back on every page (query words, snippets, titles).
    return _stemmer(lang).stemWord(word)


def stems(text: str, lang: str) -> list[str]:
    """The stemmed words of ``text`` in ``lang`` (English rules for a language without a stemmer), in order."""
    return [_stem(w, lang) for w in words(text)]


@functools.lru_cache(maxsize=50_000)
def token_stems(token: str, lang: str) -> frozenset[str]:
    """The stems of one token of a text (a word, or a word with its punctuation), as a set: what highlighting
    and snippets compare with the query's stems, once per token and language rather than once per occurrence."""
    return frozenset(stems(token, lang))

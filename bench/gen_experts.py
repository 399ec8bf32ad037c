"""Scale data for the roster benchmarks: N experts (default 100,000) and 3N deployments, written with bulk inserts.

bench/bench_experts.py calls ``generate(n)`` on its own fresh database; to fill another (migrated) database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/some_db .venv/bin/python bench/gen_experts.py [N]

Also writes bench/out/roster_<N>.csv (the import_roster benchmark's input). Deterministic (seeded).
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

OUT = Path(__file__).resolve().parent / "out"  # generated files, not committed (.gitignore)
SEED = 42


def roster_csv(n: int, path: Path, rng: random.Random) -> Path:
    from pontis.core.models import Country, ThematicArea, Topic

    countries = list(Country.objects.values_list("code", flat=True))
    themes = list(ThematicArea.objects.values_list("code", flat=True))
    topics = list(Topic.objects.values_list("code", "theme__code"))
    langs = ["en", "fr", "es", "pt", "ru", "ar", "de", "it"]
    genders = ["female", "male", "other", "undisclosed"]
    backgrounds = ["government", "non_government_organisation", "academia", "private_sector",
                   "international_organisation", "independent"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["email", "given_name", "family_name", "gender", "nationality", "background", "institution",
                    "languages", "thematic_areas", "topics", "countries_of_experience", "status", "registered_on"])
        for i in range(n):
            th = rng.sample(themes, rng.choice([1, 2]))
            tp = [c for c, t in topics if t in th]
            tp = rng.sample(tp, min(len(tp), 3))
            ls = rng.sample(langs, 2)
            w.writerow([f"bench{i}@example.org", f"Given{i}", f"Family{i % 997}", rng.choice(genders[:2] * 4 + genders),
                        rng.choice(countries), rng.choice(backgrounds), f"Institution {i % 500}",
                        f"{ls[0]}:native;{ls[1]}:{rng.choice(['B1', 'B2', 'C1', 'C2'])}", ";".join(th), ";".join(tp),
                        ";".join(rng.sample(countries, 2)), rng.choice(["active"] * 8 + ["vetted", "inactive"]),
                        (datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 5000))).isoformat()])
    return path


def deployments(n_deployments: int, rng: random.Random) -> int:
    """Bench activities (one Action per year, 300 activities) and deployments spread over 2010-2026."""
    from pontis.actions.models import Action, Activity
    from pontis.core.models import ActivityType, Language, ThematicArea, Topic
    from pontis.experts.models import Deployment, ExpertProfile
    from pontis.experts.services.imports import _refresh_last_deployed

    if Deployment.objects.filter(activity__action__code__startswith="B").exists():
        return 0
    workshop = ActivityType.objects.get(code="workshop")
    themes, topics = list(ThematicArea.objects.all()), list(Topic.objects.all())
    english = Language.objects.get(code="en")
    activities = []
    for k in range(300):
        action = Action.objects.create(code=f"B{k:03d}", title={"en": f"Bench action {k}"},
                                       start_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=k * 20))
        action.themes.set(rng.sample(themes, 1))
        action.topics.set(rng.sample(topics, 3))
        start = action.start_date
        activity = Activity.objects.create(action=action, type=workshop, start_date=start,
                                           end_date=start + datetime.timedelta(days=2))
        activity.languages.set([english])
        activities.append(activity)
    ids = list(ExpertProfile.objects.values_list("id", flat=True))
    rows = []
    used = set()
    while len(rows) < n_deployments:
        pid, act = rng.choice(ids), rng.choice(activities)
        if (pid, act.pk) in used:
            continue
        used.add((pid, act.pk))
        rows.append(Deployment(profile_id=pid, activity_id=act.pk, start_date=act.start_date, end_date=act.end_date,
                               status="completed", imported=True, days=3))
    Deployment.objects.bulk_create(rows, batch_size=5000)
    _refresh_last_deployed(ids)
    return len(rows)


def generate(n: int) -> None:
    from pontis.experts.services.imports import import_roster, read_rows

    rng = random.Random(SEED)
    path = roster_csv(n, OUT / f"roster_{n}.csv", rng)
    report = import_roster(read_rows(path), partial=True)
    print(f"roster: {report['created']} created, {report['updated']} updated, {len(report['errors'])} errors")
    print(f"deployments: {deployments(3 * n, rng)} created")
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics and visibility map, as in a settled database
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main():
    import django

    django.setup()
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)


if __name__ == "__main__":
    main()
